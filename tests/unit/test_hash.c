/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-test-hash"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "common/hash.h"

/*
 * SipHash-2-4 outputs for key 00 01 .. 0f and message 00 01 .. (n-1), as
 * the little-endian bytes of vectors_sip64[n] in the reference
 * implementation's vectors.h (github.com/veorq/SipHash; the same values
 * as the paper's appendix for n = 15).  Cross-checked with an independent
 * Python implementation of the paper's algorithm:
 *
 *   M = 2**64 - 1
 *   rotl = lambda x, b: ((x << b) | (x >> (64 - b))) & M
 *   def sip(k, m):
 *       k0, k1 = int.from_bytes(k[:8], 'little'), int.from_bytes(k[8:],
 *           'little')
 *       v = [0x736f6d6570736575 ^ k0, 0x646f72616e646f6d ^ k1,
 *            0x6c7967656e657261 ^ k0, 0x7465646279746573 ^ k1]
 *       def rnd():
 *           v[0] = (v[0] + v[1]) & M; v[1] = rotl(v[1], 13) ^ v[0]
 *           v[0] = rotl(v[0], 32)
 *           v[2] = (v[2] + v[3]) & M; v[3] = rotl(v[3], 16) ^ v[2]
 *           v[0] = (v[0] + v[3]) & M; v[3] = rotl(v[3], 21) ^ v[0]
 *           v[2] = (v[2] + v[1]) & M; v[1] = rotl(v[1], 17) ^ v[2]
 *           v[2] = rotl(v[2], 32)
 *       n = len(m); full = n - n % 8
 *       for i in range(0, full, 8):
 *           w = int.from_bytes(m[i:i + 8], 'little')
 *           v[3] ^= w; rnd(); rnd(); v[0] ^= w
 *       b = ((n & 0xff) << 56) | int.from_bytes(m[full:], 'little')
 *       v[3] ^= b; rnd(); rnd(); v[0] ^= b; v[2] ^= 0xff
 *       for _ in range(4): rnd()
 *       return v[0] ^ v[1] ^ v[2] ^ v[3]
 *   sip(bytes(range(16)), bytes(range(n)))
 */
struct vector {
	size_t n;
	uint8_t out[8]; /* little-endian, as in vectors.h */
};

static const struct vector vectors[] = {
	{ 0, { 0x31, 0x0e, 0x0e, 0xdd, 0x47, 0xdb, 0x6f, 0x72 } },
	{ 1, { 0xfd, 0x67, 0xdc, 0x93, 0xc5, 0x39, 0xf8, 0x74 } },
	{ 7, { 0x37, 0xd1, 0x01, 0x8b, 0xf5, 0x00, 0x02, 0xab } },
	{ 8, { 0x62, 0x24, 0x93, 0x9a, 0x79, 0xf5, 0xf5, 0x93 } },
	{ 9, { 0xb0, 0xe4, 0xa9, 0x0b, 0xdf, 0x82, 0x00, 0x9e } },
	{ 15, { 0xe5, 0x45, 0xbe, 0x49, 0x61, 0xca, 0x29, 0xa1 } },
	{ 16, { 0xdb, 0x9b, 0xc2, 0x57, 0x7f, 0xcc, 0x2a, 0x3f } },
	/* the sizes with their own unrolled copies (mf_addr, anom_key) */
	{ 17, { 0x94, 0x47, 0xbe, 0x2c, 0xf5, 0xe9, 0x9a, 0x69 } },
	{ 20, { 0x98, 0xee, 0xa2, 0x1a, 0xf2, 0x5c, 0xd6, 0xbe } },
	{ 38, { 0x4d, 0x0c, 0xf4, 0x9e, 0xe5, 0xd4, 0xdc, 0xca } },
	{ 63, { 0x72, 0x45, 0x06, 0xeb, 0x4c, 0x32, 0x8a, 0x95 } },
};

static uint64_t
le64(const uint8_t b[8])
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

