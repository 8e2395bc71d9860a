/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-web"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "collector/output/report_json.h"
#include "collector/output/web_api.h"
#include "collector/output/web_hist.h"
#include "collector/output/web_live.h"
#include "common/error.h"

#define MAX_REPORT_BYTES (8u << 20) /* one report file read */

/* --- parameters --------------------------------------------------------- */

/* n decimal digits at s into *v; FALSE if any is not a digit. */
static gboolean
digits(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!g_ascii_isdigit(s[i]))
			return FALSE;
		*v = *v * 10 + (s[i] - '0');
	}
	return TRUE;
}

/* The zone at s: "Z", "+HH:MM" or "-HH:MM", then the end; *off in s. */
static gboolean
parse_zone(const char *s, int *off)
{
	int hh, mm;

	if (strcmp(s, "Z") == 0) {
		*off = 0;
		return TRUE;
	}
	if ((s[0] != '+' && s[0] != '-') || !digits(s + 1, 2, &hh) ||
	    s[3] != ':' || !digits(s + 4, 2, &mm) || s[6] != '\0' || hh > 23 ||
	    mm > 59)
		return FALSE;
	*off = (s[0] == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
	return TRUE;
}

gboolean
col_web_parse_time(const char *s, uint64_t *ms, GError **error)
{
	int y, mo, d, h, mi, se, off, frac = 0, n = 0;
	g_autoptr(GDateTime) dt = NULL;
	const char *p;

	if (strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' ||
	    !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d) ||
	    s[10] != 'T' || !digits(s + 11, 2, &h) || s[13] != ':' ||
	    !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se))
		goto bad;
	p = s + 19;
	if (*p == '.') {
		for (p++; g_ascii_isdigit(*p) && n < 9; p++, n++)
			if (n < 3)
				frac = frac * 10 + (*p - '0');
		if (n == 0 || g_ascii_isdigit(*p))
			goto bad;
		for (; n < 3; n++)
			frac *= 10;
	}
	if (!parse_zone(p, &off) || y < 1970 || se > 59 ||
	    (dt = g_date_time_new_utc(y, mo, d, h, mi, se)) == NULL)
		goto bad;
	if (g_date_time_to_unix(dt) - off < 0)
		goto bad;
	*ms = (uint64_t)(g_date_time_to_unix(dt) - off) * 1000 + (uint64_t)frac;
	return TRUE;
bad:
	g_set_error(error, MF_ERROR, MF_ERROR_INVAL,
	    "'%.40s' is not an ISO 8601 time "
	    "(YYYY-MM-DDTHH:MM:SSZ, or with +HH:MM)",
	    s);
	return FALSE;
}

static gboolean
allowed_name(const char *name, const char *const *allowed)
{
	size_t i;

	for (i = 0; allowed[i] != NULL; i++)
		if (strcmp(name, allowed[i]) == 0)
			return TRUE;
	return FALSE;
}

static gboolean
parse_step(const char *v, uint32_t *step, GError **error)
{
	if (strcmp(v, "1") == 0 || strcmp(v, "60") == 0 ||
	    strcmp(v, "3600") == 0 || strcmp(v, "86400") == 0) {
		*step = (uint32_t)atoi(v);
		return TRUE;
	}
	g_set_error(error, MF_ERROR, MF_ERROR_INVAL,
	    "step: '%.20s' is not 1, 60, 3600 or 86400", v);
	return FALSE;
}

gboolean
col_web_parse_range(GHashTable *args, const char *const *allowed,
    struct col_web_range *r, GError **error)
{
	GHashTableIter it;
	gpointer k, v;

	memset(r, 0, sizeof(*r));
	g_hash_table_iter_init(&it, args);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const char *name = k, *val = v != NULL ? v : "";
		GError *e = NULL;

		if (!allowed_name(name, allowed)) {
			g_set_error(error, MF_ERROR, MF_ERROR_INVAL,
			    "unknown parameter '%.40s'", name);
			return FALSE;
		}
		if (strcmp(name, "step") == 0) {
			if (!parse_step(val, &r->step, error))
				return FALSE;
			continue;
		}
		if (!col_web_parse_time(val,
		        strcmp(name, "from") == 0 ? &r->from_ms : &r->to_ms,
		        &e)) {
			g_set_error(error, MF_ERROR, MF_ERROR_INVAL, "%s: %s",
			    name, e->message);
			g_error_free(e);
			return FALSE;
		}
		if (strcmp(name, "from") == 0)
			r->has_from = TRUE;
		else
			r->has_to = TRUE;
	}
	if (r->has_from && r->has_to && r->to_ms < r->from_ms) {
		g_set_error(error, MF_ERROR, MF_ERROR_INVAL,
		    "to is before from");
		return FALSE;
	}
	return TRUE;
}

