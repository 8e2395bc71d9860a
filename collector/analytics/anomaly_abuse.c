/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-anomaly"

/*
 * The abuse detectors (see collector/analytics/anomaly_detect.h):
 *   brute_force        per (source, target, port): short, small TCP
 *                      connections that exchanged data (more packets
 *                      than a handshake and a close), of similar size
 *                      (coefficient of variation of their bytes), to an
 *                      authentication port, or more of them to another
 *                      service; or fewer connections that each carried
 *                      several login attempts, estimated from their
 *                      packets (see brute_attempts());
 *   dns_amplification  per address: DNS response bytes (UDP from port
 *                      53) received against query bytes sent (UDP to
 *                      port 53); or ANY/TXT queries sent, counted by
 *                      col_anomaly_add_dns_query();
 *   ddos_target        per target: distinct sources opening
 *                      conversations to it, and its rate of TCP SYNs
 *                      against an EWMA baseline of its earlier windows,
 *                      or against a fixed rate while it has none;
 *   udp_reflection     per (address, service port): UDP answers from an
 *                      amplifying service (NTP, SSDP, SNMP, ...) received
 *                      from many reflectors against the requests the
 *                      address sent there.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "collector/analytics/anomaly.h"
#include "collector/analytics/anomaly_detect.h"
#include "collector/analytics/hll.h"

#define DNS_PORT 53
#define QTYPE_TXT 16
#define QTYPE_ANY 255
#define EWMA_SHIFT 2 /* baseline += (rate - baseline) / 4 a window */
/* brute_force by attempts: a person who mistyped reconnects less often */
#define BRUTE_MIN_CONNS 3

/* Web ports, never brute_force's "other" services (browsers open many). */
static const uint16_t web_ports[] = { 80, 443, 8080, 8443 };

struct brute_slot {
	struct anom_slot s;
	uint64_t conns, long_conns, attempts, packets;
	double sum, sumsq; /* of the bytes of conns */
	uint8_t auth;
};

struct dns_slot {
	struct anom_slot s;
	uint64_t resp_bytes, resp_packets, query_bytes, any_txt;
	struct col_hll reflectors;
	struct mf_addr sample[COL_ANOMALY_TARGETS];
	uint8_t n_sample;
};

struct ddos_slot {
	struct anom_slot s;
	struct col_hll sources;
	struct mf_addr sample[COL_ANOMALY_TARGETS];
	uint8_t n_sample;
	uint64_t syns;
	double base; /* SYNs per second, EWMA over earlier windows */
	uint8_t has_base;
};

struct reflect_slot {
	struct anom_slot s;
	uint64_t resp_bytes, resp_packets, req_bytes;
	struct col_hll reflectors;
	struct mf_addr sample[COL_ANOMALY_TARGETS];
	uint8_t n_sample;
};

static void
brute_reset(const struct col_anomaly *a, struct anom_slot *s, uint64_t t)
{
	struct brute_slot *x = (struct brute_slot *)s;

	(void)a;
	(void)t;
	x->conns = x->long_conns = x->attempts = x->packets = 0;
	x->sum = x->sumsq = 0;
}

static void
reflect_reset(const struct col_anomaly *a, struct anom_slot *s, uint64_t t)
{
	struct reflect_slot *x = (struct reflect_slot *)s;

	(void)a;
	(void)t;
	x->resp_bytes = x->resp_packets = x->req_bytes = 0;
	col_hll_clear(&x->reflectors);
	x->n_sample = 0;
}

static void
dns_reset(const struct col_anomaly *a, struct anom_slot *s, uint64_t t)
{
	struct dns_slot *x = (struct dns_slot *)s;

	(void)a;
	(void)t;
	x->resp_bytes = x->resp_packets = x->query_bytes = x->any_txt = 0;
	col_hll_clear(&x->reflectors);
	x->n_sample = 0;
}

static double
syn_rate(const struct col_anomaly *a, const struct ddos_slot *x)
{
	return (double)x->syns * 1000.0 /
	    (double)a->tables[ANOM_T_DDOS].window_ms;
}

