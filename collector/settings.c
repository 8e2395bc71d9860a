/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-settings"

#include <stddef.h>
#include <string.h>

#include <glib.h>

#include "collector/settings.h"
#include "collector/ingest/rxring.h"
#include "collector/output/forward.h"
#include "collector/analytics/anomaly_keys.h"
#include "collector/model/devices.h"
#include "collector/analytics/blockhits.h"
#include "collector/analytics/blocklist.h"
#include "collector/model/engine.h"
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
	LIST("listen", "ipfix-udp", listen.ipfix_udp, "[::]:4739",
	    "IPFIX over UDP: ';'-separated HOST:PORT, [::] is dual-stack"),
	LIST("listen", "ipfix-tcp", listen.ipfix_tcp, "[::]:4739",
	    "IPFIX over TCP"),
	LIST("listen", "netflow-v9", listen.netflow_v9, "[::]:2055",
	    "NetFlow v9 over UDP"),
	LIST("listen", "netflow-v5", listen.netflow_v5, "[::]:9995",
	    "NetFlow v5 over UDP"),
	UINT("listen", "tcp-idle", listen.tcp_idle, "300", 1, 86400,
	    "seconds a TCP exporter may send nothing before it is closed"),
	UINT("listen", "tcp-per-address", listen.tcp_per_address, "4", 1,
	    COL_LISTEN_MAX_TCP, "TCP connections from one address at once"),
	UINT("listen", "udp-rcvbuf", listen.udp_rcvbuf, "8388608", 65536,
	    1073741823, "bytes of receive buffer asked for each UDP socket"),
	UINT("listen", "udp-queue", listen.udp_queue, "16777216",
	    COL_RXRING_MIN, COL_RXRING_MAX,
	    "bytes of datagrams queued between receiving and decoding"),
	LIST("networks", "internal", networks.internal,
	    "192.168.0.0/16;10.0.0.0/8;172.16.0.0/12;fd00::/8",
	    "prefixes of the internal networks"),
	LIST("networks", "allow-exporters", networks.allow_exporters, "",
	    "prefixes of the exporters accepted (empty: any)"),
	LIST("networks", "web-ports", networks.web_ports, "80;443;8080",
	    "TCP ports that make in/out flows inweb/outweb"),
	K("reports", "dir", MF_CONF_STRING, reports.dir,
	    "/var/lib/minflow/reports", 0, 0, "report directory"),
	UINT("reports", "interval", reports.interval, "60",
	    COL_ENGINE_INTERVAL_MIN, COL_ENGINE_INTERVAL_MAX,
	    "seconds of flow time per report"),
	UINT("reports", "top", reports.top, "20", 1, 1000,
	    "entries in each top list"),
	UINT("reports", "retention-days", reports.retention_days, "30", 0,
	    36500, "days of reports kept (0: all)"),
	UINT("reports", "grace", reports.grace, "65", 0, 3600,
	    "seconds an interval waits for late records (the exporter's "
	    "active timeout + 5)"),
	UINT("tables", "addresses", tables.addresses, "65536",
	    COL_TABLES_MIN_ENTRIES, COL_TABLES_MAX_ENTRIES,
	    "addresses tracked at once"),
	UINT("tables", "streams", tables.streams, "262144",
	    COL_TABLES_MIN_ENTRIES, COL_TABLES_MAX_ENTRIES,
	    "streams tracked at once"),
	UINT("tables", "ports", tables.ports, "4096", COL_TABLES_MIN_ENTRIES,
	    COL_TABLES_MAX_ENTRIES, "service ports tracked at once"),
	UINT("tables", "idle", tables.idle, "600", 10, 86400,
	    "seconds after which an unused table entry is collected"),
	UINT("exporters", "max", exporters.max, "64", 1, 4096,
	    "exporters (address, port, domain) tracked at once"),
	UINT("exporters", "max-per-address", exporters.max_per_address, "16", 1,
	    4096,
	    "of them, from one address (further ones replace those that "
	    "sent no record yet)"),
	UINT("exporters", "max-templates", exporters.max_templates, "64", 1,
	    4096, "templates kept per exporter"),
	K("exporters", "templates-file", MF_CONF_STRING,
	    exporters.templates_file, "templates.state", 0, 0,
	    "file keeping live templates across restarts, relative to "
	    "[reports] dir (empty: none)"),
	LIST("forward", "to", forward.to, "",
	    "send every datagram received on to these ';'-separated "
	    "HOST:PORT, udp://HOST:PORT or tcp://HOST:PORT (empty: off)"),
	K("forward", "source", MF_CONF_STRING, forward.source, "collector", 0,
	    0,
	    "collector (its own address) or original (the exporter's "
	    "address and port; needs CAP_NET_RAW)"),
	K("forward", "records", MF_CONF_STRING, forward.records, "raw", 0, 0,
	    "raw (every datagram as received) or normalised (the decoded "
	    "records as the collector's own IPFIX)"),
	K("forward", "compat", MF_CONF_STRING, forward.compat, "", 0, 0,
	    "super_mediator: normalised records are flow records only, no "
	    "DNS or device records, which super_mediator 1.8 stops at "
	    "(empty: all records)"),
	K("forward", "domains", MF_CONF_STRING, forward.domains, "keep", 0, 0,
	    "keep, or per-exporter (each exporter its own observation domain "
	    "/ source id)"),
	UINT("forward", "max-domains", forward.max_domains, "256", 1,
	    COL_FORWARD_MAX_DOMAINS,
	    "exporters given their own domain at once (per-exporter)"),
	UINT("forward", "rate", forward.rate, "0", 0, 1000000,
	    "UDP datagrams a second to each destination, the others queued "
	    "(0: as they come)"),
	UINT("forward", "queue", forward.queue, "4194304", 65536,
	    UINT64_C(1) << 30,
	    "bytes waiting for each paced UDP or TCP destination, the oldest "
	    "dropped when full"),
	K("focus", "target", MF_CONF_STRING, focus.target, "", 0, 0,
	    "address or prefix whose flows the report also shows apart "
	    "(empty: none)"),
	COL_ANOMALY_KEYS,
	K("archive", "dir", MF_CONF_STRING, archive.dir, "", 0, 0,
	    "IPFIX archive directory (empty: no archive)"),
	K("archive", "compat", MF_CONF_STRING, archive.compat, "", 0, 0,
	    "super_mediator: no DNS records in the archive, which "
	    "super_mediator 1.8 stops at (empty: all records)"),
	UINT("archive", "rotate", archive.rotate, "300", 1, 86400,
	    "seconds after which an archive file is closed"),
	UINT("archive", "max-file-size", archive.max_file_size, "1073741824", 0,
	    UINT64_C(1) << 50, "bytes an archive file may take (0: no limit)"),
	UINT("archive", "retention", archive.retention, "30", 0, 36500,
	    "days archive files are kept (0: no limit)"),
	UINT("archive", "max-total-size", archive.max_total_size, "10737418240",
	    0, UINT64_C(1) << 50,
	    "bytes all archive files may take, oldest removed first "
	    "(0: no limit)"),
	UINT("devices", "max-devices", devices.max_devices, "1024",
	    COL_DEVICES_MIN, COL_DEVICES_MAX,
	    "devices held at once (about 9 KiB each)"),
	UINT("devices", "idle", devices.idle, "86400", 60, 31536000,
	    "seconds after which an unseen device is forgotten"),
	K("devices", "oui", MF_CONF_STRING, devices.oui,
	    "/usr/share/ieee-data/oui.txt", 0, 0,
	    "IEEE MA-L registry (oui.txt or oui.csv) for vendors; empty: "
	    "none; a missing file is a warning"),
	LIST("blocklists", "ip", blocklists.ip, "",
	    "IP/CIDR list files, ';'-separated (DROP, FireHOL, Feodo)"),
	LIST("blocklists", "domain", blocklists.domain, "",
	    "domain list files: names, hosts files, ||name^ lines"),
	UINT("blocklists", "max-ip", blocklists.max_ip, "4194304", 1,
	    COL_BLOCKLIST_MAX_ENTRIES, "IP entries held (more are dropped)"),
	UINT("blocklists", "max-domains", blocklists.max_domains, "4194304", 1,
	    COL_BLOCKLIST_MAX_ENTRIES, "domains held (more are dropped)"),
	UINT("blocklists", "max-hits", blocklists.max_hits, "1024", 1,
	    COL_BLOCKHITS_MAX, "distinct hits reported per interval"),
	K("alerts", "state-file", MF_CONF_STRING, alerts.state_file,
	    "alerts.state", 0, 0,
	    "what was alerted, kept across restarts, relative to [reports] "
	    "dir (empty: none)"),
	UINT("alerts", "window", alerts.window, "86400", 60, 31536000,
	    "seconds in which one (type, device, target) alerts once"),
	UINT("alerts", "rate", alerts.rate, "60", 1, 100000,
	    "alerts per sink per hour"),
	UINT("alerts", "queue", alerts.queue, "256", 1, 65536,
	    "alerts waiting per sink (the oldest dropped when full)"),
	K("alerts", "file", MF_CONF_STRING, alerts.file, "", 0, 0,
	    "JSON-lines file of alerts (empty: off)"),
	UINT("alerts", "file-max-size", alerts.file_max_size, "10485760", 4096,
	    UINT64_C(1) << 40, "bytes after which the files rotate"),
	UINT("alerts", "file-keep", alerts.file_keep, "5", 0, 100,
	    "rotated files kept (FILE.1 ...)"),
	K("alerts", "idea-file", MF_CONF_STRING, alerts.idea_file, "", 0, 0,
	    "JSON-lines file of IDEA messages (empty: off)"),
	K("alerts", "syslog", MF_CONF_STRING, alerts.syslog, "", 0, 0,
	    "RFC 5424 syslog: unix:PATH or udp:HOST:PORT (empty: off)"),
	K("alerts", "webhook", MF_CONF_STRING, alerts.webhook, "", 0, 0,
	    "URL the alerts are POSTed to (empty: off)"),
	K("alerts", "webhook-format", MF_CONF_STRING, alerts.webhook_format,
	    "json", 0, 0,
	    "json, or ntfy (plain text with Title, Priority, Tags headers)"),
	UINT("alerts", "webhook-retries", alerts.webhook_retries, "3", 0, 10,
	    "retries of a failed POST (backoff 1, 2, 4 ... s)"),
	K("alerts", "command", MF_CONF_STRING, alerts.command, "", 0, 0,
	    "program run per alert, the alert in its environment "
	    "(empty: off)"),
	UINT("alerts", "command-timeout", alerts.command_timeout, "10", 1, 3600,
	    "seconds before the command is killed"),
	K("alerts", "new-devices", MF_CONF_BOOL, alerts.new_devices, "true", 0,
	    0, "alert when a device is seen for the first time"),
	UINT("alerts", "silent-intervals", alerts.silent_intervals, "3", 0,
	    10000,
	    "intervals without records before an exporter is silent "
	    "(0: off)"),
	UINT("alerts", "quota", alerts.quota, "0", 0, UINT64_C(1) << 60,
	    "bytes a device may move per day (UTC) before an alert (0: off)"),
	LIST("alerts", "quota-device", alerts.quota_device, "",
	    "per-device quotas: MAC_OR_ADDRESS=BYTES;..."),
	LIST("geo", "database", geo.database, "",
	    "MaxMind DB files (.mmdb: country, city, ASN), ';'-separated"),
	K("history", "db", MF_CONF_STRING, history.db, COL_HISTORY_DEFAULT_DB,
	    0, 0, "SQLite history database (empty: no history)"),
	UINT("history", "keep-minutes", history.keep_minutes, "1440", 60, 10080,
	    "minutes of per-interval rows kept"),
	UINT("history", "keep-hours", history.keep_hours, "840", 168, 87600,
	    "hours of hourly rows kept"),
	UINT("history", "keep-days", history.keep_days, "400", 31, 36500,
	    "days of daily rows (and anomalies) kept"),
	UINT("history", "keep-months", history.keep_months, "120", 12, 1200,
	    "months of monthly rows (and device facts) kept"),
	UINT("history", "max-size", history.max_size, "268435456", 0,
	    UINT64_C(1) << 50,
	    "bytes the database may use, the oldest rows of the finest "
	    "level removed first (0: no limit)"),
	LIST("web", "listen", web.listen, "127.0.0.1:8080;[::1]:8080",
	    "web page and API: ';'-separated ADDRESS:PORT (empty: off); "
	    "off loopback, password-file, certificate and key are needed"),
	K("web", "files", MF_CONF_STRING, web.files, "", 0, 0,
	    "directory of the page's files (empty: the page installed with "
	    "minflow)"),
	K("web", "password-file", MF_CONF_STRING, web.password_file, "", 0, 0,
	    "USER:HASH lines, crypt(3) hashes, for HTTP Basic (empty: no "
	    "credentials asked)"),
	K("web", "certificate", MF_CONF_STRING, web.certificate, "", 0, 0,
	    "PEM certificate (chain) for HTTPS (empty: plain HTTP)"),
	K("web", "key", MF_CONF_STRING, web.key, "", 0, 0,
	    "PEM private key of the certificate"),
	UINT("web", "max-clients", web.max_clients, "64", 1, 1024,
	    "web connections at once (and stream clients)"),
	UINT("web", "rate", web.rate, "50", 0, 100000,
	    "requests a second per client address, burst twice that (0: no "
	    "limit)"),
	UINT("web", "stream-queue", web.stream_queue, "1024", 16, 1048576,
	    "flow events queued per stream client, the oldest dropped"),
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
		struct mf_addr a;

		if (!mf_hostport_parse(list[i], 0, &(*out)[i].host,
		        &(*out)[i].port, &e) ||
		    (*out)[i].port == 0) {
			g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
			    "[listen] %s: bad endpoint '%s'%s%s", key, list[i],
			    e ? ": " : " (HOST:PORT)", e ? e->message : "");
			g_clear_error(&e);
			return FALSE;
		}
		/* The listener binds numeric addresses only: say so now. */
		if (!mf_addr_parse((*out)[i].host, &a)) {
			g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
			    "[listen] %s: '%s' is not a numeric address "
			    "(host names are not accepted)",
			    key, (*out)[i].host);
			return FALSE;
		}
	}
	return TRUE;
}

