/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-dnslabel"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "common/addr.h"
#include "common/model.h"
#include "exporter/cache.h"
#include "exporter/decode.h"
#include "exporter/dnslabel.h"
#include "exporter/export.h"
#include "tests/unit/dnsbuild.h"

/*
 * DNS labelling: the label rule of exporter/dnslabel.h, one case each.
 * Flows come from the real flow cache (exporter/cache.c) fed decoded
 * packets; DNS answers are built with tests/unit/dnsbuild.  The DNS
 * records the labeller exports go to exp_export_dns(), wrapped at link
 * time (-Wl,--wrap) to count them here.
 */

#define T0 UINT64_C(1700000000000)
#define PROTO_TCP 6
#define PROTO_UDP 17

static unsigned dns_exported;
static struct mf_dns_rec last_dns;

void __wrap_exp_export_dns(struct exp_export *e, const struct mf_dns_rec *r,
    uint8_t family);

void
__wrap_exp_export_dns(struct exp_export *e, const struct mf_dns_rec *r,
    uint8_t family)
{
	(void)e;
	(void)family;
	dns_exported++;
	last_dns = *r;
}

struct fx {
	struct exp_dnslabel *d;
	struct exp_cache *cache;
	struct db msg;
};

static void
on_export(const struct exp_flow *f, int reason, void *ctx)
{
	(void)f;
	(void)reason;
	(void)ctx;
}

static int
setup(void **state)
{
	struct exp_dnslabel_config cfg = { .max_names = 64,
		.max_l7_names = EXP_DNSLABEL_MIN_L7,
		.ttl_min_s = 0,
		.ttl_max_s = 86400,
		.max_queries = 64,
		.query_timeout_ms = 5000,
		.l7 = TRUE };
	struct exp_cache_config cc = { .max_flows = 64,
		.idle_ms = 60000,
		.active_ms = 1800000,
		.linger_ms = 2000 };
	struct fx *fx = g_new0(struct fx, 1);
	GError *error = NULL;

	fx->d = exp_dnslabel_new(&cfg, NULL, &error);
	assert_non_null(fx->d);
	fx->cache = exp_cache_new(&cc, on_export, NULL, &error);
	assert_non_null(fx->cache);
	dns_exported = 0;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	exp_cache_free(fx->cache);
	exp_dnslabel_free(fx->d);
	g_free(fx);
	return 0;
}

static struct exp_pkt
pkt(const char *src, uint16_t sport, const char *dst, uint16_t dport,
    uint8_t proto, uint64_t ts_ms)
{
	struct exp_pkt p;

	memset(&p, 0, sizeof(p));
	assert_true(mf_addr_parse(src, &p.src));
	assert_true(mf_addr_parse(dst, &p.dst));
	p.sport = sport;
	p.dport = dport;
	p.proto = proto;
	p.ts_ms = ts_ms;
	p.ip_len = 60;
	return p;
}

/*
 * The resolver 192.0.2.53 answers client's query for name with address
 * answer (rcode as given, TTL ttl) at ts_ms.
 */
static void
answer(struct fx *fx, const char *client, const char *name,
    const uint8_t addr[4], uint16_t rcode, uint32_t ttl, uint64_t ts_ms)
{
	struct exp_pkt p =
	    pkt("192.0.2.53", 53, client, 40000, PROTO_UDP, ts_ms);

	db_header(&fx->msg, (uint16_t)(0x8180 | rcode), 1, rcode ? 0 : 1, 0, 0);
	db_question(&fx->msg, name, 1);
	if (rcode == 0)
		db_a(&fx->msg, "", 12, ttl, addr);
	p.payload = fx->msg.b;
	p.payload_len = (uint32_t)fx->msg.len;
	exp_dnslabel_packet(fx->d, &p);
}

/* A TCP flow opened by src at ts_ms, with payload if not NULL. */
static struct exp_flow *
tcp_flow(struct fx *fx, const char *src, uint16_t sport, const char *dst,
    uint16_t dport, uint64_t ts_ms, const char *payload)
{
	struct exp_pkt p = pkt(src, sport, dst, dport, PROTO_TCP, ts_ms);
	struct exp_flow *f;

	p.tcp_flags = 0x02;
	f = exp_cache_update(fx->cache, &p, 1);
	assert_non_null(f);
	if (payload != NULL) {
		p.tcp_flags = 0x18;
		p.payload = (const uint8_t *)payload;
		p.payload_len = (uint32_t)strlen(payload);
		p.ts_ms++;
		f = exp_cache_update(fx->cache, &p, 1);
		exp_dnslabel_flow_packet(fx->d, f, &p);
	}
	return f;
}

