/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "collector/ingest/exporters.h"
#include "collector/ingest/ingest.h"
#include "collector/ingest/v5.h"
#include "common/addr.h"
#include "common/model.h"
#include "common/msgenc.h"
#include "common/wbuf.h"
#include "tests/unit/flowbuild.h"
#include "tests/unit/ipfix_util.h"

#define NOW_MS UINT64_C(1700000062000) /* export time of the messages */

/* What the sink received. */
struct got {
	size_t messages, flows, dns;
	unsigned answer;   /* what flow and dns callbacks answer (COL_FLOW_*) */
	uint64_t clock_ms; /* what the clock callback answers */
	struct col_flow flow[4];
	struct col_dns_rec last_dns;
};

static void
on_message(void *ctx, enum col_listen_kind kind, const struct mf_addr *a,
    uint16_t port, const uint8_t *msg, size_t len)
{
	struct got *g = ctx;

	(void)kind, (void)a, (void)port, (void)msg, (void)len;
	g->messages++;
}

static unsigned
on_flow(void *ctx, const struct col_flow *f)
{
	struct got *g = ctx;

	if (g->flows < G_N_ELEMENTS(g->flow))
		g->flow[g->flows] = *f;
	g->flows++;
	return g->answer;
}

static uint64_t
on_clock(void *ctx)
{
	struct got *g = ctx;

	return g->clock_ms;
}

static unsigned
on_dns(void *ctx, const struct col_dns_rec *d)
{
	struct got *g = ctx;

	g->dns++;
	g->last_dns = *d;
	return g->answer;
}

struct fx {
	struct got got;
	struct col_ingest *in;
	struct mf_addr peer;
};

static int
setup(void **state)
{
	struct fx *fx = g_new0(struct fx, 1);
	struct col_ingest_config cfg = { 8, 8, 16 };
	struct col_ingest_sink sink = { on_message, on_flow, on_dns, NULL, NULL,
		on_clock };

	sink.ctx = &fx->got;
	fx->in = col_ingest_new(&cfg, &sink);
	assert_true(mf_addr_parse("192.0.2.1", &fx->peer));
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	col_ingest_free(fx->in);
	g_free(fx);
	return 0;
}

/* The report line of the only exporter. */
static const struct col_report_exporter *
only_exporter(struct fx *fx)
{
	const struct col_report_exporter *l;
	size_t n;

	l = col_exporters_report(col_ingest_exporters(fx->in), &n);
	assert_int_equal(n, 1);
	return l;
}

/*
 * A message of the exporter's encoder (IPFIX or v9, domain 7): the flow4
 * template if with_template, then the flow of fb_flow_rec().
 */
static size_t
flow_message(uint8_t *buf, size_t cap, enum mf_msgenc_proto proto,
    gboolean with_template, uint32_t sequence)
{
	struct mf_msgenc w;
	struct mf_flow_rec r;

	fb_flow_rec(&r, FALSE);
	mf_msgenc_init(&w, proto, buf, cap, 7, 0);
	w.sequence = sequence;
	mf_msgenc_begin(&w, NOW_MS);
	if (with_template)
		assert_int_equal(mf_msgenc_add_template(&w, &mf_tmpl_flow4), 0);
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &r), 0);
	return mf_msgenc_finish(&w);
}

/* The flow of fb_flow_rec() as the collector reads it. */
static void
assert_golden_flow(const struct col_flow *f)
{
	assert_int_equal(mf_addr_get4(&f->src), 0xc0000201u);
	assert_int_equal(mf_addr_get4(&f->dst), 0xc6336402u);
	assert_int_equal(f->sport, 50000);
	assert_int_equal(f->dport, 443);
	assert_int_equal(f->proto, 6);
	assert_int_equal(f->packets, UINT64_C(0x100000002));
	assert_int_equal(f->octets, UINT64_C(0x123456789a));
	assert_int_equal(f->rev_packets, 0);
	assert_int_equal(f->ingress, 0x01020304u);
	assert_int_equal(f->egress, 0x05060708u);
	assert_int_equal(f->vlan, 4094);
}

