/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MF_TABLE_H
#define MF_TABLE_H

/*
 * table: a bounded hash table of caller-laid-out entries, for the tables
 * fed from the network.  The capacity is fixed and allocated at once (no
 * allocation afterwards); each entry starts with a key of ksize bytes,
 * hashed with the table's seeded mf_hash_fast() (common/hash.h) and compared
 * whole (zero any padding in it).  Collisions chain through a bucket array
 * of mf_hash_buckets(cap) heads.  An age list orders the entries from the
 * oldest (inserted or touched longest ago) to the newest; inserting into a
 * full table evicts the oldest, and the counters say how often.
 *
 * Entries are named by their index (0 .. cap - 1), stable while they are
 * in the table.  The table owns the links and buckets; the caller owns the
 * meaning of its entries and the eviction policy beyond "oldest first"
 * (e.g. removing timed-out entries from the head).
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "common/hash.h"

#define MF_TABLE_NIL UINT32_MAX
#define MF_TABLE_MAX (UINT32_MAX / 4) /* entries at most */

struct mf_table_stats {
	uint64_t inserted; /* entries inserted */
	uint64_t evicted;  /* oldest entries replaced by an insert when full */
	uint32_t used;     /* entries in the table now */
	uint32_t peak;     /* largest used seen */
};

struct mf_table_link {
	uint32_t hnext;      /* bucket chain, or the free list */
	uint32_t bucket;     /* its bucket: removal does not hash again */
	uint32_t prev, next; /* age list */
};

struct mf_table {
	uint8_t *entries; /* cap entries of esize bytes */
	struct mf_table_link *links;
	uint32_t *buckets;
	size_t esize, ksize;
	uint32_t cap, mask;
	uint32_t free_head;
	uint32_t head, tail; /* age list: oldest, newest */
	struct mf_hash_key seed;
	struct mf_table_stats stats;
};

/*
 * A table of cap (1..MF_TABLE_MAX) entries of esize bytes, each starting
 * with a key of ksize (1..esize) bytes, hashed with seed.  Entries start
 * zeroed.  Free with mf_table_fini().
 */
void mf_table_init(struct mf_table *t, size_t cap, size_t esize, size_t ksize,
    const struct mf_hash_key *seed);
void mf_table_fini(struct mf_table *t);

/* Bytes a table of cap entries of esize bytes allocates. */
size_t mf_table_memory(size_t cap, size_t esize);

/* The bucket of key: pass it to mf_table_find() and mf_table_insert(). */
uint32_t mf_table_bucket(const struct mf_table *t, const void *key);

/* The entry holding key in bucket b, or MF_TABLE_NIL. */
uint32_t mf_table_find(const struct mf_table *t, const void *key, uint32_t b);

/*
 * A new entry for key (not in the table) in bucket b, the newest: its key
 * copied, the rest zeroed.  A full table first removes the oldest entry
 * (stats.evicted).
 */
uint32_t mf_table_insert(struct mf_table *t, const void *key, uint32_t b);

/*
 * mf_table_insert() without the zeroing: the bytes after the key hold
 * whatever an earlier entry left there (zero if none did), so the caller must
 * set every one it will read.  For entries that are mostly a buffer the
 * caller fills only in part (the DNS query table's name).
 */
uint32_t mf_table_insert_raw(struct mf_table *t, const void *key, uint32_t b);

/* Remove entry i (in the table). */
void mf_table_remove(struct mf_table *t, uint32_t i);

/* Make entry i the newest (least recently used replacement). */
void mf_table_touch(struct mf_table *t, uint32_t i);

/* The oldest entry, or MF_TABLE_NIL if the table is empty. */
static inline uint32_t
mf_table_oldest(const struct mf_table *t)
{
	return t->head;
}

static inline void *
mf_table_entry(const struct mf_table *t, uint32_t i)
{
	return t->entries + (size_t)i * t->esize;
}

#endif
