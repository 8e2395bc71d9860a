/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "common/sortu32.h"

#define BITS 11
#define RADIX (1u << BITS)
#define SHORT 48 /* insertion below this many values */

static void
insertion(uint32_t *v, size_t n)
{
	size_t i, j;
	uint32_t x;

	for (i = 1; i < n; i++) {
		x = v[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/*
 * The passes for values below 2^bits (1 .. 32): p digits of *width bits
 * each (at most BITS), p from 1 to 3, the one with the least work,
 * counting a pass as two moves a value plus its 2^width counts to clear
 * and sum.  The counts are sized to this: a radix of 2^11 for a hundred
 * ids was mostly clearing and summing 3 x 2,048 counts.
 */
static unsigned
plan(size_t n, unsigned bits, unsigned *width)
{
	unsigned p, w, best_p = 3;
	size_t cost, best = SIZE_MAX;

	*width = BITS;
	for (p = 1; p <= 3; p++) {
		w = (bits + p - 1) / p;
		if (w > BITS)
			continue;
		cost = p * (2 * n + ((size_t)1 << w));
		if (cost < best) {
			best = cost;
			best_p = p;
			*width = w;
		}
	}
	return best_p;
}

void
mf_sort_u32(uint32_t *v, size_t n)
{
	size_t count[3][RADIX], i, d, sum, c;
	uint32_t *tmp, *src = v, *dst, any = 0, mask;
	unsigned p, width;

	if (n < SHORT) {
		insertion(v, n);
		return;
	}
	for (i = 0; i < n; i++)
		any |= v[i];
	if (any == 0)
		return; /* all zero */
	p = plan(n, 32 - (unsigned)__builtin_clz(any), &width);
	mask = (1u << width) - 1;
	for (d = 0; d < p; d++)
		memset(count[d], 0, ((size_t)1 << width) * sizeof(count[d][0]));
	for (i = 0; i < n; i++) {
		count[0][v[i] & mask]++;
		if (p > 1)
			count[1][(v[i] >> width) & mask]++;
		if (p > 2)
			count[2][(v[i] >> (2 * width)) & mask]++;
	}
	tmp = g_new(uint32_t, n);
	dst = tmp;
	for (d = 0; d < p; d++) {
		unsigned shift = (unsigned)d * width;

		/* Every value has this digit: the pass would move nothing. */
		if (count[d][(src[0] >> shift) & mask] == n)
			continue;
		for (i = 0, sum = 0; i <= mask; i++) {
			c = count[d][i];
			count[d][i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[d][(src[i] >> shift) & mask]++] = src[i];
		src = dst;
		dst = src == v ? tmp : v;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	g_free(tmp);
}
