/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-dnsquery"

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "common/dns.h"
#include "common/error.h"
#include "common/table.h"
#include "exporter/dnsquery.h"

#define WIRE_MAX 255 /* RFC 1035 3.1: a name in wire form, root included */
#define LABEL_MAX 63
#define KEY_LEN (2 * 17 + 7)

/*
 * A waiting query.  The key comes first, as packed bytes (the table
 * hashes and compares it whole, and struct padding must not reach it):
 * client family and address, server family and address, client port,
 * server port, id (big-endian), proto.
 */
struct entry {
	uint8_t key[KEY_LEN];
	uint8_t is_wire;  /* qname holds wire_len bytes of wire form */
	uint8_t wire_len; /* 1 .. WIRE_MAX */
	uint16_t qtype;
	uint64_t seen_ms;
	char qname[EXP_DNSQUERY_NAME_MAX + 1];
};

/* The bounded table (common/table.h) keeps the queries oldest first. */
struct exp_dnsquery {
	struct mf_table tab;
	uint32_t timeout_ms;
	struct exp_dnsquery_stats stats;
	char text[MF_DNS_NAME_MAX + 1]; /* the name handed to the callback */
};

size_t
exp_dnsquery_memory(size_t max_queries)
{
	return mf_table_memory(max_queries, sizeof(struct entry));
}

struct exp_dnsquery *
exp_dnsquery_new(size_t max_queries, uint32_t timeout_ms,
    const struct mf_hash_key *seed, GError **error)
{
	struct exp_dnsquery *q;

	if (max_queries < EXP_DNSQUERY_MIN || max_queries > EXP_DNSQUERY_MAX) {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
		    "DNS query table: %zu slots out of range (%u..%u)",
		    max_queries, EXP_DNSQUERY_MIN, EXP_DNSQUERY_MAX);
		return NULL;
	}
	q = g_new0(struct exp_dnsquery, 1);
	mf_table_init(&q->tab, max_queries, sizeof(struct entry), KEY_LEN,
	    seed);
	q->timeout_ms = timeout_ms;
	return q;
}

void
exp_dnsquery_free(struct exp_dnsquery *q)
{
	if (q == NULL)
		return;
	mf_table_fini(&q->tab);
	g_free(q);
}

static void
key_pack(const struct exp_dnsquery_key *k, uint8_t b[KEY_LEN])
{
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
}

static void
key_unpack(const uint8_t b[KEY_LEN], struct exp_dnsquery_key *k)
{
	memset(k, 0, sizeof(*k));
	k->client.family = b[0];
	memcpy(k->client.b, b + 1, 16);
	k->server.family = b[17];
	memcpy(k->server.b, b + 18, 16);
	k->client_port = (uint16_t)(b[34] << 8 | b[35]);
	k->server_port = (uint16_t)(b[36] << 8 | b[37]);
	k->id = (uint16_t)(b[38] << 8 | b[39]);
	k->proto = b[40];
}

