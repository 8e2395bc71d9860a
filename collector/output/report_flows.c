/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-report"

#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/model/engine.h"
#include "collector/analytics/flowstats.h"
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
build_focus(JsonBuilder *b, const struct col_interval *iv)
{
	const struct mf_prefix *p = col_flowstats_get_focus(iv->flowstats);
	struct col_flowstats_summary s;
	char ip[MF_ADDR_STRLEN], *target;

	if (p == NULL ||
	    !col_flowstats_get(iv->flowstats, TRUE, iv->tables, &s))
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
col_report_flows_build(JsonBuilder *b, const struct col_interval *iv)
{
	struct col_flowstats_summary s;
	struct col_flowstats *empty = NULL;
	const struct col_flowstats *fs = iv->flowstats;

	if (fs == NULL)
		fs = empty = col_flowstats_new(NULL);
	col_flowstats_get(fs, FALSE, iv->tables, &s);
	json_builder_set_member_name(b, "flows");
	json_builder_begin_object(b);
	build_view(b, &s);
	if (iv->flowstats != NULL)
		build_focus(b, iv);
	json_builder_end_object(b);
	col_flowstats_free(empty);
}
