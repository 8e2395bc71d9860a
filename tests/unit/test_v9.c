/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-v9"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <cmocka.h>

#include "common/model.h"
#include "common/msgenc.h"
#include "common/wbuf.h"
#include "tests/unit/v9fx.h"

#define MSG_CAP 1400
#define FLOW4_LEN 139 /* pen-0 bytes of mf_tmpl_flow4: 75 + the label */
#define FLOW6_LEN 163 /* flow4 - 2 * 4 + 2 * 16 */
#define TMPL4_LEN 88  /* flow4's template FlowSet: 4 + 4 + 20 * 4 */
#define SET4_LEN 144  /* a FlowSet of one flow4: 4 + 139 + 1 padding */
#define SET6_LEN 168  /* a FlowSet of one flow6: 4 + 163 + 1 padding */
#define STATS_LEN 76  /* 4 + 9 * 8 */
#define OCTETS UINT64_C(0x123456789a)
#define PACKETS UINT64_C(0x100000002)

/* Header of a message begun at V9FX_NOW_MS with sequence 0x0a0b0c0d. */
#define GOLDEN_HEADER(count)                                                  \
	0, 9, 0, count, 0x05, 0x5e, 0x38, 0xc9, 0x65, 0x55, 0x50, 0xcd, 0x0a, \
	    0x0b, 0x0c, 0x0d, 0x01, 0x02, 0x03, 0x04

/* A v9 encoder, for mf_msgenc_record_len(), which reads only proto. */
static const struct mf_msgenc V9W = { .proto = MF_MSGENC_V9 };

static const uint8_t golden_flow4_template[20 + 88] = {
	GOLDEN_HEADER(1), /* version 9, count 1, uptime, secs, seq, id */
	0, 0, 0, 88,      /* template FlowSet, length 4 + 4 + 20 * 4 */
	1, 0, 0, 20,      /* template 256, 20 fields (7 enterprise left out) */
	0, 152, 0, 8,     /* flowStartMilliseconds */
	0, 153, 0, 8,     /* flowEndMilliseconds */
	0, 8, 0, 4,       /* sourceIPv4Address */
	0, 12, 0, 4,      /* destinationIPv4Address */
	0, 7, 0, 2,       /* sourceTransportPort */
	0, 11, 0, 2,      /* destinationTransportPort */
	0, 4, 0, 1,       /* protocolIdentifier */
	0, 5, 0, 1,       /* ipClassOfService */
	0, 6, 0, 1,       /* tcpControlBits */
	0, 1, 0, 8,       /* octetDeltaCount */
	0, 2, 0, 8,       /* packetDeltaCount */
	0, 10, 0, 4,      /* ingressInterface */
	0, 14, 0, 4,      /* egressInterface */
	0, 58, 0, 2,      /* vlanId */
	0, 56, 0, 6,      /* sourceMacAddress */
	0, 80, 0, 6,      /* destinationMacAddress */
	0, 95, 0, 3,      /* applicationId */
	0, 136, 0, 1,     /* flowEndReason */
	0, 32, 0, 2,      /* icmpTypeCodeIPv4 */
	1, 0xcc, 0, 64,   /* httpRequestHost (460), MF_V9_LABEL_LEN */
};

static const uint8_t golden_stats_template[20 + 52] = {
	GOLDEN_HEADER(1),  /* version 9, count 1, uptime, secs, seq, id */
	0, 1, 0, 52,       /* options FlowSet: 4 + 6 + 4 + 9 * 4 + 2 padding */
	1, 4, 0, 4, 0, 36, /* template 260, scope 1 pair, options 9 pairs */
	0, 1, 0, 4,        /* scope System, as long as observationDomainId */
	0, 160, 0, 8,      /* systemInitTimeMilliseconds */
	0, 86, 0, 8,       /* packetTotalCount */
	0, 135, 0, 8,      /* droppedPacketTotalCount */
	0, 164, 0, 8,      /* ignoredPacketTotalCount */
	0, 163, 0, 8,      /* observedFlowTotalCount */
	0, 42, 0, 8,       /* exportedFlowRecordTotalCount */
	0, 41, 0, 8,       /* exportedMessageTotalCount */
	0, 40, 0, 8,       /* exportedOctetTotalCount */
	0, 166, 0, 8,      /* notSentFlowTotalCount */
	0, 0,              /* padding */
};

