/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <crypt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "collector/model/classify.h"
#include "collector/model/consumer.h"
#include "collector/model/devices.h"
#include "collector/output/report.h"
#include "collector/output/web_api.h"
#include "collector/output/web_auth.h"
#include "collector/output/web_http.h"
#include "collector/output/web_limits.h"
#include "collector/output/web_live.h"
#include "collector/output/web_metrics.h"
#include "collector/output/web_stream.h"
#include "common/error.h"
#include "tests/unit/flowbuild.h"

#define T0 UINT64_C(1768471200000) /* 2026-01-15T10:00:00Z */

/* --- parameters ----------------------------------------------------------- */

static void
test_web_parse_time_forms(void **state)
{
	uint64_t ms = 0;

	(void)state;
	assert_true(col_web_parse_time("2026-01-15T10:00:00Z", &ms, NULL));
	assert_int_equal(ms, T0);
	assert_true(col_web_parse_time("2026-01-15T11:30:00+01:30", &ms, NULL));
	assert_int_equal(ms, T0);
	assert_true(
	    col_web_parse_time("2026-01-15T09:00:00.25-01:00", &ms, NULL));
	assert_int_equal(ms, T0 + 250);
	assert_true(
	    col_web_parse_time("2026-01-15T10:00:00.123456789Z", &ms, NULL));
	assert_int_equal(ms, T0 + 123);
	assert_true(col_web_parse_time("1970-01-01T00:00:00Z", &ms, NULL));
	assert_int_equal(ms, 0);
}

static void
test_web_parse_time_bad_is_rejected(void **state)
{
	static const char *const bad[] = { "", "2026-01-15",
		"2026-01-15T10:00:00", "2026-01-15t10:00:00Z",
		"2026-01-15 10:00:00Z", "2026-02-30T10:00:00Z",
		"2026-13-01T10:00:00Z", "2026-01-15T24:00:00Z",
		"2026-01-15T10:00:60Z", "1969-12-31T23:59:59Z",
		"2026-01-15T10:00:00ZZ", "2026-01-15T10:00:00.Z",
		"2026-01-15T10:00:00.1234567890Z", "2026-01-15T10:00:00+1:00",
		"2026-01-15T10:00:00+24:00", "+2026-01-15T10:00:00Z",
		"2026-W03-4T10:00:00Z", "1768471200", "2026-01-15T10:00:00z",
		"1970-01-01T00:00:00+00:01" };
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		GError *e = NULL;
		uint64_t ms;

		assert_false(col_web_parse_time(bad[i], &ms, &e));
		assert_true(g_error_matches(e, MF_ERROR, MF_ERROR_INVAL));
		g_error_free(e);
	}
}

static GHashTable *
args(const char *k1, const char *v1, const char *k2, const char *v2)
{
	GHashTable *t = g_hash_table_new(g_str_hash, g_str_equal);

	if (k1 != NULL)
		g_hash_table_insert(t, (char *)(uintptr_t)k1,
		    (char *)(uintptr_t)v1);
	if (k2 != NULL)
		g_hash_table_insert(t, (char *)(uintptr_t)k2,
		    (char *)(uintptr_t)v2);
	return t;
}

static void
test_web_parse_range_errors(void **state)
{
	static const char *const allowed[] = { "from", "to", "step", NULL };
	struct col_web_range r;
	GHashTable *a;
	GError *e = NULL;

	(void)state;
	a = args("from", "2026-01-15T10:00:00Z", "to", "2026-01-15T11:00:00Z");
	assert_true(col_web_parse_range(a, allowed, &r, NULL));
	assert_true(r.has_from && r.has_to);
	assert_int_equal(r.to_ms - r.from_ms, 3600000);
	g_hash_table_destroy(a);

	a = args("from", "2026-01-15T11:00:00Z", "to", "2026-01-15T10:00:00Z");
	assert_false(col_web_parse_range(a, allowed, &r, &e));
	assert_string_equal(e->message, "to is before from");
	g_clear_error(&e);
	g_hash_table_destroy(a);

	a = args("limit", "5", NULL, NULL);
	assert_false(col_web_parse_range(a, allowed, &r, &e));
	assert_string_equal(e->message, "unknown parameter 'limit'");
	g_clear_error(&e);
	g_hash_table_destroy(a);

	a = args("step", "30", NULL, NULL);
	assert_false(col_web_parse_range(a, allowed, &r, &e));
	assert_true(g_error_matches(e, MF_ERROR, MF_ERROR_INVAL));
	g_clear_error(&e);
	g_hash_table_destroy(a);

	a = args("step", "3600", "to", "2026-01-15T10:00:00Z");
	assert_true(col_web_parse_range(a, allowed, &r, NULL));
	assert_int_equal(r.step, 3600);
	assert_false(r.has_from);
	g_hash_table_destroy(a);

	/* Days: col_history_series answers them (test_history). */
	a = args("step", "86400", NULL, NULL);
	assert_true(col_web_parse_range(a, allowed, &r, NULL));
	assert_int_equal(r.step, 86400);
	g_hash_table_destroy(a);

	a = args("step", "604800", NULL, NULL);
	assert_false(col_web_parse_range(a, allowed, &r, &e));
	assert_string_equal(e->message,
	    "step: '604800' is not 1, 60, 3600 or 86400");
	g_clear_error(&e);
	g_hash_table_destroy(a);
}

