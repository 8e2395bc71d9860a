/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-test-anomaly"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "collector/analytics/anomaly.h"
#include "collector/analytics/anomaly_detect.h"
#include "collector/model/flow.h"
#include "collector/settings.h"
#include "collector/model/tables.h"
#include "common/addr.h"
#include "common/hash.h"
#include "tests/unit/flowbuild.h"

/*
 * Every case starts from the defaults of minflow.conf (col_config_load
 * with no file), sets the threshold under test to a small number N and
 * feeds N - 1 (no entry) or N (exactly one entry) synthetic flows.  Flow
 * time: T0 is 2023-11-14 22:13:00 UTC, a multiple of 60 s.
 */
#define T0 UINT64_C(1699999980000)
#define SEC(x) ((uint64_t)(x)*1000u)
#define SYN 0x02u
#define ACK 0x10u
#define RST 0x04u
#define FULL 0x1bu /* FIN SYN PSH ACK: a whole connection */
#define SCANNER ip4(10, 0, 0, 66)

struct fx {
	struct col_config conf;
	struct col_tables *t;
	struct col_anomaly *a;
};

static int
setup(void **state)
{
	struct fx *fx = g_new0(struct fx, 1);
	struct col_tables_config tc;
	GError *err = NULL;

	assert_true(col_config_load(NULL, &fx->conf, &err));
	memset(&tc, 0, sizeof(tc));
	tc.max_addresses = tc.max_streams = tc.max_ports = 4096;
	tc.idle_ms = SEC(600);
	mf_hash_key_fixed(&tc.seed);
	fx->t = col_tables_new(&tc, &err);
	assert_non_null(fx->t);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	col_anomaly_free(fx->a);
	col_tables_free(fx->t);
	col_config_clear(&fx->conf);
	g_free(fx);
	return 0;
}

/* The detectors, with fx->conf.anomaly as the case set it. */
static struct col_anomaly *
make(struct fx *fx)
{
	struct mf_hash_key k;
	GError *err = NULL;

	mf_hash_key_fixed(&k);
	col_anomaly_free(fx->a);
	fx->a = col_anomaly_new(&fx->conf.anomaly, &k, &err);
	assert_null(err);
	assert_non_null(fx->a);
	return fx->a;
}

/* 10.0.x.y (internal) or 203.0.113.y style external addresses. */
static struct mf_addr
ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	const uint8_t v[4] = { a, b, c, d };
	struct mf_addr r;

	memset(&r, 0, sizeof(r));
	mf_addr_set4(&r, v);
	return r;
}

static struct col_flow
flow(struct mf_addr src, struct mf_addr dst, uint8_t proto, uint16_t sport,
    uint16_t dport, uint8_t flags, uint64_t t)
{
	struct col_flow f =
	    fb_flow_addr(&src, sport, &dst, dport, proto, 1, 60, t, t);

	f.tcp_flags = flags;
	return f;
}

static void
feed(struct fx *fx, const struct col_flow *f)
{
	struct col_touch touch;
	gboolean si = f->src.b[0] == 10, di = f->dst.b[0] == 10;

	col_tables_account(fx->t, f, si, di, f->dport, 0, &touch);
	col_anomaly_add(fx->a, f, si, di, &touch, f->end_ms);
}

static void
close_at(struct fx *fx, uint64_t end)
{
	col_anomaly_close(fx->a, fx->t, end);
	col_tables_new_interval(fx->t);
}

/* A SYN from src:40000+i to dst:dport at T0 + i ms. */
static void
syn(struct fx *fx, struct mf_addr src, struct mf_addr dst, uint16_t dport,
    uint32_t i)
{
	struct col_flow f =
	    flow(src, dst, 6, (uint16_t)(40000 + i), dport, SYN, T0 + i);

	feed(fx, &f);
}

static double
evidence(const struct col_anomaly_entry *e, const char *name)
{
	uint8_t i;

	for (i = 0; i < e->n_ev; i++)
		if (strcmp(e->ev[i].name, name) == 0)
			return e->ev[i].value;
	fail_msg("no evidence %s", name);
	return -1;
}

/* The only entry of the list, which must have type and address. */
static const struct col_anomaly_entry *
only(struct fx *fx, enum col_anomaly_type type, struct mf_addr addr)
{
	size_t n;
	const struct col_anomaly_entry *e = col_anomaly_list(fx->a, &n);

	assert_int_equal(n, 1);
	assert_string_equal(col_anomaly_type_names[e->type],
	    col_anomaly_type_names[type]);
	assert_int_equal(mf_addr_cmp(&e->addr, &addr), 0);
	return e;
}

static gboolean
anom_measure(struct fx *fx, const char *q, char *reg, size_t *len, double *ent)
{
	return anom_dns_measure(fx->a, q, reg, 256, len, ent);
}

static size_t
count(struct fx *fx)
{
	size_t n;

	(void)col_anomaly_list(fx->a, &n);
	return n;
}

static void
run_fan_out(struct fx *fx, uint32_t n)
{
	uint32_t i;

	fx->conf.anomaly.fan_out.destinations = 5;
	make(fx);
	for (i = 0; i < n; i++) {
		struct col_flow f =
		    flow(SCANNER, ip4(198, 51, 100, (uint8_t)(i + 1)), 6, 50000,
		        8443, FULL, T0 + i);

		f.app_port = 8443;
		f.packets = 8;
		feed(fx, &f);
	}
	close_at(fx, T0 + SEC(60));
}

static void
test_anomaly_fan_out_below_threshold_is_silent(void **state)
{
	run_fan_out(*state, 4);
	assert_int_equal(count(*state), 0);
}

static void
test_anomaly_fan_out_at_threshold_reports_source(void **state)
{
	struct fx *fx = *state;
	const struct col_anomaly_entry *e;

	run_fan_out(fx, 5);
	e = only(fx, COL_ANOMALY_FAN_OUT, SCANNER);
	assert_int_equal(evidence(e, "destinations"), 5);
	assert_int_equal(evidence(e, "threshold"), 5);
	assert_int_equal(e->n_targets, 5);
	assert_int_equal(e->internal, 1);
	assert_int_equal(e->role_target, 0);
	assert_int_equal(e->flows, 5);
	assert_int_equal(e->first_ms, T0);
	assert_int_equal(e->last_ms, T0 + 4);
	assert_int_equal(e->score, 50);
}

/*
 * Five UDP flows: of SCANNER to 224.0.0.1..5 (groups: no fan_out), of
 * five sources to 255.255.255.255 (no ddos), of SCANNER as answers (from
 * port 53 to high ports: no fan_out); as requests of SCANNER to five
 * unicast servers they make one fan_out entry.  col_anomaly_add() works
 * out "group" and "opens" once for all the flow detectors.
 */
static size_t
run_udp_fan_out(struct fx *fx, int kind)
{
	uint32_t i;

	fx->conf.anomaly.fan_out.destinations = 5;
	fx->conf.anomaly.ddos.sources = 5;
	make(fx);
	for (i = 0; i < 5; i++) {
		struct mf_addr dst = kind == 0
		    ? ip4(224, 0, 0, (uint8_t)(i + 1))
		    : kind == 1 ? ip4(255, 255, 255, 255)
		                : ip4(198, 51, 100, (uint8_t)(i + 1));
		struct mf_addr src =
		    kind == 1 ? ip4(10, 0, 1, (uint8_t)(i + 1)) : SCANNER;
		struct col_flow f = kind == 2
		    ? flow(src, dst, 17, 53, (uint16_t)(40000 + i), 0, T0 + i)
		    : flow(src, dst, 17, (uint16_t)(40000 + i), 5353, 0,
		          T0 + i);

		if (kind == 3)
			f.rev_packets = 1; /* answered: no probe, a flow only */
		feed(fx, &f);
	}
	close_at(fx, T0 + SEC(60));
	return count(fx);
}

static void
test_anomaly_udp_groups_and_answers_feed_no_fan_out(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(run_udp_fan_out(fx, 0), 0);
	assert_int_equal(run_udp_fan_out(fx, 1), 0);
	assert_int_equal(run_udp_fan_out(fx, 2), 0);
	assert_int_equal(run_udp_fan_out(fx, 3), 1);
	(void)only(fx, COL_ANOMALY_FAN_OUT, SCANNER);
}

static void
run_vertical(struct fx *fx, uint32_t n)
{
	uint32_t i;

	fx->conf.anomaly.vertical.ports = 5;
	make(fx);
	for (i = 0; i < n; i++)
		syn(fx, SCANNER, ip4(10, 0, 0, 1), (uint16_t)(20 + i), i);
	close_at(fx, T0 + SEC(60));
}

static void
test_anomaly_vertical_below_threshold_is_silent(void **state)
{
	run_vertical(*state, 4);
	assert_int_equal(count(*state), 0);
}

