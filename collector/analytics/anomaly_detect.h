/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_ANOMALY_DETECT_H
#define COL_ANOMALY_DETECT_H

/*
 * anomaly_detect: the interface between the anomaly framework
 * (collector/analytics/anomaly.c: state tables, windows, probes, the active
 * list) and the detectors (collector/analytics/anomaly_scan.c: fan_out, the
 * port scans, syn_scan, half_open; collector/analytics/anomaly_abuse.c:
 * brute_force, dns_amplification, ddos_target, udp_reflection;
 * collector/analytics/anomaly_dns.c: dns_tunnel and the names DNS answered;
 * collector/analytics/anomaly_beacon.c: beacon).  Only those files include
 * it.
 *
 * A detector owns one or more tables (enum anom_table_id), described by a
 * struct anom_desc: its slot type (struct anom_slot first, then its
 * counters), how to clear a window and how to judge one.  It feeds its
 * slots from flows (anom_scan_flow(), anom_abuse_flow()) and probes
 * (anom_scan_probe()) through anom_slot_get(), which rolls the window
 * (judging the old one first) and counts the flow.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "collector/analytics/anomaly.h"
#include "collector/model/flow.h"
#include "collector/analytics/hll.h"
#include "common/addr.h"
#include "common/hash.h"

#define ANOM_WAYS 8 /* slots per set */
#define ANOM_SLOT_MEMO_BITS 8
#define ANOM_SLOT_MEMO (1u << ANOM_SLOT_MEMO_BITS) /* per table: 1 KiB */
#define ANOM_PROTO_ICMP 1
#define ANOM_PROTO_TCP 6
#define ANOM_PROTO_UDP 17
#define ANOM_PROTO_ICMPV6 58
#define ANOM_TCP_FIN 0x01u
#define ANOM_TCP_SYN 0x02u
#define ANOM_TCP_RST 0x04u
#define ANOM_TCP_PSH 0x08u
#define ANOM_TCP_ACK 0x10u
#define ANOM_TCP_URG 0x20u

enum anom_table_id {
	ANOM_T_FAN_OUT,
	ANOM_T_VERTICAL,
	ANOM_T_HORIZONTAL,
	ANOM_T_SYN_SCAN,
	ANOM_T_HALF_OPEN_DST,
	ANOM_T_HALF_OPEN_SRC,
	ANOM_T_BRUTE_FORCE,
	ANOM_T_DNS_AMP,
	ANOM_T_DDOS,
	ANOM_T_REFLECT,
	ANOM_T_TUNNEL,
	ANOM_T_BEACON,
	ANOM_N_TABLES
};

/* A slot's key: a is the device the finding names; b, port, proto. */
struct anom_key {
	struct mf_addr a, b;
	uint16_t port;
	uint8_t proto;
	uint8_t zero; /* keys are hashed whole: always 0 */
};

/* One side of a flow, as a finding shows it. */
struct anom_dev {
	struct mf_addr addr;
	uint32_t id; /* address id, or COL_ID_NONE */
	uint8_t mac[6];
	uint8_t has_mac, internal;
};

/* The head of every slot; the detector's counters follow. */
struct anom_slot {
	struct anom_key key;
	struct anom_dev dev;
	uint64_t start_ms, first_ms, last_ms; /* window start, flows seen */
	uint64_t flows;                       /* flows counted in the window */
	uint64_t credited; /* of those, already in the active list */
	uint8_t live, touched, fired;
};

/* What a judged window found (anom_desc.judge fills it). */
struct anom_finding {
	uint64_t observed, threshold; /* for the score */
	uint64_t target_count;
	const struct mf_addr *targets;
	uint8_t n_targets;
	gboolean role_target;
	struct col_anomaly_evidence ev[COL_ANOMALY_EVIDENCE];
	uint8_t n_ev;
	const char *name_key; /* static: "domain", "remote" */
	const char *name;     /* the slot's text */
};

struct col_anomaly;