/* [listen]: the endpoints of each kind. */
static gboolean
derive_listen(struct col_conf_listen *l, GError **error)
{
	char **lists[4] = { l->ipfix_udp, l->ipfix_tcp, l->netflow_v9,
		l->netflow_v5 };
	size_t i;

	for (i = 0; i < 4; i++)
		if (!parse_endpoints(lists[i], col_config_keys[i].key,
		        &l->endpoints[i], &l->n[i], error))
			return FALSE;
	return TRUE;
}

/* [networks] allow-exporters: the prefixes. */
static gboolean
derive_networks(struct col_conf_networks *net, GError **error)
{
	size_t i,
	    n = net->allow_exporters ? g_strv_length(net->allow_exporters) : 0;

	net->allow = g_new0(struct mf_prefix, n + 1);
	for (i = 0; i < n; i++, net->n_allow++)
		if (!mf_prefix_parse(net->allow_exporters[i], &net->allow[i])) {
			g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
			    "[networks] allow-exporters: '%s' is not a prefix",
			    net->allow_exporters[i]);
			return FALSE;
		}
	return TRUE;
}

/* Checks in the order of the sections, the classifier last. */
static gboolean
derive(struct col_config *cfg, GError **error)
{
	struct col_conf_networks *net = &cfg->networks;

	if (!derive_listen(&cfg->listen, error) ||
	    !derive_networks(net, error) ||
	    !col_forward_check(&cfg->forward, error) ||
	    !col_anomaly_check_config(&cfg->anomaly, error) ||
	    !col_web_check_config(&cfg->web, error))
		return FALSE;
	net->classifier =
	    col_classifier_new(net->internal, net->web_ports, error);
	/* Its messages name the list, not the key. */
	if (net->classifier == NULL)
		g_prefix_error(error, "[networks] %s: ",
		    g_str_has_prefix((*error)->message, "web port")
		        ? "web-ports"
		        : "internal");
	return net->classifier != NULL;
}

