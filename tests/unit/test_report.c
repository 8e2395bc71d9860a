/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/output/report_json.h"
#include "tests/unit/reportfx.h"

/*
 * The report document: what each section says about a hand-built
 * interval (summary, top lists, addresses and streams, exporters, tables,
 * the empty report).  Writing it to disk: test_report_write.c.
 */

static void
test_report_build_summary_matches_persec(void **state)
{
	struct col_counts c;
	struct rfx fx;
	JsonNode *root;
	gint64 want[3], sum[3];
	int k, j;
	uint32_t i;

	(void)state;
	rfx_standard(&fx);
	root = rfx_build(&fx, 20, NULL, 0);
	assert_int_equal(qn(root, "summary"), COL_N_CLASSES);
	for (k = 0; k < COL_N_CLASSES; k++) {
		const char *name = col_class_names[k];

		memset(sum, 0, sizeof(sum));
		assert_int_equal(qn(root, "summary.%s.per_second", name),
		    RFX_INTERVAL_S);
		for (i = 0; i < RFX_INTERVAL_S; i++) {
			col_persec_get(fx.p, (enum col_class)k, i, &c);
			want[0] = (gint64)c.flows;
			want[1] = (gint64)c.packets;
			want[2] = (gint64)c.bytes;
			rj_assert_ints(rj_at(root, "summary.%s.per_second.%u",
			                   name, i),
			    "flows packets bytes t", want, 3);
			for (j = 0; j < 3; j++)
				sum[j] += want[j];
		}
		/* The totals are the sums of the seconds. */
		rj_assert_ints(rj_at(root, "summary.%s", name),
		    "flows packets bytes per_second", sum, 3);
	}
	json_node_unref(root);
	rfx_clear(&fx);
}

static void
test_report_build_summary_exact_values(void **state)
{
	static const gint64 outweb[] = { 1, 10, 5000 }, in[] = { 1, 4, 400 };
	struct rfx fx;
	JsonNode *root;

	(void)state;
	rfx_standard(&fx);
	root = rfx_build(&fx, 20, NULL, 0);
	rj_assert_ints(rj_at(root, "summary.outweb"),
	    "flows packets bytes per_second", outweb, 3);
	assert_int_equal(qi(root, "summary.outweb.per_second.1.bytes"), 2500);
	assert_int_equal(qi(root, "summary.outweb.per_second.2.bytes"), 2500);
	assert_int_equal(qi(root, "summary.out.per_second.5.bytes"), 200);
	assert_int_equal(qi(root, "summary.out.per_second.5.flows"), 1);
	assert_int_equal(qi(root, "summary.external.bytes"), 0);
	assert_string_equal(qs(root, "summary.in.per_second.0.t"),
	    "2026-01-15T10:00:00Z");
	assert_string_equal(qs(root, "summary.external.per_second.59.t"),
	    "2026-01-15T10:00:59Z");
	rj_assert_ints(rj_at(root, "summary.in"),
	    "flows packets bytes per_second", in, 3);
	json_node_unref(root);
	rfx_clear(&fx);
}

static void
test_report_build_top_lists_in_rank_order(void **state)
{
	static const gint64 talkers[][4] = { { 0, 5700, 17, 3 },
		{ 1, 5000, 10, 1 }, { 2, 500, 5, 2 }, { 4, 400, 4, 1 },
		{ 3, 200, 2, 1 } };
	static const gint64 convs[][3] = { { 0, 5000, 10 }, { 2, 400, 4 },
		{ 3, 300, 3 }, { 1, 200, 2 } };
	static const gint64 apps[][5] = { { 6, 443, 5000, 10, 1 },
		{ 6, 22, 400, 4, 1 }, { 6, 8000, 300, 3, 1 },
		{ 17, 53, 200, 2, 1 } };
	struct rfx fx;
	JsonNode *root;
	int i;

	(void)state;
	rfx_standard(&fx);
	root = rfx_build(&fx, 20, NULL, 0);
	assert_int_equal(qn(root, "top.talkers"), 5);
	for (i = 0; i < 5; i++)
		rj_assert_ints(rj_at(root, "top.talkers.%d", i),
		    "address bytes packets flows", talkers[i], 4);
	assert_int_equal(qn(root, "top.conversations"), 4);
	for (i = 0; i < 4; i++)
		rj_assert_ints(rj_at(root, "top.conversations.%d", i),
		    "stream bytes packets", convs[i], 3);
	assert_int_equal(qn(root, "top.applications"), 4);
	for (i = 0; i < 4; i++)
		rj_assert_ints(rj_at(root, "top.applications.%d", i),
		    "proto port bytes packets flows", apps[i], 5);
	json_node_unref(root);
	rfx_clear(&fx);
}

