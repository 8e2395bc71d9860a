/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef REP_ANOMTEXT_H
#define REP_ANOMTEXT_H

/*
 * anomtext: minflow-report's "Anomalies" table, from the "anomalies"
 * array of a report (format 1, minflow-report(1)): one line per entry
 * with type, ip, MAC, side, role, score, flows, target count and last
 * seen.  The report is untrusted: every member is type-checked.
 */
#include <glib.h>
#include <json-glib/json-glib.h>

/* Append the table to out; FALSE (error set) if the array is malformed. */
gboolean rep_anomtext_render(JsonObject *root, GString *out, GError **error);

#endif
