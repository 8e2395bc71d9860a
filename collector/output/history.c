/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-history"

#include <sys/stat.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "collector/output/history.h"
#include "collector/output/history_db.h"
#include "collector/output/history_facts.h"
#include "common/error.h"
#include "common/fsafe.h"

#define SIZE_ROUNDS 64 /* removals by the size cap per interval */

/* The prepared statements, kept for the writer's life. */
enum {
	ST_OLD,
	ST_DEL0,
	ST_ADD,
	ST_DEVICE,
	ST_ANOMALY,
	ST_META_GET,
	ST_META_SET,
	ST_EXPIRE,
	ST_N
};

static const char *const sql[ST_N] = {
	[ST_OLD] = "SELECT k1, k2, v0, v1, v2, v3, v4 FROM agg"
	           " WHERE kind = ?1 AND level = 0 AND t = ?2",
	[ST_DEL0] = "DELETE FROM agg WHERE kind = ?1 AND level = 0 AND t = ?2",
	[ST_ADD] = "INSERT INTO agg VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
	           " ?9, ?10) ON CONFLICT(kind, level, t, k1, k2) DO UPDATE"
	           " SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1,"
	           " v2 = v2 + excluded.v2, v3 = v3 + excluded.v3,"
	           " v4 = v4 + excluded.v4",
	[ST_DEVICE] =
	    "INSERT INTO device VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
	    " ON CONFLICT(id) DO UPDATE SET mac = coalesce(excluded.mac, mac),"
	    " name = coalesce(excluded.name, name),"
	    " name_source = coalesce(excluded.name_source, name_source),"
	    " vendor = coalesce(excluded.vendor, vendor),"
	    " random_mac = coalesce(excluded.random_mac, random_mac),"
	    " addresses = (SELECT json_group_array(value) FROM"
	    " (SELECT value FROM json_each(excluded.addresses) UNION"
	    " SELECT value FROM json_each(device.addresses) LIMIT 64)),"
	    " first_seen = min(first_seen, excluded.first_seen),"
	    " last_seen = max(last_seen, excluded.last_seen)",
	[ST_ANOMALY] =
	    "INSERT INTO anomaly VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
	    " ?10, coalesce(?11, 'new'))"
	    " ON CONFLICT(type, address, first) DO UPDATE SET"
	    " last = max(last, excluded.last), device = excluded.device,"
	    " score = max(score, excluded.score),"
	    " detections = max(detections, excluded.detections),"
	    " flows = max(flows, excluded.flows),"
	    " target_count = max(target_count, excluded.target_count),"
	    " state = coalesce(?11, CASE WHEN reported = excluded.reported"
	    " THEN state ELSE 'active' END),"
	    " reported = max(reported, excluded.reported)",
	[ST_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[ST_META_SET] = "INSERT INTO meta VALUES(?1, ?2) ON CONFLICT(key)"
	                " DO UPDATE SET value = excluded.value",
	[ST_EXPIRE] = "DELETE FROM agg WHERE kind = ?1 AND level = ?2"
	              " AND t < ?3",
};

struct col_history {
	struct col_conf_history cfg; /* db owned */
	sqlite3 *db;
	sqlite3_stmt *st[ST_N];
	struct col_history_stats stats;
};

static void
reset(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Step a statement that returns no row; FALSE on an error. */
static gboolean
run(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	reset(st);
	return rc == SQLITE_DONE;
}

static int64_t
meta_get(struct col_history *h, const char *key, int64_t dflt)
{
	sqlite3_stmt *st = h->st[ST_META_GET];
	int64_t v = dflt;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	reset(st);
	return v;
}

static gboolean
meta_set(struct col_history *h, const char *key, int64_t v)
{
	sqlite3_stmt *st = h->st[ST_META_SET];

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, v);
	return run(st);
}

/* Add v (times sign) at level and the period of it holding t. */
static gboolean
add_at(struct col_history *h, const struct col_hist_fact *x, int level,
    int64_t t, int64_t sign)
{
	sqlite3_stmt *st = h->st[ST_ADD];
	int i;

	sqlite3_bind_int(st, 1, (int)x->kind);
	sqlite3_bind_int(st, 2, level);
	sqlite3_bind_int64(st, 3, level == 0 ? t : col_hist_period(level, t));
	sqlite3_bind_text(st, 4, x->k1, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, x->k2, -1, SQLITE_STATIC);
	for (i = 0; i < COL_HIST_VALUES; i++)
		sqlite3_bind_int64(st, 6 + i, sign * x->v[i]);
	return run(st);
}

/*
 * The fact at the interval's own row (level 0, when adding) and at each
 * level it is summed at.
 */
static gboolean
apply(struct col_history *h, const struct col_hist_fact *x, int64_t t,
    int64_t sign)
{
	int level;

	struct col_hist_fact sum = *x;

	if (sign > 0 && !add_at(h, x, 0, t, 1))
		return FALSE;
	/* A device's name also counts for the name over all devices. */
	sum.kind = COL_HIST_NAMESUM;
	sum.k1 = x->k2;
	sum.k2 = "";
	for (level = col_hist_kind_first_level(x->kind);
	     level < COL_HIST_LEVELS; level++)
		if (!add_at(h, x, level, t, sign) ||
		    (x->kind == COL_HIST_NAME &&
		        !add_at(h, &sum, level, t, sign)))
			return FALSE;
	return TRUE;
}

/*
 * Take back what an earlier write of the interval t added, kind by kind;
 * *found says whether there was any.
 */
static gboolean
take_back(struct col_history *h, int64_t t, gboolean *found)
{
	sqlite3_stmt *st = h->st[ST_OLD];
	int kind, rc = SQLITE_DONE, i;

	for (kind = 0; kind < COL_HIST_KINDS; kind++) {
		GPtrArray *keep = g_ptr_array_new_with_free_func(g_free);
		GArray *old =
		    g_array_new(FALSE, FALSE, sizeof(struct col_hist_fact));
		guint j;
		gboolean ok = TRUE;

		sqlite3_bind_int(st, 1, kind);
		sqlite3_bind_int64(st, 2, t);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			struct col_hist_fact x;
			char *k1 =
			    g_strdup((const char *)sqlite3_column_text(st, 0));
			char *k2 =
			    g_strdup((const char *)sqlite3_column_text(st, 1));

			memset(&x, 0, sizeof(x));
			x.kind = (enum col_hist_kind)kind;
			x.k1 = k1;
			x.k2 = k2 ? k2 : "";
			g_ptr_array_add(keep, k1);
			g_ptr_array_add(keep, k2);
			for (i = 0; i < COL_HIST_VALUES; i++)
				x.v[i] = sqlite3_column_int64(st, 2 + i);
			g_array_append_val(old, x);
		}
		reset(st);
		for (j = 0; ok && j < old->len; j++)
			ok = apply(h,
			    &g_array_index(old, struct col_hist_fact, j), t,
			    -1);
		*found = *found || old->len > 0;
		g_array_free(old, TRUE);
		g_ptr_array_free(keep, TRUE);
		if (rc != SQLITE_DONE || !ok)
			return FALSE;
		sqlite3_bind_int(h->st[ST_DEL0], 1, kind);
		sqlite3_bind_int64(h->st[ST_DEL0], 2, t);
		if (!run(h->st[ST_DEL0]))
			return FALSE;
	}
	return TRUE;
}

