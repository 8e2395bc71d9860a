/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-dnscache"

#include <stddef.h>
#include <string.h>

#include <glib.h>

#include "common/addr.h"
#include "common/error.h"
#include "exporter/dnscache.h"

#define NIL UINT32_MAX

const char *const exp_label_source_names[EXP_LABEL_N] = {
	"none",
	"dns",
	"dns-other-client",
	"tls-sni",
	"http-host",
};

/*
 * The answered address comes first so that the fallback index hashes and
 * compares the leading ADDR_KEY_LEN bytes only.  Unused address bytes are
 * zero, so keys compare with memcmp().
 */
struct dkey {
	uint8_t afam;
	uint8_t answered[16];
	uint8_t cfam;
	uint8_t client[16];
};
#define ADDR_KEY_LEN offsetof(struct dkey, cfam)

/* The lists an entry is on; L_PAIR and L_ADDR also index heads[]. */
enum { L_PAIR = 0, L_ADDR = 1, L_LRU = 2, N_LINKS = 3 };

struct link {
	uint32_t prev, next;
};

struct dentry {
	uint64_t seen_ms;  /* the latest answer with this name */
	uint64_t prev_ms;  /* the one before it (seen_ms if none) */
	uint64_t first_ms; /* the first one held */
	uint64_t expiry_ms;
	struct link link[N_LINKS];
	uint32_t bucket[2]; /* pair and addr bucket: unlinking needs no hash */
	struct dkey key;
	char names[EXP_DNSCACHE_NAMES_LEN]; /* "qname\0cname\0" */
};

/*
 * The filter: FILTER_PER_BUCKET counters per addr bucket, each the number
 * of entries whose answered address falls in it by filter_slot(), stuck
 * at FILTER_STUCK once it gets there (it is then never lowered, so it
 * only ever says "maybe").  A lookup of an address whose counter is 0
 * misses without a SipHash; most lookups are such misses (the side of a
 * flow nobody resolved).
 */
#define FILTER_PER_BUCKET 2
#define FILTER_STUCK UINT8_MAX

/*
 * The client hashes last taken, one slot per CLIENT_MEMO_SLOTS by a
 * multiply-shift of the address (as the filter's): a message's answers
 * and a flow's lookup hash their client with SipHash, and a few clients
 * ask most questions.  A slot holds the address whole, so a hit gives
 * exactly the hash SipHash would; fam 0 is an empty slot.  Addresses
 * aimed at one slot only make each other miss (a SipHash, as without
 * the memo).  1,024 slots of 32 bytes: 32 KiB (the name cache of 4,096
 * names takes about 1.5 MiB).
 */
#define CLIENT_MEMO_BITS 10
#define CLIENT_MEMO_SLOTS (1u << CLIENT_MEMO_BITS)

struct client_memo {
	uint64_t hash;
	uint8_t fam;
	uint8_t a[16];
};

struct exp_dnscache {
	struct exp_dnscache_config cfg;
	struct dentry *e;   /* cfg.max_names entries */
	uint32_t *heads[2]; /* pair and addr chain heads, mask + 1 each */
	uint8_t *filter;    /* FILTER_PER_BUCKET * (mask + 1) counters */
	uint64_t fmul[2];   /* filter_slot()'s odd multipliers, from the seed */
	int fshift;         /* 64 - log2(filter slots) */
	uint32_t mask;
	uint32_t used; /* entries 0 .. used - 1 hold names */
	uint32_t lru_head, lru_tail;
	struct exp_dnscache_stats stats;
	struct client_memo memo[CLIENT_MEMO_SLOTS];
};

/* --- sizing -------------------------------------------------------------- */

/* The entries follow the cache header, aligned for their uint64_t. */
static size_t
header_size(void)
{
	return (sizeof(struct exp_dnscache) + 15) & ~(size_t)15;
}

size_t
exp_dnscache_memory(size_t max_names)
{
	return header_size() + max_names * sizeof(struct dentry) +
	    mf_hash_buckets(max_names) *
	    (2 * sizeof(uint32_t) + FILTER_PER_BUCKET);
}

