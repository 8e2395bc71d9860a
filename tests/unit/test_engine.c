/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-test-engine"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "collector/model/classify.h"
#include "collector/model/consumer.h"
#include "collector/model/engine.h"
#include "collector/model/flow.h"
#include "collector/model/persec.h"
#include "collector/model/tables.h"
#include "collector/output/report_summary.h"
#include "collector/output/report_tables.h"
#include "common/addr.h"
#include "common/hash.h"
#include "tests/unit/flowbuild.h"

/*
 * Flow time of every case: S is a multiple of the 60 s interval
 * (1699999980000 = 28333333 * 60000, 2023-11-14 22:13:00 UTC), so the
 * intervals are [S, S + 60 s), [S + 60 s, S + 120 s), ...
 */
#define S UINT64_C(1699999980000)
#define SEC(x) ((uint64_t)(x)*1000u)
#define IVL 60u  /* report interval, seconds */
#define GRACE 5u /* seconds */
#define DAY_MS (24 * 3600 * UINT64_C(1000))
#define MAX_REPORTS 8

/* What the report callback copied out of one struct col_interval. */
struct report {
	uint64_t start_ms, end_ms;
	uint32_t seconds;
	struct col_counts total[COL_N_CLASSES]; /* col_persec_total() */
	struct col_counts first[COL_N_CLASSES]; /* second 0 of the interval */
	struct col_engine_stats delta, stats;
	uint64_t sent_bytes; /* over every address of the interval */
};

struct fx {
	struct col_classifier *cls;
	struct col_engine *e;
	/* The engine's consumers: the summary's seconds and the tables. */
	struct col_persec *persec;
	struct col_tables *tables;
	struct col_report_summary summary;
	size_t n; /* reports so far */
	struct report r[MAX_REPORTS];
	struct col_counts in; /* fed: records, packets and bytes both ways */
	uint64_t records;
};

static void
sum_sent(const struct col_address *a, void *ctx)
{
	uint64_t *bytes = ctx;

	*bytes += a->sent.bytes;
}

static void
on_report(const struct col_interval *iv, void *ctx)
{
	struct fx *fx = ctx;
	struct report *r;
	struct col_counts c, sum;
	uint32_t i;
	int k;

	assert_true(fx->n < MAX_REPORTS);
	r = &fx->r[fx->n++];
	memset(r, 0, sizeof(*r));
	r->start_ms = iv->start_ms;
	r->end_ms = iv->end_ms;
	r->seconds = col_persec_seconds(fx->persec);
	r->delta = iv->delta;
	r->stats = *iv->stats;
	for (k = 0; k < COL_N_CLASSES; k++) {
		col_persec_total(fx->persec, (enum col_class)k, &r->total[k]);
		col_persec_get(fx->persec, (enum col_class)k, 0, &r->first[k]);
		/* The seconds add up to the class total, exactly. */
		memset(&sum, 0, sizeof(sum));
		for (i = 0; i < r->seconds; i++) {
			col_persec_get(fx->persec, (enum col_class)k, i, &c);
			sum.flows += c.flows;
			sum.packets += c.packets;
			sum.bytes += c.bytes;
		}
		assert_int_equal(sum.flows, r->total[k].flows);
		assert_int_equal(sum.packets, r->total[k].packets);
		assert_int_equal(sum.bytes, r->total[k].bytes);
	}
	col_tables_foreach_address(fx->tables, sum_sent, &r->sent_bytes);
}

/*
 * (Re)create the engine of fx with this grace and queue size, and its
 * consumers as the collector wires them: the summary, then the tables.
 */
static void
make_engine(struct fx *fx, uint32_t grace_s, size_t max_pending)
{
	struct col_engine_config cfg = { IVL, grace_s, max_pending };
	struct col_tables_config tc;
	struct col_consumer c;
	GError *err = NULL;

	col_engine_free(fx->e);
	col_persec_free(fx->persec);
	col_tables_free(fx->tables);
	memset(&tc, 0, sizeof(tc));
	tc.max_addresses = 64;
	tc.max_streams = 64;
	tc.max_ports = 64;
	tc.idle_ms = SEC(300);
	mf_hash_key_fixed(&tc.seed);
	fx->tables = col_tables_new(&tc, &err);
	assert_null(err);
	fx->persec = col_persec_new(IVL);
	assert_non_null(fx->persec);
	fx->summary.persec = fx->persec;
	fx->summary.classifier = fx->cls;
	fx->e = col_engine_new(&cfg, on_report, fx, &err);
	assert_null(err);
	assert_non_null(fx->e);
	c = col_report_summary_consumer(&fx->summary);
	assert_true(col_engine_add_consumer(fx->e, &c, NULL));
	c = col_report_tables_consumer(fx->tables);
	assert_true(col_engine_add_consumer(fx->e, &c, NULL));
}

