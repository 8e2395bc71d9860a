/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-settings"

#include <stddef.h>
#include <string.h>

#include <glib.h>

#include "collector/settings.h"
#include "collector/output/forward.h"
#include "collector/analytics/anomaly_keys.h"
#include "collector/model/persec.h"
#include "collector/model/tables.h"
#include "common/addr.h"
#include "common/conf.h"
#include "common/error.h"

#define K(g, k, t, f, d, lo, hi, h)                                   \
	{                                                             \
		g, k, t, offsetof(struct col_config, f), d, lo, hi, h \
	}
#define LIST(g, k, f, d, h) K(g, k, MF_CONF_LIST, f, d, 0, 0, h)
#define UINT(g, k, f, d, lo, hi, h) K(g, k, MF_CONF_UINT, f, d, lo, hi, h)

const struct mf_conf_key col_config_keys[] = {
	LIST("listen", "ipfix-udp", ipfix_udp, "[::]:4739",
	    "IPFIX over UDP: ';'-separated HOST:PORT, [::] is dual-stack"),
	LIST("listen", "ipfix-tcp", ipfix_tcp, "[::]:4739", "IPFIX over TCP"),
	LIST("listen", "netflow-v9", netflow_v9, "[::]:2055",
	    "NetFlow v9 over UDP"),
	LIST("listen", "netflow-v5", netflow_v5, "[::]:9995",
	    "NetFlow v5 over UDP"),
	LIST("networks", "internal", internal,
	    "192.168.0.0/16;10.0.0.0/8;172.16.0.0/12;fd00::/8",
	    "prefixes of the internal networks"),
	LIST("networks", "allow-exporters", allow_exporters, "",
	    "prefixes of the exporters accepted (empty: any)"),
	LIST("networks", "web-ports", web_ports, "80;443;8080",
	    "TCP ports that make in/out flows inweb/outweb"),
	K("reports", "dir", MF_CONF_STRING, dir, "/var/lib/minflow/reports", 0,
	    0, "report directory"),
	UINT("reports", "interval", interval, "60", 10, 3600,
	    "seconds of flow time per report"),
	UINT("reports", "top", top, "20", 1, 1000, "entries in each top list"),
	UINT("reports", "retention-days", retention_days, "30", 0, 36500,
	    "days of reports kept (0: all)"),
	UINT("reports", "grace", grace, "65", 0, 3600,
	    "seconds an interval waits for late records (the exporter's "
	    "active timeout + 5)"),
	UINT("tables", "addresses", addresses, "65536", COL_TABLES_MIN_ENTRIES,
	    COL_TABLES_MAX_ENTRIES, "addresses tracked at once"),
	UINT("tables", "streams", streams, "262144", COL_TABLES_MIN_ENTRIES,
	    COL_TABLES_MAX_ENTRIES, "streams tracked at once"),
	UINT("tables", "ports", ports, "4096", COL_TABLES_MIN_ENTRIES,
	    COL_TABLES_MAX_ENTRIES, "service ports tracked at once"),
	UINT("tables", "idle", idle, "600", 10, 86400,
	    "seconds after which an unused table entry is collected"),
	UINT("exporters", "max", max_exporters, "64", 1, 4096,
	    "exporters (address, port, domain) tracked at once"),
	UINT("exporters", "max-templates", max_templates, "64", 1, 4096,
	    "templates kept per exporter"),
	K("exporters", "templates-file", MF_CONF_STRING, templates_file,
	    "templates.state", 0, 0,
	    "file keeping live templates across restarts, relative to "
	    "[reports] dir (empty: none)"),
	LIST("forward", "to", forward.to, "",
	    "send every datagram received on to these ';'-separated "
	    "HOST:PORT (empty: off)"),
	K("forward", "source", MF_CONF_STRING, forward.source, "collector", 0,
	    0,
	    "collector (its own address) or original (the exporter's "
	    "address and port; needs CAP_NET_RAW)"),
	K("forward", "records", MF_CONF_STRING, forward.records, "raw", 0, 0,
	    "raw (every datagram as received) or normalised (the decoded "
	    "records as the collector's own IPFIX)"),
	K("forward", "domains", MF_CONF_STRING, forward.domains, "keep", 0, 0,
	    "keep, or per-exporter (each exporter its own observation domain "
	    "/ source id)"),
	UINT("forward", "max-domains", forward.max_domains, "256", 1,
	    COL_FORWARD_MAX_DOMAINS,
	    "exporters given their own domain at once (per-exporter)"),
	K("focus", "target", MF_CONF_STRING, focus_target, "", 0, 0,
	    "address or prefix whose flows the report also shows apart "
	    "(empty: none)"),
	COL_ANOMALY_KEYS,
	K("archive", "dir", MF_CONF_STRING, archive_dir, "", 0, 0,
	    "IPFIX archive directory (empty: no archive)"),
	UINT("archive", "rotate", archive_rotate, "300", 1, 86400,
	    "seconds after which an archive file is closed"),
	UINT("archive", "max-file-size", archive_max_file_size, "1073741824", 0,
	    UINT64_C(1) << 50, "bytes an archive file may take (0: no limit)"),
	UINT("archive", "retention", archive_retention, "30", 0, 36500,
	    "days archive files are kept (0: no limit)"),
	UINT("archive", "max-total-size", archive_max_total_size, "10737418240",
	    0, UINT64_C(1) << 50,
	    "bytes all archive files may take, oldest removed first "
	    "(0: no limit)"),
};
const size_t col_config_n_keys = G_N_ELEMENTS(col_config_keys);

