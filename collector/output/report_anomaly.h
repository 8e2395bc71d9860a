/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_REPORT_ANOMALY_H
#define COL_REPORT_ANOMALY_H

/*
 * report_anomaly: the consumer of the detectors
 * (collector/analytics/anomaly.h) and the writer of the report's
 * "anomalies" list and "anomaly_state" counters (minflow-report(1)).  It
 * hands every flow record to the detectors, with the internal sides the
 * summary noted and the table ids the tables noted (it comes after
 * both), and every DNS record's query; when an interval closes the
 * detectors judge it against the tables, and the section lists the
 * active entries after that.  Each entry: type, address (the
 * id in the tables, or null if the address is no longer there), ip, mac
 * (or null), side ("internal" or "external"), role ("source" or
 * "target"), targets (up to 10 addresses as text), target_count, first,
 * last (ISO 8601 UTC, flow time), score, detections, flows and evidence
 * (an object of the numbers that triggered).
 */
#include <json-glib/json-glib.h>

#include "collector/output/jsonw.h"

#include "collector/analytics/anomaly.h"
#include "collector/model/classify.h"
#include "collector/model/consumer.h"
#include "collector/model/tables.h"

/*
 * Add the members "anomalies" and "anomaly_state" of a (NULL: none) to
 * the open object w; addresses are named by their ids in tables, and
 * each entry by its device in devices (NULL: none named).
 */
void col_report_anomalies(struct col_jsonw *w, const struct col_anomaly *a,
    const struct col_tables *tables, const struct col_devices *devices);

/*
 * Member "evidence" of entry e into the open object w: its name key (if
 * any) and its numbers, one member per name (a name given twice holds
 * the last value, in the first one's place, as a JsonObject would).
 */
void col_report_anomaly_evidence(struct col_jsonw *w,
    const struct col_anomaly_entry *e);

/* The caller's storage; both borrowed, anomaly not NULL. */
struct col_devices; /* collector/model/devices.h */

struct col_report_anomaly {
	struct col_anomaly *anomaly;
	const struct col_tables *tables;
	const struct col_classifier *classifier; /* for DNS clients */
	const struct col_devices *devices; /* names each entry's device; or
	                                    * NULL */
};

/* The consumer "anomalies" on ra. */
struct col_consumer col_report_anomaly_consumer(struct col_report_anomaly *ra);

#endif
