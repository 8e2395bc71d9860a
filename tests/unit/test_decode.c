/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-decode"

/*
 * Decoder tests, link layers: Ethernet with VLAN tags, MPLS and PPPoE;
 * Linux cooked captures, raw IP and BSD loopback; frames that are not IP;
 * the link types supported and the outcome names.  IP and transport
 * headers, fragments and truncation are in test_decode_ip.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>
#include <pcap.h>

#include "exporter/decode.h"
#include "common/rbuf.h"
#include "tests/unit/frames.h"

/* The header says 1500 bytes, 58 are captured; pkt starts as garbage. */
static void
test_decode_decode_eth_ipv4_tcp(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt;

	(void)state;
	frame_put_eth(&f, 0x0800);
	frame_put_ipv4(&f, 6, 1500);
	frame_put_tcp(&f, 49152, 443, 0x12);
	frame_put_bytes(&f, frame_payload4, 4);
	memset(&pkt, 0xff, sizeof(pkt));
	pkt.ts_ms = 1234567890123u;
	frame_expect_cut(DLT_EN10MB, &f, (uint32_t)f.n, 1514, EXP_DECODE_OK,
	    &pkt);
	assert_int_equal(pkt.ts_ms, 1234567890123u);
	assert_int_equal(pkt.ip_len, 1500);
	frame_assert_l4(&pkt, 6, 49152, 443);
	assert_int_equal(pkt.tos, 0xb8);
	assert_int_equal(pkt.tcp_flags, 0x12);
	assert_int_equal(pkt.vlan, 0);
	assert_int_equal(pkt.has_mac, 1);
	assert_memory_equal(pkt.dst_mac, frame_mac_dst, 6);
	assert_memory_equal(pkt.src_mac, frame_mac_src, 6);
	assert_int_equal(pkt.is_frag, 0);
	assert_int_equal(pkt.frag_first, 0);
	assert_int_equal(pkt.frag_id, 0x1234);
	assert_int_equal(pkt.l4_trunc, 0);
	frame_assert_payload(&pkt, f.b + 54, 4);
	frame_assert_v4_addrs(&pkt);
}

static void
test_decode_decode_vlan(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_eth(&f, 0x8100);
	frame_put_tag(&f, 0x5000 | 100, 0x0800); /* PCP 2, VID 100 */
	frame_put_ipv4(&f, 6, 40);
	frame_put_tcp(&f, 1000, 80, 0x10);
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.vlan, 100);
	frame_assert_l4(&pkt, 6, 1000, 80);
	assert_int_equal(pkt.ip_len, 40);
	frame_assert_payload(&pkt, NULL, 0);
	frame_assert_v4_addrs(&pkt);
}

static void
test_decode_decode_qinq_outer_vid(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_eth(&f, 0x88a8);
	frame_put_tag(&f, 200, 0x8100);
	frame_put_tag(&f, 300, 0x0800);
	frame_put_ipv4(&f, 6, 40);
	frame_put_tcp(&f, 1000, 80, 0x10);
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.vlan, 200);
	frame_assert_l4(&pkt, 6, 1000, 80);
	f.b[12] = 0x91; /* pre-standard 0x9100 outer tag */
	f.b[13] = 0x00;
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.vlan, 200);
	frame_assert_l4(&pkt, 6, 1000, 80);
}

static void
test_decode_decode_too_many_vlan_tags(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };
	unsigned i;

	(void)state;
	frame_put_eth(&f, 0x8100);
	for (i = 1; i < 8; i++)
		frame_put_tag(&f, i, 0x8100);
	frame_put_tag(&f, 8, 0x0800); /* the eighth tag: still fine */
	frame_put_ipv4(&f, 6, 40);
	frame_put_tcp(&f, 1, 2, 0);
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.vlan, 1);
	f.n = 0;
	frame_put_eth(&f, 0x8100);
	for (i = 1; i < 9; i++)
		frame_put_tag(&f, i, 0x8100);
	frame_put_tag(&f, 9, 0x0800);
	frame_put_ipv4(&f, 6, 40);
	frame_put_tcp(&f, 1, 2, 0);
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_TOO_MANY_LAYERS, &pkt);
}

