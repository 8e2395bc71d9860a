/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-anomaly"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <libpsl.h>

#include "collector/analytics/anomaly.h"
#include "collector/analytics/anomaly_detect.h"
#include "collector/model/tables.h"
#include "common/addr.h"
#include "common/error.h"
#include "common/hash.h"
#include "common/sortu32.h"

#define SEEN UINT32_MAX /* quiet of an entry seen since the last close */

const char *const col_anomaly_type_names[COL_ANOMALY_N_TYPES] = {
	"fan_out",
	"port_scan_vertical",
	"port_scan_horizontal",
	"syn_scan",
	"half_open",
	"brute_force",
	"dns_amplification",
	"ddos_target",
	"udp_reflection",
	"dns_tunnel",
	"beacon",
};

const char *const col_anomaly_state_names[4] = {
	"new",
	"active",
	"over",
	"held",
};

static const struct anom_desc *const descs[ANOM_N_TABLES] = {
	&anom_desc_fan_out,
	&anom_desc_vertical,
	&anom_desc_horizontal,
	&anom_desc_syn_scan,
	&anom_desc_half_open_dst,
	&anom_desc_half_open_src,
	&anom_desc_brute_force,
	&anom_desc_dns_amp,
	&anom_desc_ddos,
	&anom_desc_reflect,
	&anom_desc_tunnel,
	&anom_desc_beacon,
};

/* --- configuration ------------------------------------------------------ */

/* The port list of [anomaly.group] as a bitmap; FALSE (error set) if bad. */
static gboolean
parse_ports(char **list, const char *group, uint8_t *bits, GError **error)
{
	const char *bad;

	memset(bits, 0, MF_PORT_BITS);
	if (mf_ports_parse(list, COL_ANOMALY_MAX_PORTS, bits, &bad) >= 0)
		return TRUE;
	if (bad == NULL)
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[anomaly.%s] ports: at most %u ports", group,
		    COL_ANOMALY_MAX_PORTS);
	else
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[anomaly.%s] ports: '%s' is not a port 1..65535", group,
		    bad);
	return FALSE;
}

/* Both port lists of cfg; FALSE (error set) if one is bad. */
static gboolean
parse_all_ports(const struct col_anomaly_config *cfg, uint8_t *auth,
    uint8_t *reflect, GError **error)
{
	return parse_ports(cfg->brute_force.ports, "brute_force", auth,
	           error) &&
	    parse_ports(cfg->reflect.ports, "udp_reflection", reflect, error);
}

gboolean
col_anomaly_check_config(const struct col_anomaly_config *cfg, GError **error)
{
	uint8_t auth[MF_PORT_BITS], reflect[MF_PORT_BITS];

	return parse_all_ports(cfg, auth, reflect, error);
}

gboolean
col_anomaly_set_config(struct col_anomaly *a,
    const struct col_anomaly_config *cfg, GError **error)
{
	uint8_t auth[MF_PORT_BITS], reflect[MF_PORT_BITS];
	uint64_t hosts = a->cfg.hosts, active = a->cfg.active;
	uint64_t pending = a->cfg.pending;
	char **ignore = a->cfg.beacon.ignore;
	size_t i;

	if (!parse_all_ports(cfg, auth, reflect, error))
		return FALSE;
	memcpy(a->auth_ports, auth, sizeof(auth));
	memcpy(a->reflect_ports, reflect, sizeof(reflect));
	a->cfg = *cfg;
	/* not owned: the bitmaps have them */
	a->cfg.brute_force.ports = a->cfg.reflect.ports = NULL;
	a->cfg.beacon.ignore = g_strdupv(cfg->beacon.ignore);
	g_strfreev(ignore);
	a->cfg.hosts = hosts;
	a->cfg.active = active;
	a->cfg.pending = pending;
	a->on = 0;
	for (i = 0; i < ANOM_N_TABLES; i++) {
		const char *c = (const char *)&a->cfg;

		if (*(const gboolean *)(const void *)(c +
		        descs[i]->enabled_off))
			a->on |= 1u << i;
		a->tables[i].window_ms =
		    MAX(*(const uint64_t *)(const void *)(c +
		            descs[i]->window_off),
		        1) *
		    1000;
	}
	return TRUE;
}

