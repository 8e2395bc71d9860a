/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-test-ipfix"

/*
 * Encoder output checked by hand: the message header, the set walk, the
 * template sets, golden bytes of a record and the sequence numbers; the
 * same builder writing NetFlow v9.  Round
 * trips through libfixbuf and the builder's limits are in test_ipfix_read.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "common/model.h"
#include "common/msgenc.h"
#include "exporter/message.h"
#include "tests/unit/ipfix_util.h"

static void
test_ipfix_emit_header_fields(void **state)
{
	struct exp_message *x = ipfix_util_new_builder(1400, FALSE);
	struct mf_flow_rec f4;
	const uint8_t *msg = NULL;
	struct header h;
	size_t len;

	(void)state;
	fb_flow_rec(&f4, FALSE);
	assert_int_equal(exp_message_add_record(x, &mf_tmpl_flow4, &f4), 0);
	len = exp_message_emit(x, &msg);
	assert_int_equal(len, 16 + 4 + FLOW4_WIRE_LEN);
	h = ipfix_util_read_header(msg, len);
	assert_int_equal(h.version, 10);
	assert_int_equal(h.length, len);
	assert_int_equal(h.export_time, EXPORT_TIME);
	assert_int_equal(h.sequence, 0);
	assert_int_equal(h.domain, DOMAIN);

	/* A new export time applies to the next message. */
	exp_message_set_time(x, (uint64_t)(EXPORT_TIME + 60) * 1000);
	assert_int_equal(exp_message_add_record(x, &mf_tmpl_flow4, &f4), 0);
	len = exp_message_emit(x, &msg);
	h = ipfix_util_read_header(msg, len);
	assert_int_equal(h.version, 10);
	assert_int_equal(h.length, len);
	assert_int_equal(h.export_time, EXPORT_TIME + 60);
	assert_int_equal(h.sequence, 1);
	assert_int_equal(h.domain, DOMAIN);
	exp_message_free(x);
}

static void
test_ipfix_add_templates_fresh_builder_fits(void **state)
{
	struct exp_message *x = ipfix_util_new_builder(1400, FALSE);
	const uint8_t *msg = NULL;
	struct header h;
	struct sets s;
	size_t len, i;
	unsigned n_tmpl = 0, n_opt = 0;

	(void)state;
	assert_int_equal(exp_message_add_templates(x), 0);
	len = exp_message_emit(x, &msg);
	h = ipfix_util_read_header(msg, len);
	assert_int_equal(h.version, 10);
	assert_int_equal(h.length, len);
	assert_int_equal(h.domain, DOMAIN);
	ipfix_util_walk_sets(msg, len, &s);
	for (i = 0; i < s.n; i++) {
		if (s.id[i] == 2)
			n_tmpl++;
		else if (s.id[i] == 3)
			n_opt++;
		else
			fail_msg("set %u in a template message",
			    (unsigned)s.id[i]);
	}
	/* One set per template: flow4, flow6, stats; no DNS templates. */
	assert_int_equal(s.n, 3);
	assert_int_equal(n_tmpl, 2);
	assert_int_equal(n_opt, 1);
	/* 16 + 3 * 4 + 2 * 136 + 158 = 458 */
	assert_int_equal(len, 16 + 3 * 4 + 2 * FLOW_TMPL_LEN + STATS_TMPL_LEN);
	exp_message_free(x);
}

