/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-decode"

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

/* A frame built byte by byte; every put checks the room left. */
struct frame {
	uint8_t b[512];
	size_t n;
};

static const uint8_t mac_dst[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t mac_src[6] = { 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb };
static const uint8_t v4_src[4] = { 192, 0, 2, 1 };
static const uint8_t v4_dst[4] = { 198, 51, 100, 7 };
static const uint8_t v6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t v6_dst[16] = { 0x20, 0x01, 0x0d,
	0xb8, [14] = 0xbe, [15] = 0xef };
static const uint8_t payload4[4] = { 0xde, 0xad, 0xbe, 0xef };

#define V4_SRC 0xc0000201u
#define V4_DST 0xc6336407u

static void
put8(struct frame *f, unsigned v)
{
	assert_true(f->n < sizeof(f->b));
	f->b[f->n++] = (uint8_t)v;
}

static void
put16(struct frame *f, unsigned v)
{
	put8(f, v >> 8);
	put8(f, v & 0xff);
}

static void
put32(struct frame *f, uint32_t v)
{
	put16(f, v >> 16);
	put16(f, v & 0xffff);
}

/* n bytes from p, or n zeros if p is NULL. */
static void
put_bytes(struct frame *f, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		put8(f, p != NULL ? p[i] : 0);
}

static void
put_eth(struct frame *f, unsigned type)
{
	put_bytes(f, mac_dst, 6);
	put_bytes(f, mac_src, 6);
	put16(f, type);
}

static void
put_tag(struct frame *f, unsigned tci, unsigned type)
{
	put16(f, tci);
	put16(f, type);
}

/* IPv4 header of ihl words; tot is the total length field as given. */
static void
put_ipv4_ihl(struct frame *f, unsigned ihl, unsigned proto, unsigned tot,
    unsigned fragoff)
{
	put8(f, 0x40 | ihl);
	put8(f, 0xb8); /* TOS: DSCP EF */
	put16(f, tot);
	put16(f, 0x1234); /* id */
	put16(f, fragoff);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0); /* checksum: not checked */
	put_bytes(f, v4_src, 4);
	put_bytes(f, v4_dst, 4);
	put_bytes(f, NULL, ihl > 5 ? (ihl - 5) * 4 : 0);
}

static void
put_ipv4(struct frame *f, unsigned proto, unsigned tot)
{
	put_ipv4_ihl(f, 5, proto, tot, 0);
}

static void
put_ipv6(struct frame *f, unsigned nh, unsigned plen)
{
	put32(f, 0x6a012345); /* traffic class 0xa0, flow label 0x12345 */
	put16(f, plen);
	put8(f, nh);
	put8(f, 64);
	put_bytes(f, v6_src, 16);
	put_bytes(f, v6_dst, 16);
}

static void
put_tcp(struct frame *f, unsigned sport, unsigned dport, unsigned flags)
{
	put16(f, sport);
	put16(f, dport);
	put32(f, 1000); /* seq */
	put32(f, 0);    /* ack */
	put8(f, 5 << 4);
	put8(f, flags);
	put16(f, 65535); /* window */
	put32(f, 0);     /* checksum, urgent pointer */
}

/* UDP, or SCTP's common header (len is then half the verification tag). */
static void
put_udp(struct frame *f, unsigned sport, unsigned dport, unsigned len)
{
	put16(f, sport);
	put16(f, dport);
	put16(f, len);
	put16(f, 0);
}

/* ICMP or ICMPv6 echo-like message: type, code, checksum, 4 bytes. */
static void
put_icmp(struct frame *f, unsigned type, unsigned code)
{
	put8(f, type);
	put8(f, code);
	put16(f, 0);
	put32(f, 0x00010001);
}

/* IPv6 extension header of 8 * (len8 + 1) bytes. */
static void
put_ext(struct frame *f, unsigned nh, unsigned len8)
{
	put8(f, nh);
	put8(f, len8);
	put_bytes(f, NULL, 6 + (size_t)len8 * 8);
}

static void
put_frag6(struct frame *f, unsigned nh, unsigned offset8, unsigned more)
{
	put8(f, nh);
	put8(f, 0);
	put16(f, offset8 << 3 | more);
	put32(f, 0xcafebabe);
}

static void
put_pppoe(struct frame *f, unsigned ppp_proto, unsigned len)
{
	put_eth(f, 0x8864);
	put8(f, 0x11);
	put8(f, 0x00);
	put16(f, 0x0001); /* session id */
	put16(f, len + 2);
	put16(f, ppp_proto);
}

