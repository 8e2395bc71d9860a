/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-wiring"

#include <stddef.h>
#include <string.h>

#include <glib.h>

#include "collector/analytics/anomaly.h"
#include "collector/analytics/blockhits.h"
#include "collector/analytics/geo.h"
#include "collector/analytics/dnsstats.h"
#include "collector/analytics/flowstats.h"
#include "collector/model/consumer.h"
#include "collector/model/devices.h"
#include "collector/model/engine.h"
#include "collector/model/oui.h"
#include "collector/model/persec.h"
#include "collector/model/tables.h"
#include "collector/output/alerts.h"
#include "collector/output/history.h"
#include "collector/output/report_anomaly.h"
#include "collector/output/report_devices.h"
#include "collector/output/report_blocklist.h"
#include "collector/output/report_dns.h"
#include "collector/output/report_flows.h"
#include "collector/output/report_summary.h"
#include "collector/output/report_tables.h"
#include "collector/output/web.h"
#include "collector/settings.h"
#include "collector/wiring.h"
#include "common/hash.h"

struct col_wiring {
	struct col_tables *tables;
	struct col_persec *persec;
	struct col_dnsstats *dns;
	struct col_flowstats *flowstats;
	struct col_anomaly *anomaly;
	struct col_oui *oui; /* NULL: no vendors */
	struct col_devices *devices;
	struct col_blockhits *blockhits;
	struct col_alerts *alerts;
	struct col_geo *geo;         /* NULL: no [geo] database */
	struct col_history *history; /* NULL: no history */
	/* The consumers' own state (they borrow the objects above). */
	struct col_report_summary summary;
	struct col_report_flows flows;
	struct col_report_anomaly anomalies;
	struct col_web *web; /* live, unless [web] listen is empty */
	struct col_report_blocklist blocklist;
	struct col_report_tables tables_top;
	struct col_report_devices devs;
};

/* [devices]: the OUI registry (a missing one only loses vendors). */
static gboolean
build_devices(struct col_wiring *w, const struct col_conf_devices *s,
    const struct mf_hash_key *seed, GError **error)
{
	struct col_devices_config dc;
	GError *err = NULL;

	if (s->oui != NULL && s->oui[0] != '\0' &&
	    (w->oui = col_oui_load(s->oui, &err)) == NULL) {
		g_warning("%s (devices get no vendor)", err->message);
		g_clear_error(&err);
	}
	memset(&dc, 0, sizeof(dc));
	dc.max_devices = (size_t)s->max_devices;
	dc.idle_ms = s->idle * 1000;
	dc.oui = w->oui;
	dc.seed = *seed;
	w->devices = col_devices_new(&dc, error);
	return w->devices != NULL;
}

/* The [tables] section as the tables take it. */
static void
tables_config(const struct col_conf_tables *s, gboolean offline,
    struct col_tables_config *tc)
{
	memset(tc, 0, sizeof(*tc));
	tc->max_addresses = (size_t)s->addresses;
	tc->max_streams = (size_t)s->streams;
	tc->max_ports = (size_t)s->ports;
	tc->idle_ms = s->idle * 1000;
	if (offline)
		mf_hash_key_fixed(&tc->seed);
	else
		mf_hash_key_random(&tc->seed);
}

/*
 * [history] db: empty is off; the default is used when its directory
 * exists (a packaged install makes it) and only warned about when it
 * cannot be opened there, so that a collector run by hand does not fail
 * on it; any other name must open.
 */
static gboolean
open_history(struct col_wiring *w, const struct col_conf_history *h,
    GError **error)
{
	GError *e = NULL;
	char *dir;
	gboolean dflt, missing;

	if (h->db == NULL || h->db[0] == '\0')
		return TRUE;
	dir = g_path_get_dirname(h->db);
	dflt = strcmp(h->db, COL_HISTORY_DEFAULT_DB) == 0;
	missing = dflt && !g_file_test(dir, G_FILE_TEST_IS_DIR);
	g_free(dir);
	if (missing) {
		g_debug("history: no directory for %s, history off", h->db);
		return TRUE;
	}
	w->history = col_history_open(h, &e);
	if (w->history != NULL)
		return TRUE;
	if (!dflt) {
		g_propagate_error(error, e);
		return FALSE;
	}
	/* The default, not writable (a run by hand as a user). */
	g_warning("%s: history off", e->message);
	g_error_free(e);
	return TRUE;
}

/* The [blocklists] section as the blocklists take it. */
static void
blocklists_config(const struct col_conf_blocklists *s,
    struct col_blockhits_config *bc)
{
	bc->ip = s->ip;
	bc->domain = s->domain;
	bc->max_ip = (size_t)s->max_ip;
	bc->max_domains = (size_t)s->max_domains;
	bc->max_hits = (size_t)s->max_hits;
}

