/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-test-topn"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "collector/model/topn.h"

/* Ten items; bytes tie at 300 four ways, two of them on packets too. */
static const struct col_topn_item ten[] = {
	{ 1, 100, 9, 1 },
	{ 2, 300, 3, 2 },
	{ 3, 300, 5, 3 },
	{ 4, 300, 7, 4 },
	{ 5, 50, 1, 5 },
	{ 6, 300, 7, 6 },
	{ 7, 200, 100, 7 },
	{ 8, 0, 0, 8 },
	{ 9, 299, 1000, 9 },
	{ 10, 100, 9, 10 },
};

/* ten[] ranked: 300/7 (ids 4, 6), 300/5, 300/3, 299, 200, 100/9 x 2... */
static const uint32_t ten_ranked[] = { 4, 6, 3, 2, 9, 7, 1, 10, 5, 8 };

/* The first n ids of items must be want[0 .. n). */
static void
check_ids(const struct col_topn_item *items, const uint32_t *want, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		assert_int_equal(items[i].id, want[i]);
}

/* Every item of items is one of ten[], whole (fields move together). */
static void
check_intact(const struct col_topn_item *items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		assert_in_range(items[i].id, 1, G_N_ELEMENTS(ten));
		assert_memory_equal(&items[i], &ten[items[i].id - 1],
		    sizeof(items[i]));
	}
}

static void
test_topn_select_top3_of_10_ties(void **state)
{
	struct col_topn_item items[G_N_ELEMENTS(ten)];

	(void)state;
	memcpy(items, ten, sizeof(ten));
	assert_int_equal(col_topn_select(items, G_N_ELEMENTS(items), 3), 3);
	check_ids(items, ten_ranked, 3);
	check_intact(items, G_N_ELEMENTS(items));
}

static void
test_topn_select_n_below_top_sorts_all(void **state)
{
	struct col_topn_item items[G_N_ELEMENTS(ten)];

	(void)state;
	memcpy(items, ten, sizeof(ten));
	assert_int_equal(col_topn_select(items, G_N_ELEMENTS(items), 20),
	    G_N_ELEMENTS(ten));
	check_ids(items, ten_ranked, G_N_ELEMENTS(ten));
	memcpy(items, ten, sizeof(ten));
	assert_int_equal(col_topn_select(items, G_N_ELEMENTS(items),
	                     G_N_ELEMENTS(ten)),
	    G_N_ELEMENTS(ten));
	check_ids(items, ten_ranked, G_N_ELEMENTS(ten));
}

static void
test_topn_select_top0_leaves_items(void **state)
{
	struct col_topn_item items[G_N_ELEMENTS(ten)];

	(void)state;
	memcpy(items, ten, sizeof(ten));
	assert_int_equal(col_topn_select(items, G_N_ELEMENTS(items), 0), 0);
	assert_memory_equal(items, ten, sizeof(ten));
	assert_int_equal(col_topn_select(NULL, 0, 5), 0);
}

static void
test_topn_select_one_item(void **state)
{
	struct col_topn_item items[G_N_ELEMENTS(ten)];

	(void)state;
	memcpy(items, ten, sizeof(ten));
	assert_int_equal(col_topn_select(items, 1, 5), 1);
	assert_memory_equal(items, ten, sizeof(ten));
	assert_int_equal(col_topn_select(items, G_N_ELEMENTS(items), 1), 1);
	assert_int_equal(items[0].id, 4);
	check_intact(items, G_N_ELEMENTS(items));
}

static void
test_topn_select_sorted_input(void **state)
{
	struct col_topn_item items[G_N_ELEMENTS(ten)];
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(ten); i++)
		items[i] = ten[ten_ranked[i] - 1];
	assert_int_equal(col_topn_select(items, G_N_ELEMENTS(items), 4), 4);
	check_ids(items, ten_ranked, 4);
	check_intact(items, G_N_ELEMENTS(items));
}

static void
test_topn_select_reversed_input(void **state)
{
	struct col_topn_item items[G_N_ELEMENTS(ten)];
	size_t i, n = G_N_ELEMENTS(ten);

	(void)state;
	for (i = 0; i < n; i++)
		items[i] = ten[ten_ranked[n - 1 - i] - 1];
	assert_int_equal(col_topn_select(items, n, 4), 4);
	check_ids(items, ten_ranked, 4);
	check_intact(items, n);
}

static int
cmp_rank(const void *x, const void *y)
{
	const struct col_topn_item *a = x, *b = y;

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	if (a->packets != b->packets)
		return a->packets > b->packets ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/*
 * 500 items with many ties (bytes and packets from small ranges), in 50
 * shuffles (fixed seed): for each top, the same ids as a full qsort.
 */
static void
test_topn_select_matches_full_sort_for_any_order(void **state)
{
	static const size_t tops[] = { 1, 2, 7, 20, 499, 500, 501 };
	struct col_topn_item all[500], sorted[500], items[500], t;
	GRand *r = g_rand_new_with_seed(42);
	size_t i, j, s, n = G_N_ELEMENTS(all);

	(void)state;
	for (i = 0; i < n; i++) {
		all[i].id = (uint32_t)(1000 - i);
		all[i].bytes = (uint64_t)g_rand_int_range(r, 0, 20);
		all[i].packets = (uint64_t)g_rand_int_range(r, 0, 5);
		all[i].flows = i;
	}
	memcpy(sorted, all, sizeof(all));
	qsort(sorted, n, sizeof(sorted[0]), cmp_rank);
	for (s = 0; s < 50; s++) {
		for (i = n - 1; i > 0; i--) {
			j = (size_t)g_rand_int_range(r, 0, (gint32)i + 1);
			t = all[i];
			all[i] = all[j];
			all[j] = t;
		}
		for (i = 0; i < G_N_ELEMENTS(tops); i++) {
			memcpy(items, all, sizeof(all));
			assert_int_equal(col_topn_select(items, n, tops[i]),
			    MIN(n, tops[i]));
			assert_memory_equal(items, sorted,
			    MIN(n, tops[i]) * sizeof(items[0]));
		}
	}
	g_rand_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_topn_select_top3_of_10_ties),
		cmocka_unit_test(test_topn_select_n_below_top_sorts_all),
		cmocka_unit_test(test_topn_select_top0_leaves_items),
		cmocka_unit_test(test_topn_select_one_item),
		cmocka_unit_test(test_topn_select_sorted_input),
		cmocka_unit_test(test_topn_select_reversed_input),
		cmocka_unit_test(
		    test_topn_select_matches_full_sort_for_any_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
