/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-test-flowstats"

#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>
#include <cmocka.h>

#include "collector/model/classify.h"
#include "collector/model/engine.h"
#include "collector/model/flow.h"
#include "collector/analytics/flowstats.h"
#include "collector/model/consumer.h"
#include "collector/model/persec.h"
#include "collector/output/report_flows.h"
#include "collector/output/report_summary.h"
#include "collector/output/report_tables.h"
#include "collector/model/tables.h"
#include "common/addr.h"
#include "common/hash.h"
#include "common/model.h"
#include "tests/unit/flowbuild.h"

#define S UINT64_C(1699999980000) /* a multiple of 60 s */
#define SYN 0x02
#define RST 0x04
#define ACK 0x10

/* A finished TCP uniflow record 10.0.0.s:sp -> 10.0.0.d:dp. */
static struct col_flow
flow4(uint8_t s, uint16_t sp, uint8_t d, uint16_t dp, uint8_t flags)
{
	const uint8_t a[4] = { 10, 0, 0, s }, b[4] = { 10, 0, 0, d };
	struct mf_addr src, dst;
	struct col_flow f;

	mf_addr_set4(&src, a);
	mf_addr_set4(&dst, b);
	f = fb_flow_addr(&src, sp, &dst, dp, 6, 1, 40, S, S);
	f.tcp_flags = flags;
	f.end_reason = MF_END_IDLE_TIMEOUT;
	return f;
}

/* A record of duration_ms and octets bytes (forward only). */
static struct col_flow
sized(uint64_t duration_ms, uint64_t octets)
{
	struct col_flow f = flow4(1, 40000, 2, 80, SYN | ACK);

	f.end_ms = S + duration_ms;
	f.octets = octets;
	return f;
}

static struct col_flowstats_summary
get(const struct col_flowstats *fs, gboolean focus, const struct col_tables *t)
{
	struct col_flowstats_summary s;

	assert_true(col_flowstats_get(fs, focus, t, &s));
	return s;
}

/* The statistics of n records, of durations and sizes v[i] unless f. */
static struct col_flowstats_summary
summary_of(const uint64_t *v, const struct col_flow *f, size_t n)
{
	struct col_flowstats *fs = col_flowstats_new(NULL);
	struct col_flowstats_summary s;
	struct col_flow g;
	size_t i;

	for (i = 0; i < n; i++) {
		g = f != NULL ? f[i] : sized(v[i], v[i]);
		col_flowstats_add(fs, &g);
	}
	s = get(fs, FALSE, NULL);
	col_flowstats_free(fs);
	return s;
}

static struct col_tables *
tables_new(void)
{
	struct col_tables_config cfg;
	GError *err = NULL;
	struct col_tables *t;

	memset(&cfg, 0, sizeof(cfg));
	cfg.max_addresses = 64;
	cfg.max_streams = 64;
	cfg.max_ports = 64;
	cfg.idle_ms = 300000;
	mf_hash_key_fixed(&cfg.seed);
	t = col_tables_new(&cfg, &err);
	assert_non_null(t);
	return t;
}

/* Account f to the tables and the statistics, as the engine does. */
static void
feed(struct col_flowstats *fs, struct col_tables *t, const struct col_flow *f)
{
	col_tables_account(t, f, TRUE, TRUE, f->dport, 0, NULL);
	col_flowstats_add(fs, f);
}

static struct mf_prefix
prefix(const char *s)
{
	struct mf_prefix p;

	assert_true(mf_prefix_parse(s, &p));
	return p;
}

static void
test_flowstats_get_quantiles_exact_below_128(void **state)
{
	struct col_flowstats_summary s;
	uint64_t v[100];
	size_t i;

	(void)state;
	for (i = 0; i < 100; i++)
		v[i] = 100 - i; /* order does not matter */
	s = summary_of(v, NULL, 100);
	assert_int_equal(s.finished, 100);
	assert_int_equal(s.duration_ms.count, 100);
	/* Nearest rank: ceil(p * 100 / 100)-th smallest. */
	assert_int_equal(s.duration_ms.p50, 50);
	assert_int_equal(s.duration_ms.p90, 90);
	assert_int_equal(s.duration_ms.p99, 99);
	assert_int_equal(s.bytes.p50, 50);
	assert_int_equal(s.bytes.p90, 90);
	assert_int_equal(s.bytes.p99, 99);
}

