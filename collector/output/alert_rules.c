/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-alerts"

#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/analytics/geo.h"
#include "collector/output/alert_rules.h"
#include "collector/output/alert_state.h"
#include "common/addr.h"
#include "common/error.h"

struct col_alert_rules {
	struct col_alert_rules_config cfg;
	struct col_alert_state *state;
	GHashTable *quota_of;  /* device id, MAC or address -> bytes */
	uint64_t now_ms;       /* the report's end: the alert's time */
	uint64_t clock_ms;     /* the windows' clock (judge()) */
	GHashTable *dev_index; /* id and address -> device object */
};

/* One report's context while judging. */
struct judge {
	struct col_alert_rules *r;
	GPtrArray *out;
	size_t added;
};

/* --- configuration ------------------------------------------------------- */

static gboolean
parse_quotas(struct col_alert_rules *r, char **list, GError **error)
{
	for (; list != NULL && *list != NULL; list++) {
		const char *eq = strrchr(*list, '=');
		guint64 v;
		g_autofree char *who = NULL;

		if (eq == NULL || eq == *list ||
		    !g_ascii_string_to_unsigned(eq + 1, 10, 0, G_MAXINT64, &v,
		        NULL)) {
			g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
			    "[alerts] quota-device: bad item '%s' "
			    "(MAC_OR_ADDRESS=BYTES)",
			    *list);
			return FALSE;
		}
		who = g_ascii_strdown(*list, eq - *list);
		g_strstrip(who);
		g_hash_table_replace(r->quota_of, g_strdup(who),
		    g_memdup2(&v, sizeof(v)));
	}
	return TRUE;
}

struct col_alert_rules *
col_alert_rules_new(const struct col_alert_rules_config *cfg, GError **error)
{
	struct col_alert_rules *r = g_new0(struct col_alert_rules, 1);

	r->cfg = *cfg;
	r->cfg.state_file = NULL;
	r->cfg.quota_device = NULL;
	r->quota_of =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	if (!parse_quotas(r, cfg->quota_device, error)) {
		col_alert_rules_free(r);
		return NULL;
	}
	r->state = col_alert_state_new(cfg->state_file);
	return r;
}

void
col_alert_rules_free(struct col_alert_rules *r)
{
	if (r == NULL)
		return;
	col_alert_state_free(r->state);
	g_hash_table_unref(r->quota_of);
	g_free(r);
}

uint64_t
col_alert_rules_state_dropped(const struct col_alert_rules *r)
{
	return col_alert_state_dropped(r->state);
}

/* --- building an alert --------------------------------------------------- */

