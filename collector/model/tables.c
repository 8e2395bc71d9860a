/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-tables"

#include <string.h>

#include <glib.h>

#include "collector/model/tables.h"
#include "common/error.h"
#include "common/sortu32.h"

#define NIL COL_ID_NONE

#define PROTO_ICMP 1
#define PROTO_ICMPV6 58
#define WELL_KNOWN_PORTS 1024

enum kind { K_ADDRESS, K_STREAM, K_PORT };

/* Table bookkeeping of one entry, kept apart from the public structs. */
struct node {
	uint32_t hnext;      /* hash chain, or the free list */
	uint32_t prev, next; /* LRU list */
	uint8_t live;        /* holds an entry */
	uint8_t used;        /* touched in the open interval */
};

/*
 * One bounded table: entries unused in the open interval always come
 * before used ones on the LRU list (a touch sets used and moves the entry
 * to the tail; only col_tables_new_interval() clears used), so the head is
 * the eviction candidate, GC walks the head and the interval reset walks
 * the tail.
 */
struct table {
	enum kind kind;
	struct node *nodes; /* cap */
	uint8_t *keys;      /* cap * klen bytes */
	uint32_t *buckets;  /* mask + 1 chain heads */
	size_t klen;
	uint32_t mask, cap, free_head;
	uint32_t head, tail; /* LRU: head is the least recently used */
	uint32_t n_used;     /* entries used in the open interval */
	struct col_table_stats stats;
};

/*
 * Streams of an address, so that evicting an address can drop them: a
 * list per address of handles (stream id * 2 + side, side 0 left, 1
 * right), linked through the stream's next/prev of that side.  A stream
 * whose two sides are one address sits on its list twice.
 */
struct slink {
	uint32_t next[2], prev[2];
};

struct addr_key {
	struct mf_addr addr;
};

struct stream_key {
	uint32_t id[2]; /* the lower (id, port) endpoint first */
	uint16_t port[2];
	uint8_t proto;
	uint8_t pad[3]; /* zero */
};

struct port_key {
	uint8_t proto;
	uint8_t pad; /* zero */
	uint16_t port;
};

/* key_equal() tells the kinds apart by their key sizes. */
G_STATIC_ASSERT(sizeof(struct addr_key) == 17);
G_STATIC_ASSERT(sizeof(struct stream_key) == 16);
G_STATIC_ASSERT(sizeof(struct port_key) == 4);

struct col_tables {
	struct mf_hash_key seed;
	uint64_t idle_ms;
	struct table at, st, pt; /* addresses, streams, ports */
	struct col_address *addrs;
	struct col_stream *streams;
	struct col_port *ports;
	struct slink *slinks;   /* per stream */
	uint32_t *addr_streams; /* per address: first handle, or NIL */
};

/* --- one table ----------------------------------------------------------- */

static gboolean
table_init(struct table *tb, enum kind kind, size_t cap, size_t klen)
{
	size_t i, nb = mf_hash_buckets(cap);

	tb->kind = kind;
	tb->klen = klen;
	tb->cap = (uint32_t)cap;
	tb->mask = (uint32_t)(nb - 1);
	tb->nodes = g_try_new0(struct node, cap);
	tb->keys = g_try_malloc0(cap * klen);
	tb->buckets = g_try_new(uint32_t, nb);
	if (tb->nodes == NULL || tb->keys == NULL || tb->buckets == NULL)
		return FALSE;
	memset(tb->buckets, 0xff, nb * sizeof(*tb->buckets));
	for (i = 0; i < cap; i++)
		tb->nodes[i].hnext = i + 1 < cap ? (uint32_t)(i + 1) : NIL;
	tb->free_head = 0;
	tb->head = tb->tail = NIL;
	tb->stats.capacity = (uint32_t)cap;
	return TRUE;
}

static void
table_clear(struct table *tb)
{
	g_free(tb->nodes);
	g_free(tb->keys);
	g_free(tb->buckets);
}

static const void *
table_key(const struct table *tb, uint32_t i)
{
	return tb->keys + (size_t)i * tb->klen;
}

static uint32_t
table_bucket(const struct col_tables *t, const struct table *tb,
    const void *key)
{
	return (uint32_t)mf_hash_fast(&t->seed, key, tb->klen) & tb->mask;
}

