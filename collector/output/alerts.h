/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_ALERTS_H
#define COL_ALERTS_H

/*
 * alerts: the consumer "alerts" ([alerts]).  It takes each finished
 * report (the report hook), asks the rules (collector/output/
 * alert_rules.h) which alerts it yields, and hands each to every sink
 * configured (collector/output/alert_sinks.h), which send them from their
 * own threads: the ingest path only queues.
 */
#include <stdint.h>

#include <glib.h>

#include "collector/analytics/geo.h"
#include "collector/model/consumer.h"

/* [alerts] as the configuration table loads it (collector/settings.c). */
struct col_conf_alerts {
	char *state_file, *file, *idea_file, *syslog, *webhook, *webhook_format,
	    *command;
	uint64_t window, rate, queue, file_max_size, file_keep, command_timeout,
	    webhook_retries, silent_intervals, quota;
	char **quota_device;
	gboolean new_devices;
};

struct col_alerts;

/*
 * The rules and sinks of cfg, the remote addresses placed with geo
 * (borrowed, NULL: none); live: the alert windows count on the wall
 * clock, else on report time; NULL (error set) on a bad sink or quota.
 * With no sink configured it does nothing, and writes no state: the
 * first report after a sink is turned on announces the devices it
 * lists.
 */
struct col_alerts *col_alerts_new(const struct col_conf_alerts *cfg,
    const struct col_geo *geo, gboolean live, GError **error);

/* Stop the sinks (after what they hold was tried), log their counters
 * and free. */
void col_alerts_free(struct col_alerts *a);

struct col_consumer col_alerts_consumer(struct col_alerts *a);

#endif
