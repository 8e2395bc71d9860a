/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_REPORT_FLOWS_H
#define COL_REPORT_FLOWS_H

/*
 * report_flows: the report's "flows" member (collector/analytics/flowstats.h
 * says what is counted), written by col_report_build():
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

#include "collector/model/engine.h"

/* Add member "flows" to the object b is building; iv->flowstats may be
 * NULL (all zero). */
void col_report_flows_build(JsonBuilder *b, const struct col_interval *iv);

#endif
