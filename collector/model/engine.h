/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_ENGINE_H
#define COL_ENGINE_H

/*
 * engine: the collector's model over time.  Every normalised flow record
 * goes through col_engine_add(), every DNS record through
 * col_engine_add_dns(); the engine hands them to its consumers
 * (collector/model/consumer.h: tables, summary, statistics, detectors,
 * registered with col_engine_add_consumer()) at the time they count.
 * Intervals are flow time: [start, start + interval) aligned to the
 * interval; the open interval closes when a record ends after its end
 * plus the grace period, or when col_engine_tick() is told that
 * wall-clock time passed it (live), or on col_engine_flush().  Closing an
 * interval that holds anything tells the consumers (close), then calls
 * the report callback with a read-only view (struct col_interval), then
 * opens the next interval (open).
 *
 * Records that end after the open interval but within the grace period
 * belong to a later interval: they wait in a bounded queue (pending) and
 * are handed on when their interval opens.  If the queue is full, the
 * open interval closes early (counted in early_closes) to make room.
 *
 * Time rules (DESIGN.md): a record that ends before the open interval
 * (for a closed one) counts in the open one and in late_records; a record
 * whose time is absurd (before 2000-01-01, or, live, more than a day
 * ahead of the clock given to col_engine_tick()) is counted in
 * absurd_records, accounted at the open interval's start, and never
 * silently dropped.  Live, a record ending more than COL_AHEAD_TOLERANCE_MS
 * after the clock (but within the day) is counted in ahead_records and
 * accounted at the clock's time: one exporter's clock running ahead must
 * not move flow time for every exporter (closing intervals early and
 * making every honest record late, or, as the first record, opening an
 * interval hours ahead so that no report comes for hours).  Live, a
 * first record more than a day ahead (absurd) is accounted at the clock's
 * time, never opening the first interval in the future.  DNS and device
 * records ahead of the clock are taken at the clock's time too (counted
 * in ahead_records).
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/model/consumer.h"
#include "collector/model/flow.h"

#define COL_ABSURD_BEFORE_MS UINT64_C(946684800000) /* 2000-01-01 */
#define COL_ABSURD_AHEAD_MS (24 * 3600 * 1000ULL)
#define COL_AHEAD_TOLERANCE_MS 10000ULL /* clocks this close agree */

/*
 * The report interval's bounds: the [reports] interval row of the
 * configuration table (collector/settings.c) uses them, and
 * col_engine_new() refuses anything else.
 */
#define COL_ENGINE_INTERVAL_MIN 10u
#define COL_ENGINE_INTERVAL_MAX 3600u

/* What the engine takes: [reports] interval and grace, its queue. */
struct col_engine_config {
	uint32_t interval_s; /* report interval, COL_ENGINE_INTERVAL_MIN..MAX */
	uint32_t grace_s;    /* wait this long past an interval's end */
	size_t max_pending;  /* records held for later intervals, >= 1 */
};

struct col_engine_stats {
	uint64_t records;        /* flow records accounted */
	uint64_t late_records;   /* for an interval already reported */
	uint64_t absurd_records; /* impossible times */
	uint64_t ahead_records;  /* live: ahead of the clock, within a day
	                            (flow, DNS and device records) */
	uint64_t intervals;      /* reports produced */
	uint64_t early_closes;   /* intervals closed early: queue full */
};

/*
 * What a report is made of: valid only during the consumers' close and
 * the report callback.  The sections come from the consumers: the report
 * writer calls col_consumers_write(iv->consumers, ...).
 */
struct col_interval {
	uint64_t start_ms, end_ms;
	const struct col_engine_stats *stats;  /* cumulative */
	struct col_engine_stats delta;         /* this interval's share */
	const struct col_consumers *consumers; /* the engine's */
};

typedef void (*col_report_fn)(const struct col_interval *iv, void *ctx);

struct col_engine;

/*
 * NULL (error set) if the interval is out of bounds.  The engine starts
 * with no consumers.  Free with col_engine_free() (NULL is fine), which
 * frees the consumers too (their free hooks).
 */
struct col_engine *col_engine_new(const struct col_engine_config *cfg,
    col_report_fn report, void *ctx, GError **error);
void col_engine_free(struct col_engine *e);

/*
 * Add consumer c (copied) after those added before: it takes records and
 * writes its report section in that order (collector/model/consumer.h).
 * Before the first record only.  FALSE (error set) if the list is full.
 */
gboolean col_engine_add_consumer(struct col_engine *e,
    const struct col_consumer *c, GError **error);

/*
 * Account one record (closing intervals its time has passed first).
 * Returns COL_FLOW_LATE if the record was late (for an interval already
 * reported), COL_FLOW_AHEAD if, live, it ended ahead of the clock by
 * more than the tolerance (ahead_records counts those within a day,
 * absurd_records the rest), or 0, so the caller can count it per
 * exporter.
 */
unsigned col_engine_add(struct col_engine *e, const struct col_flow *f);

/*
 * Hand one DNS record to the consumers in the open interval (opening one
 * at the record's time if none is open).  DNS records are not held
 * for later intervals: each counts in the interval open when it arrives.
 * Live, a record time ahead of the clock by more than the tolerance is
 * taken as the clock's (counted in ahead_records): returns COL_FLOW_AHEAD
 * then, 0 otherwise, so the caller can count it per exporter.
 */
unsigned col_engine_add_dns(struct col_engine *e, const struct col_dns_rec *d);

/* The same for a device record. */
unsigned col_engine_add_device(struct col_engine *e,
    const struct col_device_rec *d);

/* Live: wall-clock now; closes the open interval once end + grace passed. */
/*
 * The engine's clock: live, the wall clock of the last tick; offline,
 * the latest time a record was accounted at (flow time).  How long after
 * its end a record arrives is this minus its end.
 */
uint64_t col_engine_clock_ms(const struct col_engine *e);

void col_engine_tick(struct col_engine *e, uint64_t now_ms);

/* Report the open interval if anything was accounted to it (at exit). */
void col_engine_flush(struct col_engine *e);

const struct col_engine_stats *col_engine_get_stats(const struct col_engine *e);

#endif