/* --- bodies ------------------------------------------------------------- */

static GBytes *
wrap(const char *member, const char *json, size_t len)
{
	GString *s = g_string_sized_new(len + 32);

	g_string_append_printf(s, "{\"api\": 1, \"%s\": ", member);
	g_string_append_len(s, json, (gssize)len);
	g_string_append(s, "}\n");
	return g_string_free_to_bytes(s);
}

GBytes *
col_web_api_data(JsonNode *data)
{
	g_autoptr(JsonGenerator) g = json_generator_new();
	g_autofree char *text = NULL;
	gsize len;

	json_generator_set_root(g, data);
	text = json_generator_to_data(g, &len);
	json_node_unref(data);
	return wrap("data", text, len);
}

GBytes *
col_web_api_data_text(const char *text, size_t len)
{
	if (len > 0 && text[len - 1] == '\n')
		len--;
	return wrap("data", text, len);
}

GBytes *
col_web_api_error(const char *msg)
{
	JsonNode *n = json_node_new(JSON_NODE_VALUE);
	g_autoptr(JsonGenerator) g = json_generator_new();
	g_autofree char *valid = g_utf8_make_valid(msg, -1);
	g_autofree char *text = NULL;
	gsize len;

	json_node_set_string(n, valid);
	json_generator_set_root(g, n);
	text = json_generator_to_data(g, &len);
	json_node_unref(n);
	return wrap("error", text, len);
}

static void
answer_error(struct col_web_answer *out, unsigned status, const char *msg)
{
	out->status = status;
	out->body = col_web_api_error(msg);
}

static void
answer_data(struct col_web_answer *out, JsonNode *data)
{
	out->status = 200;
	out->body = col_web_api_data(data);
}

/* A GError from a handler: MF_ERROR_INVAL is the client's (400). */
static void
answer_gerror(struct col_web_answer *out, GError *e)
{
	answer_error(out,
	    g_error_matches(e, MF_ERROR, MF_ERROR_INVAL) ? 400 : 500,
	    e->message);
	g_error_free(e);
}

/* --- latest, exporters ---------------------------------------------------- */

static void
answer_latest(const struct col_web_api *api, struct col_web_answer *out)
{
	GBytes *b = col_web_live_latest(api->live);
	gsize len;
	const char *text;

	if (b == NULL) {
		answer_error(out, 404, "no report yet");
		return;
	}
	text = g_bytes_get_data(b, &len);
	out->status = 200;
	out->body = col_web_api_data_text(text, len);
	g_bytes_unref(b);
}

static void
add_exporter(JsonBuilder *b, const struct col_web_exporter *x)
{
	json_builder_begin_object(b);
	col_json_text(b, "address", x->address);
	col_json_uint(b, "port", x->port);
	col_json_uint(b, "observation_domain", x->domain);
	col_json_text(b, "protocol", x->protocol);
	col_json_uint(b, "records", x->records);
	col_json_uint(b, "lost", x->lost);
	col_json_uint(b, "late_records", x->late);
	col_json_uint(b, "undecodable", x->undecodable);
	if (x->last_seen_ms != 0)
		col_json_time(b, "last_seen", x->last_seen_ms);
	else
		col_json_text(b, "last_seen", NULL);
	json_builder_end_object(b);
}

static void
answer_exporters(const struct col_web_api *api, struct col_web_answer *out)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	struct col_web_snapshot s;
	size_t i;

	col_web_live_snapshot(api->live, &s);
	json_builder_begin_object(b);
	col_json_uint(b, "records", s.engine.records);
	col_json_uint(b, "late_records", s.engine.late_records);
	col_json_uint(b, "absurd_records", s.engine.absurd_records);
	col_json_uint(b, "reports", s.reports);
	json_builder_set_member_name(b, "exporters");
	json_builder_begin_array(b);
	for (i = 0; i < s.n_exporters; i++)
		add_exporter(b, &s.exporters[i]);
	json_builder_end_array(b);
	json_builder_end_object(b);
	col_web_snapshot_clear(&s);
	answer_data(out, json_builder_get_root(b));
}

/* --- reports ----------------------------------------------------------------
 */

