/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "collector/model/flow.h"
#include "collector/model/tables.h"
#include "common/addr.h"
#include "common/error.h"
#include "common/hash.h"
#include "tests/unit/flowbuild.h"

#define IDLE_MS 10000

static struct col_tables *
new_tables(size_t n)
{
	struct col_tables_config cfg = { .max_addresses = n,
		.max_streams = n,
		.max_ports = n,
		.idle_ms = IDLE_MS };
	struct col_tables *t;

	mf_hash_key_fixed(&cfg.seed);
	t = col_tables_new(&cfg, NULL);
	assert_non_null(t);
	return t;
}

/* 10.x.y.z from the low 24 bits of n. */
static void
addr_n(struct mf_addr *a, uint32_t n)
{
	const uint8_t b[4] = { 10, (uint8_t)(n >> 16), (uint8_t)(n >> 8),
		(uint8_t)n };

	mf_addr_set4(a, b);
}

/* A TCP uniflow record 10.0.0.s:sp -> 10.0.0.d:dp ending at t ms. */
static struct col_flow
flow(uint32_t s, uint16_t sp, uint32_t d, uint16_t dp, uint64_t packets,
    uint64_t octets, uint64_t t)
{
	struct mf_addr src, dst;

	addr_n(&src, s);
	addr_n(&dst, d);
	return fb_flow_addr(&src, sp, &dst, dp, 6, packets, octets, t - 100, t);
}

static struct col_touch
account(struct col_tables *t, const struct col_flow *f, uint16_t app_port)
{
	struct col_touch tc;

	col_tables_account(t, f, FALSE, FALSE, app_port, 0, &tc);
	return tc;
}

static void
assert_counts(const struct col_counts *c, uint64_t flows, uint64_t packets,
    uint64_t bytes)
{
	assert_int_equal(c->flows, flows);
	assert_int_equal(c->packets, packets);
	assert_int_equal(c->bytes, bytes);
}

static void
assert_stats(const struct col_table_stats *s, uint32_t used, uint32_t capacity,
    uint64_t evicted, uint64_t collected, uint64_t untracked)
{
	assert_int_equal(s->used, used);
	assert_int_equal(s->capacity, capacity);
	assert_int_equal(s->evicted, evicted);
	assert_int_equal(s->collected, collected);
	assert_int_equal(s->untracked, untracked);
}

static void
test_tables_new_rejects_bad_sizes(void **state)
{
	struct col_tables_config cfg = { .max_addresses = 16,
		.max_streams = 15,
		.max_ports = 16,
		.idle_ms = 1 };
	GError *error = NULL;

	(void)state;
	assert_null(col_tables_new(&cfg, &error));
	assert_true(g_error_matches(error, MF_ERROR, MF_ERROR_CONFIG));
	g_clear_error(&error);
	cfg.max_streams = 16;
	cfg.max_ports = COL_TABLES_MAX_ENTRIES + 1;
	assert_null(col_tables_new(&cfg, &error));
	g_clear_error(&error);
	cfg.max_ports = 16;
	col_tables_free(col_tables_new(&cfg, &error));
	assert_null(error);
	col_tables_free(NULL);
}

static void
test_tables_account_ids_stable_across_new_interval(void **state)
{
	struct col_tables *t = new_tables(16);
	struct col_flow f = flow(1, 40000, 2, 80, 1, 60, 1000);
	struct col_flow g = flow(3, 40001, 2, 80, 1, 60, 1000);
	struct col_touch tc;

	(void)state;
	tc = account(t, &f, 80);
	assert_int_equal(tc.src, 0);
	assert_int_equal(tc.dst, 1);
	assert_int_equal(tc.stream, 0);
	assert_int_equal(tc.port, 0);
	tc = account(t, &f, 80);
	assert_int_equal(tc.src, 0);
	assert_int_equal(tc.dst, 1);
	assert_int_equal(tc.stream, 0);
	col_tables_new_interval(t);
	tc = account(t, &g, 80);
	assert_int_equal(tc.src, 2);
	assert_int_equal(tc.dst, 1);
	assert_int_equal(tc.stream, 1);
	assert_int_equal(tc.port, 0);
	tc = account(t, &f, 80);
	assert_int_equal(tc.src, 0);
	assert_int_equal(tc.dst, 1);
	assert_int_equal(tc.stream, 0);
	assert_int_equal(col_tables_address(t, 2)->id, 2);
	assert_int_equal(mf_addr_get4(&col_tables_address(t, 2)->addr),
	    0x0a000003);
	col_tables_free(t);
}

