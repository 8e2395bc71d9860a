/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-history"

#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <sqlite3.h>

#include "collector/output/history.h"
#include "collector/output/history_db.h"
#include "common/error.h"

/*
 * Partial (COL_HIST_DEVICE_ROWS): neither the DNS names nor the minutes,
 * so that the index costs little space under max-size.
 */
#define AGG_DEVICE_INDEX                                     \
	"CREATE INDEX agg_device ON agg(kind, level, k1, t)" \
	" WHERE " COL_HIST_DEVICE_ROWS ";"

/*
 * The schema, version by version.  A fresh database gets the newest in
 * one step; an older one runs every upgrade after its version.  Version
 * 1 kept no state per anomaly; version 2 adds it (anomalies written by
 * version 1 count as active); version 3 indexes the rows of a device
 * (COL_HIST_DEVICE_ROWS), which the queries of one device go through
 * instead of every device's rows of their range.
 */
static const char schema_now[] =
    "CREATE TABLE agg(kind INTEGER NOT NULL, level INTEGER NOT NULL,"
    " t INTEGER NOT NULL, k1 TEXT NOT NULL, k2 TEXT NOT NULL DEFAULT '',"
    " v0 INTEGER NOT NULL DEFAULT 0, v1 INTEGER NOT NULL DEFAULT 0,"
    " v2 INTEGER NOT NULL DEFAULT 0, v3 INTEGER NOT NULL DEFAULT 0,"
    " v4 INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY(kind, level, t, k1, k2)) WITHOUT ROWID;"
    "CREATE TABLE device(id TEXT PRIMARY KEY, mac TEXT, name TEXT,"
    " name_source TEXT, vendor TEXT, random_mac INTEGER,"
    " addresses TEXT NOT NULL DEFAULT '[]', first_seen INTEGER NOT NULL,"
    " last_seen INTEGER NOT NULL);"
    "CREATE TABLE anomaly(type TEXT NOT NULL, address TEXT NOT NULL,"
    " first INTEGER NOT NULL, last INTEGER NOT NULL, device TEXT,"
    " score INTEGER NOT NULL DEFAULT 0,"
    " detections INTEGER NOT NULL DEFAULT 0,"
    " flows INTEGER NOT NULL DEFAULT 0,"
    " target_count INTEGER NOT NULL DEFAULT 0,"
    " reported INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'active',"
    " PRIMARY KEY(type, address, first));"
    "CREATE INDEX anomaly_last ON anomaly(last);" AGG_DEVICE_INDEX
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);";

struct upgrade {
	int to;
	const char *sql;
};

static const struct upgrade upgrades[] = {
	{ 2,
	    "ALTER TABLE anomaly ADD COLUMN state TEXT NOT NULL "
	    "DEFAULT 'active';" },
	{ 3, AGG_DEVICE_INDEX },
};

void
col_hist_set_error(GError **error, sqlite3 *db, const char *path,
    const char *what)
{
	g_set_error(error, MF_ERROR, MF_ERROR_IO, "history %s: %s: %s", path,
	    what, db ? sqlite3_errmsg(db) : "out of memory");
}

gboolean
col_hist_exec(sqlite3 *db, const char *path, const char *sql, GError **error)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		col_hist_set_error(error, db, path, "SQL");
		return FALSE;
	}
	return TRUE;
}

int64_t
col_hist_int(sqlite3 *db, const char *sql, int64_t dflt)
{
	sqlite3_stmt *st = NULL;
	int64_t v = dflt;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* sql then the version, in one transaction. */
static gboolean
step_to(sqlite3 *db, const char *path, int version, const char *sql,
    GError **error)
{
	char *v = g_strdup_printf("PRAGMA user_version = %d;", version);
	gboolean ok;

	ok = col_hist_exec(db, path, "BEGIN IMMEDIATE;", error) &&
	    col_hist_exec(db, path, sql, error) &&
	    col_hist_exec(db, path, v, error) &&
	    col_hist_exec(db, path, "COMMIT;", error);
	g_free(v);
	if (!ok)
		(void)sqlite3_exec(db, "ROLLBACK;", NULL, NULL, NULL);
	return ok;
}

gboolean
col_hist_schema_ensure(sqlite3 *db, const char *path, GError **error)
{
	int64_t have = col_hist_int(db, "PRAGMA user_version;", -1);
	size_t i;

	if (have < 0) {
		col_hist_set_error(error, db, path, "reading user_version");
		return FALSE;
	}
	if (have > COL_HISTORY_SCHEMA) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "history %s: schema version %" G_GINT64_FORMAT
		    " is newer than this collector's (%d)",
		    path, have, COL_HISTORY_SCHEMA);
		return FALSE;
	}
	if (have == 0) {
		/* Freed pages go back to the file (the size cap). */
		return col_hist_exec(db, path,
		           "PRAGMA auto_vacuum = INCREMENTAL;", error) &&
		    step_to(db, path, COL_HISTORY_SCHEMA, schema_now, error);
	}
	for (i = 0; i < G_N_ELEMENTS(upgrades); i++) {
		if (upgrades[i].to <= have)
			continue;
		if (!step_to(db, path, upgrades[i].to, upgrades[i].sql, error))
			return FALSE;
		g_message("history %s: schema upgraded to version %d", path,
		    upgrades[i].to);
	}
	return TRUE;
}

int
col_hist_kind_first_level(enum col_hist_kind kind)
{
	return kind == COL_HIST_NAME || kind == COL_HIST_NAMESUM
	    ? COL_HIST_DAY
	    : COL_HIST_HOUR;
}

const char *
col_hist_level_name(int level)
{
	static const char *const names[COL_HIST_LEVELS] = { "minute", "hour",
		"day", "month" };

	return level >= 0 && level < COL_HIST_LEVELS ? names[level] : "minute";
}

/* Floor division: times before 1970 stay in their period. */
static int64_t
floor_to(int64_t t, int64_t unit)
{
	int64_t r = t % unit;

	return r < 0 ? t - r - unit : t - r;
}

int64_t
col_hist_period(int level, int64_t t)
{
	GDateTime *d;
	int64_t v;

	switch (level) {
	case COL_HIST_MINUTE:
		return floor_to(t, 60);
	case COL_HIST_HOUR:
		return floor_to(t, 3600);
	case COL_HIST_DAY:
		return floor_to(t, 86400);
	default:
		break;
	}
	if ((d = g_date_time_new_from_unix_utc(t)) == NULL)
		return floor_to(t, 86400);
	v = floor_to(t, 86400) -
	    (int64_t)(g_date_time_get_day_of_month(d) - 1) * 86400;
	g_date_time_unref(d);
	return v;
}

int64_t
col_hist_next(int level, int64_t t)
{
	static const int64_t len[] = { 60, 3600, 86400 };

	if (level < COL_HIST_MONTH)
		return t + len[level];
	/* 32 days on from a month's start is in the next month. */
	return col_hist_period(COL_HIST_MONTH, t + 32 * 86400);
}
