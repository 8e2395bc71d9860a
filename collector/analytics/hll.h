/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_HLL_H
#define COL_HLL_H

/*
 * hll: a small distinct counter for the anomaly detectors, exact while
 * small and a HyperLogLog sketch (Flajolet et al., 2007) beyond.  It takes
 * 64-bit hashes of the items (keyed SipHash, so a sender cannot pick
 * colliding items) and keeps 32 bits of each: up to COL_HLL_EXACT of them
 * as a list (exact, but for 32-bit collisions: about n^2 / 2^33), then 128
 * six-bit registers in the same bytes (standard error 1.04 / sqrt(128),
 * about 9 %, with the linear-counting correction for small counts).
 * Fixed size (136 bytes), no allocation: it lives inside a caller's state
 * slot and is cleared with col_hll_clear() (or memset to 0).
 */
#include <stdint.h>

#define COL_HLL_REGISTERS 128
#define COL_HLL_EXACT 32 /* 32 hashes of 4 bytes share the registers' room */

struct col_hll {
	union {
		uint32_t exact[COL_HLL_EXACT];
		uint8_t reg[COL_HLL_REGISTERS];
	} u;
	uint32_t n; /* items in exact[], or COL_HLL_SKETCH once a sketch */
};

#define COL_HLL_SKETCH UINT32_MAX

void col_hll_clear(struct col_hll *h);

/* Count the item whose 64-bit hash is hash.  No allocation. */
void col_hll_add(struct col_hll *h, uint64_t hash);

/* The number of distinct items added (exact up to COL_HLL_EXACT). */
uint32_t col_hll_count(const struct col_hll *h);

#endif
