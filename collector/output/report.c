/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-report"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "collector/model/classify.h"
#include "collector/analytics/dnsstats.h"
#include "collector/model/persec.h"
#include "collector/output/report.h"
#include "collector/output/report_flows.h"
#include "collector/output/report_json.h"
#include "collector/output/report_anomaly.h"
#include "collector/output/report_dns.h"
#include "collector/model/tables.h"
#include "collector/model/topn.h"
#include "common/addr.h"
#include "common/daemon.h"
#include "common/error.h"

#define REPORT_FORMAT 1
#define SECONDS_PER_DAY INT64_C(86400)
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
add_counts(JsonBuilder *b, const struct col_counts *c)
{
	col_json_uint(b, "flows", c->flows);
	col_json_uint(b, "packets", c->packets);
	col_json_uint(b, "bytes", c->bytes);
}

static void
build_interval(JsonBuilder *b, const struct col_interval *iv)
{
	json_builder_set_member_name(b, "interval");
	json_builder_begin_object(b);
	col_json_time(b, "start", iv->start_ms);
	col_json_time(b, "end", iv->end_ms);
	json_builder_end_object(b);
}

/* The exporter's own statistics, or null if it never sent them. */
static void
build_health(JsonBuilder *b, const struct col_exporter_health *h)
{
	json_builder_set_member_name(b, "health");
	if (h == NULL || !h->seen) {
		json_builder_add_null_value(b);
		return;
	}
	json_builder_begin_object(b);
	col_json_uint(b, "packets_seen", h->rec.packets_seen);
	col_json_uint(b, "kernel_drops", h->rec.kernel_drops);
	col_json_uint(b, "ignored", h->rec.ignored);
	col_json_uint(b, "flows_created", h->rec.flows_created);
	col_json_uint(b, "records_exported", h->rec.records_exported);
	col_json_uint(b, "not_sent", h->rec.not_sent);
	col_json_uint(b, "peak_flows", h->rec.peak_flows);
	col_json_uint(b, "evicted_full", h->rec.evicted_full);
	col_json_uint(b, "expired_frags", h->rec.expired_frags);
	json_builder_end_object(b);
}

