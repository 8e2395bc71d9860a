/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_REPORT_DEVICES_H
#define COL_REPORT_DEVICES_H

/*
 * report_devices: the consumer of the device table
 * (collector/model/devices.h) and the writer of the report's "devices"
 * list (minflow-report(1)).  It accounts every flow record to the
 * devices of its internal sides, with the internal sides the summary
 * noted, and notes the two devices in the record (struct col_record
 * device) for the consumers after it; it takes every device record.
 * Registered after the detectors, so that each device lists the types
 * of the active anomalies naming it (by MAC, else by address).  Its
 * section, every device active in the interval, largest first by bytes
 * both ways, ties by id:
 *
 *   "devices": [ { "id", "mac", "name", "name_source", "vendor",
 *                  "random_mac", "addresses", "first_seen", "last_seen",
 *                  "bytes_out", "bytes_in", "packets_out", "packets_in",
 *                  "flows", "names": [ { "name", "bytes" } ],
 *                  "anomalies": [ TYPE, ... ] } ]
 *
 * and "device_table": { "used", "capacity", "evicted", "collected",
 * "merged", "records", "bad_records", "addresses_dropped",
 * "names_dropped" }.  The top list by device ("top" "devices") is
 * written inside "top" by the tables consumer:
 * col_report_devices_top().
 */
#include <json-glib/json-glib.h>

#include "collector/output/jsonw.h"

#include "collector/analytics/anomaly.h"
#include "collector/model/consumer.h"
#include "collector/model/devices.h"

/* The caller's storage; devices not NULL, anomaly may be NULL. */
struct col_report_devices {
	struct col_devices *devices;
	const struct col_anomaly *anomaly;
};

/* The consumer "devices" on rd. */
struct col_consumer col_report_devices_consumer(struct col_report_devices *rd);

/*
 * Add the member "devices" (of the open "top" object b): the top
 * devices by bytes both ways, at most top, each {"device": id, "bytes",
 * "packets", "flows"}.  d may be NULL (an empty list).
 */
void col_report_devices_top(struct col_jsonw *w, const struct col_devices *d,
    uint32_t top);

#endif