struct anom_desc {
	enum col_anomaly_type type;
	size_t slot_size;     /* sizeof the detector's slot struct */
	size_t enabled_off;   /* of its gboolean in col_anomaly_config */
	size_t window_off;    /* of its window (seconds) */
	gboolean role_target; /* the key's address is the victim */
	/* Clear the window's counters; t is the new window's start.  Not
	 * called for a new key's slot, which starts all zero: reset must
	 * leave an all-zero slot (no flows) as it is. */
	void (*reset)(const struct col_anomaly *a, struct anom_slot *s,
	    uint64_t t);
	/* TRUE (fd filled) if the window so far is over the thresholds. */
	gboolean (*judge)(const struct col_anomaly *a,
	    const struct anom_slot *s, struct anom_finding *fd);
};

struct anom_table {
	const struct anom_desc *desc;
	uint8_t *mem; /* n_sets * ANOM_WAYS slots of desc->slot_size */
	/* Per slot, a tag of its key's hash (never 0), or 0 while the slot
	 * was never taken: a set's tags share one cache line, so a lookup
	 * reads the slots whose tags match instead of all ANOM_WAYS. */
	uint32_t *tags;
	uint32_t n_sets;
	/* The window in ms, and whether the detector is on (bit id of
	 * col_anomaly.on): both from the configuration, set by
	 * col_anomaly_set_config(). */
	uint64_t window_ms;
	uint64_t used, evicted;
	/* Slots touched since the last close, so that the close judges them
	 * without reading every slot: one index each time a slot's touched
	 * flag is set (a slot evicted and taken again comes twice), at most
	 * n_sets * ANOM_WAYS; past that (a flood of new keys) the close
	 * scans every slot as before. */
	uint32_t *touched_ids;
	size_t n_touched;
	/* The slot a key was last found in or put in (its index + 1; 0:
	 * none), direct-mapped by an unkeyed mix of the key's bytes
	 * (anom_memo_index()).  A key's slot is unique in its table and
	 * stays in its set until evicted, which rewrites the slot's key: a
	 * hit (the slot's key equal) is the slot the set lookup finds, so
	 * its SipHash and tag scan are skipped.  A cache only: collisions
	 * cost a miss, never a wrong slot. */
	uint32_t memo[ANOM_SLOT_MEMO];
};

/*
 * anom_dns_measure()'s result for one query name.  The public suffix
 * lookup costs libpsl about 20,000 instructions a name (it tries every
 * suffix of the name in turn) and clients ask the same names again and
 * again, so results are kept: ANOM_NAME_SETS sets of ANOM_NAME_WAYS
 * entries, the set chosen by a keyed hash of the name, a full set's
 * entries replaced in turn.  An entry holds the whole name (up to
 * COL_DNS_NAME_MAX characters: the longest, of tunnels, cost libpsl the
 * most) and the registered domain as a caller's reg of at most
 * COL_ANOMALY_NAME_MAX bytes keeps it (truncated the same way).  2,048
 * entries of 1,288 bytes: 2.5 MiB (512 entries missed 526 of 1,852 names
 * on the dense slice of bench/README.md, 2,048 miss 275, 4,096 no fewer).
 */
#define ANOM_NAME_SETS 512
#define ANOM_NAME_WAYS 4
#define ANOM_NAME_MEMO_LEN (COL_DNS_NAME_MAX + 1)
struct anom_name_memo {
	char qname[ANOM_NAME_MEMO_LEN]; /* as asked; "" for an empty entry */
	char reg[COL_ANOMALY_NAME_MAX]; /* the registered domain, if ok */
	size_t length;
	double entropy;
	gboolean ok;
};

/*
 * anom_hash()'s SipHash states after the first 16 bytes of the last two
 * distinct such prefixes it saw.  Most of what the detectors hash begins
 * with one of the flow's two addresses (the struct mf_addr, or a state
 * key whose first member it is): from a kept state, a 17-byte address
 * takes 3 of SipHash-2-4's 5 compressions and a 38-byte key 5 of 7.  A
 * cache only: every entry is a true state of its prefix, so a hit gives
 * the value hashing from the start gives.
 */
