/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "history-bench"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/output/history.h"
#include "collector/output/report_json.h"

/*
 * The history's writer and queries, measured (bench/history.sh runs it;
 * bench/README.md has the figures).
 *
 *   history_bench write DB DAYS DEVICES ACTIVE NAMES DNS
 *     writes DAYS days of 60 s reports (from 2026-01-01 UTC) with the
 *     default retention: DEVICES devices, ACTIVE of them in each report
 *     with NAMES remote names each, DNS names in the DNS section; prints
 *     the transaction time per interval (p50, p99, max) and the size of
 *     the database at the end of each day.
 *   history_bench query DB REPS
 *     runs each query of the web API REPS times over the last hour, day,
 *     week and 30 days of what DB holds; prints p50 and p99 in ms.
 */

#define T0 INT64_C(1767225600) /* 2026-01-01T00:00:00Z */
#define NAME_POOL 5000

#define member_int(b, key, v) col_json_uint(b, key, (uint64_t)(v))
#define member_str(b, key, v) col_json_text(b, key, v)

/* {"name": name, key: v} */
static void
name_count(JsonBuilder *b, const char *name, const char *key, int64_t v)
{
	json_builder_begin_object(b);
	member_str(b, "name", name);
	member_int(b, key, v);
	json_builder_end_object(b);
}

struct shape {
	int devices, active, names, dns;
};

static void
add_summary(JsonBuilder *b, GRand *rnd)
{
	static const char *const cls[] = { "in", "out", "inweb", "outweb",
		"internal", "external" };
	size_t c;

	json_builder_set_member_name(b, "summary");
	json_builder_begin_object(b);
	for (c = 0; c < G_N_ELEMENTS(cls); c++) {
		json_builder_set_member_name(b, cls[c]);
		json_builder_begin_object(b);
		member_int(b, "flows", g_rand_int_range(rnd, 0, 500));
		member_int(b, "packets", g_rand_int_range(rnd, 0, 50000));
		member_int(b, "bytes", g_rand_int_range(rnd, 0, 50000000));
		json_builder_end_object(b);
	}
	json_builder_end_object(b);
}

