/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

#include <cmocka.h>
#include <glib.h>

#include "common/model.h"
#include "exporter/ctflow.h"
#include "tests/unit/ctmsg.h"

/* What the export callback saw. */
#define MAX_SEEN 16
struct seen {
	struct exp_flow f[MAX_SEEN];
	struct exp_nat nat[MAX_SEEN];
	int has_nat[MAX_SEEN];
	int reason[MAX_SEEN];
	int n;
};

static void
on_flow(const struct exp_flow *f, int reason, const struct exp_nat *nat,
    void *ctx)
{
	struct seen *s = ctx;

	assert_true(s->n < MAX_SEEN);
	s->f[s->n] = *f;
	s->reason[s->n] = reason;
	s->has_nat[s->n] = nat != NULL;
	if (nat != NULL)
		s->nat[s->n] = *nat;
	s->n++;
}

static struct exp_ctflow *
new_table(struct seen *s)
{
	struct exp_ctflow_config cfg = { .max_conns = 64 };

	memset(s, 0, sizeof(*s));
	return exp_ctflow_new(&cfg, on_flow, s, NULL);
}

/* A LAN client behind a masquerading router fetching from a server. */
static void
nat_tcp(struct ctmsg *m, int ev)
{
	memset(m, 0, sizeof(*m));
	m->ev = ev;
	m->ct.family = MF_AF_INET;
	m->ct.proto = 6;
	m->ct.id = 0x1234abcd;
	m->ct.status = IPS_SEEN_REPLY | IPS_ASSURED | IPS_SRC_NAT;
	ctmsg_tuple(&m->ct.tuple[EXP_CT_ORIG], "192.168.1.10", "203.0.113.5",
	    40000, 80);
	ctmsg_tuple(&m->ct.tuple[EXP_CT_REPLY], "203.0.113.5", "198.51.100.1",
	    80, 61000);
}

static void
set_counters(struct ctmsg *m, uint64_t p0, uint64_t b0, uint64_t p1,
    uint64_t b1)
{
	m->ct.counters = 1;
	m->ct.packets[0] = p0;
	m->ct.bytes[0] = b0;
	m->ct.packets[1] = p1;
	m->ct.bytes[1] = b1;
}

/*
 * With MF_CTFLOW_SEEDS=DIR, every message built is also written to DIR
 * (named by its SHA-256): the seeds of tests/fuzz/fuzz_ctflow.c.
 */
static void
save_seed(const uint8_t *buf, size_t len)
{
	const char *dir = g_getenv("MF_CTFLOW_SEEDS");
	g_autofree char *sum = NULL, *path = NULL;

	if (dir == NULL)
		return;
	sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, buf, len);
	path = g_build_filename(dir, sum, NULL);
	g_mkdir_with_parents(dir, 0755);
	assert_true(
	    g_file_set_contents(path, (const char *)buf, (gssize)len, NULL));
}

/* Build m, parse it back (as a dump reply when m says so), feed it. */
static void
feed(struct exp_ctflow *t, const struct ctmsg *m, uint64_t now_ms)
{
	uint8_t buf[2048];
	size_t len = ctmsg_build(buf, sizeof(buf), m);
	struct exp_ct ct;
	enum exp_ct_event ev;

	save_seed(buf, len);

	assert_int_equal(exp_ctflow_parse(buf, len, &ct, &ev), EXP_CT_PARSE_OK);
	if (m->ev == EXP_CT_DUMP) {
		assert_int_equal(ev, EXP_CT_UPDATE);
		ev = EXP_CT_DUMP;
	} else {
		assert_int_equal(ev, m->ev);
	}
	exp_ctflow_event(t, &ct, ev, now_ms);
}

static void
dump(struct exp_ctflow *t, const struct ctmsg *m, int n, uint64_t now_ms)
{
	int i;

	exp_ctflow_dump_begin(t, FALSE);
	for (i = 0; i < n; i++)
		feed(t, &m[i], now_ms);
	exp_ctflow_dump_end(t);
}