/* --- answers -------------------------------------------------------------- */

struct fx {
	struct col_web_hub *hub;
	struct col_web_live *live;
	struct col_web_api api;
	char *dir;
};

static int
setup(void **state)
{
	struct fx *f = g_new0(struct fx, 1);

	f->dir = g_dir_make_tmp("test_web.XXXXXX", NULL);
	f->hub = col_web_hub_new(4, 8);
	f->live = col_web_live_new(f->hub, f->dir);
	f->api.live = f->live;
	f->api.report_dir = f->dir;
	*state = f;
	return 0;
}

static void
rm_tree(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *n;

	while (d != NULL && (n = g_dir_read_name(d)) != NULL) {
		g_autofree char *p = g_build_filename(dir, n, NULL);

		if (g_file_test(p, G_FILE_TEST_IS_DIR))
			rm_tree(p);
		else
			g_unlink(p);
	}
	if (d != NULL)
		g_dir_close(d);
	g_rmdir(dir);
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	col_web_live_free(f->live);
	col_web_hub_free(f->hub);
	rm_tree(f->dir);
	g_free(f->dir);
	g_free(f);
	return 0;
}

/* The answer to path with no arguments, parsed; *status set. */
static JsonNode *
get(struct fx *f, const char *path, GHashTable *a, unsigned *status)
{
	g_autoptr(JsonParser) p = json_parser_new();
	GHashTable *none = a != NULL ? a : args(NULL, NULL, NULL, NULL);
	struct col_web_answer ans;
	gsize len;
	const char *body;
	JsonNode *root;

	col_web_api_answer(&f->api, path, none, T0, &ans);
	g_hash_table_destroy(none);
	body = g_bytes_get_data(ans.body, &len);
	assert_true(json_parser_load_from_data(p, body, (gssize)len, NULL));
	root = json_node_copy(json_parser_get_root(p));
	assert_int_equal(json_object_get_int_member(json_node_get_object(root),
	                     "api"),
	    1);
	g_bytes_unref(ans.body);
	*status = ans.status;
	return root;
}

static const char *
error_of(JsonNode *n)
{
	return json_object_get_string_member(json_node_get_object(n), "error");
}

static void
test_web_api_latest_before_and_after_a_report(void **state)
{
	struct fx *f = *state;
	struct col_consumer c = col_web_live_consumer(f->live);
	g_autoptr(JsonParser) p = json_parser_new();
	struct col_web_answer ans;
	g_autofree char *text = NULL;
	GHashTable *none;
	unsigned status;
	JsonNode *n;
	gsize len;
	const char *body;

	n = get(f, "latest", NULL, &status);
	assert_int_equal(status, 404);
	assert_string_equal(error_of(n), "no report yet");
	json_node_unref(n);

	assert_true(json_parser_load_from_data(p,
	    "{\"format\": 1, \"tables\": {\"addresses\": {\"used\": 3, "
	    "\"capacity\": 10, \"evicted\": 1}}, \"anomalies\": []}",
	    -1, NULL));
	c.report(c.self, json_parser_get_root(p), NULL);
	none = args(NULL, NULL, NULL, NULL);
	col_web_api_answer(&f->api, "latest", none, T0, &ans);
	g_hash_table_destroy(none);
	assert_int_equal(ans.status, 200);
	text = col_report_format(json_parser_get_root(p), &len);
	body = g_bytes_get_data(ans.body, &len);
	/* The document's text as it is, inside the envelope. */
	assert_true(g_str_has_prefix(body, "{\"api\": 1, \"data\": {\n"));
	assert_int_equal(len,
	    strlen("{\"api\": 1, \"data\": ") + strlen(text) - 1 +
	        strlen("}\n"));
	assert_memory_equal(body + strlen("{\"api\": 1, \"data\": "), text,
	    strlen(text) - 1);
	g_bytes_unref(ans.body);
}

