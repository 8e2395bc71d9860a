/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-main"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "collector/ingest/exporters.h"
#include "collector/ingest/fixdev.h"
#include "collector/ingest/fixdns.h"
#include "collector/ingest/ingest.h"
#include "collector/ingest/listen.h"
#include "collector/model/consumer.h"
#include "collector/model/engine.h"
#include "collector/output/archive.h"
#include "collector/output/forward.h"
#include "collector/output/fwdnorm.h"
#include "collector/output/report.h"
#include "collector/output/web.h"
#include "collector/options.h"
#include "collector/settings.h"
#include "collector/wiring.h"
#include "common/daemon.h"
#include "common/error.h"
#include "common/fsafe.h"
#include "common/log.h"

#define MAX_PENDING 65536     /* records held for the next intervals */
#define FORWARD_DRAIN_MS 2000 /* at exit: queued forwarding sent */

struct collector {
	const struct col_options *opts; /* for SIGHUP: the same file again */
	struct col_config cfg;
	struct col_report_config rcfg;
	struct col_engine *engine;
	struct col_wiring *wiring; /* the engine's consumers */
	struct col_ingest *ingest;
	struct col_exporters *exporters; /* the ingest's */
	struct col_listen *listen;
	struct col_listen_udp_stats udp[4 * COL_MAX_LISTENERS];
	struct col_forward *forward; /* live only; NULL offline */
	struct col_fwdnorm *fwdnorm; /* [forward] records = normalised */
	struct col_archive *archive; /* live, if [archive] dir is set */
	uint64_t reports_failed;
};

static uint64_t
mono_ms(void)
{
	return (uint64_t)g_get_monotonic_time() / 1000;
}

/* A message accepted: forwarded raw (live, [forward] to). */
static void
on_message(void *ctx, enum col_listen_kind kind, const struct mf_addr *a,
    uint16_t port, const uint8_t *msg, size_t len)
{
	struct collector *c = ctx;

	col_forward_message(c->forward, kind, a, port, msg, len);
}

/*
 * Every record accepted: into the archive and normalised forwarding, then
 * the model; what the model said of it (late, ahead).
 */
static unsigned
on_flow(void *ctx, const struct col_flow *f)
{
	struct collector *c = ctx;

	if (c->archive != NULL)
		(void)col_archive_add_flow(c->archive, f);
	col_fwdnorm_flow(c->fwdnorm, f, mono_ms());
	return col_engine_add(c->engine, f);
}

static unsigned
on_dns(void *ctx, const struct col_dns_rec *d)
{
	struct collector *c = ctx;
	uint8_t list[5 + 16 * COL_DNS_MAX_ADDRS];
	struct mf_dns_rec r;
	unsigned flags = col_engine_add_dns(c->engine, d);

	if (c->archive == NULL && c->fwdnorm == NULL)
		return flags;
	col_fixdns_to_wire(d, &r, list, sizeof(list));
	if (c->archive != NULL)
		col_archive_add_dns(c->archive, &r, d->client.family);
	col_fwdnorm_dns(c->fwdnorm, &r, d->client.family, mono_ms());
	return flags;
}

static unsigned
on_device(void *ctx, const struct col_device_rec *d)
{
	struct collector *c = ctx;
	struct mf_device_rec r;
	uint8_t family;
	unsigned flags = col_engine_add_device(c->engine, d);

	if (c->archive == NULL && c->fwdnorm == NULL)
		return flags;
	family = col_fixdev_to_wire(d, &r);
	if (c->archive != NULL)
		col_archive_add_device(c->archive, &r, family);
	col_fwdnorm_device(c->fwdnorm, &r, family, mono_ms());
	return flags;
}

/* Live: keep the exporters' templates on disk (each report, and at exit). */
static void
save_templates(struct collector *c)
{
	if (c->listen != NULL)
		col_ingest_save_templates(c->ingest,
		    c->cfg.exporters.templates_file);
}

