/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "rep-anomaly"

#include <glib.h>
#include <json-glib/json-glib.h>

#include "report/anomtext.h"
#include "report/jget.h"
#include "report/table.h"

#define REQ REP_JGET_REQUIRED

static const struct rep_col anomaly_cols[] = {
	{ "type", 20, REP_LEFT, "" },
	{ "address", 39, REP_LEFT, NULL },
	{ "MAC", 17, REP_LEFT, NULL },
	{ "side", 8, REP_LEFT, NULL },
	{ "role", 6, REP_LEFT, NULL },
	{ "state", 6, REP_LEFT, NULL },
	{ "score", 5, REP_RIGHT, NULL },
	{ "flows", 8, REP_RIGHT, NULL },
	{ "targets", 7, REP_RIGHT, NULL },
	{ "last", 0, REP_LEFT, "  " },
};
static const struct rep_table anomaly_table = { "  ", anomaly_cols,
	G_N_ELEMENTS(anomaly_cols) };

/* The cells of entry o, in the order of anomaly_cols, into r. */
static gboolean
entry(JsonObject *o, struct rep_row *r, GError **error)
{
	static const char *const texts[] = { "type", "ip", "mac", "side",
		"role", "state" };
	static const char *const counts[] = { "score", "flows",
		"target_count" };
	const char *s, *last;
	guint64 v;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(texts); i++) {
		/* "mac" may be null, "state" missing (older reports): "-" */
		s = NULL;
		if (!rep_jget_string(o, texts[i],
		        i == 2       ? REP_JGET_NULLABLE
		            : i == 5 ? REP_JGET_OPTIONAL
		                     : REQ,
		        &s, error))
			return FALSE;
		rep_row_add(r, s);
	}
	if (!rep_jget_string(o, "last", REQ, &last, error))
		return FALSE;
	for (i = 0; i < G_N_ELEMENTS(counts); i++) {
		if (!rep_jget_uint(o, counts[i], REQ, &v, error))
			return FALSE;
		rep_row_add_uint(r, v);
	}
	rep_row_add(r, last);
	return TRUE;
}

gboolean
rep_anomtext_render(JsonObject *root, GString *out, GError **error)
{
	struct rep_row r = { { NULL }, 0 };
	JsonArray *a;
	JsonObject *o;
	guint i;

	if (!rep_jget_array(root, "anomalies", REQ, &a, error))
		return FALSE;
	g_string_append(out, "\nAnomalies\n");
	rep_table_head(out, &anomaly_table);
	for (i = 0; i < json_array_get_length(a); i++) {
		if (!rep_jget_elem_object(a, i, "anomalies", &o, error) ||
		    !entry(o, &r, error)) {
			rep_row_clear(&r);
			return FALSE;
		}
		rep_table_row(out, &anomaly_table, &r);
	}
	if (json_array_get_length(a) == 0)
		g_string_append(out, "  (none)\n");
	return TRUE;
}
