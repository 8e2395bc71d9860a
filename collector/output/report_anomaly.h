/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_REPORT_ANOMALY_H
#define COL_REPORT_ANOMALY_H

/*
 * report_anomaly: the report's "anomalies" list and "anomaly_state"
 * counters (minflow-report(1)), from the detectors' active list after the
 * interval closed (collector/analytics/anomaly.h).  Each entry: type, address
 * (the id in the tables, or null if the address is no longer there), ip, mac
 * (or null), side ("internal" or "external"), role ("source" or
 * "target"), targets (up to 10 addresses as text), target_count, first,
 * last (ISO 8601 UTC, flow time), score, detections, flows and evidence
 * (an object of the numbers that triggered).
 */
#include <json-glib/json-glib.h>

#include "collector/model/engine.h"

/* Add the members "anomalies" and "anomaly_state" to the open object b. */
void col_report_anomalies(JsonBuilder *b, const struct col_interval *iv);

#endif
