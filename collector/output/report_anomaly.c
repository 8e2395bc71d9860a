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
#include "collector/output/jsonw.h"
#include "collector/output/report_json.h"
#include "collector/output/report_anomaly.h"
#include "common/addr.h"

/* The entry's address id, if the tables still name that address by it. */
static void
member_id(struct col_jsonw *w, const struct col_anomaly_entry *e,
    const struct col_tables *tables)
{
	const struct col_address *a = NULL;

	if (tables != NULL && e->addr_id != COL_ID_NONE)
		a = col_tables_address(tables, e->addr_id);
	col_jsonw_member(w, "address");
	if (a != NULL && mf_addr_cmp(&a->addr, &e->addr) == 0)
		col_jsonw_int(w, e->addr_id);
	else
		col_jsonw_null(w);
}

static void
build_targets(struct col_jsonw *w, const struct col_anomaly_entry *e)
{
	char ip[MF_ADDR_STRLEN];
	uint8_t i;

	col_jsonw_member(w, "targets");
	col_jsonw_begin_array(w);
	for (i = 0; i < e->n_targets; i++)
		col_jsonw_string(w,
		    mf_addr_format(&e->targets[i], ip, sizeof(ip)));
	col_jsonw_end_array(w);
	col_jsonw_uint(w, "target_count", e->target_count);
}

/* The last piece of evidence named name, or -1. */
static int
last_named(const struct col_anomaly_entry *e, const char *name)
{
	int i;

	for (i = (int)e->n_ev - 1; i >= 0; i--)
		if (strcmp(e->ev[i].name, name) == 0)
			return i;
	return -1;
}

/* Whether ev[i]'s name came before it (as the name key or evidence). */
static gboolean
named_before(const struct col_anomaly_entry *e, uint8_t i)
{
	uint8_t j;

	if (e->name_key != NULL && strcmp(e->name_key, e->ev[i].name) == 0)
		return TRUE;
	for (j = 0; j < i; j++)
		if (strcmp(e->ev[j].name, e->ev[i].name) == 0)
			return TRUE;
	return FALSE;
}

static void
put_ev(struct col_jsonw *w, const char *name,
    const struct col_anomaly_evidence *ev)
{
	col_jsonw_member(w, name);
	if (ev->real)
		col_jsonw_double(w, ev->value);
	else
		col_jsonw_int(w, (gint64)ev->value);
}

/*
 * The evidence object.  Its names come from the detectors, not from a
 * list here: should one give a name twice (none does), it is written
 * once, as a JsonObject keeps it (the last value in the first one's
 * place), so that the text is the tree's (collector/output/jsonw.h).
 */
void
col_report_anomaly_evidence(struct col_jsonw *w,
    const struct col_anomaly_entry *e)
{
	uint8_t i;
	int k;

	col_jsonw_member(w, "evidence");
	col_jsonw_begin_object(w);
	if (e->name_key != NULL) {
		if ((k = last_named(e, e->name_key)) >= 0)
			put_ev(w, e->name_key, &e->ev[k]);
		else
			col_jsonw_text(w, e->name_key, e->name);
	}
	for (i = 0; i < e->n_ev; i++)
		if (!named_before(e, i))
			put_ev(w, e->ev[i].name,
			    &e->ev[last_named(e, e->ev[i].name)]);
	col_jsonw_end_object(w);
}

/* The device of e's address (collector/model/devices.h), or nulls. */
static void
build_device(struct col_jsonw *w, const struct col_anomaly_entry *e,
    const struct col_devices *devices)
{
	const struct col_device *d = NULL;

	if (devices != NULL && e->has_mac)
		d = col_devices_find_mac(devices, e->mac);
	if (devices != NULL && d == NULL)
		d = col_devices_find_addr(devices, &e->addr);
	col_jsonw_text(w, "device", d != NULL ? d->id : NULL);
	col_jsonw_str(w, "device_name",
	    d != NULL && d->name[0] != '\0' ? d->name : NULL);
}

static void
build_entry(struct col_jsonw *w, const struct col_anomaly_entry *e,
    const struct col_tables *tables, const struct col_devices *devices)
{
	char ip[MF_ADDR_STRLEN], mac[18];

	col_jsonw_begin_object(w);
	col_jsonw_text(w, "type", col_anomaly_type_names[e->type]);
	member_id(w, e, tables);
	col_jsonw_text(w, "ip", mf_addr_format(&e->addr, ip, sizeof(ip)));
	g_snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", e->mac[0],
	    e->mac[1], e->mac[2], e->mac[3], e->mac[4], e->mac[5]);
	col_jsonw_text(w, "mac", e->has_mac ? mac : NULL);
	build_device(w, e, devices);
	col_jsonw_text(w, "side", e->internal ? "internal" : "external");
	col_jsonw_text(w, "role", e->role_target ? "target" : "source");
	build_targets(w, e);
	col_jsonw_time(w, "first", e->first_ms);
	col_jsonw_time(w, "last", e->last_ms);
	col_jsonw_text(w, "state", col_anomaly_state_names[e->state]);
	col_jsonw_uint(w, "score", e->score);
	col_jsonw_uint(w, "detections", e->detections);
	col_jsonw_uint(w, "flows", e->flows);
	col_report_anomaly_evidence(w, e);
	col_jsonw_end_object(w);
}

static void
build_state(struct col_jsonw *w, const struct col_anomaly *a)
{
	struct col_anomaly_stats st;

	memset(&st, 0, sizeof(st));
	if (a != NULL)
		col_anomaly_get_stats(a, &st);
	col_jsonw_member(w, "anomaly_state");
	col_jsonw_begin_object(w);
	col_jsonw_uint(w, "slots", st.slots);
	col_jsonw_uint(w, "used", st.used);
	col_jsonw_uint(w, "evicted", st.evicted);
	col_jsonw_uint(w, "unchecked", st.unchecked);
	col_jsonw_uint(w, "dropped", st.dropped);
	col_jsonw_end_object(w);
}

void
col_report_anomalies(struct col_jsonw *w, const struct col_anomaly *a,
    const struct col_tables *tables, const struct col_devices *devices)
{
	const struct col_anomaly_entry *list = NULL;
	size_t i, n = 0;

	if (a != NULL)
		list = col_anomaly_list(a, &n);
	col_jsonw_member(w, "anomalies");
	col_jsonw_begin_array(w);
	for (i = 0; i < n; i++)
		build_entry(w, &list[i], tables, devices);
	col_jsonw_end_array(w);
	build_state(w, a);
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

	col_report_anomalies(s->w, ra->anomaly, ra->tables, ra->devices);
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
