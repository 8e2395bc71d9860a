/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-dnsstats"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "collector/analytics/dnsstats.h"
#include "common/addr.h"

/* What makes two records one answer (an answer of both families). */
struct answer_key {
	uint64_t time_ms;
	struct mf_addr client, server;
	uint16_t id;
	uint16_t sport; /* the server's port */
	char qname[COL_DNS_NAME_MAX + 1];
};

/*
 * Addresses written as text, kept: inet_ntop() costs about 1,800
 * instructions and the clients of one network ask again and again.  The
 * text depends only on the address (mf_addr_equal()), so a kept one is
 * the one mf_addr_format() would write.  16 entries of 63 bytes.
 */
#define TEXT_MEMO 16

struct addr_text {
	struct mf_addr addr; /* family 0: the entry is empty */
	char text[MF_ADDR_STRLEN];
};

struct col_dnsstats {
	struct col_dnsstats_config cfg;
	GHashTable *names;    /* qname -> uint64_t count (NOERROR answers) */
	GHashTable *labels;   /* label -> count of flows */
	GHashTable *failures; /* "rcode name" -> count */
	GHashTable *clients;  /* address text -> queries */
	struct col_dns_last last[COL_DNS_LAST];
	unsigned n_last, last_head; /* ring: head = next slot to write */
	struct answer_key prev;
	gboolean have_prev;
	struct col_dnsstats_counters c;
	struct addr_text memo[TEXT_MEMO];
};

