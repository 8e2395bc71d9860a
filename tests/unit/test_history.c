/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "collector/output/history.h"
#include "collector/output/history_db.h"
#include "collector/output/report_json.h"
#include "common/error.h"

/* 2023-11-14 00:00:00 UTC, a day's start; the month starts on the 1st. */
#define DAY0 INT64_C(1699920000)
#define MONTH0 INT64_C(1698796800) /* 2023-11-01 */
#define MS(s) ((uint64_t)(s)*1000)

static const char *const cls[] = { "in", "out", "inweb", "outweb", "internal",
	"external" };

/* --- helpers -------------------------------------------------------------
 */

struct fixture {
	char *dir, *db;
	struct col_conf_history cfg;
	struct col_history *h;
	struct col_history_reader *r; /* reader()'s, freed by teardown */
};

static int
setup(void **state)
{
	struct fixture *f = g_new0(struct fixture, 1);

	f->dir = g_dir_make_tmp("minflow-history-test.XXXXXX", NULL);
	assert_non_null(f->dir);
	f->db = g_build_filename(f->dir, "h.sqlite", NULL);
	f->cfg.db = f->db;
	f->cfg.keep_minutes = 1440;
	f->cfg.keep_hours = 840;
	f->cfg.keep_days = 400;
	f->cfg.keep_months = 120;
	f->cfg.max_size = 0;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	const char *sfx[] = { "", "-wal", "-shm" };
	size_t i;

	col_history_reader_free(f->r);
	col_history_free(f->h);
	for (i = 0; i < G_N_ELEMENTS(sfx); i++) {
		char *p = g_strconcat(f->db, sfx[i], NULL);

		g_unlink(p);
		g_free(p);
	}
	g_rmdir(f->dir);
	g_free(f->db);
	g_free(f->dir);
	g_free(f);
	return 0;
}

static void
open_writer(struct fixture *f)
{
	GError *e = NULL;

	f->h = col_history_open(&f->cfg, &e);
	assert_null(e);
	assert_non_null(f->h);
}

/* One device of a report. */
struct dev {
	const char *id, *mac, *addr;
	int64_t out, in, flows;
	const char *name; /* one remote name, or NULL */
	int64_t name_bytes;
};

static void
member_time(JsonBuilder *b, const char *key, int64_t t)
{
	col_json_time(b, key, MS(t));
}

static void
member_int(JsonBuilder *b, const char *key, int64_t v)
{
	json_builder_set_member_name(b, key);
	json_builder_add_int_value(b, v);
}

/* Class c: flows c+1 * k, packets 10 * that, bytes 1000 * that. */
static void
add_summary(JsonBuilder *b, int64_t k)
{
	size_t c;

	json_builder_set_member_name(b, "summary");
	json_builder_begin_object(b);
	for (c = 0; c < G_N_ELEMENTS(cls); c++) {
		json_builder_set_member_name(b, cls[c]);
		json_builder_begin_object(b);
		member_int(b, "flows", (int64_t)(c + 1) * k);
		member_int(b, "packets", (int64_t)(c + 1) * k * 10);
		member_int(b, "bytes", (int64_t)(c + 1) * k * 1000);
		json_builder_end_object(b);
	}
	json_builder_end_object(b);
}

static void
add_device(JsonBuilder *b, const struct dev *d, int64_t start)
{
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "id");
	json_builder_add_string_value(b, d->id);
	json_builder_set_member_name(b, "mac");
	if (d->mac)
		json_builder_add_string_value(b, d->mac);
	else
		json_builder_add_null_value(b);
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, "tablet");
	json_builder_set_member_name(b, "addresses");
	json_builder_begin_array(b);
	json_builder_add_string_value(b, d->addr);
	json_builder_end_array(b);
	member_time(b, "first_seen", start);
	member_time(b, "last_seen", start + 59);
	member_int(b, "bytes_out", d->out);
	member_int(b, "bytes_in", d->in);
	member_int(b, "packets_out", d->out / 100);
	member_int(b, "packets_in", d->in / 100);
	member_int(b, "flows", d->flows);
	json_builder_set_member_name(b, "names");
	json_builder_begin_array(b);
	if (d->name) {
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "name");
		json_builder_add_string_value(b, d->name);
		member_int(b, "bytes", d->name_bytes);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
}