static void
test_report_build_top_ties_by_packets_then_id(void **state)
{
	static const gint64 talkers[] = { 4, 5, 0, 1, 2, 3 };
	struct col_flow f;
	struct rfx fx;
	JsonNode *root;
	int i;

	(void)state;
	rfx_init(&fx, RFX_START_MS);
	f = rfx_flow("10.0.0.1", 1000, "10.0.0.2", 2000, 17, 5, 1000, 0, 0);
	rfx_add(&fx, &f, COL_CLASS_INTERNAL, TRUE, TRUE, 0);
	f = rfx_flow("10.0.0.3", 1000, "10.0.0.4", 2000, 17, 5, 1000, 0, 0);
	rfx_add(&fx, &f, COL_CLASS_INTERNAL, TRUE, TRUE, 0);
	f = rfx_flow("10.0.0.5", 1000, "10.0.0.6", 2000, 17, 7, 1000, 0, 0);
	rfx_add(&fx, &f, COL_CLASS_INTERNAL, TRUE, TRUE, 0);
	root = rfx_build(&fx, 20, NULL, 0);
	for (i = 0; i < 6; i++)
		assert_int_equal(qi(root, "top.talkers.%d.address", i),
		    talkers[i]);
	assert_int_equal(qi(root, "top.conversations.0.stream"), 2);
	assert_int_equal(qi(root, "top.conversations.1.stream"), 0);
	assert_int_equal(qi(root, "top.conversations.2.stream"), 1);
	assert_int_equal(qn(root, "top.applications"), 0);
	json_node_unref(root);
	rfx_clear(&fx);
}

static void
test_report_top_limit_referred_only(void **state)
{
	struct rfx fx;
	JsonNode *root;

	(void)state;
	rfx_standard(&fx);
	root = rfx_build(&fx, 2, NULL, 0);
	assert_int_equal(qn(root, "top.talkers"), 2);
	assert_int_equal(qn(root, "top.conversations"), 2);
	assert_int_equal(qn(root, "top.applications"), 2);
	/* talkers 0, 1; streams 0 (0 <-> 1) and 2 (4 <-> 0). */
	assert_int_equal(qn(root, "addresses"), 3);
	assert_int_equal(qi(root, "addresses.0.id"), 0);
	assert_int_equal(qi(root, "addresses.1.id"), 1);
	assert_int_equal(qi(root, "addresses.2.id"), 4);
	assert_int_equal(qn(root, "streams"), 2);
	assert_int_equal(qi(root, "streams.0.id"), 0);
	assert_int_equal(qi(root, "streams.1.id"), 2);
	json_node_unref(root);
	root = rfx_build(&fx, 0, NULL, 0);
	assert_int_equal(qn(root, "top.talkers"), 0);
	assert_int_equal(qn(root, "addresses"), 0);
	assert_int_equal(qn(root, "streams"), 0);
	json_node_unref(root);
	rfx_clear(&fx);
}

