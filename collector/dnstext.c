/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-report"

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/dnstext.h"
#include "common/error.h"

static gboolean
bad(GError **error, const char *key)
{
	g_set_error(error, MF_ERROR, MF_ERROR_IO,
	    "malformed report: \"dns.%s\" is not as minflow-report(1) says",
	    key);
	return FALSE;
}

/* Member key of o as text: a string, a count, or "-". */
static char *
text_of(JsonObject *o, const char *key)
{
	JsonNode *m = json_object_get_member(o, key);

	if (m == NULL || !JSON_NODE_HOLDS_VALUE(m))
		return g_strdup("-");
	if (json_node_get_value_type(m) == G_TYPE_STRING)
		return g_strdup(json_node_get_string(m));
	if (json_node_get_value_type(m) == G_TYPE_INT64)
		return g_strdup_printf("%" G_GINT64_FORMAT,
		    json_node_get_int(m));
	return g_strdup("-");
}

/*
 * The list key of dns as a numbered table with columns keys[] (the last
 * right-aligned: a count); nothing if the list is empty.
 */
static gboolean
table(JsonObject *dns, const char *key, const char *title,
    const char *const *keys, size_t n_keys, GString *s, GError **error)
{
	JsonNode *m = json_object_get_member(dns, key);
	JsonArray *a;
	guint i, n;
	size_t k;

	if (m == NULL || !JSON_NODE_HOLDS_ARRAY(m))
		return bad(error, key);
	a = json_node_get_array(m);
	if ((n = json_array_get_length(a)) == 0)
		return TRUE;
	g_string_append_printf(s, "\n%s\n     #", title);
	for (k = 0; k < n_keys; k++)
		g_string_append_printf(s, k + 1 < n_keys ? "  %-40s" : "  %10s",
		    keys[k]);
	g_string_append_c(s, '\n');
	for (i = 0; i < n; i++) {
		JsonNode *e = json_array_get_element(a, i);

		if (!JSON_NODE_HOLDS_OBJECT(e))
			return bad(error, key);
		g_string_append_printf(s, "%6u", i + 1);
		for (k = 0; k < n_keys; k++) {
			char *v = text_of(json_node_get_object(e), keys[k]);

			g_string_append_printf(s,
			    k + 1 < n_keys ? "  %-40s" : "  %10s", v);
			g_free(v);
		}
		g_string_append_c(s, '\n');
	}
	return TRUE;
}

gboolean
col_dnstext_render(JsonObject *root, GString *out, GError **error)
{
	static const char *const names[] = { "name", "count" };
	static const char *const fails[] = { "name", "rcode", "count" };
	static const char *const clients[] = { "address", "queries" };
	static const char *const last[] = { "time", "client", "name",
		"address" };
	JsonNode *m = json_object_get_member(root, "dns");
	JsonObject *dns;
	char *src;

	if (m == NULL)
		return TRUE; /* a report from before DNS statistics */
	if (!JSON_NODE_HOLDS_OBJECT(m))
		return bad(error, "");
	dns = json_node_get_object(m);
	src = text_of(dns, "source");
	g_string_append_printf(out, "\nDNS (from %s)\n", src);
	g_free(src);
	return table(dns, "most_resolved", "Most resolved", names, 2, out,
	           error) &&
	    table(dns, "failures", "DNS failures", fails, 3, out, error) &&
	    table(dns, "clients", "DNS clients", clients, 2, out, error) &&
	    table(dns, "last_resolved", "Last resolved", last, 4, out, error);
}
