/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "test-forward"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <cmocka.h>

#include "collector/output/forward.h"
#include "collector/settings.h"
#include "common/addr.h"
#include "common/error.h"

/*
 * sendto is wrapped at link time (-Wl,--wrap=sendto): each call takes one
 * will_return value, 0 to send for real, an errno value to fail with it.
 */
ssize_t __real_sendto(int fd, const void *buf, size_t len, int flags,
    const struct sockaddr *to, socklen_t tolen);
ssize_t __wrap_sendto(int fd, const void *buf, size_t len, int flags,
    const struct sockaddr *to, socklen_t tolen);

ssize_t
__wrap_sendto(int fd, const void *buf, size_t len, int flags,
    const struct sockaddr *to, socklen_t tolen)
{
	int err = mock_type(int);

	if (err != 0) {
		errno = err;
		return -1;
	}
	return __real_sendto(fd, buf, len, flags, to, tolen);
}

/* An IPFIX message header (16 bytes) and a set header, domain 0. */
static const uint8_t ipfix_msg[20] = {
	0x00, 0x0a, 0x00, 0x14, /* version 10, length 20 */
	0x65, 0x53, 0xf1, 0x00, /* export time */
	0x00, 0x00, 0x00, 0x07, /* sequence 7 */
	0x00, 0x00, 0x00, 0x00, /* observation domain 0 */
	0x01, 0x00, 0x00, 0x04, /* empty set 256 */
};

/* A NetFlow v9 header (20 bytes), source id 0x01020304. */
static const uint8_t v9_msg[20] = {
	0x00, 0x09, 0x00, 0x00, /* version 9, count 0 */
	0x00, 0x36, 0xee, 0x80, /* sys_uptime */
	0x65, 0x53, 0xf1, 0x00, /* unix_secs */
	0x00, 0x00, 0x00, 0x2a, /* sequence 42 */
	0x01, 0x02, 0x03, 0x04, /* source id */
};

static void
cfg_init(struct col_config *cfg, const char *to, const char *source,
    const char *domains, uint64_t max)
{
	size_t i;

	assert_true(col_config_load(NULL, cfg, NULL));
	g_strfreev(cfg->forward.to);
	cfg->forward.to = g_strsplit(to, ";", -1);
	for (i = 0; cfg->forward.to[i] != NULL; i++) /* as mf_conf trims */
		g_strstrip(cfg->forward.to[i]);
	g_free(cfg->forward.source);
	cfg->forward.source = g_strdup(source);
	g_free(cfg->forward.domains);
	cfg->forward.domains = g_strdup(domains);
	cfg->forward.max_domains = max;
}

/* A UDP socket on 127.0.0.1 or ::1 (port chosen by the kernel). */
static int
receiver(int family, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct timeval tv = { 2, 0 };
	int fd = socket(family, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_addr.s_addr =
		    htonl(INADDR_LOOPBACK);
	else
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
	assert_int_equal(bind(fd, (struct sockaddr *)&ss,
	                     family == AF_INET ? sizeof(struct sockaddr_in)
	                                       : sizeof(struct sockaddr_in6)),
	    0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &sl), 0);
	*port =
	    ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
	                            : ((struct sockaddr_in6 *)&ss)->sin6_port);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* The next datagram on fd (at most size bytes), and who sent it. */
static ssize_t
receive(int fd, uint8_t *buf, size_t size, struct sockaddr_storage *from)
{
	socklen_t sl = sizeof(*from);

	return recvfrom(fd, buf, size, 0, (struct sockaddr *)from, &sl);
}

static struct col_forward *
forward_new(const char *to, const char *source, const char *domains,
    uint64_t max, GError **error)
{
	struct col_config cfg;
	struct col_forward *f;

	cfg_init(&cfg, to, source, domains, max);
	f = col_forward_new(&cfg.forward, error);
	col_config_clear(&cfg);
	return f;
}

static void
addr4(struct mf_addr *a, const char *s)
{
	assert_true(mf_addr_parse(s, a));
}

/* --- col_forward_check ---------------------------------------------------- */

static gboolean
check(const char *to, const char *source, const char *domains, char **msg)
{
	struct col_config cfg;
	GError *e = NULL;
	gboolean ok;

	cfg_init(&cfg, to, source, domains, 16);
	ok = col_forward_check(&cfg.forward, &e);
	*msg = e != NULL ? g_strdup(e->message) : NULL;
	g_clear_error(&e);
	col_config_clear(&cfg);
	return ok;
}

