/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-exporters"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "collector/ingest/exporters.h"
#include "common/addr.h"
#include "common/wbuf.h"

/*
 * The exporter table: keys, the cap, replacement of silent exporters and
 * the report lines.  The table reads the clock through
 * g_get_monotonic_time(), which this program wraps (-Wl,--wrap) with a
 * clock the tests move.
 */

#define T0_US (INT64_C(1000) * 1000 * 1000) /* an arbitrary start */
#define IDLE_US ((gint64)COL_EXPORTER_IDLE_MS * 1000)

static gint64 fake_now_us = T0_US;

gint64 __wrap_g_get_monotonic_time(void);

gint64
__wrap_g_get_monotonic_time(void)
{
	return fake_now_us;
}

static struct mf_addr
addr(const char *s)
{
	struct mf_addr a;

	assert_true(mf_addr_parse(s, &a));
	return a;
}

static struct col_exporter *
get(struct col_exporters *x, const char *a, uint16_t port, uint32_t domain,
    enum col_proto proto)
{
	struct mf_addr ad = addr(a);

	return col_exporters_get(x, &ad, port, domain, proto);
}

/* An exporter that has sent a flow record (it proved it is one). */
static struct col_exporter *
get_proven(struct col_exporters *x, const char *a, uint16_t port,
    uint32_t domain, enum col_proto proto)
{
	struct col_exporter *e = get(x, a, port, domain, proto);

	if (e != NULL && e->records == 0)
		e->records = 1;
	return e;
}

static int
setup(void **state)
{
	fake_now_us = T0_US;
	*state = col_exporters_new(2, 2, 16);
	return 0;
}

static int
teardown(void **state)
{
	col_exporters_free(*state);
	return 0;
}

static void
test_exporters_key(void **state)
{
	struct col_exporters *x = col_exporters_new(8, 8, 16);
	struct col_exporter *e = get(x, "192.0.2.1", 2055, 7, COL_PROTO_IPFIX);
	size_t n;

	(void)state;
	assert_non_null(e);
	assert_string_equal(e->name, "192.0.2.1");
	assert_int_equal(e->port, 2055);
	assert_int_equal(e->domain, 7);
	assert_int_equal(e->last_seen_ms, T0_US / 1000);
	assert_ptr_equal(get(x, "192.0.2.1", 2055, 7, COL_PROTO_IPFIX), e);
	/* any part of the key differing makes another exporter */
	assert_ptr_not_equal(get(x, "192.0.2.2", 2055, 7, COL_PROTO_IPFIX), e);
	assert_ptr_not_equal(get(x, "192.0.2.1", 2056, 7, COL_PROTO_IPFIX), e);
	assert_ptr_not_equal(get(x, "192.0.2.1", 2055, 8, COL_PROTO_IPFIX), e);
	assert_ptr_not_equal(get(x, "192.0.2.1", 2055, 7, COL_PROTO_V9), e);
	assert_ptr_not_equal(get(x, "2001:db8::1", 2055, 7, COL_PROTO_IPFIX),
	    e);
	col_exporters_report(x, &n);
	assert_int_equal(n, 6);
	assert_int_equal(col_exporters_refused(x), 0);
	assert_int_equal(col_exporters_replaced(x), 0);
	col_exporters_free(x);
}

static void
test_exporters_session_per_protocol(void **state)
{
	struct col_exporters *x = *state;
	struct col_exporter *v5 = get(x, "192.0.2.1", 9995, 0, COL_PROTO_V5);
	struct col_exporter *v9 = get(x, "192.0.2.1", 9995, 0, COL_PROTO_V9);

	assert_null(v5->fix); /* v5 has no templates */
	assert_non_null(v9->fix);
}

static void
test_exporters_full_table_refuses(void **state)
{
	struct col_exporters *x = *state;
	struct col_exporter *a =
	    get_proven(x, "192.0.2.1", 1, 0, COL_PROTO_IPFIX);
	struct col_exporter *b =
	    get_proven(x, "192.0.2.2", 1, 0, COL_PROTO_IPFIX);

	assert_null(get(x, "192.0.2.3", 1, 0, COL_PROTO_IPFIX));
	/* silent for one millisecond less than the limit: still kept */
	fake_now_us += IDLE_US - 1000;
	assert_null(get(x, "192.0.2.3", 1, 0, COL_PROTO_IPFIX));
	assert_int_equal(col_exporters_refused(x), 2);
	/* the members are still served, and seen again */
	assert_ptr_equal(get(x, "192.0.2.1", 1, 0, COL_PROTO_IPFIX), a);
	assert_ptr_equal(get(x, "192.0.2.2", 1, 0, COL_PROTO_IPFIX), b);
	assert_int_equal(a->last_seen_ms, (T0_US + IDLE_US) / 1000 - 1);
	assert_int_equal(col_exporters_refused(x), 2);
	assert_int_equal(col_exporters_replaced(x), 0);
}