/*
 * A derived error ("[group] key: ...") with the file and the line of the
 * key, when the message names one the file sets.
 */
static void
derived_error(const char *path, GError *e, GError **error)
{
	const char *msg = e->message, *end, *key;
	char *group = NULL, *name = NULL;
	guint line = 0;

	if (msg[0] == '[' && (end = strchr(msg, ']')) != NULL &&
	    end[1] == ' ') {
		group = g_strndup(msg + 1, (gsize)(end - msg - 1));
		key = end + 2;
		name = g_strndup(key, strcspn(key, ": ,"));
		line = mf_conf_find_line(path, group, name);
	}
	if (line > 0)
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG, "%s:%u: %s", path,
		    line, msg);
	else
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG, "%s: %s",
		    path ? path : "defaults", msg);
	g_free(group);
	g_free(name);
}

/* [focus] target: empty, or an address or prefix; errors say the line. */
static gboolean
parse_focus(const char *path, struct col_conf_focus *focus, GError **error)
{
	const char *v = focus->target;

	if (v == NULL || v[0] == '\0')
		return TRUE;
	if (mf_prefix_parse(v, &focus->prefix)) {
		focus->has_target = TRUE;
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
		derived_error(path, e, error);
		g_error_free(e);
		col_config_clear(cfg);
		return FALSE;
	}
	if (!parse_focus(path, &cfg->focus, error)) {
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
		for (j = 0; cfg->listen.endpoints[i] && j < cfg->listen.n[i];
		     j++)
			g_free(cfg->listen.endpoints[i][j].host);
		g_free(cfg->listen.endpoints[i]);
	}
	g_free(cfg->networks.allow);
	col_classifier_free(cfg->networks.classifier);
	mf_conf_clear(col_config_keys, col_config_n_keys, cfg);
	memset(cfg, 0, sizeof(*cfg));
}

