/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-test-ipfix"

/*
 * Encoder round trips: messages built by exporter/ipfix.c are decoded
 * again with libfixbuf's own collection side (a connection-less fBuf fed
 * with fBufSetBuffer()) and by hand (set walk, header, golden bytes).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <fixbuf/public.h>
#include <cmocka.h>

#include "common/error.h"
#include "common/model.h"
#include "common/rbuf.h"
#include "exporter/ipfix.h"

#define DOMAIN 7
#define EXPORT_TIME UINT32_C(1700000000)
#define FLOW4_WIRE_LEN 79  /* 75 IANA bytes + silkAppLabel + 2 flags */
#define FLOW6_WIRE_LEN 103 /* flow4 - 2 * 4 + 2 * 16 */
#define BIFLOW_EXTRA 22    /* 8 + 8 + 1 + 1 + 4 */
#define STATS_WIRE_LEN 88  /* 4 + 9 * 8 + 3 * 4 */
#define TID_DEC_FLOW 0x7f10
#define TID_DEC_STATS 0x7f11
#define MAX_DECODED 64

/* One decoded data record. */
struct decoded {
	uint16_t tid; /* external template id */
	size_t len;   /* bytes libfixbuf transcoded into the record */
	struct mf_flow_rec flow;
	struct mf_stats_rec stats;
};

/* A libfixbuf collector over buffers, with minflow's internal templates. */
struct decoder {
	fbInfoModel_t *model;
	fBuf_t *fbuf; /* owns the session */
	uint8_t msg[65535];
	uint32_t export_time; /* of the last message decoded */
	struct decoded rec[MAX_DECODED];
	size_t n; /* records of the last message */
};

static void
add_internal(fbSession_t *session, fbInfoModel_t *model, uint16_t tid,
    const struct mf_template *t)
{
	GError *err = NULL;
	fbTemplate_t *tmpl = mf_model_template_new(model, t, &err);

	if (tmpl == NULL) {
		fail_msg("%s: %s", t->name, err ? err->message : "?");
		return;
	}
	if (fbSessionAddTemplate(session, TRUE, tid, tmpl, &err) != tid)
		fail_msg("%s: %s", t->name, err ? err->message : "?");
}

static struct decoder *
decoder_new(void)
{
	struct decoder *d = g_new0(struct decoder, 1);
	fbSession_t *session;

	d->model = mf_model_new();
	session = fbSessionAlloc(d->model);
	add_internal(session, d->model, TID_DEC_FLOW, &mf_tmpl_flow_internal);
	add_internal(session, d->model, TID_DEC_STATS, &mf_tmpl_stats_internal);
	d->fbuf = fBufAllocForCollection(session, NULL);
	fBufSetAutomaticMode(d->fbuf, FALSE);
	return d;
}

static void
decoder_free(struct decoder *d)
{
	fBufFree(d->fbuf);
	fbInfoModelFree(d->model);
	g_free(d);
}

/*
 * Decode one message (templates learnt earlier are remembered): fills
 * d->rec[0 .. d->n).  Fails the test on any error but end of message.
 */
static void
decode(struct decoder *d, const uint8_t *msg, size_t len)
{
	GError *err = NULL;

	assert_true(len <= sizeof(d->msg));
	memcpy(d->msg, msg, len);
	fBufSetBuffer(d->fbuf, d->msg, len);
	d->n = 0;
	for (;;) {
		struct decoded *r = &d->rec[d->n];
		uint16_t ext = 0;
		gboolean stats;

		if (fBufNextCollectionTemplate(d->fbuf, &ext, &err) == NULL)
			break;
		assert_true(d->n < MAX_DECODED);
		stats = ext == MF_TID_STATS;
		if (!fBufSetInternalTemplate(d->fbuf,
		        stats ? TID_DEC_STATS : TID_DEC_FLOW, &err))
			break;
		memset(r, 0xee, sizeof(*r));
		r->tid = ext;
		r->len = stats ? sizeof(r->stats) : sizeof(r->flow);
		if (!fBufNext(d->fbuf,
		        stats ? (uint8_t *)&r->stats : (uint8_t *)&r->flow,
		        &r->len, &err))
			break;
		d->export_time = fBufGetExportTime(d->fbuf);
		d->n++;
	}
	if (!g_error_matches(err, FB_ERROR_DOMAIN, FB_ERROR_EOM) &&
	    !g_error_matches(err, FB_ERROR_DOMAIN, FB_ERROR_BUFSZ))
		fail_msg("decode: %s", err ? err->message : "no error");
	g_clear_error(&err);
}

static uint64_t
get_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* The IPFIX message header (RFC 7011 3.1). */
struct header {
	uint16_t version, length;
	uint32_t export_time, sequence, domain;
};

