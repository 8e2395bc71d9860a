/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-report"

#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/output/jsonw.h"

/* 9999-12-31T23:59:59Z, the last second GDateTime can show. */
#define MAX_UNIX_S UINT64_C(253402300799)

void
col_json_uint(JsonBuilder *b, const char *key, uint64_t v)
{
	json_builder_set_member_name(b, key);
	json_builder_add_int_value(b, (gint64)MIN(v, (uint64_t)G_MAXINT64));
}

void
col_json_text(JsonBuilder *b, const char *key, const char *s)
{
	json_builder_set_member_name(b, key);
	if (s != NULL)
		json_builder_add_string_value(b, s);
	else
		json_builder_add_null_value(b);
}

static char *
sanitize(const char *s)
{
	char *v = g_utf8_make_valid(s, -1);
	GString *g;

	if (strchr(v, '\x1f') == NULL)
		return v;
	g = g_string_new(v);
	g_free(v);
	g_string_replace(g, "\x1f", "\xef\xbf\xbd", 0);
	return g_string_free(g, FALSE);
}

void
col_json_string(JsonBuilder *b, const char *key, const char *s)
{
	char *v;

	if (s == NULL) {
		col_json_text(b, key, NULL);
		return;
	}
	v = sanitize(s);
	col_json_text(b, key, v);
	g_free(v);
}

char *
col_json_format_utc(uint64_t ms, const char *fmt)
{
	GDateTime *dt;
	char *s;

	dt = g_date_time_new_from_unix_utc((gint64)MIN(ms / 1000, MAX_UNIX_S));
	s = g_date_time_format(dt, fmt);
	g_date_time_unref(dt);
	return s;
}

void
col_json_time(JsonBuilder *b, const char *key, uint64_t ms)
{
	char *s = col_json_format_utc(ms, "%Y-%m-%dT%H:%M:%SZ");

	col_json_text(b, key, s);
	g_free(s);
}