static void
test_anomaly_vertical_at_threshold_reports_scanner(void **state)
{
	struct fx *fx = *state;
	const struct col_anomaly_entry *e;
	struct mf_addr target = ip4(10, 0, 0, 1);

	uint8_t i;

	run_vertical(fx, 5);
	e = only(fx, COL_ANOMALY_PORT_SCAN_VERTICAL, SCANNER);
	assert_int_equal(evidence(e, "ports"), 5);
	assert_int_equal(evidence(e, "probes"), 5);
	assert_int_equal(evidence(e, "unanswered"), 5);
	assert_int_equal(e->n_targets, 1);
	assert_int_equal(mf_addr_cmp(&e->targets[0], &target), 0);
	/* five numbers; the evidence after them is zero */
	assert_int_equal(e->n_ev, 5);
	for (i = e->n_ev; i < COL_ANOMALY_EVIDENCE; i++) {
		assert_null(e->ev[i].name);
		assert_true(e->ev[i].value == 0.0);
		assert_false(e->ev[i].real);
	}
}

/*
 * A new key's slot is cleared and not reset (slot_start()): so every
 * detector's reset must leave an all-zero slot as it is.
 */
static void
test_anomaly_reset_leaves_cleared_slot(void **state)
{
	struct fx *fx = *state;
	struct col_anomaly *a = make(fx);
	size_t i, j, size;
	uint8_t *buf;

	for (i = 0; i < ANOM_N_TABLES; i++) {
		size = a->tables[i].desc->slot_size;
		buf = g_malloc0(size);
		a->tables[i].desc->reset(a, (struct anom_slot *)(void *)buf,
		    T0 + SEC(120));
		for (j = 0; j < size; j++)
			if (buf[j] != 0)
				fail_msg("table %zu: byte %zu of %zu set", i, j,
				    size);
		g_free(buf);
	}
}

/*
 * anom_slot_get() of a table that is on: its slot, never NULL (the test
 * fails first; abort() tells the compiler, which sees the NULL return of
 * a table that is off now that anom_slot_get() is inline).
 */
static struct anom_slot *
slot_on(struct col_anomaly *a, enum anom_table_id id, const struct anom_key *k,
    const struct anom_dev *dev, uint64_t t)
{
	struct anom_slot *s = anom_slot_get(a, id, k, dev, t);

	if (s == NULL) {
		fail_msg("table %d is off", (int)id);
		abort();
	}
	return s;
}

/* A reload sets each table's window and on bit (anom_slot_get()). */
static void
test_anomaly_reload_sets_window_and_on(void **state)
{
	struct fx *fx = *state;
	struct col_anomaly_config *c = &fx->conf.anomaly;
	struct col_anomaly *a = make(fx);
	struct anom_key k;
	struct anom_dev dev;
	struct anom_slot *s;
	GError *err = NULL;

	memset(&k, 0, sizeof(k));
	k.a = SCANNER;
	memset(&dev, 0, sizeof(dev));
	dev.addr = SCANNER;
	dev.id = COL_ID_NONE;
	/* the defaults: 60 s, dns_tunnel 300 s, beacon 3600 s */
	assert_int_equal(a->tables[ANOM_T_VERTICAL].window_ms, 60000);
	assert_int_equal(a->tables[ANOM_T_TUNNEL].window_ms, 300000);
	assert_int_equal(a->tables[ANOM_T_BEACON].window_ms, 3600000);
	c->vertical.enabled = FALSE;
	c->vertical.window = 5;
	assert_true(col_anomaly_set_config(a, c, &err));
	assert_int_equal(a->tables[ANOM_T_VERTICAL].window_ms, 5000);
	assert_int_equal(a->tables[ANOM_T_HORIZONTAL].window_ms, 60000);
	assert_null(anom_slot_get(a, ANOM_T_VERTICAL, &k, &dev, T0));
	assert_non_null(anom_slot_get(a, ANOM_T_HORIZONTAL, &k, &dev, T0));
	c->vertical.enabled = TRUE;
	assert_true(col_anomaly_set_config(a, c, &err));
	(void)slot_on(a, ANOM_T_VERTICAL, &k, &dev, T0);
	s = slot_on(a, ANOM_T_VERTICAL, &k, &dev, T0 + SEC(5) - 1);
	assert_int_equal(s->flows, 2);
	assert_int_equal(s->start_ms, T0);
	/* 5 s after its start the window rolls: one flow in the new one */
	s = slot_on(a, ANOM_T_VERTICAL, &k, &dev, T0 + SEC(5));
	assert_int_equal(s->flows, 1);
	assert_int_equal(s->start_ms, T0 + SEC(5));
}

static void
test_anomaly_vertical_disabled_is_silent(void **state)
{
	struct fx *fx = *state;

	fx->conf.anomaly.vertical.enabled = FALSE;
	run_vertical(fx, 30);
	assert_int_equal(count(fx), 0);
}

static void
run_horizontal(struct fx *fx, uint32_t n)
{
	uint32_t i;

	fx->conf.anomaly.horizontal.targets = 5;
	make(fx);
	for (i = 0; i < n; i++)
		syn(fx, SCANNER, ip4(10, 0, 1, (uint8_t)(i + 1)), 23, i);
	close_at(fx, T0 + SEC(60));
}

static void
test_anomaly_horizontal_below_threshold_is_silent(void **state)
{
	run_horizontal(*state, 4);
	assert_int_equal(count(*state), 0);
}

static void
test_anomaly_horizontal_at_threshold_reports_scanner(void **state)
{
	struct fx *fx = *state;
	const struct col_anomaly_entry *e;

	run_horizontal(fx, 5);
	e = only(fx, COL_ANOMALY_PORT_SCAN_HORIZONTAL, SCANNER);
	assert_int_equal(evidence(e, "port"), 23);
	assert_int_equal(evidence(e, "proto"), 6);
	assert_int_equal(e->target_count, 5);
}

/* An ICMP echo sweep: answered or not, each host counts. */
static void
test_anomaly_horizontal_ping_sweep(void **state)
{
	struct fx *fx = *state;
	const struct col_anomaly_entry *e;
	uint32_t i;

	fx->conf.anomaly.horizontal.targets = 5;
	make(fx);
	for (i = 0; i < 5; i++) {
		struct col_flow f = flow(SCANNER,
		    ip4(10, 0, 2, (uint8_t)(i + 1)), 1, 0, 8 << 8, 0, T0 + i);

		feed(fx, &f);
	}
	close_at(fx, T0 + SEC(60));
	e = only(fx, COL_ANOMALY_PORT_SCAN_HORIZONTAL, SCANNER);
	assert_int_equal(evidence(e, "proto"), 1);
}

/* --- syn_scan and half_open ------------------------------------------------
 */

/* n SYNs to distinct hosts and ports; the first `answered` get a reset. */
static void
run_syn_scan(struct fx *fx, uint32_t n, uint32_t answered)
{
	uint32_t i;

	fx->conf.anomaly.syn_scan.probes = 5;
	make(fx);
	for (i = 0; i < n; i++) {
		struct mf_addr dst = ip4(203, 0, 113, (uint8_t)(i + 1));

		syn(fx, SCANNER, dst, (uint16_t)(1000 + i), i);
		if (i < answered) {
			struct col_flow r =
			    flow(dst, SCANNER, 6, (uint16_t)(1000 + i),
			        (uint16_t)(40000 + i), RST | ACK, T0 + i + 1);

			feed(fx, &r);
		}
	}
	close_at(fx, T0 + SEC(60));
}

static void
test_anomaly_syn_scan_below_threshold_is_silent(void **state)
{
	run_syn_scan(*state, 4, 0);
	assert_int_equal(count(*state), 0);
}

static void
test_anomaly_syn_scan_at_threshold_reports_scanner(void **state)
{
	struct fx *fx = *state;
	const struct col_anomaly_entry *e;

	run_syn_scan(fx, 5, 0);
	e = only(fx, COL_ANOMALY_SYN_SCAN, SCANNER);
	assert_int_equal(evidence(e, "unanswered_syns"), 5);
	assert_int_equal(evidence(e, "target_ports"), 5);
	assert_int_equal(e->n_targets, 5);
}

/* A reset in the same interval (uniflow pair, one stream) answers. */
static void
test_anomaly_syn_scan_answered_uniflow_pair_does_not_count(void **state)
{
	run_syn_scan(*state, 5, 1);
	assert_int_equal(count(*state), 0);
}

static void
test_anomaly_syn_scan_answered_biflow_does_not_count(void **state)
{
	struct fx *fx = *state;
	uint32_t i;

	fx->conf.anomaly.syn_scan.probes = 5;
	make(fx);
	for (i = 0; i < 5; i++) {
		struct col_flow f =
		    flow(SCANNER, ip4(203, 0, 113, (uint8_t)(i + 1)), 6, 40000,
		        (uint16_t)(1000 + i), SYN, T0 + i);

		f.rev_packets = i == 0;
		f.rev_octets = i == 0 ? 40 : 0;
		feed(fx, &f);
	}
	close_at(fx, T0 + SEC(60));
	assert_int_equal(count(fx), 0);
}

/* n spoofed sources, one SYN each, to the same target port. */
static void
run_half_open(struct fx *fx, uint32_t n)
{
	uint32_t i;

	fx->conf.anomaly.half_open.connections = 5;
	make(fx);
	for (i = 0; i < n; i++)
		syn(fx, ip4(198, 18, 0, (uint8_t)(i + 1)), ip4(10, 0, 0, 80),
		    80, i);
	close_at(fx, T0 + SEC(60));
}

