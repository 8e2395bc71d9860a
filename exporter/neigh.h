/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef EXP_NEIGH_H
#define EXP_NEIGH_H

/*
 * neigh: MAC addresses of the LAN's hosts for --conntrack, which has
 * none: the kernel's neighbour table (ARP and NDP), dumped over rtnetlink
 * (libmnl) at start and again every EXP_NEIGH_REFRESH_MS.  A dump replaces
 * the whole table, so entries of hosts gone are forgotten.
 *
 * Memory: at most max_entries entries (about 60 bytes each) in a
 * GHashTable; a dump with more keeps the first max_entries (the rest
 * counted in over_limit).  Needs no privileges.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#define EXP_NEIGH_REFRESH_MS 30000u
#define EXP_NEIGH_MAX 65536u

struct exp_neigh_stats {
	uint64_t dumps;      /* dumps read */
	uint64_t found;      /* lookups that found a MAC */
	uint64_t missing;    /* lookups that did not */
	uint64_t over_limit; /* entries left out: table full */
	uint32_t entries;    /* in the table now */
};

struct exp_neigh;

/* NULL (error set) if the rtnetlink socket cannot be opened. */
struct exp_neigh *exp_neigh_new(size_t max_entries, GError **error);
void exp_neigh_free(struct exp_neigh *n);

/* Dump the kernel's table if EXP_NEIGH_REFRESH_MS passed (or never). */
gboolean exp_neigh_refresh(struct exp_neigh *n, uint64_t now_ms,
    GError **error);

/*
 * Learn one RTM_NEWNEIGH message (len bytes at buf; others ignored):
 * exposed for the unit test, which crafts them.  Returns TRUE if it
 * added an entry.
 */
gboolean exp_neigh_learn(struct exp_neigh *n, const void *buf, size_t len);

/* The MAC of addr (4 or 16 bytes by family, MF_AF_*), FALSE if unknown. */
gboolean exp_neigh_find(struct exp_neigh *n, uint8_t family,
    const uint8_t *addr, uint8_t mac[6]);

const struct exp_neigh_stats *exp_neigh_get_stats(const struct exp_neigh *n);

#endif
