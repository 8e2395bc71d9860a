/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-fuzz"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/output/web_api.h"
#include "collector/output/web_live.h"

/*
 * libFuzzer harness for the web API's handling of a request (web_api.h):
 * the input is "PATH\nNAME=VALUE&NAME=VALUE...", split as the server
 * splits a query (a repeated name is dropped, as the server refuses it),
 * answered from an empty live state and a report directory with one
 * report.  Besides the sanitizers, it aborts when an answer breaks its
 * promise: a status of 200, 400, 404 or 500 and a body that is JSON with
 * "api": 1 and "data" or "error".  The first line is also given to
 * col_web_parse_time() alone.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct col_web_api api;

static void
set_up(void)
{
	char *dir, *day;

	if (api.live != NULL)
		return;
	dir = g_dir_make_tmp("fuzz_webapi.XXXXXX", NULL);
	day = g_build_filename(dir, "20260115", NULL);
	g_mkdir_with_parents(day, 0755);
	g_free(day);
	day = g_build_filename(dir, "20260115", "100000.json", NULL);
	g_file_set_contents(day, "{\"format\": 1}\n", -1, NULL);
	g_free(day);
	api.live = col_web_live_new(NULL, dir);
	api.report_dir = dir; /* kept for the process's life */
}

static void
check(const struct col_web_answer *a)
{
	g_autoptr(JsonParser) p = json_parser_new();
	gsize len;
	const char *body = g_bytes_get_data(a->body, &len);
	JsonObject *o;

	if (a->status != 200 && a->status != 400 && a->status != 404 &&
	    a->status != 500)
		abort();
	if (!json_parser_load_from_data(p, body, (gssize)len, NULL) ||
	    !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(p)))
		abort();
	o = json_node_get_object(json_parser_get_root(p));
	if (json_object_get_int_member_with_default(o, "api", 0) != 1 ||
	    json_object_has_member(o, "data") ==
	        json_object_has_member(o, "error"))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *text = g_strndup((const char *)data, size);
	GHashTable *args =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	char *nl = strchr(text, '\n'), *query = nl != NULL ? nl + 1 : NULL;
	struct col_web_answer a;
	uint64_t ms;

	set_up();
	if (nl != NULL)
		*nl = '\0';
	(void)col_web_parse_time(text, &ms, NULL);
	if (query != NULL) {
		g_auto(GStrv) pairs = g_strsplit(query, "&", 32);
		size_t i;

		for (i = 0; pairs[i] != NULL; i++) {
			char *eq = strchr(pairs[i], '=');

			if (eq != NULL)
				*eq = '\0';
			if (!g_hash_table_contains(args, pairs[i]))
				g_hash_table_insert(args, g_strdup(pairs[i]),
				    g_strdup(eq != NULL ? eq + 1 : ""));
		}
	}
	col_web_api_answer(&api, text, args, UINT64_C(1768471200000), &a);
	check(&a);
	g_bytes_unref(a.body);
	g_hash_table_destroy(args);
	return 0;
}