static void
test_anomaly_half_open_below_threshold_is_silent(void **state)
{
	run_half_open(*state, 4);
	assert_int_equal(count(*state), 0);
}

static void
test_anomaly_half_open_at_threshold_reports_target(void **state)
{
	struct fx *fx = *state;
	const struct col_anomaly_entry *e;

	run_half_open(fx, 5);
	e = only(fx, COL_ANOMALY_HALF_OPEN, ip4(10, 0, 0, 80));
	assert_int_equal(e->role_target, 1);
	assert_int_equal(evidence(e, "half_open"), 5);
	assert_int_equal(evidence(e, "sources"), 5);
	assert_int_equal(evidence(e, "port"), 80);
}

/* One source, five SYNs to one port: the target and the source. */
static void
test_anomaly_half_open_single_source_reports_both_sides(void **state)
{
	struct fx *fx = *state;
	const struct col_anomaly_entry *e;
	size_t n, i;
	int roles = 0;

	fx->conf.anomaly.half_open.connections = 5;
	make(fx);
	for (i = 0; i < 5; i++)
		syn(fx, SCANNER, ip4(10, 0, 0, 80), 80, (uint32_t)i);
	close_at(fx, T0 + SEC(60));
	e = col_anomaly_list(fx->a, &n);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++) {
		assert_int_equal(e[i].type, COL_ANOMALY_HALF_OPEN);
		assert_int_equal(evidence(&e[i], "half_open"), 5);
		roles |= 1 << e[i].role_target;
	}
	assert_int_equal(roles, 3);
}

/* --- brute_force ------------------------------------------------------------
 */

/* n logins to ssh, bytes 2000 + 10 i (small variation). */
static void
run_brute(struct fx *fx, uint32_t n, uint16_t port, uint64_t spread)
{
	uint32_t i;

	fx->conf.anomaly.brute_force.connections = 5;
	fx->conf.anomaly.brute_force.other_connections = 8;
	make(fx);
	for (i = 0; i < n; i++) {
		struct col_flow f =
		    flow(ip4(198, 51, 100, 7), ip4(10, 0, 0, 22), 6,
		        (uint16_t)(50000 + i), port, FULL, T0 + SEC(i));

		f.end_ms += 900;
		f.packets = 12;
		f.octets = 2000 + i * spread;
		f.app_port = port;
		feed(fx, &f);
	}
	close_at(fx, T0 + SEC(60));
}

static void
test_anomaly_brute_force_below_threshold_is_silent(void **state)
{
	run_brute(*state, 4, 22, 10);
	assert_int_equal(count(*state), 0);
}

static void
test_anomaly_brute_force_at_threshold_reports_source(void **state)
{
	struct fx *fx = *state;
	const struct col_anomaly_entry *e;

	run_brute(fx, 5, 22, 10);
	e = only(fx, COL_ANOMALY_BRUTE_FORCE, ip4(198, 51, 100, 7));
	assert_int_equal(evidence(e, "connections"), 5);
	assert_int_equal(evidence(e, "port"), 22);
	assert_int_equal(evidence(e, "mean_bytes"), 2020);
	assert_int_equal(evidence(e, "threshold"), 5);
	assert_int_equal(e->internal, 0);
}

static void
test_anomaly_brute_force_varied_sizes_are_silent(void **state)
{
	run_brute(*state, 5, 22, 3000); /* 2000 .. 14000: cv 0.71 */
	assert_int_equal(count(*state), 0);
}

static void
test_anomaly_brute_force_other_port_needs_more(void **state)
{
	struct fx *fx = *state;

	run_brute(fx, 7, 902, 10);
	assert_int_equal(count(fx), 0);
	run_brute(fx, 8, 902, 10);
	assert_int_equal(evidence(only(fx, COL_ANOMALY_BRUTE_FORCE,
	                              ip4(198, 51, 100, 7)),
	                     "threshold"),
	    8);
}

/* --- dns_amplification
 * -------------------------------------------------------- */

static void
run_dns(struct fx *fx, uint64_t bytes)
{
	struct col_flow f =
	    flow(ip4(192, 0, 2, 53), ip4(10, 0, 0, 9), 17, 53, 40000, 0, T0);

	fx->conf.anomaly.dns_amp.min_bytes = 10000;
	make(fx);
	f.packets = 5;
	f.octets = bytes;
	feed(fx, &f);
	f = flow(ip4(10, 0, 0, 9), ip4(192, 0, 2, 53), 17, 40000, 53, 0, T0);
	f.octets = 100; /* the victim's own queries: 1/100 of the answers */
	feed(fx, &f);
	close_at(fx, T0 + SEC(60));
}

static void
test_anomaly_dns_amplification_below_threshold_is_silent(void **state)
{
	run_dns(*state, 9999);
	assert_int_equal(count(*state), 0);
}

static void
test_anomaly_dns_amplification_at_threshold_reports_victim(void **state)
{
	struct fx *fx = *state;
	const struct col_anomaly_entry *e;

	run_dns(fx, 10000);
	e = only(fx, COL_ANOMALY_DNS_AMPLIFICATION, ip4(10, 0, 0, 9));
	assert_int_equal(e->role_target, 1);
	assert_int_equal(evidence(e, "response_bytes"), 10000);
	assert_int_equal(evidence(e, "query_bytes"), 100);
	assert_true(evidence(e, "ratio") == 100.0);
	assert_int_equal(evidence(e, "reflectors"), 1);
}

static void
run_dns_queries(struct fx *fx, uint32_t any)
{
	struct mf_addr client = ip4(10, 0, 0, 5);
	uint32_t i;

	fx->conf.anomaly.dns_amp.queries = 3;
	make(fx);
	col_anomaly_add_dns_query(fx->a, &client, 1, T0); /* A: ignored */
	col_anomaly_add_dns_query(fx->a, &client, 28, T0);
	for (i = 0; i < any; i++)
		col_anomaly_add_dns_query(fx->a, &client, i % 2 ? 16 : 255,
		    T0 + i);
	close_at(fx, T0 + SEC(60));
}

static void
test_anomaly_dns_query_hook_below_threshold_is_silent(void **state)
{
	run_dns_queries(*state, 2);
	assert_int_equal(count(*state), 0);
}

static void
test_anomaly_dns_query_hook_at_threshold_reports_client(void **state)
{
	struct fx *fx = *state;
	const struct col_anomaly_entry *e;

	run_dns_queries(fx, 3);
	e = only(fx, COL_ANOMALY_DNS_AMPLIFICATION, ip4(10, 0, 0, 5));
	assert_int_equal(e->role_target, 0);
	assert_int_equal(evidence(e, "any_txt_queries"), 3);
}

/* --- ddos_target
 * ---------------------------------------------------------------- */

static void
run_ddos(struct fx *fx, uint32_t n)
{
	uint32_t i;

	fx->conf.anomaly.ddos.sources = 5;
	make(fx);
	for (i = 0; i < n; i++)
		syn(fx, ip4(198, 18, 1, (uint8_t)(i + 1)), ip4(10, 0, 0, 80),
		    (uint16_t)(1000 + i), i);
	close_at(fx, T0 + SEC(60));
}

static void
test_anomaly_ddos_below_threshold_is_silent(void **state)
{
	run_ddos(*state, 4);
	assert_int_equal(count(*state), 0);
}

static void
test_anomaly_ddos_at_threshold_reports_target(void **state)
{
	struct fx *fx = *state;
	const struct col_anomaly_entry *e;

	run_ddos(fx, 5);
	e = only(fx, COL_ANOMALY_DDOS_TARGET, ip4(10, 0, 0, 80));
	assert_int_equal(e->role_target, 1);
	assert_int_equal(evidence(e, "sources"), 5);
	assert_int_equal(evidence(e, "syns"), 5);
}

/* Two windows: 60 SYNs (1/s) make the baseline, then 6000 (100/s). */
static void
test_anomaly_ddos_rate_over_baseline(void **state)
{
	struct fx *fx = *state;
	const struct col_anomaly_entry *e;
	uint32_t i;

	fx->conf.anomaly.ddos.min_rate = 50;
	fx->conf.anomaly.half_open.enabled = FALSE;
	make(fx);
	for (i = 0; i < 60; i++)
		syn(fx, ip4(198, 18, 2, (uint8_t)(i % 2)), ip4(10, 0, 0, 80),
		    80, i * 1000);
	close_at(fx, T0 + SEC(60));
	assert_int_equal(count(fx), 0);
	for (i = 0; i < 6000; i++)
		syn(fx, ip4(198, 18, 2, (uint8_t)(i % 2)), ip4(10, 0, 0, 80),
		    443, 60000 + i * 10);
	close_at(fx, T0 + SEC(120));
	e = col_anomaly_list(fx->a, &(size_t){ 0 });
	assert_int_equal(e->type, COL_ANOMALY_DDOS_TARGET);
	assert_true(evidence(e, "syn_rate") == 100.0);
	assert_true(evidence(e, "baseline") == 1.0);
}

/* --- framework
 * ------------------------------------------------------------------ */