struct col_anomaly *
col_anomaly_new(const struct col_anomaly_config *cfg,
    const struct mf_hash_key *seed, GError **error)
{
	struct col_anomaly *a;
	size_t i, sets;

	if (cfg->hosts < COL_ANOMALY_HOSTS_MIN ||
	    cfg->hosts > COL_ANOMALY_HOSTS_MAX || cfg->active < 1 ||
	    cfg->pending < 1 || cfg->active > COL_ANOMALY_ACTIVE_MAX ||
	    cfg->pending > COL_ANOMALY_HOSTS_MAX) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[anomaly] hosts, active or pending out of range");
		return NULL;
	}
	a = g_new0(struct col_anomaly, 1);
	a->cfg.hosts = cfg->hosts;
	a->cfg.active = cfg->active;
	a->cfg.pending = cfg->pending;
	if (!col_anomaly_set_config(a, cfg, error)) {
		g_free(a);
		return NULL;
	}
	a->seed = *seed;
	sets = (size_t)(cfg->hosts + ANOM_WAYS - 1) / ANOM_WAYS;
	for (i = 0; i < ANOM_N_TABLES; i++) {
		a->tables[i].desc = descs[i];
		a->tables[i].n_sets = (uint32_t)sets;
		a->tables[i].mem =
		    g_malloc0(sets * ANOM_WAYS * descs[i]->slot_size);
		a->tables[i].tags = g_new0(uint32_t, sets * ANOM_WAYS);
		a->tables[i].touched_ids = g_new(uint32_t, sets * ANOM_WAYS);
		a->stats.slots += sets * ANOM_WAYS;
	}
	a->max_pending = (size_t)cfg->pending;
	a->pending = g_new(struct anom_probe, a->max_pending);
	a->max_active = (size_t)cfg->active;
	a->active = g_new0(struct col_anomaly_entry, a->max_active);
	a->n_resolved = (size_t)cfg->hosts * 4;
	a->resolved = g_new0(uint64_t, a->n_resolved);
	a->psl_owned = psl_latest(NULL);
	a->psl = a->psl_owned != NULL ? a->psl_owned : psl_builtin();
	a->names =
	    g_new0(struct anom_name_memo, ANOM_NAME_SETS * ANOM_NAME_WAYS);
	a->memo = g_new0(struct anom_hash_memo, 1);
	/* Both entries true states (of 16 zero bytes) from the start. */
	mf_siphash_prefix16(&a->seed, a->memo->prefix[0], &a->memo->st[0]);
	a->memo->st[1] = a->memo->st[0];
	return a;
}

void
col_anomaly_free(struct col_anomaly *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < ANOM_N_TABLES; i++) {
		g_free(a->tables[i].mem);
		g_free(a->tables[i].tags);
		g_free(a->tables[i].touched_ids);
	}
	g_free(a->pending);
	g_free(a->active);
	g_free(a->resolved);
	psl_free(a->psl_owned);
	g_free(a->names);
	g_free(a->memo);
	g_strfreev(a->cfg.beacon.ignore);
	g_free(a);
}

size_t
col_anomaly_memory(const struct col_anomaly *a)
{
	size_t i, n = sizeof(*a);

	for (i = 0; i < ANOM_N_TABLES; i++)
		n += (size_t)a->tables[i].n_sets * ANOM_WAYS *
		    (a->tables[i].desc->slot_size + sizeof(uint32_t));
	return n + a->max_pending * sizeof(struct anom_probe) +
	    a->max_active * sizeof(struct col_anomaly_entry) +
	    a->n_resolved * sizeof(uint64_t) +
	    ANOM_NAME_SETS * ANOM_NAME_WAYS * sizeof(struct anom_name_memo) +
	    sizeof(struct anom_hash_memo);
}

gboolean
anom_enabled(const struct col_anomaly *a, const struct anom_table *t)
{
	return (a->on >> (t - a->tables) & 1u) != 0;
}

