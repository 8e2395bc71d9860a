/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-report"

#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/model/consumer.h"
#include "collector/model/tables.h"
#include "collector/model/topn.h"
#include "collector/output/report_devices.h"
#include "collector/output/report_geo.h"
#include "collector/output/jsonw.h"
#include "collector/output/report_json.h"
#include "collector/output/report_tables.h"
#include "common/addr.h"

#define MAC_STRLEN 18 /* "aa:bb:cc:dd:ee:ff" and the NUL */

/*
 * The top lists of one report in rank order (arrays of col_topn_item),
 * and the ids the report refers to (sorted, unique).  Allocated per
 * report, never per record.
 */
struct tops {
	GArray *talkers, *convs, *apps;
	GArray *addr_ids, *stream_ids;
};

static void
talker_item(const struct col_address *a, void *ctx)
{
	struct col_topn_item it = { .id = a->id,
		.bytes = a->sent.bytes + a->received.bytes,
		.packets = a->sent.packets + a->received.packets,
		.flows = a->sent.flows + a->received.flows };

	g_array_append_val((GArray *)ctx, it);
}

static void
conv_item(const struct col_stream *s, void *ctx)
{
	struct col_topn_item it = { .id = s->id,
		.bytes = s->l2r.bytes + s->r2l.bytes,
		.packets = s->l2r.packets + s->r2l.packets,
		.flows = s->l2r.flows + s->r2l.flows };

	g_array_append_val((GArray *)ctx, it);
}

static void
app_item(const struct col_port *p, void *ctx)
{
	struct col_topn_item it = { .id = p->id,
		.bytes = p->counts.bytes,
		.packets = p->counts.packets,
		.flows = p->counts.flows };

	g_array_append_val((GArray *)ctx, it);
}

/* Keep the top entries of a, largest first. */
static void
select_top(GArray *a, uint32_t top)
{
	g_array_set_size(a,
	    (guint)col_topn_select((struct col_topn_item *)(void *)a->data,
	        a->len, top));
}

static gint
cmp_u32(gconstpointer a, gconstpointer b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Sort a (of uint32_t) and drop duplicates. */
static void
sort_unique(GArray *a)
{
	guint i, n = 0;

	g_array_sort(a, cmp_u32);
	for (i = 0; i < a->len; i++)
		if (n == 0 ||
		    g_array_index(a, uint32_t, i) !=
		        g_array_index(a, uint32_t, n - 1))
			g_array_index(a, uint32_t, n++) =
			    g_array_index(a, uint32_t, i);
	g_array_set_size(a, n);
}

/* The ids the top lists refer to: talkers, and both sides of streams. */
static void
collect_ids(struct tops *t, const struct col_tables *tables)
{
	const struct col_topn_item *it;
	const struct col_stream *s;
	guint i;

	for (i = 0; i < t->talkers->len; i++) {
		it = &g_array_index(t->talkers, struct col_topn_item, i);
		g_array_append_val(t->addr_ids, it->id);
	}
	for (i = 0; i < t->convs->len; i++) {
		it = &g_array_index(t->convs, struct col_topn_item, i);
		if ((s = col_tables_stream(tables, it->id)) == NULL)
			continue;
		g_array_append_val(t->stream_ids, s->id);
		g_array_append_val(t->addr_ids, s->left);
		g_array_append_val(t->addr_ids, s->right);
	}
	sort_unique(t->addr_ids);
	sort_unique(t->stream_ids);
}

static void
tops_init(struct tops *t, const struct col_tables *tables, uint32_t top)
{
	size_t sz = sizeof(struct col_topn_item);

	t->talkers = g_array_new(FALSE, FALSE, (guint)sz);
	t->convs = g_array_new(FALSE, FALSE, (guint)sz);
	t->apps = g_array_new(FALSE, FALSE, (guint)sz);
	t->addr_ids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	t->stream_ids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	if (tables == NULL)
		return;
	col_tables_foreach_address(tables, talker_item, t->talkers);
	col_tables_foreach_stream(tables, conv_item, t->convs);
	col_tables_foreach_port(tables, app_item, t->apps);
	select_top(t->talkers, top);
	select_top(t->convs, top);
	select_top(t->apps, top);
	collect_ids(t, tables);
}

static void
tops_clear(struct tops *t)
{
	g_array_free(t->talkers, TRUE);
	g_array_free(t->convs, TRUE);
	g_array_free(t->apps, TRUE);
	g_array_free(t->addr_ids, TRUE);
	g_array_free(t->stream_ids, TRUE);
}

/* Address id -> the DNS label a stream of this interval gives it. */
static void
note_label(const struct col_stream *s, void *ctx)
{
	if (s->label[0] != '\0' && (s->l2r.flows | s->r2l.flows) != 0)
		g_hash_table_insert(ctx, GUINT_TO_POINTER(s->right + 1),
		    (gpointer)(uintptr_t)s->label);
}

static void
build_address(struct col_jsonw *w, const struct col_address *a,
    const char *label, const struct col_geo *geo)
{
	char ip[MF_ADDR_STRLEN], mac[MAC_STRLEN];

	col_jsonw_begin_object(w);
	col_jsonw_uint(w, "id", a->id);
	col_jsonw_str(w, "ip", mf_addr_format(&a->addr, ip, sizeof(ip)));
	if (a->has_mac)
		g_snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
		    a->mac[0], a->mac[1], a->mac[2], a->mac[3], a->mac[4],
		    a->mac[5]);
	col_jsonw_str(w, "mac", a->has_mac ? mac : NULL);
	col_jsonw_str(w, "label", label);
	col_jsonw_member(w, "internal");
	col_jsonw_bool(w, a->internal != 0);
	if (geo != NULL)
		col_report_geo_address(w, geo, a);
	col_jsonw_end_object(w);
}

