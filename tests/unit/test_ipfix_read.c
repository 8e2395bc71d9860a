/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-test-ipfix"

/*
 * Encoder round trips: messages built by exporter/message.c are decoded
 * again with libfixbuf's own collection side (see ipfix_util.h); and the
 * builder's limits: full messages, misuse, bad MTUs, a NULL GError.
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
#include <cmocka.h>

#include "common/error.h"
#include "common/model.h"
#include "exporter/message.h"
#include "tests/unit/ipfix_util.h"

static void
test_ipfix_emit_round_trip_uniflow(void **state)
{
	struct exp_message *x = ipfix_util_new_builder(1400, FALSE);
	struct decoder *d = ipfix_util_decoder_new();
	GPtrArray *msgs =
	    g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	struct decoded *rec = g_new0(struct decoded, 8);
	struct mf_flow_rec f4, f6;
	struct mf_stats_rec st;

	(void)state;
	fb_flow_rec(&f4, FALSE);
	fb_flow_rec(&f6, TRUE);
	fb_stats_rec(&st, DOMAIN);
	ipfix_util_add_templates_p(x, msgs);
	ipfix_util_add_record_p(x, &mf_tmpl_flow4, &f4, msgs);
	ipfix_util_add_record_p(x, &mf_tmpl_flow6, &f6, msgs);
	ipfix_util_add_record_p(x, &mf_tmpl_stats, &st, msgs);
	ipfix_util_emit_into(x, msgs);
	/* One message: the template sets, then the three records. */
	assert_int_equal(msgs->len, 1);
	ipfix_util_assert_headers(msgs, EXPORT_TIME);

	assert_int_equal(ipfix_util_decode_all(d, msgs, rec, 8), 3);
	assert_int_equal(d->export_time, EXPORT_TIME);

	assert_int_equal(rec[0].tid, MF_TID_FLOW4);
	assert_int_equal(rec[0].len, MF_FLOW_REC_LEN);
	ipfix_util_assert_record(&mf_tmpl_flow_internal, &mf_tmpl_flow4, &f4,
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
	assert_int_equal(rec[0].flow.label_source, MF_LABEL_NONE);
	assert_int_equal(rec[0].flow.label_dns.len, 0);
	/* Not in the v4 uniflow template: zero. */
	assert_int_equal(rec[0].flow.icmp6, 0);
	assert_int_equal(rec[0].flow.rev_octets, 0);
	assert_int_equal(rec[0].flow.rev_delta_ms, 0);
	assert_int_equal(rec[0].flow.rev_initial_flags, 0);

	assert_int_equal(rec[1].tid, MF_TID_FLOW6);
	assert_int_equal(rec[1].len, MF_FLOW_REC_LEN);
	ipfix_util_assert_record(&mf_tmpl_flow_internal, &mf_tmpl_flow6, &f6,
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
	ipfix_util_assert_record(&mf_tmpl_stats_internal, &mf_tmpl_stats, &st,
	    &rec[2].stats);
	assert_int_equal(rec[2].stats.domain, DOMAIN);
	assert_int_equal(rec[2].stats.init_ms, UINT64_C(1699999990001));
	assert_int_equal(rec[2].stats.octets_exported, UINT64_C(0x7000000007));
	assert_int_equal(rec[2].stats.expired_frags, 11);
	assert_int_equal(rec[2].stats.dns_parsed, 12);
	assert_int_equal(rec[2].stats.dns_evicted, UINT64_C(0x1700000017));
	assert_int_equal(rec[2].stats.labelled[MF_LABEL_NONE], 18);
	assert_int_equal(rec[2].stats.labelled[MF_LABEL_HTTP_HOST], 22);

	g_free(rec);
	g_ptr_array_unref(msgs);
	ipfix_util_decoder_free(d);
	exp_message_free(x);
}

static void
test_ipfix_add_record_full_message_enospc(void **state)
{
	struct exp_message *x =
	    ipfix_util_new_builder(EXP_MESSAGE_MIN_MTU, FALSE);
	struct decoder *d = ipfix_util_decoder_new();
	GPtrArray *msgs =
	    g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	struct mf_flow_rec f4;
	const uint8_t *msg = NULL;
	struct header h;
	size_t len, n1 = 0, n2 = 0, i;
	int r;

	(void)state;
	fb_flow_rec(&f4, FALSE);
	ipfix_util_add_templates_p(x, msgs);
	ipfix_util_emit_into(x, msgs);
	assert_int_equal(msgs->len, 1);
	msg = ipfix_util_msg_data(msgs, 0, &len);
	ipfix_util_decode(d, msg, len);
	assert_int_equal(d->n, 0);

	while ((r = exp_message_add_record(x, &mf_tmpl_flow4, &f4)) == 0) {
		f4.sport++;
		n1++;
		assert_true(n1 < 100);
	}
	assert_int_equal(r, -ENOSPC);
	len = exp_message_emit(x, &msg);
	assert_true(len <= EXP_MESSAGE_MIN_MTU);
	/* (1024 - 16 - 4) / 83 = 12 records of 83 bytes in one set. */
	assert_int_equal(n1, 12);
	assert_int_equal(len, 16 + 4 + 12 * FLOW4_WIRE_LEN);
	h = ipfix_util_read_header(msg, len);
	assert_int_equal(h.length, len);
	assert_int_equal(h.sequence, 0); /* templates are not counted */
	ipfix_util_decode(d, msg, len);
	assert_int_equal(d->n, n1);
	for (i = 0; i < n1; i++)
		assert_int_equal(d->rec[i].flow.sport, 50000 + i);

	/* The refused record opens the next message. */
	while ((r = exp_message_add_record(x, &mf_tmpl_flow4, &f4)) == 0) {
		f4.sport++;
		n2++;
		assert_true(n2 < 100);
	}
	assert_int_equal(r, -ENOSPC);
	assert_int_equal(n2, 12);
	len = exp_message_emit(x, &msg);
	assert_int_equal(len, 16 + 4 + 12 * FLOW4_WIRE_LEN);
	h = ipfix_util_read_header(msg, len);
	assert_int_equal(h.length, len);
	assert_int_equal(h.sequence, n1);
	ipfix_util_decode(d, msg, len);
	assert_int_equal(d->n, n2);
	for (i = 0; i < n2; i++)
		assert_int_equal(d->rec[i].flow.sport, 50000 + n1 + i);

	g_ptr_array_unref(msgs);
	ipfix_util_decoder_free(d);
	exp_message_free(x);
}

static void
test_ipfix_add_record_after_templates_shares_message(void **state)
{
	struct exp_message *x = ipfix_util_new_builder(1400, FALSE);
	struct mf_flow_rec f4;
	const uint8_t *msg = NULL;
	struct sets s;
	size_t len, i, tmpl_bytes = 0;

	(void)state;
	fb_flow_rec(&f4, FALSE);
	assert_int_equal(exp_message_add_templates(x), 0);
	/* Templates and data may share a message (RFC 7011 section 3.3). */
	assert_int_equal(exp_message_add_record(x, &mf_tmpl_flow4, &f4), 0);
	len = exp_message_emit(x, &msg);
	ipfix_util_walk_sets(msg, len, &s);
	for (i = 0; i < s.n; i++)
		if (s.id[i] == 2 || s.id[i] == 3)
			tmpl_bytes += s.len[i] - 4u;
	/* All three templates, 2 * 136 + 158 = 430 bytes. */
	assert_int_equal(tmpl_bytes, 2 * FLOW_TMPL_LEN + STATS_TMPL_LEN);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.id[s.n - 1], MF_TID_FLOW4);
	assert_int_equal(s.len[s.n - 1], 4 + FLOW4_WIRE_LEN);
	assert_int_equal(len,
	    16 + 4 * 4 + 2 * FLOW_TMPL_LEN + STATS_TMPL_LEN + FLOW4_WIRE_LEN);
	exp_message_free(x);
}

