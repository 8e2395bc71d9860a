/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "common/addr.h"
#include "exporter/frag.h"

static struct exp_frag *
new_table(size_t max)
{
	struct mf_hash_key k;
	struct exp_frag *t;

	mf_hash_key_fixed(&k);
	t = exp_frag_new(max, &k, NULL);
	assert_non_null(t);
	return t;
}

/* A UDP fragment from 10.0.0.<host>, IPv4 id, first or not, at t ms. */
static struct exp_pkt
frag(uint8_t host, uint32_t id, int first, uint64_t t)
{
	struct exp_pkt p;
	const uint8_t s[4] = { 10, 0, 0, host }, d[4] = { 192, 0, 2, 1 };

	memset(&p, 0, sizeof(p));
	mf_addr_set4(&p.src, s);
	mf_addr_set4(&p.dst, d);
	p.proto = 17;
	p.is_frag = 1;
	p.frag_first = first ? 1 : 0;
	p.frag_id = id;
	p.ts_ms = t;
	if (first) {
		p.sport = 5353;
		p.dport = 53;
	}
	return p;
}

static void
test_frag_process_later_fragment_gets_ports(void **state)
{
	struct exp_frag *t = new_table(16);
	struct exp_pkt p = frag(1, 77, 1, 0);

	(void)state;
	exp_frag_process(t, &p);
	p = frag(1, 77, 0, 10);
	exp_frag_process(t, &p);
	assert_int_equal(p.sport, 5353);
	assert_int_equal(p.dport, 53);
	p = frag(1, 77, 0, 20); /* and the next one too */
	exp_frag_process(t, &p);
	assert_int_equal(p.dport, 53);
	assert_int_equal(exp_frag_get_stats(t)->first, 1);
	assert_int_equal(exp_frag_get_stats(t)->matched, 2);
	assert_int_equal(exp_frag_get_stats(t)->unmatched, 0);
	exp_frag_free(t);
}

static void
test_frag_process_unknown_first_leaves_ports_zero(void **state)
{
	struct exp_frag *t = new_table(16);
	struct exp_pkt p = frag(1, 77, 1, 0);

	(void)state;
	exp_frag_process(t, &p);
	p = frag(1, 78, 0, 10); /* other id */
	exp_frag_process(t, &p);
	assert_int_equal(p.sport, 0);
	assert_int_equal(p.dport, 0);
	p = frag(2, 77, 0, 10); /* other source */
	exp_frag_process(t, &p);
	assert_int_equal(p.dport, 0);
	assert_int_equal(exp_frag_get_stats(t)->unmatched, 2);
	exp_frag_free(t);
}

static void
test_frag_process_entries_time_out(void **state)
{
	struct exp_frag *t = new_table(16);
	struct exp_pkt p = frag(1, 77, 1, 1000);

	(void)state;
	exp_frag_process(t, &p);
	p = frag(1, 77, 0, 1000 + EXP_FRAG_TIMEOUT_MS - 1);
	exp_frag_process(t, &p);
	assert_int_equal(p.dport, 53);
	p = frag(1, 77, 0, 1000 + EXP_FRAG_TIMEOUT_MS);
	exp_frag_process(t, &p);
	assert_int_equal(p.dport, 0);
	exp_frag_free(t);
}

static void
test_frag_process_full_table_replaces_oldest(void **state)
{
	struct exp_frag *t = new_table(16);
	struct exp_pkt p;
	uint32_t i;

	(void)state;
	for (i = 0; i < 17; i++) {
		p = frag(1, i, 1, i);
		exp_frag_process(t, &p);
	}
	assert_int_equal(exp_frag_get_stats(t)->evicted, 1);
	p = frag(1, 0, 0, 20); /* the oldest was replaced */
	exp_frag_process(t, &p);
	assert_int_equal(p.dport, 0);
	p = frag(1, 1, 0, 20);
	exp_frag_process(t, &p);
	assert_int_equal(p.dport, 53);
	p = frag(1, 16, 0, 20);
	exp_frag_process(t, &p);
	assert_int_equal(p.dport, 53);
	/* Many more: the table keeps working at its bound. */
	for (i = 100; i < 10000; i++) {
		p = frag(3, i, 1, 30);
		exp_frag_process(t, &p);
	}
	assert_int_equal(exp_frag_get_stats(t)->evicted, 1 + 9900);
	exp_frag_free(t);
}

static void
test_frag_process_ignores_unfragmented(void **state)
{
	struct exp_frag *t = new_table(16);
	struct exp_pkt p = frag(1, 5, 0, 0);

	(void)state;
	p.is_frag = 0;
	p.sport = 1;
	exp_frag_process(t, &p);
	assert_int_equal(p.sport, 1);
	assert_int_equal(exp_frag_get_stats(t)->unmatched, 0);
	exp_frag_free(t);
}

static void
test_frag_new_rejects_bad_sizes(void **state)
{
	struct mf_hash_key k;
	GError *err = NULL;

	(void)state;
	mf_hash_key_fixed(&k);
	assert_null(exp_frag_new(EXP_FRAG_MIN - 1, &k, &err));
	assert_non_null(err);
	g_clear_error(&err);
	assert_null(exp_frag_new(EXP_FRAG_MAX + 1, &k, &err));
	g_clear_error(&err);
	exp_frag_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frag_process_later_fragment_gets_ports),
		cmocka_unit_test(
		    test_frag_process_unknown_first_leaves_ports_zero),
		cmocka_unit_test(test_frag_process_entries_time_out),
		cmocka_unit_test(test_frag_process_full_table_replaces_oldest),
		cmocka_unit_test(test_frag_process_ignores_unfragmented),
		cmocka_unit_test(test_frag_new_rejects_bad_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
