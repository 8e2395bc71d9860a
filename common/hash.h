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
 * Buckets for a chained hash table of n entries: the smallest power of
 * two that is at least 2 * n (so a mask picks the bucket).
 */
size_t mf_hash_buckets(size_t n);

#endif
