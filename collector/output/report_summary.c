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
add_counts(JsonBuilder *b, const struct col_counts *c)
{
	col_json_uint(b, "flows", c->flows);
	col_json_uint(b, "packets", c->packets);
	col_json_uint(b, "bytes", c->bytes);
}

/* Class k: its totals and one entry per second of the interval. */
static void
build_class(JsonBuilder *b, const struct col_persec *p, uint64_t start_ms,
    enum col_class k)
{
	struct col_counts c = { 0, 0, 0 };
	uint32_t i, n = 0;

	if (p != NULL) {
		col_persec_total(p, k, &c);
		n = col_persec_seconds(p);
	}
	json_builder_set_member_name(b, col_class_names[k]);
	json_builder_begin_object(b);
	add_counts(b, &c);
	json_builder_set_member_name(b, "per_second");
	json_builder_begin_array(b);
	for (i = 0; i < n; i++) {
		col_persec_get(p, k, i, &c);
		json_builder_begin_object(b);
		col_json_time(b, "t", start_ms + (uint64_t)i * 1000);
		add_counts(b, &c);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
}

static void
write_section(void *self, const struct col_section *sec)
{
	const struct col_report_summary *s = self;
	int k;

	json_builder_set_member_name(sec->b, "summary");
	json_builder_begin_object(sec->b);
	for (k = 0; k < COL_N_CLASSES; k++)
		build_class(sec->b, s->persec, sec->iv->start_ms,
		    (enum col_class)k);
	json_builder_end_object(sec->b);
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