/* --- helpers for the detectors ------------------------------------------ */

/* The memo's entry whose state is that of data's first 16 bytes. */
static unsigned
hash_prefix(const struct col_anomaly *a, const void *data)
{
	struct anom_hash_memo *m = a->memo;
	unsigned e = m->mru;

	if (memcmp(m->prefix[e], data, 16) != 0) {
		e ^= 1;
		if (memcmp(m->prefix[e], data, 16) != 0) {
			memcpy(m->prefix[e], data, 16);
			mf_siphash_prefix16(&a->seed, data, &m->st[e]);
		}
		m->mru = (uint8_t)e;
	}
	return e;
}

uint64_t
anom_value_miss(const struct col_anomaly *a, struct anom_value_memo *v,
    const uint64_t *w, const void *data, size_t len)
{
	memcpy(v->data, w, sizeof(v->data));
	v->len = (uint8_t)len;
	if (len < 16)
		v->h = mf_siphash(&a->seed, data, len);
	else
		v->h = mf_siphash_from16(&a->memo->st[hash_prefix(a, data)],
		    data, len);
	return v->h;
}

uint64_t
anom_hash(const struct col_anomaly *a, const void *data, size_t len)
{
	if (len >= 1 && len <= ANOM_VALUE_MAX)
		return anom_hash_short(a, data, len);
	if (len < 16)
		return mf_siphash(&a->seed, data, len);
	return mf_siphash_from16(&a->memo->st[hash_prefix(a, data)], data, len);
}

void
anom_sample_add(struct mf_addr *sample, uint8_t *n, const struct mf_addr *x)
{
	uint8_t i;

	for (i = 0; i < *n; i++)
		if (memcmp(&sample[i], x, sizeof(*x)) == 0)
			return;
	if (*n < COL_ANOMALY_TARGETS)
		sample[(*n)++] = *x;
}

void
anom_ev(struct anom_finding *fd, const char *name, double value, gboolean real)
{
	if (fd->n_ev >= COL_ANOMALY_EVIDENCE)
		return;
	fd->ev[fd->n_ev].name = name;
	fd->ev[fd->n_ev].value = value;
	fd->ev[fd->n_ev].real = real;
	fd->n_ev++;
}

/* --- state tables ------------------------------------------------------- */

static struct anom_slot *
slot_at(struct anom_table *t, size_t i)
{
	return (struct anom_slot *)(void *)(t->mem + i * t->desc->slot_size);
}

/* The score: 50 at the threshold, + 10 a doubling, at most 100. */
static uint32_t
score(uint64_t observed, uint64_t threshold)
{
	double r = (double)observed / (double)MAX(threshold, 1);
	double s = 50.0 + 10.0 * log2(MAX(r, 1.0));

	return (uint32_t)MIN(s + 0.5, 100.0);
}

static int
entry_order(const void *x, const void *y)
{
	const struct col_anomaly_entry *a = x, *b = y;
	int ha = a->state == COL_ANOMALY_HELD,
	    hb = b->state == COL_ANOMALY_HELD;

	if (ha != hb)
		return ha - hb;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	return mf_addr_cmp(&a->addr, &b->addr);
}

/* The entry of (type, addr), a free one, or the least recently seen. */
static struct col_anomaly_entry *
entry_for(struct col_anomaly *a, enum col_anomaly_type type,
    const struct mf_addr *addr, gboolean *fresh)
{
	struct col_anomaly_entry *e, *old = NULL;
	size_t i;

	*fresh = FALSE;
	for (i = 0; i < a->n_active; i++) {
		e = &a->active[i];
		if (e->type == type &&
		    memcmp(&e->addr, addr, sizeof(*addr)) == 0)
			return e;
		if (old == NULL || e->last_ms < old->last_ms)
			old = e;
	}
	*fresh = TRUE;
	if (a->n_active < a->max_active)
		return &a->active[a->n_active++];
	a->stats.dropped++;
	return old;
}

static void
merge_targets(struct col_anomaly_entry *e, const struct anom_finding *fd)
{
	uint8_t i;

	for (i = 0; i < fd->n_targets; i++)
		anom_sample_add(e->targets, &e->n_targets, &fd->targets[i]);
}