static void
test_hash_siphash_reference_vectors(void **state)
{
	struct mf_hash_key k = { UINT64_C(0x0706050403020100),
		UINT64_C(0x0f0e0d0c0b0a0908) };
	uint8_t msg[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	for (i = 0; i < G_N_ELEMENTS(vectors); i++)
		assert_int_equal(mf_siphash(&k, msg, vectors[i].n),
		    le64(vectors[i].out));
}

static void
test_hash_siphash_reference_values_spelled_out(void **state)
{
	struct mf_hash_key k = { UINT64_C(0x0706050403020100),
		UINT64_C(0x0f0e0d0c0b0a0908) };
	uint8_t msg[15];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	assert_int_equal(mf_siphash(&k, msg, 0), UINT64_C(0x726fdb47dd0e0e31));
	assert_int_equal(mf_siphash(&k, msg, 15), UINT64_C(0xa129ca6149be45e5));
}

static void
test_hash_siphash_unaligned_input(void **state)
{
	struct mf_hash_key k;
	uint8_t buf[64 + 3];
	size_t i;

	(void)state;
	mf_hash_key_fixed(&k);
	for (i = 0; i < 64; i++)
		buf[i + 3] = (uint8_t)i;
	assert_int_equal(mf_siphash(&k, buf + 3, 63),
	    UINT64_C(0x958a324ceb064572));
	assert_int_equal(mf_siphash(&k, buf + 3, 8),
	    UINT64_C(0x93f5f5799a932462));
}

/*
 * The paper's algorithm byte by byte (the tail gathered one byte at a
 * time, as the reference implementation does): mf_siphash() loads the
 * tail as one overlapping word and unrolls some sizes, so every length
 * from 0 to 80 at every alignment must agree with this (its rounds are
 * the header's mf_hash_sipround(), which hash.c's SipHash-2-4 does not
 * use, checked on their own by the SipHash-1-3 vectors below).
 */
static uint64_t
ref_siphash(uint64_t k0, uint64_t k1, const uint8_t *m, size_t n)
{
	uint64_t v[4] = { 0x736f6d6570736575ULL ^ k0,
		0x646f72616e646f6dULL ^ k1, 0x6c7967656e657261ULL ^ k0,
		0x7465646279746573ULL ^ k1 };
	uint64_t w, b = (uint64_t)(n & 0xff) << 56;
	size_t i, j, full = n - n % 8;

	for (i = 0; i < full; i += 8) {
		w = le64(m + i);
		v[3] ^= w;
		mf_hash_sipround(v);
		mf_hash_sipround(v);
		v[0] ^= w;
	}
	for (j = 0; full + j < n; j++)
		b |= (uint64_t)m[full + j] << (8 * j);
	v[3] ^= b;
	mf_hash_sipround(v);
	mf_hash_sipround(v);
	v[0] ^= b;
	v[2] ^= 0xff;
	for (j = 0; j < 4; j++)
		mf_hash_sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static void
test_hash_siphash_every_length_and_alignment(void **state)
{
	struct mf_hash_key k = { UINT64_C(0x243f6a8885a308d3),
		UINT64_C(0x13198a2e03707344) };
	uint8_t buf[80 + 8];
	size_t i, n, off;

	(void)state;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 167 + 13);
	for (off = 0; off < 8; off++)
		for (n = 0; n <= 80; n++)
			assert_int_equal(mf_siphash(&k, buf + off, n),
			    ref_siphash(k.k0, k.k1, buf + off, n));
}

/* The two steps give mf_siphash() of the whole, for every length >= 16. */
static void
test_hash_siphash_from16_is_siphash(void **state)
{
	struct mf_hash_key k = { UINT64_C(0xa4093822299f31d0),
		UINT64_C(0x082efa98ec4e6c89) };
	struct mf_siphash_state st;
	uint8_t buf[80 + 8];
	size_t i, n, off;

	(void)state;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 29 + 7);
	for (off = 0; off < 8; off++) {
		mf_siphash_prefix16(&k, buf + off, &st);
		for (n = 16; n <= 80; n++)
			assert_int_equal(mf_siphash_from16(&st, buf + off, n),
			    ref_siphash(k.k0, k.k1, buf + off, n));
	}
}

static void
test_hash_key_fixed_is_reference_key(void **state)
{
	static const uint8_t ref[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
		12, 13, 14, 15 };
	struct mf_hash_key k;

	(void)state;
	memset(&k, 0xee, sizeof(k));
	mf_hash_key_fixed(&k);
	assert_int_equal(k.k0, le64(ref));
	assert_int_equal(k.k1, le64(ref + 8));
	assert_int_equal(k.k0, UINT64_C(0x0706050403020100));
	assert_int_equal(k.k1, UINT64_C(0x0f0e0d0c0b0a0908));
}