static void
test_forward_check_good_destinations(void **state)
{
	char *msg;

	(void)state;
	assert_true(check("", "collector", "keep", &msg));
	assert_true(check("192.0.2.1:2055; [2001:db8::1]:4739;nfcapd.lan:9995",
	    "original", "per-exporter", &msg));
	assert_null(msg);
}

static void
test_forward_check_bad_destinations_are_rejected(void **state)
{
	static const char *const bad[] = { "192.0.2.1", "192.0.2.1:0",
		"192.0.2.1:65536", "[2001:db8::1]", "2001:db8::1:4739",
		"[2001:db8::1", ":4739", "192.0.2.1:x" };
	size_t i;
	char *msg;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		assert_false(check(bad[i], "collector", "keep", &msg));
		assert_non_null(strstr(msg, "[forward] to: bad destination"));
		g_free(msg);
	}
}

static void
test_forward_check_more_than_eight_destinations_are_rejected(void **state)
{
	char *msg;

	(void)state;
	assert_true(check("a:1;a:2;a:3;a:4;a:5;a:6;a:7;a:8", "collector",
	    "keep", &msg));
	assert_false(check("a:1;a:2;a:3;a:4;a:5;a:6;a:7;a:8;a:9", "collector",
	    "keep", &msg));
	assert_string_equal(msg, "[forward] to: at most 8 destinations");
	g_free(msg);
}

static void
test_forward_check_bad_choices_are_rejected(void **state)
{
	char *msg;

	(void)state;
	assert_false(check("", "spoofed", "keep", &msg));
	assert_string_equal(msg,
	    "[forward] source: bad value 'spoofed' (collector or original)");
	g_free(msg);
	assert_false(check("", "collector", "per-router", &msg));
	assert_string_equal(msg,
	    "[forward] domains: bad value 'per-router' (keep or "
	    "per-exporter)");
	g_free(msg);
}

/* compat: super_mediator with records = normalised only, nothing else. */
static void
test_forward_check_compat(void **state)
{
	static const struct {
		const char *records, *compat, *msg;
	} c[] = {
		{ "normalised", "super_mediator", NULL },
		{ "raw", "", NULL },
		{ "raw", "super_mediator",
		    "[forward] compat: super_mediator needs records = "
		    "normalised (raw datagrams go as they came)" },
		{ "normalised", "yaf",
		    "[forward] compat: 'yaf' is not super_mediator" },
	};
	struct col_config cfg;
	GError *e = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(c); i++) {
		cfg_init(&cfg, "", "collector", "keep", 16);
		g_free(cfg.forward.records);
		cfg.forward.records = g_strdup(c[i].records);
		g_free(cfg.forward.compat);
		cfg.forward.compat = g_strdup(c[i].compat);
		assert_int_equal(col_forward_check(&cfg.forward, &e),
		    c[i].msg == NULL);
		if (c[i].msg != NULL)
			assert_string_equal(e->message, c[i].msg);
		g_clear_error(&e);
		col_config_clear(&cfg);
	}
}

/* --- header domains ------------------------------------------------------- */

/*
 * Rewrite the domain of a copy of golden (len bytes, field at off, holding
 * old) to new: exactly those four bytes change, big-endian.
 */
static void
assert_rewrite(enum col_listen_kind kind, const uint8_t *golden, size_t len,
    size_t off, uint32_t old, uint32_t new, const uint8_t want4[4])
{
	uint8_t m[64], want[64];
	uint32_t d = 0;

	memcpy(m, golden, len);
	memcpy(want, golden, len);
	memcpy(want + off, want4, 4);
	assert_int_equal(col_forward_get_domain(kind, m, len, &d), 0);
	assert_int_equal(d, old);
	assert_int_equal(col_forward_set_domain(kind, m, len, new), 0);
	assert_memory_equal(m, want, len);
	assert_int_equal(col_forward_get_domain(kind, m, len, &d), 0);
	assert_int_equal(d, new);
}

static void
test_forward_set_domain_ipfix_exact_bytes(void **state)
{
	static const uint8_t dead[4] = { 0xde, 0xad, 0xbe, 0xef };

	(void)state;
	assert_rewrite(COL_LISTEN_IPFIX_UDP, ipfix_msg, sizeof(ipfix_msg), 12,
	    0, 0xdeadbeef, dead);
	assert_rewrite(COL_LISTEN_IPFIX_TCP, ipfix_msg, sizeof(ipfix_msg), 12,
	    0, 0xdeadbeef, dead);
}

