/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "rep-view"

#include <glib.h>
#include <json-glib/json-glib.h>

#include "report/anomtext.h"
#include "report/devtext.h"
#include "report/dnstext.h"
#include "report/flowtext.h"
#include "report/jget.h"
#include "report/table.h"
#include "report/toptext.h"
#include "report/view.h"

#define REQ REP_JGET_REQUIRED

static gboolean
render_header(JsonObject *root, GString *out, GError **error)
{
	JsonObject *iv, *col;
	const char *start, *end;
	guint64 rec, late, absurd;

	if (!rep_jget_object(root, "interval", REQ, &iv, error) ||
	    !rep_jget_string(iv, "start", REQ, &start, error) ||
	    !rep_jget_string(iv, "end", REQ, &end, error) ||
	    !rep_jget_object(root, "collector", REQ, &col, error) ||
	    !rep_jget_uint(col, "records", REQ, &rec, error) ||
	    !rep_jget_uint(col, "late_records", REQ, &late, error) ||
	    !rep_jget_uint(col, "absurd_records", REQ, &absurd, error))
		return FALSE;
	g_string_append(out, "minflow report ");
	rep_text_append(out, start, REP_TEXT_MAX);
	g_string_append(out, " .. ");
	rep_text_append(out, end, REP_TEXT_MAX);
	g_string_append_printf(out,
	    "\nrecords %" G_GUINT64_FORMAT ", late %" G_GUINT64_FORMAT
	    ", absurd times %" G_GUINT64_FORMAT "\n",
	    rec, late, absurd);
	return TRUE;
}

/*
 * The exporter's own statistics, by the names of minflow-report(1), but
 * one: "evicted_full" carries flowTableFlushEventCount, which
 * minflow-exporter counts per flow evicted from its full cache and YAF per
 * flush of its flow table (issue 18); the text calls it what the element
 * says, "flush_events".
 */
static gboolean
render_health(JsonObject *e, GString *out, GError **error)
{
	static const struct {
		const char *key, *text;
	} keys[] = { { "packets_seen", "packets_seen" },
		{ "kernel_drops", "kernel_drops" }, { "ignored", "ignored" },
		{ "flows_created", "flows_created" },
		{ "records_exported", "records_exported" },
		{ "not_sent", "not_sent" }, { "peak_flows", "peak_flows" },
		{ "evicted_full", "flush_events" },
		{ "expired_frags", "expired_frags" } };
	JsonObject *h = NULL;
	guint64 x;
	size_t i;

	if (!rep_jget_object(e, "health", REP_JGET_NULLABLE, &h, error))
		return FALSE;
	if (h == NULL)
		return TRUE;
	g_string_append(out, "    health:");
	for (i = 0; i < G_N_ELEMENTS(keys); i++) {
		if (!rep_jget_uint(h, keys[i].key, REQ, &x, error))
			return FALSE;
		g_string_append_printf(out, "%s %s %" G_GUINT64_FORMAT,
		    i == 0 ? "" : ",", keys[i].text, x);
	}
	g_string_append_c(out, '\n');
	return TRUE;
}

static const struct rep_col exporter_cols[] = {
	{ "address", 40, REP_LEFT, "" },
	{ "port", 5, REP_RIGHT, NULL },
	{ "domain", 10, REP_RIGHT, NULL },
	{ "protocol", 11, REP_LEFT, NULL },
	{ "records", 12, REP_RIGHT, NULL },
	{ "lost", 8, REP_RIGHT, NULL },
	{ "late", 8, REP_RIGHT, NULL },
	{ "ahead", 8, REP_RIGHT, NULL },
	{ "undecodable", 11, REP_RIGHT, NULL },
};
static const struct rep_table exporter_table = { "  ", exporter_cols,
	G_N_ELEMENTS(exporter_cols) };

/*
 * The exporter's counts from "records" on.  "ahead_records" came later
 * than the others (issue 11): a report from before it shows "-".
 */
static gboolean
add_exporter_totals(JsonObject *e, struct rep_row *r, GError **error)
{
	static const struct {
		const char *key;
		unsigned flags;
	} totals[] = { { "records", REQ }, { "lost", REQ },
		{ "late_records", REQ }, { "ahead_records", REP_JGET_OPTIONAL },
		{ "undecodable", REQ } };
	guint64 x;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(totals); i++) {
		if (!rep_jget_uint(e, totals[i].key, totals[i].flags, &x,
		        error))
			return FALSE;
		if (json_object_has_member(e, totals[i].key))
			rep_row_add_uint(r, x);
		else
			rep_row_add(r, "-");
	}
	return TRUE;
}