static void
bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static gboolean
put_device(struct col_history *h, const struct col_hist_device *d)
{
	sqlite3_stmt *st = h->st[ST_DEVICE];

	sqlite3_bind_text(st, 1, d->id, -1, SQLITE_STATIC);
	bind_text_or_null(st, 2, d->mac);
	bind_text_or_null(st, 3, d->name);
	bind_text_or_null(st, 4, d->name_source);
	bind_text_or_null(st, 5, d->vendor);
	if (d->random_mac >= 0)
		sqlite3_bind_int(st, 6, d->random_mac);
	sqlite3_bind_text(st, 7, d->addresses, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, d->first_seen);
	sqlite3_bind_int64(st, 9, d->last_seen);
	return run(st);
}

static gboolean
put_anomaly(struct col_history *h, const struct col_hist_anomaly *a, int64_t t)
{
	sqlite3_stmt *st = h->st[ST_ANOMALY];

	sqlite3_bind_text(st, 1, a->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->address, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, a->first);
	sqlite3_bind_int64(st, 4, a->last);
	bind_text_or_null(st, 5, a->device);
	sqlite3_bind_int64(st, 6, a->score);
	sqlite3_bind_int64(st, 7, a->detections);
	sqlite3_bind_int64(st, 8, a->flows);
	sqlite3_bind_int64(st, 9, a->target_count);
	sqlite3_bind_int64(st, 10, t);
	bind_text_or_null(st, 11, a->state);
	return run(st);
}

