/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-report"

#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/output/report_json.h"

/* JSON integers are signed 64-bit: clamp (no real counter gets there). */
void
col_json_uint(JsonBuilder *b, const char *key, uint64_t v)
{
	json_builder_set_member_name(b, key);
	json_builder_add_int_value(b, (gint64)MIN(v, (uint64_t)G_MAXINT64));
}

/*
 * Strings from the network (DNS labels) may hold anything: invalid UTF-8
 * becomes U+FFFD, since json-glib needs valid UTF-8.  json-glib escapes
 * quotes, backslashes and control characters, except that 1.6 writes
 * U+001F raw (invalid JSON), so that one becomes U+FFFD too.
 */
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

/* A string member, sanitized; NULL gives null. */
void
col_json_str(JsonBuilder *b, const char *key, const char *s)
{
	char *v;

	json_builder_set_member_name(b, key);
	if (s == NULL) {
		json_builder_add_null_value(b);
		return;
	}
	v = sanitize(s);
	json_builder_add_string_value(b, v);
	g_free(v);
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

/* Time ms (clamped to what GDateTime shows) as UTC; never NULL. */
char *
col_json_format_utc(uint64_t ms, const char *fmt)
{
	GDateTime *dt;
	char *s;

	dt = g_date_time_new_from_unix_utc(
	    (gint64)MIN(ms / 1000, COL_JSON_MAX_UNIX_S));
	s = g_date_time_format(dt, fmt);
	g_date_time_unref(dt);
	return s;
}

void
col_json_time(JsonBuilder *b, const char *key, uint64_t ms)
{
	char *s = col_json_format_utc(ms, "%Y-%m-%dT%H:%M:%SZ");

	json_builder_set_member_name(b, key);
	json_builder_add_string_value(b, s);
	g_free(s);
}
