/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-main"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <pcap/pcap.h>

#include "common/daemon.h"
#include "common/error.h"
#include "common/hash.h"
#include "common/log.h"
#include "common/model.h"
#include "exporter/cache.h"
#include "exporter/capture.h"
#include "exporter/decode.h"
#include "exporter/dnslabel.h"
#include "exporter/export.h"
#include "exporter/frag.h"
#include "exporter/options.h"
#include "exporter/privs.h"
#include "exporter/sink.h"

#define EXIT_READ_ERROR 2
#define LINGER_MS 2000u /* after FIN both ways or RST */
#define LIVE_POLL_MS 250
#define EXPIRE_STEP_MS 1000u /* expiry granularity, in flow time */

struct exporter {
	const struct exp_config *cfg;
	struct exp_capture *cap;
	struct exp_sink *sink;
	struct exp_export *exp;
	struct exp_cache *cache;
	struct exp_frag *frag;
	struct exp_dnslabel *dns; /* NULL with --no-dns */
	struct exp_decode_stats dstats;
	uint64_t boot_ms;
	uint64_t now_ms;     /* flow time: packet time (file) or clock */
	uint64_t expired_ms; /* last expiry run */
	uint64_t stats_ms;   /* last statistics record */
};

static uint64_t
real_ms(void)
{
	return (uint64_t)g_get_real_time() / 1000;
}

static void
on_packet(void *ctx, const struct pcap_pkthdr *h, const uint8_t *bytes, int dlt,
    uint32_t ifindex)
{
	struct exporter *x = ctx;
	struct exp_pkt p;
	enum exp_decode_result r;

	p.ts_ms =
	    (uint64_t)h->ts.tv_sec * 1000 + (uint64_t)h->ts.tv_usec / 1000;
	r = exp_decode(dlt, bytes, h->caplen, h->len, &p);
	x->dstats.result[r]++;
	if (r != EXP_DECODE_OK)
		return;
	if (p.l4_trunc)
		x->dstats.l4_truncated++;
	if (p.is_frag) {
		x->dstats.fragments++;
		exp_frag_process(x->frag, &p);
	}
	if (exp_capture_is_file(x->cap) && p.ts_ms > x->now_ms) {
		if (x->now_ms == 0) {
			/* Reading a file, time starts at its first packet. */
			x->boot_ms = p.ts_ms;
			exp_export_set_boot(x->exp, p.ts_ms);
		}
		x->now_ms = p.ts_ms;
	}
	if (x->dns == NULL) {
		exp_cache_update(x->cache, &p, ifindex);
		return;
	}
	exp_dnslabel_packet(x->dns, &p);
	exp_dnslabel_flow_packet(x->dns,
	    exp_cache_update(x->cache, &p, ifindex), &p);
}

static uint64_t
ignored_packets(const struct exp_decode_stats *d)
{
	uint64_t n = 0;
	int i;

	for (i = 1; i < EXP_DECODE_N_RESULTS; i++)
		n += d->result[i];
	return n;
}

static void
fill_stats(struct exporter *x, struct mf_stats_rec *r)
{
	const struct exp_capture_stats *cs = exp_capture_get_stats(x->cap);
	const struct exp_cache_stats *c = exp_cache_get_stats(x->cache);
	const struct exp_export_stats *e = exp_export_get_stats(x->exp);
	const struct exp_sink_stats *s = exp_sink_get_stats(x->sink);

	memset(r, 0, sizeof(*r));
	r->domain = (uint32_t)x->cfg->domain;
	r->init_ms = x->boot_ms;
	r->packets_seen = cs->packets;
	r->kernel_drops = cs->kernel_drops;
	r->ignored = ignored_packets(&x->dstats);
	r->flows_created = c->flows_created;
	r->records_exported = e->records;
	r->messages = s->messages;
	r->octets_exported = s->octets;
	r->not_sent = e->not_sent;
	r->evicted_full = (uint32_t)MIN(c->evicted_full, UINT32_MAX);
	r->peak_flows = c->peak;
	r->expired_frags =
	    (uint32_t)MIN(exp_frag_get_stats(x->frag)->unmatched, UINT32_MAX);
	memcpy(r->labelled, e->labelled, sizeof(r->labelled));
	if (x->dns != NULL)
		exp_dnslabel_fill(x->dns, r);
}

