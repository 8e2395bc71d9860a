/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-report"

#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/flowtext.h"
#include "common/error.h"

/* A value of a distribution: a count, or null (no samples). */
struct num {
	gint64 v;
	gboolean null;
};

static gboolean
bad(GError **error, const char *key, const char *what)
{
	g_set_error(error, MF_ERROR, MF_ERROR_IO, "malformed report: \"%s\" %s",
	    key, what);
	return FALSE;
}

/* Member key of o as a count (>= 0); null too if nullable. */
static gboolean
num_of(JsonObject *o, const char *key, gboolean nullable, struct num *n,
    GError **error)
{
	JsonNode *m = json_object_get_member(o, key);

	n->v = 0;
	n->null = m != NULL && JSON_NODE_HOLDS_NULL(m);
	if (n->null && nullable)
		return TRUE;
	if (m != NULL && JSON_NODE_HOLDS_VALUE(m) &&
	    json_node_get_value_type(m) == G_TYPE_INT64 &&
	    (n->v = json_node_get_int(m)) >= 0)
		return TRUE;
	return bad(error, key, "is missing or not a count");
}

/* Member key of o as an object; NULL (error set) if it is not one. */
static JsonObject *
obj_of(JsonObject *o, const char *key, GError **error)
{
	JsonNode *m = json_object_get_member(o, key);

	if (m != NULL && JSON_NODE_HOLDS_OBJECT(m))
		return json_node_get_object(m);
	bad(error, key, "is missing or not an object");
	return NULL;
}

static void
put_num(GString *s, const struct num *n)
{
	if (n->null)
		g_string_append_printf(s, " %12s", "-");
	else
		g_string_append_printf(s, " %12" G_GINT64_FORMAT, n->v);
}

/* One line of the quantile table: title, count, p50, p90, p99. */
static gboolean
dist_line(JsonObject *d, const char *title, GString *s, GError **error)
{
	static const char *const keys[] = { "count", "p50", "p90", "p99" };
	struct num n;
	size_t i;

	g_string_append_printf(s, "  %-14s", title);
	for (i = 0; i < G_N_ELEMENTS(keys); i++) {
		if (!num_of(d, keys[i], i > 0, &n, error))
			return FALSE;
		put_num(s, &n);
	}
	g_string_append_c(s, '\n');
	return TRUE;
}

/* The CDF of d up to the first step that holds every sample. */
static gboolean
cdf_lines(JsonObject *d, const char *title, GString *s, GError **error)
{
	JsonNode *m = json_object_get_member(d, "cdf");
	struct num total, le, c;
	JsonArray *a;
	JsonNode *e;
	guint i;

	if (m == NULL || !JSON_NODE_HOLDS_ARRAY(m))
		return bad(error, "cdf", "is missing or not an array");
	if (!num_of(d, "count", FALSE, &total, error))
		return FALSE;
	a = json_node_get_array(m);
	g_string_append_printf(s, "  %-14s %12s %7s\n", title, "count",
	    "share");
	for (i = 0; i < json_array_get_length(a); i++) {
		e = json_array_get_element(a, i);
		if (!JSON_NODE_HOLDS_OBJECT(e))
			return bad(error, "cdf", "holds a non-object");
		if (!num_of(json_node_get_object(e), "le", FALSE, &le, error) ||
		    !num_of(json_node_get_object(e), "count", FALSE, &c, error))
			return FALSE;
		g_string_append_printf(s,
		    "  %14" G_GINT64_FORMAT " %12" G_GINT64_FORMAT " %6.1f%%\n",
		    le.v, c.v,
		    total.v > 0 ? 100.0 * (double)c.v / (double)total.v : 0.0);
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
	if ((dur = obj_of(o, "duration_ms", error)) == NULL ||
	    (bytes = obj_of(o, "bytes", error)) == NULL)
		return FALSE;
	g_string_append_printf(s, "  %-14s %12s %12s %12s %12s\n",
	    "distribution", "count", "p50", "p90", "p99");
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
	g_string_append_printf(s, "  finished %" G_GINT64_FORMAT, fin.v);
	if (!unk.null && !badt.null)
		g_string_append_printf(s,
		    " (end reason unknown %" G_GINT64_FORMAT
		    ", end before start %" G_GINT64_FORMAT ")",
		    unk.v, badt.v);
	g_string_append_printf(s,
	    ", ongoing %" G_GINT64_FORMAT ", half-open %" G_GINT64_FORMAT "\n",
	    ong.v, half.v);
	return TRUE;
}

static gboolean
focus(JsonObject *flows, GString *s, GError **error)
{
	JsonObject *f;
	JsonNode *t;
	char *v;

	if (!json_object_has_member(flows, "focus"))
		return TRUE;
	if ((f = obj_of(flows, "focus", error)) == NULL)
		return FALSE;
	t = json_object_get_member(f, "target");
	if (t == NULL || !JSON_NODE_HOLDS_VALUE(t) ||
	    json_node_get_value_type(t) != G_TYPE_STRING)
		return bad(error, "target", "is missing or not a string");
	/* An address or prefix: printable ASCII only, anything else '?'. */
	v = g_strdup(json_node_get_string(t));
	g_strcanon(v, "0123456789abcdefABCDEF.:/", '?');
	g_string_append_printf(s, "\nFlows of %s\n", v);
	g_free(v);
	return counts(f, s, error) && dists(f, s, error);
}

gboolean
col_flowtext_render(JsonObject *root, GString *out, GError **error)
{
	GString *s = g_string_new("\nFlows\n");
	JsonObject *flows;
	gboolean ok;

	ok = (flows = obj_of(root, "flows", error)) != NULL &&
	    counts(flows, s, error) && dists(flows, s, error) &&
	    focus(flows, s, error);
	if (ok)
		g_string_append_len(out, s->str, (gssize)s->len);
	g_string_free(s, TRUE);
	return ok;
}
