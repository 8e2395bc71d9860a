/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_HISTORY_H
#define COL_HISTORY_H

/*
 * history: the collector's reports kept in SQLite (minflow-history(5)).
 * The writer is a consumer (collector/model/consumer.h) that takes only
 * the finished report document (the report hook): once per interval, in
 * one transaction, it adds the interval's totals per class, per device,
 * per device and remote name, per DNS name and failure to the minute,
 * hour, day and month rows, replaces what an earlier write of the same
 * interval added (a restart or a second -r of a file adds nothing
 * twice), keeps the anomalies and the latest facts of each device, then
 * drops rows past each level's retention and, above max-size, the oldest
 * rows of the finest level first.
 *
 * Readers are separate read-only connections, one per thread (the web
 * server's), in WAL mode: they never block the writer, which waits at
 * most COL_HISTORY_BUSY_MS for a lock.  Each query returns the "data" of
 * an API answer as a new JsonNode; times in and out of the API are
 * milliseconds since the epoch, and every answer says the range and the
 * level it used.
 */
#include <stdint.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/model/consumer.h"

#define COL_HISTORY_DEFAULT_DB "/var/lib/minflow/history.sqlite"
#define COL_HISTORY_BUSY_MS 50 /* the writer's busy timeout */
#define COL_HISTORY_SCHEMA 3   /* PRAGMA user_version written */
/* Bounds on one report's facts (a report is input too). */
#define COL_HISTORY_MAX_DEVICES 65536
#define COL_HISTORY_MAX_NAMES 32 /* per device, as the devices section */
#define COL_HISTORY_MAX_KEY 255  /* bytes of an id or a name */
/* Points in one series answer: a coarser level when more are asked. */
#define COL_HISTORY_MAX_POINTS 1500

/* [history] (the table rows are in collector/settings.c) */
struct col_conf_history {
	char *db; /* empty: no history */
	uint64_t keep_minutes, keep_hours, keep_days, keep_months;
	uint64_t max_size; /* bytes, 0: no cap */
};

/* What the writer counted since it was opened (SIGUSR1, tests). */
struct col_history_stats {
	uint64_t intervals;   /* written (committed) */
	uint64_t rewrites;    /* of those, intervals written before */
	uint64_t refused_old; /* older than keep-minutes behind the newest */
	uint64_t bad_reports; /* no interval or times in the document */
	uint64_t failed;      /* SQLite errors (the transaction rolled back) */
	uint64_t facts_dropped; /* devices, names or keys over the bounds */
	uint64_t expired_rows;  /* removed by retention */
	uint64_t size_removed;  /* rows removed by the max-size cap */
	uint64_t
	    last_write_us; /* the last interval's transaction, microseconds */
};

struct col_history;        /* the writer: a consumer (report hook) */
struct col_history_reader; /* one per thread, read-only, WAL */

/*
 * Open (create, or upgrade in place) the database cfg->db for writing;
 * cfg is copied.  NULL with error (MF_ERROR_IO) when SQLite cannot open
 * or upgrade it, or it is newer than COL_HISTORY_SCHEMA.  Free with
 * col_history_free() (NULL is fine) after the engine that calls it.
 */
struct col_history *col_history_open(const struct col_conf_history *cfg,
    GError **error);
struct col_consumer col_history_consumer(struct col_history *h);
void col_history_free(struct col_history *h);

/*
 * Write one report document now (what the report hook does): FALSE with
 * error when it was refused or failed; counted either way.
 */
gboolean col_history_write(struct col_history *h, JsonNode *doc,
    GError **error);
const struct col_history_stats *col_history_get_stats(
    const struct col_history *h);
/* Log the counters (SIGUSR1, exit); h may be NULL (nothing). */
void col_history_log_counters(const struct col_history *h);
/* The database's size in use (pages not free), in bytes. */
uint64_t col_history_size(struct col_history *h);

/*
 * A read-only connection to db, which the writer made (MF_ERROR_IO if it
 * is missing, not a history database, or of another schema version).
 */
struct col_history_reader *col_history_reader_open(const char *db,
    GError **error);
void col_history_reader_free(struct col_history_reader *r);

/*
 * Each returns a new JsonNode (the API answer's "data") or NULL with
 * error (MF_ERROR_INVAL: bad parameters -> HTTP 400; other -> 500).
 * Ranges are clamped to what history holds and the answer says the range
 * it used: {"from": ISO, "to": ISO, "step": s, "level": "minute" |
 * "hour" | "day" | "month", ...}.  step_s is 0 (the finest level that
 * covers the range in at most COL_HISTORY_MAX_POINTS points), 60, 3600
 * or 86400 (that level, or a coarser one when it does not cover the
 * range or would give too many points).  Totals over a range (devices,
 * device, names, dns) are summed from at most 48 periods of the finest
 * level that holds the range's start; lists hold at most 1000 entries,
 * the largest first.
 */
JsonNode *col_history_series(struct col_history_reader *r, uint64_t from_ms,
    uint64_t to_ms, uint32_t step_s, GError **error);
JsonNode *col_history_devices(struct col_history_reader *r, uint64_t from_ms,
    uint64_t to_ms, GError **error);
JsonNode *col_history_device(struct col_history_reader *r, const char *id,
    uint64_t from_ms, uint64_t to_ms, GError **error);
JsonNode *col_history_names(struct col_history_reader *r, uint64_t from_ms,
    uint64_t to_ms, GError **error);
JsonNode *col_history_anomalies(struct col_history_reader *r, uint64_t from_ms,
    uint64_t to_ms, GError **error);
JsonNode *col_history_dns(struct col_history_reader *r, uint64_t from_ms,
    uint64_t to_ms, GError **error);

#endif
