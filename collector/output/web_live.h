/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_WEB_LIVE_H
#define COL_WEB_LIVE_H

/*
 * web_live: what the web server answers from memory, kept by the web's
 * consumer on the ingest thread and read by the server's threads under
 * one mutex (held to copy, never for I/O):
 *
 *  - the last hour of per-second counters per class (flows, packets,
 *    bytes): a ring of COL_WEB_LIVE_SECONDS seconds (about 520 KiB) keyed
 *    by flow time; a record counts in the second its flow ended (its
 *    reverse half in the reverse class, with flows 0, as in reports), so
 *    the seconds of an interval add up to the report's class totals;
 *  - the latest report as the text of latest.json (read from the report
 *    directory at start, then taken from each finished report);
 *  - the exporters' lines and the engine's counters, published by the
 *    main loop (col_web_live_publish(), about 4 times a second), and the
 *    tables' use from the latest report.
 *
 * The consumer also pushes every record to the stream hub (web_stream.h)
 * when a stream client is in, marking it anomalous when either side is
 * the address of an anomaly in the latest report whose state is not
 * "over" (at most COL_WEB_LIVE_ANOMALOUS addresses).
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/ingest/exporters.h"
#include "collector/ingest/listen.h"
#include "collector/model/consumer.h"
#include "collector/model/engine.h"
#include "collector/output/web_stream.h"
#include "common/addr.h"

#define COL_WEB_LIVE_SECONDS 3600u
#define COL_WEB_LIVE_ANOMALOUS 4096u
#define COL_WEB_LIVE_TABLES 8u
#define COL_WEB_LIVE_MAX_LATEST (64u << 20) /* bytes of latest.json read */

struct col_web_exporter {
	char address[MF_ADDR_STRLEN];
	uint16_t port;
	uint32_t domain;
	const char *protocol; /* static */
	uint64_t records, lost, late, undecodable;
	uint64_t last_seen_ms; /* wall clock ms, 0 if never */
};

/* A UDP listening socket's counters (col_listen_udp_stats). */
struct col_web_listener {
	char kind[16];
	char address[64];
	uint16_t port;
	uint64_t rcvbuf, datagrams, kernel_drops, queue_drops;
};

struct col_web_table {
	char name[32];
	uint64_t used, capacity, evicted;
};

/* A copy of the counters; col_web_snapshot_clear() frees it. */
struct col_web_snapshot {
	struct col_engine_stats engine;
	uint64_t reports;        /* finished reports taken */
	uint64_t reports_failed; /* of them, not written */
	struct col_web_exporter *exporters;
	size_t n_exporters;
	struct col_web_table tables[COL_WEB_LIVE_TABLES];
	size_t n_tables;
	uint64_t too_old;        /* records older than the ring holds */
	uint64_t anomalous_full; /* anomaly addresses not kept: set full */
	struct col_web_listener listeners[4 * COL_MAX_LISTENERS];
	size_t n_listeners;
};

void col_web_snapshot_clear(struct col_web_snapshot *s);

struct col_web_live;

/*
 * hub: the stream (borrowed; NULL: no stream).  report_dir: where
 * latest.json is read from at start (NULL: nothing).  Free with
 * col_web_live_free() (NULL is fine).
 */
struct col_web_live *col_web_live_new(struct col_web_hub *hub,
    const char *report_dir);
void col_web_live_free(struct col_web_live *l);

/*
 * Name the remote side's country in stream events from geo (borrowed,
 * collector/analytics/geo.h; NULL: none).  Set-up only.
 */
struct col_geo;
void col_web_live_set_geo(struct col_web_live *l, const struct col_geo *geo);

/* The consumer ("web"): flow and report hooks; self is l. */
struct col_consumer col_web_live_consumer(struct col_web_live *l);

/*
 * Main loop: the exporters' lines (copied) with the wall-clock time of
 * each one's last message (ms, 0 if unknown; last_seen_ms may be NULL),
 * the engine's counters and the reports that failed.
 */
void col_web_live_publish(struct col_web_live *l,
    const struct col_report_exporter *lines, const uint64_t *last_seen_ms,
    size_t n, const struct col_engine_stats *stats, uint64_t reports_failed);

/* Main loop: the UDP sockets' counters (at most 4 * COL_MAX_LISTENERS). */
void col_web_live_publish_listeners(struct col_web_live *l,
    const struct col_listen_udp_stats *u, size_t n);

/* The latest report's text (a reference: g_bytes_unref()), or NULL. */
GBytes *col_web_live_latest(struct col_web_live *l);

/*
 * The series answer for step 1 (minflow-web(7)) over [from_ms, to_ms),
 * clamped to the seconds the ring holds; has_from/has_to FALSE: the
 * ring's first second / one past its last.  Never NULL.
 */
JsonNode *col_web_live_series(struct col_web_live *l, uint64_t from_ms,
    gboolean has_from, uint64_t to_ms, gboolean has_to);

void col_web_live_snapshot(struct col_web_live *l,
    struct col_web_snapshot *out);

#endif
