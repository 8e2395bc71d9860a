/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-test-persec"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "collector/model/classify.h"
#include "collector/model/persec.h"
#include "collector/model/tables.h"

#define S UINT64_C(1700000000000) /* interval start, 2023-11-14 22:13:20 */
#define N 60u                     /* seconds */
#define E (S + N * 1000u)         /* interval end (exclusive) */

static struct col_persec *
persec(uint32_t n)
{
	struct col_persec *p = col_persec_new(n);

	assert_non_null(p);
	col_persec_reset(p, S);
	return p;
}

/* Second i of class k must hold flows/packets/bytes. */
static void
check_second(const struct col_persec *p, enum col_class k, uint32_t i,
    uint64_t flows, uint64_t packets, uint64_t bytes)
{
	struct col_counts c;

	col_persec_get(p, k, i, &c);
	assert_int_equal(c.flows, flows);
	assert_int_equal(c.packets, packets);
	assert_int_equal(c.bytes, bytes);
}

/* Every class but k must be all zero, and k's total must match its sum. */
static void
check_others_zero_and_total(const struct col_persec *p, enum col_class k)
{
	struct col_counts c, t, sum = { 0, 0, 0 };
	uint32_t i;
	int j;

	for (j = 0; j < COL_N_CLASSES; j++) {
		for (i = 0; i < col_persec_seconds(p); i++) {
			col_persec_get(p, (enum col_class)j, i, &c);
			if (j != (int)k) {
				assert_int_equal(c.flows | c.packets | c.bytes,
				    0);
				continue;
			}
			sum.flows += c.flows;
			sum.packets += c.packets;
			sum.bytes += c.bytes;
		}
	}
	col_persec_total(p, k, &t);
	assert_int_equal(t.flows, sum.flows);
	assert_int_equal(t.packets, sum.packets);
	assert_int_equal(t.bytes, sum.bytes);
}

static void
test_persec_new_bounds(void **state)
{
	struct col_persec *p;

	(void)state;
	assert_null(col_persec_new(0));
	assert_null(col_persec_new(COL_PERSEC_MAX_INTERVAL + 1));
	p = col_persec_new(COL_PERSEC_MAX_INTERVAL);
	assert_non_null(p);
	assert_int_equal(col_persec_seconds(p), COL_PERSEC_MAX_INTERVAL);
	col_persec_free(p);
	p = col_persec_new(1);
	assert_non_null(p);
	assert_int_equal(col_persec_seconds(p), 1);
	col_persec_free(p);
	col_persec_free(NULL);
}

static void
test_persec_add_within_one_second(void **state)
{
	struct col_persec *p = persec(N);

	(void)state;
	col_persec_add(p, COL_CLASS_OUT, S + 5100, S + 5900, 1, 7, 700);
	check_second(p, COL_CLASS_OUT, 4, 0, 0, 0);
	check_second(p, COL_CLASS_OUT, 5, 1, 7, 700);
	check_second(p, COL_CLASS_OUT, 6, 0, 0, 0);
	check_others_zero_and_total(p, COL_CLASS_OUT);
	col_persec_free(p);
}

/*
 * [S+500, S+2500): 500, 1000 and 500 ms in seconds 0, 1, 2 (of 2000).
 * Packets 10: exact shares 2.5, 5, 2.5; floors 2+5+2 = 9, one unit left;
 * remainders .5, 0, .5 tie between seconds 0 and 2: the earlier wins,
 * so 3/5/2.  Bytes 1001: shares 250.25, 500.5, 250.25; floors 1000, one
 * left, to the largest remainder (.5, second 1): 250/501/250.  The flow
 * counts in second 2, which holds its end.
 */
static void
test_persec_add_three_seconds_largest_remainder(void **state)
{
	struct col_persec *p = persec(N);

	(void)state;
	col_persec_add(p, COL_CLASS_INWEB, S + 500, S + 2500, 1, 10, 1001);
	check_second(p, COL_CLASS_INWEB, 0, 0, 3, 250);
	check_second(p, COL_CLASS_INWEB, 1, 0, 5, 501);
	check_second(p, COL_CLASS_INWEB, 2, 1, 2, 250);
	check_second(p, COL_CLASS_INWEB, 3, 0, 0, 0);
	check_others_zero_and_total(p, COL_CLASS_INWEB);
	col_persec_free(p);
}

