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
#include "collector/output/jsonw.h"
#include "collector/output/report.h"
#include "collector/output/report_json.h"
#include "common/daemon.h"
#include "common/error.h"
#include "common/fsafe.h"

#define REPORT_FORMAT 1
#define SECONDS_PER_DAY INT64_C(86400)

static void
build_interval(struct col_jsonw *w, const struct col_interval *iv)
{
	col_jsonw_member(w, "interval");
	col_jsonw_begin_object(w);
	col_jsonw_time(w, "start", iv->start_ms);
	col_jsonw_time(w, "end", iv->end_ms);
	col_jsonw_end_object(w);
}

/* The exporter's own statistics, or null if it never sent them. */
static void
build_health(struct col_jsonw *w, const struct col_exporter_health *h)
{
	col_jsonw_member(w, "health");
	if (h == NULL || !h->seen) {
		col_jsonw_null(w);
		return;
	}
	col_jsonw_begin_object(w);
	col_jsonw_uint(w, "packets_seen", h->rec.packets_seen);
	col_jsonw_uint(w, "kernel_drops", h->rec.kernel_drops);
	col_jsonw_uint(w, "ignored", h->rec.ignored);
	col_jsonw_uint(w, "flows_created", h->rec.flows_created);
	col_jsonw_uint(w, "records_exported", h->rec.records_exported);
	col_jsonw_uint(w, "not_sent", h->rec.not_sent);
	col_jsonw_uint(w, "peak_flows", h->rec.peak_flows);
	col_jsonw_uint(w, "evicted_full", h->rec.evicted_full);
	col_jsonw_uint(w, "expired_frags", h->rec.expired_frags);
	col_jsonw_end_object(w);
}

static void
build_exporters(struct col_jsonw *w, const struct col_report_exporter *exp,
    size_t n_exp)
{
	const struct col_report_exporter *e;
	size_t i;

	col_jsonw_member(w, "exporters");
	col_jsonw_begin_array(w);
	for (i = 0; i < n_exp; i++) {
		e = &exp[i];
		col_jsonw_begin_object(w);
		col_jsonw_str(w, "address", e->address);
		col_jsonw_uint(w, "port", e->port);
		col_jsonw_uint(w, "observation_domain", e->domain);
		col_jsonw_str(w, "protocol", e->protocol);
		col_jsonw_uint(w, "records", e->records);
		col_jsonw_uint(w, "lost", e->lost);
		col_jsonw_uint(w, "late_records", e->late_records);
		col_jsonw_uint(w, "ahead_records", e->ahead_records);
		/* Why records were late: present when some were. */
		if (e->late_records > 0)
			col_jsonw_uint(w, "export_delay_ms",
			    e->export_delay_ms);
		col_jsonw_uint(w, "undecodable", e->undecodable);
		build_health(w, e->health);
		col_jsonw_end_object(w);
	}
	col_jsonw_end_array(w);
}

/*
 * The peers refused whole since the start, when there are any: a router
 * left out of allow-exporters would otherwise show nowhere.
 */
static void
build_refused(struct col_jsonw *w, const struct col_refused *r)
{
	const struct col_refused_entry *e;
	size_t i;

	if (r == NULL || r->n == 0)
		return;
	col_jsonw_member(w, "refused_exporters");
	col_jsonw_begin_object(w);
	col_jsonw_member(w, "peers");
	col_jsonw_begin_array(w);
	for (i = 0; i < r->n; i++) {
		e = &r->e[i];
		col_jsonw_begin_object(w);
		col_jsonw_str(w, "address", e->name);
		col_jsonw_str(w, "reason", col_refused_reason_names[e->reason]);
		col_jsonw_uint(w, "messages", e->messages);
		col_jsonw_end_object(w);
	}
	col_jsonw_end_array(w);
	col_jsonw_uint(w, "evicted", r->evicted);
	col_jsonw_end_object(w);
}

/*
 * Live: each UDP socket's datagrams and losses since the start (kernel:
 * the receive buffer was full; queue: the decoder fell behind).
 */