static void
test_flowstats_get_quantiles_odd_count_nearest_rank(void **state)
{
	static const uint64_t v[7] = { 7, 3, 120, 0, 45, 45, 9 };
	struct col_flowstats_summary s = summary_of(v, NULL, 7);

	(void)state;
	/* Sorted 0 3 7 9 45 45 120: ranks ceil(3.5) = 4, ceil(6.3) = 7. */
	assert_int_equal(s.duration_ms.p50, 9);
	assert_int_equal(s.duration_ms.p90, 120);
	assert_int_equal(s.duration_ms.p99, 120);
}

static void
test_flowstats_get_quantiles_large_values_within_bound(void **state)
{
	struct col_flow f = sized(1000, UINT64_MAX);
	struct col_flowstats_summary s = summary_of(NULL, &f, 1);

	(void)state;
	/* 1000 = 125 << 3: bucket [1000, 1007], midpoint 1003 (0.3%). */
	assert_int_equal(s.duration_ms.p50, 1003);
	/* The last bucket: [127 << 57, 2^64 - 1]. */
	assert_true(s.bytes.p50 ==
	    (UINT64_C(127) << 57) + ((UINT64_C(1) << 57) - 1) / 2);
	assert_true(UINT64_MAX - s.bytes.p50 <= UINT64_MAX / 128);
}

static void
test_flowstats_get_cdf_cumulative_counts(void **state)
{
	static const uint64_t dur[8] = { 0, 1, 5, 10, 11, 1000, 70000,
		100000000 };
	static const uint64_t bytes[8] = { 0, 64, 65, 128, UINT64_C(1) << 30,
		(UINT64_C(1) << 30) + 1, 100, 200 };
	static const uint64_t dur_cdf[COL_FLOWSTATS_DURATION_BOUNDS] = { 1, 2,
		4, 5, 6, 6, 6, 7, 7, 7, 7 };
	struct col_flowstats_summary s;
	struct col_flow f[8];
	size_t i;

	(void)state;
	for (i = 0; i < 8; i++)
		f[i] = sized(dur[i], bytes[i]);
	s = summary_of(NULL, f, 8);
	assert_int_equal(s.duration_ms.n_bounds, COL_FLOWSTATS_DURATION_BOUNDS);
	for (i = 0; i < COL_FLOWSTATS_DURATION_BOUNDS; i++)
		assert_int_equal(s.duration_ms.cdf[i], dur_cdf[i]);
	assert_int_equal(s.bytes.n_bounds, COL_FLOWSTATS_BYTES_BOUNDS);
	assert_int_equal(s.bytes.bounds[0], 64);
	assert_int_equal(s.bytes.cdf[0], 2); /* 0, 64 */
	assert_int_equal(s.bytes.cdf[1], 5); /* 65, 100, 128 */
	assert_int_equal(s.bytes.cdf[2], 6); /* 200 */
	assert_int_equal(s.bytes.cdf[23], 6);
	assert_int_equal(s.bytes.bounds[24], UINT64_C(1) << 30);
	assert_int_equal(s.bytes.cdf[24], 7); /* 2^30 + 1 is above */
	assert_int_equal(s.bytes.count, 8);
}

static void
test_flowstats_add_end_reasons_finished_and_ongoing(void **state)
{
	static const uint8_t reasons[7] = { MF_END_IDLE_TIMEOUT,
		MF_END_ACTIVE_TIMEOUT, MF_END_OF_FLOW, MF_END_FORCED,
		MF_END_LACK_OF_RESOURCES, 0, 7 };
	struct col_flowstats_summary s;
	struct col_flow f[7];
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(reasons); i++) {
		f[i] = sized(10, 100);
		f[i].end_reason = reasons[i];
	}
	s = summary_of(NULL, f, 7);
	assert_int_equal(s.finished, 6);
	assert_int_equal(s.ongoing, 1);
	assert_int_equal(s.end_unknown, 2); /* 0 and 7 */
	assert_int_equal(s.duration_ms.count, 6);
	assert_int_equal(s.bytes.count, 6);
}

