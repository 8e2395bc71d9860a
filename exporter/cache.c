/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-cache"

#include <stddef.h>
#include <string.h>

#include <glib.h>

#include "common/addr.h"
#include "common/error.h"
#include "common/model.h"
#include "exporter/cache.h"

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

/* An intrusive list of flow indices: head is the oldest. */
struct flist {
	uint32_t head, tail;
};

struct exp_cache {
	struct exp_cache_config cfg;
	struct exp_flow *flows; /* cfg.max_flows entries */
	uint32_t *buckets;      /* n_buckets chain heads */
	uint32_t bucket_mask;
	uint32_t free_head;   /* flows released, chained through hnext */
	uint32_t n_fresh;     /* flows[n_fresh..] never used: untouched */
	struct flist lru;     /* by last packet */
	struct flist active;  /* by period start */
	struct flist closing; /* by close time */
	exp_cache_export_fn export;
	void *ctx;
	struct exp_cache_stats stats;
};

size_t
exp_cache_memory(size_t max_flows)
{
	return max_flows * sizeof(struct exp_flow) +
	    mf_hash_buckets(max_flows) * sizeof(uint32_t) +
	    sizeof(struct exp_cache);
}

/* --- intrusive lists (lru uses lru_*, the timer lists use tm_*) -------- */

#define LIST_OPS(name, prev, next)                                      \
	static void name##_append(struct exp_cache *c, struct flist *l, \
	    uint32_t i)                                                 \
	{                                                               \
		struct exp_flow *f = &c->flows[i];                      \
		f->prev = l->tail;                                      \
		f->next = EXP_CACHE_NIL;                                \
		if (l->tail != EXP_CACHE_NIL)                           \
			c->flows[l->tail].next = i;                     \
		else                                                    \
			l->head = i;                                    \
		l->tail = i;                                            \
	}                                                               \
	static void name##_unlink(struct exp_cache *c, struct flist *l, \
	    uint32_t i)                                                 \
	{                                                               \
		struct exp_flow *f = &c->flows[i];                      \
		if (f->prev != EXP_CACHE_NIL)                           \
			c->flows[f->prev].next = f->next;               \
		else                                                    \
			l->head = f->next;                              \
		if (f->next != EXP_CACHE_NIL)                           \
			c->flows[f->next].prev = f->prev;               \
		else                                                    \
			l->tail = f->prev;                              \
		f->prev = f->next = EXP_CACHE_NIL;                      \
	}

LIST_OPS(lru, lru_prev, lru_next)
LIST_OPS(tm, tm_prev, tm_next)

/*
 * Move flow i to the lru list's tail (a packet of it): one unlink and one
 * append, without the stores of both that cancel out.  i is in the list.
 */
static void
lru_to_tail(struct exp_cache *c, uint32_t i)
{
	struct exp_flow *f = &c->flows[i];
	uint32_t t = c->lru.tail;

	if (t == i)
		return;
	/* i is not the tail, so it has a successor. */
	c->flows[f->lru_next].lru_prev = f->lru_prev;
	if (f->lru_prev != EXP_CACHE_NIL)
		c->flows[f->lru_prev].lru_next = f->lru_next;
	else
		c->lru.head = f->lru_next;
	f->lru_prev = t;
	f->lru_next = EXP_CACHE_NIL;
	c->flows[t].lru_next = i;
	c->lru.tail = i;
}

static void
flist_init(struct flist *l)
{
	l->head = l->tail = EXP_CACHE_NIL;
}

struct exp_cache *
exp_cache_new(const struct exp_cache_config *cfg, exp_cache_export_fn export,
    void *ctx, GError **error)
{
	struct exp_cache *c;
	size_t nb;

	if (cfg->max_flows < EXP_CACHE_MIN_FLOWS ||
	    cfg->max_flows > EXP_CACHE_MAX_FLOWS) {
		g_set_error(error, MF_ERROR, MF_ERROR_NOMEM,
		    "max-flows %zu out of range (%u..%u)", cfg->max_flows,
		    EXP_CACHE_MIN_FLOWS, EXP_CACHE_MAX_FLOWS);
		return NULL;
	}
	nb = mf_hash_buckets(cfg->max_flows);
	c = g_new0(struct exp_cache, 1);
	c->cfg = *cfg;
	c->flows = g_try_new0(struct exp_flow, cfg->max_flows);
	c->buckets = g_try_new(uint32_t, nb);
	if (c->flows == NULL || c->buckets == NULL) {
		g_set_error(error, MF_ERROR, MF_ERROR_NOMEM,
		    "cannot allocate %zu bytes for %zu flows",
		    exp_cache_memory(cfg->max_flows), cfg->max_flows);
		exp_cache_free(c);
		return NULL;
	}
	c->bucket_mask = (uint32_t)(nb - 1);
	memset(c->buckets, 0xff, nb * sizeof(uint32_t));
	/*
	 * The flows are zeroed pages nobody has touched (calloc of a large
	 * block maps them): a flow's page becomes resident when take() first
	 * hands it out, so memory follows the flows held, up to the cap.
	 */
	c->free_head = EXP_CACHE_NIL;
	c->n_fresh = 0;
	flist_init(&c->lru);
	flist_init(&c->active);
	flist_init(&c->closing);
	c->export = export;
	c->ctx = ctx;
	return c;
}