/* 1000 sources in 64 slots: 936 evicted, memory unchanged. */
static void
test_anomaly_eviction_is_counted_and_bounded(void **state)
{
	struct fx *fx = *state;
	struct col_anomaly_stats st;
	size_t mem;
	uint32_t i;

	fx->conf.anomaly.hosts = 64;
	fx->conf.anomaly.fan_out.destinations = 5;
	fx->conf.anomaly.ddos.enabled = FALSE; /* 1000 sources: one target */
	make(fx);
	mem = col_anomaly_memory(fx->a);
	for (i = 0; i < 1000; i++) {
		struct col_flow f =
		    flow(ip4(172, 16, (uint8_t)(i >> 8), (uint8_t)i),
		        ip4(10, 0, 0, 80), 6, 50000, 8443, FULL, T0 + i);

		f.app_port = 8443;
		feed(fx, &f);
	}
	close_at(fx, T0 + SEC(60));
	col_anomaly_get_stats(fx->a, &st);
	assert_int_equal(st.evicted, 1000 - 64);
	assert_int_equal(st.used, 64); /* fan_out's table, full */
	assert_int_equal(st.slots, 64 * 12);
	assert_int_equal(col_anomaly_memory(fx->a), mem);
	assert_int_equal(count(fx), 0);
}

/* Three windows of a vertical scan: one entry, counts add up. */
static void
test_anomaly_repeat_offender_is_one_entry(void **state)
{
	struct fx *fx = *state;
	const struct col_anomaly_entry *e;
	uint32_t w, i;

	fx->conf.anomaly.vertical.ports = 5;
	make(fx);
	for (w = 0; w < 3; w++) {
		for (i = 0; i < 6; i++)
			syn(fx, SCANNER, ip4(10, 0, 0, 1), (uint16_t)(20 + i),
			    w * 60000 + i);
		close_at(fx, T0 + SEC(60) * (w + 1));
		e = only(fx, COL_ANOMALY_PORT_SCAN_VERTICAL, SCANNER);
		assert_int_equal(e->detections, w + 1);
		assert_int_equal(e->flows, 6 * (w + 1));
		assert_int_equal(e->first_ms, T0);
		assert_int_equal(e->last_ms, T0 + w * 60000 + 5);
	}
}

/*
 * State: new in the interval of the finding, active while found again,
 * held (not listed) while quiet for fewer than expire intervals, over
 * once at expire, then gone; found again later, it is new again.
 */
static void
test_anomaly_state_new_active_over(void **state)
{
	struct fx *fx = *state;
	const struct col_anomaly_entry *e;
	uint32_t i;

	fx->conf.anomaly.expire = 2;
	run_vertical(fx, 5);
	e = only(fx, COL_ANOMALY_PORT_SCAN_VERTICAL, SCANNER);
	assert_int_equal(e->state, COL_ANOMALY_NEW);
	for (i = 0; i < 5; i++)
		syn(fx, SCANNER, ip4(10, 0, 0, 1), (uint16_t)(20 + i),
		    60000 + i);
	close_at(fx, T0 + SEC(120));
	e = only(fx, COL_ANOMALY_PORT_SCAN_VERTICAL, SCANNER);
	assert_int_equal(e->state, COL_ANOMALY_ACTIVE);
	assert_int_equal(e->first_ms, T0);
	close_at(fx, T0 + SEC(180)); /* quiet 1 of 2: held */
	assert_int_equal(count(fx), 0);
	close_at(fx, T0 + SEC(240)); /* quiet 2: over, listed once */
	e = only(fx, COL_ANOMALY_PORT_SCAN_VERTICAL, SCANNER);
	assert_int_equal(e->state, COL_ANOMALY_OVER);
	assert_int_equal(e->last_ms, T0 + 60004);
	close_at(fx, T0 + SEC(300));
	assert_int_equal(count(fx), 0);
	for (i = 0; i < 5; i++)
		syn(fx, SCANNER, ip4(10, 0, 0, 1), (uint16_t)(20 + i),
		    300000 + i);
	close_at(fx, T0 + SEC(360));
	e = only(fx, COL_ANOMALY_PORT_SCAN_VERTICAL, SCANNER);
	assert_int_equal(e->state, COL_ANOMALY_NEW);
	assert_int_equal(e->first_ms, T0 + 300000);
}

/* Found, then quiet: with expire 1 (or 0) over at the next close. */
static void
test_anomaly_state_over_after_one_quiet_interval(void **state)
{
	struct fx *fx = *state;

	fx->conf.anomaly.expire = 0;
	run_vertical(fx, 5);
	close_at(fx, T0 + SEC(120));
	assert_int_equal(
	    only(fx, COL_ANOMALY_PORT_SCAN_VERTICAL, SCANNER)->state,
	    COL_ANOMALY_OVER);
	close_at(fx, T0 + SEC(180));
	assert_int_equal(count(fx), 0);
}

/* --- fan_out to unresolved addresses ---------------------------------- */

/*
 * n completed connections to distinct external addresses, none named;
 * then named ones (a label, a DNS answer) that do not count.
 */
static void
run_unresolved(struct fx *fx, uint32_t n)
{
	struct col_dns_rec d;
	uint32_t i;

	fx->conf.anomaly.fan_out.unresolved = 5;
	make(fx);
	memset(&d, 0, sizeof(d));
	d.client = SCANNER;
	d.server = ip4(10, 0, 0, 53);
	d.answered = 1;
	g_strlcpy(d.qname, "www.example.com", sizeof(d.qname));
	for (i = 0; i < 3; i++)
		d.addrs[d.n_addrs++] = ip4(203, 0, 113, (uint8_t)(100 + i));
	col_anomaly_add_dns(fx->a, &d, TRUE);
	for (i = 0; i < n + 6; i++) {
		struct col_flow f = flow(SCANNER,
		    ip4(203, 0, 113, (uint8_t)(i < n ? i + 1 : 100 + i - n)), 6,
		    (uint16_t)(50000 + i), 80, FULL, T0 + i);

		f.packets = 8;
		if (i == 0) /* a Host or TLS name that is the address */
			g_strlcpy(f.label, "203.0.113.1", sizeof(f.label));
		if (i >= n + 3)
			g_strlcpy(f.label, "cdn.example.net", sizeof(f.label));
		feed(fx, &f);
	}
	close_at(fx, T0 + SEC(60));
}

static void
test_anomaly_fan_out_unresolved_below_threshold_is_silent(void **state)
{
	run_unresolved(*state, 4);
	assert_int_equal(count(*state), 0);
}

static void
test_anomaly_fan_out_unresolved_at_threshold_reports_source(void **state)
{
	struct fx *fx = *state;
	const struct col_anomaly_entry *e;

	run_unresolved(fx, 5);
	e = only(fx, COL_ANOMALY_FAN_OUT, SCANNER);
	assert_int_equal(evidence(e, "unresolved"), 5);
	assert_int_equal(evidence(e, "destinations"), 11);
	assert_int_equal(evidence(e, "threshold_unresolved"), 5);
	assert_int_equal(e->score, 50);
}

/* --- half_open: attempts of one source -------------------------------- */

/* n attempts (source ports) of three SYNs each, one flow per SYN. */
static void
run_attempts(struct fx *fx, uint32_t n)
{
	uint32_t i, r;

	fx->conf.anomaly.half_open.attempts = 5;
	make(fx);
	for (i = 0; i < n; i++)
		for (r = 0; r < 3; r++) {
			struct col_flow f = flow(ip4(10, 0, 0, 7),
			    ip4(203, 0, 113, 9), 6, (uint16_t)(41000 + i), 443,
			    SYN, T0 + SEC(i) + r * 1000);

			feed(fx, &f);
		}
	close_at(fx, T0 + SEC(60));
}

static void
test_anomaly_half_open_attempts_below_threshold_is_silent(void **state)
{
	run_attempts(*state, 4); /* 12 SYNs, 4 attempts */
	assert_int_equal(count(*state), 0);
}

static void
test_anomaly_half_open_attempts_at_threshold_reports_source(void **state)
{
	struct fx *fx = *state;
	const struct col_anomaly_entry *e;

	run_attempts(fx, 5);
	e = only(fx, COL_ANOMALY_HALF_OPEN, ip4(10, 0, 0, 7));
	assert_int_equal(e->role_target, 0);
	assert_int_equal(evidence(e, "attempts"), 5);
	assert_int_equal(evidence(e, "half_open"), 15);
	assert_int_equal(evidence(e, "port"), 443);
}

/* --- ddos_target without a baseline ----------------------------------- */

/* n SYNs from 8 sources to one target in its first window (60 s). */
static void
run_ddos_first(struct fx *fx, uint32_t n)
{
	uint32_t i;

	fx->conf.anomaly.ddos.first_rate = 2; /* 120 SYNs a window */
	fx->conf.anomaly.half_open.enabled = FALSE;
	make(fx);
	for (i = 0; i < n; i++)
		syn(fx, ip4(198, 18, 3, (uint8_t)(i % 8)), ip4(10, 0, 0, 80),
		    80, i * 10);
	close_at(fx, T0 + SEC(60));
}

static void
test_anomaly_ddos_first_rate_below_is_silent(void **state)
{
	run_ddos_first(*state, 119);
	assert_int_equal(count(*state), 0);
}

