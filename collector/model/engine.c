/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-engine"

#include <string.h>

#include <glib.h>

#include "collector/model/consumer.h"
#include "collector/model/engine.h"
#include "common/error.h"

struct col_engine {
	struct col_engine_config cfg;
	struct col_consumers *consumers;
	uint64_t start_ms;  /* the open interval's start (when is_open) */
	gboolean is_open;   /* an interval is open (after the first record) */
	uint64_t wall_ms;   /* live: the clock at the last tick; 0 offline */
	uint64_t newest_ms; /* the latest time a record was accounted at */
	gboolean has_data;  /* something counted in the open interval */
	struct col_flow *pending; /* records for later intervals, in order */
	uint64_t *pending_t;      /* their accounting times */
	size_t p_len;             /* pending[0 .. p_len) */
	col_report_fn report;
	void *ctx;
	struct col_engine_stats stats;
	struct col_engine_stats at_start; /* stats when the interval opened */
};

static uint64_t
interval_ms(const struct col_engine *e)
{
	return (uint64_t)e->cfg.interval_s * 1000;
}

static uint64_t
align(const struct col_engine *e, uint64_t t)
{
	return t - t % interval_ms(e);
}

struct col_engine *
col_engine_new(const struct col_engine_config *cfg, col_report_fn report,
    void *ctx, GError **error)
{
	struct col_engine *e;

	if (cfg->interval_s < COL_ENGINE_INTERVAL_MIN ||
	    cfg->interval_s > COL_ENGINE_INTERVAL_MAX) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "report interval %u out of range (%u..%u)", cfg->interval_s,
		    COL_ENGINE_INTERVAL_MIN, COL_ENGINE_INTERVAL_MAX);
		return NULL;
	}
	e = g_new0(struct col_engine, 1);
	e->cfg = *cfg;
	e->report = report;
	e->ctx = ctx;
	e->consumers = col_consumers_new();
	e->pending = g_new(struct col_flow, MAX(cfg->max_pending, 1));
	e->pending_t = g_new(uint64_t, MAX(cfg->max_pending, 1));
	e->cfg.max_pending = MAX(cfg->max_pending, 1);
	return e;
}

void
col_engine_free(struct col_engine *e)
{
	if (e == NULL)
		return;
	col_consumers_free(e->consumers);
	g_free(e->pending);
	g_free(e->pending_t);
	g_free(e);
}

gboolean
col_engine_add_consumer(struct col_engine *e, const struct col_consumer *c,
    GError **error)
{
	return col_consumers_add(e->consumers, c, error);
}

const struct col_engine_stats *
col_engine_get_stats(const struct col_engine *e)
{
	return &e->stats;
}

/* Open the interval at start_ms; prev_end_ms ended the one before (or 0). */
static void
open_interval(struct col_engine *e, uint64_t start_ms, uint64_t prev_end_ms)
{
	e->start_ms = start_ms;
	e->is_open = TRUE;
	e->has_data = FALSE;
	e->at_start = e->stats;
	col_consumers_open(e->consumers, start_ms, prev_end_ms);
}

/* Report the open interval (if it holds anything) and open next_ms's. */
static void
close_interval(struct col_engine *e, uint64_t next_ms)
{
	struct col_interval iv;
	uint64_t end = e->start_ms + interval_ms(e);

	if (e->has_data) {
		e->stats.intervals++;
		memset(&iv, 0, sizeof(iv));
		iv.start_ms = e->start_ms;
		iv.end_ms = end;
		iv.stats = &e->stats;
		iv.consumers = e->consumers;
		iv.delta.records = e->stats.records - e->at_start.records;
		iv.delta.late_records =
		    e->stats.late_records - e->at_start.late_records;
		iv.delta.absurd_records =
		    e->stats.absurd_records - e->at_start.absurd_records;
		iv.delta.intervals = 1;
		col_consumers_close(e->consumers, &iv);
		e->report(&iv, e->ctx);
	}
	open_interval(e, next_ms, end);
}
/*
 * The time a record is accounted at: its end, unless that is absurd (a
 * router clock still in 1999 or earlier; live, more than a day ahead of
 * our own clock), then the open interval's start (live with none open
 * yet, our clock's time: a first record 48 h ahead must not open the
 * first interval there), or, live, ahead of our clock by more than the
 * tolerance, then our clock's time (never before the open interval: it
 * is not late; *flags gets COL_FLOW_AHEAD, so its exporter is named).
 * An absurd record is not named: replayed v5 and v9 streams (uptime-based
 * times) give such times now and then, as clockless routers do, and
 * absurd_records counts them.  Offline there
 * is no clock to compare with: captures may jump years ahead
 * (concatenated files) and that is their real time.
 */
static uint64_t
record_time(struct col_engine *e, const struct col_flow *f, unsigned *flags)
{
	uint64_t t = f->end_ms;
	gboolean live = e->wall_ms != 0;

	if (t < COL_ABSURD_BEFORE_MS ||
	    (live && t > e->wall_ms + COL_ABSURD_AHEAD_MS)) {
		e->stats.absurd_records++;
		if (e->is_open)
			return e->start_ms;
		return live ? e->wall_ms : align(e, t);
	}
	if (live && t > e->wall_ms + COL_AHEAD_TOLERANCE_MS) {
		*flags |= COL_FLOW_AHEAD;
		e->stats.ahead_records++;
		return e->is_open ? MAX(e->wall_ms, e->start_ms) : e->wall_ms;
	}
	return t;
}

