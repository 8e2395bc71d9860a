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
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "collector/model/classify.h"
#include "collector/model/consumer.h"
#include "collector/model/engine.h"
#include "collector/model/persec.h"
#include "collector/output/report.h"
#include "collector/output/report_anomaly.h"
#include "collector/output/report_dns.h"
#include "collector/output/report_flows.h"
#include "collector/output/report_summary.h"
#include "collector/output/report_tables.h"
#include "collector/model/tables.h"
#include "common/error.h"
#include "common/hash.h"

#define START_MS UINT64_C(1768471200000) /* 2026-01-15T10:00:00Z */
#define INTERVAL_S 60
#define CAPACITY 16

/* An interval built by hand, as the engine would, with the sections of
 * collector/wiring.c (no DNS, flow or anomaly statistics: empty). */
struct fx {
	struct col_tables *t;
	struct col_persec *p;
	struct col_interval iv;
	struct col_consumers *l;
	struct col_report_summary sum;
	struct col_report_flows flows;
	struct col_report_anomaly anomaly;
};

static void
fx_add_consumer(struct fx *fx, struct col_consumer c)
{
	assert_true(col_consumers_add(fx->l, &c, NULL));
}

static void
fx_init(struct fx *fx, uint64_t start_ms)
{
	struct col_tables_config cfg = { .max_addresses = CAPACITY,
		.max_streams = CAPACITY,
		.max_ports = CAPACITY,
		.idle_ms = 60000 };

	memset(fx, 0, sizeof(*fx));
	mf_hash_key_fixed(&cfg.seed);
	fx->t = col_tables_new(&cfg, NULL);
	assert_non_null(fx->t);
	fx->p = col_persec_new(INTERVAL_S);
	assert_non_null(fx->p);
	col_persec_reset(fx->p, start_ms);
	fx->iv.start_ms = start_ms;
	fx->iv.end_ms = start_ms + INTERVAL_S * 1000;
	fx->iv.stats = &fx->iv.delta;
	fx->iv.consumers = fx->l = col_consumers_new();
	fx->sum.persec = fx->p;
	fx->flows.tables = fx->anomaly.tables = fx->t;
	fx_add_consumer(fx, col_report_summary_consumer(&fx->sum));
	fx_add_consumer(fx, col_report_tables_consumer(fx->t));
	fx_add_consumer(fx, col_report_dns_consumer(NULL));
	fx_add_consumer(fx, col_report_flows_consumer(&fx->flows));
	fx_add_consumer(fx, col_report_anomaly_consumer(&fx->anomaly));
	fx_add_consumer(fx, col_report_tables_usage_consumer(fx->t));
}

static void
fx_clear(struct fx *fx)
{
	col_consumers_free(fx->l);
	col_tables_free(fx->t);
	col_persec_free(fx->p);
}

/* A uniflow record src:sp -> dst:dp from START_MS + t0 to START_MS + t1. */
static struct col_flow
flow(const char *src, uint16_t sp, const char *dst, uint16_t dp, uint8_t proto,
    uint64_t packets, uint64_t octets, uint64_t t0, uint64_t t1)
{
	struct col_flow f;

	memset(&f, 0, sizeof(f));
	assert_true(mf_addr_parse(src, &f.src));
	assert_true(mf_addr_parse(dst, &f.dst));
	f.sport = sp;
	f.dport = dp;
	f.proto = proto;
	f.packets = packets;
	f.octets = octets;
	f.start_ms = START_MS + t0;
	f.end_ms = START_MS + t1;
	return f;
}

/* Account f to the tables and to class k's seconds. */
static void
fx_add(struct fx *fx, const struct col_flow *f, enum col_class k,
    gboolean src_internal, gboolean dst_internal, uint16_t app_port)
{
	col_tables_account(fx->t, f, src_internal, dst_internal, app_port, 0,
	    NULL);
	col_persec_add(fx->p, k, f->start_ms, f->end_ms, 1, f->packets,
	    f->octets);
	fx->iv.delta.records++;
}

