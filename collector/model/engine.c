/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-engine"

#include <string.h>

#include <glib.h>

#include "collector/analytics/anomaly.h"
#include "collector/model/classify.h"
#include "collector/analytics/dnsstats.h"
#include "collector/model/engine.h"
#include "collector/analytics/flowstats.h"
#include "collector/model/persec.h"
#include "collector/model/tables.h"
#include "common/model.h"
#include "common/error.h"
#include "common/model.h"

struct col_engine {
	struct col_engine_config cfg;
	struct col_tables *tables;
	struct col_persec *persec;
	struct col_dnsstats *dns;
	struct col_flowstats *flowstats;
	struct col_anomaly *anomaly; /* or NULL */
	uint64_t start_ms; /* the open interval's start (when is_open) */
	gboolean is_open;  /* an interval is open (after the first record) */
	uint64_t wall_ms;  /* live: the clock at the last tick; 0 offline */
	gboolean has_data; /* something counted in the open interval */
	struct col_flow *pending; /* ring of records for later intervals */
	uint64_t *pending_t;      /* their accounting times */
	size_t p_head, p_len;
	col_report_fn report;
	void *ctx;
	struct col_engine_stats stats;
	struct col_engine_stats at_start; /* stats when the interval opened */
};

static uint64_t
interval_ms(const struct col_engine *e)
{
	return (uint64_t)e->cfg.interval_s * 1000;
}

static uint64_t
align(const struct col_engine *e, uint64_t t)
{
	return t - t % interval_ms(e);
}

struct col_engine *
col_engine_new(const struct col_engine_config *cfg, col_report_fn report,
    void *ctx, GError **error)
{
	struct col_engine *e;

	if (cfg->interval_s == 0 || cfg->interval_s > 3600) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "report interval %u out of range (1..3600)",
		    cfg->interval_s);
		return NULL;
	}
	e = g_new0(struct col_engine, 1);
	e->cfg = *cfg;
	e->report = report;
	e->ctx = ctx;
	e->pending = g_new(struct col_flow, MAX(cfg->max_pending, 1));
	e->pending_t = g_new(uint64_t, MAX(cfg->max_pending, 1));
	e->cfg.max_pending = MAX(cfg->max_pending, 1);
	e->persec = col_persec_new(cfg->interval_s);
	if (e->cfg.dns.max_names == 0)
		e->cfg.dns.max_names = COL_ENGINE_DNS_NAMES;
	if (e->cfg.dns.max_clients == 0)
		e->cfg.dns.max_clients = COL_ENGINE_DNS_NAMES;
	e->dns = col_dnsstats_new(&e->cfg.dns);
	e->tables = col_tables_new(&cfg->tables, error);
	e->flowstats = col_flowstats_new(cfg->focus);
	if (e->tables != NULL && cfg->anomaly != NULL)
		e->anomaly =
		    col_anomaly_new(cfg->anomaly, &cfg->tables.seed, error);
	if (e->persec == NULL || e->tables == NULL ||
	    (cfg->anomaly != NULL && e->anomaly == NULL)) {
		col_engine_free(e);
		return NULL;
	}
	return e;
}

void
col_engine_free(struct col_engine *e)
{
	if (e == NULL)
		return;
	col_tables_free(e->tables);
	col_anomaly_free(e->anomaly);
	col_persec_free(e->persec);
	col_dnsstats_free(e->dns);
	col_flowstats_free(e->flowstats);
	g_free(e->pending);
	g_free(e->pending_t);
	g_free(e);
}

void
col_engine_set_classifier(struct col_engine *e, const struct col_classifier *c)
{
	e->cfg.classifier = c;
}

void
col_engine_set_focus(struct col_engine *e, const struct mf_prefix *focus)
{
	col_flowstats_set_focus(e->flowstats, focus);
}

const struct col_engine_stats *
col_engine_get_stats(const struct col_engine *e)
{
	return &e->stats;
}

gboolean
col_engine_set_anomaly(struct col_engine *e,
    const struct col_anomaly_config *cfg, GError **error)
{
	return e->anomaly == NULL ||
	    col_anomaly_set_config(e->anomaly, cfg, error);
}

static void
open_interval(struct col_engine *e, uint64_t start_ms)
{
	e->start_ms = start_ms;
	e->is_open = TRUE;
	e->has_data = FALSE;
	e->at_start = e->stats;
	col_persec_reset(e->persec, start_ms);
	col_dnsstats_reset(e->dns);
	col_flowstats_reset(e->flowstats);
}

/* Report the open interval (if it holds anything) and open next_ms's. */
static void
close_interval(struct col_engine *e, uint64_t next_ms)
{
	struct col_interval iv;
	uint64_t end = e->start_ms + interval_ms(e);

	if (e->has_data) {
		e->stats.intervals++;
		memset(&iv, 0, sizeof(iv));
		iv.start_ms = e->start_ms;
		iv.end_ms = end;
		iv.persec = e->persec;
		iv.tables = e->tables;
		iv.dns = e->dns;
		iv.stats = &e->stats;
		iv.flowstats = e->flowstats;
		iv.delta.records = e->stats.records - e->at_start.records;
		iv.delta.late_records =
		    e->stats.late_records - e->at_start.late_records;
		iv.delta.absurd_records =
		    e->stats.absurd_records - e->at_start.absurd_records;
		iv.delta.intervals = 1;
		if (e->anomaly != NULL)
			col_anomaly_close(e->anomaly, e->tables, end);
		iv.anomaly = e->anomaly;
		e->report(&iv, e->ctx);
		col_tables_new_interval(e->tables);
	}
	col_tables_gc(e->tables, end);
	open_interval(e, next_ms);
}