static uint64_t
get_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)get_be(p, 2);
}

/* Decode one data record of t at p into rec, but for the v9 label. */
static size_t
decode_record(const struct mf_template *t, const uint8_t *p, void *rec)
{
	uint8_t *out = rec;
	size_t off = 0;
	uint16_t i;

	for (i = 0; i < t->n_fields; i++) {
		const struct mf_field *f = &t->fields[i];
		uint64_t v = get_be(p + off, f->len <= 8 ? f->len : 0);
		uint8_t v8 = (uint8_t)v;
		uint16_t v16 = (uint16_t)v;
		uint32_t v32 = (uint32_t)v;

		if (f->pen != MF_PEN_IANA || f->kind == MF_FK_VARLEN)
			continue;
		if (f->len == 1)
			memcpy(out + f->offset, &v8, 1);
		else if (f->len == 2)
			memcpy(out + f->offset, &v16, 2);
		else if (f->len == 4)
			memcpy(out + f->offset, &v32, 4);
		else if (f->len == 8)
			memcpy(out + f->offset, &v, 8);
		else if (f->kind == MF_FK_VALUE)
			memcpy(out + f->offset, p + off, f->len);
		off += f->len;
	}
	return off;
}

/* Every IANA value of t equal in a and b, other fields (labels) zero. */
static void
assert_iana_fields_equal(const struct mf_template *t, const void *a,
    const void *b)
{
	static const uint8_t zero[16];
	const uint8_t *pa = a, *pb = b;
	uint16_t i;

	for (i = 0; i < t->n_fields; i++) {
		const struct mf_field *f = &t->fields[i];

		if (f->kind != MF_FK_VALUE)
			assert_memory_equal(zero, pb + f->offset,
			    sizeof(struct mf_varfield));
		else if (f->pen == MF_PEN_IANA)
			assert_memory_equal(pa + f->offset, pb + f->offset,
			    f->len);
		else
			assert_memory_equal(zero, pb + f->offset, f->len);
	}
}

static const struct mf_template *
find_template(uint16_t id)
{
	if (id != MF_TID_FLOW4 && id != MF_TID_FLOW6 && id != MF_TID_STATS)
		fail_msg("unknown FlowSet id %u", (unsigned)id);
	return id == MF_TID_FLOW4 ? &mf_tmpl_flow4
	    : id == MF_TID_FLOW6  ? &mf_tmpl_flow6
	                          : &mf_tmpl_stats;
}

/* Bytes p[off..len) are padding: fewer than 4, all zero. */
static void
assert_padding(const uint8_t *p, size_t off, size_t len)
{
	assert_true(len - off < 4);
	for (; off < len; off++)
		assert_int_equal(p[off], 0);
}

/* Records in the FlowSet p of length len; checks its padding. */
static unsigned
walk_set(const uint8_t *p, size_t len)
{
	uint16_t id = get16(p);
	unsigned n = 0;
	size_t off = 4, rl;

	if (id == 0) {
		for (; len - off >= 4; n++)
			off += 4 + 4 * (size_t)get16(p + off + 2);
	} else if (id == 1) {
		for (; len - off >= 6; n++)
			off +=
			    6 + (size_t)get16(p + off + 2) + get16(p + off + 4);
	} else {
		rl = mf_msgenc_record_len(&V9W, find_template(id));
		n = (unsigned)((len - 4) / rl);
		off += n * rl;
	}
	assert_true(off <= len);
	assert_padding(p, off, len);
	return n;
}

/*
 * Walk a finished message: FlowSet lengths multiples of 4 that add up to
 * the message, the header count equal to the records found in them.
 * Returns the number of FlowSets.
 */
