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
#include "common/model.h"
#include "exporter/cache.h"
#include "exporter/export.h"

/* What the export callback saw: a copy of each flow and its reason. */
#define MAX_SEEN 64
struct seen {
	struct exp_flow flow[MAX_SEEN];
	int reason[MAX_SEEN];
	int n;
};

static void
record(const struct exp_flow *f, int reason, void *ctx)
{
	struct seen *s = ctx;

	assert_true(s->n < MAX_SEEN);
	s->flow[s->n] = *f;
	s->reason[s->n] = reason;
	s->n++;
}

static struct exp_cache *
new_cache(size_t max, struct seen *s)
{
	struct exp_cache_config cfg = { .max_flows = max,
		.idle_ms = 15000,
		.active_ms = 60000,
		.linger_ms = 2000 };
	struct exp_cache *c;

	mf_hash_key_fixed(&cfg.seed);
	memset(s, 0, sizeof(*s));
	c = exp_cache_new(&cfg, record, s, NULL);
	assert_non_null(c);
	return c;
}

/* A TCP packet a.b.c.d:sp -> e.f.g.h:dp at t ms with flags and length. */
static struct exp_pkt
tcp(uint8_t s4, uint16_t sp, uint8_t d4, uint16_t dp, uint8_t flags,
    uint32_t len, uint64_t t)
{
	struct exp_pkt p;
	const uint8_t src[4] = { 10, 0, 0, s4 }, dst[4] = { 192, 0, 2, d4 };

	memset(&p, 0, sizeof(p));
	mf_addr_set4(&p.src, s4 >= 100 ? dst : src);
	mf_addr_set4(&p.dst, d4 >= 100 ? src : dst);
	if (s4 >= 100)
		p.src.b[3] = (uint8_t)(s4 - 100);
	if (d4 >= 100)
		p.dst.b[3] = (uint8_t)(d4 - 100);
	p.sport = sp;
	p.dport = dp;
	p.proto = 6;
	p.tcp_flags = flags;
	p.ip_len = len;
	p.ts_ms = t;
	return p;
}

/* 10.0.0.1:40000 <-> 192.0.2.1:80 (100 + n means "192.0.2.n" as source). */
#define C2S(fl, len, t) tcp(1, 40000, 1, 80, fl, len, t)
#define S2C(fl, len, t) tcp(101, 80, 101, 40000, fl, len, t)

static void
test_cache_update_both_directions_are_one_flow(void **state)
{
	struct seen s;
	struct exp_cache *c = new_cache(16, &s);
	struct exp_pkt p;
	struct mf_flow_rec r;

	(void)state;
	p = C2S(0x02, 60, 1000);
	exp_cache_update(c, &p, 0);
	p = S2C(0x12, 60, 1010);
	exp_cache_update(c, &p, 0);
	p = C2S(0x10, 52, 1020);
	exp_cache_update(c, &p, 0);
	assert_int_equal(exp_cache_get_stats(c)->active, 1);
	exp_cache_flush(c);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.reason[0], MF_END_FORCED);
	assert_true(exp_export_make_uniflow(&s.flow[0], s.flow[0].initiator,
	    MF_END_FORCED, &r));
	assert_int_equal(r.src4, 0x0a000001);
	assert_int_equal(r.dst4, 0xc0000201);
	assert_int_equal(r.sport, 40000);
	assert_int_equal(r.dport, 80);
	assert_int_equal(r.packets, 2);
	assert_int_equal(r.octets, 112);
	assert_int_equal(r.start_ms, 1000);
	assert_int_equal(r.end_ms, 1020);
	assert_int_equal(r.initial_flags, 0x02);
	assert_int_equal(r.union_flags, 0x10);
	assert_int_equal(r.tcp_flags, 0x12);
	assert_int_equal(r.silk_app, 80);
	assert_true(exp_export_make_uniflow(&s.flow[0], !s.flow[0].initiator,
	    MF_END_FORCED, &r));
	assert_int_equal(r.src4, 0xc0000201);
	assert_int_equal(r.sport, 80);
	assert_int_equal(r.packets, 1);
	assert_int_equal(r.octets, 60);
	assert_int_equal(r.start_ms, 1010);
	exp_cache_free(c);
}