/* Each kind's key size apart: a memcmp() of a constant size is inlined. */
static gboolean
key_equal(const void *x, const void *y, size_t klen)
{
	switch (klen) {
	case sizeof(struct addr_key):
		return memcmp(x, y, sizeof(struct addr_key)) == 0;
	case sizeof(struct stream_key):
		return memcmp(x, y, sizeof(struct stream_key)) == 0;
	case sizeof(struct port_key):
		return memcmp(x, y, sizeof(struct port_key)) == 0;
	default:
		return memcmp(x, y, klen) == 0;
	}
}

static uint32_t
table_find(const struct table *tb, const void *key, uint32_t b)
{
	uint32_t i;

	for (i = tb->buckets[b]; i != NIL; i = tb->nodes[i].hnext)
		if (key_equal(table_key(tb, i), key, tb->klen))
			return i;
	return NIL;
}

static void
lru_unlink(struct table *tb, uint32_t i)
{
	struct node *n = &tb->nodes[i];

	if (n->prev != NIL)
		tb->nodes[n->prev].next = n->next;
	else
		tb->head = n->next;
	if (n->next != NIL)
		tb->nodes[n->next].prev = n->prev;
	else
		tb->tail = n->prev;
	n->prev = n->next = NIL;
}

static void
lru_append(struct table *tb, uint32_t i)
{
	struct node *n = &tb->nodes[i];

	n->prev = tb->tail;
	n->next = NIL;
	if (tb->tail != NIL)
		tb->nodes[tb->tail].next = i;
	else
		tb->head = i;
	tb->tail = i;
}

static void
table_touch(struct table *tb, uint32_t i)
{
	/* At the tail already (the same address again): the order holds. */
	if (tb->tail != i) {
		lru_unlink(tb, i);
		lru_append(tb, i);
	}
	if (!tb->nodes[i].used)
		tb->n_used++;
	tb->nodes[i].used = 1;
}

/* Unhash entry i and put its slot on the free list. */
static void
table_remove(const struct col_tables *t, struct table *tb, uint32_t i)
{
	uint32_t *pp = &tb->buckets[table_bucket(t, tb, table_key(tb, i))];

	while (*pp != i) {
		g_assert(*pp != NIL);
		pp = &tb->nodes[*pp].hnext;
	}
	*pp = tb->nodes[i].hnext;
	lru_unlink(tb, i);
	if (tb->nodes[i].used)
		tb->n_used--;
	tb->nodes[i].live = tb->nodes[i].used = 0;
	tb->nodes[i].hnext = tb->free_head;
	tb->free_head = i;
	tb->stats.used--;
}

/* Take a free slot for key (in bucket b), used; the caller fills it. */
static uint32_t
table_insert(struct table *tb, const void *key, uint32_t b)
{
	uint32_t i = tb->free_head;
	struct node *n = &tb->nodes[i];

	g_assert(i != NIL);
	tb->free_head = n->hnext;
	memcpy(tb->keys + (size_t)i * tb->klen, key, tb->klen);
	n->hnext = tb->buckets[b];
	tb->buckets[b] = i;
	n->live = n->used = 1;
	tb->n_used++;
	lru_append(tb, i);
	tb->stats.used++;
	return i;
}

/* --- dropping entries ---------------------------------------------------- */

static void drop(struct col_tables *t, struct table *tb, uint32_t i,
    gboolean evicted);

static void
side_link(struct col_tables *t, uint32_t s, unsigned side, uint32_t a)
{
	uint32_t h = s * 2 + side, old = t->addr_streams[a];

	t->slinks[s].prev[side] = NIL;
	t->slinks[s].next[side] = old;
	if (old != NIL)
		t->slinks[old >> 1].prev[old & 1] = h;
	t->addr_streams[a] = h;
}

static void
side_unlink(struct col_tables *t, uint32_t s, unsigned side, uint32_t a)
{
	uint32_t p = t->slinks[s].prev[side], n = t->slinks[s].next[side];

	if (p != NIL)
		t->slinks[p >> 1].next[p & 1] = n;
	else
		t->addr_streams[a] = n;
	if (n != NIL)
		t->slinks[n >> 1].prev[n & 1] = p;
}