/*
 * The time a record is accounted at: its end, unless that is absurd (a
 * router clock still in 1999 or earlier; live, more than a day ahead of
 * our own clock), then the open interval's start.  Offline there is no
 * clock to compare with: captures may jump years ahead (concatenated
 * files) and that is their real time.
 */
static uint64_t
record_time(struct col_engine *e, const struct col_flow *f)
{
	uint64_t t = f->end_ms;

	if (t < COL_ABSURD_BEFORE_MS ||
	    (e->wall_ms != 0 && t > e->wall_ms + COL_ABSURD_AHEAD_MS)) {
		e->stats.absurd_records++;
		return e->is_open ? e->start_ms : align(e, t);
	}
	return t;
}

/* The service port: the exporter's, else the well-known side's. */
static uint16_t
service_port(const struct col_flow *f)
{
	if (f->app_port != 0)
		return f->app_port;
	if (f->proto != 6 && f->proto != 17 && f->proto != 132)
		return 0;
	if (f->dport != 0 && (f->dport < 1024 || f->sport >= f->dport))
		return f->dport < f->sport || f->sport == 0 || f->dport < 1024
		    ? f->dport
		    : f->sport;
	return f->sport;
}

static void
account(struct col_engine *e, const struct col_flow *f, uint64_t t)
{
	gboolean si, di;
	enum col_class k = col_classify(e->cfg.classifier, f, &si, &di);
	struct col_touch touch;
	uint64_t start = f->start_ms, end = f->end_ms;

	if (t != f->end_ms)
		start = end = t; /* an absurd time: at the interval's start */
	if (t < e->start_ms)
		e->stats.late_records++;
	col_tables_account(e->tables, f, si, di, service_port(f),
	    (uint16_t)(1u << k), &touch);
	col_flowstats_add(e->flowstats, f);
	if (f->label_source == MF_LABEL_DNS ||
	    f->label_source == MF_LABEL_DNS_OTHER_CLIENT)
		col_dnsstats_add_label(e->dns, f->label);
	if (e->anomaly != NULL)
		col_anomaly_add(e->anomaly, f, si, di, &touch, end);
	col_persec_add(e->persec, k, start, end, 1, f->packets, f->octets);
	if (f->rev_packets != 0)
		col_persec_add(e->persec, col_class_reverse(k), start, end, 0,
		    f->rev_packets, f->rev_octets);
	e->stats.records++;
	e->has_data = TRUE;
}

static void
pend(struct col_engine *e, const struct col_flow *f, uint64_t t)
{
	size_t i = (e->p_head + e->p_len) % e->cfg.max_pending;

	e->pending[i] = *f;
	e->pending_t[i] = t;
	e->p_len++;
}

/* Account the queued records that fall in the open interval (in order). */
static void
replay(struct col_engine *e)
{
	uint64_t end = e->start_ms + interval_ms(e);
	size_t n = e->p_len, i;

	for (i = 0; i < n; i++) {
		size_t j = e->p_head;

		e->p_head = (e->p_head + 1) % e->cfg.max_pending;
		e->p_len--;
		if (e->pending_t[j] < end)
			account(e, &e->pending[j], e->pending_t[j]);
		else
			pend(e, &e->pending[j], e->pending_t[j]);
	}
}

/* Close the open interval and open the next one that holds anything. */
static void
advance(struct col_engine *e, uint64_t upto_ms)
{
	uint64_t next = e->start_ms + interval_ms(e);

	/* Nothing waits: jump over empty intervals (a capture's time gap). */
	if (e->p_len == 0 && align(e, upto_ms) > next)
		next = align(e, upto_ms);
	close_interval(e, next);
	replay(e);
}

gboolean
col_engine_add(struct col_engine *e, const struct col_flow *f)
{
	uint64_t late = e->stats.late_records;
	uint64_t t = record_time(e, f);
	uint64_t grace = (uint64_t)e->cfg.grace_s * 1000;

	if (!e->is_open)
		open_interval(e, align(e, t));
	/* Flow time passed the open interval's end plus the grace. */
	while (t >= e->start_ms + interval_ms(e) + grace)
		advance(e, t - grace);
	if (t < e->start_ms + interval_ms(e)) {
		account(e, f, t);
		goto out;
	}
	if (e->p_len == e->cfg.max_pending) {
		e->stats.early_closes++;
		advance(e, e->start_ms + interval_ms(e));
		if (t < e->start_ms + interval_ms(e)) {
			account(e, f, t);
			goto out;
		}
		if (e->p_len == e->cfg.max_pending) {
			account(e, f, t); /* still full: count it now */
			goto out;
		}
	}
	pend(e, f, t);
out:
	return e->stats.late_records != late;
}

void
col_engine_tick(struct col_engine *e, uint64_t now_ms)
{
	uint64_t grace = (uint64_t)e->cfg.grace_s * 1000;

	e->wall_ms = now_ms;
	while (e->is_open && now_ms >= e->start_ms + interval_ms(e) + grace)
		advance(e, now_ms - grace);
}

/* At exit: every interval that holds anything, the queued ones too. */
void
col_engine_flush(struct col_engine *e)
{
	if (!e->is_open)
		return;
	while (e->p_len > 0)
		advance(e, e->start_ms + interval_ms(e));
	if (e->has_data)
		close_interval(e, e->start_ms + interval_ms(e));
}

void
col_engine_add_dns(struct col_engine *e, const struct col_dns_rec *d)
{
	if (!e->is_open)
		open_interval(e, align(e, d->time_ms));
	col_dnsstats_add(e->dns, d);
	if (e->anomaly != NULL)
		col_anomaly_add_dns_query(e->anomaly, &d->client, d->qtype,
		    d->time_ms);
	e->has_data = TRUE;
}
