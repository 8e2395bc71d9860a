/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * collector/ingest/rxring.c: the receive ring keeps datagrams whole and in
 * order across its end, refuses (never overwrites) what does not fit, and
 * hands one producer thread's datagrams to one consumer without loss or
 * reordering: what was queued plus what was refused is what was pushed.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "collector/ingest/rxring.h"

#define RING (128u << 10)

/* Datagram number i: its length, bytes and meta, all derived from i. */
static uint32_t
len_of(uint32_t i)
{
	return 4 + (i * 7919u) % 1497u; /* 4 .. 1500 */
}

static void
make(uint32_t i, struct col_rxring_meta *m, uint8_t *d)
{
	uint32_t k;

	memset(m, 0, sizeof(*m));
	m->peer.family = MF_AF_INET;
	memcpy(m->peer.b, &i, sizeof(i));
	m->port = (uint16_t)(i * 3u);
	m->sock = (uint16_t)(i % 24u);
	m->len = len_of(i);
	memcpy(d, &i, sizeof(i));
	for (k = 4; k < m->len; k++)
		d[k] = (uint8_t)(i + k);
}

/* The oldest datagram is number i, whole; then pop it. */
static void
expect(struct col_rxring *r, uint32_t i)
{
	struct col_rxring_meta m, want;
	uint8_t d[1500];
	const uint8_t *got = col_rxring_peek(r, &m);

	make(i, &want, d);
	assert_non_null(got);
	assert_int_equal(m.len, want.len);
	assert_int_equal(m.port, want.port);
	assert_int_equal(m.sock, want.sock);
	assert_memory_equal(&m.peer, &want.peer, sizeof(m.peer));
	assert_memory_equal(got, d, want.len);
	col_rxring_pop(r);
}

static void
test_rxring_new_bounds(void **state)
{
	struct col_rxring *r;

	(void)state;
	assert_null(col_rxring_new(COL_RXRING_MIN - 1));
	assert_null(col_rxring_new((size_t)COL_RXRING_MAX + 1));
	r = col_rxring_new(RING + 1);
	assert_non_null(r);
	assert_int_equal(col_rxring_size(r), RING + 8);
	col_rxring_free(r);
	col_rxring_free(NULL);
}

/*
 * 1000-byte datagrams take 1032 bytes each (a 32-byte header): 127 fit in
 * 131072 bytes and leave 8 at the end; the 128th is refused.  One popped
 * frees 1032: with the 8 at the end, just enough for the next to skip the
 * end (an entry never wraps) and go to the start; then full again.
 */
static void
test_rxring_full_refuses_and_wraps(void **state)
{
	struct col_rxring *r = col_rxring_new(RING);
	struct col_rxring_meta m;
	uint8_t d[1000];
	uint32_t i, n = 0;

	(void)state;
	assert_null(col_rxring_peek(r, &m));
	memset(&m, 0, sizeof(m));
	m.len = sizeof(d);
	for (i = 0; i < 200; i++) {
		m.port = (uint16_t)i;
		memset(d, (int)i, sizeof(d));
		if (!col_rxring_push(r, &m, d))
			break;
		n++;
	}
	assert_int_equal(n, 127);
	assert_non_null(col_rxring_peek(r, &m));
	assert_int_equal(m.port, 0);
	col_rxring_pop(r);
	m.port = 500;
	memset(d, 0x5a, sizeof(d));
	assert_true(col_rxring_push(r, &m, d));
	m.port = 501;
	assert_false(col_rxring_push(r, &m, d));
	/* The rest in order, then the one that went to the start. */
	for (i = 1; i < 127; i++) {
		const uint8_t *got = col_rxring_peek(r, &m);

		assert_non_null(got);
		assert_int_equal(m.port, i);
		assert_int_equal(got[999], (uint8_t)i);
		col_rxring_pop(r);
	}
	assert_int_equal(col_rxring_peek(r, &m)[0], 0x5a);
	assert_int_equal(m.port, 500);
	col_rxring_pop(r);
	assert_null(col_rxring_peek(r, &m));
	m.len = 65536;
	assert_false(col_rxring_push(r, &m, d));
	col_rxring_free(r);
}

/* Many laps of the ring, one at a time: every datagram comes back whole. */
static void
test_rxring_laps_keep_datagrams_whole(void **state)
{
	struct col_rxring *r = col_rxring_new(RING);
	struct col_rxring_meta m;
	uint8_t d[1500];
	uint32_t i, next = 0;

	(void)state;
	for (i = 0; i < 20000; i++) {
		make(i, &m, d);
		while (!col_rxring_push(r, &m, d))
			expect(r, next++);
	}
	while (next < 20000)
		expect(r, next++);
	assert_null(col_rxring_peek(r, &m));
	col_rxring_free(r);
}

#define N_THREADED 300000u

struct producer {
	struct col_rxring *r;
	uint32_t refused;
	uint8_t *queued; /* queued[i]: datagram i was queued */
	gint finished;
};

static gpointer
produce(gpointer data)
{
	struct producer *p = data;
	struct col_rxring_meta m;
	uint8_t d[1500];
	uint32_t i;

	for (i = 0; i < N_THREADED; i++) {
		make(i, &m, d);
		if (col_rxring_push(p->r, &m, d))
			p->queued[i] = 1;
		else
			p->refused++;
	}
	g_atomic_int_set(&p->finished, 1);
	return NULL;
}

/* Take the oldest datagram, check it is whole; its number. */
static uint32_t
take_checked(struct col_rxring *r)
{
	struct col_rxring_meta m, want;
	uint8_t d[1500];
	const uint8_t *got = col_rxring_peek(r, &m);
	uint32_t i;

	assert_non_null(got);
	memcpy(&i, got, sizeof(i));
	assert_true(i < N_THREADED);
	make(i, &want, d);
	assert_int_equal(m.len, want.len);
	assert_int_equal(m.port, want.port);
	assert_memory_equal(got, d, want.len);
	col_rxring_pop(r);
	return i;
}

/*
 * A producer thread as fast as it can, the consumer checking each
 * datagram: those queued come out whole and in order, and queued plus
 * refused is all that was pushed.
 */
static void
test_rxring_threads_queued_plus_refused_is_pushed(void **state)
{
	struct producer p = { col_rxring_new(RING), 0,
		g_new0(uint8_t, N_THREADED), 0 };
	struct col_rxring_meta m;
	GThread *t;
	uint32_t i, consumed = 0, queued = 0;
	int64_t last = -1;

	(void)state;
	t = g_thread_new("producer", produce, &p);
	for (;;) {
		if (col_rxring_peek(p.r, &m) == NULL) {
			if (g_atomic_int_get(&p.finished))
				break;
			continue;
		}
		i = take_checked(p.r);
		assert_true((int64_t)i > last);
		last = i;
		consumed++;
	}
	g_thread_join(t);
	/* Pushed between the last look and the flag. */
	while (col_rxring_peek(p.r, &m) != NULL) {
		i = take_checked(p.r);
		assert_true((int64_t)i > last);
		last = i;
		consumed++;
	}
	for (i = 0; i < N_THREADED; i++)
		queued += p.queued[i];
	assert_int_equal(consumed, queued);
	assert_int_equal(queued + p.refused, N_THREADED);
	assert_true(consumed > 0);
	g_free(p.queued);
	col_rxring_free(p.r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rxring_new_bounds),
		cmocka_unit_test(test_rxring_full_refuses_and_wraps),
		cmocka_unit_test(test_rxring_laps_keep_datagrams_whole),
		cmocka_unit_test(
		    test_rxring_threads_queued_plus_refused_is_pushed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
