/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef REP_VIEW_H
#define REP_VIEW_H

/*
 * view: a report of minflow-collector (format 1, minflow-report(1)) as
 * text, section after section: the header, exporters, summary, top lists
 * (toptext.h), DNS (dnstext.h), flows (flowtext.h), anomalies
 * (anomtext.h) and tables.  The report is untrusted: every member used is
 * checked for its type first, and a mismatch is an error naming the key
 * ("malformed report: ...").
 */
#include <glib.h>
#include <json-glib/json-glib.h>

/* Append the text of report root to out; FALSE (error set) if the report
 * is malformed, out then holding part of the text. */
gboolean rep_view_render(JsonObject *root, GString *out, GError **error);

#endif