/* The start of the month keep months before the one holding t. */
static int64_t
months_before(int64_t t, uint64_t keep)
{
	GDateTime *d =
	    g_date_time_new_from_unix_utc(col_hist_period(COL_HIST_MONTH, t));
	GDateTime *e = d ? g_date_time_add_months(d, -(int)keep) : NULL;
	int64_t v = e ? g_date_time_to_unix(e) : 0;

	if (d)
		g_date_time_unref(d);
	if (e)
		g_date_time_unref(e);
	return v;
}

/* Each level's first time kept, given the newest interval. */
static void
horizons(const struct col_conf_history *c, int64_t newest,
    int64_t out[COL_HIST_LEVELS])
{
	out[COL_HIST_MINUTE] = newest - (int64_t)c->keep_minutes * 60;
	out[COL_HIST_HOUR] = col_hist_period(COL_HIST_HOUR, newest) -
	    (int64_t)c->keep_hours * 3600;
	out[COL_HIST_DAY] = col_hist_period(COL_HIST_DAY, newest) -
	    (int64_t)c->keep_days * 86400;
	out[COL_HIST_MONTH] = months_before(newest, c->keep_months);
}

/* Level holds nothing before cut any more (the readers' coverage). */
static gboolean
raise_cut(struct col_history *h, int level, int64_t cut)
{
	char key[8];

	g_snprintf(key, sizeof(key), "cut%d", level);
	return cut <= meta_get(h, key, INT64_MIN) || meta_set(h, key, cut);
}

static gboolean
expire(struct col_history *h, int64_t newest)
{
	sqlite3_stmt *st = h->st[ST_EXPIRE];
	int64_t hz[COL_HIST_LEVELS];
	char *q;
	int kind, level;
	gboolean ok;

	horizons(&h->cfg, newest, hz);
	for (level = 0; level < COL_HIST_LEVELS; level++)
		if (!raise_cut(h, level, hz[level]))
			return FALSE;
	for (kind = 0; kind < COL_HIST_KINDS; kind++)
		for (level = 0; level < COL_HIST_LEVELS; level++) {
			sqlite3_bind_int(st, 1, kind);
			sqlite3_bind_int(st, 2, level);
			sqlite3_bind_int64(st, 3, hz[level]);
			if (!run(st))
				return FALSE;
			h->stats.expired_rows +=
			    (uint64_t)sqlite3_changes(h->db);
		}
	q = g_strdup_printf(
	    "DELETE FROM anomaly WHERE last < %" G_GINT64_FORMAT
	    "; DELETE FROM device WHERE last_seen < %" G_GINT64_FORMAT ";",
	    hz[COL_HIST_DAY], hz[COL_HIST_MONTH]);
	ok = sqlite3_exec(h->db, q, NULL, NULL, NULL) == SQLITE_OK;
	g_free(q);
	return ok;
}

/* Everything of one interval, inside the transaction. */
static gboolean
write_facts(struct col_history *h, const struct col_hist_facts *f)
{
	gboolean found = FALSE;
	int64_t newest = meta_get(h, "newest", f->start);
	guint i;

	if (!take_back(h, f->start, &found))
		return FALSE;
	if (found)
		h->stats.rewrites++;
	for (i = 0; i < f->facts->len; i++)
		if (!apply(h, &g_array_index(f->facts, struct col_hist_fact, i),
		        f->start, 1))
			return FALSE;
	for (i = 0; i < f->devices->len; i++)
		if (!put_device(h,
		        &g_array_index(f->devices, struct col_hist_device, i)))
			return FALSE;
	for (i = 0; i < f->anomalies->len; i++)
		if (!put_anomaly(h,
		        &g_array_index(f->anomalies, struct col_hist_anomaly,
		            i),
		        f->start))
			return FALSE;
	newest = MAX(newest, f->start);
	return meta_set(h, "newest", newest) &&
	    meta_set(h, "first",
	        MIN(meta_get(h, "first", f->start), f->start)) &&
	    meta_set(h, "interval", f->end - f->start) && expire(h, newest);
}

/* An interval the rows can no longer take (their hours may be gone). */
static gboolean
too_old(struct col_history *h, int64_t t)
{
	int64_t newest = meta_get(h, "newest", t);

	return t < newest - (int64_t)h->cfg.keep_minutes * 60 ||
	    t < meta_get(h, "cut0", t);
}