static int
setup(void **state)
{
	struct fx *fx = g_new0(struct fx, 1);
	gchar **nets = g_strsplit("192.168.0.0/16", ";", -1);
	gchar **web = g_strsplit("80;443", ";", -1);
	GError *err = NULL;

	fx->cls = col_classifier_new(nets, web, &err);
	g_strfreev(nets);
	g_strfreev(web);
	if (fx->cls == NULL) {
		g_error_free(err);
		g_free(fx);
		return -1;
	}
	make_engine(fx, GRACE, 16);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	col_engine_free(fx->e);
	col_persec_free(fx->persec);
	col_tables_free(fx->tables);
	col_classifier_free(fx->cls);
	g_free(fx);
	return 0;
}

/* A record from src:sp to dst:dp lasting one second up to end_ms. */
static struct col_flow
flow(const char *src, uint16_t sp, const char *dst, uint16_t dp, uint8_t proto,
    uint64_t packets, uint64_t octets, uint64_t end_ms)
{
	return fb_flow(src, sp, dst, dp, proto, packets, octets,
	    end_ms >= 1000 ? end_ms - 1000 : 0, end_ms);
}

/* A uniflow record of class k (internal: 192.168.0.0/16, web: 80, 443). */
static struct col_flow
class_flow(enum col_class k, uint64_t packets, uint64_t octets, uint64_t end_ms)
{
	switch (k) {
	case COL_CLASS_IN:
		return flow("8.8.8.8", 53, "192.168.1.10", 40000, 17, packets,
		    octets, end_ms);
	case COL_CLASS_OUT:
		return flow("192.168.1.10", 40000, "8.8.8.8", 53, 17, packets,
		    octets, end_ms);
	case COL_CLASS_INWEB: /* web port on the source side */
		return flow("93.184.216.34", 443, "192.168.1.10", 40001, 6,
		    packets, octets, end_ms);
	case COL_CLASS_OUTWEB:
		return flow("192.168.1.10", 40001, "93.184.216.34", 80, 6,
		    packets, octets, end_ms);
	case COL_CLASS_INTERNAL:
		return flow("192.168.1.10", 40002, "192.168.2.20", 22, 6,
		    packets, octets, end_ms);
	case COL_CLASS_EXTERNAL:
	case COL_N_CLASSES:
		break;
	}
	return flow("8.8.8.8", 40003, "1.1.1.1", 443, 6, packets, octets,
	    end_ms);
}

/* Feed one record, remembering what went in. */
static void
add(struct fx *fx, const struct col_flow *f)
{
	fx->records++;
	fx->in.packets += f->packets + f->rev_packets;
	fx->in.bytes += f->octets + f->rev_octets;
	col_engine_add(fx->e, f);
}

static void
add_class(struct fx *fx, enum col_class k, uint64_t packets, uint64_t octets,
    uint64_t end_ms)
{
	struct col_flow f = class_flow(k, packets, octets, end_ms);

	add(fx, &f);
}

/* Report i's counters of class k must be flows/packets/bytes. */
static void
check_class(const struct fx *fx, size_t i, enum col_class k, uint64_t flows,
    uint64_t packets, uint64_t bytes)
{
	assert_true(i < fx->n);
	assert_int_equal(fx->r[i].total[k].flows, flows);
	assert_int_equal(fx->r[i].total[k].packets, packets);
	assert_int_equal(fx->r[i].total[k].bytes, bytes);
}

/* Report i must hold nothing but packets/bytes in class k. */
static void
check_only(const struct fx *fx, size_t i, enum col_class k, uint64_t flows,
    uint64_t packets, uint64_t bytes)
{
	int j;

	for (j = 0; j < COL_N_CLASSES; j++)
		if (j != (int)k)
			check_class(fx, i, (enum col_class)j, 0, 0, 0);
	check_class(fx, i, k, flows, packets, bytes);
}

/*
 * After a flush, the reports together hold exactly what went in: every
 * record once as a flow, every packet and byte of both directions, in the
 * classes and in the address table (each direction is some address's
 * "sent"); the records are all accounted and each report is counted.
 */
static void
check_conserved(struct fx *fx)
{
	struct col_counts sum = { 0, 0, 0 };
	uint64_t records = 0, sent = 0;
	size_t i;
	int k;

	col_engine_flush(fx->e);
	for (i = 0; i < fx->n; i++) {
		for (k = 0; k < COL_N_CLASSES; k++) {
			sum.flows += fx->r[i].total[k].flows;
			sum.packets += fx->r[i].total[k].packets;
			sum.bytes += fx->r[i].total[k].bytes;
		}
		records += fx->r[i].delta.records;
		sent += fx->r[i].sent_bytes;
		assert_int_equal(fx->r[i].end_ms - fx->r[i].start_ms, SEC(IVL));
		assert_int_equal(fx->r[i].start_ms % SEC(IVL), 0);
		if (i > 0)
			assert_true(fx->r[i].start_ms > fx->r[i - 1].start_ms);
	}
	assert_int_equal(sum.flows, fx->records);
	assert_int_equal(sum.packets, fx->in.packets);
	assert_int_equal(sum.bytes, fx->in.bytes);
	assert_int_equal(sent, fx->in.bytes);
	assert_int_equal(records, fx->records);
	assert_int_equal(col_engine_get_stats(fx->e)->records, fx->records);
	assert_int_equal(col_engine_get_stats(fx->e)->intervals, fx->n);
}

