/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "test-flowbuild"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "tests/unit/flowbuild.h"

void
fb_addr(struct mf_addr *a, const char *text)
{
	if (!mf_addr_parse(text, a))
		fail_msg("not an address: %s", text);
}

struct col_flow
fb_flow_addr(const struct mf_addr *src, uint16_t sport,
    const struct mf_addr *dst, uint16_t dport, uint8_t proto, uint64_t packets,
    uint64_t octets, uint64_t start_ms, uint64_t end_ms)
{
	struct col_flow f;

	memset(&f, 0, sizeof(f));
	f.src = *src;
	f.dst = *dst;
	f.sport = sport;
	f.dport = dport;
	f.proto = proto;
	f.packets = packets;
	f.octets = octets;
	f.start_ms = start_ms;
	f.end_ms = end_ms;
	return f;
}

struct col_flow
fb_flow(const char *src, uint16_t sport, const char *dst, uint16_t dport,
    uint8_t proto, uint64_t packets, uint64_t octets, uint64_t start_ms,
    uint64_t end_ms)
{
	struct mf_addr s, d;

	fb_addr(&s, src);
	fb_addr(&d, dst);
	return fb_flow_addr(&s, sport, &d, dport, proto, packets, octets,
	    start_ms, end_ms);
}

void
fb_flow_rec(struct mf_flow_rec *r, gboolean v6)
{
	static const uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, 1, 2, 3, 4, 5,
		6, 7, 8, 9, 10, 11, 12 };
	static const uint8_t dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xfe,
		0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8, 0xf7, 0xf6, 0xf5, 0xf4 };
	static const uint8_t smac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };
	static const uint8_t dmac[6] = { 0x02, 0x00, 0x5e, 0x40, 0x50, 0x60 };

	memset(r, 0, sizeof(*r));
	r->start_ms = UINT64_C(1700000000123);
	r->end_ms = UINT64_C(1700000061456);
	r->octets = UINT64_C(0x123456789a);
	r->packets = UINT64_C(0x100000002);
	r->rev_octets = UINT64_C(0x0a0b0c0d0e);
	r->rev_packets = UINT64_C(0x200000003);
	memcpy(r->src6, src6, 16);
	memcpy(r->dst6, dst6, 16);
	r->src4 = 0xc0000201u;
	r->dst4 = 0xc6336402u;
	r->ingress = 0x01020304u;
	r->egress = 0x05060708u;
	r->rev_delta_ms = 0x00abcdefu;
	r->sport = 50000;
	r->dport = 443;
	r->vlan = 4094;
	r->icmp4 = 0x0303;
	r->icmp6 = 0x8100;
	r->silk_app = 443;
	memcpy(r->src_mac, smac, 6);
	memcpy(r->dst_mac, dmac, 6);
	mf_model_set_app_id(r->app_id, 443);
	r->proto = 6;
	r->tos = 0xb8;
	r->tcp_flags = 0x1b;
	r->initial_flags = 0x02;
	r->union_flags = 0x19;
	r->rev_initial_flags = 0x12;
	r->rev_union_flags = 0x11;
	r->end_reason = MF_END_OF_FLOW;
	if (v6) { /* something to tell the records apart */
		r->sport = 40000;
		r->end_reason = MF_END_IDLE_TIMEOUT;
	}
}

void
fb_stats_rec(struct mf_stats_rec *s, uint32_t domain)
{
	unsigned i;

	memset(s, 0, sizeof(*s));
	s->init_ms = UINT64_C(1699999990001);
	s->packets_seen = UINT64_C(0x1000000001);
	s->kernel_drops = 2;
	s->ignored = 3;
	s->flows_created = 4;
	s->records_exported = 5;
	s->messages = 6;
	s->octets_exported = UINT64_C(0x7000000007);
	s->not_sent = 8;
	s->domain = domain;
	s->evicted_full = 9;
	s->peak_flows = 10;
	s->expired_frags = 11;
	s->dns_parsed = 12;
	s->dns_malformed = 13;
	s->dns_fragmented = 14;
	s->dns_unanswered = 15;
	s->dns_cached = 16;
	s->dns_evicted = UINT64_C(0x1700000017);
	for (i = 0; i < MF_LABEL_N_SOURCES; i++)
		s->labelled[i] = 18 + i; /* none 18 .. http-host 22 */
}