static void
test_report_address_stream_fields(void **state)
{
	static const gint64 s0[] = { 0, 6, 0, 50000, 1, 443, 0, 10, 5000 };
	struct rfx fx;
	JsonNode *root;

	(void)state;
	rfx_standard(&fx);
	root = rfx_build(&fx, 20, NULL, 0);
	assert_int_equal(qn(root, "addresses"), 5);
	rj_assert_ints(rj_at(root, "addresses.0"), "id ip mac label internal",
	    s0, 1);
	assert_null(qs(root, "addresses.0.label"));
	assert_string_equal(qs(root, "addresses.1.label"), "example.com");
	assert_string_equal(qs(root, "addresses.0.ip"), "192.168.1.10");
	assert_string_equal(qs(root, "addresses.0.mac"), "aa:bb:cc:dd:ee:01");
	assert_true(qb(root, "addresses.0.internal"));
	assert_string_equal(qs(root, "addresses.1.ip"), "93.184.216.34");
	assert_string_equal(qs(root, "addresses.1.mac"), "00:11:22:33:44:55");
	assert_false(qb(root, "addresses.1.internal"));
	assert_null(qs(root, "addresses.4.mac"));
	assert_int_equal(qn(root, "streams"), 4);
	rj_assert_ints(rj_at(root, "streams.0"),
	    "id proto left left_port right right_port flags packets bytes "
	    "label",
	    s0, 9);
	assert_string_equal(qs(root, "streams.0.label"), "example.com");
	assert_int_equal(qi(root, "streams.2.left"), 4);
	assert_int_equal(qi(root, "streams.2.right"), 0);
	assert_string_equal(qs(root, "streams.2.label"), "");
	json_node_unref(root);
	rfx_clear(&fx);
}

static void
test_report_exporters_health(void **state)
{
	static const gint64 e0[] = { 4739, 7, 100, 2, 3, 5, 4, 61000 };
	static const gint64 h0[] = { 11, 12, 13, 14, 15, 16, 17, 18, 19 };
	struct col_exporter_health seen = { .seen = TRUE }, unseen = { 0 };
	struct col_report_exporter exp[3] = {
		{ "192.168.1.1", 4739, 7, "ipfix", 100, 2, 3, 5, 4, &seen,
		    61000 },
		{ "10.0.0.1", 2055, 0, "netflow-v9", 5, 0, 0, 0, 0, NULL, 0 },
		{ "10.0.0.2", 9995, 0, "netflow-v5", 1, 0, 0, 0, 0, &unseen,
		    0 },
	};
	struct rfx fx;
	JsonNode *root;

	(void)state;
	seen.rec = (struct mf_stats_rec){ .packets_seen = 11,
		.kernel_drops = 12,
		.ignored = 13,
		.flows_created = 14,
		.records_exported = 15,
		.not_sent = 16,
		.peak_flows = 17,
		.evicted_full = 18,
		.expired_frags = 19 };
	rfx_init(&fx, RFX_START_MS);
	root = rfx_build(&fx, 20, exp, 3);
	assert_int_equal(qn(root, "exporters"), 3);
	rj_assert_ints(rj_at(root, "exporters.0"),
	    "port observation_domain records lost late_records ahead_records "
	    "undecodable export_delay_ms address protocol health",
	    e0, 8);
	assert_string_equal(qs(root, "exporters.0.address"), "192.168.1.1");
	assert_string_equal(qs(root, "exporters.0.protocol"), "ipfix");
	rj_assert_ints(rj_at(root, "exporters.0.health"),
	    "packets_seen kernel_drops ignored flows_created records_exported "
	    "not_sent peak_flows evicted_full expired_frags",
	    h0, 9);
	assert_string_equal(qs(root, "exporters.1.protocol"), "netflow-v9");
	assert_null(qs(root, "exporters.1.health"));
	/* Why records were late: only for an exporter that sent some. */
	assert_false(json_object_has_member(json_node_get_object(
	                                        rj_at(root, "exporters.1")),
	    "export_delay_ms"));
	assert_null(qs(root, "exporters.2.health"));
	json_node_unref(root);
	rfx_clear(&fx);
}

