/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-export"

#include <errno.h>
#include <string.h>

#include <glib.h>

#include "common/addr.h"
#include "common/error.h"
#include "common/log.h"
#include "common/model.h"
#include "common/msgenc.h"
#include "exporter/export.h"
#include "exporter/flowenc.h"
#include "exporter/message.h"

struct exp_export {
	struct exp_export_config cfg;
	struct exp_sink *sink;   /* borrowed */
	struct exp_message *msg; /* the IPFIX or v9 message builder */
	uint8_t *hold;           /* a data message held behind templates */
	uint64_t now_ms;
	uint64_t msg_start_ms;  /* when the open message got its first add */
	uint64_t tmpl_ms;       /* when templates last went out */
	uint64_t first_tmpl_ms; /* when they first went out */
	gboolean tmpl_ever;     /* ... if they did */
	uint32_t last_records;  /* flow records in the last message sent */
	uint32_t msg_records;   /* flow records in the open message */
	uint32_t msgs_since_tmpl;
	unsigned tmpl_gen;     /* sink generation that has our templates */
	gboolean msg_open;     /* the open message holds something */
	gboolean msg_has_tmpl; /* ... and starts with the templates */
	gboolean want_tmpl;
	exp_label_fn labeller;
	void *label_ctx;
	exp_proc_fn procs;
	void *proc_ctx;
	struct mf_ratelimit warn;
	struct exp_export_stats stats;
};

static uint64_t
wall_ms(void)
{
	return (uint64_t)g_get_monotonic_time() / 1000;
}

struct exp_export *
exp_export_new(const struct exp_export_config *cfg, struct exp_sink *sink,
    uint64_t boot_ms, GError **error)
{
	struct exp_export *e;

	if (cfg->biflow && cfg->protocol == EXP_PROTO_V9) {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
		    "--biflow needs IPFIX: NetFlow v9 has no reverse elements");
		return NULL;
	}
	e = g_new0(struct exp_export, 1);
	e->cfg = *cfg;
	e->sink = sink;
	e->now_ms = boot_ms;
	e->hold = g_malloc(cfg->mtu);
	e->want_tmpl = TRUE;
	e->msg =
	    exp_message_new(cfg->protocol == EXP_PROTO_IPFIX ? MF_MSGENC_IPFIX
	                                                     : MF_MSGENC_V9,
	        cfg->domain, cfg->mtu, cfg->biflow, boot_ms, error);
	if (e->msg == NULL) {
		exp_export_free(e);
		return NULL;
	}
	/* v9 has no DNS records: exp_export_dns() counts them as not sent. */
	exp_message_set_dns(e->msg, cfg->dns_records);
	exp_message_set_nat(e->msg, cfg->nat);
	if (cfg->processes && (cfg->protocol != EXP_PROTO_IPFIX || cfg->nat)) {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
		    "process names need IPFIX and a capture (not NetFlow v9, "
		    "not --conntrack)");
		exp_export_free(e);
		return NULL;
	}
	exp_message_set_proc(e->msg, cfg->processes);
	exp_message_set_devices(e->msg, cfg->device_records);
	exp_message_set_yaf_stats(e->msg, cfg->yaf_stats);
	return e;
}

void
exp_export_free(struct exp_export *e)
{
	if (e == NULL)
		return;
	exp_message_free(e->msg);
	g_free(e->hold);
	g_free(e);
}

void
exp_export_set_time(struct exp_export *e, uint64_t now_ms)
{
	e->now_ms = now_ms;
}

void
exp_export_set_boot(struct exp_export *e, uint64_t boot_ms)
{
	exp_message_set_boot(e->msg, boot_ms);
	if (e->now_ms < boot_ms)
		e->now_ms = boot_ms;
}

const struct exp_export_stats *
exp_export_get_stats(const struct exp_export *e)
{
	return &e->stats;
}

void
exp_export_set_processes(struct exp_export *e, exp_proc_fn fn, void *ctx)
{
	e->procs = fn;
	e->proc_ctx = ctx;
}

void
exp_export_set_labeller(struct exp_export *e, exp_label_fn fn, void *ctx)
{
	e->labeller = fn;
	e->label_ctx = ctx;
}

