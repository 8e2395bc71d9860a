/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MF_HASH_H
#define MF_HASH_H

/*
 * hash: SipHash-2-4 (Aumasson and Bernstein, 2012), the keyed hash of every
 * table fed from the network, SipHash-1-3 of whole words for the DNS name
 * cache's fixed-size keys, and a cheaper keyed multiply hash for the
 * collector's tables and the flow cache.  A secret random key makes hash
 * flooding (many keys in one bucket) impractical for a remote sender; a
 * fixed key gives reproducible layouts for offline runs and tests.
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
 * SipHash-2-4 in two steps, for inputs that share their first 16 bytes
 * (the collector's detectors hash many keys that begin with one address):
 * the state after those bytes, then the hash of the whole from it, so
 * that mf_siphash_from16(&st, data, len) == mf_siphash(k, data, len) when
 * st is mf_siphash_prefix16(k, data) of the same first 16 bytes and
 * len >= 16.
 */
struct mf_siphash_state {
	uint64_t v[4];
};

void mf_siphash_prefix16(const struct mf_hash_key *k, const void *data,
    struct mf_siphash_state *st);
uint64_t mf_siphash_from16(const struct mf_siphash_state *st, const void *data,
    size_t len);

static inline uint64_t
mf_hash_rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

/* One SipRound (the paper's figure 2.1) on the state v[0..3]. */
static inline void
mf_hash_sipround(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = mf_hash_rotl(v[1], 13) ^ v[0];
	v[0] = mf_hash_rotl(v[0], 32);
	v[2] += v[3];
	v[3] = mf_hash_rotl(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = mf_hash_rotl(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = mf_hash_rotl(v[1], 17) ^ v[2];
	v[2] = mf_hash_rotl(v[2], 32);
}

/*
 * SipHash-1-3 of n 64-bit words (n < 32): the same value as SipHash-1-3
 * of their 8 * n little-endian bytes.  One compression round a word and
 * three to finish, against two and four: CPython's and Rust's hash tables
 * use this variant against hash flooding, and it stays keyed (a sender
 * who does not know the key cannot aim keys at one bucket).  The DNS name
 * cache packs its fixed-size keys into words and uses it, against more
 * rounds and a byte loop for SipHash-2-4 of their bytes (the flow cache
 * has mf_hash_fast_words() below).  Inline, so that a constant n
 * unrolls.
 */
static inline uint64_t
mf_siphash13_words(const struct mf_hash_key *k, const uint64_t *w, size_t n)
{
	uint64_t v[4] = { 0x736f6d6570736575ULL ^ k->k0,
		0x646f72616e646f6dULL ^ k->k1, 0x6c7967656e657261ULL ^ k->k0,
		0x7465646279746573ULL ^ k->k1 };
	uint64_t b = (uint64_t)(8 * n) << 56;
	size_t i;

	for (i = 0; i < n; i++) {
		v[3] ^= w[i];
		mf_hash_sipround(v);
		v[0] ^= w[i];
	}
	v[3] ^= b;
	mf_hash_sipround(v);
	v[0] ^= b;
	v[2] ^= 0xff;
	mf_hash_sipround(v);
	mf_hash_sipround(v);
	mf_hash_sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

#define MF_HASH_FAST_M0 0x9e3779b97f4a7c15ULL /* odd constants: 2^64 / phi */
#define MF_HASH_FAST_M1 0xd6e8feb86659fd93ULL

/* Fold a and b: the two halves of their 128-bit product, xored. */
static inline uint64_t
mf_hash_fold_mul(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
	unsigned __int128 r = (unsigned __int128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
	/* 32-bit targets (armhf): the high word with the middle carries. */
	uint64_t al = a & 0xffffffffu, ah = a >> 32;
	uint64_t bl = b & 0xffffffffu, bh = b >> 32;
	uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
	uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);

	return (a * b) ^ hi;
#endif
}

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
 * mf_hash_fast() of n 64-bit words (n < 2^28): the same value as
 * mf_hash_fast() of their 8 * n little-endian bytes, from registers.  The
 * flow cache hashes its packed key with it, once a packet: 5 multiplies
 * for an IPv4 key against SipHash-1-3's 6 rounds.  What it relies on
 * against flooding is mf_hash_fast()'s: the state starts from the secret
 * k0 and every word is multiplied by a constant derived from the secret
 * k1, so a sender who does not know the key cannot choose keys that share
 * a bucket (it is not a PRF: someone who sees many bucket choices might
 * learn about the key, and the cache never shows them).  Inline, so that
 * a constant n unrolls.
 */
static inline uint64_t
mf_hash_fast_words(const struct mf_hash_key *k, const uint64_t *w, size_t n)
{
	uint64_t h = k->k0 ^ ((uint64_t)(8 * n) * MF_HASH_FAST_M0);
	uint64_t m = (k->k1 ^ MF_HASH_FAST_M1) | 1;
	size_t i;

#pragma GCC unroll 8
	for (i = 0; i < n; i++)
		h = mf_hash_fold_mul(h ^ w[i], m);
	h = mf_hash_fold_mul(h, m); /* mf_hash_fast()'s empty tail */
	return mf_hash_fold_mul(h ^ k->k1, MF_HASH_FAST_M0);
}

/*
 * Buckets for a chained hash table of n entries: the smallest power of
 * two that is at least 2 * n (so a mask picks the bucket).
 */
size_t mf_hash_buckets(size_t n);

#endif
