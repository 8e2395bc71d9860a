/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-report"

#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/analytics/anomaly.h"
#include "collector/model/consumer.h"
#include "collector/model/devices.h"
#include "collector/model/engine.h"
#include "collector/model/tables.h"
#include "collector/output/report_json.h"
#include "collector/output/report_anomaly.h"
#include "common/addr.h"

/* The entry's address id, if the tables still name that address by it. */
static void
member_id(JsonBuilder *b, const struct col_anomaly_entry *e,
    const struct col_tables *tables)
{
	const struct col_address *a = NULL;

	if (tables != NULL && e->addr_id != COL_ID_NONE)
		a = col_tables_address(tables, e->addr_id);
	json_builder_set_member_name(b, "address");
	if (a != NULL && mf_addr_cmp(&a->addr, &e->addr) == 0)
		json_builder_add_int_value(b, e->addr_id);
	else
		json_builder_add_null_value(b);
}

static void
build_targets(JsonBuilder *b, const struct col_anomaly_entry *e)
{
	char ip[MF_ADDR_STRLEN];
	uint8_t i;

	json_builder_set_member_name(b, "targets");
	json_builder_begin_array(b);
	for (i = 0; i < e->n_targets; i++)
		json_builder_add_string_value(b,
		    mf_addr_format(&e->targets[i], ip, sizeof(ip)));
	json_builder_end_array(b);
	col_json_uint(b, "target_count", e->target_count);
}

static void
build_evidence(JsonBuilder *b, const struct col_anomaly_entry *e)
{
	uint8_t i;

	json_builder_set_member_name(b, "evidence");
	json_builder_begin_object(b);
	if (e->name_key != NULL)
		col_json_text(b, e->name_key, e->name);
	for (i = 0; i < e->n_ev; i++) {
		json_builder_set_member_name(b, e->ev[i].name);
		if (e->ev[i].real)
			json_builder_add_double_value(b, e->ev[i].value);
		else
			json_builder_add_int_value(b, (gint64)e->ev[i].value);
	}
	json_builder_end_object(b);
}

/* The device of e's address (collector/model/devices.h), or nulls. */
static void
build_device(JsonBuilder *b, const struct col_anomaly_entry *e,
    const struct col_devices *devices)
{
	const struct col_device *d = NULL;

	if (devices != NULL && e->has_mac)
		d = col_devices_find_mac(devices, e->mac);
	if (devices != NULL && d == NULL)
		d = col_devices_find_addr(devices, &e->addr);
	col_json_text(b, "device", d != NULL ? d->id : NULL);
	col_json_str(b, "device_name",
	    d != NULL && d->name[0] != '\0' ? d->name : NULL);
}

static void
build_entry(JsonBuilder *b, const struct col_anomaly_entry *e,
    const struct col_tables *tables, const struct col_devices *devices)
{
	char ip[MF_ADDR_STRLEN], mac[18];

	json_builder_begin_object(b);
	col_json_text(b, "type", col_anomaly_type_names[e->type]);
	member_id(b, e, tables);
	col_json_text(b, "ip", mf_addr_format(&e->addr, ip, sizeof(ip)));
	g_snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", e->mac[0],
	    e->mac[1], e->mac[2], e->mac[3], e->mac[4], e->mac[5]);
	col_json_text(b, "mac", e->has_mac ? mac : NULL);
	build_device(b, e, devices);
	col_json_text(b, "side", e->internal ? "internal" : "external");
	col_json_text(b, "role", e->role_target ? "target" : "source");
	build_targets(b, e);
	col_json_time(b, "first", e->first_ms);
	col_json_time(b, "last", e->last_ms);
	col_json_text(b, "state", col_anomaly_state_names[e->state]);
	col_json_uint(b, "score", e->score);
	col_json_uint(b, "detections", e->detections);
	col_json_uint(b, "flows", e->flows);
	build_evidence(b, e);
	json_builder_end_object(b);
}

static void
build_state(JsonBuilder *b, const struct col_anomaly *a)
{
	struct col_anomaly_stats st;

	memset(&st, 0, sizeof(st));
	if (a != NULL)
		col_anomaly_get_stats(a, &st);
	json_builder_set_member_name(b, "anomaly_state");
	json_builder_begin_object(b);
	col_json_uint(b, "slots", st.slots);
	col_json_uint(b, "used", st.used);
	col_json_uint(b, "evicted", st.evicted);
	col_json_uint(b, "unchecked", st.unchecked);
	col_json_uint(b, "dropped", st.dropped);
	json_builder_end_object(b);
}

void
col_report_anomalies(JsonBuilder *b, const struct col_anomaly *a,
    const struct col_tables *tables, const struct col_devices *devices)
{
	const struct col_anomaly_entry *list = NULL;
	size_t i, n = 0;

	if (a != NULL)
		list = col_anomaly_list(a, &n);
	json_builder_set_member_name(b, "anomalies");
	json_builder_begin_array(b);
	for (i = 0; i < n; i++)
		build_entry(b, &list[i], tables, devices);
	json_builder_end_array(b);
	build_state(b, a);
}

static void
take_flow(void *self, struct col_record *r)
{
	struct col_report_anomaly *ra = self;

	col_anomaly_add(ra->anomaly, r->flow, r->src_internal, r->dst_internal,
	    &r->touch, r->end_ms);
}

static void
take_dns(void *self, const struct col_dns_rec *d)
{
	struct col_report_anomaly *ra = self;

	col_anomaly_add_dns(ra->anomaly, d,
	    ra->classifier != NULL &&
	        col_classifier_is_internal(ra->classifier, &d->client));
}

/* Judge the interval before its report lists the findings. */
static void
close_interval(void *self, const struct col_interval *iv)
{
	struct col_report_anomaly *ra = self;

	col_anomaly_close(ra->anomaly, ra->tables, iv->end_ms);
}

static void
write_section(void *self, const struct col_section *s)
{
	const struct col_report_anomaly *ra = self;

	col_report_anomalies(s->b, ra->anomaly, ra->tables, ra->devices);
}

struct col_consumer
col_report_anomaly_consumer(struct col_report_anomaly *ra)
{
	struct col_consumer c = { .name = "anomalies",
		.self = ra,
		.flow = take_flow,
		.dns = take_dns,
		.close = close_interval,
		.write = write_section };

	return c;
}
