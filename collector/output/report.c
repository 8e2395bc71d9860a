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

#include "collector/model/consumer.h"
#include "collector/model/engine.h"
#include "collector/output/report.h"
#include "collector/output/report_json.h"
#include "collector/output/report_text.h"
#include "common/daemon.h"
#include "common/error.h"
#include "common/fsafe.h"

#define REPORT_FORMAT 1
#define SECONDS_PER_DAY INT64_C(86400)
#define REPORT_TEXT_START 65536 /* bytes: most reports fit, else it grows */

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
		col_json_uint(b, "ahead_records", e->ahead_records);
		/* Why records were late: present when some were. */
		if (e->late_records > 0)
			col_json_uint(b, "export_delay_ms", e->export_delay_ms);
		col_json_uint(b, "undecodable", e->undecodable);
		build_health(b, e->health);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

/*
 * The peers refused whole since the start, when there are any: a router
 * left out of allow-exporters would otherwise show nowhere.
 */
static void
build_refused(JsonBuilder *b, const struct col_refused *r)
{
	const struct col_refused_entry *e;
	size_t i;

	if (r == NULL || r->n == 0)
		return;
	json_builder_set_member_name(b, "refused_exporters");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "peers");
	json_builder_begin_array(b);
	for (i = 0; i < r->n; i++) {
		e = &r->e[i];
		json_builder_begin_object(b);
		col_json_str(b, "address", e->name);
		col_json_str(b, "reason", col_refused_reason_names[e->reason]);
		col_json_uint(b, "messages", e->messages);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	col_json_uint(b, "evicted", r->evicted);
	json_builder_end_object(b);
}

/*
 * Live: each UDP socket's datagrams and losses since the start (kernel:
 * the receive buffer was full; queue: the decoder fell behind).
 */
static void
build_listeners(JsonBuilder *b, const struct col_report_config *cfg)
{
	const struct col_listen_udp_stats *u;
	size_t i;

	if (cfg->n_listeners == 0)
		return;
	json_builder_set_member_name(b, "listeners");
	json_builder_begin_array(b);
	for (i = 0; i < cfg->n_listeners; i++) {
		u = &cfg->listeners[i];
		json_builder_begin_object(b);
		col_json_str(b, "kind", u->kind);
		col_json_str(b, "address", u->address);
		col_json_uint(b, "port", u->port);
		col_json_uint(b, "receive_buffer", u->rcvbuf);
		col_json_uint(b, "datagrams", u->datagrams);
		col_json_uint(b, "kernel_drops", u->kernel_drops);
		col_json_uint(b, "queue_drops", u->queue_drops);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

/* Class k: its totals and one entry per second of the interval. */
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
	struct col_section sec;

	g_return_val_if_fail(cfg != NULL && iv != NULL, NULL);
	g_return_val_if_fail(exp != NULL || n_exp == 0, NULL);
	b = json_builder_new();
	json_builder_begin_object(b);
	col_json_uint(b, "format", REPORT_FORMAT);
	build_interval(b, iv);
	build_exporters(b, exp, n_exp);
	build_refused(b, cfg->refused);
	build_listeners(b, cfg);
	sec.b = b;
	sec.iv = iv;
	sec.top = cfg->top;
	col_consumers_write(iv->consumers, &sec);
	build_collector(b, &iv->delta);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	g_object_unref(b);
	return root;
}

gboolean
col_report_sync(const struct col_report_config *cfg, GError **error)
{
	g_autofree char *latest = NULL, *last_dir = NULL;
	gboolean ok = TRUE;
	guint i;

	/*
	 * Only this run's files: syncfs(2) would also wait for every other
	 * writer's dirty pages on the file system.
	 */
	for (i = 0; cfg->written != NULL && i < cfg->written->len && ok; i++) {
		const char *p = g_ptr_array_index(cfg->written, i);
		g_autofree char *dir = g_path_get_dirname(p);

		ok = mf_sync_path(p, error);
		if (ok && g_strcmp0(dir, last_dir) != 0) {
			ok = mf_sync_path(dir, error);
			g_free(last_dir);
			last_dir = g_steal_pointer(&dir);
		}
	}
	if (cfg->written != NULL)
		g_ptr_array_set_size(cfg->written, 0);
	latest = g_build_filename(cfg->dir, "latest.json", NULL);
	return ok && mf_sync_path(latest, error) &&
	    mf_sync_path(cfg->dir, error);
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

/* The text as json-glib's generator writes it (report_text.h), faster. */
char *
col_report_format(JsonNode *root, size_t *len)
{
	GString *text = g_string_sized_new(REPORT_TEXT_START);

	col_report_text_append(text, root);
	g_string_append_c(text, '\n');
	*len = text->len;
	return g_string_free(text, FALSE);
}

gboolean
col_report_write(const struct col_report_config *cfg,
    const struct col_interval *iv, const struct col_report_exporter *exp,
    size_t n_exp, JsonNode **doc, GError **error)
{
	g_autofree char *text = NULL, *path = NULL, *day = NULL;
	g_autofree char *latest = NULL;
	JsonNode *root;
	size_t len;

	g_return_val_if_fail(cfg != NULL && cfg->dir != NULL, FALSE);
	if (doc != NULL)
		*doc = NULL;
	if ((root = col_report_build(cfg, iv, exp, n_exp)) == NULL) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "%s: bad report",
		    cfg->dir);
		return FALSE;
	}
	text = col_report_format(root, &len);
	if (doc != NULL)
		*doc = root;
	else
		json_node_unref(root);
	path = col_report_path(cfg->dir, iv->start_ms);
	day = g_path_get_dirname(path);
	if (!mf_fsafe_mkdir(day, error))
		return FALSE;
	latest = g_build_filename(cfg->dir, "latest.json", NULL);
	if (!mf_write_atomic_sync(path, text, len, !cfg->no_sync, error) ||
	    !mf_write_atomic_sync(latest, text, len, !cfg->no_sync, error))
		return FALSE;
	if (cfg->no_sync && cfg->written != NULL) {
		g_ptr_array_add(cfg->written, g_strdup(path));
		/* Bounded: a long capture's reports are synced in batches. */
		if (cfg->written->len >= COL_REPORT_SYNC_BATCH &&
		    !col_report_sync(cfg, error))
			return FALSE;
	}
	if (cfg->retention_days > 0)
		expire_days(cfg->dir,
		    cfg->now_ms != 0 ? MIN(iv->start_ms, cfg->now_ms)
		                     : iv->start_ms,
		    cfg->retention_days);
	return TRUE;
}
