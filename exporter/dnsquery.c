/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-dnsquery"

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "common/dns.h"
#include "common/error.h"
#include "exporter/dnsquery.h"

#define NIL UINT32_MAX
#define WIRE_MAX 255 /* RFC 1035 3.1: a name in wire form, root included */
#define LABEL_MAX 63

struct entry {
	struct exp_dnsquery_key key;
	uint64_t seen_ms;
	uint32_t hnext; /* hash chain */
	uint32_t bucket;
	uint16_t qtype;
	uint8_t live;     /* waiting for its answer */
	uint8_t is_wire;  /* qname holds wire_len bytes of wire form */
	uint8_t wire_len; /* 1 .. WIRE_MAX */
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
	char text[MF_DNS_NAME_MAX + 1]; /* the name handed to the callback */
};

size_t
exp_dnsquery_memory(size_t max_queries)
{
	return max_queries * sizeof(struct entry) +
	    mf_hash_buckets(max_queries) * sizeof(uint32_t);
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
	q->mask = (uint32_t)(mf_hash_buckets(max_queries) - 1);
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

/* --- names ---------------------------------------------------------------
 *
 * A query name is text as common/dns.h writes it (labels joined by '.',
 * the root ".", a label byte outside '!'..'~', '.' or '\\' as \DDD).  Such
 * a text takes up to MF_DNS_NAME_MAX (1003) bytes, but its wire form
 * (length-prefixed labels and the root byte) at most 255, so the slots keep
 * the wire form: no name is cut, and a slot stays EXP_DNSQUERY_NAME_MAX + 1
 * bytes.  A text that is no such name (never from the parser) is kept as
 * text, cut to EXP_DNSQUERY_NAME_MAX.
 */

/* The byte of the \DDD escape at p, or -1 if p holds none. */
static int
escaped_byte(const char *p)
{
	int v = 0, i;

	if (p[0] != '\\')
		return -1;
	for (i = 1; i <= 3; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v <= 255 ? v : -1;
}

/* text's wire form into w[0 .. WIRE_MAX); its length, 0 if none. */
static size_t
name_pack(const char *text, uint8_t *w)
{
	size_t n = 1, lab = 0;
	const char *p = text;

	w[0] = 0;
	if (strcmp(text, ".") == 0)
		return 1;
	while (*p != '\0') {
		int c = escaped_byte(p);

		if (c < 0 && *p == '.') {
			if (w[lab] == 0 || n >= WIRE_MAX - 1)
				return 0; /* empty label, or no room */
			lab = n++;
			w[lab] = 0;
			p++;
			continue;
		}
		p += c < 0 ? 1 : 4;
		if (w[lab] == LABEL_MAX || n >= WIRE_MAX - 1)
			return 0;
		w[n++] = c < 0 ? (uint8_t)p[-1] : (uint8_t)c;
		w[lab]++;
	}
	if (w[lab] == 0)
		return 0; /* "" or a trailing dot */
	w[n++] = 0;
	return n;
}

/*
 * The text of a packed name into out (MF_DNS_NAME_MAX + 1 bytes).  From
 * name_pack() come labels of 1 .. 63 bytes in at most 255, whose text
 * takes at most MF_DNS_NAME_MAX bytes (common/dns.h works it out); the
 * checks on o only back that up.
 */
static void
name_unpack(const uint8_t *w, size_t len, char *out)
{
	size_t i = 0, o = 0, end;

	if (len <= 1) {
		g_strlcpy(out, ".", MF_DNS_NAME_MAX + 1);
		return;
	}
	while (i < len && w[i] != 0 && o + 1 <= MF_DNS_NAME_MAX) {
		if (o > 0)
			out[o++] = '.';
		end = i + 1 + w[i];
		for (i++; i < end && i < len; i++) {
			uint8_t c = w[i];

			if (c >= 0x21 && c <= 0x7e && c != '.' && c != '\\' &&
			    o + 1 <= MF_DNS_NAME_MAX)
				out[o++] = (char)c;
			else if (o + 4 <= MF_DNS_NAME_MAX)
				o +=
				    (size_t)g_snprintf(out + o, 5, "\\%03u", c);
		}
	}
	out[o] = '\0';
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

			if (e->is_wire) {
				name_unpack((const uint8_t *)e->qname,
				    e->wire_len, q->text);
				info.qname = q->text;
			}

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
	size_t n;

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
	if (qname == NULL)
		qname = "";
	n = name_pack(qname, (uint8_t *)e->qname);
	e->is_wire = n > 0;
	e->wire_len = (uint8_t)n;
	if (n == 0)
		g_strlcpy(e->qname, qname, sizeof(e->qname));
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
