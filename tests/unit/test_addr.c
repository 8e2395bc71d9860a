/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-test-addr"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "common/addr.h"
#include "common/error.h"

static const uint8_t v6_doc[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0x01 };

static void
test_addr_parse_v4(void **state)
{
	struct mf_addr a;
	static const uint8_t want[16] = { 192, 0, 2, 1 };

	(void)state;
	memset(&a, 0xaa, sizeof(a));
	assert_true(mf_addr_parse("192.0.2.1", &a));
	assert_int_equal(a.family, MF_AF_INET);
	assert_memory_equal(a.b, want, 16); /* rest zeroed */
	assert_int_equal(mf_addr_get4(&a), 0xc0000201u);
}

static void
test_addr_parse_v6(void **state)
{
	struct mf_addr a;

	(void)state;
	assert_true(mf_addr_parse("2001:db8::1", &a));
	assert_int_equal(a.family, MF_AF_INET6);
	assert_memory_equal(a.b, v6_doc, 16);
}

static void
test_addr_parse_v4_mapped_becomes_v4(void **state)
{
	struct mf_addr a, b;

	(void)state;
	assert_true(mf_addr_parse("::ffff:10.1.2.3", &a));
	assert_true(mf_addr_parse("10.1.2.3", &b));
	assert_int_equal(a.family, MF_AF_INET);
	assert_int_equal(mf_addr_get4(&a), 0x0a010203u);
	assert_memory_equal(&a, &b, sizeof(a));
}

static void
test_addr_parse_garbage_is_rejected(void **state)
{
	static const char *const bad[] = { "", "x", "1.2.3", "1.2.3.256",
		"1.2.3.4 ", " 1.2.3.4", "2001:db8:::1", "1.2.3.4/8", "[::1]",
		"fe80::1%lo", "::g" };
	struct mf_addr a;
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(bad); i++)
		assert_false(mf_addr_parse(bad[i], &a));
	assert_false(mf_addr_parse(NULL, &a));
}

static void
test_addr_format_round_trip(void **state)
{
	static const char *const texts[] = { "0.0.0.0", "192.0.2.1",
		"255.255.255.255", "::", "::1", "2001:db8::1",
		"fe80::1:2:3:4" };
	char buf[MF_ADDR_STRLEN];
	struct mf_addr a, b;
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(texts); i++) {
		assert_true(mf_addr_parse(texts[i], &a));
		assert_ptr_equal(mf_addr_format(&a, buf, sizeof(buf)), buf);
		assert_string_equal(buf, texts[i]);
		assert_true(mf_addr_parse(buf, &b));
		assert_memory_equal(&a, &b, sizeof(a));
	}
}

static void
test_addr_format_longest_v6_needs_exact_size(void **state)
{
	char buf[MF_ADDR_STRLEN];
	struct mf_addr a;
	const char *s = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"; /* 39 */

	(void)state;
	assert_true(mf_addr_parse(s, &a));
	assert_string_equal(mf_addr_format(&a, buf, sizeof(buf)), s);
	assert_string_equal(mf_addr_format(&a, buf, 40), s);
	assert_string_equal(mf_addr_format(&a, buf, 39), "-");
}

static void
test_addr_format_unset_is_dash(void **state)
{
	char buf[MF_ADDR_STRLEN];
	struct mf_addr a;

	(void)state;
	memset(&a, 0, sizeof(a));
	assert_string_equal(mf_addr_format(&a, buf, sizeof(buf)), "-");
}

static void
test_addr_format_small_buffer_is_dash(void **state)
{
	char buf[8];
	struct mf_addr a;

	(void)state;
	assert_true(mf_addr_parse("192.168.100.200", &a));
	assert_string_equal(mf_addr_format(&a, buf, sizeof(buf)), "-");
}

