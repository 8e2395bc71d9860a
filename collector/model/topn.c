/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-topn"

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/model/topn.h"

/* TRUE if a ranks before b: more bytes, then more packets, then lower id. */
static gboolean
ranks_before(const struct col_topn_item *a, const struct col_topn_item *b)
{
	if (a->bytes != b->bytes)
		return a->bytes > b->bytes;
	if (a->packets != b->packets)
		return a->packets > b->packets;
	return a->id < b->id;
}

static void
swap(struct col_topn_item *a, struct col_topn_item *b)
{
	struct col_topn_item t = *a;

	*a = *b;
	*b = t;
}

/*
 * Restore the heap below i in h[0 .. size): every parent ranks *after* its
 * children, so h[0] is the lowest-ranked of the items kept.
 */
static void
sift_down(struct col_topn_item *h, size_t size, size_t i)
{
	size_t c;

	while ((c = 2 * i + 1) < size) {
		if (c + 1 < size && ranks_before(&h[c], &h[c + 1]))
			c++;
		if (!ranks_before(&h[i], &h[c]))
			break;
		swap(&h[i], &h[c]);
		i = c;
	}
}

/*
 * Keep the best `top` items in a heap at the front (worst at its root):
 * each later item that ranks before the root replaces it.  Then sort the
 * heap by taking the root (the worst left) to the end, one at a time.
 * O(n log top) comparisons; the order of ranks is total for distinct ids,
 * so the result does not depend on the input order.
 */
size_t
col_topn_select(struct col_topn_item *items, size_t n, size_t top)
{
	size_t k = MIN(n, top), i;

	if (k == 0)
		return 0;
	for (i = k / 2; i-- > 0;)
		sift_down(items, k, i);
	for (i = k; i < n; i++) {
		if (ranks_before(&items[i], &items[0])) {
			swap(&items[i], &items[0]);
			sift_down(items, k, 0);
		}
	}
	for (i = k - 1; i > 0; i--) {
		swap(&items[0], &items[i]);
		sift_down(items, i, 0);
	}
	return k;
}