static void
assert_label(struct fx *fx, const struct exp_flow *f, enum mf_label_source want,
    const char *want_name)
{
	const char *name = NULL;

	assert_int_equal(exp_dnslabel_label(f, &name, fx->d), want);
	if (want_name == NULL)
		assert_null(name);
	else
		assert_string_equal(name, want_name);
}

static const uint8_t web[4] = { 198, 51, 100, 80 };
static const uint8_t lan[4] = { 10, 0, 0, 5 };

#define HTTP_GET "GET / HTTP/1.1\r\nHost: h.example.com\r\n\r\n"

static void
test_dnslabel_own_answer(void **state)
{
	struct fx *fx = *state;
	struct exp_flow *f;

	answer(fx, "10.0.0.5", "www.example.com", web, 0, 300, T0);
	f = tcp_flow(fx, "10.0.0.5", 50000, "198.51.100.80", 443, T0 + 10,
	    NULL);
	assert_label(fx, f, MF_LABEL_DNS, "www.example.com");
	assert_int_equal(exp_dnslabel_get_stats(fx->d)->answers, 1);
	assert_int_equal(exp_dnslabel_get_stats(fx->d)->addresses, 1);
	/* the answer also went out as a DNS record */
	assert_int_equal(dns_exported, 1);
	assert_int_equal(last_dns.qr, 1);
	assert_int_equal(last_dns.id, 0x1234);
	assert_int_equal(last_dns.client4, 0x0a000005u);
}

/* The remote side opened the flow: the answer to the LAN side still names it.
 */
static void
test_dnslabel_answer_to_responder(void **state)
{
	struct fx *fx = *state;
	struct exp_flow *f;

	answer(fx, "10.0.0.5", "peer.example.com", web, 0, 300, T0);
	f = tcp_flow(fx, "198.51.100.80", 6000, "10.0.0.5", 22, T0 + 10, NULL);
	assert_label(fx, f, MF_LABEL_DNS, "peer.example.com");
}

/* Both sides resolved each other: the initiator's answer wins. */
static void
test_dnslabel_initiator_first(void **state)
{
	struct fx *fx = *state;
	struct exp_flow *a, *b;

	answer(fx, "10.0.0.5", "remote.example.com", web, 0, 300, T0);
	answer(fx, "198.51.100.80", "lan.example.com", lan, 0, 300, T0);
	a = tcp_flow(fx, "10.0.0.5", 50001, "198.51.100.80", 443, T0 + 10,
	    NULL);
	assert_label(fx, a, MF_LABEL_DNS, "remote.example.com");
	b = tcp_flow(fx, "198.51.100.80", 50002, "10.0.0.5", 443, T0 + 20,
	    NULL);
	assert_label(fx, b, MF_LABEL_DNS, "lan.example.com");
}

static void
test_dnslabel_other_client(void **state)
{
	struct fx *fx = *state;
	struct exp_flow *f;

	answer(fx, "10.0.0.6", "www.example.com", web, 0, 300, T0);
	f = tcp_flow(fx, "10.0.0.5", 50003, "198.51.100.80", 443, T0 + 10,
	    NULL);
	assert_label(fx, f, MF_LABEL_DNS_OTHER_CLIENT, "www.example.com");
}

/* An own answer that had run out when the flow started: not "dns". */
static void
test_dnslabel_expired_answer(void **state)
{
	struct fx *fx = *state;
	struct exp_flow *f;

	answer(fx, "10.0.0.5", "www.example.com", web, 0, 300, T0);
	f = tcp_flow(fx, "10.0.0.5", 50004, "198.51.100.80", 443,
	    T0 + 300 * 1000 + 1, NULL);
	assert_label(fx, f, MF_LABEL_NONE, NULL);
	/* ... and at exactly the TTL it still counts */
	f = tcp_flow(fx, "10.0.0.5", 50005, "198.51.100.80", 443,
	    T0 + 300 * 1000, NULL);
	assert_label(fx, f, MF_LABEL_DNS, "www.example.com");
}

