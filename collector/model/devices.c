/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-devices"

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "collector/model/devices.h"
#include "common/error.h"
#include "common/model.h"
#include "common/table.h"

/* An address map entry: which device an address belongs to. */
struct map_entry {
	struct mf_addr addr; /* first: the key */
	struct col_device_key dev;
	uint64_t last_ms;
};

/*
 * A memo of the entries last found in or put into a table: MEMO_SIZE
 * entries, direct-mapped by an unkeyed multiply-xor of the 17-byte key,
 * each an entry's index + 1 (0: none).  An entry leaving the table is
 * forgotten first (its key stays in its bytes), so an entry the memo
 * names is in the table, and if it holds an equal key it is the one
 * mf_table_find() would find (keys are unique in a table): the seeded
 * hash and the chain walk are skipped.  Two lookups a flow side (the
 * device, the address map), nearly all of a few devices.
 */
#define MEMO_SIZE 256

G_STATIC_ASSERT(sizeof(struct col_device_key) == 17);
G_STATIC_ASSERT(sizeof(struct mf_addr) == 17);

struct memo {
	uint32_t ids[MEMO_SIZE];
};

struct col_devices {
	struct col_devices_config cfg;
	struct mf_table dev; /* struct col_device */
	struct mf_table map; /* struct map_entry */
	struct memo dev_memo, map_memo;
	struct col_devices_stats st;
};

static size_t
memo_slot(const void *key)
{
	const uint8_t *p = key;
	uint64_t a, b;

	memcpy(&a, p, 8);
	memcpy(&b, p + 8, 8);
	a ^= (b ^ p[16]) * UINT64_C(0x9e3779b97f4a7c15);
	a *= UINT64_C(0xff51afd7ed558ccd);
	return (size_t)(a >> 56);
}

/* The entry the memo names for key, or MF_TABLE_NIL. */
static uint32_t
memo_hit(const struct mf_table *t, const struct memo *m, const void *key)
{
	uint32_t e = m->ids[memo_slot(key)];

	if (e != 0 && memcmp(mf_table_entry(t, e - 1), key, 17) == 0)
		return e - 1;
	return MF_TABLE_NIL;
}

/* mf_table_find(), the memo first; for the const finders. */
static uint32_t
memo_peek(const struct mf_table *t, const struct memo *m, const void *key)
{
	uint32_t i = memo_hit(t, m, key);

	if (i != MF_TABLE_NIL)
		return i;
	return mf_table_find(t, key, mf_table_bucket(t, key));
}

/*
 * mf_table_find(), the memo first, and the memo keeps what it finds; *b
 * is the key's bucket when it returns MF_TABLE_NIL.
 */
static uint32_t
memo_find(const struct mf_table *t, struct memo *m, const void *key,
    uint32_t *b)
{
	uint32_t i = memo_hit(t, m, key);

	if (i != MF_TABLE_NIL)
		return i;
	*b = mf_table_bucket(t, key);
	if ((i = mf_table_find(t, key, *b)) != MF_TABLE_NIL)
		m->ids[memo_slot(key)] = i + 1;
	return i;
}

/* Entry i is leaving the table. */
static void
memo_forget(const struct mf_table *t, struct memo *m, uint32_t i)
{
	uint32_t *e = &m->ids[memo_slot(mf_table_entry(t, i))];

	if (*e == i + 1)
		*e = 0;
}

/* mf_table_insert(), forgetting the oldest entry if it is evicted. */
static uint32_t
memo_insert(struct mf_table *t, struct memo *m, const void *key, uint32_t b)
{
	uint32_t i;

	if (t->free_head == MF_TABLE_NIL && t->head != MF_TABLE_NIL)
		memo_forget(t, m, t->head);
	i = mf_table_insert(t, key, b);
	m->ids[memo_slot(key)] = i + 1;
	return i;
}