static void
add_dns(JsonBuilder *b, int64_t k)
{
	json_builder_set_member_name(b, "dns");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "most_resolved");
	json_builder_begin_array(b);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, "www.example.com");
	member_int(b, "count", k);
	json_builder_end_object(b);
	json_builder_end_array(b);
	json_builder_set_member_name(b, "failures");
	json_builder_begin_array(b);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, "nx.example");
	json_builder_set_member_name(b, "rcode");
	json_builder_add_string_value(b, "NXDOMAIN");
	member_int(b, "count", 1);
	json_builder_end_object(b);
	json_builder_end_array(b);
	json_builder_end_object(b);
}

/* A report of the 60 s interval at start; k scales the summary. */
static JsonNode *
report(int64_t start, int64_t k, const struct dev *devs, size_t n)
{
	JsonBuilder *b = json_builder_new();
	JsonNode *doc;
	size_t i;

	json_builder_begin_object(b);
	member_int(b, "format", 1);
	json_builder_set_member_name(b, "interval");
	json_builder_begin_object(b);
	member_time(b, "start", start);
	member_time(b, "end", start + 60);
	json_builder_end_object(b);
	add_summary(b, k);
	add_dns(b, k);
	json_builder_set_member_name(b, "devices");
	json_builder_begin_array(b);
	for (i = 0; i < n; i++)
		add_device(b, &devs[i], start);
	json_builder_end_array(b);
	json_builder_end_object(b);
	doc = json_builder_get_root(b);
	g_object_unref(b);
	return doc;
}

static void
write_ok(struct fixture *f, JsonNode *doc)
{
	GError *e = NULL;

	assert_true(col_history_write(f->h, doc, &e));
	assert_null(e);
	json_node_unref(doc);
}

/* f's reader, opened on the first call. */
static struct col_history_reader *
reader(struct fixture *f)
{
	GError *e = NULL;

	if (f->r == NULL)
		f->r = col_history_reader_open(f->db, &e);
	assert_null(e);
	assert_non_null(f->r);
	return f->r;
}

/* The number at path (members separated by '.', [i] for elements). */
static int64_t
num(JsonNode *n, const char *path)
{
	char **parts = g_strsplit(path, ".", -1);
	size_t i;
	int64_t v;

	for (i = 0; parts[i] != NULL; i++) {
		if (parts[i][0] == '[')
			n = json_array_get_element(json_node_get_array(n),
			    (guint)g_ascii_strtoull(parts[i] + 1, NULL, 10));
		else
			n = json_object_get_member(json_node_get_object(n),
			    parts[i]);
		assert_non_null(n);
	}
	g_strfreev(parts);
	v = json_node_get_int(n);
	return v;
}

static const char *
str(JsonNode *n, const char *path)
{
	char **parts = g_strsplit(path, ".", -1);
	size_t i;

	for (i = 0; parts[i] != NULL; i++) {
		if (parts[i][0] == '[')
			n = json_array_get_element(json_node_get_array(n),
			    (guint)g_ascii_strtoull(parts[i] + 1, NULL, 10));
		else
			n = json_object_get_member(json_node_get_object(n),
			    parts[i]);
		assert_non_null(n);
	}
	g_strfreev(parts);
	return JSON_NODE_HOLDS_NULL(n) ? NULL : json_node_get_string(n);
}

static guint
len(JsonNode *n, const char *member)
{
	return json_array_get_length(
	    json_object_get_array_member(json_node_get_object(n), member));
}

static int64_t
db_int(struct fixture *f, const char *sql)
{
	sqlite3 *db;
	int64_t v;

	assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY,
	                     NULL),
	    SQLITE_OK);
	v = col_hist_int(db, sql, -1);
	sqlite3_close(db);
	return v;
}

/* --- periods -------------------------------------------------------------
 */

static void
test_history_period_levels(void **state)
{
	(void)state;
	assert_int_equal(col_hist_period(COL_HIST_HOUR, DAY0 + 3599), DAY0);
	assert_int_equal(col_hist_period(COL_HIST_DAY, DAY0 + 86399), DAY0);
	assert_int_equal(col_hist_period(COL_HIST_MONTH, DAY0), MONTH0);
	/* 2023-12-01 and 2024-03-01 (a leap February). */
	assert_int_equal(col_hist_next(COL_HIST_MONTH, MONTH0), 1701388800);
	assert_int_equal(col_hist_next(COL_HIST_MONTH, 1706745600), 1709251200);
	assert_int_equal(col_hist_period(COL_HIST_HOUR, -1), -3600);
}

/* --- writer --------------------------------------------------------------
 */