static void
test_cache_update_initiator_is_first_sender(void **state)
{
	struct seen s;
	struct exp_cache *c = new_cache(16, &s);
	struct exp_pkt p = S2C(0x12, 60, 5);
	struct mf_flow_rec r;

	(void)state;
	exp_cache_update(c, &p, 0);
	exp_cache_flush(c);
	assert_int_equal(s.n, 1);
	assert_true(exp_export_make_uniflow(&s.flow[0], s.flow[0].initiator,
	    MF_END_FORCED, &r));
	assert_int_equal(r.sport, 80);
	/* The other side sent nothing: no record for it. */
	assert_false(exp_export_make_uniflow(&s.flow[0], !s.flow[0].initiator,
	    MF_END_FORCED, &r));
	exp_cache_free(c);
}

static void
test_cache_expire_idle_at_exact_timeout(void **state)
{
	struct seen s;
	struct exp_cache *c = new_cache(16, &s);
	struct exp_pkt p = C2S(0x10, 100, 1000);

	(void)state;
	exp_cache_update(c, &p, 0);
	exp_cache_expire(c, 1000 + 15000 - 1);
	assert_int_equal(s.n, 0);
	exp_cache_expire(c, 1000 + 15000);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.reason[0], MF_END_IDLE_TIMEOUT);
	assert_int_equal(exp_cache_get_stats(c)->expired_idle, 1);
	assert_int_equal(exp_cache_get_stats(c)->active, 0);
	exp_cache_free(c);
}

static void
test_cache_expire_active_restarts_period(void **state)
{
	struct seen s;
	struct exp_cache *c = new_cache(16, &s);
	struct exp_pkt p;
	struct mf_flow_rec r;
	uint64_t t;

	(void)state;
	/* One packet a second for 70 s: one active export at 60 s. */
	for (t = 0; t < 70; t++) {
		p = C2S(0x10, 100, 1000 + t * 1000);
		exp_cache_update(c, &p, 0);
		exp_cache_expire(c, p.ts_ms);
	}
	assert_int_equal(s.n, 1);
	assert_int_equal(s.reason[0], MF_END_ACTIVE_TIMEOUT);
	assert_true(exp_export_make_uniflow(&s.flow[0], s.flow[0].initiator,
	    MF_END_ACTIVE_TIMEOUT, &r));
	/*
	 * The packet at 61000 is accounted before the expiry check at 61000
	 * (the loop's order, as in main.c): 61 packets, 1000..61000.
	 */
	assert_int_equal(r.packets, 61);
	assert_int_equal(r.start_ms, 1000);
	assert_int_equal(r.end_ms, 61000);
	exp_cache_flush(c);
	assert_int_equal(s.n, 2);
	assert_true(exp_export_make_uniflow(&s.flow[1], s.flow[1].initiator,
	    MF_END_FORCED, &r));
	assert_int_equal(r.packets, 9);
	assert_int_equal(r.start_ms, 62000);
	assert_int_equal(r.end_ms, 70000);
	assert_int_equal(exp_cache_get_stats(c)->flows_created, 1);
	exp_cache_free(c);
}

static void
test_cache_update_fin_both_ways_lingers_then_ends(void **state)
{
	struct seen s;
	struct exp_cache *c = new_cache(16, &s);
	struct exp_pkt p;
	struct mf_flow_rec r;

	(void)state;
	p = C2S(0x11, 52, 100);
	exp_cache_update(c, &p, 0);
	p = S2C(0x11, 52, 110);
	exp_cache_update(c, &p, 0);
	p = C2S(0x10, 52, 120); /* the last ACK stays in the flow */
	exp_cache_update(c, &p, 0);
	exp_cache_expire(c, 110 + 2000 - 1);
	assert_int_equal(s.n, 0);
	exp_cache_expire(c, 110 + 2000);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.reason[0], MF_END_OF_FLOW);
	assert_true(exp_export_make_uniflow(&s.flow[0], s.flow[0].initiator,
	    MF_END_OF_FLOW, &r));
	assert_int_equal(r.packets, 2);
	assert_int_equal(exp_cache_get_stats(c)->expired_end, 1);
	exp_cache_free(c);
}