static GHashTable *
counts_new(void)
{
	return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

struct col_dnsstats *
col_dnsstats_new(const struct col_dnsstats_config *cfg)
{
	struct col_dnsstats *s = g_new0(struct col_dnsstats, 1);

	s->cfg = *cfg;
	s->names = counts_new();
	s->labels = counts_new();
	s->failures = counts_new();
	s->clients = counts_new();
	return s;
}

void
col_dnsstats_free(struct col_dnsstats *s)
{
	if (s == NULL)
		return;
	g_hash_table_destroy(s->names);
	g_hash_table_destroy(s->labels);
	g_hash_table_destroy(s->failures);
	g_hash_table_destroy(s->clients);
	g_free(s);
}

void
col_dnsstats_reset(struct col_dnsstats *s)
{
	g_hash_table_remove_all(s->names);
	g_hash_table_remove_all(s->labels);
	g_hash_table_remove_all(s->failures);
	g_hash_table_remove_all(s->clients);
	s->n_last = 0;
	s->last_head = 0;
	s->have_prev = FALSE;
	memset(&s->c, 0, sizeof(s->c));
}

/* Add one to key's count; FALSE if the table is full and key is new. */
static gboolean
bump(GHashTable *t, const char *key, size_t max)
{
	uint64_t *n = g_hash_table_lookup(t, key);

	if (n == NULL) {
		if (g_hash_table_size(t) >= max)
			return FALSE;
		n = g_new0(uint64_t, 1);
		g_hash_table_insert(t, g_strdup(key), n);
	}
	(*n)++;
	return TRUE;
}

/*
 * Whether r is the second record of the answer before it (one record per
 * address family): the same time, id, client, server and name.  Answers
 * from different servers (reflectors, a resolver and its fallback) are
 * answers of their own even when all the rest is equal.
 */
static gboolean
same_answer(const struct col_dnsstats *s, const struct col_dns_rec *r)
{
	return s->have_prev && s->prev.time_ms == r->time_ms &&
	    s->prev.id == r->id && s->prev.sport == r->sport &&
	    mf_addr_equal(&s->prev.client, &r->client) &&
	    mf_addr_equal(&s->prev.server, &r->server) &&
	    strcmp(s->prev.qname, r->qname) == 0;
}

/*
 * g_strlcpy() without counting the rest of a longer src: the same bytes
 * up to the NUL (glib's copies byte by byte, about 700 instructions for
 * a name); size > 0.
 */
static void
copy_name(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void
remember(struct col_dnsstats *s, const struct col_dns_rec *r)
{
	s->prev.time_ms = r->time_ms;
	s->prev.id = r->id;
	s->prev.client = r->client;
	s->prev.server = r->server;
	s->prev.sport = r->sport;
	copy_name(s->prev.qname, sizeof(s->prev.qname), r->qname);
	s->have_prev = TRUE;
}

/*
 * a as text (MF_ADDR_STRLEN bytes at most, with the NUL), from the memo
 * when it holds a; an unset address is "-" and never kept.
 */
static const char *
addr_text(struct col_dnsstats *s, const struct mf_addr *a)
{
	static const char unset[MF_ADDR_STRLEN] = "-";
	struct addr_text *m = &s->memo[(a->b[3] ^ a->b[15]) % TEXT_MEMO];

	if (a->family == 0)
		return unset;
	if (!mf_addr_equal(&m->addr, a)) {
		mf_addr_format(a, m->text, sizeof(m->text));
		m->addr = *a;
	}
	return m->text;
}

static void
add_last(struct col_dnsstats *s, const struct col_dns_rec *r)
{
	struct col_dns_last *l = &s->last[s->last_head];

	G_STATIC_ASSERT(sizeof(l->address) == MF_ADDR_STRLEN);
	G_STATIC_ASSERT(sizeof(l->client) == MF_ADDR_STRLEN);
	l->time_ms = r->time_ms;
	copy_name(l->name, sizeof(l->name), r->qname);
	memcpy(l->address, addr_text(s, &r->addrs[0]), sizeof(l->address));
	memcpy(l->client, addr_text(s, &r->client), sizeof(l->client));
	s->last_head = (s->last_head + 1) % COL_DNS_LAST;
	if (s->n_last < COL_DNS_LAST)
		s->n_last++;
}

/*
 * A failure's key, "RCODE NAME" as "%u %s" writes it, in the caller's
 * buffer: a record's path must not allocate (bump() copies a new key
 * only).  name is a record's qname, at most COL_DNS_NAME_MAX characters.
 */
#define FAILURE_KEY_MAX (10 + 1 + COL_DNS_NAME_MAX + 1)

static void
failure_key(char key[FAILURE_KEY_MAX], const char *name, unsigned rcode)
{
	char digits[10];
	size_t nd = 0, n = strnlen(name, COL_DNS_NAME_MAX);

	G_STATIC_ASSERT(sizeof(unsigned) <= 4); /* at most 10 digits */
	do {
		digits[nd++] = (char)('0' + rcode % 10);
		rcode /= 10;
	} while (rcode != 0);
	while (nd > 0)
		*key++ = digits[--nd];
	*key++ = ' ';
	memcpy(key, name, n);
	key[n] = '\0';
}

static void
add_failure(struct col_dnsstats *s, const char *name, unsigned rcode)
{
	char key[FAILURE_KEY_MAX];

	failure_key(key, name, rcode);
	if (!bump(s->failures, key, s->cfg.max_names))
		s->c.names_dropped++;
}

void
col_dnsstats_add(struct col_dnsstats *s, const struct col_dns_rec *r)
{
	s->c.records++;
	if (r->answered && same_answer(s, r)) {
		/* The second family of one answer: its addresses only. */
		if (r->rcode == 0 && r->n_addrs > 0)
			add_last(s, r);
		return;
	}
	if (!bump(s->clients, addr_text(s, &r->client), s->cfg.max_clients))
		s->c.clients_dropped++;
	if (!r->answered) {
		s->c.unanswered++;
		add_failure(s, r->qname, COL_DNS_RCODE_TIMEOUT);
		return;
	}
	remember(s, r);
	s->c.answers++;
	if (r->rcode != 0) {
		add_failure(s, r->qname, r->rcode);
		return;
	}
	if (!bump(s->names, r->qname, s->cfg.max_names))
		s->c.names_dropped++;
	if (r->n_addrs > 0)
		add_last(s, r);
}

void
col_dnsstats_add_label(struct col_dnsstats *s, const char *name)
{
	if (name == NULL || name[0] == '\0')
		return;
	s->c.labels++;
	if (!bump(s->labels, name, s->cfg.max_names))
		s->c.names_dropped++;
}

const struct col_dnsstats_counters *
col_dnsstats_get_counters(const struct col_dnsstats *s)
{
	return &s->c;
}

/* --- what the report reads ---------------------------------------------- */

static int
by_count_then_key(const void *a, const void *b)
{
	const struct col_dns_count *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* The table's items, largest first; n set to how many (all of them). */
static struct col_dns_count *
sorted(GHashTable *t, size_t *n)
{
	struct col_dns_count *items =
	    g_new0(struct col_dns_count, g_hash_table_size(t) + 1);
	GHashTableIter it;
	gpointer k, v;
	size_t i = 0;

	g_hash_table_iter_init(&it, t);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		items[i].key = k;
		items[i].count = *(uint64_t *)v;
		i++;
	}
	qsort(items, i, sizeof(*items), by_count_then_key);
	*n = i;
	return items;
}

/* A failure's key is "RCODE NAME": sorted whole, then split. */
static void
split_failures(struct col_dns_count *items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *end = NULL;

		items[i].rcode = (unsigned)strtoul(items[i].key, &end, 10);
		items[i].key = end != NULL && *end == ' ' ? end + 1 : "";
	}
}

const char *
col_dnsstats_source(const struct col_dnsstats *s)
{
	if (s == NULL)
		return "none";
	if (s->c.records > 0)
		return "records";
	return s->c.labels > 0 ? "labels" : "none";
}

struct col_dns_count *
col_dnsstats_sorted(const struct col_dnsstats *s, enum col_dns_list list,
    size_t *n)
{
	GHashTable *t;
	struct col_dns_count *items;

	switch (list) {
	case COL_DNS_MOST_RESOLVED:
		t = s->c.records > 0 ? s->names : s->labels;
		break;
	case COL_DNS_FAILURES:
		t = s->failures;
		break;
	default:
		t = s->clients;
		break;
	}
	items = sorted(t, n);
	if (list == COL_DNS_FAILURES)
		split_failures(items, *n);
	return items;
}

const struct col_dns_last *
col_dnsstats_get_last(const struct col_dnsstats *s, size_t i)
{
	if (i >= s->n_last)
		return NULL;
	return &s->last[(s->last_head + COL_DNS_LAST - 1 - i) % COL_DNS_LAST];
}