static gboolean
check_config(const struct exp_dnscache_config *cfg, GError **error)
{
	if (cfg->max_names < EXP_DNSCACHE_MIN_NAMES ||
	    cfg->max_names > EXP_DNSCACHE_MAX_NAMES) {
		g_set_error(error, MF_ERROR, MF_ERROR_NOMEM,
		    "max-dns-names %zu out of range (%u..%u)", cfg->max_names,
		    EXP_DNSCACHE_MIN_NAMES, EXP_DNSCACHE_MAX_NAMES);
		return FALSE;
	}
	if (cfg->ttl_min_s > cfg->ttl_max_s) {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
		    "dns ttl minimum %" G_GUINT32_FORMAT
		    " s exceeds the maximum %" G_GUINT32_FORMAT " s",
		    cfg->ttl_min_s, cfg->ttl_max_s);
		return FALSE;
	}
	return TRUE;
}

struct exp_dnscache *
exp_dnscache_new(const struct exp_dnscache_config *cfg, GError **error)
{
	struct exp_dnscache *c;
	size_t nb, size;
	char *base;

	if (!check_config(cfg, error))
		return NULL;
	nb = mf_hash_buckets(cfg->max_names);
	size = exp_dnscache_memory(cfg->max_names);
	if ((base = g_try_malloc0(size)) == NULL) {
		g_set_error(error, MF_ERROR, MF_ERROR_NOMEM,
		    "cannot allocate %zu bytes for %zu dns names", size,
		    cfg->max_names);
		return NULL;
	}
	c = (struct exp_dnscache *)(void *)base;
	c->cfg = *cfg;
	c->e = (struct dentry *)(void *)(base + header_size());
	c->heads[L_PAIR] = (uint32_t *)(void *)(c->e + cfg->max_names);
	c->heads[L_ADDR] = c->heads[L_PAIR] + nb;
	memset(c->heads[L_PAIR], 0xff, 2 * nb * sizeof(uint32_t));
	c->filter = (uint8_t *)(c->heads[L_ADDR] + nb); /* zeroed */
	c->fmul[0] = cfg->seed.k0 | 1;
	c->fmul[1] = cfg->seed.k1 | 1;
	c->fshift = 64 - (int)g_bit_storage(FILTER_PER_BUCKET * nb - 1);
	c->mask = (uint32_t)(nb - 1);
	c->lru_head = c->lru_tail = NIL;
	return c;
}

void
exp_dnscache_free(struct exp_dnscache *c)
{
	g_free(c);
}

const struct exp_dnscache_stats *
exp_dnscache_get_stats(const struct exp_dnscache *c)
{
	return &c->stats;
}

/* --- lists --------------------------------------------------------------- */

/* Take i off list w; tail is NULL for the hash chains (they have none). */
static void
list_unlink(struct exp_dnscache *c, int w, uint32_t *head, uint32_t *tail,
    uint32_t i)
{
	struct link *l = &c->e[i].link[w];

	if (l->prev != NIL)
		c->e[l->prev].link[w].next = l->next;
	else
		*head = l->next;
	if (l->next != NIL)
		c->e[l->next].link[w].prev = l->prev;
	else if (tail != NULL)
		*tail = l->prev;
	l->prev = l->next = NIL;
}

/* Put i at the head of chain w in bucket b. */
static void
chain_push(struct exp_dnscache *c, int w, uint32_t b, uint32_t i)
{
	uint32_t *head = &c->heads[w][b];
	struct link *l = &c->e[i].link[w];

	l->prev = NIL;
	l->next = *head;
	if (*head != NIL)
		c->e[*head].link[w].prev = i;
	*head = i;
	c->e[i].bucket[w] = b;
}

static void
chain_remove(struct exp_dnscache *c, int w, uint32_t i)
{
	list_unlink(c, w, &c->heads[w][c->e[i].bucket[w]], NULL, i);
}

/* Make i the most recently used entry (it must not be on the list). */
static void
lru_append(struct exp_dnscache *c, uint32_t i)
{
	struct link *l = &c->e[i].link[L_LRU];

	l->prev = c->lru_tail;
	l->next = NIL;
	if (c->lru_tail != NIL)
		c->e[c->lru_tail].link[L_LRU].next = i;
	else
		c->lru_head = i;
	c->lru_tail = i;
}

