/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef REP_FLOWTEXT_H
#define REP_FLOWTEXT_H

/*
 * flowtext: the "Flows" section of minflow-report: the report's "flows"
 * object (minflow-report(1)) as text.  The report is untrusted:
 * every member used is checked for its type first, and a mismatch is an
 * error ("malformed report: ...") with nothing appended.  "finished",
 * "ongoing" and "half_open" must be there (format 1 always had them);
 * the other members are shown when present.
 *
 *   Flows
 *     finished 120 (end reason unknown 0, end before start 0), ongoing 4,
 *     half-open 7
 *     distribution       count      p50      p90      p99
 *     duration ms          120       12      340     5012
 *     bytes                120      400    12000   900000
 *     duration ms <=     flows   share       (cumulative, up to 100%)
 *     ...
 *
 * then the same for "focus" as "Flows of TARGET".
 */
#include <glib.h>
#include <json-glib/json-glib.h>

/* Append the section for report root to out; FALSE (error set) if the
 * "flows" object is missing or malformed. */
gboolean rep_flowtext_render(JsonObject *root, GString *out, GError **error);

#endif