/* Decode caplen bytes of f, wirelen on the wire; check the outcome. */
static void
expect_cut(int dlt, const struct frame *f, uint32_t caplen, uint32_t wirelen,
    enum exp_decode_result want, struct exp_pkt *pkt)
{
	assert_true(caplen <= f->n);
	assert_int_equal(exp_decode(dlt, f->b, caplen, wirelen, pkt), want);
}

/* Decode the whole of f (caplen = wirelen). */
static void
expect(int dlt, const struct frame *f, enum exp_decode_result want,
    struct exp_pkt *pkt)
{
	expect_cut(dlt, f, (uint32_t)f->n, (uint32_t)f->n, want, pkt);
}

static void
assert_l4(const struct exp_pkt *pkt, unsigned proto, unsigned sport,
    unsigned dport)
{
	assert_int_equal(pkt->proto, proto);
	assert_int_equal(pkt->sport, sport);
	assert_int_equal(pkt->dport, dport);
}

static void
assert_payload(const struct exp_pkt *pkt, const uint8_t *p, uint32_t len)
{
	assert_ptr_equal(pkt->payload, p);
	assert_int_equal(pkt->payload_len, len);
}

static void
assert_v4_addrs(const struct exp_pkt *pkt)
{
	assert_int_equal(pkt->src.family, MF_AF_INET);
	assert_int_equal(pkt->dst.family, MF_AF_INET);
	assert_int_equal(mf_addr_get4(&pkt->src), V4_SRC);
	assert_int_equal(mf_addr_get4(&pkt->dst), V4_DST);
}

static void
assert_v6_addrs(const struct exp_pkt *pkt)
{
	assert_int_equal(pkt->src.family, MF_AF_INET6);
	assert_int_equal(pkt->dst.family, MF_AF_INET6);
	assert_memory_equal(pkt->src.b, v6_src, 16);
	assert_memory_equal(pkt->dst.b, v6_dst, 16);
}

/* The header says 1500 bytes, 58 are captured; pkt starts as garbage. */
static void
test_decode_decode_eth_ipv4_tcp(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt;

	(void)state;
	put_eth(&f, 0x0800);
	put_ipv4(&f, 6, 1500);
	put_tcp(&f, 49152, 443, 0x12);
	put_bytes(&f, payload4, 4);
	memset(&pkt, 0xff, sizeof(pkt));
	pkt.ts_ms = 1234567890123u;
	expect_cut(DLT_EN10MB, &f, (uint32_t)f.n, 1514, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.ts_ms, 1234567890123u);
	assert_int_equal(pkt.ip_len, 1500);
	assert_l4(&pkt, 6, 49152, 443);
	assert_int_equal(pkt.tos, 0xb8);
	assert_int_equal(pkt.tcp_flags, 0x12);
	assert_int_equal(pkt.vlan, 0);
	assert_int_equal(pkt.has_mac, 1);
	assert_memory_equal(pkt.dst_mac, mac_dst, 6);
	assert_memory_equal(pkt.src_mac, mac_src, 6);
	assert_int_equal(pkt.is_frag, 0);
	assert_int_equal(pkt.frag_first, 0);
	assert_int_equal(pkt.frag_id, 0x1234);
	assert_int_equal(pkt.l4_trunc, 0);
	assert_payload(&pkt, f.b + 54, 4);
	assert_v4_addrs(&pkt);
}

static void
test_decode_decode_tcp_data_offset(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_ipv4(&f, 6, 20 + 24 + 4);
	put_tcp(&f, 1, 2, 0x02);
	f.b[20 + 12] = 6 << 4; /* data offset 6 */
	put32(&f, 0x01010101); /* options: NOPs */
	put_bytes(&f, payload4, 4);
	expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.tcp_flags, 0x02);
	assert_payload(&pkt, f.b + 44, 4);
	f.b[20 + 12] = 4 << 4; /* data offset below 5: no payload */
	expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	assert_l4(&pkt, 6, 1, 2);
	assert_payload(&pkt, NULL, 0);
	f.b[20 + 12] = 15 << 4; /* options past the datagram */
	expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	assert_l4(&pkt, 6, 1, 2);
	assert_int_equal(pkt.l4_trunc, 0);
	assert_payload(&pkt, NULL, 0);
}

static void
test_decode_decode_vlan(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_eth(&f, 0x8100);
	put_tag(&f, 0x5000 | 100, 0x0800); /* PCP 2, VID 100 */
	put_ipv4(&f, 6, 40);
	put_tcp(&f, 1000, 80, 0x10);
	expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.vlan, 100);
	assert_l4(&pkt, 6, 1000, 80);
	assert_int_equal(pkt.ip_len, 40);
	assert_payload(&pkt, NULL, 0);
	assert_v4_addrs(&pkt);
}