/*
 * Ties: [S+1000, S+5000) covers seconds 1..4 fully; 7 packets are 1.75
 * each: floors 4, three units left, all remainders equal, so the three
 * earliest seconds get them: 2/2/2/1.
 * [S+500, S+3500) weighs 500/1000/1000/500 of 3000; 5 bytes: shares 5/6,
 * 10/6, 10/6, 5/6; floors 0+1+1+0 = 2, three left; remainders 2500,
 * 2000, 2000, 2500 (of 3000): seconds 0 and 3 first (0 before 3), then
 * second 1 before 2: 1/2/1/1.
 */
static void
test_persec_add_remainder_ties_go_to_earlier_seconds(void **state)
{
	struct col_persec *p = persec(N);

	(void)state;
	col_persec_add(p, COL_CLASS_IN, S + 1000, S + 5000, 1, 7, 0);
	check_second(p, COL_CLASS_IN, 0, 0, 0, 0);
	check_second(p, COL_CLASS_IN, 1, 0, 2, 0);
	check_second(p, COL_CLASS_IN, 2, 0, 2, 0);
	check_second(p, COL_CLASS_IN, 3, 0, 2, 0);
	check_second(p, COL_CLASS_IN, 4, 0, 1, 0);
	check_second(p, COL_CLASS_IN, 5, 1, 0, 0);
	col_persec_reset(p, S);
	col_persec_add(p, COL_CLASS_IN, S + 500, S + 3500, 1, 0, 5);
	check_second(p, COL_CLASS_IN, 0, 0, 0, 1);
	check_second(p, COL_CLASS_IN, 1, 0, 0, 2);
	check_second(p, COL_CLASS_IN, 2, 0, 0, 1);
	check_second(p, COL_CLASS_IN, 3, 1, 0, 1);
	check_others_zero_and_total(p, COL_CLASS_IN);
	col_persec_free(p);
}

/*
 * [S, S+3000): three full seconds, 2 packets: 2/3 each, two left, all
 * tied: seconds 0 and 1 (first beats middle beats last).
 * [S+900, S+3100): 100/1000/1000/100 of 2200; 3 packets: floors
 * 0+1+1+0, one left; remainders 300, 800, 800, 300: second 1.
 */
static void
test_persec_add_remainder_middle_beats_edges(void **state)
{
	struct col_persec *p = persec(N);

	(void)state;
	col_persec_add(p, COL_CLASS_OUT, S, S + 3000, 1, 2, 0);
	check_second(p, COL_CLASS_OUT, 0, 0, 1, 0);
	check_second(p, COL_CLASS_OUT, 1, 0, 1, 0);
	check_second(p, COL_CLASS_OUT, 2, 0, 0, 0);
	check_second(p, COL_CLASS_OUT, 3, 1, 0, 0);
	col_persec_reset(p, S);
	col_persec_add(p, COL_CLASS_OUT, S + 900, S + 3100, 1, 3, 0);
	check_second(p, COL_CLASS_OUT, 0, 0, 0, 0);
	check_second(p, COL_CLASS_OUT, 1, 0, 2, 0);
	check_second(p, COL_CLASS_OUT, 2, 0, 1, 0);
	check_second(p, COL_CLASS_OUT, 3, 1, 0, 0);
	check_others_zero_and_total(p, COL_CLASS_OUT);
	col_persec_free(p);
}

/*
 * [S-30000, E+30000): 120000 ms.  Second 0 weighs the 30000 ms before
 * the interval plus its own 1000, second 59 its 1000 plus the 30000
 * after; seconds 1..58 weigh 1000 each.  120 packets: 31, 1 x 58, 31.
 * 1000 bytes: shares 258 1/3, 8 1/3 (x 58), 258 1/3; floors 980, twenty
 * units left, remainders all equal: seconds 0..19 get one each.  The
 * flow counts in second 59 (its end, clipped).
 */