static void
test_anomaly_ddos_first_rate_reports_target(void **state)
{
	struct fx *fx = *state;
	const struct col_anomaly_entry *e;

	run_ddos_first(fx, 120);
	e = only(fx, COL_ANOMALY_DDOS_TARGET, ip4(10, 0, 0, 80));
	assert_true(evidence(e, "syn_rate") == 2.0);
	assert_int_equal(evidence(e, "has_baseline"), 0);
	assert_int_equal(evidence(e, "sources"), 8);
}

/* --- scans without SYN -------------------------------------------------- */

/* n probes with flags to n ports, and a server's tails to n clients. */
static void
run_stealth(struct fx *fx, uint32_t n, uint8_t flags)
{
	uint32_t i;

	fx->conf.anomaly.vertical.ports = 5;
	make(fx);
	for (i = 0; i < n; i++) {
		struct col_flow f = flow(SCANNER, ip4(10, 0, 0, 1), 6, 45000,
		    (uint16_t)(20 + i), flags, T0 + i);

		feed(fx, &f);
		f = flow(ip4(10, 0, 0, 2), SCANNER, 6, 443,
		    (uint16_t)(50000 + i), 0x11, T0 + i);
		feed(fx, &f); /* FIN ACK from a server's port: no probe */
	}
	close_at(fx, T0 + SEC(60));
}

static void
test_anomaly_stealth_below_threshold_is_silent(void **state)
{
	run_stealth(*state, 4, 0x29);
	assert_int_equal(count(*state), 0);
}

static void
test_anomaly_stealth_scans_at_threshold_report_scanner(void **state)
{
	static const uint8_t kinds[] = { 0x00, 0x01, 0x29, 0x10, 0x11 };
	struct fx *fx = *state;
	const struct col_anomaly_entry *e;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(kinds); i++) {
		run_stealth(fx, 5, kinds[i]);
		e = only(fx, COL_ANOMALY_PORT_SCAN_VERTICAL, SCANNER);
		assert_int_equal(evidence(e, "ports"), 5);
		assert_int_equal(evidence(e, "without_syn"), 5);
	}
	run_stealth(fx, 5, 0x18); /* PSH ACK: data, no scan */
	assert_int_equal(count(fx), 0);
}

/* --- udp_reflection ----------------------------------------------------- */

/* n reflectors answer 10.0.0.9 from port 161, 4 answers of 400 bytes. */
static void
run_reflect(struct fx *fx, uint32_t n, uint64_t asked)
{
	uint32_t i;

	fx->conf.anomaly.reflect.reflectors = 5;
	fx->conf.anomaly.reflect.packets = 20;
	make(fx);
	for (i = 0; i < n; i++) {
		struct col_flow f = flow(ip4(198, 51, 100, (uint8_t)(i + 1)),
		    ip4(10, 0, 0, 9), 17, 161, 40000, 0, T0 + i);

		f.packets = 4;
		f.octets = 1600;
		feed(fx, &f);
	}
	if (asked > 0) {
		struct col_flow f = flow(ip4(10, 0, 0, 9), ip4(198, 51, 100, 1),
		    17, 40000, 161, 0, T0);

		f.octets = asked;
		feed(fx, &f);
	}
	close_at(fx, T0 + SEC(60));
}

static void
test_anomaly_reflection_below_threshold_is_silent(void **state)
{
	run_reflect(*state, 4, 0);
	assert_int_equal(count(*state), 0);
}

static void
test_anomaly_reflection_at_threshold_reports_victim(void **state)
{
	struct fx *fx = *state;
	const struct col_anomaly_entry *e;

	run_reflect(fx, 5, 800); /* 8000 answer bytes, 10 times 800 */
	e = only(fx, COL_ANOMALY_UDP_REFLECTION, ip4(10, 0, 0, 9));
	assert_int_equal(e->role_target, 1);
	assert_int_equal(evidence(e, "port"), 161);
	assert_int_equal(evidence(e, "reflectors"), 5);
	assert_int_equal(evidence(e, "response_packets"), 20);
	assert_int_equal(evidence(e, "request_bytes"), 800);
}

static void
test_anomaly_reflection_asked_for_is_silent(void **state)
{
	run_reflect(*state, 5, 801); /* the answers are < 10 x the asking */
	assert_int_equal(count(*state), 0);
}

/* --- brute_force: attempts from packets ------------------------------- */

/* n connections to ssh, packets each, similar sizes. */
static void
run_attempt_brute(struct fx *fx, uint32_t n, uint64_t packets)
{
	uint32_t i;

	fx->conf.anomaly.brute_force.attempts = 12;
	make(fx);
	for (i = 0; i < n; i++) {
		struct col_flow f =
		    flow(ip4(198, 51, 100, 7), ip4(10, 0, 0, 22), 6,
		        (uint16_t)(50000 + i), 22, FULL, T0 + SEC(5 * i));

		f.end_ms += 3000;
		f.packets = packets;
		f.octets = 4000 + i * 10;
		f.app_port = 22;
		feed(fx, &f);
	}
	close_at(fx, T0 + SEC(60));
}

static void
test_anomaly_brute_attempts_below_threshold_is_silent(void **state)
{
	run_attempt_brute(*state, 3, 17); /* 1 + (17 - 15) / 1 = 3 each */
	assert_int_equal(count(*state), 0);
}

static void
test_anomaly_brute_attempts_at_threshold_reports_source(void **state)
{
	struct fx *fx = *state;
	const struct col_anomaly_entry *e;

	run_attempt_brute(fx, 3, 18); /* 1 + (18 - 15) / 1 = 4 each */
	e = only(fx, COL_ANOMALY_BRUTE_FORCE, ip4(198, 51, 100, 7));
	assert_int_equal(evidence(e, "attempts"), 12);
	assert_int_equal(evidence(e, "connections"), 3);
	assert_int_equal(evidence(e, "mean_packets"), 18);
	assert_int_equal(evidence(e, "login_packets"), 15);
	assert_int_equal(evidence(e, "attempt_packets"), 1);
}

static void
test_anomaly_brute_attempts_need_three_connections(void **state)
{
	run_attempt_brute(*state, 2, 40); /* 52 attempts, 2 connections */
	assert_int_equal(count(*state), 0);
}

/* --- dns_tunnel --------------------------------------------------------- */

static void
test_anomaly_dns_measure(void **state)
{
	struct fx *fx = *state;
	char reg[256];
	size_t len;
	double ent;

	make(fx);
	assert_true(
	    anom_measure(fx, "aaaa.bbbb.Example.CO.UK.", reg, &len, &ent));
	assert_string_equal(reg, "example.co.uk");
	assert_int_equal(len, 8);
	assert_true(ent == 1.0);
	assert_true(anom_measure(fx, "0123456789abcdef.t.example.com", reg,
	    &len, &ent));
	assert_string_equal(reg, "example.com");
	assert_int_equal(len, 17);
	assert_false(anom_measure(fx, "example.com", reg, &len, &ent));
	assert_false(anom_measure(fx, "co.uk", reg, &len, &ent));
	assert_false(anom_measure(fx, "", reg, &len, &ent));
}

/*
 * The memo of measured names gives what the first measure gave: names
 * asked again at once (memo hits), after 2,000 other names (their entries
 * taken and measured anew), in other letter cases (other entries), names
 * of 255 and 270 characters (longer than a report's name: kept whole), and
 * names without a registered domain (FALSE, kept too).
 */
static void
test_anomaly_dns_measure_memo(void **state)
{
	struct fx *fx = *state;
	char names[6][300], other[64], reg[256], first_reg[6][256];
	size_t len, first_len[6], want_len[6] = { 8, 8, 240, 255, 0, 0 };
	double ent, first_ent[6];
	gboolean ok;
	int round, i, j;

	make(fx);
	g_strlcpy(names[0], "abcd.efgh.example.com", sizeof(names[0]));
	g_strlcpy(names[1], "ABCD.efgh.Example.COM.", sizeof(names[1]));
	/* 255 characters: 4 labels of 60, 240 below "example.com" */
	memset(names[2], 0, sizeof(names[2]));
	for (j = 0; j < 4; j++) {
		memset(names[2] + j * 61, 'a' + j, 60);
		names[2][j * 61 + 60] = '.';
	}
	memcpy(names[2] + 244, "example.com", 11);
	/* 270 characters: "xyz" and 4 labels of 63, 255 below
	 * "example.com" */
	memset(names[3], 0, sizeof(names[3]));
	memcpy(names[3], "xyz", 3);
	for (j = 0; j < 4; j++) {
		memset(names[3] + 3 + j * 64, 'c' + j, 63);
		names[3][3 + j * 64 + 63] = '.';
	}
	memcpy(names[3] + 259, "example.com", 11);
	g_strlcpy(names[4], "example.com", sizeof(names[4]));
	g_strlcpy(names[5], "co.uk", sizeof(names[5]));
	assert_int_equal(strlen(names[2]), 255);
	assert_int_equal(strlen(names[3]), 270);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 6; i++) {
			for (j = 0; j < 2; j++) {
				ok =
				    anom_measure(fx, names[i], reg, &len, &ent);
				assert_int_equal(ok, want_len[i] != 0);
				if (!ok)
					continue;
				assert_string_equal(reg, "example.com");
				assert_int_equal(len, want_len[i]);
				if (round == 0 && j == 0) {
					g_strlcpy(first_reg[i], reg, 256);
					first_len[i] = len;
					first_ent[i] = ent;
				}
				assert_string_equal(reg, first_reg[i]);
				assert_int_equal(len, first_len[i]);
				assert_true(ent == first_ent[i]);
			}
		}
		for (j = 0; j < 2000; j++) {
			g_snprintf(other, sizeof(other), "n%d.example.org", j);
			assert_true(anom_measure(fx, other, reg, &len, &ent));
			assert_string_equal(reg, "example.org");
		}
	}
	/* entropy of names[0]: 8 distinct letters, 3 bits each */
	assert_true(first_ent[0] == 3.0);
	assert_true(first_ent[1] == 3.0);
}