static void
test_decode_decode_qinq_outer_vid(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_eth(&f, 0x88a8);
	put_tag(&f, 200, 0x8100);
	put_tag(&f, 300, 0x0800);
	put_ipv4(&f, 6, 40);
	put_tcp(&f, 1000, 80, 0x10);
	expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.vlan, 200);
	assert_l4(&pkt, 6, 1000, 80);
	f.b[12] = 0x91; /* pre-standard 0x9100 outer tag */
	f.b[13] = 0x00;
	expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.vlan, 200);
	assert_l4(&pkt, 6, 1000, 80);
}

static void
test_decode_decode_too_many_vlan_tags(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };
	unsigned i;

	(void)state;
	put_eth(&f, 0x8100);
	for (i = 1; i < 8; i++)
		put_tag(&f, i, 0x8100);
	put_tag(&f, 8, 0x0800); /* the eighth tag: still fine */
	put_ipv4(&f, 6, 40);
	put_tcp(&f, 1, 2, 0);
	expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.vlan, 1);
	f.n = 0;
	put_eth(&f, 0x8100);
	for (i = 1; i < 9; i++)
		put_tag(&f, i, 0x8100);
	put_tag(&f, 9, 0x0800);
	put_ipv4(&f, 6, 40);
	put_tcp(&f, 1, 2, 0);
	expect(DLT_EN10MB, &f, EXP_DECODE_TOO_MANY_LAYERS, &pkt);
}

static void
test_decode_decode_mpls_ipv4(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_eth(&f, 0x8847);
	put32(&f, 1000u << 12 | 64);         /* label 1000, TTL 64 */
	put32(&f, 2000u << 12 | 0x100 | 64); /* bottom of stack */
	put_ipv4(&f, 17, 28);
	put_udp(&f, 5353, 53, 8);
	expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_l4(&pkt, 17, 5353, 53);
	assert_int_equal(pkt.has_mac, 1);
	assert_v4_addrs(&pkt);
	expect_cut(DLT_EN10MB, &f, 20, 20, EXP_DECODE_TRUNC_LINK, &pkt);
	expect_cut(DLT_EN10MB, &f, 22, 22, EXP_DECODE_TRUNC_IP, &pkt);
}

static void
test_decode_decode_mpls_ipv6(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_eth(&f, 0x8848);
	put32(&f, 16u << 12 | 64);
	put32(&f, 17u << 12 | 0x100 | 64);
	put_ipv6(&f, 6, 20);
	put_tcp(&f, 2000, 22, 0x18);
	expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.ip_len, 60);
	assert_l4(&pkt, 6, 2000, 22);
	assert_int_equal(pkt.tos, 0xa0);
	assert_int_equal(pkt.tcp_flags, 0x18);
	assert_v6_addrs(&pkt);
}

static void
test_decode_decode_mpls_not_ip(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };
	unsigned i;

	(void)state;
	put_eth(&f, 0x8847);
	put32(&f, 5u << 12 | 0x100 | 64);
	put32(&f, 0); /* pseudowire control word */
	put_eth(&f, 0x0800);
	expect(DLT_EN10MB, &f, EXP_DECODE_NOT_IP, &pkt);
	f.n = 0;
	put_eth(&f, 0x8847);
	for (i = 0; i < 9; i++)
		put32(&f, i << 12 | (i == 8 ? 0x100u : 0) | 64);
	put_ipv4(&f, 6, 40);
	put_tcp(&f, 1, 2, 0);
	expect(DLT_EN10MB, &f, EXP_DECODE_TOO_MANY_LAYERS, &pkt);
}

static void
test_decode_decode_pppoe_ipv4(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_pppoe(&f, 0x0021, 40);
	put_ipv4(&f, 6, 40);
	put_tcp(&f, 3333, 80, 0x02);
	expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.ip_len, 40);
	assert_l4(&pkt, 6, 3333, 80);
	assert_int_equal(pkt.tcp_flags, 0x02);
	assert_v4_addrs(&pkt);
	f.b[14] = 0x12; /* PPPoE version 1, type 2: unknown */
	expect(DLT_EN10MB, &f, EXP_DECODE_NOT_IP, &pkt);
}

static void
test_decode_decode_pppoe_ipv6(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_pppoe(&f, 0x0057, 48);
	put_ipv6(&f, 17, 8);
	put_udp(&f, 546, 547, 8);
	expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.ip_len, 48);
	assert_l4(&pkt, 17, 546, 547);
	assert_payload(&pkt, NULL, 0);
	assert_v6_addrs(&pkt);
}

