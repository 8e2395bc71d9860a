/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-report-devices"

#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/output/report_devices.h"
#include "collector/output/report_json.h"
#include "common/model.h"

static void
build_addresses(JsonBuilder *b, const struct col_device *v)
{
	char text[MF_ADDR_STRLEN];
	unsigned i;

	json_builder_set_member_name(b, "addresses");
	json_builder_begin_array(b);
	for (i = 0; i < v->n_addrs; i++)
		json_builder_add_string_value(b,
		    mf_addr_format(&v->addrs[i], text, sizeof(text)));
	json_builder_end_array(b);
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
build_names(JsonBuilder *b, const struct col_device *v)
{
	const struct col_device_name *order[COL_DEVICE_NAMES];
	unsigned i;

	for (i = 0; i < v->n_names; i++)
		order[i] = &v->names[i];
	qsort(order, v->n_names, sizeof(order[0]), cmp_name);
	json_builder_set_member_name(b, "names");
	json_builder_begin_array(b);
	for (i = 0; i < v->n_names; i++) {
		json_builder_begin_object(b);
		col_json_str(b, "name", order[i]->name);
		col_json_uint(b, "bytes", order[i]->bytes);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
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
build_anomalies(JsonBuilder *b, const struct col_report_devices *rd,
    const struct col_device *v)
{
	const struct col_anomaly_entry *list = NULL;
	gboolean seen[COL_ANOMALY_N_TYPES] = { FALSE };
	size_t i, n = 0;

	if (rd->anomaly != NULL)
		list = col_anomaly_list(rd->anomaly, &n);
	json_builder_set_member_name(b, "anomalies");
	json_builder_begin_array(b);
	for (i = 0; i < n; i++) {
		if (seen[list[i].type] || !list[i].internal ||
		    !names_device(rd->devices, v, &list[i]))
			continue;
		seen[list[i].type] = TRUE;
		json_builder_add_string_value(b,
		    col_anomaly_type_names[list[i].type]);
	}
	json_builder_end_array(b);
}

static void
build_device(JsonBuilder *b, const struct col_report_devices *rd,
    const struct col_device *v)
{
	json_builder_begin_object(b);
	col_json_text(b, "id", v->id);
	col_json_text(b, "mac", v->has_mac ? v->id : NULL);
	col_json_str(b, "name",
	    v->name_source != MF_DEVICE_NONE ? v->name : NULL);
	col_json_text(b, "name_source", mf_device_source_names[v->name_source]);
	col_json_str(b, "vendor", v->vendor);
	json_builder_set_member_name(b, "random_mac");
	json_builder_add_boolean_value(b, v->random_mac != 0);
	build_addresses(b, v);
	col_json_time(b, "first_seen", v->first_ms);
	col_json_time(b, "last_seen", v->last_ms);
	col_json_uint(b, "bytes_out", v->bytes_out);
	col_json_uint(b, "bytes_in", v->bytes_in);
	col_json_uint(b, "packets_out", v->packets_out);
	col_json_uint(b, "packets_in", v->packets_in);
	col_json_uint(b, "flows", v->flows);
	build_names(b, v);
	build_anomalies(b, rd, v);
	json_builder_end_object(b);
}

static void
build_stats(JsonBuilder *b, const struct col_devices *d)
{
	struct col_devices_stats st;

	col_devices_get_stats(d, &st);
	json_builder_set_member_name(b, "device_table");
	json_builder_begin_object(b);
	col_json_uint(b, "used", st.used);
	col_json_uint(b, "capacity", st.capacity);
	col_json_uint(b, "evicted", st.evicted);
	col_json_uint(b, "collected", st.collected);
	col_json_uint(b, "merged", st.merged);
	col_json_uint(b, "records", st.records);
	col_json_uint(b, "bad_records", st.bad_records);
	col_json_uint(b, "addresses_dropped", st.addresses_dropped);
	col_json_uint(b, "names_dropped", st.names_dropped);
	json_builder_end_object(b);
}

static void
write_section(void *self, const struct col_section *s)
{
	const struct col_report_devices *rd = self;
	const struct col_device **list;
	size_t i, n;

	list = col_devices_active(rd->devices, &n);
	json_builder_set_member_name(s->b, "devices");
	json_builder_begin_array(s->b);
	for (i = 0; i < n; i++)
		build_device(s->b, rd, list[i]);
	json_builder_end_array(s->b);
	g_free(list);
	build_stats(s->b, rd->devices);
}

void
col_report_devices_top(JsonBuilder *b, const struct col_devices *d,
    uint32_t top)
{
	const struct col_device **list = NULL;
	size_t i, n = 0;

	if (d != NULL)
		list = col_devices_active(d, &n);
	json_builder_set_member_name(b, "devices");
	json_builder_begin_array(b);
	for (i = 0; i < n && i < top; i++) {
		json_builder_begin_object(b);
		col_json_text(b, "device", list[i]->id);
		col_json_uint(b, "bytes",
		    list[i]->bytes_out + list[i]->bytes_in);
		col_json_uint(b, "packets",
		    list[i]->packets_out + list[i]->packets_in);
		col_json_uint(b, "flows", list[i]->flows);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
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