static void
test_engine_new_bad_interval_is_rejected(void **state)
{
	struct fx *fx = *state;
	struct col_engine_config cfg;
	GError *err = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.max_pending = 1;
	assert_null(col_engine_new(&cfg, on_report, fx, &err));
	assert_non_null(err);
	g_clear_error(&err);
	cfg.interval_s = 3601;
	assert_null(col_engine_new(&cfg, on_report, fx, &err));
	assert_non_null(err);
	g_clear_error(&err);
	/* The configuration table's bounds, the same constants. */
	cfg.interval_s = COL_ENGINE_INTERVAL_MIN - 1;
	assert_null(col_engine_new(&cfg, on_report, fx, &err));
	assert_non_null(strstr(err->message, "(10..3600)"));
	g_clear_error(&err);
}

static void
test_engine_add_one_interval_reports_at_flush(void **state)
{
	struct fx *fx = *state;
	struct col_flow f;

	add_class(fx, COL_CLASS_IN, 1, 100, S + SEC(10));
	add_class(fx, COL_CLASS_OUT, 2, 200, S + SEC(20));
	add_class(fx, COL_CLASS_INWEB, 3, 300, S + SEC(30));
	add_class(fx, COL_CLASS_OUTWEB, 4, 400, S + SEC(40));
	add_class(fx, COL_CLASS_INTERNAL, 5, 500, S + SEC(50));
	add_class(fx, COL_CLASS_EXTERNAL, 6, 600, S + SEC(59));
	add_class(fx, COL_CLASS_OUT, 7, 700, S + SEC(59) + 999);
	/* TCP 8080 is not a web port here ("80;443"): plain out. */
	f = flow("192.168.1.10", 40004, "1.1.1.1", 8080, 6, 8, 800, S + 1);
	add(fx, &f);
	assert_int_equal(fx->n, 0); /* nothing closes before the flush */
	col_engine_flush(fx->e);
	assert_int_equal(fx->n, 1);
	assert_int_equal(fx->r[0].start_ms, S);
	assert_int_equal(fx->r[0].end_ms, S + SEC(60));
	assert_int_equal(fx->r[0].seconds, IVL);
	check_class(fx, 0, COL_CLASS_IN, 1, 1, 100);
	check_class(fx, 0, COL_CLASS_OUT, 3, 17, 1700);
	check_class(fx, 0, COL_CLASS_INWEB, 1, 3, 300);
	check_class(fx, 0, COL_CLASS_OUTWEB, 1, 4, 400);
	check_class(fx, 0, COL_CLASS_INTERNAL, 1, 5, 500);
	check_class(fx, 0, COL_CLASS_EXTERNAL, 1, 6, 600);
	assert_int_equal(fx->r[0].delta.records, 8);
	assert_int_equal(fx->r[0].delta.late_records, 0);
	assert_int_equal(fx->r[0].delta.absurd_records, 0);
	assert_int_equal(fx->r[0].delta.intervals, 1);
	check_conserved(fx);
	/* A second flush has nothing left to report. */
	col_engine_flush(fx->e);
	assert_int_equal(fx->n, 1);
}

static void
test_engine_add_interval_is_aligned(void **state)
{
	struct fx *fx = *state;

	/* Ends 20.5 s into the minute: the interval starts at the minute. */
	add_class(fx, COL_CLASS_OUT, 1, 100, S + SEC(20) + 500);
	/* Exactly the next interval's start belongs to the next one. */
	add_class(fx, COL_CLASS_IN, 2, 200, S + SEC(60));
	add_class(fx, COL_CLASS_OUT, 4, 400, S + SEC(60) - 1);
	col_engine_flush(fx->e);
	assert_int_equal(fx->n, 2);
	assert_int_equal(fx->r[0].start_ms, S);
	assert_int_equal(fx->r[0].end_ms, S + SEC(60));
	check_only(fx, 0, COL_CLASS_OUT, 2, 5, 500);
	assert_int_equal(fx->r[1].start_ms, S + SEC(60));
	assert_int_equal(fx->r[1].end_ms, S + SEC(120));
	check_only(fx, 1, COL_CLASS_IN, 1, 2, 200);
	check_conserved(fx);
}