/* Report files as the writer names them: DIR/YYYYmmdd/HHMMSS.json. */
static gboolean
report_name_time(const char *day, const char *file, uint64_t *ms)
{
	int y, mo, d, h, mi, s;
	g_autoptr(GDateTime) dt = NULL;

	if (strlen(day) != 8 || strlen(file) != 11 ||
	    strcmp(file + 6, ".json") != 0 || !digits(day, 4, &y) ||
	    !digits(day + 4, 2, &mo) || !digits(day + 6, 2, &d) ||
	    !digits(file, 2, &h) || !digits(file + 2, 2, &mi) ||
	    !digits(file + 4, 2, &s) ||
	    (dt = g_date_time_new_utc(y, mo, d, h, mi, s)) == NULL ||
	    g_date_time_to_unix(dt) < 0)
		return FALSE;
	*ms = (uint64_t)g_date_time_to_unix(dt) * 1000;
	return TRUE;
}

static gint
cmp_names(gconstpointer x, gconstpointer y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Sorted names in dir (at most max; NULL if it cannot be read). */
static GPtrArray *
list_dir(const char *dir, size_t max)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	GPtrArray *a;
	const char *name;

	if (d == NULL)
		return NULL;
	a = g_ptr_array_new_with_free_func(g_free);
	while ((name = g_dir_read_name(d)) != NULL && a->len < max)
		g_ptr_array_add(a, g_strdup(name));
	g_dir_close(d);
	g_ptr_array_sort(a, cmp_names);
	return a;
}

/* The report at path as a node, or NULL if it is not one. */
static JsonNode *
load_report(const char *path)
{
	g_autoptr(JsonParser) p = json_parser_new();
	g_autofree char *text = NULL;
	gsize len;

	if (!g_file_get_contents(path, &text, &len, NULL) ||
	    len > MAX_REPORT_BYTES ||
	    !json_parser_load_from_data(p, text, (gssize)len, NULL) ||
	    json_parser_get_root(p) == NULL)
		return NULL;
	return json_node_copy(json_parser_get_root(p));
}

/*
 * What a reports answer found: first is the start of the first report
 * file in the range, end the end of the last one listed (its interval's
 * end, else a second past its start: names have seconds), next the start
 * of the first one left out when truncated.
 */
struct found {
	uint64_t count, bad, first, end, next;
	gboolean any, truncated;
};

/* The end of the report doc starting at t (see struct found). */
static uint64_t
report_end(JsonNode *doc, uint64_t t)
{
	JsonObject *o =
	    JSON_NODE_HOLDS_OBJECT(doc) ? json_node_get_object(doc) : NULL;
	JsonNode *iv = o ? json_object_get_member(o, "interval") : NULL;
	JsonNode *end = iv && JSON_NODE_HOLDS_OBJECT(iv)
	    ? json_object_get_member(json_node_get_object(iv), "end")
	    : NULL;
	uint64_t ms;

	if (end != NULL && json_node_get_value_type(end) == G_TYPE_STRING &&
	    col_web_parse_time(json_node_get_string(end), &ms, NULL) && ms > t)
		return ms;
	return t + 1000;
}

/* The reports of one day directory within [from, to) into b. */
static void
add_day(JsonBuilder *b, const char *dir, const char *day, uint64_t from,
    uint64_t to, struct found *f)
{
	g_autofree char *path = g_build_filename(dir, day, NULL);
	g_autoptr(GPtrArray) files = list_dir(path, 100000);
	guint i;

	for (i = 0; files != NULL && i < files->len; i++) {
		g_autofree char *file = NULL;
		JsonNode *doc;
		uint64_t t;

		if (!report_name_time(day, files->pdata[i], &t) || t < from ||
		    t >= to)
			continue;
		if (f->count == COL_WEB_MAX_REPORTS) {
			f->truncated = TRUE;
			f->next = t;
			return;
		}
		if (!f->any)
			f->first = t;
		f->any = TRUE;
		file = g_build_filename(path, files->pdata[i], NULL);
		if ((doc = load_report(file)) == NULL) {
			f->end = MAX(f->end, t + 1000);
			f->bad++;
			continue;
		}
		f->end = MAX(f->end, report_end(doc, t));
		json_builder_add_value(b, doc);
		f->count++;
	}
}

