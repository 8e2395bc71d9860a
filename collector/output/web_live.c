/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-web"

#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/ingest/exporters.h"
#include "collector/model/classify.h"
#include "collector/model/consumer.h"
#include "collector/model/engine.h"
#include "collector/model/tables.h"
#include "collector/output/report.h"
#include "collector/output/report_json.h"
#include "collector/analytics/geo.h"
#include "collector/output/web_live.h"
#include "collector/output/web_stream.h"
#include "common/addr.h"

struct second {
	uint64_t sec; /* unix second held, 0: none */
	struct col_counts c[COL_N_CLASSES];
};

struct col_web_live {
	GMutex lock; /* everything below but the ingest-only part */
	struct second ring[COL_WEB_LIVE_SECONDS];
	uint64_t newest; /* the latest second held, 0: none */
	GBytes *latest;
	struct col_web_snapshot snap;
	/* Ingest thread only. */
	struct col_web_hub *hub;
	const struct col_geo *geo; /* countries for the stream, or NULL */
	GHashTable *anomalous;     /* struct mf_addr * -> itself */
	uint64_t anomalous_full;
};

void
col_web_snapshot_clear(struct col_web_snapshot *s)
{
	g_free(s->exporters);
	memset(s, 0, sizeof(*s));
}

/* FNV-1a over the address: the set is rebuilt from reports only. */
static guint
addr_hash(gconstpointer p)
{
	const uint8_t *b = p;
	guint h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(struct mf_addr); i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

static gboolean
addr_equal(gconstpointer x, gconstpointer y)
{
	return memcmp(x, y, sizeof(struct mf_addr)) == 0;
}

/* latest.json as the previous run left it, if it is there. */
static GBytes *
read_latest(const char *dir)
{
	g_autofree char *path = NULL, *text = NULL;
	gsize len;

	if (dir == NULL)
		return NULL;
	path = g_build_filename(dir, "latest.json", NULL);
	if (!g_file_get_contents(path, &text, &len, NULL) ||
	    len > COL_WEB_LIVE_MAX_LATEST)
		return NULL;
	return g_bytes_new_take(g_steal_pointer(&text), len);
}

void
col_web_live_set_geo(struct col_web_live *l, const struct col_geo *geo)
{
	l->geo = geo;
}

/* The country of the external side (none when both are internal). */
static void
set_country(const struct col_web_live *l, struct col_web_event *ev,
    const struct col_flow *f, const struct col_record *r)
{
	struct col_geo_info gi;
	const struct mf_addr *remote;

	ev->country[0] = '\0';
	if (l->geo == NULL || (r->src_internal && r->dst_internal))
		return;
	remote = r->src_internal ? &f->dst : &f->src;
	if (col_geo_lookup(l->geo, remote, &gi))
		g_strlcpy(ev->country, gi.country, sizeof(ev->country));
}

struct col_web_live *
col_web_live_new(struct col_web_hub *hub, const char *report_dir)
{
	struct col_web_live *l = g_new0(struct col_web_live, 1);

	g_mutex_init(&l->lock);
	l->hub = hub;
	l->anomalous =
	    g_hash_table_new_full(addr_hash, addr_equal, g_free, NULL);
	l->latest = read_latest(report_dir);
	return l;
}

void
col_web_live_free(struct col_web_live *l)
{
	if (l == NULL)
		return;
	if (l->latest != NULL)
		g_bytes_unref(l->latest);
	col_web_snapshot_clear(&l->snap);
	g_hash_table_destroy(l->anomalous);
	g_mutex_clear(&l->lock);
	g_free(l);
}

/* Under the lock: add to second sec of class k. */
static void
ring_add(struct col_web_live *l, uint64_t sec, enum col_class k, uint64_t flows,
    uint64_t packets, uint64_t bytes)
{
	struct second *s = &l->ring[sec % COL_WEB_LIVE_SECONDS];

	if (l->newest >= COL_WEB_LIVE_SECONDS &&
	    sec <= l->newest - COL_WEB_LIVE_SECONDS) {
		l->snap.too_old++;
		return;
	}
	if (s->sec != sec) {
		memset(s, 0, sizeof(*s));
		s->sec = sec;
	}
	s->c[k].flows += flows;
	s->c[k].packets += packets;
	s->c[k].bytes += bytes;
	l->newest = MAX(l->newest, sec);
}

static gboolean
is_anomalous(struct col_web_live *l, const struct col_flow *f)
{
	return g_hash_table_size(l->anomalous) != 0 &&
	    (g_hash_table_contains(l->anomalous, &f->src) ||
	        g_hash_table_contains(l->anomalous, &f->dst));
}

static void
take_flow(void *self, struct col_record *r)
{
	struct col_web_live *l = self;
	const struct col_flow *f = r->flow;
	uint64_t sec = r->end_ms / 1000;

	g_mutex_lock(&l->lock);
	ring_add(l, sec, r->cls, 1, f->packets, f->octets);
	if (f->rev_packets != 0)
		ring_add(l, sec, col_class_reverse(r->cls), 0, f->rev_packets,
		    f->rev_octets);
	g_mutex_unlock(&l->lock);
	if (l->hub != NULL && col_web_hub_active(l->hub)) {
		struct col_web_event ev;

		col_web_event_set(&ev, f, r->cls, r->src_internal,
		    r->dst_internal, is_anomalous(l, f),
		    r->device[r->src_internal ? 0 : 1]);
		set_country(l, &ev, f, r);
		col_web_hub_push(l->hub, &ev);
	}
}

/* The addresses of the anomalies not over, for the stream's kinds. */
static void
note_anomalies(struct col_web_live *l, JsonObject *root)
{
	JsonArray *a = json_object_has_member(root, "anomalies")
	    ? json_object_get_array_member(root, "anomalies")
	    : NULL;
	guint i, n = a != NULL ? json_array_get_length(a) : 0;

	g_hash_table_remove_all(l->anomalous);
	for (i = 0; i < n; i++) {
		JsonObject *e = json_array_get_object_element(a, i);
		struct mf_addr addr;
		const char *ip, *state;

		if (e == NULL)
			continue;
		ip = json_object_get_string_member_with_default(e, "ip", "");
		state =
		    json_object_get_string_member_with_default(e, "state", "");
		if (strcmp(state, "over") == 0 || !mf_addr_parse(ip, &addr))
			continue;
		if (g_hash_table_size(l->anomalous) >= COL_WEB_LIVE_ANOMALOUS) {
			l->anomalous_full++;
			continue;
		}
		g_hash_table_add(l->anomalous, g_memdup2(&addr, sizeof(addr)));
	}
}

/* The "tables" section: each table's use. */
static size_t
note_tables(JsonObject *root, struct col_web_table *t, size_t max)
{
	JsonObject *o = json_object_has_member(root, "tables")
	    ? json_object_get_object_member(root, "tables")
	    : NULL;
	g_autoptr(GList) names = o != NULL ? json_object_get_members(o) : NULL;
	size_t n = 0;
	GList *p;

	for (p = names; p != NULL && n < max; p = p->next) {
		JsonObject *e = json_object_get_object_member(o, p->data);

		if (e == NULL)
			continue;
		g_strlcpy(t[n].name, p->data, sizeof(t[n].name));
		t[n].used = (uint64_t)json_object_get_int_member_with_default(e,
		    "used", 0);
		t[n].capacity =
		    (uint64_t)json_object_get_int_member_with_default(e,
		        "capacity", 0);
		t[n].evicted =
		    (uint64_t)json_object_get_int_member_with_default(e,
		        "evicted", 0);
		n++;
	}
	return n;
}

static void
take_report(void *self, JsonNode *doc, const struct col_interval *iv)
{
	struct col_web_live *l = self;
	struct col_web_table tables[COL_WEB_LIVE_TABLES];
	GBytes *text = NULL, *old;
	size_t n_tables = 0, len;
	JsonObject *root;

	(void)iv;
	if (doc != NULL && JSON_NODE_HOLDS_OBJECT(doc)) {
		root = json_node_get_object(doc);
		note_anomalies(l, root);
		n_tables = note_tables(root, tables, G_N_ELEMENTS(tables));
		char *t = col_report_format(doc, &len);

		text = g_bytes_new_take(t, len);
	}
	g_mutex_lock(&l->lock);
	l->snap.reports++;
	old = text != NULL ? l->latest : NULL;
	if (text != NULL) {
		l->latest = text;
		memcpy(l->snap.tables, tables, sizeof(tables[0]) * n_tables);
		l->snap.n_tables = n_tables;
	}
	l->snap.anomalous_full = l->anomalous_full;
	g_mutex_unlock(&l->lock);
	if (old != NULL)
		g_bytes_unref(old);
}

struct col_consumer
col_web_live_consumer(struct col_web_live *l)
{
	struct col_consumer c = { .name = "web",
		.self = l,
		.flow = take_flow,
		.report = take_report };

	return c;
}

void
col_web_live_publish(struct col_web_live *l,
    const struct col_report_exporter *lines, const uint64_t *last_seen_ms,
    size_t n, const struct col_engine_stats *stats, uint64_t reports_failed)
{
	struct col_web_exporter *x = g_new0(struct col_web_exporter, n + 1);
	size_t i;

	for (i = 0; i < n; i++) {
		g_strlcpy(x[i].address, lines[i].address, sizeof(x[i].address));
		x[i].port = lines[i].port;
		x[i].domain = lines[i].domain;
		x[i].protocol = lines[i].protocol;
		x[i].records = lines[i].records;
		x[i].lost = lines[i].lost;
		x[i].late = lines[i].late_records;
		x[i].undecodable = lines[i].undecodable;
		x[i].last_seen_ms = last_seen_ms != NULL ? last_seen_ms[i] : 0;
	}
	g_mutex_lock(&l->lock);
	g_free(l->snap.exporters);
	l->snap.exporters = x;
	l->snap.n_exporters = n;
	l->snap.engine = *stats;
	l->snap.reports_failed = reports_failed;
	g_mutex_unlock(&l->lock);
}

void
col_web_live_publish_listeners(struct col_web_live *l,
    const struct col_listen_udp_stats *u, size_t n)
{
	size_t i;

	n = MIN(n, G_N_ELEMENTS(l->snap.listeners));
	g_mutex_lock(&l->lock);
	for (i = 0; i < n; i++) {
		struct col_web_listener *w = &l->snap.listeners[i];

		g_strlcpy(w->kind, u[i].kind, sizeof(w->kind));
		g_strlcpy(w->address, u[i].address, sizeof(w->address));
		w->port = u[i].port;
		w->rcvbuf = u[i].rcvbuf;
		w->datagrams = u[i].datagrams;
		w->kernel_drops = u[i].kernel_drops;
		w->queue_drops = u[i].queue_drops;
	}
	l->snap.n_listeners = n;
	g_mutex_unlock(&l->lock);
}

GBytes *
col_web_live_latest(struct col_web_live *l)
{
	GBytes *b;

	g_mutex_lock(&l->lock);
	b = l->latest != NULL ? g_bytes_ref(l->latest) : NULL;
	g_mutex_unlock(&l->lock);
	return b;
}

void
col_web_live_snapshot(struct col_web_live *l, struct col_web_snapshot *out)
{
	g_mutex_lock(&l->lock);
	*out = l->snap;
	out->exporters = g_memdup2(l->snap.exporters,
	    sizeof(*out->exporters) * (l->snap.n_exporters + 1));
	g_mutex_unlock(&l->lock);
}

/* --- the step-1 series -------------------------------------------------- */

/* One of "flows", "packets", "bytes": per class, one value a second. */
static void
add_measure(JsonBuilder *b, const char *key, const struct second *secs,
    size_t n, size_t which)
{
	size_t k, i;

	json_builder_set_member_name(b, key);
	json_builder_begin_object(b);
	for (k = 0; k < COL_N_CLASSES; k++) {
		json_builder_set_member_name(b, col_class_names[k]);
		json_builder_begin_array(b);
		for (i = 0; i < n; i++) {
			const struct col_counts *c = &secs[i].c[k];
			uint64_t v = which == 0 ? c->flows
			    : which == 1        ? c->packets
			                        : c->bytes;

			json_builder_add_int_value(b,
			    (gint64)MIN(v, (uint64_t)G_MAXINT64));
		}
		json_builder_end_array(b);
	}
	json_builder_end_object(b);
}

JsonNode *
col_web_live_series(struct col_web_live *l, uint64_t from_ms, gboolean has_from,
    uint64_t to_ms, gboolean has_to)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	uint64_t first, end, s;
	struct second *secs;
	size_t n = 0, k;

	g_mutex_lock(&l->lock);
	end = l->newest + 1;
	first = end > COL_WEB_LIVE_SECONDS ? end - COL_WEB_LIVE_SECONDS : 1;
	if (has_from)
		first = MAX(first, (from_ms + 999) / 1000);
	if (has_to)
		end = MIN(end, (to_ms + 999) / 1000);
	if (l->newest == 0 || end < first)
		end = first;
	secs = g_new0(struct second, end - first + 1);
	for (s = first; s < end; s++, n++) {
		const struct second *r = &l->ring[s % COL_WEB_LIVE_SECONDS];

		secs[n].sec = s;
		if (r->sec == s)
			memcpy(secs[n].c, r->c, sizeof(r->c));
	}
	g_mutex_unlock(&l->lock);
	json_builder_begin_object(b);
	col_json_time(b, "from", first * 1000);
	col_json_time(b, "to", end * 1000);
	json_builder_set_member_name(b, "step");
	json_builder_add_int_value(b, 1);
	json_builder_set_member_name(b, "classes");
	json_builder_begin_array(b);
	for (k = 0; k < COL_N_CLASSES; k++)
		json_builder_add_string_value(b, col_class_names[k]);
	json_builder_end_array(b);
	json_builder_set_member_name(b, "t");
	json_builder_begin_array(b);
	for (k = 0; k < n; k++)
		json_builder_add_int_value(b, (gint64)secs[k].sec);
	json_builder_end_array(b);
	add_measure(b, "flows", secs, n, 0);
	add_measure(b, "packets", secs, n, 1);
	add_measure(b, "bytes", secs, n, 2);
	json_builder_end_object(b);
	g_free(secs);
	return json_builder_get_root(b);
}