static void
test_flowstats_add_end_before_start_counted_apart(void **state)
{
	struct col_flow f = sized(0, 500);
	struct col_flowstats_summary s;

	(void)state;
	f.start_ms = S + 1;
	s = summary_of(NULL, &f, 1);
	assert_int_equal(s.finished, 1);
	assert_int_equal(s.bad_times, 1);
	assert_int_equal(s.duration_ms.count, 0);
	assert_int_equal(s.bytes.count, 1);
	assert_int_equal(s.bytes.p50, 501); /* bucket [500, 503] */
}

static void
test_flowstats_add_biflow_bytes_both_directions(void **state)
{
	struct col_flow f = sized(5, 60);

	(void)state;
	f.rev_packets = 1;
	f.rev_octets = 40;
	assert_int_equal(summary_of(NULL, &f, 1).bytes.p50, 100);
}

/*
 * Uniflow pairs joined by the stream table: unanswered SYN (2 records of
 * one stream: a retransmission) and SYN to 10.0.0.6 are half-open; SYN
 * answered by SYN-ACK, by RST-ACK, a SYN scan's SYN+RST answered by
 * SYN-ACK, and UDP are not.
 */
static void
test_flowstats_get_half_open_uniflow_pairs(void **state)
{
	struct col_flowstats *fs = col_flowstats_new(NULL);
	struct col_tables *t = tables_new();
	struct col_flow r[9];
	size_t i;

	(void)state;
	r[0] = flow4(1, 40000, 2, 23, SYN);
	r[1] = flow4(1, 40000, 2, 23, SYN); /* retransmitted, same stream */
	r[2] = flow4(1, 40001, 3, 80, SYN | ACK);
	r[3] = flow4(3, 80, 1, 40001, SYN | ACK);
	r[4] = flow4(1, 40002, 4, 443, SYN);
	r[5] = flow4(4, 443, 1, 40002, RST | ACK);
	r[6] = flow4(1, 40003, 5, 22, SYN | RST);
	r[7] = flow4(5, 22, 1, 40003, SYN | ACK);
	r[8] = flow4(1, 40004, 6, 25, SYN);
	for (i = 0; i < G_N_ELEMENTS(r); i++)
		feed(fs, t, &r[i]);
	r[0] = flow4(1, 5353, 7, 53, 0);
	r[0].proto = 17;
	feed(fs, t, &r[0]);
	assert_int_equal(get(fs, FALSE, t).half_open, 2);
	assert_int_equal(get(fs, FALSE, t).finished, 10);
	assert_int_equal(get(fs, FALSE, NULL).half_open, 0);
	col_tables_free(t);
	col_flowstats_free(fs);
}

static void
test_flowstats_get_half_open_biflow(void **state)
{
	struct col_flowstats *fs = col_flowstats_new(NULL);
	struct col_tables *t = tables_new();
	struct col_flow lone = flow4(1, 40000, 2, 23, SYN);
	struct col_flow answered = flow4(1, 40001, 3, 23, SYN);
	struct col_flow reset = flow4(1, 40002, 4, 23, SYN);

	(void)state;
	answered.rev_packets = 1;
	answered.rev_octets = 40;
	answered.rev_tcp_flags = SYN | ACK;
	reset.rev_packets = 1; /* a reply, even with no ACK: answered */
	reset.rev_octets = 40;
	reset.rev_tcp_flags = RST;
	feed(fs, t, &lone);
	feed(fs, t, &answered);
	feed(fs, t, &reset);
	assert_int_equal(get(fs, FALSE, t).half_open, 1);
	col_tables_free(t);
	col_flowstats_free(fs);
}