void
exp_export_want_templates(struct exp_export *e)
{
	e->want_tmpl = TRUE;
}

/* --- sending ---------------------------------------------------------------
 */

static gboolean
templates_due(const struct exp_export *e)
{
	if (e->want_tmpl || e->tmpl_gen != exp_sink_generation(e->sink))
		return TRUE;
	if (!e->cfg.resend_templates)
		return FALSE;
	/* A collector started just after us gets them soon. */
	if (e->tmpl_ever &&
	    e->now_ms < e->first_tmpl_ms + EXP_EXPORT_START_MS &&
	    e->now_ms >= e->tmpl_ms + EXP_EXPORT_START_REFRESH_MS)
		return TRUE;
	if (e->cfg.template_refresh_ms != 0 &&
	    e->now_ms >= e->tmpl_ms + e->cfg.template_refresh_ms)
		return TRUE;
	return e->cfg.template_messages != 0 &&
	    e->msgs_since_tmpl >= e->cfg.template_messages;
}

static void
note_templates_sent(struct exp_export *e)
{
	e->want_tmpl = FALSE;
	e->tmpl_gen = exp_sink_generation(e->sink);
	if (!e->tmpl_ever)
		e->first_tmpl_ms = e->now_ms;
	e->tmpl_ever = TRUE;
	e->tmpl_ms = e->now_ms;
	e->msgs_since_tmpl = 0;
	e->stats.template_sends++;
}

/*
 * Hand one message holding records flow records to the sink.  After a
 * failed send the templates go again first: a collector that was down
 * (ICMP port unreachable, reported by the next send on the connected UDP
 * socket as ECONNREFUSED) has lost them when it comes back.  That error
 * also means the collector's host refused the message sent before it:
 * its records move from records to refused.
 */
static int
sink_send(struct exp_export *e, const uint8_t *msg, size_t len,
    uint32_t records)
{
	int r = exp_sink_send(e->sink, msg, len, wall_ms());

	if (r == 0) {
		e->last_records = records;
		return 0;
	}
	e->want_tmpl = TRUE;
	if (r == -ECONNREFUSED) {
		e->stats.records -= e->last_records;
		e->stats.refused += e->last_records;
	}
	e->last_records = 0;
	return r;
}

/* A message holding only the templates, sent ahead of a held message. */
static int
send_templates_alone(struct exp_export *e)
{
	const uint8_t *msg;
	size_t len;
	int r;

	exp_message_set_time(e->msg, e->now_ms);
	if ((r = exp_message_add_templates(e->msg)) != 0)
		return r;
	if ((len = exp_message_emit(e->msg, &msg)) == 0)
		return -EIO;
	if ((r = sink_send(e, msg, len, 0)) != 0)
		return r;
	e->stats.messages++;
	note_templates_sent(e);
	return 0;
}

static void
send_open_message(struct exp_export *e)
{
	const uint8_t *msg;
	size_t len;
	uint32_t records = e->msg_records;
	gboolean had_tmpl = e->msg_has_tmpl;
	int r = 0;

	if (!e->msg_open)
		return;
	e->msg_open = FALSE;
	e->msg_records = 0;
	e->msg_has_tmpl = FALSE;
	if ((len = exp_message_emit(e->msg, &msg)) == 0)
		return;
	if (exp_sink_ready(e->sink, wall_ms()) && !had_tmpl &&
	    e->tmpl_gen != exp_sink_generation(e->sink)) {
		/* A new TCP connection: its templates must come first. */
		memcpy(e->hold, msg, len);
		msg = e->hold;
		r = send_templates_alone(e);
	}
	if (r == 0)
		r = sink_send(e, msg, len, records);
	if (r != 0) {
		e->stats.not_sent += records;
		return;
	}
	e->stats.messages++;
	e->stats.records += records;
	e->msgs_since_tmpl++;
	if (had_tmpl)
		note_templates_sent(e);
}

static void
begin_message(struct exp_export *e)
{
	exp_message_set_time(e->msg, e->now_ms);
	e->msg_open = TRUE;
	e->msg_start_ms = e->now_ms;
}

/*
 * Make sure a data message is open.  Templates that are due go first, in
 * a message of their own, in both protocols (as when libfixbuf built the
 * IPFIX messages, which never mix template and data sets).
 */