static void
test_tables_account_both_directions_join_one_stream(void **state)
{
	struct col_tables *t = new_tables(16);
	struct col_flow c2s = flow(1, 40000, 2, 80, 10, 1000, 1000);
	struct col_flow s2c = flow(2, 80, 1, 40000, 20, 3000, 1500);
	const struct col_stream *s;
	const struct col_address *a;
	struct col_touch t1, t2;

	(void)state;
	t1 = account(t, &c2s, 80);
	t2 = account(t, &s2c, 80);
	assert_int_equal(t1.stream, t2.stream);
	assert_int_equal(t1.src, t2.dst);
	s = col_tables_stream(t, t1.stream);
	assert_non_null(s);
	assert_int_equal(s->left, t1.src);
	assert_int_equal(s->left_port, 40000);
	assert_int_equal(s->right, t1.dst);
	assert_int_equal(s->right_port, 80);
	assert_int_equal(s->proto, 6);
	assert_int_equal(s->first_ms, 900);
	assert_int_equal(s->last_ms, 1500);
	assert_counts(&s->l2r, 1, 10, 1000);
	assert_counts(&s->r2l, 1, 20, 3000);
	a = col_tables_address(t, t1.src);
	assert_counts(&a->sent, 1, 10, 1000);
	assert_counts(&a->received, 1, 20, 3000);
	assert_int_equal(a->last_ms, 1500);
	assert_counts(&col_tables_port(t, t1.port)->counts, 2, 30, 4000);
	col_tables_free(t);
}

static void
test_tables_account_server_reply_first_makes_destination_left(void **state)
{
	struct col_tables *t = new_tables(16);
	struct col_flow s2c = flow(2, 443, 1, 51000, 3, 300, 1000);
	struct col_flow peer = flow(3, 5000, 4, 6000, 1, 50, 1000);
	struct col_flow hi = flow(5, 2000, 6, 3000, 1, 50, 1000);
	const struct col_stream *s;
	struct col_touch tc;

	(void)state;
	tc = account(t, &s2c, 443);
	s = col_tables_stream(t, tc.stream);
	assert_int_equal(s->left, tc.dst);
	assert_int_equal(s->left_port, 51000);
	assert_int_equal(s->right, tc.src);
	assert_int_equal(s->right_port, 443);
	assert_counts(&s->l2r, 0, 0, 0);
	assert_counts(&s->r2l, 1, 3, 300);
	tc = account(t, &peer, 0); /* high to higher: the source is left */
	s = col_tables_stream(t, tc.stream);
	assert_int_equal(s->left, tc.src);
	assert_int_equal(s->left_port, 5000);
	tc = account(t, &hi, 0); /* sport >= 1024: the source is left */
	s = col_tables_stream(t, tc.stream);
	assert_int_equal(s->left, tc.src);
	assert_int_equal(s->left_port, 2000);
	col_tables_free(t);
}