static gboolean
build(struct col_wiring *w, const struct col_config *cfg, gboolean offline,
    GError **error)
{
	struct col_dnsstats_config dc = { COL_DNSSTATS_DEFAULT_MAX,
		COL_DNSSTATS_DEFAULT_MAX };
	struct col_blockhits_config bc;
	struct col_tables_config tc;
	GError *e = NULL;

	tables_config(&cfg->tables, offline, &tc);
	if ((w->tables = col_tables_new(&tc, error)) == NULL)
		return FALSE;
	w->persec = col_persec_new((uint32_t)cfg->reports.interval);
	w->dns = col_dnsstats_new(&dc);
	w->flowstats = col_flowstats_new(
	    cfg->focus.has_target ? &cfg->focus.prefix : NULL);
	w->anomaly = col_anomaly_new(&cfg->anomaly, &tc.seed, error);
	if (w->persec == NULL || w->anomaly == NULL ||
	    !build_devices(w, &cfg->devices, &tc.seed, error))
		return FALSE;
	blocklists_config(&cfg->blocklists, &bc);
	w->blockhits = col_blockhits_new(&bc, &tc.seed, error);
	if (w->blockhits == NULL)
		return FALSE;
	w->geo = col_geo_open(cfg->geo.database, &e);
	if (e != NULL) {
		g_propagate_error(error, e);
		return FALSE;
	}
	w->alerts = col_alerts_new(&cfg->alerts, w->geo, !offline, error);
	return w->alerts != NULL && open_history(w, &cfg->history, error);
}

/* In the order of the report's members (wiring.h says why). */
static gboolean
add_consumers(struct col_wiring *w, const struct col_config *cfg,
    struct col_engine *e, GError **error)
{
	struct col_consumer c[10];
	size_t n = 9;
	size_t i;

	w->summary.persec = w->persec;
	w->summary.classifier = cfg->networks.classifier;
	w->flows.flowstats = w->flowstats;
	w->flows.tables = w->tables;
	w->anomalies.anomaly = w->anomaly;
	w->anomalies.tables = w->tables;
	w->anomalies.classifier = cfg->networks.classifier;
	w->anomalies.devices = w->devices;
	w->tables_top.tables = w->tables;
	w->tables_top.devices = w->devices;
	w->tables_top.geo = w->geo;
	w->devs.devices = w->devices;
	w->devs.anomaly = w->anomaly;
	c[0] = col_report_summary_consumer(&w->summary);
	c[1] = col_report_tables_devices_consumer(&w->tables_top);
	c[2] = col_report_dns_consumer(w->dns);
	c[3] = col_report_flows_consumer(&w->flows);
	c[4] = col_report_anomaly_consumer(&w->anomalies);
	c[5] = col_report_devices_consumer(&w->devs);
	c[6] = col_report_tables_usage_consumer(w->tables);
	w->blocklist.hits = w->blockhits;
	w->blocklist.devices = w->devices;
	c[7] = col_report_blocklist_consumer(&w->blocklist);
	c[8] = col_alerts_consumer(w->alerts);
	if (w->history != NULL)
		c[n++] = col_history_consumer(w->history);
	for (i = 0; i < n; i++)
		if (!col_engine_add_consumer(e, &c[i], error))
			return FALSE;
	return TRUE;
}

/* Live: the web server and its consumer (after the summary's class). */
static gboolean
add_web(struct col_wiring *w, const struct col_config *cfg,
    struct col_engine *e, GError **error)
{
	struct col_consumer c;
	GError *err = NULL;

	if ((w->web = col_web_new(&cfg->web, cfg->reports.dir,
	         w->history != NULL ? cfg->history.db : NULL, &err)) == NULL) {
		if (err == NULL)
			return TRUE; /* [web] listen is empty */
		g_propagate_error(error, err);
		return FALSE;
	}
	col_web_set_geo(w->web, w->geo);
	c = col_web_consumer(w->web);
	return col_engine_add_consumer(e, &c, error);
}

struct col_wiring *
col_wiring_new(const struct col_config *cfg, gboolean offline,
    struct col_engine *e, GError **error)
{
	struct col_wiring *w = g_new0(struct col_wiring, 1);

	if (!build(w, cfg, offline, error) ||
	    !add_consumers(w, cfg, e, error) ||
	    (!offline && !add_web(w, cfg, e, error))) {
		col_wiring_free(w);
		return NULL;
	}
	return w;
}

void
col_wiring_free(struct col_wiring *w)
{
	if (w == NULL)
		return;
	col_web_free(w->web); /* its threads stop first */
	col_history_free(w->history);
	col_devices_free(w->devices);
	col_oui_free(w->oui);
	col_anomaly_free(w->anomaly);
	col_blockhits_free(w->blockhits);
	col_alerts_free(w->alerts);
	col_geo_free(w->geo);
	col_flowstats_free(w->flowstats);
	col_dnsstats_free(w->dns);
	col_persec_free(w->persec);
	col_tables_free(w->tables);
	g_free(w);
}

struct col_web *
col_wiring_web(const struct col_wiring *w)
{
	return w != NULL ? w->web : NULL;
}

void
col_wiring_log_counters(const struct col_wiring *w)
{
	if (w != NULL)
		col_history_log_counters(w->history);
}

gboolean
col_wiring_reload(struct col_wiring *w, const struct col_config *cfg,
    GError **error)
{
	struct col_blockhits_config bc;

	w->summary.classifier = cfg->networks.classifier;
	w->anomalies.classifier = cfg->networks.classifier;
	col_flowstats_set_focus(w->flowstats,
	    cfg->focus.has_target ? &cfg->focus.prefix : NULL);
	blocklists_config(&cfg->blocklists, &bc);
	return col_anomaly_set_config(w->anomaly, &cfg->anomaly, error) &&
	    col_blockhits_set_files(w->blockhits, &bc, error);
}
