/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_WEB_LIMITS_H
#define COL_WEB_LIMITS_H

/*
 * web_limits: the web server's connection cap and per-address request
 * rate, each counted.  The rate is a token bucket per client address:
 * rate tokens a second, a burst of 2 * rate, one token per request.  The
 * buckets live in a fixed table of COL_WEB_RATE_SLOTS entries (48 bytes
 * each, 48 KiB), placed by a keyed hash (SipHash, random key) into one of
 * COL_WEB_RATE_WAYS neighbouring slots; a new address finding them all
 * taken replaces the one idle longest (counted in evicted).  Nothing is
 * allocated after creation.  Thread-safe: one mutex, held for a few
 * comparisons per call.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "common/addr.h"
#include "common/hash.h"

#define COL_WEB_RATE_SLOTS 1024u
#define COL_WEB_RATE_WAYS 4u

struct col_web_limits_stats {
	uint64_t accepted;     /* connections taken */
	uint64_t refused;      /* connections over max_clients */
	uint64_t open;         /* connections open now */
	uint64_t requests;     /* requests let through */
	uint64_t rate_limited; /* requests answered 429 */
	uint64_t evicted;      /* rate buckets replaced: table full */
};

struct col_web_limits;

/*
 * max_clients connections at once (>= 1); rate requests a second per
 * address (0: no rate limit).  key: NULL for a random hash key (tests
 * pass a fixed one).  Free with col_web_limits_free() (NULL is fine).
 */
struct col_web_limits *col_web_limits_new(uint32_t max_clients, uint32_t rate,
    const struct mf_hash_key *key);
void col_web_limits_free(struct col_web_limits *l);

/* A connection opens: TRUE if under the cap (then it counts as open). */
gboolean col_web_limits_connect(struct col_web_limits *l);

/* A connection that col_web_limits_connect() let in has closed. */
void col_web_limits_disconnect(struct col_web_limits *l);

/*
 * A request from a at now_us (monotonic microseconds): TRUE if its
 * address has a token left (one is taken), FALSE if rate-limited.
 */
gboolean col_web_limits_request(struct col_web_limits *l,
    const struct mf_addr *a, int64_t now_us);

void col_web_limits_get_stats(struct col_web_limits *l,
    struct col_web_limits_stats *out);

#endif