static const char *
str_of(JsonObject *o, const char *k)
{
	JsonNode *n;

	if (o == NULL || !json_object_has_member(o, k) ||
	    (n = json_object_get_member(o, k)) == NULL ||
	    json_node_get_value_type(n) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(n);
}

static int64_t
int_of(JsonObject *o, const char *k)
{
	JsonNode *n;

	if (o == NULL || !json_object_has_member(o, k) ||
	    (n = json_object_get_member(o, k)) == NULL ||
	    json_node_get_value_type(n) != G_TYPE_INT64)
		return 0;
	return json_node_get_int(n);
}

static JsonArray *
array_of(JsonObject *o, const char *k)
{
	JsonNode *n;

	if (o == NULL || !json_object_has_member(o, k) ||
	    (n = json_object_get_member(o, k)) == NULL ||
	    !JSON_NODE_HOLDS_ARRAY(n))
		return NULL;
	return json_node_get_array(n);
}

/* The device object for id (a device id or an address), or NULL. */
static JsonObject *
device_of(struct col_alert_rules *r, const char *id)
{
	return id != NULL && r->dev_index != NULL
	    ? g_hash_table_lookup(r->dev_index, id)
	    : NULL;
}

static void
index_devices(struct col_alert_rules *r, JsonObject *doc)
{
	JsonArray *devs = array_of(doc, "devices");
	guint i, j;

	r->dev_index = g_hash_table_new(g_str_hash, g_str_equal);
	for (i = 0; devs != NULL && i < json_array_get_length(devs); i++) {
		JsonObject *d = json_array_get_object_element(devs, i);
		JsonArray *a = array_of(d, "addresses");

		if (d == NULL || str_of(d, "id") == NULL)
			continue;
		g_hash_table_insert(r->dev_index,
		    (gpointer)(uintptr_t)str_of(d, "id"), d);
		for (j = 0; a != NULL && j < json_array_get_length(a); j++) {
			JsonNode *n = json_array_get_element(a, j);
			const char *s = NULL;

			if (JSON_NODE_HOLDS_VALUE(n))
				s = json_node_get_string(n);
			else if (JSON_NODE_HOLDS_OBJECT(n))
				s = str_of(json_node_get_object(n), "address");
			if (s != NULL)
				g_hash_table_insert(r->dev_index,
				    (gpointer)(uintptr_t)s, d);
		}
	}
}

/* The device member: the devices section's entry, or the address alone. */
static void
add_device(JsonBuilder *b, struct col_alert_rules *r, const char *id)
{
	JsonObject *d = device_of(r, id);
	JsonArray *a = array_of(d, "addresses");
	guint i;

	json_builder_set_member_name(b, "device");
	if (id == NULL) {
		json_builder_add_null_value(b);
		return;
	}
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "id");
	json_builder_add_string_value(b, d ? str_of(d, "id") : id);
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, str_of(d, "name"));
	json_builder_set_member_name(b, "mac");
	json_builder_add_string_value(b, str_of(d, "mac"));
	json_builder_set_member_name(b, "addresses");
	json_builder_begin_array(b);
	if (a == NULL)
		json_builder_add_string_value(b, id);
	for (i = 0; a != NULL && i < json_array_get_length(a); i++) {
		JsonNode *n = json_array_get_element(a, i);

		if (JSON_NODE_HOLDS_OBJECT(n))
			n = json_object_get_member(json_node_get_object(n),
			    "address");
		if (n != NULL && JSON_NODE_HOLDS_VALUE(n))
			json_builder_add_string_value(b,
			    json_node_get_string(n));
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
}

/* The first address of device d as text, or NULL. */
static const char *
first_address(JsonObject *d)
{
	JsonArray *a = array_of(d, "addresses");
	JsonNode *n;

	if (a == NULL || json_array_get_length(a) == 0)
		return NULL;
	n = json_array_get_element(a, 0);
	if (JSON_NODE_HOLDS_OBJECT(n))
		return str_of(json_node_get_object(n), "address");
	return json_node_get_value_type(n) == G_TYPE_STRING
	    ? json_node_get_string(n)
	    : NULL;
}

/*
 * id (a device id or an address) in words: "kids-tablet
 * (aa:bb:cc:dd:ee:ff, 192.168.1.20)", "device aa:bb:cc:dd:ee:ff
 * (192.168.1.20)", "device 192.168.1.20".
 */
static char *
device_words(struct col_alert_rules *r, const char *id)
{
	JsonObject *d = device_of(r, id);
	const char *name = str_of(d, "name"), *mac = str_of(d, "mac");
	struct mf_addr a;
	const char *addr =
	    id != NULL && mf_addr_parse(id, &a) ? id : first_address(d);

	GString *w;

	if (id == NULL)
		return g_strdup("no device");
	if (name == NULL && mac == NULL)
		return g_strdup_printf("device %s", addr ? addr : id);
	w = g_string_new(name != NULL ? name : "device ");
	if (name == NULL) {
		g_string_append(w, mac);
		mac = NULL; /* said already */
	}
	if (mac != NULL || addr != NULL)
		g_string_append_printf(w, " (%s%s%s)", mac ? mac : "",
		    mac && addr ? ", " : "", addr ? addr : "");
	return g_string_free(w, FALSE);
}

struct event {
	const char *type, *what;
	const char *device;               /* id or address, or NULL */
	const char *remote, *remote_name; /* or NULL */
	const char *target;               /* of the dedup key */
	char *text;                       /* owned */
	JsonObject *evidence;             /* borrowed, or NULL */
	const char *ev_name[4];
	int64_t ev[4];
};

/* Once per (type, device, target) and window: TRUE if it may alert. */
static gboolean
first_in_window(struct col_alert_rules *r, const struct event *e)
{
	g_autofree char *key = g_strdup_printf("%s|%s|%s", e->type,
	    e->device ? e->device : "-", e->target ? e->target : "-");
	int64_t last = col_alert_state_get(r->state, COL_AS_ALERTED, key, -1);

	if (last >= 0 && (uint64_t)last + r->cfg.window_s * 1000 > r->clock_ms)
		return FALSE;
	col_alert_state_put(r->state, COL_AS_ALERTED, key,
	    (int64_t)r->clock_ms);
	return TRUE;
}

