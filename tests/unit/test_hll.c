/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-test-hll"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <cmocka.h>

#include "collector/analytics/hll.h"
#include "common/hash.h"

static uint64_t
item_hash(uint32_t i)
{
	struct mf_hash_key k;

	mf_hash_key_fixed(&k);
	return mf_siphash(&k, &i, sizeof(i));
}

static uint32_t
count_of(uint32_t n, uint32_t repeats)
{
	struct col_hll h;
	uint32_t i, r;

	col_hll_clear(&h);
	for (r = 0; r < repeats; r++)
		for (i = 0; i < n; i++)
			col_hll_add(&h, item_hash(i));
	return col_hll_count(&h);
}

static void
test_hll_count_empty_is_zero(void **state)
{
	(void)state;
	assert_int_equal(count_of(0, 1), 0);
}

static void
test_hll_count_exact_up_to_32_with_duplicates(void **state)
{
	uint32_t n;

	(void)state;
	for (n = 1; n <= COL_HLL_EXACT; n++)
		assert_int_equal(count_of(n, 3), n);
}

static void
test_hll_count_sketch_never_below_exact_limit(void **state)
{
	(void)state;
	assert_in_range(count_of(COL_HLL_EXACT + 1, 2), COL_HLL_EXACT + 1,
	    COL_HLL_EXACT + 4);
}

/* 128 registers: standard error about 9 %; allow three of them. */
static void
test_hll_count_large_within_error(void **state)
{
	static const uint32_t sizes[] = { 100, 1000, 10000, 100000 };
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(sizes); i++) {
		uint32_t c = count_of(sizes[i], 1);

		assert_in_range(c, sizes[i] * 73 / 100, sizes[i] * 127 / 100);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hll_count_empty_is_zero),
		cmocka_unit_test(test_hll_count_exact_up_to_32_with_duplicates),
		cmocka_unit_test(test_hll_count_sketch_never_below_exact_limit),
		cmocka_unit_test(test_hll_count_large_within_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
