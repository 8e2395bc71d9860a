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
#include "exporter/conntrack.h"
#include "exporter/ctflow.h"
#include "exporter/decode.h"
#include "exporter/devices.h"
#include "exporter/dnslabel.h"
#include "exporter/export.h"
#include "exporter/frag.h"
#include "exporter/neigh.h"
#include "exporter/options.h"
#include "exporter/replay.h"
#include "exporter/privs.h"
#include "exporter/procs.h"
#include "exporter/sink.h"

#define EXIT_READ_ERROR 2
#define LINGER_MS 2000u /* after FIN both ways or RST */
#define LIVE_POLL_MS 250
#define EXPIRE_STEP_MS 1000u   /* expiry granularity, in flow time */
#define CT_GATHER_US 10000     /* --conntrack: events gather this long */
#define LOCAL_REFRESH_MS 5000u /* --processes: this host's addresses */
#define CT_FILTER_DEVICES                                           \
	"port 53 or udp port 67 or udp port 68 or udp port 546 or " \
	"udp port 547 or udp port 5353"

struct exporter {
	const struct exp_config *cfg;
	struct exp_capture *cap;
	struct exp_sink *sink;
	struct exp_export *exp;
	struct exp_cache *cache;
	struct exp_frag *frag;
	struct exp_dnslabel *dns;  /* NULL with --no-dns */
	struct exp_ctflow *ctflow; /* --conntrack, else NULL */
	struct exp_conntrack *ct;
	struct exp_neigh *neigh;  /* --conntrack: MACs of neighbours */
	struct exp_devices *devs; /* --devices, else NULL */
	uint64_t leases_ms;       /* --leases: last poll (flow time) */
	struct exp_procs *procs;  /* --processes, else NULL */
	uint64_t local_ms;        /* --processes: addresses last read */
	struct exp_decode_stats dstats;
	uint64_t boot_ms;
	uint64_t now_ms;          /* flow time: packet time (file) or clock */
	uint64_t expired_ms;      /* last expiry run */
	uint64_t stats_ms;        /* last statistics record */
	struct exp_replay replay; /* with --replay-speed */
	gboolean replaying;
	gboolean from_file; /* exp_capture_is_file(cap), read once */
};

static uint64_t
real_ms(void)
{
	return (uint64_t)g_get_real_time() / 1000;
}

static void run_timers(struct exporter *x);

/*
 * --replay-speed: wait until the packet is due, in steps of at most
 * 100 ms so that SIGTERM is seen and the timers run on the replay's clock
 * (a message waiting for more records leaves on time), and give the
 * packet its time in the present.
 */
static uint64_t
replay_wait(struct exporter *x, uint64_t ts_ms)
{
	uint64_t wait_us, t, step;

	t = exp_replay_time(&x->replay, ts_ms, real_ms(),
	    (uint64_t)g_get_monotonic_time(), &wait_us);
	while (wait_us > 0 && !mf_signal_pending(MF_SIGNAL_STOP)) {
		step = MIN(wait_us, 100000);
		g_usleep((gulong)step);
		wait_us -= step;
		if (x->now_ms == 0)
			continue; /* the first packet sets the start */
		x->now_ms = MAX(x->now_ms,
		    exp_replay_now(&x->replay,
		        (uint64_t)g_get_monotonic_time()));
		run_timers(x);
	}
	return t;
}