static struct header
read_header(const uint8_t *msg, size_t len)
{
	struct header h;
	struct mf_rbuf rb;

	memset(&h, 0, sizeof(h));
	mf_rbuf_init(&rb, msg, len);
	assert_int_equal(mf_rbuf_get_u16(&rb, &h.version), 0);
	assert_int_equal(mf_rbuf_get_u16(&rb, &h.length), 0);
	assert_int_equal(mf_rbuf_get_u32(&rb, &h.export_time), 0);
	assert_int_equal(mf_rbuf_get_u32(&rb, &h.sequence), 0);
	assert_int_equal(mf_rbuf_get_u32(&rb, &h.domain), 0);
	return h;
}

/* Set ids and lengths of a message, checking that they tile it exactly. */
struct sets {
	size_t n;
	uint16_t id[32];
	uint16_t len[32];
	size_t off[32]; /* of the set header */
};

static void
walk_sets(const uint8_t *msg, size_t len, struct sets *s)
{
	struct mf_rbuf rb;

	memset(s, 0, sizeof(*s));
	mf_rbuf_init(&rb, msg, len);
	assert_int_equal(mf_rbuf_skip(&rb, 16), 0);
	while (rb.left > 0) {
		assert_true(s->n < G_N_ELEMENTS(s->id));
		s->off[s->n] = len - rb.left;
		assert_int_equal(mf_rbuf_get_u16(&rb, &s->id[s->n]), 0);
		assert_int_equal(mf_rbuf_get_u16(&rb, &s->len[s->n]), 0);
		if (s->len[s->n] < 4)
			fail_msg("set %u: length %u", (unsigned)s->id[s->n],
			    (unsigned)s->len[s->n]);
		assert_int_equal(mf_rbuf_skip(&rb, s->len[s->n] - 4u), 0);
		s->n++;
	}
}

static void
fill_flow(struct mf_flow_rec *r, gboolean v6)
{
	static const uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, 1, 2, 3, 4, 5,
		6, 7, 8, 9, 10, 11, 12 };
	static const uint8_t dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xfe,
		0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8, 0xf7, 0xf6, 0xf5, 0xf4 };
	static const uint8_t smac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };
	static const uint8_t dmac[6] = { 0x02, 0x00, 0x5e, 0x40, 0x50, 0x60 };

	memset(r, 0, sizeof(*r));
	r->start_ms = UINT64_C(1700000000123);
	r->end_ms = UINT64_C(1700000061456);
	r->octets = UINT64_C(0x123456789a);
	r->packets = UINT64_C(0x100000002);
	r->rev_octets = UINT64_C(0x0a0b0c0d0e);
	r->rev_packets = UINT64_C(0x200000003);
	memcpy(r->src6, src6, 16);
	memcpy(r->dst6, dst6, 16);
	r->src4 = 0xc0000201u;
	r->dst4 = 0xc6336402u;
	r->ingress = 0x01020304u;
	r->egress = 0x05060708u;
	r->rev_delta_ms = 0x00abcdefu;
	r->sport = 50000;
	r->dport = 443;
	r->vlan = 4094;
	r->icmp4 = 0x0303;
	r->icmp6 = 0x8100;
	r->silk_app = 443;
	memcpy(r->src_mac, smac, 6);
	memcpy(r->dst_mac, dmac, 6);
	mf_model_set_app_id(r->app_id, 443);
	r->proto = 6;
	r->tos = 0xb8;
	r->tcp_flags = 0x1b;
	r->initial_flags = 0x02;
	r->union_flags = 0x19;
	r->rev_initial_flags = 0x12;
	r->rev_union_flags = 0x11;
	r->end_reason = MF_END_OF_FLOW;
	if (v6) { /* something to tell the records apart */
		r->sport = 40000;
		r->end_reason = MF_END_IDLE_TIMEOUT;
	}
}

static void
fill_stats(struct mf_stats_rec *s)
{
	memset(s, 0, sizeof(*s));
	s->init_ms = UINT64_C(1699999990001);
	s->packets_seen = UINT64_C(0x1000000001);
	s->kernel_drops = 2;
	s->ignored = 3;
	s->flows_created = 4;
	s->records_exported = 5;
	s->messages = 6;
	s->octets_exported = UINT64_C(0x7000000007);
	s->not_sent = 8;
	s->domain = DOMAIN;
	s->evicted_full = 9;
	s->peak_flows = 10;
	s->expired_frags = 11;
}

static const struct mf_field *
find_field(const struct mf_template *t, uint32_t pen, uint16_t id)
{
	uint16_t i;

	for (i = 0; i < t->n_fields; i++)
		if (t->fields[i].pen == pen && t->fields[i].id == id)
			return &t->fields[i];
	return NULL;
}

/*
 * Compare every field of the internal layout: fields the wire template
 * carries must come back as sent, the others as zeroes.
 */
