/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-replay"

/* --replay-speed's arithmetic: new times, waits and the replay's clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <glib.h>

#include "exporter/replay.h"

/* Real time: gaps kept; the first packet is due at once, at "now". */
static void
test_replay_time_speed_one_keeps_gaps(void **state)
{
	struct exp_replay r;
	uint64_t wait;

	(void)state;
	exp_replay_init(&r, 1);
	assert_int_equal(exp_replay_time(&r, 1000000, 5000000, 700, &wait),
	    5000000);
	assert_int_equal(wait, 0);
	/* 2.5 s later in the file, read 1 ms later: wait 2.499 s */
	assert_int_equal(exp_replay_time(&r, 1002500, 5000001, 1700, &wait),
	    5002500);
	assert_int_equal(wait, 2499000);
	/* read late: due at once, still its own time */
	assert_int_equal(exp_replay_time(&r, 1003000, 5009000, 9000700, &wait),
	    5003000);
	assert_int_equal(wait, 0);
	assert_int_equal(exp_replay_now(&r, 700 + 4000000), 5004000);
}

/* Speed 10: gaps and times divided by 10; older packets due at once. */
static void
test_replay_time_speed_ten_and_out_of_order(void **state)
{
	struct exp_replay r;
	uint64_t wait;

	(void)state;
	exp_replay_init(&r, 10);
	assert_int_equal(exp_replay_time(&r, 2000, 100000, 0, &wait), 100000);
	assert_int_equal(exp_replay_time(&r, 12000, 100000, 0, &wait), 101000);
	assert_int_equal(wait, 1000000);
	assert_int_equal(exp_replay_time(&r, 1500, 100000, 0, &wait), 100000);
	assert_int_equal(wait, 0);
	assert_int_equal(exp_replay_now(&r, 500000), 105000);
	assert_int_equal(exp_replay_now(&r, 0), 100000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_time_speed_one_keeps_gaps),
		cmocka_unit_test(test_replay_time_speed_ten_and_out_of_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
