/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef TEST_CTMSG_H
#define TEST_CTMSG_H

/*
 * ctmsg: builds ctnetlink messages as the kernel sends them (events and
 * dump entries: ctnetlink_conntrack_event() and ctnetlink_fill_info()),
 * with libmnl, for tests/unit/test_ctflow.c and the fuzzer's seeds.
 */
#include <stddef.h>
#include <stdint.h>

#include "exporter/ctflow.h"

struct ctmsg {
	struct exp_ct ct;   /* tuples, counters, id, status... */
	int ev;             /* enum exp_ct_event (DUMP: an NLM_F_MULTI reply) */
	int no_reply_tuple; /* leave CTA_TUPLE_REPLY out (malformed) */
};

/* Build m into buf (size bytes); returns its length. */
size_t ctmsg_build(uint8_t *buf, size_t size, const struct ctmsg *m);

/* Fill a tuple: a and b are IPv4 (a.b.c.d) or IPv6 text. */
void ctmsg_tuple(struct exp_ct_tuple *t, const char *src, const char *dst,
    uint16_t sport, uint16_t dport);

#endif
