/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-dnslabel"

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "common/addr.h"
#include "common/dns.h"
#include "common/error.h"
#include "common/l7name.h"
#include "common/model.h"
#include "exporter/dnscache.h"
#include "exporter/dnslabel.h"
#include "exporter/dnsquery.h"

#define PROTO_TCP 6
#define PROTO_UDP 17
#define TLS_HANDSHAKE 0x16

/* A server name found in a flow's first packets (a ring slot). */
struct l7slot {
	uint64_t seq;   /* the flow's name_ref while the slot is its own */
	uint8_t source; /* MF_LABEL_TLS_SNI or MF_LABEL_HTTP_HOST */
	char name[MF_L7_NAME_MAX + 1];
};

struct exp_dnslabel {
	struct exp_dnslabel_config cfg;
	struct exp_export *export; /* borrowed */
	struct exp_dnscache *names;
	struct l7slot *l7; /* ring of max_l7_names, or NULL */
	uint64_t l7_seq;   /* names stored so far */
	struct exp_dnsquery *pending;
	uint64_t now_ms; /* latest packet time */
	struct exp_dnslabel_stats stats;
	struct mf_dns_msg msg; /* scratch */
	uint8_t
	    list[MF_ADDR_LIST_HEADER_LEN + 16 * MF_DNS_MAX_ADDRS]; /* scratch */
	char l7name[MF_L7_NAME_MAX + 1];                           /* scratch */
};

static struct exp_dnscache *
cache_new(const struct exp_dnslabel_config *cfg, size_t n, uint32_t ttl_min,
    uint32_t ttl_max, GError **error)
{
	struct exp_dnscache_config c = { n, ttl_min, ttl_max, cfg->seed };

	return exp_dnscache_new(&c, error);
}

struct exp_dnslabel *
exp_dnslabel_new(const struct exp_dnslabel_config *cfg,
    struct exp_export *export, GError **error)
{
	struct exp_dnslabel *d = g_new0(struct exp_dnslabel, 1);

	d->cfg = *cfg;
	d->export = export;
	d->names = cache_new(cfg, cfg->max_names, cfg->ttl_min_s,
	    cfg->ttl_max_s, error);
	if (d->names == NULL)
		goto fail;
	if (cfg->l7) {
		if (cfg->max_l7_names < EXP_DNSLABEL_MIN_L7 ||
		    cfg->max_l7_names > EXP_DNSLABEL_MAX_L7) {
			g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
			    "server names: %zu out of range (%u..%u)",
			    cfg->max_l7_names, EXP_DNSLABEL_MIN_L7,
			    EXP_DNSLABEL_MAX_L7);
			goto fail;
		}
		d->l7 = g_new0(struct l7slot, cfg->max_l7_names);
	}
	d->pending = exp_dnsquery_new(cfg->max_queries, cfg->query_timeout_ms,
	    &cfg->seed, error);
	if (d->pending == NULL)
		goto fail;
	return d;
fail:
	exp_dnslabel_free(d);
	return NULL;
}

void
exp_dnslabel_free(struct exp_dnslabel *d)
{
	if (d == NULL)
		return;
	exp_dnscache_free(d->names);
	g_free(d->l7);
	exp_dnsquery_free(d->pending);
	g_free(d);
}

size_t
exp_dnslabel_memory(const struct exp_dnslabel_config *cfg)
{
	return sizeof(struct exp_dnslabel) +
	    exp_dnscache_memory(cfg->max_names) +
	    (cfg->l7 ? cfg->max_l7_names * sizeof(struct l7slot) : 0) +
	    exp_dnsquery_memory(cfg->max_queries);
}

/* --- DNS records ---------------------------------------------------------
 */

static void
set_rec_addr(struct mf_dns_rec *r, const struct mf_addr *server,
    const struct mf_addr *client)
{
	if (client->family == MF_AF_INET) {
		r->server4 = mf_addr_get4(server);
		r->client4 = mf_addr_get4(client);
	} else {
		memcpy(r->server6, server->b, 16);
		memcpy(r->client6, client->b, 16);
	}
}

static struct mf_varfield
text(const char *s)
{
	struct mf_varfield v = { strlen(s), (const uint8_t *)s };

	return v;
}

/*
 * The basicList (RFC 6313) of the answered addresses of one family:
 * semantic allOf, sourceIPv4Address (8) or sourceIPv6Address (27), the
 * element length, then the addresses.
 */
static struct mf_varfield
addr_list(struct exp_dnslabel *d, const struct mf_dns_msg *m, uint8_t family)
{
	size_t n = mf_model_addr_list_begin(d->list, family);
	struct mf_varfield v;
	unsigned i;

	for (i = 0; i < m->n_addrs; i++)
		n = mf_model_addr_list_add(d->list, n, sizeof(d->list), family,
		    &m->addrs[i].addr);
	v.len = n;
	v.buf = d->list;
	return v;
}