static void
memo_remove(struct mf_table *t, struct memo *m, uint32_t i)
{
	memo_forget(t, m, i);
	mf_table_remove(t, i);
}

gboolean
col_devices_mac_ok(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return (mac[0] & 0x01) == 0 && memcmp(mac, zero, 6) != 0;
}

struct col_devices *
col_devices_new(const struct col_devices_config *cfg, GError **error)
{
	struct col_devices *d;

	if (cfg->max_devices < COL_DEVICES_MIN ||
	    cfg->max_devices > COL_DEVICES_MAX) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[devices] max-devices: %zu is out of range (%u .. %u)",
		    cfg->max_devices, COL_DEVICES_MIN, COL_DEVICES_MAX);
		return NULL;
	}
	d = g_new0(struct col_devices, 1);
	d->cfg = *cfg;
	mf_table_init(&d->dev, cfg->max_devices, sizeof(struct col_device),
	    sizeof(struct col_device_key), &cfg->seed);
	mf_table_init(&d->map, cfg->max_devices * COL_DEVICE_MAP_PER_DEVICE,
	    sizeof(struct map_entry), sizeof(struct mf_addr), &cfg->seed);
	return d;
}

void
col_devices_free(struct col_devices *d)
{
	if (d == NULL)
		return;
	mf_table_fini(&d->dev);
	mf_table_fini(&d->map);
	g_free(d);
}

static void
key_mac(struct col_device_key *k, const uint8_t mac[6])
{
	memset(k, 0, sizeof(*k));
	k->kind = COL_DEVICE_KEY_MAC;
	memcpy(k->b, mac, 6);
}

static void
key_addr(struct col_device_key *k, const struct mf_addr *a)
{
	memset(k, 0, sizeof(*k));
	k->kind = a->family;
	memcpy(k->b, a->b, 16);
}

static struct col_device *
dev_find(const struct col_devices *d, const struct col_device_key *k)
{
	uint32_t i = memo_peek(&d->dev, &d->dev_memo, k);

	return i == MF_TABLE_NIL ? NULL : mf_table_entry(&d->dev, i);
}

static void
dev_init(struct col_devices *d, struct col_device *v)
{
	const struct col_device_key *k = &v->key;
	struct mf_addr a;

	if (k->kind == COL_DEVICE_KEY_MAC) {
		memcpy(v->mac, k->b, 6);
		v->has_mac = 1;
		v->random_mac = (k->b[0] & 0x02) != 0;
		v->vendor = col_oui_find(d->cfg.oui, v->mac);
		g_snprintf(v->id, sizeof(v->id),
		    "%02x:%02x:%02x:%02x:%02x:%02x", k->b[0], k->b[1], k->b[2],
		    k->b[3], k->b[4], k->b[5]);
	} else {
		memset(&a, 0, sizeof(a));
		a.family = k->kind;
		memcpy(a.b, k->b, 16);
		mf_addr_format(&a, v->id, sizeof(v->id));
		v->addrs[0] = a;
		v->n_addrs = 1;
	}
}

/* The device of k, made if new (the newest either way). */
static struct col_device *
dev_get(struct col_devices *d, const struct col_device_key *k)
{
	uint32_t b, i = memo_find(&d->dev, &d->dev_memo, k, &b);
	uint64_t evicted = d->dev.stats.evicted;

	if (i != MF_TABLE_NIL) {
		mf_table_touch(&d->dev, i);
		return mf_table_entry(&d->dev, i);
	}
	i = memo_insert(&d->dev, &d->dev_memo, k, b);
	d->st.evicted += d->dev.stats.evicted - evicted;
	dev_init(d, mf_table_entry(&d->dev, i));
	return mf_table_entry(&d->dev, i);
}

static void
dev_seen(struct col_device *v, uint64_t start_ms, uint64_t end_ms)
{
	if (v->first_ms == 0 || start_ms < v->first_ms)
		v->first_ms = start_ms;
	if (end_ms > v->last_ms)
		v->last_ms = end_ms;
	v->active = 1;
}