uint64_t
col_history_size(struct col_history *h)
{
	int64_t pages = col_hist_int(h->db, "PRAGMA page_count;", 0) -
	    col_hist_int(h->db, "PRAGMA freelist_count;", 0);

	return (uint64_t)MAX(pages, 0) *
	    (uint64_t)col_hist_int(h->db, "PRAGMA page_size;", 4096);
}

/*
 * The oldest rows of the finest level that has any before the newest
 * period of the level above: their totals stay there.  Returns the rows
 * removed, 0 when nothing more can go.
 */
static uint64_t
remove_oldest(struct col_history *h, int64_t newest)
{
	int level;

	for (level = 0; level < COL_HIST_LEVELS; level++) {
		int up = level + 1 < COL_HIST_LEVELS ? level + 1 : level;
		char *q =
		    g_strdup_printf("SELECT min(t) FROM agg WHERE level = %d",
		        level);
		int64_t oldest = col_hist_int(h->db, q, INT64_MAX);
		int64_t cut;
		uint64_t n;

		g_free(q);
		cut = col_hist_next(up, col_hist_period(up, oldest));
		if (oldest == INT64_MAX || cut > col_hist_period(up, newest))
			continue;
		q = g_strdup_printf("DELETE FROM agg WHERE level = %d AND "
		                    "t < %" G_GINT64_FORMAT,
		    level, cut);
		(void)sqlite3_exec(h->db, q, NULL, NULL, NULL);
		g_free(q);
		n = (uint64_t)sqlite3_changes(h->db);
		(void)raise_cut(h, level, cut);
		if (level == COL_HIST_DAY) {
			q = g_strdup_printf("DELETE FROM anomaly WHERE last < "
			                    "%" G_GINT64_FORMAT,
			    cut);
			(void)sqlite3_exec(h->db, q, NULL, NULL, NULL);
			g_free(q);
		}
		if (n > 0)
			return n;
	}
	return 0;
}

/* Above max-size: remove the oldest rows, counted and logged. */
static void
cap_size(struct col_history *h, int64_t newest)
{
	uint64_t removed = 0, n = 0;
	int round;

	if (h->cfg.max_size == 0 || col_history_size(h) <= h->cfg.max_size)
		return;
	for (round = 0;
	     round < SIZE_ROUNDS && col_history_size(h) > h->cfg.max_size;
	     round++) {
		if ((n = remove_oldest(h, newest)) == 0)
			break;
		removed += n;
		(void)sqlite3_exec(h->db, "PRAGMA incremental_vacuum;", NULL,
		    NULL, NULL);
	}
	h->stats.size_removed += removed;
	g_message("history %s: over max-size %" G_GUINT64_FORMAT
	          " bytes: %" G_GUINT64_FORMAT " oldest rows removed%s",
	    h->cfg.db, h->cfg.max_size, removed,
	    n == 0 ? " (nothing older left to remove)" : "");
}

gboolean
col_history_write(struct col_history *h, JsonNode *doc, GError **error)
{
	struct col_hist_facts f;
	int64_t t0 = g_get_monotonic_time();
	gboolean ok;

	if (!col_hist_facts_take(&f, doc)) {
		h->stats.bad_reports++;
		col_hist_facts_clear(&f);
		g_set_error(error, MF_ERROR, MF_ERROR_INVAL,
		    "history %s: a report without a valid interval", h->cfg.db);
		return FALSE;
	}
	h->stats.facts_dropped += f.dropped;
	if (!col_hist_exec(h->db, h->cfg.db, "BEGIN IMMEDIATE;", error)) {
		h->stats.failed++;
		col_hist_facts_clear(&f);
		return FALSE;
	}
	if (too_old(h, f.start)) {
		(void)sqlite3_exec(h->db, "ROLLBACK;", NULL, NULL, NULL);
		h->stats.refused_old++;
		col_hist_facts_clear(&f);
		g_set_error(error, MF_ERROR, MF_ERROR_INVAL,
		    "history %s: interval older than keep-minutes behind the "
		    "newest, not written",
		    h->cfg.db);
		return FALSE;
	}
	ok = write_facts(h, &f);
	if (!ok || !col_hist_exec(h->db, h->cfg.db, "COMMIT;", NULL)) {
		col_hist_set_error(error, h->db, h->cfg.db, "writing");
		(void)sqlite3_exec(h->db, "ROLLBACK;", NULL, NULL, NULL);
		h->stats.failed++;
		col_hist_facts_clear(&f);
		return FALSE;
	}
	h->stats.intervals++;
	cap_size(h, meta_get(h, "newest", f.start));
	col_hist_facts_clear(&f);
	h->stats.last_write_us = (uint64_t)(g_get_monotonic_time() - t0);
	return TRUE;
}