/* What [geo] says of the remote address ip (gi zeroed if nothing). */
static gboolean
geo_of(struct col_alert_rules *r, const char *ip, struct col_geo_info *gi)
{
	struct mf_addr a;

	memset(gi, 0, sizeof(*gi));
	return ip != NULL && r->cfg.geo != NULL && mf_addr_parse(ip, &a) &&
	    col_geo_lookup(r->cfg.geo, &a, gi);
}

/*
 * The remote in words: "192.0.2.7", "192.0.2.7 (DE, AS24940 Hetzner Online
 * GmbH)", "evil.example", or both as "evil.example" + at + the address
 * ("evil.example at 192.0.2.7 (DE)"); ip and name may be NULL.
 */
static char *
remote_words(struct col_alert_rules *r, const char *ip, const char *name,
    const char *at)
{
	struct col_geo_info gi;
	g_autofree char *where = NULL;

	if (ip == NULL)
		return g_strdup(name != NULL ? name : "?");
	if (!geo_of(r, ip, &gi))
		where = g_strdup(ip);
	else
		where = g_strdup_printf("%s (%s%s%s%.0u%s%s)", ip, gi.country,
		    gi.country[0] && gi.asn ? ", " : "", gi.asn ? "AS" : "",
		    gi.asn, gi.as_org[0] ? " " : "", gi.as_org);
	if (name == NULL)
		return g_steal_pointer(&where);
	return g_strdup_printf("%s %s %s", name, at, where);
}

static void
add_remote(JsonBuilder *b, struct col_alert_rules *r, const struct event *e)
{
	struct col_geo_info gi;

	json_builder_set_member_name(b, "remote");
	if (e->remote == NULL && e->remote_name == NULL) {
		json_builder_add_null_value(b);
		return;
	}
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "address");
	json_builder_add_string_value(b, e->remote);
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, e->remote_name);
	json_builder_set_member_name(b, "country");
	json_builder_add_string_value(b,
	    geo_of(r, e->remote, &gi) && gi.country[0] ? gi.country : NULL);
	json_builder_end_object(b);
}

static void
emit(struct judge *j, struct event *e)
{
	g_autoptr(JsonBuilder) b = NULL;
	g_autofree char *uuid = NULL, *t = NULL;
	GDateTime *dt;
	int i;

	/* An address of a known device is that device. */
	if (device_of(j->r, e->device) != NULL)
		e->device = str_of(device_of(j->r, e->device), "id");
	if (!first_in_window(j->r, e)) {
		g_free(e->text);
		return;
	}
	b = json_builder_new();
	uuid = g_uuid_string_random();
	dt = g_date_time_new_from_unix_utc((gint64)(j->r->now_ms / 1000));
	t = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
	g_date_time_unref(dt);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "id");
	json_builder_add_string_value(b, uuid);
	json_builder_set_member_name(b, "time");
	json_builder_add_string_value(b, t);
	json_builder_set_member_name(b, "type");
	json_builder_add_string_value(b, e->type);
	json_builder_set_member_name(b, "what");
	json_builder_add_string_value(b, e->what);
	add_device(b, j->r, e->device);
	add_remote(b, j->r, e);
	json_builder_set_member_name(b, "text");
	json_builder_add_string_value(b, e->text);
	json_builder_set_member_name(b, "evidence");
	if (e->evidence != NULL) {
		json_builder_add_value(b,
		    json_node_init_object(json_node_alloc(), e->evidence));
	} else {
		json_builder_begin_object(b);
		for (i = 0; i < 4 && e->ev_name[i] != NULL; i++) {
			json_builder_set_member_name(b, e->ev_name[i]);
			json_builder_add_int_value(b, e->ev[i]);
		}
		json_builder_end_object(b);
	}
	json_builder_end_object(b);
	g_ptr_array_add(j->out, json_builder_get_root(b));
	j->added++;
	g_free(e->text);
}

/* --- the rules ----------------------------------------------------------- */

/*
 * The remote of anomaly o: an outside host is its own address; an
 * internal device's is its target when it has exactly one.  The name is
 * the evidence's remote name (a beacon's) or domain (a DNS tunnel's).
 */