static unsigned
walk_message(const uint8_t *msg, size_t len)
{
	size_t off = MF_V9_HEADER_LEN, set_len;
	unsigned n = 0, sets = 0;

	assert_int_equal(get16(msg), 9);
	for (; off < len; off += set_len, sets++) {
		assert_true(len - off >= 4);
		set_len = get16(msg + off + 2);
		assert_int_equal(set_len % 4, 0);
		assert_true(set_len >= 8 && set_len <= len - off);
		n += walk_set(msg + off, set_len);
	}
	assert_int_equal(off, len);
	assert_int_equal(get16(msg + 2), n);
	return sets;
}

/* Begin a message at V9FX_NOW_MS, sequence 0x0a0b0c0d, in cap bytes of buf. */
static void
start(struct mf_msgenc *w, uint8_t *buf, size_t cap)
{
	mf_msgenc_init(w, MF_MSGENC_V9, buf, cap, V9FX_SOURCE_ID, V9FX_BOOT_MS);
	w->sequence = 0x0a0b0c0d;
	mf_msgenc_begin(w, V9FX_NOW_MS);
}

static void
test_v9_add_template_flow4_golden(void **state)
{
	struct mf_msgenc w;
	uint8_t buf[MSG_CAP];

	(void)state;
	start(&w, buf, sizeof(buf));
	assert_int_equal(mf_msgenc_add_template(&w, &mf_tmpl_flow4), 0);
	assert_int_equal(mf_msgenc_finish(&w), sizeof(golden_flow4_template));
	assert_memory_equal(buf, golden_flow4_template,
	    sizeof(golden_flow4_template));
	assert_int_equal(walk_message(buf, 20 + TMPL4_LEN), 1);
}

static void
test_v9_add_template_stats_options_golden(void **state)
{
	struct mf_msgenc w;
	uint8_t buf[MSG_CAP];

	(void)state;
	start(&w, buf, sizeof(buf));
	assert_int_equal(mf_msgenc_add_template(&w, &mf_tmpl_stats), 0);
	assert_int_equal(mf_msgenc_finish(&w), sizeof(golden_stats_template));
	assert_memory_equal(buf, golden_stats_template,
	    sizeof(golden_stats_template));
}

static void
test_v9_add_record_flow4_round_trip(void **state)
{
	static const uint8_t src4_wire[4] = { 192, 0, 2, 1 };
	static const uint8_t octets_wire[8] = { 0, 0, 0, 0x12, 0x34, 0x56, 0x78,
		0x9a };
	static const uint8_t app_id[3] = { MF_APPID_ENGINE_IANA_L4, 1, 0xbb };
	struct mf_flow_rec in, out;
	struct mf_msgenc w;
	uint8_t buf[MSG_CAP];
	const uint8_t *set = buf + MF_V9_HEADER_LEN, *rec = set + 4;

	(void)state;
	v9fx_flow(&in, 40001);
	memset(&out, 0, sizeof(out));
	start(&w, buf, sizeof(buf));
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &in), 0);
	assert_int_equal(mf_msgenc_finish(&w), 20 + SET4_LEN);
	assert_int_equal(get16(buf + 2), 1);
	assert_int_equal(get16(set), 256);
	assert_int_equal(get16(set + 2), 4 + FLOW4_LEN + 1);
	assert_int_equal(rec[FLOW4_LEN], 0); /* padding */
	/* Network order on the wire, independent of the decoder below. */
	assert_int_equal(get_be(rec, 8), V9FX_BOOT_MS + 123);
	assert_memory_equal(rec + 16, src4_wire, 4);
	assert_memory_equal(rec + 31, octets_wire, 8);
	assert_int_equal(decode_record(&mf_tmpl_flow4, rec, &out), FLOW4_LEN);
	assert_iana_fields_equal(&mf_tmpl_flow4, &in, &out);
	assert_int_equal(out.octets, OCTETS);
	assert_int_equal(out.packets, PACKETS);
	assert_int_equal(out.sport, 40001);
	assert_int_equal(out.icmp4, 0x0303);
	assert_memory_equal(out.src_mac, in.src_mac, 6);
	assert_memory_equal(out.dst_mac, in.dst_mac, 6);
	assert_memory_equal(out.app_id, app_id, 3);
	assert_int_equal(out.silk_app, 0); /* CERT: not in v9 */
}