static void
test_decode_decode_pppoe_lcp_not_ip(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_pppoe(&f, 0xc021, 8);
	put_bytes(&f, NULL, 8);
	expect(DLT_EN10MB, &f, EXP_DECODE_NOT_IP, &pkt);
	expect_cut(DLT_EN10MB, &f, 15, 15, EXP_DECODE_TRUNC_LINK, &pkt);
	f.n = 0;
	put_eth(&f, 0x8863); /* discovery: PADI */
	put_tag(&f, 0x1109, 0);
	put16(&f, 0);
	expect(DLT_EN10MB, &f, EXP_DECODE_NOT_IP, &pkt);
}

static void
test_decode_decode_arp_and_llc_not_ip(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_eth(&f, 0x0806);
	put_tag(&f, 1, 0x0800);
	put_bytes(&f, NULL, 24);
	expect(DLT_EN10MB, &f, EXP_DECODE_NOT_IP, &pkt);
	assert_int_equal(pkt.has_mac, 1);
	f.n = 0;
	put_eth(&f, 38); /* 802.3 length, then LLC (STP) */
	put_tag(&f, 0x4242, 0x0300);
	put_bytes(&f, NULL, 34);
	expect(DLT_EN10MB, &f, EXP_DECODE_NOT_IP, &pkt);
	expect_cut(DLT_EN10MB, &f, 13, 13, EXP_DECODE_TRUNC_LINK, &pkt);
}

static void
test_decode_decode_sll(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_tag(&f, 0, 1); /* to us, ARPHRD_ETHER */
	put16(&f, 6);
	put_bytes(&f, mac_src, 6);
	put_tag(&f, 0, 0x0800);
	put_ipv4(&f, 6, 40);
	put_tcp(&f, 7000, 8000, 0x11);
	expect(DLT_LINUX_SLL, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.has_mac, 0);
	assert_l4(&pkt, 6, 7000, 8000);
	assert_int_equal(pkt.tcp_flags, 0x11);
	assert_v4_addrs(&pkt);
	expect_cut(DLT_LINUX_SLL, &f, 15, 15, EXP_DECODE_TRUNC_LINK, &pkt);
}

static void
test_decode_decode_sll2(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_tag(&f, 0x86dd, 0);
	put32(&f, 2);           /* ifindex */
	put_tag(&f, 1, 0x0406); /* ARPHRD_ETHER, outgoing, 6-byte address */
	put_bytes(&f, mac_src, 6);
	put16(&f, 0);
	put_ipv6(&f, 17, 12);
	put_udp(&f, 4000, 53, 12);
	put_bytes(&f, payload4, 4);
	expect(DLT_LINUX_SLL2, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.has_mac, 0);
	assert_int_equal(pkt.ip_len, 52);
	assert_l4(&pkt, 17, 4000, 53);
	assert_payload(&pkt, f.b + 68, 4);
	assert_v6_addrs(&pkt);
	expect_cut(DLT_LINUX_SLL2, &f, 19, 19, EXP_DECODE_TRUNC_LINK, &pkt);
}

static void
test_decode_decode_raw_ipv4(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_ipv4(&f, 6, 40);
	put_tcp(&f, 1, 2, 0x04);
	expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.has_mac, 0);
	assert_int_equal(pkt.tcp_flags, 0x04);
	assert_l4(&pkt, 6, 1, 2);
	assert_v4_addrs(&pkt);
	expect(101, &f, EXP_DECODE_OK, &pkt);
	assert_l4(&pkt, 6, 1, 2);
	expect(DLT_IPV4, &f, EXP_DECODE_OK, &pkt);
	assert_l4(&pkt, 6, 1, 2);
	expect(DLT_IPV6, &f, EXP_DECODE_BAD_IP_VERSION, &pkt);
	expect_cut(DLT_RAW, &f, 0, 0, EXP_DECODE_TRUNC_IP, &pkt);
}

static void
test_decode_decode_raw_ipv6(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_ipv6(&f, 6, 20);
	put_tcp(&f, 10, 20, 0x01);
	expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.ip_len, 60);
	assert_l4(&pkt, 6, 10, 20);
	assert_v6_addrs(&pkt);
	expect(DLT_IPV6, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.tcp_flags, 0x01);
	expect(DLT_IPV4, &f, EXP_DECODE_BAD_IP_VERSION, &pkt);
	expect_cut(DLT_RAW, &f, 39, 60, EXP_DECODE_TRUNC_IP, &pkt);
}

