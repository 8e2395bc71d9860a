/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-main"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "collector/output/archive.h"
#include "collector/model/engine.h"
#include "collector/ingest/exporters.h"
#include "collector/ingest/fixdns.h"
#include "collector/output/forward.h"
#include "collector/output/fwdnorm.h"
#include "collector/ingest/listen.h"
#include "collector/output/report.h"
#include "collector/settings.h"
#include "collector/wiring.h"
#include "collector/ingest/v5.h"
#include "collector/ingest/v9read.h"
#include "common/daemon.h"
#include "common/error.h"
#include "common/log.h"

#define DEFAULT_CONFIG MF_SYSCONFDIR "/minflow/minflow.conf"
#define MAX_PENDING 65536 /* records held for the next intervals */
#define MSG_MAX 65535

/* Set by signal handlers, read by the loop: the only globals. */
static volatile sig_atomic_t sig_stop;
static volatile sig_atomic_t sig_usr1;
static volatile sig_atomic_t sig_hup;

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		sig_usr1 = 1;
	else if (sig == SIGHUP)
		sig_hup = 1;
	else
		sig_stop = 1;
}

/* The command line. */
struct options {
	char *config, *out_dir, *pidfile;
	char **read;
	gboolean daemon, check, dump, verbose, version;
};

struct collector {
	const struct options *opts; /* for SIGHUP: the same file again */
	struct col_config cfg;
	struct col_report_config rcfg;
	struct col_engine *engine;
	struct col_wiring *wiring; /* the engine's consumers */
	struct col_exporters *exporters;
	struct col_listen *listen;
	struct col_forward *forward; /* live only; NULL offline */
	struct col_fwdnorm *fwdnorm; /* [forward] records = normalised */
	struct col_archive *archive; /* live, if [archive] dir is set */
	uint64_t undecodable; /* datagrams no exporter could be named for */
	uint64_t denied;      /* from addresses allow-exporters refuses */
	uint64_t reports_failed;
	const char *file_name; /* offline: the exporter's name */
	struct mf_ratelimit warn;
	uint8_t xbuf[MSG_MAX]; /* a v9 datagram translated to IPFIX */
};

struct flow_ctx {
	struct collector *c;
	struct col_exporter *e;
};

static uint64_t
mono_ms(void)
{
	return (uint64_t)g_get_monotonic_time() / 1000;
}

/*
 * Every record accepted: into the archive and normalised forwarding, then
 * the model; TRUE if late.
 */
static gboolean
accept_flow(struct collector *c, const struct col_flow *f)
{
	if (c->archive != NULL)
		(void)col_archive_add_flow(c->archive, f);
	col_fwdnorm_flow(c->fwdnorm, f, mono_ms());
	return col_engine_add(c->engine, f);
}

static void
on_flow(const struct col_flow *f, void *ctx)
{
	struct flow_ctx *fc = ctx;

	fc->e->records++;
	if (accept_flow(fc->c, f))
		fc->e->late++;
}

static void
on_dns(const struct col_dns_rec *d, void *ctx)
{
	struct collector *c = ctx;
	uint8_t list[5 + 16 * COL_DNS_MAX_ADDRS];
	struct mf_dns_rec r;

	col_engine_add_dns(c->engine, d);
	if (c->archive == NULL && c->fwdnorm == NULL)
		return;
	col_fixdns_to_wire(d, &r, list, sizeof(list));
	if (c->archive != NULL)
		col_archive_add_dns(c->archive, &r, d->client.family);
	col_fwdnorm_dns(c->fwdnorm, &r, d->client.family, mono_ms());
}

/* Live: keep the exporters' templates on disk (each report, and at exit). */
static void
save_templates(struct collector *c)
{
	GError *err = NULL;
	char *dir;

	if (c->listen == NULL || c->cfg.exporters.templates_file == NULL ||
	    c->cfg.exporters.templates_file[0] == '\0')
		return;
	dir = g_path_get_dirname(c->cfg.exporters.templates_file);
	g_mkdir_with_parents(dir, 0755);
	g_free(dir);
	if (!col_exporters_save_templates(c->exporters,
	        c->cfg.exporters.templates_file, &err)) {
		if (mf_ratelimit_ok(&c->warn, g_get_monotonic_time()))
			g_warning("templates: %s", err->message);
		g_error_free(err);
	}
}