static void
test_tables_account_biflow_counts_both_directions(void **state)
{
	struct col_tables *t = new_tables(16);
	struct col_flow f = flow(1, 40000, 2, 80, 10, 1000, 1000);
	const struct col_stream *s;
	struct col_touch tc;

	(void)state;
	f.rev_packets = 5;
	f.rev_octets = 400;
	f.tcp_flags = 0x02;
	f.rev_tcp_flags = 0x12;
	tc = account(t, &f, 80);
	s = col_tables_stream(t, tc.stream);
	assert_counts(&s->l2r, 1, 10, 1000);
	assert_counts(&s->r2l, 0, 5, 400);
	assert_int_equal(s->tcp_flags, 0x12);
	assert_counts(&col_tables_address(t, tc.src)->sent, 1, 10, 1000);
	assert_counts(&col_tables_address(t, tc.src)->received, 0, 5, 400);
	assert_counts(&col_tables_address(t, tc.dst)->received, 1, 10, 1000);
	assert_counts(&col_tables_address(t, tc.dst)->sent, 0, 5, 400);
	assert_counts(&col_tables_port(t, tc.port)->counts, 1, 15, 1400);
	assert_int_equal(col_tables_port(t, tc.port)->port, 80);
	assert_int_equal(col_tables_port(t, tc.port)->proto, 6);
	col_tables_free(t);
}

static void
test_tables_account_mac_and_internal_follow_sides(void **state)
{
	static const uint8_t smac[6] = { 2, 0, 0, 0, 0, 1 };
	static const uint8_t dmac[6] = { 2, 0, 0, 0, 0, 2 };
	struct col_tables *t = new_tables(16);
	struct col_flow f = flow(1, 40000, 2, 80, 1, 60, 1000);
	struct col_flow g = flow(3, 40000, 4, 80, 1, 60, 1000);
	const struct col_address *a;
	struct col_touch tc;

	(void)state;
	f.has_mac = 1;
	memcpy(f.src_mac, smac, 6);
	memcpy(f.dst_mac, dmac, 6);
	col_tables_account(t, &f, TRUE, FALSE, 80, 0, &tc);
	a = col_tables_address(t, tc.src);
	assert_int_equal(a->internal, 1);
	assert_int_equal(a->has_mac, 1);
	assert_memory_equal(a->mac, smac, 6);
	a = col_tables_address(t, tc.dst);
	assert_int_equal(a->internal, 0);
	assert_int_equal(a->has_mac, 1);
	assert_memory_equal(a->mac, dmac, 6);
	col_tables_account(t, &g, FALSE, TRUE, 80, 0, &tc);
	assert_int_equal(col_tables_address(t, tc.src)->has_mac, 0);
	assert_int_equal(col_tables_address(t, tc.dst)->internal, 1);
	col_tables_free(t);
}

static void
test_tables_account_label_names_right_side(void **state)
{
	struct col_tables *t = new_tables(16);
	struct col_flow c2s = flow(1, 40000, 2, 443, 1, 60, 1000);
	struct col_flow s2c = flow(2, 443, 1, 40000, 1, 60, 1000);
	struct col_touch tc;

	(void)state;
	tc = account(t, &c2s, 443);
	assert_string_equal(col_tables_stream(t, tc.stream)->label, "");
	g_strlcpy(c2s.label, "www.example.org", sizeof(c2s.label));
	account(t, &c2s, 443);
	assert_string_equal(col_tables_stream(t, tc.stream)->label,
	    "www.example.org");
	/* This record's destination is the left side: label kept. */
	g_strlcpy(s2c.label, "client.example.net", sizeof(s2c.label));
	account(t, &s2c, 443);
	assert_string_equal(col_tables_stream(t, tc.stream)->label,
	    "www.example.org");
	/* An unterminated label is cut to COL_LABEL_MAX - 1 bytes. */
	memset(c2s.label, 'a', sizeof(c2s.label));
	account(t, &c2s, 443);
	assert_int_equal(strlen(col_tables_stream(t, tc.stream)->label),
	    COL_LABEL_MAX - 1);
	col_tables_free(t);
}

static void
test_tables_account_icmp_reply_joins_request(void **state)
{
	struct col_tables *t = new_tables(16);
	struct col_flow req = flow(1, 0, 2, 8 << 8, 1, 84, 1000);
	struct col_flow rep = flow(2, 0, 1, 0, 1, 84, 1000);
	const struct col_stream *s;
	struct col_touch t1, t2;

	(void)state;
	req.proto = rep.proto = 1;
	t1 = account(t, &req, 0);
	t2 = account(t, &rep, 0);
	assert_int_equal(t1.stream, t2.stream);
	assert_int_equal(t1.port, COL_ID_NONE);
	s = col_tables_stream(t, t1.stream);
	assert_int_equal(s->left, t1.src);
	assert_int_equal(s->left_port, 0);
	assert_int_equal(s->right_port, 0);
	assert_counts(&s->l2r, 1, 1, 84);
	assert_counts(&s->r2l, 1, 1, 84);
	col_tables_free(t);
}