static void
test_ctflow_parse_nat_tuples(void **state)
{
	struct ctmsg m;
	uint8_t buf[2048];
	size_t len;
	struct exp_ct ct;
	enum exp_ct_event ev;
	uint8_t a[4];

	(void)state;
	nat_tcp(&m, EXP_CT_NEW);
	m.ct.has_tcp_state = 1;
	m.ct.tcp_state = TCP_CONNTRACK_SYN_SENT;
	m.ct.mark = 7;
	m.ct.zone = 3;
	len = ctmsg_build(buf, sizeof(buf), &m);
	assert_int_equal(exp_ctflow_parse(buf, len, &ct, &ev), EXP_CT_PARSE_OK);
	assert_int_equal(ev, EXP_CT_NEW);
	assert_int_equal(ct.family, MF_AF_INET);
	assert_int_equal(ct.proto, 6);
	assert_int_equal(ct.id, 0x1234abcd);
	assert_int_equal(ct.mark, 7);
	assert_int_equal(ct.zone, 3);
	assert_int_equal(ct.tcp_state, TCP_CONNTRACK_SYN_SENT);
	assert_int_equal(ct.counters, 0);
	inet_pton(AF_INET, "198.51.100.1", a);
	assert_memory_equal(ct.tuple[EXP_CT_REPLY].dst, a, 4);
	assert_int_equal(ct.tuple[EXP_CT_ORIG].sport, 40000);
	assert_int_equal(ct.tuple[EXP_CT_REPLY].dport, 61000);
	m.ev = EXP_CT_DESTROY;
	len = ctmsg_build(buf, sizeof(buf), &m);
	assert_int_equal(exp_ctflow_parse(buf, len, &ct, &ev), EXP_CT_PARSE_OK);
	assert_int_equal(ev, EXP_CT_DESTROY);
}

/* Two dumps and the end: three slices adding up to the kernel's totals. */
static void
test_ctflow_slices_add_up(void **state)
{
	struct seen s;
	struct exp_ctflow *t = new_table(&s);
	struct ctmsg m;
	uint64_t p[2] = { 0, 0 }, b[2] = { 0, 0 };
	uint8_t pub[4];
	int i, d;

	(void)state;
	nat_tcp(&m, EXP_CT_NEW);
	feed(t, &m, 1000);
	assert_int_equal(s.n, 0);
	nat_tcp(&m, EXP_CT_DUMP);
	set_counters(&m, 10, 1000, 8, 4000);
	dump(t, &m, 1, 61000);
	set_counters(&m, 25, 2600, 20, 16000);
	dump(t, &m, 1, 121000);
	dump(t, &m, 1, 181000); /* nothing new: no slice */
	nat_tcp(&m, EXP_CT_DESTROY);
	set_counters(&m, 30, 3000, 22, 17000);
	feed(t, &m, 200000);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.reason[0], MF_END_ACTIVE_TIMEOUT);
	assert_int_equal(s.reason[1], MF_END_ACTIVE_TIMEOUT);
	assert_int_equal(s.reason[2], MF_END_OF_FLOW);
	for (i = 0; i < s.n; i++)
		for (d = 0; d < 2; d++) {
			p[d] += s.f[i].side[d].packets;
			b[d] += s.f[i].side[d].octets;
		}
	assert_int_equal(p[0], 30);
	assert_int_equal(b[0], 3000);
	assert_int_equal(p[1], 22);
	assert_int_equal(b[1], 17000);
	assert_int_equal(s.f[1].side[0].packets, 15);
	assert_int_equal(s.f[1].side[1].octets, 12000);
	/*
	 * Slices follow each other: 1000-61000, 61000-121000, and (nothing
	 * new at 181000) 181000-200000.
	 */
	assert_int_equal(s.f[0].period_ms, 1000);
	assert_int_equal(s.f[0].side[0].last_off, 60000);
	assert_int_equal(s.f[1].period_ms, 61000);
	assert_int_equal(s.f[2].period_ms, 181000);
	assert_int_equal(s.f[2].side[0].last_off, 19000);
	/* The LAN side in the key, the translation beside it. */
	assert_true(s.has_nat[0]);
	inet_pton(AF_INET, "198.51.100.1", pub);
	assert_memory_equal(s.nat[0].post_src, pub, 4);
	assert_int_equal(s.nat[0].post_sport, 61000);
	assert_int_equal(s.nat[0].post_dport, 80);
	assert_int_equal(s.f[0].key.port[0], 40000);
	assert_int_equal(s.f[0].initiator, 0);
	/* Completed TCP: SYN first, SYN-ACK in reply, FIN at the end. */
	assert_int_equal(s.f[0].side[0].initial_flags, 0x02);
	assert_int_equal(s.f[0].side[1].initial_flags, 0x12);
	assert_int_equal(s.f[2].side[0].union_flags & 0x01, 0x01);
	assert_int_equal(exp_ctflow_get_stats(t)->unchanged, 1);
	assert_int_equal(exp_ctflow_get_stats(t)->tracked, 0);
	exp_ctflow_free(t);
}

