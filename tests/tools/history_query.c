/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "history-query"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/output/history.h"

/*
 * history_query DB QUERY FROM_MS TO_MS [STEP | ID]: one query of the web
 * API (collector/output/history.h) on a read-only connection, its
 * answer's "data" printed as JSON; for tests/integ/history.sh, which
 * checks the numbers against the report files.  QUERY is series,
 * devices, device, names, anomalies or dns.  Exit 1 with the message on
 * an error.
 */
int
main(int argc, char **argv)
{
	struct col_history_reader *r;
	GError *e = NULL;
	JsonNode *a = NULL;
	uint64_t from, to;
	const char *q;
	char *text;

	if (argc < 5 || argc > 6) {
		fprintf(stderr,
		    "usage: history_query DB QUERY FROM_MS TO_MS "
		    "[STEP | ID]\n");
		return 2;
	}
	q = argv[2];
	from = g_ascii_strtoull(argv[3], NULL, 10);
	to = g_ascii_strtoull(argv[4], NULL, 10);
	if ((r = col_history_reader_open(argv[1], &e)) == NULL)
		goto out;
	if (strcmp(q, "series") == 0)
		a = col_history_series(r, from, to,
		    argc == 6 ? (uint32_t)g_ascii_strtoull(argv[5], NULL, 10)
		              : 0,
		    &e);
	else if (strcmp(q, "devices") == 0)
		a = col_history_devices(r, from, to, &e);
	else if (strcmp(q, "device") == 0 && argc == 6)
		a = col_history_device(r, argv[5], from, to, &e);
	else if (strcmp(q, "names") == 0)
		a = col_history_names(r, from, to, &e);
	else if (strcmp(q, "anomalies") == 0)
		a = col_history_anomalies(r, from, to, &e);
	else if (strcmp(q, "dns") == 0)
		a = col_history_dns(r, from, to, &e);
	else
		fprintf(stderr, "history_query: unknown query %s\n", q);
out:
	col_history_reader_free(r);
	if (a == NULL) {
		if (e != NULL)
			fprintf(stderr, "history_query: %s\n", e->message);
		g_clear_error(&e);
		return 1;
	}
	text = json_to_string(a, FALSE);
	printf("%s\n", text);
	g_free(text);
	json_node_unref(a);
	return 0;
}
