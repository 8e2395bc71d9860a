/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_REPORT_TABLES_H
#define COL_REPORT_TABLES_H

/*
 * report_tables: the consumers of the address, stream and port tables
 * (collector/model/tables.h).
 *
 * "tables" accounts every flow record to the tables, with the class and
 * internal sides the summary noted in the record (it comes after the
 * summary) and the service port of col_tables_service_port(), and notes
 * the ids it touched in the record for the detectors.  When an interval
 * has been reported it zeroes the interval counters and collects entries
 * idle since the end of that interval.  Its sections:
 *
 *   "addresses": [ { "id", "ip", "mac", "label", "internal" }, ... ]
 *   "streams":   [ { "id", "proto", "left", "left_port", "right",
 *                    "right_port", "label", "flags", "packets",
 *                    "bytes" }, ... ]
 *   "top": { "talkers": [ { "address", "bytes", "packets", "flows" } ],
 *            "conversations": [ { "stream", "bytes", "packets" } ],
 *            "applications": [ { "proto", "port", "bytes", "packets",
 *                                "flows" } ],
 *            "devices": [ { "device", "bytes", "packets", "flows" } ] }
 *   (top "devices" only from col_report_tables_devices_consumer())
 *
 * Top lists: talkers by bytes sent + received, conversations (streams)
 * by bytes both ways, applications (ports) by bytes; ties by packets then
 * id (collector/model/topn.h); each at most [reports] top long.  Only the
 * addresses and streams the top lists refer to are listed; an address
 * carries the DNS label a stream of the interval gives it.
 *
 * "tables usage" writes the report's "tables" member (it comes last but
 * one in the report, after the detectors):
 *
 *   "tables": { "addresses"|"streams"|"ports": { "used", "capacity",
 *               "evicted", "collected", "untracked" } }
 */
#include "collector/analytics/geo.h"
#include "collector/model/consumer.h"
#include "collector/model/devices.h"
#include "collector/model/tables.h"

/* The consumer "tables" on t (borrowed; NULL writes empty lists). */
struct col_consumer col_report_tables_consumer(struct col_tables *t);

/*
 * The same whose "top" also lists the top devices of rt->devices
 * ("devices": collector/output/report_devices.h), and with rt->geo the
 * geography of the addresses and the top countries
 * (collector/output/report_geo.h), as the collector registers it.  rt
 * is the caller's storage; all borrowed, devices and geo may be NULL.
 */
struct col_report_tables {
	struct col_tables *tables;
	const struct col_devices *devices;
	const struct col_geo *geo;
};
struct col_consumer col_report_tables_devices_consumer(
    struct col_report_tables *rt);

/* The consumer "tables usage" on t (borrowed; NULL: all zero). */
struct col_consumer col_report_tables_usage_consumer(struct col_tables *t);

#endif