/*
 * Free entry i of tb, counted as evicted or collected; an address takes
 * its streams with it (none in use: using a stream uses its addresses).
 */
static void
drop(struct col_tables *t, struct table *tb, uint32_t i, gboolean evicted)
{
	uint32_t h;

	if (tb->kind == K_ADDRESS) {
		while ((h = t->addr_streams[i]) != NIL) {
			g_assert(!t->st.nodes[h >> 1].used);
			drop(t, &t->st, h >> 1, evicted);
		}
	} else if (tb->kind == K_STREAM) {
		side_unlink(t, i, 0, t->streams[i].left);
		side_unlink(t, i, 1, t->streams[i].right);
	}
	table_remove(t, tb, i);
	if (evicted)
		tb->stats.evicted++;
	else
		tb->stats.collected++;
}

/*
 * The entry for key, touched: found, or new in a free slot, or new in the
 * slot of the least recently used entry unused in the open interval
 * (evicted).  NIL if every entry is in use.  *created says whether the
 * caller must fill the entry.
 */
static uint32_t
table_get(struct col_tables *t, struct table *tb, const void *key,
    gboolean *created)
{
	uint32_t b = table_bucket(t, tb, key), i;

	*created = FALSE;
	if ((i = table_find(tb, key, b)) != NIL) {
		table_touch(tb, i);
		return i;
	}
	if (tb->free_head == NIL) {
		i = tb->head;
		if (i == NIL || tb->nodes[i].used)
			return NIL;
		drop(t, tb, i, TRUE);
	}
	*created = TRUE;
	return table_insert(tb, key, b);
}

static uint64_t
last_ms_of(const struct col_tables *t, const struct table *tb, uint32_t i)
{
	if (tb->kind == K_ADDRESS)
		return t->addrs[i].last_ms;
	if (tb->kind == K_STREAM)
		return t->streams[i].last_ms;
	return t->ports[i].last_ms;
}

static void
table_gc(struct col_tables *t, struct table *tb, uint64_t now_ms)
{
	uint32_t i, next;
	uint64_t last;

	for (i = tb->head; i != NIL && !tb->nodes[i].used; i = next) {
		next = tb->nodes[i].next;
		last = last_ms_of(t, tb, i);
		if (now_ms > last && now_ms - last > t->idle_ms)
			drop(t, tb, i, FALSE);
	}
}

static void
table_new_interval(struct col_tables *t, struct table *tb)
{
	uint32_t i;

	for (i = tb->tail; i != NIL && tb->nodes[i].used;
	     i = tb->nodes[i].prev) {
		tb->nodes[i].used = 0;
		if (tb->kind == K_ADDRESS) {
			memset(&t->addrs[i].sent, 0, sizeof(t->addrs[i].sent));
			memset(&t->addrs[i].received, 0,
			    sizeof(t->addrs[i].received));
		} else if (tb->kind == K_STREAM) {
			memset(&t->streams[i].l2r, 0,
			    sizeof(t->streams[i].l2r));
			memset(&t->streams[i].r2l, 0,
			    sizeof(t->streams[i].r2l));
		} else {
			memset(&t->ports[i].counts, 0,
			    sizeof(t->ports[i].counts));
		}
	}
	tb->n_used = 0;
}

/* --- life cycle ---------------------------------------------------------- */

static gboolean
size_ok(size_t n)
{
	return n >= COL_TABLES_MIN_ENTRIES && n <= COL_TABLES_MAX_ENTRIES;
}