/* Put slot s's finding fd of table t into the active list. */
static void
merge(struct col_anomaly *a, const struct anom_table *t, struct anom_slot *s,
    const struct anom_finding *fd)
{
	gboolean fresh;
	struct col_anomaly_entry *e =
	    entry_for(a, t->desc->type, &s->key.a, &fresh);

	if (!fresh && e->state == COL_ANOMALY_OVER) {
		/* reported over: this is a new anomaly of the same kind */
		fresh = TRUE;
		s->fired = 0;
	}
	if (fresh) {
		memset(e, 0, sizeof(*e));
		e->type = t->desc->type;
		e->addr = s->key.a;
		e->first_ms = s->first_ms;
		e->role_target = (uint8_t)fd->role_target;
		e->state = COL_ANOMALY_HELD; /* until the close says new */
	}
	e->addr_id = s->dev.id;
	memcpy(e->mac, s->dev.mac, sizeof(e->mac));
	e->has_mac = s->dev.has_mac;
	e->internal = s->dev.internal;
	e->first_ms = MIN(e->first_ms, s->first_ms);
	e->last_ms = MAX(e->last_ms, s->last_ms);
	e->flows += s->flows - s->credited;
	s->credited = s->flows;
	if (!s->fired) {
		e->detections++;
		a->stats.detections++;
		s->fired = 1;
	}
	e->quiet = SEEN;
	e->score = MAX(e->score, score(fd->observed, fd->threshold));
	e->target_count = MAX(e->target_count, fd->target_count);
	merge_targets(e, fd);
	/* Only fd's first n_ev are set (judge() clears no more); the rest
	 * as before, zero. */
	memcpy(e->ev, fd->ev, fd->n_ev * sizeof(e->ev[0]));
	memset(e->ev + fd->n_ev, 0,
	    (COL_ANOMALY_EVIDENCE - fd->n_ev) * sizeof(e->ev[0]));
	e->n_ev = fd->n_ev;
	e->name_key = fd->name_key;
	g_strlcpy(e->name, fd->name != NULL ? fd->name : "", sizeof(e->name));
}

static void
judge(struct col_anomaly *a, const struct anom_table *t, struct anom_slot *s)
{
	struct anom_finding fd;

	if (s->fired && s->flows == s->credited)
		return; /* merged already, nothing new since */
	/* Every member but the evidence array (288 bytes), which anom_ev()
	 * fills up to n_ev and merge() reads no further. */
	fd.observed = fd.threshold = fd.target_count = 0;
	fd.targets = NULL;
	fd.n_targets = 0;
	fd.n_ev = 0;
	fd.name_key = fd.name = NULL;
	fd.role_target = t->desc->role_target;
	if (anom_enabled(a, t) && t->desc->judge(a, s, &fd))
		merge(a, t, s, &fd);
}

/* Start s's window at t for key k (a new key if k != NULL). */
static void
slot_start(const struct col_anomaly *a, const struct anom_table *t,
    struct anom_slot *s, const struct anom_key *k, uint64_t now)
{
	if (k != NULL) {
		/* All zero: what every reset leaves of a cleared slot, so a
		 * new key's slot is not reset again. */
		memset(s, 0, t->desc->slot_size);
		s->key = *k;
		s->live = 1;
	} else {
		t->desc->reset(a, s, now);
	}
	s->start_ms = s->first_ms = s->last_ms = now;
	s->flows = s->credited = 0;
	s->fired = 0;
}

/* The slot to take in set: the lightest (then oldest); every way is
 * taken (slots are never given back, so the taken ways of a set are its
 * first ones). */