void
exp_cache_free(struct exp_cache *c)
{
	if (c == NULL)
		return;
	g_free(c->flows);
	g_free(c->buckets);
	g_free(c);
}

const struct exp_cache_stats *
exp_cache_get_stats(const struct exp_cache *c)
{
	return &c->stats;
}

/* --- keys and lookup ----------------------------------------------------- */

/*
 * The keys and their keyed hash.  The hash is mf_hash_fast_words()
 * (common/hash.h), not SipHash: about 25 instructions for an IPv4 key
 * against 130.  It stays keyed with the random seed, which is what makes
 * a flood hard: a sender who does not know the seed cannot pick flows
 * that share a bucket.  Nothing the cache exports depends on the hash
 * (eviction and expiry go by the lists), so its output is the same for
 * any seed.  The words hashed are the ones that vary, packed from
 * registers: an IPv4 key's addresses are 4 of their 16 bytes (the rest is
 * zero), so it hashes 3 words, an IPv6 key 6.
 *
 * An IPv4 packet's flow is looked up from its fields in registers; its
 * struct exp_key is built only for a new flow.
 */
struct key4 {
	uint32_t lo, hi; /* addresses as stored (network order) */
	uint64_t ports;  /* key bytes from port[0] to ifindex */
	uint32_t rest;   /* key bytes from vlan to family */
};

/*
 * The key's last 12 bytes, ports to family, read as a 64- and a 32-bit
 * word (in memory order: the hash of a key differs between little- and
 * big-endian machines, its flows do not).
 */
#define KEY_PORTS offsetof(struct exp_key, port)
#define KEY_REST offsetof(struct exp_key, vlan)
G_STATIC_ASSERT(offsetof(struct exp_key, ifindex) == KEY_PORTS + 4);
G_STATIC_ASSERT(KEY_REST == KEY_PORTS + 8);
G_STATIC_ASSERT(offsetof(struct exp_key, family) == KEY_REST + 3);
G_STATIC_ASSERT(sizeof(struct exp_key) == KEY_REST + 4);

static void
key_words(const struct exp_key *k, uint64_t *ports, uint32_t *rest)
{
	memcpy(ports, (const uint8_t *)k + KEY_PORTS, 8);
	memcpy(rest, (const uint8_t *)k + KEY_REST, 4);
}

/*
 * Put an IPv4 packet's sides in canonical order (its key's fields, as
 * fill4() will store them, in q); returns its source's side.
 */
static int
order4(const struct exp_pkt *p, uint32_t ifindex, struct key4 *q)
{
	struct exp_key t;
	uint32_t a, b;
	int s;

	/* memcmp's order of 4 bytes, without a call to it. */
	memcpy(&a, p->src.b, 4);
	memcpy(&b, p->dst.b, 4);
	s = GUINT32_FROM_BE(a) > GUINT32_FROM_BE(b) ||
	    (a == b && p->sport > p->dport);
	q->lo = s ? b : a;
	q->hi = s ? a : b;
	t.port[0] = s ? p->dport : p->sport;
	t.port[1] = s ? p->sport : p->dport;
	t.ifindex = ifindex;
	t.vlan = p->vlan;
	t.proto = p->proto;
	t.family = MF_AF_INET;
	key_words(&t, &q->ports, &q->rest);
	return s;
}

static uint32_t
hash4(const struct exp_cache *c, const struct key4 *q)
{
	uint64_t w[3];

	w[0] = (uint64_t)q->lo | (uint64_t)q->hi << 32;
	w[1] = q->ports;
	w[2] = q->rest;
	return (uint32_t)mf_hash_fast_words(&c->cfg.seed, w, 3);
}

static void
fill4(const struct key4 *q, struct exp_key *k)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->addr[0], &q->lo, 4);
	memcpy(k->addr[1], &q->hi, 4);
	memcpy((uint8_t *)k + KEY_PORTS, &q->ports, 8);
	memcpy((uint8_t *)k + KEY_REST, &q->rest, 4);
}