static void
load_templates(struct collector *c)
{
	GError *err = NULL;
	size_t n = 0;

	if (c->cfg.exporters.templates_file == NULL ||
	    c->cfg.exporters.templates_file[0] == '\0')
		return;
	if (!col_exporters_load_templates(c->exporters,
	        c->cfg.exporters.templates_file, &n, &err)) {
		g_warning("templates: %s", err->message);
		g_error_free(err);
	}
	if (n > 0)
		g_message("templates of %zu exporters restored from %s", n,
		    c->cfg.exporters.templates_file);
}

static void
on_report(const struct col_interval *iv, void *ctx)
{
	struct collector *c = ctx;
	const struct col_report_exporter *lines;
	GError *err = NULL;
	size_t n;

	lines = col_exporters_report(c->exporters, &n);
	/* Live, retention counts from the clock if flow time runs ahead. */
	c->rcfg.now_ms =
	    c->listen != NULL ? (uint64_t)g_get_real_time() / 1000 : 0;
	if (!col_report_write(&c->rcfg, iv, lines, n, &err)) {
		c->reports_failed++;
		g_warning("report: %s", err->message);
		g_clear_error(&err);
	}
	save_templates(c);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Formatting the peer costs: only when a warning is actually logged. */
static void
bad_datagram(struct collector *c, const char *what, const struct mf_addr *a)
{
	char peer[MF_ADDR_STRLEN];

	c->undecodable++;
	if (mf_ratelimit_ok(&c->warn, g_get_monotonic_time()))
		g_warning("%s: malformed %s datagram (%" G_GUINT64_FORMAT
		          " so far)",
		    mf_addr_format(a, peer, sizeof(peer)), what,
		    c->undecodable);
}

/* Log, once per rate-limit period and exporter, that it sent garbage. */
static void
warn_exporter(struct col_exporter *e, const char *what, uint64_t before,
    uint64_t after)
{
	if (after > before && mf_ratelimit_ok(&e->warn, g_get_monotonic_time()))
		g_warning("exporter %s port %u: %s (%" G_GUINT64_FORMAT
		          " so far)",
		    e->name, (unsigned)e->port, what, after);
}

static uint64_t
fix_bad(const struct col_exporter *e)
{
	const struct col_fixread_stats *s = col_fixread_get_stats(e->fix);

	return s->malformed + s->before_template + s->templates_refused +
	    e->v9.malformed;
}

static void
take_ipfix(struct collector *c, const struct mf_addr *a, uint16_t port,
    const uint8_t *msg, size_t len)
{
	struct flow_ctx fc = { c, NULL };

	if (len < 16 || msg[0] != 0 || msg[1] != 10) {
		bad_datagram(c, "IPFIX", a);
		return;
	}
	fc.e = col_exporters_get(c->exporters, a, port, be32(msg + 12),
	    COL_PROTO_IPFIX);
	if (fc.e != NULL && a->family == 0 && c->file_name != NULL)
		g_strlcpy(fc.e->name, c->file_name, sizeof(fc.e->name));
	if (fc.e != NULL) {
		uint64_t bad = fix_bad(fc.e);

		col_fixread_set_dns_fn(fc.e->fix, on_dns, c);
		col_fixread_message(fc.e->fix, msg, len, 0, on_flow, &fc);
		warn_exporter(fc.e, "undecodable IPFIX", bad, fix_bad(fc.e));
	}
}

static void
take_v9(struct collector *c, const struct mf_addr *a, uint16_t port,
    const uint8_t *msg, size_t len)
{
	struct flow_ctx fc = { c, NULL };
	uint64_t bad;
	uint32_t source_id;
	uint64_t boot_ms;
	size_t xlen;

	if (len < COL_V9_HEADER_LEN || msg[0] != 0 || msg[1] != 9) {
		bad_datagram(c, "NetFlow v9", a);
		return;
	}
	fc.e = col_exporters_get(c->exporters, a, port, be32(msg + 16),
	    COL_PROTO_V9);
	if (fc.e == NULL)
		return;
	bad = fix_bad(fc.e);
	if (col_v9_translate(&fc.e->v9, msg, len, c->xbuf, sizeof(c->xbuf),
	        &xlen, &source_id, &boot_ms) == 0)
		col_fixread_message(fc.e->fix, c->xbuf, xlen, boot_ms, on_flow,
		    &fc);
	warn_exporter(fc.e, "undecodable NetFlow v9", bad, fix_bad(fc.e));
}

static void
take_v5(struct collector *c, const struct mf_addr *a, uint16_t port,
    const uint8_t *msg, size_t len)
{
	struct mf_rbuf rb;
	struct col_v5_header h;
	struct col_exporter *e;
	struct col_flow f;
	uint16_t i;

	mf_rbuf_init(&rb, msg, len);
	if (col_v5_read_header(&rb, &h) != 0) {
		bad_datagram(c, "NetFlow v5", a);
		return;
	}
	e = col_exporters_get(c->exporters, a, port,
	    (uint32_t)h.engine_type << 8 | h.engine_id, COL_PROTO_V5);
	if (e == NULL)
		return;
	if (e->v5_have_seq && h.flow_sequence != e->v5_next_seq &&
	    h.flow_sequence - e->v5_next_seq < 0x80000000u)
		e->v5_lost += h.flow_sequence - e->v5_next_seq;
	e->v5_have_seq = TRUE;
	e->v5_next_seq = h.flow_sequence + h.count;
	for (i = 0; i < h.count; i++) {
		if (col_v5_read_record(&rb, &h, &f) != 0) {
			e->v5_malformed++;
			warn_exporter(e, "malformed NetFlow v5", 0,
			    e->v5_malformed);
			break;
		}
		e->records++;
		if (accept_flow(c, &f))
			e->late++;
	}
}

/* A datagram (or a TCP message) from peer a:port on a listener of kind. */
static void
on_message(void *ctx, enum col_listen_kind kind, const struct mf_addr *a,
    uint16_t port, const uint8_t *msg, size_t len)
{
	struct collector *c = ctx;

	if (!col_config_allows(&c->cfg.networks, a)) {
		c->denied++;
		return;
	}
	col_forward_message(c->forward, kind, a, port, msg, len);
	if (kind == COL_LISTEN_V9)
		take_v9(c, a, port, msg, len);
	else if (kind == COL_LISTEN_V5)
		take_v5(c, a, port, msg, len);
	else
		take_ipfix(c, a, port, msg, len);
}

/* --- command line ----------------------------------------------------------
 */

static gboolean
parse_options(int argc, char **argv, struct options *o, GError **error)
{
	GOptionEntry entries[] = {
		{ "config", 'C', 0, G_OPTION_ARG_FILENAME, &o->config,
		    "configuration file (default " DEFAULT_CONFIG
		    "; without one, the defaults)",
		    "FILE" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &o->out_dir,
		    "report directory (overrides [reports] dir)", "DIR" },
		{ "read", 'r', 0, G_OPTION_ARG_FILENAME_ARRAY, &o->read,
		    "offline: read IPFIX files (repeatable), report, exit",
		    "FILE" },
		{ "daemon", 'D', 0, G_OPTION_ARG_NONE, &o->daemon,
		    "detach and log to syslog", NULL },
		{ "pidfile", 'p', 0, G_OPTION_ARG_FILENAME, &o->pidfile,
		    "write the process id to FILE", "FILE" },
		{ "check-config", 0, 0, G_OPTION_ARG_NONE, &o->check,
		    "check the configuration and exit", NULL },
		{ "dump-config", 0, 0, G_OPTION_ARG_NONE, &o->dump,
		    "print every key with its default and exit", NULL },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &o->verbose,
		    "log debug messages", NULL },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &o->version,
		    "print the version and exit", NULL },
		G_OPTION_ENTRY_NULL
	};
	GOptionContext *ctx = g_option_context_new("- minflow collector");
	gboolean ok;

	g_option_context_set_summary(ctx,
	    "Receive IPFIX, NetFlow v9 and v5, keep address, stream and "
	    "port tables,\nand write a JSON report every interval.  "
	    "See minflow-collector(8).");
	g_option_context_add_main_entries(ctx, entries, NULL);
	ok = g_option_context_parse(ctx, &argc, &argv, error);
	g_option_context_free(ctx);
	if (ok && argc > 1) {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
		    "unexpected argument '%s'", argv[1]);
		ok = FALSE;
	}
	return ok;
}

