/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_HISTORY_FACTS_H
#define COL_HISTORY_FACTS_H

/*
 * history_facts: what the history takes from one report document (a
 * report is input: every member is checked for its type, strings are
 * bounded by COL_HISTORY_MAX_KEY, lists by COL_HISTORY_MAX_DEVICES and
 * COL_HISTORY_MAX_NAMES, and what does not fit is counted, not kept).
 *
 * Devices come from the report's "devices" section (contracts: id, mac,
 * name, vendor, addresses, totals out and in, remote names).
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/output/history_db.h"

/* One row of agg at level 0; strings borrowed from the document. */
struct col_hist_fact {
	enum col_hist_kind kind;
	const char *k1, *k2;
	int64_t v[COL_HIST_VALUES];
};

/* The latest facts about one device. */
struct col_hist_device {
	const char *id, *mac, *name, *name_source, *vendor;
	int random_mac;                /* -1: not said */
	char *addresses;               /* JSON array text, owned */
	int64_t first_seen, last_seen; /* seconds */
};

struct col_hist_anomaly {
	const char *type, *address, *device, *state; /* state may be NULL */
	int64_t first, last;                         /* seconds */
	int64_t score, detections, flows, target_count;
};

struct col_hist_facts {
	int64_t start, end; /* the interval, seconds */
	GArray *facts;      /* struct col_hist_fact */
	GArray *devices;    /* struct col_hist_device */
	GArray *anomalies;  /* struct col_hist_anomaly */
	uint64_t dropped;   /* entries over the bounds or malformed */
	GStringChunk *text; /* strings made here (numeric rcodes) */
};

/*
 * Take the facts of doc (borrowed: keep it until col_hist_facts_clear).
 * FALSE if doc has no interval with valid start and end.
 */
gboolean col_hist_facts_take(struct col_hist_facts *f, JsonNode *doc);
void col_hist_facts_clear(struct col_hist_facts *f);

/* An ISO 8601 time with its zone to seconds since the epoch; FALSE if not. */
gboolean col_hist_parse_time(const char *s, int64_t *out);

#endif