static void
test_engine_add_within_grace_waits_for_next_interval(void **state)
{
	struct fx *fx = *state;

	add_class(fx, COL_CLASS_OUT, 1, 100, S + SEC(10));
	/* After the interval, within the grace: queued for the next one. */
	add_class(fx, COL_CLASS_IN, 2, 200, S + SEC(62));
	/* The open interval still takes its own records. */
	add_class(fx, COL_CLASS_OUT, 4, 400, S + SEC(30));
	assert_int_equal(fx->n, 0);
	/* Past end + grace: the first interval closes without the queued. */
	add_class(fx, COL_CLASS_IN, 8, 800, S + SEC(66));
	assert_int_equal(fx->n, 1);
	check_only(fx, 0, COL_CLASS_OUT, 2, 5, 500);
	assert_int_equal(fx->r[0].delta.records, 2);
	col_engine_flush(fx->e);
	assert_int_equal(fx->n, 2);
	assert_int_equal(fx->r[1].start_ms, S + SEC(60));
	check_only(fx, 1, COL_CLASS_IN, 2, 10, 1000);
	assert_int_equal(fx->r[1].delta.records, 2);
	assert_int_equal(fx->r[1].delta.late_records, 0);
	check_conserved(fx);
}

static void
test_engine_add_past_grace_closes_interval(void **state)
{
	struct fx *fx = *state;

	add_class(fx, COL_CLASS_OUT, 1, 100, S + SEC(10));
	/* 1 ms short of end + grace: waits. */
	add_class(fx, COL_CLASS_IN, 2, 200, S + SEC(60 + GRACE) - 1);
	assert_int_equal(fx->n, 0);
	/* At end + grace: closes. */
	add_class(fx, COL_CLASS_INWEB, 4, 400, S + SEC(60 + GRACE));
	assert_int_equal(fx->n, 1);
	assert_int_equal(fx->r[0].start_ms, S);
	check_only(fx, 0, COL_CLASS_OUT, 1, 1, 100);
	assert_int_equal(col_engine_get_stats(fx->e)->intervals, 1);
	col_engine_flush(fx->e);
	assert_int_equal(fx->n, 2);
	check_class(fx, 1, COL_CLASS_IN, 1, 2, 200);
	check_class(fx, 1, COL_CLASS_INWEB, 1, 4, 400);
	check_conserved(fx);
}

static void
test_engine_add_late_record_counts_in_open_interval(void **state)
{
	struct fx *fx = *state;

	add_class(fx, COL_CLASS_OUT, 1, 100, S + SEC(10));
	add_class(fx, COL_CLASS_IN, 2, 200, S + SEC(70)); /* closes S */
	assert_int_equal(fx->n, 1);
	/* For the interval already reported: counts in the open one. */
	add_class(fx, COL_CLASS_INTERNAL, 4, 400, S + SEC(30));
	assert_int_equal(col_engine_get_stats(fx->e)->late_records, 1);
	col_engine_flush(fx->e);
	assert_int_equal(fx->n, 2);
	check_only(fx, 0, COL_CLASS_OUT, 1, 1, 100);
	assert_int_equal(fx->r[0].delta.late_records, 0);
	assert_int_equal(fx->r[1].start_ms, S + SEC(60));
	check_class(fx, 1, COL_CLASS_IN, 1, 2, 200);
	check_class(fx, 1, COL_CLASS_INTERNAL, 1, 4, 400);
	/* All of it before the interval: in its first second. */
	assert_int_equal(fx->r[1].first[COL_CLASS_INTERNAL].packets, 4);
	assert_int_equal(fx->r[1].first[COL_CLASS_INTERNAL].bytes, 400);
	assert_int_equal(fx->r[1].delta.records, 2);
	assert_int_equal(fx->r[1].delta.late_records, 1);
	assert_int_equal(fx->r[1].stats.late_records, 1);
	check_conserved(fx);
}

static void
test_engine_add_absurd_times_at_open_interval_start(void **state)
{
	struct fx *fx = *state;
	const uint64_t newest = S + SEC(10);

	add_class(fx, COL_CLASS_OUT, 1, 100, newest);
	add_class(fx, COL_CLASS_IN, 2, 200, SEC(1000)); /* 1970 */
	add_class(fx, COL_CLASS_IN, 4, 400, COL_ABSURD_BEFORE_MS - 1);
	/*
	 * Live, the clock says "newest": a record more than a day after it
	 * is absurd too.  (Offline there is no clock: see the gap tests.)
	 */
	col_engine_tick(fx->e, newest);
	add_class(fx, COL_CLASS_INTERNAL, 8, 800,
	    newest + COL_ABSURD_AHEAD_MS + 1);
	assert_int_equal(col_engine_get_stats(fx->e)->absurd_records, 3);
	assert_int_equal(col_engine_get_stats(fx->e)->late_records, 0);
	assert_int_equal(fx->n, 0); /* none of them moved flow time */
	col_engine_flush(fx->e);
	assert_int_equal(fx->n, 1);
	assert_int_equal(fx->r[0].start_ms, S);
	check_class(fx, 0, COL_CLASS_OUT, 1, 1, 100);
	check_class(fx, 0, COL_CLASS_IN, 2, 6, 600);
	check_class(fx, 0, COL_CLASS_INTERNAL, 1, 8, 800);
	/* Accounted at the interval's start: all in second 0. */
	assert_int_equal(fx->r[0].first[COL_CLASS_IN].flows, 2);
	assert_int_equal(fx->r[0].first[COL_CLASS_IN].packets, 6);
	assert_int_equal(fx->r[0].first[COL_CLASS_IN].bytes, 600);
	assert_int_equal(fx->r[0].first[COL_CLASS_INTERNAL].packets, 8);
	assert_int_equal(fx->r[0].first[COL_CLASS_OUT].packets, 0);
	assert_int_equal(fx->r[0].delta.absurd_records, 3);
	assert_int_equal(fx->r[0].delta.records, 4);
	check_conserved(fx);
}