static void
build_exporters(JsonBuilder *b, const struct col_report_exporter *exp,
    size_t n_exp)
{
	const struct col_report_exporter *e;
	size_t i;

	json_builder_set_member_name(b, "exporters");
	json_builder_begin_array(b);
	for (i = 0; i < n_exp; i++) {
		e = &exp[i];
		json_builder_begin_object(b);
		col_json_str(b, "address", e->address);
		col_json_uint(b, "port", e->port);
		col_json_uint(b, "observation_domain", e->domain);
		col_json_str(b, "protocol", e->protocol);
		col_json_uint(b, "records", e->records);
		col_json_uint(b, "lost", e->lost);
		col_json_uint(b, "late_records", e->late_records);
		col_json_uint(b, "undecodable", e->undecodable);
		build_health(b, e->health);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

/* Class k: its totals and one entry per second of the interval. */
static void
build_class(JsonBuilder *b, const struct col_interval *iv, enum col_class k)
{
	struct col_counts c = { 0, 0, 0 };
	uint32_t i, n = 0;

	if (iv->persec != NULL) {
		col_persec_total(iv->persec, k, &c);
		n = col_persec_seconds(iv->persec);
	}
	json_builder_set_member_name(b, col_class_names[k]);
	json_builder_begin_object(b);
	add_counts(b, &c);
	json_builder_set_member_name(b, "per_second");
	json_builder_begin_array(b);
	for (i = 0; i < n; i++) {
		col_persec_get(iv->persec, k, i, &c);
		json_builder_begin_object(b);
		col_json_time(b, "t", iv->start_ms + (uint64_t)i * 1000);
		add_counts(b, &c);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
}

static void
build_summary(JsonBuilder *b, const struct col_interval *iv)
{
	int k;

	json_builder_set_member_name(b, "summary");
	json_builder_begin_object(b);
	for (k = 0; k < COL_N_CLASSES; k++)
		build_class(b, iv, (enum col_class)k);
	json_builder_end_object(b);
}

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
tops_init(struct tops *t, const struct col_interval *iv, uint32_t top)
{
	size_t sz = sizeof(struct col_topn_item);

	t->talkers = g_array_new(FALSE, FALSE, (guint)sz);
	t->convs = g_array_new(FALSE, FALSE, (guint)sz);
	t->apps = g_array_new(FALSE, FALSE, (guint)sz);
	t->addr_ids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	t->stream_ids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	if (iv->tables == NULL)
		return;
	col_tables_foreach_address(iv->tables, talker_item, t->talkers);
	col_tables_foreach_stream(iv->tables, conv_item, t->convs);
	col_tables_foreach_port(iv->tables, app_item, t->apps);
	select_top(t->talkers, top);
	select_top(t->convs, top);
	select_top(t->apps, top);
	collect_ids(t, iv->tables);
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
build_address(JsonBuilder *b, const struct col_address *a, const char *label)
{
	char ip[MF_ADDR_STRLEN], mac[MAC_STRLEN];

	json_builder_begin_object(b);
	col_json_uint(b, "id", a->id);
	col_json_str(b, "ip", mf_addr_format(&a->addr, ip, sizeof(ip)));
	if (a->has_mac)
		g_snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
		    a->mac[0], a->mac[1], a->mac[2], a->mac[3], a->mac[4],
		    a->mac[5]);
	col_json_str(b, "mac", a->has_mac ? mac : NULL);
	col_json_str(b, "label", label);
	json_builder_set_member_name(b, "internal");
	json_builder_add_boolean_value(b, a->internal != 0);
	json_builder_end_object(b);
}

static void
build_addresses(JsonBuilder *b, const struct tops *t,
    const struct col_tables *tables)
{
	GHashTable *labels = g_hash_table_new(NULL, NULL);
	const struct col_address *a;
	guint i;

	col_tables_foreach_stream(tables, note_label, labels);
	json_builder_set_member_name(b, "addresses");
	json_builder_begin_array(b);
	for (i = 0; i < t->addr_ids->len; i++)
		if ((a = col_tables_address(tables,
		         g_array_index(t->addr_ids, uint32_t, i))) != NULL)
			build_address(b, a,
			    g_hash_table_lookup(labels,
			        GUINT_TO_POINTER(a->id + 1)));
	json_builder_end_array(b);
	g_hash_table_destroy(labels);
}

static void
build_stream(JsonBuilder *b, const struct col_stream *s)
{
	json_builder_begin_object(b);
	col_json_uint(b, "id", s->id);
	col_json_uint(b, "proto", s->proto);
	col_json_uint(b, "left", s->left);
	col_json_uint(b, "left_port", s->left_port);
	col_json_uint(b, "right", s->right);
	col_json_uint(b, "right_port", s->right_port);
	col_json_str(b, "label", s->label);
	col_json_uint(b, "flags", s->flags);
	col_json_uint(b, "packets", s->l2r.packets + s->r2l.packets);
	col_json_uint(b, "bytes", s->l2r.bytes + s->r2l.bytes);
	json_builder_end_object(b);
}

static void
build_streams(JsonBuilder *b, const struct tops *t,
    const struct col_tables *tables)
{
	const struct col_stream *s;
	guint i;

	json_builder_set_member_name(b, "streams");
	json_builder_begin_array(b);
	for (i = 0; i < t->stream_ids->len; i++)
		if ((s = col_tables_stream(tables,
		         g_array_index(t->stream_ids, uint32_t, i))) != NULL)
			build_stream(b, s);
	json_builder_end_array(b);
}

/* One top list: each item as {id_key: id, bytes, packets[, flows]}. */
static void
build_list(JsonBuilder *b, const char *name, const GArray *a,
    const char *id_key, gboolean flows)
{
	const struct col_topn_item *it;
	guint i;

	json_builder_set_member_name(b, name);
	json_builder_begin_array(b);
	for (i = 0; i < a->len; i++) {
		it = &g_array_index(a, struct col_topn_item, i);
		json_builder_begin_object(b);
		col_json_uint(b, id_key, it->id);
		col_json_uint(b, "bytes", it->bytes);
		col_json_uint(b, "packets", it->packets);
		if (flows)
			col_json_uint(b, "flows", it->flows);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

static void
build_apps(JsonBuilder *b, const GArray *a, const struct col_tables *tables)
{
	const struct col_topn_item *it;
	const struct col_port *p;
	guint i;

	json_builder_set_member_name(b, "applications");
	json_builder_begin_array(b);
	for (i = 0; i < a->len; i++) {
		it = &g_array_index(a, struct col_topn_item, i);
		if ((p = col_tables_port(tables, it->id)) == NULL)
			continue;
		json_builder_begin_object(b);
		col_json_uint(b, "proto", p->proto);
		col_json_uint(b, "port", p->port);
		col_json_uint(b, "bytes", it->bytes);
		col_json_uint(b, "packets", it->packets);
		col_json_uint(b, "flows", it->flows);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

static void
build_top(JsonBuilder *b, const struct tops *t, const struct col_tables *tables)
{
	json_builder_set_member_name(b, "top");
	json_builder_begin_object(b);
	build_list(b, "talkers", t->talkers, "address", TRUE);
	build_list(b, "conversations", t->convs, "stream", FALSE);
	build_apps(b, t->apps, tables);
	json_builder_end_object(b);
}

/* Sections later modules fill: present, empty, so readers can rely on them. */
static void
build_placeholders(JsonBuilder *b, const struct col_interval *iv)
{
	col_report_flows_build(b, iv);
	col_report_anomalies(b, iv);
}

static void
build_table_stats(JsonBuilder *b, const char *key,
    const struct col_table_stats *s)
{
	json_builder_set_member_name(b, key);
	json_builder_begin_object(b);
	col_json_uint(b, "used", s->used);
	col_json_uint(b, "capacity", s->capacity);
	col_json_uint(b, "evicted", s->evicted);
	col_json_uint(b, "collected", s->collected);
	col_json_uint(b, "untracked", s->untracked);
	json_builder_end_object(b);
}

static void
build_tables(JsonBuilder *b, const struct col_tables *tables)
{
	struct col_table_stats a, s, p;

	memset(&a, 0, sizeof(a));
	memset(&s, 0, sizeof(s));
	memset(&p, 0, sizeof(p));
	if (tables != NULL)
		col_tables_get_stats(tables, &a, &s, &p);
	json_builder_set_member_name(b, "tables");
	json_builder_begin_object(b);
	build_table_stats(b, "addresses", &a);
	build_table_stats(b, "streams", &s);
	build_table_stats(b, "ports", &p);
	json_builder_end_object(b);
}

static void
build_collector(JsonBuilder *b, const struct col_engine_stats *delta)
{
	json_builder_set_member_name(b, "collector");
	json_builder_begin_object(b);
	col_json_uint(b, "records", delta->records);
	col_json_uint(b, "late_records", delta->late_records);
	col_json_uint(b, "absurd_records", delta->absurd_records);
	json_builder_end_object(b);
}

JsonNode *
col_report_build(const struct col_report_config *cfg,
    const struct col_interval *iv, const struct col_report_exporter *exp,
    size_t n_exp)
{
	JsonBuilder *b;
	JsonNode *root;
	struct tops t;

	g_return_val_if_fail(cfg != NULL && iv != NULL, NULL);
	g_return_val_if_fail(exp != NULL || n_exp == 0, NULL);
	tops_init(&t, iv, cfg->top);
	b = json_builder_new();
	json_builder_begin_object(b);
	col_json_uint(b, "format", REPORT_FORMAT);
	build_interval(b, iv);
	build_exporters(b, exp, n_exp);
	build_summary(b, iv);
	build_addresses(b, &t, iv->tables);
	build_streams(b, &t, iv->tables);
	build_top(b, &t, iv->tables);
	col_report_dns_build(b, iv->dns, cfg->top);
	build_placeholders(b, iv);
	build_tables(b, iv->tables);
	build_collector(b, &iv->delta);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	g_object_unref(b);
	tops_clear(&t);
	return root;
}

char *
col_report_path(const char *dir, uint64_t start_ms)
{
	char *day = col_json_format_utc(start_ms, "%Y%m%d");
	char *file = col_json_format_utc(start_ms, "%H%M%S.json");
	char *path = g_build_filename(dir, day, file, NULL);

	g_free(day);
	g_free(file);
	return path;
}

/* The start of day directory name (YYYYmmdd) in Unix seconds. */
static gboolean
day_start(const char *name, int64_t *out)
{
	unsigned v[8], y, m, d;
	GDateTime *dt;
	int i;

	for (i = 0; i < 8; i++) {
		if (!g_ascii_isdigit(name[i]))
			return FALSE;
		v[i] = (unsigned)(name[i] - '0');
	}
	if (name[8] != '\0')
		return FALSE;
	y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
	m = v[4] * 10 + v[5];
	d = v[6] * 10 + v[7];
	if (!g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
		return FALSE;
	if ((dt = g_date_time_new_utc((gint)y, (gint)m, (gint)d, 0, 0, 0)) ==
	    NULL)
		return FALSE;
	*out = g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return TRUE;
}

/* Remove the reports (*.json, regular files) of day dir path, then it. */
static void
remove_day(const char *path)
{
	const char *name;
	GStatBuf st;
	GDir *d;
	int saved;

	if ((d = g_dir_open(path, 0, NULL)) == NULL)
		return;
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *file = g_build_filename(path, name, NULL);

		if (!g_str_has_suffix(name, ".json") ||
		    g_lstat(file, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (g_unlink(file) != 0) {
			saved = errno;
			g_warning("%s: cannot remove: %s", file,
			    g_strerror(saved));
		}
	}
	g_dir_close(d);
	if (g_rmdir(path) != 0) {
		saved = errno;
		/* Files of our own making only go; others stay, with it. */
		if (saved == ENOTEMPTY || saved == EEXIST)
			g_debug("%s: kept: holds other files", path);
		else
			g_warning("%s: cannot remove: %s", path,
			    g_strerror(saved));
	}
}

/*
 * Remove the day directories under dir whose every report is older than
 * days before start_ms: those whose day ended at or before that time.
 */
static void
expire_days(const char *dir, uint64_t start_ms, uint32_t days)
{
	int64_t cutoff, t;
	const char *name;
	GError *err = NULL;
	GStatBuf st;
	GDir *d;

	cutoff = (int64_t)MIN(start_ms / 1000, COL_JSON_MAX_UNIX_S) -
	    (int64_t)days * SECONDS_PER_DAY;
	if ((d = g_dir_open(dir, 0, &err)) == NULL) {
		g_warning("%s", err->message);
		g_error_free(err);
		return;
	}
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *path = NULL;

		if (!day_start(name, &t) || t + SECONDS_PER_DAY > cutoff)
			continue;
		path = g_build_filename(dir, name, NULL);
		if (g_lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			remove_day(path);
	}
	g_dir_close(d);
}

/* The document as pretty JSON (indent 2) with a final newline. */
static char *
to_text(JsonNode *root, size_t *len)
{
	JsonGenerator *g = json_generator_new();
	char *body, *text;

	json_generator_set_pretty(g, TRUE);
	json_generator_set_indent(g, 2);
	json_generator_set_indent_char(g, ' ');
	json_generator_set_root(g, root);
	body = json_generator_to_data(g, NULL);
	text = g_strconcat(body, "\n", NULL);
	g_free(body);
	g_object_unref(g);
	*len = strlen(text);
	return text;
}

gboolean
col_report_write(const struct col_report_config *cfg,
    const struct col_interval *iv, const struct col_report_exporter *exp,
    size_t n_exp, GError **error)
{
	g_autofree char *text = NULL, *path = NULL, *day = NULL;
	g_autofree char *latest = NULL;
	JsonNode *root;
	size_t len;
	int saved;

	g_return_val_if_fail(cfg != NULL && cfg->dir != NULL, FALSE);
	if ((root = col_report_build(cfg, iv, exp, n_exp)) == NULL) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "%s: bad report",
		    cfg->dir);
		return FALSE;
	}
	text = to_text(root, &len);
	json_node_unref(root);
	path = col_report_path(cfg->dir, iv->start_ms);
	day = g_path_get_dirname(path);
	if (g_mkdir_with_parents(day, 0755) != 0) {
		saved = errno;
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "%s: %s", day,
		    g_strerror(saved));
		return FALSE;
	}
	latest = g_build_filename(cfg->dir, "latest.json", NULL);
	if (!mf_write_atomic(path, text, len, error) ||
	    !mf_write_atomic(latest, text, len, error))
		return FALSE;
	if (cfg->retention_days > 0)
		expire_days(cfg->dir,
		    cfg->now_ms != 0 ? MIN(iv->start_ms, cfg->now_ms)
		                     : iv->start_ms,
		    cfg->retention_days);
	return TRUE;
}