static void
anomaly_remote(JsonObject *o, gboolean internal, struct event *e)
{
	JsonArray *t = array_of(o, "targets");
	JsonObject *ev = json_object_has_member(o, "evidence")
	    ? json_object_get_object_member(o, "evidence")
	    : NULL;
	JsonNode *n;

	e->remote = internal ? NULL : str_of(o, "ip");
	if (internal && int_of(o, "target_count") == 1 && t != NULL &&
	    json_array_get_length(t) == 1 &&
	    (n = json_array_get_element(t, 0)) != NULL &&
	    json_node_get_value_type(n) == G_TYPE_STRING)
		e->remote = json_node_get_string(n);
	e->remote_name = str_of(ev, "remote");
	if (e->remote_name == NULL)
		e->remote_name = str_of(ev, "domain");
}

static void
rule_anomalies(struct judge *j, JsonObject *doc)
{
	JsonArray *a = array_of(doc, "anomalies");
	GHashTable *seen =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	guint i;

	for (i = 0; a != NULL && i < json_array_get_length(a); i++) {
		JsonObject *o = json_array_get_object_element(a, i);
		const char *type = str_of(o, "type"), *ip = str_of(o, "ip"),
		           *state = str_of(o, "state");
		gboolean internal =
		    g_strcmp0(str_of(o, "side"), "internal") == 0;
		g_autofree char *key = NULL, *who = NULL, *rem = NULL;
		gboolean fresh;
		struct event e = { 0 };

		if (type == NULL || ip == NULL)
			continue;
		key = g_strdup_printf("%s|%s", type, ip);
		g_hash_table_add(seen, g_strdup(key));
		fresh = state != NULL
		    ? strcmp(state, "new") == 0
		    : !col_alert_state_has(j->r->state, COL_AS_OPEN, key);
		col_alert_state_put(j->r->state, COL_AS_OPEN, key,
		    (int64_t)j->r->now_ms);
		if (!fresh)
			continue;
		e.type = "anomaly";
		e.what = type;
		e.device = internal ? ip : NULL;
		anomaly_remote(o, internal, &e);
		/* An outside host has no device: its address keeps two
		 * scanners of the same kind apart. */
		e.target = internal ? type : key;
		who = internal ? device_words(j->r, ip)
		               : remote_words(j->r, ip, NULL, "at");
		rem = internal && (e.remote != NULL || e.remote_name != NULL)
		    ? remote_words(j->r, e.remote, e.remote_name, "at")
		    : NULL;
		e.text = g_strdup_printf(
		    "%s started: %s as %s%s%s, %" G_GINT64_FORMAT
		    " targets, %" G_GINT64_FORMAT
		    " flows, score %" G_GINT64_FORMAT,
		    type, who, str_of(o, "role") ? str_of(o, "role") : "source",
		    rem ? ", remote " : "", rem ? rem : "",
		    int_of(o, "target_count"), int_of(o, "flows"),
		    int_of(o, "score"));
		e.evidence = json_object_has_member(o, "evidence")
		    ? json_object_get_object_member(o, "evidence")
		    : NULL;
		emit(j, &e);
	}
	/* Anomalies no longer listed are over: a return is new again. */
	col_alert_state_keep_only(j->r->state, COL_AS_OPEN, seen);
	g_hash_table_unref(seen);
}

static void
rule_devices(struct judge *j, JsonObject *doc)
{
	JsonArray *a = array_of(doc, "devices");
	guint i;

	for (i = 0; a != NULL && i < json_array_get_length(a); i++) {
		JsonObject *d = json_array_get_object_element(a, i);
		const char *id = str_of(d, "id"), *vendor = str_of(d, "vendor");
		g_autofree char *who = NULL;
		struct event e = { 0 };

		if (id == NULL ||
		    col_alert_state_has(j->r->state, COL_AS_DEVICES, id))
			continue;
		col_alert_state_put(j->r->state, COL_AS_DEVICES, id,
		    (int64_t)j->r->now_ms);
		if (!j->r->cfg.new_devices)
			continue;
		who = device_words(j->r, id);
		e.type = "new_device";
		e.what = vendor;
		e.device = id;
		e.text = g_strdup_printf("new device on the network: %s%s%s",
		    who, vendor ? ", vendor " : "", vendor ? vendor : "");
		e.ev_name[0] = "bytes";
		e.ev[0] = int_of(d, "bytes_out") + int_of(d, "bytes_in");
		e.ev_name[1] = "flows";
		e.ev[1] = int_of(d, "flows");
		emit(j, &e);
	}
}

