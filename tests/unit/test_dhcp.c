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
#include "exporter/dhcp.h"

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* A DHCPv4 message: BOOTP header, magic cookie, then opts (n bytes). */
static size_t
dhcp4(uint8_t *out, uint8_t op, const uint8_t yiaddr[4], const uint8_t *opts,
    size_t n)
{
	memset(out, 0, 240);
	out[0] = op;
	out[1] = 1; /* Ethernet */
	out[2] = 6;
	out[4] = 0x11; /* xid */
	if (yiaddr != NULL)
		memcpy(out + 16, yiaddr, 4);
	memcpy(out + 28, mac, 6);
	out[236] = 0x63;
	out[237] = 0x82;
	out[238] = 0x53;
	out[239] = 0x63;
	memcpy(out + 240, opts, n);
	return 240 + n;
}

static void
test_dhcp_dhcp4_parse_request_with_host_name(void **state)
{
	static const uint8_t opts[] = { 53, 1, 3, 50, 4, 192, 168, 1, 20, 12,
		11, 'k', 'i', 'd', 's', '-', 't', 'a', 'b', 'l', 'e', 't',
		255 };
	uint8_t m[400];
	struct exp_dhcp_info in;
	char text[MF_ADDR_STRLEN];
	size_t n = dhcp4(m, 1, NULL, opts, sizeof(opts));

	(void)state;
	assert_int_equal(exp_dhcp4_parse(m, n, &in), EXP_DHCP_OK);
	assert_int_equal(in.op, 1);
	assert_int_equal(in.type, EXP_DHCP4_REQUEST);
	assert_true(in.has_mac);
	assert_memory_equal(in.mac, mac, 6);
	assert_string_equal(in.name, "kids-tablet");
	assert_int_equal(in.addr.family, 0);
	assert_string_equal(mf_addr_format(&in.wanted, text, sizeof(text)),
	    "192.168.1.20");
}

static void
test_dhcp_dhcp4_parse_ack_address_and_lease(void **state)
{
	static const uint8_t yi[4] = { 192, 168, 1, 20 };
	static const uint8_t opts[] = { 0, 0, 53, 1, 5, 51, 4, 0, 0, 0x0e, 0x10,
		255, 1, 2, 3 };
	uint8_t m[400];
	struct exp_dhcp_info in;
	char text[MF_ADDR_STRLEN];
	size_t n = dhcp4(m, 2, yi, opts, sizeof(opts));

	(void)state;
	assert_int_equal(exp_dhcp4_parse(m, n, &in), EXP_DHCP_OK);
	assert_int_equal(in.type, EXP_DHCP4_ACK);
	assert_int_equal(in.lease_s, 3600);
	assert_string_equal(mf_addr_format(&in.addr, text, sizeof(text)),
	    "192.168.1.20");
	assert_string_equal(in.name, "");
}

static void
test_dhcp_dhcp4_parse_fqdn_wire_and_ascii(void **state)
{
	static const uint8_t wire[] = { 53, 1, 3, 81, 17, 0x05, 0, 0, 2, 't',
		'v', 4, 'h', 'o', 'm', 'e', 3, 'l', 'a', 'n', 0, 255 };
	static const uint8_t ascii[] = { 53, 1, 3, 81, 9, 0x01, 0, 0, 't', 'v',
		'.', 'l', 'a', 'n', 255 };
	static const uint8_t both[] = { 53, 1, 3, 81, 5, 0x01, 0, 0, 'x', 'y',
		12, 3, 't', 'v', 0, 255 };
	uint8_t m[400];
	struct exp_dhcp_info in;
	size_t n;

	(void)state;
	n = dhcp4(m, 1, NULL, wire, sizeof(wire));
	assert_int_equal(exp_dhcp4_parse(m, n, &in), EXP_DHCP_OK);
	assert_string_equal(in.name, "tv.home.lan");
	n = dhcp4(m, 1, NULL, ascii, sizeof(ascii));
	assert_int_equal(exp_dhcp4_parse(m, n, &in), EXP_DHCP_OK);
	assert_string_equal(in.name, "tv.lan");
	/* Option 12 wins over 81, and its trailing NUL is dropped. */
	n = dhcp4(m, 1, NULL, both, sizeof(both));
	assert_int_equal(exp_dhcp4_parse(m, n, &in), EXP_DHCP_OK);
	assert_string_equal(in.name, "tv");
}

static void
test_dhcp_dhcp4_parse_malformed(void **state)
{
	static const uint8_t over[] = { 53, 1, 3, 12, 40, 'a', 'b' };
	static const uint8_t badlen[] = { 53, 2, 3, 3, 255 };
	static const uint8_t ctl[] = { 53, 1, 3, 12, 3, 'a', '\n', 'b', 255 };
	uint8_t m[400];
	struct exp_dhcp_info in;
	size_t n;

	(void)state;
	n = dhcp4(m, 1, NULL, over, sizeof(over));
	assert_int_equal(exp_dhcp4_parse(m, 239, &in), EXP_DHCP_SHORT);
	assert_int_equal(exp_dhcp4_parse(m, n, &in), EXP_DHCP_BAD_OPTION);
	n = dhcp4(m, 1, NULL, badlen, sizeof(badlen));
	assert_int_equal(exp_dhcp4_parse(m, n, &in), EXP_DHCP_BAD_OPTION);
	n = dhcp4(m, 1, NULL, ctl, sizeof(ctl));
	assert_int_equal(exp_dhcp4_parse(m, n, &in), EXP_DHCP_BAD_NAME);
	assert_int_equal(in.type, EXP_DHCP4_REQUEST);
	assert_string_equal(in.name, "");
	m[236] = 0;
	assert_int_equal(exp_dhcp4_parse(m, n, &in), EXP_DHCP_BAD_MAGIC);
	m[1] = 6; /* IEEE 802 */
	assert_int_equal(exp_dhcp4_parse(m, n, &in), EXP_DHCP_NOT_ETHER);
}