static void
test_tables_account_same_address_both_sides(void **state)
{
	struct col_tables *t = new_tables(16);
	struct col_flow f = flow(1, 40000, 1, 53, 1, 60, 1000);
	struct col_table_stats as, ss;
	struct col_touch tc;

	(void)state;
	tc = account(t, &f, 53);
	assert_int_equal(tc.src, tc.dst);
	assert_counts(&col_tables_address(t, tc.src)->sent, 1, 1, 60);
	assert_counts(&col_tables_address(t, tc.src)->received, 1, 1, 60);
	col_tables_new_interval(t);
	col_tables_gc(t, 1000 + IDLE_MS + 1);
	col_tables_get_stats(t, &as, &ss, NULL);
	assert_stats(&as, 0, 16, 0, 1, 0);
	assert_stats(&ss, 0, 16, 0, 1, 0);
	col_tables_free(t);
}

static void
test_tables_account_unknown_family_is_untracked(void **state)
{
	struct col_tables *t = new_tables(16);
	struct col_flow f = flow(1, 40000, 2, 80, 1, 60, 1000);
	struct col_table_stats as, ss, ps;
	struct col_touch tc;

	(void)state;
	f.dst.family = 0;
	tc = account(t, &f, 80);
	assert_int_equal(tc.src, 0);
	assert_int_equal(tc.dst, COL_ID_NONE);
	assert_int_equal(tc.stream, COL_ID_NONE);
	assert_int_equal(tc.port, 0);
	col_tables_get_stats(t, &as, &ss, &ps);
	assert_stats(&as, 1, 16, 0, 0, 1);
	assert_stats(&ss, 0, 16, 0, 0, 1);
	assert_stats(&ps, 1, 16, 0, 0, 0);
	col_tables_free(t);
}

/* Fill 16 addresses with flows 2i -> 2i + 1 (i = 0..7): ids 0..15. */
static void
fill_addresses(struct col_tables *t)
{
	struct col_flow f;
	struct col_touch tc;
	uint32_t i;

	for (i = 0; i < 8; i++) {
		f = flow(2 * i, 40000, 2 * i + 1, 80, 1, 60, 1000);
		tc = account(t, &f, 80);
		assert_int_equal(tc.src, 2 * i);
		assert_int_equal(tc.dst, 2 * i + 1);
		assert_int_equal(tc.stream, i);
	}
}

static void
test_tables_account_full_evicts_lru_only_after_new_interval(void **state)
{
	struct col_tables *t = new_tables(16);
	struct col_flow f = flow(16, 40000, 1, 80, 1, 60, 2000);
	struct col_table_stats as, ss;
	struct col_touch tc;

	(void)state;
	fill_addresses(t);
	tc = account(t, &f, 80); /* every address in use: untracked */
	assert_int_equal(tc.src, COL_ID_NONE);
	assert_int_equal(tc.dst, 1);
	assert_int_equal(tc.stream, COL_ID_NONE);
	assert_int_equal(tc.port, 0);
	col_tables_get_stats(t, &as, &ss, NULL);
	assert_stats(&as, 16, 16, 0, 0, 1);
	assert_stats(&ss, 8, 16, 0, 0, 1);
	col_tables_new_interval(t);
	/* Address 0 is the least recently used; its stream goes with it. */
	tc = account(t, &f, 80);
	assert_int_equal(tc.src, 0);
	assert_int_equal(tc.dst, 1);
	assert_int_equal(tc.stream, 0);
	assert_int_equal(mf_addr_get4(&col_tables_address(t, 0)->addr),
	    0x0a000010);
	assert_int_equal(col_tables_stream(t, 0)->left, 0);
	assert_int_equal(col_tables_stream(t, 0)->right, 1);
	assert_counts(&col_tables_stream(t, 0)->l2r, 1, 1, 60);
	assert_int_equal(col_tables_stream(t, 0)->first_ms, 1900);
	col_tables_get_stats(t, &as, &ss, NULL);
	assert_stats(&as, 16, 16, 1, 0, 1);
	assert_stats(&ss, 8, 16, 1, 0, 1);
	col_tables_free(t);
}