static void
rule_blocklist(struct judge *j, JsonObject *doc)
{
	JsonObject *bl = json_object_has_member(doc, "blocklist")
	    ? json_object_get_object_member(doc, "blocklist")
	    : NULL;
	JsonArray *a = array_of(bl, "hits");
	guint i;

	for (i = 0; a != NULL && i < json_array_get_length(a); i++) {
		JsonObject *h = json_array_get_object_element(a, i);
		const char *match = str_of(h, "match"), *via = str_of(h, "via");
		const char *kind = str_of(h, "kind");
		g_autofree char *who = NULL, *rem = NULL;
		struct event e = { 0 };
		gboolean name = g_strcmp0(kind, "domain") == 0;
		gboolean dns;

		if (match == NULL || via == NULL)
			continue;
		dns = g_str_has_prefix(via, "dns");
		who = device_words(j->r, str_of(h, "device"));
		e.type = "blocklist";
		e.what = str_of(h, "list");
		e.device = str_of(h, "device");
		/* The match is one half of the remote; the hit may know the
		 * other (collector/analytics/blockhits.h). */
		e.remote = name ? str_of(h, "remote_address") : match;
		e.remote_name = name ? match : str_of(h, "remote_name");
		e.target = match;
		rem = remote_words(j->r, e.remote, e.remote_name,
		    dns ? "to" : "at");
		e.text = g_strdup_printf(
		    "%s %s %s, listed in %s line %" G_GINT64_FORMAT
		    " (%s): %" G_GINT64_FORMAT " %s, %" G_GINT64_FORMAT
		    " bytes",
		    who, dns ? "resolved" : "talked to", rem,
		    e.what ? e.what : "?", int_of(h, "line"),
		    str_of(h, "entry") ? str_of(h, "entry") : "?",
		    int_of(h, "flows"), dns ? "DNS records" : "flows",
		    int_of(h, "bytes"));
		e.ev_name[0] = "flows";
		e.ev[0] = int_of(h, "flows");
		e.ev_name[1] = "bytes";
		e.ev[1] = int_of(h, "bytes");
		e.ev_name[2] = "line";
		e.ev[2] = int_of(h, "line");
		emit(j, &e);
	}
}

static void
rule_exporters(struct judge *j, JsonObject *doc)
{
	JsonArray *a = array_of(doc, "exporters");
	guint i;

	for (i = 0; a != NULL && i < json_array_get_length(a); i++) {
		JsonObject *x = json_array_get_object_element(a, i);
		g_autofree char *key =
		    g_strdup_printf("%s:%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
		        str_of(x, "address") ? str_of(x, "address") : "?",
		        int_of(x, "port"), int_of(x, "observation_domain"));
		int64_t quiet = int_of(x, "records") > 0
		    ? 0
		    : col_alert_state_get(j->r->state, COL_AS_SILENT, key, 0) +
		        1;
		struct event e = { 0 };

		col_alert_state_put(j->r->state, COL_AS_SILENT, key, quiet);
		e.what = key;
		e.target = key;
		if (j->r->cfg.silent_intervals > 0 &&
		    quiet == (int64_t)j->r->cfg.silent_intervals) {
			e.type = "exporter_silent";
			e.text = g_strdup_printf("exporter %s sent no records "
			                         "for %" G_GINT64_FORMAT
			                         " intervals",
			    key, quiet);
			e.ev_name[0] = "intervals";
			e.ev[0] = quiet;
			emit(j, &e);
		}
		if (int_of(x, "lost") > 0) {
			e.type = "exporter_loss";
			e.text = g_strdup_printf(
			    "exporter %s lost %" G_GINT64_FORMAT
			    " records (sequence gaps) of %" G_GINT64_FORMAT,
			    key, int_of(x, "lost"), int_of(x, "records"));
			e.ev_name[0] = "lost";
			e.ev[0] = int_of(x, "lost");
			e.ev_name[1] = "records";
			e.ev[1] = int_of(x, "records");
			emit(j, &e);
		}
	}
}

