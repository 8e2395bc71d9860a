/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_ENGINE_H
#define COL_ENGINE_H

/*
 * engine: the collector's model over time.  Every normalised flow record
 * goes through col_engine_add(): it is classified, accounted to the
 * address, stream and port tables and spread over the per-second counters
 * of the open report interval.  Intervals are flow time: [start, start +
 * interval) aligned to the interval; the open interval closes when a
 * record ends after its end plus the grace period, or when
 * col_engine_tick() is told that wall-clock time passed it (live), or on
 * col_engine_flush().  Closing calls the report callback with a read-only
 * view (struct col_interval) and then starts the next interval.
 *
 * Records that end after the open interval but within the grace period
 * belong to a later interval: they wait in a bounded queue (pending) and
 * are accounted when their interval opens.  If the queue is full, the
 * open interval closes early (counted in early_closes) to make room.
 *
 * Time rules (DESIGN.md): a record that ends before the open interval
 * (for a closed one) counts in the open one and in late_records; a record
 * whose time is absurd (before 2000-01-01, or, live, more than a day
 * ahead of the clock given to col_engine_tick()) is counted in
 * absurd_records, accounted at the open interval's start, and never
 * silently dropped.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/analytics/anomaly.h"
#include "collector/model/classify.h"
#include "collector/analytics/dnsstats.h"
#include "collector/model/flow.h"
#include "collector/analytics/flowstats.h"
#include "collector/model/persec.h"
#include "collector/model/tables.h"

#define COL_ABSURD_BEFORE_MS UINT64_C(946684800000) /* 2000-01-01 */
#define COL_ABSURD_AHEAD_MS (24 * 3600 * 1000ULL)

struct col_engine_config {
	uint32_t interval_s; /* report interval, 1..3600 */
	uint32_t grace_s;    /* wait this long past an interval's end */
	size_t max_pending;  /* records held for later intervals, >= 1 */
	struct col_tables_config tables;
	const struct col_classifier *classifier; /* borrowed */
	struct col_dnsstats_config dns;          /* 0: COL_ENGINE_DNS_NAMES */
	const struct mf_prefix *focus; /* [focus] target, copied; NULL: none */
	/* Anomaly detectors (copied), or NULL for none. */
	const struct col_anomaly_config *anomaly;
};

#define COL_ENGINE_DNS_NAMES 4096 /* default DNS statistics bounds */

struct col_engine_stats {
	uint64_t records;        /* flow records accounted */
	uint64_t late_records;   /* for an interval already reported */
	uint64_t absurd_records; /* impossible times */
	uint64_t intervals;      /* reports produced */
	uint64_t early_closes;   /* intervals closed early: queue full */
};

/* What a report is made of: valid only during the report callback. */
struct col_interval {
	uint64_t start_ms, end_ms;
	const struct col_persec *persec;
	const struct col_tables *tables;
	const struct col_dnsstats *dns;
	const struct col_engine_stats *stats;  /* cumulative */
	struct col_engine_stats delta;         /* this interval's share */
	const struct col_flowstats *flowstats; /* the "flows" object */
	const struct col_anomaly *anomaly;     /* closed for iv, or NULL */
};

typedef void (*col_report_fn)(const struct col_interval *iv, void *ctx);

struct col_engine;

/* NULL (error set) on a bad configuration. */
struct col_engine *col_engine_new(const struct col_engine_config *cfg,
    col_report_fn report, void *ctx, GError **error);
void col_engine_free(struct col_engine *e);

/*
 * Account one record (closing intervals its time has passed first).
 * Returns TRUE if the record was late (for an interval already reported),
 * so the caller can count it per exporter.
 */
gboolean col_engine_add(struct col_engine *e, const struct col_flow *f);

/*
 * Account one DNS record in the open interval's DNS statistics (opening
 * one at the record's time if none is open).  DNS records are not held
 * for later intervals: each counts in the interval open when it arrives.
 */
void col_engine_add_dns(struct col_engine *e, const struct col_dns_rec *d);

/* Live: wall-clock now; closes the open interval once end + grace passed. */
void col_engine_tick(struct col_engine *e, uint64_t now_ms);

/* Report the open interval if anything was accounted to it (at exit). */
void col_engine_flush(struct col_engine *e);

/* Use classifier c from now on (SIGHUP: new [networks]); borrowed. */
void col_engine_set_classifier(struct col_engine *e,
    const struct col_classifier *c);

/* Use focus (copied; NULL: none) from now on (SIGHUP: new [focus]). */
void col_engine_set_focus(struct col_engine *e, const struct mf_prefix *focus);

const struct col_engine_stats *col_engine_get_stats(const struct col_engine *e);

/* New anomaly thresholds (SIGHUP); FALSE (error set) if refused. */
gboolean col_engine_set_anomaly(struct col_engine *e,
    const struct col_anomaly_config *cfg, GError **error);

#endif