/* DHCPv6 REQUEST: client id DUID-LLT, FQDN "host1.example", IA_NA. */
static const uint8_t v6_request[] = { 3, 0xab, 0xcd, 0xef, 0, 1, 0, 14, 0, 1, 0,
	1, 0x2a, 0x2b, 0x2c, 0x2d, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0, 39, 0,
	16, 0x01, 5, 'h', 'o', 's', 't', '1', 7, 'e', 'x', 'a', 'm', 'p', 'l',
	'e', 0, 0, 3, 0, 12, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 };

/* DHCPv6 REPLY: IA_NA with one IA address 2001:db8::1c4f, valid 7200. */
static const uint8_t v6_reply[] = { 7, 0xab, 0xcd, 0xef, 0, 3, 0, 40, 0, 0, 0,
	1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 24, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0x1c, 0x4f, 0, 0, 0x0e, 0x10, 0, 0, 0x1c, 0x20 };

static void
test_dhcp_dhcp6_parse_request_and_reply(void **state)
{
	struct exp_dhcp_info in;
	char text[MF_ADDR_STRLEN];

	(void)state;
	assert_int_equal(exp_dhcp6_parse(v6_request, sizeof(v6_request), &in),
	    EXP_DHCP_OK);
	assert_int_equal(in.type, EXP_DHCP6_REQUEST);
	assert_true(in.has_mac);
	assert_memory_equal(in.mac, mac, 6);
	assert_string_equal(in.name, "host1.example");
	assert_int_equal(in.addr.family, 0);
	assert_int_equal(exp_dhcp6_parse(v6_reply, sizeof(v6_reply), &in),
	    EXP_DHCP_OK);
	assert_int_equal(in.type, EXP_DHCP6_REPLY);
	assert_false(in.has_mac);
	assert_string_equal(mf_addr_format(&in.addr, text, sizeof(text)),
	    "2001:db8::1c4f");
	assert_int_equal(in.lease_s, 7200);
}

static void
test_dhcp_dhcp6_parse_malformed(void **state)
{
	uint8_t m[sizeof(v6_reply)];
	static const uint8_t relay[] = { 12, 0, 0, 0, 0, 9, 0, 0 };
	struct exp_dhcp_info in;

	(void)state;
	assert_int_equal(exp_dhcp6_parse(v6_reply, 3, &in), EXP_DHCP_SHORT);
	/* Cut inside the IA address. */
	assert_int_equal(exp_dhcp6_parse(v6_reply, sizeof(v6_reply) - 1, &in),
	    EXP_DHCP_BAD_OPTION);
	/* The IA address option claims less than 24 bytes. */
	memcpy(m, v6_reply, sizeof(m));
	m[23] = 20;
	assert_int_equal(exp_dhcp6_parse(m, sizeof(m), &in),
	    EXP_DHCP_BAD_OPTION);
	assert_int_equal(exp_dhcp6_parse(relay, sizeof(relay), &in),
	    EXP_DHCP_RELAY);
}

/* mDNS response: tv.local A 192.168.1.30 (cache flush), and an AAAA in
 * the additional section by a compression pointer. */
static const uint8_t mdns[] = { 0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 1, 2, 't',
	'v', 5, 'l', 'o', 'c', 'a', 'l', 0, 0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4,
	192, 168, 1, 30, 0xc0, 12, 0, 28, 0x80, 1, 0, 0, 0, 120, 0, 16, 0xfe,
	0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x30 };

static void
test_dhcp_mdns_parse_hosts(void **state)
{
	struct exp_mdns_host h[EXP_MDNS_MAX];
	char text[MF_ADDR_STRLEN];
	uint8_t m[sizeof(mdns)];
	unsigned n;

	(void)state;
	assert_int_equal(exp_mdns_parse(mdns, sizeof(mdns), h, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(h[0].name, "tv");
	assert_string_equal(mf_addr_format(&h[0].addr, text, sizeof(text)),
	    "192.168.1.30");
	assert_string_equal(mf_addr_format(&h[1].addr, text, sizeof(text)),
	    "fe80::30");
	/* Truncated, a query, a pointer to itself. */
	assert_int_equal(exp_mdns_parse(mdns, sizeof(mdns) - 1, h, &n),
	    -EBADMSG);
	assert_int_equal(n, 1);
	memcpy(m, mdns, sizeof(m));
	m[2] = 0;
	assert_int_equal(exp_mdns_parse(m, sizeof(m), h, &n), -EBADMSG);
	memcpy(m, mdns, sizeof(m));
	m[36] = 0xc0; /* the pointer at 36 points at itself */
	m[37] = 36;
	assert_int_equal(exp_mdns_parse(m, sizeof(m), h, &n), -EBADMSG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dhcp_dhcp4_parse_request_with_host_name),
		cmocka_unit_test(test_dhcp_dhcp4_parse_ack_address_and_lease),
		cmocka_unit_test(test_dhcp_dhcp4_parse_fqdn_wire_and_ascii),
		cmocka_unit_test(test_dhcp_dhcp4_parse_malformed),
		cmocka_unit_test(test_dhcp_dhcp6_parse_request_and_reply),
		cmocka_unit_test(test_dhcp_dhcp6_parse_malformed),
		cmocka_unit_test(test_dhcp_mdns_parse_hosts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