static void
on_report(const struct col_interval *iv, void *ctx)
{
	struct collector *c = ctx;
	const struct col_report_exporter *lines;
	GError *err = NULL;
	JsonNode *doc = NULL;
	size_t n;

	lines = col_exporters_report(c->exporters, &n);
	c->rcfg.listeners = c->udp;
	c->rcfg.n_listeners =
	    col_listen_udp_stats(c->listen, c->udp, G_N_ELEMENTS(c->udp));
	/* Live, retention counts from the clock if flow time runs ahead. */
	c->rcfg.now_ms =
	    c->listen != NULL ? (uint64_t)g_get_real_time() / 1000 : 0;
	/* The tree only when a consumer takes it (history, alerts, web). */
	if (!col_report_write(&c->rcfg, iv, lines, n,
	        col_consumers_want_report(iv->consumers) ? &doc : NULL, &err)) {
		c->reports_failed++;
		g_warning("report: %s", err->message);
		g_clear_error(&err);
	}
	col_consumers_report(iv->consumers, doc, iv);
	if (doc != NULL)
		json_node_unref(doc);
	save_templates(c);
}

/* A message from a listener or a file: to the ingest. */
static void
take(void *ctx, enum col_listen_kind kind, const struct mf_addr *a,
    uint16_t port, const uint8_t *msg, size_t len)
{
	struct collector *c = ctx;

	col_ingest_message(c->ingest, kind, a, port, msg, len);
}

/* --- running ------------------------------------------------------------- */

/* The model's clock, for each exporter's export delay. */
static uint64_t
on_clock(void *ctx)
{
	struct collector *c = ctx;

	return col_engine_clock_ms(c->engine);
}

static gboolean
start(struct collector *c, GError **error)
{
	struct col_ingest_sink sink = { on_message, on_flow, on_dns, c,
		on_device, on_clock };
	struct col_ingest_config ic = { (size_t)c->cfg.exporters.max,
		(size_t)c->cfg.exporters.max_per_address,
		(size_t)c->cfg.exporters.max_templates };
	struct col_engine_config ec = { (uint32_t)c->cfg.reports.interval,
		(uint32_t)c->cfg.reports.grace, MAX_PENDING };

	if (!mf_fsafe_check_dir(c->cfg.reports.dir, "reports", error))
		return FALSE;
	c->rcfg.dir = c->cfg.reports.dir;
	c->rcfg.top = (uint32_t)c->cfg.reports.top;
	c->rcfg.retention_days = (uint32_t)c->cfg.reports.retention_days;
	c->ingest = col_ingest_new(&ic, &sink);
	c->rcfg.refused = col_ingest_refused(c->ingest);
	col_ingest_set_allow(c->ingest, c->cfg.networks.allow,
	    c->cfg.networks.n_allow);
	c->exporters = col_ingest_exporters(c->ingest);
	c->engine = col_engine_new(&ec, on_report, c, error);
	/* Offline runs hash with a fixed key: the same file, the same report.
	 */
	return c->engine != NULL &&
	    (c->wiring = col_wiring_new(&c->cfg, c->opts->read != NULL,
	         c->engine, error)) != NULL;
}

static void
log_counters(struct collector *c)
{
	const struct col_engine_stats *s = col_engine_get_stats(c->engine);

	g_message("records %" G_GUINT64_FORMAT ", late %" G_GUINT64_FORMAT
	          ", absurd times %" G_GUINT64_FORMAT
	          ", ahead of the clock %" G_GUINT64_FORMAT
	          ", reports %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT
	          " failed, %" G_GUINT64_FORMAT " closed early)",
	    s->records, s->late_records, s->absurd_records, s->ahead_records,
	    s->intervals, c->reports_failed, s->early_closes);
	col_ingest_log_counters(c->ingest);
	col_archive_log_counters(c->archive);
	col_listen_log_counters(c->listen);
	col_forward_log_counters(c->forward);
	col_fwdnorm_log_counters(c->fwdnorm);
	col_wiring_log_counters(c->wiring);
}