/*
 * anom_hash() keeps SipHash states of recent 16-byte prefixes: whatever
 * the order (the same prefix again, two alternating, a third, 16 zero
 * bytes first, inputs shorter than 16), it gives mf_siphash()'s value.
 */
static void
test_anomaly_hash_memo_is_siphash(void **state)
{
	struct fx *fx = *state;
	uint8_t in[5][40];
	static const size_t lens[] = { 17, 38, 20, 16, 40, 15, 2, 0 };
	size_t i, j, n;
	uint32_t r = 12345;

	make(fx);
	memset(in, 0, sizeof(in));
	for (i = 1; i < 5; i++)
		for (j = 0; j < sizeof(in[i]); j++) {
			r = r * 1103515245u + 12345u;
			in[i][j] = (uint8_t)(r >> 16);
		}
	in[4][0] ^= 1; /* in[4] and in[3]: one prefix byte apart */
	memcpy(in[4] + 1, in[3] + 1, sizeof(in[4]) - 1);
	for (i = 0; i < 400; i++) {
		r = r * 1103515245u + 12345u;
		j = (r >> 16) % 5;
		n = lens[(r >> 8) % G_N_ELEMENTS(lens)];
		assert_int_equal(anom_hash(fx->a, in[j], n),
		    mf_siphash(&fx->a->seed, in[j], n));
	}
}

/*
 * anom_hash() keeps the values of inputs up to 24 bytes in a memo of 4,096
 * entries: 3,000 inputs drawn from 700 distinct ones at lengths 1..24 (so
 * entries are replaced), the detectors' constant sizes (2, 4, 17, 20) of
 * the inline anom_hash_short(), and zero bytes of every length 1..25 (the
 * same padded bytes, told apart by the length alone), give mf_siphash()'s
 * values.
 */
static void
test_anomaly_hash_value_memo_is_siphash(void **state)
{
	struct fx *fx = *state;
	uint8_t in[700][24], zero[25];
	size_t i, j, n;
	uint32_t r = 777;

	make(fx);
	for (i = 0; i < G_N_ELEMENTS(in); i++)
		for (j = 0; j < sizeof(in[i]); j++) {
			r = r * 1103515245u + 12345u;
			in[i][j] = (uint8_t)(r >> 16);
		}
	for (i = 0; i < 3000; i++) {
		r = r * 1103515245u + 12345u;
		j = (r >> 8) % G_N_ELEMENTS(in);
		n = i % 3 == 0 ? 17 : 1 + (r >> 20) % 24;
		assert_int_equal(anom_hash(fx->a, in[j], n),
		    mf_siphash(&fx->a->seed, in[j], n));
	}
	for (i = 0; i < 3000; i++) {
		j = i % G_N_ELEMENTS(in);
		assert_int_equal(anom_hash_short(fx->a, in[j], 2),
		    mf_siphash(&fx->a->seed, in[j], 2));
		assert_int_equal(anom_hash_short(fx->a, in[j], 4),
		    mf_siphash(&fx->a->seed, in[j], 4));
		assert_int_equal(anom_hash_short(fx->a, in[j], 17),
		    mf_siphash(&fx->a->seed, in[j], 17));
		assert_int_equal(anom_hash_short(fx->a, in[j], 20),
		    mf_siphash(&fx->a->seed, in[j], 20));
	}
	memset(zero, 0, sizeof(zero));
	for (i = 0; i < 2; i++)
		for (n = 1; n <= sizeof(zero); n++)
			assert_int_equal(anom_hash(fx->a, zero, n),
			    mf_siphash(&fx->a->seed, zero, n));
}

/*
 * The slot memo: 600 keys into fan_out's 64 slots, 5,000 lookups in a
 * random order (most keys evicted and taken again): every lookup gets a
 * slot holding its key, and no key is in two slots.
 */
static void
test_anomaly_slot_memo_finds_own_slot(void **state)
{
	struct fx *fx = *state;
	struct anom_table *t;
	struct anom_slot *s, *o;
	struct anom_key k;
	struct anom_dev dev;
	size_t i, j, dup;
	uint32_t r = 4242;

	fx->conf.anomaly.hosts = 64;
	make(fx);
	t = &fx->a->tables[ANOM_T_FAN_OUT];
	memset(&dev, 0, sizeof(dev));
	dev.id = COL_ID_NONE;
	for (i = 0; i < 5000; i++) {
		r = r * 1103515245u + 12345u;
		j = (r >> 8) % 600;
		memset(&k, 0, sizeof(k));
		k.a = ip4(172, 16, (uint8_t)(j >> 8), (uint8_t)j);
		k.port = (uint16_t)(j % 7);
		s = anom_slot_get(fx->a, ANOM_T_FAN_OUT, &k, &dev, T0 + i);
		assert_non_null(s);
		assert_memory_equal(&s->key, &k, sizeof(k));
		dup = 0;
		for (j = 0; j < (size_t)t->n_sets * ANOM_WAYS; j++) {
			o = (struct anom_slot *)(void *)(t->mem +
			    j * t->desc->slot_size);
			dup += o->live && memcmp(&o->key, &k, sizeof(k)) == 0;
		}
		assert_int_equal(dup, 1);
	}
}

/* Eleven detectors off, 2 probes a queue: 5 SYNs leave 3 unchecked. */
static void
test_anomaly_all_off_counts_unchecked(void **state)
{
	struct fx *fx = *state;
	struct col_anomaly_config *c = &fx->conf.anomaly;
	struct col_anomaly_stats st;
	uint32_t i;

	c->fan_out.enabled = c->vertical.enabled = FALSE;
	c->horizontal.enabled = c->syn_scan.enabled = FALSE;
	c->half_open.enabled = c->brute_force.enabled = FALSE;
	c->dns_amp.enabled = c->ddos.enabled = c->reflect.enabled = FALSE;
	c->tunnel.enabled = c->beacon.enabled = FALSE;
	c->pending = 2;
	make(fx);
	for (i = 0; i < 5; i++)
		syn(fx, SCANNER, ip4(10, 0, 0, 80), (uint16_t)(20 + i), i);
	col_anomaly_get_stats(fx->a, &st);
	assert_int_equal(st.unchecked, 3);
	close_at(fx, T0 + SEC(60));
	/* a new interval: the queue is empty again */
	syn(fx, SCANNER, ip4(10, 0, 0, 80), 80, 100);
	syn(fx, SCANNER, ip4(10, 0, 0, 80), 81, 101);
	col_anomaly_get_stats(fx->a, &st);
	assert_int_equal(st.unchecked, 3);
	syn(fx, SCANNER, ip4(10, 0, 0, 80), 82, 102);
	col_anomaly_get_stats(fx->a, &st);
	assert_int_equal(st.unchecked, 4);
	assert_int_equal(st.used, 0);
	close_at(fx, T0 + SEC(120));
	assert_int_equal(count(fx), 0);
}

/* n queries of distinct 32-hex-digit labels, and short ones beside. */
static void
run_tunnel(struct fx *fx, uint32_t n)
{
	struct col_dns_rec d;
	GRand *rnd = g_rand_new_with_seed(42);
	uint32_t i, j;

	fx->conf.anomaly.tunnel.queries = 10;
	fx->conf.anomaly.tunnel.names = 10;
	make(fx);
	memset(&d, 0, sizeof(d));
	d.client = ip4(10, 0, 0, 5);
	d.server = ip4(10, 0, 0, 53);
	d.answered = 1;
	for (i = 0; i < n + 20; i++) {
		GString *q = g_string_new(NULL);

		if (i < n) {
			for (j = 0; j < 32; j++)
				g_string_append_c(q,
				    "0123456789abcdef"[g_rand_int_range(rnd, 0,
				        16)]);
			g_string_append_printf(q, "%02x.t.example.org", i);
		} else {
			g_string_append_printf(q, "www%u.example.org", i);
		}
		g_strlcpy(d.qname, q->str, sizeof(d.qname));
		g_string_free(q, TRUE);
		d.time_ms = T0 + i;
		col_anomaly_add_dns(fx->a, &d, TRUE);
	}
	g_rand_free(rnd);
	close_at(fx, T0 + SEC(60));
}

static void
test_anomaly_dns_tunnel_below_threshold_is_silent(void **state)
{
	run_tunnel(*state, 9);
	assert_int_equal(count(*state), 0);
}

