/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef TEST_FRAMES_H
#define TEST_FRAMES_H

/*
 * frames: test frames for exp_decode(), built byte by byte, and the checks
 * test_decode and test_decode_ip share.  Every function here fails the
 * running cmocka test on a mismatch (or a frame overflow), so call them
 * from a test only.  Addresses are fixed: IPv4 192.0.2.1 -> 198.51.100.7,
 * IPv6 2001:db8::1 -> 2001:db8::beef; frame_assert_v4_addrs() and
 * frame_assert_v6_addrs() check those.
 */
#include <stddef.h>
#include <stdint.h>

#include "exporter/decode.h"

/* A frame built byte by byte; every put checks the room left. */
struct frame {
	uint8_t b[512];
	size_t n;
};

/* The Ethernet addresses frame_put_eth() writes, and 4 payload bytes. */
extern const uint8_t frame_mac_dst[6];
extern const uint8_t frame_mac_src[6];
extern const uint8_t frame_payload4[4];

/* Big-endian integers. */
void frame_put8(struct frame *f, unsigned v);
void frame_put16(struct frame *f, unsigned v);
void frame_put32(struct frame *f, uint32_t v);

/* n bytes from p, or n zeros if p is NULL. */
void frame_put_bytes(struct frame *f, const uint8_t *p, size_t n);

/* Ethernet header with the given ethertype. */
void frame_put_eth(struct frame *f, unsigned type);

/* Two 16-bit words: a VLAN tag's TCI and the next ethertype. */
void frame_put_tag(struct frame *f, unsigned tci, unsigned type);

/* IPv4 header of ihl words; tot is the total length field as given. */
void frame_put_ipv4_ihl(struct frame *f, unsigned ihl, unsigned proto,
    unsigned tot, unsigned fragoff);

/* frame_put_ipv4_ihl() with 5 words and no fragment bits. */
void frame_put_ipv4(struct frame *f, unsigned proto, unsigned tot);

/* IPv6 header: traffic class 0xa0, next header nh, payload length plen. */
void frame_put_ipv6(struct frame *f, unsigned nh, unsigned plen);

/* TCP header of 20 bytes (data offset 5). */
void frame_put_tcp(struct frame *f, unsigned sport, unsigned dport,
    unsigned flags);

/* UDP, or SCTP's common header (len is then half the verification tag). */
void frame_put_udp(struct frame *f, unsigned sport, unsigned dport,
    unsigned len);

/* ICMP or ICMPv6 echo-like message: type, code, checksum, 4 bytes. */
void frame_put_icmp(struct frame *f, unsigned type, unsigned code);

/* IPv6 extension header of 8 * (len8 + 1) bytes. */
void frame_put_ext(struct frame *f, unsigned nh, unsigned len8);

/* IPv6 fragment header, identification 0xcafebabe. */
void frame_put_frag6(struct frame *f, unsigned nh, unsigned offset8,
    unsigned more);

/* Ethernet + PPPoE session header + PPP protocol; len of the PPP payload. */
void frame_put_pppoe(struct frame *f, unsigned ppp_proto, unsigned len);

/* Decode caplen bytes of f, wirelen on the wire; check the outcome. */
void frame_expect_cut(int dlt, const struct frame *f, uint32_t caplen,
    uint32_t wirelen, enum exp_decode_result want, struct exp_pkt *pkt);

/* Decode the whole of f (caplen = wirelen). */
void frame_expect(int dlt, const struct frame *f, enum exp_decode_result want,
    struct exp_pkt *pkt);

/* Check the protocol and ports of a decoded packet. */
void frame_assert_l4(const struct exp_pkt *pkt, unsigned proto, unsigned sport,
    unsigned dport);

/* Check the payload pointer (into the frame, or NULL) and length. */
void frame_assert_payload(const struct exp_pkt *pkt, const uint8_t *p,
    uint32_t len);

/* Check the fixed source and destination addresses. */
void frame_assert_v4_addrs(const struct exp_pkt *pkt);
void frame_assert_v6_addrs(const struct exp_pkt *pkt);

#endif