static void
test_ingest_ipfix_template_then_data(void **state)
{
	struct fx *fx = *state;
	const struct col_report_exporter *l;
	uint8_t buf[1400];
	size_t len = flow_message(buf, sizeof(buf), MF_MSGENC_IPFIX, TRUE, 0);

	col_ingest_message(fx->in, COL_LISTEN_IPFIX_UDP, &fx->peer, 4739, buf,
	    len);
	assert_int_equal(fx->got.messages, 1);
	assert_int_equal(fx->got.flows, 1);
	assert_golden_flow(&fx->got.flow[0]);
	assert_int_equal(fx->got.flow[0].start_ms, UINT64_C(1700000000123));
	assert_int_equal(fx->got.flow[0].end_ms, UINT64_C(1700000061456));
	l = only_exporter(fx);
	assert_string_equal(l->address, "192.0.2.1");
	assert_int_equal(l->port, 4739);
	assert_int_equal(l->domain, 7);
	assert_string_equal(l->protocol, "ipfix");
	assert_int_equal(l->records, 1);
	assert_int_equal(l->late_records, 0);
	assert_int_equal(l->undecodable, 0);
	assert_int_equal(col_ingest_get_stats(fx->in)->undecodable, 0);
	assert_int_equal(col_ingest_get_stats(fx->in)->denied, 0);

	assert_int_equal(l->export_delay_ms, 0); /* the clock said 0 */

	/* The template is kept: data alone decodes; a late one is counted,
	 * and how long after its end it came (the model's clock then). */
	fx->got.answer = COL_FLOW_LATE;
	fx->got.clock_ms = UINT64_C(1700000061456) + 300000;
	len = flow_message(buf, sizeof(buf), MF_MSGENC_IPFIX, FALSE, 1);
	col_ingest_message(fx->in, COL_LISTEN_IPFIX_UDP, &fx->peer, 4739, buf,
	    len);
	assert_int_equal(fx->got.flows, 2);
	l = only_exporter(fx);
	assert_int_equal(l->records, 2);
	assert_int_equal(l->late_records, 1);
	assert_int_equal(l->export_delay_ms, 300000);
	assert_int_equal(l->ahead_records, 0);
	assert_int_equal(l->lost, 0);
	/* A record ahead of the clock is counted against its exporter. */
	fx->got.answer = COL_FLOW_AHEAD;
	len = flow_message(buf, sizeof(buf), MF_MSGENC_IPFIX, FALSE, 2);
	col_ingest_message(fx->in, COL_LISTEN_IPFIX_UDP, &fx->peer, 4739, buf,
	    len);
	l = only_exporter(fx);
	assert_int_equal(l->records, 3);
	assert_int_equal(l->late_records, 1);
	assert_int_equal(l->ahead_records, 1);
}

static void
test_ingest_ipfix_data_before_template_is_counted(void **state)
{
	struct fx *fx = *state;
	uint8_t buf[1400];
	size_t len = flow_message(buf, sizeof(buf), MF_MSGENC_IPFIX, FALSE, 0);

	col_ingest_message(fx->in, COL_LISTEN_IPFIX_TCP, &fx->peer, 4739, buf,
	    len);
	assert_int_equal(fx->got.flows, 0);
	assert_int_equal(only_exporter(fx)->records, 0);
	assert_int_equal(only_exporter(fx)->undecodable, 1);
	/* Not the collector's: the exporter is named. */
	assert_int_equal(col_ingest_get_stats(fx->in)->undecodable, 0);

	len = flow_message(buf, sizeof(buf), MF_MSGENC_IPFIX, TRUE, 1);
	col_ingest_message(fx->in, COL_LISTEN_IPFIX_TCP, &fx->peer, 4739, buf,
	    len);
	assert_int_equal(fx->got.flows, 1);
	assert_golden_flow(&fx->got.flow[0]);
	assert_int_equal(only_exporter(fx)->records, 1);
	assert_int_equal(only_exporter(fx)->undecodable, 1);
}