static void
test_decode_decode_null_little_endian(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put32(&f, 0x02000000); /* AF_INET, little-endian host */
	put_ipv4(&f, 17, 28);
	put_udp(&f, 68, 67, 8);
	expect(DLT_NULL, &f, EXP_DECODE_OK, &pkt);
	assert_l4(&pkt, 17, 68, 67);
	assert_v4_addrs(&pkt);
	f.n = 0;
	put32(&f, 0x1e000000); /* AF_INET6 (30, macOS), little-endian */
	put_ipv6(&f, 17, 8);
	put_udp(&f, 68, 67, 8);
	expect(DLT_NULL, &f, EXP_DECODE_OK, &pkt);
	assert_l4(&pkt, 17, 68, 67);
	assert_v6_addrs(&pkt);
	f.b[0] = 0;
	f.b[3] = 24; /* AF_INET6 (OpenBSD), big-endian host */
	expect(DLT_NULL, &f, EXP_DECODE_OK, &pkt);
	assert_v6_addrs(&pkt);
	f.b[3] = 7; /* not an IP family */
	expect(DLT_NULL, &f, EXP_DECODE_NOT_IP, &pkt);
	expect_cut(DLT_NULL, &f, 3, 3, EXP_DECODE_TRUNC_LINK, &pkt);
}

static void
test_decode_decode_loop_network_order(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put32(&f, 2);
	put_ipv4(&f, 6, 40);
	put_tcp(&f, 1, 2, 0);
	expect(DLT_LOOP, &f, EXP_DECODE_OK, &pkt);
	assert_l4(&pkt, 6, 1, 2);
	assert_v4_addrs(&pkt);
	f.n = 0;
	put32(&f, 28); /* AF_INET6, FreeBSD */
	put_ipv6(&f, 59, 0);
	expect(DLT_LOOP, &f, EXP_DECODE_OK, &pkt);
	assert_l4(&pkt, 59, 0, 0);
	assert_v6_addrs(&pkt);
	f.b[0] = 2; /* little-endian AF_INET is no family for DLT_LOOP */
	f.b[3] = 0;
	expect(DLT_LOOP, &f, EXP_DECODE_NOT_IP, &pkt);
}

static void
test_decode_decode_ipv6_ext_headers(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_ipv6(&f, 0, 8 + 24 + 20);
	put_ext(&f, 60, 0); /* hop-by-hop, 8 bytes */
	put_ext(&f, 6, 2);  /* destination options, 24 bytes */
	put_tcp(&f, 5555, 443, 0x02);
	expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.ip_len, 92);
	assert_l4(&pkt, 6, 5555, 443);
	assert_int_equal(pkt.tcp_flags, 0x02);
	assert_int_equal(pkt.is_frag, 0);
	assert_int_equal(pkt.l4_trunc, 0);
}

static void
test_decode_decode_ipv6_routing_ah_esp(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_ipv6(&f, 43, 8 + 16 + 8);
	put_ext(&f, 51, 0);          /* routing */
	put_tag(&f, 50 << 8 | 2, 0); /* AH: (2 + 2) * 4 bytes, then ESP */
	put_bytes(&f, NULL, 12);
	put32(&f, 0x1000); /* ESP SPI */
	put32(&f, 1);
	expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	assert_l4(&pkt, 50, 0, 0);
	assert_payload(&pkt, NULL, 0);
}

static void
test_decode_decode_ipv6_ext_chain_errors(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };
	unsigned i;

	(void)state;
	put_ipv6(&f, 60, 12); /* destination options of 16 in 12 bytes */
	put_ext(&f, 6, 1);
	expect(DLT_RAW, &f, EXP_DECODE_BAD_IPV6_EXT, &pkt);
	f.b[5] = 1; /* one byte of payload: not even the length fits */
	expect_cut(DLT_RAW, &f, 41, 41, EXP_DECODE_BAD_IPV6_EXT, &pkt);
	f.b[5] = 16 + 20; /* fine in the datagram, cut by the snaplen */
	expect_cut(DLT_RAW, &f, 50, 96, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.l4_trunc, 1);
	assert_l4(&pkt, 60, 0, 0);
	assert_int_equal(pkt.ip_len, 76);
	assert_v6_addrs(&pkt);
	expect_cut(DLT_RAW, &f, 41, 96, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.l4_trunc, 1);
	f.n = 0;
	put_ipv6(&f, 60, 9 * 8 + 8);
	for (i = 0; i < 9; i++)
		put_ext(&f, i < 8 ? 60 : 17, 0);
	put_udp(&f, 1, 2, 8);
	expect(DLT_RAW, &f, EXP_DECODE_TOO_MANY_LAYERS, &pkt);
	f.n = 0; /* eight headers are fine */
	put_ipv6(&f, 60, 8 * 8 + 8);
	for (i = 0; i < 8; i++)
		put_ext(&f, i < 7 ? 60 : 17, 0);
	put_udp(&f, 1, 2, 8);
	expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	assert_l4(&pkt, 17, 1, 2);
}

