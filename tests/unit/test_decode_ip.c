/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-decode"

/*
 * Decoder tests, IP and transport: IPv6 extension headers, IPv4 and IPv6
 * fragments, TCP, UDP, ICMP, SCTP and GRE, IP header errors and frames cut
 * short at every length.  Link layers are in test_decode.c.
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

static void
test_decode_decode_tcp_data_offset(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_ipv4(&f, 6, 20 + 24 + 4);
	frame_put_tcp(&f, 1, 2, 0x02);
	f.b[20 + 12] = 6 << 4;       /* data offset 6 */
	frame_put32(&f, 0x01010101); /* options: NOPs */
	frame_put_bytes(&f, frame_payload4, 4);
	frame_expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.tcp_flags, 0x02);
	frame_assert_payload(&pkt, f.b + 44, 4);
	f.b[20 + 12] = 4 << 4; /* data offset below 5: no payload */
	frame_expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	frame_assert_l4(&pkt, 6, 1, 2);
	frame_assert_payload(&pkt, NULL, 0);
	f.b[20 + 12] = 15 << 4; /* options past the datagram */
	frame_expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	frame_assert_l4(&pkt, 6, 1, 2);
	assert_int_equal(pkt.l4_trunc, 0);
	frame_assert_payload(&pkt, NULL, 0);
}

static void
test_decode_decode_ipv6_ext_headers(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_ipv6(&f, 0, 8 + 24 + 20);
	frame_put_ext(&f, 60, 0); /* hop-by-hop, 8 bytes */
	frame_put_ext(&f, 6, 2);  /* destination options, 24 bytes */
	frame_put_tcp(&f, 5555, 443, 0x02);
	frame_expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.ip_len, 92);
	frame_assert_l4(&pkt, 6, 5555, 443);
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
	frame_put_ipv6(&f, 43, 8 + 16 + 8);
	frame_put_ext(&f, 51, 0);          /* routing */
	frame_put_tag(&f, 50 << 8 | 2, 0); /* AH: (2 + 2) * 4 bytes, then ESP */
	frame_put_bytes(&f, NULL, 12);
	frame_put32(&f, 0x1000); /* ESP SPI */
	frame_put32(&f, 1);
	frame_expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	frame_assert_l4(&pkt, 50, 0, 0);
	frame_assert_payload(&pkt, NULL, 0);
}

static void
test_decode_decode_ipv6_ext_chain_errors(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };
	unsigned i;

	(void)state;
	frame_put_ipv6(&f, 60, 12); /* destination options of 16 in 12 bytes */
	frame_put_ext(&f, 6, 1);
	frame_expect(DLT_RAW, &f, EXP_DECODE_BAD_IPV6_EXT, &pkt);
	f.b[5] = 1; /* one byte of payload: not even the length fits */
	frame_expect_cut(DLT_RAW, &f, 41, 41, EXP_DECODE_BAD_IPV6_EXT, &pkt);
	f.b[5] = 16 + 20; /* fine in the datagram, cut by the snaplen */
	frame_expect_cut(DLT_RAW, &f, 50, 96, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.l4_trunc, 1);
	frame_assert_l4(&pkt, 60, 0, 0);
	assert_int_equal(pkt.ip_len, 76);
	frame_assert_v6_addrs(&pkt);
	frame_expect_cut(DLT_RAW, &f, 41, 96, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.l4_trunc, 1);
	f.n = 0;
	frame_put_ipv6(&f, 60, 9 * 8 + 8);
	for (i = 0; i < 9; i++)
		frame_put_ext(&f, i < 8 ? 60 : 17, 0);
	frame_put_udp(&f, 1, 2, 8);
	frame_expect(DLT_RAW, &f, EXP_DECODE_TOO_MANY_LAYERS, &pkt);
	f.n = 0; /* eight headers are fine */
	frame_put_ipv6(&f, 60, 8 * 8 + 8);
	for (i = 0; i < 8; i++)
		frame_put_ext(&f, i < 7 ? 60 : 17, 0);
	frame_put_udp(&f, 1, 2, 8);
	frame_expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	frame_assert_l4(&pkt, 17, 1, 2);
}