static gboolean
load_config(const struct options *o, struct col_config *cfg, GError **error)
{
	const char *path = o->config;

	if (path == NULL && g_file_test(DEFAULT_CONFIG, G_FILE_TEST_EXISTS))
		path = DEFAULT_CONFIG;
	if (!col_config_load(path, cfg, error))
		return FALSE;
	if (o->out_dir != NULL) {
		g_free(cfg->reports.dir);
		cfg->reports.dir = g_strdup(o->out_dir);
	}
	/* Absolute: -D changes directory before the first report. */
	if (!g_path_is_absolute(cfg->reports.dir)) {
		char *abs = g_canonicalize_filename(cfg->reports.dir, NULL);

		g_free(cfg->reports.dir);
		cfg->reports.dir = abs;
	}
	/* The templates file lives beside the reports unless absolute. */
	if (cfg->exporters.templates_file[0] != '\0' &&
	    !g_path_is_absolute(cfg->exporters.templates_file)) {
		char *abs = g_build_filename(cfg->reports.dir,
		    cfg->exporters.templates_file, NULL);

		g_free(cfg->exporters.templates_file);
		cfg->exporters.templates_file = abs;
	}
	return TRUE;
}

/* --- running ------------------------------------------------------------- */

static gboolean
start(struct collector *c, GError **error)
{
	struct col_engine_config ec = { (uint32_t)c->cfg.reports.interval,
		(uint32_t)c->cfg.reports.grace, MAX_PENDING };

	c->rcfg.dir = c->cfg.reports.dir;
	c->rcfg.top = (uint32_t)c->cfg.reports.top;
	c->rcfg.retention_days = (uint32_t)c->cfg.reports.retention_days;
	c->exporters = col_exporters_new((size_t)c->cfg.exporters.max,
	    (size_t)c->cfg.exporters.max_templates);
	c->engine = col_engine_new(&ec, on_report, c, error);
	/* Offline runs hash with a fixed key: the same file, the same report.
	 */
	return c->engine != NULL &&
	    (c->wiring = col_wiring_new(&c->cfg, c->opts->read != NULL,
	         c->engine, error)) != NULL;
}

