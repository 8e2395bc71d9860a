/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-history"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "collector/output/history.h"
#include "collector/output/history_db.h"
#include "collector/output/report_json.h"
#include "common/error.h"

/*
 * Periods a total over a range is summed from: a coarser level when the
 * finer would take more (a week of devices is 7 days, not 168 hours, so
 * an answer reads thousands of rows, not hundreds of thousands).
 */
#define MAX_TOTAL_PERIODS 48

struct col_history_reader {
	sqlite3 *db;
	char *path;
};

/* The range an answer uses: [from, to) in seconds, at one level. */
struct range {
	int level;
	int64_t from, to, step;
	gboolean empty;
};

static const char *const classes[] = { "in", "out", "inweb", "outweb",
	"internal", "external" };

struct col_history_reader *
col_history_reader_open(const char *db, GError **error)
{
	struct col_history_reader *r = g_new0(struct col_history_reader, 1);
	int64_t v;

	r->path = g_strdup(db);
	if (sqlite3_open_v2(db, &r->db,
	        SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
	        NULL) != SQLITE_OK) {
		col_hist_set_error(error, r->db, db, "opening");
		col_history_reader_free(r);
		return NULL;
	}
	sqlite3_busy_timeout(r->db, 1000);
	v = col_hist_int(r->db, "PRAGMA user_version;", -1);
	if (v != COL_HISTORY_SCHEMA) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "history %s: schema version %" G_GINT64_FORMAT
		    ", not %d (not a history database, or the collector has "
		    "not opened it yet)",
		    db, v, COL_HISTORY_SCHEMA);
		col_history_reader_free(r);
		return NULL;
	}
	return r;
}

void
col_history_reader_free(struct col_history_reader *r)
{
	if (r == NULL)
		return;
	sqlite3_close(r->db);
	g_free(r->path);
	g_free(r);
}

static int64_t
meta(struct col_history_reader *r, const char *key, int64_t dflt)
{
	char *q =
	    g_strdup_printf("SELECT value FROM meta WHERE key = '%s'", key);
	int64_t v = col_hist_int(r->db, q, dflt);

	g_free(q);
	return v;
}

static int64_t
level_len(int level, int64_t interval)
{
	static const int64_t len[] = { 60, 3600, 86400, 31 * 86400 };

	return level == 0 ? MAX(interval, 1) : len[level];
}

static gboolean
check_range(uint64_t from_ms, uint64_t to_ms, GError **error)
{
	if (from_ms >= to_ms || to_ms > COL_JSON_MAX_UNIX_S * 1000) {
		g_set_error(error, MF_ERROR, MF_ERROR_INVAL,
		    "bad range: from must be before to, both after 1970 and "
		    "before 10000");
		return FALSE;
	}
	return TRUE;
}

/*
 * Check [from_ms, to_ms) (FALSE, error set, if bad), clamp it to what
 * history holds and pick the finest level from min_level on that still
 * holds the range's start and gives at most points periods; align the
 * range to its periods.
 */
static gboolean
resolve(struct col_history_reader *r, uint64_t from_ms, uint64_t to_ms,
    int min_level, int64_t points, struct range *g, GError **error)
{
	const int64_t max_s = (int64_t)COL_JSON_MAX_UNIX_S;
	int64_t interval, first, newest;
	int level;

	if (!check_range(from_ms, to_ms, error))
		return FALSE;
	interval = meta(r, "interval", 60);
	first = meta(r, "first", -1);
	newest = meta(r, "newest", -1);
	/* The meta table is a file's content too: bounded before use. */
	if (interval < 1 || interval > 86400)
		interval = 60;
	memset(g, 0, sizeof(*g));
	g->from = MAX((int64_t)(from_ms / 1000), first);
	g->to = MIN((int64_t)((to_ms + 999) / 1000), newest + interval);
	for (level = min_level; level < COL_HIST_MONTH; level++) {
		char key[8];

		g_snprintf(key, sizeof(key), "cut%d", level);
		if (meta(r, key, INT64_MIN) <= g->from &&
		    (g->to - g->from) / level_len(level, interval) < points)
			break;
	}
	g->level = level;
	g->step = level_len(level, interval);
	if (first < 0 || first > max_s || newest < first || newest > max_s ||
	    g->from >= g->to) {
		g->empty = TRUE;
		g->from = (int64_t)(from_ms / 1000);
		g->to = g->from;
		return TRUE;
	}
	if (level > 0) {
		g->from = col_hist_period(level, g->from);
		g->to = col_hist_next(level, col_hist_period(level, g->to - 1));
		return TRUE;
	}
	/* Intervals start at multiples of their length. */
	g->from -= g->from % g->step;
	g->to += (g->step - g->to % g->step) % g->step;
	return TRUE;
}