static uint32_t
victim(struct anom_table *t, size_t set)
{
	const uint8_t *p = (const uint8_t *)slot_at(t, set * ANOM_WAYS);
	size_t step = t->desc->slot_size;
	uint64_t flows = ((const struct anom_slot *)(const void *)p)->flows;
	uint64_t last = ((const struct anom_slot *)(const void *)p)->last_ms;
	const struct anom_slot *s;
	uint32_t i, b = 0;

	for (i = 1; i < ANOM_WAYS; i++) {
		s = (const struct anom_slot *)(const void *)(p + i * step);
		if (s->flows < flows ||
		    (s->flows == flows && s->last_ms < last)) {
			flows = s->flows;
			last = s->last_ms;
			b = i;
		}
	}
	return b;
}

/* Find k's slot past the memo, or make one (judging and evicting a
 * lighter key). */
static G_GNUC_NO_INLINE struct anom_slot *
find_or_take(struct col_anomaly *a, struct anom_table *t,
    const struct anom_key *k, uint32_t *m, uint64_t now)
{
	uint64_t h;
	size_t set, i;
	uint32_t *tags, tag;
	struct anom_slot *s;

	h = anom_hash(a, k, sizeof(*k));
	set = (size_t)(h % t->n_sets);
	tags = &t->tags[set * ANOM_WAYS];
	tag = (uint32_t)(h >> 32) | 1;
	for (i = 0; i < ANOM_WAYS && tags[i] != 0; i++) {
		if (tags[i] != tag)
			continue;
		s = slot_at(t, set * ANOM_WAYS + i);
		if (memcmp(&s->key, k, sizeof(*k)) == 0) {
			*m = (uint32_t)(set * ANOM_WAYS + i + 1);
			return s;
		}
	}
	if (i == ANOM_WAYS) {
		i = victim(t, set);
		s = slot_at(t, set * ANOM_WAYS + i);
		judge(a, t, s);
		t->evicted++;
		a->stats.evicted++;
	} else {
		s = slot_at(t, set * ANOM_WAYS + i);
		t->used++;
		a->stats.used++;
	}
	tags[i] = tag;
	*m = (uint32_t)(set * ANOM_WAYS + i + 1);
	slot_start(a, t, s, k, now);
	return s;
}

struct anom_slot *
anom_slot_touch(struct anom_table *t, struct anom_slot *s)
{
	size_t n = (size_t)t->n_sets * ANOM_WAYS;

	if (t->n_touched <= n) {
		/* One past the end marks the list as overflowed. */
		if (t->n_touched < n)
			t->touched_ids[t->n_touched] =
			    (uint32_t)((size_t)((uint8_t *)s - t->mem) /
			        t->desc->slot_size);
		t->n_touched++;
	}
	s->touched = 1;
	return s;
}

struct anom_slot *
anom_slot_get_slow(struct col_anomaly *a, struct anom_table *tb,
    const struct anom_key *k, uint32_t *m, const struct anom_dev *dev,
    uint64_t t)
{
	struct anom_slot *s;

	if (*m == 0 ||
	    memcmp(&(s = slot_at(tb, *m - 1))->key, k, sizeof(*k)) != 0)
		s = find_or_take(a, tb, k, m, t);
	if (t >= s->start_ms + tb->window_ms) {
		judge(a, tb, s);
		slot_start(a, tb, s, NULL, t);
	}
	return anom_slot_count(tb, s, dev, t);
}

/* --- the feed ----------------------------------------------------------- */

static void
dev_set(struct anom_dev *d, const struct mf_addr *addr, uint32_t id,
    const uint8_t *mac, gboolean has_mac, gboolean internal)
{
	d->addr = *addr;
	d->id = id;
	memcpy(d->mac, mac, sizeof(d->mac));
	d->has_mac = (uint8_t)(has_mac != 0);
	d->internal = (uint8_t)(internal != 0);
}

/* A TCP attempt (SYN, no ACK) or a UDP request to a unicast address
 * (group: anom_is_group(&f->dst)). */
static gboolean
is_probe(const struct col_flow *f, gboolean group)
{
	if (group)
		return FALSE;
	if (f->proto == ANOM_PROTO_TCP)
		return (f->tcp_flags & (ANOM_TCP_SYN | ANOM_TCP_ACK)) ==
		    ANOM_TCP_SYN;
	return f->proto == ANOM_PROTO_UDP && anom_src_initiates(f);
}

