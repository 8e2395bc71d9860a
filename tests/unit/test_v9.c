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

#define BOOT_MS UINT64_C(1700000000000)
#define NOW_MS (BOOT_MS + 90061001) /* 1 d 1 h 1 min 1.001 s later */
#define SOURCE_ID UINT32_C(0x01020304)
#define MSG_CAP 1400
#define FLOW4_LEN 139 /* pen-0 bytes of mf_tmpl_flow4: 75 + the label */
#define FLOW6_LEN 163 /* flow4 - 2 * 4 + 2 * 16 */
#define TMPL4_LEN 88  /* flow4's template FlowSet: 4 + 4 + 20 * 4 */
#define SET4_LEN 144  /* a FlowSet of one flow4: 4 + 139 + 1 padding */
#define SET6_LEN 168  /* a FlowSet of one flow6: 4 + 163 + 1 padding */
#define STATS_LEN 76  /* 4 + 9 * 8 */
#define OCTETS UINT64_C(0x123456789a)
#define PACKETS UINT64_C(0x100000002)

/* Header of a message begun at NOW_MS with sequence 0x0a0b0c0d. */
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

static void
fill_flow(struct mf_flow_rec *r, uint16_t sport)
{
	static const uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, 1, [15] = 2 };
	static const uint8_t smac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t dmac[6] = { 0x02, 0x66, 0x77, 0x88, 0x99, 0xaa };

	memset(r, 0, sizeof(*r));
	r->start_ms = BOOT_MS + 123;
	r->end_ms = BOOT_MS + 4567;
	r->octets = OCTETS;
	r->packets = PACKETS;
	r->rev_octets = 99;
	r->rev_packets = 98;
	memcpy(r->src6, src6, sizeof(src6));
	memcpy(r->dst6, dst6, sizeof(dst6));
	r->src4 = 0xc0000201; /* 192.0.2.1 */
	r->dst4 = 0xc6336402; /* 198.51.100.2 */
	r->ingress = 3;
	r->egress = 0x01020304;
	r->rev_delta_ms = 77;
	r->sport = sport;
	r->dport = 443;
	r->vlan = 100;
	r->icmp4 = 0x0303;
	r->icmp6 = 0x0104;
	r->silk_app = 443;
	memcpy(r->src_mac, smac, sizeof(smac));
	memcpy(r->dst_mac, dmac, sizeof(dmac));
	mf_model_set_app_id(r->app_id, 443);
	r->proto = 6;
	r->tos = 0x28;
	r->tcp_flags = 0x1b;
	r->initial_flags = 0x02;
	r->union_flags = 0x19;
	r->rev_initial_flags = 0x12;
	r->rev_union_flags = 0x11;
	r->end_reason = MF_END_IDLE_TIMEOUT;
}

