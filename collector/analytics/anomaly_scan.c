/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-anomaly"

/*
 * The scan detectors (see collector/analytics/anomaly_detect.h):
 *   fan_out               per source: distinct unicast destinations of
 *                         the conversations it opened, and apart the
 *                         external ones of completed TCP connections that
 *                         no DNS answer or label named (IP literals);
 *   port_scan_vertical    per (source, target): distinct ports probed,
 *                         with SYN or without (FIN, NULL, Xmas, ACK,
 *                         Maimon);
 *   port_scan_horizontal  per (source, protocol, port): distinct targets
 *                         probed (ICMP echo requests count, port 0);
 *   syn_scan              per source: distinct (target, port) of SYNs
 *                         never answered, with few packets each;
 *   half_open             per (target, port): SYNs never answered; per
 *                         (source, target, port): attempts never
 *                         answered (distinct source ports: retransmits of
 *                         one attempt keep theirs).
 * A probe is a TCP SYN without ACK (answered or not: a closed port answers
 * with a reset) or a UDP request nobody answered (a closed UDP port
 * answers with ICMP, which is another stream).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "collector/analytics/anomaly.h"
#include "collector/analytics/anomaly_detect.h"
#include "collector/analytics/hll.h"

/* A distinct counter with a sample of what it counted. */
struct counted {
	struct col_hll hll;
	struct mf_addr sample[COL_ANOMALY_TARGETS];
	uint8_t n_sample;
};

struct scan_slot {
	struct anom_slot s;
	struct counted c;
	uint64_t unanswered;
	uint64_t stealth; /* vertical: probes without SYN; half_open: SYNs */
};

/* fan_out's: the scan slot and the unresolved destinations apart. */
struct fan_slot {
	struct scan_slot x;
	struct col_hll other;
};

/* Inline: len is a constant (see anom_hash_short()). */
static inline void
counted_add(const struct col_anomaly *a, struct counted *c, const void *item,
    size_t len, const struct mf_addr *sample)
{
	col_hll_add(&c->hll, anom_hash_short(a, item, len));
	if (sample != NULL)
		anom_sample_add(c->sample, &c->n_sample, sample);
}

static void
scan_reset(const struct col_anomaly *a, struct anom_slot *s, uint64_t t)
{
	struct scan_slot *x = (struct scan_slot *)s;

	(void)a;
	(void)t;
	memset(&x->c, 0, sizeof(x->c));
	x->unanswered = x->stealth = 0;
}

static void
fan_reset(const struct col_anomaly *a, struct anom_slot *s, uint64_t t)
{
	scan_reset(a, s, t);
	col_hll_clear(&((struct fan_slot *)s)->other);
}

/* The common part of a finding: observed against threshold. */
static gboolean
finding(const struct scan_slot *x, uint64_t observed, uint64_t threshold,
    struct anom_finding *fd)
{
	if (observed < threshold)
		return FALSE;
	fd->observed = observed;
	fd->threshold = threshold;
	fd->target_count = col_hll_count(&x->c.hll);
	fd->targets = x->c.sample;
	fd->n_targets = x->c.n_sample;
	return TRUE;
}

/* A single target: the key's second address. */
static void
one_target(const struct scan_slot *x, struct anom_finding *fd)
{
	fd->targets = &x->s.key.b;
	fd->n_targets = 1;
	fd->target_count = 1;
}

static gboolean
fan_out_judge(const struct col_anomaly *a, const struct anom_slot *s,
    struct anom_finding *fd)
{
	const struct scan_slot *x = (const struct scan_slot *)s;
	uint32_t n = col_hll_count(&x->c.hll);
	uint32_t u = col_hll_count(&((const struct fan_slot *)s)->other);
	uint64_t ut = a->cfg.fan_out.unresolved;
	gboolean by_u = ut > 0 && u >= ut && n < a->cfg.fan_out.destinations;

	if (!(by_u ? finding(x, u, ut, fd)
	           : finding(x, n, a->cfg.fan_out.destinations, fd)))
		return FALSE;
	anom_ev(fd, "destinations", n, FALSE);
	anom_ev(fd, "unresolved", u, FALSE);
	anom_ev(fd, "flows", (double)s->flows, FALSE);
	anom_ev(fd, "threshold", (double)a->cfg.fan_out.destinations, FALSE);
	anom_ev(fd, "threshold_unresolved", (double)ut, FALSE);
	return TRUE;
}

static gboolean
vertical_judge(const struct col_anomaly *a, const struct anom_slot *s,
    struct anom_finding *fd)
{
	const struct scan_slot *x = (const struct scan_slot *)s;
	uint32_t n = col_hll_count(&x->c.hll);

	if (!finding(x, n, a->cfg.vertical.ports, fd))
		return FALSE;
	one_target(x, fd);
	anom_ev(fd, "ports", n, FALSE);
	anom_ev(fd, "probes", (double)s->flows, FALSE);
	anom_ev(fd, "unanswered", (double)x->unanswered, FALSE);
	anom_ev(fd, "without_syn", (double)x->stealth, FALSE);
	anom_ev(fd, "threshold", (double)a->cfg.vertical.ports, FALSE);
	return TRUE;
}