static void
log_archive(const struct col_archive_stats *a)
{
	g_message("archive: files %" G_GUINT64_FORMAT
	          ", records %" G_GUINT64_FORMAT
	          ", dns records %" G_GUINT64_FORMAT
	          ", bytes %" G_GUINT64_FORMAT
	          ", zero-packet records %" G_GUINT64_FORMAT
	          ", dropped %" G_GUINT64_FORMAT
	          ", write errors %" G_GUINT64_FORMAT
	          ", removed %" G_GUINT64_FORMAT
	          " by age and %" G_GUINT64_FORMAT " by size",
	    a->files, a->records, a->dns_records, a->bytes, a->zero_packets,
	    a->dropped, a->write_errors, a->removed_age, a->removed_size);
}

static void
log_counters(struct collector *c)
{
	const struct col_engine_stats *s = col_engine_get_stats(c->engine);
	const struct col_listen_stats *l =
	    c->listen ? col_listen_get_stats(c->listen) : NULL;

	g_message("records %" G_GUINT64_FORMAT ", late %" G_GUINT64_FORMAT
	          ", absurd times %" G_GUINT64_FORMAT
	          ", reports %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT
	          " failed, %" G_GUINT64_FORMAT " closed early)",
	    s->records, s->late_records, s->absurd_records, s->intervals,
	    c->reports_failed, s->early_closes);
	g_message("undecodable datagrams %" G_GUINT64_FORMAT
	          ", denied %" G_GUINT64_FORMAT
	          ", exporters refused %" G_GUINT64_FORMAT
	          ", replaced %" G_GUINT64_FORMAT,
	    c->undecodable, c->denied, col_exporters_refused(c->exporters),
	    col_exporters_replaced(c->exporters));
	if (c->archive != NULL)
		log_archive(col_archive_get_stats(c->archive));
	if (l != NULL)
		g_message("datagrams %" G_GUINT64_FORMAT
		          ", tcp connections %" G_GUINT64_FORMAT
		          " (%" G_GUINT64_FORMAT " refused, %" G_GUINT64_FORMAT
		          " malformed)",
		    l->datagrams, l->tcp_accepted, l->tcp_refused,
		    l->tcp_malformed);
	col_forward_log_counters(c->forward);
	if (c->fwdnorm != NULL) {
		const struct col_fwdnorm_stats *n =
		    col_fwdnorm_get_stats(c->fwdnorm);

		g_message("forward: normalised records %" G_GUINT64_FORMAT
		          ", DNS records %" G_GUINT64_FORMAT
		          ", zero-packet records not sent %" G_GUINT64_FORMAT
		          ", messages %" G_GUINT64_FORMAT,
		    n->records, n->dns_records, n->zero_packet, n->messages);
	}
}