/*
 * A router whose clock says 1970 sends the very first record (end within
 * the first interval of the epoch); then sane records follow.  The absurd
 * record must still be reported somewhere, never silently dropped.
 */
static void
test_engine_add_absurd_first_record_is_not_lost(void **state)
{
	struct fx *fx = *state;

	add_class(fx, COL_CLASS_IN, 2, 200, SEC(5));
	add_class(fx, COL_CLASS_OUT, 1, 100, S + SEC(10));
	assert_int_equal(col_engine_get_stats(fx->e)->absurd_records, 1);
	check_conserved(fx);
}

static void
test_engine_add_gap_makes_no_empty_reports(void **state)
{
	struct fx *fx = *state;
	const uint64_t later = S + DAY_MS - SEC(3600); /* 23 h later */

	add_class(fx, COL_CLASS_OUT, 1, 100, S + SEC(10));
	add_class(fx, COL_CLASS_IN, 2, 200, later + SEC(10));
	assert_int_equal(fx->n, 1);
	col_engine_flush(fx->e);
	assert_int_equal(fx->n, 2);
	assert_int_equal(fx->r[1].start_ms, later);
	check_only(fx, 0, COL_CLASS_OUT, 1, 1, 100);
	check_only(fx, 1, COL_CLASS_IN, 1, 2, 200);
	assert_int_equal(col_engine_get_stats(fx->e)->absurd_records, 0);
	check_conserved(fx);
}

static void
test_engine_tick_gap_of_a_year_makes_no_empty_reports(void **state)
{
	struct fx *fx = *state;

	add_class(fx, COL_CLASS_OUT, 1, 100, S + SEC(10));
	col_engine_tick(fx->e, S + 365 * DAY_MS);
	assert_int_equal(fx->n, 1);
	check_only(fx, 0, COL_CLASS_OUT, 1, 1, 100);
	/* A year of flow time later the first record is late. */
	add_class(fx, COL_CLASS_IN, 2, 200, S + SEC(20));
	col_engine_tick(fx->e, S + 366 * DAY_MS);
	assert_int_equal(fx->n, 2);
	assert_int_equal(fx->r[1].start_ms % SEC(IVL), 0);
	assert_true(fx->r[1].start_ms >= S + 365 * DAY_MS - SEC(IVL + GRACE));
	check_only(fx, 1, COL_CLASS_IN, 1, 2, 200);
	assert_int_equal(fx->r[1].delta.late_records, 1);
	check_conserved(fx);
	assert_int_equal(fx->n, 2);
}

static void
test_engine_add_full_queue_closes_early(void **state)
{
	struct fx *fx = *state;

	make_engine(fx, GRACE, 2);
	add_class(fx, COL_CLASS_OUT, 1, 100, S + SEC(10));
	add_class(fx, COL_CLASS_IN, 2, 200, S + SEC(61));
	add_class(fx, COL_CLASS_IN, 4, 400, S + SEC(62));
	assert_int_equal(fx->n, 0);
	/* A third record for later: the open interval closes early. */
	add_class(fx, COL_CLASS_INWEB, 8, 800, S + SEC(63));
	assert_int_equal(fx->n, 1);
	assert_int_equal(col_engine_get_stats(fx->e)->early_closes, 1);
	check_only(fx, 0, COL_CLASS_OUT, 1, 1, 100);
	col_engine_flush(fx->e);
	assert_int_equal(fx->n, 2);
	assert_int_equal(fx->r[1].start_ms, S + SEC(60));
	check_class(fx, 1, COL_CLASS_IN, 2, 6, 600);
	check_class(fx, 1, COL_CLASS_INWEB, 1, 8, 800);
	assert_int_equal(fx->r[1].delta.records, 3);
	check_conserved(fx);
}

/*
 * Grace longer than the interval: the early close opens the next interval
 * but the queued records belong to the one after, so the queue is still
 * full and the new record is counted at once (in the open interval).
 */