/* Hand the record to the consumers, accounted at time t. */
static void
account(struct col_engine *e, const struct col_flow *f, uint64_t t)
{
	struct col_record r;

	memset(&r, 0, sizeof(r));
	r.flow = f;
	r.start_ms = f->start_ms;
	r.end_ms = f->end_ms;
	if (t != f->end_ms)
		r.start_ms = r.end_ms = t; /* absurd or ahead: at time t */
	if (t < e->start_ms) {
		e->stats.late_records++;
		r.late = TRUE;
	}
	r.touch.src = r.touch.dst = r.touch.stream = r.touch.port = COL_ID_NONE;
	col_consumers_flow(e->consumers, &r);
	e->stats.records++;
	e->has_data = TRUE;
}

/* Queue f (the caller checked there is room). */
static void
pend(struct col_engine *e, const struct col_flow *f, uint64_t t)
{
	e->pending[e->p_len] = *f;
	e->pending_t[e->p_len] = t;
	e->p_len++;
}

/*
 * Account the queued records that fall in the open interval (in order).
 * Those still ahead move up over the accounted ones, in their order, so
 * the queue stays at the front of its array, within the most records ever
 * queued at once.  (It was a ring that a replay went round, taking each
 * record off the head and queueing again at the tail those not due: the
 * queue wandered over the whole array, 65,536 records of 456 bytes in the
 * collector, 30 MB, into memory no cache held and pages touched for the
 * first time.)
 */
static void
replay(struct col_engine *e)
{
	uint64_t end = e->start_ms + interval_ms(e);
	size_t n = e->p_len, r, w = 0;

	for (r = 0; r < n; r++) {
		if (e->pending_t[r] < end) {
			account(e, &e->pending[r], e->pending_t[r]);
			continue;
		}
		if (w != r) {
			e->pending[w] = e->pending[r];
			e->pending_t[w] = e->pending_t[r];
		}
		w++;
	}
	e->p_len = w;
}

/* Close the open interval and open the next one that holds anything. */
static void
advance(struct col_engine *e, uint64_t upto_ms)
{
	uint64_t next = e->start_ms + interval_ms(e);

	/* Nothing waits: jump over empty intervals (a capture's time gap). */
	if (e->p_len == 0 && align(e, upto_ms) > next)
		next = align(e, upto_ms);
	close_interval(e, next);
	replay(e);
}

unsigned
col_engine_add(struct col_engine *e, const struct col_flow *f)
{
	uint64_t late = e->stats.late_records;
	struct col_engine_stats before = e->stats;
	gboolean first = !e->is_open;
	unsigned flags = 0;
	uint64_t t, grace = (uint64_t)e->cfg.grace_s * 1000;

	t = record_time(e, f, &flags);
	if (t > e->newest_ms)
		e->newest_ms = t;

	if (first) {
		open_interval(e, align(e, t), 0);
		e->at_start = before; /* the first record's counts are its */
	}
	/* Flow time passed the open interval's end plus the grace. */
	while (t >= e->start_ms + interval_ms(e) + grace)
		advance(e, t - grace);
	if (t < e->start_ms + interval_ms(e)) {
		account(e, f, t);
		goto out;
	}
	if (e->p_len == e->cfg.max_pending) {
		e->stats.early_closes++;
		advance(e, e->start_ms + interval_ms(e));
		if (t < e->start_ms + interval_ms(e)) {
			account(e, f, t);
			goto out;
		}
		if (e->p_len == e->cfg.max_pending) {
			account(e, f, t); /* still full: count it now */
			goto out;
		}
	}
	pend(e, f, t);
out:
	if (e->stats.late_records != late)
		flags |= COL_FLOW_LATE;
	return flags;
}

uint64_t
col_engine_clock_ms(const struct col_engine *e)
{
	return e->wall_ms != 0 ? e->wall_ms : e->newest_ms;
}

void
col_engine_tick(struct col_engine *e, uint64_t now_ms)
{
	uint64_t grace = (uint64_t)e->cfg.grace_s * 1000;

	e->wall_ms = now_ms;
	while (e->is_open && now_ms >= e->start_ms + interval_ms(e) + grace)
		advance(e, now_ms - grace);
}

/* At exit: every interval that holds anything, the queued ones too. */
void
col_engine_flush(struct col_engine *e)
{
	if (!e->is_open)
		return;
	while (e->p_len > 0)
		advance(e, e->start_ms + interval_ms(e));
	if (e->has_data)
		close_interval(e, e->start_ms + interval_ms(e));
}

/*
 * A DNS or device record's time: live, ahead of the clock by more than
 * the tolerance, it is the clock's (counted ahead), so that one exporter
 * cannot open the first interval hours ahead.
 */
static uint64_t
side_time(struct col_engine *e, uint64_t t, unsigned *flags)
{
	if (e->wall_ms != 0 && t > e->wall_ms + COL_AHEAD_TOLERANCE_MS) {
		*flags |= COL_FLOW_AHEAD;
		e->stats.ahead_records++;
		return e->wall_ms;
	}
	return t;
}

unsigned
col_engine_add_dns(struct col_engine *e, const struct col_dns_rec *d)
{
	unsigned flags = 0;
	uint64_t t = side_time(e, d->time_ms, &flags);

	if (!e->is_open)
		open_interval(e, align(e, t), 0);
	col_consumers_dns(e->consumers, d);
	e->has_data = TRUE;
	return flags;
}

unsigned
col_engine_add_device(struct col_engine *e, const struct col_device_rec *d)
{
	unsigned flags = 0;
	uint64_t t = side_time(e, d->time_ms, &flags);

	if (!e->is_open)
		open_interval(e, align(e, t), 0);
	col_consumers_device(e->consumers, d);
	e->has_data = TRUE;
	return flags;
}
