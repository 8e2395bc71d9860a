/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-history"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/output/history.h"
#include "collector/output/history_facts.h"

static const char *const classes[] = { "in", "out", "inweb", "outweb",
	"internal", "external" };

gboolean
col_hist_parse_time(const char *s, int64_t *out)
{
	GDateTime *d;

	if (s == NULL || strlen(s) > 64 ||
	    (d = g_date_time_new_from_iso8601(s, NULL)) == NULL)
		return FALSE;
	*out = g_date_time_to_unix(d);
	g_date_time_unref(d);
	return TRUE;
}

static JsonObject *
member_object(JsonObject *o, const char *key)
{
	JsonNode *n = o ? json_object_get_member(o, key) : NULL;

	return n && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
}

static JsonArray *
member_array(JsonObject *o, const char *key)
{
	JsonNode *n = o ? json_object_get_member(o, key) : NULL;

	return n && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;
}

/* A string of at most COL_HISTORY_MAX_KEY bytes, else NULL. */
static const char *
member_str(JsonObject *o, const char *key)
{
	JsonNode *n = o ? json_object_get_member(o, key) : NULL;
	const char *s;

	if (n == NULL || json_node_get_value_type(n) != G_TYPE_STRING)
		return NULL;
	s = json_node_get_string(n);
	return s && strlen(s) <= COL_HISTORY_MAX_KEY ? s : NULL;
}

/* A count: an integer >= 0, else 0. */
static int64_t
member_count(JsonObject *o, const char *key)
{
	JsonNode *n = o ? json_object_get_member(o, key) : NULL;
	int64_t v;

	if (n == NULL || json_node_get_value_type(n) != G_TYPE_INT64)
		return 0;
	v = json_node_get_int(n);
	return v > 0 ? v : 0;
}

static int64_t
member_time(JsonObject *o, const char *key, int64_t dflt)
{
	int64_t t;

	return col_hist_parse_time(member_str(o, key), &t) ? t : dflt;
}

static JsonObject *
element_object(JsonArray *a, guint i)
{
	JsonNode *n = json_array_get_element(a, i);

	return JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
}

static void
add_fact(struct col_hist_facts *f, enum col_hist_kind kind, const char *k1,
    const char *k2, const int64_t *v)
{
	struct col_hist_fact x = { kind, k1, k2 ? k2 : "", { 0 } };

	memcpy(x.v, v, sizeof(x.v));
	g_array_append_val(f->facts, x);
}

static void
take_classes(struct col_hist_facts *f, JsonObject *root)
{
	JsonObject *sum = member_object(root, "summary");
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(classes); i++) {
		JsonObject *c = member_object(sum, classes[i]);
		int64_t v[COL_HIST_VALUES] = { 0 };

		if (c == NULL)
			continue;
		v[0] = member_count(c, "flows");
		v[1] = member_count(c, "packets");
		v[2] = member_count(c, "bytes");
		add_fact(f, COL_HIST_CLASS, classes[i], NULL, v);
	}
}

/* The texts of an address list (strings, or objects with "address"). */
static char *
addresses_json(JsonArray *a)
{
	JsonBuilder *b = json_builder_new();
	guint i, n = a ? json_array_get_length(a) : 0;
	char *s;

	json_builder_begin_array(b);
	for (i = 0; i < n && i < 64; i++) {
		JsonNode *e = json_array_get_element(a, i);
		const char *v = NULL;

		if (json_node_get_value_type(e) == G_TYPE_STRING)
			v = json_node_get_string(e);
		else if (JSON_NODE_HOLDS_OBJECT(e))
			v = member_str(json_node_get_object(e), "address");
		if (v != NULL && strlen(v) <= COL_HISTORY_MAX_KEY)
			json_builder_add_string_value(b, v);
	}
	json_builder_end_array(b);
	s = json_to_string(json_builder_get_root(b), FALSE);
	json_node_unref(json_builder_get_root(b));
	g_object_unref(b);
	return s;
}

static void
take_device_names(struct col_hist_facts *f, const char *id, JsonArray *a)
{
	guint i, n = a ? json_array_get_length(a) : 0;

	for (i = 0; i < n; i++) {
		JsonObject *o = element_object(a, i);
		const char *name = member_str(o, "name");
		int64_t v[COL_HIST_VALUES] = { member_count(o, "bytes") };

		if (name == NULL || i >= COL_HISTORY_MAX_NAMES) {
			f->dropped++;
			continue;
		}
		add_fact(f, COL_HIST_NAME, id, name, v);
	}
}

static void
take_device(struct col_hist_facts *f, JsonObject *o)
{
	struct col_hist_device d = { 0 };
	JsonNode *rnd = json_object_get_member(o, "random_mac");
	int64_t v[COL_HIST_VALUES];

	if ((d.id = member_str(o, "id")) == NULL || d.id[0] == '\0') {
		f->dropped++;
		return;
	}
	d.mac = member_str(o, "mac");
	d.name = member_str(o, "name");
	d.name_source = member_str(o, "name_source");
	d.vendor = member_str(o, "vendor");
	d.random_mac = rnd && json_node_get_value_type(rnd) == G_TYPE_BOOLEAN
	    ? json_node_get_boolean(rnd)
	    : -1;
	d.addresses = addresses_json(member_array(o, "addresses"));
	d.first_seen = member_time(o, "first_seen", f->start);
	d.last_seen = member_time(o, "last_seen", f->end);
	g_array_append_val(f->devices, d);
	v[0] = member_count(o, "bytes_out");
	v[1] = member_count(o, "bytes_in");
	v[2] = member_count(o, "packets_out");
	v[3] = member_count(o, "packets_in");
	v[4] = member_count(o, "flows");
	add_fact(f, COL_HIST_DEVICE, d.id, NULL, v);
	take_device_names(f, d.id, member_array(o, "names"));
}