static void
test_ctflow_destroy_without_counters(void **state)
{
	struct seen s;
	struct exp_ctflow *t = new_table(&s);
	struct ctmsg m;

	(void)state;
	nat_tcp(&m, EXP_CT_DESTROY);
	feed(t, &m, 5000);
	assert_int_equal(s.n, 0);
	assert_int_equal(exp_ctflow_get_stats(t)->no_counters, 1);
	assert_int_equal(exp_ctflow_get_stats(t)->tracked, 0);
	exp_ctflow_free(t);
}

/* A destroy never seen before (its NEW lost): exported whole. */
static void
test_ctflow_ipv6_udp_without_nat(void **state)
{
	struct seen s;
	struct exp_ctflow *t = new_table(&s);
	struct ctmsg m;
	uint8_t a[16];

	(void)state;
	memset(&m, 0, sizeof(m));
	m.ev = EXP_CT_DESTROY;
	m.ct.family = MF_AF_INET6;
	m.ct.proto = 17;
	m.ct.id = 99;
	ctmsg_tuple(&m.ct.tuple[EXP_CT_ORIG], "2001:db8::10", "2001:db8:1::53",
	    5555, 53);
	ctmsg_tuple(&m.ct.tuple[EXP_CT_REPLY], "2001:db8:1::53", "2001:db8::10",
	    53, 5555);
	set_counters(&m, 1, 72, 1, 120);
	m.ct.start_ns = 1700000000123000000ull;
	m.ct.stop_ns = 1700000000456000000ull;
	feed(t, &m, 9999999);
	assert_int_equal(s.n, 1);
	assert_false(s.has_nat[0]);
	assert_int_equal(s.f[0].key.family, MF_AF_INET6);
	inet_pton(AF_INET6, "2001:db8:1::53", a);
	assert_memory_equal(s.f[0].key.addr[1], a, 16);
	assert_int_equal(s.f[0].key.port[1], 53);
	assert_int_equal(s.f[0].side[0].octets, 72);
	assert_int_equal(s.f[0].side[1].octets, 120);
	/* Kernel timestamps, not the event time. */
	assert_int_equal(s.f[0].period_ms, 1700000000123ull);
	assert_int_equal(s.f[0].side[0].last_off, 333);
	exp_ctflow_free(t);
}

