/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "rep-load"

#include <errno.h>
#include <sys/stat.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "common/error.h"
#include "report/jget.h"
#include "report/load.h"

char *
rep_load_path(const char *arg, GError **error)
{
	char *path;
	GStatBuf st;
	int saved;

	if (g_stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		path = g_build_filename(arg, REP_LATEST, NULL);
	else
		path = g_strdup(arg);
	if (g_stat(path, &st) != 0) {
		saved = errno;
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "%s: %s", path,
		    g_strerror(saved));
	} else if (!S_ISREG(st.st_mode)) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "%s: not a regular file", path);
	} else if (st.st_size > REP_MAX_FILE_SIZE) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "%s: too large for a report", path);
	} else {
		return path;
	}
	g_free(path);
	return NULL;
}

/*
 * It follows json-glib's scanner: "strings" with escapes, 'strings'
 * without, comments.
 */
gboolean
rep_load_depth_ok(const char *s, gsize len)
{
	enum { CODE, DQ, DQ_ESC, SQ, COMMENT } st = CODE;
	unsigned depth = 0;
	gsize i;

	for (i = 0; i < len; i++) {
		char c = s[i], next = i + 1 < len ? s[i + 1] : '\0';

		if (st == DQ_ESC) {
			st = DQ;
		} else if (st == DQ) {
			st = c == '\\' ? DQ_ESC : c == '"' ? CODE : DQ;
		} else if (st == SQ) {
			st = c == '\'' ? CODE : SQ;
		} else if (st == COMMENT) {
			if (c == '*' && next == '/') {
				st = CODE;
				i++;
			}
		} else if (c == '"') {
			st = DQ;
		} else if (c == '\'') {
			st = SQ;
		} else if (c == '/' && next == '*') {
			st = COMMENT;
			i++;
		} else if (c == '[' || c == '{') {
			if (++depth > REP_MAX_DEPTH)
				return FALSE;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return TRUE;
}

gboolean
rep_load_parse(JsonParser *p, const char *path, const char *data, gsize len,
    GError **error)
{
	GError *err = NULL;
	JsonNode *root;
	guint64 format = 0;

	if (!rep_load_depth_ok(data, len)) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "%s: malformed JSON: nested deeper than %d", path,
		    REP_MAX_DEPTH);
		return FALSE;
	}
	if (!json_parser_load_from_data(p, data, (gssize)len, &err)) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "%s: malformed JSON: %s", path, err->message);
		g_error_free(err);
		return FALSE;
	}
	root = json_parser_get_root(p);
	if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root)) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "%s: not a minflow report (no JSON object)", path);
		return FALSE;
	}
	if (!rep_jget_uint(json_node_get_object(root), "format",
	        REP_JGET_REQUIRED, &format, NULL) ||
	    format != REP_FORMAT) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "%s: not a minflow report of format %d", path, REP_FORMAT);
		return FALSE;
	}
	return TRUE;
}

gboolean
rep_load_file(JsonParser *p, const char *path, char **data, gsize *len,
    GError **error)
{
	GError *err = NULL;

	if (!g_file_get_contents(path, data, len, &err)) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "%s", err->message);
		g_error_free(err);
		return FALSE;
	}
	return rep_load_parse(p, path, *data, *len, error);
}