static void
build_addresses(struct col_jsonw *w, const struct tops *t,
    const struct col_tables *tables, const struct col_geo *geo)
{
	GHashTable *labels = g_hash_table_new(NULL, NULL);
	const struct col_address *a;
	guint i;

	col_tables_foreach_stream(tables, note_label, labels);
	col_jsonw_member(w, "addresses");
	col_jsonw_begin_array(w);
	for (i = 0; i < t->addr_ids->len; i++)
		if ((a = col_tables_address(tables,
		         g_array_index(t->addr_ids, uint32_t, i))) != NULL)
			build_address(w, a,
			    g_hash_table_lookup(labels,
			        GUINT_TO_POINTER(a->id + 1)),
			    geo);
	col_jsonw_end_array(w);
	g_hash_table_destroy(labels);
}

static void
build_stream(struct col_jsonw *w, const struct col_stream *s)
{
	col_jsonw_begin_object(w);
	col_jsonw_uint(w, "id", s->id);
	col_jsonw_uint(w, "proto", s->proto);
	col_jsonw_uint(w, "left", s->left);
	col_jsonw_uint(w, "left_port", s->left_port);
	col_jsonw_uint(w, "right", s->right);
	col_jsonw_uint(w, "right_port", s->right_port);
	col_jsonw_str(w, "label", s->label);
	if (s->process[0] != '\0') { /* minflow-exporter --processes */
		col_jsonw_str(w, "process", s->process);
		col_jsonw_uint(w, "pid", s->pid);
	}
	col_jsonw_uint(w, "flags", s->flags);
	col_jsonw_uint(w, "packets", s->l2r.packets + s->r2l.packets);
	col_jsonw_uint(w, "bytes", s->l2r.bytes + s->r2l.bytes);
	col_jsonw_end_object(w);
}

static void
build_streams(struct col_jsonw *w, const struct tops *t,
    const struct col_tables *tables)
{
	const struct col_stream *s;
	guint i;

	col_jsonw_member(w, "streams");
	col_jsonw_begin_array(w);
	for (i = 0; i < t->stream_ids->len; i++)
		if ((s = col_tables_stream(tables,
		         g_array_index(t->stream_ids, uint32_t, i))) != NULL)
			build_stream(w, s);
	col_jsonw_end_array(w);
}

/* One top list: each item as {id_key: id, bytes, packets[, flows]}. */
static void
build_list(struct col_jsonw *w, const char *name, const GArray *a,
    const char *id_key, gboolean flows)
{
	const struct col_topn_item *it;
	guint i;

	col_jsonw_member(w, name);
	col_jsonw_begin_array(w);
	for (i = 0; i < a->len; i++) {
		it = &g_array_index(a, struct col_topn_item, i);
		col_jsonw_begin_object(w);
		col_jsonw_uint(w, id_key, it->id);
		col_jsonw_uint(w, "bytes", it->bytes);
		col_jsonw_uint(w, "packets", it->packets);
		if (flows)
			col_jsonw_uint(w, "flows", it->flows);
		col_jsonw_end_object(w);
	}
	col_jsonw_end_array(w);
}