static void
test_v9_add_record_flow6_round_trip(void **state)
{
	struct mf_flow_rec in, out;
	struct mf_msgenc w;
	uint8_t buf[MSG_CAP];
	const uint8_t *set = buf + MF_V9_HEADER_LEN, *rec = set + 4;

	(void)state;
	v9fx_flow(&in, 40002);
	memset(&out, 0, sizeof(out));
	start(&w, buf, sizeof(buf));
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow6, &in), 0);
	assert_int_equal(mf_msgenc_finish(&w), 20 + 4 + FLOW6_LEN + 1);
	assert_int_equal(walk_message(buf, 20 + 4 + FLOW6_LEN + 1), 1);
	assert_int_equal(get16(set), 257);
	assert_memory_equal(rec + 16, in.src6, 16);
	assert_int_equal(decode_record(&mf_tmpl_flow6, rec, &out), FLOW6_LEN);
	assert_iana_fields_equal(&mf_tmpl_flow6, &in, &out);
	assert_int_equal(out.src4, 0);
	assert_int_equal(out.icmp6, 0x0104);
	assert_int_equal(out.octets, OCTETS);
}

static void
test_v9_add_record_stats_round_trip(void **state)
{
	struct mf_stats_rec in, out;
	struct mf_msgenc w;
	uint8_t buf[MSG_CAP];
	const uint8_t *set = buf + MF_V9_HEADER_LEN + 52, *rec = set + 4;

	(void)state;
	v9fx_stats(&in);
	memset(&out, 0, sizeof(out));
	start(&w, buf, sizeof(buf));
	assert_int_equal(mf_msgenc_add_template(&w, &mf_tmpl_stats), 0);
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_stats, &in), 0);
	assert_int_equal(mf_msgenc_finish(&w), 20 + 52 + 4 + STATS_LEN);
	assert_int_equal(walk_message(buf, 20 + 52 + 4 + STATS_LEN), 2);
	assert_int_equal(get16(set), 260);
	assert_int_equal(get_be(rec, 4), V9FX_SOURCE_ID); /* the scope first */
	assert_int_equal(decode_record(&mf_tmpl_stats, rec, &out), STATS_LEN);
	assert_iana_fields_equal(&mf_tmpl_stats, &in, &out);
	assert_int_equal(out.octets_exported, UINT64_C(0xfedcba9876543210));
	assert_int_equal(out.peak_flows, 0); /* CERT: not in v9 */
}

static void
test_v9_add_template_biflow_is_refused(void **state)
{
	struct mf_flow_rec r;
	struct mf_msgenc w;
	uint8_t buf[MSG_CAP];

	(void)state;
	v9fx_flow(&r, 1);
	start(&w, buf, sizeof(buf));
	assert_int_equal(mf_msgenc_add_template(&w, &mf_tmpl_biflow4), -EINVAL);
	assert_int_equal(mf_msgenc_add_template(&w, &mf_tmpl_biflow6), -EINVAL);
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_biflow4, &r),
	    -EINVAL);
	/* Internal layouts have template id 0: not a data FlowSet id. */
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_stats_internal, &r),
	    -EINVAL);
	assert_int_equal(w.wb.len, MF_V9_HEADER_LEN);
	assert_int_equal(w.count, 0);
	assert_int_equal(mf_msgenc_finish(&w), 0);
}