static void
test_web_api_unknown_and_history_off(void **state)
{
	struct fx *f = *state;
	unsigned status;
	JsonNode *n;

	n = get(f, "nothing", NULL, &status);
	assert_int_equal(status, 404);
	assert_string_equal(error_of(n), "no such endpoint");
	json_node_unref(n);
	n = get(f, "devices/a/b", NULL, &status);
	assert_int_equal(status, 404);
	json_node_unref(n);
	n = get(f, "devices", NULL, &status);
	assert_int_equal(status, 404);
	assert_string_equal(error_of(n), "no history ([history] db is off)");
	json_node_unref(n);
	n = get(f, "latest", args("x", "1", NULL, NULL), &status);
	assert_int_equal(status, 400);
	assert_string_equal(error_of(n), "unknown parameter 'x'");
	json_node_unref(n);
	n = get(f, "devices", args("from", "yesterday", NULL, NULL), &status);
	assert_int_equal(status, 400);
	json_node_unref(n);
	n = get(f, "series", args("step", "60", NULL, NULL), &status);
	assert_int_equal(status, 404);
	json_node_unref(n);
}

/* A record through the consumer, as the engine hands it. */
static void
take(struct col_consumer *c, struct col_flow *fl, enum col_class k, gboolean si,
    gboolean di)
{
	struct col_record r;

	memset(&r, 0, sizeof(r));
	r.flow = fl;
	r.start_ms = fl->start_ms;
	r.end_ms = fl->end_ms;
	r.cls = k;
	r.src_internal = si;
	r.dst_internal = di;
	c->flow(c->self, &r);
}

static gint64
series_at(JsonObject *d, const char *measure, const char *cls, guint i)
{
	return json_array_get_int_element(
	    json_object_get_array_member(json_object_get_object_member(d,
	                                     measure),
	        cls),
	    i);
}

static void
test_web_api_series_step1_counts_by_end_second(void **state)
{
	struct fx *f = *state;
	struct col_consumer c = col_web_live_consumer(f->live);
	struct col_flow a = fb_flow("192.168.1.2", 50000, "198.51.100.1", 443,
	    6, 10, 1000, T0, T0 + 2500);
	struct col_flow b = fb_flow("192.168.1.2", 50001, "198.51.100.1", 53,
	    17, 1, 80, T0 + 100, T0 + 2999);
	unsigned status;
	JsonObject *d;
	JsonNode *n;

	a.rev_packets = 8;
	a.rev_octets = 9000;
	take(&c, &a, COL_CLASS_OUTWEB, TRUE, FALSE);
	take(&c, &b, COL_CLASS_OUT, TRUE, FALSE);
	n = get(f, "series", args("step", "1", NULL, NULL), &status);
	assert_int_equal(status, 200);
	d = json_object_get_object_member(json_node_get_object(n), "data");
	assert_string_equal(json_object_get_string_member(d, "to"),
	    "2026-01-15T10:00:03Z");
	assert_int_equal(json_object_get_int_member(d, "step"), 1);
	/* One hour back from the newest second: 3600 points. */
	assert_int_equal(json_array_get_length(
	                     json_object_get_array_member(d, "t")),
	    3600);
	assert_int_equal(json_array_get_int_element(
	                     json_object_get_array_member(d, "t"), 3599),
	    T0 / 1000 + 2);
	assert_int_equal(series_at(d, "flows", "outweb", 3599), 1);
	assert_int_equal(series_at(d, "bytes", "outweb", 3599), 1000);
	assert_int_equal(series_at(d, "flows", "inweb", 3599), 0);
	assert_int_equal(series_at(d, "bytes", "inweb", 3599), 9000);
	assert_int_equal(series_at(d, "packets", "out", 3599), 1);
	assert_int_equal(series_at(d, "bytes", "out", 3598), 0);
	json_node_unref(n);

	/* A range inside: exactly its seconds. */
	n = get(f, "series",
	    args("from", "2026-01-15T10:00:01Z", "to", "2026-01-15T10:00:03Z"),
	    &status);
	d = json_object_get_object_member(json_node_get_object(n), "data");
	assert_int_equal(json_array_get_length(
	                     json_object_get_array_member(d, "t")),
	    2);
	assert_int_equal(series_at(d, "bytes", "out", 1), 80);
	json_node_unref(n);
}