/* The quota of device d: by id, MAC or any address; else the default. */
static uint64_t
quota_of(struct col_alert_rules *r, JsonObject *d)
{
	JsonArray *a = array_of(d, "addresses");
	const char *keys[2] = { str_of(d, "id"), str_of(d, "mac") };
	const uint64_t *q;
	guint i;

	for (i = 0; i < 2; i++)
		if (keys[i] != NULL &&
		    (q = g_hash_table_lookup(r->quota_of, keys[i])) != NULL)
			return *q;
	for (i = 0; a != NULL && i < json_array_get_length(a); i++) {
		JsonNode *n = json_array_get_element(a, i);
		const char *s = JSON_NODE_HOLDS_VALUE(n)
		    ? json_node_get_string(n)
		    : JSON_NODE_HOLDS_OBJECT(n)
		    ? str_of(json_node_get_object(n), "address")
		    : NULL;

		if (s != NULL && (q = g_hash_table_lookup(r->quota_of, s)))
			return *q;
	}
	return r->cfg.quota;
}

static void
rule_quota(struct judge *j, JsonObject *doc, const char *day)
{
	JsonArray *a = array_of(doc, "devices");
	guint i;

	if (strcmp(col_alert_state_day(j->r->state), day) != 0)
		col_alert_state_new_day(j->r->state, day);
	for (i = 0; a != NULL && i < json_array_get_length(a); i++) {
		JsonObject *d = json_array_get_object_element(a, i);
		const char *id = str_of(d, "id");
		uint64_t q = quota_of(j->r, d);
		int64_t before, now;
		g_autofree char *who = NULL;
		struct event e = { 0 };

		if (id == NULL)
			continue;
		before = col_alert_state_get(j->r->state, COL_AS_QUOTA, id, 0);
		now = before + int_of(d, "bytes_out") + int_of(d, "bytes_in");
		col_alert_state_put(j->r->state, COL_AS_QUOTA, id, now);
		if (q == 0 || (uint64_t)now <= q || (uint64_t)before > q)
			continue;
		who = device_words(j->r, id);
		e.type = "quota";
		e.what = day;
		e.device = id;
		e.target = day;
		e.text = g_strdup_printf(
		    "%s moved %" G_GINT64_FORMAT
		    " bytes on %s, over its quota of %" G_GUINT64_FORMAT,
		    who, now, day, q);
		e.ev_name[0] = "bytes";
		e.ev[0] = now;
		e.ev_name[1] = "quota";
		e.ev[1] = (int64_t)q;
		emit(j, &e);
	}
}

/* The report's interval end in ms, and its start's UTC day. */
static gboolean
report_time(JsonObject *doc, uint64_t *end_ms, char day[11])
{
	JsonObject *iv = json_object_has_member(doc, "interval")
	    ? json_object_get_object_member(doc, "interval")
	    : NULL;
	const char *start = str_of(iv, "start"), *end = str_of(iv, "end");
	GDateTime *dt;

	if (start == NULL || end == NULL || strlen(start) < 10 ||
	    (dt = g_date_time_new_from_iso8601(end, NULL)) == NULL)
		return FALSE;
	*end_ms = (uint64_t)g_date_time_to_unix(dt) * 1000;
	g_date_time_unref(dt);
	memcpy(day, start, 10);
	day[10] = '\0';
	return TRUE;
}

size_t
col_alert_rules_judge(struct col_alert_rules *r, JsonNode *doc,
    uint64_t clock_ms, GPtrArray *out)
{
	struct judge j = { r, out, 0 };
	JsonObject *o;
	char day[11];

	if (doc == NULL || !JSON_NODE_HOLDS_OBJECT(doc))
		return 0;
	o = json_node_get_object(doc);
	if (!report_time(o, &r->now_ms, day))
		return 0;
	r->clock_ms = clock_ms != 0 ? clock_ms : r->now_ms;
	/* What was alerted longer than a window ago is forgotten. */
	col_alert_state_forget_below(r->state, COL_AS_ALERTED,
	    (int64_t)r->clock_ms - (int64_t)(r->cfg.window_s * 1000) + 1);
	index_devices(r, o);
	rule_anomalies(&j, o);
	rule_devices(&j, o);
	rule_blocklist(&j, o);
	rule_exporters(&j, o);
	rule_quota(&j, o, day);
	g_hash_table_unref(r->dev_index);
	r->dev_index = NULL;
	col_alert_state_save(r->state);
	return j.added;
}