static void
test_cache_update_rst_closes(void **state)
{
	struct seen s;
	struct exp_cache *c = new_cache(16, &s);
	struct exp_pkt p;

	(void)state;
	p = C2S(0x02, 60, 100);
	exp_cache_update(c, &p, 0);
	p = S2C(0x14, 40, 101);
	exp_cache_update(c, &p, 0);
	exp_cache_expire(c, 101 + 2000);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.reason[0], MF_END_OF_FLOW);
	exp_cache_free(c);
}

static void
test_cache_update_syn_on_closing_flow_starts_new_one(void **state)
{
	struct seen s;
	struct exp_cache *c = new_cache(16, &s);
	struct exp_pkt p;

	(void)state;
	p = C2S(0x04, 40, 100); /* RST */
	exp_cache_update(c, &p, 0);
	p = C2S(0x02, 60, 200); /* same ports, new SYN */
	exp_cache_update(c, &p, 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.reason[0], MF_END_OF_FLOW);
	assert_int_equal(exp_cache_get_stats(c)->flows_created, 2);
	assert_int_equal(exp_cache_get_stats(c)->active, 1);
	exp_cache_flush(c);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.reason[1], MF_END_FORCED);
	assert_int_equal(s.flow[1].side[s.flow[1].initiator].initial_flags,
	    0x02);
	exp_cache_free(c);
}

static void
test_cache_update_full_evicts_least_recently_used(void **state)
{
	struct seen s;
	struct exp_cache *c = new_cache(16, &s);
	struct exp_pkt p;
	uint16_t i;

	(void)state;
	for (i = 0; i < 16; i++) {
		p = tcp(1, (uint16_t)(1000 + i), 1, 80, 0x10, 40, 100 + i);
		exp_cache_update(c, &p, 0);
	}
	/* Touch the oldest: the second oldest becomes the LRU. */
	p = tcp(1, 1000, 1, 80, 0x10, 40, 200);
	exp_cache_update(c, &p, 0);
	p = tcp(1, 2000, 1, 80, 0x10, 40, 201);
	exp_cache_update(c, &p, 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.reason[0], MF_END_LACK_OF_RESOURCES);
	assert_true(
	    s.flow[0].key.port[0] == 1001 || s.flow[0].key.port[1] == 1001);
	assert_int_equal(exp_cache_get_stats(c)->evicted_full, 1);
	assert_int_equal(exp_cache_get_stats(c)->peak, 16);
	assert_int_equal(exp_cache_get_stats(c)->active, 16);
	exp_cache_flush(c);
	assert_int_equal(s.n, 17);
	exp_cache_free(c);
}

static void
test_cache_update_vlan_and_interface_split_flows(void **state)
{
	struct seen s;
	struct exp_cache *c = new_cache(16, &s);
	struct exp_pkt p = C2S(0x10, 40, 1);

	(void)state;
	exp_cache_update(c, &p, 1);
	exp_cache_update(c, &p, 2);
	p.vlan = 10;
	exp_cache_update(c, &p, 2);
	assert_int_equal(exp_cache_get_stats(c)->flows_created, 3);
	exp_cache_free(c);
}

/*
 * Flow i of test_cache_update_many_flows_each_its_own(), from its client
 * (rev 0) or its server: one in 8 flows differs from its neighbour only in
 * its family (an IPv6 address whose first 4 bytes are the IPv4 one, the
 * rest zero), its VLAN, its interface (returned) or its protocol.
 */
static struct exp_pkt
many_pkt(uint32_t i, int rev, uint32_t *ifindex)
{
	struct exp_pkt p;
	uint32_t n = i / 8;
	uint8_t a[16] = { 10, (uint8_t)(n >> 16), (uint8_t)(n >> 8),
		(uint8_t)n };
	uint8_t b[16] = { 192, 0, 2, 1 };

	memset(&p, 0, sizeof(p));
	if (i & 1) {
		mf_addr_set6(&p.src, rev ? b : a);
		mf_addr_set6(&p.dst, rev ? a : b);
	} else {
		mf_addr_set4(&p.src, rev ? b : a);
		mf_addr_set4(&p.dst, rev ? a : b);
	}
	p.sport = rev ? 443 : (uint16_t)(1024 + n % 7);
	p.dport = rev ? (uint16_t)(1024 + n % 7) : 443;
	p.proto = (i & 6) == 6 ? 17 : 6;
	p.vlan = (i & 6) == 2 ? 5 : 0;
	*ifindex = (i & 6) == 4 ? 2 : 1;
	p.ip_len = 100;
	p.ts_ms = 1000;
	return p;
}