static void
test_ingest_v9_template_then_data(void **state)
{
	struct fx *fx = *state;
	const struct col_report_exporter *l;
	uint8_t buf[1400];
	size_t len;

	/* Data first: no template yet, counted against the exporter. */
	len = flow_message(buf, sizeof(buf), MF_MSGENC_V9, FALSE, 0);
	col_ingest_message(fx->in, COL_LISTEN_V9, &fx->peer, 2055, buf, len);
	assert_int_equal(fx->got.flows, 0);
	assert_int_equal(only_exporter(fx)->undecodable, 1);

	len = flow_message(buf, sizeof(buf), MF_MSGENC_V9, TRUE, 1);
	col_ingest_message(fx->in, COL_LISTEN_V9, &fx->peer, 2055, buf, len);
	assert_int_equal(fx->got.messages, 2);
	assert_int_equal(fx->got.flows, 1);
	assert_golden_flow(&fx->got.flow[0]);
	assert_int_equal(fx->got.flow[0].start_ms, UINT64_C(1700000000123));
	assert_int_equal(fx->got.flow[0].end_ms, UINT64_C(1700000061456));
	l = only_exporter(fx);
	assert_string_equal(l->protocol, "netflow-v9");
	assert_int_equal(l->domain, 7);
	assert_int_equal(l->port, 2055);
	assert_int_equal(l->records, 1);
	assert_int_equal(l->undecodable, 1);
}

/*
 * A NetFlow v5 datagram of n records (24 + 48 n bytes): sysUptime 10 s
 * at 1700000000 s; record i is 10.0.0.1:(1000 + i) -> 10.0.0.2:80 TCP,
 * i + 1 packets of 100 bytes, from uptime 1 s to 2 s.
 */
static size_t
v5_datagram(uint8_t *buf, uint16_t n, uint32_t sequence)
{
	struct mf_wbuf wb;
	uint16_t i;

	mf_wbuf_init(&wb, buf,
	    COL_V5_HEADER_LEN + (size_t)n * COL_V5_RECORD_LEN);
	mf_wbuf_put_u16(&wb, 5);
	mf_wbuf_put_u16(&wb, n);
	mf_wbuf_put_u32(&wb, 10000);      /* sysUptime */
	mf_wbuf_put_u32(&wb, 1700000000); /* unix_secs */
	mf_wbuf_put_u32(&wb, 0);          /* unix_nsecs */
	mf_wbuf_put_u32(&wb, sequence);
	mf_wbuf_put_u8(&wb, 1); /* engine type */
	mf_wbuf_put_u8(&wb, 2); /* engine id */
	mf_wbuf_put_u16(&wb, 0);
	for (i = 0; i < n; i++) {
		mf_wbuf_put_u32(&wb, 0x0a000001);
		mf_wbuf_put_u32(&wb, 0x0a000002);
		mf_wbuf_put_u32(&wb, 0); /* next hop */
		mf_wbuf_put_u32(&wb, 0); /* input, output */
		mf_wbuf_put_u32(&wb, i + 1u);
		mf_wbuf_put_u32(&wb, 100u * (i + 1u));
		mf_wbuf_put_u32(&wb, 1000); /* first */
		mf_wbuf_put_u32(&wb, 2000); /* last */
		mf_wbuf_put_u16(&wb, (uint16_t)(1000 + i));
		mf_wbuf_put_u16(&wb, 80);
		mf_wbuf_put_u8(&wb, 0);    /* pad */
		mf_wbuf_put_u8(&wb, 0x1b); /* TCP flags */
		mf_wbuf_put_u8(&wb, 6);
		mf_wbuf_put_bytes(&wb, "\0\0\0\0\0\0\0\0\0", 9);
	}
	assert_int_equal(wb.len, wb.cap);
	return wb.len;
}

static void
test_ingest_v5_records_and_sequence_gaps(void **state)
{
	struct fx *fx = *state;
	const struct col_report_exporter *l;
	uint8_t buf[COL_V5_HEADER_LEN + 30 * COL_V5_RECORD_LEN];
	size_t len = v5_datagram(buf, 2, 100);

	col_ingest_message(fx->in, COL_LISTEN_V5, &fx->peer, 9995, buf, len);
	assert_int_equal(fx->got.flows, 2);
	assert_int_equal(mf_addr_get4(&fx->got.flow[1].src), 0x0a000001);
	assert_int_equal(mf_addr_get4(&fx->got.flow[1].dst), 0x0a000002);
	assert_int_equal(fx->got.flow[1].sport, 1001);
	assert_int_equal(fx->got.flow[1].dport, 80);
	assert_int_equal(fx->got.flow[1].packets, 2);
	assert_int_equal(fx->got.flow[1].octets, 200);
	/* 1700000000 s at uptime 10 s: uptime 1 s is 9 s earlier. */
	assert_int_equal(fx->got.flow[1].start_ms, UINT64_C(1699999991000));
	assert_int_equal(fx->got.flow[1].end_ms, UINT64_C(1699999992000));
	l = only_exporter(fx);
	assert_string_equal(l->protocol, "netflow-v5");
	assert_int_equal(l->domain, 1 << 8 | 2);
	assert_int_equal(l->records, 2);
	assert_int_equal(l->lost, 0);

	/* Next expected 102; 107 says five records were lost. */
	len = v5_datagram(buf, 1, 107);
	col_ingest_message(fx->in, COL_LISTEN_V5, &fx->peer, 9995, buf, len);
	assert_int_equal(fx->got.flows, 3);
	l = only_exporter(fx);
	assert_int_equal(l->records, 3);
	assert_int_equal(l->lost, 5);
}