static void
test_anomaly_dns_tunnel_at_threshold_reports_client(void **state)
{
	struct fx *fx = *state;
	const struct col_anomaly_entry *e;

	run_tunnel(fx, 10);
	e = only(fx, COL_ANOMALY_DNS_TUNNEL, ip4(10, 0, 0, 5));
	assert_string_equal(e->name_key, "domain");
	assert_string_equal(e->name, "example.org");
	assert_int_equal(e->internal, 1);
	assert_int_equal(evidence(e, "queries"), 10);
	assert_int_equal(evidence(e, "names"), 10);
	assert_true(evidence(e, "mean_length") == 35.0);
	assert_true(evidence(e, "mean_entropy") >= 3.2);
}

/*
 * n queries from 10.0.0.5 under example.org, cycling through `distinct`
 * names whose label is `len` characters of "abcdefgh" in equal shares
 * (len a multiple of 8: an entropy of exactly 3 bits), shuffled with the
 * name's number as seed; thresholds as the case set them.
 */
static void
tunnel_names(struct fx *fx, uint32_t n, uint32_t distinct, uint32_t len)
{
	struct col_dns_rec d;
	char label[64];
	uint32_t i, j, r;

	make(fx);
	memset(&d, 0, sizeof(d));
	d.client = ip4(10, 0, 0, 5);
	d.server = ip4(10, 0, 0, 53);
	d.answered = 1;
	for (i = 0; i < n; i++) {
		GRand *rnd = g_rand_new_with_seed(i % distinct + 1);

		for (j = 0; j < len; j++)
			label[j] = "abcdefgh"[j % 8];
		for (j = len; j > 1; j--) {
			char c = label[j - 1];

			r = (uint32_t)g_rand_int_range(rnd, 0, (gint32)j);
			label[j - 1] = label[r];
			label[r] = c;
		}
		label[len] = '\0';
		g_rand_free(rnd);
		g_snprintf(d.qname, sizeof(d.qname), "%s.example.org", label);
		d.time_ms = T0 + i;
		col_anomaly_add_dns(fx->a, &d, TRUE);
	}
	close_at(fx, T0 + SEC(300));
}

/*
 * Of two runs of 10 queries at queries = names = 10, `silent` (one step
 * short of the threshold under test) reports nothing and `at` one tunnel
 * of 10.0.0.5, which is returned.
 */
struct tunnel_run {
	uint32_t distinct, len;
	uint64_t min_entropy;
};

static const struct col_anomaly_entry *
tunnel_edge(struct fx *fx, struct tunnel_run silent, struct tunnel_run at)
{
	fx->conf.anomaly.tunnel.queries = 10;
	fx->conf.anomaly.tunnel.names = 10;
	fx->conf.anomaly.tunnel.min_entropy = silent.min_entropy;
	tunnel_names(fx, 10, silent.distinct, silent.len);
	assert_int_equal(count(fx), 0);
	fx->conf.anomaly.tunnel.min_entropy = at.min_entropy;
	tunnel_names(fx, 10, at.distinct, at.len);
	return only(fx, COL_ANOMALY_DNS_TUNNEL, ip4(10, 0, 0, 5));
}

/* 9 distinct names are silent at names 10, 10 reported. */
static void
test_anomaly_dns_tunnel_names_edge(void **state)
{
	struct tunnel_run silent = { 9, 24, 30 }, at = { 10, 24, 30 };
	const struct col_anomaly_entry *e = tunnel_edge(*state, silent, at);

	assert_int_equal(evidence(e, "queries"), 10);
	assert_int_equal(evidence(e, "names"), 10);
}

/* Labels of 23 characters do not count at min-length 24, 24 do. */
static void
test_anomaly_dns_tunnel_min_length_edge(void **state)
{
	struct fx *fx = *state;
	struct tunnel_run silent = { 10, 23, 0 }, at = { 10, 24, 0 };

	fx->conf.anomaly.tunnel.min_length = 24;
	assert_true(
	    evidence(tunnel_edge(fx, silent, at), "mean_length") == 24.0);
}

/*
 * Labels of exactly 3.0 bits a character (8 letters, 3 of each): a
 * min-entropy of 31 tenths leaves them out, 30 counts them.
 */
static void
test_anomaly_dns_tunnel_min_entropy_edge(void **state)
{
	struct fx *fx = *state;
	struct tunnel_run silent = { 10, 24, 31 }, at = { 10, 24, 30 };

	fx->conf.anomaly.tunnel.min_length = 24;
	assert_true(
	    evidence(tunnel_edge(fx, silent, at), "mean_entropy") == 3.0);
}

/* --- beacon ------------------------------------------------------------- */

/*
 * n contacts of 10.0.0.5 to 203.0.113.50:port from new source ports, the
 * i-th at i * period_ms plus jitter_ms for odd i, of bytes plus
 * bytes_dev for odd i and minus it for even i (both directions).  With
 * an odd n the n - 1 intervals are period_ms + jitter_ms and period_ms -
 * jitter_ms in equal numbers: mean period_ms, standard deviation
 * jitter_ms; with an even n the contacts' bytes have mean `bytes` and
 * standard deviation bytes_dev.  The detectors are made by the caller.
 */
struct beacon_run {
	uint32_t n;
	uint16_t port;
	uint64_t period_ms, jitter_ms, bytes, bytes_dev;
	const char *label;
};

static void
beacon_feed(struct fx *fx, const struct beacon_run *r)
{
	uint32_t i;

	for (i = 0; i < r->n; i++) {
		uint64_t t = T0 + r->period_ms * i + (i % 2 ? r->jitter_ms : 0);
		struct col_flow f = flow(ip4(10, 0, 0, 5), ip4(203, 0, 113, 50),
		    6, (uint16_t)(50000 + i), r->port, FULL, t);

		f.packets = 6;
		f.octets =
		    i % 2 ? r->bytes + r->bytes_dev : r->bytes - r->bytes_dev;
		if (r->label != NULL)
			g_strlcpy(f.label, r->label, sizeof(f.label));
		feed(fx, &f);
	}
	close_at(fx, T0 + r->period_ms * r->n + r->jitter_ms);
}

/* n contacts every 30 s, jitter_ms on odd ones, 600 bytes each. */
static void
run_beacon(struct fx *fx, uint32_t n, uint16_t port, uint64_t jitter_ms,
    const char *label)
{
	struct beacon_run r = { n, port, SEC(30), jitter_ms, 600, 0, label };

	make(fx);
	beacon_feed(fx, &r);
}

static void
test_anomaly_beacon_below_threshold_is_silent(void **state)
{
	run_beacon(*state, 11, 443, 0, NULL);
	assert_int_equal(count(*state), 0);
}

static void
test_anomaly_beacon_at_threshold_reports_device(void **state)
{
	struct fx *fx = *state;
	const struct col_anomaly_entry *e;

	run_beacon(fx, 12, 443, 0, "c2.example.net");
	e = only(fx, COL_ANOMALY_BEACON, ip4(10, 0, 0, 5));
	assert_string_equal(e->name, "c2.example.net");
	assert_int_equal(evidence(e, "contacts"), 12);
	assert_true(evidence(e, "period") == 30.0);
	assert_true(evidence(e, "jitter") == 0.0);
	assert_int_equal(evidence(e, "mean_bytes"), 600);
}

static void
test_anomaly_beacon_irregular_ntp_and_push_are_silent(void **state)
{
	struct fx *fx = *state;

	run_beacon(fx, 20, 443, 6000, NULL); /* periods 36, 24 s: cv 20 % */
	assert_int_equal(count(fx), 0);
	run_beacon(fx, 20, 123, 0, NULL);
	assert_int_equal(count(fx), 0);
	run_beacon(fx, 20, 5223, 0, "eu-courier.push.apple.com");
	assert_int_equal(count(fx), 0);
	run_beacon(fx, 20, 443, 0, "push.apple.com.example.net");
	assert_int_equal(count(fx), 1); /* not below push.apple.com */
}

/* The pieces of one connection (same source port) are one contact. */
static void
test_anomaly_beacon_one_connection_is_one_contact(void **state)
{
	struct fx *fx = *state;
	uint32_t i;

	make(fx);
	for (i = 0; i < 20; i++) {
		struct col_flow f = flow(ip4(10, 0, 0, 5), ip4(203, 0, 113, 50),
		    17, 50000, 4500, 0, T0 + SEC(30 * i));

		f.octets = 600;
		feed(fx, &f);
	}
	close_at(fx, T0 + SEC(600));
	assert_int_equal(count(fx), 0);
}

/*
 * The run `silent` (one step beyond the threshold) reports nothing, the
 * run `at` (at it) one beacon of 10.0.0.5, which is returned.
 */
static const struct col_anomaly_entry *
beacon_edge(struct fx *fx, const struct beacon_run *silent,
    const struct beacon_run *at)
{
	make(fx);
	beacon_feed(fx, silent);
	assert_int_equal(count(fx), 0);
	make(fx);
	beacon_feed(fx, at);
	return only(fx, COL_ANOMALY_BEACON, ip4(10, 0, 0, 5));
}

/*
 * 13 contacts, 12 intervals of 33 and 27 s: a jitter of 3 s, 10% of the
 * 30 s mean, is reported at max-jitter 10; 3.001 s (10.003%) is not.
 */
