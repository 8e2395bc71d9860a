/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_FLOW_H
#define COL_FLOW_H

/*
 * flow: the collector's normalised flow record.  Every decoder (IPFIX
 * through libfixbuf, NetFlow v9 translated to IPFIX, NetFlow v5) produces
 * these, whatever elements the exporter used: delta or total counters,
 * millisecond, second or sysUpTime-relative times, uniflow or RFC 5103
 * biflow.  Times are absolute milliseconds since the epoch.  A uniflow
 * record has rev_packets == 0.
 */
#include <stdint.h>

#include "common/addr.h"

#define COL_LABEL_MAX 256 /* DNS label bytes kept, with the NUL */

struct col_flow {
	struct mf_addr src, dst;
	uint64_t start_ms, end_ms;
	uint64_t packets, octets;         /* forward direction */
	uint64_t rev_packets, rev_octets; /* biflow reverse direction, or 0 */
	uint32_t ingress, egress;
	uint16_t sport, dport; /* ICMP: dport = type << 8 | code */
	uint16_t vlan;
	uint16_t app_port; /* service port if the exporter said */
	uint8_t proto;
	uint8_t tcp_flags;     /* forward union */
	uint8_t rev_tcp_flags; /* reverse union (biflow) */
	uint8_t end_reason;    /* 0 if unknown */
	uint8_t src_mac[6], dst_mac[6];
	uint8_t has_mac;
	uint8_t label_source;      /* labelSource as sent (enum
	                            * mf_label_source), 0 if absent */
	char label[COL_LABEL_MAX]; /* remote side's DNS label, or "" */
};

#endif