static void
test_engine_add_full_queue_still_full_loses_nothing(void **state)
{
	struct fx *fx = *state;

	make_engine(fx, 120, 2);
	add_class(fx, COL_CLASS_OUT, 1, 100, S + SEC(10));
	add_class(fx, COL_CLASS_IN, 2, 200, S + SEC(130));
	add_class(fx, COL_CLASS_IN, 4, 400, S + SEC(135));
	add_class(fx, COL_CLASS_INWEB, 8, 800, S + SEC(140));
	assert_int_equal(col_engine_get_stats(fx->e)->early_closes, 1);
	assert_int_equal(fx->n, 1);
	col_engine_flush(fx->e);
	assert_int_equal(fx->n, 3);
	check_only(fx, 0, COL_CLASS_OUT, 1, 1, 100);
	assert_int_equal(fx->r[1].start_ms, S + SEC(60));
	check_only(fx, 1, COL_CLASS_INWEB, 1, 8, 800);
	assert_int_equal(fx->r[2].start_ms, S + SEC(120));
	check_only(fx, 2, COL_CLASS_IN, 2, 6, 600);
	check_conserved(fx);
}

/*
 * Queued records of several later intervals, interleaved: each replay
 * accounts those of the new interval and keeps the others, none lost nor
 * counted twice, through four reports.
 */
static void
test_engine_replay_keeps_the_rest_in_order(void **state)
{
	struct fx *fx = *state;

	make_engine(fx, 200, 8);
	add_class(fx, COL_CLASS_OUT, 1, 100, S + SEC(10));
	add_class(fx, COL_CLASS_IN, 2, 200, S + SEC(130));
	add_class(fx, COL_CLASS_IN, 4, 400, S + SEC(70));
	add_class(fx, COL_CLASS_IN, 8, 800, S + SEC(200));
	add_class(fx, COL_CLASS_IN, 16, 1600, S + SEC(75));
	add_class(fx, COL_CLASS_IN, 32, 3200, S + SEC(135));
	add_class(fx, COL_CLASS_IN, 64, 6400, S + SEC(190));
	assert_int_equal(fx->n, 0);
	col_engine_flush(fx->e);
	assert_int_equal(fx->n, 4);
	check_only(fx, 0, COL_CLASS_OUT, 1, 1, 100);
	assert_int_equal(fx->r[1].start_ms, S + SEC(60));
	check_only(fx, 1, COL_CLASS_IN, 2, 20, 2000);
	assert_int_equal(fx->r[2].start_ms, S + SEC(120));
	check_only(fx, 2, COL_CLASS_IN, 2, 34, 3400);
	assert_int_equal(fx->r[3].start_ms, S + SEC(180));
	check_only(fx, 3, COL_CLASS_IN, 2, 72, 7200);
	assert_int_equal(col_engine_get_stats(fx->e)->early_closes, 0);
	check_conserved(fx);
}

static void
test_engine_add_biflow_counts_reverse_class(void **state)
{
	struct fx *fx = *state;
	struct col_flow f;

	f = flow("192.168.1.10", 40001, "93.184.216.34", 443, 6, 10, 1000,
	    S + SEC(10));
	f.rev_packets = 20;
	f.rev_octets = 20000;
	add(fx, &f);
	f = flow("8.8.8.8", 53, "192.168.1.10", 40000, 17, 1, 90, S + SEC(20));
	f.rev_packets = 3;
	f.rev_octets = 300;
	add(fx, &f);
	f = flow("192.168.1.10", 40002, "192.168.2.20", 22, 6, 5, 500,
	    S + SEC(30));
	f.rev_packets = 6;
	f.rev_octets = 600;
	add(fx, &f);
	col_engine_flush(fx->e);
	assert_int_equal(fx->n, 1);
	/* Forward halves count the flow; reverse halves add no flow. */
	check_class(fx, 0, COL_CLASS_OUTWEB, 1, 10, 1000);
	check_class(fx, 0, COL_CLASS_INWEB, 0, 20, 20000);
	check_class(fx, 0, COL_CLASS_IN, 1, 1, 90);
	check_class(fx, 0, COL_CLASS_OUT, 0, 3, 300);
	check_class(fx, 0, COL_CLASS_INTERNAL, 1, 11, 1100);
	check_class(fx, 0, COL_CLASS_EXTERNAL, 0, 0, 0);
	assert_int_equal(fx->r[0].delta.records, 3);
	check_conserved(fx);
}

/*
 * Issue 11.2: live, a record 20 hours ahead of the clock (within the day
 * the absurd rule allows) must not move flow time: it is counted ahead
 * and accounted at the clock's time, the honest records after it are not
 * late, and the report comes when the clock says, not 20 hours later.
 * The same when it is the very first record.
 */