static void
test_history_write_rolls_up_and_series(void **state)
{
	struct fixture *f = *state;
	struct col_history_reader *r;
	GError *e = NULL;
	JsonNode *s;
	int i;

	open_writer(f);
	for (i = 0; i < 3; i++)
		write_ok(f, report(DAY0 + 60 * i, i + 1, NULL, 0));
	r = reader(f);
	s = col_history_series(r, MS(DAY0), MS(DAY0 + 180), 60, &e);
	assert_non_null(s);
	assert_string_equal(str(s, "level"), "minute");
	assert_int_equal(num(s, "step"), 60);
	assert_string_equal(str(s, "from"), "2023-11-14T00:00:00Z");
	assert_string_equal(str(s, "to"), "2023-11-14T00:03:00Z");
	assert_int_equal(len(s, "t"), 3);
	assert_int_equal(num(s, "t.[2]"), DAY0 + 120);
	/* out is class 1: bytes 2 * k * 1000 */
	assert_int_equal(num(s, "bytes.out.[0]"), 2000);
	assert_int_equal(num(s, "bytes.out.[2]"), 6000);
	assert_int_equal(num(s, "flows.external.[1]"), 12);
	json_node_unref(s);
	s = col_history_series(r, MS(DAY0), MS(DAY0 + 180), 3600, &e);
	assert_string_equal(str(s, "level"), "hour");
	assert_int_equal(len(s, "t"), 1);
	assert_int_equal(num(s, "bytes.out.[0]"), 12000);
	assert_int_equal(num(s, "packets.in.[0]"), 60);
	json_node_unref(s);
	assert_int_equal(db_int(f,
	                     "SELECT v2 FROM agg WHERE kind = 0 AND level = 3"
	                     " AND k1 = 'out'"),
	    12000);
	assert_int_equal(col_history_get_stats(f->h)->intervals, 3);
}

static const struct dev dev_a = { "aa:bb:cc:00:00:01", "aa:bb:cc:00:00:01",
	"192.168.1.20", 5000, 20000, 7, "www.example.com", 24000 };
static const struct dev dev_b = { "192.168.1.30", NULL, "192.168.1.30", 100,
	200, 1, "ntp.example", 300 };

static void
test_history_write_again_replaces(void **state)
{
	struct fixture *f = *state;
	struct dev a2 = dev_a;
	struct dev two[2] = { dev_a, dev_b };

	open_writer(f);
	write_ok(f, report(DAY0, 1, two, 2));
	write_ok(f, report(DAY0 + 60, 1, &dev_a, 1));
	/* The first interval again: other numbers, one device fewer. */
	a2.out = 1;
	a2.in = 2;
	a2.name_bytes = 3;
	write_ok(f, report(DAY0, 2, &a2, 1));
	assert_int_equal(col_history_get_stats(f->h)->rewrites, 1);
	assert_int_equal(db_int(f,
	                     "SELECT v2 FROM agg WHERE kind = 0 AND level = 1"
	                     " AND k1 = 'out'"),
	    2000 * 2 + 2000);
	assert_int_equal(db_int(f,
	                     "SELECT v1 FROM agg WHERE kind = 1 AND level = 2"
	                     " AND k1 = 'aa:bb:cc:00:00:01'"),
	    20000 + 2);
	assert_int_equal(db_int(f,
	                     "SELECT sum(v0) FROM agg WHERE kind = 1 AND"
	                     " level = 3 AND k1 = '192.168.1.30'"),
	    0);
	assert_int_equal(db_int(f,
	                     "SELECT v0 FROM agg WHERE kind = 2 AND level = 2"
	                     " AND k2 = 'www.example.com'"),
	    24000 + 3);
	assert_int_equal(db_int(f,
	                     "SELECT count(*) FROM agg WHERE level = 0 AND"
	                     " t = 1699920000"),
	    6 + 1 + 1 + 1 + 1);
	/* Written a third time with the same report: nothing changes. */
	write_ok(f, report(DAY0, 2, &a2, 1));
	assert_int_equal(db_int(f,
	                     "SELECT v1 FROM agg WHERE kind = 1 AND level = 1"
	                     " AND k1 = 'aa:bb:cc:00:00:01'"),
	    20000 + 2);
}