/* Fold the ending window into the baseline (quiet windows count 0). */
static void
ddos_reset(const struct col_anomaly *a, struct anom_slot *s, uint64_t t)
{
	struct ddos_slot *x = (struct ddos_slot *)s;
	uint64_t w = a->tables[ANOM_T_DDOS].window_ms;
	uint64_t k = t > s->start_ms ? (t - s->start_ms) / w : 1;

	if (s->flows > 0) {
		double r = syn_rate(a, x);

		for (; k > 1 && k < 64 && x->has_base; k--)
			x->base -= x->base / (1 << EWMA_SHIFT);
		x->base = x->has_base
		    ? x->base + (r - x->base) / (1 << EWMA_SHIFT)
		    : r;
		x->has_base = 1;
	}
	col_hll_clear(&x->sources);
	x->n_sample = 0;
	x->syns = 0;
}

static gboolean
brute_judge(const struct col_anomaly *a, const struct anom_slot *s,
    struct anom_finding *fd)
{
	const struct brute_slot *x = (const struct brute_slot *)s;
	uint64_t thr = x->auth ? a->cfg.brute_force.connections
	                       : a->cfg.brute_force.other_connections;
	double mean, var, cv;

	uint64_t athr = a->cfg.brute_force.attempts;
	gboolean by_conns, by_attempts;

	by_conns = thr > 0 && x->conns >= thr;
	by_attempts = x->auth && athr > 0 && x->attempts >= athr &&
	    x->conns >= BRUTE_MIN_CONNS;
	if (!by_conns && !by_attempts)
		return FALSE;
	mean = x->sum / (double)x->conns;
	var = x->sumsq / (double)x->conns - mean * mean;
	cv = mean > 0 ? sqrt(MAX(var, 0.0)) / mean : 0.0;
	if (cv * 100.0 > (double)a->cfg.brute_force.max_cv)
		return FALSE;
	fd->observed = by_conns ? x->conns : x->attempts;
	fd->threshold = by_conns ? thr : athr;
	fd->targets = &s->key.b;
	fd->n_targets = 1;
	fd->target_count = 1;
	anom_ev(fd, "connections", (double)x->conns, FALSE);
	anom_ev(fd, "attempts", (double)x->attempts, FALSE);
	anom_ev(fd, "mean_packets",
	    floor((double)x->packets / (double)x->conns + 0.5), FALSE);
	anom_ev(fd, "port", s->key.port, FALSE);
	anom_ev(fd, "mean_bytes", floor(mean + 0.5), FALSE);
	anom_ev(fd, "cv", floor(cv * 1000.0 + 0.5) / 1000.0, TRUE);
	anom_ev(fd, "long_connections", (double)x->long_conns, FALSE);
	anom_ev(fd, "threshold", (double)thr, FALSE);
	anom_ev(fd, "threshold_attempts", (double)athr, FALSE);
	/* how attempts were estimated: see brute_attempts() */
	anom_ev(fd, "login_packets", (double)a->cfg.brute_force.login_packets,
	    FALSE);
	anom_ev(fd, "attempt_packets",
	    (double)a->cfg.brute_force.attempt_packets, FALSE);
	return TRUE;
}

static gboolean
dns_judge(const struct col_anomaly *a, const struct anom_slot *s,
    struct anom_finding *fd)
{
	const struct dns_slot *x = (const struct dns_slot *)s;
	uint64_t q = a->cfg.dns_amp.queries;
	gboolean amp = x->resp_bytes >= a->cfg.dns_amp.min_bytes &&
	    x->resp_bytes >= a->cfg.dns_amp.ratio * x->query_bytes;
	gboolean any = q > 0 && x->any_txt >= q;

	if (!amp && !any)
		return FALSE;
	fd->observed = amp ? x->resp_bytes : x->any_txt;
	fd->threshold = amp ? a->cfg.dns_amp.min_bytes : q;
	fd->role_target = amp;
	fd->target_count = col_hll_count(&x->reflectors);
	fd->targets = x->sample;
	fd->n_targets = x->n_sample;
	anom_ev(fd, "response_bytes", (double)x->resp_bytes, FALSE);
	anom_ev(fd, "response_packets", (double)x->resp_packets, FALSE);
	anom_ev(fd, "query_bytes", (double)x->query_bytes, FALSE);
	anom_ev(fd, "ratio",
	    floor(
	        (double)x->resp_bytes / (double)MAX(x->query_bytes, 1) * 100.0 +
	        0.5) /
	        100.0,
	    TRUE);
	anom_ev(fd, "reflectors", col_hll_count(&x->reflectors), FALSE);
	anom_ev(fd, "any_txt_queries", (double)x->any_txt, FALSE);
	return TRUE;
}