static gboolean
parse_endpoints(char **list, const char *key, struct col_endpoint **out,
    size_t *n, GError **error)
{
	size_t i, len = list ? g_strv_length(list) : 0;

	if (len > COL_MAX_LISTENERS) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[listen] %s: at most %u endpoints", key,
		    COL_MAX_LISTENERS);
		return FALSE;
	}
	*out = g_new0(struct col_endpoint, len + 1);
	*n = len;
	for (i = 0; i < len; i++) {
		GError *e = NULL;

		if (!mf_hostport_parse(list[i], 0, &(*out)[i].host,
		        &(*out)[i].port, &e) ||
		    (*out)[i].port == 0) {
			g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
			    "[listen] %s: bad endpoint '%s'%s%s", key, list[i],
			    e ? ": " : " (HOST:PORT)", e ? e->message : "");
			g_clear_error(&e);
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
derive(struct col_config *cfg, GError **error)
{
	char **lists[4] = { cfg->ipfix_udp, cfg->ipfix_tcp, cfg->netflow_v9,
		cfg->netflow_v5 };
	size_t i,
	    n = cfg->allow_exporters ? g_strv_length(cfg->allow_exporters) : 0;

	for (i = 0; i < 4; i++)
		if (!parse_endpoints(lists[i], col_config_keys[i].key,
		        &cfg->listen[i], &cfg->n_listen[i], error))
			return FALSE;
	cfg->allow = g_new0(struct mf_prefix, n + 1);
	for (i = 0; i < n; i++, cfg->n_allow++)
		if (!mf_prefix_parse(cfg->allow_exporters[i], &cfg->allow[i])) {
			g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
			    "[networks] allow-exporters: '%s' is not a prefix",
			    cfg->allow_exporters[i]);
			return FALSE;
		}
	if (!col_forward_check(&cfg->forward, error) ||
	    !col_anomaly_check_config(&cfg->anomaly, error))
		return FALSE;
	cfg->classifier =
	    col_classifier_new(cfg->internal, cfg->web_ports, error);
	return cfg->classifier != NULL;
}