/* A whole month of 60 s reports: the day and month rows are the sums. */
static void
test_history_write_month_of_reports(void **state)
{
	struct fixture *f = *state;
	struct col_history_reader *r;
	GError *e = NULL;
	JsonNode *s;
	int64_t t, n = 30 * 1440, i, out_bytes = 0;
	struct dev d = dev_a;

	f->cfg.keep_minutes = 120;
	open_writer(f);
	for (i = 0; i < n; i++) {
		t = MONTH0 + 60 * i;
		d.out = i % 97;
		out_bytes += d.out;
		write_ok(f, report(t, 1 + i % 3, &d, 1));
	}
	r = reader(f);
	/* 30 days asked: hours do not hold the start (1440 minutes kept)
	 * and would be 720 points; the hours cover it. */
	s = col_history_series(r, MS(MONTH0), MS(MONTH0 + 30 * 86400), 0, &e);
	assert_non_null(s);
	assert_string_equal(str(s, "level"), "hour");
	assert_int_equal(len(s, "t"), 720);
	/* Hour 0: minutes k = 1, 2, 3, 1, ...: 20 of each. */
	assert_int_equal(num(s, "bytes.in.[0]"), 1000 * (20 + 40 + 60));
	json_node_unref(s);
	s = col_history_series(r, MS(MONTH0), MS(MONTH0 + 30 * 86400), 86400,
	    &e);
	assert_string_equal(str(s, "level"), "day");
	assert_int_equal(len(s, "t"), 30);
	assert_int_equal(num(s, "bytes.in.[29]"), 1000 * 480 * 6);
	json_node_unref(s);
	assert_int_equal(db_int(f,
	                     "SELECT v0 FROM agg WHERE kind = 1 AND level = 3"),
	    out_bytes);
	assert_int_equal(db_int(f,
	                     "SELECT sum(v0) FROM agg WHERE kind = 1 AND"
	                     " level = 2"),
	    out_bytes);
	/* keep-minutes 120: the last 121 intervals' rows remain. */
	assert_int_equal(db_int(f,
	                     "SELECT count(*) FROM agg WHERE kind = 0 AND"
	                     " level = 0"),
	    121 * 6);
	assert_int_equal(db_int(f,
	                     "SELECT count(*) FROM agg WHERE kind = 0 AND"
	                     " level = 1"),
	    720 * 6);
	/* Totals over 30 days: 30 days, not 720 hours. */
	s = col_history_devices(r, MS(MONTH0), MS(MONTH0 + 30 * 86400), &e);
	assert_string_equal(str(s, "level"), "day");
	assert_int_equal(num(s, "devices.[0].bytes_out"), out_bytes);
	assert_int_equal(num(s, "devices.[0].bytes_in"), 20000 * n);
	json_node_unref(s);
	s = col_history_names(r, MS(MONTH0), MS(MONTH0 + 30 * 86400), &e);
	assert_string_equal(str(s, "level"), "day");
	assert_int_equal(num(s, "names.[0].bytes"), 24000 * n);
	json_node_unref(s);
	/* The minutes do not hold the start: step 60 gives hours. */
	s = col_history_series(r, MS(MONTH0), MS(MONTH0 + 3600), 60, &e);
	assert_string_equal(str(s, "level"), "hour");
	json_node_unref(s);
}

static void
test_history_retention_refuses_old_interval(void **state)
{
	struct fixture *f = *state;
	GError *e = NULL;
	JsonNode *doc;

	f->cfg.keep_minutes = 60;
	open_writer(f);
	write_ok(f, report(DAY0, 1, &dev_a, 1));
	write_ok(f, report(DAY0 + 7200, 1, &dev_a, 1));
	assert_int_equal(db_int(f,
	                     "SELECT count(*) FROM agg WHERE level = 0 AND"
	                     " t = 1699920000"),
	    0);
	assert_int_equal(db_int(f,
	                     "SELECT v2 FROM agg WHERE kind = 0 AND level = 1"
	                     " AND t = 1699920000 AND k1 = 'out'"),
	    2000);
	doc = report(DAY0, 5, &dev_a, 1);
	assert_false(col_history_write(f->h, doc, &e));
	assert_true(g_error_matches(e, MF_ERROR, MF_ERROR_INVAL));
	g_clear_error(&e);
	json_node_unref(doc);
	assert_int_equal(col_history_get_stats(f->h)->refused_old, 1);
	/* 400 days on: the days before the last 400 and the hours go. */
	write_ok(f, report(DAY0 + 401 * 86400, 1, NULL, 0));
	assert_int_equal(db_int(f,
	                     "SELECT count(*) FROM agg WHERE level = 2 AND"
	                     " t = 1699920000"),
	    0);
	assert_int_equal(db_int(f,
	                     "SELECT count(*) FROM agg WHERE level = 1 AND"
	                     " t < 1699927200 + 3600"),
	    0);
	assert_int_equal(db_int(f,
	                     "SELECT v2 FROM agg WHERE kind = 0 AND level = 3"
	                     " AND t = 1698796800 AND k1 = 'out'"),
	    4000);
	assert_true(col_history_get_stats(f->h)->expired_rows > 0);
}