static void
lru_touch(struct exp_dnscache *c, uint32_t i)
{
	list_unlink(c, L_LRU, &c->lru_head, &c->lru_tail, i);
	lru_append(c, i);
}

/* --- keys ---------------------------------------------------------------- */

/* Copy a's significant bytes; FALSE if its family is neither 4 nor 6. */
static gboolean
key_addr(const struct mf_addr *a, uint8_t *fam, uint8_t out[16])
{
	if (a->family == MF_AF_INET)
		memcpy(out, a->b, 4);
	else if (a->family == MF_AF_INET6)
		memcpy(out, a->b, 16);
	else
		return FALSE;
	*fam = a->family;
	return TRUE;
}

static gboolean
make_key(const struct mf_addr *client, const struct mf_addr *answered,
    struct dkey *k)
{
	memset(k, 0, sizeof(*k));
	return key_addr(client, &k->cfam, k->client) &&
	    key_addr(answered, &k->afam, k->answered);
}

/*
 * The keyed hashes: SipHash-1-3 with the seed, of an address as words (an
 * IPv4 one with its family in one word; an IPv6 one in two, the family in
 * a third).  The addr chain's bucket is the answered address's hash; the
 * pair chain's is that hash xored with the client's, which carries a tag
 * bit so that it differs from the hash of the same address answered.  A
 * message's answers all go to one client, so its hash is taken once per
 * message, and each answered address is hashed once for both chains.
 * Without the seed neither hash can be predicted, so a sender cannot aim
 * answers at one chain of either kind.
 */
static uint64_t
addr_hash(const struct exp_dnscache *c, uint8_t fam, const uint8_t *a,
    uint64_t tag)
{
	uint64_t v[3];
	uint32_t a4;

	if (fam == MF_AF_INET) {
		memcpy(&a4, a, 4);
		v[0] = (uint64_t)a4 | (uint64_t)fam << 32 | tag << 40;
		return mf_siphash13_words(&c->cfg.seed, v, 1);
	}
	memcpy(v, a, 16);
	v[2] = (uint64_t)fam | tag << 8;
	return mf_siphash13_words(&c->cfg.seed, v, 3);
}

#define CLIENT_TAG 1

/* The hash of client address (fam, bytes as in a dkey), through the memo. */
static uint64_t
client_hash(struct exp_dnscache *c, uint8_t fam, const uint8_t a[16])
{
	uint64_t x, y;
	struct client_memo *m;

	memcpy(&x, a, 8);
	memcpy(&y, a + 8, 8);
	m = &c->memo[(x * c->fmul[1] + y * c->fmul[0]) >>
	    (64 - CLIENT_MEMO_BITS)];
	if (m->fam == fam && memcmp(m->a, a, sizeof(m->a)) == 0)
		return m->hash;
	m->hash = addr_hash(c, fam, a, CLIENT_TAG);
	m->fam = fam;
	memcpy(m->a, a, sizeof(m->a));
	return m->hash;
}

static uint32_t
pair_bucket(const struct exp_dnscache *c, uint64_t answered_hash,
    uint64_t client_hash)
{
	return (uint32_t)(answered_hash ^ client_hash) & c->mask;
}

/*
 * The filter counter of an answered address (fam, bytes as in a dkey):
 * multiply-shift of its words by odd multipliers taken from the seed,
 * about 10 instructions.  A weak hash is enough here: two addresses that
 * share a slot only send a lookup on to the SipHash-indexed chains, so a
 * sender who could aim addresses at one slot gains no more than a lookup
 * costs without the filter.
 */
static uint8_t *
filter_at(const struct exp_dnscache *c, uint8_t fam, const uint8_t *a)
{
	uint64_t x = 0, y = 0;
	uint32_t a4;

	if (fam == MF_AF_INET) {
		memcpy(&a4, a, 4);
		x = a4;
	} else {
		memcpy(&x, a, 8);
		memcpy(&y, a + 8, 8);
	}
	return &c->filter[(x * c->fmul[0] + y * c->fmul[1]) >> c->fshift];
}

/* Count an entry's address in the filter, or take it out again. */
static void
filter_add(struct exp_dnscache *c, const struct dkey *k)
{
	uint8_t *f = filter_at(c, k->afam, k->answered);

	if (*f != FILTER_STUCK)
		(*f)++;
}