static gboolean
ddos_judge(const struct col_anomaly *a, const struct anom_slot *s,
    struct anom_finding *fd)
{
	const struct ddos_slot *x = (const struct ddos_slot *)s;
	uint32_t n = col_hll_count(&x->sources);
	double r = syn_rate(a, x);
	double over = x->base * (double)a->cfg.ddos.factor;
	double first = (double)a->cfg.ddos.first_rate;
	gboolean many = n >= a->cfg.ddos.sources;
	gboolean rate = x->has_base && n >= 2 &&
	    r >= (double)a->cfg.ddos.min_rate && r >= over;
	gboolean fresh = !x->has_base && n >= 2 && first > 0 && r >= first;

	if (!many && !rate && !fresh)
		return FALSE;
	if (!x->has_base)
		over = first;
	fd->observed = many ? n : (uint64_t)r;
	fd->threshold = many
	    ? a->cfg.ddos.sources
	    : (uint64_t)MAX(over, (double)a->cfg.ddos.min_rate);
	fd->target_count = n;
	fd->targets = x->sample;
	fd->n_targets = x->n_sample;
	anom_ev(fd, "sources", n, FALSE);
	anom_ev(fd, "flows", (double)s->flows, FALSE);
	anom_ev(fd, "syns", (double)x->syns, FALSE);
	anom_ev(fd, "syn_rate", floor(r * 100.0 + 0.5) / 100.0, TRUE);
	anom_ev(fd, "baseline", floor(x->base * 100.0 + 0.5) / 100.0, TRUE);
	anom_ev(fd, "has_baseline", x->has_base, FALSE);
	anom_ev(fd, "threshold_sources", (double)a->cfg.ddos.sources, FALSE);
	return TRUE;
}

static gboolean
reflect_judge(const struct col_anomaly *a, const struct anom_slot *s,
    struct anom_finding *fd)
{
	const struct reflect_slot *x = (const struct reflect_slot *)s;
	uint32_t n = col_hll_count(&x->reflectors);

	if (n < a->cfg.reflect.reflectors ||
	    x->resp_packets < a->cfg.reflect.packets ||
	    x->resp_bytes < a->cfg.reflect.ratio * x->req_bytes)
		return FALSE;
	fd->observed = n;
	fd->threshold = a->cfg.reflect.reflectors;
	fd->target_count = n;
	fd->targets = x->sample;
	fd->n_targets = x->n_sample;
	anom_ev(fd, "port", s->key.port, FALSE);
	anom_ev(fd, "reflectors", n, FALSE);
	anom_ev(fd, "response_packets", (double)x->resp_packets, FALSE);
	anom_ev(fd, "response_bytes", (double)x->resp_bytes, FALSE);
	anom_ev(fd, "request_bytes", (double)x->req_bytes, FALSE);
	anom_ev(fd, "threshold", (double)a->cfg.reflect.reflectors, FALSE);
	return TRUE;
}

#define DESC(name, ty, slot, member, target, reset_fn, judge_fn)            \
	const struct anom_desc name = { ty, sizeof(struct slot),            \
		offsetof(struct col_anomaly_config, member.enabled),        \
		offsetof(struct col_anomaly_config, member.window), target, \
		reset_fn, judge_fn }

DESC(anom_desc_brute_force, COL_ANOMALY_BRUTE_FORCE, brute_slot, brute_force,
    FALSE, brute_reset, brute_judge);
DESC(anom_desc_dns_amp, COL_ANOMALY_DNS_AMPLIFICATION, dns_slot, dns_amp, TRUE,
    dns_reset, dns_judge);
DESC(anom_desc_ddos, COL_ANOMALY_DDOS_TARGET, ddos_slot, ddos, TRUE, ddos_reset,
    ddos_judge);