static void
open_message(struct exp_export *e)
{
	if (e->msg_open)
		return;
	if (templates_due(e)) {
		begin_message(e);
		if (exp_message_add_templates(e->msg) == 0)
			e->msg_has_tmpl = TRUE;
		send_open_message(e);
	}
	begin_message(e);
}

enum rec_kind { REC_FLOW, REC_STATS, REC_DNS, REC_DEVICE };

/* A flow record written straight from the flow by flowenc.c. */
struct direct {
	const struct exp_flow *f;
	int side, reason;
	struct exp_flowenc_label label;
};

/*
 * Add rec, or the record d describes if d is not NULL, to the message.
 * Flow records with d and DNS records are written straight (flowenc.c).
 */
static int
add_once(struct exp_export *e, const struct mf_template *t, const void *rec,
    const struct direct *d)
{
	uint8_t *out;
	int r;

	if (d != NULL) {
		out = exp_message_reserve_record(e->msg, t,
		    exp_flowenc_var_len(&d->label), &r);
		if (out == NULL)
			return r;
		exp_flowenc_write(out, d->f, d->side, d->reason, &d->label);
		return 0;
	}
	if (t != &mf_tmpl_dns4 && t != &mf_tmpl_dns6)
		return exp_message_add_record(e->msg, t, rec);
	/* IPFIX only (exp_export_dns()). */
	out = exp_message_reserve_record(e->msg, t,
	    exp_flowenc_dns_var_len(rec), &r);
	if (out == NULL)
		return r;
	exp_flowenc_dns_write(out, rec,
	    t == &mf_tmpl_dns4 ? MF_AF_INET : MF_AF_INET6);
	return 0;
}

static void
add(struct exp_export *e, const struct mf_template *t, const void *rec,
    const struct direct *d, enum rec_kind kind)
{
	int r;

	open_message(e);
	if ((r = add_once(e, t, rec, d)) == -ENOSPC) {
		send_open_message(e);
		open_message(e);
		r = add_once(e, t, rec, d);
	}
	if (r != 0) {
		if (kind == REC_FLOW)
			e->stats.not_sent++;
		else if (kind == REC_DNS)
			e->stats.dns_not_sent++;
		else if (kind == REC_DEVICE)
			e->stats.device_not_sent++;
		if (mf_ratelimit_ok(&e->warn, (int64_t)wall_ms() * 1000))
			g_warning("export: record of template %s not added: %s",
			    t->name, g_strerror(-r));
		return;
	}
	if (kind == REC_FLOW)
		e->msg_records++;
	else if (kind == REC_DNS)
		e->stats.dns_records++;
	else if (kind == REC_DEVICE)
		e->stats.device_records++;
	else
		e->stats.stats_records++;
}

void
exp_export_tick(struct exp_export *e)
{
	if (e->msg_open && e->now_ms >= e->msg_start_ms + EXP_EXPORT_LINGER_MS)
		send_open_message(e);
	if (!e->msg_open && templates_due(e) &&
	    exp_sink_ready(e->sink, wall_ms())) {
		open_message(e); /* sends the templates */
		e->msg_open = FALSE;
	}
}

void
exp_export_flush(struct exp_export *e)
{
	send_open_message(e);
}

void
exp_export_stats(struct exp_export *e, const struct mf_stats_rec *r)
{
	add(e, &mf_tmpl_stats, r, NULL, REC_STATS);
}

void
exp_export_dns(struct exp_export *e, const struct mf_dns_rec *r, uint8_t family)
{
	if (!e->cfg.dns_records || e->cfg.protocol != EXP_PROTO_IPFIX) {
		e->stats.dns_not_sent++;
		return;
	}
	add(e, family == MF_AF_INET ? &mf_tmpl_dns4 : &mf_tmpl_dns6, r, NULL,
	    REC_DNS);
}

void
exp_export_device(struct exp_export *e, const struct mf_device_rec *r,
    uint8_t family)
{
	if (!e->cfg.device_records || e->cfg.protocol != EXP_PROTO_IPFIX) {
		e->stats.device_not_sent++;
		return;
	}
	add(e, family == MF_AF_INET6 ? &mf_tmpl_device6 : &mf_tmpl_device4, r,
	    NULL, REC_DEVICE);
}