static void
test_persec_add_crossing_interval_start_and_end(void **state)
{
	struct col_persec *p = persec(N);
	uint32_t i;

	(void)state;
	col_persec_add(p, COL_CLASS_EXTERNAL, S - 30000, E + 30000, 1, 120,
	    1000);
	check_second(p, COL_CLASS_EXTERNAL, 0, 0, 31, 259);
	for (i = 1; i < 20; i++)
		check_second(p, COL_CLASS_EXTERNAL, i, 0, 1, 9);
	for (i = 20; i < 59; i++)
		check_second(p, COL_CLASS_EXTERNAL, i, 0, 1, 8);
	check_second(p, COL_CLASS_EXTERNAL, 59, 1, 31, 258);
	check_others_zero_and_total(p, COL_CLASS_EXTERNAL);
	col_persec_free(p);
}

/*
 * [S-2000, S+1500): second 0 weighs 2000 + 1000, second 1 500; 7
 * packets: 6/1.  Flows wholly before or after the interval land in its
 * first or last second.
 */
static void
test_persec_add_outside_parts_go_to_edge_seconds(void **state)
{
	struct col_persec *p = persec(N);

	(void)state;
	col_persec_add(p, COL_CLASS_IN, S - 2000, S + 1500, 1, 7, 70);
	check_second(p, COL_CLASS_IN, 0, 0, 6, 60);
	check_second(p, COL_CLASS_IN, 1, 1, 1, 10);
	col_persec_add(p, COL_CLASS_IN, S - 5000, S - 1000, 1, 3, 30);
	check_second(p, COL_CLASS_IN, 0, 1, 9, 90);
	col_persec_add(p, COL_CLASS_IN, E + 10, E + 20, 1, 4, 40);
	col_persec_add(p, COL_CLASS_IN, E - 500, E + 1500, 1, 4, 40);
	check_second(p, COL_CLASS_IN, 58, 0, 0, 0);
	check_second(p, COL_CLASS_IN, 59, 2, 8, 80);
	check_others_zero_and_total(p, COL_CLASS_IN);
	col_persec_free(p);
}

static void
test_persec_add_zero_duration_at_last_millisecond(void **state)
{
	struct col_persec *p = persec(N);

	(void)state;
	col_persec_add(p, COL_CLASS_INTERNAL, E - 1, E - 1, 1, 5, 500);
	check_second(p, COL_CLASS_INTERNAL, 58, 0, 0, 0);
	check_second(p, COL_CLASS_INTERNAL, 59, 1, 5, 500);
	/* At the interval's end (exclusive) and far beyond: clipped. */
	col_persec_add(p, COL_CLASS_INTERNAL, E, E, 1, 1, 10);
	col_persec_add(p, COL_CLASS_INTERNAL, UINT64_MAX, UINT64_MAX, 1, 1, 1);
	check_second(p, COL_CLASS_INTERNAL, 59, 3, 7, 511);
	/* At its first millisecond, and at time 0 (a 1970 clock). */
	col_persec_add(p, COL_CLASS_INTERNAL, S, S, 1, 2, 20);
	col_persec_add(p, COL_CLASS_INTERNAL, 0, 0, 1, 1, 1);
	check_second(p, COL_CLASS_INTERNAL, 0, 2, 3, 21);
	check_others_zero_and_total(p, COL_CLASS_INTERNAL);
	col_persec_free(p);
}

/*
 * The flow counts in the second of its end; [S+500, S+2000) has no
 * millisecond in second 2, so its packets stay in 0 and 1 (1/2).
 */
static void
test_persec_add_end_on_second_boundary(void **state)
{
	struct col_persec *p = persec(N);

	(void)state;
	col_persec_add(p, COL_CLASS_OUT, S + 500, S + 2000, 1, 3, 0);
	check_second(p, COL_CLASS_OUT, 0, 0, 1, 0);
	check_second(p, COL_CLASS_OUT, 1, 0, 2, 0);
	check_second(p, COL_CLASS_OUT, 2, 1, 0, 0);
	check_others_zero_and_total(p, COL_CLASS_OUT);
	col_persec_free(p);
}

static void
test_persec_add_reversed_times_are_swapped(void **state)
{
	struct col_persec *p = persec(N);
	struct col_persec *q = persec(N);
	uint32_t i;
	struct col_counts a, b;

	(void)state;
	col_persec_add(p, COL_CLASS_OUT, S + 500, S + 2500, 1, 10, 1001);
	col_persec_add(q, COL_CLASS_OUT, S + 2500, S + 500, 1, 10, 1001);
	for (i = 0; i < N; i++) {
		col_persec_get(p, COL_CLASS_OUT, i, &a);
		col_persec_get(q, COL_CLASS_OUT, i, &b);
		assert_memory_equal(&a, &b, sizeof(a));
	}
	col_persec_free(p);
	col_persec_free(q);
}