static gboolean
has_family(const struct mf_dns_msg *m, uint8_t family)
{
	unsigned i;

	for (i = 0; i < m->n_addrs; i++)
		if (m->addrs[i].addr.family == family)
			return TRUE;
	return FALSE;
}

/* One record per family of answered addresses (one if there are none). */
static void
export_answer(struct exp_dnslabel *d, const struct exp_pkt *p,
    const struct mf_dns_msg *m)
{
	struct mf_dns_rec r;
	gboolean v4 = has_family(m, MF_AF_INET);
	gboolean v6 = has_family(m, MF_AF_INET6);

	memset(&r, 0, sizeof(r));
	set_rec_addr(&r, &p->src, &p->dst);
	r.time_ms = p->ts_ms;
	/* The parser's lengths: no strlen(). */
	r.qname.len = m->qname_len;
	r.qname.buf = (const uint8_t *)m->qname;
	r.cname.len = m->cname_len;
	r.cname.buf = (const uint8_t *)m->cname;
	r.ttl = m->min_ttl;
	r.sport = p->sport;
	r.dport = p->dport;
	r.id = m->id;
	r.qtype = m->qtype;
	r.proto = p->proto;
	r.rcode = (uint8_t)(m->ext_rcode > 255 ? 255 : m->ext_rcode);
	r.qr = 1;
	if (v4 || !v6) {
		r.addrs = addr_list(d, m, MF_AF_INET);
		exp_export_dns(d->export, &r, p->dst.family);
	}
	if (v6) {
		r.addrs = addr_list(d, m, MF_AF_INET6);
		exp_export_dns(d->export, &r, p->dst.family);
	}
}

static void
export_unanswered(const struct exp_dnsquery_info *q, void *ctx)
{
	struct exp_dnslabel *d = ctx;
	struct mf_dns_rec r;

	memset(&r, 0, sizeof(r));
	set_rec_addr(&r, &q->key.server, &q->key.client);
	r.time_ms = q->seen_ms;
	r.qname = text(q->qname);
	r.cname = text("");
	r.addrs.len = mf_model_addr_list_begin(d->list, MF_AF_INET);
	r.addrs.buf = d->list;
	r.sport = q->key.server_port;
	r.dport = q->key.client_port;
	r.id = q->key.id;
	r.qtype = q->qtype;
	r.proto = q->key.proto;
	r.qr = 0;
	d->stats.unanswered++;
	exp_export_dns(d->export, &r, q->key.client.family);
}

/* --- DNS messages ---------------------------------------------------------
 */

static void
query_key(const struct exp_pkt *p, const struct mf_dns_msg *m, gboolean answer,
    struct exp_dnsquery_key *k)
{
	memset(k, 0, sizeof(*k));
	k->client = answer ? p->dst : p->src;
	k->server = answer ? p->src : p->dst;
	k->client_port = answer ? p->dport : p->sport;
	k->server_port = answer ? p->sport : p->dport;
	k->id = m->id;
	k->proto = p->proto;
}

static void
learn_answer(struct exp_dnslabel *d, const struct exp_pkt *p,
    const struct mf_dns_msg *m)
{
	struct exp_dnsquery_key k;
	struct exp_dnscache_answer a;
	unsigned i;

	d->stats.answers++;
	query_key(p, m, TRUE, &k);
	exp_dnsquery_answer(d->pending, &k);
	if (m->rcode == 0 && m->n_addrs > 0) {
		/* One client and one name for all: hashed and measured once. */
		exp_dnscache_answer_init(d->names, &a, &p->dst, m->qname,
		    m->qname_len, m->cname, m->cname_len);
		for (i = 0; i < m->n_addrs; i++) {
			exp_dnscache_answer_add(d->names, &a, &m->addrs[i].addr,
			    m->addrs[i].ttl, p->ts_ms);
			d->stats.addresses++;
		}
	}
	export_answer(d, p, m);
}

/* One DNS message from p (UDP payload or one TCP-framed message). */
static void
dns_message(struct exp_dnslabel *d, const struct exp_pkt *p, const uint8_t *msg,
    size_t len, gboolean from_server)
{
	struct mf_dns_msg *m = &d->msg;
	/* A query (QR bit clear) is read only as far as its question. */
	gboolean query = len > 2 && (msg[2] & 0x80) == 0;
	enum mf_dns_result r = query ? mf_dns_parse_question(msg, len, m)
	                             : mf_dns_parse(msg, len, m);

	d->stats.by_result[r]++;
	if (r != MF_DNS_OK) {
		d->stats.malformed++;
		if (!m->answers_complete)
			return;
	}
	if (m->opcode != 0)
		return;
	if (m->qr && from_server) {
		learn_answer(d, p, m);
	} else if (!m->qr && !from_server) {
		struct exp_dnsquery_key k;

		d->stats.queries++;
		query_key(p, m, FALSE, &k);
		/* The name stays in wire form until a timeout exports it. */
		exp_dnsquery_add_wire(d->pending, &k, msg + MF_DNS_HEADER_LEN,
		    m->qname_wire_len, m->qtype, p->ts_ms);
	}
}

