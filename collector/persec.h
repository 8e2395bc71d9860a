/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_PERSEC_H
#define COL_PERSEC_H

/*
 * persec: per-second counters of one report interval, per class (flows,
 * packets, bytes), as SiLK's rwcount keeps them.  A flow's packets and
 * bytes are spread over the seconds it spans in proportion to the time it
 * spent in each (the largest remainder method: the integer shares add up
 * exactly to the flow's totals); the flow itself counts once, in the
 * second its end falls in.  Parts of a flow outside the interval are
 * counted in its first or last second (a late record still counts in the
 * open interval, as DESIGN.md says).  Memory: interval_s * COL_N_CLASSES
 * * 24 bytes, fixed at creation.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/classify.h"
#include "collector/tables.h"

#define COL_PERSEC_MAX_INTERVAL 86400u

struct col_persec;

/* NULL if interval_s is 0 or above COL_PERSEC_MAX_INTERVAL. */
struct col_persec *col_persec_new(uint32_t interval_s);
void col_persec_free(struct col_persec *p);

/* Start a new interval at start_ms (a multiple of 1000): all zero. */
void col_persec_reset(struct col_persec *p, uint64_t start_ms);

/*
 * Add a flow of class k from start_ms to end_ms (end >= start; a reversed
 * pair is swapped) with packets and bytes; flows is 1 for a new flow record
 * direction, 0 for the reverse half of a biflow record that was counted
 * already.
 */
void col_persec_add(struct col_persec *p, enum col_class k, uint64_t start_ms,
    uint64_t end_ms, uint64_t flows, uint64_t packets, uint64_t bytes);

/* Seconds in the interval. */
uint32_t col_persec_seconds(const struct col_persec *p);

/* The counters of class k in second i (0-based) of the interval. */
void col_persec_get(const struct col_persec *p, enum col_class k, uint32_t i,
    struct col_counts *out);

/* The interval totals of class k (the sum of its seconds). */
void col_persec_total(const struct col_persec *p, enum col_class k,
    struct col_counts *out);

#endif