static void
fill_stats(struct mf_stats_rec *s)
{
	memset(s, 0, sizeof(*s));
	s->init_ms = BOOT_MS;
	s->packets_seen = UINT64_C(0x200000001);
	s->kernel_drops = 2;
	s->ignored = 3;
	s->flows_created = 4;
	s->records_exported = 5;
	s->messages = 6;
	s->octets_exported = UINT64_C(0xfedcba9876543210);
	s->not_sent = 7;
	s->domain = SOURCE_ID;
	s->evicted_full = 8;
	s->peak_flows = 9;
	s->expired_frags = 10;
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

/* Begin a message at NOW_MS, sequence 0x0a0b0c0d, in cap bytes of buf. */
static void
start(struct mf_msgenc *w, uint8_t *buf, size_t cap)
{
	mf_msgenc_init(w, MF_MSGENC_V9, buf, cap, SOURCE_ID, BOOT_MS);
	w->sequence = 0x0a0b0c0d;
	mf_msgenc_begin(w, NOW_MS);
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
	fill_flow(&in, 40001);
	memset(&out, 0, sizeof(out));
	start(&w, buf, sizeof(buf));
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &in), 0);
	assert_int_equal(mf_msgenc_finish(&w), 20 + SET4_LEN);
	assert_int_equal(get16(buf + 2), 1);
	assert_int_equal(get16(set), 256);
	assert_int_equal(get16(set + 2), 4 + FLOW4_LEN + 1);
	assert_int_equal(rec[FLOW4_LEN], 0); /* padding */
	/* Network order on the wire, independent of the decoder below. */
	assert_int_equal(get_be(rec, 8), BOOT_MS + 123);
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
	fill_flow(&in, 40002);
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
	fill_stats(&in);
	memset(&out, 0, sizeof(out));
	start(&w, buf, sizeof(buf));
	assert_int_equal(mf_msgenc_add_template(&w, &mf_tmpl_stats), 0);
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_stats, &in), 0);
	assert_int_equal(mf_msgenc_finish(&w), 20 + 52 + 4 + STATS_LEN);
	assert_int_equal(walk_message(buf, 20 + 52 + 4 + STATS_LEN), 2);
	assert_int_equal(get16(set), 260);
	assert_int_equal(get_be(rec, 4), SOURCE_ID); /* the scope first */
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
	fill_flow(&r, 1);
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
	fill_flow(&r, 40003);
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
	mf_msgenc_begin(&w, NOW_MS);
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
	fill_flow(&r, 1);
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
	fill_flow(&r, 1);
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
	fill_flow(&r, 1);
	start(&w, buf, sizeof(buf));
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &r), 0);
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &r), 0);
	/* Two records share one FlowSet: 4 + 278 + 2 padding. */
	assert_int_equal(mf_msgenc_finish(&w), 20 + 284);
	assert_int_equal(get16(buf + 22), 284);
	mf_msgenc_begin(&w, NOW_MS);
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
	fill_flow(&r, 1);
	mf_msgenc_init(&w, MF_MSGENC_V9, buf, sizeof(buf), SOURCE_ID, BOOT_MS);
	mf_msgenc_begin(&w, NOW_MS);
	assert_int_equal(mf_msgenc_finish(&w), 0);
	assert_int_equal(w.sequence, 0);
	mf_msgenc_begin(&w, NOW_MS);
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &r), 0);
	assert_int_not_equal(mf_msgenc_finish(&w), 0);
	assert_int_equal(get_be(buf + 12, 4), 0);
	assert_int_equal(w.sequence, 1);
	mf_msgenc_begin(&w, NOW_MS);
	assert_int_equal(mf_msgenc_finish(&w), 0);
	assert_int_equal(w.sequence, 1);
	mf_msgenc_begin(&w, NOW_MS);
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
	mf_msgenc_init(&w, MF_MSGENC_V9, buf, sizeof(buf), SOURCE_ID, BOOT_MS);
	mf_msgenc_begin(&w, BOOT_MS + 123456);
	assert_int_equal(get_be(buf + 4, 4), 123456);
	assert_int_equal(get_be(buf + 8, 4), 1700000123);
	assert_int_equal(get_be(buf + 16, 4), SOURCE_ID);
	mf_msgenc_begin(&w, BOOT_MS);
	assert_int_equal(get_be(buf + 4, 4), 0);
	mf_msgenc_begin(&w, BOOT_MS - 1000); /* clock stepped back */
	assert_int_equal(get_be(buf + 4, 4), 0);
	assert_int_equal(get_be(buf + 8, 4), 1699999999);
	mf_msgenc_begin(&w, BOOT_MS + (UINT64_C(1) << 32) + 5); /* 49.7 days */
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

/* ---- tshark: the message as a Wireshark user would see it ---------- */

#define TSHARK "/usr/bin/tshark"
#define N_TSHARK_FLOWS 3

static uint16_t
ip_checksum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += get16(p + i);
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* A classic pcap (big-endian, Ethernet) holding msg in one UDP packet. */
static void
put_pcap(struct mf_wbuf *wb, const uint8_t *msg, size_t len)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };
	size_t ip_off;
	int r = 0;

	r |= mf_wbuf_put_u32(wb, 0xa1b2c3d4); /* magic */
	r |= mf_wbuf_put_u16(wb, 2);
	r |= mf_wbuf_put_u16(wb, 4);
	r |= mf_wbuf_put_u32(wb, 0); /* zone */
	r |= mf_wbuf_put_u32(wb, 0); /* sigfigs */
	r |= mf_wbuf_put_u32(wb, 65535);
	r |= mf_wbuf_put_u32(wb, 1); /* LINKTYPE_ETHERNET */
	r |= mf_wbuf_put_u32(wb, (uint32_t)(NOW_MS / 1000));
	r |= mf_wbuf_put_u32(wb, 0);
	r |= mf_wbuf_put_u32(wb, (uint32_t)(14 + 28 + len));
	r |= mf_wbuf_put_u32(wb, (uint32_t)(14 + 28 + len));
	r |= mf_wbuf_put_bytes(wb, macs, sizeof(macs));
	r |= mf_wbuf_put_u16(wb, 0x0800);
	ip_off = wb->len;
	r |= mf_wbuf_put_u32(wb, (uint32_t)(0x45000000 | (28 + len)));
	r |= mf_wbuf_put_u32(wb, 0x00004000); /* DF */
	r |= mf_wbuf_put_u32(wb, 0x40110000); /* TTL, UDP */
	r |= mf_wbuf_put_u32(wb, 0xc0000201); /* 192.0.2.1 */
	r |= mf_wbuf_put_u32(wb, 0xc0000202); /* 192.0.2.2 */
	mf_wbuf_patch_u16(wb, ip_off + 10, ip_checksum(wb->base + ip_off, 20));
	r |= mf_wbuf_put_u16(wb, 40000);
	r |= mf_wbuf_put_u16(wb, 2055);
	r |= mf_wbuf_put_u16(wb, (uint16_t)(8 + len));
	r |= mf_wbuf_put_u16(wb, 0); /* no UDP checksum */
	r |= mf_wbuf_put_bytes(wb, msg, len);
	assert_int_equal(r, 0);
}

