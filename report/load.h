/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef REP_LOAD_H
#define REP_LOAD_H

/*
 * load: find and read a report of minflow-collector for minflow-report.
 * The file is untrusted: it must be a regular file of at most
 * REP_MAX_FILE_SIZE bytes, nested at most REP_MAX_DEPTH deep (checked
 * before json-glib parses it: json-glib 1.6 recurses without a limit), and
 * hold a JSON object whose "format" is REP_FORMAT.
 */
#include <glib.h>
#include <json-glib/json-glib.h>

#define REP_LATEST "latest.json"
#define REP_FORMAT 1
#define REP_MAX_FILE_SIZE (256 * 1024 * 1024) /* far above any report */
#define REP_MAX_DEPTH 64                      /* reports go 5 deep */

/*
 * The file to show: arg itself, or arg/latest.json if arg is a directory;
 * NULL (error set) if it is not a regular file of a report's size.  Free
 * with g_free().
 */
char *rep_load_path(const char *arg, GError **error);

/* FALSE if the len bytes of s nest arrays and objects deeper than
 * REP_MAX_DEPTH (json-glib's lexical rules: strings, comments). */
gboolean rep_load_depth_ok(const char *s, gsize len);

/*
 * Parse the len bytes of data (named path in messages) into p; TRUE if
 * they are a report of format REP_FORMAT, whose root object p then holds.
 */
gboolean rep_load_parse(JsonParser *p, const char *path, const char *data,
    gsize len, GError **error);

/* Read path into *data (*len bytes; free with g_free()) and parse it. */
gboolean rep_load_file(JsonParser *p, const char *path, char **data, gsize *len,
    GError **error);

#endif