static void
test_decode_decode_mpls_ipv4(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_eth(&f, 0x8847);
	frame_put32(&f, 1000u << 12 | 64);         /* label 1000, TTL 64 */
	frame_put32(&f, 2000u << 12 | 0x100 | 64); /* bottom of stack */
	frame_put_ipv4(&f, 17, 28);
	frame_put_udp(&f, 5353, 53, 8);
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	frame_assert_l4(&pkt, 17, 5353, 53);
	assert_int_equal(pkt.has_mac, 1);
	frame_assert_v4_addrs(&pkt);
	frame_expect_cut(DLT_EN10MB, &f, 20, 20, EXP_DECODE_TRUNC_LINK, &pkt);
	frame_expect_cut(DLT_EN10MB, &f, 22, 22, EXP_DECODE_TRUNC_IP, &pkt);
}

static void
test_decode_decode_mpls_ipv6(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_eth(&f, 0x8848);
	frame_put32(&f, 16u << 12 | 64);
	frame_put32(&f, 17u << 12 | 0x100 | 64);
	frame_put_ipv6(&f, 6, 20);
	frame_put_tcp(&f, 2000, 22, 0x18);
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.ip_len, 60);
	frame_assert_l4(&pkt, 6, 2000, 22);
	assert_int_equal(pkt.tos, 0xa0);
	assert_int_equal(pkt.tcp_flags, 0x18);
	frame_assert_v6_addrs(&pkt);
}

static void
test_decode_decode_mpls_not_ip(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };
	unsigned i;

	(void)state;
	frame_put_eth(&f, 0x8847);
	frame_put32(&f, 5u << 12 | 0x100 | 64);
	frame_put32(&f, 0); /* pseudowire control word */
	frame_put_eth(&f, 0x0800);
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_NOT_IP, &pkt);
	f.n = 0;
	frame_put_eth(&f, 0x8847);
	for (i = 0; i < 9; i++)
		frame_put32(&f, i << 12 | (i == 8 ? 0x100u : 0) | 64);
	frame_put_ipv4(&f, 6, 40);
	frame_put_tcp(&f, 1, 2, 0);
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_TOO_MANY_LAYERS, &pkt);
}

static void
test_decode_decode_pppoe_ipv4(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_pppoe(&f, 0x0021, 40);
	frame_put_ipv4(&f, 6, 40);
	frame_put_tcp(&f, 3333, 80, 0x02);
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.ip_len, 40);
	frame_assert_l4(&pkt, 6, 3333, 80);
	assert_int_equal(pkt.tcp_flags, 0x02);
	frame_assert_v4_addrs(&pkt);
	f.b[14] = 0x12; /* PPPoE version 1, type 2: unknown */
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_NOT_IP, &pkt);
}

static void
test_decode_decode_pppoe_ipv6(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_pppoe(&f, 0x0057, 48);
	frame_put_ipv6(&f, 17, 8);
	frame_put_udp(&f, 546, 547, 8);
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.ip_len, 48);
	frame_assert_l4(&pkt, 17, 546, 547);
	frame_assert_payload(&pkt, NULL, 0);
	frame_assert_v6_addrs(&pkt);
}

static void
test_decode_decode_pppoe_lcp_not_ip(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_pppoe(&f, 0xc021, 8);
	frame_put_bytes(&f, NULL, 8);
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_NOT_IP, &pkt);
	frame_expect_cut(DLT_EN10MB, &f, 15, 15, EXP_DECODE_TRUNC_LINK, &pkt);
	f.n = 0;
	frame_put_eth(&f, 0x8863); /* discovery: PADI */
	frame_put_tag(&f, 0x1109, 0);
	frame_put16(&f, 0);
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_NOT_IP, &pkt);
}

static void
test_decode_decode_arp_and_llc_not_ip(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_eth(&f, 0x0806);
	frame_put_tag(&f, 1, 0x0800);
	frame_put_bytes(&f, NULL, 24);
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_NOT_IP, &pkt);
	assert_int_equal(pkt.has_mac, 1);
	f.n = 0;
	frame_put_eth(&f, 38); /* 802.3 length, then LLC (STP) */
	frame_put_tag(&f, 0x4242, 0x0300);
	frame_put_bytes(&f, NULL, 34);
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_NOT_IP, &pkt);
	frame_expect_cut(DLT_EN10MB, &f, 13, 13, EXP_DECODE_TRUNC_LINK, &pkt);
}

