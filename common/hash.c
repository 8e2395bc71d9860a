/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-hash"

#include <sys/random.h>
#include <string.h>

#include <glib.h>

#include "common/hash.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND                   \
	do {                       \
		v0 += v1;          \
		v1 = ROTL(v1, 13); \
		v1 ^= v0;          \
		v0 = ROTL(v0, 32); \
		v2 += v3;          \
		v3 = ROTL(v3, 16); \
		v3 ^= v2;          \
		v0 += v3;          \
		v3 = ROTL(v3, 21); \
		v3 ^= v0;          \
		v2 += v1;          \
		v1 = ROTL(v1, 17); \
		v1 ^= v2;          \
		v2 = ROTL(v2, 32); \
	} while (0)

static uint64_t
load_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v)); /* one load; SipHash reads little-endian */
	return GUINT64_FROM_LE(v);
}

/*
 * The last len & 7 bytes of in[0..len) as a little-endian word, the rest
 * 0.  From 8 bytes on, one load of the last word (overlapping the full
 * words before it) and a shift; below, byte by byte.
 */
static inline uint64_t
load_tail(const uint8_t *in, size_t len)
{
	size_t tail = len & 7, i;
	uint64_t w = 0;

	if (tail == 0)
		return 0;
	if (len >= 8)
		return load_le64(in + len - 8) >> (64 - 8 * tail);
	for (i = 0; i < tail; i++)
		w |= (uint64_t)in[i] << (8 * i);
	return w;
}

/*
 * SipHash-2-4 from the state v0..v3 after the first from bytes of in (a
 * multiple of 8): the remaining words, the tail and the finish.  Always
 * inline, so that constant from and len unroll.
 */
static inline __attribute__((always_inline)) uint64_t
siphash24_from(uint64_t v0, uint64_t v1, uint64_t v2, uint64_t v3,
    const uint8_t *in, size_t from, size_t len)
{
	uint64_t m, b = (uint64_t)len << 56 | load_tail(in, len);
	size_t i;

	for (i = from; i + 8 <= len; i += 8) {
		m = load_le64(in + i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

#define SIP_V0(k) (0x736f6d6570736575ULL ^ (k)->k0)
#define SIP_V1(k) (0x646f72616e646f6dULL ^ (k)->k1)
#define SIP_V2(k) (0x6c7967656e657261ULL ^ (k)->k0)
#define SIP_V3(k) (0x7465646279746573ULL ^ (k)->k1)

uint64_t
mf_siphash(const struct mf_hash_key *k, const void *data, size_t len)
{
	uint64_t v0 = SIP_V0(k), v1 = SIP_V1(k), v2 = SIP_V2(k), v3 = SIP_V3(k);

	/*
	 * The collector's detectors hash addresses (struct mf_addr, 17
	 * bytes) and state keys (38 bytes) several times a record: those
	 * sizes get their own unrolled copies.
	 */
	switch (len) {
	case 17:
		return siphash24_from(v0, v1, v2, v3, data, 0, 17);
	case 38:
		return siphash24_from(v0, v1, v2, v3, data, 0, 38);
	default:
		return siphash24_from(v0, v1, v2, v3, data, 0, len);
	}
}

void
mf_siphash_prefix16(const struct mf_hash_key *k, const void *data,
    struct mf_siphash_state *st)
{
	const uint8_t *in = data;
	uint64_t v0 = SIP_V0(k), v1 = SIP_V1(k), v2 = SIP_V2(k), v3 = SIP_V3(k),
	         m;
	size_t i;

	for (i = 0; i < 16; i += 8) {
		m = load_le64(in + i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	st->v[0] = v0;
	st->v[1] = v1;
	st->v[2] = v2;
	st->v[3] = v3;
}

uint64_t
mf_siphash_from16(const struct mf_siphash_state *st, const void *data,
    size_t len)
{
	const uint64_t *v = st->v;

	switch (len) {
	case 17:
		return siphash24_from(v[0], v[1], v[2], v[3], data, 16, 17);
	case 20:
		return siphash24_from(v[0], v[1], v[2], v[3], data, 16, 20);
	case 38:
		return siphash24_from(v[0], v[1], v[2], v[3], data, 16, 38);
	default:
		return siphash24_from(v[0], v[1], v[2], v[3], data, 16, len);
	}
}

/* mf_hash_fast(); always inline, so that a constant len unrolls. */
static inline __attribute__((always_inline)) uint64_t
hash_fast(const struct mf_hash_key *k, const uint8_t *in, size_t len)
{
	uint64_t h = k->k0 ^ ((uint64_t)len * MF_HASH_FAST_M0);
	uint64_t m = (k->k1 ^ MF_HASH_FAST_M1) | 1;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8)
		h = mf_hash_fold_mul(h ^ load_le64(in + i), m);
	h = mf_hash_fold_mul(h ^ load_tail(in, len), m);
	return mf_hash_fold_mul(h ^ k->k1, MF_HASH_FAST_M0);
}

uint64_t
mf_hash_fast(const struct mf_hash_key *k, const void *data, size_t len)
{
	/* The tables' key sizes: addresses and devices, streams, ports. */
	switch (len) {
	case 17:
		return hash_fast(k, data, 17);
	case 16:
		return hash_fast(k, data, 16);
	case 4:
		return hash_fast(k, data, 4);
	default:
		return hash_fast(k, data, len);
	}
}

void
mf_hash_key_random(struct mf_hash_key *k)
{
	uint8_t b[16];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		/* No entropy source: fall back to GLib's (still seeded). */
		k->k0 = ((uint64_t)g_random_int() << 32) | g_random_int();
		k->k1 = ((uint64_t)g_random_int() << 32) | g_random_int();
		return;
	}
	k->k0 = load_le64(b);
	k->k1 = load_le64(b + 8);
}

void
mf_hash_key_fixed(struct mf_hash_key *k)
{
	k->k0 = 0x0706050403020100ULL;
	k->k1 = 0x0f0e0d0c0b0a0908ULL;
}

size_t
mf_hash_buckets(size_t n)
{
	size_t b = 1;

	while (b < 2 * n)
		b <<= 1;
	return b;
}