/*
 * 96,000 flows, each packet from either side finds its own one: with
 * 96,000 32-bit hashes about one pair is expected to share a hash, so
 * the keys' compare, not only the hash, keeps them apart.
 */
static void
test_cache_update_many_flows_each_its_own(void **state)
{
	struct seen s;
	struct exp_cache *c = new_cache(131072, &s);
	struct exp_pkt p;
	struct exp_flow *f;
	uint32_t i, ifindex, pass;

	(void)state;
	for (pass = 0; pass < 3; pass++) {
		for (i = 0; i < 96000; i++) {
			p = many_pkt(i, pass == 1, &ifindex);
			f = exp_cache_update(c, &p, ifindex);
			assert_int_equal(f->side[f->initiator].packets,
			    pass == 2 ? 2 : 1);
			assert_int_equal(f->side[!f->initiator].packets,
			    pass >= 1 ? 1 : 0);
			assert_int_equal(f->key.family, p.src.family);
		}
	}
	assert_int_equal(exp_cache_get_stats(c)->flows_created, 96000);
	assert_int_equal(exp_cache_get_stats(c)->active, 96000);
	exp_cache_free(c);
}

static void
test_cache_flush_closing_flow_ends_as_end_of_flow(void **state)
{
	struct seen s;
	struct exp_cache *c = new_cache(16, &s);
	struct exp_pkt p = C2S(0x04, 40, 1);

	(void)state;
	exp_cache_update(c, &p, 0);
	p = tcp(2, 5, 2, 6, 0x10, 40, 2);
	exp_cache_update(c, &p, 0);
	exp_cache_flush(c);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.reason[0], MF_END_OF_FLOW);
	assert_int_equal(s.reason[1], MF_END_FORCED);
	assert_int_equal(exp_cache_get_stats(c)->flushed, 2);
	assert_int_equal(exp_cache_get_stats(c)->active, 0);
	exp_cache_free(c);
}

static void
test_cache_update_macs_follow_sides(void **state)
{
	struct seen s;
	struct exp_cache *c = new_cache(16, &s);
	struct exp_pkt p = C2S(0x02, 60, 1);
	struct mf_flow_rec r;
	const uint8_t host[6] = { 2, 0, 0, 0, 0, 1 },
	              gw[6] = { 2, 0, 0, 0, 0, 0xfe };

	(void)state;
	p.has_mac = 1;
	memcpy(p.src_mac, host, 6);
	memcpy(p.dst_mac, gw, 6);
	exp_cache_update(c, &p, 0);
	exp_cache_flush(c);
	assert_true(exp_export_make_uniflow(&s.flow[0], s.flow[0].initiator,
	    MF_END_FORCED, &r));
	assert_memory_equal(r.src_mac, host, 6);
	assert_memory_equal(r.dst_mac, gw, 6);
	exp_cache_free(c);
}

static void
test_cache_update_counts_packets_and_octets(void **state)
{
	struct seen s;
	struct exp_cache *c = new_cache(16, &s);
	struct exp_pkt p;
	int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		p = tcp((uint8_t)(1 + i), 1, 1, 2, 0, 1500, 10);
		exp_cache_update(c, &p, 0);
	}
	assert_int_equal(exp_cache_get_stats(c)->packets, 5);
	assert_int_equal(exp_cache_get_stats(c)->octets, 7500);
	assert_int_equal(exp_cache_get_stats(c)->flows_created, 5);
	exp_cache_free(c);
}

static void
test_cache_update_time_going_back_is_harmless(void **state)
{
	struct seen s;
	struct exp_cache *c = new_cache(16, &s);
	struct exp_pkt p;
	struct mf_flow_rec r;

	(void)state;
	p = C2S(0x10, 40, 5000);
	exp_cache_update(c, &p, 0);
	p = C2S(0x10, 40, 4000);
	exp_cache_update(c, &p, 0);
	exp_cache_flush(c);
	assert_true(exp_export_make_uniflow(&s.flow[0], s.flow[0].initiator,
	    MF_END_FORCED, &r));
	assert_int_equal(r.packets, 2);
	assert_int_equal(r.start_ms, 5000);
	assert_int_equal(r.end_ms, 5000);
	exp_cache_free(c);
}