static void
test_engine_add_ahead_of_the_clock_moves_no_time(void **state)
{
	struct fx *fx = *state;
	struct col_flow f = class_flow(COL_CLASS_OUT, 7, 700, S + 20 * 3600000);

	col_engine_tick(fx->e, S + SEC(5));
	assert_int_equal(col_engine_add(fx->e, &f), COL_FLOW_AHEAD);
	fx->records++, fx->in.packets += 7, fx->in.bytes += 700;
	f = class_flow(COL_CLASS_IN, 2, 200, S + SEC(6));
	assert_int_equal(col_engine_add(fx->e, &f), 0);
	fx->records++, fx->in.packets += 2, fx->in.bytes += 200;
	/* Within the tolerance: a clock a little ahead is fine. */
	f = class_flow(COL_CLASS_IN, 1, 100,
	    S + SEC(5) + COL_AHEAD_TOLERANCE_MS);
	assert_int_equal(col_engine_add(fx->e, &f), 0);
	fx->records++, fx->in.packets += 1, fx->in.bytes += 100;
	assert_int_equal(col_engine_get_stats(fx->e)->ahead_records, 1);
	assert_int_equal(col_engine_get_stats(fx->e)->late_records, 0);
	assert_int_equal(fx->n, 0);
	col_engine_tick(fx->e, S + SEC(60 + GRACE));
	assert_int_equal(fx->n, 1);
	assert_int_equal(fx->r[0].start_ms, S);
	check_class(fx, 0, COL_CLASS_OUT, 1, 7, 700);
	check_class(fx, 0, COL_CLASS_IN, 2, 3, 300);
	assert_int_equal(fx->r[0].delta.late_records, 0);
	check_conserved(fx);
}

/* The same for a DNS record: taken at the clock's time, not 20 h ahead. */
static void
test_engine_add_dns_ahead_of_the_clock_opens_no_future(void **state)
{
	struct fx *fx = *state;
	struct col_dns_rec d;

	memset(&d, 0, sizeof(d));
	d.time_ms = S + 20 * 3600000;
	col_engine_tick(fx->e, S + SEC(5));
	assert_int_equal(col_engine_add_dns(fx->e, &d), COL_FLOW_AHEAD);
	assert_int_equal(col_engine_get_stats(fx->e)->ahead_records, 1);
	add_class(fx, COL_CLASS_IN, 2, 200, S + SEC(6));
	assert_int_equal(col_engine_get_stats(fx->e)->late_records, 0);
	col_engine_tick(fx->e, S + SEC(60 + GRACE));
	assert_int_equal(fx->n, 1);
	assert_int_equal(fx->r[0].start_ms, S);
	check_class(fx, 0, COL_CLASS_IN, 1, 2, 200);
	check_conserved(fx);
}

/*
 * Issue 11.2: live, the very first record 48 h ahead (absurd: more than
 * a day) opened the first interval 48 h ahead: no report, every honest
 * record late.  It is taken at the clock's time and counted absurd (not
 * ahead: absurd times are never named, see record_time).
 */
static void
test_engine_add_first_record_days_ahead_opens_no_future(void **state)
{
	struct fx *fx = *state;
	struct col_flow f = class_flow(COL_CLASS_OUT, 7, 700, S + 2 * DAY_MS);
	uint64_t i;

	col_engine_tick(fx->e, S + SEC(5));
	assert_int_equal(col_engine_add(fx->e, &f), 0);
	fx->records++, fx->in.packets += 7, fx->in.bytes += 700;
	for (i = 0; i < 3; i++) {
		f = class_flow(COL_CLASS_IN, 2, 200, S + SEC(6 + i));
		assert_int_equal(col_engine_add(fx->e, &f), 0);
		fx->records++, fx->in.packets += 2, fx->in.bytes += 200;
	}
	assert_int_equal(col_engine_get_stats(fx->e)->absurd_records, 1);
	assert_int_equal(col_engine_get_stats(fx->e)->late_records, 0);
	col_engine_tick(fx->e, S + SEC(60 + GRACE));
	assert_int_equal(fx->n, 1);
	assert_int_equal(fx->r[0].start_ms, S);
	check_class(fx, 0, COL_CLASS_OUT, 1, 7, 700);
	check_class(fx, 0, COL_CLASS_IN, 3, 6, 600);
	assert_int_equal(fx->r[0].first[COL_CLASS_OUT].packets, 0);
	assert_int_equal(fx->r[0].delta.late_records, 0);
	assert_int_equal(fx->r[0].delta.absurd_records, 1);
	check_conserved(fx);
}

/*
 * The same for a device record 1 h ahead as the first thing received: it
 * opened the first interval an hour ahead, counted nowhere.
 */
static void
test_engine_add_device_ahead_of_the_clock_opens_no_future(void **state)
{
	struct fx *fx = *state;
	struct col_device_rec d;

	memset(&d, 0, sizeof(d));
	d.time_ms = S + 3600000;
	col_engine_tick(fx->e, S + SEC(5));
	assert_int_equal(col_engine_add_device(fx->e, &d), COL_FLOW_AHEAD);
	assert_int_equal(col_engine_get_stats(fx->e)->ahead_records, 1);
	/* Within the tolerance: not ahead. */
	d.time_ms = S + SEC(5) + COL_AHEAD_TOLERANCE_MS;
	assert_int_equal(col_engine_add_device(fx->e, &d), 0);
	assert_int_equal(col_engine_get_stats(fx->e)->ahead_records, 1);
	add_class(fx, COL_CLASS_IN, 2, 200, S + SEC(6));
	assert_int_equal(col_engine_get_stats(fx->e)->late_records, 0);
	col_engine_tick(fx->e, S + SEC(60 + GRACE));
	assert_int_equal(fx->n, 1);
	assert_int_equal(fx->r[0].start_ms, S);
	check_class(fx, 0, COL_CLASS_IN, 1, 2, 200);
	assert_int_equal(fx->r[0].delta.late_records, 0);
	check_conserved(fx);
}

