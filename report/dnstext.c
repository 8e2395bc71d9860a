/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "rep-dns"

#include <glib.h>
#include <json-glib/json-glib.h>

#include "report/dnstext.h"
#include "report/jget.h"
#include "report/table.h"

#define REQ REP_JGET_REQUIRED
#define MAX_KEYS 4

/* Member key of o as text: a string, an integer, or "-". */
static char *
text_of(JsonObject *o, const char *key)
{
	const char *s;
	gint64 v;

	if (rep_jget_string(o, key, REQ, &s, NULL))
		return g_strdup(s);
	if (rep_jget_int(o, key, REQ, &v, NULL))
		return g_strdup_printf("%" G_GINT64_FORMAT, v);
	return g_strdup("-");
}

/*
 * The list key of dns as a numbered table with columns keys[] (the last
 * right-aligned: a count); nothing if the list is empty.
 */
static gboolean
table(JsonObject *dns, const char *key, const char *title,
    const char *const *keys, size_t n_keys, GString *out, GError **error)
{
	struct rep_col cols[1 + MAX_KEYS] = { { "#", 6, REP_RIGHT, "" } };
	struct rep_table t = { "", cols, 1 + n_keys };
	struct rep_row r = { { NULL }, 0 };
	JsonArray *a;
	JsonObject *e;
	guint i, n;
	size_t k;

	g_assert(n_keys >= 1 && n_keys <= MAX_KEYS);
	if (!rep_jget_array(dns, key, REQ, &a, error))
		return FALSE;
	if ((n = json_array_get_length(a)) == 0)
		return TRUE;
	for (k = 0; k < n_keys; k++) {
		cols[1 + k].head = keys[k];
		cols[1 + k].width = k + 1 < n_keys ? 40 : 10;
		cols[1 + k].align = k + 1 < n_keys ? REP_LEFT : REP_RIGHT;
		cols[1 + k].sep = "  ";
	}
	g_string_append_printf(out, "\n%s\n", title);
	rep_table_head(out, &t);
	for (i = 0; i < n; i++) {
		if (!rep_jget_elem_object(a, i, key, &e, error))
			return FALSE;
		rep_row_addf(&r, "%u", i + 1);
		for (k = 0; k < n_keys; k++)
			rep_row_take(&r, text_of(e, keys[k]));
		rep_table_row(out, &t, &r);
	}
	return TRUE;
}

gboolean
rep_dnstext_render(JsonObject *root, GString *out, GError **error)
{
	static const char *const names[] = { "name", "count" };
	static const char *const fails[] = { "name", "rcode", "count" };
	static const char *const clients[] = { "address", "queries" };
	static const char *const last[] = { "time", "client", "name",
		"address" };
	JsonObject *dns = NULL;
	char *src;

	if (!rep_jget_object(root, "dns", REP_JGET_OPTIONAL, &dns, error))
		return FALSE;
	if (dns == NULL)
		return TRUE; /* a report from before DNS statistics */
	src = text_of(dns, "source");
	g_string_append(out, "\nDNS (from ");
	rep_text_append(out, src, REP_TEXT_MAX);
	g_string_append(out, ")\n");
	g_free(src);
	return table(dns, "most_resolved", "Most resolved", names, 2, out,
	           error) &&
	    table(dns, "failures", "DNS failures", fails, 3, out, error) &&
	    table(dns, "clients", "DNS clients", clients, 2, out, error) &&
	    table(dns, "last_resolved", "Last resolved", last, 4, out, error);
}
