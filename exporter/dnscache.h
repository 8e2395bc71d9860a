/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef EXP_DNSCACHE_H
#define EXP_DNSCACHE_H

/*
 * dnscache: the exporter's DNS name cache, which labels a flow with the
 * name a LAN client resolved for the flow's remote address.  Every entry
 * lives in one block allocated by exp_dnscache_new(); nothing here
 * allocates afterwards, so exp_dnscache_add() may run for every DNS answer
 * and exp_dnscache_find() for every exported flow.
 *
 * An entry is keyed by (client address, answered address): the client
 * that received a DNS answer and one A/AAAA address the answer named.  A
 * key holds up to EXP_DNSCACHE_PER_KEY (2) entries with different query
 * names, the latest answers, so that a flow is named by the answer that
 * came before it even when another name for the same address was resolved
 * after it started (a page and its images on one CDN address).  Its
 * value is the query name (what the client asked for, not the end of the
 * CNAME chain), the CNAME target if it fits (see below), when the answer
 * was seen and when its TTL, clamped to [ttl_min_s, ttl_max_s], runs out.
 *
 * Each entry sits on three index-linked, doubly linked lists:
 *   pair    hash chain by (client, answered): the exact lookup;
 *   addr    hash chain by the answered address alone: the fallback to an
 *           answer another client received;
 *   lru     by last add or hit: the head is evicted when the cache is full.
 * Both buckets come from SipHash-1-3 with the configured seed (the pair's
 * is the answered address's hash xored with the client's), so a remote
 * sender cannot aim many keys at one bucket.  Unlinking is O(1) on every list,
 * so an eviction leaves both indexes consistent without walking a chain.
 * A lookup walks one pair chain and, on a miss, one addr chain; the addr
 * chain holds every client that received the same address, so the
 * fallback costs at most max_names steps (one popular address for the
 * whole LAN) and a few steps normally.
 *
 * Expired entries are not removed: a flow that started while an answer
 * was valid may be exported much later (long-lived flows, active timeouts)
 * and must still get its label.  Only the LRU makes room.
 *
 * Names: a name is at most EXP_DNSCACHE_NAME_MAX (255) bytes, as RFC 1035
 * allows for the presentation form the DNS parser produces; a longer query
 * name or CNAME target is refused and counted.  Each entry has
 * EXP_DNSCACHE_NAMES_LEN (288) bytes for "qname\0cname\0": the query name
 * always fits; the CNAME target is kept only if
 * strlen(qname) + strlen(cname) + 2 <= 288, else it is dropped (counted)
 * and the entry holds no CNAME.
 *
 * A lookup first asks a filter of one-byte counters, two per bucket,
 * indexed by a cheap keyed hash of the address (see dnscache.c): a zero
 * counter is a miss without hashing the key, the usual case for the side
 * of a flow nobody resolved.
 *
 * Memory: exp_dnscache_memory(max_names), all in one allocation:
 * max_names entries (392 bytes each on x86-64: 288 for names, 34 for the
 * key, 32 for times, 32 for links and buckets, padding) plus two bucket
 * arrays of 4 bytes per bucket and the filter's 2 bytes per bucket, with
 * twice as many buckets as entries rounded up to a power of two, plus a
 * header holding the memo of client hashes (32 KiB): the default 4096
 * names take 4096 * (392 + 20) + header = about 1.7 MB (1720528 bytes).
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "common/addr.h"
#include "common/hash.h"

#define EXP_DNSCACHE_MIN_NAMES 16
#define EXP_DNSCACHE_MAX_NAMES (1u << 22)
#define EXP_DNSCACHE_DEFAULT_NAMES 4096
#define EXP_DNSCACHE_NAME_MAX 255
#define EXP_DNSCACHE_NAMES_LEN 288
#define EXP_DNSCACHE_PER_KEY 2 /* answers held per (client, address) */

/* Where a flow's label came from (exported with the label). */
enum exp_label_source {
	EXP_LABEL_NONE = 0,
	EXP_LABEL_DNS = 1,              /* an answer to this client */
	EXP_LABEL_DNS_OTHER_CLIENT = 2, /* an answer to another client */
	EXP_LABEL_TLS_SNI = 3,
	EXP_LABEL_HTTP_HOST = 4,
};
#define EXP_LABEL_N 5

/* "none", "dns", "dns-other-client", "tls-sni", "http-host". */
extern const char *const exp_label_source_names[EXP_LABEL_N];

struct exp_dnscache_config {
	size_t max_names;   /* EXP_DNSCACHE_MIN_NAMES .. _MAX_NAMES */
	uint32_t ttl_min_s; /* an answer's TTL is clamped to [min, max] */
	uint32_t ttl_max_s; /* ttl_min_s <= ttl_max_s */
	struct mf_hash_key seed;
};