static gboolean
horizontal_judge(const struct col_anomaly *a, const struct anom_slot *s,
    struct anom_finding *fd)
{
	const struct scan_slot *x = (const struct scan_slot *)s;
	uint32_t n = col_hll_count(&x->c.hll);

	if (!finding(x, n, a->cfg.horizontal.targets, fd))
		return FALSE;
	anom_ev(fd, "targets", n, FALSE);
	anom_ev(fd, "proto", s->key.proto, FALSE);
	anom_ev(fd, "port", s->key.port, FALSE);
	anom_ev(fd, "probes", (double)s->flows, FALSE);
	anom_ev(fd, "unanswered", (double)x->unanswered, FALSE);
	anom_ev(fd, "threshold", (double)a->cfg.horizontal.targets, FALSE);
	return TRUE;
}

static gboolean
syn_scan_judge(const struct col_anomaly *a, const struct anom_slot *s,
    struct anom_finding *fd)
{
	const struct scan_slot *x = (const struct scan_slot *)s;
	uint32_t n = col_hll_count(&x->c.hll);

	if (!finding(x, n, a->cfg.syn_scan.probes, fd))
		return FALSE;
	fd->target_count = n;
	anom_ev(fd, "unanswered_syns", (double)s->flows, FALSE);
	anom_ev(fd, "target_ports", n, FALSE);
	anom_ev(fd, "threshold", (double)a->cfg.syn_scan.probes, FALSE);
	return TRUE;
}

static gboolean
half_open_dst_judge(const struct col_anomaly *a, const struct anom_slot *s,
    struct anom_finding *fd)
{
	const struct scan_slot *x = (const struct scan_slot *)s;

	if (!finding(x, s->flows, a->cfg.half_open.connections, fd))
		return FALSE;
	anom_ev(fd, "half_open", (double)s->flows, FALSE);
	anom_ev(fd, "sources", col_hll_count(&x->c.hll), FALSE);
	anom_ev(fd, "port", s->key.port, FALSE);
	anom_ev(fd, "threshold", (double)a->cfg.half_open.connections, FALSE);
	return TRUE;
}

static gboolean
half_open_src_judge(const struct col_anomaly *a, const struct anom_slot *s,
    struct anom_finding *fd)
{
	const struct scan_slot *x = (const struct scan_slot *)s;
	uint32_t n = col_hll_count(&x->c.hll);
	uint64_t at = a->cfg.half_open.attempts;
	gboolean by_n =
	    at > 0 && n >= at && s->flows < a->cfg.half_open.connections;

	if (!(by_n ? finding(x, n, at, fd)
	           : finding(x, s->flows, a->cfg.half_open.connections, fd)))
		return FALSE;
	one_target(x, fd);
	anom_ev(fd, "half_open", (double)s->flows, FALSE);
	anom_ev(fd, "attempts", n, FALSE);
	anom_ev(fd, "syns", (double)x->stealth, FALSE);
	anom_ev(fd, "port", s->key.port, FALSE);
	anom_ev(fd, "threshold", (double)a->cfg.half_open.connections, FALSE);
	anom_ev(fd, "threshold_attempts", (double)at, FALSE);
	return TRUE;
}

#define DESC(name, ty, member, target, judge_fn)                            \
	const struct anom_desc name = { ty, sizeof(struct scan_slot),       \
		offsetof(struct col_anomaly_config, member.enabled),        \
		offsetof(struct col_anomaly_config, member.window), target, \
		scan_reset, judge_fn }

const struct anom_desc anom_desc_fan_out = { COL_ANOMALY_FAN_OUT,
	sizeof(struct fan_slot),
	offsetof(struct col_anomaly_config, fan_out.enabled),
	offsetof(struct col_anomaly_config, fan_out.window), FALSE, fan_reset,
	fan_out_judge };
DESC(anom_desc_vertical, COL_ANOMALY_PORT_SCAN_VERTICAL, vertical, FALSE,
    vertical_judge);
DESC(anom_desc_horizontal, COL_ANOMALY_PORT_SCAN_HORIZONTAL, horizontal, FALSE,
    horizontal_judge);
DESC(anom_desc_syn_scan, COL_ANOMALY_SYN_SCAN, syn_scan, FALSE, syn_scan_judge);
DESC(anom_desc_half_open_dst, COL_ANOMALY_HALF_OPEN, half_open, TRUE,
    half_open_dst_judge);
DESC(anom_desc_half_open_src, COL_ANOMALY_HALF_OPEN, half_open, FALSE,
    half_open_src_judge);

/* --- feeding ------------------------------------------------------------ */

static void
key_set(struct anom_key *k, const struct mf_addr *a, const struct mf_addr *b,
    uint8_t proto, uint16_t port)
{
	memset(k, 0, sizeof(*k));
	k->a = *a;
	if (b != NULL)
		k->b = *b;
	k->proto = proto;
	k->port = port;
}