static void
test_hash_key_random_differs_between_calls(void **state)
{
	struct mf_hash_key a, b, fixed;
	static const char msg[] = "minflow";

	(void)state;
	mf_hash_key_random(&a);
	mf_hash_key_random(&b);
	mf_hash_key_fixed(&fixed);
	assert_false(a.k0 == b.k0 && a.k1 == b.k1);
	assert_false(a.k0 == fixed.k0 && a.k1 == fixed.k1);
	assert_int_not_equal(mf_siphash(&a, msg, sizeof(msg)),
	    mf_siphash(&b, msg, sizeof(msg)));
}

static void
test_hash_siphash_key_changes_output(void **state)
{
	struct mf_hash_key k;
	uint8_t msg[8] = { 0 };
	uint64_t h;

	(void)state;
	mf_hash_key_fixed(&k);
	h = mf_siphash(&k, msg, sizeof(msg));
	k.k1 ^= 1;
	assert_int_not_equal(mf_siphash(&k, msg, sizeof(msg)), h);
	k.k1 ^= 1;
	assert_int_equal(mf_siphash(&k, msg, sizeof(msg)), h);
}

/*
 * mf_hash_fast for the fixed key and message 00 01 .. (n-1), from an
 * independent Python rendering of the definition in common/hash.h:
 *
 *   M = 2**64 - 1
 *   fold = lambda a, b: ((a * b) & M) ^ ((a * b) >> 64)
 *   def fast(k0, k1, m):
 *       h = k0 ^ ((len(m) * 0x9e3779b97f4a7c15) & M)
 *       c = (k1 ^ 0xd6e8feb86659fd93) | 1
 *       i = 0
 *       while i + 8 <= len(m):
 *           h = fold(h ^ int.from_bytes(m[i:i + 8], 'little'), c)
 *           i += 8
 *       h = fold(h ^ int.from_bytes(m[i:], 'little'), c)
 *       return fold(h ^ k1, 0x9e3779b97f4a7c15)
 */
static void
test_hash_fast_reference_values(void **state)
{
	static const struct {
		size_t n;
		uint64_t h;
	} v[] = {
		{ 0, UINT64_C(0xcacae4705893fbff) },
		{ 4, UINT64_C(0xe991995d39373868) },
		{ 8, UINT64_C(0xda5161b6483126d4) },
		{ 15, UINT64_C(0x1b95557049319b50) },
		{ 16, UINT64_C(0xa814b2341dc95e09) },
		{ 17, UINT64_C(0xef296718b47e4562) },
		{ 20, UINT64_C(0x1234848212181b9a) },
	};
	struct mf_hash_key k;
	uint8_t msg[20], buf[24];
	size_t i;

	(void)state;
	mf_hash_key_fixed(&k);
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	for (i = 0; i < G_N_ELEMENTS(v); i++) {
		assert_int_equal(mf_hash_fast(&k, msg, v[i].n), v[i].h);
		memcpy(buf + 3, msg, v[i].n); /* unaligned: the same */
		assert_int_equal(mf_hash_fast(&k, buf + 3, v[i].n), v[i].h);
	}
	k.k0 ^= 1;
	assert_int_not_equal(mf_hash_fast(&k, msg, 8), v[2].h);
	k.k0 ^= 1;
	k.k1 ^= 1 << 20;
	assert_int_not_equal(mf_hash_fast(&k, msg, 8), v[2].h);
}

/*
 * mf_hash_fast_words() is mf_hash_fast() of the words' little-endian
 * bytes: the vectors above for 8 and 16 bytes, then random words of every
 * count up to 6 (the flow cache's IPv6 key) against the byte version.
 */
static void
test_hash_fast_words(void **state)
{
	const uint64_t w[2] = { UINT64_C(0x0706050403020100),
		UINT64_C(0x0f0e0d0c0b0a0908) };
	struct mf_hash_key k;
	uint64_t r[6];
	uint8_t b[48];
	size_t n, i, j;

	(void)state;
	mf_hash_key_fixed(&k);
	assert_int_equal(mf_hash_fast_words(&k, w, 1),
	    UINT64_C(0xda5161b6483126d4));
	assert_int_equal(mf_hash_fast_words(&k, w, 2),
	    UINT64_C(0xa814b2341dc95e09));
	for (i = 0; i < 1000; i++) {
		for (j = 0; j < 6; j++) {
			r[j] = (uint64_t)g_random_int() << 32 | g_random_int();
			for (n = 0; n < 8; n++)
				b[8 * j + n] = (uint8_t)(r[j] >> (8 * n));
		}
		for (n = 0; n <= 6; n++)
			assert_int_equal(mf_hash_fast_words(&k, r, n),
			    mf_hash_fast(&k, b, 8 * n));
	}
	k.k0 ^= 1;
	assert_int_not_equal(mf_hash_fast_words(&k, w, 1),
	    UINT64_C(0xda5161b6483126d4));
}