static void
test_ipfix_emit_round_trip_biflow(void **state)
{
	struct exp_message *x = ipfix_util_new_builder(1400, TRUE);
	struct decoder *d = ipfix_util_decoder_new();
	GPtrArray *msgs =
	    g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	struct decoded *rec = g_new0(struct decoded, 8);
	struct mf_flow_rec f4, f6;
	struct mf_stats_rec st;
	const uint8_t *msg;
	struct sets s;
	size_t len;

	(void)state;
	fb_flow_rec(&f4, FALSE);
	fb_flow_rec(&f6, TRUE);
	fb_stats_rec(&st, DOMAIN);
	ipfix_util_add_templates_p(x, msgs);
	ipfix_util_add_record_p(x, &mf_tmpl_biflow4, &f4, msgs);
	ipfix_util_add_record_p(x, &mf_tmpl_biflow6, &f6, msgs);
	ipfix_util_add_record_p(x, &mf_tmpl_stats, &st, msgs);
	ipfix_util_emit_into(x, msgs);
	assert_int_equal(msgs->len, 1);
	ipfix_util_assert_headers(msgs, EXPORT_TIME);

	/* Three template sets, then the three data sets. */
	msg = ipfix_util_msg_data(msgs, 0, &len);
	ipfix_util_walk_sets(msg, len, &s);
	assert_int_equal(s.n, 6);
	assert_int_equal(s.id[0], 2);
	assert_int_equal(s.id[1], 2);
	assert_int_equal(s.id[2], 3);
	assert_int_equal(s.id[3], MF_TID_BIFLOW4);
	assert_int_equal(s.len[3], 4 + FLOW4_WIRE_LEN + BIFLOW_EXTRA);
	assert_int_equal(s.id[4], MF_TID_BIFLOW6);
	assert_int_equal(s.len[4], 4 + FLOW6_WIRE_LEN + BIFLOW_EXTRA);
	assert_int_equal(s.id[5], MF_TID_STATS);

	assert_int_equal(ipfix_util_decode_all(d, msgs, rec, 8), 3);
	assert_int_equal(rec[0].tid, MF_TID_BIFLOW4);
	ipfix_util_assert_record(&mf_tmpl_flow_internal, &mf_tmpl_biflow4, &f4,
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
	ipfix_util_assert_record(&mf_tmpl_flow_internal, &mf_tmpl_biflow6, &f6,
	    &rec[1].flow);
	assert_int_equal(rec[1].flow.rev_octets, UINT64_C(0x0a0b0c0d0e));
	assert_int_equal(rec[1].flow.rev_union_flags, 0x11);
	assert_memory_equal(rec[1].flow.dst6, f6.dst6, 16);
	assert_int_equal(rec[1].flow.src4, 0);
	assert_int_equal(rec[2].tid, MF_TID_STATS);
	ipfix_util_assert_record(&mf_tmpl_stats_internal, &mf_tmpl_stats, &st,
	    &rec[2].stats);

	g_free(rec);
	g_ptr_array_unref(msgs);
	ipfix_util_decoder_free(d);
	exp_message_free(x);
}

/* Each label source, and none; the HTTP Host needs a 3-byte prefix. */
struct label_case {
	enum mf_label_source source;
	gboolean v6;
	const char *name;
};

/* The label string element of source in r (the v9 label for none). */
static const struct mf_varfield *
label_of(const struct mf_flow_rec *r, enum mf_label_source source)
{
	switch (source) {
	case MF_LABEL_DNS:
	case MF_LABEL_DNS_OTHER_CLIENT:
		return &r->label_dns;
	case MF_LABEL_TLS_SNI:
		return &r->label_sni;
	case MF_LABEL_HTTP_HOST:
		return &r->label_host;
	default:
		return &r->label;
	}
}

/* Decoded record got of case c: its one label string, the others empty. */
static void
assert_label(const struct label_case *c, const struct decoded *got)
{
	const struct mf_flow_rec *f = &got->flow;
	const struct mf_varfield *mine = label_of(f, c->source);

	assert_int_equal(got->tid, c->v6 ? MF_TID_FLOW6 : MF_TID_FLOW4);
	assert_int_equal(got->len, MF_FLOW_REC_LEN);
	assert_int_equal(f->label_source, c->source);
	ipfix_util_assert_var(mine, c->source == MF_LABEL_NONE ? "" : c->name);
	assert_int_equal(f->label.len, 0); /* v9's httpRequestHost */
	if (mine != &f->label_dns)
		assert_int_equal(f->label_dns.len, 0);
	if (mine != &f->label_sni)
		assert_int_equal(f->label_sni.len, 0);
	if (mine != &f->label_host)
		assert_int_equal(f->label_host.len, 0);
}

static void
test_ipfix_emit_round_trip_labels(void **state)
{
	g_autofree gchar *long_host = g_strnfill(300, 'h');
	const struct label_case cases[] = {
		{ MF_LABEL_DNS, FALSE, "dns.example.com" },
		{ MF_LABEL_DNS_OTHER_CLIENT, TRUE, "other.example.com" },
		{ MF_LABEL_TLS_SNI, FALSE, "sni.example.org" },
		{ MF_LABEL_HTTP_HOST, FALSE, long_host },
		{ MF_LABEL_NONE, FALSE, "" },
	};
	struct exp_message *x = ipfix_util_new_builder(1400, FALSE);
	struct decoder *d = ipfix_util_decoder_new();
	GPtrArray *msgs =
	    g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	struct mf_flow_rec sent[G_N_ELEMENTS(cases)];
	const uint8_t *msg;
	size_t i, len;

	(void)state;
	ipfix_util_add_templates_p(x, msgs);
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		fb_flow_rec(&sent[i], cases[i].v6);
		if (cases[i].source != MF_LABEL_NONE)
			ipfix_util_set_label(&sent[i], cases[i].source,
			    cases[i].name);
		ipfix_util_add_record_p(x,
		    cases[i].v6 ? &mf_tmpl_flow6 : &mf_tmpl_flow4, &sent[i],
		    msgs);
	}
	ipfix_util_emit_into(x, msgs);
	assert_int_equal(msgs->len, 1);
	/*
	 * Templates 16 + 3 * 4 + 2 * 136 + 158 = 458; a flow4 set of 4 +
	 * (83 + 15), a flow6 set of 4 + (107 + 17), a flow4 set of 4 +
	 * (83 + 15) + (83 + 2 + 300) + 83: 458 + 102 + 128 + 570 = 1258.
	 */
	msg = ipfix_util_msg_data(msgs, 0, &len);
	assert_int_equal(len, 1258);
	ipfix_util_decode(d, msg, len);
	assert_int_equal(d->n, G_N_ELEMENTS(cases));
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		assert_label(&cases[i], &d->rec[i]);
		ipfix_util_assert_record(&mf_tmpl_flow_internal,
		    cases[i].v6 ? &mf_tmpl_flow6 : &mf_tmpl_flow4, &sent[i],
		    &d->rec[i].flow);
	}
	g_ptr_array_unref(msgs);
	ipfix_util_decoder_free(d);
	exp_message_free(x);
}