static void
test_ctflow_icmp_type_code(void **state)
{
	struct seen s;
	struct exp_ctflow *t = new_table(&s);
	struct ctmsg m;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.ev = EXP_CT_DESTROY;
	m.ct.family = MF_AF_INET;
	m.ct.proto = 1;
	m.ct.id = 5;
	m.ct.status = IPS_SEEN_REPLY | IPS_SRC_NAT;
	ctmsg_tuple(&m.ct.tuple[EXP_CT_ORIG], "192.168.1.10", "203.0.113.5",
	    777, 8 << 8);
	ctmsg_tuple(&m.ct.tuple[EXP_CT_REPLY], "203.0.113.5", "198.51.100.1",
	    777, 0);
	set_counters(&m, 4, 336, 4, 336);
	feed(t, &m, 1000);
	/* Echo request one way, echo reply (0/0) the other: two flows. */
	assert_int_equal(s.n, 2);
	assert_int_equal(s.f[0].key.proto, 1);
	assert_int_equal(s.f[0].key.port[0], 0);
	assert_int_equal(s.f[0].key.port[1], 8 << 8);
	assert_int_equal(s.f[0].side[0].packets, 4);
	assert_int_equal(s.f[0].side[1].packets, 0);
	assert_int_equal(s.f[1].key.port[1], 0);
	assert_int_equal(s.f[1].side[0].octets, 336);
	assert_int_equal(s.f[1].side[1].packets, 0);
	assert_memory_equal(s.f[1].key.addr[0], m.ct.tuple[EXP_CT_ORIG].dst, 4);
	assert_true(s.has_nat[0]);
	assert_int_equal(s.nat[0].post_dport, 8 << 8);
	/* Only replies (a request before the exporter's last slice): one. */
	s.n = 0;
	m.ct.id = 6;
	set_counters(&m, 0, 0, 2, 168);
	feed(t, &m, 2000);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.f[0].key.port[1], 0);
	assert_int_equal(s.f[0].side[0].packets, 2);
	exp_ctflow_free(t);
}

/* A known connection gone from a dump: its DESTROY event was lost. */
static void
test_ctflow_lost_in_gap_counted(void **state)
{
	struct seen s;
	struct exp_ctflow *t = new_table(&s);
	struct ctmsg m[2];

	(void)state;
	nat_tcp(&m[0], EXP_CT_DUMP);
	set_counters(&m[0], 3, 300, 2, 200);
	m[1] = m[0];
	m[1].ct.id = 42;
	dump(t, m, 2, 1000);
	assert_int_equal(s.n, 2);
	assert_int_equal(exp_ctflow_get_stats(t)->tracked, 2);
	dump(t, &m[1], 1, 2000); /* the first one ended unseen */
	assert_int_equal(exp_ctflow_get_stats(t)->lost_ended, 1);
	assert_int_equal(exp_ctflow_get_stats(t)->tracked, 1);
	/* A known connection whose DESTROY arrives is not lost. */
	m[1].ev = EXP_CT_DESTROY;
	set_counters(&m[1], 5, 500, 2, 200);
	feed(t, &m[1], 3000);
	dump(t, NULL, 0, 4000);
	assert_int_equal(exp_ctflow_get_stats(t)->lost_ended, 1);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.f[2].side[0].packets, 2);
	assert_int_equal(s.f[2].side[1].packets, 0);
	exp_ctflow_free(t);
}

static void
test_ctflow_tcp_never_completed(void **state)
{
	struct seen s;
	struct exp_ctflow *t = new_table(&s);
	struct ctmsg m;

	(void)state;
	nat_tcp(&m, EXP_CT_DESTROY);
	m.ct.status = IPS_SRC_NAT;
	m.ct.has_tcp_state = 1;
	m.ct.tcp_state = TCP_CONNTRACK_SYN_SENT;
	set_counters(&m, 3, 180, 0, 0);
	feed(t, &m, 1000);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.f[0].side[0].initial_flags, 0x02);
	assert_int_equal(s.f[0].side[0].union_flags, 0);
	assert_int_equal(s.f[0].side[1].packets, 0);
	assert_int_equal(exp_ctflow_get_stats(t)->incomplete, 1);
	exp_ctflow_free(t);
}

/* Counters zeroed by someone else (conntrack -Z): start over, counted. */
static void
test_ctflow_counters_going_back(void **state)
{
	struct seen s;
	struct exp_ctflow *t = new_table(&s);
	struct ctmsg m;

	(void)state;
	nat_tcp(&m, EXP_CT_DUMP);
	set_counters(&m, 10, 1000, 10, 1000);
	dump(t, &m, 1, 1000);
	set_counters(&m, 2, 100, 1, 50);
	dump(t, &m, 1, 2000);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.f[1].side[0].packets, 2);
	assert_int_equal(s.f[1].side[1].octets, 50);
	assert_int_equal(exp_ctflow_get_stats(t)->counter_back, 2);
	exp_ctflow_free(t);
}

