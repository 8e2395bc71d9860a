/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef TESTS_REPORTFX_H
#define TESTS_REPORTFX_H

/*
 * reportfx: what the report tests share.  An interval built by hand
 * (tables and per-second counters filled as the engine would) and
 * queries into the JSON document col_report_build() makes, by path:
 * qi(root, "top.talkers.%d.bytes", i) is that integer; a path that is not
 * in the document fails the test.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/model/classify.h"
#include "collector/model/consumer.h"
#include "collector/model/engine.h"
#include "collector/model/flow.h"
#include "collector/model/persec.h"
#include "collector/model/tables.h"
#include "collector/output/report.h"
#include "collector/output/report_anomaly.h"
#include "collector/output/report_flows.h"
#include "collector/output/report_summary.h"

#define RFX_START_MS UINT64_C(1768471200000) /* 2026-01-15T10:00:00Z */
#define RFX_INTERVAL_S 60
#define RFX_CAPACITY 16

/* An interval built by hand, as the engine would, with the sections of
 * collector/wiring.c (no DNS, flow or anomaly statistics: empty). */
struct rfx {
	struct col_tables *t;
	struct col_persec *p;
	struct col_interval iv;
	struct col_consumers *l;
	struct col_report_summary sum;
	struct col_report_flows flows;
	struct col_report_anomaly anomaly;
};

/* Queries by path: integer, string, boolean, length. */
#define qi(...) rj_int(rj_at(__VA_ARGS__))
#define qs(...) rj_str(rj_at(__VA_ARGS__))
#define qb(...) rj_bool(rj_at(__VA_ARGS__))
#define qn(...) rj_len(rj_at(__VA_ARGS__))

/* An empty interval of RFX_INTERVAL_S seconds from start_ms. */
void rfx_init(struct rfx *fx, uint64_t start_ms);
void rfx_clear(struct rfx *fx);

/* A uniflow record src:sp -> dst:dp from RFX_START_MS + t0 to + t1. */
struct col_flow rfx_flow(const char *src, uint16_t sp, const char *dst,
    uint16_t dp, uint8_t proto, uint64_t packets, uint64_t octets, uint64_t t0,
    uint64_t t1);

/* Account f to the tables and to class k's seconds. */
void rfx_add(struct rfx *fx, const struct col_flow *f, enum col_class k,
    gboolean src_internal, gboolean dst_internal, uint16_t app_port);

/* rfx_init() at RFX_START_MS, then four records (see reportfx.c). */
void rfx_standard(struct rfx *fx);

/*
 * Build the report, check that its text written straight
 * (col_report_text()) is the text of its tree, and read it back.
 */
JsonNode *rfx_build(const struct rfx *fx, uint32_t top,
    const struct col_report_exporter *exp, size_t n_exp);

/* The node at a path such as "top.talkers.0.bytes", borrowed from root. */
JsonNode *rj_at(JsonNode *root, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* The value of n, which must be of that type (string: NULL for null). */
gint64 rj_int(JsonNode *n);
const char *rj_str(JsonNode *n);
gboolean rj_bool(JsonNode *n);

/* Elements of an array, members of an object. */
gint64 rj_len(JsonNode *n);

/*
 * The object n has exactly the members named in keys (space-separated),
 * and the first n_want of them hold the integers want[].
 */
void rj_assert_ints(JsonNode *n, const char *keys, const gint64 *want,
    size_t n_want);

#endif
