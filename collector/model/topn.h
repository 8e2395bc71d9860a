/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_TOPN_H
#define COL_TOPN_H

/*
 * topn: the N largest items by bytes, then packets, then the smallest id
 * (so ties always come out in the same order).  Works in place on the
 * caller's array in O(n log N); no allocation.
 */
#include <stddef.h>
#include <stdint.h>

struct col_topn_item {
	uint32_t id;
	uint64_t bytes, packets, flows;
};

/*
 * Reorder items so that its first min(n, top) entries are the top ones,
 * largest first; returns that count.
 */
size_t col_topn_select(struct col_topn_item *items, size_t n, size_t top);

#endif
