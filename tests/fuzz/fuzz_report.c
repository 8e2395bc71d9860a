/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "rep-fuzz"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "report/load.h"
#include "report/view.h"

/*
 * libFuzzer harness for minflow-report's reading of a report: the input
 * is the file's bytes, parsed as minflow-report does (depth limit, JSON,
 * format) and, when accepted, rendered as text.  Besides the sanitizers,
 * it checks the promise of table.h and aborts when it is broken: the text
 * holds no control byte but newlines, whatever the strings in the file.
 * Seed it with tests/data/report/full.json.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_printable(const GString *s)
{
	gsize i;

	for (i = 0; i < s->len; i++) {
		unsigned char c = (unsigned char)s->str[i];

		if ((c < 0x20 && c != '\n') || c == 0x7f)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	JsonParser *p = json_parser_new();
	GString *out = g_string_new(NULL);
	GError *error = NULL;

	if (rep_load_parse(p, "fuzz", (const char *)data, size, &error)) {
		if (!rep_view_render(json_node_get_object(
		                         json_parser_get_root(p)),
		        out, &error) &&
		    error == NULL)
			abort(); /* a refusal always says why */
		check_printable(out);
	} else if (error == NULL) {
		abort();
	}
	g_clear_error(&error);
	g_string_free(out, TRUE);
	g_object_unref(p);
	return 0;
}
