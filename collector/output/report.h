/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_REPORT_H
#define COL_REPORT_H

/*
 * report: one JSON document per report interval (format 1, documented in
 * minflow-report(1)), written as text by collector/output/jsonw.h (strings
 * from the network made valid UTF-8 and escaped), or built as a json-glib
 * tree when a consumer takes the tree, and written atomically: a temporary file
 * in the target directory, fsync, rename to DIR/YYYYmmdd/HHMMSS.json (the
 * interval's start, UTC), then the same for DIR/latest.json.  Old day
 * directories beyond the retention are removed after each write.
 *
 * Top-level keys: format, interval {start, end} (ISO 8601 UTC),
 * exporters, refused_exporters (only when a peer was refused whole:
 * {peers: [{address, reason, messages}], evicted}), listeners (live, with
 * UDP sockets: [{kind, address, port, receive_buffer, datagrams,
 * kernel_drops, queue_drops}], counted since the start), then the sections of
 * the engine's consumers in their order (collector/model/consumer.h;
 * collector/wiring.c registers summary, addresses, streams and top, dns, flows,
 * anomalies and anomaly_state, tables: collector/output/report_*.h say what
 * each holds), then collector {records, late_records, absurd_records}.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/ingest/exporters.h"
#include "collector/ingest/fixread.h"
#include "collector/ingest/listen.h"
#include "collector/ingest/refused.h"
#include "collector/model/engine.h"

#define COL_REPORT_SYNC_BATCH 4096 /* report files synced at once (-r) */

struct col_report_config {
	const char *dir;         /* report directory */
	uint32_t top;            /* entries in each top list */
	uint32_t retention_days; /* 0 keeps everything */
	uint64_t now_ms; /* live: the clock, so that flow time running ahead
	                  * (a router clock) cannot expire reports; 0 offline:
	                  * the interval's start is the reference */
	const struct col_refused *refused; /* NULL or peers refused whole */
	/* Live: the UDP sockets' counters (none offline). */
	const struct col_listen_udp_stats *listeners;
	size_t n_listeners;
	gboolean no_sync;   /* offline (-r): no fsync per report; the caller
	                     * makes them durable at the end (col_report_sync) */
	GPtrArray *written; /* NULL, or with no_sync the report files
	                     * written (char *), for col_report_sync; at
	                     * COL_REPORT_SYNC_BATCH they are synced */
};

/*
 * Build the report document for interval iv, each consumer of
 * iv->consumers writing its section (lists at most cfg->top long).
 * Returns a new JsonNode (json_node_unref()).
 */
JsonNode *col_report_build(const struct col_report_config *cfg,
    const struct col_interval *iv, const struct col_report_exporter *exp,
    size_t n_exp);

/*
 * The text of the same document, written straight from the sections
 * without a tree: byte for byte col_report_format() of
 * col_report_build()'s tree, with the final newline; *len its length.
 * g_free() it.
 */
char *col_report_text(const struct col_report_config *cfg,
    const struct col_interval *iv, const struct col_report_exporter *exp,
    size_t n_exp, size_t *len);

/*
 * Build and write the report of iv as described above.  Returns FALSE
 * (error set, naming the file) if it cannot be written; the collector
 * logs that and goes on.  If doc is not NULL it is given the document
 * built as a tree (json_node_unref() it), even when writing failed: the
 * consumers' report hooks take it (col_consumers_report()); the text is
 * then that tree's.  With doc NULL no tree is made (col_report_text()).
 */
gboolean col_report_write(const struct col_report_config *cfg,
    const struct col_interval *iv, const struct col_report_exporter *exp,
    size_t n_exp, JsonNode **doc, GError **error);

/*
 * Make the reports written with no_sync durable: fsync(2) of each file in
 * cfg->written (if any; emptied; files expired since are skipped), of
 * their directories and of latest.json and cfg->dir.  FALSE (error set)
 * if a file cannot be synced.
 */
gboolean col_report_sync(const struct col_report_config *cfg, GError **error);

/* The file name of the report that starts at start_ms, under dir. */
char *col_report_path(const char *dir, uint64_t start_ms);

/*
 * The text of a report document as latest.json holds it: pretty JSON
 * (indent 2) with a final newline; *len its length.  g_free() it.
 */
char *col_report_format(JsonNode *root, size_t *len);

#endif