/*
 * A probe of the scans without SYN: a few packets (at most [anomaly.
 * syn_scan] max-packets) whose flags are all NULL (none), FIN, Xmas (FIN
 * PSH URG), ACK or Maimon (FIN ACK), to a port below the source's (a
 * service's; the tail of a connection cut by the exporter's timeout goes
 * from the server's port to a higher one too, but only to one port of
 * each client).
 */
static gboolean
is_stealth(const struct col_anomaly *a, const struct col_flow *f,
    gboolean group)
{
	const unsigned fin = ANOM_TCP_FIN, ack = ANOM_TCP_ACK;
	const unsigned xmas = ANOM_TCP_FIN | ANOM_TCP_PSH | ANOM_TCP_URG;
	unsigned flags = f->tcp_flags & 0x3fu; /* not ECE, CWR */

	if (f->proto != ANOM_PROTO_TCP || group ||
	    f->packets > a->cfg.syn_scan.max_packets || f->dport >= f->sport)
		return FALSE;
	return flags == 0 || flags == fin || flags == xmas || flags == ack ||
	    flags == (fin | ack);
}

static void
add_probe(struct col_anomaly *a, const struct col_flow *f,
    const struct anom_dev *src, const struct anom_dev *dst,
    const struct col_touch *touch, uint64_t t, gboolean stealth)
{
	struct anom_probe p;

	p.stealth = (uint8_t)stealth;
	p.src = *src;
	p.dst = *dst;
	p.t = t;
	p.stream = touch != NULL ? touch->stream : COL_ID_NONE;
	p.sport = f->sport;
	p.dport = f->dport;
	p.proto = f->proto;
	p.packets = (uint8_t)MIN(f->packets, 255);
	if (f->rev_packets != 0) {
		if (a->on & ANOM_PROBE_TABLES)
			anom_scan_probe(a, &p, TRUE);
	} else if (a->n_pending + a->n_blind < a->max_pending) {
		a->pending[a->n_pending++] = p;
	} else {
		a->stats.unchecked++;
		anom_scan_probe(a, &p, FALSE);
	}
}

void
col_anomaly_add(struct col_anomaly *a, const struct col_flow *f,
    gboolean src_internal, gboolean dst_internal, const struct col_touch *touch,
    uint64_t t)
{
	static const uint8_t none[6];
	struct anom_dev src, dst;
	gboolean group = anom_is_group(&f->dst);
	gboolean probe = is_probe(f, group);
	gboolean stealth = !probe && is_stealth(a, f, group);
	unsigned how;

	if (a->on == 0) {
		/* Every detector off: only the queue's count (see n_blind). */
		if ((probe || stealth) && f->rev_packets == 0) {
			if (a->n_pending + a->n_blind < a->max_pending)
				a->n_blind++;
			else
				a->stats.unchecked++;
		}
		return;
	}
	dev_set(&src, &f->src, touch != NULL ? touch->src : COL_ID_NONE,
	    f->has_mac ? f->src_mac : none, f->has_mac, src_internal);
	dev_set(&dst, &f->dst, touch != NULL ? touch->dst : COL_ID_NONE,
	    f->has_mac ? f->dst_mac : none, f->has_mac, dst_internal);
	if (a->on & ANOM_FLOW_TABLES) {
		/* A UDP flow is a probe exactly when its source opened it. */
		if (group)
			how = ANOM_FLOW_GROUP;
		else if (f->proto == ANOM_PROTO_UDP ? probe
		                                    : anom_src_initiates(f))
			how = ANOM_FLOW_OPENS;
		else
			how = 0;
		anom_scan_flow(a, f, &src, &dst, t, how);
		anom_abuse_flow(a, f, &src, &dst, t, how);
		anom_beacon_flow(a, f, &src, &dst, t, how);
	}
	/* Queued even if every probe detector is off: a reload (SIGHUP)
	 * before the close may turn one on, and the close judges them by the
	 * configuration it has then. */
	if (probe || stealth)
		add_probe(a, f, &src, &dst, touch, t, stealth);
}

/* --- closing an interval ------------------------------------------------ */