/* 2^62 bytes, 2^63 packets over exactly 60 s: 1/60 each. */
static void
test_persec_add_huge_values_over_60_seconds(void **state)
{
	struct col_persec *p = persec(N);
	uint64_t bq = UINT64_C(76861433640456465);  /* 2^62 = 60 bq + 4 */
	uint64_t pq = UINT64_C(153722867280912930); /* 2^63 = 60 pq + 8 */
	uint32_t i;

	(void)state;
	col_persec_add(p, COL_CLASS_OUTWEB, S, E, 1, UINT64_C(1) << 63,
	    UINT64_C(1) << 62);
	/* Equal remainders: the first 8 (packets), 4 (bytes) seconds. */
	for (i = 0; i < N; i++)
		check_second(p, COL_CLASS_OUTWEB, i, i == N - 1, pq + (i < 8),
		    bq + (i < 4));
	check_others_zero_and_total(p, COL_CLASS_OUTWEB);
	col_persec_free(p);
}

/*
 * A flow from time 0 (a router clock at 1970) to S+2500: weights S+1000,
 * 1000, 500 of W = S+2500, so v * w needs 128 bits.  Exact shares (by
 * arbitrary-precision arithmetic): for 2^62 floors 4611686014358253187,
 * 2712756477, 1356378238 with remainders 1431754936500, 745496711500,
 * 1222748357000 of W, two units left: seconds 0 and 2.  For 2^64 - 1
 * likewise 18446744057433012750, 10851025910, 5425512955.
 */
static void
test_persec_add_huge_values_long_flow(void **state)
{
	struct col_persec *p = persec(N);

	(void)state;
	col_persec_add(p, COL_CLASS_IN, 0, S + 2500, 1, UINT64_MAX,
	    UINT64_C(1) << 62);
	check_second(p, COL_CLASS_IN, 0, 0, UINT64_C(18446744057433012750),
	    UINT64_C(4611686014358253188));
	check_second(p, COL_CLASS_IN, 1, 0, UINT64_C(10851025910),
	    UINT64_C(2712756477));
	check_second(p, COL_CLASS_IN, 2, 1, UINT64_C(5425512955),
	    UINT64_C(1356378239));
	check_others_zero_and_total(p, COL_CLASS_IN);
	col_persec_free(p);
}

/* A flow over a whole day's interval: exact, and one write per second. */
static void
test_persec_add_spans_max_interval(void **state)
{
	struct col_persec *p = persec(COL_PERSEC_MAX_INTERVAL);
	uint64_t len = (uint64_t)COL_PERSEC_MAX_INTERVAL * 1000u;
	struct col_counts c, sum = { 0, 0, 0 };
	uint32_t i;

	(void)state;
	col_persec_add(p, COL_CLASS_IN, S - 1, S + len + 1, 1, UINT64_MAX,
	    UINT64_MAX - 1);
	for (i = 0; i < COL_PERSEC_MAX_INTERVAL; i++) {
		col_persec_get(p, COL_CLASS_IN, i, &c);
		sum.flows += c.flows;
		sum.packets += c.packets;
		sum.bytes += c.bytes;
	}
	assert_int_equal(sum.flows, 1);
	assert_int_equal(sum.packets, UINT64_MAX);
	assert_int_equal(sum.bytes, UINT64_MAX - 1);
	col_persec_free(p);
}

static void
test_persec_add_reverse_half_adds_no_flow(void **state)
{
	struct col_persec *p = persec(N);

	(void)state;
	col_persec_add(p, COL_CLASS_IN, S + 100, S + 200, 0, 3, 300);
	check_second(p, COL_CLASS_IN, 0, 0, 3, 300);
	check_others_zero_and_total(p, COL_CLASS_IN);
	col_persec_free(p);
}