static void
test_ipfix_add_templates_fit_smallest_mtu(void **state)
{
	/*
	 * Uniflow: 16 + 5 * 4 + 2 * 136 + 158 + 2 * 90 = 646; biflow: 16 +
	 * 5 * 4 + 2 * 176 + 158 + 2 * 90 = 726.  The DNS templates are
	 * options templates (set 3) scoped by the client.
	 */
	static const size_t want[2] = {
		16 + 5 * 4 + 2 * FLOW_TMPL_LEN + STATS_TMPL_LEN +
		    2 * DNS_TMPL_LEN,
		16 + 5 * 4 + 2 * BIFLOW_TMPL_LEN + STATS_TMPL_LEN +
		    2 * DNS_TMPL_LEN,
	};
	static const uint16_t set_ids[5] = { 2, 2, 3, 3, 3 };
	int biflow;

	(void)state;
	/*
	 * exp_message_new() accepts any MTU from EXP_MESSAGE_MIN_MTU on, so
	 * every template, DNS ones included, must fit a message of that size
	 * (else no data can ever be decoded).
	 */
	assert_int_equal(want[0], 646);
	assert_int_equal(want[1], 726);
	for (biflow = 0; biflow < 2; biflow++) {
		struct exp_message *x =
		    ipfix_util_new_builder(EXP_MESSAGE_MIN_MTU, biflow);
		const uint8_t *msg = NULL;
		struct sets s;
		size_t len, i;

		exp_message_set_dns(x, TRUE);
		assert_int_equal(exp_message_add_templates(x), 0);
		len = exp_message_emit(x, &msg);
		assert_int_equal(len, want[biflow]);
		assert_true(len <= EXP_MESSAGE_MIN_MTU);
		ipfix_util_walk_sets(msg, len, &s);
		assert_int_equal(s.n, 5);
		for (i = 0; i < s.n; i++)
			assert_int_equal(s.id[i], set_ids[i]);
		assert_int_equal(ipfix_util_get_be(msg + s.off[3] + 4, 2),
		    MF_TID_DNS4);
		assert_int_equal(s.len[3], 4 + DNS_TMPL_LEN);
		assert_int_equal(ipfix_util_get_be(msg + s.off[4] + 4, 2),
		    MF_TID_DNS6);
		assert_int_equal(s.len[4], 4 + DNS_TMPL_LEN);
		exp_message_free(x);
	}
}

static void
test_ipfix_add_record_flow4_golden_bytes(void **state)
{
	/* The first 47 bytes of the flow4 record, in template order. */
	static const uint8_t want[47] = {
		0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x7b, /* start */
		0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe6, 0x58, 0x10, /* end */
		192, 0, 2, 1, 198, 51, 100, 2, /* sourceIPv4, destIPv4 */
		0xc3, 0x50, 0x01, 0xbb,        /* ports 50000, 443 */
		6, 0xb8, 0x1b,                 /* proto, tos, tcp flags */
		0x00, 0x00, 0x00, 0x12, 0x34, 0x56, 0x78, 0x9a, /* octets */
		0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, /* packets */
	};
	/* silkAppLabel, initialTCPFlags, unionTCPFlags, three empty label
	 * strings (a length byte of 0 each) and labelSource none. */
	static const uint8_t tail[8] = { 0x01, 0xbb, 0x02, 0x19, 0, 0, 0,
		MF_LABEL_NONE };
	struct exp_message *x = ipfix_util_new_builder(1400, FALSE);
	struct mf_flow_rec f4;
	const uint8_t *msg = NULL, *rec;
	struct sets s;
	size_t len;

	(void)state;
	fb_flow_rec(&f4, FALSE);
	assert_int_equal(exp_message_add_record(x, &mf_tmpl_flow4, &f4), 0);
	len = exp_message_emit(x, &msg);
	assert_int_equal(len, 16 + 4 + FLOW4_WIRE_LEN);
	ipfix_util_walk_sets(msg, len, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.id[0], MF_TID_FLOW4);
	assert_int_equal(s.len[0], 4 + FLOW4_WIRE_LEN);
	rec = msg + s.off[0] + 4;
	assert_memory_equal(rec, want, sizeof(want));
	assert_int_equal(ipfix_util_get_be(rec + 47, 4),
	    0x01020304u); /* ingress */
	assert_int_equal(ipfix_util_get_be(rec + 51, 4),
	    0x05060708u);                                       /* egress */
	assert_int_equal(ipfix_util_get_be(rec + 55, 2), 4094); /* vlan */
	assert_memory_equal(rec + 57, f4.src_mac, 6);
	assert_memory_equal(rec + 63, f4.dst_mac, 6);
	assert_memory_equal(rec + 69, f4.app_id, 3);
	assert_int_equal(rec[72], MF_END_OF_FLOW);
	assert_int_equal(ipfix_util_get_be(rec + 73, 2),
	    0x0303); /* icmpTypeCodeIPv4 */
	assert_memory_equal(rec + 75, tail, sizeof(tail));
	assert_int_equal(75 + sizeof(tail), FLOW4_WIRE_LEN);
	exp_message_free(x);
}