/*
 * A completed TCP connection (SYN and ACK from the client) to an external
 * address that neither the flow's label nor a DNS answer named.  A label
 * that is an address (an HTTP Host or TLS name of "http://192.0.2.1/")
 * names nothing.
 */
static gboolean
unresolved(const struct col_anomaly *a, const struct col_flow *f,
    const struct anom_dev *dst)
{
	const unsigned both = ANOM_TCP_SYN | ANOM_TCP_ACK;
	struct mf_addr literal;

	if (f->proto != ANOM_PROTO_TCP || (f->tcp_flags & both) != both ||
	    dst->internal || anom_resolved(a, &f->dst))
		return FALSE;
	return f->label[0] == '\0' || mf_addr_parse(f->label, &literal);
}

static struct scan_slot *
get(struct col_anomaly *a, enum anom_table_id id, const struct anom_key *k,
    const struct anom_dev *dev, uint64_t t)
{
	return (struct scan_slot *)anom_slot_get(a, id, k, dev, t);
}

void
anom_scan_flow(struct col_anomaly *a, const struct col_flow *f,
    const struct anom_dev *src, const struct anom_dev *dst, uint64_t t,
    unsigned how)
{
	struct anom_key k;
	struct scan_slot *x;

	if (!(how & ANOM_FLOW_OPENS))
		return;
	key_set(&k, &f->src, NULL, 0, 0);
	if ((x = get(a, ANOM_T_FAN_OUT, &k, src, t)) != NULL) {
		counted_add(a, &x->c, &f->dst, sizeof(f->dst), &f->dst);
		if (unresolved(a, f, dst))
			col_hll_add(&((struct fan_slot *)x)->other,
			    anom_hash_short(a, &f->dst, sizeof(f->dst)));
	}
	if (f->proto != ANOM_PROTO_ICMP && f->proto != ANOM_PROTO_ICMPV6)
		return;
	/* An echo request: a probe of the host, answered or not. */
	key_set(&k, &f->src, NULL, f->proto, 0);
	if ((x = get(a, ANOM_T_HORIZONTAL, &k, src, t)) != NULL)
		counted_add(a, &x->c, &f->dst, sizeof(f->dst), &f->dst);
	(void)dst;
}

/* An unanswered SYN: syn_scan and both half_open views. */
static void
unanswered_syn(struct col_anomaly *a, const struct anom_probe *p)
{
	struct {
		struct mf_addr dst;
		uint16_t port;
	} pair;
	struct anom_key k;
	struct scan_slot *x;

	memset(&pair, 0, sizeof(pair));
	pair.dst = p->dst.addr;
	pair.port = p->dport;
	key_set(&k, &p->src.addr, NULL, 0, 0);
	if (p->packets <= a->cfg.syn_scan.max_packets &&
	    (x = get(a, ANOM_T_SYN_SCAN, &k, &p->src, p->t)) != NULL)
		counted_add(a, &x->c, &pair, sizeof(pair), &p->dst.addr);
	key_set(&k, &p->dst.addr, NULL, p->proto, p->dport);
	if ((x = get(a, ANOM_T_HALF_OPEN_DST, &k, &p->dst, p->t)) != NULL)
		counted_add(a, &x->c, &p->src.addr, sizeof(p->src.addr),
		    &p->src.addr);
	key_set(&k, &p->src.addr, &p->dst.addr, p->proto, p->dport);
	if ((x = get(a, ANOM_T_HALF_OPEN_SRC, &k, &p->src, p->t)) != NULL) {
		col_hll_add(&x->c.hll,
		    anom_hash_short(a, &p->sport, sizeof(p->sport)));
		x->stealth += p->packets;
	}
}

void
anom_scan_probe(struct col_anomaly *a, const struct anom_probe *p,
    gboolean answered)
{
	struct {
		uint16_t port;
		uint8_t proto;
		uint8_t zero;
	} port;
	struct anom_key k;
	struct scan_slot *x;

	if (p->proto != ANOM_PROTO_TCP && answered)
		return; /* an answered UDP request is no probe */
	port.port = p->dport;
	port.proto = p->proto;
	port.zero = 0;
	key_set(&k, &p->src.addr, &p->dst.addr, p->proto, 0);
	if ((x = get(a, ANOM_T_VERTICAL, &k, &p->src, p->t)) != NULL) {
		counted_add(a, &x->c, &port, sizeof(port), NULL);
		x->unanswered += !answered;
		x->stealth += p->stealth;
	}
	if (p->stealth)
		return; /* one port of many clients: a cut connection's tail */
	key_set(&k, &p->src.addr, NULL, p->proto, p->dport);
	if ((x = get(a, ANOM_T_HORIZONTAL, &k, &p->src, p->t)) != NULL) {
		counted_add(a, &x->c, &p->dst.addr, sizeof(p->dst.addr),
		    &p->dst.addr);
		x->unanswered += !answered;
	}
	if (p->proto == ANOM_PROTO_TCP && !answered)
		unanswered_syn(a, p);
}