static void
test_engine_tick_closes_on_wall_time(void **state)
{
	struct fx *fx = *state;

	col_engine_tick(fx->e, S + DAY_MS); /* nothing open: nothing */
	assert_int_equal(fx->n, 0);
	add_class(fx, COL_CLASS_OUT, 1, 100, S + SEC(10));
	add_class(fx, COL_CLASS_IN, 2, 200, S + SEC(62)); /* queued */
	col_engine_tick(fx->e, S + SEC(60 + GRACE) - 1);
	assert_int_equal(fx->n, 0);
	col_engine_tick(fx->e, S + SEC(60 + GRACE));
	assert_int_equal(fx->n, 1);
	check_only(fx, 0, COL_CLASS_OUT, 1, 1, 100);
	/* The queued record went into the next interval, now open. */
	add_class(fx, COL_CLASS_IN, 4, 400, S + SEC(70));
	col_engine_tick(fx->e, S + SEC(120 + GRACE));
	assert_int_equal(fx->n, 2);
	assert_int_equal(fx->r[1].start_ms, S + SEC(60));
	check_only(fx, 1, COL_CLASS_IN, 2, 6, 600);
	assert_int_equal(fx->r[1].delta.late_records, 0);
	/* Wall time alone makes no empty reports. */
	col_engine_tick(fx->e, S + SEC(600));
	assert_int_equal(fx->n, 2);
	check_conserved(fx);
	assert_int_equal(fx->n, 2);
}

static void
test_engine_flush_reports_queued_records(void **state)
{
	struct fx *fx = *state;

	col_engine_flush(fx->e); /* nothing yet: no report */
	assert_int_equal(fx->n, 0);
	add_class(fx, COL_CLASS_OUT, 1, 100, S + SEC(10));
	add_class(fx, COL_CLASS_IN, 2, 200, S + SEC(62)); /* queued */
	col_engine_flush(fx->e);
	assert_int_equal(fx->n, 2);
	assert_int_equal(fx->r[0].start_ms, S);
	check_only(fx, 0, COL_CLASS_OUT, 1, 1, 100);
	assert_int_equal(fx->r[1].start_ms, S + SEC(60));
	check_only(fx, 1, COL_CLASS_IN, 1, 2, 200);
	check_conserved(fx);
}

/* Queued two intervals ahead: the empty interval between is not reported. */
static void
test_engine_flush_skips_empty_interval(void **state)
{
	struct fx *fx = *state;

	make_engine(fx, 120, 16);
	add_class(fx, COL_CLASS_OUT, 1, 100, S + SEC(10));
	add_class(fx, COL_CLASS_IN, 2, 200, S + SEC(130)); /* queued */
	col_engine_flush(fx->e);
	assert_int_equal(fx->n, 2);
	check_only(fx, 0, COL_CLASS_OUT, 1, 1, 100);
	assert_int_equal(fx->r[1].start_ms, S + SEC(120));
	check_only(fx, 1, COL_CLASS_IN, 1, 2, 200);
	check_conserved(fx);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_engine_new_bad_interval_is_rejected),
		T(test_engine_add_one_interval_reports_at_flush),
		T(test_engine_add_interval_is_aligned),
		T(test_engine_add_within_grace_waits_for_next_interval),
		T(test_engine_add_past_grace_closes_interval),
		T(test_engine_add_late_record_counts_in_open_interval),
		T(test_engine_add_absurd_times_at_open_interval_start),
		T(test_engine_add_absurd_first_record_is_not_lost),
		T(test_engine_add_gap_makes_no_empty_reports),
		T(test_engine_tick_gap_of_a_year_makes_no_empty_reports),
		T(test_engine_add_full_queue_closes_early),
		T(test_engine_replay_keeps_the_rest_in_order),
		T(test_engine_add_full_queue_still_full_loses_nothing),
		T(test_engine_add_biflow_counts_reverse_class),
		T(test_engine_tick_closes_on_wall_time),
		T(test_engine_add_ahead_of_the_clock_moves_no_time),
		T(test_engine_add_dns_ahead_of_the_clock_opens_no_future),
		T(test_engine_add_first_record_days_ahead_opens_no_future),
		T(test_engine_add_device_ahead_of_the_clock_opens_no_future),
		T(test_engine_flush_reports_queued_records),
		T(test_engine_flush_skips_empty_interval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