static void
test_history_size_cap_removes_oldest(void **state)
{
	struct fixture *f = *state;
	struct col_history_reader *r;
	struct dev devs[40];
	char ids[40][32];
	GError *e = NULL;
	JsonNode *s;
	int64_t i;
	size_t k;

	for (k = 0; k < G_N_ELEMENTS(devs); k++) {
		g_snprintf(ids[k], sizeof(ids[k]), "10.0.0.%zu", k);
		devs[k] = dev_b;
		devs[k].id = devs[k].addr = ids[k];
	}
	/* 72 pages: the newest hour of minutes and the device index fit. */
	f->cfg.max_size = 288 * 1024;
	open_writer(f);
	for (i = 0; i < 6 * 60; i++)
		write_ok(f, report(DAY0 + 60 * i, 1, devs, G_N_ELEMENTS(devs)));
	assert_true(col_history_get_stats(f->h)->size_removed > 0);
	assert_true(col_history_size(f->h) <= f->cfg.max_size);
	/* The oldest minutes went first; the newest hour's are all there. */
	assert_int_equal(db_int(f,
	                     "SELECT count(*) FROM agg WHERE kind = 0 AND"
	                     " level = 0 AND t >= 1699920000 + 5 * 3600"),
	    60 * 6);
	assert_int_equal(db_int(f,
	                     "SELECT count(*) FROM agg WHERE kind = 0 AND"
	                     " level = 0 AND t < 1699920000 + 3600"),
	    0);
	/* Their totals stay in the hours. */
	r = reader(f);
	s = col_history_series(r, MS(DAY0), MS(DAY0 + 6 * 3600), 0, &e);
	assert_string_equal(str(s, "level"), "hour");
	assert_int_equal(num(s, "bytes.out.[0]"), 60 * 2000);
	json_node_unref(s);
}

/* Make f's database from the SQL script tests/data/NAME. */
static void
load_script(struct fixture *f, const char *name)
{
	char *p = g_build_filename(MF_TEST_SRCDIR, "tests", "data", name, NULL);
	char *sql = NULL;
	sqlite3 *db;

	assert_true(g_file_get_contents(p, &sql, NULL, NULL));
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	g_free(sql);
	g_free(p);
}

/*
 * f's database from the older version's script NAME: readers refuse it,
 * the writer upgrades it to the current version; returns f's reader.
 */
static struct col_history_reader *
upgrade_from(struct fixture *f, const char *name)
{
	GError *e = NULL;

	load_script(f, name);
	assert_null(col_history_reader_open(f->db, &e));
	g_clear_error(&e);
	open_writer(f);
	assert_int_equal(db_int(f, "PRAGMA user_version"), COL_HISTORY_SCHEMA);
	return reader(f);
}

static void
test_history_schema_upgrade_from_v1(void **state)
{
	struct fixture *f = *state;
	struct col_history_reader *r;
	GError *e = NULL;
	JsonNode *a;

	r = upgrade_from(f, "history-v1.sql");
	write_ok(f, report(1699999980 + 60, 1, NULL, 0));
	a = col_history_anomalies(r, MS(1699999980), MS(1700000100), &e);
	assert_non_null(a);
	assert_int_equal(len(a, "anomalies"), 1);
	assert_string_equal(str(a, "anomalies.[0].state"), "active");
	assert_string_equal(str(a, "anomalies.[0].first"),
	    "2023-11-14T22:13:10Z");
	json_node_unref(a);
	a = col_history_series(r, MS(1699999980), MS(1700000100), 60, &e);
	assert_int_equal(num(a, "bytes.out.[0]"), 3000);
	assert_int_equal(num(a, "bytes.out.[1]"), 2000);
	json_node_unref(a);
}

/*
 * Version 2, as its collector wrote it from vlan-dns.pcap: the upgrade
 * adds the index of the device rows, which the queries of one device go
 * through (INDEXED BY: without it they fail), and keeps every row.  The
 * sums are those of the script's two level 0 rows: bytes out 499 + 4102,
 * in 1907 + 9426, flows 16 + 68; google.com 3444 bytes.
 */