static void
test_anomaly_beacon_max_jitter_edge(void **state)
{
	struct fx *fx = *state;
	struct beacon_run r = { 13, 443, SEC(30), 3001, 600, 0, NULL };
	struct beacon_run at = r;
	const struct col_anomaly_entry *e;

	fx->conf.anomaly.beacon.max_jitter = 10;
	at.jitter_ms = 3000;
	e = beacon_edge(fx, &r, &at);
	assert_int_equal(evidence(e, "contacts"), 13);
	assert_true(evidence(e, "period") == 30.0);
	assert_true(evidence(e, "jitter") == 3.0);
}

/* A period of 29.999 s is silent at min-period 30, one of 30 s reported. */
static void
test_anomaly_beacon_min_period_edge(void **state)
{
	struct fx *fx = *state;
	struct beacon_run r = { 12, 443, SEC(30) - 1, 0, 600, 0, NULL };
	struct beacon_run at = r;
	const struct col_anomaly_entry *e;

	fx->conf.anomaly.beacon.min_period = 30;
	at.period_ms = SEC(30);
	e = beacon_edge(fx, &r, &at);
	assert_true(evidence(e, "period") == 30.0);
}

/* Contacts of 601 bytes are silent at max-bytes 600, of 600 reported. */
static void
test_anomaly_beacon_max_bytes_edge(void **state)
{
	struct fx *fx = *state;
	struct beacon_run r = { 12, 443, SEC(30), 0, 601, 0, NULL };
	struct beacon_run at = r;
	const struct col_anomaly_entry *e;

	fx->conf.anomaly.beacon.max_bytes = 600;
	at.bytes = 600;
	e = beacon_edge(fx, &r, &at);
	assert_int_equal(evidence(e, "mean_bytes"), 600);
	assert_int_equal(evidence(e, "bytes"), 12 * 600);
}

/*
 * 12 contacts of 450 and 750 bytes: standard deviation 150, 25% of the
 * 600 mean, reported at max-size-cv 25; 449 and 751 (25.17%) are not.
 */
static void
test_anomaly_beacon_max_size_cv_edge(void **state)
{
	struct fx *fx = *state;
	struct beacon_run r = { 12, 443, SEC(30), 0, 600, 151, NULL };
	struct beacon_run at = r;
	const struct col_anomaly_entry *e;

	fx->conf.anomaly.beacon.max_size_cv = 25;
	at.bytes_dev = 150;
	e = beacon_edge(fx, &r, &at);
	assert_int_equal(evidence(e, "mean_bytes"), 600);
}

/*
 * DNS every 30 s (TCP port 53, and 853) to 203.0.113.50: left alone once
 * a DNS record showed that server answering, a beacon while none did (the
 * record of another server, or one it did not answer, makes no resolver).
 */
static void
beacon_dns(struct fx *fx, uint16_t port, struct mf_addr server,
    uint8_t answered)
{
	struct beacon_run r = { 12, port, SEC(30), 0, 600, 0, NULL };
	struct col_dns_rec d;

	make(fx);
	memset(&d, 0, sizeof(d));
	d.client = ip4(10, 0, 0, 5);
	d.server = server;
	d.answered = answered;
	g_strlcpy(d.qname, "www.example.org", sizeof(d.qname));
	d.time_ms = T0;
	col_anomaly_add_dns(fx->a, &d, TRUE);
	beacon_feed(fx, &r);
}

static void
test_anomaly_beacon_resolver_is_left_alone(void **state)
{
	struct fx *fx = *state;
	const struct col_anomaly_entry *e;

	beacon_dns(fx, 53, ip4(203, 0, 113, 50), 1);
	assert_int_equal(count(fx), 0);
	beacon_dns(fx, 853, ip4(203, 0, 113, 50), 1);
	assert_int_equal(count(fx), 0);
	beacon_dns(fx, 53, ip4(203, 0, 113, 50), 0);
	assert_int_equal(count(fx), 1);
	beacon_dns(fx, 53, ip4(203, 0, 113, 51), 1);
	e = only(fx, COL_ANOMALY_BEACON, ip4(10, 0, 0, 5));
	assert_int_equal(evidence(e, "port"), 53);
	/* a resolver's other ports are no DNS */
	beacon_dns(fx, 443, ip4(203, 0, 113, 50), 1);
	assert_int_equal(count(fx), 1);
}

static void
test_anomaly_new_bad_port_is_rejected(void **state)
{
	struct fx *fx = *state;
	char p22[] = "22", pssh[] = "ssh";
	char *ports[] = { p22, pssh, NULL };
	struct col_anomaly_config c = fx->conf.anomaly;
	struct mf_hash_key k;
	GError *err = NULL;

	c.brute_force.ports = ports;
	mf_hash_key_fixed(&k);
	assert_null(col_anomaly_new(&c, &k, &err));
	assert_non_null(err);
	assert_non_null(strstr(err->message, "'ssh' is not a port"));
	g_error_free(err);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_anomaly_fan_out_below_threshold_is_silent),
		T(test_anomaly_hash_value_memo_is_siphash),
		T(test_anomaly_slot_memo_finds_own_slot),
		T(test_anomaly_all_off_counts_unchecked),
		T(test_anomaly_fan_out_at_threshold_reports_source),
		T(test_anomaly_udp_groups_and_answers_feed_no_fan_out),
		T(test_anomaly_vertical_below_threshold_is_silent),
		T(test_anomaly_vertical_at_threshold_reports_scanner),
		T(test_anomaly_reset_leaves_cleared_slot),
		T(test_anomaly_reload_sets_window_and_on),
		T(test_anomaly_vertical_disabled_is_silent),
		T(test_anomaly_horizontal_below_threshold_is_silent),
		T(test_anomaly_horizontal_at_threshold_reports_scanner),
		T(test_anomaly_horizontal_ping_sweep),
		T(test_anomaly_syn_scan_below_threshold_is_silent),
		T(test_anomaly_syn_scan_at_threshold_reports_scanner),
		T(test_anomaly_syn_scan_answered_uniflow_pair_does_not_count),
		T(test_anomaly_syn_scan_answered_biflow_does_not_count),
		T(test_anomaly_half_open_below_threshold_is_silent),
		T(test_anomaly_half_open_at_threshold_reports_target),
		T(test_anomaly_half_open_single_source_reports_both_sides),
		T(test_anomaly_brute_force_below_threshold_is_silent),
		T(test_anomaly_brute_force_at_threshold_reports_source),
		T(test_anomaly_brute_force_varied_sizes_are_silent),
		T(test_anomaly_brute_force_other_port_needs_more),
		T(test_anomaly_dns_amplification_below_threshold_is_silent),
		T(test_anomaly_dns_amplification_at_threshold_reports_victim),
		T(test_anomaly_dns_query_hook_below_threshold_is_silent),
		T(test_anomaly_dns_query_hook_at_threshold_reports_client),
		T(test_anomaly_ddos_below_threshold_is_silent),
		T(test_anomaly_ddos_at_threshold_reports_target),
		T(test_anomaly_ddos_rate_over_baseline),
		T(test_anomaly_eviction_is_counted_and_bounded),
		T(test_anomaly_repeat_offender_is_one_entry),
		T(test_anomaly_state_new_active_over),
		T(test_anomaly_state_over_after_one_quiet_interval),
		T(test_anomaly_fan_out_unresolved_below_threshold_is_silent),
		T(test_anomaly_fan_out_unresolved_at_threshold_reports_source),
		T(test_anomaly_half_open_attempts_below_threshold_is_silent),
		T(test_anomaly_half_open_attempts_at_threshold_reports_source),
		T(test_anomaly_ddos_first_rate_below_is_silent),
		T(test_anomaly_ddos_first_rate_reports_target),
		T(test_anomaly_stealth_below_threshold_is_silent),
		T(test_anomaly_stealth_scans_at_threshold_report_scanner),
		T(test_anomaly_reflection_below_threshold_is_silent),
		T(test_anomaly_reflection_at_threshold_reports_victim),
		T(test_anomaly_reflection_asked_for_is_silent),
		T(test_anomaly_brute_attempts_below_threshold_is_silent),
		T(test_anomaly_brute_attempts_at_threshold_reports_source),
		T(test_anomaly_brute_attempts_need_three_connections),
		T(test_anomaly_dns_measure),
		T(test_anomaly_dns_measure_memo),
		T(test_anomaly_hash_memo_is_siphash),
		T(test_anomaly_dns_tunnel_below_threshold_is_silent),
		T(test_anomaly_dns_tunnel_at_threshold_reports_client),
		T(test_anomaly_dns_tunnel_names_edge),
		T(test_anomaly_dns_tunnel_min_length_edge),
		T(test_anomaly_dns_tunnel_min_entropy_edge),
		T(test_anomaly_beacon_below_threshold_is_silent),
		T(test_anomaly_beacon_at_threshold_reports_device),
		T(test_anomaly_beacon_irregular_ntp_and_push_are_silent),
		T(test_anomaly_beacon_one_connection_is_one_contact),
		T(test_anomaly_beacon_max_jitter_edge),
		T(test_anomaly_beacon_min_period_edge),
		T(test_anomaly_beacon_max_bytes_edge),
		T(test_anomaly_beacon_max_size_cv_edge),
		T(test_anomaly_beacon_resolver_is_left_alone),
		T(test_anomaly_new_bad_port_is_rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