/* IPv4 as inet_ntop() writes it, every size from 0 to 16 bytes. */
static void
test_addr_format_v4_as_inet_ntop(void **state)
{
	GRand *r = g_rand_new_with_seed(4);
	char buf[MF_ADDR_STRLEN], want[MF_ADDR_STRLEN];
	uint8_t b[4];
	struct mf_addr a;
	size_t i, size;
	uint32_t v;

	(void)state;
	for (i = 0; i < 20000; i++) {
		v = i < 256 ? (uint32_t)i * 0x01010101u
		            : g_rand_int(r) >> (i % 24);
		b[0] = (uint8_t)(v >> 24);
		b[1] = (uint8_t)(v >> 16);
		b[2] = (uint8_t)(v >> 8);
		b[3] = (uint8_t)v;
		mf_addr_set4(&a, b);
		size = i % 17;
		if (inet_ntop(AF_INET, b, want, (socklen_t)size) == NULL)
			g_strlcpy(want, "-", size);
		if (size == 0)
			continue; /* nothing written, nothing to compare */
		assert_string_equal(mf_addr_format(&a, buf, size), want);
		assert_string_equal(mf_addr_format(&a, buf, sizeof(buf)),
		    inet_ntop(AF_INET, b, want, sizeof(want)));
	}
	g_rand_free(r);
}

static void
test_addr_set4_set6_get4(void **state)
{
	static const uint8_t b4[4] = { 1, 2, 3, 4 };
	struct mf_addr a;

	(void)state;
	memset(&a, 0xff, sizeof(a));
	mf_addr_set4(&a, b4);
	assert_int_equal(a.family, MF_AF_INET);
	assert_int_equal(mf_addr_get4(&a), 0x01020304u);
	assert_int_equal(a.b[4], 0);
	assert_int_equal(a.b[15], 0);
	mf_addr_set6(&a, v6_doc);
	assert_int_equal(a.family, MF_AF_INET6);
	assert_memory_equal(a.b, v6_doc, 16);
}

static void
test_addr_cmp_family_first(void **state)
{
	struct mf_addr v4hi, v4lo, v6lo, v6hi;

	(void)state;
	assert_true(mf_addr_parse("255.255.255.255", &v4hi));
	assert_true(mf_addr_parse("0.0.0.1", &v4lo));
	assert_true(mf_addr_parse("::", &v6lo));
	assert_true(mf_addr_parse("ffff::", &v6hi));
	assert_true(mf_addr_cmp(&v4hi, &v6lo) < 0);
	assert_true(mf_addr_cmp(&v6lo, &v4hi) > 0);
	assert_true(mf_addr_cmp(&v4lo, &v4hi) < 0);
	assert_true(mf_addr_cmp(&v4hi, &v4lo) > 0);
	assert_true(mf_addr_cmp(&v6lo, &v6hi) < 0);
	assert_int_equal(mf_addr_cmp(&v6hi, &v6hi), 0);
	assert_int_equal(mf_addr_cmp(&v4lo, &v4lo), 0);
}

static void
test_addr_cmp_byte_order_is_network_order(void **state)
{
	struct mf_addr a, b;

	(void)state;
	assert_true(mf_addr_parse("10.0.0.255", &a));
	assert_true(mf_addr_parse("10.0.1.0", &b));
	assert_true(mf_addr_cmp(&a, &b) < 0);
}

/* mf_addr_equal() is mf_addr_cmp() == 0: family and each of the 16 bytes. */
static void
test_addr_equal_is_cmp_zero(void **state)
{
	struct mf_addr x, y;
	size_t i;

	(void)state;
	memset(&x, 0, sizeof(x));
	x.family = MF_AF_INET6;
	for (i = 0; i < sizeof(x.b); i++)
		x.b[i] = (uint8_t)(0x20 + i);
	y = x;
	assert_true(mf_addr_equal(&x, &y));
	assert_int_equal(mf_addr_cmp(&x, &y), 0);
	y.family = MF_AF_INET;
	assert_false(mf_addr_equal(&x, &y));
	assert_int_not_equal(mf_addr_cmp(&x, &y), 0);
	for (i = 0; i < sizeof(x.b); i++) {
		y = x;
		y.b[i] ^= 0x80;
		assert_false(mf_addr_equal(&x, &y));
		assert_int_not_equal(mf_addr_cmp(&x, &y), 0);
	}
}