static void
on_packet(void *ctx, const struct pcap_pkthdr *h, const uint8_t *bytes, int dlt,
    uint32_t ifindex)
{
	struct exporter *x = ctx;
	struct exp_pkt p;
	struct exp_flow *f;
	enum exp_decode_result r;

	p.ts_ms =
	    (uint64_t)h->ts.tv_sec * 1000 + (uint64_t)h->ts.tv_usec / 1000;
	if (x->replaying)
		p.ts_ms = replay_wait(x, p.ts_ms);
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
	if (x->from_file && p.ts_ms > x->now_ms) {
		if (x->now_ms == 0) {
			/* Reading a file, time starts at its first packet. */
			x->boot_ms = p.ts_ms;
			exp_export_set_boot(x->exp, p.ts_ms);
		}
		x->now_ms = p.ts_ms;
	}
	if (x->devs != NULL)
		exp_devices_packet(x->devs, &p);
	if (x->ct != NULL) {
		/* conntrack counts the flows: this capture is DNS only. */
		if (x->dns != NULL)
			exp_dnslabel_packet(x->dns, &p);
		return;
	}
	if (x->dns != NULL)
		exp_dnslabel_packet(x->dns, &p);
	f = exp_cache_update(x->cache, &p, ifindex);
	/* --processes: the socket's owner, once, at the flow's start. */
	if (x->procs != NULL && f != NULL && f->proc_ref == EXP_PROCS_REF_UNSET)
		f->proc_ref = exp_procs_lookup(x->procs, &f->key, f->initiator,
		    x->now_ms);
	if (x->dns != NULL)
		exp_dnslabel_flow_packet(x->dns, f, &p);
}