static void
dev_add_addr(struct col_devices *d, struct col_device *v,
    const struct mf_addr *a)
{
	unsigned i, last;

	/* The address added last first: most flows of a device repeat it. */
	if (v->n_addrs > 0) {
		last = v->n_addrs < COL_DEVICE_ADDRS
		    ? v->n_addrs - 1u
		    : (v->addr_next + COL_DEVICE_ADDRS - 1u) % COL_DEVICE_ADDRS;
		if (mf_addr_equal(&v->addrs[last], a))
			return;
	}
	for (i = 0; i < v->n_addrs; i++)
		if (mf_addr_equal(&v->addrs[i], a))
			return;
	if (v->n_addrs < COL_DEVICE_ADDRS) {
		v->addrs[v->n_addrs++] = *a;
		return;
	}
	v->addrs[v->addr_next] = *a;
	v->addr_next = (uint8_t)((v->addr_next + 1) % COL_DEVICE_ADDRS);
	d->st.addresses_dropped++;
}

static void
dev_add_name(struct col_devices *d, struct col_device *v, const char *name,
    uint64_t bytes)
{
	guint hash = g_str_hash(name);
	unsigned i, least = 0;

	for (i = 0; i < v->n_names; i++) {
		if (v->names[i].hash == hash &&
		    strcmp(v->names[i].name, name) == 0) {
			v->names[i].bytes += bytes;
			return;
		}
		if (v->names[i].bytes < v->names[least].bytes)
			least = i;
	}
	if (v->n_names < COL_DEVICE_NAMES) {
		i = v->n_names++;
	} else {
		d->st.names_dropped++;
		if (v->names[least].bytes >= bytes)
			return;
		i = least;
	}
	v->names[i].bytes = bytes;
	v->names[i].hash = hash;
	g_strlcpy(v->names[i].name, name, sizeof(v->names[i].name));
}

/* Fold the interval of an address's own device into the MAC's device. */
static void
dev_merge(struct col_device *to, const struct col_device *from)
{
	unsigned i;

	to->bytes_out += from->bytes_out;
	to->bytes_in += from->bytes_in;
	to->packets_out += from->packets_out;
	to->packets_in += from->packets_in;
	to->flows += from->flows;
	if (from->active) {
		to->active = 1;
		if (to->first_ms == 0 || from->first_ms < to->first_ms)
			to->first_ms = from->first_ms;
		to->last_ms = MAX(to->last_ms, from->last_ms);
	}
	if (to->name_source == MF_DEVICE_NONE &&
	    from->name_source != MF_DEVICE_NONE) {
		g_strlcpy(to->name, from->name, sizeof(to->name));
		to->name_source = from->name_source;
	}
	for (i = 0; i < from->n_names; i++)
		if (to->n_names < COL_DEVICE_NAMES)
			to->names[to->n_names++] = from->names[i];
}

/*
 * Note that a belongs to the device with key k (a MAC) at now_ms; TRUE if
 * that is news (a new entry, or the address moved to another MAC).
 */
static gboolean
map_set(struct col_devices *d, const struct mf_addr *a,
    const struct col_device_key *k, uint64_t now_ms)
{
	uint32_t b, i = memo_find(&d->map, &d->map_memo, a, &b);
	uint64_t evicted = d->map.stats.evicted;
	struct map_entry *m;
	gboolean news = i == MF_TABLE_NIL;

	if (news) {
		i = memo_insert(&d->map, &d->map_memo, a, b);
		d->st.map_evicted += d->map.stats.evicted - evicted;
	} else {
		mf_table_touch(&d->map, i);
	}
	m = mf_table_entry(&d->map, i);
	news = news || memcmp(&m->dev, k, sizeof(*k)) != 0;
	m->dev = *k;
	m->last_ms = MAX(m->last_ms, now_ms);
	return news;
}