/*
 * Keys that differ in one byte (65,536 consecutive IPv4 addresses in
 * 20-byte keys, as the collector's address table holds them) spread over
 * 131,072 buckets about as a random function would: with 0.5 keys a
 * bucket, a Poisson chain longer than 8 has a probability of about 1e-9
 * a bucket, so none is expected.
 */
static void
test_hash_fast_spreads_sequential_keys(void **state)
{
	struct mf_hash_key k;
	uint8_t key[20] = { 4, 10, 0, 0, 0 };
	uint8_t *count = g_new0(uint8_t, 131072);
	unsigned i, longest = 0, used = 0;
	uint32_t b;

	(void)state;
	mf_hash_key_fixed(&k);
	for (i = 0; i < 65536; i++) {
		key[3] = (uint8_t)(i >> 8);
		key[4] = (uint8_t)i;
		b = (uint32_t)mf_hash_fast(&k, key, sizeof(key)) & 131071u;
		if (count[b]++ == 0)
			used++;
		longest = MAX(longest, count[b]);
	}
	g_free(count);
	assert_true(longest <= 8);
	/* Expected 131072 * (1 - e^-0.5) = 51,573 buckets in use. */
	assert_true(used > 50000 && used < 53000);
}

/*
 * SipHash-1-3 of n words 0x0706050403020100, 0x0f0e0d0c0b0a0908, ... (the
 * little-endian bytes 00 01 .. (8n-1)) with key 00 .. 0f: the Python above
 * with one compression round and three final ones, the same function
 * that gives CPython 3.11's hash() of bytes (sys.hash_info.algorithm
 * "siphash13"; with PYTHONHASHSEED=0 its key is zero, and
 * hash(bytes(range(24))) & (2**64 - 1) agreed: 0x31185a47af932f3a).
 */
static void
test_hash_siphash13_words_vectors(void **state)
{
	static const uint64_t want[] = { UINT64_C(0xabac0158050fc4dc),
		UINT64_C(0x369095118d299a8e), UINT64_C(0xcc4fdd1a7d908b66),
		UINT64_C(0xf464aeb267349c8c), UINT64_C(0x81157b6c16a7b60d),
		UINT64_C(0xc1d2363299e41531), UINT64_C(0x9f3143f8df074c46) };
	struct mf_hash_key k = { UINT64_C(0x0706050403020100),
		UINT64_C(0x0f0e0d0c0b0a0908) };
	uint8_t bytes[8 * G_N_ELEMENTS(want)];
	uint64_t w[G_N_ELEMENTS(want)];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)i;
	for (i = 0; i < G_N_ELEMENTS(w); i++)
		w[i] = le64(bytes + 8 * i);
	for (i = 0; i < G_N_ELEMENTS(want); i++)
		assert_int_equal(mf_siphash13_words(&k, w, i), want[i]);
}

static void
test_hash_siphash13_zero_key_matches_cpython(void **state)
{
	struct mf_hash_key k = { 0, 0 };
	uint64_t w[3] = { UINT64_C(0x0706050403020100),
		UINT64_C(0x0f0e0d0c0b0a0908), UINT64_C(0x1716151413121110) };

	(void)state;
	assert_int_equal(mf_siphash13_words(&k, w, 3),
	    UINT64_C(0x31185a47af932f3a));
	k.k0 ^= 1; /* the key matters */
	assert_int_not_equal(mf_siphash13_words(&k, w, 3),
	    UINT64_C(0x31185a47af932f3a));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_siphash_reference_vectors),
		cmocka_unit_test(
		    test_hash_siphash_reference_values_spelled_out),
		cmocka_unit_test(test_hash_siphash_unaligned_input),
		cmocka_unit_test(test_hash_siphash_every_length_and_alignment),
		cmocka_unit_test(test_hash_siphash_from16_is_siphash),
		cmocka_unit_test(test_hash_key_fixed_is_reference_key),
		cmocka_unit_test(test_hash_key_random_differs_between_calls),
		cmocka_unit_test(test_hash_siphash_key_changes_output),
		cmocka_unit_test(test_hash_fast_reference_values),
		cmocka_unit_test(test_hash_fast_words),
		cmocka_unit_test(test_hash_fast_spreads_sequential_keys),
		cmocka_unit_test(test_hash_siphash13_words_vectors),
		cmocka_unit_test(test_hash_siphash13_zero_key_matches_cpython),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