static void
test_report_tables_and_sections(void **state)
{
	static const char *const tables[] = { "addresses", "streams", "ports" };
	static const gint64 want[][5] = { { 5, RFX_CAPACITY, 0, 0, 0 },
		{ 4, RFX_CAPACITY, 0, 0, 0 }, { 4, RFX_CAPACITY, 0, 0, 0 } };
	static const gint64 collector[] = { 4, 1, 2 }, zeros[] = { 0, 0, 0 };
	struct rfx fx;
	JsonNode *root;
	int i;

	(void)state;
	rfx_standard(&fx);
	fx.iv.delta.late_records = 1;
	fx.iv.delta.absurd_records = 2;
	root = rfx_build(&fx, 20, NULL, 0);
	for (i = 0; i < 3; i++)
		rj_assert_ints(rj_at(root, "tables.%s", tables[i]),
		    "used capacity evicted collected untracked", want[i], 5);
	rj_assert_ints(rj_at(root, "collector"),
	    "records late_records absurd_records", collector, 3);
	rj_assert_ints(rj_at(root, "dns"),
	    "source most_resolved last_resolved failures clients", NULL, 0);
	assert_int_equal(qn(root, "dns.most_resolved"), 0);
	assert_int_equal(qn(root, "dns.last_resolved"), 0);
	assert_int_equal(qn(root, "dns.failures"), 0);
	assert_int_equal(qn(root, "dns.clients"), 0);
	rj_assert_ints(rj_at(root, "flows"),
	    "finished ongoing half_open end_unknown bad_times duration_ms "
	    "bytes",
	    zeros, 3);
	assert_int_equal(qn(root, "anomalies"), 0);
	json_node_unref(root);
	rfx_clear(&fx);
}

/*
 * Peers refused whole appear after the exporters, in the order first
 * refused; the 33rd entry takes the place of the one refused least
 * recently.
 */
static void
test_report_refused_exporters_listed(void **state)
{
	struct col_report_config cfg = { .dir = "/nonexistent", .top = 20 };
	struct col_refused r;
	struct mf_addr a;
	struct rfx fx;
	JsonNode *root;
	char text[32];
	int i;

	(void)state;
	memset(&r, 0, sizeof(r));
	cfg.refused = &r;
	assert_true(mf_addr_parse("192.0.2.7", &a));
	assert_true(col_refused_add(&r, &a, COL_REFUSED_NOT_ALLOWED, 10));
	assert_false(col_refused_add(&r, &a, COL_REFUSED_NOT_ALLOWED, 11));
	assert_true(col_refused_add(&r, &a, COL_REFUSED_TABLE_FULL, 12));
	rfx_init(&fx, RFX_START_MS);
	root = col_report_build(&cfg, &fx.iv, NULL, 0);
	assert_int_equal(qn(root, "refused_exporters.peers"), 2);
	assert_string_equal(qs(root, "refused_exporters.peers.0.address"),
	    "192.0.2.7");
	assert_string_equal(qs(root, "refused_exporters.peers.0.reason"),
	    "not allowed");
	assert_int_equal(qi(root, "refused_exporters.peers.0.messages"), 2);
	assert_string_equal(qs(root, "refused_exporters.peers.1.reason"),
	    "table full");
	assert_int_equal(qi(root, "refused_exporters.peers.1.messages"), 1);
	assert_int_equal(qi(root, "refused_exporters.evicted"), 0);
	json_node_unref(root);
	/* 30 more fill the table; the next evicts 192.0.2.7 (time 11). */
	for (i = 0; i < COL_REFUSED_MAX - 2; i++) {
		g_snprintf(text, sizeof(text), "198.51.100.%d", i);
		assert_true(mf_addr_parse(text, &a));
		(void)col_refused_add(&r, &a, COL_REFUSED_NOT_ALLOWED,
		    (uint64_t)(100 + i));
	}
	assert_true(mf_addr_parse("203.0.113.1", &a));
	assert_true(col_refused_add(&r, &a, COL_REFUSED_NOT_ALLOWED, 500));
	root = col_report_build(&cfg, &fx.iv, NULL, 0);
	assert_int_equal(qn(root, "refused_exporters.peers"), COL_REFUSED_MAX);
	assert_string_equal(qs(root, "refused_exporters.peers.0.address"),
	    "203.0.113.1");
	assert_int_equal(qi(root, "refused_exporters.evicted"), 1);
	json_node_unref(root);
	rfx_clear(&fx);
}