static void
test_tables_account_full_streams_and_ports_untracked(void **state)
{
	struct col_tables *t = new_tables(64);
	struct col_table_stats ss, ps;
	struct col_flow f;
	struct col_touch tc;
	uint16_t i;

	(void)state;
	for (i = 0; i < 65; i++) {
		f = flow(1, (uint16_t)(40000 + i), 2, (uint16_t)(1000 + i), 1,
		    60, 1000);
		tc = account(t, &f, f.dport);
	}
	assert_int_equal(tc.src, 0);
	assert_int_equal(tc.stream, COL_ID_NONE);
	assert_int_equal(tc.port, COL_ID_NONE);
	col_tables_get_stats(t, NULL, &ss, &ps);
	assert_stats(&ss, 64, 64, 0, 0, 1);
	assert_stats(&ps, 64, 64, 0, 0, 1);
	col_tables_new_interval(t);
	tc = account(t, &f, f.dport); /* evicts the oldest of each */
	assert_int_equal(tc.stream, 0);
	assert_int_equal(tc.port, 0);
	assert_int_equal(col_tables_port(t, 0)->port, 1064);
	col_tables_get_stats(t, NULL, &ss, &ps);
	assert_stats(&ss, 64, 64, 1, 0, 1);
	assert_stats(&ps, 64, 64, 1, 0, 1);
	col_tables_free(t);
}

static void
test_tables_gc_collects_idle_entries_only(void **state)
{
	struct col_tables *t = new_tables(16);
	struct col_flow old = flow(1, 40000, 2, 80, 1, 60, 1000);
	struct col_flow recent = flow(3, 40000, 4, 443, 1, 60, 50000);
	struct col_flow late = flow(5, 40000, 6, 22, 1, 60, 1000);
	struct col_table_stats as, ss, ps;
	struct col_touch tc;

	(void)state;
	account(t, &old, 80);
	account(t, &recent, 443);
	col_tables_new_interval(t);
	tc = account(t, &late, 22);       /* idle by flow time, but in use */
	col_tables_gc(t, 1000 + IDLE_MS); /* not idle for more than idle_ms */
	col_tables_get_stats(t, &as, &ss, &ps);
	assert_stats(&as, 6, 16, 0, 0, 0);
	col_tables_gc(t, 1000 + IDLE_MS + 1);
	col_tables_get_stats(t, &as, &ss, &ps);
	assert_stats(&as, 4, 16, 0, 2, 0);
	assert_stats(&ss, 2, 16, 0, 1, 0);
	assert_stats(&ps, 2, 16, 0, 1, 0);
	assert_null(col_tables_address(t, 0));
	assert_null(col_tables_address(t, 1));
	assert_null(col_tables_stream(t, 0));
	assert_null(col_tables_port(t, 0));
	assert_non_null(col_tables_address(t, 2));
	assert_non_null(col_tables_address(t, tc.src));
	assert_non_null(col_tables_stream(t, tc.stream));
	col_tables_new_interval(t);
	col_tables_gc(t, 50000 + IDLE_MS + 1);
	col_tables_get_stats(t, &as, &ss, &ps);
	assert_stats(&as, 0, 16, 0, 6, 0);
	assert_stats(&ss, 0, 16, 0, 3, 0);
	assert_stats(&ps, 0, 16, 0, 3, 0);
	col_tables_free(t);
}