/*
 * Addresses 0 192.168.1.10, 1 93.184.216.34, 2 192.168.1.11, 3 8.8.8.8,
 * 4 203.0.113.5; streams 0..3 and ports 0..3 (tcp/443, udp/53, tcp/22,
 * tcp/8000) in the order of the records.
 */
static void
fx_standard(struct fx *fx)
{
	struct col_flow f;

	fx_init(fx, START_MS);
	f = flow("192.168.1.10", 50000, "93.184.216.34", 443, 6, 10, 5000, 1000,
	    3000);
	g_strlcpy(f.label, "example.com", sizeof(f.label));
	f.has_mac = 1;
	memcpy(f.src_mac, "\xaa\xbb\xcc\xdd\xee\x01", 6);
	memcpy(f.dst_mac, "\x00\x11\x22\x33\x44\x55", 6);
	fx_add(fx, &f, COL_CLASS_OUTWEB, TRUE, FALSE, 443);
	f = flow("192.168.1.11", 40000, "8.8.8.8", 53, 17, 2, 200, 5000, 5000);
	g_strlcpy(f.label, "dns.google", sizeof(f.label));
	fx_add(fx, &f, COL_CLASS_OUT, TRUE, FALSE, 53);
	f = flow("203.0.113.5", 60000, "192.168.1.10", 22, 6, 4, 400, 10000,
	    12000);
	fx_add(fx, &f, COL_CLASS_IN, FALSE, TRUE, 22);
	f = flow("192.168.1.10", 50001, "192.168.1.11", 8000, 6, 3, 300, 20000,
	    20000);
	fx_add(fx, &f, COL_CLASS_INTERNAL, TRUE, TRUE, 8000);
}

/* Build the report and read it back through its text. */
static JsonNode *
build(const struct fx *fx, uint32_t top, const struct col_report_exporter *exp,
    size_t n_exp)
{
	struct col_report_config cfg = { .dir = "/nonexistent", .top = top };
	JsonNode *node, *back;
	char *text;

	assert_non_null(node = col_report_build(&cfg, &fx->iv, exp, n_exp));
	text = json_to_string(node, TRUE);
	assert_non_null(back = json_from_string(text, NULL));
	g_free(text);
	json_node_unref(node);
	return back;
}