/* 802.3 length + LLC/SNAP (RFC 1042 and 802.1H OUIs) carrying IP. */
static void
test_decode_decode_llc_snap_ip(void **state)
{
	static const unsigned ouis[] = { 0x000000, 0x0000f8 };
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(ouis); i++) {
		f.n = 0;
		frame_put_eth(&f, 8 + 20 + 20);
		frame_put16(&f, 0xaaaa);
		frame_put8(&f, 0x03);
		frame_put8(&f, ouis[i] >> 16);
		frame_put16(&f, ouis[i] & 0xffff);
		frame_put16(&f, 0x0800);
		frame_put_ipv4(&f, 6, 40);
		frame_put_tcp(&f, 1025, 80, 0x02);
		frame_expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
		assert_int_equal(pkt.ip_len, 40);
		frame_assert_l4(&pkt, 6, 1025, 80);
		frame_assert_v4_addrs(&pkt);
	}
	/* IPv6 after SNAP, behind a VLAN tag before the length */
	f.n = 0;
	frame_put_eth(&f, 0x8100);
	frame_put_tag(&f, 0x0007, 8 + 40 + 8);
	frame_put16(&f, 0xaaaa);
	frame_put16(&f, 0x0300);
	frame_put16(&f, 0x0000);
	frame_put16(&f, 0x86dd);
	frame_put_ipv6(&f, 17, 8);
	frame_put_udp(&f, 5353, 53, 8);
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.vlan, 7);
	assert_int_equal(pkt.ip_len, 48);
	frame_assert_l4(&pkt, 17, 5353, 53);
}

/* SNAP with a vendor OUI (Cisco CDP) is not IP; a cut SNAP header is. */
static void
test_decode_decode_llc_snap_vendor_and_cut(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_eth(&f, 8 + 20 + 20);
	frame_put16(&f, 0xaaaa);
	frame_put8(&f, 0x03);
	frame_put8(&f, 0x00);
	frame_put16(&f, 0x000c); /* OUI 00:00:0c, Cisco */
	frame_put16(&f, 0x2000); /* CDP */
	frame_put_bytes(&f, NULL, 40);
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_NOT_IP, &pkt);
	/* 14 + 3 LLC + 4 of the 5 SNAP bytes */
	frame_expect_cut(DLT_EN10MB, &f, 21, 21, EXP_DECODE_TRUNC_LINK, &pkt);
}

/* Cisco VN-Tag: 4 bytes and the next type; IPv4 after it, or a VLAN. */
static void
test_decode_decode_vntag(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_eth(&f, 0x8926);
	frame_put32(&f, 0x80010002);
	frame_put16(&f, 0x0800);
	frame_put_ipv4(&f, 17, 28);
	frame_put_udp(&f, 1234, 53, 8);
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.vlan, 0);
	assert_int_equal(pkt.ip_len, 28);
	frame_assert_l4(&pkt, 17, 1234, 53);
	f.n = 0;
	frame_put_eth(&f, 0x8926);
	frame_put32(&f, 0x80010002);
	frame_put16(&f, 0x8100);
	frame_put_tag(&f, 0x0123, 0x0800);
	frame_put_ipv4(&f, 17, 28);
	frame_put_udp(&f, 1234, 53, 8);
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.vlan, 0x123);
	frame_expect_cut(DLT_EN10MB, &f, 17, 17, EXP_DECODE_TRUNC_LINK, &pkt);
}

/* Cisco FabricPath frames are counted under their own reason. */
static void
test_decode_decode_fabricpath_unsupported(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_eth(&f, 0x8903);
	frame_put_bytes(&f, NULL, 46);
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_UNSUPPORTED_LINK, &pkt);
}

static void
test_decode_decode_sll(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_tag(&f, 0, 1); /* to us, ARPHRD_ETHER */
	frame_put16(&f, 6);
	frame_put_bytes(&f, frame_mac_src, 6);
	frame_put_tag(&f, 0, 0x0800);
	frame_put_ipv4(&f, 6, 40);
	frame_put_tcp(&f, 7000, 8000, 0x11);
	frame_expect(DLT_LINUX_SLL, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.has_mac, 0);
	frame_assert_l4(&pkt, 6, 7000, 8000);
	assert_int_equal(pkt.tcp_flags, 0x11);
	frame_assert_v4_addrs(&pkt);
	frame_expect_cut(DLT_LINUX_SLL, &f, 15, 15, EXP_DECODE_TRUNC_LINK,
	    &pkt);
}

