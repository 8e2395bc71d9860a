/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_REPORT_DNS_H
#define COL_REPORT_DNS_H

/*
 * report_dns: the consumer of the DNS statistics
 * (collector/analytics/dnsstats.h says what is counted) and the writer of
 * the report's "dns" member.  It takes every DNS record, and the label of
 * every flow record labelled from DNS (labelSource dns or
 * dns-other-client, used when an interval has no DNS records); each
 * interval's open starts the statistics again.  The section:
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

#include "collector/output/jsonw.h"

#include "collector/analytics/dnsstats.h"
#include "collector/model/consumer.h"

/* Add member "dns" to the object b is building. */
void col_report_dns_build(struct col_jsonw *w, const struct col_dnsstats *s,
    size_t top);

/* The consumer "dns" on s (borrowed). */
struct col_consumer col_report_dns_consumer(struct col_dnsstats *s);

#endif