/* The node at a path such as "top.talkers.0.bytes", borrowed from root. */
static JsonNode *at(JsonNode *root, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static JsonNode *
at(JsonNode *root, const char *fmt, ...)
{
	JsonNode *n = root;
	JsonArray *a;
	va_list ap;
	char *path, **seg;
	guint i, k;

	va_start(ap, fmt);
	path = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	seg = g_strsplit(path, ".", -1);
	for (i = 0; seg[i] != NULL && n != NULL; i++) {
		if (JSON_NODE_HOLDS_ARRAY(n)) {
			a = json_node_get_array(n);
			k = (guint)atoi(seg[i]);
			n = k < json_array_get_length(a)
			    ? json_array_get_element(a, k)
			    : NULL;
		} else if (JSON_NODE_HOLDS_OBJECT(n)) {
			n = json_object_get_member(json_node_get_object(n),
			    seg[i]);
		} else {
			n = NULL;
		}
	}
	if (n == NULL)
		fail_msg("%s: not in the report", path);
	g_strfreev(seg);
	g_free(path);
	return n;
}

static gint64
int_of(JsonNode *n)
{
	assert_true(JSON_NODE_HOLDS_VALUE(n));
	assert_int_equal(json_node_get_value_type(n), G_TYPE_INT64);
	return json_node_get_int(n);
}

/* The string, or NULL if n is null. */
static const char *
str_of(JsonNode *n)
{
	if (JSON_NODE_HOLDS_NULL(n))
		return NULL;
	assert_true(JSON_NODE_HOLDS_VALUE(n));
	assert_int_equal(json_node_get_value_type(n), G_TYPE_STRING);
	return json_node_get_string(n);
}

static gboolean
bool_of(JsonNode *n)
{
	assert_true(JSON_NODE_HOLDS_VALUE(n));
	assert_int_equal(json_node_get_value_type(n), G_TYPE_BOOLEAN);
	return json_node_get_boolean(n);
}

/* Elements of an array, members of an object. */
static gint64
len_of(JsonNode *n)
{
	if (JSON_NODE_HOLDS_ARRAY(n))
		return json_array_get_length(json_node_get_array(n));
	assert_true(JSON_NODE_HOLDS_OBJECT(n));
	return json_object_get_size(json_node_get_object(n));
}

/*
 * The object n has exactly the members named in keys (space-separated),
 * and the first n_want of them hold the integers want[].
 */
static void
assert_ints(JsonNode *n, const char *keys, const gint64 *want, size_t n_want)
{
	char **k = g_strsplit(keys, " ", -1);
	JsonObject *o;
	guint i;

	assert_true(JSON_NODE_HOLDS_OBJECT(n));
	o = json_node_get_object(n);
	assert_int_equal(json_object_get_size(o), g_strv_length(k));
	for (i = 0; k[i] != NULL; i++) {
		assert_true(json_object_has_member(o, k[i]));
		if (i < n_want)
			assert_int_equal(int_of(
			                     json_object_get_member(o, k[i])),
			    want[i]);
	}
	g_strfreev(k);
}

#define qi(...) int_of(at(__VA_ARGS__))
#define qs(...) str_of(at(__VA_ARGS__))
#define qb(...) bool_of(at(__VA_ARGS__))
#define qn(...) len_of(at(__VA_ARGS__))

static void
test_report_build_summary_matches_persec(void **state)
{
	struct col_counts c;
	struct fx fx;
	JsonNode *root;
	gint64 want[3], sum[3];
	int k, j;
	uint32_t i;

	(void)state;
	fx_standard(&fx);
	root = build(&fx, 20, NULL, 0);
	assert_int_equal(qn(root, "summary"), COL_N_CLASSES);
	for (k = 0; k < COL_N_CLASSES; k++) {
		const char *name = col_class_names[k];

		memset(sum, 0, sizeof(sum));
		assert_int_equal(qn(root, "summary.%s.per_second", name),
		    INTERVAL_S);
		for (i = 0; i < INTERVAL_S; i++) {
			col_persec_get(fx.p, (enum col_class)k, i, &c);
			want[0] = (gint64)c.flows;
			want[1] = (gint64)c.packets;
			want[2] = (gint64)c.bytes;
			assert_ints(at(root, "summary.%s.per_second.%u", name,
			                i),
			    "flows packets bytes t", want, 3);
			for (j = 0; j < 3; j++)
				sum[j] += want[j];
		}
		/* The totals are the sums of the seconds. */
		assert_ints(at(root, "summary.%s", name),
		    "flows packets bytes per_second", sum, 3);
	}
	json_node_unref(root);
	fx_clear(&fx);
}

static void
test_report_build_summary_exact_values(void **state)
{
	static const gint64 outweb[] = { 1, 10, 5000 }, in[] = { 1, 4, 400 };
	struct fx fx;
	JsonNode *root;

	(void)state;
	fx_standard(&fx);
	root = build(&fx, 20, NULL, 0);
	assert_ints(at(root, "summary.outweb"),
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
	assert_ints(at(root, "summary.in"), "flows packets bytes per_second",
	    in, 3);
	json_node_unref(root);
	fx_clear(&fx);
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
	struct fx fx;
	JsonNode *root;
	int i;

	(void)state;
	fx_standard(&fx);
	root = build(&fx, 20, NULL, 0);
	assert_int_equal(qn(root, "top.talkers"), 5);
	for (i = 0; i < 5; i++)
		assert_ints(at(root, "top.talkers.%d", i),
		    "address bytes packets flows", talkers[i], 4);
	assert_int_equal(qn(root, "top.conversations"), 4);
	for (i = 0; i < 4; i++)
		assert_ints(at(root, "top.conversations.%d", i),
		    "stream bytes packets", convs[i], 3);
	assert_int_equal(qn(root, "top.applications"), 4);
	for (i = 0; i < 4; i++)
		assert_ints(at(root, "top.applications.%d", i),
		    "proto port bytes packets flows", apps[i], 5);
	json_node_unref(root);
	fx_clear(&fx);
}

static void
test_report_build_top_ties_by_packets_then_id(void **state)
{
	static const gint64 talkers[] = { 4, 5, 0, 1, 2, 3 };
	struct col_flow f;
	struct fx fx;
	JsonNode *root;
	int i;

	(void)state;
	fx_init(&fx, START_MS);
	f = flow("10.0.0.1", 1000, "10.0.0.2", 2000, 17, 5, 1000, 0, 0);
	fx_add(&fx, &f, COL_CLASS_INTERNAL, TRUE, TRUE, 0);
	f = flow("10.0.0.3", 1000, "10.0.0.4", 2000, 17, 5, 1000, 0, 0);
	fx_add(&fx, &f, COL_CLASS_INTERNAL, TRUE, TRUE, 0);
	f = flow("10.0.0.5", 1000, "10.0.0.6", 2000, 17, 7, 1000, 0, 0);
	fx_add(&fx, &f, COL_CLASS_INTERNAL, TRUE, TRUE, 0);
	root = build(&fx, 20, NULL, 0);
	for (i = 0; i < 6; i++)
		assert_int_equal(qi(root, "top.talkers.%d.address", i),
		    talkers[i]);
	assert_int_equal(qi(root, "top.conversations.0.stream"), 2);
	assert_int_equal(qi(root, "top.conversations.1.stream"), 0);
	assert_int_equal(qi(root, "top.conversations.2.stream"), 1);
	assert_int_equal(qn(root, "top.applications"), 0);
	json_node_unref(root);
	fx_clear(&fx);
}

static void
test_report_top_limit_referred_only(void **state)
{
	struct fx fx;
	JsonNode *root;

	(void)state;
	fx_standard(&fx);
	root = build(&fx, 2, NULL, 0);
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
	root = build(&fx, 0, NULL, 0);
	assert_int_equal(qn(root, "top.talkers"), 0);
	assert_int_equal(qn(root, "addresses"), 0);
	assert_int_equal(qn(root, "streams"), 0);
	json_node_unref(root);
	fx_clear(&fx);
}

static void
test_report_address_stream_fields(void **state)
{
	static const gint64 s0[] = { 0, 6, 0, 50000, 1, 443, 0, 10, 5000 };
	struct fx fx;
	JsonNode *root;

	(void)state;
	fx_standard(&fx);
	root = build(&fx, 20, NULL, 0);
	assert_int_equal(qn(root, "addresses"), 5);
	assert_ints(at(root, "addresses.0"), "id ip mac label internal", s0, 1);
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
	assert_ints(at(root, "streams.0"),
	    "id proto left left_port right right_port flags packets bytes "
	    "label",
	    s0, 9);
	assert_string_equal(qs(root, "streams.0.label"), "example.com");
	assert_int_equal(qi(root, "streams.2.left"), 4);
	assert_int_equal(qi(root, "streams.2.right"), 0);
	assert_string_equal(qs(root, "streams.2.label"), "");
	json_node_unref(root);
	fx_clear(&fx);
}

static void
test_report_exporters_health(void **state)
{
	static const gint64 e0[] = { 4739, 7, 100, 2, 3, 4 };
	static const gint64 h0[] = { 11, 12, 13, 14, 15, 16, 17, 18, 19 };
	struct col_exporter_health seen = { .seen = TRUE }, unseen = { 0 };
	struct col_report_exporter exp[3] = {
		{ "192.168.1.1", 4739, 7, "ipfix", 100, 2, 3, 4, &seen },
		{ "10.0.0.1", 2055, 0, "netflow-v9", 5, 0, 0, 0, NULL },
		{ "10.0.0.2", 9995, 0, "netflow-v5", 1, 0, 0, 0, &unseen },
	};
	struct fx fx;
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
	fx_init(&fx, START_MS);
	root = build(&fx, 20, exp, 3);
	assert_int_equal(qn(root, "exporters"), 3);
	assert_ints(at(root, "exporters.0"),
	    "port observation_domain records lost late_records undecodable "
	    "address protocol health",
	    e0, 6);
	assert_string_equal(qs(root, "exporters.0.address"), "192.168.1.1");
	assert_string_equal(qs(root, "exporters.0.protocol"), "ipfix");
	assert_ints(at(root, "exporters.0.health"),
	    "packets_seen kernel_drops ignored flows_created records_exported "
	    "not_sent peak_flows evicted_full expired_frags",
	    h0, 9);
	assert_string_equal(qs(root, "exporters.1.protocol"), "netflow-v9");
	assert_null(qs(root, "exporters.1.health"));
	assert_null(qs(root, "exporters.2.health"));
	json_node_unref(root);
	fx_clear(&fx);
}

static void
test_report_tables_and_sections(void **state)
{
	static const char *const tables[] = { "addresses", "streams", "ports" };
	static const gint64 want[][5] = { { 5, CAPACITY, 0, 0, 0 },
		{ 4, CAPACITY, 0, 0, 0 }, { 4, CAPACITY, 0, 0, 0 } };
	static const gint64 collector[] = { 4, 1, 2 }, zeros[] = { 0, 0, 0 };
	struct fx fx;
	JsonNode *root;
	int i;

	(void)state;
	fx_standard(&fx);
	fx.iv.delta.late_records = 1;
	fx.iv.delta.absurd_records = 2;
	root = build(&fx, 20, NULL, 0);
	for (i = 0; i < 3; i++)
		assert_ints(at(root, "tables.%s", tables[i]),
		    "used capacity evicted collected untracked", want[i], 5);
	assert_ints(at(root, "collector"),
	    "records late_records absurd_records", collector, 3);
	assert_ints(at(root, "dns"),
	    "source most_resolved last_resolved failures clients", NULL, 0);
	assert_int_equal(qn(root, "dns.most_resolved"), 0);
	assert_int_equal(qn(root, "dns.last_resolved"), 0);
	assert_int_equal(qn(root, "dns.failures"), 0);
	assert_int_equal(qn(root, "dns.clients"), 0);
	assert_ints(at(root, "flows"),
	    "finished ongoing half_open end_unknown bad_times duration_ms "
	    "bytes",
	    zeros, 3);
	assert_int_equal(qn(root, "anomalies"), 0);
	json_node_unref(root);
	fx_clear(&fx);
}

static void
test_report_empty_has_every_key(void **state)
{
	static const char *const keys[] = { "format", "interval", "exporters",
		"summary", "addresses", "streams", "top", "dns", "flows",
		"anomalies", "anomaly_state", "tables", "collector" };
	static const gint64 zeros[] = { 0, 0, 0 };
	struct fx fx;
	JsonNode *root;
	GList *members, *l;
	size_t i = 0;

	(void)state;
	fx_init(&fx, START_MS);
	root = build(&fx, 20, NULL, 0);
	members = json_object_get_members(json_node_get_object(root));
	for (l = members; l != NULL; l = l->next)
		assert_string_equal(l->data, keys[i++]);
	assert_int_equal(i, G_N_ELEMENTS(keys));
	g_list_free(members);
	assert_int_equal(qi(root, "format"), 1);
	assert_string_equal(qs(root, "interval.start"), "2026-01-15T10:00:00Z");
	assert_string_equal(qs(root, "interval.end"), "2026-01-15T10:01:00Z");
	assert_int_equal(qn(root, "exporters"), 0);
	assert_ints(at(root, "summary.in"), "flows packets bytes per_second",
	    zeros, 3);
	assert_int_equal(qn(root, "summary.in.per_second"), INTERVAL_S);
	assert_int_equal(qn(root, "addresses"), 0);
	assert_int_equal(qn(root, "streams"), 0);
	assert_ints(at(root, "top"), "talkers conversations applications", NULL,
	    0);
	assert_int_equal(qn(root, "top.talkers"), 0);
	assert_int_equal(qn(root, "top.conversations"), 0);
	assert_int_equal(qn(root, "top.applications"), 0);
	assert_int_equal(qi(root, "tables.addresses.used"), 0);
	json_node_unref(root);
	fx_clear(&fx);
}

static void
test_report_path_formats_utc(void **state)
{
	char *p;

	(void)state;
	p = col_report_path("/r", START_MS + 3723999);
	assert_string_equal(p, "/r/20260115/110203.json");
	g_free(p);
	p = col_report_path("/r", 0);
	assert_string_equal(p, "/r/19700101/000000.json");
	g_free(p);
	p = col_report_path("/r", UINT64_MAX);
	assert_string_equal(p, "/r/99991231/235959.json");
	g_free(p);
}

/* Remove dir and everything below it (test scratch only). */
static void
rm_rf(const char *dir)
{
	const char *name;
	GDir *d;

	if ((d = g_dir_open(dir, 0, NULL)) != NULL) {
		while ((name = g_dir_read_name(d)) != NULL) {
			char *p = g_build_filename(dir, name, NULL);

			if (g_file_test(p, G_FILE_TEST_IS_DIR))
				rm_rf(p);
			else
				assert_int_equal(g_unlink(p), 0);
			g_free(p);
		}
		g_dir_close(d);
	}
	assert_int_equal(g_rmdir(dir), 0);
}

static gint
cmp_name(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The text of dir/name, which latest.json repeats. */
static char *
read_report(const char *dir, const char *name)
{
	char *path = g_build_filename(dir, name, NULL), *text, *latest;

	assert_true(g_file_get_contents(path, &text, NULL, NULL));
	g_free(path);
	path = g_build_filename(dir, "latest.json", NULL);
	assert_true(g_file_get_contents(path, &latest, NULL, NULL));
	assert_string_equal(text, latest);
	g_free(latest);
	g_free(path);
	return text;
}

/* The names in dir/sub, sorted and joined by spaces, are want. */
static void
assert_dir(const char *dir, const char *sub, const char *want)
{
	char *path = g_build_filename(dir, sub, NULL), *names;
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	const char *name;
	GDir *d;

	assert_non_null(d = g_dir_open(path, 0, NULL));
	while ((name = g_dir_read_name(d)) != NULL)
		g_ptr_array_add(a, g_strdup(name));
	g_dir_close(d);
	g_ptr_array_sort(a, cmp_name);
	g_ptr_array_add(a, NULL);
	names = g_strjoinv(" ", (char **)a->pdata);
	assert_string_equal(names, want);
	g_ptr_array_free(a, TRUE);
	g_free(names);
	g_free(path);
}

static void
make_day(const char *dir, const char *day, const char *file)
{
	char *d = g_build_filename(dir, day, NULL);
	char *path = g_build_filename(d, file, NULL);

	assert_int_equal(g_mkdir_with_parents(d, 0755), 0);
	assert_true(g_file_set_contents(path, "{}\n", -1, NULL));
	g_free(path);
	g_free(d);
}

static void
test_report_write_day_file_and_latest(void **state)
{
	char *dir = g_dir_make_tmp("test_report.XXXXXX", NULL);
	struct col_report_config cfg = { .dir = dir, .top = 20 };
	GError *error = NULL;
	char *file;
	struct fx fx;

	(void)state;
	make_day(dir, "19991231", "120000.json"); /* retention 0: kept */
	fx_standard(&fx);
	assert_true(col_report_write(&cfg, &fx.iv, NULL, 0, &error));
	assert_null(error);
	assert_dir(dir, ".", "19991231 20260115 latest.json");
	assert_dir(dir, "20260115", "100000.json");
	file = read_report(dir, "20260115/100000.json");
	assert_true(g_str_has_prefix(file, "{\n  \"format\" : 1,\n"));
	assert_true(g_str_has_suffix(file, "}\n"));
	g_free(file);
	/* The next interval: a second file; latest.json follows it. */
	fx.iv.start_ms += INTERVAL_S * 1000;
	fx.iv.end_ms += INTERVAL_S * 1000;
	assert_true(col_report_write(&cfg, &fx.iv, NULL, 0, &error));
	assert_dir(dir, ".", "19991231 20260115 latest.json");
	assert_dir(dir, "20260115", "100000.json 100100.json");
	file = read_report(dir, "20260115/100100.json");
	assert_non_null(strstr(file, "\"start\" : \"2026-01-15T10:01:00Z\""));
	g_free(file);
	fx_clear(&fx);
	rm_rf(dir);
	g_free(dir);
}

static void
test_report_write_label_escaped_and_ipv6(void **state)
{
	char *dir = g_dir_make_tmp("test_report.XXXXXX", NULL);
	struct col_report_config cfg = { .dir = dir, .top = 20 };
	struct col_flow f;
	JsonNode *root;
	struct fx fx;
	const char *c;
	char *text;

	(void)state;
	fx_init(&fx, START_MS);
	f = flow("fd00::1", 50000, "2001:db8::1", 443, 6, 1, 100, 0, 0);
	g_strlcpy(f.label,
	    "a\"b\\c\n\x01\x1f\xff\x7f"
	    "d",
	    sizeof(f.label));
	fx_add(&fx, &f, COL_CLASS_OUTWEB, TRUE, FALSE, 443);
	assert_true(col_report_write(&cfg, &fx.iv, NULL, 0, NULL));
	text = read_report(dir, "latest.json");
	assert_non_null(strstr(text, "\"a\\\"b\\\\c\\n\\u0001"));
	for (c = text; *c != '\0'; c++)
		assert_true((unsigned char)*c >= 0x20 || *c == '\n');
	assert_true(g_utf8_validate(text, -1, NULL));
	assert_non_null(root = json_from_string(text, NULL));
	assert_string_equal(qs(root, "addresses.0.ip"), "fd00::1");
	assert_string_equal(qs(root, "addresses.1.ip"), "2001:db8::1");
	assert_string_equal(qs(root, "streams.0.label"),
	    "a\"b\\c\n\x01\xef\xbf\xbd\xef\xbf\xbd\x7f"
	    "d");
	g_free(text);
	json_node_unref(root);
	fx_clear(&fx);
	rm_rf(dir);
	g_free(dir);
}

static void
test_report_write_retention_removes_old_days(void **state)
{
	char *dir = g_dir_make_tmp("test_report.XXXXXX", NULL);
	struct col_report_config cfg = { .dir = dir,
		.top = 20,
		.retention_days = 2 };
	static const char *const files[][2] = { { "20260110", "120000.json" },
		{ "20260111", "120000.json" }, { "20260111", "notes.txt" },
		{ "20260112", "235959.json" }, { "20260113", "000000.json" },
		{ "20260114", "120000.json" }, { "2026011", "120000.json" },
		{ "20261340", "120000.json" }, { "archive", "120000.json" } };
	struct fx fx;
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(files); i++)
		make_day(dir, files[i][0], files[i][1]);
	fx_init(&fx, START_MS);
	assert_true(col_report_write(&cfg, &fx.iv, NULL, 0, NULL));
	/* Kept: days within 2 days of 10:00, non-days, foreign files. */
	assert_dir(dir, ".",
	    "2026011 20260111 20260113 20260114 20260115 20261340 archive "
	    "latest.json");
	assert_dir(dir, "20260111", "notes.txt");
	assert_dir(dir, "20260113", "000000.json");
	assert_dir(dir, "archive", "120000.json");
	fx_clear(&fx);
	rm_rf(dir);
	g_free(dir);
}

static void
test_report_write_unwritable_dir_fails(void **state)
{
	char *dir = g_dir_make_tmp("test_report.XXXXXX", NULL);
	char *file = g_build_filename(dir, "file", NULL);
	struct col_report_config cfg = { .dir = file, .top = 20 };
	GError *error = NULL;
	struct fx fx;

	(void)state;
	assert_true(g_file_set_contents(file, "x", -1, NULL));
	fx_init(&fx, START_MS);
	assert_false(col_report_write(&cfg, &fx.iv, NULL, 0, &error));
	assert_true(g_error_matches(error, MF_ERROR, MF_ERROR_IO));
	assert_true(g_str_has_prefix(error->message, file));
	assert_non_null(strstr(error->message, "20260115"));
	g_error_free(error);
	assert_dir(dir, ".", "file");
	fx_clear(&fx);
	g_free(file);
	rm_rf(dir);
	g_free(dir);
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
		cmocka_unit_test(test_report_path_formats_utc),
		cmocka_unit_test(test_report_write_day_file_and_latest),
		cmocka_unit_test(test_report_write_label_escaped_and_ipv6),
		cmocka_unit_test(test_report_write_retention_removes_old_days),
		cmocka_unit_test(test_report_write_unwritable_dir_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