static void
build_listeners(struct col_jsonw *w, const struct col_report_config *cfg)
{
	const struct col_listen_udp_stats *u;
	size_t i;

	if (cfg->n_listeners == 0)
		return;
	col_jsonw_member(w, "listeners");
	col_jsonw_begin_array(w);
	for (i = 0; i < cfg->n_listeners; i++) {
		u = &cfg->listeners[i];
		col_jsonw_begin_object(w);
		col_jsonw_str(w, "kind", u->kind);
		col_jsonw_str(w, "address", u->address);
		col_jsonw_uint(w, "port", u->port);
		col_jsonw_uint(w, "receive_buffer", u->rcvbuf);
		col_jsonw_uint(w, "datagrams", u->datagrams);
		col_jsonw_uint(w, "kernel_drops", u->kernel_drops);
		col_jsonw_uint(w, "queue_drops", u->queue_drops);
		col_jsonw_end_object(w);
	}
	col_jsonw_end_array(w);
}

/* Class k: its totals and one entry per second of the interval. */
static void
build_collector(struct col_jsonw *w, const struct col_engine_stats *delta)
{
	col_jsonw_member(w, "collector");
	col_jsonw_begin_object(w);
	col_jsonw_uint(w, "records", delta->records);
	col_jsonw_uint(w, "late_records", delta->late_records);
	col_jsonw_uint(w, "absurd_records", delta->absurd_records);
	col_jsonw_end_object(w);
}

/* The whole document through w. */
static void
emit(struct col_jsonw *w, const struct col_report_config *cfg,
    const struct col_interval *iv, const struct col_report_exporter *exp,
    size_t n_exp)
{
	struct col_section sec;

	col_jsonw_begin_object(w);
	col_jsonw_uint(w, "format", REPORT_FORMAT);
	build_interval(w, iv);
	build_exporters(w, exp, n_exp);
	build_refused(w, cfg->refused);
	build_listeners(w, cfg);
	sec.w = w;
	sec.iv = iv;
	sec.top = cfg->top;
	col_consumers_write(iv->consumers, &sec);
	build_collector(w, &iv->delta);
	col_jsonw_end_object(w);
}

JsonNode *
col_report_build(const struct col_report_config *cfg,
    const struct col_interval *iv, const struct col_report_exporter *exp,
    size_t n_exp)
{
	struct col_jsonw w;
	JsonNode *root;

	g_return_val_if_fail(cfg != NULL && iv != NULL, NULL);
	g_return_val_if_fail(exp != NULL || n_exp == 0, NULL);
	col_jsonw_init(&w, TRUE);
	emit(&w, cfg, iv, exp, n_exp);
	root = col_jsonw_steal_tree(&w);
	col_jsonw_clear(&w);
	return root;
}

char *
col_report_text(const struct col_report_config *cfg,
    const struct col_interval *iv, const struct col_report_exporter *exp,
    size_t n_exp, size_t *len)
{
	struct col_jsonw w;

	g_return_val_if_fail(cfg != NULL && iv != NULL, NULL);
	g_return_val_if_fail(exp != NULL || n_exp == 0, NULL);
	col_jsonw_init(&w, FALSE);
	emit(&w, cfg, iv, exp, n_exp);
	return col_jsonw_steal_text(&w, TRUE, len);
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
	struct col_jsonw w;

	col_jsonw_init(&w, FALSE);
	if (root != NULL)
		col_jsonw_node(&w, root);
	return col_jsonw_steal_text(&w, TRUE, len);
}

gboolean
col_report_write(const struct col_report_config *cfg,
    const struct col_interval *iv, const struct col_report_exporter *exp,
    size_t n_exp, JsonNode **doc, GError **error)
{
	g_autofree char *text = NULL, *path = NULL, *day = NULL;
	g_autofree char *latest = NULL;
	size_t len;

	g_return_val_if_fail(cfg != NULL && cfg->dir != NULL, FALSE);
	if (doc != NULL)
		*doc = NULL;
	/* The tree only for whom takes it: the text alone costs a sixth. */
	if (doc == NULL) {
		text = col_report_text(cfg, iv, exp, n_exp, &len);
	} else if ((*doc = col_report_build(cfg, iv, exp, n_exp)) != NULL) {
		text = col_report_format(*doc, &len);
	}
	if (text == NULL) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "%s: bad report",
		    cfg->dir);
		return FALSE;
	}
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