static const struct map_entry *
map_find(const struct col_devices *d, const struct mf_addr *a)
{
	uint32_t i = memo_peek(&d->map, &d->map_memo, a);

	return i == MF_TABLE_NIL ? NULL : mf_table_entry(&d->map, i);
}

/* The device of address a with MAC mac (NULL: unknown) at now_ms. */
static struct col_device *
dev_for(struct col_devices *d, const struct mf_addr *a, const uint8_t *mac,
    uint64_t now_ms)
{
	const struct map_entry *m;
	struct col_device_key k, ak;
	struct col_device *v, *own;
	uint32_t i, b;

	if (mac == NULL) {
		if ((m = map_find(d, a)) != NULL && dev_find(d, &m->dev))
			return dev_get(d, &m->dev);
		key_addr(&k, a);
		return dev_get(d, &k);
	}
	key_mac(&k, mac);
	v = dev_get(d, &k);
	dev_add_addr(d, v, a);
	/* Only an address new to the map can have a device of its own. */
	if (!map_set(d, a, &k, now_ms))
		return v;
	key_addr(&ak, a);
	i = memo_find(&d->dev, &d->dev_memo, &ak, &b);
	if (i != MF_TABLE_NIL) {
		own = mf_table_entry(&d->dev, i);
		dev_merge(v, own);
		memo_remove(&d->dev, &d->dev_memo, i);
		d->st.merged++;
	}
	return v;
}

/* A host's address: not unspecified, not multicast. */
static gboolean
addr_ok(const struct mf_addr *a)
{
	static const uint8_t zero[16];

	if (a->family == MF_AF_INET)
		return memcmp(a->b, zero, 4) != 0 && (a->b[0] & 0xf0) != 0xe0;
	return a->family == MF_AF_INET6 && memcmp(a->b, zero, 16) != 0 &&
	    a->b[0] != 0xff;
}

void
col_devices_flow(struct col_devices *d, const struct col_flow *f,
    uint64_t start_ms, uint64_t end_ms, gboolean src_internal,
    gboolean dst_internal, const struct col_device *out[2])
{
	gboolean internal[2] = { src_internal, dst_internal };
	const struct mf_addr *addr[2] = { &f->src, &f->dst };
	const uint8_t *mac[2] = { f->src_mac, f->dst_mac };
	struct col_device *v[2] = { NULL, NULL };
	int s;

	for (s = 0; s < 2; s++) {
		/* A group MAC (broadcast, multicast) is no host's. */
		if (!internal[s] || !addr_ok(addr[s]) ||
		    (f->has_mac && (mac[s][0] & 0x01) != 0) ||
		    (s == 1 && v[0] != NULL && mf_addr_equal(addr[0], addr[1])))
			continue;
		v[s] = dev_for(d, addr[s],
		    f->has_mac && col_devices_mac_ok(mac[s]) ? mac[s] : NULL,
		    end_ms);
		dev_seen(v[s], start_ms, end_ms);
		v[s]->flows++;
		v[s]->bytes_out += s == 0 ? f->octets : f->rev_octets;
		v[s]->packets_out += s == 0 ? f->packets : f->rev_packets;
		v[s]->bytes_in += s == 0 ? f->rev_octets : f->octets;
		v[s]->packets_in += s == 0 ? f->rev_packets : f->packets;
		/* The label names the remote side: not of an internal one. */
		if (f->label[0] != '\0' && !internal[1 - s])
			dev_add_name(d, v[s], f->label,
			    f->octets + f->rev_octets);
	}
	if (f->label[0] != '\0' && v[0] != NULL && internal[1])
		dev_add_name(d, v[0], f->label, f->octets + f->rev_octets);
	out[0] = v[0];
	out[1] = v[1];
}