static void
test_history_schema_upgrade_from_v2(void **state)
{
	struct fixture *f = *state;
	struct col_history_reader *r;
	GError *e = NULL;
	JsonNode *a;

	r = upgrade_from(f, "history-v2.sql");
	assert_int_equal(db_int(f,
	                     "SELECT count(*) FROM sqlite_master WHERE"
	                     " type = 'index' AND name = 'agg_device'"),
	    1);
	assert_int_equal(db_int(f, "SELECT count(*) FROM agg"), 49);
	a = col_history_device(r, "02:42:ac:11:00:0a", MS(1476976980),
	    MS(1476977100), &e);
	assert_null(e);
	assert_non_null(a);
	assert_true(
	    json_object_get_boolean_member(json_node_get_object(a), "known"));
	assert_int_equal(num(a, "bytes_out"), 4601);
	assert_int_equal(num(a, "bytes_in"), 11333);
	assert_int_equal(num(a, "flows"), 84);
	assert_string_equal(str(a, "talks_to.names.[0].name"), "google.com");
	assert_int_equal(num(a, "talks_to.names.[0].bytes"), 3444);
	json_node_unref(a);
}

static void
test_history_schema_newer_is_refused(void **state)
{
	struct fixture *f = *state;
	GError *e = NULL;
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99;", NULL,
	                     NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_null(col_history_open(&f->cfg, &e));
	assert_true(g_error_matches(e, MF_ERROR, MF_ERROR_IO));
	assert_non_null(strstr(e->message, "newer"));
	g_clear_error(&e);
}

/* --- queries -------------------------------------------------------------
 */

static JsonNode *
anomaly_report(int64_t start, const char *state_or_null)
{
	JsonNode *doc = report(start, 1, &dev_a, 1);
	JsonObject *o = json_object_new();
	JsonArray *a = json_array_new();

	json_object_set_string_member(o, "type", "port_scan_vertical");
	json_object_set_string_member(o, "ip", "192.168.1.20");
	json_object_set_string_member(o, "mac", "aa:bb:cc:00:00:01");
	json_object_set_string_member(o, "first", "2023-11-14T00:00:30Z");
	json_object_set_string_member(o, "last", "2023-11-14T00:01:30Z");
	json_object_set_int_member(o, "score", 40);
	json_object_set_int_member(o, "flows", (gint64)(start - DAY0));
	if (state_or_null)
		json_object_set_string_member(o, "state", state_or_null);
	json_array_add_object_element(a, o);
	json_object_set_array_member(json_node_get_object(doc), "anomalies", a);
	return doc;
}

static void
test_history_queries_answer_the_reports(void **state)
{
	struct fixture *f = *state;
	struct col_history_reader *r;
	struct dev two[2] = { dev_a, dev_b };
	GError *e = NULL;
	JsonNode *a;

	open_writer(f);
	write_ok(f, report(DAY0, 1, two, 2));
	write_ok(f, anomaly_report(DAY0 + 60, NULL));
	r = reader(f);
	a = col_history_devices(r, MS(DAY0), MS(DAY0 + 120), &e);
	assert_non_null(a);
	assert_string_equal(str(a, "level"), "hour");
	assert_int_equal(len(a, "devices"), 2);
	assert_string_equal(str(a, "devices.[0].id"), "aa:bb:cc:00:00:01");
	assert_int_equal(num(a, "devices.[0].bytes"), 2 * 25000);
	assert_int_equal(num(a, "devices.[0].flows"), 14);
	assert_string_equal(str(a, "devices.[0].addresses.[0]"),
	    "192.168.1.20");
	assert_string_equal(str(a, "devices.[0].name"), "tablet");
	assert_null(str(a, "devices.[1].mac"));
	json_node_unref(a);
	a = col_history_device(r, "aa:bb:cc:00:00:01", MS(DAY0), MS(DAY0 + 120),
	    &e);
	assert_non_null(a);
	assert_int_equal(num(a, "bytes_in"), 40000);
	assert_true(
	    json_object_get_boolean_member(json_node_get_object(a), "known"));
	assert_string_equal(str(a, "talks_to.names.[0].name"),
	    "www.example.com");
	assert_int_equal(num(a, "talks_to.names.[0].bytes"), 48000);
	json_node_unref(a);
	a = col_history_device(r, "nobody", MS(DAY0), MS(DAY0 + 120), &e);
	assert_non_null(a);
	assert_false(
	    json_object_get_boolean_member(json_node_get_object(a), "known"));
	assert_int_equal(num(a, "bytes"), 0);
	json_node_unref(a);
	a = col_history_names(r, MS(DAY0), MS(DAY0 + 120), &e);
	assert_int_equal(len(a, "names"), 2);
	assert_string_equal(str(a, "names.[1].name"), "ntp.example");
	assert_int_equal(num(a, "names.[0].bytes"), 48000);
	json_node_unref(a);
	a = col_history_dns(r, MS(DAY0), MS(DAY0 + 120), &e);
	assert_int_equal(num(a, "names.[0].count"), 2);
	assert_string_equal(str(a, "failures.[0].rcode"), "NXDOMAIN");
	assert_int_equal(num(a, "failures.[0].count"), 2);
	json_node_unref(a);
	a = col_history_anomalies(r, MS(DAY0), MS(DAY0 + 120), &e);
	assert_string_equal(str(a, "anomalies.[0].state"), "new");
	assert_string_equal(str(a, "anomalies.[0].device"),
	    "aa:bb:cc:00:00:01");
	json_node_unref(a);
	/* Reported again: active; then over, as the report says. */
	write_ok(f, anomaly_report(DAY0 + 120, NULL));
	a = col_history_anomalies(r, MS(DAY0), MS(DAY0 + 180), &e);
	assert_string_equal(str(a, "anomalies.[0].state"), "active");
	assert_int_equal(num(a, "anomalies.[0].flows"), 120);
	json_node_unref(a);
	write_ok(f, anomaly_report(DAY0 + 180, "over"));
	a = col_history_anomalies(r, MS(DAY0), MS(DAY0 + 240), &e);
	assert_int_equal(len(a, "anomalies"), 1);
	assert_string_equal(str(a, "anomalies.[0].state"), "over");
	json_node_unref(a);
}

