/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-report-devices"

#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/output/report_devices.h"
#include "collector/output/jsonw.h"
#include "collector/output/report_json.h"
#include "common/model.h"

static void
build_addresses(struct col_jsonw *w, const struct col_device *v)
{
	char text[MF_ADDR_STRLEN];
	unsigned i;

	col_jsonw_member(w, "addresses");
	col_jsonw_begin_array(w);
	for (i = 0; i < v->n_addrs; i++)
		col_jsonw_string(w,
		    mf_addr_format(&v->addrs[i], text, sizeof(text)));
	col_jsonw_end_array(w);
}

static int
cmp_name(const void *a, const void *b)
{
	const struct col_device_name *x =
	    *(const struct col_device_name *const *)a;
	const struct col_device_name *y =
	    *(const struct col_device_name *const *)b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void
build_names(struct col_jsonw *w, const struct col_device *v)
{
	const struct col_device_name *order[COL_DEVICE_NAMES];
	unsigned i;

	for (i = 0; i < v->n_names; i++)
		order[i] = &v->names[i];
	qsort(order, v->n_names, sizeof(order[0]), cmp_name);
	col_jsonw_member(w, "names");
	col_jsonw_begin_array(w);
	for (i = 0; i < v->n_names; i++) {
		col_jsonw_begin_object(w);
		col_jsonw_str(w, "name", order[i]->name);
		col_jsonw_uint(w, "bytes", order[i]->bytes);
		col_jsonw_end_object(w);
	}
	col_jsonw_end_array(w);
}

/* Whether anomaly entry e names device v. */
static gboolean
names_device(const struct col_devices *d, const struct col_device *v,
    const struct col_anomaly_entry *e)
{
	if (e->has_mac && col_devices_mac_ok(e->mac))
		return col_devices_find_mac(d, e->mac) == v;
	return col_devices_find_addr(d, &e->addr) == v;
}

static void
build_anomalies(struct col_jsonw *w, const struct col_report_devices *rd,
    const struct col_device *v)
{
	const struct col_anomaly_entry *list = NULL;
	gboolean seen[COL_ANOMALY_N_TYPES] = { FALSE };
	size_t i, n = 0;

	if (rd->anomaly != NULL)
		list = col_anomaly_list(rd->anomaly, &n);
	col_jsonw_member(w, "anomalies");
	col_jsonw_begin_array(w);
	for (i = 0; i < n; i++) {
		if (seen[list[i].type] || !list[i].internal ||
		    !names_device(rd->devices, v, &list[i]))
			continue;
		seen[list[i].type] = TRUE;
		col_jsonw_string(w, col_anomaly_type_names[list[i].type]);
	}
	col_jsonw_end_array(w);
}

static void
build_device(struct col_jsonw *w, const struct col_report_devices *rd,
    const struct col_device *v)
{
	col_jsonw_begin_object(w);
	col_jsonw_text(w, "id", v->id);
	col_jsonw_text(w, "mac", v->has_mac ? v->id : NULL);
	col_jsonw_str(w, "name",
	    v->name_source != MF_DEVICE_NONE ? v->name : NULL);
	col_jsonw_text(w, "name_source",
	    mf_device_source_names[v->name_source]);
	col_jsonw_str(w, "vendor", v->vendor);
	col_jsonw_member(w, "random_mac");
	col_jsonw_bool(w, v->random_mac != 0);
	build_addresses(w, v);
	col_jsonw_time(w, "first_seen", v->first_ms);
	col_jsonw_time(w, "last_seen", v->last_ms);
	col_jsonw_uint(w, "bytes_out", v->bytes_out);
	col_jsonw_uint(w, "bytes_in", v->bytes_in);
	col_jsonw_uint(w, "packets_out", v->packets_out);
	col_jsonw_uint(w, "packets_in", v->packets_in);
	col_jsonw_uint(w, "flows", v->flows);
	build_names(w, v);
	build_anomalies(w, rd, v);
	col_jsonw_end_object(w);
}

static void
build_stats(struct col_jsonw *w, const struct col_devices *d)
{
	struct col_devices_stats st;

	col_devices_get_stats(d, &st);
	col_jsonw_member(w, "device_table");
	col_jsonw_begin_object(w);
	col_jsonw_uint(w, "used", st.used);
	col_jsonw_uint(w, "capacity", st.capacity);
	col_jsonw_uint(w, "evicted", st.evicted);
	col_jsonw_uint(w, "collected", st.collected);
	col_jsonw_uint(w, "merged", st.merged);
	col_jsonw_uint(w, "records", st.records);
	col_jsonw_uint(w, "bad_records", st.bad_records);
	col_jsonw_uint(w, "addresses_dropped", st.addresses_dropped);
	col_jsonw_uint(w, "names_dropped", st.names_dropped);
	col_jsonw_end_object(w);
}

static void
write_section(void *self, const struct col_section *s)
{
	const struct col_report_devices *rd = self;
	const struct col_device **list;
	size_t i, n;

	list = col_devices_active(rd->devices, &n);
	col_jsonw_member(s->w, "devices");
	col_jsonw_begin_array(s->w);
	for (i = 0; i < n; i++)
		build_device(s->w, rd, list[i]);
	col_jsonw_end_array(s->w);
	g_free(list);
	build_stats(s->w, rd->devices);
}

void
col_report_devices_top(struct col_jsonw *w, const struct col_devices *d,
    uint32_t top)
{
	const struct col_device **list = NULL;
	size_t i, n = 0;

	if (d != NULL)
		list = col_devices_active(d, &n);
	col_jsonw_member(w, "devices");
	col_jsonw_begin_array(w);
	for (i = 0; i < n && i < top; i++) {
		col_jsonw_begin_object(w);
		col_jsonw_text(w, "device", list[i]->id);
		col_jsonw_uint(w, "bytes",
		    list[i]->bytes_out + list[i]->bytes_in);
		col_jsonw_uint(w, "packets",
		    list[i]->packets_out + list[i]->packets_in);
		col_jsonw_uint(w, "flows", list[i]->flows);
		col_jsonw_end_object(w);
	}
	col_jsonw_end_array(w);
	g_free(list);
}

static void
take_flow(void *self, struct col_record *r)
{
	struct col_report_devices *rd = self;

	col_devices_flow(rd->devices, r->flow, r->start_ms, r->end_ms,
	    r->src_internal, r->dst_internal, r->device);
}

static void
take_device(void *self, const struct col_device_rec *d)
{
	struct col_report_devices *rd = self;

	col_devices_record(rd->devices, d);
}

static void
open_interval(void *self, uint64_t start_ms, uint64_t prev_end_ms)
{
	struct col_report_devices *rd = self;

	(void)start_ms;
	col_devices_new_interval(rd->devices);
	if (prev_end_ms != 0)
		col_devices_gc(rd->devices, prev_end_ms);
}

struct col_consumer
col_report_devices_consumer(struct col_report_devices *rd)
{
	struct col_consumer c = { .name = "devices",
		.self = rd,
		.flow = take_flow,
		.device = take_device,
		.write = write_section,
		.open = open_interval };

	return c;
}