static void
test_decode_decode_ipv6_fragment_first(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_ipv6(&f, 44, 8 + 8 + 4);
	frame_put_frag6(&f, 17, 0, 1);
	frame_put_udp(&f, 1111, 2222, 1400);
	frame_put_bytes(&f, frame_payload4, 4);
	frame_expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	frame_assert_l4(&pkt, 17, 1111, 2222);
	assert_int_equal(pkt.is_frag, 1);
	assert_int_equal(pkt.frag_first, 1);
	assert_int_equal(pkt.frag_id, 0xcafebabe);
	frame_assert_payload(&pkt, f.b + 56, 4);
	f.b[40 + 3] = 0; /* atomic fragment: offset 0, M clear */
	frame_expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.is_frag, 0);
	assert_int_equal(pkt.frag_first, 0);
	frame_assert_l4(&pkt, 17, 1111, 2222);
}

static void
test_decode_decode_ipv6_fragment_later(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_ipv6(&f, 44, 8 + 8);
	frame_put_frag6(&f, 17, 175, 0);
	frame_put_udp(&f, 1111, 2222, 1400); /* data that looks like UDP */
	frame_expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	frame_assert_l4(&pkt, 17, 0, 0);
	assert_int_equal(pkt.is_frag, 1);
	assert_int_equal(pkt.frag_first, 0);
	assert_int_equal(pkt.frag_id, 0xcafebabe);
	frame_assert_payload(&pkt, NULL, 0);
	assert_int_equal(pkt.ip_len, 56);
}

static void
test_decode_decode_ipv4_fragments(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_ipv4_ihl(&f, 5, 17, 1500, 0x2000); /* MF, offset 0 */
	frame_put_udp(&f, 4444, 53, 3000);
	frame_put_bytes(&f, frame_payload4, 4);
	frame_expect_cut(DLT_RAW, &f, (uint32_t)f.n, 1500, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.is_frag, 1);
	assert_int_equal(pkt.frag_first, 1);
	assert_int_equal(pkt.frag_id, 0x1234);
	frame_assert_l4(&pkt, 17, 4444, 53);
	frame_assert_payload(&pkt, f.b + 28, 4);
	f.b[6] = 0x00; /* offset 185 * 8, last fragment */
	f.b[7] = 185;
	frame_expect_cut(DLT_RAW, &f, (uint32_t)f.n, 1500, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.is_frag, 1);
	assert_int_equal(pkt.frag_first, 0);
	assert_int_equal(pkt.frag_id, 0x1234);
	frame_assert_l4(&pkt, 17, 0, 0);
	frame_assert_payload(&pkt, NULL, 0);
	assert_int_equal(pkt.ip_len, 1500);
	frame_assert_v4_addrs(&pkt);
	f.b[6] = 0x40; /* DF only: not a fragment */
	f.b[7] = 0;
	frame_expect_cut(DLT_RAW, &f, (uint32_t)f.n, 1500, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.is_frag, 0);
	frame_assert_l4(&pkt, 17, 4444, 53);
}

static void
test_decode_decode_icmp_echo(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_ipv4(&f, 1, 28);
	frame_put_icmp(&f, 8, 0); /* echo request */
	frame_expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	frame_assert_l4(&pkt, 1, 0, 0x0800);
	frame_assert_payload(&pkt, NULL, 0);
	f.b[20] = 3; /* port unreachable */
	f.b[21] = 3;
	frame_expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	frame_assert_l4(&pkt, 1, 0, 0x0303);
	frame_expect_cut(DLT_RAW, &f, 23, 28, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.l4_trunc, 1);
	frame_assert_l4(&pkt, 1, 0, 0);
}

