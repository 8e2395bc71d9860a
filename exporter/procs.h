/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef EXP_PROCS_H
#define EXP_PROCS_H

/*
 * procs: which local process made a flow (--processes, on an end host).
 *
 * When a flow starts, the side of it that is one of this host's addresses
 * is looked up in the kernel's socket table over NETLINK_SOCK_DIAG (one
 * exact request, TCP, UDP or UDP-Lite): that gives the socket's inode, or
 * for the first SYN of an incoming connection the listening socket's.  The
 * inode is then found among the open files of the processes under /proc
 * (every /proc/PID/fd link reading "socket:[INODE]"), and the process's
 * name (/proc/PID/comm) and PID are kept for the flow in a table of names.
 * The name is learned once, at flow start: a process that exits before its
 * flows are exported keeps its name on them.
 *
 * Bounded: the socket map of the last /proc scan holds at most
 * max_sockets inodes, the names table max_names (process, name) pairs
 * reused round-robin (a flow whose entry was reused before export loses
 * its name, counted), and /proc is scanned again only when an inode is not
 * in the map, nor among the open files of the last EXP_PROCS_RECENT
 * owners found (a busy program's new sockets, read from its own fd
 * directory without a scan of every process), and the last scan is at
 * least EXP_PROCS_RESCAN_MS old: a new program that opens a socket and
 * sends within that time of another new one is missed (counted as
 * unowned).  Nothing is allocated after exp_procs_new().
 *
 * Reading other users' /proc/PID/fd needs CAP_SYS_PTRACE (the exporter
 * keeps it with --processes); without it only the exporter's own user's
 * processes are named.  The kernel answers for the network namespace the
 * exporter runs in.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "exporter/cache.h"

#define EXP_PROCS_DEFAULT_NAMES 1024
#define EXP_PROCS_MAX_NAMES 65000
#define EXP_PROCS_DEFAULT_SOCKETS 16384
#define EXP_PROCS_RESCAN_MS 50
#define EXP_PROCS_RECENT 8      /* owners whose fds are read again first */
#define EXP_PROCS_LOCAL_MAX 256 /* local addresses remembered */
#define EXP_PROCS_NAME_LEN 16   /* TASK_COMM_LEN, the NUL included */

/* A flow's reference (struct exp_flow proc_ref): 0 not looked up yet. */
#define EXP_PROCS_REF_UNSET 0u
#define EXP_PROCS_REF_NONE 1u /* looked up, no process */

struct exp_procs_config {
	size_t max_names;   /* 16 .. EXP_PROCS_MAX_NAMES */
	size_t max_sockets; /* 16 .. 1 << 22 */
	const char *proc;   /* "/proc" (tests give another tree) */
};

struct exp_procs_stats {
	uint64_t lookups;      /* flows looked up */
	uint64_t named;        /* ... given a process */
	uint64_t not_local;    /* neither side is an address of this host */
	uint64_t no_socket;    /* the kernel knows no such socket */
	uint64_t unowned;      /* a socket no process holds (or unreadable) */
	uint64_t scans;        /* /proc scans */
	uint64_t rereads;      /* fd directories of recent owners read */
	uint64_t sockets_full; /* inodes left out of a scan: map full */
	uint64_t names_lost;   /* names reused before their flow's export */
	uint64_t diag_errors;  /* netlink failures other than "no socket" */
};

struct exp_procs;

/*
 * Open the sock_diag socket and read this host's addresses.  NULL (error
 * set) if the kernel refuses the socket or a bound is out of range.
 */
struct exp_procs *exp_procs_new(const struct exp_procs_config *cfg,
    GError **error);
void exp_procs_free(struct exp_procs *p);

/*
 * The process of flow k whose first packet was sent by side initiator, at
 * now_ms: a reference for exp_procs_get() (never EXP_PROCS_REF_UNSET).
 * The initiator's side is tried first when it is local (a connection this
 * host made), else the other side (a server here).
 */
uint32_t exp_procs_lookup(struct exp_procs *p, const struct exp_key *k,
    int initiator, uint64_t now_ms);

/*
 * The name and PID behind ref; FALSE if there is none or it was reused
 * (counted in names_lost).  *name stays valid until the next lookup.
 */
gboolean exp_procs_get(struct exp_procs *p, uint32_t ref, const char **name,
    uint32_t *pid);

/* Read this host's addresses again (every few seconds, live). */
void exp_procs_refresh_local(struct exp_procs *p);

const struct exp_procs_stats *exp_procs_get_stats(const struct exp_procs *p);

/*
 * The socket inode of "socket:[INODE]" (a /proc/PID/fd link), or 0 when
 * the text is not that.  Exposed for the tests.
 */
uint64_t exp_procs_parse_socket_link(const char *link, size_t len);

#endif
