/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-test-table"

/*
 * The bounded table: capacity, oldest-first eviction (touch makes an
 * entry the newest), removal and reuse, zeroed entries, the counters, and
 * long chains; the insert that does not zero.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "common/hash.h"
#include "common/table.h"

struct ent {
	uint32_t key;
	uint32_t val;
};

static void
table_new(struct mf_table *t, size_t cap)
{
	struct mf_hash_key seed;

	mf_hash_key_fixed(&seed);
	mf_table_init(t, cap, sizeof(struct ent), sizeof(uint32_t), &seed);
}

static uint32_t
find(const struct mf_table *t, uint32_t key)
{
	return mf_table_find(t, &key, mf_table_bucket(t, &key));
}

static uint32_t
insert(struct mf_table *t, uint32_t key, uint32_t val)
{
	uint32_t i = mf_table_insert(t, &key, mf_table_bucket(t, &key));
	struct ent *e = mf_table_entry(t, i);

	assert_int_equal(e->key, key);
	assert_int_equal(e->val, 0); /* zeroed, even when reused */
	e->val = val;
	return i;
}

static uint32_t
val_of(const struct mf_table *t, uint32_t key)
{
	uint32_t i = find(t, key);

	assert_int_not_equal(i, MF_TABLE_NIL);
	return ((const struct ent *)mf_table_entry(t, i))->val;
}

static void
test_table_full_evicts_oldest(void **state)
{
	struct mf_table t;
	uint32_t k;

	(void)state;
	table_new(&t, 4);
	assert_int_equal(mf_table_oldest(&t), MF_TABLE_NIL);
	for (k = 1; k <= 4; k++)
		insert(&t, k, 100 + k);
	assert_int_equal(t.stats.used, 4);
	assert_int_equal(t.stats.evicted, 0);
	for (k = 1; k <= 4; k++)
		assert_int_equal(val_of(&t, k), 100 + k);

	insert(&t, 5, 105); /* evicts 1, the oldest */
	assert_int_equal(find(&t, 1), MF_TABLE_NIL);
	assert_int_equal(val_of(&t, 5), 105);
	assert_int_equal(t.stats.evicted, 1);
	assert_int_equal(t.stats.used, 4);

	mf_table_touch(&t, find(&t, 2)); /* 2 becomes the newest */
	insert(&t, 6, 106);              /* evicts 3 */
	assert_int_equal(find(&t, 3), MF_TABLE_NIL);
	assert_int_equal(val_of(&t, 2), 102);
	assert_int_equal(
	    ((const struct ent *)mf_table_entry(&t, mf_table_oldest(&t)))->key,
	    4);
	assert_int_equal(t.stats.evicted, 2);
	assert_int_equal(t.stats.inserted, 6);
	assert_int_equal(t.stats.peak, 4);
	mf_table_fini(&t);
}

static void
test_table_remove_frees_a_slot(void **state)
{
	struct mf_table t;

	(void)state;
	table_new(&t, 3);
	insert(&t, 10, 1);
	insert(&t, 20, 2);
	insert(&t, 30, 3);
	mf_table_remove(&t, find(&t, 20));
	assert_int_equal(t.stats.used, 2);
	assert_int_equal(find(&t, 20), MF_TABLE_NIL);
	insert(&t, 40, 4); /* the freed slot: nothing evicted */
	assert_int_equal(t.stats.evicted, 0);
	assert_int_equal(val_of(&t, 10), 1);
	assert_int_equal(val_of(&t, 30), 3);
	assert_int_equal(val_of(&t, 40), 4);
	/* Remove the oldest and the newest: the age list stays whole. */
	mf_table_remove(&t, find(&t, 10));
	mf_table_remove(&t, find(&t, 40));
	assert_int_equal(mf_table_oldest(&t), find(&t, 30));
	mf_table_remove(&t, find(&t, 30));
	assert_int_equal(mf_table_oldest(&t), MF_TABLE_NIL);
	assert_int_equal(t.stats.used, 0);
	assert_int_equal(t.stats.peak, 3);
	mf_table_fini(&t);
}

/* Many keys in 2 * cap buckets: every one is found through its chain. */
static void
test_table_chains_and_turnover(void **state)
{
	struct mf_table t;
	uint32_t k;

	(void)state;
	table_new(&t, 1000);
	for (k = 0; k < 1000; k++)
		insert(&t, k * 7919, k);
	for (k = 0; k < 1000; k++)
		assert_int_equal(val_of(&t, k * 7919), k);
	for (k = 1000; k < 2000; k++)
		insert(&t, k * 7919, k);
	for (k = 0; k < 1000; k++)
		assert_int_equal(find(&t, k * 7919), MF_TABLE_NIL);
	for (k = 1000; k < 2000; k++)
		assert_int_equal(val_of(&t, k * 7919), k);
	assert_int_equal(t.stats.evicted, 1000);
	assert_int_equal(t.stats.used, 1000);
	mf_table_fini(&t);
}

/*
 * mf_table_insert_raw() is insert without the zeroing: the same slot,
 * chain, age and counters (the slot a full table frees is the oldest's),
 * and the body is what the last entry there left.
 */
static void
test_table_insert_raw(void **state)
{
	struct mf_table t;
	uint32_t i, j, k = 3;
	struct ent *e;

	(void)state;
	table_new(&t, 2);
	insert(&t, 1, 101);
	insert(&t, 2, 102);
	i = find(&t, 1);
	j = mf_table_insert_raw(&t, &k, mf_table_bucket(&t, &k));
	assert_int_equal(j, i); /* 1, the oldest, evicted; its slot taken */
	e = mf_table_entry(&t, j);
	assert_int_equal(e->key, 3);
	assert_int_equal(e->val, 101); /* not zeroed */
	assert_int_equal(find(&t, 1), MF_TABLE_NIL);
	assert_int_equal(find(&t, 3), j);
	assert_int_equal(val_of(&t, 2), 102);
	assert_int_equal(mf_table_oldest(&t), find(&t, 2));
	assert_int_equal(t.stats.inserted, 3);
	assert_int_equal(t.stats.evicted, 1);
	assert_int_equal(t.stats.used, 2);
	assert_int_equal(t.stats.peak, 2);
	mf_table_fini(&t);
}

static void
test_table_memory(void **state)
{
	(void)state;
	/* 4 entries of 8 bytes, 16 bytes of links each, 8 buckets of 4. */
	assert_int_equal(mf_table_memory(4, 8), 4 * (8 + 16) + 8 * 4);
	assert_int_equal(sizeof(struct mf_table_link), 16);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_full_evicts_oldest),
		cmocka_unit_test(test_table_remove_frees_a_slot),
		cmocka_unit_test(test_table_chains_and_turnover),
		cmocka_unit_test(test_table_insert_raw),
		cmocka_unit_test(test_table_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