static JsonBuilder *
answer_begin(const struct range *g)
{
	JsonBuilder *b = json_builder_new();

	json_builder_begin_object(b);
	col_json_time(b, "from", (uint64_t)MAX(g->from, 0) * 1000);
	col_json_time(b, "to", (uint64_t)MAX(g->to, 0) * 1000);
	col_json_uint(b, "step", (uint64_t)g->step);
	col_json_text(b, "level", col_hist_level_name(g->level));
	return b;
}

static JsonNode *
answer_end(JsonBuilder *b)
{
	JsonNode *n;

	json_builder_end_object(b);
	n = json_builder_get_root(b);
	g_object_unref(b);
	return n;
}

/* A statement over [from, to) of kind at g's level: ?1 ?2 ?3 ?4 bound. */
static sqlite3_stmt *
prepare(struct col_history_reader *r, const char *sql, int kind,
    const struct range *g, GError **error)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
		col_hist_set_error(error, r->db, r->path, "query");
		sqlite3_finalize(st);
		return NULL;
	}
	sqlite3_bind_int(st, 1, kind);
	sqlite3_bind_int(st, 2, g->level);
	sqlite3_bind_int64(st, 3, g->from);
	sqlite3_bind_int64(st, 4, g->to);
	return st;
}

/* Finish st: NULL (error set) if it ended on an error. */
static gboolean
finish(struct col_history_reader *r, sqlite3_stmt *st, int rc, GError **error)
{
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		col_hist_set_error(error, r->db, r->path, "query");
		sqlite3_finalize(st);
		return FALSE;
	}
	sqlite3_finalize(st);
	return TRUE;
}

static uint64_t
col_u(sqlite3_stmt *st, int i)
{
	int64_t v = sqlite3_column_int64(st, i);

	return v > 0 ? (uint64_t)v : 0;
}

/* The period starts of g, at most COL_HISTORY_MAX_POINTS. */
static GArray *
points(const struct range *g)
{
	GArray *t = g_array_new(FALSE, FALSE, sizeof(int64_t));
	int64_t x;

	for (x = g->from;
	     !g->empty && x < g->to && t->len < COL_HISTORY_MAX_POINTS;
	     x = g->level == 0 ? x + g->step : col_hist_next(g->level, x))
		g_array_append_val(t, x);
	return t;
}