static void
test_report_empty_has_every_key(void **state)
{
	static const char *const keys[] = { "format", "interval", "exporters",
		"summary", "addresses", "streams", "top", "dns", "flows",
		"anomalies", "anomaly_state", "tables", "collector" };
	static const gint64 zeros[] = { 0, 0, 0 };
	struct rfx fx;
	JsonNode *root;
	GList *members, *l;
	size_t i = 0;

	(void)state;
	rfx_init(&fx, RFX_START_MS);
	root = rfx_build(&fx, 20, NULL, 0);
	members = json_object_get_members(json_node_get_object(root));
	for (l = members; l != NULL; l = l->next)
		assert_string_equal(l->data, keys[i++]);
	assert_int_equal(i, G_N_ELEMENTS(keys));
	g_list_free(members);
	assert_int_equal(qi(root, "format"), 1);
	assert_string_equal(qs(root, "interval.start"), "2026-01-15T10:00:00Z");
	assert_string_equal(qs(root, "interval.end"), "2026-01-15T10:01:00Z");
	assert_int_equal(qn(root, "exporters"), 0);
	rj_assert_ints(rj_at(root, "summary.in"),
	    "flows packets bytes per_second", zeros, 3);
	assert_int_equal(qn(root, "summary.in.per_second"), RFX_INTERVAL_S);
	assert_int_equal(qn(root, "addresses"), 0);
	assert_int_equal(qn(root, "streams"), 0);
	rj_assert_ints(rj_at(root, "top"), "talkers conversations applications",
	    NULL, 0);
	assert_int_equal(qn(root, "top.talkers"), 0);
	assert_int_equal(qn(root, "top.conversations"), 0);
	assert_int_equal(qn(root, "top.applications"), 0);
	assert_int_equal(qi(root, "tables.addresses.used"), 0);
	json_node_unref(root);
	rfx_clear(&fx);
}

/*
 * col_json_iso_utc() against GDateTime's "%Y-%m-%dT%H:%M:%SZ": every day
 * from 1970 to 2500 (at a second that moves through the day), the leap
 * days and century years among them, the last second shown and beyond.
 */
static void
test_report_iso_time_matches_gdatetime(void **state)
{
	static const uint64_t edges[] = { 0, 999, 951782400000ULL,
		951868799999ULL, 4107542399000ULL, 4107542400000ULL,
		COL_JSON_MAX_UNIX_S * 1000, COL_JSON_MAX_UNIX_S * 1000 + 999,
		COL_JSON_MAX_UNIX_S * 1000 + 1000, UINT64_MAX };
	char fast[COL_JSON_ISO_LEN + 1];
	uint64_t day, ms;
	size_t i;

	(void)state;
	for (day = 0; day < 194000; day++) {
		ms = (day * 86400 + (day * 7919) % 86400) * 1000 + day % 1000;
		g_autofree char *ref =
		    col_json_format_utc(ms, "%Y-%m-%dT%H:%M:%SZ");

		col_json_iso_utc(ms, fast);
		if (strcmp(fast, ref) != 0)
			fail_msg("%" G_GUINT64_FORMAT ": %s, not %s", ms, fast,
			    ref);
	}
	for (i = 0; i < G_N_ELEMENTS(edges); i++) {
		g_autofree char *ref =
		    col_json_format_utc(edges[i], "%Y-%m-%dT%H:%M:%SZ");

		col_json_iso_utc(edges[i], fast);
		assert_string_equal(fast, ref);
	}
	col_json_iso_utc(951782400000ULL, fast); /* spelled out */
	assert_string_equal(fast, "2000-02-29T00:00:00Z");
	col_json_iso_utc(UINT64_MAX, fast);
	assert_string_equal(fast, "9999-12-31T23:59:59Z");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_build_summary_matches_persec),
		cmocka_unit_test(test_report_build_summary_exact_values),
		cmocka_unit_test(test_report_build_top_lists_in_rank_order),
		cmocka_unit_test(test_report_build_top_ties_by_packets_then_id),
		cmocka_unit_test(test_report_top_limit_referred_only),
		cmocka_unit_test(test_report_address_stream_fields),
		cmocka_unit_test(test_report_exporters_health),
		cmocka_unit_test(test_report_tables_and_sections),
		cmocka_unit_test(test_report_empty_has_every_key),
		cmocka_unit_test(test_report_refused_exporters_listed),
		cmocka_unit_test(test_report_iso_time_matches_gdatetime),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