static void
test_addr_prefix_parse_lengths(void **state)
{
	struct mf_prefix p;
	struct mf_addr want;

	(void)state;
	assert_true(mf_prefix_parse("10.1.2.3/0", &p));
	assert_int_equal(p.len, 0);
	assert_int_equal(p.addr.family, MF_AF_INET);
	assert_int_equal(mf_addr_get4(&p.addr), 0);

	assert_true(mf_prefix_parse("10.1.2.3/32", &p));
	assert_int_equal(p.len, 32);
	assert_int_equal(mf_addr_get4(&p.addr), 0x0a010203u);

	assert_true(mf_prefix_parse("10.1.2.3", &p)); /* bare: host prefix */
	assert_int_equal(p.len, 32);

	assert_true(mf_prefix_parse("2001:db8::1/128", &p));
	assert_int_equal(p.len, 128);
	assert_int_equal(p.addr.family, MF_AF_INET6);
	assert_memory_equal(p.addr.b, v6_doc, 16);

	assert_true(mf_prefix_parse("2001:db8::1", &p));
	assert_int_equal(p.len, 128);

	assert_true(mf_prefix_parse("::ffff:10.9.8.7/24", &p)); /* mapped */
	assert_int_equal(p.addr.family, MF_AF_INET);
	assert_int_equal(p.len, 24);
	assert_true(mf_addr_parse("10.9.8.0", &want));
	assert_memory_equal(&p.addr, &want, sizeof(want));
}

static void
test_addr_prefix_parse_host_bits_cleared(void **state)
{
	struct mf_prefix p;
	struct mf_addr want;

	(void)state;
	assert_true(mf_prefix_parse("10.255.255.255/12", &p));
	assert_int_equal(p.len, 12);
	assert_int_equal(mf_addr_get4(&p.addr), 0x0af00000u);

	assert_true(mf_prefix_parse("192.0.2.255/25", &p));
	assert_int_equal(mf_addr_get4(&p.addr), 0xc0000280u);

	assert_true(mf_prefix_parse("2001:db8:ffff:ffff::1/35", &p));
	assert_int_equal(p.len, 35);
	assert_true(mf_addr_parse("2001:db8:e000::", &want));
	assert_memory_equal(&p.addr, &want, sizeof(want));

	assert_true(mf_prefix_parse("ffff::/0", &p));
	assert_true(mf_addr_parse("::", &want));
	assert_memory_equal(&p.addr, &want, sizeof(want));
}

static void
test_addr_prefix_parse_bad_is_rejected(void **state)
{
	static const char *const bad[] = { "1.2.3.4/33", "::/129", "x/8",
		"1.2.3.4/", "1.2.3.4/-1", "1.2.3.4/+8", "1.2.3.4/8x",
		"1.2.3.4/08/1", "/8", "", "1.2.3/8", "1.2.3.4/99999999999" };
	struct mf_prefix p;
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(bad); i++)
		assert_false(mf_prefix_parse(bad[i], &p));
}

static void
test_addr_prefix_contains_byte_boundary(void **state)
{
	struct mf_prefix p;
	struct mf_addr a;

	(void)state;
	assert_true(mf_prefix_parse("10.1.0.0/16", &p));
	assert_true(mf_addr_parse("10.1.255.255", &a));
	assert_true(mf_prefix_contains(&p, &a));
	assert_true(mf_addr_parse("10.1.0.0", &a));
	assert_true(mf_prefix_contains(&p, &a));
	assert_true(mf_addr_parse("10.2.0.0", &a));
	assert_false(mf_prefix_contains(&p, &a));
	assert_true(mf_addr_parse("10.0.255.255", &a));
	assert_false(mf_prefix_contains(&p, &a));

	assert_true(mf_prefix_parse("2001:db8::/32", &p));
	assert_true(mf_addr_parse("2001:db8:ffff::7", &a));
	assert_true(mf_prefix_contains(&p, &a));
	assert_true(mf_addr_parse("2001:db9::", &a));
	assert_false(mf_prefix_contains(&p, &a));
}