static void
test_ipfix_emit_sets_tile_message(void **state)
{
	struct exp_message *x = ipfix_util_new_builder(1400, FALSE);
	struct mf_flow_rec f4, f6;
	struct mf_stats_rec st;
	const uint8_t *msg = NULL;
	struct sets s;
	size_t len;

	(void)state;
	fb_flow_rec(&f4, FALSE);
	fb_flow_rec(&f6, TRUE);
	fb_stats_rec(&st, DOMAIN);
	assert_int_equal(exp_message_add_record(x, &mf_tmpl_flow4, &f4), 0);
	assert_int_equal(exp_message_add_record(x, &mf_tmpl_flow4, &f4), 0);
	assert_int_equal(exp_message_add_record(x, &mf_tmpl_flow6, &f6), 0);
	assert_int_equal(exp_message_add_record(x, &mf_tmpl_stats, &st), 0);
	len = exp_message_emit(x, &msg);
	ipfix_util_walk_sets(msg, len, &s);
	assert_int_equal(s.n, 3); /* a new set per template change */
	assert_int_equal(s.id[0], MF_TID_FLOW4);
	assert_int_equal(s.len[0], 4 + 2 * FLOW4_WIRE_LEN);
	assert_int_equal(s.id[1], MF_TID_FLOW6);
	assert_int_equal(s.len[1], 4 + FLOW6_WIRE_LEN);
	assert_int_equal(s.id[2], MF_TID_STATS);
	assert_int_equal(s.len[2], 4 + STATS_WIRE_LEN);
	assert_int_equal(len,
	    16 + 12 + 2 * FLOW4_WIRE_LEN + FLOW6_WIRE_LEN + STATS_WIRE_LEN);
	/* The statistics record starts with its scope, the domain. */
	assert_int_equal(ipfix_util_get_be(msg + s.off[2] + 4, 4), DOMAIN);
	exp_message_free(x);
}

static void
test_ipfix_emit_sequence_counts_records(void **state)
{
	struct exp_message *x = ipfix_util_new_builder(1400, FALSE);
	GPtrArray *msgs =
	    g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	static const uint32_t want[] = { 0, 0, 3, 3, 4 };
	struct mf_flow_rec f4;
	struct mf_stats_rec st;
	guint i;

	(void)state;
	fb_flow_rec(&f4, FALSE);
	fb_stats_rec(&st, DOMAIN);
	ipfix_util_add_templates_p(x, msgs);
	ipfix_util_emit_into(x, msgs); /* seq 0 */
	ipfix_util_add_record_p(x, &mf_tmpl_flow4, &f4, msgs);
	ipfix_util_add_record_p(x, &mf_tmpl_flow4, &f4, msgs);
	ipfix_util_add_record_p(x, &mf_tmpl_stats, &st, msgs);
	ipfix_util_emit_into(x, msgs); /* seq 0: three records */
	ipfix_util_add_templates_p(x, msgs);
	ipfix_util_emit_into(x, msgs); /* seq 3: templates are not counted */
	ipfix_util_add_record_p(x, &mf_tmpl_flow4, &f4, msgs);
	ipfix_util_emit_into(x, msgs); /* seq 3 */
	ipfix_util_add_record_p(x, &mf_tmpl_flow4, &f4, msgs);
	ipfix_util_emit_into(x, msgs); /* seq 4 */
	assert_int_equal(msgs->len, G_N_ELEMENTS(want));
	for (i = 0; i < msgs->len; i++) {
		size_t len;
		const uint8_t *msg = ipfix_util_msg_data(msgs, i, &len);

		assert_int_equal(ipfix_util_read_header(msg, len).sequence,
		    want[i]);
	}
	g_ptr_array_unref(msgs);
	exp_message_free(x);
}

