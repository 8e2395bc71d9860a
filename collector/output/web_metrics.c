/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-web"

#include <stdint.h>

#include <glib.h>

#include "collector/output/web_metrics.h"

/* "# HELP" and "# TYPE" of one metric. */
static void
head(GString *out, const char *name, const char *type, const char *help)
{
	g_string_append_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help,
	    name, type);
}

/* One metric without labels. */
static void
one(GString *out, const char *name, const char *type, const char *help,
    uint64_t v)
{
	head(out, name, type, help);
	g_string_append_printf(out, "%s %" G_GUINT64_FORMAT "\n", name, v);
}

/* A label value: backslash, double quote and newline escaped. */
static void
label_value(GString *out, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			g_string_append_c(out, '\\');
		if (*v == '\n')
			g_string_append(out, "\\n");
		else
			g_string_append_c(out, *v);
	}
}

static void
exporter_labels(GString *out, const struct col_web_exporter *x)
{
	g_string_append(out, "{address=\"");
	label_value(out, x->address);
	g_string_append_printf(out, "\",port=\"%u\",domain=\"%u\",protocol=\"",
	    x->port, x->domain);
	label_value(out, x->protocol);
	g_string_append(out, "\"}");
}

/* Which counter of an exporter a metric shows. */
enum exp_field { F_RECORDS, F_LOST, F_LATE, F_UNDECODABLE, F_LAST_SEEN };

static uint64_t
exp_value(const struct col_web_exporter *x, enum exp_field f)
{
	switch (f) {
	case F_RECORDS:
		return x->records;
	case F_LOST:
		return x->lost;
	case F_LATE:
		return x->late;
	case F_UNDECODABLE:
		return x->undecodable;
	case F_LAST_SEEN:
		return x->last_seen_ms / 1000;
	}
	return 0;
}

static void
per_exporter(GString *out, const struct col_web_snapshot *s, const char *name,
    const char *type, const char *help, enum exp_field f)
{
	size_t i;

	head(out, name, type, help);
	for (i = 0; i < s->n_exporters; i++) {
		g_string_append(out, name);
		exporter_labels(out, &s->exporters[i]);
		g_string_append_printf(out, " %" G_GUINT64_FORMAT "\n",
		    exp_value(&s->exporters[i], f));
	}
}

static void
per_table(GString *out, const struct col_web_snapshot *s, const char *name,
    const char *help, int which)
{
	size_t i;

	head(out, name, "gauge", help);
	for (i = 0; i < s->n_tables; i++) {
		const struct col_web_table *t = &s->tables[i];

		g_string_append_printf(out,
		    "%s{table=\"%s\"} %" G_GUINT64_FORMAT "\n", name, t->name,
		    which == 0       ? t->used
		        : which == 1 ? t->capacity
		                     : t->evicted);
	}
}

static void
collector_metrics(const struct col_web_snapshot *s, GString *out)
{
	uint64_t lost = 0;
	size_t i;

	for (i = 0; i < s->n_exporters; i++)
		lost += s->exporters[i].lost;
	one(out, "minflow_records_total", "counter", "Flow records accounted.",
	    s->engine.records);
	one(out, "minflow_late_records_total", "counter",
	    "Records for an interval already reported.",
	    s->engine.late_records);
	one(out, "minflow_absurd_records_total", "counter",
	    "Records with impossible times.", s->engine.absurd_records);
	one(out, "minflow_lost_records_total", "counter",
	    "Records lost by sequence number, all exporters.", lost);
	one(out, "minflow_reports_total", "counter", "Reports finished.",
	    s->reports);
	one(out, "minflow_reports_failed_total", "counter",
	    "Reports that could not be written.", s->reports_failed);
	one(out, "minflow_exporters", "gauge", "Exporters known.",
	    s->n_exporters);
	per_exporter(out, s, "minflow_exporter_records_total", "counter",
	    "Flow records received from the exporter.", F_RECORDS);
	per_exporter(out, s, "minflow_exporter_lost_total", "counter",
	    "Sequence gaps of the exporter (records; NetFlow v9: packets).",
	    F_LOST);
	per_exporter(out, s, "minflow_exporter_late_records_total", "counter",
	    "Late records of the exporter.", F_LATE);
	per_exporter(out, s, "minflow_exporter_undecodable_total", "counter",
	    "Undecodable messages and records of the exporter.", F_UNDECODABLE);
	per_exporter(out, s, "minflow_exporter_last_seen_seconds", "gauge",
	    "Unix time of the exporter's last message.", F_LAST_SEEN);
	per_table(out, s, "minflow_table_used",
	    "Entries in use (latest report).", 0);
	per_table(out, s, "minflow_table_capacity", "Entries a table may hold.",
	    1);
	per_table(out, s, "minflow_table_evicted",
	    "Entries evicted (latest report).", 2);
}

