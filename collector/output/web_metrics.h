/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_WEB_METRICS_H
#define COL_WEB_METRICS_H

/*
 * web_metrics: /metrics in the Prometheus text format (version 0.0.4):
 * the collector's counters, per exporter, the tables' use from the latest
 * report, and the web server's own (connections, requests, rate-limited
 * requests, stream clients and drops).  minflow-web(7) lists the names.
 */
#include <stdint.h>

#include <glib.h>

#include "collector/output/web_limits.h"
#include "collector/output/web_live.h"
#include "collector/output/web_stream.h"

/* The web server's counters beside the limits' and the stream's. */
struct col_web_counters {
	uint64_t auth_failures;
	uint64_t not_found;
	uint64_t bad_method;
};

void col_web_metrics_format(const struct col_web_snapshot *s,
    const struct col_web_limits_stats *ls, const struct col_web_hub_stats *hs,
    const struct col_web_counters *wc, GString *out);

#endif
