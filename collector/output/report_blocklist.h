/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_REPORT_BLOCKLIST_H
#define COL_REPORT_BLOCKLIST_H

/*
 * report_blocklist: the consumer of the blocklists
 * (collector/analytics/blockhits.h) and the writer of the report's
 * "blocklist" object (minflow-report(1)), present only when [blocklists]
 * names a file: "hits" (list, line, entry, kind "ip" or "domain", match,
 * device (the device's id, its internal address as text, or null), via "flow",
 * "dns_query", "dns_answer" or "label", flows, bytes, first, last),
 * "entries" {"ip", "domain"}, "bad_lines" and "dropped_hits".  It takes
 * every flow (after the summary, which notes the internal sides, and the
 * devices, which note the devices) and DNS record; at close it reloads changed
 * list files; hits are per interval.
 */
#include <json-glib/json-glib.h>

#include "collector/output/jsonw.h"

#include "collector/analytics/blockhits.h"
#include "collector/model/consumer.h"

/* Add the member "blocklist" of h to the open object w (nothing if h has
 * no files). */
void col_report_blocklist(struct col_jsonw *w, const struct col_blockhits *h);

/* The caller's storage: hits not NULL, devices (for DNS clients) may be;
 * both borrowed. */
struct col_report_blocklist {
	struct col_blockhits *hits;
	const struct col_devices *devices;
};

/* The consumer "blocklist" on rb. */
struct col_consumer col_report_blocklist_consumer(
    struct col_report_blocklist *rb);

#endif