/* [focus] target: empty, or an address or prefix; errors say the line. */
static gboolean
parse_focus(const char *path, struct col_config *cfg, GError **error)
{
	const char *v = cfg->focus_target;

	if (v == NULL || v[0] == '\0')
		return TRUE;
	if (mf_prefix_parse(v, &cfg->focus)) {
		cfg->has_focus = TRUE;
		return TRUE;
	}
	g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
	    "%s:%u: [focus] target: bad value '%s' (an address or "
	    "ADDRESS/LENGTH)",
	    path ? path : "defaults",
	    mf_conf_find_line(path, "focus", "target"), v);
	return FALSE;
}

gboolean
col_config_load(const char *path, struct col_config *cfg, GError **error)
{
	GError *e = NULL;

	memset(cfg, 0, sizeof(*cfg));
	if (!mf_conf_load(col_config_keys, col_config_n_keys, path, cfg, error))
		return FALSE;
	if (!derive(cfg, &e)) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG, "%s: %s",
		    path ? path : "defaults", e->message);
		g_error_free(e);
		col_config_clear(cfg);
		return FALSE;
	}
	if (!parse_focus(path, cfg, error)) {
		col_config_clear(cfg);
		return FALSE;
	}
	return TRUE;
}

void
col_config_clear(struct col_config *cfg)
{
	size_t i, j;

	for (i = 0; i < 4; i++) {
		for (j = 0; cfg->listen[i] && j < cfg->n_listen[i]; j++)
			g_free(cfg->listen[i][j].host);
		g_free(cfg->listen[i]);
	}
	g_free(cfg->allow);
	col_classifier_free(cfg->classifier);
	mf_conf_clear(col_config_keys, col_config_n_keys, cfg);
	memset(cfg, 0, sizeof(*cfg));
}

void
col_config_note_restart(const struct col_config *a, const struct col_config *b)
{
	int k;

	for (k = 0; k < 4; k++)
		if (a->n_listen[k] != b->n_listen[k])
			g_message("reload: [listen] changes take effect on "
			          "restart");
	if (a->interval != b->interval || a->grace != b->grace ||
	    a->addresses != b->addresses || a->streams != b->streams ||
	    a->ports != b->ports || a->idle != b->idle ||
	    a->max_exporters != b->max_exporters ||
	    a->max_templates != b->max_templates)
		g_message("reload: [reports] interval/grace, [tables] and "
		          "[exporters] take effect on restart");
	if (!g_strv_equal((const char *const *)a->forward.to,
	        (const char *const *)b->forward.to) ||
	    strcmp(a->forward.source, b->forward.source) != 0 ||
	    strcmp(a->forward.domains, b->forward.domains) != 0 ||
	    a->forward.max_domains != b->forward.max_domains)
		g_message("reload: [forward] changes take effect on restart");
	if (g_strcmp0(a->archive_dir, b->archive_dir) != 0 ||
	    a->archive_rotate != b->archive_rotate ||
	    a->archive_max_file_size != b->archive_max_file_size ||
	    a->archive_retention != b->archive_retention ||
	    a->archive_max_total_size != b->archive_max_total_size)
		g_message("reload: [archive] changes take effect on restart");
}

void
col_config_set_dir(struct col_config *cfg, const char *dir)
{
	if (dir != NULL) {
		g_free(cfg->dir);
		cfg->dir = g_strdup(dir);
	}
	/* Absolute: -D changes directory before the first report. */
	if (!g_path_is_absolute(cfg->dir)) {
		char *abs = g_canonicalize_filename(cfg->dir, NULL);

		g_free(cfg->dir);
		cfg->dir = abs;
	}
	/* The templates file lives beside the reports unless absolute. */
	if (cfg->templates_file[0] != '\0' &&
	    !g_path_is_absolute(cfg->templates_file)) {
		char *abs =
		    g_build_filename(cfg->dir, cfg->templates_file, NULL);

		g_free(cfg->templates_file);
		cfg->templates_file = abs;
	}
}