/*
 * Chains hold the hash of each flow: a different one skips the compare.
 * An IPv4 key's address bytes past the first 4 are zero (fill4()), and
 * its family is in q->rest, so these words are the whole key.
 */
static uint32_t
find4(const struct exp_cache *c, const struct key4 *q, uint32_t h)
{
	const struct exp_key *k;
	uint32_t i, a0, a1, rest;
	uint64_t ports;

	for (i = c->buckets[h & c->bucket_mask]; i != EXP_CACHE_NIL;
	     i = c->flows[i].hnext) {
		if (c->flows[i].hash != h)
			continue;
		k = &c->flows[i].key;
		memcpy(&a0, k->addr[0], 4);
		memcpy(&a1, k->addr[1], 4);
		key_words(k, &ports, &rest);
		if (((a0 ^ q->lo) | (a1 ^ q->hi) | (rest ^ q->rest) |
		        (ports ^ q->ports)) == 0)
			return i;
	}
	return EXP_CACHE_NIL;
}

/*
 * Build the canonical key of an IPv6 packet and its hash; returns the
 * side (0 or 1) that p's source is on.
 */
static int
make_key6(const struct exp_cache *c, const struct exp_pkt *p, uint32_t ifindex,
    struct exp_key *k, uint32_t *hash)
{
	uint64_t w[6];
	uint32_t rest;
	int d = memcmp(p->src.b, p->dst.b, 16);
	int s = d > 0 || (d == 0 && p->sport > p->dport);

	memcpy(k->addr[s], p->src.b, 16);
	memcpy(k->addr[!s], p->dst.b, 16);
	k->port[s] = p->sport;
	k->port[!s] = p->dport;
	k->ifindex = ifindex;
	k->vlan = p->vlan;
	k->proto = p->proto;
	k->family = p->src.family;
	memcpy(w, k->addr, sizeof(k->addr)); /* 32 bytes: 4 words */
	key_words(k, &w[4], &rest);
	w[5] = rest;
	*hash = (uint32_t)mf_hash_fast_words(&c->cfg.seed, w, 6);
	return s;
}

/* The same for any key (IPv6). */
static uint32_t
find(const struct exp_cache *c, const struct exp_key *k, uint32_t h)
{
	uint32_t i;

	for (i = c->buckets[h & c->bucket_mask]; i != EXP_CACHE_NIL;
	     i = c->flows[i].hnext)
		if (c->flows[i].hash == h &&
		    memcmp(&c->flows[i].key, k, sizeof(*k)) == 0)
			return i;
	return EXP_CACHE_NIL;
}

static void
hash_remove(struct exp_cache *c, uint32_t i)
{
	uint32_t *pp = &c->buckets[c->flows[i].hash & c->bucket_mask];

	while (*pp != i) {
		g_assert(*pp != EXP_CACHE_NIL);
		pp = &c->flows[*pp].hnext;
	}
	*pp = c->flows[i].hnext;
}

/* --- leaving the cache --------------------------------------------------- */

static void
release(struct exp_cache *c, uint32_t i)
{
	struct exp_flow *f = &c->flows[i];

	hash_remove(c, i);
	lru_unlink(c, &c->lru, i);
	tm_unlink(c, f->state == EXP_FLOW_CLOSING ? &c->closing : &c->active,
	    i);
	f->state = EXP_FLOW_FREE;
	f->hnext = c->free_head;
	c->free_head = i;
	c->stats.active--;
}

static void
expire(struct exp_cache *c, uint32_t i, int reason)
{
	c->export(&c->flows[i], reason, c->ctx);
	release(c, i);
}

/* Close the current report period of a live flow and start the next. */
static void
roll_period(struct exp_cache *c, uint32_t i, uint64_t now_ms)
{
	struct exp_flow *f = &c->flows[i];

	c->export(f, MF_END_ACTIVE_TIMEOUT, c->ctx);
	memset(f->side, 0, sizeof(f->side));
	f->period_ms = now_ms;
	tm_unlink(c, &c->active, i);
	tm_append(c, &c->active, i);
	c->stats.expired_active++;
}

void
exp_cache_expire(struct exp_cache *c, uint64_t now_ms)
{
	uint32_t i;

	while ((i = c->lru.head) != EXP_CACHE_NIL &&
	    c->flows[i].last_ms + c->cfg.idle_ms <= now_ms) {
		c->stats.expired_idle++;
		expire(c, i, MF_END_IDLE_TIMEOUT);
	}
	while ((i = c->closing.head) != EXP_CACHE_NIL &&
	    c->flows[i].close_ms + c->cfg.linger_ms <= now_ms) {
		c->stats.expired_end++;
		expire(c, i, MF_END_OF_FLOW);
	}
	while ((i = c->active.head) != EXP_CACHE_NIL &&
	    c->flows[i].period_ms + c->cfg.active_ms <= now_ms)
		roll_period(c, i, now_ms);
}