/* A message with both templates, a stats record and three flows. */
static size_t
build_tshark_message(uint8_t *buf, size_t cap)
{
	struct mf_stats_rec s;
	struct mf_flow_rec r;
	struct mf_msgenc w;
	uint16_t i;

	fill_stats(&s);
	mf_msgenc_init(&w, MF_MSGENC_V9, buf, cap, SOURCE_ID, BOOT_MS);
	mf_msgenc_begin(&w, NOW_MS);
	assert_int_equal(mf_msgenc_add_template(&w, &mf_tmpl_flow4), 0);
	assert_int_equal(mf_msgenc_add_template(&w, &mf_tmpl_stats), 0);
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_stats, &s), 0);
	for (i = 0; i < N_TSHARK_FLOWS; i++) {
		fill_flow(&r, (uint16_t)(40001 + i));
		assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &r),
		    0);
	}
	return mf_msgenc_finish(&w);
}

/* Run tshark on path; returns its standard output. */
static gchar *
run_tshark(const char *path)
{
	g_autoptr(GStrvBuilder) b = g_strv_builder_new();
	g_auto(GStrv) argv = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *err = NULL;
	gchar *out = NULL;
	gint status = 0;

	g_strv_builder_add_many(b, TSHARK, "-n", "-r", path, "-d",
	    "udp.port==2055,cflow", "-V", NULL);
	argv = g_strv_builder_end(b);
	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
	        &err, &status, &error) ||
	    !g_spawn_check_wait_status(status, &error))
		fail_msg("tshark: %s: %s", error->message, err ? err : "");
	return out;
}

static unsigned
count_substr(const char *s, const char *sub)
{
	unsigned n = 0;

	while ((s = strstr(s, sub)) != NULL) {
		n++;
		s += strlen(sub);
	}
	return n;
}

/* tshark -V shows every record and value of build_tshark_message(). */
static void
assert_tshark_output(const char *out)
{
	static const struct {
		const char *text;
		unsigned n;
	} want[] = {
		{ "Malformed", 0 },
		{ "Expert Info", 0 },
		{ "Count: 6\n", 1 },
		{ "FlowSet 1 [id=0] (Data Template): 256", 1 },
		{ "Field Count: 20\n", 1 },
		{ "FlowSet 2 [id=1] (Options Template): 260", 1 },
		{ "Scope Type: System (1)", 1 },
		{ "FlowSet 3 [id=260] (1 flows)", 1 },
		{ "OctetsExp: 18364758544493064720", 1 },
		{ "FlowSet 4 [id=256] (3 flows)", 1 },
		{ "SrcPort: 40001\n", 1 },
		{ "SrcPort: 40002\n", 1 },
		{ "SrcPort: 40003\n", 1 },
		{ "[Duration: 4.444000000 seconds", N_TSHARK_FLOWS },
		{ "SrcAddr: 192.0.2.1\n", N_TSHARK_FLOWS },
		{ "Octets: 78187493530\n", N_TSHARK_FLOWS },
		{ "Packets: 4294967298\n", N_TSHARK_FLOWS },
		{ "Source Mac Address: 02:11:22:33:44:55", N_TSHARK_FLOWS },
		{ "Selector ID: 01bb", N_TSHARK_FLOWS },
	};
	size_t i;
	unsigned n;

	for (i = 0; i < G_N_ELEMENTS(want); i++) {
		if ((n = count_substr(out, want[i].text)) == want[i].n)
			continue;
		g_printerr("%s", out);
		fail_msg("tshark: \"%s\" %u times, want %u", want[i].text, n,
		    want[i].n);
	}
}

static void
test_v9_finish_tshark_decodes_pcap(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *path = NULL, *out = NULL;
	uint8_t msg[MSG_CAP], file[24 + 16 + 42 + MSG_CAP];
	struct mf_wbuf wb;
	size_t len;
	ssize_t n;
	int fd;

	(void)state;
	if (!g_file_test(TSHARK, G_FILE_TEST_IS_EXECUTABLE)) {
		if (g_getenv("CI") != NULL)
			fail_msg(TSHARK " is missing and CI is set");
		skip();
	}
	len = build_tshark_message(msg, sizeof(msg));
	assert_int_not_equal(len, 0);
	mf_wbuf_init(&wb, file, sizeof(file));
	put_pcap(&wb, msg, len);
	if ((fd = g_file_open_tmp("test_v9-XXXXXX.pcap", &path, &error)) < 0)
		fail_msg("%s", error->message);
	n = write(fd, file, wb.len);
	close(fd);
	out = n == (ssize_t)wb.len ? run_tshark(path) : NULL;
	unlink(path);
	assert_non_null(out);
	assert_tshark_output(out);
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
		cmocka_unit_test(test_v9_finish_tshark_decodes_pcap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