DESC(anom_desc_reflect, COL_ANOMALY_UDP_REFLECTION, reflect_slot, reflect, TRUE,
    reflect_reset, reflect_judge);

/* --- feeding ------------------------------------------------------------ */

static void
key_one(struct anom_key *k, const struct mf_addr *a)
{
	memset(k, 0, sizeof(*k));
	k->a = *a;
}

static gboolean
is_web(uint16_t port)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(web_ports); i++)
		if (web_ports[i] == port)
			return TRUE;
	return FALSE;
}

/*
 * A TCP connection the client opened and completed (SYN and ACK: a login
 * needs the handshake; bare SYNs are half_open's) to dport; is dport
 * watched?
 */
static gboolean
brute_port(const struct col_anomaly *a, const struct col_flow *f,
    gboolean *auth)
{
	const unsigned both = ANOM_TCP_SYN | ANOM_TCP_ACK;
	uint16_t p = f->dport;

	if (f->proto != ANOM_PROTO_TCP || (f->tcp_flags & both) != both ||
	    (f->app_port != 0 && f->app_port != p))
		return FALSE;
	*auth = (a->auth_ports[p / 8] & (1u << (p % 8))) != 0;
	if (*auth)
		return TRUE;
	return a->cfg.brute_force.other_connections > 0 && !is_web(p) &&
	    (f->app_port == p || p < 1024 || p < f->sport);
}

/*
 * Login attempts of one short connection, from its shape: a connection
 * with one attempt sends [anomaly.brute_force] login-packets packets
 * (handshake, key exchange, one try, close); each further try adds
 * attempt-packets (the request and the acknowledgement of the refusal).
 * In a biflow record, the fewer of the two directions' packets count (a
 * try is a request and an answer).
 */
static uint64_t
brute_attempts(const struct col_anomaly *a, const struct col_flow *f)
{
	uint64_t p = f->packets, base = a->cfg.brute_force.login_packets;

	if (f->rev_packets != 0)
		p = MIN(p, f->rev_packets);
	if (p <= base)
		return 1;
	return 1 + (p - base) / MAX(a->cfg.brute_force.attempt_packets, 1);
}

static void
brute_flow(struct col_anomaly *a, const struct col_flow *f,
    const struct anom_dev *src, uint64_t t)
{
	struct brute_slot *x;
	struct anom_key k;
	gboolean auth;
	uint64_t dur;

	if (!brute_port(a, f, &auth))
		return;
	key_one(&k, &f->src);
	k.b = f->dst;
	k.proto = f->proto;
	k.port = f->dport;
	x = (struct brute_slot *)anom_slot_get(a, ANOM_T_BRUTE_FORCE, &k, src,
	    t);
	if (x == NULL)
		return;
	x->auth = (uint8_t)auth;
	if (f->packets < a->cfg.brute_force.min_packets)
		return; /* a handshake and a close: no login exchanged */
	dur = f->end_ms > f->start_ms ? f->end_ms - f->start_ms : 0;
	if (f->octets > a->cfg.brute_force.max_bytes ||
	    dur > a->cfg.brute_force.max_duration * 1000) {
		x->long_conns++;
		return;
	}
	x->conns++;
	x->packets += f->packets;
	x->attempts += brute_attempts(a, f);
	x->sum += (double)f->octets;
	x->sumsq += (double)f->octets * (double)f->octets;
}

static struct dns_slot *
dns_get(struct col_anomaly *a, const struct anom_dev *dev, uint64_t t)
{
	struct anom_key k;

	key_one(&k, &dev->addr);
	return (struct dns_slot *)anom_slot_get(a, ANOM_T_DNS_AMP, &k, dev, t);
}

static void
dns_flow(struct col_anomaly *a, const struct col_flow *f,
    const struct anom_dev *src, const struct anom_dev *dst, uint64_t t)
{
	struct dns_slot *x;

	if (f->proto != ANOM_PROTO_UDP)
		return;
	if (f->sport == DNS_PORT && f->dport != DNS_PORT) {
		if ((x = dns_get(a, dst, t)) == NULL)
			return;
		x->resp_bytes += f->octets;
		x->resp_packets += f->packets;
		col_hll_add(&x->reflectors,
		    anom_hash_short(a, &f->src, sizeof(f->src)));
		anom_sample_add(x->sample, &x->n_sample, &f->src);
	} else if (f->dport == DNS_PORT && f->sport != DNS_PORT) {
		if ((x = dns_get(a, src, t)) == NULL)
			return;
		x->query_bytes += f->octets;
		x->resp_bytes += f->rev_octets; /* biflow: the answers */
		x->resp_packets += f->rev_packets;
	}
}