static void
filter_remove(struct exp_dnscache *c, const struct dkey *k)
{
	uint8_t *f = filter_at(c, k->afam, k->answered);

	if (*f != FILTER_STUCK)
		(*f)--;
}

/*
 * The next entry on chain w after i; a chain holds at most c->used entries,
 * so a walk of more steps means the links are broken (n counts the steps).
 */
static uint32_t
chain_next(const struct exp_dnscache *c, int w, uint32_t i, uint32_t *n)
{
	(*n)++;
	g_assert(*n <= c->used);
	return c->e[i].link[w].next;
}

/* --- adding -------------------------------------------------------------- */

/* seen_ms + the clamped TTL, saturating at UINT64_MAX. */
static uint64_t
expiry(const struct exp_dnscache *c, uint32_t ttl_s, uint64_t seen_ms)
{
	uint64_t ttl_ms =
	    (uint64_t)CLAMP(ttl_s, c->cfg.ttl_min_s, c->cfg.ttl_max_s) * 1000;

	return seen_ms > UINT64_MAX - ttl_ms ? UINT64_MAX : seen_ms + ttl_ms;
}

/*
 * A free entry, or the least recently used one taken off every list,
 * for key k; it is linked into both chains and made most recently used.
 */
static uint32_t
take(struct exp_dnscache *c, const struct dkey *k, uint32_t pair_b,
    uint32_t addr_b)
{
	uint32_t i;

	if (c->used < c->cfg.max_names) {
		i = c->used++;
	} else {
		i = c->lru_head;
		g_assert(i != NIL);
		chain_remove(c, L_PAIR, i);
		chain_remove(c, L_ADDR, i);
		list_unlink(c, L_LRU, &c->lru_head, &c->lru_tail, i);
		filter_remove(c, &c->e[i].key);
		c->stats.evicted++;
		c->stats.entries--;
	}
	c->e[i].key = *k;
	filter_add(c, k);
	chain_push(c, L_PAIR, pair_b, i);
	chain_push(c, L_ADDR, addr_b, i);
	lru_append(c, i);
	c->stats.inserted++;
	if (++c->stats.entries > c->stats.peak)
		c->stats.peak = c->stats.entries;
	return i;
}

/* Store "qname\0cname\0"; the caller checked qlen and clen <= 255. */
static void
set_names(struct exp_dnscache *c, struct dentry *e, const char *qname,
    size_t qlen, const char *cname, size_t clen)
{
	memcpy(e->names, qname, qlen);
	e->names[qlen] = '\0';
	if (clen > 0 && qlen + clen + 2 > sizeof(e->names)) {
		c->stats.cname_dropped++;
		clen = 0;
	}
	if (clen > 0) /* cname may be NULL: memcpy() takes no NULL */
		memcpy(e->names + qlen + 1, cname, clen);
	e->names[qlen + 1 + clen] = '\0';
}

/* Length of s (NULL: 0), or EXP_DNSCACHE_NAME_MAX + 1 if longer. */
static size_t
name_len(const char *s)
{
	return s == NULL ? 0 : strnlen(s, EXP_DNSCACHE_NAME_MAX + 1);
}

/*
 * The entries a key holds (at most EXP_DNSCACHE_PER_KEY, oldest answer
 * first in *older): the one whose names equal qname, if any, in *same.
 */
static void
key_entries(const struct exp_dnscache *c, const struct dkey *k, uint32_t b,
    const char *qname, uint32_t *same, uint32_t *older, unsigned *n_held)
{
	uint32_t i, n = 0;

	*same = *older = NIL;
	*n_held = 0;
	for (i = c->heads[L_PAIR][b]; i != NIL;
	     i = chain_next(c, L_PAIR, i, &n)) {
		if (memcmp(&c->e[i].key, k, sizeof(*k)) != 0)
			continue;
		(*n_held)++;
		if (strcmp(c->e[i].names, qname) == 0)
			*same = i;
		if (*older == NIL || c->e[i].seen_ms < c->e[*older].seen_ms)
			*older = i;
	}
}