static void
export_stats(struct exporter *x)
{
	struct mf_stats_rec r;

	fill_stats(x, &r);
	exp_export_stats(x->exp, &r);
	x->stats_ms = x->now_ms;
}

/* Timers in flow time: expiry, message linger, statistics. */
static void
run_timers(struct exporter *x)
{
	if (x->now_ms >= x->expired_ms + EXPIRE_STEP_MS) {
		exp_cache_expire(x->cache, x->now_ms);
		if (x->dns != NULL)
			exp_dnslabel_expire(x->dns, x->now_ms);
		x->expired_ms = x->now_ms;
	}
	exp_export_set_time(x->exp, x->now_ms);
	if (x->stats_ms == 0)
		x->stats_ms = x->now_ms;
	if (x->now_ms >= x->stats_ms + x->cfg->stats_interval * 1000)
		export_stats(x);
	exp_export_tick(x->exp);
}

static void print_counters(struct exporter *x, gboolean to_log);

static void
handle_signals(struct exporter *x)
{
	if (mf_signal_take(MF_SIGNAL_USR1)) {
		print_counters(x, TRUE);
	}
	if (mf_signal_take(MF_SIGNAL_HUP)) {
		exp_export_want_templates(x->exp);
	}
}

/* Returns the exit status. */
static int
run(struct exporter *x)
{
	gboolean file = exp_capture_is_file(x->cap);
	int n, status = EXIT_SUCCESS;

	while (!mf_signal_pending(MF_SIGNAL_STOP)) {
		n = exp_capture_dispatch(x->cap, LIVE_POLL_MS, on_packet, x);
		if (!file)
			x->now_ms = real_ms();
		if (n < 0) {
			g_warning("%s (the packets before it were exported)",
			    exp_capture_error(x->cap));
			status = EXIT_READ_ERROR;
			break;
		}
		if (n == 0 && file)
			break;
		run_timers(x);
		handle_signals(x);
	}
	exp_export_set_time(x->exp, x->now_ms);
	if (x->dns != NULL)
		exp_dnslabel_flush(x->dns);
	exp_cache_flush(x->cache);
	export_stats(x);
	exp_export_flush(x->exp);
	return status;
}

static void
counter(gboolean to_log, const char *name, uint64_t v)
{
	if (to_log)
		g_message("%s %" G_GUINT64_FORMAT, name, v);
	else
		fprintf(stderr, "%-28s %" G_GUINT64_FORMAT "\n", name, v);
}

static void
print_dns_counters(const struct exp_dnslabel *d, gboolean to_log)
{
	const struct exp_dnslabel_stats *s = exp_dnslabel_get_stats(d);
	struct mf_stats_rec r;
	char name[64];
	int i;

	memset(&r, 0, sizeof(r));
	exp_dnslabel_fill(d, &r); /* what the statistics record says */
	counter(to_log, "dns-answers", s->answers);
	counter(to_log, "dns-queries", s->queries);
	counter(to_log, "dns-malformed", s->malformed);
	for (i = 1; i < MF_DNS_N_RESULTS; i++) {
		g_snprintf(name, sizeof(name), "dns-malformed-%s",
		    mf_dns_result_names[i]);
		counter(to_log, name, s->by_result[i]);
	}
	counter(to_log, "dns-fragmented", s->fragmented);
	counter(to_log, "dns-tcp-split", s->tcp_split);
	counter(to_log, "dns-tcp-zero-length", s->tcp_zero);
	counter(to_log, "dns-unanswered", s->unanswered);
	counter(to_log, "dns-addresses", s->addresses);
	counter(to_log, "dns-names-cached", r.dns_cached);
	counter(to_log, "dns-names-evicted", r.dns_evicted);
	counter(to_log, "server-names-stored", s->l7_stored);
	counter(to_log, "server-names-overwritten", s->l7_overwritten);
	for (i = 0; i < MF_L7_N_RESULTS; i++) {
		g_snprintf(name, sizeof(name), "tls-sni-%s",
		    mf_l7_result_names[i]);
		counter(to_log, name, s->sni[i]);
		g_snprintf(name, sizeof(name), "http-host-%s",
		    mf_l7_result_names[i]);
		counter(to_log, name, s->host[i]);
	}
}

