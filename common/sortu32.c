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

void
mf_sort_u32(uint32_t *v, size_t n)
{
	size_t count[3][RADIX], i, d, sum, c;
	uint32_t *tmp, *src = v, *dst;

	if (n < SHORT) {
		insertion(v, n);
		return;
	}
	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++) {
		count[0][v[i] & (RADIX - 1)]++;
		count[1][(v[i] >> BITS) & (RADIX - 1)]++;
		count[2][v[i] >> (2 * BITS)]++;
	}
	tmp = g_new(uint32_t, n);
	dst = tmp;
	for (d = 0; d < 3; d++) {
		unsigned shift = (unsigned)(d * BITS);

		/* Every value has this digit: the pass would move nothing. */
		if (count[d][(src[0] >> shift) & (RADIX - 1)] == n)
			continue;
		for (i = 0, sum = 0; i < RADIX; i++) {
			c = count[d][i];
			count[d][i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[d][(src[i] >> shift) & (RADIX - 1)]++] =
			    src[i];
		src = dst;
		dst = src == v ? tmp : v;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	g_free(tmp);
}