static void
test_ipfix_emit_nothing_pending_returns_zero(void **state)
{
	struct exp_message *x = ipfix_util_new_builder(1400, FALSE);
	static const uint8_t sentinel = 0;
	const uint8_t *msg = &sentinel;
	struct mf_flow_rec f4;

	(void)state;
	assert_int_equal(exp_message_emit(x, &msg), 0);
	assert_ptr_equal(msg, &sentinel);

	fb_flow_rec(&f4, FALSE);
	assert_int_equal(exp_message_add_record(x, &mf_tmpl_flow4, &f4), 0);
	assert_int_equal(exp_message_emit(x, &msg), 16 + 4 + FLOW4_WIRE_LEN);
	msg = &sentinel;
	assert_int_equal(exp_message_emit(x, &msg), 0);
	assert_ptr_equal(msg, &sentinel);
	exp_message_free(x);
}

/* ---- msgenc: variable-length fields in IPFIX ----------------------- */

#define LONG_LABEL 2000 /* over MF_MSGENC_VAR_MAX */

/* Begin an IPFIX message of at most cap bytes in buf, as exp_message does. */
static void
start_ipfix(struct mf_msgenc *w, uint8_t *buf, size_t cap)
{
	mf_msgenc_init(w, MF_MSGENC_IPFIX, buf, cap, DOMAIN, 0);
	mf_msgenc_begin(w, (uint64_t)EXPORT_TIME * 1000);
}

/* Fill label[LONG_LABEL] with "abc...zabc...". */
static void
fill_label(uint8_t *label)
{
	size_t i;

	for (i = 0; i < LONG_LABEL; i++)
		label[i] = (uint8_t)('a' + i % 26);
}

static void
test_ipfix_msgenc_record_len_fixed_part(void **state)
{
	const struct mf_msgenc w = { .proto = MF_MSGENC_IPFIX };

	(void)state;
	/* Without the variable-length fields: flow4 79 + labelSource. */
	assert_int_equal(mf_msgenc_record_len(&w, &mf_tmpl_flow4),
	    FLOW4_WIRE_LEN - 3);
	assert_int_equal(mf_msgenc_record_len(&w, &mf_tmpl_flow6),
	    FLOW6_WIRE_LEN - 3);
	assert_int_equal(mf_msgenc_record_len(&w, &mf_tmpl_biflow4),
	    FLOW4_WIRE_LEN - 3 + BIFLOW_EXTRA);
	assert_int_equal(mf_msgenc_record_len(&w, &mf_tmpl_stats),
	    STATS_WIRE_LEN);
	assert_int_equal(mf_msgenc_record_len(&w, &mf_tmpl_dns4),
	    DNS4_FIXED_LEN);
	assert_int_equal(mf_msgenc_record_len(&w, &mf_tmpl_dns6),
	    DNS6_FIXED_LEN);
}