static int
run_offline(struct collector *c, char **files)
{
	GError *err = NULL;
	int status = EXIT_SUCCESS;
	size_t i;

	for (i = 0; files[i] != NULL && !sig_stop; i++) {
		c->file_name = files[i];
		if (!col_listen_read_file(files[i], on_message, c, &err)) {
			g_warning("%s", err->message);
			g_clear_error(&err);
			status = 2;
		}
	}
	col_engine_flush(c->engine);
	return status;
}

/* What a reload cannot change: say so rather than pretend. */
static void
note_restart_keys(const struct col_config *a, const struct col_config *b)
{
	int k;

	for (k = 0; k < 4; k++)
		if (a->listen.n[k] != b->listen.n[k])
			g_message("reload: [listen] changes take effect on "
			          "restart");
	if (a->reports.interval != b->reports.interval ||
	    a->reports.grace != b->reports.grace ||
	    memcmp(&a->tables, &b->tables, sizeof(a->tables)) != 0 ||
	    a->exporters.max != b->exporters.max ||
	    a->exporters.max_templates != b->exporters.max_templates)
		g_message("reload: [reports] interval/grace, [tables] and "
		          "[exporters] take effect on restart");
	if (!g_strv_equal((const char *const *)a->forward.to,
	        (const char *const *)b->forward.to) ||
	    strcmp(a->forward.source, b->forward.source) != 0 ||
	    strcmp(a->forward.domains, b->forward.domains) != 0 ||
	    a->forward.max_domains != b->forward.max_domains)
		g_message("reload: [forward] changes take effect on restart");
	if (g_strcmp0(a->archive.dir, b->archive.dir) != 0 ||
	    a->archive.rotate != b->archive.rotate ||
	    a->archive.max_file_size != b->archive.max_file_size ||
	    a->archive.retention != b->archive.retention ||
	    a->archive.max_total_size != b->archive.max_total_size)
		g_message("reload: [archive] changes take effect on restart");
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

	if (!load_config(c->opts, &fresh, &err)) {
		g_warning("reload: %s (keeping the running configuration)",
		    err->message);
		g_error_free(err);
		return;
	}
	note_restart_keys(&c->cfg, &fresh);
	(void)col_wiring_reload(c->wiring, &fresh, NULL);
	col_config_clear(&c->cfg);
	c->cfg = fresh;
	c->rcfg.dir = c->cfg.reports.dir;
	c->rcfg.top = (uint32_t)c->cfg.reports.top;
	c->rcfg.retention_days = (uint32_t)c->cfg.reports.retention_days;
	g_message("reload: configuration read again");
}