static int
run_offline(struct collector *c, char **files)
{
	GError *err = NULL;
	int status = EXIT_SUCCESS;
	size_t i;

	/* Reports are made durable once, at the end, not one by one. */
	c->rcfg.no_sync = TRUE;
	c->rcfg.written = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; files[i] != NULL && !mf_signal_pending(MF_SIGNAL_STOP);
	     i++) {
		col_ingest_set_file_name(c->ingest, files[i]);
		if (!col_listen_read_file(files[i], take, c, &err)) {
			g_warning("%s", err->message);
			g_clear_error(&err);
			status = 2;
		}
	}
	col_engine_flush(c->engine);
	if (!col_report_sync(&c->rcfg, &err)) {
		g_warning("reports: %s", err->message);
		g_clear_error(&err);
		status = 2;
	}
	g_ptr_array_free(c->rcfg.written, TRUE);
	c->rcfg.written = NULL;
	return status;
}

/*
 * SIGHUP: read the configuration again.  [networks] (internal networks,
 * web ports, allowed exporters), [focus] target and [reports] dir, top
 * and retention apply at once; a bad file changes nothing.
 */
static void
reload(struct collector *c)
{
	struct col_config fresh;
	GError *err = NULL;

	if (!col_options_load_config(c->opts, &fresh, &err))
		goto fail;
	if (!mf_fsafe_check_dir(fresh.reports.dir, "reports", &err)) {
		col_config_clear(&fresh);
		goto fail;
	}
	col_config_note_restart(&c->cfg, &fresh);
	col_ingest_set_allow(c->ingest, fresh.networks.allow,
	    fresh.networks.n_allow);
	if (!col_wiring_reload(c->wiring, &fresh, &err)) {
		g_warning("reload: %s", err->message);
		g_clear_error(&err);
	}
	col_config_clear(&c->cfg);
	c->cfg = fresh;
	c->rcfg.dir = c->cfg.reports.dir;
	c->rcfg.top = (uint32_t)c->cfg.reports.top;
	c->rcfg.retention_days = (uint32_t)c->cfg.reports.retention_days;
	g_message("reload: configuration read again");
	return;
fail:
	g_warning("reload: %s (keeping the running configuration)",
	    err->message);
	g_error_free(err);
}

static void
handle_signals(struct collector *c)
{
	if (mf_signal_take(MF_SIGNAL_USR1)) {
		log_counters(c);
	}
	if (mf_signal_take(MF_SIGNAL_HUP)) {
		reload(c);
	}
}

/* The exporters' lines and the counters for the web, 4 times a second. */
static void
publish_web(struct collector *c, uint64_t *next_ms)
{
	struct col_web *web = col_wiring_web(c->wiring);
	uint64_t now = mono_ms();

	if (web == NULL || now < *next_ms)
		return;
	*next_ms = now + 250;
	col_web_publish(web, c->exporters, col_engine_get_stats(c->engine),
	    c->reports_failed);
	col_web_publish_listeners(web, c->udp,
	    col_listen_udp_stats(c->listen, c->udp, G_N_ELEMENTS(c->udp)));
}

static int
run_live(struct collector *c)
{
	uint64_t next_publish = 0;

	col_ingest_load_templates(c->ingest, c->cfg.exporters.templates_file);
	/* Live from the first record: its time is held to the clock. */
	col_engine_tick(c->engine, (uint64_t)g_get_real_time() / 1000);
	while (!mf_signal_pending(MF_SIGNAL_STOP)) {
		/* Paced or TCP forwarding may want the loop sooner. */
		col_listen_poll(c->listen,
		    col_forward_wait_ms(c->forward,
		        (uint64_t)g_get_monotonic_time(), 500),
		    take, c);
		col_forward_tick(c->forward, (uint64_t)g_get_monotonic_time());
		publish_web(c, &next_publish);
		col_engine_tick(c->engine, (uint64_t)g_get_real_time() / 1000);
		if (c->archive != NULL)
			col_archive_tick(c->archive,
			    (uint64_t)g_get_real_time() / 1000);
		col_fwdnorm_tick(c->fwdnorm, mono_ms());
		handle_signals(c);
	}
	/* What was received is decoded before the last report. */
	col_listen_stop(c->listen, take, c);
	col_engine_flush(c->engine);
	col_fwdnorm_flush(c->fwdnorm);
	col_forward_drain(c->forward, FORWARD_DRAIN_MS);
	col_archive_rotate(c->archive); /* into place before the counters */
	save_templates(c);
	return EXIT_SUCCESS;
}