static void
test_addr_prefix_contains_non_byte_boundary(void **state)
{
	struct mf_prefix p;
	struct mf_addr a;

	(void)state;
	assert_true(mf_prefix_parse("172.16.0.0/12", &p));
	assert_true(mf_addr_parse("172.31.255.255", &a));
	assert_true(mf_prefix_contains(&p, &a));
	assert_true(mf_addr_parse("172.16.0.0", &a));
	assert_true(mf_prefix_contains(&p, &a));
	assert_true(mf_addr_parse("172.32.0.0", &a));
	assert_false(mf_prefix_contains(&p, &a));
	assert_true(mf_addr_parse("172.15.255.255", &a));
	assert_false(mf_prefix_contains(&p, &a));

	assert_true(mf_prefix_parse("192.0.2.128/25", &p));
	assert_true(mf_addr_parse("192.0.2.200", &a));
	assert_true(mf_prefix_contains(&p, &a));
	assert_true(mf_addr_parse("192.0.2.127", &a));
	assert_false(mf_prefix_contains(&p, &a));

	assert_true(mf_prefix_parse("10.0.0.1/31", &p));
	assert_true(mf_addr_parse("10.0.0.0", &a));
	assert_true(mf_prefix_contains(&p, &a));
	assert_true(mf_addr_parse("10.0.0.2", &a));
	assert_false(mf_prefix_contains(&p, &a));

	assert_true(mf_prefix_parse("fe80::/10", &p));
	assert_true(mf_addr_parse("febf::1", &a));
	assert_true(mf_prefix_contains(&p, &a));
	assert_true(mf_addr_parse("fec0::1", &a));
	assert_false(mf_prefix_contains(&p, &a));
}

static void
test_addr_prefix_contains_zero_and_host(void **state)
{
	struct mf_prefix p;
	struct mf_addr a;

	(void)state;
	assert_true(mf_prefix_parse("0.0.0.0/0", &p));
	assert_true(mf_addr_parse("255.1.2.3", &a));
	assert_true(mf_prefix_contains(&p, &a));

	assert_true(mf_prefix_parse("192.0.2.7", &p));
	assert_true(mf_addr_parse("192.0.2.7", &a));
	assert_true(mf_prefix_contains(&p, &a));
	assert_true(mf_addr_parse("192.0.2.6", &a));
	assert_false(mf_prefix_contains(&p, &a));

	assert_true(mf_prefix_parse("2001:db8::1/128", &p));
	assert_true(mf_addr_parse("2001:db8::1", &a));
	assert_true(mf_prefix_contains(&p, &a));
	assert_true(mf_addr_parse("2001:db8::", &a));
	assert_false(mf_prefix_contains(&p, &a));
}

static void
test_addr_prefix_contains_family_mismatch(void **state)
{
	struct mf_prefix p;
	struct mf_addr a;

	(void)state;
	assert_true(mf_prefix_parse("0.0.0.0/0", &p));
	assert_true(mf_addr_parse("::", &a));
	assert_false(mf_prefix_contains(&p, &a));
	assert_true(mf_prefix_parse("::/0", &p));
	assert_true(mf_addr_parse("0.0.0.0", &a));
	assert_false(mf_prefix_contains(&p, &a));
}

/* Parse s expecting success; check host and port. */
static void
check_hostport(const char *s, uint16_t def, const char *want_host,
    uint16_t want_port)
{
	GError *error = NULL;
	char *host = NULL;
	uint16_t port = 0;

	assert_true(mf_hostport_parse(s, def, &host, &port, &error));
	assert_null(error);
	assert_non_null(host);
	assert_string_equal(host, want_host);
	assert_int_equal(port, want_port);
	g_free(host);
}

/* Parse s expecting failure with an MF_ERROR_ARGS error and no host. */
static void
check_hostport_bad(const char *s)
{
	GError *error = NULL;
	char *host = NULL;
	uint16_t port = 0;

	assert_false(mf_hostport_parse(s, 4739, &host, &port, &error));
	assert_null(host);
	assert_non_null(error);
	assert_true(g_error_matches(error, MF_ERROR, MF_ERROR_ARGS));
	g_error_free(error);

	/* The same without an error location must not crash either. */
	assert_false(mf_hostport_parse(s, 4739, &host, &port, NULL));
	assert_null(host);
}