static guint
point_index(const GArray *t, int64_t x)
{
	guint lo = 0, hi = t->len;

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;

		if (g_array_index(t, int64_t, mid) < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
add_series(JsonBuilder *b, const char *key, const GArray *t, const uint64_t *v)
{
	size_t c;
	guint i;

	json_builder_set_member_name(b, key);
	json_builder_begin_object(b);
	for (c = 0; c < G_N_ELEMENTS(classes); c++) {
		json_builder_set_member_name(b, classes[c]);
		json_builder_begin_array(b);
		for (i = 0; i < t->len; i++)
			json_builder_add_int_value(b,
			    (gint64)MIN(v[i * G_N_ELEMENTS(classes) + c],
			        (uint64_t)G_MAXINT64));
		json_builder_end_array(b);
	}
	json_builder_end_object(b);
}

static int
class_index(const char *s)
{
	size_t c;

	for (c = 0; s && c < G_N_ELEMENTS(classes); c++)
		if (strcmp(s, classes[c]) == 0)
			return (int)c;
	return -1;
}

/* The answer of a series: the range, the classes, the times, the sums. */
static JsonNode *
series_answer(const struct range *g, const GArray *t, uint64_t *const v[3])
{
	JsonBuilder *b = answer_begin(g);
	size_t c;
	guint i;

	json_builder_set_member_name(b, "classes");
	json_builder_begin_array(b);
	for (c = 0; c < G_N_ELEMENTS(classes); c++)
		json_builder_add_string_value(b, classes[c]);
	json_builder_end_array(b);
	json_builder_set_member_name(b, "t");
	json_builder_begin_array(b);
	for (i = 0; i < t->len; i++)
		json_builder_add_int_value(b, g_array_index(t, int64_t, i));
	json_builder_end_array(b);
	add_series(b, "flows", t, v[0]);
	add_series(b, "packets", t, v[1]);
	add_series(b, "bytes", t, v[2]);
	return answer_end(b);
}

JsonNode *
col_history_series(struct col_history_reader *r, uint64_t from_ms,
    uint64_t to_ms, uint32_t step_s, GError **error)
{
	static const uint32_t steps[] = { 0, 60, 3600, 86400 };
	const size_t nc = G_N_ELEMENTS(classes);
	struct range g;
	sqlite3_stmt *st;
	JsonNode *answer = NULL;
	GArray *t;
	uint64_t *v[3];
	int min_level = -1, rc, k;
	guint i;

	for (k = 0; k < (int)G_N_ELEMENTS(steps); k++)
		if (steps[k] == step_s)
			min_level = k > 0 ? k - 1 : 0;
	if (min_level < 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_INVAL,
		    "bad step %u: 0 (any), 60, 3600 or 86400", step_s);
		return NULL;
	}
	if (!resolve(r, from_ms, to_ms, min_level, COL_HISTORY_MAX_POINTS, &g,
	        error))
		return NULL;
	st = prepare(r,
	    "SELECT t, k1, v0, v1, v2 FROM agg WHERE kind = ?1 AND level = ?2"
	    " AND t >= ?3 AND t < ?4",
	    COL_HIST_CLASS, &g, error);
	if (st == NULL)
		return NULL;
	t = points(&g);
	for (k = 0; k < 3; k++)
		v[k] = g_new0(uint64_t, (size_t)t->len * nc + 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int ci = class_index((const char *)sqlite3_column_text(st, 1));

		i = point_index(t, sqlite3_column_int64(st, 0));
		if (ci < 0 || i >= t->len ||
		    g_array_index(t, int64_t, i) != sqlite3_column_int64(st, 0))
			continue;
		for (k = 0; k < 3; k++)
			v[k][i * nc + (size_t)ci] += col_u(st, 2 + k);
	}
	if (finish(r, st, rc, error))
		answer = series_answer(&g, t, v);
	for (k = 0; k < 3; k++)
		g_free(v[k]);
	g_array_free(t, TRUE);
	return answer;
}

static void
column_str(JsonBuilder *b, const char *key, sqlite3_stmt *st, int i)
{
	col_json_str(b, key, (const char *)sqlite3_column_text(st, i));
}

/* The stored facts of a device: columns from i of the device table. */
static void
device_info(JsonBuilder *b, sqlite3_stmt *st, int i)
{
	const char *addrs = (const char *)sqlite3_column_text(st, i + 5);
	JsonNode *a = addrs ? json_from_string(addrs, NULL) : NULL;

	column_str(b, "mac", st, i);
	column_str(b, "name", st, i + 1);
	column_str(b, "name_source", st, i + 2);
	column_str(b, "vendor", st, i + 3);
	json_builder_set_member_name(b, "random_mac");
	if (sqlite3_column_type(st, i + 4) == SQLITE_NULL)
		json_builder_add_null_value(b);
	else
		json_builder_add_boolean_value(b,
		    sqlite3_column_int(st, i + 4) != 0);
	json_builder_set_member_name(b, "addresses");
	if (a != NULL && JSON_NODE_HOLDS_ARRAY(a))
		json_builder_add_value(b, a);
	else {
		json_builder_begin_array(b);
		json_builder_end_array(b);
		if (a != NULL)
			json_node_unref(a);
	}
	if (sqlite3_column_type(st, i + 6) == SQLITE_NULL) {
		col_json_text(b, "first_seen", NULL);
		col_json_text(b, "last_seen", NULL);
		return;
	}
	col_json_time(b, "first_seen", col_u(st, i + 6) * 1000);
	col_json_time(b, "last_seen", col_u(st, i + 7) * 1000);
}

/* bytes_out .. flows from column i, and their sums. */
static void
device_totals(JsonBuilder *b, sqlite3_stmt *st, int i)
{
	static const char *const keys[] = { "bytes_out", "bytes_in",
		"packets_out", "packets_in", "flows" };
	size_t k;

	for (k = 0; k < G_N_ELEMENTS(keys); k++)
		col_json_uint(b, keys[k], col_u(st, i + (int)k));
	col_json_uint(b, "bytes", col_u(st, i) + col_u(st, i + 1));
	col_json_uint(b, "packets", col_u(st, i + 2) + col_u(st, i + 3));
}

#define DEVICE_COLUMNS                                                       \
	"d.mac, d.name, d.name_source, d.vendor, d.random_mac, d.addresses," \
	" d.first_seen, d.last_seen"

/*
 * A query whose answer is the range and one array member of rows: sql at
 * the level resolve() picks from min_level for at most points periods,
 * with ?1 kind, ?2 level and ?3 ?4 the range bound; row() adds each row.
 */
struct rows_query {
	const char *sql, *member;
	int kind, min_level;
	int64_t points;
	void (*row)(JsonBuilder *b, sqlite3_stmt *st);
};

static JsonNode *
rows_answer(struct col_history_reader *r, uint64_t from_ms, uint64_t to_ms,
    const struct rows_query *q, GError **error)
{
	struct range g;
	sqlite3_stmt *st;
	JsonBuilder *b;
	int rc;

	if (!resolve(r, from_ms, to_ms, q->min_level, q->points, &g, error) ||
	    (st = prepare(r, q->sql, q->kind, &g, error)) == NULL)
		return NULL;
	b = answer_begin(&g);
	json_builder_set_member_name(b, q->member);
	json_builder_begin_array(b);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		q->row(b, st);
	json_builder_end_array(b);
	if (!finish(r, st, rc, error)) {
		json_node_unref(answer_end(b));
		return NULL;
	}
	return answer_end(b);
}

static void
device_row(JsonBuilder *b, sqlite3_stmt *st)
{
	json_builder_begin_object(b);
	column_str(b, "id", st, 0);
	device_info(b, st, 6);
	device_totals(b, st, 1);
	json_builder_end_object(b);
}

JsonNode *
col_history_devices(struct col_history_reader *r, uint64_t from_ms,
    uint64_t to_ms, GError **error)
{
	static const struct rows_query q = {
		"SELECT a.k1, sum(a.v0), sum(a.v1), sum(a.v2), sum(a.v3),"
		" sum(a.v4), " DEVICE_COLUMNS " FROM agg a LEFT JOIN device d"
		" ON d.id = a.k1 WHERE a.kind = ?1 AND a.level = ?2"
		" AND a.t >= ?3 AND a.t < ?4 GROUP BY a.k1"
		" HAVING sum(a.v0 + a.v1 + a.v4) > 0"
		" ORDER BY sum(a.v0 + a.v1) DESC, a.k1 LIMIT 1000",
		"devices", COL_HIST_DEVICE, COL_HIST_HOUR, MAX_TOTAL_PERIODS,
		device_row
	};

	return rows_answer(r, from_ms, to_ms, &q, error);
}

/* Member "talks_to": the device's remote names by bytes, at days. */
static gboolean
talks_to(struct col_history_reader *r, JsonBuilder *b, const char *id,
    uint64_t from_ms, uint64_t to_ms, GError **error)
{
	struct range g;
	sqlite3_stmt *st;
	int rc;

	if (!resolve(r, from_ms, to_ms, COL_HIST_DAY, MAX_TOTAL_PERIODS, &g,
	        error))
		return FALSE;
	st = prepare(r,
	    "SELECT k2, sum(v0) FROM agg INDEXED BY agg_device"
	    " WHERE " COL_HIST_DEVICE_ROWS " AND kind = ?1 AND level = ?2"
	    " AND t >= ?3 AND t < ?4 AND k1 = ?5 GROUP BY k2"
	    " ORDER BY sum(v0) DESC, k2 LIMIT 1000",
	    COL_HIST_NAME, &g, error);
	if (st == NULL)
		return FALSE;
	sqlite3_bind_text(st, 5, id, -1, SQLITE_STATIC);
	json_builder_set_member_name(b, "talks_to");
	json_builder_begin_object(b);
	col_json_time(b, "from", (uint64_t)MAX(g.from, 0) * 1000);
	col_json_time(b, "to", (uint64_t)MAX(g.to, 0) * 1000);
	col_json_text(b, "level", col_hist_level_name(g.level));
	json_builder_set_member_name(b, "names");
	json_builder_begin_array(b);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_builder_begin_object(b);
		column_str(b, "name", st, 0);
		col_json_uint(b, "bytes", col_u(st, 1));
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	return finish(r, st, rc, error);
}

JsonNode *
col_history_device(struct col_history_reader *r, const char *id,
    uint64_t from_ms, uint64_t to_ms, GError **error)
{
	struct range g;
	sqlite3_stmt *st;
	JsonBuilder *b;
	int rc;

	if (id == NULL || id[0] == '\0' || strlen(id) > COL_HISTORY_MAX_KEY ||
	    !g_utf8_validate(id, -1, NULL)) {
		g_set_error(error, MF_ERROR, MF_ERROR_INVAL,
		    "bad device id (1 to %d bytes of UTF-8)",
		    COL_HISTORY_MAX_KEY);
		return NULL;
	}
	if (!resolve(r, from_ms, to_ms, COL_HIST_HOUR, MAX_TOTAL_PERIODS, &g,
	        error))
		return NULL;
	st = prepare(r,
	    "SELECT sum(a.v0), sum(a.v1), sum(a.v2), sum(a.v3), sum(a.v4),"
	    " d.id IS NOT NULL, " DEVICE_COLUMNS " FROM (SELECT ?5 AS k1) k"
	    " LEFT JOIN agg a INDEXED BY agg_device ON " COL_HIST_DEVICE_ROWS_A
	    " AND a.kind = ?1 AND a.level = ?2 AND a.t >= ?3 AND a.t < ?4"
	    " AND a.k1 = k.k1 LEFT JOIN device d ON d.id = k.k1",
	    COL_HIST_DEVICE, &g, error);
	if (st == NULL)
		return NULL;
	sqlite3_bind_text(st, 5, id, -1, SQLITE_STATIC);
	b = answer_begin(&g);
	col_json_str(b, "id", id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_builder_set_member_name(b, "known");
		json_builder_add_boolean_value(b,
		    sqlite3_column_int(st, 5) != 0);
		device_info(b, st, 6);
		device_totals(b, st, 0);
	}
	if (!finish(r, st, rc, error) ||
	    !talks_to(r, b, id, from_ms, to_ms, error)) {
		json_node_unref(answer_end(b));
		return NULL;
	}
	return answer_end(b);
}

/* A list member of rows (name, number[, number]) from sql at g. */
static gboolean
name_list(struct col_history_reader *r, JsonBuilder *b, const char *member,
    const char *sql, int kind, const struct range *g, const char *const keys[3],
    GError **error)
{
	sqlite3_stmt *st = prepare(r, sql, kind, g, error);
	int rc, k;

	if (st == NULL)
		return FALSE;
	json_builder_set_member_name(b, member);
	json_builder_begin_array(b);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_builder_begin_object(b);
		column_str(b, "name", st, 0);
		for (k = 0; k < 3 && keys[k]; k++) {
			if (sqlite3_column_type(st, k + 1) == SQLITE_TEXT)
				column_str(b, keys[k], st, k + 1);
			else
				col_json_uint(b, keys[k], col_u(st, k + 1));
		}
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	return finish(r, st, rc, error);
}

JsonNode *
col_history_names(struct col_history_reader *r, uint64_t from_ms,
    uint64_t to_ms, GError **error)
{
	static const char *const keys[3] = { "bytes", NULL, NULL };
	struct range g;
	JsonBuilder *b;

	if (!resolve(r, from_ms, to_ms, COL_HIST_DAY, MAX_TOTAL_PERIODS, &g,
	        error))
		return NULL;
	b = answer_begin(&g);
	if (!name_list(r, b, "names",
	        "SELECT k1, sum(v0) FROM agg"
	        " WHERE kind = ?1 AND level = ?2 AND t >= ?3 AND t < ?4"
	        " GROUP BY k1 ORDER BY sum(v0) DESC, k1 LIMIT 1000",
	        COL_HIST_NAMESUM, &g, keys, error)) {
		json_node_unref(answer_end(b));
		return NULL;
	}
	return answer_end(b);
}

JsonNode *
col_history_dns(struct col_history_reader *r, uint64_t from_ms, uint64_t to_ms,
    GError **error)
{
	static const char *const most[3] = { "count", NULL, NULL };
	static const char *const fail[3] = { "rcode", "count", NULL };
	struct range g;
	JsonBuilder *b;

	if (!resolve(r, from_ms, to_ms, COL_HIST_HOUR, MAX_TOTAL_PERIODS, &g,
	        error))
		return NULL;
	b = answer_begin(&g);
	if (!name_list(r, b, "names",
	        "SELECT k1, sum(v0) FROM agg WHERE kind = ?1 AND level = ?2"
	        " AND t >= ?3 AND t < ?4 GROUP BY k1"
	        " ORDER BY sum(v0) DESC, k1 LIMIT 1000",
	        COL_HIST_DNS, &g, most, error) ||
	    !name_list(r, b, "failures",
	        "SELECT k1, k2, sum(v0) FROM agg WHERE kind = ?1 AND level = ?2"
	        " AND t >= ?3 AND t < ?4 GROUP BY k1, k2"
	        " ORDER BY sum(v0) DESC, k1, k2 LIMIT 1000",
	        COL_HIST_DNSFAIL, &g, fail, error)) {
		json_node_unref(answer_end(b));
		return NULL;
	}
	return answer_end(b);
}

static void
anomaly_row(JsonBuilder *b, sqlite3_stmt *st)
{
	json_builder_begin_object(b);
	column_str(b, "type", st, 0);
	column_str(b, "address", st, 1);
	column_str(b, "device", st, 2);
	col_json_time(b, "first", col_u(st, 3) * 1000);
	col_json_time(b, "last", col_u(st, 4) * 1000);
	column_str(b, "state", st, 5);
	col_json_uint(b, "score", col_u(st, 6));
	col_json_uint(b, "detections", col_u(st, 7));
	col_json_uint(b, "flows", col_u(st, 8));
	col_json_uint(b, "target_count", col_u(st, 9));
	json_builder_end_object(b);
}

JsonNode *
col_history_anomalies(struct col_history_reader *r, uint64_t from_ms,
    uint64_t to_ms, GError **error)
{
	static const struct rows_query q = {
		"SELECT type, address, device, first, last, state, score,"
		" detections, flows, target_count FROM anomaly"
		" WHERE ?1 = ?1 AND ?2 = ?2 AND last >= ?3 AND first < ?4"
		" ORDER BY first DESC, type, address LIMIT 1000",
		"anomalies", 0, COL_HIST_MINUTE, INT64_MAX, anomaly_row
	};

	return rows_answer(r, from_ms, to_ms, &q, error);
}