/* The addresses of a decoded basicList: n elements of element id, len. */
static void
assert_addr_list(fbBasicList_t *bl, uint16_t id, size_t len, size_t n)
{
	const fbInfoElement_t *ie = fbBasicListGetInfoElement(bl);

	assert_int_equal(fbBasicListCountElements(bl), n);
	assert_int_equal(fbBasicListGetSemantic(bl), FB_LIST_SEM_ALL_OF);
	assert_non_null(ie);
	assert_int_equal(ie->ent, 0);
	assert_int_equal(ie->num, id);
	assert_int_equal(ie->len, len);
	assert_null(fbBasicListGetIndexedDataPtr(bl, (uint16_t)n));
}

/* A decoded DNS record: every field of ipfix_util_fill_dns(). */
static void
assert_dns(const struct decoded *got, gboolean v6)
{
	const struct dns_dec *r = &got->dns;

	assert_int_equal(got->tid, v6 ? MF_TID_DNS6 : MF_TID_DNS4);
	assert_int_equal(got->len, DNS_DEC_LEN);
	ipfix_util_assert_var(&r->qname, "www.example.com");
	ipfix_util_assert_var(&r->cname, "web.example.net");
	assert_int_equal(r->time_ms, UINT64_C(1700000000999));
	assert_int_equal(r->server4, v6 ? 0 : 0xc0000235u);
	assert_int_equal(r->client4, v6 ? 0 : 0xc0000299u);
	assert_int_equal(r->server6[15], v6 ? 0x53 : 0);
	assert_int_equal(r->client6[15], v6 ? 0x99 : 0);
	assert_int_equal(r->ttl, 3600);
	assert_int_equal(r->sport, 53);
	assert_int_equal(r->dport, 40053);
	assert_int_equal(r->id, 0xbeef);
	assert_int_equal(r->qtype, v6 ? 28 : 1);
	assert_int_equal(r->proto, 17);
	assert_int_equal(r->rcode, 0);
	assert_int_equal(r->qr, 1);
}

