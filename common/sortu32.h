/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MF_SORTU32_H
#define MF_SORTU32_H

#include <stddef.h>
#include <stdint.h>

/*
 * Sort n 32-bit values ascending.  A radix sort of up to three digits of
 * at most 11 bits, as few and as narrow as the largest value and n call
 * for (a pass is skipped when every value has the same digit), so O(n) with
 * no comparison call: the collector sorts table ids at every report, and
 * qsort() of them was 5% of its instructions on a report-heavy input
 * (bench/README.md).  Short arrays are sorted by insertion.  Allocates a
 * scratch copy of n values (g_new) past the short case.
 */
void mf_sort_u32(uint32_t *v, size_t n);

#endif