static void
test_decode_decode_icmpv6_echo(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_ipv6(&f, 58, 8);
	frame_put_icmp(&f, 128, 0);
	frame_expect(DLT_IPV6, &f, EXP_DECODE_OK, &pkt);
	frame_assert_l4(&pkt, 58, 0, 0x8000);
	assert_int_equal(pkt.l4_trunc, 0);
}

static void
test_decode_decode_sctp_ports(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_ipv4(&f, 132, 32);
	frame_put_udp(&f, 2905, 3868, 0xabcd); /* ports, verification tag */
	frame_put32(&f, 0);                    /* checksum */
	frame_expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	frame_assert_l4(&pkt, 132, 2905, 3868);
	assert_int_equal(pkt.l4_trunc, 0);
	frame_assert_payload(&pkt, NULL, 0);
	frame_expect_cut(DLT_RAW, &f, 31, 32, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.l4_trunc, 1);
	frame_assert_l4(&pkt, 132, 0, 0);
}

static void
test_decode_decode_gre_ports_zero(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_eth(&f, 0x0800);
	frame_put_ipv4(&f, 47, 44);
	frame_put_tag(&f, 0, 0x0800); /* GRE: no flags, IPv4 inside */
	frame_put_ipv4(&f, 6, 20);
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	frame_assert_l4(&pkt, 47, 0, 0);
	assert_int_equal(pkt.tcp_flags, 0);
	assert_int_equal(pkt.l4_trunc, 0);
	frame_assert_payload(&pkt, NULL, 0);
}

static void
test_decode_decode_udp_payload_bounds(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_eth(&f, 0x0800);
	frame_put_ipv4(&f, 17, 20 + 8 + 4);
	frame_put_udp(&f, 40000, 53, 8 + 2); /* UDP says 2 bytes of payload */
	frame_put_bytes(&f, frame_payload4, 4);
	frame_put_bytes(&f, NULL, 14); /* Ethernet padding */
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.ip_len, 32);
	frame_assert_l4(&pkt, 17, 40000, 53);
	frame_assert_payload(&pkt, f.b + 42, 2);
	f.b[14 + 20 + 5] = 8 + 100; /* UDP longer than IP: IP bounds it */
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	frame_assert_payload(&pkt, f.b + 42, 4);
	f.b[14 + 20 + 5] = 3; /* UDP length below 8: IP bounds it */
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	frame_assert_payload(&pkt, f.b + 42, 4);
	f.b[14 + 9] = 136; /* UDP-Lite: checksum coverage, not a length */
	f.b[14 + 20 + 5] = 8;
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	frame_assert_l4(&pkt, 136, 40000, 53);
	frame_assert_payload(&pkt, f.b + 42, 4);
	f.b[14 + 3] = 28; /* IP: no payload at all */
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	frame_assert_l4(&pkt, 136, 40000, 53);
	frame_assert_payload(&pkt, NULL, 0);
	f.b[14 + 3] = 27; /* IP: UDP header cut short */
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.l4_trunc, 1);
	frame_assert_l4(&pkt, 136, 0, 0);
}

static void
test_decode_decode_snaplen_cut_tcp(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_eth(&f, 0x0800);
	frame_put_ipv4(&f, 6, 1500);
	frame_put_tcp(&f, 49152, 443, 0x10);
	frame_expect_cut(DLT_EN10MB, &f, 14 + 20 + 10, 1514, EXP_DECODE_OK,
	    &pkt);
	assert_int_equal(pkt.l4_trunc, 1);
	assert_int_equal(pkt.ip_len, 1500);
	frame_assert_l4(&pkt, 6, 0, 0);
	assert_int_equal(pkt.tcp_flags, 0);
	frame_assert_payload(&pkt, NULL, 0);
	frame_assert_v4_addrs(&pkt);
	f.b[14 + 2] = 0; /* cut by the IP total length instead: the same */
	f.b[14 + 3] = 30;
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.l4_trunc, 1);
	assert_int_equal(pkt.ip_len, 30);
	frame_assert_l4(&pkt, 6, 0, 0);
}

