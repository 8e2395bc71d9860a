/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-report"

#include <stdint.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/report_text_anomaly.h"
#include "common/error.h"

/* The fields of one line, as text; NULL where the report says null. */
struct line {
	const char *type, *ip, *mac, *side, *role, *last;
	gint64 score, flows, targets;
};

static gboolean
bad(GError **error, const char *key)
{
	g_set_error(error, MF_ERROR, MF_ERROR_IO,
	    "malformed report: anomalies: \"%s\" is missing or of the wrong "
	    "type",
	    key);
	return FALSE;
}

/* Member key of o holding a value of type t (or null, if nullable). */
static gboolean
value(JsonObject *o, const char *key, GType t, gboolean nullable, JsonNode **n,
    GError **error)
{
	*n = json_object_get_member(o, key);
	if (*n != NULL && nullable && JSON_NODE_HOLDS_NULL(*n)) {
		*n = NULL;
		return TRUE;
	}
	if (*n == NULL || !JSON_NODE_HOLDS_VALUE(*n) ||
	    json_node_get_value_type(*n) != t)
		return bad(error, key);
	return TRUE;
}

static gboolean
text(JsonObject *o, const char *key, gboolean nullable, const char **s,
    GError **error)
{
	JsonNode *n;

	if (!value(o, key, G_TYPE_STRING, nullable, &n, error))
		return FALSE;
	*s = n != NULL ? json_node_get_string(n) : NULL;
	return TRUE;
}

static gboolean
count(JsonObject *o, const char *key, gint64 *v, GError **error)
{
	JsonNode *n;

	if (!value(o, key, G_TYPE_INT64, FALSE, &n, error))
		return FALSE;
	*v = json_node_get_int(n);
	return *v >= 0 || bad(error, key);
}

/* s printable (control characters as '?'), padded to width columns. */
static void
cell(GString *out, const char *s, int width)
{
	char *v = g_utf8_make_valid(s != NULL ? s : "-", -1), *p;
	gsize before = out->len;

	for (p = v; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (g_unichar_iscntrl(c))
			g_string_append_c(out, '?');
		else
			g_string_append_unichar(out, c);
	}
	g_free(v);
	while (out->len - before < (gsize)width)
		g_string_append_c(out, ' ');
	g_string_append_c(out, ' ');
}

static gboolean
read_line(JsonObject *o, struct line *l, GError **error)
{
	return text(o, "type", FALSE, &l->type, error) &&
	    text(o, "ip", FALSE, &l->ip, error) &&
	    text(o, "mac", TRUE, &l->mac, error) &&
	    text(o, "side", FALSE, &l->side, error) &&
	    text(o, "role", FALSE, &l->role, error) &&
	    text(o, "last", FALSE, &l->last, error) &&
	    count(o, "score", &l->score, error) &&
	    count(o, "flows", &l->flows, error) &&
	    count(o, "target_count", &l->targets, error);
}

gboolean
col_report_text_anomalies(JsonObject *root, GString *out, GError **error)
{
	JsonNode *n = json_object_get_member(root, "anomalies");
	JsonArray *a;
	struct line l;
	guint i;

	if (n == NULL || !JSON_NODE_HOLDS_ARRAY(n))
		return bad(error, "anomalies");
	a = json_node_get_array(n);
	g_string_append_printf(out,
	    "\nAnomalies\n  %-20s %-39s %-17s %-8s %-6s %5s %8s %7s  %s\n",
	    "type", "address", "MAC", "side", "role", "score", "flows",
	    "targets", "last");
	for (i = 0; i < json_array_get_length(a); i++) {
		n = json_array_get_element(a, i);
		if (!JSON_NODE_HOLDS_OBJECT(n))
			return bad(error, "anomalies");
		if (!read_line(json_node_get_object(n), &l, error))
			return FALSE;
		g_string_append(out, "  ");
		cell(out, l.type, 20);
		cell(out, l.ip, 39);
		cell(out, l.mac, 17);
		cell(out, l.side, 8);
		cell(out, l.role, 6);
		g_string_append_printf(out,
		    "%5" G_GINT64_FORMAT " %8" G_GINT64_FORMAT
		    " %7" G_GINT64_FORMAT "  ",
		    l.score, l.flows, l.targets);
		cell(out, l.last, 0);
		g_string_truncate(out, out->len - 1);
		g_string_append_c(out, '\n');
	}
	if (json_array_get_length(a) == 0)
		g_string_append(out, "  (none)\n");
	return TRUE;
}