static void
test_ipfix_emit_round_trip_dns(void **state)
{
	static const uint8_t a6[2][16] = {
		{ 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 },
		{ 0x20, 0x01, 0x0d, 0xb8, [15] = 0x11 },
	};
	/*
	 * An empty list still has its header: libfixbuf 2.4 reads an empty
	 * basicList field as the end of the message and drops the rest.
	 */
	static const uint8_t no_addrs[5] = { FB_LIST_SEM_ALL_OF, 0,
		MF_IE_SOURCE_IPV4_ADDRESS, 0, 4 };
	struct exp_message *x = ipfix_util_new_builder(1400, FALSE);
	struct decoder *d = ipfix_util_decoder_new();
	GPtrArray *msgs =
	    g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	struct mf_dns_rec d4, d6;
	fbBasicList_t *bl;
	const uint8_t *msg;
	uint32_t v4;
	size_t len;

	(void)state;
	ipfix_util_fill_dns(&d4, FALSE);
	ipfix_util_fill_dns(&d6, TRUE);
	exp_message_set_dns(x, TRUE);
	ipfix_util_add_templates_p(x, msgs);
	ipfix_util_add_record_p(x, &mf_tmpl_dns4, &d4, msgs);
	ipfix_util_add_record_p(x, &mf_tmpl_dns6, &d6, msgs);
	/* A query never answered: no CNAME, a list of no addresses. */
	d4.qr = 0;
	d4.cname.len = 0;
	d4.addrs.buf = no_addrs;
	d4.addrs.len = sizeof(no_addrs);
	ipfix_util_add_record_p(x, &mf_tmpl_dns4, &d4, msgs);
	ipfix_util_emit_into(x, msgs);
	assert_int_equal(msgs->len, 1);
	/*
	 * Templates 16 + 5 * 4 + 2 * 136 + 158 + 2 * 90 = 646, then sets of
	 * 4 + 77 (dns4), 4 + 125 (dns6), 4 + 31 + 16 + 1 + 1 + 5 (dns4).
	 */
	msg = ipfix_util_msg_data(msgs, 0, &len);
	assert_int_equal(len, 646 + 81 + 129 + 58);
	ipfix_util_decode(d, msg, len);
	assert_int_equal(d->n, 3);

	assert_dns(&d->rec[0], FALSE);
	bl = &d->rec[0].dns.addrs;
	assert_addr_list(bl, MF_IE_SOURCE_IPV4_ADDRESS, 4, 2);
	/* libfixbuf hands out IPv4 addresses in host order. */
	memcpy(&v4, fbBasicListGetIndexedDataPtr(bl, 0), 4);
	assert_int_equal(v4, 0xc000020au);
	memcpy(&v4, fbBasicListGetIndexedDataPtr(bl, 1), 4);
	assert_int_equal(v4, 0xc000020bu);

	assert_dns(&d->rec[1], TRUE);
	bl = &d->rec[1].dns.addrs;
	assert_addr_list(bl, MF_IE_SOURCE_IPV6_ADDRESS, 16, 2);
	assert_memory_equal(fbBasicListGetIndexedDataPtr(bl, 0), a6[0], 16);
	assert_memory_equal(fbBasicListGetIndexedDataPtr(bl, 1), a6[1], 16);

	assert_int_equal(d->rec[2].tid, MF_TID_DNS4);
	assert_int_equal(d->rec[2].len, DNS_DEC_LEN);
	assert_int_equal(d->rec[2].dns.qr, 0);
	ipfix_util_assert_var(&d->rec[2].dns.qname, "www.example.com");
	ipfix_util_assert_var(&d->rec[2].dns.cname, "");
	assert_addr_list(&d->rec[2].dns.addrs, MF_IE_SOURCE_IPV4_ADDRESS, 4, 0);

	g_ptr_array_unref(msgs);
	ipfix_util_decoder_free(d); /* frees the lists */
	exp_message_free(x);
}