static void
assert_record(const struct mf_template *internal, const struct mf_template *t,
    const void *sent, const void *got)
{
	static const uint8_t zero[16];
	uint16_t i;

	for (i = 0; i < internal->n_fields; i++) {
		const struct mf_field *f = &internal->fields[i];
		const uint8_t *a = (const uint8_t *)sent + f->offset;
		const uint8_t *b = (const uint8_t *)got + f->offset;
		gboolean carried = find_field(t, f->pen, f->id) != NULL;

		if (memcmp(b, carried ? a : zero, f->len) != 0)
			fail_msg("%s: field %u/%u (offset %u) differs", t->name,
			    (unsigned)f->pen, (unsigned)f->id,
			    (unsigned)f->offset);
	}
}

static struct exp_ipfix *
new_builder(size_t mtu, gboolean biflow)
{
	GError *err = NULL;
	struct exp_ipfix *x = exp_ipfix_new(DOMAIN, mtu, biflow, &err);

	if (x == NULL) {
		fail_msg("exp_ipfix_new: %s", err ? err->message : "?");
		return NULL;
	}
	exp_ipfix_set_export_time(x, EXPORT_TIME);
	return x;
}

/* Emit the open message, if any, into out (a GPtrArray of GBytes). */
static void
emit_into(struct exp_ipfix *x, GPtrArray *out)
{
	const uint8_t *msg = NULL;
	size_t len = exp_ipfix_emit(x, &msg);

	if (len > 0)
		g_ptr_array_add(out, g_bytes_new(msg, len));
}

/*
 * Add as the header says a caller must: on -ENOSPC emit and add again.
 * (libfixbuf 2.4 never puts template and data sets in one message, so a
 * switch between the two also answers -ENOSPC.)
 */
static void
add_templates_p(struct exp_ipfix *x, GPtrArray *out)
{
	int r = exp_ipfix_add_templates(x);

	if (r == -ENOSPC) {
		emit_into(x, out);
		r = exp_ipfix_add_templates(x);
	}
	assert_int_equal(r, 0);
}

static void
add_record_p(struct exp_ipfix *x, const struct mf_template *t, const void *rec,
    GPtrArray *out)
{
	int r = exp_ipfix_add_record(x, t, rec);

	if (r == -ENOSPC) {
		emit_into(x, out);
		r = exp_ipfix_add_record(x, t, rec);
	}
	assert_int_equal(r, 0);
}

static const uint8_t *
msg_data(GPtrArray *msgs, guint i, size_t *len)
{
	gsize n = 0;
	const uint8_t *p = g_bytes_get_data(g_ptr_array_index(msgs, i), &n);

	*len = n;
	return p;
}

/* Every message: version 10, its own length, domain 7, export time. */
static void
assert_headers(GPtrArray *msgs, uint32_t export_time)
{
	guint i;

	for (i = 0; i < msgs->len; i++) {
		size_t len;
		const uint8_t *msg = msg_data(msgs, i, &len);
		struct header h = read_header(msg, len);

		assert_int_equal(h.version, 10);
		assert_int_equal(h.length, len);
		assert_int_equal(h.export_time, export_time);
		assert_int_equal(h.domain, DOMAIN);
	}
}

/* Decode every message in order into d; returns the records seen. */
static size_t
decode_all(struct decoder *d, GPtrArray *msgs, struct decoded *out, size_t max)
{
	size_t n = 0, j;
	guint i;

	for (i = 0; i < msgs->len; i++) {
		size_t len;
		const uint8_t *msg = msg_data(msgs, i, &len);

		decode(d, msg, len);
		for (j = 0; j < d->n; j++) {
			assert_true(n < max);
			out[n++] = d->rec[j];
		}
	}
	return n;
}