/* --- flows to records ---------------------------------------------------- */

static void
fill_key(const struct exp_flow *f, int s, int reason, struct mf_flow_rec *r)
{
	const struct exp_key *k = &f->key;
	uint16_t svc = exp_export_service_port(f);

	memset(r, 0, sizeof(*r));
	if (k->family == MF_AF_INET) {
		r->src4 = (uint32_t)k->addr[s][0] << 24 |
		    (uint32_t)k->addr[s][1] << 16 |
		    (uint32_t)k->addr[s][2] << 8 | k->addr[s][3];
		r->dst4 = (uint32_t)k->addr[!s][0] << 24 |
		    (uint32_t)k->addr[!s][1] << 16 |
		    (uint32_t)k->addr[!s][2] << 8 | k->addr[!s][3];
	} else {
		memcpy(r->src6, k->addr[s], 16);
		memcpy(r->dst6, k->addr[!s], 16);
	}
	r->sport = k->port[s];
	r->dport = k->port[!s];
	if (k->proto == 1)
		r->icmp4 = r->dport;
	else if (k->proto == 58)
		r->icmp6 = r->dport;
	r->proto = k->proto;
	r->vlan = k->vlan;
	r->ingress = k->ifindex;
	if (f->has_mac) {
		memcpy(r->src_mac, f->mac[s], 6);
		memcpy(r->dst_mac, f->mac[!s], 6);
	}
	r->silk_app = svc;
	mf_model_set_app_id(r->app_id, svc);
	r->end_reason = (uint8_t)reason;
}

gboolean
exp_export_make_uniflow(const struct exp_flow *f, int s, int reason,
    struct mf_flow_rec *r)
{
	const struct exp_side *sd = &f->side[s];

	if (sd->packets == 0)
		return FALSE;
	fill_key(f, s, reason, r);
	r->start_ms = f->period_ms + sd->first_off;
	r->end_ms = f->period_ms + sd->last_off;
	r->octets = sd->octets;
	r->packets = sd->packets;
	r->tos = sd->tos;
	r->initial_flags = sd->initial_flags;
	r->union_flags = sd->union_flags;
	r->tcp_flags = sd->initial_flags | sd->union_flags;
	return TRUE;
}

gboolean
exp_export_make_biflow(const struct exp_flow *f, int reason,
    struct mf_flow_rec *r)
{
	int s = f->initiator;
	const struct exp_side *rv;

	if (f->side[s].packets == 0)
		s = !s; /* never a zero-packet forward direction */
	if (!exp_export_make_uniflow(f, s, reason, r))
		return FALSE;
	rv = &f->side[!s];
	if (rv->packets == 0)
		return TRUE;
	r->rev_octets = rv->octets;
	r->rev_packets = rv->packets;
	r->rev_initial_flags = rv->initial_flags;
	r->rev_union_flags = rv->union_flags;
	r->rev_delta_ms = rv->first_off > f->side[s].first_off
	    ? rv->first_off - f->side[s].first_off
	    : 0;
	if (f->period_ms + rv->last_off > r->end_ms)
		r->end_ms = f->period_ms + rv->last_off;
	return TRUE;
}

static const struct mf_template *
flow_template(const struct exp_export *e, uint8_t family)
{
	if (e->cfg.processes && e->cfg.biflow)
		return family == MF_AF_INET ? &mf_tmpl_biproc4
		                            : &mf_tmpl_biproc6;
	if (e->cfg.processes)
		return family == MF_AF_INET ? &mf_tmpl_proc4 : &mf_tmpl_proc6;
	if (e->cfg.biflow)
		return family == MF_AF_INET ? &mf_tmpl_biflow4
		                            : &mf_tmpl_biflow6;
	return family == MF_AF_INET ? &mf_tmpl_flow4 : &mf_tmpl_flow6;
}

/* The label of f's remote side, the same in both directions' records. */
struct label {
	struct mf_varfield v;
	enum mf_label_source src;
};