/* Live only: [forward], raw datagrams or normalised records. */
static gboolean
open_forward(struct collector *c, GError **error)
{
	if ((c->forward = col_forward_new(&c->cfg.forward, error)) == NULL)
		return FALSE;
	c->fwdnorm = col_fwdnorm_new(c->forward, 0, mono_ms());
	return TRUE;
}

/* Live only: the listeners, with the TCP limits of [listen]. */
static gboolean
open_listen(struct collector *c, GError **error)
{
	struct col_listen_limits lim = { (uint32_t)c->cfg.listen.tcp_idle,
		(uint32_t)c->cfg.listen.tcp_per_address,
		c->cfg.listen.udp_rcvbuf, c->cfg.listen.udp_queue };

	c->listen = col_listen_open(c->cfg.listen.endpoints, c->cfg.listen.n,
	    &lim, error);
	return c->listen != NULL;
}

/* Live only: -r never writes the archive (it may be reading it). */
static gboolean
open_archive(struct collector *c, GError **error)
{
	struct col_archive_config ac = { c->cfg.archive.dir,
		c->cfg.archive.rotate, c->cfg.archive.max_file_size,
		c->cfg.archive.retention * 86400, c->cfg.archive.max_total_size,
		c->cfg.archive.compat };

	c->archive =
	    col_archive_new(&ac, (uint64_t)g_get_real_time() / 1000, error);
	return c->archive != NULL || ac.dir[0] == '\0';
}

int
main(int argc, char **argv)
{
	struct col_options o;
	struct collector *c;
	GError *err = NULL;
	int status = EXIT_FAILURE;

	memset(&o, 0, sizeof(o));
	g_set_prgname("minflow-collector");
	if (!col_options_parse(argc, argv, &o, &err)) {
		g_printerr("minflow-collector: %s (see --help)\n",
		    err->message);
		g_error_free(err);
		col_options_clear(&o);
		return EXIT_FAILURE;
	}
	if (o.version || o.check || o.dump) {
		status = EXIT_SUCCESS;
		if (o.version)
			printf("minflow-collector %s\n", PACKAGE_VERSION);
		else if (o.check)
			status = col_options_check_config(&o);
		else
			col_options_dump_config();
		col_options_clear(&o);
		return status;
	}
	if (o.pidfile != NULL) {
		char *abs = g_canonicalize_filename(o.pidfile, NULL);

		g_free(o.pidfile);
		o.pidfile = abs;
	}
	mf_log_init("minflow-collector", o.daemon, o.verbose);
	mf_signals_install();
	c = g_new0(struct collector, 1);
	c->opts = &o;
	if (col_options_load_config(&o, &c->cfg, &err) && start(c, &err) &&
	    (o.read != NULL ||
	        (open_listen(c, &err) && open_archive(c, &err))) &&
	    (o.read != NULL || open_forward(c, &err)) &&
	    (o.read != NULL || mf_detach(o.daemon, o.pidfile, &err)) &&
	    (o.read != NULL ||
	        col_web_start(col_wiring_web(c->wiring), &err))) {
		status = o.read != NULL ? run_offline(c, o.read) : run_live(c);
		log_counters(c);
	} else {
		g_printerr("minflow-collector: %s\n", err->message);
		g_error_free(err);
	}
	col_archive_free(c->archive);
	col_listen_free(c->listen);
	col_fwdnorm_free(c->fwdnorm);
	col_forward_free(c->forward);
	col_engine_free(c->engine);
	col_wiring_free(c->wiring);
	col_ingest_free(c->ingest);
	col_config_clear(&c->cfg);
	g_free(c);
	col_options_clear(&o);
	return status;
}
