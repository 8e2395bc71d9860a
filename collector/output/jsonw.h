/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_JSONW_H
#define COL_JSONW_H

/*
 * jsonw: a JSON document written by calls in document order (begin and
 * end an object or array, a member's name, a value), into one of two
 * back-ends chosen at col_jsonw_init():
 *
 * - text: the bytes collector/output/report_text.h describes (json-glib
 *   1.6's pretty generator, indent 2), written as the calls come, into
 *   one growing buffer: no tree, no allocation per value;
 * - tree: a json-glib tree built by a JsonBuilder, for the consumers
 *   that take the report as a tree (collector/model/consumer.h).
 *
 * The same calls give the same document either way, with one exception
 * the callers avoid: a JsonObject keeps one member per name (a second
 * one replaces the first's value, in the first's place), while the text
 * back-end writes what it is given.  Every report member is named by a
 * string literal, distinct within its object, or from a fixed table of
 * distinct names; the one list of names that comes from elsewhere, an
 * anomaly's evidence (collector/output/report_anomaly.c), is made
 * unique there.  tests/unit/test_jsonw.c, every report test and
 * tests/fuzz/fuzz_jsonw.c compare the two back-ends byte for byte.
 *
 * Calls must nest properly (an internal invariant, asserted): a member
 * name only inside an object and followed by one value; values inside an
 * array, after a name, or one at the top.  Nesting is bounded by
 * COL_JSONW_DEPTH.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#define COL_JSONW_DEPTH 128 /* containers open at once; reports use 6 */

struct col_jsonw {
	char *text; /* text back-end: the buffer, NUL-terminated; else NULL */
	size_t len, cap;
	JsonBuilder *b;              /* tree back-end, else NULL */
	unsigned depth;              /* containers open */
	gboolean named;              /* a member name waits for its value */
	uint32_t n[COL_JSONW_DEPTH]; /* members or elements written, per
	                              * open container */
	gboolean object[COL_JSONW_DEPTH];
};

/* Start an empty document: text (tree FALSE) or tree. */
void col_jsonw_init(struct col_jsonw *w, gboolean tree);

/* Free what w holds (the text or the builder). */
void col_jsonw_clear(struct col_jsonw *w);

/*
 * Text back-end: the document's text, with nl a final newline; *len its
 * length (the NUL not counted).  The caller owns it (g_free()); w is
 * left empty.
 */
char *col_jsonw_steal_text(struct col_jsonw *w, gboolean nl, size_t *len);

/* Tree back-end: the document (json_node_unref()), NULL if empty. */
JsonNode *col_jsonw_steal_tree(struct col_jsonw *w);

void col_jsonw_begin_object(struct col_jsonw *w);
void col_jsonw_end_object(struct col_jsonw *w);
void col_jsonw_begin_array(struct col_jsonw *w);
void col_jsonw_end_array(struct col_jsonw *w);

/* The name of the next member of the open object. */
void col_jsonw_member(struct col_jsonw *w, const char *name);

/* Values.  A NULL string is null (json-glib's builder makes it so). */
void col_jsonw_int(struct col_jsonw *w, int64_t v);
void col_jsonw_double(struct col_jsonw *w, double v);
void col_jsonw_bool(struct col_jsonw *w, gboolean v);
void col_jsonw_null(struct col_jsonw *w);
void col_jsonw_string(struct col_jsonw *w, const char *s);

/*
 * Members, as collector/output/report_json.h's col_json_*() add them to a
 * JsonBuilder: key: v clamped to G_MAXINT64; key: s made valid UTF-8
 * (and U+001F made U+FFFD), NULL giving null; key: s as it is (text the
 * collector made), NULL giving null; key: time ms as
 * "YYYY-mm-ddTHH:MM:SSZ".
 */
void col_jsonw_uint(struct col_jsonw *w, const char *key, uint64_t v);
void col_jsonw_str(struct col_jsonw *w, const char *key, const char *s);
void col_jsonw_text(struct col_jsonw *w, const char *key, const char *s);
void col_jsonw_time(struct col_jsonw *w, const char *key, uint64_t ms);

/*
 * Write node (a json-glib tree) through w's calls: with the text
 * back-end, the text of a tree (collector/output/report_text.h).
 */
void col_jsonw_node(struct col_jsonw *w, JsonNode *node);

#endif
