/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-table"

#include <string.h>

#include <glib.h>

#include "common/hash.h"
#include "common/table.h"

size_t
mf_table_memory(size_t cap, size_t esize)
{
	return cap * (esize + sizeof(struct mf_table_link)) +
	    mf_hash_buckets(cap) * sizeof(uint32_t);
}

void
mf_table_init(struct mf_table *t, size_t cap, size_t esize, size_t ksize,
    const struct mf_hash_key *seed)
{
	size_t nb = mf_hash_buckets(cap), i;

	g_assert(cap >= 1 && cap <= MF_TABLE_MAX);
	g_assert(ksize >= 1 && ksize <= esize);
	memset(t, 0, sizeof(*t));
	t->entries = g_malloc0(cap * esize);
	t->links = g_new(struct mf_table_link, cap);
	t->buckets = g_new(uint32_t, nb);
	memset(t->buckets, 0xff, nb * sizeof(uint32_t));
	t->esize = esize;
	t->ksize = ksize;
	t->cap = (uint32_t)cap;
	t->mask = (uint32_t)(nb - 1);
	for (i = 0; i < cap; i++)
		t->links[i].hnext =
		    i + 1 < cap ? (uint32_t)(i + 1) : MF_TABLE_NIL;
	t->free_head = 0;
	t->head = t->tail = MF_TABLE_NIL;
	t->seed = *seed;
}

void
mf_table_fini(struct mf_table *t)
{
	g_free(t->entries);
	g_free(t->links);
	g_free(t->buckets);
	memset(t, 0, sizeof(*t));
}

uint32_t
mf_table_bucket(const struct mf_table *t, const void *key)
{
	return (uint32_t)mf_hash_fast(&t->seed, key, t->ksize) & t->mask;
}

/*
 * The collector's device and address keys are 17 bytes: that size apart,
 * so that its memcmp() is inlined (two word compares and a byte).
 */
static gboolean
key_equal(const void *x, const void *y, size_t ksize)
{
	if (ksize == 17)
		return memcmp(x, y, 17) == 0;
	return memcmp(x, y, ksize) == 0;
}

uint32_t
mf_table_find(const struct mf_table *t, const void *key, uint32_t b)
{
	uint32_t i;

	for (i = t->buckets[b]; i != MF_TABLE_NIL; i = t->links[i].hnext)
		if (key_equal(mf_table_entry(t, i), key, t->ksize))
			return i;
	return MF_TABLE_NIL;
}

static void
age_unlink(struct mf_table *t, uint32_t i)
{
	struct mf_table_link *l = &t->links[i];

	if (l->prev != MF_TABLE_NIL)
		t->links[l->prev].next = l->next;
	else
		t->head = l->next;
	if (l->next != MF_TABLE_NIL)
		t->links[l->next].prev = l->prev;
	else
		t->tail = l->prev;
}

static void
age_append(struct mf_table *t, uint32_t i)
{
	t->links[i].prev = t->tail;
	t->links[i].next = MF_TABLE_NIL;
	if (t->tail != MF_TABLE_NIL)
		t->links[t->tail].next = i;
	else
		t->head = i;
	t->tail = i;
}

void
mf_table_remove(struct mf_table *t, uint32_t i)
{
	uint32_t *pp = &t->buckets[t->links[i].bucket];

	while (*pp != i)
		pp = &t->links[*pp].hnext;
	*pp = t->links[i].hnext;
	age_unlink(t, i);
	t->links[i].hnext = t->free_head;
	t->free_head = i;
	t->stats.used--;
}

uint32_t
mf_table_insert_raw(struct mf_table *t, const void *key, uint32_t b)
{
	uint32_t i;

	if (t->free_head == MF_TABLE_NIL) {
		t->stats.evicted++;
		mf_table_remove(t, t->head);
	}
	i = t->free_head;
	t->free_head = t->links[i].hnext;
	memcpy(mf_table_entry(t, i), key, t->ksize);
	t->links[i].hnext = t->buckets[b];
	t->links[i].bucket = b;
	t->buckets[b] = i;
	age_append(t, i);
	t->stats.inserted++;
	if (++t->stats.used > t->stats.peak)
		t->stats.peak = t->stats.used;
	return i;
}

uint32_t
mf_table_insert(struct mf_table *t, const void *key, uint32_t b)
{
	uint32_t i = mf_table_insert_raw(t, key, b);
	uint8_t *e = mf_table_entry(t, i);

	memset(e + t->ksize, 0, t->esize - t->ksize);
	return i;
}

void
mf_table_touch(struct mf_table *t, uint32_t i)
{
	if (t->tail == i)
		return;
	age_unlink(t, i);
	age_append(t, i);
}