/* Did p's stream carry packets the other way in the interval? */
static gboolean
answered(const struct col_tables *tables, const struct anom_probe *p)
{
	const struct col_stream *s;
	gboolean left;

	if (tables == NULL || p->stream == COL_ID_NONE ||
	    (s = col_tables_stream(tables, p->stream)) == NULL)
		return FALSE;
	left = s->left == p->src.id && s->left_port == p->sport;
	return (left ? s->r2l.packets : s->l2r.packets) != 0;
}

static void
judge_slot(struct col_anomaly *a, struct anom_table *t, size_t j)
{
	struct anom_slot *s = slot_at(t, j);

	if (s->live && s->touched) {
		judge(a, t, s);
		s->touched = 0;
	}
}

/*
 * Judge every slot touched since the last close, in slot order table by
 * table (the order decides which entry a full active list gives up):
 * from the sorted list of touched slots, or by a scan of every slot when
 * the list overflowed.
 */
static void
judge_touched(struct col_anomaly *a)
{
	struct anom_table *t;
	size_t i, j, n;

	for (i = 0; i < ANOM_N_TABLES; i++) {
		t = &a->tables[i];
		n = (size_t)t->n_sets * ANOM_WAYS;
		if (t->n_touched > n) {
			for (j = 0; j < n; j++)
				judge_slot(a, t, j);
		} else {
			mf_sort_u32(t->touched_ids, t->n_touched);
			for (j = 0; j < t->n_touched; j++)
				judge_slot(a, t, t->touched_ids[j]);
		}
		t->n_touched = 0;
	}
}

/*
 * Entries seen since the last close (quiet == SEEN, set by merge()) are
 * new the first time, active later, and start over at quiet 0; the others
 * grow quieter: over at [anomaly] expire quiet intervals (at least one),
 * gone at the close after they were listed over.
 */
static void
expire(struct col_anomaly *a)
{
	uint64_t over = MAX(a->cfg.expire, 1);
	size_t i = 0;

	a->n_listed = 0;
	while (i < a->n_active) {
		struct col_anomaly_entry *e = &a->active[i];

		if (e->quiet == SEEN) {
			e->quiet = 0;
			e->state =
			    e->reported ? COL_ANOMALY_ACTIVE : COL_ANOMALY_NEW;
			e->reported = 1;
		} else if (e->state == COL_ANOMALY_OVER) {
			a->active[i] = a->active[--a->n_active];
			continue;
		} else if (++e->quiet >= over) {
			e->state = COL_ANOMALY_OVER;
		} else {
			e->state = COL_ANOMALY_HELD;
		}
		a->n_listed += e->state != COL_ANOMALY_HELD;
		i++;
	}
}

void
col_anomaly_close(struct col_anomaly *a, const struct col_tables *tables,
    uint64_t end_ms)
{
	size_t i;

	/* Every probe detector off: anom_scan_probe() would do nothing. */
	for (i = 0; (a->on & ANOM_PROBE_TABLES) != 0 && i < a->n_pending; i++)
		anom_scan_probe(a, &a->pending[i],
		    answered(tables, &a->pending[i]));
	a->n_pending = a->n_blind = 0;
	(void)end_ms;
	judge_touched(a);
	expire(a);
	qsort(a->active, a->n_active, sizeof(*a->active), entry_order);
}

void
col_anomaly_add_dns_query(struct col_anomaly *a, const struct mf_addr *client,
    uint16_t qtype, uint64_t t)
{
	anom_abuse_dns_query(a, client, qtype, t);
}

void
col_anomaly_add_dns(struct col_anomaly *a, const struct col_dns_rec *d,
    gboolean client_internal)
{
	anom_abuse_dns_query(a, &d->client, d->qtype, d->time_ms);
	anom_dns_record(a, d, client_internal);
}

const struct col_anomaly_entry *
col_anomaly_list(const struct col_anomaly *a, size_t *n)
{
	*n = a->n_listed;
	return a->active;
}

void
col_anomaly_get_stats(const struct col_anomaly *a, struct col_anomaly_stats *st)
{
	*st = a->stats;
}
