/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-frag"

#include <string.h>

#include <glib.h>

#include "common/error.h"
#include "exporter/frag.h"

#define NIL UINT32_MAX

struct frag_key {
	uint8_t src[16], dst[16];
	uint32_t id;
	uint8_t proto, family;
	uint8_t pad[2]; /* zeroed: the key is hashed and compared whole */
};

struct frag_entry {
	struct frag_key key;
	uint64_t ts_ms;
	uint16_t sport, dport;
	uint32_t hnext;
	uint32_t prev, next; /* age list: head is the oldest */
	uint8_t used;
};

struct exp_frag {
	struct frag_entry *e;
	uint32_t *buckets;
	uint32_t mask, max, n_used;
	uint32_t free_head; /* unused entries chained through hnext */
	uint32_t head, tail;
	struct mf_hash_key seed;
	struct exp_frag_stats stats;
};

size_t
exp_frag_memory(size_t max)
{
	return max * sizeof(struct frag_entry) +
	    mf_hash_buckets(max) * sizeof(uint32_t) + sizeof(struct exp_frag);
}

struct exp_frag *
exp_frag_new(size_t max, const struct mf_hash_key *seed, GError **error)
{
	struct exp_frag *t;
	size_t nb, i;

	if (max < EXP_FRAG_MIN || max > EXP_FRAG_MAX) {
		g_set_error(error, MF_ERROR, MF_ERROR_NOMEM,
		    "max-frags %zu out of range (%u..%u)", max, EXP_FRAG_MIN,
		    EXP_FRAG_MAX);
		return NULL;
	}
	nb = mf_hash_buckets(max);
	t = g_new0(struct exp_frag, 1);
	t->e = g_new0(struct frag_entry, max);
	t->buckets = g_new(uint32_t, nb);
	memset(t->buckets, 0xff, nb * sizeof(uint32_t));
	t->mask = (uint32_t)(nb - 1);
	t->max = (uint32_t)max;
	t->head = t->tail = NIL;
	for (i = 0; i < max; i++)
		t->e[i].hnext = i + 1 < max ? (uint32_t)(i + 1) : NIL;
	t->free_head = 0;
	t->seed = *seed;
	return t;
}

void
exp_frag_free(struct exp_frag *t)
{
	if (t == NULL)
		return;
	g_free(t->e);
	g_free(t->buckets);
	g_free(t);
}

const struct exp_frag_stats *
exp_frag_get_stats(const struct exp_frag *t)
{
	return &t->stats;
}

static uint32_t
bucket_of(const struct exp_frag *t, const struct frag_key *k)
{
	return (uint32_t)mf_siphash(&t->seed, k, sizeof(*k)) & t->mask;
}

static void
age_unlink(struct exp_frag *t, uint32_t i)
{
	struct frag_entry *e = &t->e[i];

	if (e->prev != NIL)
		t->e[e->prev].next = e->next;
	else
		t->head = e->next;
	if (e->next != NIL)
		t->e[e->next].prev = e->prev;
	else
		t->tail = e->prev;
}

static void
drop(struct exp_frag *t, uint32_t i)
{
	uint32_t *pp = &t->buckets[bucket_of(t, &t->e[i].key)];

	while (*pp != i)
		pp = &t->e[*pp].hnext;
	*pp = t->e[i].hnext;
	age_unlink(t, i);
	t->e[i].used = 0;
	t->e[i].hnext = t->free_head;
	t->free_head = i;
	t->n_used--;
}

static void
expire_old(struct exp_frag *t, uint64_t now)
{
	while (
	    t->head != NIL && t->e[t->head].ts_ms + EXP_FRAG_TIMEOUT_MS <= now)
		drop(t, t->head);
}

static uint32_t
lookup(const struct exp_frag *t, const struct frag_key *k, uint32_t b)
{
	uint32_t i;

	for (i = t->buckets[b]; i != NIL; i = t->e[i].hnext)
		if (memcmp(&t->e[i].key, k, sizeof(*k)) == 0)
			return i;
	return NIL;
}

/* A free entry, replacing the oldest one when the table is full. */
static uint32_t
slot(struct exp_frag *t)
{
	uint32_t i;

	if (t->free_head == NIL) {
		t->stats.evicted++;
		drop(t, t->head);
	}
	i = t->free_head;
	t->free_head = t->e[i].hnext;
	return i;
}

static void
remember(struct exp_frag *t, const struct frag_key *k, uint32_t b,
    const struct exp_pkt *p)
{
	uint32_t i = lookup(t, k, b);
	struct frag_entry *e;

	if (i != NIL)
		drop(t, i); /* a retransmitted first fragment: refresh */
	i = slot(t);
	e = &t->e[i];
	e->key = *k;
	e->ts_ms = p->ts_ms;
	e->sport = p->sport;
	e->dport = p->dport;
	e->used = 1;
	e->hnext = t->buckets[b];
	t->buckets[b] = i;
	e->prev = t->tail;
	e->next = NIL;
	if (t->tail != NIL)
		t->e[t->tail].next = i;
	else
		t->head = i;
	t->tail = i;
	t->n_used++;
	t->stats.first++;
}

void
exp_frag_process(struct exp_frag *t, struct exp_pkt *p)
{
	struct frag_key k;
	size_t alen = p->src.family == 4 ? 4 : 16;
	uint32_t b, i;

	if (!p->is_frag)
		return;
	expire_old(t, p->ts_ms);
	memset(&k, 0, sizeof(k));
	memcpy(k.src, p->src.b, alen);
	memcpy(k.dst, p->dst.b, alen);
	k.id = p->frag_id;
	k.proto = p->proto;
	k.family = p->src.family;
	b = bucket_of(t, &k);
	if (p->frag_first) {
		remember(t, &k, b, p);
		return;
	}
	if ((i = lookup(t, &k, b)) != NIL) {
		p->sport = t->e[i].sport;
		p->dport = t->e[i].dport;
		t->stats.matched++;
	} else {
		t->stats.unmatched++;
	}
}