static void
print_counters(struct exporter *x, gboolean to_log)
{
	const struct exp_capture_stats *cs = exp_capture_get_stats(x->cap);
	const struct exp_cache_stats *c = exp_cache_get_stats(x->cache);
	const struct exp_export_stats *e = exp_export_get_stats(x->exp);
	const struct exp_sink_stats *s = exp_sink_get_stats(x->sink);
	const struct exp_frag_stats *f = exp_frag_get_stats(x->frag);
	char name[64];
	int i;

	counter(to_log, "packets", cs->packets);
	counter(to_log, "kernel-drops", cs->kernel_drops);
	for (i = 0; i < EXP_DECODE_N_RESULTS; i++) {
		g_snprintf(name, sizeof(name), "decode-%s",
		    exp_decode_result_names[i]);
		counter(to_log, name, x->dstats.result[i]);
	}
	counter(to_log, "decode-l4-truncated", x->dstats.l4_truncated);
	counter(to_log, "fragments", x->dstats.fragments);
	counter(to_log, "fragments-matched", f->matched);
	counter(to_log, "fragments-unmatched", f->unmatched);
	counter(to_log, "fragment-table-evicted", f->evicted);
	counter(to_log, "flow-packets", c->packets);
	counter(to_log, "flow-octets", c->octets);
	counter(to_log, "flows-created", c->flows_created);
	counter(to_log, "flows-expired-idle", c->expired_idle);
	counter(to_log, "flows-expired-active", c->expired_active);
	counter(to_log, "flows-ended-fin-rst", c->expired_end);
	counter(to_log, "flows-evicted-full", c->evicted_full);
	counter(to_log, "flows-flushed", c->flushed);
	counter(to_log, "flows-peak", c->peak);
	counter(to_log, "records-exported", e->records);
	counter(to_log, "records-not-sent", e->not_sent);
	counter(to_log, "messages", s->messages);
	counter(to_log, "message-octets", s->octets);
	counter(to_log, "send-errors", s->send_errors);
	counter(to_log, "template-sends", e->template_sends);
	counter(to_log, "capture-reopens", cs->reopens);
	for (i = 0; i < MF_LABEL_N_SOURCES; i++) {
		g_snprintf(name, sizeof(name), "flows-label-%s",
		    mf_label_source_names[i]);
		counter(to_log, name, e->labelled[i]);
	}
	counter(to_log, "dns-records-exported", e->dns_records);
	counter(to_log, "dns-records-not-sent", e->dns_not_sent);
	if (x->dns != NULL)
		print_dns_counters(x->dns, to_log);
}

static gboolean
open_output(struct exporter *x, GError **error)
{
	const struct exp_config *cfg = x->cfg;
	struct exp_export_config ec = {
		.protocol = cfg->protocol,
		.biflow = cfg->biflow,
		.domain = (uint32_t)cfg->domain,
		.mtu = (size_t)cfg->mtu,
		.template_refresh_ms = (uint32_t)cfg->template_refresh * 1000,
		.template_messages = (uint32_t)cfg->template_messages,
		.resend_templates =
		    cfg->write_file == NULL && cfg->transport == EXP_SINK_UDP,
		.dns_records = cfg->dns && cfg->protocol == EXP_PROTO_IPFIX,
	};

	if (cfg->write_file != NULL)
		x->sink = exp_sink_open_file(cfg->write_file, error);
	else
		x->sink = exp_sink_open_net(cfg->transport, cfg->collector_host,
		    cfg->collector_port, error);
	if (x->sink == NULL)
		return FALSE;
	if (cfg->read_file != NULL && cfg->write_file == NULL)
		exp_sink_set_pace(x->sink, (uint32_t)cfg->pace);
	x->exp = exp_export_new(&ec, x->sink, x->boot_ms, error);
	return x->exp != NULL;
}