static void
test_decode_decode_ipv6_fragment_first(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_ipv6(&f, 44, 8 + 8 + 4);
	put_frag6(&f, 17, 0, 1);
	put_udp(&f, 1111, 2222, 1400);
	put_bytes(&f, payload4, 4);
	expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	assert_l4(&pkt, 17, 1111, 2222);
	assert_int_equal(pkt.is_frag, 1);
	assert_int_equal(pkt.frag_first, 1);
	assert_int_equal(pkt.frag_id, 0xcafebabe);
	assert_payload(&pkt, f.b + 56, 4);
	f.b[40 + 3] = 0; /* atomic fragment: offset 0, M clear */
	expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.is_frag, 0);
	assert_int_equal(pkt.frag_first, 0);
	assert_l4(&pkt, 17, 1111, 2222);
}

static void
test_decode_decode_ipv6_fragment_later(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_ipv6(&f, 44, 8 + 8);
	put_frag6(&f, 17, 175, 0);
	put_udp(&f, 1111, 2222, 1400); /* data that looks like UDP */
	expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	assert_l4(&pkt, 17, 0, 0);
	assert_int_equal(pkt.is_frag, 1);
	assert_int_equal(pkt.frag_first, 0);
	assert_int_equal(pkt.frag_id, 0xcafebabe);
	assert_payload(&pkt, NULL, 0);
	assert_int_equal(pkt.ip_len, 56);
}

static void
test_decode_decode_ipv4_fragments(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_ipv4_ihl(&f, 5, 17, 1500, 0x2000); /* MF, offset 0 */
	put_udp(&f, 4444, 53, 3000);
	put_bytes(&f, payload4, 4);
	expect_cut(DLT_RAW, &f, (uint32_t)f.n, 1500, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.is_frag, 1);
	assert_int_equal(pkt.frag_first, 1);
	assert_int_equal(pkt.frag_id, 0x1234);
	assert_l4(&pkt, 17, 4444, 53);
	assert_payload(&pkt, f.b + 28, 4);
	f.b[6] = 0x00; /* offset 185 * 8, last fragment */
	f.b[7] = 185;
	expect_cut(DLT_RAW, &f, (uint32_t)f.n, 1500, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.is_frag, 1);
	assert_int_equal(pkt.frag_first, 0);
	assert_int_equal(pkt.frag_id, 0x1234);
	assert_l4(&pkt, 17, 0, 0);
	assert_payload(&pkt, NULL, 0);
	assert_int_equal(pkt.ip_len, 1500);
	assert_v4_addrs(&pkt);
	f.b[6] = 0x40; /* DF only: not a fragment */
	f.b[7] = 0;
	expect_cut(DLT_RAW, &f, (uint32_t)f.n, 1500, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.is_frag, 0);
	assert_l4(&pkt, 17, 4444, 53);
}

static void
test_decode_decode_icmp_echo(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_ipv4(&f, 1, 28);
	put_icmp(&f, 8, 0); /* echo request */
	expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	assert_l4(&pkt, 1, 0, 0x0800);
	assert_payload(&pkt, NULL, 0);
	f.b[20] = 3; /* port unreachable */
	f.b[21] = 3;
	expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	assert_l4(&pkt, 1, 0, 0x0303);
	expect_cut(DLT_RAW, &f, 23, 28, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.l4_trunc, 1);
	assert_l4(&pkt, 1, 0, 0);
}

static void
test_decode_decode_icmpv6_echo(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_ipv6(&f, 58, 8);
	put_icmp(&f, 128, 0);
	expect(DLT_IPV6, &f, EXP_DECODE_OK, &pkt);
	assert_l4(&pkt, 58, 0, 0x8000);
	assert_int_equal(pkt.l4_trunc, 0);
}

static void
test_decode_decode_sctp_ports(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_ipv4(&f, 132, 32);
	put_udp(&f, 2905, 3868, 0xabcd); /* ports, verification tag */
	put32(&f, 0);                    /* checksum */
	expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	assert_l4(&pkt, 132, 2905, 3868);
	assert_int_equal(pkt.l4_trunc, 0);
	assert_payload(&pkt, NULL, 0);
	expect_cut(DLT_RAW, &f, 31, 32, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.l4_trunc, 1);
	assert_l4(&pkt, 132, 0, 0);
}