static void
test_v9_add_record_full_message_enospc(void **state)
{
	struct mf_flow_rec r;
	struct mf_msgenc w;
	uint8_t buf[MSG_CAP];
	unsigned n = 0;
	size_t len;
	int ret;

	(void)state;
	v9fx_flow(&r, 40003);
	start(&w, buf, sizeof(buf));
	assert_int_equal(mf_msgenc_add_template(&w, &mf_tmpl_flow4), 0);
	while ((ret = mf_msgenc_add_record(&w, &mf_tmpl_flow4, &r)) == 0)
		n++;
	assert_int_equal(ret, -ENOSPC);
	/* (1400 - 20 - 88 - 4) / 139 = 9, and 9 * 139 + 1 padding fits. */
	assert_int_equal(n, 9);
	/* The refused record left nothing behind. */
	assert_int_equal(w.wb.len, 20 + TMPL4_LEN + 4 + 9 * FLOW4_LEN);
	assert_int_equal(w.count, 1 + 9);
	len = mf_msgenc_finish(&w);
	assert_int_equal(len, 20 + TMPL4_LEN + 4 + 9 * FLOW4_LEN + 1);
	assert_true(len <= MSG_CAP);
	assert_int_equal(get16(buf + 2), 1 + n);
	assert_int_equal(walk_message(buf, len), 2); /* template, data */
	mf_msgenc_begin(&w, V9FX_NOW_MS);
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &r), 0);
	assert_int_equal(mf_msgenc_finish(&w), 20 + 4 + FLOW4_LEN + 1);
}

static void
test_v9_add_record_padding_must_fit(void **state)
{
	struct mf_flow_rec r;
	struct mf_msgenc w;
	uint8_t buf[20 + 4 + FLOW4_LEN + 1];

	(void)state;
	v9fx_flow(&r, 1);
	/* The record fits, its 1 byte of padding does not. */
	start(&w, buf, sizeof(buf) - 1);
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &r), -ENOSPC);
	assert_int_equal(w.wb.len, MF_V9_HEADER_LEN);
	assert_int_equal(mf_msgenc_finish(&w), 0);
	start(&w, buf, sizeof(buf));
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &r), 0);
	assert_int_equal(mf_msgenc_finish(&w), sizeof(buf));
	assert_int_equal(buf[sizeof(buf) - 1], 0);
}

static void
test_v9_add_template_full_message_enospc(void **state)
{
	struct mf_flow_rec r;
	struct mf_msgenc w;
	uint8_t buf[20 + SET4_LEN + TMPL4_LEN];

	(void)state;
	v9fx_flow(&r, 1);
	/* The template fits, the open data FlowSet's padding with it not. */
	start(&w, buf, sizeof(buf) - 1);
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &r), 0);
	assert_int_equal(mf_msgenc_add_template(&w, &mf_tmpl_flow4), -ENOSPC);
	assert_int_equal(w.wb.len, 20 + 4 + FLOW4_LEN);
	assert_int_equal(w.count, 1);
	assert_int_equal(mf_msgenc_finish(&w), 20 + SET4_LEN);
	start(&w, buf, sizeof(buf));
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &r), 0);
	assert_int_equal(mf_msgenc_add_template(&w, &mf_tmpl_flow4), 0);
	assert_int_equal(mf_msgenc_finish(&w), sizeof(buf));
	assert_int_equal(walk_message(buf, sizeof(buf)), 2);
}

static void
test_v9_add_record_new_template_new_set(void **state)
{
	struct mf_flow_rec r;
	struct mf_msgenc w;
	uint8_t buf[MSG_CAP];
	size_t len;

	(void)state;
	v9fx_flow(&r, 1);
	start(&w, buf, sizeof(buf));
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &r), 0);
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &r), 0);
	/* Two records share one FlowSet: 4 + 278 + 2 padding. */
	assert_int_equal(mf_msgenc_finish(&w), 20 + 284);
	assert_int_equal(get16(buf + 22), 284);
	mf_msgenc_begin(&w, V9FX_NOW_MS);
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &r), 0);
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow6, &r), 0);
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &r), 0);
	assert_int_equal(mf_msgenc_add_template(&w, &mf_tmpl_flow4), 0);
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &r), 0);
	len = mf_msgenc_finish(&w);
	assert_int_equal(len, 20 + 3 * SET4_LEN + SET6_LEN + TMPL4_LEN);
	assert_int_equal(walk_message(buf, len), 5);
	assert_int_equal(get16(buf + 20), 256);
	assert_int_equal(get16(buf + 20 + 144), 257);
	assert_int_equal(get16(buf + 20 + 144 + 168), 256);
	assert_int_equal(get16(buf + 20 + 144 + 168 + 144), 0);
	assert_int_equal(get16(buf + 20 + 144 + 168 + 144 + 88), 256);
}