static gboolean
render_exporter(JsonObject *e, GString *out, GError **error)
{
	static const char *const counts[] = { "port", "observation_domain" };
	struct rep_row r = { { NULL }, 0 };
	const char *s;
	guint64 x;
	size_t i;

	if (!rep_jget_string(e, "address", REQ, &s, error))
		return FALSE;
	rep_row_add(&r, s);
	for (i = 0; i < G_N_ELEMENTS(counts); i++) {
		if (!rep_jget_uint(e, counts[i], REQ, &x, error))
			goto fail;
		rep_row_add_uint(&r, x);
	}
	if (!rep_jget_string(e, "protocol", REQ, &s, error))
		goto fail;
	rep_row_add(&r, s);
	if (!add_exporter_totals(e, &r, error))
		goto fail;
	rep_table_row(out, &exporter_table, &r);
	return render_health(e, out, error);
fail:
	rep_row_clear(&r);
	return FALSE;
}

static gboolean
render_exporters(JsonObject *root, GString *out, GError **error)
{
	JsonArray *a;
	JsonObject *e;
	guint i;

	if (!rep_jget_array(root, "exporters", REQ, &a, error))
		return FALSE;
	g_string_append(out, "\nExporters\n");
	rep_table_head(out, &exporter_table);
	for (i = 0; i < json_array_get_length(a); i++)
		if (!rep_jget_elem_object(a, i, "exporters", &e, error) ||
		    !render_exporter(e, out, error))
			return FALSE;
	if (json_array_get_length(a) == 0)
		g_string_append(out, "  (none)\n");
	return TRUE;
}

static const struct rep_col summary_cols[] = {
	{ "class", 10, REP_LEFT, "" }, { "flows", 12, REP_RIGHT, NULL },
	{ "packets", 14, REP_RIGHT, NULL }, { "bytes", 18, REP_RIGHT, NULL },
	{ NULL, 0, REP_LEFT, "  " }, /* bytes in kB, MB... */
};
static const struct rep_table summary_table = { "  ", summary_cols,
	G_N_ELEMENTS(summary_cols) };

/* Each member of "summary" is a class, in the report's order. */
static gboolean
render_summary(JsonObject *root, GString *out, GError **error)
{
	struct rep_row r = { { NULL }, 0 };
	guint64 flows, packets, bytes;
	JsonObjectIter it;
	JsonObject *s, *c;
	const char *name;
	JsonNode *n;
	char *human;

	if (!rep_jget_object(root, "summary", REQ, &s, error))
		return FALSE;
	g_string_append(out, "\nSummary\n");
	rep_table_head(out, &summary_table);
	json_object_iter_init_ordered(&it, s);
	while (json_object_iter_next_ordered(&it, &name, &n)) {
		if (!rep_jget_object(s, name, REQ, &c, error) ||
		    !rep_jget_uint(c, "flows", REQ, &flows, error) ||
		    !rep_jget_uint(c, "packets", REQ, &packets, error) ||
		    !rep_jget_uint(c, "bytes", REQ, &bytes, error))
			return FALSE;
		human = g_format_size(bytes);
		rep_row_add(&r, name);
		rep_row_add_uint(&r, flows);
		rep_row_add_uint(&r, packets);
		rep_row_add_uint(&r, bytes);
		rep_row_addf(&r, "(%s)", human);
		rep_table_row(out, &summary_table, &r);
		g_free(human);
	}
	return TRUE;
}

static const struct rep_col tables_cols[] = {
	{ "table", 10, REP_LEFT, "" },
	{ "used", 10, REP_RIGHT, NULL },
	{ "capacity", 10, REP_RIGHT, NULL },
	{ "evicted", 12, REP_RIGHT, NULL },
	{ "collected", 12, REP_RIGHT, NULL },
	{ "untracked", 12, REP_RIGHT, NULL },
};
static const struct rep_table tables_table = { "  ", tables_cols,
	G_N_ELEMENTS(tables_cols) };

static gboolean
render_tables(JsonObject *root, GString *out, GError **error)
{
	static const char *const names[] = { "addresses", "streams", "ports" };
	static const char *const keys[] = { "used", "capacity", "evicted",
		"collected", "untracked" };
	struct rep_row r = { { NULL }, 0 };
	JsonObject *t, *o;
	guint64 x;
	size_t i, k;

	if (!rep_jget_object(root, "tables", REQ, &t, error))
		return FALSE;
	g_string_append(out, "\nTables\n");
	rep_table_head(out, &tables_table);
	for (i = 0; i < G_N_ELEMENTS(names); i++) {
		if (!rep_jget_object(t, names[i], REQ, &o, error))
			return FALSE;
		rep_row_add(&r, names[i]);
		for (k = 0; k < G_N_ELEMENTS(keys); k++) {
			if (!rep_jget_uint(o, keys[k], REQ, &x, error)) {
				rep_row_clear(&r);
				return FALSE;
			}
			rep_row_add_uint(&r, x);
		}
		rep_table_row(out, &tables_table, &r);
	}
	return TRUE;
}

gboolean
rep_view_render(JsonObject *root, GString *out, GError **error)
{
	return render_header(root, out, error) &&
	    render_exporters(root, out, error) &&
	    render_summary(root, out, error) &&
	    rep_toptext_render(root, out, error) &&
	    rep_dnstext_render(root, out, error) &&
	    rep_flowtext_render(root, out, error) &&
	    rep_anomtext_render(root, out, error) &&
	    rep_devtext_render(root, out, error) &&
	    render_tables(root, out, error);
}
