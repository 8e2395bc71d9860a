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
char *
col_json_make_valid(const char *s)
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
	v = col_json_make_valid(s);
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

static void
put_digits(char *p, unsigned v, unsigned n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/*
 * Days since 1970-01-01 to the proleptic Gregorian date, by 400-year eras
 * of 146,097 days counted from 0000-03-01 (so that the leap day ends a
 * year); days >= 0 here, so no negative eras.
 */
static void
civil_from_days(uint64_t days, unsigned *y, unsigned *m, unsigned *d)
{
	uint64_t z = days + 719468; /* days from 0000-03-01 */
	uint64_t era = z / 146097;
	unsigned doe = (unsigned)(z - era * 146097); /* 0..146096 */
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100); /* 0..365 */
	unsigned mp = (5 * doy + 2) / 153;                      /* 0 = March */

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (unsigned)(era * 400 + yoe) + (*m <= 2);
}

void
col_json_iso_utc(uint64_t ms, char out[COL_JSON_ISO_LEN + 1])
{
	uint64_t s = MIN(ms / 1000, COL_JSON_MAX_UNIX_S);
	unsigned y, m, d, sod = (unsigned)(s % 86400);

	civil_from_days(s / 86400, &y, &m, &d);
	memcpy(out, "0000-00-00T00:00:00Z", COL_JSON_ISO_LEN + 1);
	put_digits(out, y, 4);
	put_digits(out + 5, m, 2);
	put_digits(out + 8, d, 2);
	put_digits(out + 11, sod / 3600, 2);
	put_digits(out + 14, sod / 60 % 60, 2);
	put_digits(out + 17, sod % 60, 2);
}

void
col_json_time(JsonBuilder *b, const char *key, uint64_t ms)
{
	char s[COL_JSON_ISO_LEN + 1];

	col_json_iso_utc(ms, s);
	json_builder_set_member_name(b, key);
	json_builder_add_string_value(b, s);
}