static void
dns_tcp(struct exp_dnslabel *d, const struct exp_pkt *p, gboolean from_server)
{
	size_t off = 0, mlen;
	const uint8_t *msg;
	unsigned guard;

	/* Each message takes at least 2 bytes: the loop ends. */
	for (guard = 0; guard < p->payload_len / 2 + 1; guard++) {
		switch (mf_dns_tcp_next(p->payload, p->payload_len, &off, &msg,
		    &mlen)) {
		case MF_DNS_TCP_MSG:
			dns_message(d, p, msg, mlen, from_server);
			break;
		case MF_DNS_TCP_PARTIAL:
			d->stats.tcp_split++;
			return;
		case MF_DNS_TCP_ZERO_LENGTH:
			d->stats.tcp_zero++;
			return;
		default:
			return;
		}
	}
}

/* Whether port is a DNS server port we listen to. */
static gboolean
dns_port(const struct exp_dnslabel *d, uint16_t port, uint8_t proto)
{
	if (port == EXP_DNS_PORT)
		return TRUE;
	return d->cfg.mdns && proto == PROTO_UDP && port == EXP_MDNS_PORT;
}

/* --- TLS server names and HTTP Host headers ------------------------------
 */

/*
 * Keep the name just parsed into d->l7name for flow f: the next ring slot,
 * overwriting the oldest.  The buffers have one size and the parsers end
 * the name with a NUL inside it, so one fixed-size copy does (no strlen()).
 */
static void
l7_store(struct exp_dnslabel *d, struct exp_flow *f, uint8_t source)
{
	struct l7slot *sl = &d->l7[d->l7_seq % d->cfg.max_l7_names];

	G_STATIC_ASSERT(sizeof(sl->name) == sizeof(d->l7name));
	sl->seq = ++d->l7_seq;
	sl->source = source;
	memcpy(sl->name, d->l7name, sizeof(sl->name));
	f->name_ref = sl->seq;
	d->stats.l7_stored++;
}

/*
 * The search of exp_dnslabel_flow_packet(), out of line: the call for
 * every packet then saves no registers it does not need.
 */
static G_NO_INLINE void
l7_search(struct exp_dnslabel *d, struct exp_flow *f, const struct exp_pkt *p)
{
	enum mf_l7_result r;
	uint8_t source;

	f->l7_tries++;
	if (p->payload[0] == TLS_HANDSHAKE) {
		r = mf_l7_tls_sni(p->payload, p->payload_len, d->l7name,
		    sizeof(d->l7name));
		d->stats.sni[r]++;
		source = MF_LABEL_TLS_SNI;
	} else if (p->payload[0] >= 'A' && p->payload[0] <= 'Z') {
		r = mf_l7_http_host(p->payload, p->payload_len, d->l7name,
		    sizeof(d->l7name));
		d->stats.host[r]++;
		source = MF_LABEL_HTTP_HOST;
	} else {
		return;
	}
	if (r == MF_L7_FOUND)
		l7_store(d, f, source);
}

void
exp_dnslabel_flow_packet(struct exp_dnslabel *d, struct exp_flow *f,
    const struct exp_pkt *p)
{
	const uint8_t *from;

	/* Retransmitted SYNs and bare ACKs do not use up the search. */
	if (d->l7 == NULL || f->name_ref != 0 || p->proto != PROTO_TCP ||
	    p->payload == NULL || p->payload_len == 0 || p->is_frag ||
	    f->l7_tries >= EXP_DNSLABEL_L7_PACKETS)
		return;
	/*
	 * Only the initiator's first packets: where requests are (or a flow
	 * from an address to itself).  Tested here, inline, with constant
	 * sizes: most packets that get this far are the responder's.
	 */
	from = f->key.addr[f->initiator];
	if (!(p->src.family == MF_AF_INET ? memcmp(p->src.b, from, 4) == 0
	                                  : memcmp(p->src.b, from, 16) == 0) &&
	    !mf_addr_equal(&p->src, &p->dst))
		return;
	l7_search(d, f, p);
}