const struct col_history_stats *
col_history_get_stats(const struct col_history *h)
{
	return &h->stats;
}

void
col_history_log_counters(const struct col_history *h)
{
	const struct col_history_stats *s = h ? &h->stats : NULL;

	if (s == NULL)
		return;
	g_message("history: intervals %" G_GUINT64_FORMAT
	          ", rewritten %" G_GUINT64_FORMAT
	          ", refused as too old %" G_GUINT64_FORMAT
	          ", bad reports %" G_GUINT64_FORMAT
	          ", failed %" G_GUINT64_FORMAT
	          ", facts dropped %" G_GUINT64_FORMAT
	          ", rows expired %" G_GUINT64_FORMAT
	          ", removed for max-size %" G_GUINT64_FORMAT
	          ", last write %" G_GUINT64_FORMAT " us",
	    s->intervals, s->rewrites, s->refused_old, s->bad_reports,
	    s->failed, s->facts_dropped, s->expired_rows, s->size_removed,
	    s->last_write_us);
}

/*
 * A missing database is made here, empty, with O_EXCL | O_NOFOLLOW and
 * mode 0640 whatever the umask (common/fsafe.h); SQLite takes an empty
 * file as a new database, and makes its -wal and -shm files with the
 * database's own mode.  A symlink at the path (dangling or not) is
 * refused, here or by SQLITE_OPEN_NOFOLLOW.
 */
static gboolean
create_db(const char *db, GError **error)
{
	struct stat st;
	int fd;

	if (lstat(db, &st) == 0) {
		if (S_ISLNK(st.st_mode)) {
			g_set_error(error, MF_ERROR, MF_ERROR_IO,
			    "history database %s is a symlink: refused", db);
			return FALSE;
		}
		return TRUE;
	}
	if (errno != ENOENT)
		return TRUE; /* SQLite says what is wrong */
	if ((fd = mf_fsafe_create(db, MF_FSAFE_FILE_MODE, error)) < 0)
		return FALSE;
	(void)close(fd);
	return TRUE;
}

struct col_history *
col_history_open(const struct col_conf_history *cfg, GError **error)
{
	struct col_history *h = g_new0(struct col_history, 1);
	int i;

	h->cfg = *cfg;
	h->cfg.db = g_strdup(cfg->db);
	if (!create_db(h->cfg.db, error)) {
		col_history_free(h);
		return NULL;
	}
	if (sqlite3_open_v2(h->cfg.db, &h->db,
	        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	            SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW,
	        NULL) != SQLITE_OK) {
		col_hist_set_error(error, h->db, h->cfg.db, "opening");
		col_history_free(h);
		return NULL;
	}
	sqlite3_busy_timeout(h->db, COL_HISTORY_BUSY_MS);
	if (!col_hist_exec(h->db, h->cfg.db,
	        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
	        error) ||
	    !col_hist_schema_ensure(h->db, h->cfg.db, error)) {
		col_history_free(h);
		return NULL;
	}
	for (i = 0; i < ST_N; i++)
		if (sqlite3_prepare_v3(h->db, sql[i], -1,
		        SQLITE_PREPARE_PERSISTENT, &h->st[i],
		        NULL) != SQLITE_OK) {
			col_hist_set_error(error, h->db, h->cfg.db,
			    "preparing");
			col_history_free(h);
			return NULL;
		}
	return h;
}

void
col_history_free(struct col_history *h)
{
	int i;

	if (h == NULL)
		return;
	for (i = 0; i < ST_N; i++)
		sqlite3_finalize(h->st[i]);
	sqlite3_close(h->db);
	g_free(h->cfg.db);
	g_free(h);
}

static void
on_report(void *self, JsonNode *doc, const struct col_interval *iv)
{
	struct col_history *h = self;
	GError *e = NULL;

	(void)iv;
	if (!col_history_write(h, doc, &e)) {
		g_warning("%s", e->message);
		g_error_free(e);
	}
}

struct col_consumer
col_history_consumer(struct col_history *h)
{
	struct col_consumer c = { 0 };

	c.name = "history";
	c.self = h;
	c.report = on_report;
	return c;
}
