/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef EXP_CONNTRACK_H
#define EXP_CONNTRACK_H

/*
 * conntrack: the kernel's connection table as a source of flows
 * (--conntrack), over two ctnetlink sockets (libmnl): one subscribed to
 * the new and destroy events, one for dumps of the whole table
 * (at start, every active timeout, after lost events, at exit).  The
 * messages go to exporter/ctflow.c, which turns them into flows.
 *
 * Lost events: when the event socket's buffer overflows the kernel drops
 * events and the next read fails with ENOBUFS; that is counted, logged at
 * most once a minute and followed by a resync dump.  With reliable
 * delivery (NETLINK_BROADCAST_ERROR and NETLINK_NO_ENOBUFS, as conntrackd
 * sets them for NetlinkEventsReliable) the kernel keeps a connection
 * whose DESTROY event could not be delivered and delivers it again, so
 * nothing is lost, at the price of the kernel holding those connections
 * (and, when the table is full, dropping packets that need new ones).
 *
 * Accounting: conntrack counts packets and bytes only with the sysctl
 * net.netfilter.nf_conntrack_acct=1 (per network namespace).
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "exporter/ctflow.h"

#define EXP_CONNTRACK_SYSCTL_ACCT "/proc/sys/net/netfilter/nf_conntrack_acct"
#define EXP_CONNTRACK_SYSCTL_TS "/proc/sys/net/netfilter/nf_conntrack_timestamp"
#define EXP_CONNTRACK_BATCH 256 /* messages per dispatch */

struct exp_conntrack_config {
	size_t rcvbuf;        /* event socket buffer, bytes */
	gboolean reliable;    /* NETLINK_BROADCAST_ERROR + NO_ENOBUFS */
	gboolean enable_acct; /* switch accounting on if it is off */
	uint32_t dump_ms;     /* dump every dump_ms (the active timeout) */
};

struct exp_conntrack_stats {
	uint64_t messages;   /* event messages read */
	uint64_t malformed;  /* messages that did not parse */
	uint64_t enobufs;    /* event socket overflows */
	uint64_t dumps;      /* dumps done */
	uint64_t resyncs;    /* dumps done because of an overflow */
	gboolean timestamps; /* nf_conntrack_timestamp was on at start */
};

struct exp_conntrack;

/*
 * Open both sockets and check accounting (switching it on if asked).
 * NULL (error set, saying which sysctl to set) on failure.  The table t
 * is borrowed.
 */
struct exp_conntrack *exp_conntrack_open(const struct exp_conntrack_config *cfg,
    struct exp_ctflow *t, GError **error);
void exp_conntrack_free(struct exp_conntrack *c);

/*
 * Read events for at most timeout_ms and dump the table when due (the
 * first call dumps at once).  now_ms is the wall clock.  Returns the
 * number of messages read, or -1 (error set) on a socket failure.
 */
int exp_conntrack_dispatch(struct exp_conntrack *c, int timeout_ms,
    uint64_t now_ms, GError **error);

/*
 * Dump the table now; final: the last one (at exit), whose slices end
 * with flowEndReason forcedEnd.
 */
gboolean exp_conntrack_dump(struct exp_conntrack *c, uint64_t now_ms,
    gboolean final, GError **error);

const struct exp_conntrack_stats *exp_conntrack_get_stats(
    const struct exp_conntrack *c);

#endif