static void
test_ipfix_add_record_uniflow_in_biflow_mode_is_einval(void **state)
{
	struct exp_message *x = ipfix_util_new_builder(1400, TRUE);
	struct mf_flow_rec f4;
	const uint8_t *msg = NULL;

	(void)state;
	fb_flow_rec(&f4, FALSE);
	/* Template 256 was never added to a biflow builder (logs). */
	assert_int_equal(exp_message_add_record(x, &mf_tmpl_flow4, &f4),
	    -EINVAL);
	assert_int_equal(exp_message_emit(x, &msg), 0);
	exp_message_free(x);
}

static void
test_ipfix_new_bad_mtu_is_rejected(void **state)
{
	GError *err = NULL;
	struct exp_message *x;

	(void)state;
	assert_null(exp_message_new(MF_MSGENC_IPFIX, DOMAIN,
	    EXP_MESSAGE_MIN_MTU - 1, FALSE, 0, &err));
	assert_true(g_error_matches(err, MF_ERROR, MF_ERROR_ARGS));
	g_clear_error(&err);
	assert_null(
	    exp_message_new(MF_MSGENC_IPFIX, DOMAIN, 65536, FALSE, 0, &err));
	assert_true(g_error_matches(err, MF_ERROR, MF_ERROR_ARGS));
	g_clear_error(&err);
	x = exp_message_new(MF_MSGENC_IPFIX, DOMAIN, 65535, TRUE, 0, &err);
	assert_non_null(x);
	assert_null(err);
	exp_message_free(x);
	exp_message_free(NULL);
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
		struct exp_message *x;

		signal(SIGSEGV, SIG_DFL); /* not cmocka's handler */
		signal(SIGABRT, SIG_DFL);
		x = exp_message_new(MF_MSGENC_IPFIX, DOMAIN, 1400, FALSE, 0,
		    NULL);
		_exit(x != NULL ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("exp_message_new(..., NULL) died of signal %d",
		    WTERMSIG(status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipfix_emit_round_trip_uniflow),
		cmocka_unit_test(test_ipfix_add_record_full_message_enospc),
		cmocka_unit_test(
		    test_ipfix_add_record_after_templates_shares_message),
		cmocka_unit_test(test_ipfix_emit_round_trip_biflow),
		cmocka_unit_test(test_ipfix_emit_round_trip_labels),
		cmocka_unit_test(test_ipfix_emit_round_trip_dns),
		cmocka_unit_test(
		    test_ipfix_add_record_uniflow_in_biflow_mode_is_einval),
		cmocka_unit_test(test_ipfix_new_bad_mtu_is_rejected),
		cmocka_unit_test(test_ipfix_new_null_error_does_not_crash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