static void
test_forward_set_domain_v9_exact_bytes(void **state)
{
	static const uint8_t max[4] = { 0x00, 0x0f, 0x42, 0x3f };

	(void)state;
	assert_rewrite(COL_LISTEN_V9, v9_msg, sizeof(v9_msg), 16, 0x01020304,
	    999999, max);
}

static void
test_forward_set_domain_bad_headers_are_untouched(void **state)
{
	uint8_t m[sizeof(ipfix_msg)];
	uint32_t d = 7;

	(void)state;
	memcpy(m, ipfix_msg, sizeof(m));
	/* 15 bytes: one short of the domain */
	assert_int_equal(col_forward_set_domain(COL_LISTEN_IPFIX_UDP, m, 15, 1),
	    -EBADMSG);
	/* an IPFIX header on the v9 listener: version 10, not 9 */
	assert_int_equal(col_forward_set_domain(COL_LISTEN_V9, m, sizeof(m), 1),
	    -EBADMSG);
	assert_memory_equal(m, ipfix_msg, sizeof(m));
	assert_int_equal(col_forward_get_domain(COL_LISTEN_V5, m, sizeof(m),
	                     &d),
	    -ENOTSUP);
	assert_int_equal(d, 7);
	assert_int_equal(col_forward_get_domain(COL_LISTEN_V9, v9_msg, 19, &d),
	    -EBADMSG);
}

/* --- the domain table ----------------------------------------------------- */

/* col_forward_map_domain() for IPFIX over UDP from a (port, domain 0). */
static uint32_t
map0(struct col_forward *f, const struct mf_addr *a, uint16_t port,
    uint64_t now_ms)
{
	return col_forward_map_domain(f, COL_LISTEN_IPFIX_UDP, a, port, 0,
	    now_ms);
}

#define DOMAIN_A 709292u /* 127.0.0.1 port 40000 IPFIX domain 0 */
#define DOMAIN_B 9303u   /* 127.0.0.1 port 40001 IPFIX domain 0 */
#define DOMAIN_C 862174u /* 192.0.2.7 port 2055 v9 source id 0 */

static void
test_forward_map_domain_stable_per_exporter(void **state)
{
	struct col_forward *f, *g;
	struct mf_addr a;

	(void)state;
	addr4(&a, "127.0.0.1");
	f = forward_new("", "collector", "per-exporter", 16, NULL);
	assert_non_null(f);
	assert_int_equal(map0(f, &a, 40000, 1000), DOMAIN_A);
	assert_int_equal(map0(f, &a, 40001, 1000), DOMAIN_B);
	/* TCP and UDP IPFIX are the same protocol */
	assert_int_equal(col_forward_map_domain(f, COL_LISTEN_IPFIX_TCP, &a,
	                     40000, 0, 2000),
	    DOMAIN_A);
	/* v5 has no domain to rewrite */
	assert_int_equal(col_forward_map_domain(f, COL_LISTEN_V5, &a, 40000,
	                     0x0102, 2000),
	    0x0102);
	assert_int_equal(col_forward_get_stats(f)->mapped, 2);
	/* a restart: the same values, in another order */
	g = forward_new("", "collector", "per-exporter", 16, NULL);
	assert_int_equal(map0(g, &a, 40001, 5), DOMAIN_B);
	assert_int_equal(map0(g, &a, 40000, 5), DOMAIN_A);
	col_forward_free(g);
	col_forward_free(f);
}

static void
test_forward_map_domain_keep_changes_nothing(void **state)
{
	struct col_forward *f;
	struct mf_addr a;

	(void)state;
	addr4(&a, "127.0.0.1");
	f = forward_new("", "collector", "keep", 16, NULL);
	assert_int_equal(col_forward_map_domain(f, COL_LISTEN_IPFIX_UDP, &a,
	                     40000, 5, 1000),
	    5);
	assert_int_equal(col_forward_get_stats(f)->mapped, 0);
	col_forward_free(f);
}

