/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_HISTORY_DB_H
#define COL_HISTORY_DB_H

/*
 * history_db: what the history's writer and readers share: the schema
 * and its upgrades (PRAGMA user_version), the levels and their periods,
 * and the kinds of rows in the one table of totals (minflow-history(5)):
 *
 *   agg(kind, level, t, k1, k2, v0, v1, v2, v3, v4)
 *
 * level 0 holds each interval's own contribution (t = its start), which
 * is what a second write of the interval takes back; levels 1..3 hold
 * the sums per hour, day and month (t = the period's start, UTC).
 */
#include <stdint.h>

#include <glib.h>
#include <sqlite3.h>

enum col_hist_level {
	COL_HIST_MINUTE,
	COL_HIST_HOUR,
	COL_HIST_DAY,
	COL_HIST_MONTH,
	COL_HIST_LEVELS
};

enum col_hist_kind {
	COL_HIST_CLASS,   /* k1 class; v0 flows, v1 packets, v2 bytes */
	COL_HIST_DEVICE,  /* k1 device id; v0 bytes out, v1 bytes in,
	                     v2 packets out, v3 packets in, v4 flows */
	COL_HIST_NAME,    /* k1 device id, k2 remote name; v0 bytes */
	COL_HIST_DNS,     /* k1 name; v0 answers */
	COL_HIST_DNSFAIL, /* k1 name, k2 rcode; v0 count */
	COL_HIST_NAMESUM, /* k1 remote name; v0 bytes of all devices, summed
	                     from COL_HIST_NAME (no level 0 rows of its own) */
	COL_HIST_KINDS
};

#define COL_HIST_VALUES 5

/*
 * The rows keyed by a device id (COL_HIST_DEVICE, COL_HIST_NAME) above
 * the minute (_A: of the table named a): the condition of the index
 * agg_device.  The queries of one device read hours or coarser,
 * so the minutes, 60 times as many rows, stay out of the index and its
 * size.  A query uses that partial index only when its WHERE holds these
 * very terms (SQLite matches terms; it does not reason about a kind or a
 * level bound at run time).  The kinds and levels are stored numbers.
 */
#define COL_HIST_DEVICE_ROWS "kind IN (1, 2) AND level > 0"
#define COL_HIST_DEVICE_ROWS_A "a.kind IN (1, 2) AND a.level > 0"
G_STATIC_ASSERT(COL_HIST_DEVICE == 1 && COL_HIST_NAME == 2);
G_STATIC_ASSERT(COL_HIST_MINUTE == 0);

/* The lowest level above the minute that kind is summed at. */
int col_hist_kind_first_level(enum col_hist_kind kind);

/* "minute", "hour", "day", "month". */
const char *col_hist_level_name(int level);

/* The start of the period of level holding t (seconds, UTC). */
int64_t col_hist_period(int level, int64_t t);
/* The start of the period after the one starting at t. */
int64_t col_hist_next(int level, int64_t t);

/*
 * Bring the open database db to COL_HISTORY_SCHEMA: create it when
 * empty (user_version 0), upgrade an older one step by step, each step
 * in its own transaction.  FALSE (MF_ERROR_IO) on an SQLite error or a
 * newer version.
 */
gboolean col_hist_schema_ensure(sqlite3 *db, const char *path, GError **error);

/* Set error (MF_ERROR_IO) to "history PATH: WHAT: SQLite's message". */
void col_hist_set_error(GError **error, sqlite3 *db, const char *path,
    const char *what);

/* Run sql (no rows), FALSE with error. */
gboolean col_hist_exec(sqlite3 *db, const char *path, const char *sql,
    GError **error);

/* One integer (the first column of the first row of sql), or dflt. */
int64_t col_hist_int(sqlite3 *db, const char *sql, int64_t dflt);

#endif
