/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef EXP_CTFLOW_H
#define EXP_CTFLOW_H

/*
 * ctflow: the kernel's connection table turned into flows (--conntrack),
 * with no socket of its own, so that unit tests and the fuzzer drive it
 * with crafted netlink messages.
 *
 * exp_ctflow_parse() reads one ctnetlink message (an event or a dump
 * entry) into struct exp_ct.  exp_ctflow_event() keeps, per connection,
 * what was last exported (packets and bytes of both directions) and
 * exports the difference: at DESTROY (flowEndReason endOfFlow) and at
 * every dump (activeTimeout), so a long connection leaves in slices whose
 * sums are exactly the kernel's counters; the kernel's counters are never
 * zeroed.  A record describes the connection as its original tuple (the
 * LAN side under NAT): the original direction is one side, the reply
 * direction the other, and the translated addresses and ports (the reply
 * tuple, reversed) travel in postNAT elements.
 *
 * Dumps: exp_ctflow_dump_begin(), one exp_ctflow_event(EXP_CT_DUMP) per
 * entry, exp_ctflow_dump_end().  A known connection absent from a dump
 * ended while its DESTROY event was lost (ENOBUFS): it is removed and
 * counted in lost_ended; its last slice is unknown.
 *
 * Memory: at most max_conns connections of sizeof(struct ct_entry) (about
 * 120 bytes) each in a GHashTable; a connection beyond that is not
 * tracked (counted in table_full) and is exported whole at its DESTROY.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "exporter/cache.h"
#include "exporter/export.h"

/* One direction of a connection, as the kernel's tuple has it. */
struct exp_ct_tuple {
	uint8_t src[16], dst[16]; /* network order; IPv4 in the first 4 */
	uint16_t sport, dport;    /* host order; ICMP: id, type << 8 | code */
};

/* Directions: the original (initiator's) one, and the reply. */
#define EXP_CT_ORIG 0
#define EXP_CT_REPLY 1

struct exp_ct {
	struct exp_ct_tuple tuple[2]; /* EXP_CT_ORIG, EXP_CT_REPLY */
	uint64_t packets[2];          /* per direction; valid if counters */
	uint64_t bytes[2];
	uint64_t start_ns; /* CTA_TIMESTAMP_START (epoch ns), 0 = none */
	uint64_t stop_ns;  /* CTA_TIMESTAMP_STOP, 0 = none */
	uint32_t id;       /* CTA_ID */
	uint32_t status;   /* IPS_* bits */
	uint32_t mark;
	uint16_t zone;
	uint8_t family; /* MF_AF_INET or MF_AF_INET6 */
	uint8_t proto;
	uint8_t tcp_state; /* TCP_CONNTRACK_*, if has_tcp_state */
	uint8_t has_tcp_state;
	uint8_t counters; /* packets[] and bytes[] valid (accounting on) */
};

enum exp_ct_event {
	EXP_CT_NEW,
	EXP_CT_UPDATE,
	EXP_CT_DESTROY,
	EXP_CT_DUMP, /* an entry of a dump */
};

enum exp_ct_parse_result {
	EXP_CT_PARSE_OK = 0,
	EXP_CT_PARSE_SKIP,      /* not a conntrack message (done, error...) */
	EXP_CT_PARSE_MALFORMED, /* bad length or attributes */
	EXP_CT_PARSE_FAMILY,    /* neither IPv4 nor IPv6 */
};

/*
 * Parse the netlink message at buf (len bytes, at least its nlmsg_len):
 * *ev is NEW (NLM_F_CREATE), UPDATE or DESTROY for events; dump replies
 * (NLM_F_MULTI without NLM_F_CREATE) read as UPDATE, and the caller that
 * asked for the dump says EXP_CT_DUMP.
 */
enum exp_ct_parse_result exp_ctflow_parse(const void *buf, size_t len,
    struct exp_ct *ct, enum exp_ct_event *ev);

/*
 * Called for every exported slice: f's side 0 is the original direction
 * (initiator 0), side 1 the reply; nat is NULL without translation.
 */
typedef void (*exp_ctflow_export_fn)(const struct exp_flow *f, int reason,
    const struct exp_nat *nat, void *ctx);

struct exp_ctflow_config {
	size_t max_conns; /* 16 .. 2^24 */
};

struct exp_ctflow_stats {
	uint64_t events[4];    /* by enum exp_ct_event */
	uint64_t slices;       /* slices exported (a slice: 1-2 records) */
	uint64_t unchanged;    /* dumped connections with nothing new */
	uint64_t no_counters;  /* DESTROY without counters (acct was off) */
	uint64_t lost_ended;   /* known, gone from a dump: DESTROY lost */
	uint64_t table_full;   /* connections not tracked: table full */
	uint64_t counter_back; /* counters went back (zeroed by someone) */
	uint64_t incomplete;   /* TCP connections that never completed */
	uint32_t tracked;      /* connections tracked now */
	uint32_t peak;
};

struct exp_ctflow;

/* NULL (error set) if max_conns is out of range. */
struct exp_ctflow *exp_ctflow_new(const struct exp_ctflow_config *cfg,
    exp_ctflow_export_fn fn, void *ctx, GError **error);
void exp_ctflow_free(struct exp_ctflow *t);

/* Account one event or dump entry seen at now_ms (wall clock). */
void exp_ctflow_event(struct exp_ctflow *t, const struct exp_ct *ct,
    enum exp_ct_event ev, uint64_t now_ms);

/* final: the last dump (exit): its slices end as forcedEnd. */
void exp_ctflow_dump_begin(struct exp_ctflow *t, gboolean final);
void exp_ctflow_dump_end(struct exp_ctflow *t);

const struct exp_ctflow_stats *exp_ctflow_get_stats(const struct exp_ctflow *t);

#endif