/* Records from/to addresses of both families; counts per focus. */
static void
feed_mixed(struct col_flowstats *fs, struct col_tables *t)
{
	static const char *const pairs[][2] = { { "192.0.2.1", "198.51.100.7" },
		{ "198.51.100.9", "192.0.2.200" },
		{ "203.0.113.5", "192.0.2.1" },
		{ "2001:db8::1", "2001:db8:1::2" },
		{ "2001:db8:1::3", "fe80::1" },
		{ "2001:db9::1", "2001:db8::1" } };
	struct col_flow f;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(pairs); i++) {
		f = flow4(1, (uint16_t)(40000 + i), 2, 23, SYN);
		assert_true(mf_addr_parse(pairs[i][0], &f.src));
		assert_true(mf_addr_parse(pairs[i][1], &f.dst));
		feed(fs, t, &f);
	}
}

static void
check_focus(const char *target, uint64_t expected)
{
	struct mf_prefix p = prefix(target);
	struct col_flowstats *fs = col_flowstats_new(&p);
	struct col_tables *t = tables_new();
	struct col_flowstats_summary s;

	feed_mixed(fs, t);
	s = get(fs, TRUE, t);
	assert_int_equal(s.finished, expected);
	assert_int_equal(s.half_open, expected); /* each one a lone SYN */
	assert_int_equal(s.duration_ms.count, expected);
	assert_int_equal(get(fs, FALSE, t).finished, 6);
	assert_int_equal(get(fs, FALSE, t).half_open, 6);
	col_tables_free(t);
	col_flowstats_free(fs);
}

static void
test_flowstats_add_focus_v4_v6_address_and_network(void **state)
{
	(void)state;
	check_focus("192.0.2.1", 2);    /* source of one, dest of one */
	check_focus("192.0.2.0/24", 3); /* any side in the /24 */
	check_focus("198.51.100.8/31", 1);
	check_focus("2001:db8::1", 2);
	check_focus("2001:db8::/32", 3);
	check_focus("2001:db8:1::/48", 2);
	check_focus("10.0.0.0/8", 0);
	check_focus("0.0.0.0/0", 3); /* every IPv4 flow, no IPv6 one */
}

static void
test_flowstats_get_no_focus_is_false(void **state)
{
	struct col_flowstats *fs = col_flowstats_new(NULL);
	struct col_flowstats_summary s;

	(void)state;
	assert_null(col_flowstats_get_focus(fs));
	assert_false(col_flowstats_get(fs, TRUE, NULL, &s));
	col_flowstats_free(fs);
}

static void
test_flowstats_set_focus_same_keeps_new_resets(void **state)
{
	struct mf_prefix a = prefix("192.0.2.0/24"), b = prefix("192.0.2.1");
	struct col_flowstats *fs = col_flowstats_new(&a);
	struct col_flow f = sized(1, 1);

	(void)state;
	assert_true(mf_addr_parse("192.0.2.1", &f.src));
	col_flowstats_add(fs, &f);
	col_flowstats_set_focus(fs, &a);
	assert_int_equal(get(fs, TRUE, NULL).finished, 1);
	col_flowstats_set_focus(fs, &b);
	assert_int_equal(get(fs, TRUE, NULL).finished, 0);
	assert_int_equal(get(fs, FALSE, NULL).finished, 1);
	col_flowstats_reset(fs);
	assert_int_equal(get(fs, FALSE, NULL).finished, 0);
	col_flowstats_set_focus(fs, NULL);
	assert_null(col_flowstats_get_focus(fs));
	col_flowstats_free(fs);
}

/*
 * A reset clears every bucket counted: after 1,000, a reset and 5,000,
 * the median is 5,000's bucket (the midpoint of [4992, 5055]), not
 * a bucket left from before.
 */
static void
test_flowstats_reset_clears_counted_buckets(void **state)
{
	struct col_flowstats *fs = col_flowstats_new(NULL);
	struct col_flow f = sized(1000, 1000);
	struct col_flowstats_summary s;

	(void)state;
	col_flowstats_add(fs, &f); /* the highest bucket: the last cleared */
	col_flowstats_reset(fs);
	f = sized(5000, 5000);
	col_flowstats_add(fs, &f);
	s = get(fs, FALSE, NULL);
	assert_int_equal(s.finished, 1);
	assert_int_equal(s.duration_ms.count, 1);
	assert_int_equal(s.duration_ms.p50, 5023);
	assert_int_equal(s.bytes.p50, 5023);
	col_flowstats_free(fs);
}