/* A packet to or from a DNS port, out of line as l7_search() is. */
static G_NO_INLINE void
dns_packet(struct exp_dnslabel *d, const struct exp_pkt *p)
{
	gboolean from_server;

	if (p->proto != PROTO_UDP && p->proto != PROTO_TCP)
		return;
	from_server = dns_port(d, p->sport, p->proto);
	if (p->is_frag) {
		if (p->frag_first && from_server)
			d->stats.fragmented++;
		return;
	}
	if (p->payload == NULL || p->payload_len == 0)
		return;
	if (from_server || dns_port(d, p->dport, p->proto)) {
		if (p->proto == PROTO_UDP)
			dns_message(d, p, p->payload, p->payload_len,
			    from_server);
		else
			dns_tcp(d, p, from_server);
		return;
	}
}

void
exp_dnslabel_packet(struct exp_dnslabel *d, const struct exp_pkt *p)
{
	if (p->ts_ms > d->now_ms)
		d->now_ms = p->ts_ms;
	/* Most packets: neither port is 53 (nor 5353 with mdns). */
	if (p->sport != EXP_DNS_PORT && p->dport != EXP_DNS_PORT &&
	    (!d->cfg.mdns ||
	        (p->sport != EXP_MDNS_PORT && p->dport != EXP_MDNS_PORT)))
		return;
	dns_packet(d, p);
}

/* --- labels ---------------------------------------------------------------
 */

/* Side s's address (all 16 bytes: the cache reads an IPv4 one's 4). */
static void
side_addr(const struct exp_flow *f, int s, struct mf_addr *a)
{
	a->family = f->key.family;
	memcpy(a->b, f->key.addr[s], sizeof(a->b));
}

static uint64_t
flow_start(const struct exp_flow *f)
{
	uint32_t off = UINT32_MAX;
	int s;

	for (s = 0; s < 2; s++)
		if (f->side[s].packets > 0 && f->side[s].first_off < off)
			off = f->side[s].first_off;
	return f->period_ms + (off == UINT32_MAX ? 0 : off);
}

static enum mf_label_source
from_cache(enum exp_label_source s)
{
	switch (s) {
	case EXP_LABEL_DNS:
		return MF_LABEL_DNS;
	case EXP_LABEL_DNS_OTHER_CLIENT:
		return MF_LABEL_DNS_OTHER_CLIENT;
	default:
		return MF_LABEL_NONE;
	}
}

enum mf_label_source
exp_dnslabel_label(const struct exp_flow *f, const char **name, void *ctx)
{
	struct exp_dnslabel *d = ctx;
	uint64_t start = flow_start(f), now = MAX(d->now_ms, f->last_ms);
	struct mf_addr side[2];
	const char *found[2] = { NULL, NULL };
	enum mf_label_source src[2];
	const struct l7slot *sl;
	int i;

	side_addr(f, f->initiator, &side[0]);
	side_addr(f, !f->initiator, &side[1]);
	/* An answer to either side's own query, the initiator first. */
	for (i = 0; i < 2; i++) {
		src[i] = from_cache(exp_dnscache_find(d->names, &side[i],
		    &side[!i], start, now, &found[i]));
		if (src[i] == MF_LABEL_DNS) {
			*name = found[i];
			return MF_LABEL_DNS;
		}
	}
	/* Lookups do not move names: found[] is still valid. */
	for (i = 0; i < 2; i++) {
		if (src[i] == MF_LABEL_DNS_OTHER_CLIENT) {
			*name = found[i];
			return MF_LABEL_DNS_OTHER_CLIENT;
		}
	}
	if (d->l7 == NULL || f->name_ref == 0)
		return MF_LABEL_NONE;
	sl = &d->l7[(f->name_ref - 1) % d->cfg.max_l7_names];
	if (sl->seq != f->name_ref) {
		d->stats.l7_overwritten++; /* more newer names than slots */
		return MF_LABEL_NONE;
	}
	*name = sl->name;
	return (enum mf_label_source)sl->source;
}

/* --- expiry and statistics ------------------------------------------------
 */

void
exp_dnslabel_expire(struct exp_dnslabel *d, uint64_t now_ms)
{
	exp_dnsquery_expire(d->pending, now_ms, export_unanswered, d);
}

void
exp_dnslabel_flush(struct exp_dnslabel *d)
{
	exp_dnsquery_flush(d->pending, export_unanswered, d);
}

const struct exp_dnslabel_stats *
exp_dnslabel_get_stats(const struct exp_dnslabel *d)
{
	return &d->stats;
}

void
exp_dnslabel_fill(const struct exp_dnslabel *d, struct mf_stats_rec *r)
{
	const struct exp_dnscache_stats *c = exp_dnscache_get_stats(d->names);

	r->dns_parsed = d->stats.answers;
	r->dns_malformed = d->stats.malformed;
	r->dns_fragmented = d->stats.fragmented;
	r->dns_unanswered = d->stats.unanswered;
	r->dns_cached = c->inserted + c->updated;
	r->dns_evicted = c->evicted;
}
