/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef EXP_CACHE_H
#define EXP_CACHE_H

/*
 * cache: the exporter's flow cache.  All flows live in one array sized by
 * exp_cache_new(), with index-linked hash chains and lists; nothing here
 * allocates afterwards, so exp_cache_update() may run for every captured
 * packet.
 *
 * A flow is a bidirectional stream: its key holds two (address, port)
 * sides in canonical order, and whichever side sent the first packet is
 * the initiator (the "left" side).  Three intrusive lists order the flows:
 *   lru     by last packet: idle expiry from the head, eviction when full;
 *   timer   either the active list, by start of the current report period
 *           (active timeout from the head), or the closing list, by the
 *           time the flow saw FIN both ways or RST (linger from the head).
 * Every flow leaves the cache through the export callback exactly once per
 * report period, with its flowEndReason.
 *
 * Memory: max_flows * (sizeof(struct exp_flow) + 2 * sizeof(uint32_t))
 * for the flows and a hash table of twice as many buckets (rounded up to a
 * power of two), nothing else.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "common/hash.h"
#include "exporter/decode.h"

#define EXP_CACHE_MIN_FLOWS 16
#define EXP_CACHE_MAX_FLOWS (1u << 24)
#define EXP_CACHE_NIL UINT32_MAX

/* Canonical key: side 0 is the numerically lower (address, port). */
struct exp_key {
	uint8_t addr[2][16];
	uint16_t port[2];
	uint32_t ifindex;
	uint16_t vlan;
	uint8_t proto;
	uint8_t family; /* MF_AF_INET or MF_AF_INET6 */
};

/* What one side of a stream sent in the current report period. */
struct exp_side {
	uint64_t octets;       /* IP-layer bytes */
	uint32_t packets;      /* 0: this side sent nothing this period */
	uint32_t first_off;    /* first packet, ms after period_ms */
	uint32_t last_off;     /* last packet, ms after period_ms */
	uint8_t initial_flags; /* TCP flags of the first packet */
	uint8_t union_flags;   /* TCP flags of every later packet */
	uint8_t tos;           /* TOS / traffic class of the first packet */
	uint8_t fin;           /* this side sent FIN */
};

enum exp_flow_state {
	EXP_FLOW_FREE = 0,
	EXP_FLOW_ACTIVE,
	EXP_FLOW_CLOSING, /* FIN both ways or RST: lingering */
};

struct exp_flow {
	struct exp_key key;
	uint32_t proc_ref; /* the caller's: its local process
	                    * (exporter/procs.h), 0 = not looked up; here it
	                    * takes the key's padding */
	struct exp_side side[2];
	uint64_t period_ms; /* start of the current report period */
	uint64_t last_ms;   /* last packet of either side */
	uint64_t close_ms;  /* when the flow started closing */
	uint64_t name_ref;  /* the caller's: a server name it found for the
	                     * flow (exporter/dnslabel.c), 0 = none */
	uint8_t mac[2][6];  /* source MAC of each side's frames */
	uint32_t hnext;     /* hash chain */
	uint32_t hash;      /* the key's hash: removal and lookups need
	                     * no hash of the flow's key */
	uint32_t lru_prev, lru_next;
	uint32_t tm_prev, tm_next;
	uint8_t initiator; /* the side that sent the first packet */
	uint8_t state;     /* enum exp_flow_state */
	uint8_t has_mac;   /* mac[] valid */
	uint8_t l7_tries;  /* the caller's: initiator segments with payload
	                    * searched for a server name (dnslabel.c) */
};

struct exp_cache_stats {
	uint64_t packets; /* packets accounted to flows */
	uint64_t octets;  /* their IP-layer bytes */
	uint64_t flows_created;
	uint64_t expired_idle;
	uint64_t expired_active; /* active-timeout exports (flow lives on) */
	uint64_t expired_end;    /* FIN/RST */
	uint64_t evicted_full;   /* LRU evictions: cache full */
	uint64_t flushed;        /* exported by exp_cache_flush() */
	uint32_t active;         /* flows in the cache now */
	uint32_t peak;           /* most flows at once */
};

/*
 * Called once per flow and report period as it leaves the cache (or, for
 * active timeouts, as its period closes).  The flow is valid only during
 * the call.  reason is an enum mf_end_reason.
 */
typedef void (
    *exp_cache_export_fn)(const struct exp_flow *f, int reason, void *ctx);

struct exp_cache_config {
	size_t max_flows;   /* EXP_CACHE_MIN_FLOWS .. EXP_CACHE_MAX_FLOWS */
	uint32_t idle_ms;   /* idle timeout */
	uint32_t active_ms; /* active timeout */
	uint32_t linger_ms; /* after FIN both ways or RST */
	struct mf_hash_key seed;
};

struct exp_cache;

/*
 * Create a cache; returns NULL (and sets error) if max_flows is out of
 * range or memory cannot be had.  export is called for every exported
 * flow.  Free with exp_cache_free() (NULL is fine).
 */
struct exp_cache *exp_cache_new(const struct exp_cache_config *cfg,
    exp_cache_export_fn export, void *ctx, GError **error);
void exp_cache_free(struct exp_cache *c);

/*
 * Account packet p, seen at p->ts_ms on interface ifindex, to its flow
 * (creating it, evicting the least recently used flow if the cache is
 * full).  Returns the flow, valid until the next call into the cache; the
 * caller may set its name_ref and proc_ref and nothing else.  Packet path: no
 * allocation.
 */
struct exp_flow *exp_cache_update(struct exp_cache *c, const struct exp_pkt *p,
    uint32_t ifindex);

/* Export flows whose idle, active or closing time has passed at now_ms. */
void exp_cache_expire(struct exp_cache *c, uint64_t now_ms);

/* Export every flow (reason: MF_END_FORCED; closing flows MF_END_OF_FLOW). */
void exp_cache_flush(struct exp_cache *c);

const struct exp_cache_stats *exp_cache_get_stats(const struct exp_cache *c);

/*
 * Bytes the cache may take for max_flows flows (for the man page and
 * --stats).  Only the hash buckets (4 or 8 bytes a flow) are touched at
 * start-up; a flow's share becomes resident when the cache first holds
 * that many flows at once.
 */
size_t exp_cache_memory(size_t max_flows);

#endif
