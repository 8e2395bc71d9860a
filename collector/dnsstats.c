/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-dnsstats"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/dnsstats.h"
#include "common/addr.h"

/* A newest-first entry of last_resolved. */
struct last {
	uint64_t time_ms;
	char name[COL_DNS_NAME_MAX + 1];
	char address[MF_ADDR_STRLEN];
	char client[MF_ADDR_STRLEN];
};

/* What makes two records one answer (an answer of both families). */
struct answer_key {
	uint64_t time_ms;
	struct mf_addr client, server;
	uint16_t id;
	uint16_t sport; /* the server's port */
	char qname[COL_DNS_NAME_MAX + 1];
};

struct col_dnsstats {
	struct col_dnsstats_config cfg;
	GHashTable *names;    /* qname -> uint64_t count (NOERROR answers) */
	GHashTable *labels;   /* label -> count of flows */
	GHashTable *failures; /* "rcode name" -> count */
	GHashTable *clients;  /* address text -> queries */
	struct last last[COL_DNS_LAST];
	unsigned n_last, last_head; /* ring: head = next slot to write */
	struct answer_key prev;
	gboolean have_prev;
	struct col_dnsstats_counters c;
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
	    mf_addr_cmp(&s->prev.client, &r->client) == 0 &&
	    mf_addr_cmp(&s->prev.server, &r->server) == 0 &&
	    strcmp(s->prev.qname, r->qname) == 0;
}

static void
remember(struct col_dnsstats *s, const struct col_dns_rec *r)
{
	s->prev.time_ms = r->time_ms;
	s->prev.id = r->id;
	s->prev.client = r->client;
	s->prev.server = r->server;
	s->prev.sport = r->sport;
	g_strlcpy(s->prev.qname, r->qname, sizeof(s->prev.qname));
	s->have_prev = TRUE;
}

static void
add_last(struct col_dnsstats *s, const struct col_dns_rec *r)
{
	struct last *l = &s->last[s->last_head];

	l->time_ms = r->time_ms;
	g_strlcpy(l->name, r->qname, sizeof(l->name));
	mf_addr_format(&r->addrs[0], l->address, sizeof(l->address));
	mf_addr_format(&r->client, l->client, sizeof(l->client));
	s->last_head = (s->last_head + 1) % COL_DNS_LAST;
	if (s->n_last < COL_DNS_LAST)
		s->n_last++;
}

static void
add_failure(struct col_dnsstats *s, const char *name, unsigned rcode)
{
	char *key = g_strdup_printf("%u %s", rcode, name);

	if (!bump(s->failures, key, s->cfg.max_names))
		s->c.names_dropped++;
	g_free(key);
}

void
col_dnsstats_add(struct col_dnsstats *s, const struct col_dns_rec *r)
{
	char client[MF_ADDR_STRLEN];

	s->c.records++;
	if (r->answered && same_answer(s, r)) {
		/* The second family of one answer: its addresses only. */
		if (r->rcode == 0 && r->n_addrs > 0)
			add_last(s, r);
		return;
	}
	mf_addr_format(&r->client, client, sizeof(client));
	if (!bump(s->clients, client, s->cfg.max_clients))
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

/* --- the report ---------------------------------------------------------- */

struct item {
	const char *key;
	uint64_t count;
};

static int
by_count_then_key(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* The table's items, largest first; n set to how many (all of them). */
static struct item *
sorted(GHashTable *t, size_t *n)
{
	struct item *items = g_new(struct item, g_hash_table_size(t) + 1);
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

static void
add_uint(JsonBuilder *b, const char *key, uint64_t v)
{
	json_builder_set_member_name(b, key);
	json_builder_add_int_value(b, (gint64)MIN(v, (uint64_t)G_MAXINT64));
}

static void
add_str(JsonBuilder *b, const char *key, const char *v)
{
	json_builder_set_member_name(b, key);
	json_builder_add_string_value(b, v);
}

/* [{key_name: key, count_name: count}, ...] of the top entries of t. */
static void
build_counts(JsonBuilder *b, const char *member, GHashTable *t, size_t top,
    const char *key_name, const char *count_name)
{
	size_t n, i;
	struct item *items = sorted(t, &n);

	json_builder_set_member_name(b, member);
	json_builder_begin_array(b);
	for (i = 0; i < n && i < top; i++) {
		json_builder_begin_object(b);
		add_str(b, key_name, items[i].key);
		add_uint(b, count_name, items[i].count);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	g_free(items);
}

static void
build_failures(JsonBuilder *b, GHashTable *t, size_t top)
{
	size_t n, i;
	struct item *items = sorted(t, &n);

	json_builder_set_member_name(b, "failures");
	json_builder_begin_array(b);
	for (i = 0; i < n && i < top; i++) {
		char *end = NULL;
		unsigned long rcode = strtoul(items[i].key, &end, 10);

		json_builder_begin_object(b);
		add_str(b, "name", end != NULL && *end == ' ' ? end + 1 : "");
		if (rcode == COL_DNS_RCODE_TIMEOUT)
			add_str(b, "rcode", "timeout");
		else
			add_uint(b, "rcode", rcode);
		add_uint(b, "count", items[i].count);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	g_free(items);
}

static void
build_last(const struct col_dnsstats *s, JsonBuilder *b, size_t top)
{
	unsigned i;

	json_builder_set_member_name(b, "last_resolved");
	json_builder_begin_array(b);
	for (i = 0; i < s->n_last && i < top; i++) {
		const struct last *l =
		    &s->last[(s->last_head + COL_DNS_LAST - 1 - i) %
		        COL_DNS_LAST];
		GDateTime *t =
		    g_date_time_new_from_unix_utc((gint64)(l->time_ms / 1000));
		char *iso = g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ");

		json_builder_begin_object(b);
		add_str(b, "name", l->name);
		add_str(b, "address", l->address);
		add_str(b, "client", l->client);
		add_str(b, "time", iso);
		json_builder_end_object(b);
		g_free(iso);
		g_date_time_unref(t);
	}
	json_builder_end_array(b);
}

/* The empty "dns" object, for an interval without DNS statistics. */
static void
build_empty(JsonBuilder *b)
{
	static const char *const lists[] = { "most_resolved", "last_resolved",
		"failures", "clients" };
	size_t i;

	json_builder_set_member_name(b, "dns");
	json_builder_begin_object(b);
	add_str(b, "source", "none");
	for (i = 0; i < G_N_ELEMENTS(lists); i++) {
		json_builder_set_member_name(b, lists[i]);
		json_builder_begin_array(b);
		json_builder_end_array(b);
	}
	json_builder_end_object(b);
}

void
col_dnsstats_build(const struct col_dnsstats *s, JsonBuilder *b, size_t top)
{
	gboolean records;

	if (s == NULL) {
		build_empty(b);
		return;
	}
	records = s->c.records > 0;

	json_builder_set_member_name(b, "dns");
	json_builder_begin_object(b);
	add_str(b, "source",
	    records ? "records" : (s->c.labels > 0 ? "labels" : "none"));
	build_counts(b, "most_resolved", records ? s->names : s->labels, top,
	    "name", "count");
	build_last(s, b, top);
	build_failures(b, s->failures, top);
	build_counts(b, "clients", s->clients, top, "address", "queries");
	add_uint(b, "records", s->c.records);
	add_uint(b, "answers", s->c.answers);
	add_uint(b, "unanswered", s->c.unanswered);
	add_uint(b, "names_dropped", s->c.names_dropped);
	add_uint(b, "clients_dropped", s->c.clients_dropped);
	json_builder_end_object(b);
}