static void
test_persec_reset_clears_and_moves(void **state)
{
	struct col_persec *p = persec(N);
	struct col_counts t;

	(void)state;
	col_persec_add(p, COL_CLASS_IN, S + 100, S + 200, 1, 3, 300);
	col_persec_reset(p, E);
	check_second(p, COL_CLASS_IN, 0, 0, 0, 0);
	col_persec_total(p, COL_CLASS_IN, &t);
	assert_int_equal(t.flows | t.packets | t.bytes, 0);
	col_persec_add(p, COL_CLASS_IN, E + 2100, E + 2200, 1, 3, 300);
	check_second(p, COL_CLASS_IN, 2, 1, 3, 300);
	col_persec_free(p);
}

/* A start so late that the interval would pass 2^64 ms is pulled back. */
static void
test_persec_reset_start_near_max_is_clamped(void **state)
{
	struct col_persec *p = persec(N);

	(void)state;
	col_persec_reset(p, UINT64_MAX);
	/* Interval [2^64 - 1 - 60000, 2^64 - 1); weights 500, 1000. */
	col_persec_add(p, COL_CLASS_OUT, UINT64_MAX - 1500, UINT64_MAX, 1, 3,
	    30);
	check_second(p, COL_CLASS_OUT, 58, 0, 1, 10);
	check_second(p, COL_CLASS_OUT, 59, 1, 2, 20);
	check_others_zero_and_total(p, COL_CLASS_OUT);
	col_persec_free(p);
}

static void
test_persec_get_out_of_range_is_zero(void **state)
{
	struct col_persec *p = persec(N);
	struct col_counts c;

	(void)state;
	col_persec_add(p, COL_CLASS_IN, E - 1, E - 1, 1, 1, 1);
	memset(&c, 0xff, sizeof(c));
	col_persec_get(p, COL_CLASS_IN, N, &c);
	assert_int_equal(c.flows | c.packets | c.bytes, 0);
	memset(&c, 0xff, sizeof(c));
	col_persec_get(p, COL_N_CLASSES, 0, &c);
	assert_int_equal(c.flows | c.packets | c.bytes, 0);
	memset(&c, 0xff, sizeof(c));
	col_persec_total(p, COL_N_CLASSES, &c);
	assert_int_equal(c.flows | c.packets | c.bytes, 0);
	col_persec_free(p);
}

/* A random time around the interval: mostly near it, sometimes far. */
static uint64_t
rand_time(GRand *r)
{
	switch (g_rand_int_range(r, 0, 8)) {
	case 0:
		return (uint64_t)g_rand_int(r); /* 1970 */
	case 1:
		return E + (uint64_t)g_rand_int(r);
	default:
		return S - 10000 + (uint64_t)g_rand_int_range(r, 0, 80000);
	}
}

/* A random value below 2^bits (bits 0 .. 64). */
static uint64_t
rand_u64(GRand *r, unsigned bits)
{
	uint64_t v = (uint64_t)g_rand_int(r) << 32 | g_rand_int(r);

	if (bits == 0)
		return 0;
	return bits >= 64 ? v : v >> (64 - bits);
}

/*
 * 10000 random flows (fixed seed) over all classes: per class, the sum of
 * the seconds and the total both equal the sum of the inputs, exactly.
 */
static void
test_persec_add_random_flows_sum_exactly(void **state)
{
	struct col_persec *p = persec(N);
	struct col_counts in[COL_N_CLASSES], c, sum;
	GRand *r = g_rand_new_with_seed(20240601);
	uint64_t a, b, pk, by;
	uint32_t i;
	int k;

	(void)state;
	memset(in, 0, sizeof(in));
	for (i = 0; i < 10000; i++) {
		k = g_rand_int_range(r, 0, COL_N_CLASSES);
		a = rand_time(r);
		b = g_rand_int_range(r, 0, 4) == 0 ? a : rand_time(r);
		pk = rand_u64(r, (unsigned)g_rand_int_range(r, 0, 41));
		by = rand_u64(r, (unsigned)g_rand_int_range(r, 0, 49));
		col_persec_add(p, (enum col_class)k, a, b, 1, pk, by);
		in[k].flows++;
		in[k].packets += pk;
		in[k].bytes += by;
	}
	for (k = 0; k < COL_N_CLASSES; k++) {
		memset(&sum, 0, sizeof(sum));
		for (i = 0; i < N; i++) {
			col_persec_get(p, (enum col_class)k, i, &c);
			sum.flows += c.flows;
			sum.packets += c.packets;
			sum.bytes += c.bytes;
		}
		assert_memory_equal(&sum, &in[k], sizeof(sum));
		col_persec_total(p, (enum col_class)k, &c);
		assert_memory_equal(&c, &in[k], sizeof(c));
	}
	g_rand_free(r);
	col_persec_free(p);
}