static void
handle_signals(struct collector *c)
{
	if (sig_usr1) {
		sig_usr1 = 0;
		log_counters(c);
	}
	if (sig_hup) {
		sig_hup = 0;
		reload(c);
	}
}

static int
run_live(struct collector *c)
{
	load_templates(c);
	while (!sig_stop) {
		col_listen_poll(c->listen, 500, on_message, c);
		col_engine_tick(c->engine, (uint64_t)g_get_real_time() / 1000);
		if (c->archive != NULL)
			col_archive_tick(c->archive,
			    (uint64_t)g_get_real_time() / 1000);
		col_fwdnorm_tick(c->fwdnorm, mono_ms());
		handle_signals(c);
	}
	col_engine_flush(c->engine);
	col_fwdnorm_flush(c->fwdnorm);
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

/* Live only: -r never writes the archive (it may be reading it). */
static gboolean
open_archive(struct collector *c, GError **error)
{
	struct col_archive_config ac = { c->cfg.archive.dir,
		c->cfg.archive.rotate, c->cfg.archive.max_file_size,
		c->cfg.archive.retention * 86400,
		c->cfg.archive.max_total_size };

	c->archive =
	    col_archive_new(&ac, (uint64_t)g_get_real_time() / 1000, error);
	return c->archive != NULL || ac.dir[0] == '\0';
}

static int
check_config(const struct options *o)
{
	struct col_config cfg;
	GError *err = NULL;

	if (!load_config(o, &cfg, &err)) {
		g_printerr("minflow-collector: %s\n", err->message);
		g_error_free(err);
		return EXIT_FAILURE;
	}
	printf("%s: OK\n",
	    o->config != NULL ? o->config
	        : g_file_test(DEFAULT_CONFIG, G_FILE_TEST_EXISTS)
	        ? DEFAULT_CONFIG
	        : "no file, defaults");
	col_config_clear(&cfg);
	return EXIT_SUCCESS;
}

static void
free_options(struct options *o)
{
	g_free(o->config);
	g_free(o->out_dir);
	g_free(o->pidfile);
	g_strfreev(o->read);
}

static void
dump_config(void)
{
	char *text =
	    mf_conf_format_defaults(col_config_keys, col_config_n_keys);

	fputs(text, stdout);
	g_free(text);
}

int
main(int argc, char **argv)
{
	struct options o;
	struct collector *c;
	GError *err = NULL;
	int status = EXIT_FAILURE;

	memset(&o, 0, sizeof(o));
	g_set_prgname("minflow-collector");
	if (!parse_options(argc, argv, &o, &err)) {
		g_printerr("minflow-collector: %s (see --help)\n",
		    err->message);
		g_error_free(err);
		free_options(&o);
		return EXIT_FAILURE;
	}
	if (o.version || o.check || o.dump) {
		status = EXIT_SUCCESS;
		if (o.version)
			printf("minflow-collector %s\n", PACKAGE_VERSION);
		else if (o.check)
			status = check_config(&o);
		else
			dump_config();
		free_options(&o);
		return status;
	}
	if (o.pidfile != NULL) {
		char *abs = g_canonicalize_filename(o.pidfile, NULL);

		g_free(o.pidfile);
		o.pidfile = abs;
	}
	mf_log_init("minflow-collector", o.daemon, o.verbose);
	mf_signals_install(on_signal);
	c = g_new0(struct collector, 1);
	c->opts = &o;
	if (load_config(&o, &c->cfg, &err) && start(c, &err) &&
	    (o.read != NULL ||
	        ((c->listen = col_listen_open(c->cfg.listen.endpoints,
	              c->cfg.listen.n, &err)) != NULL &&
	            open_archive(c, &err))) &&
	    (o.read != NULL || open_forward(c, &err)) &&
	    (o.read != NULL || mf_detach(o.daemon, o.pidfile, &err))) {
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
	col_exporters_free(c->exporters);
	col_config_clear(&c->cfg);
	g_free(c);
	free_options(&o);
	return status;
}
