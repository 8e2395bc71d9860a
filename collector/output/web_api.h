/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_WEB_API_H
#define COL_WEB_API_H

/*
 * web_api: the JSON answers under /api/v1 (minflow-web(7)), without
 * HTTP: a path and its query arguments in, a status and a body out, so
 * that the handlers are tested without a server.  Every body is
 * {"api": 1, "data": ...} or, with 400, 404, 405 or 500,
 * {"api": 1, "error": "message"}.  Query arguments are distrusted:
 * unknown or repeated names, times that are not strict ISO 8601 and steps
 * other than 1, 60, 3600 or 86400 get 400 with a message.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/output/web_live.h"

struct col_web_hist; /* web_hist.h */

#define COL_WEB_MAX_REPORTS 60 /* reports in one /api/v1/reports answer */
#define COL_WEB_MAX_ARGS 16    /* query arguments in one request */

/* What the handlers read (all borrowed). */
struct col_web_api {
	struct col_web_live *live;
	const char *report_dir;
	struct col_web_hist *hist; /* web_hist.h; NULL: no history */
};

struct col_web_answer {
	unsigned status; /* 200, 400, 404, 500 */
	GBytes *body;    /* owned by the caller */
};

/*
 * Parse a strict ISO 8601 time: YYYY-MM-DDTHH:MM:SS, an optional
 * fraction of 1 to 9 digits (milliseconds kept), then Z or +HH:MM /
 * -HH:MM; years 1970..9999.  FALSE (error says why) otherwise.
 */
gboolean col_web_parse_time(const char *s, uint64_t *ms, GError **error);

/* A range from the arguments "from", "to" and, if step_ok, "step". */
struct col_web_range {
	uint64_t from_ms, to_ms;
	gboolean has_from, has_to;
	uint32_t step; /* 0: not given */
};

/*
 * The arguments args (name -> value; names may only be those in allowed,
 * a NULL-terminated list) as a range; to before from is an error.  FALSE
 * (MF_ERROR_INVAL, message for the 400 answer) on a bad argument.
 */
gboolean col_web_parse_range(GHashTable *args, const char *const *allowed,
    struct col_web_range *r, GError **error);

/* {"api": 1, "data": DATA}\n with data's JSON (consumed). */
GBytes *col_web_api_data(JsonNode *data);

/* The same around a document's text (latest.json), its final newline cut. */
GBytes *col_web_api_data_text(const char *text, size_t len);

/* {"api": 1, "error": "MSG"}\n */
GBytes *col_web_api_error(const char *msg);

/*
 * The answer to GET path (below /api/v1/, the prefix cut: "latest",
 * "devices/ID", ...; the stream is the server's) with args at wall-clock
 * time now_ms.
 */
void col_web_api_answer(const struct col_web_api *api, const char *path,
    GHashTable *args, uint64_t now_ms, struct col_web_answer *out);

#endif
