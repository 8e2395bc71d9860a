/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_SETTINGS_H
#define COL_SETTINGS_H

/*
 * settings: minflow.conf for the collector.  One table (col_config_keys)
 * gives every key its section, default, bounds and help; the loader,
 * --check-config, the installed sample file and minflow.conf(5) follow
 * it (a test checks the man page against the table).  The collector also
 * runs with no file at all, on the defaults.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/ingest/listen.h"
#include "collector/analytics/anomaly.h"
#include "collector/output/alerts.h"
#include "collector/output/forward.h"
#include "collector/output/history.h"
#include "collector/output/web.h"
#include "collector/model/classify.h"
#include "common/addr.h"
#include "common/conf.h"

/*
 * The configuration, one struct per section, as the table loads it
 * (mf_conf types: uint64_t numbers, gboolean flags, NULL-terminated
 * string lists).  A module takes its own section: a section one module
 * owns is defined in that module's header ([forward], [anomaly]); the
 * others are here, and the wiring (main.c, collector/wiring.c) hands
 * their values to the modules.  Bounds are the table's alone.
 */

/* [listen] */
struct col_conf_listen {
	char **ipfix_udp, **ipfix_tcp, **netflow_v9, **netflow_v5;
	uint64_t tcp_idle, tcp_per_address;
	uint64_t udp_rcvbuf, udp_queue; /* bytes */
	/* Derived by col_config_load(): per enum col_listen_kind. */
	struct col_endpoint *endpoints[4];
	size_t n[4];
};

/* [networks] */
struct col_conf_networks {
	char **internal, **allow_exporters, **web_ports;
	/* Derived by col_config_load(). */
	struct mf_prefix *allow;
	size_t n_allow;
	struct col_classifier *classifier;
};

/* [reports] */
struct col_conf_reports {
	char *dir;
	uint64_t interval; /* COL_ENGINE_INTERVAL_MIN..MAX */
	uint64_t top, retention_days, grace;
};

/* [tables] */
struct col_conf_tables {
	uint64_t addresses, streams, ports; /* COL_TABLES_*_ENTRIES */
	uint64_t idle;                      /* seconds */
};

/* [exporters] */
struct col_conf_exporters {
	uint64_t max, max_per_address, max_templates;
	char *templates_file;
};

/* [focus] */
struct col_conf_focus {
	char *target;
	/* Derived by col_config_load(). */
	gboolean has_target;
	struct mf_prefix prefix;
};

/* [archive] */
struct col_conf_archive {
	char *dir;
	char *compat; /* "" or "super_mediator" */
	uint64_t rotate, max_file_size, retention, max_total_size;
};

/* [devices] */
struct col_conf_devices {
	uint64_t max_devices, idle;
	char *oui;
};

/* [blocklists] (collector/wiring.c hands it to
 * collector/analytics/blockhits.h) */
struct col_conf_blocklists {
	char **ip, **domain;
	uint64_t max_ip, max_domains, max_hits;
};

/* [geo] (collector/analytics/geo.h) */
struct col_conf_geo {
	char **database;
};

struct col_config {
	struct col_conf_listen listen;
	struct col_conf_networks networks;
	struct col_conf_reports reports;
	struct col_conf_tables tables;
	struct col_conf_exporters exporters;
	struct col_forward_config forward; /* collector/output/forward.h */
	struct col_conf_focus focus;
	/* [anomaly], [anomaly.NAME] (collector/analytics/anomaly_keys.h) */
	struct col_anomaly_config anomaly;
	struct col_conf_archive archive;
	struct col_conf_devices devices;
	struct col_conf_blocklists blocklists;
	struct col_conf_alerts alerts; /* collector/output/alerts.h */
	struct col_conf_geo geo;
	struct col_conf_history history; /* collector/output/history.h */
	struct col_web_config web;       /* [web] (collector/output/web.h) */
};

extern const struct mf_conf_key col_config_keys[];
extern const size_t col_config_n_keys;

/*
 * Load path (NULL: defaults only) into cfg and check every value; errors
 * name the file, line, key and bad value.
 */
gboolean col_config_load(const char *path, struct col_config *cfg,
    GError **error);

/*
 * A reload from a to b: log which changed keys take effect only on a
 * restart (listeners, interval and grace, tables, exporters, forward,
 * archive), rather than pretend they apply.
 */
void col_config_note_restart(const struct col_config *a,
    const struct col_config *b);

/*
 * Do a and b listen on different endpoints (any kind, address or port),
 * or hold TCP connections to different limits?
 */
gboolean col_config_listen_changed(const struct col_config *a,
    const struct col_config *b);

/*
 * Put the report directory at dir (-o; NULL: [reports] dir stays), then
 * make it absolute (a daemon changes directory before its first report)
 * and the templates file with it, unless that one is absolute already.
 * FALSE (error naming path, the file cfg came from, and the line) if the
 * directory is empty.
 */
gboolean col_config_set_dir(struct col_config *cfg, const char *dir,
    const char *path, GError **error);

/* Free what col_config_load() allocated (cfg is zeroed). */
void col_config_clear(struct col_config *cfg);

#endif