static void
test_decode_decode_gre_ports_zero(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_eth(&f, 0x0800);
	put_ipv4(&f, 47, 44);
	put_tag(&f, 0, 0x0800); /* GRE: no flags, IPv4 inside */
	put_ipv4(&f, 6, 20);
	expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_l4(&pkt, 47, 0, 0);
	assert_int_equal(pkt.tcp_flags, 0);
	assert_int_equal(pkt.l4_trunc, 0);
	assert_payload(&pkt, NULL, 0);
}

static void
test_decode_decode_udp_payload_bounds(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_eth(&f, 0x0800);
	put_ipv4(&f, 17, 20 + 8 + 4);
	put_udp(&f, 40000, 53, 8 + 2); /* UDP says 2 bytes of payload */
	put_bytes(&f, payload4, 4);
	put_bytes(&f, NULL, 14); /* Ethernet padding */
	expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.ip_len, 32);
	assert_l4(&pkt, 17, 40000, 53);
	assert_payload(&pkt, f.b + 42, 2);
	f.b[14 + 20 + 5] = 8 + 100; /* UDP longer than IP: IP bounds it */
	expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_payload(&pkt, f.b + 42, 4);
	f.b[14 + 20 + 5] = 3; /* UDP length below 8: IP bounds it */
	expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_payload(&pkt, f.b + 42, 4);
	f.b[14 + 9] = 136; /* UDP-Lite: checksum coverage, not a length */
	f.b[14 + 20 + 5] = 8;
	expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_l4(&pkt, 136, 40000, 53);
	assert_payload(&pkt, f.b + 42, 4);
	f.b[14 + 3] = 28; /* IP: no payload at all */
	expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_l4(&pkt, 136, 40000, 53);
	assert_payload(&pkt, NULL, 0);
	f.b[14 + 3] = 27; /* IP: UDP header cut short */
	expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.l4_trunc, 1);
	assert_l4(&pkt, 136, 0, 0);
}

static void
test_decode_decode_snaplen_cut_tcp(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_eth(&f, 0x0800);
	put_ipv4(&f, 6, 1500);
	put_tcp(&f, 49152, 443, 0x10);
	expect_cut(DLT_EN10MB, &f, 14 + 20 + 10, 1514, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.l4_trunc, 1);
	assert_int_equal(pkt.ip_len, 1500);
	assert_l4(&pkt, 6, 0, 0);
	assert_int_equal(pkt.tcp_flags, 0);
	assert_payload(&pkt, NULL, 0);
	assert_v4_addrs(&pkt);
	f.b[14 + 2] = 0; /* cut by the IP total length instead: the same */
	f.b[14 + 3] = 30;
	expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.l4_trunc, 1);
	assert_int_equal(pkt.ip_len, 30);
	assert_l4(&pkt, 6, 0, 0);
}

static void
test_decode_decode_total_length_zero(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_eth(&f, 0x0800);
	put_ipv4(&f, 6, 0);
	put_tcp(&f, 1, 2, 0x10);
	put_bytes(&f, payload4, 4);
	expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.ip_len, 44);
	assert_l4(&pkt, 6, 1, 2);
	assert_payload(&pkt, f.b + 54, 4);
	/* A TSO frame cut by the snaplen: its wire length counts. */
	expect_cut(DLT_EN10MB, &f, (uint32_t)f.n, 9014, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.ip_len, 9000);
	assert_payload(&pkt, f.b + 54, 4);
	/* A wire length below caplen is nonsense: caplen counts. */
	expect_cut(DLT_EN10MB, &f, (uint32_t)f.n, 20, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.ip_len, 44);
	f.n = 0;
	put_ipv6(&f, 6, 0);
	put_tcp(&f, 1, 2, 0x10);
	expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.ip_len, 60);
	assert_l4(&pkt, 6, 1, 2);
	expect_cut(DLT_RAW, &f, (uint32_t)f.n, 64000, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.ip_len, 64000);
}

