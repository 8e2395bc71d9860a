/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-decode"

/* Frame builders and checks shared by test_decode and test_decode_ip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "exporter/decode.h"
#include "tests/unit/frames.h"

const uint8_t frame_mac_dst[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
const uint8_t frame_mac_src[6] = { 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb };
const uint8_t frame_payload4[4] = { 0xde, 0xad, 0xbe, 0xef };

static const uint8_t v4_src[4] = { 192, 0, 2, 1 };
static const uint8_t v4_dst[4] = { 198, 51, 100, 7 };
static const uint8_t v6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t v6_dst[16] = { 0x20, 0x01, 0x0d,
	0xb8, [14] = 0xbe, [15] = 0xef };

#define V4_SRC 0xc0000201u
#define V4_DST 0xc6336407u

void
frame_put8(struct frame *f, unsigned v)
{
	assert_true(f->n < sizeof(f->b));
	f->b[f->n++] = (uint8_t)v;
}

void
frame_put16(struct frame *f, unsigned v)
{
	frame_put8(f, v >> 8);
	frame_put8(f, v & 0xff);
}

void
frame_put32(struct frame *f, uint32_t v)
{
	frame_put16(f, v >> 16);
	frame_put16(f, v & 0xffff);
}

/* n bytes from p, or n zeros if p is NULL. */
void
frame_put_bytes(struct frame *f, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		frame_put8(f, p != NULL ? p[i] : 0);
}

void
frame_put_eth(struct frame *f, unsigned type)
{
	frame_put_bytes(f, frame_mac_dst, 6);
	frame_put_bytes(f, frame_mac_src, 6);
	frame_put16(f, type);
}

void
frame_put_tag(struct frame *f, unsigned tci, unsigned type)
{
	frame_put16(f, tci);
	frame_put16(f, type);
}

/* IPv4 header of ihl words; tot is the total length field as given. */
void
frame_put_ipv4_ihl(struct frame *f, unsigned ihl, unsigned proto, unsigned tot,
    unsigned fragoff)
{
	frame_put8(f, 0x40 | ihl);
	frame_put8(f, 0xb8); /* TOS: DSCP EF */
	frame_put16(f, tot);
	frame_put16(f, 0x1234); /* id */
	frame_put16(f, fragoff);
	frame_put8(f, 64);
	frame_put8(f, proto);
	frame_put16(f, 0); /* checksum: not checked */
	frame_put_bytes(f, v4_src, 4);
	frame_put_bytes(f, v4_dst, 4);
	frame_put_bytes(f, NULL, ihl > 5 ? (ihl - 5) * 4 : 0);
}

void
frame_put_ipv4(struct frame *f, unsigned proto, unsigned tot)
{
	frame_put_ipv4_ihl(f, 5, proto, tot, 0);
}

void
frame_put_ipv6(struct frame *f, unsigned nh, unsigned plen)
{
	frame_put32(f, 0x6a012345); /* traffic class 0xa0, flow label 0x12345 */
	frame_put16(f, plen);
	frame_put8(f, nh);
	frame_put8(f, 64);
	frame_put_bytes(f, v6_src, 16);
	frame_put_bytes(f, v6_dst, 16);
}

void
frame_put_tcp(struct frame *f, unsigned sport, unsigned dport, unsigned flags)
{
	frame_put16(f, sport);
	frame_put16(f, dport);
	frame_put32(f, 1000); /* seq */
	frame_put32(f, 0);    /* ack */
	frame_put8(f, 5 << 4);
	frame_put8(f, flags);
	frame_put16(f, 65535); /* window */
	frame_put32(f, 0);     /* checksum, urgent pointer */
}

/* UDP, or SCTP's common header (len is then half the verification tag). */
void
frame_put_udp(struct frame *f, unsigned sport, unsigned dport, unsigned len)
{
	frame_put16(f, sport);
	frame_put16(f, dport);
	frame_put16(f, len);
	frame_put16(f, 0);
}

/* ICMP or ICMPv6 echo-like message: type, code, checksum, 4 bytes. */
void
frame_put_icmp(struct frame *f, unsigned type, unsigned code)
{
	frame_put8(f, type);
	frame_put8(f, code);
	frame_put16(f, 0);
	frame_put32(f, 0x00010001);
}

/* IPv6 extension header of 8 * (len8 + 1) bytes. */
void
frame_put_ext(struct frame *f, unsigned nh, unsigned len8)
{
	frame_put8(f, nh);
	frame_put8(f, len8);
	frame_put_bytes(f, NULL, 6 + (size_t)len8 * 8);
}

void
frame_put_frag6(struct frame *f, unsigned nh, unsigned offset8, unsigned more)
{
	frame_put8(f, nh);
	frame_put8(f, 0);
	frame_put16(f, offset8 << 3 | more);
	frame_put32(f, 0xcafebabe);
}

void
frame_put_pppoe(struct frame *f, unsigned ppp_proto, unsigned len)
{
	frame_put_eth(f, 0x8864);
	frame_put8(f, 0x11);
	frame_put8(f, 0x00);
	frame_put16(f, 0x0001); /* session id */
	frame_put16(f, len + 2);
	frame_put16(f, ppp_proto);
}

/* Decode caplen bytes of f, wirelen on the wire; check the outcome. */
void
frame_expect_cut(int dlt, const struct frame *f, uint32_t caplen,
    uint32_t wirelen, enum exp_decode_result want, struct exp_pkt *pkt)
{
	assert_true(caplen <= f->n);
	assert_int_equal(exp_decode(dlt, f->b, caplen, wirelen, pkt), want);
}

/* Decode the whole of f (caplen = wirelen). */
void
frame_expect(int dlt, const struct frame *f, enum exp_decode_result want,
    struct exp_pkt *pkt)
{
	frame_expect_cut(dlt, f, (uint32_t)f->n, (uint32_t)f->n, want, pkt);
}

void
frame_assert_l4(const struct exp_pkt *pkt, unsigned proto, unsigned sport,
    unsigned dport)
{
	assert_int_equal(pkt->proto, proto);
	assert_int_equal(pkt->sport, sport);
	assert_int_equal(pkt->dport, dport);
}

void
frame_assert_payload(const struct exp_pkt *pkt, const uint8_t *p, uint32_t len)
{
	assert_ptr_equal(pkt->payload, p);
	assert_int_equal(pkt->payload_len, len);
}

void
frame_assert_v4_addrs(const struct exp_pkt *pkt)
{
	assert_int_equal(pkt->src.family, MF_AF_INET);
	assert_int_equal(pkt->dst.family, MF_AF_INET);
	assert_int_equal(mf_addr_get4(&pkt->src), V4_SRC);
	assert_int_equal(mf_addr_get4(&pkt->dst), V4_DST);
}

void
frame_assert_v6_addrs(const struct exp_pkt *pkt)
{
	assert_int_equal(pkt->src.family, MF_AF_INET6);
	assert_int_equal(pkt->dst.family, MF_AF_INET6);
	assert_memory_equal(pkt->src.b, v6_src, 16);
	assert_memory_equal(pkt->dst.b, v6_dst, 16);
}
