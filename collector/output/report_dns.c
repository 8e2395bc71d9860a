/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-report"

#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/analytics/dnsstats.h"
#include "collector/model/consumer.h"
#include "collector/model/flow.h"
#include "collector/output/report_dns.h"
#include "collector/output/jsonw.h"
#include "collector/output/report_json.h"
#include "common/model.h"

/* [{key_name: key, count_name: count}, ...] of the top entries of list. */
static void
build_counts(struct col_jsonw *w, const struct col_dnsstats *s,
    enum col_dns_list list, const char *member, size_t top,
    const char *key_name, const char *count_name)
{
	size_t n, i;
	struct col_dns_count *items = col_dnsstats_sorted(s, list, &n);

	col_jsonw_member(w, member);
	col_jsonw_begin_array(w);
	for (i = 0; i < n && i < top; i++) {
		col_jsonw_begin_object(w);
		col_jsonw_str(w, key_name, items[i].key);
		col_jsonw_uint(w, count_name, items[i].count);
		col_jsonw_end_object(w);
	}
	col_jsonw_end_array(w);
	g_free(items);
}

static void
build_failures(struct col_jsonw *w, const struct col_dnsstats *s, size_t top)
{
	size_t n, i;
	struct col_dns_count *items =
	    col_dnsstats_sorted(s, COL_DNS_FAILURES, &n);

	col_jsonw_member(w, "failures");
	col_jsonw_begin_array(w);
	for (i = 0; i < n && i < top; i++) {
		col_jsonw_begin_object(w);
		col_jsonw_str(w, "name", items[i].key);
		if (items[i].rcode == COL_DNS_RCODE_TIMEOUT)
			col_jsonw_str(w, "rcode", "timeout");
		else
			col_jsonw_uint(w, "rcode", items[i].rcode);
		col_jsonw_uint(w, "count", items[i].count);
		col_jsonw_end_object(w);
	}
	col_jsonw_end_array(w);
	g_free(items);
}

static void
build_last(struct col_jsonw *w, const struct col_dnsstats *s, size_t top)
{
	const struct col_dns_last *l;
	size_t i;

	col_jsonw_member(w, "last_resolved");
	col_jsonw_begin_array(w);
	for (i = 0; i < top && (l = col_dnsstats_get_last(s, i)) != NULL; i++) {
		col_jsonw_begin_object(w);
		col_jsonw_str(w, "name", l->name);
		col_jsonw_str(w, "address", l->address);
		col_jsonw_str(w, "client", l->client);
		col_jsonw_time(w, "time", l->time_ms);
		col_jsonw_end_object(w);
	}
	col_jsonw_end_array(w);
}

/* The empty "dns" object, for an interval without DNS statistics. */
static void
build_empty(struct col_jsonw *w)
{
	static const char *const lists[] = { "most_resolved", "last_resolved",
		"failures", "clients" };
	size_t i;

	col_jsonw_member(w, "dns");
	col_jsonw_begin_object(w);
	col_jsonw_str(w, "source", "none");
	for (i = 0; i < G_N_ELEMENTS(lists); i++) {
		col_jsonw_member(w, lists[i]);
		col_jsonw_begin_array(w);
		col_jsonw_end_array(w);
	}
	col_jsonw_end_object(w);
}

void
col_report_dns_build(struct col_jsonw *w, const struct col_dnsstats *s,
    size_t top)
{
	const struct col_dnsstats_counters *c;

	if (s == NULL) {
		build_empty(w);
		return;
	}
	c = col_dnsstats_get_counters(s);
	col_jsonw_member(w, "dns");
	col_jsonw_begin_object(w);
	col_jsonw_str(w, "source", col_dnsstats_source(s));
	build_counts(w, s, COL_DNS_MOST_RESOLVED, "most_resolved", top, "name",
	    "count");
	build_last(w, s, top);
	build_failures(w, s, top);
	build_counts(w, s, COL_DNS_CLIENTS, "clients", top, "address",
	    "queries");
	col_jsonw_uint(w, "records", c->records);
	col_jsonw_uint(w, "answers", c->answers);
	col_jsonw_uint(w, "unanswered", c->unanswered);
	col_jsonw_uint(w, "names_dropped", c->names_dropped);
	col_jsonw_uint(w, "clients_dropped", c->clients_dropped);
	col_jsonw_end_object(w);
}

static void
take_flow(void *self, struct col_record *r)
{
	const struct col_flow *f = r->flow;

	if (f->label_source == MF_LABEL_DNS ||
	    f->label_source == MF_LABEL_DNS_OTHER_CLIENT)
		col_dnsstats_add_label(self, f->label);
}

static void
take_dns(void *self, const struct col_dns_rec *d)
{
	col_dnsstats_add(self, d);
}

static void
open_interval(void *self, uint64_t start_ms, uint64_t prev_end_ms)
{
	(void)start_ms;
	(void)prev_end_ms;
	col_dnsstats_reset(self);
}

static void
write_section(void *self, const struct col_section *s)
{
	col_report_dns_build(s->w, self, s->top);
}

struct col_consumer
col_report_dns_consumer(struct col_dnsstats *s)
{
	struct col_consumer c = { .name = "dns",
		.self = s,
		.flow = take_flow,
		.dns = take_dns,
		.write = write_section,
		.open = open_interval };

	return c;
}