static void
test_web_api_reports_range_and_cap(void **state)
{
	struct fx *f = *state;
	g_autofree char *day = g_build_filename(f->dir, "20260115", NULL);
	unsigned status;
	JsonObject *d;
	JsonNode *n;
	int i;

	g_mkdir(day, 0755);
	for (i = 0; i < 70; i++) {
		g_autofree char *name =
		    g_strdup_printf("10%02d00.json", i % 60);
		g_autofree char *p = NULL;
		const char *text = "{\"n\": 1}";

		if (i == 5)
			text = "not json";
		else if (i == 9) /* an interval ending before the next */
			text = "{\"interval\": {\"start\": "
			       "\"2026-01-15T10:09:00Z\", \"end\": "
			       "\"2026-01-15T10:09:30Z\"}}";
		if (i >= 60) { /* the next hour */
			g_free(name);
			name = g_strdup_printf("11%02d00.json", i - 60);
		}
		p = g_build_filename(day, name, NULL);
		g_file_set_contents(p, text, -1, NULL);
	}
	n = get(f, "reports",
	    args("from", "2026-01-15T10:00:00Z", "to", "2026-01-15T10:10:00Z"),
	    &status);
	assert_int_equal(status, 200);
	d = json_object_get_object_member(json_node_get_object(n), "data");
	assert_int_equal(json_object_get_int_member(d, "count"), 9);
	assert_int_equal(json_object_get_int_member(d, "unreadable"), 1);
	assert_false(json_object_get_boolean_member(d, "truncated"));
	/* The range used: from the first report to the last one's end. */
	assert_string_equal(json_object_get_string_member(d, "from"),
	    "2026-01-15T10:00:00Z");
	assert_string_equal(json_object_get_string_member(d, "to"),
	    "2026-01-15T10:09:30Z");
	json_node_unref(n);
	n = get(f, "reports", args("from", "2026-01-15T00:00:00Z", NULL, NULL),
	    &status);
	d = json_object_get_object_member(json_node_get_object(n), "data");
	assert_int_equal(json_object_get_int_member(d, "count"),
	    COL_WEB_MAX_REPORTS);
	assert_true(json_object_get_boolean_member(d, "truncated"));
	/* 10:00 to 10:59 (10:05 unreadable) and 11:00; 11:01 left out. */
	assert_string_equal(json_object_get_string_member(d, "from"),
	    "2026-01-15T10:00:00Z");
	assert_string_equal(json_object_get_string_member(d, "to"),
	    "2026-01-15T11:01:00Z");
	json_node_unref(n);
	/* A report without an interval ends a second after its name. */
	n = get(f, "reports",
	    args("from", "2026-01-15T09:00:00Z", "to", "2026-01-15T10:00:30Z"),
	    &status);
	d = json_object_get_object_member(json_node_get_object(n), "data");
	assert_int_equal(json_object_get_int_member(d, "count"), 1);
	assert_string_equal(json_object_get_string_member(d, "from"),
	    "2026-01-15T10:00:00Z");
	assert_string_equal(json_object_get_string_member(d, "to"),
	    "2026-01-15T10:00:01Z");
	json_node_unref(n);
	/* None: an empty range at from. */
	n = get(f, "reports", args("from", "2026-01-16T00:00:00Z", NULL, NULL),
	    &status);
	assert_int_equal(status, 200);
	d = json_object_get_object_member(json_node_get_object(n), "data");
	assert_int_equal(json_object_get_int_member(d, "count"), 0);
	assert_string_equal(json_object_get_string_member(d, "from"),
	    "2026-01-16T00:00:00Z");
	assert_string_equal(json_object_get_string_member(d, "to"),
	    "2026-01-16T00:00:00Z");
	json_node_unref(n);
}

