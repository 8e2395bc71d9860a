/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-report"

#include <stdint.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/model/classify.h"
#include "collector/model/consumer.h"
#include "collector/model/engine.h"
#include "collector/model/persec.h"
#include "collector/output/jsonw.h"
#include "collector/output/report_json.h"
#include "collector/output/report_summary.h"

static void
take_flow(void *self, struct col_record *r)
{
	struct col_report_summary *s = self;
	const struct col_flow *f = r->flow;

	r->cls =
	    col_classify(s->classifier, f, &r->src_internal, &r->dst_internal);
	col_persec_add(s->persec, r->cls, r->start_ms, r->end_ms, 1, f->packets,
	    f->octets);
	if (f->rev_packets != 0)
		col_persec_add(s->persec, col_class_reverse(r->cls),
		    r->start_ms, r->end_ms, 0, f->rev_packets, f->rev_octets);
}

static void
open_interval(void *self, uint64_t start_ms, uint64_t prev_end_ms)
{
	struct col_report_summary *s = self;

	(void)prev_end_ms;
	col_persec_reset(s->persec, start_ms);
}

static void
add_counts(struct col_jsonw *w, const struct col_counts *c)
{
	col_jsonw_uint(w, "flows", c->flows);
	col_jsonw_uint(w, "packets", c->packets);
	col_jsonw_uint(w, "bytes", c->bytes);
}

/* Class k: its totals and one entry per second of the interval. */
static void
build_class(struct col_jsonw *w, const struct col_persec *p, uint64_t start_ms,
    enum col_class k)
{
	struct col_counts c = { 0, 0, 0 };
	uint32_t i, n = 0;

	if (p != NULL) {
		col_persec_total(p, k, &c);
		n = col_persec_seconds(p);
	}
	col_jsonw_member(w, col_class_names[k]);
	col_jsonw_begin_object(w);
	add_counts(w, &c);
	col_jsonw_member(w, "per_second");
	col_jsonw_begin_array(w);
	for (i = 0; i < n; i++) {
		col_persec_get(p, k, i, &c);
		col_jsonw_begin_object(w);
		col_jsonw_time(w, "t", start_ms + (uint64_t)i * 1000);
		add_counts(w, &c);
		col_jsonw_end_object(w);
	}
	col_jsonw_end_array(w);
	col_jsonw_end_object(w);
}

static void
write_section(void *self, const struct col_section *sec)
{
	const struct col_report_summary *s = self;
	int k;

	col_jsonw_member(sec->w, "summary");
	col_jsonw_begin_object(sec->w);
	for (k = 0; k < COL_N_CLASSES; k++)
		build_class(sec->w, s->persec, sec->iv->start_ms,
		    (enum col_class)k);
	col_jsonw_end_object(sec->w);
}

struct col_consumer
col_report_summary_consumer(struct col_report_summary *s)
{
	struct col_consumer c = { .name = "summary",
		.self = s,
		.flow = take_flow,
		.write = write_section,
		.open = open_interval };

	return c;
}