/*
 * Bounded memory: a million records of hostile values allocate nothing
 * (the heap in use is the same before and after) and every count is
 * exact.
 */
static void
test_flowstats_add_million_records_allocate_nothing(void **state)
{
	struct mf_prefix p = prefix("2001:db8::/32");
	struct col_flowstats *fs = col_flowstats_new(&p);
	struct col_flowstats_summary s;
	struct col_flow f = sized(0, 0);
	size_t before, after;
	uint64_t i, x = 88172645463325252ULL;

	(void)state;
	before = mallinfo2().uordblks;
	for (i = 0; i < 1000000; i++) {
		x ^= x << 13; /* xorshift64 */
		x ^= x >> 7;
		x ^= x << 17;
		f.start_ms = x % 3 == 0 ? x : 0;
		f.end_ms = x >> 1;
		f.octets = x;
		f.rev_octets = x >> 3;
		f.end_reason = (uint8_t)(x >> 56);
		col_flowstats_add(fs, &f);
	}
	after = mallinfo2().uordblks;
	assert_int_equal(before, after);
	s = get(fs, FALSE, NULL);
	assert_int_equal(s.finished + s.ongoing, 1000000);
	assert_int_equal(s.duration_ms.count + s.bad_times, s.finished);
	assert_int_equal(s.bytes.count, s.finished);
	assert_true(s.bytes.p50 <= s.bytes.p90 && s.bytes.p90 <= s.bytes.p99);
	assert_int_equal(get(fs, TRUE, NULL).finished, 0);
	col_flowstats_free(fs);
}

/* The JSON: keys, null quantiles when empty, the focus target. */
static JsonObject *
build_json(JsonNode **root, const struct col_flowstats *fs)
{
	struct col_jsonw w;

	col_jsonw_init(&w, TRUE);
	col_jsonw_begin_object(&w);
	col_report_flows_build(&w, fs, NULL);
	col_jsonw_end_object(&w);
	*root = col_jsonw_steal_tree(&w);
	col_jsonw_clear(&w);
	return json_object_get_object_member(json_node_get_object(*root),
	    "flows");
}

static void
test_flowstats_report_json(void **state)
{
	struct mf_prefix p = prefix("2001:db8::1/32");
	struct col_flowstats *fs = col_flowstats_new(&p);
	struct col_flow f = sized(3, 70);
	JsonObject *o, *d, *focus;
	JsonArray *cdf;
	JsonNode *root;

	(void)state;
	col_flowstats_add(fs, &f);
	o = build_json(&root, fs);
	assert_int_equal(json_object_get_int_member(o, "finished"), 1);
	assert_int_equal(json_object_get_int_member(o, "half_open"), 0);
	d = json_object_get_object_member(o, "duration_ms");
	assert_int_equal(json_object_get_int_member(d, "p99"), 3);
	cdf = json_object_get_array_member(d, "cdf");
	assert_int_equal(json_array_get_length(cdf),
	    COL_FLOWSTATS_DURATION_BOUNDS);
	d = json_array_get_object_element(cdf, 2);
	assert_int_equal(json_object_get_int_member(d, "le"), 10);
	assert_int_equal(json_object_get_int_member(d, "count"), 1);
	focus = json_object_get_object_member(o, "focus");
	assert_string_equal(json_object_get_string_member(focus, "target"),
	    "2001:db8::/32");
	assert_int_equal(json_object_get_int_member(focus, "finished"), 0);
	d = json_object_get_object_member(focus, "bytes");
	assert_true(json_object_get_null_member(d, "p50"));
	json_node_unref(root);
	/* no statistics: zeros, no focus */
	o = build_json(&root, NULL);
	assert_int_equal(json_object_get_int_member(o, "finished"), 0);
	assert_false(json_object_has_member(o, "focus"));
	json_node_unref(root);
	col_flowstats_free(fs);
}