struct col_tables *
col_tables_new(const struct col_tables_config *cfg, GError **error)
{
	struct col_tables *t;
	size_t na = cfg->max_addresses, ns = cfg->max_streams;

	if (!size_ok(na) || !size_ok(ns) || !size_ok(cfg->max_ports)) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "table sizes %zu/%zu/%zu (addresses/streams/ports) "
		    "out of range (%u..%u)",
		    na, ns, cfg->max_ports, COL_TABLES_MIN_ENTRIES,
		    COL_TABLES_MAX_ENTRIES);
		return NULL;
	}
	t = g_new0(struct col_tables, 1);
	t->seed = cfg->seed;
	t->idle_ms = cfg->idle_ms;
	t->addrs = g_try_new0(struct col_address, na);
	t->streams = g_try_new0(struct col_stream, ns);
	t->ports = g_try_new0(struct col_port, cfg->max_ports);
	t->slinks = g_try_new0(struct slink, ns);
	t->addr_streams = g_try_new(uint32_t, na);
	if (!table_init(&t->at, K_ADDRESS, na, sizeof(struct addr_key)) ||
	    !table_init(&t->st, K_STREAM, ns, sizeof(struct stream_key)) ||
	    !table_init(&t->pt, K_PORT, cfg->max_ports,
	        sizeof(struct port_key)) ||
	    t->addrs == NULL || t->streams == NULL || t->ports == NULL ||
	    t->slinks == NULL || t->addr_streams == NULL) {
		g_set_error(error, MF_ERROR, MF_ERROR_NOMEM,
		    "cannot allocate tables of %zu addresses, %zu streams "
		    "and %zu ports",
		    na, ns, cfg->max_ports);
		col_tables_free(t);
		return NULL;
	}
	memset(t->addr_streams, 0xff, na * sizeof(*t->addr_streams));
	return t;
}

void
col_tables_free(struct col_tables *t)
{
	if (t == NULL)
		return;
	table_clear(&t->at);
	table_clear(&t->st);
	table_clear(&t->pt);
	g_free(t->addrs);
	g_free(t->streams);
	g_free(t->ports);
	g_free(t->slinks);
	g_free(t->addr_streams);
	g_free(t);
}

/* --- accounting ---------------------------------------------------------- */

static void
counts_add(struct col_counts *c, uint64_t flows, uint64_t packets,
    uint64_t bytes)
{
	c->flows += flows;
	c->packets += packets;
	c->bytes += bytes;
}

/* The key of a, only the family's bytes kept; FALSE if no known family. */
static gboolean
make_addr_key(const struct mf_addr *a, struct addr_key *k)
{
	memset(k, 0, sizeof(*k));
	k->addr.family = a->family;
	if (a->family == MF_AF_INET)
		memcpy(k->addr.b, a->b, 4);
	else if (a->family == MF_AF_INET6)
		memcpy(k->addr.b, a->b, 16);
	else
		return FALSE;
	return TRUE;
}

static uint32_t
address_account(struct col_tables *t, const struct col_flow *f, gboolean is_src,
    gboolean internal)
{
	struct addr_key k;
	struct col_address *a;
	gboolean created;
	uint32_t i;

	if (!make_addr_key(is_src ? &f->src : &f->dst, &k) ||
	    (i = table_get(t, &t->at, &k, &created)) == NIL)
		return NIL;
	a = &t->addrs[i];
	if (created) {
		memset(a, 0, sizeof(*a));
		a->id = i;
		a->addr = k.addr;
	}
	a->internal = internal ? 1 : 0;
	if (f->has_mac) {
		memcpy(a->mac, is_src ? f->src_mac : f->dst_mac,
		    sizeof(a->mac));
		a->has_mac = 1;
	}
	if (f->end_ms > a->last_ms)
		a->last_ms = f->end_ms;
	counts_add(is_src ? &a->sent : &a->received, 1, f->packets, f->octets);
	counts_add(is_src ? &a->received : &a->sent, 0, f->rev_packets,
	    f->rev_octets);
	return i;
}

static void
make_stream_key(const uint32_t id[2], const uint16_t port[2], uint8_t proto,
    struct stream_key *k)
{
	unsigned s = id[0] > id[1] || (id[0] == id[1] && port[0] > port[1]);

	memset(k, 0, sizeof(*k));
	k->id[s] = id[0];
	k->port[s] = port[0];
	k->id[!s] = id[1];
	k->port[!s] = port[1];
	k->proto = proto;
}

/* A new stream: the source is the client unless it looks like a reply. */
static void
stream_init(struct col_tables *t, uint32_t i, const struct col_flow *f,
    const uint32_t id[2], const uint16_t port[2])
{
	struct col_stream *s = &t->streams[i];
	unsigned l = port[1] > port[0] && port[0] < WELL_KNOWN_PORTS;

	memset(s, 0, sizeof(*s));
	s->id = i;
	s->left = id[l];
	s->left_port = port[l];
	s->right = id[!l];
	s->right_port = port[!l];
	s->proto = f->proto;
	s->first_ms = f->start_ms;
	side_link(t, i, 0, s->left);
	side_link(t, i, 1, s->right);
}