static void
test_web_api_exporters_and_metrics(void **state)
{
	struct fx *f = *state;
	struct col_report_exporter line = { "192.0.2.1", 4739, 7, "ipfix", 42,
		3, 2, 0, 1, NULL, 0 };
	uint64_t seen = T0;
	struct col_engine_stats es = { 50, 2, 1, 0, 4, 0 };
	struct col_web_snapshot s;
	struct col_web_limits_stats ls = { 0 };
	struct col_web_hub_stats hs = { 0 };
	struct col_web_counters wc = { 0 };
	GString *out = g_string_new(NULL);
	unsigned status;
	JsonObject *x;
	JsonNode *n;

	col_web_live_publish(f->live, &line, &seen, 1, &es, 1);
	n = get(f, "exporters", NULL, &status);
	assert_int_equal(status, 200);
	x = json_array_get_object_element(
	    json_object_get_array_member(
	        json_object_get_object_member(json_node_get_object(n), "data"),
	        "exporters"),
	    0);
	assert_string_equal(json_object_get_string_member(x, "address"),
	    "192.0.2.1");
	assert_int_equal(json_object_get_int_member(x, "records"), 42);
	assert_int_equal(json_object_get_int_member(x, "lost"), 3);
	assert_string_equal(json_object_get_string_member(x, "last_seen"),
	    "2026-01-15T10:00:00Z");
	json_node_unref(n);

	col_web_live_snapshot(f->live, &s);
	hs.dropped = 17;
	ls.rate_limited = 5;
	col_web_metrics_format(&s, &ls, &hs, &wc, out);
	col_web_snapshot_clear(&s);
	assert_non_null(strstr(out->str, "\nminflow_records_total 50\n"));
	assert_non_null(strstr(out->str, "\nminflow_lost_records_total 3\n"));
	assert_non_null(strstr(out->str,
	    "\nminflow_exporter_records_total{address=\"192.0.2.1\","
	    "port=\"4739\",domain=\"7\",protocol=\"ipfix\"} 42\n"));
	assert_non_null(
	    strstr(out->str, "\nminflow_web_stream_dropped_total 17\n"));
	assert_non_null(
	    strstr(out->str, "\nminflow_web_rate_limited_total 5\n"));
	assert_non_null(
	    strstr(out->str, "# TYPE minflow_records_total counter\n"));
	g_string_free(out, TRUE);
}

/* --- limits --------------------------------------------------------------- */

static void
test_web_limits_rate_bucket(void **state)
{
	struct mf_hash_key key = { 1, 2 };
	struct col_web_limits *l = col_web_limits_new(2, 2, &key);
	struct col_web_limits_stats st;
	struct mf_addr a, b;
	int i;

	(void)state;
	fb_addr(&a, "192.0.2.1");
	fb_addr(&b, "2001:db8::1");
	/* A burst of 2 * rate, then nothing until tokens come back. */
	for (i = 0; i < 4; i++)
		assert_true(col_web_limits_request(l, &a, 1000000));
	assert_false(col_web_limits_request(l, &a, 1000000));
	assert_true(col_web_limits_request(l, &b, 1000000));
	assert_false(col_web_limits_request(l, &a, 1200000));
	assert_true(col_web_limits_request(l, &a, 1500000)); /* +1 token */
	assert_false(col_web_limits_request(l, &a, 1500000));
	col_web_limits_get_stats(l, &st);
	assert_int_equal(st.requests, 6);
	assert_int_equal(st.rate_limited, 3);

	/* Connections: at most 2 open. */
	assert_true(col_web_limits_connect(l));
	assert_true(col_web_limits_connect(l));
	assert_false(col_web_limits_connect(l));
	col_web_limits_disconnect(l);
	assert_true(col_web_limits_connect(l));
	col_web_limits_get_stats(l, &st);
	assert_int_equal(st.open, 2);
	assert_int_equal(st.accepted, 3);
	assert_int_equal(st.refused, 1);
	col_web_limits_free(l);
}

static void
test_web_limits_table_full_evicts_and_counts(void **state)
{
	struct col_web_limits *l = col_web_limits_new(1, 1, NULL);
	struct col_web_limits_stats st;
	uint32_t i;

	(void)state;
	for (i = 0; i < 4 * COL_WEB_RATE_SLOTS; i++) {
		struct mf_addr a;
		uint8_t b[4] = { 10, (uint8_t)(i >> 16), (uint8_t)(i >> 8),
			(uint8_t)i };

		mf_addr_set4(&a, b);
		assert_true(col_web_limits_request(l, &a, (int64_t)i));
	}
	col_web_limits_get_stats(l, &st);
	assert_int_equal(st.requests, 4 * COL_WEB_RATE_SLOTS);
	assert_true(st.evicted >= 3 * COL_WEB_RATE_SLOTS);
	col_web_limits_free(l);
}

