/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_WEB_H
#define COL_WEB_H

/*
 * web: minflow-collector's web server (minflow-web(7)), libmicrohttpd
 * with a thread per connection.  The server reads only what the web's
 * consumer keeps (web_live.h: the latest report, the last hour per
 * second, the exporters' counters), the stream queues (web_stream.h) and
 * the report directory; the ingest thread never waits on a web client.
 *
 * [web] listen is a list of HOST:PORT with numeric addresses.  Loopback
 * addresses (127.0.0.0/8, ::1) need nothing more; any other needs a
 * password-file and a certificate and key (HTTP Basic over TLS):
 * col_web_check_config() says so when the configuration is loaded.
 * Sockets are bound by col_web_new() (so a bad address is found before
 * the collector detaches), the threads started by col_web_start() (after
 * it detached: threads do not survive fork()).  An address that cannot be
 * bound (in use, absent) is logged and skipped: the collector collects
 * without its page rather than not at all.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/ingest/exporters.h"
#include "collector/ingest/listen.h"
#include "collector/model/consumer.h"
#include "collector/model/engine.h"

#define COL_WEB_MAX_LISTEN 8

/* [web]; strings and lists as mf_conf loads them. */
struct col_web_config {
	char **listen;
	char *files; /* "": the page installed with minflow */
	char *password_file, *certificate, *key;
	uint64_t max_clients, rate, stream_queue;
};

/* The page installed with minflow (files = ""). */
#define COL_WEB_FILES_DEFAULT MF_PKGDATADIR "/web"

/*
 * The [web] section's rules beyond the bounds of each key: addresses,
 * credentials and TLS off loopback, certificate and key together, the
 * password file readable.  FALSE (MF_ERROR_CONFIG) otherwise.
 */
gboolean col_web_check_config(const struct col_web_config *cfg, GError **error);

struct col_web;

/*
 * Bind [web] listen (cfg is copied); NULL with *error NULL if listen is
 * empty (no web server), NULL with error set on a bad password file,
 * certificate or key.  report_dir: the report directory (reports and
 * latest.json); history_db: the history database (web_hist.h), NULL when
 * there is none.  Free with col_web_free() (NULL is fine).
 */
struct col_web *col_web_new(const struct col_web_config *cfg,
    const char *report_dir, const char *history_db, GError **error);

/* Start serving; FALSE (error set) if libmicrohttpd refuses. */
gboolean col_web_start(struct col_web *w, GError **error);

/* Stop the stream clients and the threads, close the sockets. */
void col_web_free(struct col_web *w);

/* The web's consumer (web_live.h); add it after the summary. */
struct col_consumer col_web_consumer(struct col_web *w);

/* Countries in the stream from geo (borrowed; NULL: none). */
struct col_geo;
void col_web_set_geo(struct col_web *w, const struct col_geo *geo);

/*
 * Main loop, about 4 times a second: the exporters' lines (read from x, on
 * the ingest thread) and the engine's counters for /api/v1/exporters and
 * /metrics.  w may be NULL.
 */
void col_web_publish(struct col_web *w, struct col_exporters *x,
    const struct col_engine_stats *stats, uint64_t reports_failed);

/* With it: the UDP sockets' counters, for /metrics.  w may be NULL. */
void col_web_publish_listeners(struct col_web *w,
    const struct col_listen_udp_stats *u, size_t n);

#endif
