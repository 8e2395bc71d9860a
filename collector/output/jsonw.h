/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_JSONW_H
#define COL_JSONW_H

/*
 * jsonw: the members every report section writes, one way each, on a
 * json-glib builder that has an object open.  JSON integers are signed
 * 64-bit: counters are clamped to G_MAXINT64 (no real counter gets
 * there).  Times are flow time in ms, shown as ISO 8601 UTC in whole
 * seconds, clamped to 9999-12-31T23:59:59Z (the last second GDateTime
 * can show).
 */
#include <stdint.h>

#include <glib.h>
#include <json-glib/json-glib.h>

/* key: v, clamped. */
void col_json_uint(JsonBuilder *b, const char *key, uint64_t v);

/* key: s as it is (our own text, or escaped by the exporter); NULL: null. */
void col_json_text(JsonBuilder *b, const char *key, const char *s);

/*
 * key: s from the network (DNS labels), which may hold anything: invalid
 * UTF-8 becomes U+FFFD (json-glib needs valid UTF-8), and so does U+001F
 * (json-glib 1.6 writes it raw, which is invalid JSON); NULL: null.
 */
void col_json_string(JsonBuilder *b, const char *key, const char *s);

/* key: time ms as "YYYY-mm-ddTHH:MM:SSZ". */
void col_json_time(JsonBuilder *b, const char *key, uint64_t ms);

/* Time ms (clamped as above) formatted by fmt (g_date_time_format()). */
char *col_json_format_utc(uint64_t ms, const char *fmt);

#endif