static void
ddos_flow(struct col_anomaly *a, const struct col_flow *f,
    const struct anom_dev *dst, uint64_t t, unsigned how)
{
	struct ddos_slot *x;
	struct anom_key k;

	if (!(how & ANOM_FLOW_OPENS))
		return;
	key_one(&k, &f->dst);
	x = (struct ddos_slot *)anom_slot_get(a, ANOM_T_DDOS, &k, dst, t);
	if (x == NULL)
		return;
	col_hll_add(&x->sources, anom_hash_short(a, &f->src, sizeof(f->src)));
	anom_sample_add(x->sample, &x->n_sample, &f->src);
	if (f->proto == ANOM_PROTO_TCP &&
	    (f->tcp_flags & (ANOM_TCP_SYN | ANOM_TCP_ACK)) == ANOM_TCP_SYN)
		x->syns++;
}

static gboolean
is_reflect_port(const struct col_anomaly *a, uint16_t p)
{
	return p != DNS_PORT && (a->reflect_ports[p / 8] & (1u << (p % 8)));
}

static struct reflect_slot *
reflect_get(struct col_anomaly *a, const struct anom_dev *dev, uint16_t port,
    uint64_t t)
{
	struct anom_key k;

	key_one(&k, &dev->addr);
	k.port = port;
	return (
	    struct reflect_slot *)anom_slot_get(a, ANOM_T_REFLECT, &k, dev, t);
}

/*
 * An answer from an amplifying port to another port counts for the
 * receiver; a request to one (the receiver asked) for the sender.
 */
static void
reflect_flow(struct col_anomaly *a, const struct col_flow *f,
    const struct anom_dev *src, const struct anom_dev *dst, uint64_t t,
    unsigned how)
{
	struct reflect_slot *x;

	if (f->proto != ANOM_PROTO_UDP || f->sport == f->dport ||
	    (how & ANOM_FLOW_GROUP))
		return;
	if (is_reflect_port(a, f->sport)) {
		if ((x = reflect_get(a, dst, f->sport, t)) == NULL)
			return;
		x->resp_bytes += f->octets;
		x->resp_packets += f->packets;
		col_hll_add(&x->reflectors,
		    anom_hash_short(a, &f->src, sizeof(f->src)));
		anom_sample_add(x->sample, &x->n_sample, &f->src);
	} else if (is_reflect_port(a, f->dport)) {
		if ((x = reflect_get(a, src, f->dport, t)) == NULL)
			return;
		x->req_bytes += f->octets;
		x->resp_bytes += f->rev_octets; /* biflow: the answers */
		x->resp_packets += f->rev_packets;
		if (f->rev_packets != 0)
			col_hll_add(&x->reflectors,
			    anom_hash_short(a, &f->dst, sizeof(f->dst)));
	}
}

void
anom_abuse_flow(struct col_anomaly *a, const struct col_flow *f,
    const struct anom_dev *src, const struct anom_dev *dst, uint64_t t,
    unsigned how)
{
	brute_flow(a, f, src, t);
	dns_flow(a, f, src, dst, t);
	ddos_flow(a, f, dst, t, how);
	reflect_flow(a, f, src, dst, t, how);
}

void
anom_abuse_dns_query(struct col_anomaly *a, const struct mf_addr *client,
    uint16_t qtype, uint64_t t)
{
	struct anom_dev dev;
	struct dns_slot *x;

	if (qtype != QTYPE_ANY && qtype != QTYPE_TXT)
		return;
	memset(&dev, 0, sizeof(dev));
	dev.addr = *client;
	dev.id = COL_ID_NONE;
	if ((x = dns_get(a, &dev, t)) != NULL)
		x->any_txt++;
}