static struct label
find_label(struct exp_export *e, const struct exp_flow *f)
{
	struct label l = { { 0, NULL }, MF_LABEL_NONE };
	const char *name = NULL;

	if (e->labeller != NULL)
		l.src = e->labeller(f, &name, e->label_ctx);
	if (l.src > MF_LABEL_NONE && l.src < MF_LABEL_N_SOURCES &&
	    name != NULL) {
		l.v.buf = (const uint8_t *)name;
		l.v.len = strnlen(name, MF_LABEL_MAX);
	} else {
		l.src = MF_LABEL_NONE;
	}
	e->stats.labelled[l.src]++;
	return l;
}

static void
set_label(struct mf_flow_rec *r, const struct label *l)
{
	r->label_source = (uint8_t)l->src;
	r->label = l->v;
	switch (l->src) {
	case MF_LABEL_DNS:
	case MF_LABEL_DNS_OTHER_CLIENT:
		r->label_dns = l->v;
		break;
	case MF_LABEL_TLS_SNI:
		r->label_sni = l->v;
		break;
	case MF_LABEL_HTTP_HOST:
		r->label_host = l->v;
		break;
	default:
		break;
	}
}

static uint32_t
addr4(const uint8_t *a)
{
	return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
	    (uint32_t)a[2] << 8 | a[3];
}

/* Side s of f (0: the original direction) as translated by nat. */
static void
set_nat(struct mf_flow_rec *r, const struct exp_nat *nat, int s, uint8_t family)
{
	const uint8_t *src = s == 0 ? nat->post_src : nat->post_dst;
	const uint8_t *dst = s == 0 ? nat->post_dst : nat->post_src;

	if (family == MF_AF_INET) {
		r->post_src4 = addr4(src);
		r->post_dst4 = addr4(dst);
	} else {
		memcpy(r->post_src6, src, 16);
		memcpy(r->post_dst6, dst, 16);
	}
	r->post_sport = s == 0 ? nat->post_sport : nat->post_dport;
	r->post_dport = s == 0 ? nat->post_dport : nat->post_sport;
}

static void
export_flow(struct exp_export *e, const struct exp_flow *f, int reason,
    const struct exp_nat *nat)
{
	const struct mf_template *t = flow_template(e, f->key.family);
	struct label l = find_label(e, f);
	struct mf_varfield proc = { 0, NULL };
	const char *pname = NULL;
	struct mf_flow_rec r;
	uint32_t pid = 0;
	gboolean direct;
	int s;

	if (e->cfg.processes && e->procs != NULL &&
	    e->procs(f, &pname, &pid, e->proc_ctx)) {
		proc.buf = (const uint8_t *)pname;
		proc.len = strlen(pname);
		e->stats.process_named++;
	}

	if (nat != NULL)
		t = f->key.family == MF_AF_INET ? &mf_tmpl_nat4 : &mf_tmpl_nat6;
	/* The default records, flow4 and flow6 in IPFIX: flowenc.c. */
	direct = e->cfg.protocol == EXP_PROTO_IPFIX &&
	    (t == &mf_tmpl_flow4 || t == &mf_tmpl_flow6);

	if (e->cfg.biflow) {
		if (exp_export_make_biflow(f, reason, &r)) {
			set_label(&r, &l);
			r.process = proc;
			r.pid = pid;
			add(e, t, &r, NULL, REC_FLOW);
		}
		return;
	}
	/* The initiator's record first: readers see the request first. */
	for (s = 0; s < 2; s++) {
		int side = s == 0 ? f->initiator : !f->initiator;

		if (direct) {
			struct direct d = { f, side, reason,
				{ l.src, l.v.buf, l.v.len } };

			if (f->side[side].packets > 0)
				add(e, t, NULL, &d, REC_FLOW);
			continue;
		}
		if (exp_export_make_uniflow(f, side, reason, &r)) {
			set_label(&r, &l);
			r.process = proc;
			r.pid = pid;
			if (nat != NULL)
				set_nat(&r, nat, side, f->key.family);
			add(e, t, &r, NULL, REC_FLOW);
		}
	}
}

void
exp_export_flow(const struct exp_flow *f, int reason, void *ctx)
{
	export_flow(ctx, f, reason, NULL);
}

void
exp_export_flow_nat(struct exp_export *e, const struct exp_flow *f, int reason,
    const struct exp_nat *nat)
{
	if (!e->cfg.nat || e->cfg.biflow)
		nat = NULL;
	export_flow(e, f, reason, nat);
}