static void
test_forward_map_domain_full_keeps_domain_then_replaces_idle(void **state)
{
	const struct col_forward_stats *s;
	struct col_forward *f;
	struct mf_addr a, b;

	(void)state;
	addr4(&a, "127.0.0.1");
	addr4(&b, "192.0.2.7");
	f = forward_new("", "collector", "per-exporter", 2, NULL);
	s = col_forward_get_stats(f);
	assert_int_equal(map0(f, &a, 40000, 1000), DOMAIN_A);
	assert_int_equal(map0(f, &a, 40001, 1000), DOMAIN_B);
	/* full, nobody idle: the domain stays, counted */
	assert_int_equal(col_forward_map_domain(f, COL_LISTEN_V9, &b, 2055, 0,
	                     2000),
	    0);
	assert_int_equal(col_forward_map_domain(f, COL_LISTEN_V9, &b, 2055, 9,
	                     3000),
	    9);
	assert_int_equal(s->map_full, 2);
	/* A keeps talking; B falls silent for COL_FORWARD_IDLE_MS */
	assert_int_equal(map0(f, &a, 40000, 1000 + COL_FORWARD_IDLE_MS),
	    DOMAIN_A);
	assert_int_equal(col_forward_map_domain(f, COL_LISTEN_V9, &b, 2055, 0,
	                     1000 + COL_FORWARD_IDLE_MS),
	    DOMAIN_C);
	assert_int_equal(s->replaced, 1);
	assert_int_equal(s->mapped, 3);
	/* B is gone: it would need a place again */
	assert_int_equal(map0(f, &a, 40001, 1001 + COL_FORWARD_IDLE_MS), 0);
	assert_int_equal(s->map_full, 3);
	col_forward_free(f);
}

/* --- sending -------------------------------------------------------------- */

/* A forwarder to a receiving socket on 127.0.0.1. */
struct loop {
	int fd;
	char *to;
	struct col_forward *f;
};

static gboolean
loop_open(struct loop *l, const char *source, const char *domains,
    GError **error)
{
	uint16_t port;

	l->fd = receiver(AF_INET, &port);
	l->to = g_strdup_printf("127.0.0.1:%u", (unsigned)port);
	l->f = forward_new(l->to, source, domains, 16, error);
	return l->f != NULL;
}

static void
loop_close(struct loop *l)
{
	col_forward_free(l->f);
	g_free(l->to);
	close(l->fd);
}

/* The next datagram must be want (len bytes); from is its sender. */
static void
assert_received(struct loop *l, const uint8_t *want, size_t len,
    struct sockaddr_storage *from)
{
	uint8_t buf[128];

	assert_int_equal(receive(l->fd, buf, sizeof(buf), from), len);
	assert_memory_equal(buf, want, len);
}

static void
test_forward_message_unchanged_counted(void **state)
{
	const struct col_forward_dest_stats *s;
	struct sockaddr_storage from;
	struct mf_addr a;
	struct loop l;

	(void)state;
	assert_true(loop_open(&l, "collector", "keep", NULL));
	assert_int_equal(col_forward_n_dests(l.f), 1);
	assert_string_equal(col_forward_dest_name(l.f, 0), l.to);
	addr4(&a, "192.0.2.7");
	will_return_count(__wrap_sendto, 0, 2);
	col_forward_message(l.f, COL_LISTEN_IPFIX_UDP, &a, 4739, ipfix_msg,
	    sizeof(ipfix_msg));
	/* garbage is forwarded too */
	col_forward_message(l.f, COL_LISTEN_V9, &a, 4739, ipfix_msg, 3);
	assert_received(&l, ipfix_msg, sizeof(ipfix_msg), &from);
	assert_received(&l, ipfix_msg, 3, &from);
	s = col_forward_get_dest_stats(l.f, 0);
	assert_int_equal(s->datagrams, 2);
	assert_int_equal(s->bytes, sizeof(ipfix_msg) + 3);
	assert_int_equal(s->dropped_full + s->errors + s->not_original, 0);
	loop_close(&l);
}

static void
test_forward_message_per_exporter_rewritten(void **state)
{
	struct sockaddr_storage from;
	uint8_t want[sizeof(v9_msg)];
	struct mf_addr a;
	struct loop l;

	(void)state;
	assert_true(loop_open(&l, "collector", "per-exporter", NULL));
	addr4(&a, "192.0.2.7");
	will_return_count(__wrap_sendto, 0, 2);
	col_forward_message(l.f, COL_LISTEN_V9, &a, 2055, v9_msg,
	    sizeof(v9_msg));
	/* an unreadable header goes out unchanged, counted */
	col_forward_message(l.f, COL_LISTEN_V9, &a, 2055, ipfix_msg,
	    sizeof(ipfix_msg));
	/* source id 0x01020304 becomes 484976 (0x00076670) */
	memcpy(want, v9_msg, sizeof(want));
	want[16] = 0x00;
	want[17] = 0x07;
	want[18] = 0x66;
	want[19] = 0x70;
	assert_received(&l, want, sizeof(want), &from);
	assert_received(&l, ipfix_msg, sizeof(ipfix_msg), &from);
	assert_int_equal(col_forward_get_stats(l.f)->unrewritten, 1);
	assert_int_equal(col_forward_get_stats(l.f)->mapped, 1);
	loop_close(&l);
}