static void
test_tables_gc_late_record_keeps_latest_time(void **state)
{
	struct col_tables *t = new_tables(16);
	struct col_flow now = flow(1, 40000, 2, 80, 1, 60, 30000);
	struct col_flow late = flow(1, 40000, 2, 80, 1, 60, 1000);
	struct col_table_stats as;
	struct col_touch tc;

	(void)state;
	account(t, &now, 80);
	tc = account(t, &late, 80);
	assert_int_equal(col_tables_address(t, tc.src)->last_ms, 30000);
	assert_int_equal(col_tables_stream(t, tc.stream)->first_ms, 900);
	assert_int_equal(col_tables_stream(t, tc.stream)->last_ms, 30000);
	col_tables_new_interval(t);
	col_tables_gc(t, 30000);
	col_tables_get_stats(t, &as, NULL, NULL);
	assert_stats(&as, 2, 16, 0, 0, 0);
	col_tables_free(t);
}

static void
test_tables_new_interval_zeroes_counters(void **state)
{
	struct col_tables *t = new_tables(16);
	struct col_flow f = flow(1, 40000, 2, 80, 7, 700, 1000);
	struct col_touch tc;

	(void)state;
	tc = account(t, &f, 80);
	col_tables_new_interval(t);
	assert_counts(&col_tables_address(t, tc.src)->sent, 0, 0, 0);
	assert_counts(&col_tables_address(t, tc.dst)->received, 0, 0, 0);
	assert_counts(&col_tables_stream(t, tc.stream)->l2r, 0, 0, 0);
	assert_counts(&col_tables_port(t, tc.port)->counts, 0, 0, 0);
	assert_int_equal(col_tables_address(t, tc.src)->last_ms, 1000);
	col_tables_free(t);
}

static void
test_tables_address_unknown_id_is_null(void **state)
{
	struct col_tables *t = new_tables(16);

	(void)state;
	assert_null(col_tables_address(t, 0));
	assert_null(col_tables_address(t, 16));
	assert_null(col_tables_address(t, COL_ID_NONE));
	assert_null(col_tables_stream(t, COL_ID_NONE));
	assert_null(col_tables_port(t, 1u << 30));
	col_tables_free(t);
}

/* Ids seen by the foreach callbacks. */
struct seen {
	uint32_t id[16];
	size_t n;
};

static void
see_address(const struct col_address *a, void *ctx)
{
	struct seen *s = ctx;

	assert_true(s->n < G_N_ELEMENTS(s->id));
	s->id[s->n++] = a->id;
}

static void
see_stream(const struct col_stream *st, void *ctx)
{
	struct seen *s = ctx;

	assert_true(s->n < G_N_ELEMENTS(s->id));
	s->id[s->n++] = st->id;
}

static void
see_port(const struct col_port *p, void *ctx)
{
	struct seen *s = ctx;

	assert_true(s->n < G_N_ELEMENTS(s->id));
	s->id[s->n++] = p->id;
}

static void
test_tables_foreach_address_used_only_in_id_order(void **state)
{
	struct col_tables *t = new_tables(16);
	struct col_flow f3 = flow(6, 40003, 7, 1003, 1, 60, 1000);
	struct col_flow f1 = flow(2, 40001, 3, 1001, 1, 60, 1000);
	struct col_flow f;
	struct seen s = { { 0 }, 0 };
	uint32_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		f = flow(2 * i, (uint16_t)(40000 + i), 2 * i + 1,
		    (uint16_t)(1000 + i), 1, 60, 1000);
		account(t, &f, f.dport);
	}
	col_tables_foreach_address(t, see_address, &s);
	assert_int_equal(s.n, 8);
	col_tables_new_interval(t);
	s.n = 0;
	col_tables_foreach_address(t, see_address, &s);
	assert_int_equal(s.n, 0);
	account(t, &f3, f3.dport);
	account(t, &f1, f1.dport);
	col_tables_foreach_address(t, see_address, &s);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.id[0], 2);
	assert_int_equal(s.id[1], 3);
	assert_int_equal(s.id[2], 6);
	assert_int_equal(s.id[3], 7);
	s.n = 0;
	col_tables_foreach_stream(t, see_stream, &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.id[0], 1);
	assert_int_equal(s.id[1], 3);
	s.n = 0;
	col_tables_foreach_port(t, see_port, &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.id[0], 1);
	assert_int_equal(s.id[1], 3);
	col_tables_free(t);
}