#define ANOM_VALUE_MAX 24 /* bytes of the inputs whose values are kept */
#define ANOM_VALUE_BITS 12
struct anom_value_memo {
	uint8_t data[ANOM_VALUE_MAX]; /* the input, then zeros */
	uint64_t h;                   /* its value */
	uint8_t len;                  /* of the input; 0: empty entry */
};
/*
 * And the values of short inputs (at most ANOM_VALUE_MAX bytes: the
 * addresses, ports and (address, port) pairs the HyperLogLog counters
 * count, again and again), direct-mapped by an unkeyed mix of the bytes:
 * 1 << ANOM_VALUE_BITS entries of 40 bytes, 160 KiB.  An entry is a value
 * computed for exactly those bytes, so a hit is the same value.
 */
struct anom_hash_memo {
	uint8_t prefix[2][16];
	struct mf_siphash_state st[2];
	uint8_t mru; /* the entry used last */
	struct anom_value_memo val[1u << ANOM_VALUE_BITS];
};

/* A probe waiting for the interval's end (see anomaly.h). */
struct anom_probe {
	struct anom_dev src, dst;
	uint64_t t;
	uint32_t stream;
	uint16_t sport, dport;
	uint8_t proto, packets; /* packets capped at 255 */
	uint8_t stealth;        /* TCP without SYN: FIN, NULL, Xmas, ACK... */
};

struct col_anomaly {
	struct col_anomaly_config cfg; /* ports list not owned: NULL */
	struct mf_hash_key seed;
	uint8_t auth_ports[65536 / 8];    /* brute_force ports bitmap */
	uint8_t reflect_ports[65536 / 8]; /* udp_reflection's */
	struct anom_table tables[ANOM_N_TABLES];
	/* Bit (1 << table id) set if that table's detector is enabled; from
	 * the configuration (col_anomaly_set_config()), so that a flow or a
	 * close skips the detectors that are all off before any work. */
	uint32_t on;
	uint64_t *resolved; /* keyed hashes of named addresses, direct-mapped */
	size_t n_resolved;
	struct mf_addr resolvers[COL_ANOMALY_RESOLVERS];
	size_t n_resolvers;
	const struct psl_ctx_st *psl; /* the public suffix list (libpsl) */
	struct psl_ctx_st *psl_owned; /* psl if loaded from a file, or NULL */
	struct anom_name_memo *names; /* ANOM_NAME_SETS * ANOM_NAME_WAYS */
	struct anom_hash_memo *memo;  /* a cache, written from const a */
	uint8_t names_next[ANOM_NAME_SETS]; /* the way each set replaces next */
	struct anom_probe *pending;
	size_t n_pending, max_pending;
	/* Probes that came while every detector was off: counted against
	 * max_pending (so the count of unchecked ones is as if queued) but
	 * not kept; a reload that turns a detector on judges the probes from
	 * then on, as its flows. */
	size_t n_blind;
	struct col_anomaly_entry *active;
	size_t n_active, max_active, n_listed;
	struct col_anomaly_stats stats;
};

extern const struct anom_desc anom_desc_fan_out, anom_desc_vertical,
    anom_desc_horizontal, anom_desc_syn_scan, anom_desc_half_open_dst,
    anom_desc_half_open_src, anom_desc_brute_force, anom_desc_dns_amp,
    anom_desc_ddos, anom_desc_reflect, anom_desc_tunnel, anom_desc_beacon;

/* The tables a flow's detectors feed, and those probes feed. */
#define ANOM_FLOW_TABLES                                          \
	((1u << ANOM_T_FAN_OUT) | (1u << ANOM_T_HORIZONTAL) |     \
	    (1u << ANOM_T_BRUTE_FORCE) | (1u << ANOM_T_DNS_AMP) | \
	    (1u << ANOM_T_DDOS) | (1u << ANOM_T_REFLECT) |        \
	    (1u << ANOM_T_BEACON))
#define ANOM_PROBE_TABLES                                            \
	((1u << ANOM_T_VERTICAL) | (1u << ANOM_T_HORIZONTAL) |       \
	    (1u << ANOM_T_SYN_SCAN) | (1u << ANOM_T_HALF_OPEN_DST) | \
	    (1u << ANOM_T_HALF_OPEN_SRC))

/* TRUE if table t's detector is enabled (its window: t->window_ms). */
gboolean anom_enabled(const struct col_anomaly *a, const struct anom_table *t);

/* anom_slot_get()'s parts in anomaly.c: put s on t's list of slots
 * touched since the close (returns s); the lookup past the memo (or at
 * the end of the slot's window), with the count. */