/* --- stream --------------------------------------------------------------- */

static void
event(struct col_web_event *ev, uint64_t i)
{
	struct col_flow fl = fb_flow("192.168.1.2", 40000, "198.51.100.7", 443,
	    6, 1, 100 + i, T0, T0 + i);

	col_web_event_set(ev, &fl, COL_CLASS_OUTWEB, TRUE, FALSE, FALSE, NULL);
}

static void
test_web_stream_full_queue_drops_oldest(void **state)
{
	struct col_web_hub *h = col_web_hub_new(2, 3);
	struct col_web_client *c = col_web_hub_join(h), *c2;
	struct col_web_hub_stats st;
	GString *out = g_string_new(NULL);
	struct col_web_event ev;
	uint64_t i;

	(void)state;
	assert_non_null(c);
	for (i = 0; i < 5; i++) {
		event(&ev, i);
		col_web_hub_push(h, &ev);
	}
	assert_int_equal(col_web_hub_read(h, c, 0, out), COL_WEB_READ_EVENTS);
	/* The drops first, then the three newest events, oldest first. */
	assert_true(g_str_has_prefix(out->str,
	    "event: drops\ndata: {\"dropped\": 2}\n\nevent: flow\ndata: {"));
	assert_null(strstr(out->str, "\"bytes\": 101,"));
	assert_non_null(strstr(out->str, "\"bytes\": 102,"));
	assert_non_null(strstr(out->str, "\"bytes\": 104,"));
	assert_true(strstr(out->str, "\"bytes\": 102,") <
	    strstr(out->str, "\"bytes\": 104,"));
	g_string_truncate(out, 0);
	assert_int_equal(col_web_hub_read(h, c, 1000, out),
	    COL_WEB_READ_TIMEOUT);
	assert_int_equal(out->len, 0);
	c2 = col_web_hub_join(h);
	assert_null(col_web_hub_join(h)); /* max 2 */
	col_web_hub_get_stats(h, &st);
	assert_int_equal(st.events, 5);
	assert_int_equal(st.dropped, 2);
	assert_int_equal(st.sent, 3);
	assert_int_equal(st.clients, 2);
	assert_int_equal(st.refused, 1);
	col_web_hub_stop(h);
	assert_int_equal(col_web_hub_read(h, c, G_USEC_PER_SEC, out),
	    COL_WEB_READ_STOPPED);
	col_web_hub_leave(h, c);
	col_web_hub_leave(h, c2);
	col_web_hub_free(h);
	g_string_free(out, TRUE);
}

static void
test_web_stream_event_hostile_name_is_json_text(void **state)
{
	struct col_flow fl = fb_flow("2001:db8::5", 40000, "192.168.1.9", 22, 6,
	    3, 300, T0, T0 + 1);
	g_autoptr(JsonParser) p = json_parser_new();
	struct col_web_event ev;
	GString *out = g_string_new(NULL);
	JsonObject *o;

	(void)state;
	g_strlcpy(fl.label, "<script>\"x\"\n\xff\xe2\x80\xae</script>",
	    sizeof(fl.label));
	fl.has_mac = 1;
	memcpy(fl.dst_mac, "\x02\x00\x00\xaa\xbb\xcc", 6);
	col_web_event_set(&ev, &fl, COL_CLASS_IN, FALSE, TRUE, FALSE, NULL);
	col_web_event_format(&ev, out);
	assert_null(strchr(out->str, '<'));
	assert_null(strchr(out->str, '\n'));
	assert_true(json_parser_load_from_data(p, out->str, -1, NULL));
	o = json_node_get_object(json_parser_get_root(p));
	assert_string_equal(json_object_get_string_member(o, "name"),
	    "<script>\"x\"\n\xef\xbf\xbd\xe2\x80\xae</script>");
	assert_string_equal(json_object_get_string_member(o, "device"),
	    "02:00:00:aa:bb:cc");
	assert_string_equal(json_object_get_string_member(o, "kind"), "remote");
	assert_string_equal(json_object_get_string_member(o, "class"), "in");
	assert_string_equal(json_object_get_string_member(o, "t"),
	    "2026-01-15T10:00:00.001Z");
	assert_string_equal(json_object_get_string_member(o, "src"),
	    "2001:db8::5");
	assert_true(json_object_get_null_member(o, "process"));
	assert_true(json_object_get_null_member(o, "device_name"));
	g_string_free(out, TRUE);
}

