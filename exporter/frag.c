/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-frag"

#include <string.h>

#include <glib.h>

#include "common/error.h"
#include "common/table.h"
#include "exporter/frag.h"

struct frag_key {
	uint8_t src[16], dst[16];
	uint32_t id;
	uint8_t proto, family;
	uint8_t pad[2]; /* zeroed: the key is hashed and compared whole */
};

struct frag_entry {
	struct frag_key key; /* first: the table's key */
	uint64_t ts_ms;
	uint16_t sport, dport;
};

/* The bounded table (common/table.h) keeps the entries oldest first. */
struct exp_frag {
	struct mf_table tab;
	struct exp_frag_stats stats;
};

struct exp_frag *
exp_frag_new(size_t max, const struct mf_hash_key *seed, GError **error)
{
	struct exp_frag *t;

	if (max < EXP_FRAG_MIN || max > EXP_FRAG_MAX) {
		g_set_error(error, MF_ERROR, MF_ERROR_NOMEM,
		    "max-frags %zu out of range (%u..%u)", max, EXP_FRAG_MIN,
		    EXP_FRAG_MAX);
		return NULL;
	}
	t = g_new0(struct exp_frag, 1);
	mf_table_init(&t->tab, max, sizeof(struct frag_entry),
	    sizeof(struct frag_key), seed);
	return t;
}

void
exp_frag_free(struct exp_frag *t)
{
	if (t == NULL)
		return;
	mf_table_fini(&t->tab);
	g_free(t);
}

const struct exp_frag_stats *
exp_frag_get_stats(const struct exp_frag *t)
{
	return &t->stats;
}

static void
expire_old(struct exp_frag *t, uint64_t now)
{
	uint32_t i;

	while ((i = mf_table_oldest(&t->tab)) != MF_TABLE_NIL) {
		const struct frag_entry *e = mf_table_entry(&t->tab, i);

		if (e->ts_ms + EXP_FRAG_TIMEOUT_MS > now)
			break;
		mf_table_remove(&t->tab, i);
	}
}

static void
remember(struct exp_frag *t, const struct frag_key *k, uint32_t b,
    const struct exp_pkt *p)
{
	uint32_t i = mf_table_find(&t->tab, k, b);
	struct frag_entry *e;

	if (i != MF_TABLE_NIL) /* a retransmitted first fragment: refresh */
		mf_table_remove(&t->tab, i);
	i = mf_table_insert(&t->tab, k, b);
	t->stats.evicted = t->tab.stats.evicted;
	e = mf_table_entry(&t->tab, i);
	e->ts_ms = p->ts_ms;
	e->sport = p->sport;
	e->dport = p->dport;
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
	b = mf_table_bucket(&t->tab, &k);
	if (p->frag_first) {
		remember(t, &k, b, p);
		return;
	}
	if ((i = mf_table_find(&t->tab, &k, b)) != MF_TABLE_NIL) {
		const struct frag_entry *e = mf_table_entry(&t->tab, i);

		p->sport = e->sport;
		p->dport = e->dport;
		t->stats.matched++;
	} else {
		t->stats.unmatched++;
	}
}