static void
test_ingest_dns_record_reaches_the_sink(void **state)
{
	struct fx *fx = *state;
	struct mf_dns_rec r;
	struct mf_msgenc w;
	uint8_t buf[1400];
	size_t len;

	ipfix_util_fill_dns(&r, FALSE);
	mf_msgenc_init(&w, MF_MSGENC_IPFIX, buf, sizeof(buf), 7, 0);
	mf_msgenc_begin(&w, NOW_MS);
	assert_int_equal(mf_msgenc_add_template(&w, &mf_tmpl_dns4), 0);
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_dns4, &r), 0);
	len = mf_msgenc_finish(&w);
	col_ingest_message(fx->in, COL_LISTEN_IPFIX_UDP, &fx->peer, 4739, buf,
	    len);
	assert_int_equal(fx->got.flows, 0);
	assert_int_equal(fx->got.dns, 1);
	assert_string_equal(fx->got.last_dns.qname, "www.example.com");
	assert_string_equal(fx->got.last_dns.cname, "web.example.net");
	assert_int_equal(mf_addr_get4(&fx->got.last_dns.server), 0xc0000235u);
	assert_int_equal(mf_addr_get4(&fx->got.last_dns.client), 0xc0000299u);
	assert_int_equal(fx->got.last_dns.n_addrs, 2);
	assert_int_equal(mf_addr_get4(&fx->got.last_dns.addrs[1]), 0xc000020bu);
	assert_int_equal(fx->got.last_dns.id, 0xbeef);
	assert_int_equal(fx->got.last_dns.ttl, 3600);
	assert_int_equal(fx->got.last_dns.answered, 1);
	assert_int_equal(only_exporter(fx)->ahead_records, 0);
	/* Taken at the model's clock (ahead): counted against its exporter. */
	fx->got.answer = COL_FLOW_AHEAD;
	col_ingest_message(fx->in, COL_LISTEN_IPFIX_UDP, &fx->peer, 4739, buf,
	    len);
	assert_int_equal(fx->got.dns, 2);
	assert_int_equal(only_exporter(fx)->ahead_records, 1);
}

static void
test_ingest_unknown_exporter_is_denied(void **state)
{
	struct fx *fx = *state;
	struct mf_prefix allow;
	struct mf_addr inside;
	uint8_t buf[1400];
	size_t n,
	    len = flow_message(buf, sizeof(buf), MF_MSGENC_IPFIX, TRUE, 0);

	assert_true(mf_prefix_parse("10.0.0.0/8", &allow));
	assert_true(mf_addr_parse("10.1.2.3", &inside));
	col_ingest_set_allow(fx->in, &allow, 1);
	col_ingest_message(fx->in, COL_LISTEN_IPFIX_UDP, &fx->peer, 4739, buf,
	    len);
	col_ingest_message(fx->in, COL_LISTEN_V5, &fx->peer, 9995, buf, len);
	assert_int_equal(col_ingest_get_stats(fx->in)->denied, 2);
	/* Kept for the reports: one peer, one reason, two messages. */
	assert_int_equal(col_ingest_refused(fx->in)->n, 1);
	assert_int_equal(col_ingest_refused(fx->in)->e[0].messages, 2);
	assert_int_equal(col_ingest_refused(fx->in)->e[0].reason,
	    COL_REFUSED_NOT_ALLOWED);
	assert_string_equal(col_ingest_refused(fx->in)->e[0].name, "192.0.2.1");
	/* Denied before anything: not forwarded, no exporter, no record. */
	assert_int_equal(fx->got.messages, 0);
	assert_int_equal(fx->got.flows, 0);
	(void)col_exporters_report(col_ingest_exporters(fx->in), &n);
	assert_int_equal(n, 0);

	col_ingest_message(fx->in, COL_LISTEN_IPFIX_UDP, &inside, 4739, buf,
	    len);
	assert_int_equal(fx->got.messages, 1);
	assert_int_equal(fx->got.flows, 1);
	assert_int_equal(col_ingest_get_stats(fx->in)->denied, 2);
	assert_string_equal(only_exporter(fx)->address, "10.1.2.3");

	col_ingest_set_allow(fx->in, NULL, 0); /* empty: every peer */
	col_ingest_message(fx->in, COL_LISTEN_IPFIX_UDP, &fx->peer, 4739, buf,
	    len);
	assert_int_equal(fx->got.flows, 2);
	assert_int_equal(col_ingest_get_stats(fx->in)->denied, 2);
}

