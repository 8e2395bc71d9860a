/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_WEB_HTTP_H
#define COL_WEB_HTTP_H

/*
 * web_http: one HTTP request, as libmicrohttpd hands it to the server's
 * access handler (col_web_http_handle(), on the thread of its
 * connection).  In order: the method (GET and HEAD, else 405 with
 * Allow), the address's request rate (429 with Retry-After), the
 * credentials when a password file is set (401), then the path: /metrics,
 * /api/v1/stream, /api/v1/... (web_api.h), or one of the page's files from
 * a fixed list (COL_WEB_FILES) read from the files directory; anything
 * else 404.  The request's path never names a file: it is only compared
 * with the list.  Every answer carries the security headers
 * (Content-Security-Policy, X-Content-Type-Options, X-Frame-Options,
 * Referrer-Policy) and a Cache-Control.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <microhttpd.h>

#include "collector/output/web_api.h"
#include "collector/output/web_auth.h"
#include "collector/output/web_limits.h"
#include "collector/output/web_metrics.h"
#include "collector/output/web_stream.h"

#define COL_WEB_MAX_FILE (8u << 20)                /* bytes of one page file */
#define COL_WEB_KEEPALIVE_US (15 * G_USEC_PER_SEC) /* stream comment */
#define COL_WEB_STREAM_SNDBUF 65536 /* socket send buffer of a stream */
#define COL_WEB_STREAM_NICE 10      /* a stream's thread yields to ingest */

/* The server's state every request reads (the server owns it). */
struct col_web_http {
	struct col_web_api api;
	struct col_web_limits *limits;
	struct col_web_hub *hub;
	const struct col_web_auth *auth; /* NULL: no credentials asked */
	const char *files;               /* the page's directory */
	GMutex lock;                     /* for counters */
	struct col_web_counters counters;
};

/* The page's files: request path, file name, media type. */
struct col_web_file {
	const char *path, *name, *type;
};
extern const struct col_web_file col_web_files[];
extern const size_t col_web_n_files;

/* The file of a request path, or NULL: only the fixed list. */
const struct col_web_file *col_web_file_find(const char *path);

/* libmicrohttpd's access handler; cls is a struct col_web_http. */
enum MHD_Result col_web_http_handle(void *cls, struct MHD_Connection *conn,
    const char *url, const char *method, const char *version,
    const char *upload_data, size_t *upload_data_size, void **con_cls);

#endif
