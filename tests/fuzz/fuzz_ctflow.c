/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-ctflow"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "common/model.h"
#include "exporter/ctflow.h"

/*
 * libFuzzer harness for the conntrack message conversion: the input is
 * one datagram of ctnetlink messages as the event socket or a dump
 * delivers it, walked the way exporter/conntrack.c walks it, each message
 * given to exp_ctflow_parse() in an exactly sized heap copy and, when it
 * parses, to a small table (first as a dump entry, then as its event).
 * Besides the sanitizers, the harness checks the promises of ctflow.h and
 * aborts when one is broken: a known result; a parsed message has IPv4 or
 * IPv6, and an event kind; every exported slice has a direction that sent
 * something and never more packets than the kernel's counters said.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct limits {
	uint64_t packets[2];
};

static void
on_flow(const struct exp_flow *f, int reason, const struct exp_nat *nat,
    void *ctx)
{
	const struct limits *l = ctx;

	(void)nat;
	if (f->side[0].packets == 0 && f->side[1].packets == 0)
		abort();
	if (f->side[0].packets > l->packets[0] &&
	    f->side[0].packets > l->packets[1])
		abort();
	if (reason < MF_END_IDLE_TIMEOUT || reason > MF_END_FORCED)
		abort();
}

static void
one(struct exp_ctflow *t, struct limits *l, const uint8_t *p, size_t len)
{
	uint8_t *copy = g_memdup2(p, len);
	struct exp_ct ct;
	enum exp_ct_event ev = EXP_CT_DUMP;
	enum exp_ct_parse_result r = exp_ctflow_parse(copy, len, &ct, &ev);

	if (r > EXP_CT_PARSE_FAMILY)
		abort();
	if (r == EXP_CT_PARSE_OK) {
		if ((ct.family != MF_AF_INET && ct.family != MF_AF_INET6) ||
		    ev > EXP_CT_DESTROY)
			abort();
		l->packets[0] = ct.packets[0];
		l->packets[1] = ct.packets[1];
		exp_ctflow_dump_begin(t, FALSE);
		exp_ctflow_event(t, &ct, EXP_CT_DUMP, 1000);
		exp_ctflow_dump_end(t);
		exp_ctflow_event(t, &ct, ev, 2000);
	}
	g_free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exp_ctflow_config cfg = { .max_conns = 16 };
	struct limits l = { { 0, 0 } };
	struct exp_ctflow *t = exp_ctflow_new(&cfg, on_flow, &l, NULL);
	size_t off = 0;

	/* Messages back to back, each padded to 4 bytes, as netlink does. */
	while (size - off >= 16) {
		uint32_t len;

		memcpy(&len, data + off, 4);
		if (len < 16 || len > size - off) {
			one(t, &l, data + off, size - off); /* as it is */
			break;
		}
		one(t, &l, data + off, len);
		off += (len + 3u) & ~3u;
		if (off > size)
			break;
	}
	exp_ctflow_free(t);
	return 0;
}