static void
test_ipfix_emit_round_trip_uniflow(void **state)
{
	struct exp_ipfix *x = new_builder(1400, FALSE);
	struct decoder *d = decoder_new();
	GPtrArray *msgs =
	    g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	struct decoded *rec = g_new0(struct decoded, 8);
	struct mf_flow_rec f4, f6;
	struct mf_stats_rec st;

	(void)state;
	fill_flow(&f4, FALSE);
	fill_flow(&f6, TRUE);
	fill_stats(&st);
	add_templates_p(x, msgs);
	add_record_p(x, &mf_tmpl_flow4, &f4, msgs);
	add_record_p(x, &mf_tmpl_flow6, &f6, msgs);
	add_record_p(x, &mf_tmpl_stats, &st, msgs);
	emit_into(x, msgs);
	/* A template message, then one data message with all three. */
	assert_int_equal(msgs->len, 2);
	assert_headers(msgs, EXPORT_TIME);

	assert_int_equal(decode_all(d, msgs, rec, 8), 3);
	assert_int_equal(d->export_time, EXPORT_TIME);

	assert_int_equal(rec[0].tid, MF_TID_FLOW4);
	assert_int_equal(rec[0].len, MF_FLOW_REC_LEN);
	assert_record(&mf_tmpl_flow_internal, &mf_tmpl_flow4, &f4,
	    &rec[0].flow);
	/* Spelled out for the most used ones. */
	assert_int_equal(rec[0].flow.start_ms, UINT64_C(1700000000123));
	assert_int_equal(rec[0].flow.end_ms, UINT64_C(1700000061456));
	assert_int_equal(rec[0].flow.octets, UINT64_C(0x123456789a));
	assert_int_equal(rec[0].flow.packets, UINT64_C(0x100000002));
	assert_int_equal(rec[0].flow.src4, 0xc0000201u);
	assert_int_equal(rec[0].flow.dst4, 0xc6336402u);
	assert_int_equal(rec[0].flow.sport, 50000);
	assert_int_equal(rec[0].flow.dport, 443);
	assert_int_equal(rec[0].flow.proto, 6);
	assert_int_equal(rec[0].flow.tos, 0xb8);
	assert_int_equal(rec[0].flow.tcp_flags, 0x1b);
	assert_int_equal(rec[0].flow.ingress, 0x01020304u);
	assert_int_equal(rec[0].flow.egress, 0x05060708u);
	assert_int_equal(rec[0].flow.vlan, 4094);
	assert_int_equal(rec[0].flow.icmp4, 0x0303);
	assert_int_equal(rec[0].flow.silk_app, 443);
	assert_int_equal(rec[0].flow.initial_flags, 0x02);
	assert_int_equal(rec[0].flow.union_flags, 0x19);
	assert_memory_equal(rec[0].flow.app_id, f4.app_id, 3);
	assert_memory_equal(rec[0].flow.src_mac, f4.src_mac, 6);
	assert_memory_equal(rec[0].flow.dst_mac, f4.dst_mac, 6);
	assert_int_equal(rec[0].flow.end_reason, MF_END_OF_FLOW);
	/* Not in the v4 uniflow template: zero. */
	assert_int_equal(rec[0].flow.icmp6, 0);
	assert_int_equal(rec[0].flow.rev_octets, 0);
	assert_int_equal(rec[0].flow.rev_delta_ms, 0);
	assert_int_equal(rec[0].flow.rev_initial_flags, 0);

	assert_int_equal(rec[1].tid, MF_TID_FLOW6);
	assert_int_equal(rec[1].len, MF_FLOW_REC_LEN);
	assert_record(&mf_tmpl_flow_internal, &mf_tmpl_flow6, &f6,
	    &rec[1].flow);
	assert_memory_equal(rec[1].flow.src6, f6.src6, 16);
	assert_memory_equal(rec[1].flow.dst6, f6.dst6, 16);
	assert_int_equal(rec[1].flow.icmp6, 0x8100);
	assert_int_equal(rec[1].flow.src4, 0);
	assert_int_equal(rec[1].flow.icmp4, 0);
	assert_int_equal(rec[1].flow.sport, 40000);
	assert_int_equal(rec[1].flow.end_reason, MF_END_IDLE_TIMEOUT);

	assert_int_equal(rec[2].tid, MF_TID_STATS);
	assert_int_equal(rec[2].len, MF_STATS_REC_LEN);
	assert_record(&mf_tmpl_stats_internal, &mf_tmpl_stats, &st,
	    &rec[2].stats);
	assert_int_equal(rec[2].stats.domain, DOMAIN);
	assert_int_equal(rec[2].stats.init_ms, UINT64_C(1699999990001));
	assert_int_equal(rec[2].stats.octets_exported, UINT64_C(0x7000000007));
	assert_int_equal(rec[2].stats.expired_frags, 11);

	g_free(rec);
	g_ptr_array_unref(msgs);
	decoder_free(d);
	exp_ipfix_free(x);
}

static void
test_ipfix_emit_header_fields(void **state)
{
	struct exp_ipfix *x = new_builder(1400, FALSE);
	struct mf_flow_rec f4;
	const uint8_t *msg = NULL;
	struct header h;
	size_t len;

	(void)state;
	fill_flow(&f4, FALSE);
	assert_int_equal(exp_ipfix_add_record(x, &mf_tmpl_flow4, &f4), 0);
	len = exp_ipfix_emit(x, &msg);
	assert_int_equal(len, 16 + 4 + FLOW4_WIRE_LEN);
	h = read_header(msg, len);
	assert_int_equal(h.version, 10);
	assert_int_equal(h.length, len);
	assert_int_equal(h.export_time, EXPORT_TIME);
	assert_int_equal(h.sequence, 0);
	assert_int_equal(h.domain, DOMAIN);

	/* A new export time applies to the next message. */
	exp_ipfix_set_export_time(x, EXPORT_TIME + 60);
	assert_int_equal(exp_ipfix_add_record(x, &mf_tmpl_flow4, &f4), 0);
	len = exp_ipfix_emit(x, &msg);
	h = read_header(msg, len);
	assert_int_equal(h.version, 10);
	assert_int_equal(h.length, len);
	assert_int_equal(h.export_time, EXPORT_TIME + 60);
	assert_int_equal(h.sequence, 1);
	assert_int_equal(h.domain, DOMAIN);
	exp_ipfix_free(x);
}

