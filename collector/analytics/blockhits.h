/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_BLOCKHITS_H
#define COL_BLOCKHITS_H

/*
 * blockhits: the blocklists ([blocklists]) matched against what the
 * collector sees, and the hits of the open interval.  A flow is matched by
 * its remote addresses (the sides that are not internal) and its DNS
 * label; a DNS record by its query name (a device resolving a listed
 * name is a hit even if no connection follows), its CNAME and its
 * answered addresses.  The device of a hit is the internal side of the
 * flow, or the DNS client: its device id (collector/model/devices.h)
 * when the devices know it, else its address as text.
 *
 * The remote of a hit is given whole where the record knows both halves:
 * an address hit keeps the name that went with it (the flow's label, or
 * the query of a DNS answer), a name hit the address (the flow's remote
 * side, or the first address the DNS answer gave).  The first record of a
 * hit that knows the other half fills it; later ones do not change it.
 *
 * Hits are aggregated per (list, line, match, device, via) in a table of
 * max_hits entries, allocated once; hits beyond are counted in dropped.
 * Finding a hit's entry is a linear scan, only for records that hit.
 *
 * Reload.  col_blockhits_check() (at interval close) reloads the lists
 * when a file's mtime, size or inode changed; col_blockhits_set_files()
 * (SIGHUP) when the list of files changed.  A file that cannot be read
 * keeps the lists as they were and is logged once per change.  Loading
 * 1 M entries takes about a second (bench/blocklist.sh), paid at close.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/analytics/blocklist.h"
#include "collector/model/devices.h"
#include "collector/model/flow.h"
#include "common/addr.h"
#include "common/hash.h"

#define COL_BLOCKHITS_MAX 65536 /* max_hits bound */

enum col_bl_via {
	COL_VIA_FLOW,
	COL_VIA_DNS_QUERY,
	COL_VIA_DNS_ANSWER,
	COL_VIA_LABEL
};

extern const char *const col_bl_via_names[4]; /* "flow", "dns_query", ... */

/* [blocklists] */
struct col_blockhits_config {
	char **ip, **domain; /* file paths (borrowed) */
	size_t max_ip, max_domains, max_hits;
};

struct col_blockhit {
	char list[64]; /* the file's basename, cut to fit */
	uint32_t line;
	enum col_bl_kind kind;
	enum col_bl_via via;
	char entry[COL_BLOCKLIST_ENTRY_MAX];
	char match[COL_BLOCKLIST_ENTRY_MAX]; /* the address or name seen */
	char device[COL_DEVICE_ID_MAX];      /* the device's id, or "" */
	char remote_addr[MF_ADDR_STRLEN];    /* the remote's address, or "" */
	char remote_name[COL_BLOCKLIST_ENTRY_MAX]; /* its name, or "" */
	uint64_t flows, bytes, first_ms, last_ms;
};

struct col_blockhits;

/*
 * Load the lists of cfg (copied); NULL (error set) if a file cannot be
 * read or a bound is out of range.  Free with col_blockhits_free().
 */
struct col_blockhits *col_blockhits_new(const struct col_blockhits_config *cfg,
    const struct mf_hash_key *seed, GError **error);
void col_blockhits_free(struct col_blockhits *h);

/* TRUE if any list file is configured (the report then has a section). */
gboolean col_blockhits_enabled(const struct col_blockhits *h);

/*
 * Ingest path: no allocation, no I/O.  dev: the devices of the source
 * and destination (either NULL: named by the address), as the devices
 * consumer notes them; client: the DNS client's device, or NULL.
 */
void col_blockhits_flow(struct col_blockhits *h, const struct col_flow *f,
    gboolean src_internal, gboolean dst_internal,
    const struct col_device *const dev[2], uint64_t t_ms);
void col_blockhits_dns(struct col_blockhits *h, const struct col_dns_rec *d,
    const struct col_device *client);

/* The hits of the open interval, in the order first seen. */
const struct col_blockhit *col_blockhits_list(const struct col_blockhits *h,
    size_t *n);
uint64_t col_blockhits_dropped(const struct col_blockhits *h);

/* A new interval: the hits are cleared. */
void col_blockhits_reset(struct col_blockhits *h);

/* Reload if a file changed; TRUE if the lists were reloaded. */
gboolean col_blockhits_check(struct col_blockhits *h);

/* SIGHUP: new file lists (and caps); reloads now.  FALSE (error set, the
 * lists unchanged) if a file cannot be read. */
gboolean col_blockhits_set_files(struct col_blockhits *h,
    const struct col_blockhits_config *cfg, GError **error);

void col_blockhits_get_stats(const struct col_blockhits *h,
    struct col_blocklist_stats *st);

#endif
