/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_REPORT_FLOWS_H
#define COL_REPORT_FLOWS_H

/*
 * report_flows: the consumer of the flow statistics
 * (collector/analytics/flowstats.h says what is counted) and the writer
 * of the report's "flows" member.  It takes every flow record; each
 * interval's open starts the statistics again.  The section:
 *
 *   "flows": { "finished", "ongoing", "half_open", "end_unknown",
 *              "bad_times",
 *              "duration_ms": DIST, "bytes": DIST,
 *              "focus": { "target", ...the same keys... } }
 *   DIST:    { "count", "p50", "p90", "p99",
 *              "cdf": [ { "le", "count" }, ... ] }
 *
 * "focus" is there only when [focus] target is set; "target" is its
 * prefix as ADDRESS/LENGTH.  Quantiles are null when count is 0.  Each
 * CDF entry gives the number of samples <= "le" (cumulative counts, not
 * fractions: divide by DIST's count), one entry per fixed bound.
 */
#include <json-glib/json-glib.h>

#include "collector/output/jsonw.h"

#include "collector/analytics/flowstats.h"
#include "collector/model/consumer.h"
#include "collector/model/tables.h"

/*
 * Add member "flows" to the object b is building: fs (NULL: all zero),
 * half-open counted over the streams of tables (NULL: 0).
 */
void col_report_flows_build(struct col_jsonw *w, const struct col_flowstats *fs,
    const struct col_tables *tables);

/* The caller's storage; both borrowed. */
struct col_report_flows {
	struct col_flowstats *flowstats;
	const struct col_tables *tables; /* for half-open */
};

/* The consumer "flows" on rf. */
struct col_consumer col_report_flows_consumer(struct col_report_flows *rf);

#endif