static void
test_ipfix_add_templates_fresh_builder_fits(void **state)
{
	struct exp_ipfix *x = new_builder(1400, FALSE);
	const uint8_t *msg = NULL;
	struct header h;
	struct sets s;
	size_t len, i;
	unsigned n_tmpl = 0, n_opt = 0;

	(void)state;
	assert_int_equal(exp_ipfix_add_templates(x), 0);
	assert_true(exp_ipfix_pending(x));
	len = exp_ipfix_emit(x, &msg);
	h = read_header(msg, len);
	assert_int_equal(h.version, 10);
	assert_int_equal(h.length, len);
	assert_int_equal(h.domain, DOMAIN);
	walk_sets(msg, len, &s);
	for (i = 0; i < s.n; i++) {
		if (s.id[i] == 2)
			n_tmpl++;
		else if (s.id[i] == 3)
			n_opt++;
		else
			fail_msg("set %u in a template message",
			    (unsigned)s.id[i]);
	}
	assert_true(n_tmpl >= 1);
	assert_true(n_opt >= 1);
	/*
	 * flow4 and flow6: 4 + 22 * 4 + 3 * 4 each; stats: 6 + 13 * 4 +
	 * 3 * 4; plus the header and one header per set.
	 */
	assert_int_equal(len, 16 + 4 * s.n + 2 * 104 + 70);
	exp_ipfix_free(x);
}