void
exp_dnscache_answer_init(struct exp_dnscache *c, struct exp_dnscache_answer *a,
    const struct mf_addr *client, const char *qname, size_t qlen,
    const char *cname, size_t clen)
{
	a->qname = qname;
	a->cname = cname;
	a->qlen = qlen;
	a->clen = cname == NULL ? 0 : clen;
	a->status = EXP_DNSCACHE_ANSWER_OK;
	if (qname == NULL || a->qlen > EXP_DNSCACHE_NAME_MAX ||
	    a->clen > EXP_DNSCACHE_NAME_MAX) {
		a->status = EXP_DNSCACHE_ANSWER_REFUSED;
		return;
	}
	memset(a->client, 0, sizeof(a->client));
	if (!key_addr(client, &a->cfam, a->client)) {
		a->status = EXP_DNSCACHE_ANSWER_BAD_CLIENT;
		return;
	}
	a->client_hash = client_hash(c, a->cfam, a->client);
}

void
exp_dnscache_answer_add(struct exp_dnscache *c,
    const struct exp_dnscache_answer *a, const struct mf_addr *answered,
    uint32_t ttl_s, uint64_t seen_ms)
{
	struct dkey k;
	struct dentry *e;
	uint64_t h;
	uint32_t b, i, same, older;
	unsigned held;

	if (a->status == EXP_DNSCACHE_ANSWER_REFUSED) {
		c->stats.refused++;
		return;
	}
	memset(k.answered, 0, sizeof(k.answered));
	if (a->status != EXP_DNSCACHE_ANSWER_OK ||
	    !key_addr(answered, &k.afam, k.answered)) {
		c->stats.bad_addr++;
		return;
	}
	k.cfam = a->cfam;
	memcpy(k.client, a->client, sizeof(k.client));
	h = addr_hash(c, k.afam, k.answered, 0);
	b = pair_bucket(c, h, a->client_hash);
	key_entries(c, &k, b, a->qname, &same, &older, &held);
	/* The same name again refreshes its entry; another name takes an
	 * entry of its own beside it, or the place of the older one. */
	i = same != NIL ? same : held < EXP_DNSCACHE_PER_KEY ? NIL : older;
	if (i == NIL) {
		i = take(c, &k, b, (uint32_t)h & c->mask);
	} else {
		lru_touch(c, i);
		if (seen_ms < c->e[i].seen_ms) {
			c->stats.stale++;
			return;
		}
		c->stats.updated++;
	}
	e = &c->e[i];
	if (i == same) { /* the same name again: keep when it was first */
		e->prev_ms = e->seen_ms;
	} else {
		e->prev_ms = seen_ms;
		e->first_ms = seen_ms;
	}
	e->seen_ms = seen_ms;
	e->expiry_ms = expiry(c, ttl_s, seen_ms);
	set_names(c, e, a->qname, a->qlen, a->cname, a->clen);
}

void
exp_dnscache_add(struct exp_dnscache *c, const struct mf_addr *client,
    const struct mf_addr *answered, const char *qname, const char *cname,
    uint32_t ttl_s, uint64_t seen_ms)
{
	struct exp_dnscache_answer a;

	exp_dnscache_answer_init(c, &a, client, qname, name_len(qname), cname,
	    name_len(cname));
	exp_dnscache_answer_add(c, &a, answered, ttl_s, seen_ms);
}

/* --- lookup -------------------------------------------------------------- */

/* Whether e may label a flow that started at start_ms, exported at now_ms. */
static gboolean
counts(const struct dentry *e, uint64_t start_ms, uint64_t now_ms)
{
	return e->seen_ms <= now_ms && e->expiry_ms >= start_ms;
}

/*
 * The time of e's latest answer seen by start_ms, in *t; FALSE if every
 * answer e holds came after.  Exact when that answer is the latest or the
 * one before it; older ones are known only by the first (a lower bound).
 */
static gboolean
answer_before(const struct dentry *e, uint64_t start_ms, uint64_t *t)
{
	if (e->seen_ms <= start_ms)
		*t = e->seen_ms;
	else if (e->prev_ms <= start_ms)
		*t = e->prev_ms;
	else if (e->first_ms <= start_ms)
		*t = e->first_ms;
	else
		return FALSE;
	return TRUE;
}

