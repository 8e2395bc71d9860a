/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-test-sortu32"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "common/sortu32.h"

static int
cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

/* Sort n values drawn by draw() both ways and compare. */
static void
check(size_t n, uint32_t (*draw)(GRand *), GRand *r)
{
	uint32_t *a = g_new(uint32_t, n + 1), *b = g_new(uint32_t, n + 1);
	size_t i;

	for (i = 0; i < n; i++)
		a[i] = b[i] = draw(r);
	a[n] = b[n] = 0xdeadbeef; /* past the end: untouched */
	mf_sort_u32(a, n);
	qsort(b, n, sizeof(*b), cmp);
	assert_memory_equal(a, b, (n + 1) * sizeof(*a));
	g_free(a);
	g_free(b);
}

static uint32_t
any(GRand *r)
{
	return g_rand_int(r);
}

/* Table ids: below 2^18, as a table of 262,144 streams gives. */
static uint32_t
ids(GRand *r)
{
	return g_rand_int(r) & 0x3ffff;
}

/* One digit varies: the other passes are skipped. */
static uint32_t
low(GRand *r)
{
	return 0x12345000u | (g_rand_int(r) & 0x7ff);
}

static uint32_t
high(GRand *r)
{
	return (g_rand_int(r) & 0xffc00000u) | 0x1234;
}

/* Small ranges: one or two narrow digits (the counts sized to them). */
static uint32_t
small(GRand *r)
{
	return g_rand_int(r) & 0x1ff;
}

static uint32_t
mid(GRand *r)
{
	return g_rand_int(r) & 0x1fff;
}

/* Many repeats (a slot touched again comes twice in the list). */
static uint32_t
few(GRand *r)
{
	return (uint32_t)g_rand_int_range(r, 0, 5) * 0x01010101u;
}

static void
sorts_as_qsort(void **state)
{
	static uint32_t (*const draws[])(
	    GRand *) = { any, ids, low, high, few, small, mid };
	static const size_t sizes[] = { 0, 1, 2, 3, 47, 48, 49, 100, 2047, 2048,
		2049, 5000, 70000 };
	GRand *r = g_rand_new_with_seed(17);
	size_t d, s;

	(void)state;
	for (d = 0; d < G_N_ELEMENTS(draws); d++)
		for (s = 0; s < G_N_ELEMENTS(sizes); s++)
			check(sizes[s], draws[d], r);
	g_rand_free(r);
}

/* Already sorted, reversed, all equal, the extremes. */
static void
edges(void **state)
{
	uint32_t v[300];
	size_t i;

	(void)state;
	for (i = 0; i < 300; i++)
		v[i] = (uint32_t)(300 - i) * 14316557u;
	mf_sort_u32(v, 300);
	for (i = 1; i < 300; i++)
		assert_true(v[i - 1] <= v[i]);
	mf_sort_u32(v, 300); /* sorted input stays */
	for (i = 1; i < 300; i++)
		assert_true(v[i - 1] < v[i]);
	for (i = 0; i < 300; i++)
		v[i] = i % 2 ? UINT32_MAX : 0;
	mf_sort_u32(v, 300);
	for (i = 0; i < 300; i++)
		assert_int_equal(v[i], i < 150 ? 0 : UINT32_MAX);
	for (i = 0; i < 300; i++)
		v[i] = 7;
	mf_sort_u32(v, 300);
	for (i = 0; i < 300; i++)
		assert_int_equal(v[i], 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sorts_as_qsort),
		cmocka_unit_test(edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