static void
test_ipfix_add_templates_fit_smallest_mtu(void **state)
{
	/* --mtu's minimum, which is exp_ipfix_new()'s; uniflow and biflow. */
	static const size_t mtus[] = { 512, 512, EXP_IPFIX_MIN_MTU,
		EXP_IPFIX_MIN_MTU };
	size_t i;

	(void)state;
	/*
	 * exp_ipfix_new() accepts any MTU from EXP_IPFIX_MIN_MTU on, so the
	 * templates must
	 * fit a message of that size (else no data can ever be decoded).
	 */
	for (i = 0; i < G_N_ELEMENTS(mtus); i++) {
		gboolean biflow = (i % 2) == 1;
		struct exp_ipfix *x = new_builder(mtus[i], biflow);
		const uint8_t *msg = NULL;
		int r = exp_ipfix_add_templates(x);

		if (r != 0) {
			exp_ipfix_free(x);
			fail_msg("mtu %zu%s: templates do not fit (%d)",
			    mtus[i], biflow ? " biflow" : "", r);
			return;
		}
		assert_true(exp_ipfix_emit(x, &msg) <= mtus[i]);
		exp_ipfix_free(x);
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
	static const uint8_t tail[4] = { 0x01, 0xbb, 0x02, 0x19 };
	struct exp_ipfix *x = new_builder(1400, FALSE);
	struct mf_flow_rec f4;
	const uint8_t *msg = NULL, *rec;
	struct sets s;
	size_t len;

	(void)state;
	fill_flow(&f4, FALSE);
	assert_int_equal(exp_ipfix_add_record(x, &mf_tmpl_flow4, &f4), 0);
	len = exp_ipfix_emit(x, &msg);
	assert_int_equal(len, 16 + 4 + FLOW4_WIRE_LEN);
	walk_sets(msg, len, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.id[0], MF_TID_FLOW4);
	assert_int_equal(s.len[0], 4 + FLOW4_WIRE_LEN);
	rec = msg + s.off[0] + 4;
	assert_memory_equal(rec, want, sizeof(want));
	assert_int_equal(get_be(rec + 47, 4), 0x01020304u); /* ingress */
	assert_int_equal(get_be(rec + 51, 4), 0x05060708u); /* egress */
	assert_int_equal(get_be(rec + 55, 2), 4094);        /* vlan */
	assert_memory_equal(rec + 57, f4.src_mac, 6);
	assert_memory_equal(rec + 63, f4.dst_mac, 6);
	assert_memory_equal(rec + 69, f4.app_id, 3);
	assert_int_equal(rec[72], MF_END_OF_FLOW);
	assert_int_equal(get_be(rec + 73, 2), 0x0303); /* icmpTypeCodeIPv4 */
	/* silkAppLabel, initialTCPFlags, unionTCPFlags: the last bytes. */
	assert_memory_equal(rec + 75, tail, sizeof(tail));
	exp_ipfix_free(x);
}

static void
test_ipfix_emit_sets_tile_message(void **state)
{
	struct exp_ipfix *x = new_builder(1400, FALSE);
	struct mf_flow_rec f4, f6;
	struct mf_stats_rec st;
	const uint8_t *msg = NULL;
	struct sets s;
	size_t len;

	(void)state;
	fill_flow(&f4, FALSE);
	fill_flow(&f6, TRUE);
	fill_stats(&st);
	assert_int_equal(exp_ipfix_add_record(x, &mf_tmpl_flow4, &f4), 0);
	assert_int_equal(exp_ipfix_add_record(x, &mf_tmpl_flow4, &f4), 0);
	assert_int_equal(exp_ipfix_add_record(x, &mf_tmpl_flow6, &f6), 0);
	assert_int_equal(exp_ipfix_add_record(x, &mf_tmpl_stats, &st), 0);
	len = exp_ipfix_emit(x, &msg);
	walk_sets(msg, len, &s);
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
	assert_int_equal(get_be(msg + s.off[2] + 4, 4), DOMAIN);
	exp_ipfix_free(x);
}

static void
test_ipfix_add_record_full_message_enospc(void **state)
{
	struct exp_ipfix *x = new_builder(512, FALSE);
	struct decoder *d = decoder_new();
	GPtrArray *msgs =
	    g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	struct mf_flow_rec f4;
	const uint8_t *msg = NULL;
	struct header h;
	size_t len, n1 = 0, n2 = 0, i;
	int r;

	(void)state;
	fill_flow(&f4, FALSE);
	add_templates_p(x, msgs);
	emit_into(x, msgs);
	assert_int_equal(msgs->len, 1);
	msg = msg_data(msgs, 0, &len);
	decode(d, msg, len);
	assert_int_equal(d->n, 0);

	while ((r = exp_ipfix_add_record(x, &mf_tmpl_flow4, &f4)) == 0) {
		f4.sport++;
		n1++;
		assert_true(n1 < 100);
	}
	assert_int_equal(r, -ENOSPC);
	len = exp_ipfix_emit(x, &msg);
	assert_true(len <= 512);
	/* (512 - 16 - 4) / 79 = 6 records of 79 bytes in one set. */
	assert_int_equal(n1, 6);
	assert_int_equal(len, 16 + 4 + 6 * FLOW4_WIRE_LEN);
	h = read_header(msg, len);
	assert_int_equal(h.length, len);
	assert_int_equal(h.sequence, 0); /* templates are not counted */
	decode(d, msg, len);
	assert_int_equal(d->n, n1);
	for (i = 0; i < n1; i++)
		assert_int_equal(d->rec[i].flow.sport, 50000 + i);

	/* The refused record opens the next message. */
	while ((r = exp_ipfix_add_record(x, &mf_tmpl_flow4, &f4)) == 0) {
		f4.sport++;
		n2++;
		assert_true(n2 < 100);
	}
	assert_int_equal(r, -ENOSPC);
	assert_int_equal(n2, 6);
	len = exp_ipfix_emit(x, &msg);
	assert_int_equal(len, 16 + 4 + 6 * FLOW4_WIRE_LEN);
	h = read_header(msg, len);
	assert_int_equal(h.length, len);
	assert_int_equal(h.sequence, n1);
	decode(d, msg, len);
	assert_int_equal(d->n, n2);
	for (i = 0; i < n2; i++)
		assert_int_equal(d->rec[i].flow.sport, 50000 + n1 + i);

	g_ptr_array_unref(msgs);
	decoder_free(d);
	exp_ipfix_free(x);
}

static void
test_ipfix_add_record_retry_without_emit_keeps_message_valid(void **state)
{
	struct exp_ipfix *x = new_builder(1400, FALSE);
	struct mf_flow_rec f4;
	const uint8_t *msg = NULL;
	struct sets s;
	size_t len, i, tmpl_bytes = 0;
	int r;

	(void)state;
	fill_flow(&f4, FALSE);
	assert_int_equal(exp_ipfix_add_templates(x), 0);
	assert_int_equal(exp_ipfix_add_record(x, &mf_tmpl_flow4, &f4), -ENOSPC);
	/*
	 * A careless caller adds again without emitting.  Whatever the
	 * answer, the message must stay well formed: no data record inside
	 * the template set.
	 */
	r = exp_ipfix_add_record(x, &mf_tmpl_flow4, &f4);
	len = exp_ipfix_emit(x, &msg);
	walk_sets(msg, len, &s);
	for (i = 0; i < s.n; i++)
		if (s.id[i] == 2 || s.id[i] == 3)
			tmpl_bytes += s.len[i] - 4u;
	assert_int_equal(tmpl_bytes, 2 * 104 + 70); /* templates only */
	if (r == 0) {
		assert_int_equal(s.id[s.n - 1], MF_TID_FLOW4);
		assert_int_equal(s.len[s.n - 1], 4 + FLOW4_WIRE_LEN);
	} else {
		assert_int_equal(r, -ENOSPC);
		assert_int_equal(len, 16 + 4 * s.n + 2 * 104 + 70);
	}
	exp_ipfix_free(x);
}

static void
test_ipfix_emit_sequence_counts_records(void **state)
{
	struct exp_ipfix *x = new_builder(1400, FALSE);
	GPtrArray *msgs =
	    g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	static const uint32_t want[] = { 0, 0, 3, 3, 4 };
	struct mf_flow_rec f4;
	struct mf_stats_rec st;
	guint i;

	(void)state;
	fill_flow(&f4, FALSE);
	fill_stats(&st);
	add_templates_p(x, msgs);
	emit_into(x, msgs); /* seq 0 */
	add_record_p(x, &mf_tmpl_flow4, &f4, msgs);
	add_record_p(x, &mf_tmpl_flow4, &f4, msgs);
	add_record_p(x, &mf_tmpl_stats, &st, msgs);
	emit_into(x, msgs); /* seq 0: three records */
	add_templates_p(x, msgs);
	emit_into(x, msgs); /* seq 3: templates are not counted */
	add_record_p(x, &mf_tmpl_flow4, &f4, msgs);
	emit_into(x, msgs); /* seq 3 */
	add_record_p(x, &mf_tmpl_flow4, &f4, msgs);
	emit_into(x, msgs); /* seq 4 */
	assert_int_equal(msgs->len, G_N_ELEMENTS(want));
	for (i = 0; i < msgs->len; i++) {
		size_t len;
		const uint8_t *msg = msg_data(msgs, i, &len);

		assert_int_equal(read_header(msg, len).sequence, want[i]);
	}
	g_ptr_array_unref(msgs);
	exp_ipfix_free(x);
}

static void
test_ipfix_emit_round_trip_biflow(void **state)
{
	struct exp_ipfix *x = new_builder(1400, TRUE);
	struct decoder *d = decoder_new();
	GPtrArray *msgs =
	    g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	struct decoded *rec = g_new0(struct decoded, 8);
	struct mf_flow_rec f4, f6;
	struct mf_stats_rec st;
	const uint8_t *msg;
	struct sets s;
	size_t len;

	(void)state;
	fill_flow(&f4, FALSE);
	fill_flow(&f6, TRUE);
	fill_stats(&st);
	add_templates_p(x, msgs);
	add_record_p(x, &mf_tmpl_biflow4, &f4, msgs);
	add_record_p(x, &mf_tmpl_biflow6, &f6, msgs);
	add_record_p(x, &mf_tmpl_stats, &st, msgs);
	emit_into(x, msgs);
	assert_int_equal(msgs->len, 2);
	assert_headers(msgs, EXPORT_TIME);

	msg = msg_data(msgs, 1, &len);
	walk_sets(msg, len, &s);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.id[0], MF_TID_BIFLOW4);
	assert_int_equal(s.len[0], 4 + FLOW4_WIRE_LEN + BIFLOW_EXTRA);
	assert_int_equal(s.id[1], MF_TID_BIFLOW6);
	assert_int_equal(s.len[1], 4 + FLOW6_WIRE_LEN + BIFLOW_EXTRA);
	assert_int_equal(s.id[2], MF_TID_STATS);

	assert_int_equal(decode_all(d, msgs, rec, 8), 3);
	assert_int_equal(rec[0].tid, MF_TID_BIFLOW4);
	assert_record(&mf_tmpl_flow_internal, &mf_tmpl_biflow4, &f4,
	    &rec[0].flow);
	assert_int_equal(rec[0].flow.octets, UINT64_C(0x123456789a));
	assert_int_equal(rec[0].flow.rev_octets, UINT64_C(0x0a0b0c0d0e));
	assert_int_equal(rec[0].flow.rev_packets, UINT64_C(0x200000003));
	assert_int_equal(rec[0].flow.rev_delta_ms, 0x00abcdefu);
	assert_int_equal(rec[0].flow.rev_initial_flags, 0x12);
	assert_int_equal(rec[0].flow.rev_union_flags, 0x11);
	assert_int_equal(rec[0].flow.src4, 0xc0000201u);
	assert_int_equal(rec[0].flow.icmp6, 0);
	assert_int_equal(rec[1].tid, MF_TID_BIFLOW6);
	assert_record(&mf_tmpl_flow_internal, &mf_tmpl_biflow6, &f6,
	    &rec[1].flow);
	assert_int_equal(rec[1].flow.rev_octets, UINT64_C(0x0a0b0c0d0e));
	assert_int_equal(rec[1].flow.rev_union_flags, 0x11);
	assert_memory_equal(rec[1].flow.dst6, f6.dst6, 16);
	assert_int_equal(rec[1].flow.src4, 0);
	assert_int_equal(rec[2].tid, MF_TID_STATS);
	assert_record(&mf_tmpl_stats_internal, &mf_tmpl_stats, &st,
	    &rec[2].stats);

	g_free(rec);
	g_ptr_array_unref(msgs);
	decoder_free(d);
	exp_ipfix_free(x);
}