static void
test_forward_message_send_errors_counted(void **state)
{
	const struct col_forward_dest_stats *s;
	struct col_forward *f;
	struct mf_addr a;

	(void)state;
	f = forward_new("127.0.0.1:9;[::1]:9", "collector", "keep", 16, NULL);
	assert_non_null(f);
	addr4(&a, "192.0.2.7");
	will_return(__wrap_sendto, EAGAIN);
	will_return(__wrap_sendto, ENOBUFS);
	will_return(__wrap_sendto, EWOULDBLOCK);
	will_return(__wrap_sendto, EHOSTUNREACH);
	col_forward_message(f, COL_LISTEN_V5, &a, 9995, ipfix_msg, 20);
	col_forward_message(f, COL_LISTEN_V5, &a, 9995, ipfix_msg, 20);
	s = col_forward_get_dest_stats(f, 0);
	assert_int_equal(s->dropped_full, 2);
	assert_int_equal(s->errors, 0);
	assert_int_equal(s->datagrams, 0);
	s = col_forward_get_dest_stats(f, 1);
	assert_int_equal(s->dropped_full, 1);
	assert_int_equal(s->errors, 1);
	assert_int_equal(s->bytes, 0);
	col_forward_free(f);
}

/*
 * source = original (needs CAP_NET_RAW: skipped without it): the receiver
 * sees the exporter's address and port, and the payload intact (the
 * kernel drops a datagram whose UDP checksum is wrong).  An exporter of
 * the other family goes out from the collector's address, counted.
 */
static void
test_forward_message_original_source(void **state)
{
	struct sockaddr_storage from;
	const struct sockaddr_in *f4 = (const void *)&from;
	struct mf_addr a, a6;
	GError *e = NULL;
	struct loop l;

	(void)state;
	if (!loop_open(&l, "original", "keep", &e)) {
		assert_true(g_error_matches(e, MF_ERROR, MF_ERROR_PRIVS));
		g_error_free(e);
		loop_close(&l);
		skip();
	}
	addr4(&a, "127.0.0.2");
	addr4(&a6, "2001:db8::7");
	will_return_count(__wrap_sendto, 0, 2);
	col_forward_message(l.f, COL_LISTEN_IPFIX_UDP, &a, 5555, ipfix_msg,
	    sizeof(ipfix_msg));
	col_forward_message(l.f, COL_LISTEN_IPFIX_UDP, &a6, 5556, ipfix_msg,
	    17);
	assert_received(&l, ipfix_msg, sizeof(ipfix_msg), &from);
	assert_int_equal(from.ss_family, AF_INET);
	assert_int_equal(ntohl(f4->sin_addr.s_addr), 0x7f000002);
	assert_int_equal(ntohs(f4->sin_port), 5555);
	assert_received(&l, ipfix_msg, 17, &from);
	assert_int_equal(ntohl(f4->sin_addr.s_addr), 0x7f000001);
	assert_int_equal(col_forward_get_dest_stats(l.f, 0)->datagrams, 2);
	assert_int_equal(col_forward_get_dest_stats(l.f, 0)->not_original, 1);
	loop_close(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forward_check_good_destinations),
		cmocka_unit_test(
		    test_forward_check_bad_destinations_are_rejected),
		cmocka_unit_test(
		    test_forward_check_more_than_eight_destinations_are_rejected),
		cmocka_unit_test(test_forward_check_bad_choices_are_rejected),
		cmocka_unit_test(test_forward_check_compat),
		cmocka_unit_test(test_forward_set_domain_ipfix_exact_bytes),
		cmocka_unit_test(test_forward_set_domain_v9_exact_bytes),
		cmocka_unit_test(
		    test_forward_set_domain_bad_headers_are_untouched),
		cmocka_unit_test(test_forward_map_domain_stable_per_exporter),
		cmocka_unit_test(test_forward_map_domain_keep_changes_nothing),
		cmocka_unit_test(
		    test_forward_map_domain_full_keeps_domain_then_replaces_idle),
		cmocka_unit_test(test_forward_message_unchanged_counted),
		cmocka_unit_test(test_forward_message_per_exporter_rewritten),
		cmocka_unit_test(test_forward_message_send_errors_counted),
		cmocka_unit_test(test_forward_message_original_source),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