static void
test_decode_decode_sll2(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_tag(&f, 0x86dd, 0);
	frame_put32(&f, 2); /* ifindex */
	frame_put_tag(&f, 1,
	    0x0406); /* ARPHRD_ETHER, outgoing, 6-byte address */
	frame_put_bytes(&f, frame_mac_src, 6);
	frame_put16(&f, 0);
	frame_put_ipv6(&f, 17, 12);
	frame_put_udp(&f, 4000, 53, 12);
	frame_put_bytes(&f, frame_payload4, 4);
	frame_expect(DLT_LINUX_SLL2, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.has_mac, 0);
	assert_int_equal(pkt.ip_len, 52);
	frame_assert_l4(&pkt, 17, 4000, 53);
	frame_assert_payload(&pkt, f.b + 68, 4);
	frame_assert_v6_addrs(&pkt);
	frame_expect_cut(DLT_LINUX_SLL2, &f, 19, 19, EXP_DECODE_TRUNC_LINK,
	    &pkt);
}

static void
test_decode_decode_raw_ipv4(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_ipv4(&f, 6, 40);
	frame_put_tcp(&f, 1, 2, 0x04);
	frame_expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.has_mac, 0);
	assert_int_equal(pkt.tcp_flags, 0x04);
	frame_assert_l4(&pkt, 6, 1, 2);
	frame_assert_v4_addrs(&pkt);
	frame_expect(101, &f, EXP_DECODE_OK, &pkt);
	frame_assert_l4(&pkt, 6, 1, 2);
	frame_expect(DLT_IPV4, &f, EXP_DECODE_OK, &pkt);
	frame_assert_l4(&pkt, 6, 1, 2);
	frame_expect(DLT_IPV6, &f, EXP_DECODE_BAD_IP_VERSION, &pkt);
	frame_expect_cut(DLT_RAW, &f, 0, 0, EXP_DECODE_TRUNC_IP, &pkt);
}

static void
test_decode_decode_raw_ipv6(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_ipv6(&f, 6, 20);
	frame_put_tcp(&f, 10, 20, 0x01);
	frame_expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.ip_len, 60);
	frame_assert_l4(&pkt, 6, 10, 20);
	frame_assert_v6_addrs(&pkt);
	frame_expect(DLT_IPV6, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.tcp_flags, 0x01);
	frame_expect(DLT_IPV4, &f, EXP_DECODE_BAD_IP_VERSION, &pkt);
	frame_expect_cut(DLT_RAW, &f, 39, 60, EXP_DECODE_TRUNC_IP, &pkt);
}

static void
test_decode_decode_null_little_endian(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put32(&f, 0x02000000); /* AF_INET, little-endian host */
	frame_put_ipv4(&f, 17, 28);
	frame_put_udp(&f, 68, 67, 8);
	frame_expect(DLT_NULL, &f, EXP_DECODE_OK, &pkt);
	frame_assert_l4(&pkt, 17, 68, 67);
	frame_assert_v4_addrs(&pkt);
	f.n = 0;
	frame_put32(&f, 0x1e000000); /* AF_INET6 (30, macOS), little-endian */
	frame_put_ipv6(&f, 17, 8);
	frame_put_udp(&f, 68, 67, 8);
	frame_expect(DLT_NULL, &f, EXP_DECODE_OK, &pkt);
	frame_assert_l4(&pkt, 17, 68, 67);
	frame_assert_v6_addrs(&pkt);
	f.b[0] = 0;
	f.b[3] = 24; /* AF_INET6 (OpenBSD), big-endian host */
	frame_expect(DLT_NULL, &f, EXP_DECODE_OK, &pkt);
	frame_assert_v6_addrs(&pkt);
	f.b[3] = 7; /* not an IP family */
	frame_expect(DLT_NULL, &f, EXP_DECODE_NOT_IP, &pkt);
	frame_expect_cut(DLT_NULL, &f, 3, 3, EXP_DECODE_TRUNC_LINK, &pkt);
}