/*
 * 100,000 distinct sources send to one destination, a new interval every
 * 1000 records.  The first interval fills the 16 addresses (the
 * destination and 15 sources); 985 records find no room.  Every later
 * interval evicts the previous interval's 15 sources (and their streams)
 * and again leaves 985 records untracked.
 */
static void
test_tables_account_flood_keeps_used_within_capacity(void **state)
{
	struct col_tables *t = new_tables(16);
	struct col_table_stats as, ss, ps;
	struct col_flow f;
	uint32_t i;

	(void)state;
	for (i = 0; i < 100000; i++) {
		f = flow(1000 + i, 40000, 1, 80, 1, 60, 1000 + i);
		account(t, &f, 80);
		col_tables_get_stats(t, &as, &ss, NULL);
		assert_true(as.used <= as.capacity);
		assert_true(ss.used <= ss.capacity);
		if (i % 1000 == 999) {
			col_tables_new_interval(t);
			col_tables_gc(t, 1000 + i);
		}
	}
	col_tables_get_stats(t, &as, &ss, &ps);
	assert_stats(&as, 16, 16, 15 * 99, 0, 985 * 100);
	assert_stats(&ss, 15, 16, 15 * 99, 0, 985 * 100);
	assert_stats(&ps, 1, 16, 0, 0, 0);
	assert_counts(&col_tables_port(t, 0)->counts, 0, 0, 0);
	col_tables_free(t);
}

/* The same flood with a short idle time: GC frees room between intervals. */
static void
test_tables_gc_flood_idle_entries_collected(void **state)
{
	struct col_tables *t = new_tables(16);
	struct col_table_stats as, ss;
	struct col_flow f;
	uint32_t i;

	(void)state;
	for (i = 0; i < 100000; i++) {
		f = flow(1000 + i, 40000, 1, 80, 1, 60, 1000 + 100 * i);
		account(t, &f, 80);
		if (i % 1000 == 999) {
			col_tables_new_interval(t);
			col_tables_gc(t, 1000 + 100 * i + IDLE_MS + 1);
		}
	}
	col_tables_get_stats(t, &as, &ss, NULL);
	assert_stats(&as, 0, 16, 0, 16 * 100, 985 * 100);
	assert_stats(&ss, 0, 16, 0, 15 * 100, 985 * 100);
	col_tables_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_new_rejects_bad_sizes),
		cmocka_unit_test(
		    test_tables_account_ids_stable_across_new_interval),
		cmocka_unit_test(
		    test_tables_account_both_directions_join_one_stream),
		cmocka_unit_test(
		    test_tables_account_server_reply_first_makes_destination_left),
		cmocka_unit_test(
		    test_tables_account_biflow_counts_both_directions),
		cmocka_unit_test(
		    test_tables_account_mac_and_internal_follow_sides),
		cmocka_unit_test(test_tables_account_label_names_right_side),
		cmocka_unit_test(test_tables_account_icmp_reply_joins_request),
		cmocka_unit_test(test_tables_account_same_address_both_sides),
		cmocka_unit_test(
		    test_tables_account_unknown_family_is_untracked),
		cmocka_unit_test(
		    test_tables_account_full_evicts_lru_only_after_new_interval),
		cmocka_unit_test(
		    test_tables_account_full_streams_and_ports_untracked),
		cmocka_unit_test(test_tables_gc_collects_idle_entries_only),
		cmocka_unit_test(test_tables_gc_late_record_keeps_latest_time),
		cmocka_unit_test(test_tables_new_interval_zeroes_counters),
		cmocka_unit_test(test_tables_address_unknown_id_is_null),
		cmocka_unit_test(
		    test_tables_foreach_address_used_only_in_id_order),
		cmocka_unit_test(
		    test_tables_account_flood_keeps_used_within_capacity),
		cmocka_unit_test(test_tables_gc_flood_idle_entries_collected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
