/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_REPORT_DNS_H
#define COL_REPORT_DNS_H

/*
 * report_dns: the report's "dns" member (collector/analytics/dnsstats.h
 * says what is counted), written by col_report_build():
 *
 *   "dns": { "source": "records" | "labels" | "none",
 *            "most_resolved": [ { "name", "count" } ],
 *            "last_resolved": [ { "name", "address", "client", "time" } ],
 *            "failures": [ { "name", "rcode" (number or "timeout"),
 *                            "count" } ],
 *            "clients": [ { "address", "queries" } ],
 *            "records", "answers", "unanswered", "names_dropped",
 *            "clients_dropped" }
 *
 * Each list at most top long, largest first, ties by name; "time" is
 * ISO 8601 UTC.  Without statistics (s NULL): "source" "none" and the
 * four lists empty, no counters.
 */
#include <stddef.h>

#include <json-glib/json-glib.h>

#include "collector/analytics/dnsstats.h"

/* Add member "dns" to the object b is building. */
void col_report_dns_build(JsonBuilder *b, const struct col_dnsstats *s,
    size_t top);

#endif
