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
#include "collector/output/report_json.h"
#include "common/model.h"

/* [{key_name: key, count_name: count}, ...] of the top entries of list. */
static void
build_counts(JsonBuilder *b, const struct col_dnsstats *s,
    enum col_dns_list list, const char *member, size_t top,
    const char *key_name, const char *count_name)
{
	size_t n, i;
	struct col_dns_count *items = col_dnsstats_sorted(s, list, &n);

	json_builder_set_member_name(b, member);
	json_builder_begin_array(b);
	for (i = 0; i < n && i < top; i++) {
		json_builder_begin_object(b);
		col_json_str(b, key_name, items[i].key);
		col_json_uint(b, count_name, items[i].count);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	g_free(items);
}

static void
build_failures(JsonBuilder *b, const struct col_dnsstats *s, size_t top)
{
	size_t n, i;
	struct col_dns_count *items =
	    col_dnsstats_sorted(s, COL_DNS_FAILURES, &n);

	json_builder_set_member_name(b, "failures");
	json_builder_begin_array(b);
	for (i = 0; i < n && i < top; i++) {
		json_builder_begin_object(b);
		col_json_str(b, "name", items[i].key);
		if (items[i].rcode == COL_DNS_RCODE_TIMEOUT)
			col_json_str(b, "rcode", "timeout");
		else
			col_json_uint(b, "rcode", items[i].rcode);
		col_json_uint(b, "count", items[i].count);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	g_free(items);
}

static void
build_last(JsonBuilder *b, const struct col_dnsstats *s, size_t top)
{
	const struct col_dns_last *l;
	size_t i;

	json_builder_set_member_name(b, "last_resolved");
	json_builder_begin_array(b);
	for (i = 0; i < top && (l = col_dnsstats_get_last(s, i)) != NULL; i++) {
		json_builder_begin_object(b);
		col_json_str(b, "name", l->name);
		col_json_str(b, "address", l->address);
		col_json_str(b, "client", l->client);
		col_json_time(b, "time", l->time_ms);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

/* The empty "dns" object, for an interval without DNS statistics. */
static void
build_empty(JsonBuilder *b)
{
	static const char *const lists[] = { "most_resolved", "last_resolved",
		"failures", "clients" };
	size_t i;

	json_builder_set_member_name(b, "dns");
	json_builder_begin_object(b);
	col_json_str(b, "source", "none");
	for (i = 0; i < G_N_ELEMENTS(lists); i++) {
		json_builder_set_member_name(b, lists[i]);
		json_builder_begin_array(b);
		json_builder_end_array(b);
	}
	json_builder_end_object(b);
}

void
col_report_dns_build(JsonBuilder *b, const struct col_dnsstats *s, size_t top)
{
	const struct col_dnsstats_counters *c;

	if (s == NULL) {
		build_empty(b);
		return;
	}
	c = col_dnsstats_get_counters(s);
	json_builder_set_member_name(b, "dns");
	json_builder_begin_object(b);
	col_json_str(b, "source", col_dnsstats_source(s));
	build_counts(b, s, COL_DNS_MOST_RESOLVED, "most_resolved", top, "name",
	    "count");
	build_last(b, s, top);
	build_failures(b, s, top);
	build_counts(b, s, COL_DNS_CLIENTS, "clients", top, "address",
	    "queries");
	col_json_uint(b, "records", c->records);
	col_json_uint(b, "answers", c->answers);
	col_json_uint(b, "unanswered", c->unanswered);
	col_json_uint(b, "names_dropped", c->names_dropped);
	col_json_uint(b, "clients_dropped", c->clients_dropped);
	json_builder_end_object(b);
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
	col_report_dns_build(s->b, self, s->top);
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
