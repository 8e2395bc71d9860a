/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-dnsquery"

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "common/error.h"
#include "exporter/dnsquery.h"

#define NIL UINT32_MAX

struct entry {
	struct exp_dnsquery_key key;
	uint64_t seen_ms;
	uint32_t hnext; /* hash chain */
	uint32_t bucket;
	uint16_t qtype;
	uint8_t live; /* waiting for its answer */
	char qname[EXP_DNSQUERY_NAME_MAX + 1];
};

struct exp_dnsquery {
	struct entry *e;
	uint32_t *buckets;
	uint32_t n, mask;   /* slots; buckets - 1 */
	uint32_t head, len; /* ring: oldest slot, slots in use (live or not) */
	uint32_t timeout_ms;
	struct mf_hash_key seed;
	struct exp_dnsquery_stats stats;
};

static uint32_t
n_buckets(size_t max)
{
	uint32_t b = 1;

	while (b < 2 * max)
		b <<= 1;
	return b;
}

size_t
exp_dnsquery_memory(size_t max_queries)
{
	return max_queries * sizeof(struct entry) +
	    n_buckets(max_queries) * sizeof(uint32_t);
}

struct exp_dnsquery *
exp_dnsquery_new(size_t max_queries, uint32_t timeout_ms,
    const struct mf_hash_key *seed, GError **error)
{
	struct exp_dnsquery *q;
	uint32_t i;

	if (max_queries < EXP_DNSQUERY_MIN || max_queries > EXP_DNSQUERY_MAX) {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
		    "DNS query table: %zu slots out of range (%u..%u)",
		    max_queries, EXP_DNSQUERY_MIN, EXP_DNSQUERY_MAX);
		return NULL;
	}
	q = g_new0(struct exp_dnsquery, 1);
	q->n = (uint32_t)max_queries;
	q->mask = n_buckets(max_queries) - 1;
	q->e = g_new0(struct entry, q->n);
	q->buckets = g_new(uint32_t, q->mask + 1);
	for (i = 0; i <= q->mask; i++)
		q->buckets[i] = NIL;
	q->timeout_ms = timeout_ms;
	q->seed = *seed;
	return q;
}

void
exp_dnsquery_free(struct exp_dnsquery *q)
{
	if (q == NULL)
		return;
	g_free(q->e);
	g_free(q->buckets);
	g_free(q);
}

/* The key as packed bytes: struct padding never reaches the hash. */
static uint32_t
bucket_of(const struct exp_dnsquery *q, const struct exp_dnsquery_key *k)
{
	uint8_t b[2 * 17 + 7];

	b[0] = k->client.family;
	memcpy(b + 1, k->client.b, 16);
	b[17] = k->server.family;
	memcpy(b + 18, k->server.b, 16);
	b[34] = (uint8_t)(k->client_port >> 8);
	b[35] = (uint8_t)k->client_port;
	b[36] = (uint8_t)(k->server_port >> 8);
	b[37] = (uint8_t)k->server_port;
	b[38] = (uint8_t)(k->id >> 8);
	b[39] = (uint8_t)k->id;
	b[40] = k->proto;
	return (uint32_t)mf_siphash(&q->seed, b, sizeof(b)) & q->mask;
}

static gboolean
key_equal(const struct exp_dnsquery_key *a, const struct exp_dnsquery_key *b)
{
	return a->id == b->id && a->client_port == b->client_port &&
	    a->server_port == b->server_port && a->proto == b->proto &&
	    mf_addr_cmp(&a->client, &b->client) == 0 &&
	    mf_addr_cmp(&a->server, &b->server) == 0;
}

static uint32_t
find(const struct exp_dnsquery *q, const struct exp_dnsquery_key *k,
    uint32_t bucket)
{
	uint32_t i;

	for (i = q->buckets[bucket]; i != NIL; i = q->e[i].hnext)
		if (key_equal(&q->e[i].key, k))
			return i;
	return NIL;
}

/* Take slot i out of its hash chain; it stays in the ring, not live. */
static void
unlink_entry(struct exp_dnsquery *q, uint32_t i)
{
	uint32_t *p = &q->buckets[q->e[i].bucket];

	while (*p != i)
		p = &q->e[*p].hnext;
	*p = q->e[i].hnext;
	q->e[i].live = 0;
	q->stats.pending--;
}

/* Hand the oldest slot to fn (if live and fn) and drop it from the ring. */
static void
pop_head(struct exp_dnsquery *q, exp_dnsquery_fn fn, void *ctx)
{
	struct entry *e = &q->e[q->head];

	if (e->live) {
		if (fn != NULL) {
			struct exp_dnsquery_info info = { e->key, e->seen_ms,
				e->qtype, e->qname };

			fn(&info, ctx);
			q->stats.timed_out++;
		} else {
			q->stats.dropped++;
		}
		unlink_entry(q, q->head);
	}
	q->head = (q->head + 1) % q->n;
	q->len--;
}

void
exp_dnsquery_add(struct exp_dnsquery *q, const struct exp_dnsquery_key *k,
    const char *qname, uint16_t qtype, uint64_t now_ms)
{
	uint32_t bucket = bucket_of(q, k);
	uint32_t i = find(q, k, bucket);
	struct entry *e;

	if (i != NIL) {
		/* A retransmission or a reused id: keep the newer one. */
		unlink_entry(q, i);
		q->stats.duplicates++;
	}
	if (q->len == q->n)
		pop_head(q, NULL, NULL);
	i = (q->head + q->len) % q->n;
	e = &q->e[i];
	e->key = *k;
	e->seen_ms = now_ms;
	e->qtype = qtype;
	g_strlcpy(e->qname, qname != NULL ? qname : "", sizeof(e->qname));
	e->live = 1;
	e->bucket = bucket;
	e->hnext = q->buckets[bucket];
	q->buckets[bucket] = i;
	q->len++;
	q->stats.queries++;
	q->stats.pending++;
}

gboolean
exp_dnsquery_answer(struct exp_dnsquery *q, const struct exp_dnsquery_key *k)
{
	uint32_t i = find(q, k, bucket_of(q, k));

	if (i == NIL)
		return FALSE;
	unlink_entry(q, i);
	q->stats.answered++;
	return TRUE;
}

void
exp_dnsquery_expire(struct exp_dnsquery *q, uint64_t now_ms, exp_dnsquery_fn fn,
    void *ctx)
{
	while (q->len > 0) {
		const struct entry *e = &q->e[q->head];

		if (e->live && e->seen_ms + q->timeout_ms > now_ms)
			break;
		pop_head(q, fn, ctx);
	}
}

void
exp_dnsquery_flush(struct exp_dnsquery *q, exp_dnsquery_fn fn, void *ctx)
{
	while (q->len > 0)
		pop_head(q, fn, ctx);
}

const struct exp_dnsquery_stats *
exp_dnsquery_get_stats(const struct exp_dnsquery *q)
{
	return &q->stats;
}