static void
test_exporters_silent_one_replaced(void **state)
{
	struct col_exporters *x = *state;
	const struct col_report_exporter *l;
	struct col_exporter *c;
	size_t n;

	get_proven(x, "192.0.2.1", 1, 0, COL_PROTO_IPFIX);
	fake_now_us += 1000;
	get_proven(x, "192.0.2.2", 1, 0, COL_PROTO_IPFIX);
	/* both silent for the limit and more: the longer silent one goes */
	fake_now_us += IDLE_US + 1000;
	c = get_proven(x, "192.0.2.3", 1, 0, COL_PROTO_V9);
	assert_non_null(c);
	assert_int_equal(col_exporters_replaced(x), 1);
	l = col_exporters_report(x, &n);
	assert_int_equal(n, 2);
	assert_string_equal(l[0].address, "192.0.2.2"); /* moved into the gap */
	assert_string_equal(l[1].address, "192.0.2.3");
	/* the replaced one comes back: .2 is silent, it goes */
	assert_non_null(get_proven(x, "192.0.2.1", 1, 0, COL_PROTO_IPFIX));
	assert_int_equal(col_exporters_replaced(x), 2);
	/* nobody silent now: refused */
	assert_null(get(x, "192.0.2.2", 1, 0, COL_PROTO_IPFIX));
	assert_int_equal(col_exporters_refused(x), 1);
	assert_int_equal(col_exporters_replaced(x), 2);
}

static void
test_exporters_silent_exactly_the_limit(void **state)
{
	struct col_exporters *x = *state;

	get_proven(x, "192.0.2.1", 1, 0, COL_PROTO_IPFIX);
	get_proven(x, "192.0.2.2", 1, 0, COL_PROTO_IPFIX);
	fake_now_us += IDLE_US;
	assert_non_null(get(x, "192.0.2.3", 1, 0, COL_PROTO_IPFIX));
	assert_int_equal(col_exporters_replaced(x), 1);
}

/* Whether the report lists address a with domain d. */
static gboolean
listed(struct col_exporters *x, const char *a, uint32_t d)
{
	const struct col_report_exporter *l;
	size_t n, i;

	l = col_exporters_report(x, &n);
	for (i = 0; i < n; i++)
		if (strcmp(l[i].address, a) == 0 && l[i].domain == d)
			return TRUE;
	return FALSE;
}

/*
 * Issue 11.4: 64 header-only datagrams from one source port, 64 domains,
 * must not lock routers out.  The table (4) takes the flood only into the
 * places of entries that never sent a record: the proven router stays, a
 * new router gets in at once, nothing is refused.
 */
static void
test_exporters_unproven_give_way(void **state)
{
	struct col_exporters *x = col_exporters_new(4, 4, 16);
	struct col_exporter *r1 =
	    get_proven(x, "192.0.2.1", 4739, 0, COL_PROTO_IPFIX);
	uint32_t d;
	size_t n;

	(void)state;
	for (d = 0; d < 64; d++)
		assert_non_null(get(x, "192.0.2.66", 1, d, COL_PROTO_IPFIX));
	assert_int_equal(col_exporters_replaced(x), 61);
	assert_non_null(get_proven(x, "192.0.2.2", 4739, 0, COL_PROTO_IPFIX));
	assert_int_equal(col_exporters_replaced(x), 62);
	assert_ptr_equal(get(x, "192.0.2.1", 4739, 0, COL_PROTO_IPFIX), r1);
	/* the least recently seen unproven entry went: domain 61 */
	assert_false(listed(x, "192.0.2.66", 61));
	assert_true(listed(x, "192.0.2.66", 62));
	col_exporters_report(x, &n);
	assert_int_equal(n, 4);
	assert_int_equal(col_exporters_refused(x), 0);
	col_exporters_free(x);
}

/*
 * [exporters] max-per-address: one address never holds more than its
 * share; its own entries give way to its new ones, others keep theirs.
 */
static void
test_exporters_per_address_cap(void **state)
{
	struct col_exporters *x = col_exporters_new(8, 2, 16);
	const struct col_report_exporter *l;
	size_t n, i, flood = 0;
	uint32_t d;

	(void)state;
	get(x, "192.0.2.1", 4739, 0, COL_PROTO_IPFIX); /* not proven yet */
	for (d = 0; d < 64; d++)
		assert_non_null(get(x, "192.0.2.66", 1, d, COL_PROTO_IPFIX));
	assert_int_equal(col_exporters_replaced(x), 62);
	l = col_exporters_report(x, &n);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++)
		flood += strcmp(l[i].address, "192.0.2.66") == 0;
	assert_int_equal(flood, 2);
	/* the other router is still there, unproven as it is */
	assert_int_equal(l[0].port, 4739);
	/* an address whose entries all sent records is refused beyond it */
	get_proven(x, "192.0.2.7", 1, 0, COL_PROTO_IPFIX);
	get_proven(x, "192.0.2.7", 1, 1, COL_PROTO_IPFIX);
	assert_null(get(x, "192.0.2.7", 1, 2, COL_PROTO_IPFIX));
	assert_int_equal(col_exporters_refused(x), 1);
	col_exporters_free(x);
}