static void
test_ctflow_table_full_exports_whole(void **state)
{
	struct seen s;
	struct exp_ctflow *t = new_table(&s);
	struct ctmsg m;
	uint32_t i;

	(void)state;
	nat_tcp(&m, EXP_CT_NEW);
	for (i = 0; i < 70; i++) {
		m.ct.id = i;
		feed(t, &m, 1000);
	}
	assert_int_equal(exp_ctflow_get_stats(t)->tracked, 64);
	assert_int_equal(exp_ctflow_get_stats(t)->table_full, 6);
	m.ev = EXP_CT_DESTROY;
	m.ct.id = 69;
	set_counters(&m, 7, 700, 6, 600);
	feed(t, &m, 2000);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.f[0].side[0].packets, 7);
	exp_ctflow_free(t);
}

static void
test_ctflow_parse_rejects_malformed(void **state)
{
	struct ctmsg m;
	uint8_t buf[2048], copy[2048];
	size_t len, i;
	struct exp_ct ct;
	enum exp_ct_event ev;

	(void)state;
	nat_tcp(&m, EXP_CT_DUMP);
	set_counters(&m, 1, 2, 3, 4);
	len = ctmsg_build(buf, sizeof(buf), &m);
	/* Every shorter buffer: never read past it, never OK. */
	for (i = 0; i < len; i++) {
		uint8_t *p = g_memdup2(buf, i);

		assert_int_not_equal(exp_ctflow_parse(p, i, &ct, &ev),
		    EXP_CT_PARSE_OK);
		g_free(p);
	}
	/* A message whose length claims less than its attributes. */
	memcpy(copy, buf, len);
	((struct nlmsghdr *)copy)->nlmsg_len = 40;
	assert_int_not_equal(exp_ctflow_parse(copy, len, &ct, &ev),
	    EXP_CT_PARSE_OK);
	/* ... or more than the buffer, even as a negative int (fuzzer). */
	((struct nlmsghdr *)copy)->nlmsg_len = 0x800000f8u;
	assert_int_equal(exp_ctflow_parse(copy, 16, &ct, &ev),
	    EXP_CT_PARSE_MALFORMED);
	m.no_reply_tuple = 1;
	len = ctmsg_build(buf, sizeof(buf), &m);
	assert_int_equal(exp_ctflow_parse(buf, len, &ct, &ev),
	    EXP_CT_PARSE_MALFORMED);
	m.no_reply_tuple = 0;
	len = ctmsg_build(buf, sizeof(buf), &m);
	((struct nfgenmsg *)(buf + sizeof(struct nlmsghdr)))->nfgen_family =
	    AF_UNSPEC;
	assert_int_equal(exp_ctflow_parse(buf, len, &ct, &ev),
	    EXP_CT_PARSE_FAMILY);
	((struct nlmsghdr *)buf)->nlmsg_type = NLMSG_DONE;
	assert_int_equal(exp_ctflow_parse(buf, len, &ct, &ev),
	    EXP_CT_PARSE_SKIP);
}

static void
test_ctflow_new_rejects_bad_size(void **state)
{
	struct exp_ctflow_config cfg = { .max_conns = 3 };
	GError *error = NULL;

	(void)state;
	assert_null(exp_ctflow_new(&cfg, on_flow, NULL, &error));
	assert_non_null(error);
	g_error_free(error);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctflow_parse_nat_tuples),
		cmocka_unit_test(test_ctflow_slices_add_up),
		cmocka_unit_test(test_ctflow_destroy_without_counters),
		cmocka_unit_test(test_ctflow_ipv6_udp_without_nat),
		cmocka_unit_test(test_ctflow_icmp_type_code),
		cmocka_unit_test(test_ctflow_lost_in_gap_counted),
		cmocka_unit_test(test_ctflow_tcp_never_completed),
		cmocka_unit_test(test_ctflow_counters_going_back),
		cmocka_unit_test(test_ctflow_table_full_exports_whole),
		cmocka_unit_test(test_ctflow_parse_rejects_malformed),
		cmocka_unit_test(test_ctflow_new_rejects_bad_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