static void
test_ipfix_add_record_uniflow_in_biflow_mode_is_einval(void **state)
{
	struct exp_ipfix *x = new_builder(1400, TRUE);
	struct mf_flow_rec f4;
	const uint8_t *msg = NULL;

	(void)state;
	fill_flow(&f4, FALSE);
	/* Template 256 was never added to a biflow builder (logs). */
	assert_int_equal(exp_ipfix_add_record(x, &mf_tmpl_flow4, &f4), -EINVAL);
	assert_false(exp_ipfix_pending(x));
	assert_int_equal(exp_ipfix_emit(x, &msg), 0);
	exp_ipfix_free(x);
}

static void
test_ipfix_emit_nothing_pending_returns_zero(void **state)
{
	struct exp_ipfix *x = new_builder(1400, FALSE);
	static const uint8_t sentinel = 0;
	const uint8_t *msg = &sentinel;
	struct mf_flow_rec f4;

	(void)state;
	assert_false(exp_ipfix_pending(x));
	assert_int_equal(exp_ipfix_emit(x, &msg), 0);
	assert_ptr_equal(msg, &sentinel);

	fill_flow(&f4, FALSE);
	assert_int_equal(exp_ipfix_add_record(x, &mf_tmpl_flow4, &f4), 0);
	assert_true(exp_ipfix_pending(x));
	assert_int_equal(exp_ipfix_emit(x, &msg), 16 + 4 + FLOW4_WIRE_LEN);
	assert_false(exp_ipfix_pending(x));
	msg = &sentinel;
	assert_int_equal(exp_ipfix_emit(x, &msg), 0);
	assert_ptr_equal(msg, &sentinel);
	exp_ipfix_free(x);
}