static void
build_apps(struct col_jsonw *w, const GArray *a,
    const struct col_tables *tables)
{
	const struct col_topn_item *it;
	const struct col_port *p;
	guint i;

	col_jsonw_member(w, "applications");
	col_jsonw_begin_array(w);
	for (i = 0; i < a->len; i++) {
		it = &g_array_index(a, struct col_topn_item, i);
		if ((p = col_tables_port(tables, it->id)) == NULL)
			continue;
		col_jsonw_begin_object(w);
		col_jsonw_uint(w, "proto", p->proto);
		col_jsonw_uint(w, "port", p->port);
		col_jsonw_uint(w, "bytes", it->bytes);
		col_jsonw_uint(w, "packets", it->packets);
		col_jsonw_uint(w, "flows", it->flows);
		col_jsonw_end_object(w);
	}
	col_jsonw_end_array(w);
}

static void
build_top(struct col_jsonw *w, const struct tops *t,
    const struct col_tables *tables, const struct col_report_tables *rt,
    uint32_t top)
{
	col_jsonw_member(w, "top");
	col_jsonw_begin_object(w);
	build_list(w, "talkers", t->talkers, "address", TRUE);
	build_list(w, "conversations", t->convs, "stream", FALSE);
	build_apps(w, t->apps, tables);
	if (rt->devices != NULL)
		col_report_devices_top(w, rt->devices, top);
	if (rt->geo != NULL)
		col_report_geo_top(w, rt->geo, tables, top);
	col_jsonw_end_object(w);
}

static void
build_table_stats(struct col_jsonw *w, const char *key,
    const struct col_table_stats *s)
{
	col_jsonw_member(w, key);
	col_jsonw_begin_object(w);
	col_jsonw_uint(w, "used", s->used);
	col_jsonw_uint(w, "capacity", s->capacity);
	col_jsonw_uint(w, "evicted", s->evicted);
	col_jsonw_uint(w, "collected", s->collected);
	col_jsonw_uint(w, "untracked", s->untracked);
	col_jsonw_end_object(w);
}

static void
build_tables(struct col_jsonw *w, const struct col_tables *tables)
{
	struct col_table_stats a, s, p;

	memset(&a, 0, sizeof(a));
	memset(&s, 0, sizeof(s));
	memset(&p, 0, sizeof(p));
	if (tables != NULL)
		col_tables_get_stats(tables, &a, &s, &p);
	col_jsonw_member(w, "tables");
	col_jsonw_begin_object(w);
	build_table_stats(w, "addresses", &a);
	build_table_stats(w, "streams", &s);
	build_table_stats(w, "ports", &p);
	col_jsonw_end_object(w);
}

static void
take_flow(void *self, struct col_record *r)
{
	col_tables_account(self, r->flow, r->src_internal, r->dst_internal,
	    col_tables_service_port(r->flow), (uint16_t)(1u << r->cls),
	    &r->touch);
}

/* The interval before was reported: zero its counters, collect idle. */
static void
open_interval(void *self, uint64_t start_ms, uint64_t prev_end_ms)
{
	(void)start_ms;
	col_tables_new_interval(self);
	if (prev_end_ms != 0)
		col_tables_gc(self, prev_end_ms);
}

static void
write_tables(const struct col_report_tables *rt, const struct col_section *s)
{
	struct tops t;

	tops_init(&t, rt->tables, s->top);
	build_addresses(s->w, &t, rt->tables, rt->geo);
	build_streams(s->w, &t, rt->tables);
	build_top(s->w, &t, rt->tables, rt, s->top);
	tops_clear(&t);
}

static void
write_section(void *self, const struct col_section *s)
{
	struct col_report_tables rt = { self, NULL, NULL };

	write_tables(&rt, s);
}

static void
take_flow_rt(void *self, struct col_record *r)
{
	take_flow(((struct col_report_tables *)self)->tables, r);
}

static void
open_interval_rt(void *self, uint64_t start_ms, uint64_t prev_end_ms)
{
	open_interval(((struct col_report_tables *)self)->tables, start_ms,
	    prev_end_ms);
}

static void
write_section_rt(void *self, const struct col_section *s)
{
	write_tables(self, s);
}

static void
write_usage(void *self, const struct col_section *s)
{
	build_tables(s->w, self);
}

struct col_consumer
col_report_tables_consumer(struct col_tables *t)
{
	struct col_consumer c = { .name = "tables",
		.self = t,
		.flow = take_flow,
		.write = write_section,
		.open = open_interval };

	return c;
}

struct col_consumer
col_report_tables_devices_consumer(struct col_report_tables *rt)
{
	struct col_consumer c = { .name = "tables",
		.self = rt,
		.flow = take_flow_rt,
		.write = write_section_rt,
		.open = open_interval_rt };

	return c;
}

struct col_consumer
col_report_tables_usage_consumer(struct col_tables *t)
{
	struct col_consumer c = { .name = "tables usage",
		.self = t,
		.write = write_usage };

	return c;
}