void
col_devices_record(struct col_devices *d, const struct col_device_rec *r)
{
	struct col_device_key k;
	struct col_device *v;

	if (!col_devices_mac_ok(r->mac)) {
		d->st.bad_records++;
		return;
	}
	d->st.records++;
	if (addr_ok(&r->addr)) {
		v = dev_for(d, &r->addr, r->mac, r->time_ms);
	} else {
		key_mac(&k, r->mac);
		v = dev_get(d, &k);
	}
	dev_seen(v, r->time_ms, r->time_ms);
	if (r->name[0] != '\0' && r->source > MF_DEVICE_NONE &&
	    r->source < MF_DEVICE_N_SOURCES &&
	    (v->name_source == MF_DEVICE_NONE || r->source <= v->name_source)) {
		g_strlcpy(v->name, r->name, sizeof(v->name));
		v->name_source = r->source;
	}
}

const struct col_device *
col_devices_find_mac(const struct col_devices *d, const uint8_t mac[6])
{
	struct col_device_key k;

	key_mac(&k, mac);
	return dev_find(d, &k);
}

const struct col_device *
col_devices_find_addr(const struct col_devices *d, const struct mf_addr *a)
{
	const struct map_entry *m = map_find(d, a);
	const struct col_device *v;
	struct col_device_key k;

	if (m != NULL && (v = dev_find(d, &m->dev)) != NULL)
		return v;
	key_addr(&k, a);
	return dev_find(d, &k);
}

static gint
cmp_active(gconstpointer a, gconstpointer b)
{
	const struct col_device *x = *(const struct col_device *const *)a;
	const struct col_device *y = *(const struct col_device *const *)b;
	uint64_t tx = x->bytes_out + x->bytes_in;
	uint64_t ty = y->bytes_out + y->bytes_in;

	if (tx != ty)
		return tx > ty ? -1 : 1;
	return strcmp(x->id, y->id);
}

const struct col_device **
col_devices_active(const struct col_devices *d, size_t *n)
{
	const struct col_device **list =
	    g_new(const struct col_device *, d->dev.stats.used + 1);
	const struct col_device *v;
	uint32_t i;

	*n = 0;
	for (i = d->dev.head; i != MF_TABLE_NIL; i = d->dev.links[i].next) {
		v = mf_table_entry(&d->dev, i);
		if (v->active)
			list[(*n)++] = v;
	}
	qsort(list, *n, sizeof(*list), cmp_active);
	return list;
}

void
col_devices_new_interval(struct col_devices *d)
{
	struct col_device *v;
	uint32_t i;

	for (i = d->dev.head; i != MF_TABLE_NIL; i = d->dev.links[i].next) {
		v = mf_table_entry(&d->dev, i);
		v->active = 0;
		v->bytes_out = v->bytes_in = 0;
		v->packets_out = v->packets_in = v->flows = 0;
		v->n_names = 0;
	}
}

void
col_devices_gc(struct col_devices *d, uint64_t now_ms)
{
	const struct col_device *v;
	const struct map_entry *m;
	uint32_t i;

	/* Oldest first: the first one still in use ends the walk. */
	while ((i = mf_table_oldest(&d->dev)) != MF_TABLE_NIL) {
		v = mf_table_entry(&d->dev, i);
		if (v->active || v->last_ms + d->cfg.idle_ms >= now_ms)
			break;
		memo_remove(&d->dev, &d->dev_memo, i);
		d->st.collected++;
	}
	while ((i = mf_table_oldest(&d->map)) != MF_TABLE_NIL) {
		m = mf_table_entry(&d->map, i);
		if (m->last_ms + d->cfg.idle_ms >= now_ms)
			break;
		memo_remove(&d->map, &d->map_memo, i);
	}
}

void
col_devices_get_stats(const struct col_devices *d, struct col_devices_stats *st)
{
	*st = d->st;
	st->used = d->dev.stats.used;
	st->capacity = d->dev.cap;
}