void
exp_cache_flush(struct exp_cache *c)
{
	uint32_t i;

	while ((i = c->lru.head) != EXP_CACHE_NIL) {
		c->stats.flushed++;
		expire(c, i,
		    c->flows[i].state == EXP_FLOW_CLOSING ? MF_END_OF_FLOW
		                                          : MF_END_FORCED);
	}
}

/* --- the packet path ----------------------------------------------------- */

static uint32_t
take(struct exp_cache *c, const struct exp_key *k, uint32_t h, uint64_t now)
{
	uint32_t i;
	struct exp_flow *f;

	if (c->free_head == EXP_CACHE_NIL && c->n_fresh < c->cfg.max_flows) {
		i = c->n_fresh++;
		f = &c->flows[i];
	} else {
		if (c->free_head == EXP_CACHE_NIL) {
			c->stats.evicted_full++;
			expire(c, c->lru.head, MF_END_LACK_OF_RESOURCES);
		}
		i = c->free_head;
		f = &c->flows[i];
		c->free_head = f->hnext;
	}
	memset(f, 0, sizeof(*f));
	f->key = *k;
	f->hash = h;
	f->period_ms = now;
	f->state = EXP_FLOW_ACTIVE;
	f->hnext = c->buckets[h & c->bucket_mask];
	c->buckets[h & c->bucket_mask] = i;
	lru_append(c, &c->lru, i);
	tm_append(c, &c->active, i);
	c->stats.flows_created++;
	if (++c->stats.active > c->stats.peak)
		c->stats.peak = c->stats.active;
	return i;
}

static uint32_t
ms_off(uint64_t t, uint64_t base)
{
	uint64_t d = t > base ? t - base : 0;

	return d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
}

static void
account(struct exp_flow *f, int s, const struct exp_pkt *p, uint64_t now)
{
	struct exp_side *sd = &f->side[s];
	uint32_t off = ms_off(now, f->period_ms);

	if (sd->packets == 0) {
		sd->first_off = off;
		sd->initial_flags = p->tcp_flags;
		sd->tos = p->tos;
	} else {
		sd->union_flags |= p->tcp_flags;
	}
	sd->packets++;
	sd->octets += p->ip_len;
	sd->last_off = off;
	if (now > f->last_ms)
		f->last_ms = now;
	if (p->has_mac) {
		if (!f->has_mac)
			memcpy(f->mac[!s], p->dst_mac, 6);
		memcpy(f->mac[s], p->src_mac, 6);
		f->has_mac = 1;
	}
}

/* TCP state: FIN both ways or RST moves the flow to the closing list. */
static void
track_tcp(struct exp_cache *c, uint32_t i, int s, uint8_t flags, uint64_t now)
{
	struct exp_flow *f = &c->flows[i];

	if (f->state != EXP_FLOW_ACTIVE)
		return;
	if (flags & TCP_FIN)
		f->side[s].fin = 1;
	if ((flags & TCP_RST) || (f->side[0].fin && f->side[1].fin)) {
		tm_unlink(c, &c->active, i);
		f->state = EXP_FLOW_CLOSING;
		f->close_ms = now;
		tm_append(c, &c->closing, i);
	}
}

struct exp_flow *
exp_cache_update(struct exp_cache *c, const struct exp_pkt *p, uint32_t ifindex)
{
	struct exp_key k;
	struct key4 q;
	uint64_t now = p->ts_ms;
	uint32_t h, i;
	gboolean v4 = p->src.family == MF_AF_INET;
	int s;

	if (v4) {
		s = order4(p, ifindex, &q);
		h = hash4(c, &q);
		i = find4(c, &q, h);
	} else {
		s = make_key6(c, p, ifindex, &k, &h);
		i = find(c, &k, h);
	}
	/* A new SYN on a closing stream is a new connection (port reuse). */
	if (i != EXP_CACHE_NIL && c->flows[i].state == EXP_FLOW_CLOSING &&
	    p->proto == 6 && (p->tcp_flags & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
		c->stats.expired_end++;
		expire(c, i, MF_END_OF_FLOW);
		i = EXP_CACHE_NIL;
	}
	if (i == EXP_CACHE_NIL) {
		if (v4)
			fill4(&q, &k);
		i = take(c, &k, h, now);
		c->flows[i].initiator = (uint8_t)s;
	} else {
		lru_to_tail(c, i);
	}
	account(&c->flows[i], s, p, now);
	if (p->proto == 6)
		track_tcp(c, i, s, p->tcp_flags, now);
	c->stats.packets++;
	c->stats.octets += p->ip_len;
	return &c->flows[i];
}