static void
test_decode_decode_loop_network_order(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put32(&f, 2);
	frame_put_ipv4(&f, 6, 40);
	frame_put_tcp(&f, 1, 2, 0);
	frame_expect(DLT_LOOP, &f, EXP_DECODE_OK, &pkt);
	frame_assert_l4(&pkt, 6, 1, 2);
	frame_assert_v4_addrs(&pkt);
	f.n = 0;
	frame_put32(&f, 28); /* AF_INET6, FreeBSD */
	frame_put_ipv6(&f, 59, 0);
	frame_expect(DLT_LOOP, &f, EXP_DECODE_OK, &pkt);
	frame_assert_l4(&pkt, 59, 0, 0);
	frame_assert_v6_addrs(&pkt);
	f.b[0] = 2; /* little-endian AF_INET is no family for DLT_LOOP */
	f.b[3] = 0;
	frame_expect(DLT_LOOP, &f, EXP_DECODE_NOT_IP, &pkt);
}

static void
test_decode_decode_unsupported_dlt(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_ipv4(&f, 6, 40);
	frame_put_tcp(&f, 1, 2, 0);
	frame_expect(DLT_IEEE802_11, &f, EXP_DECODE_NOT_IP, &pkt);
	assert_int_equal(exp_decode(DLT_EN10MB, NULL, 0, 0, &pkt),
	    EXP_DECODE_TRUNC_LINK);
}

static void
test_decode_supports_link_types(void **state)
{
	(void)state;
	assert_true(exp_decode_supports(DLT_EN10MB));
	assert_true(exp_decode_supports(DLT_LINUX_SLL));
	assert_true(exp_decode_supports(DLT_LINUX_SLL2));
	assert_true(exp_decode_supports(DLT_RAW));
	assert_true(exp_decode_supports(101));
	assert_true(exp_decode_supports(DLT_IPV4));
	assert_true(exp_decode_supports(DLT_IPV6));
	assert_true(exp_decode_supports(DLT_NULL));
	assert_true(exp_decode_supports(DLT_LOOP));
	assert_false(exp_decode_supports(DLT_IEEE802_11));
	assert_false(exp_decode_supports(DLT_PPP));
	assert_false(exp_decode_supports(-1));
	assert_false(exp_decode_supports(147)); /* DLT_USER0 */
}

static void
test_decode_result_names_all_set(void **state)
{
	static const char *const want[EXP_DECODE_N_RESULTS] = { "ok",
		"truncated-link", "not-ip", "truncated-ip", "bad-ip-version",
		"bad-ip-header", "bad-ipv6-ext", "too-many-layers",
		"unsupported-link" };
	size_t i;

	(void)state;
	for (i = 0; i < EXP_DECODE_N_RESULTS; i++)
		assert_string_equal(exp_decode_result_names[i], want[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_decode_eth_ipv4_tcp),
		cmocka_unit_test(test_decode_decode_vlan),
		cmocka_unit_test(test_decode_decode_qinq_outer_vid),
		cmocka_unit_test(test_decode_decode_too_many_vlan_tags),
		cmocka_unit_test(test_decode_decode_mpls_ipv4),
		cmocka_unit_test(test_decode_decode_mpls_ipv6),
		cmocka_unit_test(test_decode_decode_mpls_not_ip),
		cmocka_unit_test(test_decode_decode_pppoe_ipv4),
		cmocka_unit_test(test_decode_decode_pppoe_ipv6),
		cmocka_unit_test(test_decode_decode_pppoe_lcp_not_ip),
		cmocka_unit_test(test_decode_decode_arp_and_llc_not_ip),
		cmocka_unit_test(test_decode_decode_llc_snap_ip),
		cmocka_unit_test(test_decode_decode_llc_snap_vendor_and_cut),
		cmocka_unit_test(test_decode_decode_vntag),
		cmocka_unit_test(test_decode_decode_fabricpath_unsupported),
		cmocka_unit_test(test_decode_decode_sll),
		cmocka_unit_test(test_decode_decode_sll2),
		cmocka_unit_test(test_decode_decode_raw_ipv4),
		cmocka_unit_test(test_decode_decode_raw_ipv6),
		cmocka_unit_test(test_decode_decode_null_little_endian),
		cmocka_unit_test(test_decode_decode_loop_network_order),
		cmocka_unit_test(test_decode_decode_unsupported_dlt),
		cmocka_unit_test(test_decode_supports_link_types),
		cmocka_unit_test(test_decode_result_names_all_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