static void
test_cache_new_rejects_bad_sizes(void **state)
{
	struct exp_cache_config cfg = { .max_flows = 15 };
	GError *err = NULL;

	(void)state;
	assert_null(exp_cache_new(&cfg, record, NULL, &err));
	assert_non_null(err);
	g_clear_error(&err);
	cfg.max_flows = EXP_CACHE_MAX_FLOWS + 1;
	assert_null(exp_cache_new(&cfg, record, NULL, &err));
	g_clear_error(&err);
	exp_cache_free(NULL);
}

static void
test_cache_make_biflow_reverse_fields(void **state)
{
	struct seen s;
	struct exp_cache *c = new_cache(16, &s);
	struct exp_pkt p;
	struct mf_flow_rec r;

	(void)state;
	p = C2S(0x02, 60, 1000);
	exp_cache_update(c, &p, 0);
	p = S2C(0x12, 64, 1030);
	exp_cache_update(c, &p, 0);
	p = S2C(0x10, 1500, 1100);
	exp_cache_update(c, &p, 0);
	exp_cache_flush(c);
	assert_true(exp_export_make_biflow(&s.flow[0], MF_END_FORCED, &r));
	assert_int_equal(r.sport, 40000);
	assert_int_equal(r.packets, 1);
	assert_int_equal(r.octets, 60);
	assert_int_equal(r.rev_packets, 2);
	assert_int_equal(r.rev_octets, 1564);
	assert_int_equal(r.rev_initial_flags, 0x12);
	assert_int_equal(r.rev_union_flags, 0x10);
	assert_int_equal(r.rev_delta_ms, 30);
	assert_int_equal(r.start_ms, 1000);
	assert_int_equal(r.end_ms, 1100);
	exp_cache_free(c);
}

static void
test_cache_service_port_prefers_well_known(void **state)
{
	struct exp_flow f;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.key.proto = 6;
	f.initiator = 0;
	f.key.port[0] = 51000;
	f.key.port[1] = 443;
	assert_int_equal(exp_export_service_port(&f), 443);
	f.key.port[0] = 22; /* initiator on a low port, e.g. a reply seen */
	f.key.port[1] = 51000;
	assert_int_equal(exp_export_service_port(&f), 22);
	f.key.port[0] = 51000; /* no well-known port on either side */
	f.key.port[1] = 8080;
	assert_int_equal(exp_export_service_port(&f), 0);
	f.key.port[0] = 0;
	f.key.port[1] = 1023;
	assert_int_equal(exp_export_service_port(&f), 1023);
	f.key.port[1] = 1024;
	assert_int_equal(exp_export_service_port(&f), 0);
	f.key.proto = 1;
	assert_int_equal(exp_export_service_port(&f), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_cache_update_both_directions_are_one_flow),
		cmocka_unit_test(test_cache_update_initiator_is_first_sender),
		cmocka_unit_test(test_cache_expire_idle_at_exact_timeout),
		cmocka_unit_test(test_cache_expire_active_restarts_period),
		cmocka_unit_test(
		    test_cache_update_fin_both_ways_lingers_then_ends),
		cmocka_unit_test(test_cache_update_rst_closes),
		cmocka_unit_test(
		    test_cache_update_syn_on_closing_flow_starts_new_one),
		cmocka_unit_test(
		    test_cache_update_full_evicts_least_recently_used),
		cmocka_unit_test(
		    test_cache_update_vlan_and_interface_split_flows),
		cmocka_unit_test(test_cache_update_many_flows_each_its_own),
		cmocka_unit_test(
		    test_cache_flush_closing_flow_ends_as_end_of_flow),
		cmocka_unit_test(test_cache_update_macs_follow_sides),
		cmocka_unit_test(test_cache_update_counts_packets_and_octets),
		cmocka_unit_test(test_cache_update_time_going_back_is_harmless),
		cmocka_unit_test(test_cache_new_rejects_bad_sizes),
		cmocka_unit_test(test_cache_make_biflow_reverse_fields),
		cmocka_unit_test(test_cache_service_port_prefers_well_known),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