/* No flow comes of a template alone. */
static void
no_flow(const struct col_flow *f, void *ctx)
{
	(void)f;
	(void)ctx;
	fail_msg("a flow from a template");
}

/*
 * A real exporter often sends its templates before any record: under a
 * flood of header-only datagrams from its own address, it is not the one
 * that gives way while a header-only entry is left.
 */
static void
test_exporters_template_senders_outlast_headers(void **state)
{
	struct col_exporters *x = col_exporters_new(8, 3, 16);
	struct col_exporter *r = get(x, "192.0.2.1", 4739, 0, COL_PROTO_IPFIX);
	uint8_t msg[16 + 4 + 8];
	struct mf_wbuf wb;
	uint32_t d;

	(void)state;
	mf_wbuf_init(&wb, msg, sizeof(msg));
	mf_wbuf_put_u16(&wb, 10);
	mf_wbuf_put_u16(&wb, sizeof(msg));
	mf_wbuf_put_u32(&wb, 1700000000);
	mf_wbuf_put_u32(&wb, 0);
	mf_wbuf_put_u32(&wb, 0);
	mf_wbuf_put_u16(&wb, 2); /* template set: 256, sourceIPv4Address */
	mf_wbuf_put_u16(&wb, 4 + 8);
	mf_wbuf_put_u16(&wb, 256);
	mf_wbuf_put_u16(&wb, 1);
	mf_wbuf_put_u16(&wb, 8);
	mf_wbuf_put_u16(&wb, 4);
	col_fixread_message(r->fix, msg, sizeof(msg), 0, no_flow, NULL);
	assert_int_equal(col_fixread_get_stats(r->fix)->templates, 1);
	for (d = 1; d <= 64; d++)
		assert_non_null(get(x, "192.0.2.1", 9, d, COL_PROTO_IPFIX));
	assert_true(listed(x, "192.0.2.1", 0));
	assert_int_equal(col_exporters_replaced(x), 62);
	col_exporters_free(x);
}

static void
test_exporters_report_lines(void **state)
{
	struct col_exporters *x = col_exporters_new(4, 4, 16);
	struct col_exporter *v9 = get(x, "2001:db8::9", 2055, 3, COL_PROTO_V9);
	struct col_exporter *v5 = get(x, "192.0.2.5", 9995, 0, COL_PROTO_V5);
	struct col_exporter *ip = get(x, "192.0.2.6", 4739, 1, COL_PROTO_IPFIX);
	const struct col_report_exporter *l;
	size_t n;

	(void)state;
	v9->records = 100;
	v9->late = 4;
	v9->v9.lost_packets = 3;
	v9->v9.malformed = 2;
	v5->records = 30;
	v5->v5_lost = 60;
	v5->v5_malformed = 1;
	ip->records = 7;
	l = col_exporters_report(x, &n);
	assert_int_equal(n, 3);
	assert_string_equal(l[0].address, "2001:db8::9");
	assert_int_equal(l[0].port, 2055);
	assert_int_equal(l[0].domain, 3);
	assert_string_equal(l[0].protocol, "netflow-v9");
	assert_int_equal(l[0].records, 100);
	assert_int_equal(l[0].late_records, 4);
	assert_int_equal(l[0].lost, 3);        /* packets */
	assert_int_equal(l[0].undecodable, 2); /* v9 FlowSets */
	assert_null(l[0].health);              /* no statistics record seen */
	assert_string_equal(l[1].protocol, "netflow-v5");
	assert_int_equal(l[1].records, 30);
	assert_int_equal(l[1].lost, 60);
	assert_int_equal(l[1].undecodable, 1);
	assert_string_equal(l[2].protocol, "ipfix");
	assert_int_equal(l[2].records, 7);
	assert_int_equal(l[2].lost, 0);
	assert_int_equal(l[2].undecodable, 0);
	col_exporters_free(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exporters_key),
		cmocka_unit_test_setup_teardown(
		    test_exporters_session_per_protocol, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_exporters_full_table_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_exporters_silent_one_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_exporters_silent_exactly_the_limit, setup, teardown),
		cmocka_unit_test(test_exporters_report_lines),
		cmocka_unit_test(test_exporters_unproven_give_way),
		cmocka_unit_test(test_exporters_per_address_cap),
		cmocka_unit_test(
		    test_exporters_template_senders_outlast_headers),
	};

	g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