static gboolean
open_dns(struct exporter *x, const struct mf_hash_key *seed, GError **error)
{
	const struct exp_config *cfg = x->cfg;
	struct exp_dnslabel_config dc = {
		.max_names = (size_t)cfg->max_dns_names,
		.max_l7_names = (size_t)cfg->max_server_names,
		.ttl_min_s = (uint32_t)cfg->dns_ttl_min,
		.ttl_max_s = (uint32_t)cfg->dns_ttl_max,
		.max_queries = (size_t)cfg->max_dns_queries,
		.query_timeout_ms = (uint32_t)cfg->dns_timeout * 1000,
		.mdns = cfg->mdns,
		.l7 = cfg->server_names,
		.seed = *seed,
	};

	x->dns = exp_dnslabel_new(&dc, x->exp, error);
	if (x->dns == NULL)
		return FALSE;
	exp_export_set_labeller(x->exp, exp_dnslabel_label, x->dns);
	return TRUE;
}

static gboolean
open_all(struct exporter *x, GError **error)
{
	const struct exp_config *cfg = x->cfg;
	struct exp_capture_config cc = {
		.read_file = cfg->read_file,
		.interfaces = cfg->interfaces,
		.filter = cfg->filter,
		.snaplen = (int)cfg->snaplen,
		.buffer_kib = (int)cfg->buffer_kib,
	};
	struct exp_cache_config kc = {
		.max_flows = (size_t)cfg->max_flows,
		.idle_ms = (uint32_t)cfg->idle_timeout * 1000,
		.active_ms = (uint32_t)cfg->active_timeout * 1000,
		.linger_ms = LINGER_MS,
	};

	/* Files are read with a fixed seed: reproducible output. */
	if (cfg->read_file != NULL)
		mf_hash_key_fixed(&kc.seed);
	else
		mf_hash_key_random(&kc.seed);
	if ((x->cap = exp_capture_open(&cc, error)) == NULL ||
	    !open_output(x, error))
		return FALSE;
	x->cache = exp_cache_new(&kc, exp_export_flow, x->exp, error);
	if (x->cache == NULL)
		return FALSE;
	x->frag = exp_frag_new((size_t)cfg->max_frags, &kc.seed, error);
	if (x->frag == NULL)
		return FALSE;
	return !cfg->dns || open_dns(x, &kc.seed, error);
}

/* Everything is open: detach, change user, give up the rest (privs.h). */
static gboolean
detach_and_drop(const struct exp_config *cfg, GError **error)
{
	struct exp_privs_result pr;

	return mf_detach(cfg->daemon, cfg->pidfile, error) &&
	    exp_privs_restrict(cfg->read_file == NULL, cfg->user, &pr, error);
}

static void
close_all(struct exporter *x)
{
	exp_cache_free(x->cache);
	exp_frag_free(x->frag);
	exp_dnslabel_free(x->dns);
	exp_export_free(x->exp);
	exp_sink_free(x->sink);
	exp_capture_free(x->cap);
}

int
main(int argc, char **argv)
{
	struct exp_config cfg;
	struct exporter x;
	GError *error = NULL;
	gboolean version = FALSE;
	int status = EXIT_FAILURE;

	g_set_prgname("minflow-exporter");
	if (!exp_options_parse(argc, argv, &cfg, &version, &error)) {
		g_printerr("minflow-exporter: %s (see --help)\n",
		    error->message);
		g_error_free(error);
		return EXIT_FAILURE;
	}
	if (version) {
		printf("minflow-exporter %s\n", PACKAGE_VERSION);
		return EXIT_SUCCESS;
	}
	mf_log_init("minflow-exporter", cfg.daemon, cfg.verbose);
	mf_signals_install();
	memset(&x, 0, sizeof(x));
	x.cfg = &cfg;
	x.boot_ms = cfg.read_file != NULL ? 0 : real_ms();
	x.now_ms = x.boot_ms;
	if (open_all(&x, &error) && detach_and_drop(&cfg, &error)) {
		status = run(&x);
		if (cfg.print_stats)
			print_counters(&x, FALSE);
	} else {
		g_printerr("minflow-exporter: %s\n", error->message);
		g_error_free(error);
	}
	close_all(&x);
	exp_options_clear(&cfg);
	return status;
}
