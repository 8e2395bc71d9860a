/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_ALERT_RULES_H
#define COL_ALERT_RULES_H

/*
 * alert_rules: which alerts a finished report (the document of
 * minflow-report(1)) yields, and the state that keeps them to one each.
 *
 * Events: an anomaly starting ("state" "new"; a report without states:
 * an (type, ip) not listed in the report before), a device seen for the
 * first time (the "devices" section), a blocklist hit ("blocklist"
 * hits), an exporter silent (no records for silent_intervals reports)
 * or losing records ("lost" > 0), a device over its daily byte quota
 * (bytes_out + bytes_in of the "devices" section summed per UTC day).
 *
 * One alert per (type, device, target) per window seconds (of the wall
 * clock live, of report time offline: col_alert_rules_judge()).  The state
 * (known devices, open anomalies, what was alerted and when, quota and silence
 * counters) is a small JSON file written atomically after every report and read
 * at start, so that a restart announces nothing again
 * (collector/output/alert_state.h).
 *
 * An alert is a JSON object: id (a UUID), time, type ("anomaly",
 * "new_device", "blocklist", "exporter_silent", "exporter_loss",
 * "quota"), what (the anomaly type, the list, the exporter), device
 * ({id, name, mac, addresses} or null), remote ({address, name,
 * country} or null), text (the alert in plain words) and evidence (the
 * numbers).
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/analytics/geo.h"

struct col_alert_rules_config {
	const char *state_file; /* "" or NULL: nothing kept */
	uint64_t window_s;
	gboolean new_devices;
	uint64_t silent_intervals; /* 0: off */
	uint64_t quota;            /* bytes a day, 0: off */
	char **quota_device;       /* "MAC_OR_ADDRESS=BYTES" */
	const struct col_geo *geo; /* country and AS of remotes; NULL: none */
};

struct col_alert_rules;

/*
 * Rules on cfg (copied), the state read from its file if there is one;
 * NULL (error set) on a bad quota-device item.  A state file that cannot
 * be read or parsed is logged and started afresh.
 */
struct col_alert_rules *
col_alert_rules_new(const struct col_alert_rules_config *cfg, GError **error);
void col_alert_rules_free(struct col_alert_rules *r);

/*
 * The alerts of report doc, appended to out (JsonNode objects, owned by
 * out: create it with g_ptr_array_new_with_free_func(json_node_unref)),
 * the state updated and saved.  clock_ms is the time the windows count
 * in: the wall clock live (flow time may jump, as when an old capture
 * is replayed), 0 for the report's end (offline: the same file, the same
 * alerts).  Returns how many were added.
 */
size_t col_alert_rules_judge(struct col_alert_rules *r, JsonNode *doc,
    uint64_t clock_ms, GPtrArray *out);

/* Entries the state could not keep (over COL_ALERT_STATE_MAX). */
uint64_t col_alert_rules_state_dropped(const struct col_alert_rules *r);

#endif
