/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * collector/output/fwdqueue.c: the forwarding queue keeps messages whole
 * and in order across the ring's end, drops the oldest to make room, and
 * the pacer lets rate messages a second through in bursts of 20 ms.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "collector/output/fwdqueue.h"

/* A message of len bytes, all of them tag. */
static void
fill(uint8_t *m, size_t len, uint8_t tag)
{
	memset(m, tag, len);
}

static void
assert_head(struct col_fwdqueue *q, size_t len, uint8_t tag)
{
	const uint8_t *m;
	size_t got = 0, i;

	m = col_fwdqueue_peek(q, &got);
	assert_non_null(m);
	assert_int_equal(got, len);
	for (i = 0; i < len; i++)
		assert_int_equal(m[i], tag);
}

static void
test_fwdqueue_order_wrap_and_drop_oldest(void **state)
{
	struct col_fwdqueue *q = col_fwdqueue_new(COL_FWDQUEUE_MIN_BYTES);
	uint8_t m[20000];
	int i;

	(void)state;
	assert_null(col_fwdqueue_peek(q, &(size_t){ 0 }));
	/* Three of 20000 (+2) fit in 65536; the fourth drops the first. */
	for (i = 0; i < 3; i++) {
		fill(m, sizeof(m), (uint8_t)(i + 1));
		assert_int_equal(col_fwdqueue_push(q, m, sizeof(m)), 0);
	}
	assert_false(col_fwdqueue_fits(q, sizeof(m)));
	fill(m, sizeof(m), 4);
	assert_int_equal(col_fwdqueue_push(q, m, sizeof(m)), 1);
	assert_int_equal(col_fwdqueue_count(q), 3);
	assert_head(q, sizeof(m), 2);
	/* Popping and pushing walks the ring past its end: each message
	 * comes back whole (through the scratch copy when it wraps). */
	for (i = 5; i < 40; i++) {
		col_fwdqueue_pop(q);
		fill(m, sizeof(m), (uint8_t)i);
		assert_int_equal(col_fwdqueue_push(q, m, sizeof(m)), 0);
		assert_head(q, sizeof(m), (uint8_t)(i - 2));
	}
	assert_int_equal(col_fwdqueue_bytes(q), 3 * (sizeof(m) + 2));
	/* Never: empty, too big. */
	assert_int_equal(col_fwdqueue_push(q, m, 0), -1);
	assert_int_equal(col_fwdqueue_push(q, m, 65536), -1);
	assert_int_equal(col_fwdqueue_clear(q), 3);
	assert_int_equal(col_fwdqueue_count(q), 0);
	col_fwdqueue_pop(q); /* empty: nothing */
	/* Small ones, many. */
	for (i = 0; i < 1000; i++) {
		fill(m, 100, (uint8_t)i);
		assert_true(col_fwdqueue_push(q, m, 100) >= 0);
	}
	/* 65536 / 102 = 642 of the last ones stay. */
	assert_int_equal(col_fwdqueue_count(q), 642);
	assert_head(q, 100, (uint8_t)(1000 - 642));
	col_fwdqueue_free(q);
	col_fwdqueue_free(NULL);
}

static void
test_fwdqueue_pacer(void **state)
{
	struct col_pacer p;
	uint64_t t = 1000000;
	int n = 0, i;

	(void)state;
	/* 1000 a second: a burst of 20, then one a millisecond. */
	col_pacer_init(&p, 1000, t);
	while (col_pacer_take(&p, t))
		n++;
	assert_int_equal(n, 20);
	assert_true(col_pacer_wait_us(&p, t) > 0);
	assert_true(col_pacer_wait_us(&p, t) <= 1001);
	for (i = 0, n = 0; i < 1000; i++, t += 100) /* 100 ms */
		n += col_pacer_take(&p, t) ? 1 : 0;
	assert_true(n >= 99 && n <= 101);
	/* Idle for a second: still a burst of 20 at most. */
	t += 1000000;
	for (n = 0; col_pacer_take(&p, t); n++)
		;
	assert_int_equal(n, 20);
	/* Unpaced: always. */
	col_pacer_init(&p, 0, t);
	for (i = 0; i < 100000; i++)
		assert_true(col_pacer_take(&p, t));
	assert_int_equal(col_pacer_wait_us(&p, t), 0);
	/* Very slow: a burst of one. */
	col_pacer_init(&p, 1, t);
	assert_true(col_pacer_take(&p, t));
	assert_false(col_pacer_take(&p, t + 500000));
	assert_true(col_pacer_take(&p, t + 1000000));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fwdqueue_order_wrap_and_drop_oldest),
		cmocka_unit_test(test_fwdqueue_pacer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
