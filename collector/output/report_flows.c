/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-report"

#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/analytics/flowstats.h"
#include "collector/model/consumer.h"
#include "collector/model/tables.h"
#include "collector/output/report_flows.h"
#include "collector/output/report_json.h"
#include "common/addr.h"

static void
put_quantile(JsonBuilder *b, const char *key, uint64_t count, uint64_t v)
{
	if (count == 0) {
		json_builder_set_member_name(b, key);
		json_builder_add_null_value(b);
		return;
	}
	col_json_uint(b, key, v);
}

static void
build_dist(JsonBuilder *b, const char *key, const struct col_flowstats_dist *d)
{
	size_t i;

	json_builder_set_member_name(b, key);
	json_builder_begin_object(b);
	col_json_uint(b, "count", d->count);
	put_quantile(b, "p50", d->count, d->p50);
	put_quantile(b, "p90", d->count, d->p90);
	put_quantile(b, "p99", d->count, d->p99);
	json_builder_set_member_name(b, "cdf");
	json_builder_begin_array(b);
	for (i = 0; i < d->n_bounds; i++) {
		json_builder_begin_object(b);
		col_json_uint(b, "le", d->bounds[i]);
		col_json_uint(b, "count", d->cdf[i]);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
}

/* The members of one view (all flows, or the focus). */
static void
build_view(JsonBuilder *b, const struct col_flowstats_summary *s)
{
	const struct {
		const char *key;
		uint64_t v;
	} counts[] = { { "finished", s->finished }, { "ongoing", s->ongoing },
		{ "half_open", s->half_open },
		{ "end_unknown", s->end_unknown },
		{ "bad_times", s->bad_times } };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(counts); i++)
		col_json_uint(b, counts[i].key, counts[i].v);
	build_dist(b, "duration_ms", &s->duration_ms);
	build_dist(b, "bytes", &s->bytes);
}

static void
build_focus(JsonBuilder *b, const struct col_flowstats *fs,
    const struct col_tables *tables)
{
	const struct mf_prefix *p = col_flowstats_get_focus(fs);
	struct col_flowstats_summary s;
	char ip[MF_ADDR_STRLEN], *target;

	if (p == NULL || !col_flowstats_get(fs, TRUE, tables, &s))
		return;
	target = g_strdup_printf("%s/%u",
	    mf_addr_format(&p->addr, ip, sizeof(ip)), (unsigned)p->len);
	json_builder_set_member_name(b, "focus");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "target");
	json_builder_add_string_value(b, target);
	build_view(b, &s);
	json_builder_end_object(b);
	g_free(target);
}

void
col_report_flows_build(JsonBuilder *b, const struct col_flowstats *fs,
    const struct col_tables *tables)
{
	struct col_flowstats_summary s;
	struct col_flowstats *empty = NULL;

	if (fs == NULL)
		empty = col_flowstats_new(NULL);
	col_flowstats_get(fs != NULL ? fs : empty, FALSE, tables, &s);
	json_builder_set_member_name(b, "flows");
	json_builder_begin_object(b);
	build_view(b, &s);
	if (fs != NULL)
		build_focus(b, fs, tables);
	json_builder_end_object(b);
	col_flowstats_free(empty);
}

static void
take_flow(void *self, struct col_record *r)
{
	struct col_report_flows *rf = self;

	col_flowstats_add(rf->flowstats, r->flow);
}

static void
open_interval(void *self, uint64_t start_ms, uint64_t prev_end_ms)
{
	struct col_report_flows *rf = self;

	(void)start_ms;
	(void)prev_end_ms;
	col_flowstats_reset(rf->flowstats);
}

static void
write_section(void *self, const struct col_section *s)
{
	const struct col_report_flows *rf = self;

	col_report_flows_build(s->b, rf->flowstats, rf->tables);
}

struct col_consumer
col_report_flows_consumer(struct col_report_flows *rf)
{
	struct col_consumer c = { .name = "flows",
		.self = rf,
		.flow = take_flow,
		.write = write_section,
		.open = open_interval };

	return c;
}