static void
test_v9_finish_sequence_skips_empty(void **state)
{
	struct mf_flow_rec r;
	struct mf_msgenc w;
	uint8_t buf[MSG_CAP];

	(void)state;
	v9fx_flow(&r, 1);
	mf_msgenc_init(&w, MF_MSGENC_V9, buf, sizeof(buf), V9FX_SOURCE_ID,
	    V9FX_BOOT_MS);
	mf_msgenc_begin(&w, V9FX_NOW_MS);
	assert_int_equal(mf_msgenc_finish(&w), 0);
	assert_int_equal(w.sequence, 0);
	mf_msgenc_begin(&w, V9FX_NOW_MS);
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &r), 0);
	assert_int_not_equal(mf_msgenc_finish(&w), 0);
	assert_int_equal(get_be(buf + 12, 4), 0);
	assert_int_equal(w.sequence, 1);
	mf_msgenc_begin(&w, V9FX_NOW_MS);
	assert_int_equal(mf_msgenc_finish(&w), 0);
	assert_int_equal(w.sequence, 1);
	mf_msgenc_begin(&w, V9FX_NOW_MS);
	assert_int_equal(mf_msgenc_add_template(&w, &mf_tmpl_flow6), 0);
	assert_int_not_equal(mf_msgenc_finish(&w), 0);
	assert_int_equal(get_be(buf + 12, 4), 1);
	assert_int_equal(w.sequence, 2);
}

static void
test_v9_begin_sys_uptime(void **state)
{
	struct mf_msgenc w;
	uint8_t buf[MSG_CAP];

	(void)state;
	mf_msgenc_init(&w, MF_MSGENC_V9, buf, sizeof(buf), V9FX_SOURCE_ID,
	    V9FX_BOOT_MS);
	mf_msgenc_begin(&w, V9FX_BOOT_MS + 123456);
	assert_int_equal(get_be(buf + 4, 4), 123456);
	assert_int_equal(get_be(buf + 8, 4), 1700000123);
	assert_int_equal(get_be(buf + 16, 4), V9FX_SOURCE_ID);
	mf_msgenc_begin(&w, V9FX_BOOT_MS);
	assert_int_equal(get_be(buf + 4, 4), 0);
	mf_msgenc_begin(&w, V9FX_BOOT_MS - 1000); /* clock stepped back */
	assert_int_equal(get_be(buf + 4, 4), 0);
	assert_int_equal(get_be(buf + 8, 4), 1699999999);
	mf_msgenc_begin(&w,
	    V9FX_BOOT_MS + (UINT64_C(1) << 32) + 5); /* 49.7 days */
	assert_int_equal(get_be(buf + 4, 4), 5);
	assert_int_equal(w.wb.len, MF_V9_HEADER_LEN);
}

static void
test_v9_record_len_iana_fields_only(void **state)
{
	(void)state;
	assert_int_equal(mf_msgenc_record_len(&V9W, &mf_tmpl_flow4), FLOW4_LEN);
	assert_int_equal(mf_msgenc_record_len(&V9W, &mf_tmpl_flow6), FLOW6_LEN);
	assert_int_equal(mf_msgenc_record_len(&V9W, &mf_tmpl_stats), STATS_LEN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v9_add_template_flow4_golden),
		cmocka_unit_test(test_v9_add_template_stats_options_golden),
		cmocka_unit_test(test_v9_add_record_flow4_round_trip),
		cmocka_unit_test(test_v9_add_record_flow6_round_trip),
		cmocka_unit_test(test_v9_add_record_stats_round_trip),
		cmocka_unit_test(test_v9_add_template_biflow_is_refused),
		cmocka_unit_test(test_v9_add_record_full_message_enospc),
		cmocka_unit_test(test_v9_add_record_padding_must_fit),
		cmocka_unit_test(test_v9_add_template_full_message_enospc),
		cmocka_unit_test(test_v9_add_record_new_template_new_set),
		cmocka_unit_test(test_v9_finish_sequence_skips_empty),
		cmocka_unit_test(test_v9_begin_sys_uptime),
		cmocka_unit_test(test_v9_record_len_iana_fields_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
