/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-hll"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "collector/analytics/hll.h"

#define INDEX_BITS 7 /* log2(COL_HLL_REGISTERS) */

void
col_hll_clear(struct col_hll *h)
{
	memset(h, 0, sizeof(*h));
}

/* Both halves of the hash, so either half alone may be weak. */
static uint32_t
fold(uint64_t hash)
{
	return (uint32_t)(hash ^ (hash >> 32));
}

/* The register of v and the rank (1 + trailing zeros) of the rest. */
static void
sketch_add(struct col_hll *h, uint32_t v)
{
	uint32_t w = v >> INDEX_BITS;
	uint8_t rank = 1;

	while (rank <= 32 - INDEX_BITS && (w & 1u) == 0) {
		w >>= 1;
		rank++;
	}
	if (rank > h->u.reg[v & (COL_HLL_REGISTERS - 1)])
		h->u.reg[v & (COL_HLL_REGISTERS - 1)] = rank;
}

/* The exact list is full: turn it into registers. */
static void
to_sketch(struct col_hll *h)
{
	uint32_t keep[COL_HLL_EXACT];
	uint32_t i;

	memcpy(keep, h->u.exact, sizeof(keep));
	memset(h->u.reg, 0, sizeof(h->u.reg));
	for (i = 0; i < COL_HLL_EXACT; i++)
		sketch_add(h, keep[i]);
	h->n = COL_HLL_SKETCH;
}

void
col_hll_add(struct col_hll *h, uint64_t hash)
{
	uint32_t v = fold(hash), i;

	if (h->n == COL_HLL_SKETCH) {
		sketch_add(h, v);
		return;
	}
	for (i = 0; i < h->n && i < COL_HLL_EXACT; i++)
		if (h->u.exact[i] == v)
			return;
	if (h->n < COL_HLL_EXACT) {
		h->u.exact[h->n++] = v;
		return;
	}
	to_sketch(h);
	sketch_add(h, v);
}

uint32_t
col_hll_count(const struct col_hll *h)
{
	const double m = COL_HLL_REGISTERS;
	double sum = 0, est;
	uint32_t i, zeros = 0;

	if (h->n != COL_HLL_SKETCH)
		return MIN(h->n, COL_HLL_EXACT);
	for (i = 0; i < COL_HLL_REGISTERS; i++) {
		sum += ldexp(1.0, -(int)h->u.reg[i]);
		zeros += h->u.reg[i] == 0;
	}
	est = 0.7213 / (1.0 + 1.079 / m) * m * m / sum;
	if (est <= 2.5 * m && zeros > 0)
		est = m * log(m / zeros); /* linear counting */
	/* Never below what the exact list held before the switch. */
	return (uint32_t)MAX(MIN(est + 0.5, (double)UINT32_MAX),
	    (double)COL_HLL_EXACT + 1);
}