static void
test_decode_decode_total_length_zero(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_eth(&f, 0x0800);
	frame_put_ipv4(&f, 6, 0);
	frame_put_tcp(&f, 1, 2, 0x10);
	frame_put_bytes(&f, frame_payload4, 4);
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.ip_len, 44);
	frame_assert_l4(&pkt, 6, 1, 2);
	frame_assert_payload(&pkt, f.b + 54, 4);
	/* A TSO frame cut by the snaplen: its wire length counts. */
	frame_expect_cut(DLT_EN10MB, &f, (uint32_t)f.n, 9014, EXP_DECODE_OK,
	    &pkt);
	assert_int_equal(pkt.ip_len, 9000);
	frame_assert_payload(&pkt, f.b + 54, 4);
	/* A wire length below caplen is nonsense: caplen counts. */
	frame_expect_cut(DLT_EN10MB, &f, (uint32_t)f.n, 20, EXP_DECODE_OK,
	    &pkt);
	assert_int_equal(pkt.ip_len, 44);
	f.n = 0;
	frame_put_ipv6(&f, 6, 0);
	frame_put_tcp(&f, 1, 2, 0x10);
	frame_expect(DLT_RAW, &f, EXP_DECODE_OK, &pkt);
	assert_int_equal(pkt.ip_len, 60);
	frame_assert_l4(&pkt, 6, 1, 2);
	frame_expect_cut(DLT_RAW, &f, (uint32_t)f.n, 64000, EXP_DECODE_OK,
	    &pkt);
	assert_int_equal(pkt.ip_len, 64000);
}

static void
test_decode_decode_bad_ip_headers(void **state)
{
	struct frame f = { .n = 0 };
	struct exp_pkt pkt = { .ts_ms = 0 };

	(void)state;
	frame_put_eth(&f, 0x0800);
	frame_put_ipv4(&f, 6, 40);
	frame_put_tcp(&f, 1, 2, 0);
	f.b[14] = 0x55; /* version 5 */
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_BAD_IP_VERSION, &pkt);
	f.b[14] = 0x65; /* version 6 behind ethertype IPv4 */
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_BAD_IP_VERSION, &pkt);
	f.b[14] = 0x44; /* IHL 4 */
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_BAD_IP_HEADER, &pkt);
	f.b[14] = 0x45;
	f.b[14 + 3] = 19; /* total length below the header */
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_BAD_IP_HEADER, &pkt);
	f.b[14] = 0x4f; /* IHL 15: 60 bytes, 40 captured */
	f.b[14 + 3] = 60;
	frame_expect(DLT_EN10MB, &f, EXP_DECODE_TRUNC_IP, &pkt);
	f.n = 0;
	frame_put_ipv4(&f, 6, 40);
	f.b[0] = 0x15; /* raw IP of version 1 */
	frame_expect(DLT_RAW, &f, EXP_DECODE_BAD_IP_VERSION, &pkt);
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
	frame_put_eth(&f, 0x8100);
	frame_put_tag(&f, 42, 0x0800);
	frame_put_ipv4(&f, 6, 44);
	frame_put_tcp(&f, 1234, 80, 0x18);
	frame_put_bytes(&f, frame_payload4, 4);
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
			frame_assert_l4(&pkt, 6, len < 58 ? 0 : 1234,
			    len < 58 ? 0 : 80);
			assert_int_equal(pkt.tcp_flags, len < 58 ? 0 : 0x18);
			frame_assert_payload(&pkt, len > 58 ? copy + 58 : NULL,
			    len > 58 ? len - 58 : 0);
		}
		g_free(copy);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_decode_tcp_data_offset),
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