static void
test_history_queries_clamp_range(void **state)
{
	struct fixture *f = *state;
	struct col_history_reader *r;
	GError *e = NULL;
	JsonNode *a;

	open_writer(f);
	write_ok(f, report(DAY0 + 600, 1, NULL, 0));
	r = reader(f);
	a = col_history_series(r, MS(DAY0 - 86400), MS(DAY0 + 86400), 60, &e);
	assert_string_equal(str(a, "from"), "2023-11-14T00:10:00Z");
	assert_string_equal(str(a, "to"), "2023-11-14T00:11:00Z");
	assert_int_equal(len(a, "t"), 1);
	json_node_unref(a);
	/* Nothing in the range: an empty answer, not an error. */
	a = col_history_devices(r, MS(DAY0 + 86400), MS(DAY0 + 86400 * 2), &e);
	assert_non_null(a);
	assert_int_equal(len(a, "devices"), 0);
	json_node_unref(a);
}

static void
test_history_write_distrusts_documents(void **state)
{
	struct fixture *f = *state;
	const char *bad[] = { "[1, 2]", "{\"interval\": 5}",
		("{\"interval\": {\"start\": \"2023-11-14T00:01:00Z\","
		 " \"end\": \"2023-11-14T00:00:00Z\"}}") };
	char *long_id = g_strnfill(300, 'x');
	char *text;
	GError *e = NULL;
	JsonNode *doc;
	size_t i;

	open_writer(f);
	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		doc = json_from_string(bad[i], NULL);
		assert_false(col_history_write(f->h, doc, &e));
		g_clear_error(&e);
		json_node_unref(doc);
	}
	assert_int_equal(col_history_get_stats(f->h)->bad_reports, 3);
	text = g_strdup_printf(
	    "{\"interval\": {\"start\": \"2023-11-14T00:00:00Z\","
	    " \"end\": \"2023-11-14T00:01:00Z\"},"
	    " \"summary\": {\"out\": {\"bytes\": \"many\", \"flows\": -4,"
	    " \"packets\": 2}},"
	    " \"devices\": [{\"id\": \"%s\"}, 7, {\"id\": \"ok\","
	    " \"bytes_out\": 5, \"names\": [{\"name\": 3}]}]}",
	    long_id);
	write_ok(f, json_from_string(text, NULL));
	assert_int_equal(col_history_get_stats(f->h)->facts_dropped, 3);
	assert_int_equal(db_int(f,
	                     "SELECT v1 * 100 + v0 + v2 FROM agg WHERE kind = 0"
	                     " AND level = 0 AND k1 = 'out'"),
	    200);
	assert_int_equal(db_int(f, "SELECT count(*) FROM device"), 1);
	g_free(text);
	g_free(long_id);
}