static void
answer_reports(const struct col_web_api *api, GHashTable *args, uint64_t now_ms,
    struct col_web_answer *out)
{
	static const char *const allowed[] = { "from", "to", NULL };
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GPtrArray) days = NULL;
	struct found f = { 0, 0, 0, 0, 0, FALSE, FALSE };
	struct col_web_range r;
	GError *e = NULL;
	guint i;

	if (!col_web_parse_range(args, allowed, &r, &e)) {
		answer_gerror(out, e);
		return;
	}
	if (!r.has_to)
		r.to_ms = r.has_from ? G_MAXINT64 : now_ms;
	if (!r.has_from)
		r.from_ms = r.to_ms > 3600000 ? r.to_ms - 3600000 : 0;
	days = list_dir(api->report_dir, 100000);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "reports");
	json_builder_begin_array(b);
	for (i = 0; days != NULL && i < days->len && !f.truncated; i++) {
		const char *day = days->pdata[i];
		uint64_t t;

		/* A day holds reports from its midnight to the next one. */
		if (report_name_time(day, "000000.json", &t) &&
		    t + 86400000 > r.from_ms && t < r.to_ms)
			add_day(b, api->report_dir, day, r.from_ms, r.to_ms,
			    &f);
	}
	json_builder_end_array(b);
	/*
	 * The range used, clamped to the files: [from, to) holds exactly
	 * the reports listed (and the unreadable); empty when none.
	 */
	if (!f.any)
		r.to_ms = r.from_ms;
	else {
		r.from_ms = f.first;
		r.to_ms = f.truncated ? f.next : MIN(r.to_ms, f.end);
	}
	col_json_time(b, "from", r.from_ms);
	col_json_time(b, "to", r.to_ms);
	col_json_uint(b, "count", f.count);
	json_builder_set_member_name(b, "truncated");
	json_builder_add_boolean_value(b, f.truncated);
	col_json_uint(b, "unreadable", f.bad);
	json_builder_end_object(b);
	answer_data(out, json_builder_get_root(b));
}

/* --- series (step 1 live, else history) -------------------------------------
 */

static void
answer_series(const struct col_web_api *api, GHashTable *args,
    struct col_web_answer *out)
{
	static const char *const allowed[] = { "from", "to", "step", NULL };
	struct col_web_range r;
	GError *e = NULL;

	if (!col_web_parse_range(args, allowed, &r, &e)) {
		answer_gerror(out, e);
		return;
	}
	if (r.step == 0 || r.step == 1) {
		answer_data(out,
		    col_web_live_series(api->live, r.from_ms, r.has_from,
		        r.to_ms, r.has_to));
		return;
	}
	col_web_hist_answer(api->hist, "series", NULL, &r, out);
}

/* --- dispatch
 * ----------------------------------------------------------------- */

static gboolean
no_args(GHashTable *args, struct col_web_answer *out)
{
	static const char *const none[] = { NULL };
	struct col_web_range r;
	GError *e = NULL;

	if (col_web_parse_range(args, none, &r, &e))
		return TRUE;
	answer_gerror(out, e);
	return FALSE;
}

/* devices, devices/ID, names, anomalies, dns: history over a range. */
static void
answer_hist(const struct col_web_api *api, const char *what, const char *id,
    GHashTable *args, struct col_web_answer *out)
{
	static const char *const allowed[] = { "from", "to", NULL };
	struct col_web_range r;
	GError *e = NULL;

	if (!col_web_parse_range(args, allowed, &r, &e)) {
		answer_gerror(out, e);
		return;
	}
	col_web_hist_answer(api->hist, what, id, &r, out);
}

void
col_web_api_answer(const struct col_web_api *api, const char *path,
    GHashTable *args, uint64_t now_ms, struct col_web_answer *out)
{
	static const char *const hist[] = { "devices", "names", "anomalies",
		"dns", NULL };

	memset(out, 0, sizeof(*out));
	if (strcmp(path, "latest") == 0) {
		if (no_args(args, out))
			answer_latest(api, out);
	} else if (strcmp(path, "exporters") == 0) {
		if (no_args(args, out))
			answer_exporters(api, out);
	} else if (strcmp(path, "reports") == 0) {
		answer_reports(api, args, now_ms, out);
	} else if (strcmp(path, "series") == 0) {
		answer_series(api, args, out);
	} else if (allowed_name(path, hist)) {
		answer_hist(api, path, NULL, args, out);
	} else if (g_str_has_prefix(path, "devices/") && path[8] != '\0' &&
	    strchr(path + 8, '/') == NULL) {
		answer_hist(api, "device", path + 8, args, out);
	} else {
		answer_error(out, 404, "no such endpoint");
	}
}