static void
test_ipfix_msgenc_add_record_label_length_prefix(void **state)
{
	/* RFC 7011 7: one length byte below 255, else 255 and a u16. */
	static const struct {
		size_t len;        /* the label's length */
		uint8_t prefix[3]; /* its length prefix on the wire */
		size_t prefix_len;
		size_t wire_len; /* the label bytes sent */
	} cases[] = {
		{ 0, { 0 }, 1, 0 },
		{ 1, { 1 }, 1, 1 },
		{ 254, { 254 }, 1, 254 },
		{ 255, { 255, 0x00, 0xff }, 3, 255 },
		{ 300, { 255, 0x01, 0x2c }, 3, 300 },
		{ MF_MSGENC_VAR_MAX, { 255, 0x04, 0x00 }, 3, 1024 },
		{ MF_MSGENC_VAR_MAX + 1, { 255, 0x04, 0x00 }, 3, 1024 },
		{ LONG_LABEL, { 255, 0x04, 0x00 }, 3, 1024 },
	};
	uint8_t buf[1400], label[LONG_LABEL];
	size_t i;

	(void)state;
	fill_label(label);
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		/* The SNI: dnsQName (empty) before it, httpHost after. */
		size_t plen = cases[i].prefix_len, vlen = cases[i].wire_len;
		size_t rec_len = FLOW4_WIRE_LEN - 1 + plen + vlen;
		const uint8_t *rec = buf + 16 + 4, *p = rec + FLOW_LABEL_OFF;
		struct mf_flow_rec f;
		struct mf_msgenc w;
		struct sets s;

		fb_flow_rec(&f, FALSE);
		f.label_sni.buf = label;
		f.label_sni.len = cases[i].len;
		f.label_source = MF_LABEL_TLS_SNI;
		start_ipfix(&w, buf, sizeof(buf));
		assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &f),
		    0);
		assert_int_equal(mf_msgenc_finish(&w), 16 + 4 + rec_len);
		ipfix_util_walk_sets(buf, 16 + 4 + rec_len, &s);
		assert_int_equal(s.n, 1);
		assert_int_equal(s.len[0], 4 + rec_len);
		assert_int_equal(p[0], 0); /* dnsQName */
		assert_memory_equal(p + 1, cases[i].prefix, plen);
		if (vlen > 0)
			assert_memory_equal(p + 1 + plen, label, vlen);
		assert_int_equal(p[1 + plen + vlen], 0); /* httpHost */
		assert_int_equal(p[2 + plen + vlen], MF_LABEL_TLS_SNI);
		assert_int_equal(FLOW_LABEL_OFF + 3 + plen + vlen, rec_len);
	}
}

static void
test_ipfix_msgenc_add_record_null_label_is_empty(void **state)
{
	struct mf_flow_rec f;
	struct mf_msgenc w;
	uint8_t buf[256];
	const uint8_t *p = buf + 16 + 4 + FLOW_LABEL_OFF;

	(void)state;
	fb_flow_rec(&f, FALSE);
	/* A length without bytes: sent as empty, never read. */
	f.label_dns.len = 10;
	f.label_host.len = 100000;
	f.label_source = MF_LABEL_DNS;
	start_ipfix(&w, buf, sizeof(buf));
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &f), 0);
	assert_int_equal(mf_msgenc_finish(&w), 16 + 4 + FLOW4_WIRE_LEN);
	assert_int_equal(p[0], 0);
	assert_int_equal(p[1], 0);
	assert_int_equal(p[2], 0);
	assert_int_equal(p[3], MF_LABEL_DNS);
}

static void
test_ipfix_msgenc_add_record_label_too_long_for_room_enospc(void **state)
{
	uint8_t buf[EXP_MESSAGE_MIN_MTU], before[EXP_MESSAGE_MIN_MTU];
	uint8_t label[LONG_LABEL];
	struct mf_flow_rec f;
	struct mf_msgenc w;

	(void)state;
	fill_label(label);
	fb_flow_rec(&f, FALSE);
	f.label_host.buf = label;
	f.label_host.len = 300;
	f.label_source = MF_LABEL_HTTP_HOST;
	start_ipfix(&w, buf, sizeof(buf));
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &f), 0);
	/* 16 + 4 + 83 + 2 + 300 = 405: 619 bytes of room left. */
	assert_int_equal(w.wb.len, 405);
	memcpy(before, buf, w.wb.len);
	/*
	 * A label of 535 takes 80 + 1 + 1 + 3 + 535 = 620 bytes: refused,
	 * although the fixed part (80) would fit; nothing is written.
	 */
	f.label_host.len = 535;
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &f), -ENOSPC);
	assert_int_equal(w.wb.len, 405);
	assert_int_equal(w.count, 1);
	assert_int_equal(w.data_records, 1);
	assert_memory_equal(buf, before, 405);
	/* One byte shorter fills the message exactly. */
	f.label_host.len = 534;
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &f), 0);
	assert_int_equal(mf_msgenc_finish(&w), EXP_MESSAGE_MIN_MTU);
	assert_int_equal(ipfix_util_get_be(buf + 2, 2), EXP_MESSAGE_MIN_MTU);
	assert_int_equal(ipfix_util_get_be(buf + 18, 2), 4 + 385 + 619);
	/* A label cut to MF_MSGENC_VAR_MAX still needs its 1024 bytes. */
	start_ipfix(&w, buf, sizeof(buf));
	f.label_host.len = LONG_LABEL;
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &f), -ENOSPC);
	assert_int_equal(w.wb.len, 16);
	assert_int_equal(mf_msgenc_finish(&w), 0);
}