static void
test_addr_hostport_parse_host_only(void **state)
{
	(void)state;
	check_hostport("host", 4739, "host", 4739);
	check_hostport("collector.example.org", 2055, "collector.example.org",
	    2055);
	check_hostport("192.0.2.1", 4739, "192.0.2.1", 4739);
}

static void
test_addr_hostport_parse_host_port(void **state)
{
	(void)state;
	check_hostport("host:99", 4739, "host", 99);
	check_hostport("1.2.3.4:4739", 2055, "1.2.3.4", 4739);
	check_hostport("h:1", 4739, "h", 1);
	check_hostport("h:65535", 4739, "h", 65535);
}

static void
test_addr_hostport_parse_bracketed_v6(void **state)
{
	(void)state;
	check_hostport("[2001:db8::1]:2055", 4739, "2001:db8::1", 2055);
	check_hostport("[::1]", 4739, "::1", 4739);
	check_hostport("[::ffff:1.2.3.4]:9", 4739, "::ffff:1.2.3.4", 9);
}

static void
test_addr_hostport_parse_bare_v6_is_whole_host(void **state)
{
	(void)state;
	check_hostport("2001:db8::1", 4739, "2001:db8::1", 4739);
	check_hostport("::1", 2055, "::1", 2055);
	/* Looks like a port but is part of the address: still whole. */
	check_hostport("2001:db8::4739", 2055, "2001:db8::4739", 2055);
}

static void
test_addr_hostport_parse_bad_port(void **state)
{
	(void)state;
	check_hostport_bad("h:0");
	check_hostport_bad("h:70000");
	check_hostport_bad("h:65536");
	check_hostport_bad("h:");
	check_hostport_bad("h:x");
	check_hostport_bad("h:-1");
	check_hostport_bad("h:+5");
	check_hostport_bad("h: 5");
	check_hostport_bad("[::1]:");
	check_hostport_bad("[::1]:0");
	check_hostport_bad("[::1]:99999");
}

static void
test_addr_hostport_parse_bad_syntax(void **state)
{
	(void)state;
	check_hostport_bad("[::1");
	check_hostport_bad("[]:5");
	check_hostport_bad("[]");
	check_hostport_bad("");
	check_hostport_bad(":5");
	check_hostport_bad("[::1]x");
	check_hostport_bad("[::1]5");
	check_hostport_bad(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_parse_v4),
		cmocka_unit_test(test_addr_parse_v6),
		cmocka_unit_test(test_addr_parse_v4_mapped_becomes_v4),
		cmocka_unit_test(test_addr_parse_garbage_is_rejected),
		cmocka_unit_test(test_addr_format_round_trip),
		cmocka_unit_test(test_addr_format_longest_v6_needs_exact_size),
		cmocka_unit_test(test_addr_format_unset_is_dash),
		cmocka_unit_test(test_addr_format_small_buffer_is_dash),
		cmocka_unit_test(test_addr_format_v4_as_inet_ntop),
		cmocka_unit_test(test_addr_set4_set6_get4),
		cmocka_unit_test(test_addr_cmp_family_first),
		cmocka_unit_test(test_addr_cmp_byte_order_is_network_order),
		cmocka_unit_test(test_addr_equal_is_cmp_zero),
		cmocka_unit_test(test_addr_prefix_parse_lengths),
		cmocka_unit_test(test_addr_prefix_parse_host_bits_cleared),
		cmocka_unit_test(test_addr_prefix_parse_bad_is_rejected),
		cmocka_unit_test(test_addr_prefix_contains_byte_boundary),
		cmocka_unit_test(test_addr_prefix_contains_non_byte_boundary),
		cmocka_unit_test(test_addr_prefix_contains_zero_and_host),
		cmocka_unit_test(test_addr_prefix_contains_family_mismatch),
		cmocka_unit_test(test_addr_hostport_parse_host_only),
		cmocka_unit_test(test_addr_hostport_parse_host_port),
		cmocka_unit_test(test_addr_hostport_parse_bracketed_v6),
		cmocka_unit_test(
		    test_addr_hostport_parse_bare_v6_is_whole_host),
		cmocka_unit_test(test_addr_hostport_parse_bad_port),
		cmocka_unit_test(test_addr_hostport_parse_bad_syntax),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