struct anom_slot *anom_slot_touch(struct anom_table *t, struct anom_slot *s);
struct anom_slot *anom_slot_get_slow(struct col_anomaly *a,
    struct anom_table *tb, const struct anom_key *k, uint32_t *m,
    const struct anom_dev *dev, uint64_t t);

/* k's entry in a table's memo: a multiplicative mix of its 38 bytes. */
static inline size_t
anom_memo_index(const struct anom_key *k)
{
	uint64_t w[5];

	memcpy(w, k, 32);
	memcpy(&w[4], (const uint8_t *)k + sizeof(*k) - 8, 8);
	return (size_t)((w[0] ^ w[1] * 0xff51afd7ed558ccdULL ^ w[2] ^
	                    w[3] * 0xc4ceb9fe1a85ec53ULL ^ w[4]) *
	        0x9e3779b97f4a7c15ULL >>
	    (64 - ANOM_SLOT_MEMO_BITS));
}

/* Count a flow of dev at t in s, a slot whose window holds t. */
static inline struct anom_slot *
anom_slot_count(struct anom_table *tb, struct anom_slot *s,
    const struct anom_dev *dev, uint64_t t)
{
	if (dev->id != COL_ID_NONE || s->dev.addr.family == 0)
		s->dev = *dev; /* the DNS hook knows no id: keep the flows' */
	s->flows++;
	s->first_ms = MIN(s->first_ms, t);
	s->last_ms = MAX(s->last_ms, t);
	/* Last, so that the call ends the caller too. */
	if (!s->touched)
		return anom_slot_touch(tb, s);
	return s;
}

/*
 * The slot of key k in table id for a flow of device dev at time t,
 * counting the flow (flows, first/last, touched): a new or evicted slot
 * is cleared first; a slot whose window ended before t is judged and
 * cleared.  NULL if the detector is disabled.  No allocation.  Inline:
 * the memo's hit in a window that holds t (nearly every lookup) is the
 * key's mix and comparison; the rest is anom_slot_get_slow().
 */
static inline struct anom_slot *
anom_slot_get(struct col_anomaly *a, enum anom_table_id id,
    const struct anom_key *k, const struct anom_dev *dev, uint64_t t)
{
	struct anom_table *tb = &a->tables[id];
	struct anom_slot *s;
	uint32_t *m;

	if ((a->on & 1u << id) == 0)
		return NULL;
	m = &tb->memo[anom_memo_index(k)];
	if (*m != 0) {
		s = (struct anom_slot *)(void *)(tb->mem +
		    (size_t)(*m - 1) * tb->desc->slot_size);
		if (memcmp(&s->key, k, sizeof(*k)) == 0 &&
		    t < s->start_ms + tb->window_ms)
			return anom_slot_count(tb, s, dev, t);
	}
	return anom_slot_get_slow(a, tb, k, m, dev, t);
}

/* Keyed hash of len bytes (for col_hll_add()). */
uint64_t anom_hash(const struct col_anomaly *a, const void *data, size_t len);

/* anom_hash_short()'s memo lacks w (data's len bytes, then zeros): the
 * value, computed and kept in v. */
uint64_t anom_value_miss(const struct col_anomaly *a, struct anom_value_memo *v,
    const uint64_t *w, const void *data, size_t len);

/*
 * anom_hash() of a short input, len a constant of 1 .. ANOM_VALUE_MAX (an
 * address, a port, a pair), inline: from the memo, by an unkeyed mix of
 * the input as three words (its bytes, then zeros), or computed and kept.
 */
static inline uint64_t
anom_hash_short(const struct col_anomaly *a, const void *data, size_t len)
{
	uint64_t w[ANOM_VALUE_MAX / 8] = { 0 };
	uint64_t x;
	struct anom_value_memo *v;

	G_STATIC_ASSERT(ANOM_VALUE_MAX == 24);
	memcpy(w, data, len);
	x = (w[0] ^ w[1] * 0xff51afd7ed558ccdULL ^
	        w[2] * 0xc4ceb9fe1a85ec53ULL ^ len) *
	    0x9e3779b97f4a7c15ULL;
	v = &a->memo->val[x >> (64 - ANOM_VALUE_BITS)];
	if (v->len == len && memcmp(v->data, w, sizeof(v->data)) == 0)
		return v->h;
	return anom_value_miss(a, v, w, data, len);
}