/* Forget query i (answered, replaced, dropped or handed over). */
static void
forget(struct exp_dnsquery *q, uint32_t i)
{
	mf_table_remove(&q->tab, i);
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
 * text, cut to EXP_DNSQUERY_NAME_MAX.  The exporter hands over the wire
 * form itself (exp_dnsquery_add_wire()), so a query costs a copy of its
 * name, and only a query that times out is written as text, by the
 * parser's own writer (mf_dns_read_name()).
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

/* Hand the oldest query to fn (if fn; else count it dropped), forget it. */
static void
pop_oldest(struct exp_dnsquery *q, exp_dnsquery_fn fn, void *ctx)
{
	uint32_t i = mf_table_oldest(&q->tab);
	const struct entry *e = mf_table_entry(&q->tab, i);
	size_t end;

	if (fn != NULL) {
		struct exp_dnsquery_info info = { .seen_ms = e->seen_ms,
			.qtype = e->qtype,
			.qname = e->qname };

		key_unpack(e->key, &info.key);
		if (e->is_wire) {
			/* The parser's own writer: the text it would give. */
			if (mf_dns_read_name((const uint8_t *)e->qname,
			        e->wire_len, 0, q->text, &end) != MF_DNS_OK)
				q->text[0] = '\0'; /* not from name_pack() */
			info.qname = q->text;
		}
		fn(&info, ctx);
		q->stats.timed_out++;
	} else {
		q->stats.dropped++;
	}
	forget(q, i);
}

/* A new entry for k (the newest), replacing a query with the same key. */
static struct entry *
entry_new(struct exp_dnsquery *q, const struct exp_dnsquery_key *k,
    uint16_t qtype, uint64_t now_ms)
{
	uint8_t key[KEY_LEN];
	uint32_t bucket, i;
	struct entry *e;

	key_pack(k, key);
	bucket = mf_table_bucket(&q->tab, key);
	if ((i = mf_table_find(&q->tab, key, bucket)) != MF_TABLE_NIL) {
		/* A retransmission or a reused id: keep the newer one. */
		forget(q, i);
		q->stats.duplicates++;
	}
	if (q->tab.stats.used == q->tab.cap)
		pop_oldest(q, NULL, NULL);
	/* Every field but the name's tail is set here, not the 270 bytes. */
	i = mf_table_insert_raw(&q->tab, key, bucket);
	e = mf_table_entry(&q->tab, i);
	e->is_wire = 0;
	e->wire_len = 0;
	e->qtype = qtype;
	e->seen_ms = now_ms;
	e->qname[0] = '\0';
	q->stats.queries++;
	q->stats.pending++;
	return e;
}

void
exp_dnsquery_add(struct exp_dnsquery *q, const struct exp_dnsquery_key *k,
    const char *qname, uint16_t qtype, uint64_t now_ms)
{
	struct entry *e = entry_new(q, k, qtype, now_ms);
	size_t n;

	if (qname == NULL)
		qname = "";
	n = name_pack(qname, (uint8_t *)e->qname);
	e->is_wire = n > 0;
	e->wire_len = (uint8_t)n;
	if (n == 0)
		g_strlcpy(e->qname, qname, sizeof(e->qname));
}

void
exp_dnsquery_add_wire(struct exp_dnsquery *q, const struct exp_dnsquery_key *k,
    const uint8_t *wire, size_t wire_len, uint16_t qtype, uint64_t now_ms)
{
	struct entry *e = entry_new(q, k, qtype, now_ms);

	if (wire_len == 0 || wire_len > WIRE_MAX)
		return; /* not a name: kept as "" (entry_new()) */
	memcpy(e->qname, wire, wire_len);
	e->is_wire = 1;
	e->wire_len = (uint8_t)wire_len;
}

gboolean
exp_dnsquery_answer(struct exp_dnsquery *q, const struct exp_dnsquery_key *k)
{
	uint8_t key[KEY_LEN];
	uint32_t i;

	key_pack(k, key);
	i = mf_table_find(&q->tab, key, mf_table_bucket(&q->tab, key));
	if (i == MF_TABLE_NIL)
		return FALSE;
	forget(q, i);
	q->stats.answered++;
	return TRUE;
}

void
exp_dnsquery_expire(struct exp_dnsquery *q, uint64_t now_ms, exp_dnsquery_fn fn,
    void *ctx)
{
	uint32_t i;

	while ((i = mf_table_oldest(&q->tab)) != MF_TABLE_NIL) {
		const struct entry *e = mf_table_entry(&q->tab, i);

		if (e->seen_ms + q->timeout_ms > now_ms)
			break;
		pop_oldest(q, fn, ctx);
	}
}

void
exp_dnsquery_flush(struct exp_dnsquery *q, exp_dnsquery_fn fn, void *ctx)
{
	while (mf_table_oldest(&q->tab) != MF_TABLE_NIL)
		pop_oldest(q, fn, ctx);
}

const struct exp_dnsquery_stats *
exp_dnsquery_get_stats(const struct exp_dnsquery *q)
{
	return &q->stats;
}