/*
 * Through the engine and the consumers the collector wires (summary,
 * tables, flows): the report sees this interval's records only.
 */
struct engine_fx {
	struct col_flowstats_summary got[2];
	struct col_report_flows rf;
};

static void
on_report(const struct col_interval *iv, void *ctx)
{
	struct engine_fx *fx = ctx;

	assert_true(col_flowstats_get(fx->rf.flowstats, TRUE, fx->rf.tables,
	    &fx->got[iv->start_ms == S ? 0 : 1]));
}

static void
test_flowstats_engine_feeds_each_interval(void **state)
{
	struct mf_prefix p = prefix("10.0.0.0/24");
	struct engine_fx fx;
	struct col_engine_config cfg = { 60, 0, 4 };
	struct col_tables_config tc = { .max_addresses = 64,
		.max_streams = 64,
		.max_ports = 64,
		.idle_ms = 300000 };
	struct col_engine *e;
	struct col_flow f = flow4(1, 40000, 2, 23, SYN);
	struct col_classifier *cls = col_classifier_new(NULL, NULL, NULL);
	struct col_report_summary sum = { col_persec_new(60), cls };
	struct col_tables *t;
	struct col_consumer c[3];
	size_t i;

	(void)state;
	assert_non_null(cls);
	memset(&fx, 0, sizeof(fx));
	mf_hash_key_fixed(&tc.seed);
	assert_non_null(t = col_tables_new(&tc, NULL));
	fx.rf.flowstats = col_flowstats_new(&p);
	fx.rf.tables = t;
	e = col_engine_new(&cfg, on_report, &fx, NULL);
	assert_non_null(e);
	c[0] = col_report_summary_consumer(&sum);
	c[1] = col_report_tables_consumer(t);
	c[2] = col_report_flows_consumer(&fx.rf);
	for (i = 0; i < 3; i++)
		assert_true(col_engine_add_consumer(e, &c[i], NULL));
	col_engine_add(e, &f);
	f.end_reason = MF_END_ACTIVE_TIMEOUT;
	col_engine_add(e, &f);
	f.start_ms = f.end_ms = S + 61000;
	f.end_reason = MF_END_OF_FLOW;
	col_engine_add(e, &f); /* past the grace (0): closes the first */
	col_engine_flush(e);
	assert_int_equal(fx.got[0].finished, 1);
	assert_int_equal(fx.got[0].ongoing, 1);
	assert_int_equal(fx.got[0].half_open, 1);
	assert_int_equal(fx.got[1].finished, 1);
	assert_int_equal(fx.got[1].ongoing, 0);
	col_engine_free(e);
	col_flowstats_free(fx.rf.flowstats);
	col_tables_free(t);
	col_persec_free(sum.persec);
	col_classifier_free(cls);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flowstats_get_quantiles_exact_below_128),
		cmocka_unit_test(
		    test_flowstats_get_quantiles_odd_count_nearest_rank),
		cmocka_unit_test(
		    test_flowstats_get_quantiles_large_values_within_bound),
		cmocka_unit_test(test_flowstats_get_cdf_cumulative_counts),
		cmocka_unit_test(
		    test_flowstats_add_end_reasons_finished_and_ongoing),
		cmocka_unit_test(
		    test_flowstats_add_end_before_start_counted_apart),
		cmocka_unit_test(
		    test_flowstats_add_biflow_bytes_both_directions),
		cmocka_unit_test(test_flowstats_get_half_open_uniflow_pairs),
		cmocka_unit_test(test_flowstats_get_half_open_biflow),
		cmocka_unit_test(
		    test_flowstats_add_focus_v4_v6_address_and_network),
		cmocka_unit_test(test_flowstats_get_no_focus_is_false),
		cmocka_unit_test(
		    test_flowstats_set_focus_same_keeps_new_resets),
		cmocka_unit_test(
		    test_flowstats_add_million_records_allocate_nothing),
		cmocka_unit_test(test_flowstats_reset_clears_counted_buckets),
		cmocka_unit_test(test_flowstats_report_json),
		cmocka_unit_test(test_flowstats_engine_feeds_each_interval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