static void
test_history_bad_parameters(void **state)
{
	struct fixture *f = *state;
	struct col_history_reader *r;
	char *bad_id = g_strnfill(256, 'a');
	GError *e = NULL;
	sqlite3 *db;

	open_writer(f);
	write_ok(f, report(DAY0, 1, NULL, 0));
	r = reader(f);
	assert_null(col_history_series(r, MS(DAY0), MS(DAY0), 60, &e));
	assert_true(g_error_matches(e, MF_ERROR, MF_ERROR_INVAL));
	g_clear_error(&e);
	assert_null(col_history_series(r, MS(DAY0), MS(DAY0 + 60), 7, &e));
	assert_true(g_error_matches(e, MF_ERROR, MF_ERROR_INVAL));
	g_clear_error(&e);
	assert_null(col_history_devices(r, MS(DAY0 + 60), MS(DAY0), &e));
	assert_true(g_error_matches(e, MF_ERROR, MF_ERROR_INVAL));
	g_clear_error(&e);
	assert_null(col_history_names(r, 0, UINT64_MAX, &e));
	assert_true(g_error_matches(e, MF_ERROR, MF_ERROR_INVAL));
	g_clear_error(&e);
	assert_null(col_history_device(r, bad_id, 0, MS(DAY0), &e));
	assert_true(g_error_matches(e, MF_ERROR, MF_ERROR_INVAL));
	g_clear_error(&e);
	assert_null(col_history_device(r, "", 0, MS(DAY0), &e));
	assert_true(g_error_matches(e, MF_ERROR, MF_ERROR_INVAL));
	g_clear_error(&e);
	assert_null(col_history_device(r, "\xff", 0, MS(DAY0), &e));
	assert_true(g_error_matches(e, MF_ERROR, MF_ERROR_INVAL));
	g_clear_error(&e);
	g_free(bad_id);
	/* Missing files and other databases are not history. */
	assert_null(col_history_reader_open("/nonexistent/h.sqlite", &e));
	assert_true(g_error_matches(e, MF_ERROR, MF_ERROR_IO));
	g_clear_error(&e);
	col_history_free(f->h);
	f->h = NULL;
	g_unlink(f->db);
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE x(y);", NULL, NULL,
	                     NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_null(col_history_reader_open(f->db, &e));
	assert_true(g_error_matches(e, MF_ERROR, MF_ERROR_IO));
	g_clear_error(&e);
}

/* Readers read while the writer writes (WAL): neither waits. */
static void
test_history_reader_during_write(void **state)
{
	struct fixture *f = *state;
	struct col_history_reader *r;
	GError *e = NULL;
	JsonNode *a;
	sqlite3 *db;

	open_writer(f);
	write_ok(f, report(DAY0, 1, NULL, 0));
	r = reader(f);
	/* Another connection holds the write lock: readers still read. */
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                     "BEGIN IMMEDIATE; UPDATE meta SET value = value"
	                     " WHERE key = 'newest';",
	                     NULL, NULL, NULL),
	    SQLITE_OK);
	a = col_history_series(r, MS(DAY0), MS(DAY0 + 60), 60, &e);
	assert_non_null(a);
	assert_int_equal(num(a, "bytes.out.[0]"), 2000);
	json_node_unref(a);
	sqlite3_exec(db, "ROLLBACK;", NULL, NULL, NULL);
	/* A reader in the middle of a read transaction: the writer writes
	 * (and the reader still sees its snapshot). */
	assert_int_equal(sqlite3_exec(db, "BEGIN; SELECT count(*) FROM agg;",
	                     NULL, NULL, NULL),
	    SQLITE_OK);
	write_ok(f, report(DAY0 + 60, 1, NULL, 0));
	assert_int_equal(col_hist_int(db,
	                     "SELECT count(*) FROM agg WHERE level = 0", -1),
	    6 + 2);
	sqlite3_exec(db, "COMMIT;", NULL, NULL, NULL);
	assert_int_equal(col_hist_int(db,
	                     "SELECT count(*) FROM agg WHERE level = 0", -1),
	    2 * (6 + 2));
	sqlite3_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history_period_levels),
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_history_write_rolls_up_and_series),
		T(test_history_write_again_replaces),
		T(test_history_write_month_of_reports),
		T(test_history_retention_refuses_old_interval),
		T(test_history_size_cap_removes_oldest),
		T(test_history_schema_upgrade_from_v1),
		T(test_history_schema_upgrade_from_v2),
		T(test_history_schema_newer_is_refused),
		T(test_history_queries_answer_the_reports),
		T(test_history_queries_clamp_range),
		T(test_history_write_distrusts_documents),
		T(test_history_bad_parameters),
		T(test_history_reader_during_write),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