static void
test_ipfix_new_bad_mtu_is_rejected(void **state)
{
	GError *err = NULL;
	struct exp_ipfix *x;

	(void)state;
	assert_null(exp_ipfix_new(DOMAIN, EXP_IPFIX_MIN_MTU - 1, FALSE, &err));
	assert_true(g_error_matches(err, MF_ERROR, MF_ERROR_ARGS));
	g_clear_error(&err);
	assert_null(exp_ipfix_new(DOMAIN, 65536, FALSE, &err));
	assert_true(g_error_matches(err, MF_ERROR, MF_ERROR_ARGS));
	g_clear_error(&err);
	x = exp_ipfix_new(DOMAIN, 65535, TRUE, &err);
	assert_non_null(x);
	assert_null(err);
	exp_ipfix_free(x);
	exp_ipfix_free(NULL);
}

static void
test_ipfix_new_null_error_does_not_crash(void **state)
{
	pid_t pid;
	int status = 0;

	(void)state;
	/* GLib convention: a NULL GError location is allowed.  In a child,
	 * so that a crash fails this test only. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct exp_ipfix *x;

		signal(SIGSEGV, SIG_DFL); /* not cmocka's handler */
		signal(SIGABRT, SIG_DFL);
		x = exp_ipfix_new(DOMAIN, 1400, FALSE, NULL);
		_exit(x != NULL ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("exp_ipfix_new(..., NULL) died of signal %d",
		    WTERMSIG(status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipfix_emit_round_trip_uniflow),
		cmocka_unit_test(test_ipfix_emit_header_fields),
		cmocka_unit_test(test_ipfix_add_templates_fresh_builder_fits),
		cmocka_unit_test(test_ipfix_add_templates_fit_smallest_mtu),
		cmocka_unit_test(test_ipfix_add_record_flow4_golden_bytes),
		cmocka_unit_test(test_ipfix_emit_sets_tile_message),
		cmocka_unit_test(test_ipfix_add_record_full_message_enospc),
		cmocka_unit_test(
		    test_ipfix_add_record_retry_without_emit_keeps_message_valid),
		cmocka_unit_test(test_ipfix_emit_sequence_counts_records),
		cmocka_unit_test(test_ipfix_emit_round_trip_biflow),
		cmocka_unit_test(
		    test_ipfix_add_record_uniflow_in_biflow_mode_is_einval),
		cmocka_unit_test(test_ipfix_emit_nothing_pending_returns_zero),
		cmocka_unit_test(test_ipfix_new_bad_mtu_is_rejected),
		cmocka_unit_test(test_ipfix_new_null_error_does_not_crash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