/*
 * Whether answer a names a flow that started at start_ms better than b:
 * an answer seen by the start beats one seen after it; of two seen by the
 * start the latest wins, of two seen after it the earliest.
 */
static gboolean
better(const struct dentry *a, const struct dentry *b, uint64_t start_ms)
{
	uint64_t ta, tb;
	gboolean a_before = answer_before(a, start_ms, &ta);
	gboolean b_before = answer_before(b, start_ms, &tb);

	if (a_before != b_before)
		return a_before;
	return a_before ? ta > tb : a->first_ms < b->first_ms;
}

/*
 * The best counting answer on chain w (bucket b) whose key's first len
 * bytes equal k's: the pair chain with the whole key for this client's
 * answers, the addr chain with the answered address for any client's.
 */
static uint32_t
find_best(const struct exp_dnscache *c, int w, uint32_t b, const struct dkey *k,
    size_t len, uint64_t start_ms, uint64_t now_ms)
{
	uint32_t i, best = NIL, n = 0;
	const struct dentry *e;

	for (i = c->heads[w][b]; i != NIL; i = chain_next(c, w, i, &n)) {
		e = &c->e[i];
		if (memcmp(&e->key, k, len) != 0 ||
		    !counts(e, start_ms, now_ms))
			continue;
		if (best == NIL || better(e, &c->e[best], start_ms))
			best = i;
	}
	return best;
}

/*
 * The lookup past the filter, out of line: the usual miss then saves no
 * registers this part needs.
 */
static G_NO_INLINE enum exp_label_source
find_slow(struct exp_dnscache *c, const struct mf_addr *client,
    const struct mf_addr *remote, uint64_t flow_start_ms, uint64_t now_ms,
    const char **name)
{
	struct dkey k;
	uint32_t i = NIL, ab = 0, pb;
	uint64_t h = 0;
	enum exp_label_source src = EXP_LABEL_NONE;
	gboolean keyed = make_key(client, remote, &k);

	if (keyed) {
		h = addr_hash(c, k.afam, k.answered, 0);
		ab = (uint32_t)h & c->mask;
	}
	/* Every entry is on both chains: an empty addr bucket, a miss. */
	if (keyed && c->heads[L_ADDR][ab] != NIL) {
		pb = pair_bucket(c, h, client_hash(c, k.cfam, k.client));
		i = find_best(c, L_PAIR, pb, &k, sizeof(k), flow_start_ms,
		    now_ms);
		if (i != NIL)
			src = EXP_LABEL_DNS;
		else if ((i = find_best(c, L_ADDR, ab, &k, ADDR_KEY_LEN,
		              flow_start_ms, now_ms)) != NIL)
			src = EXP_LABEL_DNS_OTHER_CLIENT;
	}
	switch (src) {
	case EXP_LABEL_DNS:
		c->stats.hits_dns++;
		break;
	case EXP_LABEL_DNS_OTHER_CLIENT:
		c->stats.hits_other++;
		break;
	default:
		c->stats.misses++;
		return EXP_LABEL_NONE;
	}
	lru_touch(c, i);
	*name = c->e[i].names;
	return src;
}

enum exp_label_source
exp_dnscache_find(struct exp_dnscache *c, const struct mf_addr *client,
    const struct mf_addr *remote, uint64_t flow_start_ms, uint64_t now_ms,
    const char **name)
{
	c->stats.lookups++;
	*name = NULL;
	/*
	 * The filter counts every entry's address: a zero counter means no
	 * client was told of this address.  The usual miss costs no SipHash,
	 * a filter's false "maybe" the addr key's, never both keys'.
	 */
	if ((remote->family != MF_AF_INET && remote->family != MF_AF_INET6) ||
	    *filter_at(c, remote->family, remote->b) == 0) {
		c->stats.misses++;
		return EXP_LABEL_NONE;
	}
	return find_slow(c, client, remote, flow_start_ms, now_ms, name);
}

const char *
exp_dnscache_cname(const char *name)
{
	const char *cname;

	if (name == NULL)
		return NULL;
	cname = name + strlen(name) + 1;
	return *cname != '\0' ? cname : NULL;
}
