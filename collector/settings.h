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
#include "collector/output/forward.h"
#include "collector/model/classify.h"
#include "common/addr.h"
#include "common/conf.h"

struct col_config {
	/* [listen] */
	char **ipfix_udp, **ipfix_tcp, **netflow_v9, **netflow_v5;
	/* [networks] */
	char **internal, **allow_exporters, **web_ports;
	/* [reports] */
	char *dir;
	uint64_t interval, top, retention_days, grace;
	/* [tables] */
	uint64_t addresses, streams, ports, idle;
	/* [exporters] */
	uint64_t max_exporters, max_templates;
	char *templates_file;
	/* [forward] (collector/output/forward.h) */
	struct col_forward_config forward;
	/* [focus] */
	char *focus_target;
	/* [anomaly], [anomaly.NAME] (collector/analytics/anomaly_keys.h) */
	struct col_anomaly_config anomaly;
	/* [archive] */
	char *archive_dir;
	uint64_t archive_rotate, archive_max_file_size, archive_retention;
	uint64_t archive_max_total_size;

	/* Derived by col_config_load() from the strings above. */
	struct col_endpoint *listen[4]; /* per enum col_listen_kind */
	size_t n_listen[4];
	struct mf_prefix *allow;
	size_t n_allow;
	struct col_classifier *classifier;
	gboolean has_focus; /* [focus] target is set: */
	struct mf_prefix focus;
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
 * Put the report directory at dir (-o; NULL: [reports] dir stays), then
 * make it absolute (a daemon changes directory before its first report)
 * and the templates file with it, unless that one is absolute already.
 */
void col_config_set_dir(struct col_config *cfg, const char *dir);

/* Free what col_config_load() allocated (cfg is zeroed). */
void col_config_clear(struct col_config *cfg);

#endif
