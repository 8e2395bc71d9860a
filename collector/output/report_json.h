/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_REPORT_JSON_H
#define COL_REPORT_JSON_H

/*
 * report_json: the members every report section writes, one way: numbers
 * clamped to JSON's signed 64 bits, strings made valid (they may come
 * from the network), times as ISO 8601 UTC.
 */
#include <stdint.h>

#include <json-glib/json-glib.h>

/* 9999-12-31T23:59:59Z, the last second GDateTime can show. */
#define COL_JSON_MAX_UNIX_S UINT64_C(253402300799)

/* Member key: v, clamped to G_MAXINT64 (no real counter gets there). */
void col_json_uint(JsonBuilder *b, const char *key, uint64_t v);

/*
 * s with invalid UTF-8 and U+001F made U+FFFD (json-glib needs valid
 * UTF-8, and 1.6 writes U+001F raw, which is not JSON); g_free() it.
 */
char *col_json_make_valid(const char *s);

/*
 * Member key: s, made valid by col_json_make_valid(); NULL gives null.
 */
void col_json_str(JsonBuilder *b, const char *key, const char *s);

/*
 * Member key: s as it is, for text the collector made (names from its own
 * tables, addresses formatted by common/addr.c): no sanitizing, which
 * costs about 2,500 instructions a string.  NULL gives null.
 */
void col_json_text(JsonBuilder *b, const char *key, const char *s);

/* Time ms (clamped to COL_JSON_MAX_UNIX_S) in fmt, UTC; g_free() it. */
char *col_json_format_utc(uint64_t ms, const char *fmt);

/* The length of col_json_iso_utc()'s text, its NUL not counted. */
#define COL_JSON_ISO_LEN 20

/*
 * Time ms (clamped to COL_JSON_MAX_UNIX_S) as "YYYY-mm-ddTHH:MM:SSZ" in
 * out (COL_JSON_ISO_LEN + 1 bytes), the same text as
 * col_json_format_utc(ms, "%Y-%m-%dT%H:%M:%SZ") without GDateTime (about
 * 100 instructions against 4,400: a report holds hundreds).
 */
void col_json_iso_utc(uint64_t ms, char out[COL_JSON_ISO_LEN + 1]);

/* Member key: time ms as "YYYY-mm-ddTHH:MM:SSZ", whole seconds. */
void col_json_time(JsonBuilder *b, const char *key, uint64_t ms);

#endif