gboolean
col_config_listen_changed(const struct col_config *a,
    const struct col_config *b)
{
	const struct col_endpoint *x, *y;
	size_t k, i;

	if (a->listen.tcp_idle != b->listen.tcp_idle ||
	    a->listen.tcp_per_address != b->listen.tcp_per_address ||
	    a->listen.udp_rcvbuf != b->listen.udp_rcvbuf ||
	    a->listen.udp_queue != b->listen.udp_queue)
		return TRUE;
	for (k = 0; k < 4; k++) {
		if (a->listen.n[k] != b->listen.n[k])
			return TRUE;
		for (i = 0; i < a->listen.n[k]; i++) {
			x = &a->listen.endpoints[k][i];
			y = &b->listen.endpoints[k][i];
			if (x->port != y->port || strcmp(x->host, y->host) != 0)
				return TRUE;
		}
	}
	return FALSE;
}

void
col_config_note_restart(const struct col_config *a, const struct col_config *b)
{
	if (col_config_listen_changed(a, b))
		g_warning("reload: [listen] changed: the listeners stay as "
		          "they are until a restart");
	if (a->reports.interval != b->reports.interval ||
	    a->reports.grace != b->reports.grace ||
	    memcmp(&a->tables, &b->tables, sizeof(a->tables)) != 0 ||
	    a->exporters.max != b->exporters.max ||
	    a->exporters.max_per_address != b->exporters.max_per_address ||
	    a->exporters.max_templates != b->exporters.max_templates)
		g_message("reload: [reports] interval/grace, [tables] and "
		          "[exporters] take effect on restart");
	if (!g_strv_equal((const char *const *)a->forward.to,
	        (const char *const *)b->forward.to) ||
	    strcmp(a->forward.source, b->forward.source) != 0 ||
	    strcmp(a->forward.domains, b->forward.domains) != 0 ||
	    a->forward.max_domains != b->forward.max_domains ||
	    strcmp(a->forward.records, b->forward.records) != 0 ||
	    g_strcmp0(a->forward.compat, b->forward.compat) != 0 ||
	    a->forward.rate != b->forward.rate ||
	    a->forward.queue != b->forward.queue)
		g_message("reload: [forward] changes take effect on restart");
	if (g_strcmp0(a->archive.dir, b->archive.dir) != 0 ||
	    g_strcmp0(a->archive.compat, b->archive.compat) != 0 ||
	    a->archive.rotate != b->archive.rotate ||
	    a->archive.max_file_size != b->archive.max_file_size ||
	    a->archive.retention != b->archive.retention ||
	    a->archive.max_total_size != b->archive.max_total_size)
		g_message("reload: [archive] changes take effect on restart");
	if (a->devices.max_devices != b->devices.max_devices ||
	    a->devices.idle != b->devices.idle ||
	    g_strcmp0(a->devices.oui, b->devices.oui) != 0)
		g_message("reload: [devices] changes take effect on restart");
	if (g_strcmp0(a->history.db, b->history.db) != 0 ||
	    a->history.keep_minutes != b->history.keep_minutes ||
	    a->history.keep_hours != b->history.keep_hours ||
	    a->history.keep_days != b->history.keep_days ||
	    a->history.keep_months != b->history.keep_months ||
	    a->history.max_size != b->history.max_size)
		g_message("reload: [history] changes take effect on restart");
}

