/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_BLOCKLIST_H
#define COL_BLOCKLIST_H

/*
 * blocklist: IP and domain blocklists, loaded from files and matched
 * against addresses and names.  A loaded set is read-only: build one with
 * col_blocklist_new(), col_blocklist_add_text() or _add_file() for each
 * list, then col_blocklist_seal(); a reload builds a new set and swaps.
 *
 * Formats.  IP lists: one address or CIDR prefix (IPv4 or IPv6) a line,
 * as the first word; '#' and ';' start comments (FireHOL netsets,
 * Spamhaus DROP "1.2.3.0/24 ; SBL123", abuse.ch Feodo).  Domain lists:
 * a plain name a line, hosts files ("0.0.0.0 name [name...]"; the
 * localhost names are skipped), and adblock "||name^" lines (with
 * "$options" ignored; '!' and "[Adblock ...]" lines are comments).  A
 * listed domain matches itself and every name below it.  Any other line
 * is bad: counted, and the first COL_BLOCKLIST_BAD_NAMED of each load
 * are logged with FILE:LINE; never fatal.
 *
 * Memory.  IPv4 entries take 16 bytes plus a 4-byte index, IPv6 entries
 * 40 + 4 (a sorted array of ranges searched by binary search, overlaps
 * allowed: a running "widest end so far" index finds a covering range in
 * O(log n); a directory of the 65536 IPv4 /16s, 256 KiB, narrows the
 * search to one /16's ranges).  Domains live in one arena (the name and its
 * NUL) with 12 bytes of metadata and two 8-byte slots of an open-addressing
 * table each (index and 32 bits of the hash, so a miss rarely reads the arena);
 * a name is looked up by each of its label suffixes. max_ip and max_domains cap
 * the entries; more are counted in dropped.
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <glib.h>

#include "common/addr.h"
#include "common/hash.h"

#define COL_BLOCKLIST_MAX_ENTRIES (UINT32_C(1) << 26) /* per kind */
#define COL_BLOCKLIST_MAX_LISTS 64                    /* files per kind */
#define COL_BLOCKLIST_BAD_NAMED 5   /* bad lines named in the log per load */
#define COL_BLOCKLIST_ENTRY_MAX 256 /* entry text with its NUL */

enum col_bl_kind { COL_BL_IP, COL_BL_DOMAIN };

struct col_blocklist;

struct col_blocklist_stats {
	uint64_t ip4, ip6, domains; /* entries held */
	uint64_t bad_lines;         /* lines that are no entry */
	uint64_t dropped;           /* entries over max_ip / max_domains */
	uint64_t duplicates;        /* domains listed twice (first kept) */
	uint64_t bytes;             /* memory held by the entries */
};

/* What matched: list (the file's basename, owned by the set), line. */
struct col_bl_match {
	const char *list;
	uint32_t line;
	enum col_bl_kind kind;
	char entry[COL_BLOCKLIST_ENTRY_MAX]; /* "1.2.3.0/24", "evil.example" */
};

/*
 * An empty set holding at most max_ip IP entries and max_domains
 * domains (each 1..COL_BLOCKLIST_MAX_ENTRIES).  seed keys the domain
 * hash.  Free with col_blocklist_free() (NULL is fine).
 */
struct col_blocklist *col_blocklist_new(size_t max_ip, size_t max_domains,
    const struct mf_hash_key *seed);
void col_blocklist_free(struct col_blocklist *bl);

/*
 * Parse text (len bytes, need not end in NUL) as a list of kind named
 * name (copied).  Never fails: bad lines are counted (and the first few
 * logged as NAME:LINE).  FALSE only if the set holds
 * COL_BLOCKLIST_MAX_LISTS lists of that kind already.  Not after seal.
 */
gboolean col_blocklist_add_text(struct col_blocklist *bl, enum col_bl_kind kind,
    const char *name, const char *text, size_t len);

/* Read path and add it named by its basename; FALSE (error set) if the
 * file cannot be read. */
gboolean col_blocklist_add_file(struct col_blocklist *bl, enum col_bl_kind kind,
    const char *path, GError **error);

/* Sort and index what was added; after this only lookups. */
void col_blocklist_seal(struct col_blocklist *bl);

/*
 * The entry of an IP list that holds a (after seal), into *m; FALSE if
 * none.  Bounded: two binary searches, no allocation.
 */
gboolean col_blocklist_find_addr(const struct col_blocklist *bl,
    const struct mf_addr *a, struct col_bl_match *m);

/*
 * The domain entry that name (any case, trailing dot or not) is, or is
 * below, into *m; FALSE if none or name is no domain name.  No
 * allocation.
 */
gboolean col_blocklist_find_name(const struct col_blocklist *bl,
    const char *name, struct col_bl_match *m);

void col_blocklist_get_stats(const struct col_blocklist *bl,
    struct col_blocklist_stats *st);

/*
 * Normalise name into out (size >= 256): lowercase, no trailing dot;
 * TRUE if it is a domain name (labels 1..63 bytes of letters, digits,
 * '-' and '_', 253 bytes at most).
 */
gboolean col_blocklist_norm_name(const char *name, size_t len, char *out);

#endif