static void
stream_update(struct col_stream *s, const struct col_flow *f, gboolean l2r,
    uint16_t flags)
{
	size_t n;

	if (l2r)
		s->flags = flags;
	counts_add(l2r ? &s->l2r : &s->r2l, 1, f->packets, f->octets);
	counts_add(l2r ? &s->r2l : &s->l2r, 0, f->rev_packets, f->rev_octets);
	s->tcp_flags |= f->tcp_flags | f->rev_tcp_flags;
	if (f->start_ms < s->first_ms)
		s->first_ms = f->start_ms;
	if (f->end_ms > s->last_ms)
		s->last_ms = f->end_ms;
	if (l2r && f->label[0] != '\0') {
		n = strnlen(f->label, sizeof(s->label) - 1);
		memcpy(s->label, f->label, n);
		s->label[n] = '\0';
	}
	/* Either direction's record names the local process. */
	if (f->process[0] != '\0') {
		n = strnlen(f->process, sizeof(s->process) - 1);
		memcpy(s->process, f->process, n);
		s->process[n] = '\0';
		s->pid = f->pid;
	}
}

/* id/port: the record's source then destination. */
static uint32_t
stream_account(struct col_tables *t, const struct col_flow *f,
    const uint32_t id[2], uint16_t flags)
{
	gboolean icmp = f->proto == PROTO_ICMP || f->proto == PROTO_ICMPV6;
	uint16_t port[2] = { icmp ? 0 : f->sport, icmp ? 0 : f->dport };
	struct stream_key k;
	struct col_stream *s;
	gboolean created;
	uint32_t i;

	make_stream_key(id, port, f->proto, &k);
	if ((i = table_get(t, &t->st, &k, &created)) == NIL) {
		t->st.stats.untracked++;
		return NIL;
	}
	s = &t->streams[i];
	if (created) {
		stream_init(t, i, f, id, port);
		s->flags = flags;
	}
	stream_update(s, f, s->left == id[0] && s->left_port == port[0], flags);
	return i;
}

static uint32_t
port_account(struct col_tables *t, const struct col_flow *f, uint16_t port)
{
	struct port_key k;
	struct col_port *p;
	gboolean created;
	uint32_t i;

	memset(&k, 0, sizeof(k));
	k.proto = f->proto;
	k.port = port;
	if ((i = table_get(t, &t->pt, &k, &created)) == NIL) {
		t->pt.stats.untracked++;
		return NIL;
	}
	p = &t->ports[i];
	if (created) {
		memset(p, 0, sizeof(*p));
		p->id = i;
		p->proto = f->proto;
		p->port = port;
	}
	if (f->end_ms > p->last_ms)
		p->last_ms = f->end_ms;
	counts_add(&p->counts, 1, f->packets + f->rev_packets,
	    f->octets + f->rev_octets);
	return i;
}

void
col_tables_account(struct col_tables *t, const struct col_flow *f,
    gboolean src_internal, gboolean dst_internal, uint16_t app_port,
    uint16_t flags, struct col_touch *touch)
{
	struct col_touch tc;
	uint32_t id[2];

	/* The source is in use from here on: the destination cannot evict it.
	 */
	tc.src = address_account(t, f, TRUE, src_internal);
	tc.dst = address_account(t, f, FALSE, dst_internal);
	if (tc.src == NIL || tc.dst == NIL) {
		t->at.stats.untracked++;
		t->st.stats.untracked++;
		tc.stream = NIL;
	} else {
		id[0] = tc.src;
		id[1] = tc.dst;
		tc.stream = stream_account(t, f, id, flags);
	}
	tc.port = app_port != 0 ? port_account(t, f, app_port) : NIL;
	if (touch != NULL)
		*touch = tc;
}

/* --- between intervals --------------------------------------------------- */

