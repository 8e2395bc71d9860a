/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_ALERT_SINKS_H
#define COL_ALERT_SINKS_H

/*
 * alert_sinks: where alerts (collector/output/alert_rules.h) go.  Each
 * sink has its own worker thread and a queue of at most queue alerts
 * (the JSON text); when the queue is full the oldest is dropped and
 * counted, so the collector never waits on a sink.  A sink sends at most
 * rate alerts per hour (more are counted in limited and not sent).
 *
 *   file     one JSON object a line, rotated past max_size to FILE.1 ..
 *            FILE.keep
 *   idea     the same, as IDEA messages (Format "IDEA0")
 *   syslog   RFC 5424, facility daemon, severity warning, MSGID ALERT,
 *            the JSON as the message: "unix:PATH" (datagram) or
 *            "udp:HOST:PORT"
 *   webhook  HTTP(S) POST with libcurl: the JSON, or (ntfy) the text
 *            with Title, Priority and Tags headers; a failure is retried
 *            retries times after 1, 2, 4 ... seconds
 *   command  the program run with no shell and no arguments, the alert
 *            in its environment (MINFLOW_ALERT the JSON,
 *            MINFLOW_ALERT_TYPE, _TEXT, _DEVICE, _REMOTE and
 *            _REMOTE_ADDRESS, _NAME, _COUNTRY); killed
 *            (SIGKILL) after timeout seconds
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <json-glib/json-glib.h>

enum col_sink_kind {
	COL_SINK_FILE,
	COL_SINK_IDEA,
	COL_SINK_SYSLOG,
	COL_SINK_WEBHOOK,
	COL_SINK_COMMAND
};

struct col_sink_config {
	enum col_sink_kind kind;
	const char *target;      /* path, syslog address, URL or program */
	gboolean ntfy;           /* webhook: the plain-text ntfy form */
	uint64_t max_size, keep; /* file, idea */
	uint64_t retries;        /* webhook */
	uint64_t timeout_s;      /* command */
	uint64_t queue, rate;
};

struct col_sink_stats {
	uint64_t sent, failed, dropped, limited;
};

struct col_sink;

/* Check cfg and start the worker; NULL (error set) on a bad target. */
struct col_sink *col_sink_new(const struct col_sink_config *cfg,
    GError **error);

/* Stop the worker after what is queued was tried, retries included, for
 * at most 15 s more (then what is left counts as failed; a webhook
 * attempt takes at most 10 s); counters stay readable. */
void col_sink_stop(struct col_sink *s);

/* Stop (if not yet) and free.  NULL is fine. */
void col_sink_free(struct col_sink *s);

/* Queue one alert (the object is serialised; not kept).  No I/O. */
void col_sink_push(struct col_sink *s, JsonNode *alert);

void col_sink_get_stats(struct col_sink *s, struct col_sink_stats *st);
const char *col_sink_name(const struct col_sink *s);

/* The formats, newly allocated (g_free), for the sinks and the tests. */
char *col_sink_format_idea(JsonNode *alert, const char *create_time);
char *col_sink_format_syslog(JsonNode *alert, const char *hostname, long pid);
char **col_sink_format_env(JsonNode *alert); /* g_strfreev */
/* ntfy: the headers (Title, Priority high for anomalies and blocklist
 * hits, Tags) to g_strfreev(), and the body, the text, into *body. */
char **col_sink_format_ntfy(JsonNode *alert, char **body);

#endif
