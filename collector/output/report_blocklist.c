/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-report"

#include <stdint.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/analytics/blockhits.h"
#include "collector/model/devices.h"
#include "collector/model/consumer.h"
#include "collector/model/engine.h"
#include "collector/output/report_blocklist.h"
#include "collector/output/report_json.h"
#include "common/addr.h"

static void
build_hit(JsonBuilder *b, const struct col_blockhit *e)
{
	json_builder_begin_object(b);
	col_json_str(b, "list", e->list);
	col_json_uint(b, "line", e->line);
	col_json_str(b, "entry", e->entry);
	col_json_text(b, "kind", e->kind == COL_BL_IP ? "ip" : "domain");
	col_json_str(b, "match", e->match);
	col_json_str(b, "device", e->device[0] != '\0' ? e->device : NULL);
	col_json_text(b, "remote_address",
	    e->remote_addr[0] != '\0' ? e->remote_addr : NULL);
	col_json_str(b, "remote_name",
	    e->remote_name[0] != '\0' ? e->remote_name : NULL);
	col_json_text(b, "via", col_bl_via_names[e->via]);
	col_json_uint(b, "flows", e->flows);
	col_json_uint(b, "bytes", e->bytes);
	col_json_time(b, "first", e->first_ms);
	col_json_time(b, "last", e->last_ms);
	json_builder_end_object(b);
}

void
col_report_blocklist(JsonBuilder *b, const struct col_blockhits *h)
{
	const struct col_blockhit *hits;
	struct col_blocklist_stats st;
	size_t i, n;

	if (!col_blockhits_enabled(h))
		return;
	hits = col_blockhits_list(h, &n);
	col_blockhits_get_stats(h, &st);
	json_builder_set_member_name(b, "blocklist");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "hits");
	json_builder_begin_array(b);
	for (i = 0; i < n; i++)
		build_hit(b, &hits[i]);
	json_builder_end_array(b);
	json_builder_set_member_name(b, "entries");
	json_builder_begin_object(b);
	col_json_uint(b, "ip", st.ip4 + st.ip6);
	col_json_uint(b, "domain", st.domains);
	json_builder_end_object(b);
	col_json_uint(b, "bad_lines", st.bad_lines);
	col_json_uint(b, "dropped_hits", col_blockhits_dropped(h));
	json_builder_end_object(b);
}

static void
take_flow(void *self, struct col_record *r)
{
	struct col_report_blocklist *rb = self;

	col_blockhits_flow(rb->hits, r->flow, r->src_internal, r->dst_internal,
	    r->device, r->end_ms);
}

static void
take_dns(void *self, const struct col_dns_rec *d)
{
	struct col_report_blocklist *rb = self;

	col_blockhits_dns(rb->hits, d,
	    rb->devices != NULL ? col_devices_find_addr(rb->devices, &d->client)
	                        : NULL);
}

static void
close_interval(void *self, const struct col_interval *iv)
{
	struct col_report_blocklist *rb = self;

	(void)iv;
	(void)col_blockhits_check(rb->hits);
}

static void
write_section(void *self, const struct col_section *s)
{
	struct col_report_blocklist *rb = self;

	col_report_blocklist(s->b, rb->hits);
}

static void
open_interval(void *self, uint64_t start_ms, uint64_t prev_end_ms)
{
	struct col_report_blocklist *rb = self;

	(void)start_ms;
	(void)prev_end_ms;
	col_blockhits_reset(rb->hits);
}

struct col_consumer
col_report_blocklist_consumer(struct col_report_blocklist *rb)
{
	struct col_consumer c = { .name = "blocklist",
		.self = rb,
		.flow = take_flow,
		.dns = take_dns,
		.close = close_interval,
		.write = write_section,
		.open = open_interval };

	return c;
}
