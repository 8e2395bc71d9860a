/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_FLOW_H
#define COL_FLOW_H

/*
 * flow: the collector's normalised flow record.  Every decoder (IPFIX
 * through libfixbuf, NetFlow v9 translated to IPFIX, NetFlow v5) produces
 * these, whatever elements the exporter used: delta or total counters,
 * millisecond, second or sysUpTime-relative times, uniflow or RFC 5103
 * biflow.  Times are absolute milliseconds since the epoch.  A uniflow
 * record has rev_packets == 0.  The DNS records minflow-exporter sends
 * (templates 261/262) are read into struct col_dns_rec below.
 */
#include <stdint.h>

#include "common/addr.h"
#include "common/dns.h"

#define COL_LABEL_MAX 256  /* DNS label bytes kept, with the NUL */
#define COL_PROCESS_MAX 64 /* process name bytes kept, with the NUL */

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
	/* As the exporter sent them (YAF's, minflow's), else 0: the flags
	 * of the first packet and of the others, each direction. */
	uint8_t initial_flags, union_flags;
	uint8_t rev_initial_flags, rev_union_flags;
	uint32_t rev_delta_ms; /* reverseFlowDeltaMilliseconds, or 0 */
	uint8_t end_reason;    /* 0 if unknown */
	uint8_t src_mac[6], dst_mac[6];
	uint8_t has_mac;
	uint8_t label_source;      /* labelSource as sent (enum
	                            * mf_label_source), 0 if absent */
	char label[COL_LABEL_MAX]; /* remote side's DNS label, or "" */
	/* minflow-exporter --processes: the local process, or "" and 0. */
	char process[COL_PROCESS_MAX];
	uint32_t pid;
};

/*
 * What accounting a flow record met (col_engine_add() answers it, the
 * ingest sink passes it on, so the exporter that sent it is counted):
 * late for an interval already reported, or ending ahead of the
 * collector's clock by more than the tolerance (live only).
 */
#define COL_FLOW_LATE 1u
#define COL_FLOW_AHEAD 2u

/*
 * A name as the exporter writes it: up to MF_DNS_NAME_MAX (1003) bytes,
 * since bytes outside '!'..'~' take four (\DDD).  A shorter bound would
 * cut such names, in the middle of an escape, and merge names that differ
 * only past the cut.
 */
#define COL_DNS_NAME_MAX MF_DNS_NAME_MAX
#define COL_DNS_MAX_ADDRS 16

/* One DNS record as the collector reads it. */
struct col_dns_rec {
	uint64_t time_ms;
	struct mf_addr client, server;
	uint16_t id;      /* DNS message id */
	uint16_t qtype;   /* question type */
	uint8_t rcode;    /* response code */
	uint8_t answered; /* dnsQueryResponse: 0 = never answered */
	uint32_t ttl;
	uint16_t sport, dport; /* of the answer: server port, client port */
	uint8_t proto;
	char qname[COL_DNS_NAME_MAX + 1];
	char cname[COL_DNS_NAME_MAX + 1];
	struct mf_addr addrs[COL_DNS_MAX_ADDRS];
	unsigned n_addrs;
};

/*
 * One device record as the collector reads it (minflow-exporter's
 * device4/device6 templates, common/model.h): the device's MAC, a name
 * and where it came from, and one address (family 0: none).
 */
#define COL_DEVICE_NAME_MAX 256 /* name bytes kept, with the NUL */

struct col_device_rec {
	uint64_t time_ms;
	uint8_t mac[6];
	uint8_t source; /* enum mf_device_source */
	uint32_t lease_s;
	struct mf_addr addr;
	char name[COL_DEVICE_NAME_MAX];
};

#endif