static void
test_decode_decode_bad_ip_headers(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_eth(&f, 0x0800);
	put_ipv4(&f, 6, 40);
	put_tcp(&f, 1, 2, 0);
	f.b[14] = 0x55; /* version 5 */
	expect(DLT_EN10MB, &f, EXP_DECODE_BAD_IP_VERSION, &pkt);
	f.b[14] = 0x65; /* version 6 behind ethertype IPv4 */
	expect(DLT_EN10MB, &f, EXP_DECODE_BAD_IP_VERSION, &pkt);
	f.b[14] = 0x44; /* IHL 4 */
	expect(DLT_EN10MB, &f, EXP_DECODE_BAD_IP_HEADER, &pkt);
	f.b[14] = 0x45;
	f.b[14 + 3] = 19; /* total length below the header */
	expect(DLT_EN10MB, &f, EXP_DECODE_BAD_IP_HEADER, &pkt);
	f.b[14] = 0x4f; /* IHL 15: 60 bytes, 40 captured */
	f.b[14 + 3] = 60;
	expect(DLT_EN10MB, &f, EXP_DECODE_TRUNC_IP, &pkt);
	f.n = 0;
	put_ipv4(&f, 6, 40);
	f.b[0] = 0x15; /* raw IP of version 1 */
	expect(DLT_RAW, &f, EXP_DECODE_BAD_IP_VERSION, &pkt);
}

/*
 * Every prefix of a VLAN + IPv4 + TCP + 4 payload bytes frame, each in a
 * buffer of its exact size so ASan sees any overread: the outcome follows
 * from where the frame ends.
 */
static void
test_decode_decode_truncated_at_every_length(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt;
	enum exp_decode_result r;
	uint8_t *copy;
	uint32_t len;

	(void)state;
	put_eth(&f, 0x8100);
	put_tag(&f, 42, 0x0800);
	put_ipv4(&f, 6, 44);
	put_tcp(&f, 1234, 80, 0x18);
	put_bytes(&f, payload4, 4);
	assert_int_equal(f.n, 62);
	for (len = 0; len <= f.n; len++) {
		copy = g_memdup2(f.b, len > 0 ? len : 1);
		memset(&pkt, 0xa5, sizeof(pkt));
		r = exp_decode(DLT_EN10MB, copy, len, 62, &pkt);
		if (len < 18) {
			assert_int_equal(r, EXP_DECODE_TRUNC_LINK);
		} else if (len < 38) {
			assert_int_equal(r, EXP_DECODE_TRUNC_IP);
		} else {
			assert_int_equal(r, EXP_DECODE_OK);
			assert_int_equal(pkt.ip_len, 44);
			assert_int_equal(pkt.vlan, 42);
			assert_int_equal(pkt.l4_trunc, len < 58);
			assert_l4(&pkt, 6, len < 58 ? 0 : 1234,
			    len < 58 ? 0 : 80);
			assert_int_equal(pkt.tcp_flags, len < 58 ? 0 : 0x18);
			assert_payload(&pkt, len > 58 ? copy + 58 : NULL,
			    len > 58 ? len - 58 : 0);
		}
		g_free(copy);
	}
}

static void
test_decode_decode_unsupported_dlt(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	put_ipv4(&f, 6, 40);
	put_tcp(&f, 1, 2, 0);
	expect(DLT_IEEE802_11, &f, EXP_DECODE_NOT_IP, &pkt);
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
		"bad-ip-header", "bad-ipv6-ext", "too-many-layers" };
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
		cmocka_unit_test(test_decode_decode_tcp_data_offset),
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
		cmocka_unit_test(test_decode_decode_sll),
		cmocka_unit_test(test_decode_decode_sll2),
		cmocka_unit_test(test_decode_decode_raw_ipv4),
		cmocka_unit_test(test_decode_decode_raw_ipv6),
		cmocka_unit_test(test_decode_decode_null_little_endian),
		cmocka_unit_test(test_decode_decode_loop_network_order),
		cmocka_unit_test(test_decode_decode_ipv6_ext_headers),
		cmocka_unit_test(test_decode_decode_ipv6_routing_ah_esp),
		cmocka_unit_test(test_decode_decode_ipv6_ext_chain_errors),
		cmocka_unit_test(test_decode_decode_ipv6_fragment_first),
		cmocka_unit_test(test_decode_decode_ipv6_fragment_later),
		cmocka_unit_test(test_decode_decode_ipv4_fragments),
		cmocka_unit_test(test_decode_decode_icmp_echo),
		cmocka_unit_test(test_decode_decode_icmpv6_echo),
		cmocka_unit_test(test_decode_decode_sctp_ports),
		cmocka_unit_test(test_decode_decode_gre_ports_zero),
		cmocka_unit_test(test_decode_decode_udp_payload_bounds),
		cmocka_unit_test(test_decode_decode_snaplen_cut_tcp),
		cmocka_unit_test(test_decode_decode_total_length_zero),
		cmocka_unit_test(test_decode_decode_bad_ip_headers),
		cmocka_unit_test(test_decode_decode_truncated_at_every_length),
		cmocka_unit_test(test_decode_decode_unsupported_dlt),
		cmocka_unit_test(test_decode_supports_link_types),
		cmocka_unit_test(test_decode_result_names_all_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
