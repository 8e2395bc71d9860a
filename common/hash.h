/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MF_HASH_H
#define MF_HASH_H

/*
 * hash: SipHash-2-4 (Aumasson and Bernstein, 2012), the keyed hash of every
 * table fed from the network.  A secret random key makes hash flooding
 * (many keys in one bucket) impractical for a remote sender; a fixed key
 * gives reproducible layouts for offline runs and tests.
 */
#include <stddef.h>
#include <stdint.h>

struct mf_hash_key {
	uint64_t k0, k1;
};

/* A key from the system's random source (g_random is not secret enough). */
void mf_hash_key_random(struct mf_hash_key *k);

/* The fixed key used for reproducible runs (offline reading, tests). */
void mf_hash_key_fixed(struct mf_hash_key *k);

uint64_t mf_siphash(const struct mf_hash_key *k, const void *data, size_t len);

/*
 * A cheaper keyed hash for the lookups made once or more per record (the
 * collector's tables): each 8-byte word is folded in with one 64 x 64 ->
 * 128-bit multiply of (state ^ word) by a key-derived odd constant, the
 * product's halves xored.  Not a PRF like SipHash, but keyed: without the
 * key a remote sender cannot predict which keys share a bucket, and the
 * tables it serves are bounded and evict, so a flood costs chain length,
 * never memory.  About 5 instructions a word against SipHash-2-4's 30.
 */
uint64_t mf_hash_fast(const struct mf_hash_key *k, const void *data,
    size_t len);

/*
 * Buckets for a chained hash table of n entries: the smallest power of
 * two that is at least 2 * n (so a mask picks the bucket).
 */
size_t mf_hash_buckets(size_t n);

#endif