struct exp_dnscache_stats {
	uint64_t inserted;      /* new entries (a new key, or a new name) */
	uint64_t updated;       /* a newer answer refreshed or replaced one */
	uint64_t stale;         /* an older answer for a key: ignored */
	uint64_t evicted;       /* LRU evictions: cache full */
	uint64_t refused;       /* a name over 255 bytes (or none) */
	uint64_t bad_addr;      /* an address family other than 4 or 6 */
	uint64_t cname_dropped; /* CNAME target did not fit beside the qname */
	uint64_t lookups;
	uint64_t hits_dns;   /* EXP_LABEL_DNS */
	uint64_t hits_other; /* EXP_LABEL_DNS_OTHER_CLIENT */
	uint64_t misses;     /* EXP_LABEL_NONE */
	uint32_t entries;    /* names in the cache now */
	uint32_t peak;       /* most names at once */
};

struct exp_dnscache;

/*
 * Create a cache; returns NULL (and sets error) if max_names is out of
 * range, ttl_min_s > ttl_max_s, or memory cannot be had.  Free with
 * exp_dnscache_free() (NULL is fine).
 */
struct exp_dnscache *exp_dnscache_new(const struct exp_dnscache_config *cfg,
    GError **error);
void exp_dnscache_free(struct exp_dnscache *c);

/* Bytes the cache allocates for max_names names (man page, --stats). */
size_t exp_dnscache_memory(size_t max_names);

/*
 * Record that client received, at seen_ms, an answer naming address
 * answered for query name qname, with CNAME target cname (NULL: none) and
 * TTL ttl_s.  A new key takes a free entry or evicts the least recently
 * used one; an answer with a query name the key already holds refreshes
 * that entry, one with another name takes an entry beside it, or the
 * place of the older of two; an answer seen before the entry it would
 * replace is stale (ignored).  Either way the entry
 * becomes the most recently used.  Names are copied; NUL-terminated input
 * is read for at most 256 bytes.  Packet path: no allocation.
 */
void exp_dnscache_add(struct exp_dnscache *c, const struct mf_addr *client,
    const struct mf_addr *answered, const char *qname, const char *cname,
    uint32_t ttl_s, uint64_t seen_ms);

/*
 * One message's answers to one client, for exp_dnscache_answer_add():
 * exp_dnscache_answer_init() checks the names and hashes the client once
 * (or finds its hash in a small memo of the clients last hashed, which
 * the lookups share: hence c is not const), so that each answered
 * address costs one keyed hash, not two.  qname and
 * cname are not copied: they must stay as they are while it is used.
 */
enum {
	EXP_DNSCACHE_ANSWER_OK = 0,
	EXP_DNSCACHE_ANSWER_REFUSED,    /* a name over 255 bytes (or none) */
	EXP_DNSCACHE_ANSWER_BAD_CLIENT, /* client family neither 4 nor 6 */
};

struct exp_dnscache_answer {
	const char *qname, *cname;
	size_t qlen, clen;
	uint64_t client_hash;
	uint8_t status; /* EXP_DNSCACHE_ANSWER_* */
	uint8_t cfam;
	uint8_t client[16];
};

/*
 * qlen and clen are strlen(qname) and strlen(cname) (cname NULL: none),
 * as the parser knows them; a name over EXP_DNSCACHE_NAME_MAX bytes (or
 * qname NULL) makes every exp_dnscache_answer_add() count it refused.
 * The names are not copied: they must stay as they are while a is used.
 */
void exp_dnscache_answer_init(struct exp_dnscache *c,
    struct exp_dnscache_answer *a, const struct mf_addr *client,
    const char *qname, size_t qlen, const char *cname, size_t clen);

/*
 * exp_dnscache_add() for the client, qname and cname a was set up with:
 * the same effect and counters as that call.  Packet path: no allocation.
 */
void exp_dnscache_answer_add(struct exp_dnscache *c,
    const struct exp_dnscache_answer *a, const struct mf_addr *answered,
    uint32_t ttl_s, uint64_t seen_ms);

/*
 * Label a flow between client and remote that started at flow_start_ms,
 * as exported at now_ms.  An answer counts if it was seen by now_ms
 * (seen_ms <= now_ms, even after the flow started) and its clamped TTL had
 * not run out when the flow started (expiry_ms >= flow_start_ms).  Of the
 * counting answers the latest seen by the flow's start wins; an answer
 * seen after the start wins only when none came before (then the earliest
 * of them).  Returns EXP_LABEL_DNS with the query name of the best of this
 * client's answers for remote; else EXP_LABEL_DNS_OTHER_CLIENT with the
 * best answer to any client for remote (on equal seen_ms, any one of
 * them); else EXP_LABEL_NONE with *name = NULL.
 *
 * Two entries per key means only the two latest names a client received
 * for an address are held: an earlier one that would have counted is
 * gone.  A hit makes the entry the most recently used.  *name
 * points into the cache and stays valid until the next exp_dnscache_add().
 */
enum exp_label_source exp_dnscache_find(struct exp_dnscache *c,
    const struct mf_addr *client, const struct mf_addr *remote,
    uint64_t flow_start_ms, uint64_t now_ms, const char **name);

/*
 * The CNAME target held with a name exp_dnscache_find() returned (same
 * lifetime), or NULL if none was given or it did not fit.
 */
const char *exp_dnscache_cname(const char *name);

const struct exp_dnscache_stats *exp_dnscache_get_stats(
    const struct exp_dnscache *c);

#endif