/* Add x to the sample (at most COL_ANOMALY_TARGETS, no duplicates). */
void anom_sample_add(struct mf_addr *sample, uint8_t *n,
    const struct mf_addr *x);

/* Append one evidence number (ignored beyond COL_ANOMALY_EVIDENCE). */
void anom_ev(struct anom_finding *fd, const char *name, double value,
    gboolean real);

/* TRUE if a is multicast or the IPv4 limited broadcast (inline: every
 * flow asks it several times). */
static inline gboolean
anom_is_group(const struct mf_addr *a)
{
	static const uint8_t bcast[4] = { 255, 255, 255, 255 };

	if (a->family == MF_AF_INET)
		return (a->b[0] & 0xf0) == 0xe0 || memcmp(a->b, bcast, 4) == 0;
	return a->family == MF_AF_INET6 && a->b[0] == 0xff;
}

/*
 * TRUE if f's source opened the conversation: a TCP SYN without ACK; an
 * ICMP or ICMPv6 echo request; otherwise (TCP with SYN, UDP) the
 * destination port is the service port (f->app_port when the exporter
 * gave it, else not a reply from a well-known port to a high one).
 */
static inline gboolean
anom_src_initiates(const struct col_flow *f)
{
	switch (f->proto) {
	case ANOM_PROTO_TCP:
		if ((f->tcp_flags & ANOM_TCP_SYN) == 0)
			return FALSE;
		if ((f->tcp_flags & ANOM_TCP_ACK) == 0)
			return TRUE;
		break;
	case ANOM_PROTO_UDP:
		break;
	case ANOM_PROTO_ICMP:
		return f->dport >> 8 == 8;
	case ANOM_PROTO_ICMPV6:
		return f->dport >> 8 == 128;
	default:
		return FALSE;
	}
	if (f->app_port != 0)
		return f->app_port == f->dport && f->app_port != f->sport;
	return !(f->sport < 1024 && f->dport >= 1024);
}

/*
 * What col_anomaly_add() works out once for the flow detectors (the
 * "how" of their calls): the flow's destination is a group (multicast or
 * broadcast: anom_is_group()); the flow is not to a group and its source
 * opened it (anom_src_initiates()).
 */
#define ANOM_FLOW_GROUP 0x1u
#define ANOM_FLOW_OPENS 0x2u

/* Detectors: one flow (both devices), one probe judged at close. */
void anom_scan_flow(struct col_anomaly *a, const struct col_flow *f,
    const struct anom_dev *src, const struct anom_dev *dst, uint64_t t,
    unsigned how);
void anom_scan_probe(struct col_anomaly *a, const struct anom_probe *p,
    gboolean answered);
void anom_abuse_flow(struct col_anomaly *a, const struct col_flow *f,
    const struct anom_dev *src, const struct anom_dev *dst, uint64_t t,
    unsigned how);
void anom_abuse_dns_query(struct col_anomaly *a, const struct mf_addr *client,
    uint16_t qtype, uint64_t t);
void anom_dns_record(struct col_anomaly *a, const struct col_dns_rec *d,
    gboolean client_internal);
void anom_beacon_flow(struct col_anomaly *a, const struct col_flow *f,
    const struct anom_dev *src, const struct anom_dev *dst, uint64_t t,
    unsigned how);

/* TRUE if a DNS answer named addr (anom_dns_record() saw it). */
gboolean anom_resolved(const struct col_anomaly *a, const struct mf_addr *addr);

/* TRUE if addr served DNS answers the collector saw. */
gboolean anom_is_resolver(const struct col_anomaly *a,
    const struct mf_addr *addr);

/*
 * dns_tunnel's measure of qname: its registered domain (per the public
 * suffix list) into reg (size bytes), the characters of the labels below
 * it (dots not counted) and their Shannon entropy in bits per character.
 * FALSE if qname has no registered domain or nothing below it.  The
 * result may come from a's memo of names measured before (the same).
 */
gboolean anom_dns_measure(struct col_anomaly *a, const char *qname, char *reg,
    size_t size, size_t *length, double *entropy);

#endif
