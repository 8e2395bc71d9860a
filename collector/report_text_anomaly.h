/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_REPORT_TEXT_ANOMALY_H
#define COL_REPORT_TEXT_ANOMALY_H

/*
 * report_text_anomaly: minflow-report's "Anomalies" table, from the
 * "anomalies" array of a report (format 1, minflow-report(1)): one line
 * per entry with type, ip, MAC, side, role, score, flows, target count
 * and last seen.  The report is untrusted: every member is type-checked
 * and strings are made printable.
 */
#include <glib.h>
#include <json-glib/json-glib.h>

/* Append the table to out; FALSE (error set) if the array is malformed. */
gboolean col_report_text_anomalies(JsonObject *root, GString *out,
    GError **error);

#endif