/* The device table's id and name, and the program (--processes). */
static void
test_web_stream_event_device_and_process(void **state)
{
	struct col_flow fl = fb_flow("192.168.1.9", 50000, "198.51.100.7", 443,
	    6, 3, 300, T0, T0 + 1);
	g_autoptr(JsonParser) p = json_parser_new();
	struct col_web_event ev;
	struct col_device dev;
	GString *out = g_string_new(NULL);
	JsonObject *o;

	(void)state;
	memset(&dev, 0, sizeof(dev));
	g_strlcpy(dev.id, "02:00:00:aa:bb:cc", sizeof(dev.id));
	g_strlcpy(dev.name, "kids-tablet<b>", sizeof(dev.name));
	g_strlcpy(fl.process, "firefox-esr", sizeof(fl.process));
	col_web_event_set(&ev, &fl, COL_CLASS_OUTWEB, TRUE, FALSE, FALSE, &dev);
	col_web_event_format(&ev, out);
	assert_null(strchr(out->str, '<'));
	assert_true(json_parser_load_from_data(p, out->str, -1, NULL));
	o = json_node_get_object(json_parser_get_root(p));
	assert_string_equal(json_object_get_string_member(o, "device"),
	    "02:00:00:aa:bb:cc");
	assert_string_equal(json_object_get_string_member(o, "device_name"),
	    "kids-tablet<b>");
	assert_string_equal(json_object_get_string_member(o, "process"),
	    "firefox-esr");
	assert_true(json_object_get_null_member(o, "country"));
	/* The remote's country ([geo]), set by the live consumer. */
	g_strlcpy(ev.country, "NZ", sizeof(ev.country));
	g_string_truncate(out, 0);
	col_web_event_format(&ev, out);
	assert_true(json_parser_load_from_data(p, out->str, -1, NULL));
	o = json_node_get_object(json_parser_get_root(p));
	assert_string_equal(json_object_get_string_member(o, "country"), "NZ");
	g_string_free(out, TRUE);
}

static void
test_web_kind_of_table(void **state)
{
	static const struct {
		uint8_t proto;
		uint16_t sport, dport;
		gboolean internal, anomalous;
		enum col_web_kind want;
	} cases[] = {
		{ 6, 50000, 443, FALSE, FALSE, COL_WEB_KIND_WEB },
		{ 17, 53, 40000, FALSE, FALSE, COL_WEB_KIND_DNS },
		{ 6, 40000, 993, FALSE, FALSE, COL_WEB_KIND_MAIL },
		{ 6, 40000, 3389, FALSE, FALSE, COL_WEB_KIND_REMOTE },
		{ 6, 445, 40000, FALSE, FALSE, COL_WEB_KIND_FILE },
		{ 17, 40000, 20000, FALSE, FALSE, COL_WEB_KIND_STREAMING },
		{ 6, 40000, 20000, FALSE, FALSE, COL_WEB_KIND_OTHER },
		{ 1, 0, 2048, FALSE, FALSE, COL_WEB_KIND_OTHER },
		{ 6, 40000, 443, TRUE, FALSE, COL_WEB_KIND_INTERNAL },
		{ 6, 40000, 443, TRUE, TRUE, COL_WEB_KIND_ANOMALOUS },
	};
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(cases); i++)
		assert_int_equal(col_web_kind_of(cases[i].proto, cases[i].sport,
		                     cases[i].dport, cases[i].internal,
		                     cases[i].anomalous),
		    cases[i].want);
}

