/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef EXP_DECODE_H
#define EXP_DECODE_H

/*
 * decode: turns one captured frame into the facts the flow cache needs.
 * Stateless and allocation-free (packet path).  Link types: Ethernet
 * (DLT_EN10MB) with any stack of 802.1Q/802.1ad tags, MPLS labels and PPPoE
 * session frames; Linux cooked v1 (DLT_LINUX_SLL) and v2 (DLT_LINUX_SLL2);
 * raw IP (DLT_RAW, DLT_IPV4, DLT_IPV6); BSD loopback (DLT_NULL, DLT_LOOP).
 * Network: IPv4 and IPv6 (hop-by-hop, routing, destination options,
 * fragment, AH and mobility headers skipped with bounds checks).  Transport:
 * TCP, UDP, UDP-Lite, SCTP (ports), ICMP and ICMPv6 (type and code); any
 * other protocol by number with ports 0.
 *
 * Every frame ends in exactly one outcome: EXP_DECODE_OK (counted as a
 * flow packet), or one of the drop reasons below, each counted by the
 * caller in struct exp_decode_stats.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "common/addr.h"

/* Why a frame was not accounted to a flow.  Order is the stats order. */
enum exp_decode_result {
	EXP_DECODE_OK = 0,
	EXP_DECODE_TRUNC_LINK,       /* link-layer header cut short */
	EXP_DECODE_NOT_IP,           /* ARP, LLDP, STP, ...: not IP at all */
	EXP_DECODE_TRUNC_IP,         /* IP header cut short */
	EXP_DECODE_BAD_IP_VERSION,   /* version nibble neither 4 nor 6 */
	EXP_DECODE_BAD_IP_HEADER,    /* IHL < 5, total length < header, ... */
	EXP_DECODE_BAD_IPV6_EXT,     /* extension header chain runs out */
	EXP_DECODE_TOO_MANY_LAYERS,  /* tags/labels/ext headers past the cap */
	EXP_DECODE_UNSUPPORTED_LINK, /* an encapsulation known but not opened
	                              * (Cisco FabricPath) */
	EXP_DECODE_N_RESULTS
};

/* Names of the results, for --stats and the man page ("ok", ...). */
extern const char *const exp_decode_result_names[EXP_DECODE_N_RESULTS];

/* Packet facts.  Filled by exp_decode(); caller's storage. */
struct exp_pkt {
	struct mf_addr src, dst;
	uint64_t ts_ms;     /* capture time, ms since the epoch */
	uint32_t ip_len;    /* IP-layer bytes: v4 total length, v6 40+plen */
	uint32_t frag_id;   /* IPv4 id or IPv6 fragment identification */
	uint16_t sport;     /* TCP/UDP/SCTP ports; 0 otherwise */
	uint16_t dport;     /* for ICMP: type << 8 | code */
	uint16_t vlan;      /* outermost 802.1Q VLAN id, 0 if untagged */
	uint8_t proto;      /* IP protocol (after extension headers) */
	uint8_t tos;        /* IPv4 TOS / IPv6 traffic class */
	uint8_t tcp_flags;  /* TCP flags byte (FIN=0x01 ... CWR=0x80) */
	uint8_t src_mac[6]; /* when has_mac */
	uint8_t dst_mac[6];
	unsigned has_mac : 1;    /* Ethernet frame: MACs are valid */
	unsigned is_frag : 1;    /* part of a fragmented datagram */
	unsigned frag_first : 1; /* the fragment at offset 0 (has L4) */
	unsigned l4_trunc : 1;   /* IP fine but the L4 header is cut off:
	                          * accounted with ports 0 */
	const uint8_t *payload;  /* L4 payload in the frame (first fragment
	                          * or unfragmented), or NULL */
	uint32_t payload_len;    /* captured payload bytes at payload */
};

/* Counters, one per result, plus the L4-truncated ones still accounted. */
struct exp_decode_stats {
	uint64_t result[EXP_DECODE_N_RESULTS];
	uint64_t l4_truncated; /* of result[EXP_DECODE_OK] */
	uint64_t fragments;    /* of result[EXP_DECODE_OK] */
};

/* TRUE if exp_decode() handles pcap link type dlt. */
gboolean exp_decode_supports(int dlt);

/*
 * Decode frame (caplen bytes captured of a frame of wirelen bytes) of link
 * type dlt into pkt; pkt->ts_ms is left as the caller set it.
 * Returns EXP_DECODE_OK or a drop reason; never reads outside
 * frame[0..caplen).  Packet path: no allocation, no logging.
 */
enum exp_decode_result exp_decode(int dlt, const uint8_t *frame,
    uint32_t caplen, uint32_t wirelen, struct exp_pkt *pkt);

#endif