/* The exp_proc_fn: the name learned at the flow's start. */
static gboolean
flow_process(const struct exp_flow *f, const char **name, uint32_t *pid,
    void *ctx)
{
	return exp_procs_get(ctx, f->proc_ref, name, pid);
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

static const struct exp_capture_stats no_capture;

static const struct exp_capture_stats *
capture_stats(struct exporter *x)
{
	return x->cap != NULL ? exp_capture_get_stats(x->cap) : &no_capture;
}

static void
fill_conntrack_stats(struct exporter *x, struct mf_stats_rec *r)
{
	const struct exp_ctflow_stats *t = exp_ctflow_get_stats(x->ctflow);

	r->flows_created = t->events[EXP_CT_NEW];
	r->peak_flows = t->peak;
	r->evicted_full = (uint32_t)MIN(t->table_full, UINT32_MAX);
	r->ct_lost = t->lost_ended;
	r->ct_overruns = exp_conntrack_get_stats(x->ct)->enobufs;
}

static void
fill_stats(struct exporter *x, struct mf_stats_rec *r)
{
	const struct exp_capture_stats *cs = capture_stats(x);
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
	r->not_sent = e->not_sent + e->refused;
	r->evicted_full = (uint32_t)MIN(c->evicted_full, UINT32_MAX);
	r->peak_flows = c->peak;
	r->expired_frags =
	    (uint32_t)MIN(exp_frag_get_stats(x->frag)->unmatched, UINT32_MAX);
	memcpy(r->labelled, e->labelled, sizeof(r->labelled));
	if (x->dns != NULL)
		exp_dnslabel_fill(x->dns, r);
	if (x->ct != NULL)
		fill_conntrack_stats(x, r);
}

static void
export_stats(struct exporter *x)
{
	struct mf_stats_rec r;

	fill_stats(x, &r);
	exp_export_stats(x->exp, &r);
	x->stats_ms = x->now_ms;
}

/* --leases: read the file when it changed (stat once a second). */
static void
poll_leases(struct exporter *x)
{
	GError *error = NULL;

	if (x->devs == NULL || x->cfg->leases == NULL ||
	    (x->leases_ms != 0 && x->now_ms < x->leases_ms + 1000))
		return;
	x->leases_ms = MAX(x->now_ms, 1);
	exp_export_set_time(x->exp, x->now_ms);
	if (!exp_devices_leases(x->devs, x->cfg->leases, x->now_ms, &error)) {
		g_warning("%s (tried again in a second)", error->message);
		g_error_free(error);
	}
}

/* Timers in flow time: expiry, message linger, statistics. */
static void
run_timers(struct exporter *x)
{
	poll_leases(x);
	if (x->now_ms >= x->expired_ms + EXPIRE_STEP_MS) {
		exp_cache_expire(x->cache, x->now_ms);
		if (x->dns != NULL)
			exp_dnslabel_expire(x->dns, x->now_ms);
		x->expired_ms = x->now_ms;
	}
	if (x->procs != NULL && x->now_ms >= x->local_ms + LOCAL_REFRESH_MS) {
		exp_procs_refresh_local(x->procs); /* DHCP, SLAAC changes */
		x->local_ms = x->now_ms;
	}
	exp_export_set_time(x->exp, x->now_ms);
	if (x->stats_ms == 0)
		x->stats_ms = x->now_ms;
	if (x->now_ms >= x->stats_ms + x->cfg->stats_interval * 1000)
		export_stats(x);
	exp_export_tick(x->exp);
}

static void print_counters(struct exporter *x, gboolean to_log);

/* A conntrack slice: the MACs of its hosts that are neighbours, export. */
static void
on_ct_flow(const struct exp_flow *f, int reason, const struct exp_nat *nat,
    void *ctx)
{
	struct exporter *x = ctx;
	struct exp_flow g = *f;
	int s;

	for (s = 0; s < 2; s++)
		if (exp_neigh_find(x->neigh, g.key.family, g.key.addr[s],
		        g.mac[s]))
			g.has_mac = 1;
	exp_export_flow_nat(x->exp, &g, reason, nat);
}

/* --conntrack: events (and dumps when due), then the DNS capture. */
static gboolean
conntrack_step(struct exporter *x)
{
	GError *error = NULL;
	int wait = x->cap != NULL ? LIVE_POLL_MS / 5 : LIVE_POLL_MS;

	int n;

	/*
	 * First whatever DNS the capture buffer holds (it never waits here),
	 * so that answers are learned before the slices they label leave.
	 */
	if (x->cap != NULL)
		(void)exp_capture_dispatch(x->cap, 0, on_packet, x);
	if (!exp_neigh_refresh(x->neigh, real_ms(), &error)) {
		g_warning("%s (MACs of the last dump kept)", error->message);
		g_clear_error(&error);
	}
	n = exp_conntrack_dispatch(x->ct, wait, real_ms(), &error);
	if (n < 0) {
		g_warning("%s", error->message);
		g_error_free(error);
		return FALSE;
	}
	/*
	 * Let events gather (the socket buffer holds them) rather than wake
	 * for each: one wake-up costs more than reading many.
	 */
	if (n > 0 && n < EXP_CONNTRACK_BATCH)
		g_usleep(CT_GATHER_US);
	x->now_ms = real_ms();
	return TRUE;
}

/* One last slice of every open connection, then the end. */
static void
conntrack_final(struct exporter *x)
{
	GError *error = NULL;

	if (!exp_conntrack_dump(x->ct, real_ms(), TRUE, &error)) {
		g_warning("%s", error->message);
		g_error_free(error);
	}
	x->now_ms = real_ms();
}

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
	gboolean file = x->cap != NULL && exp_capture_is_file(x->cap);
	int n, status = EXIT_SUCCESS;

	while (!mf_signal_pending(MF_SIGNAL_STOP) && x->ct != NULL) {
		if (!conntrack_step(x)) {
			status = EXIT_FAILURE;
			break;
		}
		run_timers(x);
		handle_signals(x);
	}
	while (!mf_signal_pending(MF_SIGNAL_STOP) && x->ct == NULL) {
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
	if (x->ct != NULL)
		conntrack_final(x);
	exp_export_set_time(x->exp, x->now_ms);
	if (x->dns != NULL)
		exp_dnslabel_flush(x->dns);
	exp_cache_flush(x->cache);
	/* The last flow records go out first, so that the last statistics
	 * record counts every one of them (it then travels alone). */
	exp_export_flush(x->exp);
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
print_device_counters(const struct exp_devices *d, gboolean to_log)
{
	const struct exp_devices_stats *s = exp_devices_get_stats(d);
	char name[64];
	int i;

	counter(to_log, "dhcp4-messages", s->dhcp4);
	counter(to_log, "dhcp6-messages", s->dhcp6);
	for (i = 0; i < EXP_DHCP_N_RESULTS; i++) {
		g_snprintf(name, sizeof(name), "dhcp-%s",
		    exp_dhcp_result_names[i]);
		counter(to_log, name, s->dhcp_result[i]);
	}
	counter(to_log, "mdns-responses", s->mdns);
	counter(to_log, "mdns-malformed", s->mdns_bad);
	counter(to_log, "devices-learned", s->records);
	counter(to_log, "devices-repeats", s->repeats);
	counter(to_log, "devices-no-mac", s->no_mac);
	counter(to_log, "devices-names-evicted", s->names_evicted);
	counter(to_log, "devices-sent-evicted", s->sent_evicted);
	counter(to_log, "lease-reads", s->lease_reads);
	counter(to_log, "lease-lines", s->lease_lines);
	counter(to_log, "lease-bad-lines", s->lease_bad);
	counter(to_log, "lease-no-mac", s->lease_no_mac);
}

static void
print_conntrack_counters(struct exporter *x, gboolean to_log)
{
	const struct exp_ctflow_stats *t = exp_ctflow_get_stats(x->ctflow);
	const struct exp_conntrack_stats *c = exp_conntrack_get_stats(x->ct);

	counter(to_log, "conntrack-messages", c->messages);
	counter(to_log, "conntrack-malformed", c->malformed);
	counter(to_log, "conntrack-new", t->events[EXP_CT_NEW]);
	counter(to_log, "conntrack-update", t->events[EXP_CT_UPDATE]);
	counter(to_log, "conntrack-destroy", t->events[EXP_CT_DESTROY]);
	counter(to_log, "conntrack-dumped", t->events[EXP_CT_DUMP]);
	counter(to_log, "conntrack-dumps", c->dumps);
	counter(to_log, "conntrack-resyncs", c->resyncs);
	counter(to_log, "conntrack-overruns", c->enobufs);
	counter(to_log, "conntrack-lost", t->lost_ended);
	counter(to_log, "conntrack-slices", t->slices);
	counter(to_log, "conntrack-no-counters", t->no_counters);
	counter(to_log, "conntrack-table-full", t->table_full);
	counter(to_log, "conntrack-counters-back", t->counter_back);
	counter(to_log, "conntrack-tcp-incomplete", t->incomplete);
	counter(to_log, "conntrack-tracked-peak", t->peak);
	counter(to_log, "neighbour-dumps",
	    exp_neigh_get_stats(x->neigh)->dumps);
	counter(to_log, "neighbour-macs",
	    exp_neigh_get_stats(x->neigh)->entries);
}

static void
print_process_counters(const struct exp_procs *p,
    const struct exp_export_stats *e, gboolean to_log)
{
	const struct exp_procs_stats *s = exp_procs_get_stats(p);

	counter(to_log, "process-lookups", s->lookups);
	counter(to_log, "process-named", s->named);
	counter(to_log, "process-not-local", s->not_local);
	counter(to_log, "process-no-socket", s->no_socket);
	counter(to_log, "process-unowned", s->unowned);
	counter(to_log, "process-scans", s->scans);
	counter(to_log, "process-rereads", s->rereads);
	counter(to_log, "process-scan-full", s->sockets_full);
	counter(to_log, "process-names-lost", s->names_lost);
	counter(to_log, "process-diag-errors", s->diag_errors);
	counter(to_log, "flows-process-named", e->process_named);
}

static void
print_counters(struct exporter *x, gboolean to_log)
{
	const struct exp_capture_stats *cs = capture_stats(x);
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
	counter(to_log, "records-refused", e->refused);
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
	counter(to_log, "device-records-exported", e->device_records);
	counter(to_log, "device-records-not-sent", e->device_not_sent);
	if (x->devs != NULL)
		print_device_counters(x->devs, to_log);
	if (x->dns != NULL)
		print_dns_counters(x->dns, to_log);
	if (x->ct != NULL)
		print_conntrack_counters(x, to_log);
	if (x->procs != NULL)
		print_process_counters(x->procs, e, to_log);
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
		.dns_records = cfg->dns && cfg->protocol == EXP_PROTO_IPFIX &&
		    !cfg->compat_sm,
		.nat = cfg->conntrack,
		.device_records =
		    cfg->devices && cfg->protocol == EXP_PROTO_IPFIX,
		.processes = cfg->processes,
		.yaf_stats = cfg->compat_sm,
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
open_devices(struct exporter *x, const struct mf_hash_key *seed, GError **error)
{
	struct exp_devices_config dc = {
		.max_devices = (size_t)x->cfg->max_devices,
		.mdns = x->cfg->mdns,
		.seed = *seed,
	};

	x->devs = exp_devices_new(&dc, x->exp, error);
	return x->devs != NULL;
}

static gboolean
open_conntrack(struct exporter *x, GError **error)
{
	const struct exp_config *cfg = x->cfg;
	struct exp_ctflow_config tc = { .max_conns = (size_t)cfg->max_flows };
	struct exp_conntrack_config cc = {
		.rcvbuf = (size_t)cfg->conntrack_buffer * 1024,
		.reliable = cfg->conntrack_reliable,
		.enable_acct = cfg->conntrack_acct,
		.dump_ms = (uint32_t)cfg->active_timeout * 1000,
	};

	x->ctflow = exp_ctflow_new(&tc, on_ct_flow, x, error);
	if (x->ctflow == NULL)
		return FALSE;
	x->neigh = exp_neigh_new((size_t)cfg->max_flows, error);
	if (x->neigh == NULL)
		return FALSE;
	x->ct = exp_conntrack_open(&cc, x->ctflow, error);
	return x->ct != NULL;
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
		.immediate = cfg->processes,
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
	/* DNS only (conntrack counts), and with --devices DHCP and mDNS. */
	if (cfg->conntrack)
		cc.filter = cfg->devices ? CT_FILTER_DEVICES : "port 53";
	if ((cfg->n_interfaces > 0 || !cfg->conntrack) &&
	    (x->cap = exp_capture_open(&cc, error)) == NULL)
		return FALSE;
	x->from_file = x->cap != NULL && exp_capture_is_file(x->cap);
	if (!open_output(x, error))
		return FALSE;
	x->cache = exp_cache_new(&kc, exp_export_flow, x->exp, error);
	if (x->cache == NULL)
		return FALSE;
	x->frag = exp_frag_new((size_t)cfg->max_frags, &kc.seed, error);
	if (x->frag == NULL)
		return FALSE;
	if (cfg->dns && !open_dns(x, &kc.seed, error))
		return FALSE;
	if (cfg->devices && !open_devices(x, &kc.seed, error))
		return FALSE;
	if (cfg->processes) {
		struct exp_procs_config pc = {
			.max_names = (size_t)cfg->max_processes,
			.max_sockets = EXP_PROCS_DEFAULT_SOCKETS,
		};

		if ((x->procs = exp_procs_new(&pc, error)) == NULL)
			return FALSE;
		exp_export_set_processes(x->exp, flow_process, x->procs);
		x->local_ms = x->now_ms;
	}
	return !cfg->conntrack || open_conntrack(x, error);
}

/* Everything is open: detach, change user, give up the rest (privs.h). */
static gboolean
detach_and_drop(const struct exp_config *cfg, GError **error)
{
	struct exp_privs_result pr;

	unsigned keep = 0;

	if (cfg->read_file == NULL)
		keep |= EXP_PRIVS_KEEP_NET;
	if (cfg->processes)
		keep |= EXP_PRIVS_KEEP_PROCS;
	return mf_detach(cfg->daemon, cfg->pidfile, error) &&
	    exp_privs_restrict(keep, cfg->user, &pr, error);
}

static void
close_all(struct exporter *x)
{
	exp_cache_free(x->cache);
	exp_frag_free(x->frag);
	exp_dnslabel_free(x->dns);
	exp_devices_free(x->devs);
	exp_conntrack_free(x->ct);
	exp_ctflow_free(x->ctflow);
	exp_neigh_free(x->neigh);
	exp_procs_free(x->procs);
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
	if ((x.replaying = cfg.replay_speed != 0))
		exp_replay_init(&x.replay, cfg.replay_speed);
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