static void
take_devices(struct col_hist_facts *f, JsonObject *root)
{
	JsonArray *a = member_array(root, "devices");
	guint i, n = a ? json_array_get_length(a) : 0;

	for (i = 0; i < n; i++) {
		JsonObject *o = element_object(a, i);

		if (o == NULL || i >= COL_HISTORY_MAX_DEVICES)
			f->dropped++;
		else
			take_device(f, o);
	}
}

/* A response code: its name, or its number (one without a name). */
static const char *
member_rcode(struct col_hist_facts *f, JsonObject *o)
{
	JsonNode *n = o ? json_object_get_member(o, "rcode") : NULL;
	char num[24];

	if (n == NULL || json_node_get_value_type(n) != G_TYPE_INT64)
		return member_str(o, "rcode");
	g_snprintf(num, sizeof(num), "%" G_GINT64_FORMAT, json_node_get_int(n));
	return g_string_chunk_insert_const(f->text, num);
}

static void
take_dns(struct col_hist_facts *f, JsonObject *root)
{
	JsonObject *dns = member_object(root, "dns");
	JsonArray *most = member_array(dns, "most_resolved");
	JsonArray *fail = member_array(dns, "failures");
	guint i, n = most ? json_array_get_length(most) : 0;

	for (i = 0; i < n; i++) {
		JsonObject *o = element_object(most, i);
		const char *name = member_str(o, "name");
		int64_t v[COL_HIST_VALUES] = { member_count(o, "count") };

		if (name != NULL)
			add_fact(f, COL_HIST_DNS, name, NULL, v);
		else
			f->dropped++;
	}
	n = fail ? json_array_get_length(fail) : 0;
	for (i = 0; i < n; i++) {
		JsonObject *o = element_object(fail, i);
		const char *name = member_str(o, "name");
		const char *rcode = member_rcode(f, o);
		int64_t v[COL_HIST_VALUES] = { member_count(o, "count") };

		if (name != NULL && rcode != NULL)
			add_fact(f, COL_HIST_DNSFAIL, name, rcode, v);
		else
			f->dropped++;
	}
}

static const char *
anomaly_state(JsonObject *o)
{
	const char *s = member_str(o, "state");

	if (s &&
	    (strcmp(s, "new") == 0 || strcmp(s, "active") == 0 ||
	        strcmp(s, "over") == 0))
		return s;
	return NULL;
}

static void
take_anomalies(struct col_hist_facts *f, JsonObject *root)
{
	JsonArray *a = member_array(root, "anomalies");
	guint i, n = a ? json_array_get_length(a) : 0;

	for (i = 0; i < n; i++) {
		JsonObject *o = element_object(a, i);
		struct col_hist_anomaly x = { 0 };

		x.type = member_str(o, "type");
		x.address = member_str(o, "ip");
		if (x.address == NULL)
			x.address = member_str(o, "address");
		if (x.type == NULL || x.address == NULL ||
		    !col_hist_parse_time(member_str(o, "first"), &x.first)) {
			f->dropped++;
			continue;
		}
		x.last = member_time(o, "last", x.first);
		x.device = member_str(o, "device");
		if (x.device == NULL)
			x.device = member_str(o, "mac");
		if (x.device == NULL)
			x.device = x.address;
		x.state = anomaly_state(o);
		x.score = member_count(o, "score");
		x.detections = member_count(o, "detections");
		x.flows = member_count(o, "flows");
		x.target_count = member_count(o, "target_count");
		g_array_append_val(f->anomalies, x);
	}
}

gboolean
col_hist_facts_take(struct col_hist_facts *f, JsonNode *doc)
{
	JsonObject *root, *iv;

	memset(f, 0, sizeof(*f));
	f->facts = g_array_new(FALSE, FALSE, sizeof(struct col_hist_fact));
	f->devices = g_array_new(FALSE, FALSE, sizeof(struct col_hist_device));
	f->anomalies =
	    g_array_new(FALSE, FALSE, sizeof(struct col_hist_anomaly));
	f->text = g_string_chunk_new(64);
	if (doc == NULL || !JSON_NODE_HOLDS_OBJECT(doc))
		return FALSE;
	root = json_node_get_object(doc);
	iv = member_object(root, "interval");
	if (!col_hist_parse_time(member_str(iv, "start"), &f->start) ||
	    !col_hist_parse_time(member_str(iv, "end"), &f->end) ||
	    f->end <= f->start)
		return FALSE;
	take_classes(f, root);
	take_devices(f, root);
	take_dns(f, root);
	take_anomalies(f, root);
	return TRUE;
}

void
col_hist_facts_clear(struct col_hist_facts *f)
{
	guint i;

	for (i = 0; f->devices && i < f->devices->len; i++)
		g_free(g_array_index(f->devices, struct col_hist_device, i)
		           .addresses);
	if (f->facts)
		g_array_free(f->facts, TRUE);
	if (f->devices)
		g_array_free(f->devices, TRUE);
	if (f->anomalies)
		g_array_free(f->anomalies, TRUE);
	if (f->text)
		g_string_chunk_free(f->text);
	memset(f, 0, sizeof(*f));
}