/* NXDOMAIN names nothing. */
static void
test_dnslabel_error_answer_not_learnt(void **state)
{
	struct fx *fx = *state;
	struct exp_flow *f;

	answer(fx, "10.0.0.5", "nope.example.com", web, 3, 300, T0);
	f = tcp_flow(fx, "10.0.0.5", 50006, "198.51.100.80", 443, T0 + 10,
	    NULL);
	assert_label(fx, f, MF_LABEL_NONE, NULL);
	assert_int_equal(exp_dnslabel_get_stats(fx->d)->answers, 1);
	assert_int_equal(exp_dnslabel_get_stats(fx->d)->addresses, 0);
	assert_int_equal(dns_exported, 1);
	assert_int_equal(last_dns.rcode, 3);
}

static void
test_dnslabel_http_host_fallback(void **state)
{
	struct fx *fx = *state;
	struct exp_flow *f =
	    tcp_flow(fx, "10.0.0.5", 50007, "198.51.100.80", 80, T0, HTTP_GET);

	assert_label(fx, f, MF_LABEL_HTTP_HOST, "h.example.com");
	assert_int_equal(exp_dnslabel_get_stats(fx->d)->l7_stored, 1);
}

/* A DNS answer beats the Host the initiator sent. */
static void
test_dnslabel_dns_beats_host(void **state)
{
	struct fx *fx = *state;
	struct exp_flow *f;

	answer(fx, "10.0.0.5", "www.example.com", web, 0, 300, T0);
	f = tcp_flow(fx, "10.0.0.5", 50008, "198.51.100.80", 80, T0 + 10,
	    HTTP_GET);
	assert_label(fx, f, MF_LABEL_DNS, "www.example.com");
}

/* Only the initiator's requests count: a Host from the other side is not. */
static void
test_dnslabel_host_from_responder_ignored(void **state)
{
	struct fx *fx = *state;
	struct exp_flow *f =
	    tcp_flow(fx, "10.0.0.5", 50009, "198.51.100.80", 80, T0, NULL);
	struct exp_pkt p =
	    pkt("198.51.100.80", 80, "10.0.0.5", 50009, PROTO_TCP, T0 + 5);

	p.tcp_flags = 0x18;
	p.payload = (const uint8_t *)HTTP_GET;
	p.payload_len = (uint32_t)strlen(HTTP_GET);
	f = exp_cache_update(fx->cache, &p, 1);
	exp_dnslabel_flow_packet(fx->d, f, &p);
	assert_label(fx, f, MF_LABEL_NONE, NULL);
	assert_int_equal(exp_dnslabel_get_stats(fx->d)->l7_stored, 0);
}

/* max_l7_names newer names overwrite an older flow's: it loses its label. */
static void
test_dnslabel_l7_ring_overwritten(void **state)
{
	struct fx *fx = *state;
	struct exp_flow *first;
	unsigned i;

	first =
	    tcp_flow(fx, "10.0.0.5", 40000, "198.51.100.80", 80, T0, HTTP_GET);
	assert_label(fx, first, MF_LABEL_HTTP_HOST, "h.example.com");
	for (i = 1; i <= EXP_DNSLABEL_MIN_L7; i++)
		tcp_flow(fx, "10.0.0.5", (uint16_t)(40000 + i), "198.51.100.80",
		    80, T0 + i, HTTP_GET);
	assert_label(fx, first, MF_LABEL_NONE, NULL);
	assert_int_equal(exp_dnslabel_get_stats(fx->d)->l7_stored,
	    EXP_DNSLABEL_MIN_L7 + 1);
	assert_int_equal(exp_dnslabel_get_stats(fx->d)->l7_overwritten, 1);
}

static void
test_dnslabel_nothing_known(void **state)
{
	struct fx *fx = *state;
	struct exp_flow *f =
	    tcp_flow(fx, "10.0.0.5", 50010, "198.51.100.80", 443, T0, NULL);

	assert_label(fx, f, MF_LABEL_NONE, NULL);
	assert_int_equal(dns_exported, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dnslabel_own_answer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_dnslabel_answer_to_responder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dnslabel_initiator_first,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_dnslabel_other_client,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_dnslabel_expired_answer,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_dnslabel_error_answer_not_learnt, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_dnslabel_http_host_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dnslabel_dns_beats_host,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_dnslabel_host_from_responder_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_dnslabel_l7_ring_overwritten, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dnslabel_nothing_known,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