/* Device d in the interval starting at t (names change by the hour). */
static void
add_device(JsonBuilder *b, const struct shape *s, int d, int64_t t, GRand *rnd)
{
	char id[32], addr[32], name[64];
	int j;

	g_snprintf(id, sizeof(id), "02:00:00:00:%02x:%02x", (d >> 8) & 0xff,
	    d & 0xff);
	g_snprintf(addr, sizeof(addr), "10.%d.%d.%d", d >> 16, (d >> 8) & 0xff,
	    d & 0xff);
	json_builder_begin_object(b);
	member_str(b, "id", id);
	member_str(b, "mac", id);
	g_snprintf(name, sizeof(name), "device-%d", d);
	member_str(b, "name", name);
	json_builder_set_member_name(b, "addresses");
	json_builder_begin_array(b);
	json_builder_add_string_value(b, addr);
	json_builder_end_array(b);
	member_int(b, "bytes_out", g_rand_int_range(rnd, 0, 1000000));
	member_int(b, "bytes_in", g_rand_int_range(rnd, 0, 10000000));
	member_int(b, "packets_out", g_rand_int_range(rnd, 0, 1000));
	member_int(b, "packets_in", g_rand_int_range(rnd, 0, 10000));
	member_int(b, "flows", g_rand_int_range(rnd, 1, 50));
	json_builder_set_member_name(b, "names");
	json_builder_begin_array(b);
	for (j = 0; j < s->names; j++) {
		g_snprintf(name, sizeof(name), "host%d.example.com",
		    (int)((d * 7 + j * 13 + t / 3600) % NAME_POOL));
		name_count(b, name, "bytes", g_rand_int_range(rnd, 0, 1000000));
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
}

static void
add_dns(JsonBuilder *b, const struct shape *s, int64_t t, GRand *rnd)
{
	char name[64];
	int j;

	json_builder_set_member_name(b, "dns");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "most_resolved");
	json_builder_begin_array(b);
	for (j = 0; j < s->dns; j++) {
		g_snprintf(name, sizeof(name), "host%d.example.com",
		    (int)((j * 31 + t / 600) % NAME_POOL));
		name_count(b, name, "count", g_rand_int_range(rnd, 1, 100));
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
}

static JsonNode *
report(const struct shape *s, int64_t t, GRand *rnd)
{
	JsonBuilder *b = json_builder_new();
	JsonNode *doc;
	int i, first = (int)((t / 60) * 7 % s->devices);

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "interval");
	json_builder_begin_object(b);
	col_json_time(b, "start", (uint64_t)t * 1000);
	col_json_time(b, "end", (uint64_t)(t + 60) * 1000);
	json_builder_end_object(b);
	add_summary(b, rnd);
	add_dns(b, s, t, rnd);
	json_builder_set_member_name(b, "devices");
	json_builder_begin_array(b);
	for (i = 0; i < s->active; i++)
		add_device(b, s, (first + i) % s->devices, t, rnd);
	json_builder_end_array(b);
	json_builder_end_object(b);
	doc = json_builder_get_root(b);
	g_object_unref(b);
	return doc;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t
pct(uint64_t *v, size_t n, unsigned p)
{
	return n ? v[(n - 1) * p / 100] : 0;
}

static int
do_write(const char *db, int days, const struct shape *s)
{
	struct col_conf_history cfg = { NULL, 1440, 840, 400, 120, 0 };
	size_t n = (size_t)days * 1440, i;
	uint64_t *us = g_new0(uint64_t, n);
	GRand *rnd = g_rand_new_with_seed(12);
	struct col_history *h;
	GError *e = NULL;

	cfg.db = g_strdup(db);
	h = col_history_open(&cfg, &e);
	g_free(cfg.db);
	if (h == NULL) {
		fprintf(stderr, "%s\n", e->message);
		return 1;
	}
	for (i = 0; i < n; i++) {
		JsonNode *doc = report(s, T0 + 60 * (int64_t)i, rnd);

		if (!col_history_write(h, doc, &e)) {
			fprintf(stderr, "%s\n", e->message);
			return 1;
		}
		us[i] = col_history_get_stats(h)->last_write_us;
		json_node_unref(doc);
		if ((i + 1) % 1440 == 0)
			printf("day %zu size %" G_GUINT64_FORMAT "\n",
			    (i + 1) / 1440, col_history_size(h));
	}
	qsort(us, n, sizeof(*us), cmp_u64);
	printf("write_us p50 %" G_GUINT64_FORMAT " p99 %" G_GUINT64_FORMAT
	       " max %" G_GUINT64_FORMAT "\n",
	    pct(us, n, 50), pct(us, n, 99), us[n - 1]);
	col_history_free(h);
	g_rand_free(rnd);
	g_free(us);
	return 0;
}

enum { Q_SERIES, Q_DEVICES, Q_DEVICE, Q_NAMES, Q_DNS, Q_ANOM, Q_N };

static JsonNode *
query(struct col_history_reader *r, int q, uint64_t from, uint64_t to)
{
	switch (q) {
	case Q_SERIES:
		return col_history_series(r, from, to, 0, NULL);
	case Q_DEVICES:
		return col_history_devices(r, from, to, NULL);
	case Q_DEVICE:
		return col_history_device(r, "02:00:00:00:00:2a", from, to,
		    NULL);
	case Q_NAMES:
		return col_history_names(r, from, to, NULL);
	case Q_DNS:
		return col_history_dns(r, from, to, NULL);
	default:
		return col_history_anomalies(r, from, to, NULL);
	}
}

static int
do_query(const char *db, int reps, int64_t newest)
{
	static const char *const qn[Q_N] = { "series", "devices", "device",
		"names", "dns", "anomalies" };
	static const int64_t span[] = { 3600, 86400, 7 * 86400, 30 * 86400 };
	static const char *const sn[] = { "hour", "day", "week", "30days" };
	uint64_t *ms = g_new0(uint64_t, (size_t)reps);
	struct col_history_reader *r;
	GError *e = NULL;
	size_t k;
	int q, i;

	if ((r = col_history_reader_open(db, &e)) == NULL) {
		fprintf(stderr, "%s\n", e->message);
		return 1;
	}
	for (q = 0; q < Q_N; q++)
		for (k = 0; k < G_N_ELEMENTS(span); k++) {
			uint64_t to = (uint64_t)(newest + 60) * 1000;
			uint64_t from = to - (uint64_t)span[k] * 1000;
			JsonNode *a = NULL;

			for (i = 0; i < reps; i++) {
				int64_t t0 = g_get_monotonic_time();

				if ((a = query(r, q, from, to)) == NULL)
					return 1;
				ms[i] = (uint64_t)(g_get_monotonic_time() - t0);
				json_node_unref(a);
			}
			qsort(ms, (size_t)reps, sizeof(*ms), cmp_u64);
			printf("%-10s %-7s p50 %.2f ms p99 %.2f ms\n", qn[q],
			    sn[k], (double)pct(ms, (size_t)reps, 50) / 1000,
			    (double)pct(ms, (size_t)reps, 99) / 1000);
		}
	col_history_reader_free(r);
	g_free(ms);
	return 0;
}

int
main(int argc, char **argv)
{
	struct shape s;

	setvbuf(stdout, NULL, _IOLBF, 0); /* progress, day by day */
	if (argc == 8 && strcmp(argv[1], "write") == 0) {
		s.devices = atoi(argv[4]);
		s.active = atoi(argv[5]);
		s.names = atoi(argv[6]);
		s.dns = atoi(argv[7]);
		if (s.devices < 1 || s.active < 0 || s.active > s.devices ||
		    s.names < 0 || s.dns < 0 || atoi(argv[3]) < 1)
			return 2;
		return do_write(argv[2], atoi(argv[3]), &s);
	}
	if (argc == 5 && strcmp(argv[1], "query") == 0)
		return do_query(argv[2], atoi(argv[3]),
		    g_ascii_strtoll(argv[4], NULL, 10));
	fprintf(stderr,
	    "usage: history_bench write DB DAYS DEVICES ACTIVE NAMES DNS\n"
	    "       history_bench query DB REPS NEWEST_UNIX_SECONDS\n");
	return 2;
}
