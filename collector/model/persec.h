/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_PERSEC_H
#define COL_PERSEC_H

/*
 * persec: per-second counters of one report interval, per class (flows,
 * packets, bytes), as SiLK's rwcount keeps them.  Second i of an interval
 * starting at start_ms covers [start_ms + 1000 i, start_ms + 1000 (i + 1)).
 *
 * A flow [start_ms, end_ms) spreads its packets and bytes over the seconds
 * it spans in proportion to the milliseconds it spent in each; the part
 * before the interval weighs in second 0, the part after it in the last
 * second (a late record still counts in the open interval, as DESIGN.md
 * says).  Shares follow the largest remainder method (Hamilton): each
 * second gets the floor of its exact share, then the units left over go
 * one each to the seconds with the largest fractional remainders, the
 * earlier second on a tie, so the seconds add up exactly to the flow's
 * totals.  The flow itself counts once, in the second holding end_ms
 * clipped to the interval (which for an end exactly on a second boundary
 * is the second after its last millisecond).  A zero-length flow, or one
 * wholly outside the interval, puts everything in that one second.
 *
 * Integer arithmetic only, exact for any uint64_t values and times
 * (products take 128 bits, built from 64-bit halves, no __int128 needed);
 * col_persec_add() costs O(seconds spanned) and never allocates.  Memory:
 * interval_s * COL_N_CLASSES * 24 bytes, fixed at creation (about 12 MiB
 * for a day).
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/model/classify.h"
#include "collector/model/tables.h"

#define COL_PERSEC_MAX_INTERVAL 86400u

struct col_persec;

/*
 * NULL if interval_s is 0 or above COL_PERSEC_MAX_INTERVAL.  The interval
 * starts at 0 until col_persec_reset().  Free with col_persec_free() (NULL
 * is fine).
 */
struct col_persec *col_persec_new(uint32_t interval_s);
void col_persec_free(struct col_persec *p);

/*
 * Start a new interval at start_ms (a multiple of 1000): all zero.  A start
 * within interval_s seconds of 2^64 ms is pulled back so the end fits.
 */
void col_persec_reset(struct col_persec *p, uint64_t start_ms);

/*
 * Add a flow of class k from start_ms to end_ms (end >= start; a reversed
 * pair is swapped) with packets and bytes; flows is 1 for a new flow record
 * direction, 0 for the reverse half of a biflow record that was counted
 * already.  Counters wrap at 2^64 (no real interval gets there).
 */
void col_persec_add(struct col_persec *p, enum col_class k, uint64_t start_ms,
    uint64_t end_ms, uint64_t flows, uint64_t packets, uint64_t bytes);

/* Seconds in the interval. */
uint32_t col_persec_seconds(const struct col_persec *p);

/* The counters of class k in second i (0-based); zero if out of range. */
void col_persec_get(const struct col_persec *p, enum col_class k, uint32_t i,
    struct col_counts *out);

/* The interval totals of class k (the sum of its seconds), in O(1). */
void col_persec_total(const struct col_persec *p, enum col_class k,
    struct col_counts *out);

#endif
