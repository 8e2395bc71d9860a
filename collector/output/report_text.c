/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-report"

#include <stddef.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/output/jsonw.h"
#include "collector/output/report_text.h"

void
col_report_text_append(GString *out, JsonNode *node)
{
	struct col_jsonw w;
	size_t len;
	char *t;

	if (node == NULL)
		return;
	col_jsonw_init(&w, FALSE);
	col_jsonw_node(&w, node);
	t = col_jsonw_steal_text(&w, FALSE, &len);
	g_string_append_len(out, t, (gssize)len);
	g_free(t);
}
