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
#include "collector/output/jsonw.h"
#include "collector/output/report_json.h"
#include "common/addr.h"

static void
put_quantile(struct col_jsonw *w, const char *key, uint64_t count, uint64_t v)
{
	if (count == 0) {
		col_jsonw_member(w, key);
		col_jsonw_null(w);
		return;
	}
	col_jsonw_uint(w, key, v);
}

static void
build_dist(struct col_jsonw *w, const char *key,
    const struct col_flowstats_dist *d)
{
	size_t i;

	col_jsonw_member(w, key);
	col_jsonw_begin_object(w);
	col_jsonw_uint(w, "count", d->count);
	put_quantile(w, "p50", d->count, d->p50);
	put_quantile(w, "p90", d->count, d->p90);
	put_quantile(w, "p99", d->count, d->p99);
	col_jsonw_member(w, "cdf");
	col_jsonw_begin_array(w);
	for (i = 0; i < d->n_bounds; i++) {
		col_jsonw_begin_object(w);
		col_jsonw_uint(w, "le", d->bounds[i]);
		col_jsonw_uint(w, "count", d->cdf[i]);
		col_jsonw_end_object(w);
	}
	col_jsonw_end_array(w);
	col_jsonw_end_object(w);
}

/* The members of one view (all flows, or the focus). */
static void
build_view(struct col_jsonw *w, const struct col_flowstats_summary *s)
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
		col_jsonw_uint(w, counts[i].key, counts[i].v);
	build_dist(w, "duration_ms", &s->duration_ms);
	build_dist(w, "bytes", &s->bytes);
}

static void
build_focus(struct col_jsonw *w, const struct col_flowstats *fs,
    const struct col_tables *tables)
{
	const struct mf_prefix *p = col_flowstats_get_focus(fs);
	struct col_flowstats_summary s;
	char ip[MF_ADDR_STRLEN], *target;

	if (p == NULL || !col_flowstats_get(fs, TRUE, tables, &s))
		return;
	target = g_strdup_printf("%s/%u",
	    mf_addr_format(&p->addr, ip, sizeof(ip)), (unsigned)p->len);
	col_jsonw_member(w, "focus");
	col_jsonw_begin_object(w);
	col_jsonw_member(w, "target");
	col_jsonw_string(w, target);
	build_view(w, &s);
	col_jsonw_end_object(w);
	g_free(target);
}

void
col_report_flows_build(struct col_jsonw *w, const struct col_flowstats *fs,
    const struct col_tables *tables)
{
	struct col_flowstats_summary s;
	struct col_flowstats *empty = NULL;

	if (fs == NULL)
		empty = col_flowstats_new(NULL);
	col_flowstats_get(fs != NULL ? fs : empty, FALSE, tables, &s);
	col_jsonw_member(w, "flows");
	col_jsonw_begin_object(w);
	build_view(w, &s);
	if (fs != NULL)
		build_focus(w, fs, tables);
	col_jsonw_end_object(w);
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

	col_report_flows_build(s->w, rf->flowstats, rf->tables);
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