/* A file named relative to the report directory, unless absolute. */
static void
beside_reports(const char *dir, char **file)
{
	if ((*file)[0] != '\0' && !g_path_is_absolute(*file)) {
		char *abs = g_build_filename(dir, *file, NULL);

		g_free(*file);
		*file = abs;
	}
}

/* Relative paths of a list made absolute (-D changes directory). */
static void
absolute_list(char **l)
{
	for (; l != NULL && *l != NULL; l++)
		if (!g_path_is_absolute(*l)) {
			char *abs = g_canonicalize_filename(*l, NULL);

			g_free(*l);
			*l = abs;
		}
}

gboolean
col_config_set_dir(struct col_config *cfg, const char *dir, const char *path,
    GError **error)
{
	struct col_conf_reports *r = &cfg->reports;
	struct col_conf_exporters *x = &cfg->exporters;

	if (dir != NULL) {
		g_free(r->dir);
		r->dir = g_strdup(dir);
	}
	/* Empty would be the working directory: / once detached. */
	if (r->dir[0] == '\0' && dir != NULL) {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
		    "-o: empty (reports need a directory)");
		return FALSE;
	}
	if (r->dir[0] == '\0') {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "%s:%u: [reports] dir: empty (reports need a directory)",
		    path ? path : "defaults",
		    mf_conf_find_line(path, "reports", "dir"));
		return FALSE;
	}
	/* Absolute: -D changes directory before the first report. */
	if (!g_path_is_absolute(r->dir)) {
		char *abs = g_canonicalize_filename(r->dir, NULL);

		g_free(r->dir);
		r->dir = abs;
	}
	/* The templates file lives beside the reports unless absolute. */
	beside_reports(r->dir, &x->templates_file);
	beside_reports(r->dir, &cfg->alerts.state_file);
	absolute_list(cfg->blocklists.ip);
	absolute_list(cfg->blocklists.domain);
	absolute_list(cfg->geo.database);
	return TRUE;
}