uint16_t
col_tables_service_port(const struct col_flow *f)
{
	if (f->app_port != 0)
		return f->app_port;
	if (f->proto != 6 && f->proto != 17 && f->proto != 132)
		return 0;
	if (f->dport != 0 && (f->dport < 1024 || f->sport >= f->dport))
		return f->dport < f->sport || f->sport == 0 || f->dport < 1024
		    ? f->dport
		    : f->sport;
	return f->sport;
}

void
col_tables_gc(struct col_tables *t, uint64_t now_ms)
{
	table_gc(t, &t->st, now_ms);
	table_gc(t, &t->at, now_ms);
	table_gc(t, &t->pt, now_ms);
}

void
col_tables_new_interval(struct col_tables *t)
{
	table_new_interval(t, &t->at);
	table_new_interval(t, &t->st);
	table_new_interval(t, &t->pt);
}

/* --- the report's view --------------------------------------------------- */

static gboolean
is_live(const struct table *tb, uint32_t id)
{
	return id < tb->cap && tb->nodes[id].live;
}

const struct col_address *
col_tables_address(const struct col_tables *t, uint32_t id)
{
	return is_live(&t->at, id) ? &t->addrs[id] : NULL;
}

const struct col_stream *
col_tables_stream(const struct col_tables *t, uint32_t id)
{
	return is_live(&t->st, id) ? &t->streams[id] : NULL;
}

const struct col_port *
col_tables_port(const struct col_tables *t, uint32_t id)
{
	return is_live(&t->pt, id) ? &t->ports[id] : NULL;
}

static gboolean
is_used(const struct table *tb, uint32_t id)
{
	return tb->nodes[id].live && tb->nodes[id].used;
}

/*
 * The ids of the entries used in the open interval, in id order, into a
 * new array (g_free() it) of *n.  The used entries are the tail of the
 * LRU list, so a walk from the tail finds them in O(used); sorting them
 * costs O(used log used), which beats a scan of every slot while used <
 * cap / SCAN_RATIO; above that the scan is the cheaper way (a dense
 * interval at 262,144 streams).  Once per report per table (may allocate).
 */
#define SCAN_RATIO 16u

static uint32_t *
used_ids(const struct table *tb, size_t *n)
{
	uint32_t *ids = g_new(uint32_t, MAX(tb->n_used, 1));
	size_t k = 0;
	uint32_t i;

	if ((size_t)tb->n_used * SCAN_RATIO >= tb->cap) {
		for (i = 0; i < tb->cap && k < tb->n_used; i++)
			if (is_used(tb, i))
				ids[k++] = i;
	} else {
		for (i = tb->tail; i != NIL && tb->nodes[i].used;
		     i = tb->nodes[i].prev) {
			g_assert(k < tb->n_used);
			ids[k++] = i;
		}
		mf_sort_u32(ids, k);
	}
	g_assert(k == tb->n_used);
	*n = k;
	return ids;
}

void
col_tables_foreach_address(const struct col_tables *t,
    void (*fn)(const struct col_address *, void *), void *ctx)
{
	size_t i, n;
	g_autofree uint32_t *ids = used_ids(&t->at, &n);

	for (i = 0; i < n; i++)
		fn(&t->addrs[ids[i]], ctx);
}

void
col_tables_foreach_stream(const struct col_tables *t,
    void (*fn)(const struct col_stream *, void *), void *ctx)
{
	size_t i, n;
	g_autofree uint32_t *ids = used_ids(&t->st, &n);

	for (i = 0; i < n; i++)
		fn(&t->streams[ids[i]], ctx);
}

void
col_tables_foreach_port(const struct col_tables *t,
    void (*fn)(const struct col_port *, void *), void *ctx)
{
	size_t i, n;
	g_autofree uint32_t *ids = used_ids(&t->pt, &n);

	for (i = 0; i < n; i++)
		fn(&t->ports[ids[i]], ctx);
}

void
col_tables_get_stats(const struct col_tables *t,
    struct col_table_stats *addresses, struct col_table_stats *streams,
    struct col_table_stats *ports)
{
	if (addresses != NULL)
		*addresses = t->at.stats;
	if (streams != NULL)
		*streams = t->st.stats;
	if (ports != NULL)
		*ports = t->pt.stats;
}
