/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-history-fuzz"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "collector/output/history.h"

/*
 * libFuzzer harness for the history's reading of a report document: the
 * input is parsed as JSON and, when it is, written into one history
 * database (a temporary file kept for the whole run, capped at 4 MiB)
 * as the report hook does.  Then every query runs over all time on a
 * read-only connection; a query on a valid range must answer, whatever
 * the documents written before, or the harness aborts.  Seed it with
 * tests/data/report/full.json.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct state {
	char *dir, *db;
	struct col_history *h;
	struct col_history_reader *r;
};

/* The database of the whole run (libFuzzer calls us again and again). */
static struct state fuzz;

static void
drop_state(void)
{
	struct state *s = &fuzz;
	const char *sfx[] = { "", "-wal", "-shm" };
	size_t i;

	col_history_reader_free(s->r);
	col_history_free(s->h);
	for (i = 0; i < G_N_ELEMENTS(sfx); i++) {
		char *f = g_strconcat(s->db, sfx[i], NULL);

		g_unlink(f);
		g_free(f);
	}
	g_rmdir(s->dir);
}

static struct state *
get_state(void)
{
	struct state *sp = &fuzz;
	struct col_conf_history cfg = { NULL, 60, 168, 31, 12, 4 << 20 };

	if (sp->h != NULL)
		return sp;
	sp->dir = g_dir_make_tmp("minflow-fuzz-history.XXXXXX", NULL);
	if (sp->dir == NULL)
		abort();
	sp->db = g_build_filename(sp->dir, "h.sqlite", NULL);
	cfg.db = sp->db;
	if ((sp->h = col_history_open(&cfg, NULL)) == NULL ||
	    (sp->r = col_history_reader_open(sp->db, NULL)) == NULL)
		abort();
	atexit(drop_state);
	return sp;
}

static void
query_all(struct col_history_reader *r)
{
	const uint64_t from = 0, to = UINT64_C(253402300799000);
	JsonNode *a[6];
	size_t i;

	a[0] = col_history_series(r, from, to, 0, NULL);
	a[1] = col_history_devices(r, from, to, NULL);
	a[2] = col_history_device(r, "192.168.1.20", from, to, NULL);
	a[3] = col_history_names(r, from, to, NULL);
	a[4] = col_history_anomalies(r, from, to, NULL);
	a[5] = col_history_dns(r, from, to, NULL);
	for (i = 0; i < G_N_ELEMENTS(a); i++) {
		if (a[i] == NULL)
			abort();
		json_node_unref(a[i]);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state *s = get_state();
	JsonParser *p;

	if (size > (1u << 20))
		return 0;
	p = json_parser_new();
	if (json_parser_load_from_data(p, (const char *)data, (gssize)size,
	        NULL))
		(void)col_history_write(s->h, json_parser_get_root(p), NULL);
	g_object_unref(p);
	query_all(s->r);
	return 0;
}