/* ---- DNS records ---------------------------------------------------- */

static void
test_ipfix_add_record_dns_needs_set_dns(void **state)
{
	struct exp_message *x = ipfix_util_new_builder(1400, FALSE);
	struct mf_dns_rec d4, d6;
	const uint8_t *msg = NULL;
	struct sets s;
	size_t len;

	(void)state;
	ipfix_util_fill_dns(&d4, FALSE);
	ipfix_util_fill_dns(&d6, TRUE);
	/* Templates 261 and 262 were not announced (logs). */
	assert_int_equal(exp_message_add_record(x, &mf_tmpl_dns4, &d4),
	    -EINVAL);
	assert_int_equal(exp_message_add_record(x, &mf_tmpl_dns6, &d6),
	    -EINVAL);
	assert_int_equal(exp_message_emit(x, &msg), 0);
	/* Nor are they without set_dns: three template sets only. */
	assert_int_equal(exp_message_add_templates(x), 0);
	len = exp_message_emit(x, &msg);
	ipfix_util_walk_sets(msg, len, &s);
	assert_int_equal(s.n, 3);

	exp_message_set_dns(x, TRUE);
	assert_int_equal(exp_message_add_record(x, &mf_tmpl_dns4, &d4), 0);
	assert_int_equal(exp_message_add_record(x, &mf_tmpl_dns6, &d6), 0);
	len = exp_message_emit(x, &msg);
	/*
	 * dns4: 31 + 1 + 15 + 1 + 15 + 1 + 5 + 2 * 4 = 77; dns6: 55 + 16 +
	 * 16 + 1 + 5 + 2 * 16 = 125.
	 */
	assert_int_equal(len, 16 + 4 + 77 + 4 + 125);
	ipfix_util_walk_sets(msg, len, &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.id[0], MF_TID_DNS4);
	assert_int_equal(s.len[0], 4 + 77);
	assert_int_equal(s.id[1], MF_TID_DNS6);
	assert_int_equal(s.len[1], 4 + 125);
	assert_int_equal(ipfix_util_read_header(msg, len).sequence, 0);
	exp_message_free(x);
}

static void
test_ipfix_add_record_dns4_golden_bytes(void **state)
{
	static const uint8_t want[77] = {
		192, 0, 2, 0x99,                                /* client */
		0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x6b, 0xe7, /* time */
		192, 0, 2, 0x35,                                /* server */
		0x00, 0x35, 0x9c, 0x75,        /* ports 53, 40053 */
		17, 0xbe, 0xef, 1, 0x00, 0x01, /* proto, id, qr, qtype A */
		0, 0x00, 0x00, 0x0e, 0x10,     /* rcode, ttl 3600 */
		15, 'w', 'w', 'w', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.',
		'c', 'o', 'm', /* dnsQName */
		15, 'w', 'e', 'b', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.',
		'n', 'e', 't',                      /* dnsCName */
		13, FB_LIST_SEM_ALL_OF, 0, 8, 0, 4, /* basicList header */
		192, 0, 2, 10, 192, 0, 2, 11,       /* two addresses */
	};
	struct exp_message *x = ipfix_util_new_builder(1400, TRUE);
	struct mf_dns_rec d4;
	const uint8_t *msg = NULL;
	size_t len;

	(void)state;
	ipfix_util_fill_dns(&d4, FALSE);
	exp_message_set_dns(x, TRUE); /* biflow or not */
	assert_int_equal(exp_message_add_record(x, &mf_tmpl_dns4, &d4), 0);
	len = exp_message_emit(x, &msg);
	assert_int_equal(len, 16 + 4 + sizeof(want));
	assert_int_equal(ipfix_util_get_be(msg + 16, 2), MF_TID_DNS4);
	assert_memory_equal(msg + 20, want, sizeof(want));
	exp_message_free(x);
}

