/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "rep-devices"

#include <glib.h>
#include <json-glib/json-glib.h>

#include "report/devtext.h"
#include "report/jget.h"
#include "report/table.h"

#define REQ REP_JGET_REQUIRED
#define NUL REP_JGET_NULLABLE

static const struct rep_col device_cols[] = {
	{ "device", 17, REP_LEFT, "" },
	{ "name", 20, REP_LEFT, NULL },
	{ "vendor", 20, REP_LEFT, NULL },
	{ "bytes out", 12, REP_RIGHT, NULL },
	{ "bytes in", 12, REP_RIGHT, NULL },
	{ "flows", 8, REP_RIGHT, NULL },
	{ "top name", 30, REP_LEFT, "  " },
	{ "addresses", 0, REP_LEFT, NULL },
};
static const struct rep_table device_table = { "  ", device_cols,
	G_N_ELEMENTS(device_cols) };

/* s made printable and cut to the width of column col ("-" for NULL). */
static char *
cut(const char *s, size_t col)
{
	GString *g = g_string_new(NULL);

	rep_text_append(g, s, (size_t)device_cols[col].width);
	return g_string_free(g, FALSE);
}

/* The first remote name, or NULL. */
static gboolean
top_name(JsonObject *o, const char **name, GError **error)
{
	JsonArray *a;
	JsonObject *n;

	*name = NULL;
	if (!rep_jget_array(o, "names", REQ, &a, error))
		return FALSE;
	if (json_array_get_length(a) == 0)
		return TRUE;
	return rep_jget_elem_object(a, 0, "names", &n, error) &&
	    rep_jget_string(n, "name", REQ, name, error);
}

/* The addresses joined by spaces (g_free() it), or NULL on error. */
static char *
addresses(JsonObject *o, GError **error)
{
	GString *s = g_string_new(NULL);
	JsonArray *a;
	JsonNode *n;
	guint i;

	if (!rep_jget_array(o, "addresses", REQ, &a, error))
		goto fail;
	for (i = 0; i < json_array_get_length(a); i++) {
		n = json_array_get_element(a, i);
		if (!JSON_NODE_HOLDS_VALUE(n) ||
		    json_node_get_value_type(n) != G_TYPE_STRING) {
			rep_jget_malformed(error, "addresses",
			    "holds a non-string");
			goto fail;
		}
		g_string_append_printf(s, "%s%s", i > 0 ? " " : "",
		    json_node_get_string(n));
	}
	return g_string_free(s, FALSE);
fail:
	g_string_free(s, TRUE);
	return NULL;
}

/* The cells of device o, in the order of device_cols, into r. */
static gboolean
entry(JsonObject *o, struct rep_row *r, GError **error)
{
	static const char *const counts[] = { "bytes_out", "bytes_in",
		"flows" };
	const char *id, *name = NULL, *vendor = NULL, *top;
	char *addrs;
	guint64 v;
	size_t i;

	if (!rep_jget_string(o, "id", REQ, &id, error) ||
	    !rep_jget_string(o, "name", NUL, &name, error) ||
	    !rep_jget_string(o, "vendor", NUL, &vendor, error))
		return FALSE;
	rep_row_add(r, id);
	rep_row_take(r, cut(name, 1));
	rep_row_take(r, cut(vendor, 2));
	for (i = 0; i < G_N_ELEMENTS(counts); i++) {
		if (!rep_jget_uint(o, counts[i], REQ, &v, error))
			return FALSE;
		rep_row_add_uint(r, v);
	}
	if (!top_name(o, &top, error) || (addrs = addresses(o, error)) == NULL)
		return FALSE;
	rep_row_take(r, cut(top, 6));
	rep_row_take(r, addrs);
	return TRUE;
}

gboolean
rep_devtext_render(JsonObject *root, GString *out, GError **error)
{
	struct rep_row r = { { NULL }, 0 };
	JsonArray *a = NULL;
	JsonObject *o;
	guint i;

	if (!rep_jget_array(root, "devices", REP_JGET_OPTIONAL, &a, error))
		return FALSE;
	if (a == NULL)
		return TRUE;
	g_string_append(out, "\nDevices\n");
	rep_table_head(out, &device_table);
	for (i = 0; i < json_array_get_length(a); i++) {
		if (!rep_jget_elem_object(a, i, "devices", &o, error) ||
		    !entry(o, &r, error)) {
			rep_row_clear(&r);
			return FALSE;
		}
		rep_table_row(out, &device_table, &r);
	}
	if (json_array_get_length(a) == 0)
		g_string_append(out, "  (none)\n");
	return TRUE;
}