static void
test_web_live_anomaly_marks_stream_events(void **state)
{
	struct fx *f = *state;
	struct col_consumer c = col_web_live_consumer(f->live);
	struct col_web_client *cl = col_web_hub_join(f->hub);
	g_autoptr(JsonParser) p = json_parser_new();
	struct col_flow a = fb_flow("192.168.1.2", 40000, "203.0.113.9", 443, 6,
	    1, 60, T0, T0 + 1);
	GString *out = g_string_new(NULL);

	assert_true(json_parser_load_from_data(p,
	    "{\"anomalies\": [{\"ip\": \"203.0.113.9\", \"state\": \"new\"}, "
	    "{\"ip\": \"192.168.1.77\", \"state\": \"over\"}]}",
	    -1, NULL));
	c.report(c.self, json_parser_get_root(p), NULL);
	take(&c, &a, COL_CLASS_OUTWEB, TRUE, FALSE);
	a = fb_flow("192.168.1.77", 40000, "203.0.113.10", 443, 6, 1, 60, T0,
	    T0 + 1);
	take(&c, &a, COL_CLASS_OUTWEB, TRUE, FALSE);
	assert_int_equal(col_web_hub_read(f->hub, cl, 0, out),
	    COL_WEB_READ_EVENTS);
	assert_non_null(strstr(out->str, "\"kind\": \"anomalous\""));
	assert_non_null(strstr(out->str, "\"kind\": \"web\""));
	assert_true(strstr(out->str, "anomalous") <
	    strstr(out->str, "\"kind\": \"web\""));
	col_web_hub_leave(f->hub, cl);
	g_string_free(out, TRUE);
}

/* --- files and credentials -------------------------------------------------
 */

static void
test_web_file_find_fixed_list_only(void **state)
{
	(void)state;
	assert_string_equal(col_web_file_find("/")->name, "index.html");
	assert_string_equal(col_web_file_find("/app.js")->name, "app.js");
	assert_null(col_web_file_find("/index.html"));
	assert_null(col_web_file_find("/../app.js"));
	assert_null(col_web_file_find("/app.js/"));
	assert_null(col_web_file_find("app.js"));
	assert_null(col_web_file_find("/etc/passwd"));
	assert_null(col_web_file_find(""));
}

static void
test_web_auth_check(void **state)
{
	struct fx *f = *state;
	g_autofree char *path = g_build_filename(f->dir, "passwd", NULL);
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;
	struct col_web_auth *a;
	g_autofree char *line = NULL;
	GError *e = NULL;

	memset(&cd, 0, sizeof(cd));
	assert_non_null(
	    crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof(salt)));
	line = g_strdup_printf("# users\n\nadmin:%s\n",
	    crypt_r("s3cret", salt, &cd));
	assert_true(g_file_set_contents(path, line, -1, NULL));
	assert_non_null(a = col_web_auth_load(path, NULL));
	assert_true(col_web_auth_check(a, "admin", "s3cret"));
	assert_false(col_web_auth_check(a, "admin", "s3cret "));
	assert_false(col_web_auth_check(a, "root", "s3cret"));
	assert_false(col_web_auth_check(a, NULL, NULL));
	col_web_auth_free(a);

	assert_true(g_file_set_contents(path, "admin:plain\n", -1, NULL));
	assert_null(col_web_auth_load(path, &e));
	assert_non_null(strstr(e->message, ":1: not a salted crypt(3) hash"));
	g_clear_error(&e);
	assert_true(
	    g_file_set_contents(path, "admin:$1$abcdefgh$xyz\n", -1, NULL));
	assert_null(col_web_auth_load(path, &e)); /* MD5 crypt */
	g_clear_error(&e);
	assert_true(g_file_set_contents(path, "# nobody\n", -1, NULL));
	assert_null(col_web_auth_load(path, &e));
	g_clear_error(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_web_parse_time_forms),
		cmocka_unit_test(test_web_parse_time_bad_is_rejected),
		cmocka_unit_test(test_web_parse_range_errors),
		cmocka_unit_test_setup_teardown(
		    test_web_api_latest_before_and_after_a_report, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_web_api_unknown_and_history_off, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_web_api_series_step1_counts_by_end_second, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_web_api_reports_range_and_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_web_api_exporters_and_metrics, setup, teardown),
		cmocka_unit_test(test_web_limits_rate_bucket),
		cmocka_unit_test(test_web_limits_table_full_evicts_and_counts),
		cmocka_unit_test(test_web_stream_full_queue_drops_oldest),
		cmocka_unit_test(
		    test_web_stream_event_hostile_name_is_json_text),
		cmocka_unit_test(test_web_stream_event_device_and_process),
		cmocka_unit_test(test_web_kind_of_table),
		cmocka_unit_test_setup_teardown(
		    test_web_live_anomaly_marks_stream_events, setup, teardown),
		cmocka_unit_test(test_web_file_find_fixed_list_only),
		cmocka_unit_test_setup_teardown(test_web_auth_check, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
