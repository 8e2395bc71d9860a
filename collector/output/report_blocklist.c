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
#include "collector/output/jsonw.h"
#include "collector/output/report_json.h"
#include "common/addr.h"

static void
build_hit(struct col_jsonw *w, const struct col_blockhit *e)
{
	col_jsonw_begin_object(w);
	col_jsonw_str(w, "list", e->list);
	col_jsonw_uint(w, "line", e->line);
	col_jsonw_str(w, "entry", e->entry);
	col_jsonw_text(w, "kind", e->kind == COL_BL_IP ? "ip" : "domain");
	col_jsonw_str(w, "match", e->match);
	col_jsonw_str(w, "device", e->device[0] != '\0' ? e->device : NULL);
	col_jsonw_text(w, "remote_address",
	    e->remote_addr[0] != '\0' ? e->remote_addr : NULL);
	col_jsonw_str(w, "remote_name",
	    e->remote_name[0] != '\0' ? e->remote_name : NULL);
	col_jsonw_text(w, "via", col_bl_via_names[e->via]);
	col_jsonw_uint(w, "flows", e->flows);
	col_jsonw_uint(w, "bytes", e->bytes);
	col_jsonw_time(w, "first", e->first_ms);
	col_jsonw_time(w, "last", e->last_ms);
	col_jsonw_end_object(w);
}

void
col_report_blocklist(struct col_jsonw *w, const struct col_blockhits *h)
{
	const struct col_blockhit *hits;
	struct col_blocklist_stats st;
	size_t i, n;

	if (!col_blockhits_enabled(h))
		return;
	hits = col_blockhits_list(h, &n);
	col_blockhits_get_stats(h, &st);
	col_jsonw_member(w, "blocklist");
	col_jsonw_begin_object(w);
	col_jsonw_member(w, "hits");
	col_jsonw_begin_array(w);
	for (i = 0; i < n; i++)
		build_hit(w, &hits[i]);
	col_jsonw_end_array(w);
	col_jsonw_member(w, "entries");
	col_jsonw_begin_object(w);
	col_jsonw_uint(w, "ip", st.ip4 + st.ip6);
	col_jsonw_uint(w, "domain", st.domains);
	col_jsonw_end_object(w);
	col_jsonw_uint(w, "bad_lines", st.bad_lines);
	col_jsonw_uint(w, "dropped_hits", col_blockhits_dropped(h));
	col_jsonw_end_object(w);
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

	col_report_blocklist(s->w, rb->hits);
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