static void
test_ingest_garbage_is_counted(void **state)
{
	struct fx *fx = *state;
	uint8_t ipfix[1400], junk[64];
	size_t n,
	    len = flow_message(ipfix, sizeof(ipfix), MF_MSGENC_IPFIX, TRUE, 0);

	memset(junk, 0xa5, sizeof(junk));
	/* Too short for any header; wrong version for the listener. */
	col_ingest_message(fx->in, COL_LISTEN_IPFIX_UDP, &fx->peer, 4739, junk,
	    15);
	col_ingest_message(fx->in, COL_LISTEN_IPFIX_UDP, &fx->peer, 4739, junk,
	    sizeof(junk));
	col_ingest_message(fx->in, COL_LISTEN_V9, &fx->peer, 2055, ipfix, len);
	col_ingest_message(fx->in, COL_LISTEN_V9, &fx->peer, 2055, junk, 3);
	col_ingest_message(fx->in, COL_LISTEN_V5, &fx->peer, 9995, ipfix, len);
	col_ingest_message(fx->in, COL_LISTEN_V5, &fx->peer, 9995, junk,
	    sizeof(junk));
	col_ingest_message(fx->in, COL_LISTEN_V5, &fx->peer, 9995, junk, 0);
	assert_int_equal(col_ingest_get_stats(fx->in)->undecodable, 7);
	assert_int_equal(col_ingest_get_stats(fx->in)->denied, 0);
	/* Forwarded raw as received, but nothing decoded, no exporter. */
	assert_int_equal(fx->got.messages, 7);
	assert_int_equal(fx->got.flows, 0);
	(void)col_exporters_report(col_ingest_exporters(fx->in), &n);
	assert_int_equal(n, 0);

	/* An IPFIX header on garbage: the exporter is named and counts it. */
	memcpy(junk, ipfix, 16);
	junk[2] = 0;
	junk[3] = sizeof(junk); /* length */
	col_ingest_message(fx->in, COL_LISTEN_IPFIX_UDP, &fx->peer, 4739, junk,
	    sizeof(junk));
	assert_int_equal(col_ingest_get_stats(fx->in)->undecodable, 7);
	assert_int_equal(only_exporter(fx)->undecodable, 1);
	assert_int_equal(fx->got.flows, 0);
}

static void
test_ingest_file_names_its_exporter(void **state)
{
	struct fx *fx = *state;
	struct mf_addr none;
	uint8_t buf[1400];
	size_t len = flow_message(buf, sizeof(buf), MF_MSGENC_IPFIX, TRUE, 0);

	memset(&none, 0, sizeof(none));
	col_ingest_set_file_name(fx->in, "flows.ipfix");
	col_ingest_message(fx->in, COL_LISTEN_IPFIX_UDP, &none, 0, buf, len);
	assert_int_equal(fx->got.flows, 1);
	assert_string_equal(only_exporter(fx)->address, "flows.ipfix");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_ingest_ipfix_template_then_data, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_ingest_ipfix_data_before_template_is_counted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_ingest_v9_template_then_data, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_ingest_v5_records_and_sequence_gaps, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_ingest_dns_record_reaches_the_sink, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_ingest_unknown_exporter_is_denied, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ingest_garbage_is_counted,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_ingest_file_names_its_exporter, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