#ifdef __SIZEOF_INT128__
/*
 * The rule written out plainly, with 128-bit arithmetic: each millisecond
 * t of [a, b) belongs to second clamp((t - S) / 1000, 0, N - 1); shares
 * by Hamilton's method, picking the largest remainder left each time
 * (the earliest second on a tie).
 */
static void
reference(uint64_t a, uint64_t b, uint64_t v, uint64_t out[N])
{
	uint64_t w[N], q[N], rem[N], lo, hi, left, total = b - a;
	gboolean got[N];
	uint32_t i, best;

	memset(out, 0, N * sizeof(*out));
	memset(got, 0, sizeof(got));
	for (i = 0; i < N; i++) {
		lo = i == 0 ? 0 : S + i * 1000u;
		hi = i == N - 1 ? UINT64_MAX : S + (i + 1u) * 1000u;
		lo = MAX(lo, a);
		hi = MIN(hi, b);
		w[i] = hi > lo ? hi - lo : 0;
		q[i] = (uint64_t)((unsigned __int128)v * w[i] / total);
		rem[i] = (uint64_t)((unsigned __int128)v * w[i] % total);
		out[i] = q[i];
	}
	for (left = v, i = 0; i < N; i++)
		left -= q[i];
	for (; left > 0; left--) {
		for (best = N, i = 0; i < N; i++)
			if (!got[i] && (best == N || rem[i] > rem[best]))
				best = i;
		got[best] = TRUE;
		out[best]++;
	}
}
#endif

/* 3000 random flows, one at a time, each second against reference(). */
static void
test_persec_add_matches_reference(void **state)
{
#ifdef __SIZEOF_INT128__
	struct col_persec *p = persec(N);
	GRand *r = g_rand_new_with_seed(7);
	uint64_t a, b, v, want[N];
	struct col_counts c;
	uint32_t i, j;

	(void)state;
	for (j = 0; j < 3000; j++) {
		a = rand_time(r);
		b = rand_time(r);
		if (a == b)
			continue;
		if (a > b) {
			v = a;
			a = b;
			b = v;
		}
		v = rand_u64(r, (unsigned)g_rand_int_range(r, 1, 65));
		col_persec_reset(p, S);
		col_persec_add(p, COL_CLASS_OUT, a, b, 0, 0, v);
		reference(a, b, v, want);
		for (i = 0; i < N; i++) {
			col_persec_get(p, COL_CLASS_OUT, i, &c);
			assert_int_equal(c.bytes, want[i]);
		}
	}
	g_rand_free(r);
	col_persec_free(p);
#else
	(void)state;
	skip();
#endif
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_persec_new_bounds),
		cmocka_unit_test(test_persec_add_within_one_second),
		cmocka_unit_test(
		    test_persec_add_three_seconds_largest_remainder),
		cmocka_unit_test(
		    test_persec_add_remainder_ties_go_to_earlier_seconds),
		cmocka_unit_test(test_persec_add_remainder_middle_beats_edges),
		cmocka_unit_test(
		    test_persec_add_crossing_interval_start_and_end),
		cmocka_unit_test(
		    test_persec_add_outside_parts_go_to_edge_seconds),
		cmocka_unit_test(
		    test_persec_add_zero_duration_at_last_millisecond),
		cmocka_unit_test(test_persec_add_end_on_second_boundary),
		cmocka_unit_test(test_persec_add_reversed_times_are_swapped),
		cmocka_unit_test(test_persec_add_huge_values_over_60_seconds),
		cmocka_unit_test(test_persec_add_huge_values_long_flow),
		cmocka_unit_test(test_persec_add_spans_max_interval),
		cmocka_unit_test(test_persec_add_reverse_half_adds_no_flow),
		cmocka_unit_test(test_persec_reset_clears_and_moves),
		cmocka_unit_test(test_persec_reset_start_near_max_is_clamped),
		cmocka_unit_test(test_persec_get_out_of_range_is_zero),
		cmocka_unit_test(test_persec_add_random_flows_sum_exactly),
		cmocka_unit_test(test_persec_add_matches_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
