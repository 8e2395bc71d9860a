/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "rep-flows"

#include <glib.h>
#include <json-glib/json-glib.h>

#include "report/flowtext.h"
#include "report/jget.h"
#include "report/table.h"

#define REQ REP_JGET_REQUIRED

/* A value of a distribution: a count, or null (no samples). */
struct num {
	guint64 v;
	gboolean null;
};

/* Member key of o as a count; null too if nullable. */
static gboolean
num_of(JsonObject *o, const char *key, gboolean nullable, struct num *n,
    GError **error)
{
	n->v = 0;
	n->null = nullable && rep_jget_is_null(o, key);
	return n->null || rep_jget_uint(o, key, REQ, &n->v, error);
}

static void
row_num(struct rep_row *r, const struct num *n)
{
	if (n->null)
		rep_row_add(r, "-");
	else
		rep_row_add_uint(r, n->v);
}

static const struct rep_col dist_cols[] = {
	{ "distribution", 14, REP_LEFT, "" },
	{ "count", 12, REP_RIGHT, NULL },
	{ "p50", 12, REP_RIGHT, NULL },
	{ "p90", 12, REP_RIGHT, NULL },
	{ "p99", 12, REP_RIGHT, NULL },
};
static const struct rep_table dist_table = { "  ", dist_cols,
	G_N_ELEMENTS(dist_cols) };

/* One line of the quantile table: title, count, p50, p90, p99. */
static gboolean
dist_line(JsonObject *d, const char *title, GString *s, GError **error)
{
	static const char *const keys[] = { "count", "p50", "p90", "p99" };
	struct rep_row r = { { NULL }, 0 };
	struct num n;
	size_t i;

	rep_row_add(&r, title);
	for (i = 0; i < G_N_ELEMENTS(keys); i++) {
		if (!num_of(d, keys[i], i > 0, &n, error)) {
			rep_row_clear(&r);
			return FALSE;
		}
		row_num(&r, &n);
	}
	rep_table_row(s, &dist_table, &r);
	return TRUE;
}

/* The CDF of d up to the first step that holds every sample. */
static gboolean
cdf_lines(JsonObject *d, const char *title, GString *s, GError **error)
{
	struct rep_col cols[] = { { title, 14, REP_LEFT, "" },
		{ "count", 12, REP_RIGHT, NULL },
		{ "share", 7, REP_RIGHT, NULL } };
	struct rep_table t = { "  ", cols, G_N_ELEMENTS(cols) };
	struct rep_row r = { { NULL }, 0 };
	struct num total, le, c;
	JsonArray *a;
	JsonObject *e;
	guint i;

	if (!rep_jget_array(d, "cdf", REQ, &a, error) ||
	    !num_of(d, "count", FALSE, &total, error))
		return FALSE;
	rep_table_head(s, &t);
	cols[0].align = REP_RIGHT; /* the bounds, under the title */
	for (i = 0; i < json_array_get_length(a); i++) {
		if (!rep_jget_elem_object(a, i, "cdf", &e, error) ||
		    !num_of(e, "le", FALSE, &le, error) ||
		    !num_of(e, "count", FALSE, &c, error))
			return FALSE;
		rep_row_add_uint(&r, le.v);
		rep_row_add_uint(&r, c.v);
		rep_row_addf(&r, "%.1f%%",
		    total.v > 0 ? 100.0 * (double)c.v / (double)total.v : 0.0);
		rep_table_row(s, &t, &r);
		if (c.v >= total.v)
			break;
	}
	return TRUE;
}

/* The quantiles and CDFs of view o, if it has them. */
static gboolean
dists(JsonObject *o, GString *s, GError **error)
{
	JsonObject *dur, *bytes;

	if (!json_object_has_member(o, "duration_ms") ||
	    !json_object_has_member(o, "bytes"))
		return TRUE;
	if (!rep_jget_object(o, "duration_ms", REQ, &dur, error) ||
	    !rep_jget_object(o, "bytes", REQ, &bytes, error))
		return FALSE;
	rep_table_head(s, &dist_table);
	return dist_line(dur, "duration ms", s, error) &&
	    dist_line(bytes, "bytes", s, error) &&
	    cdf_lines(dur, "duration ms <=", s, error) &&
	    cdf_lines(bytes, "bytes <=", s, error);
}

/* The counts of view o: finished, ongoing, half-open. */
static gboolean
counts(JsonObject *o, GString *s, GError **error)
{
	struct num fin, ong, half, unk = { 0, TRUE }, badt = { 0, TRUE };

	if (!num_of(o, "finished", FALSE, &fin, error) ||
	    !num_of(o, "ongoing", FALSE, &ong, error) ||
	    !num_of(o, "half_open", FALSE, &half, error) ||
	    (json_object_has_member(o, "end_unknown") &&
	        !num_of(o, "end_unknown", FALSE, &unk, error)) ||
	    (json_object_has_member(o, "bad_times") &&
	        !num_of(o, "bad_times", FALSE, &badt, error)))
		return FALSE;
	g_string_append_printf(s, "  finished %" G_GUINT64_FORMAT, fin.v);
	if (!unk.null && !badt.null)
		g_string_append_printf(s,
		    " (end reason unknown %" G_GUINT64_FORMAT
		    ", end before start %" G_GUINT64_FORMAT ")",
		    unk.v, badt.v);
	g_string_append_printf(s,
	    ", ongoing %" G_GUINT64_FORMAT ", half-open %" G_GUINT64_FORMAT
	    "\n",
	    ong.v, half.v);
	return TRUE;
}

static gboolean
focus(JsonObject *flows, GString *s, GError **error)
{
	JsonObject *f = NULL;
	const char *t;
	char *v;

	if (!rep_jget_object(flows, "focus", REP_JGET_OPTIONAL, &f, error))
		return FALSE;
	if (f == NULL)
		return TRUE;
	if (!rep_jget_string(f, "target", REQ, &t, error))
		return FALSE;
	/* An address or prefix: printable ASCII only, anything else '?'. */
	v = g_strdup(t);
	g_strcanon(v, "0123456789abcdefABCDEF.:/", '?');
	g_string_append_printf(s, "\nFlows of %s\n", v);
	g_free(v);
	return counts(f, s, error) && dists(f, s, error);
}

gboolean
rep_flowtext_render(JsonObject *root, GString *out, GError **error)
{
	GString *s = g_string_new("\nFlows\n");
	JsonObject *flows;
	gboolean ok;

	ok = rep_jget_object(root, "flows", REQ, &flows, error) &&
	    counts(flows, s, error) && dists(flows, s, error) &&
	    focus(flows, s, error);
	if (ok)
		g_string_append_len(out, s->str, (gssize)s->len);
	g_string_free(s, TRUE);
	return ok;
}