/* Which counter of a UDP socket a metric shows. */
enum udp_field { U_DATAGRAMS, U_KERNEL, U_QUEUE, U_RCVBUF };

static void
per_listener(GString *out, const struct col_web_snapshot *s, const char *name,
    const char *type, const char *help, enum udp_field f)
{
	size_t i;

	head(out, name, type, help);
	for (i = 0; i < s->n_listeners; i++) {
		const struct col_web_listener *u = &s->listeners[i];

		g_string_append_printf(out, "%s{kind=\"%s\",address=\"", name,
		    u->kind);
		label_value(out, u->address);
		g_string_append_printf(out,
		    "\",port=\"%u\"} %" G_GUINT64_FORMAT "\n", u->port,
		    f == U_DATAGRAMS    ? u->datagrams
		        : f == U_KERNEL ? u->kernel_drops
		        : f == U_QUEUE  ? u->queue_drops
		                        : u->rcvbuf);
	}
}

static void
listener_metrics(const struct col_web_snapshot *s, GString *out)
{
	per_listener(out, s, "minflow_udp_datagrams_total", "counter",
	    "Datagrams read from the UDP socket.", U_DATAGRAMS);
	per_listener(out, s, "minflow_udp_kernel_drops_total", "counter",
	    "Datagrams the kernel dropped: the socket's receive buffer was "
	    "full.",
	    U_KERNEL);
	per_listener(out, s, "minflow_udp_queue_drops_total", "counter",
	    "Datagrams read but dropped: the receive queue was full.", U_QUEUE);
	per_listener(out, s, "minflow_udp_receive_buffer_bytes", "gauge",
	    "Receive buffer the kernel granted the UDP socket.", U_RCVBUF);
}

struct metric {
	const char *name, *type, *help;
	uint64_t v;
};

void
col_web_metrics_format(const struct col_web_snapshot *s,
    const struct col_web_limits_stats *ls, const struct col_web_hub_stats *hs,
    const struct col_web_counters *wc, GString *out)
{
	const struct metric m[] = {
		{ "minflow_web_connections", "gauge", "Web connections open.",
		    ls->open },
		{ "minflow_web_connections_total", "counter",
		    "Web connections accepted.", ls->accepted },
		{ "minflow_web_connections_refused_total", "counter",
		    "Web connections refused: max-clients open.", ls->refused },
		{ "minflow_web_requests_total", "counter",
		    "Web requests let through the rate limit.", ls->requests },
		{ "minflow_web_rate_limited_total", "counter",
		    "Web requests refused by the rate limit (429).",
		    ls->rate_limited },
		{ "minflow_web_rate_evicted_total", "counter",
		    "Rate buckets replaced: table full.", ls->evicted },
		{ "minflow_web_auth_failures_total", "counter",
		    "Requests refused for bad credentials (401).",
		    wc->auth_failures },
		{ "minflow_web_not_found_total", "counter",
		    "Requests for no file or endpoint (404).", wc->not_found },
		{ "minflow_web_bad_method_total", "counter",
		    "Requests with a method other than GET and HEAD (405).",
		    wc->bad_method },
		{ "minflow_web_stream_clients", "gauge",
		    "Stream clients connected.", hs->clients },
		{ "minflow_web_stream_refused_total", "counter",
		    "Stream clients refused: max-clients streaming.",
		    hs->refused },
		{ "minflow_web_stream_events_total", "counter",
		    "Flow events offered to the stream clients.", hs->events },
		{ "minflow_web_stream_sent_total", "counter",
		    "Flow events taken by stream clients.", hs->sent },
		{ "minflow_web_stream_dropped_total", "counter",
		    "Flow events dropped from full stream queues.",
		    hs->dropped },
		{ "minflow_web_series_too_old_total", "counter",
		    "Records older than the last hour the live series holds.",
		    s->too_old },
	};
	size_t i;

	collector_metrics(s, out);
	listener_metrics(s, out);
	for (i = 0; i < G_N_ELEMENTS(m); i++)
		one(out, m[i].name, m[i].type, m[i].help, m[i].v);
}
