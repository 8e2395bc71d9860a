/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_REPORT_TEXT_H
#define COL_REPORT_TEXT_H

/*
 * report_text: a JSON document as text, byte for byte what json-glib
 * 1.6's JsonGenerator writes with pretty printing, an indent of 2 and ' '
 * (the format of every report file and of latest.json since the first
 * one), without its costs: json-glib formats each integer with
 * g_string_append_printf() and indents one character at a time, about a
 * tenth of the collector's instructions on a capture with one report per
 * 1,500 records.  The text is written by collector/output/jsonw.h's
 * text back-end, as the report is made or from a tree.  The rules it
 * follows (tests/unit/test_report_text.c checks them against json-glib's
 * own generator):
 *
 * - an object or array with members opens with "{\n" or "[\n", writes
 *   each member on its own line indented 2 spaces a level deeper, a
 *   comma after every member but the last, then the closing bracket
 *   at the level's indent; an empty array is "[]", an empty object "{"
 *   and "}" around the level's indent ("{  }" one level down);
 * - a member is "name" : value (a space either side of the colon);
 * - integers in decimal; doubles as g_ascii_dtostr() writes them, with
 *   ".0" appended when that shows no '.', even after an exponent
 *   ("1e+21.0": not JSON, but what the files have always held);
 *   booleans and null as such;
 * - strings between quotes with '\\' and '"' escaped by a backslash,
 *   \b \f \n \r \t for those, \u00XX for the other bytes 0x01..0x1e and
 *   0x7f, every other byte (0x1f and UTF-8 included) as it is.
 */
#include <glib.h>
#include <json-glib/json-glib.h>

/*
 * Append the text of node (NULL writes nothing) to out, at level 0;
 * node nests at most COL_JSONW_DEPTH deep (a report's tree does).
 */
void col_report_text_append(GString *out, JsonNode *node);

#endif