/* ---- the same builder serves NetFlow v9 ------------------------------ */

/* v9 through exp_message: the bytes mf_msgenc writes itself. */
static void
test_message_v9_same_bytes_as_msgenc(void **state)
{
	const uint64_t now = (uint64_t)EXPORT_TIME * 1000;
	const uint64_t boot = now - 5000;
	GError *err = NULL;
	struct exp_message *x;
	struct mf_msgenc w;
	uint8_t buf[1400];
	struct mf_flow_rec f4;
	struct mf_dns_rec d4;
	const uint8_t *msg = NULL;
	size_t len;

	(void)state;
	assert_null(
	    exp_message_new(MF_MSGENC_V9, DOMAIN, 1400, TRUE, boot, &err));
	assert_non_null(err);
	g_clear_error(&err);
	x = exp_message_new(MF_MSGENC_V9, DOMAIN, 1400, FALSE, boot, &err);
	assert_non_null(x);
	exp_message_set_dns(x, TRUE); /* v9 has no DNS records: ignored */
	exp_message_set_time(x, now);
	assert_int_equal(exp_message_add_templates(x), 0);
	len = exp_message_emit(x, &msg);

	mf_msgenc_init(&w, MF_MSGENC_V9, buf, sizeof(buf), DOMAIN, boot);
	mf_msgenc_begin(&w, now);
	assert_int_equal(mf_msgenc_add_template(&w, &mf_tmpl_flow4), 0);
	assert_int_equal(mf_msgenc_add_template(&w, &mf_tmpl_flow6), 0);
	assert_int_equal(mf_msgenc_add_template(&w, &mf_tmpl_stats), 0);
	assert_int_equal(len, mf_msgenc_finish(&w));
	assert_memory_equal(msg, buf, len);
	assert_int_equal(ipfix_util_get_be(msg, 2), 9);
	assert_int_equal(ipfix_util_get_be(msg + 2, 2), 3);    /* templates */
	assert_int_equal(ipfix_util_get_be(msg + 4, 4), 5000); /* sysUptime */
	assert_int_equal(ipfix_util_get_be(msg + 8, 4), EXPORT_TIME);

	fb_flow_rec(&f4, FALSE);
	memset(&d4, 0, sizeof(d4));
	assert_int_equal(exp_message_add_record(x, &mf_tmpl_flow4, &f4), 0);
	assert_int_equal(exp_message_add_record(x, &mf_tmpl_dns4, &d4),
	    -EINVAL);
	len = exp_message_emit(x, &msg);
	mf_msgenc_begin(&w, now);
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &f4), 0);
	assert_int_equal(len, mf_msgenc_finish(&w));
	assert_memory_equal(msg, buf, len);
	assert_int_equal(ipfix_util_get_be(msg + 2, 2), 1);
	assert_int_equal(ipfix_util_get_be(msg + 12, 4), 1); /* 2nd message */
	exp_message_free(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipfix_emit_header_fields),
		cmocka_unit_test(test_ipfix_add_templates_fresh_builder_fits),
		cmocka_unit_test(test_ipfix_add_templates_fit_smallest_mtu),
		cmocka_unit_test(test_ipfix_add_record_flow4_golden_bytes),
		cmocka_unit_test(test_ipfix_emit_sets_tile_message),
		cmocka_unit_test(test_ipfix_emit_sequence_counts_records),
		cmocka_unit_test(test_ipfix_emit_nothing_pending_returns_zero),
		cmocka_unit_test(test_ipfix_msgenc_record_len_fixed_part),
		cmocka_unit_test(
		    test_ipfix_msgenc_add_record_label_length_prefix),
		cmocka_unit_test(
		    test_ipfix_msgenc_add_record_null_label_is_empty),
		cmocka_unit_test(
		    test_ipfix_msgenc_add_record_label_too_long_for_room_enospc),
		cmocka_unit_test(test_ipfix_add_record_dns_needs_set_dns),
		cmocka_unit_test(test_ipfix_add_record_dns4_golden_bytes),
		cmocka_unit_test(test_message_v9_same_bytes_as_msgenc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
