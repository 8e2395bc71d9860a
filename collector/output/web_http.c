/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-web"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <unistd.h>

#include <glib.h>
#include <microhttpd.h>

#include "collector/output/web_api.h"
#include "collector/output/web_http.h"
#include "collector/output/web_metrics.h"
#include "collector/output/web_stream.h"
#include "common/addr.h"

#define API_PREFIX "/api/v1/"

const struct col_web_file col_web_files[] = {
	{ "/", "index.html", "text/html; charset=utf-8" },
	{ "/app.js", "app.js", "text/javascript; charset=utf-8" },
	{ "/app.css", "app.css", "text/css; charset=utf-8" },
	{ "/uplot.min.js", "uplot.min.js", "text/javascript; charset=utf-8" },
	{ "/uplot.min.css", "uplot.min.css", "text/css; charset=utf-8" },
	{ "/favicon.svg", "favicon.svg", "image/svg+xml" },
};
const size_t col_web_n_files = G_N_ELEMENTS(col_web_files);

static const char csp[] = "default-src 'self'; script-src 'self'; "
                          "style-src 'self'; img-src 'self' data:; "
                          "connect-src 'self'; frame-ancestors 'none'; "
                          "base-uri 'none'; form-action 'none'";

const struct col_web_file *
col_web_file_find(const char *path)
{
	size_t i;

	for (i = 0; i < col_web_n_files; i++)
		if (strcmp(path, col_web_files[i].path) == 0)
			return &col_web_files[i];
	return NULL;
}

static void
count(struct col_web_http *h, uint64_t *counter)
{
	g_mutex_lock(&h->lock);
	(*counter)++;
	g_mutex_unlock(&h->lock);
}

/* The headers of every answer. */
static void
add_headers(struct MHD_Response *r, const char *type, const char *cache)
{
	MHD_add_response_header(r, "Content-Security-Policy", csp);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", cache);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
}

static enum MHD_Result
queue(struct MHD_Connection *conn, unsigned status, struct MHD_Response *r)
{
	enum MHD_Result ret;

	if (r == NULL)
		return MHD_NO;
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static struct MHD_Response *
bytes_response(GBytes *body, const char *type, const char *cache)
{
	gsize len;
	const void *data = g_bytes_get_data(body, &len);
	struct MHD_Response *r = MHD_create_response_from_buffer(len,
	    (void *)(uintptr_t)data, MHD_RESPMEM_MUST_COPY);

	g_bytes_unref(body);
	if (r != NULL)
		add_headers(r, type, cache);
	return r;
}

/* A JSON answer of the API (no-store: always the current state). */
static enum MHD_Result
send_json(struct MHD_Connection *conn, unsigned status, GBytes *body)
{
	return queue(conn, status,
	    bytes_response(body, "application/json", "no-store"));
}

static enum MHD_Result
send_api_error(struct MHD_Connection *conn, unsigned status, const char *msg)
{
	return send_json(conn, status, col_web_api_error(msg));
}

/* A plain text answer (outside the API). */
static enum MHD_Result
send_text(struct MHD_Connection *conn, unsigned status, const char *text)
{
	GBytes *b = g_bytes_new_static(text, strlen(text));

	return queue(conn, status,
	    bytes_response(b, "text/plain; charset=utf-8", "no-store"));
}

/* An error, as JSON under /api/v1 and as text elsewhere. */
static enum MHD_Result
send_error(struct MHD_Connection *conn, const char *url, unsigned status,
    const char *msg)
{
	if (g_str_has_prefix(url, "/api/"))
		return send_api_error(conn, status, msg);
	return send_text(conn, status, msg);
}

/* --- the page's files ----------------------------------------------------- */

static enum MHD_Result
send_file(struct col_web_http *h, struct MHD_Connection *conn,
    const struct col_web_file *f)
{
	g_autofree char *path = g_build_filename(h->files, f->name, NULL);
	struct MHD_Response *r;
	struct stat st;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		count(h, &h->counters.not_found);
		return send_text(conn, 404, "not found\n");
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > COL_WEB_MAX_FILE) {
		close(fd);
		count(h, &h->counters.not_found);
		return send_text(conn, 404, "not found\n");
	}
	if ((r = MHD_create_response_from_fd((size_t)st.st_size, fd)) == NULL) {
		close(fd);
		return MHD_NO;
	}
	add_headers(r, f->type, "no-cache");
	return queue(conn, 200, r);
}

/* --- /metrics ----------------------------------------------------------------
 */

static enum MHD_Result
send_metrics(struct col_web_http *h, struct MHD_Connection *conn)
{
	struct col_web_snapshot s;
	struct col_web_limits_stats ls;
	struct col_web_hub_stats hs;
	struct col_web_counters wc;
	GString *out = g_string_sized_new(8192);

	col_web_live_snapshot(h->api.live, &s);
	col_web_limits_get_stats(h->limits, &ls);
	col_web_hub_get_stats(h->hub, &hs);
	g_mutex_lock(&h->lock);
	wc = h->counters;
	g_mutex_unlock(&h->lock);
	col_web_metrics_format(&s, &ls, &hs, &wc, out);
	col_web_snapshot_clear(&s);
	return queue(conn, 200,
	    bytes_response(g_string_free_to_bytes(out),
	        "text/plain; version=0.0.4; charset=utf-8", "no-store"));
}

/* --- /api/v1/stream ----------------------------------------------------------
 */

struct stream {
	struct col_web_hub *hub;
	struct col_web_client *client;
	GString *out;
	size_t off;
};

static ssize_t
stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	size_t n;

	(void)pos;
	while (s->off == s->out->len) {
		g_string_truncate(s->out, 0);
		s->off = 0;
		switch (col_web_hub_read(s->hub, s->client,
		    COL_WEB_KEEPALIVE_US, s->out)) {
		case COL_WEB_READ_STOPPED:
			return MHD_CONTENT_READER_END_OF_STREAM;
		case COL_WEB_READ_TIMEOUT:
			g_string_append(s->out, ": keep-alive\n\n");
			break;
		case COL_WEB_READ_EVENTS:
			break;
		}
	}
	n = MIN(max, s->out->len - s->off);
	memcpy(buf, s->out->str + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

static void
stream_free(void *cls)
{
	struct stream *s = cls;

	col_web_hub_leave(s->hub, s->client);
	g_string_free(s->out, TRUE);
	g_free(s);
}

/* A small send buffer bounds what a stalled reader holds in the kernel. */
static void
small_sndbuf(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	int size = COL_WEB_STREAM_SNDBUF;

	if (ci != NULL)
		(void)setsockopt(ci->connect_fd, SOL_SOCKET, SO_SNDBUF, &size,
		    sizeof(size));
}

/*
 * The stream's thread (a thread per connection, which ends with it)
 * yields the CPU to ingest: formatting events for a fast reader costs
 * about 2 us each, and on a small router ingest must come first.
 */
static void
lower_priority(void)
{
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), COL_WEB_STREAM_NICE);
}

static enum MHD_Result
send_stream(struct col_web_http *h, struct MHD_Connection *conn)
{
	struct col_web_client *c = col_web_hub_join(h->hub);
	struct MHD_Response *r;
	struct stream *s;

	if (c == NULL)
		return send_api_error(conn, 429, "too many stream clients");
	s = g_new0(struct stream, 1);
	s->hub = h->hub;
	s->client = c;
	/* A first comment: the client knows it is in before any event. */
	s->out = g_string_new(": minflow stream\n\n");
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384,
	    stream_read, s, stream_free);
	if (r == NULL) {
		stream_free(s);
		return MHD_NO;
	}
	add_headers(r, "text/event-stream", "no-store");
	small_sndbuf(conn);
	lower_priority();
	return queue(conn, 200, r);
}

/* --- the API
 * ------------------------------------------------------------------- */

struct args {
	GHashTable *t;
	gboolean bad; /* too many, or a name twice */
};

static enum MHD_Result
take_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct args *a = cls;

	(void)kind;
	if (g_hash_table_size(a->t) >= COL_WEB_MAX_ARGS ||
	    g_hash_table_contains(a->t, key)) {
		a->bad = TRUE;
		return MHD_NO;
	}
	g_hash_table_insert(a->t, g_strdup(key), g_strdup(value ? value : ""));
	return MHD_YES;
}

static enum MHD_Result
send_api(struct col_web_http *h, struct MHD_Connection *conn, const char *url)
{
	struct args a = { g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		              g_free),
		FALSE };
	struct col_web_answer ans;

	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, take_arg, &a);
	if (a.bad) {
		g_hash_table_destroy(a.t);
		return send_api_error(conn, 400,
		    "too many or repeated query parameters");
	}
	col_web_api_answer(&h->api, url + strlen(API_PREFIX), a.t,
	    (uint64_t)g_get_real_time() / 1000, &ans);
	g_hash_table_destroy(a.t);
	if (ans.status == 404)
		count(h, &h->counters.not_found);
	return send_json(conn, ans.status, ans.body);
}

/* --- the handler -------------------------------------------------------------
 */

static void
client_addr(struct MHD_Connection *conn, struct mf_addr *a)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;

	memset(a, 0, sizeof(*a));
	if (sa != NULL && sa->sa_family == AF_INET)
		mf_addr_set4(a,
		    (const uint8_t *)&(
		        (const struct sockaddr_in *)(const void *)sa)
		        ->sin_addr);
	else if (sa != NULL && sa->sa_family == AF_INET6)
		mf_addr_set6(a,
		    ((const struct sockaddr_in6 *)(const void *)sa)
		        ->sin6_addr.s6_addr);
}

/* Basic credentials against the password file; TRUE if good. */
static gboolean
authorised(struct col_web_http *h, struct MHD_Connection *conn)
{
	char *pass = NULL, *user;
	gboolean ok;

	if (h->auth == NULL)
		return TRUE;
	user = MHD_basic_auth_get_username_password(conn, &pass);
	ok = col_web_auth_check(h->auth, user, pass);
	if (pass != NULL) {
		explicit_bzero(pass, strlen(pass));
		MHD_free(pass);
	}
	if (user != NULL)
		MHD_free(user);
	return ok;
}

static enum MHD_Result
send_unauthorised(struct col_web_http *h, struct MHD_Connection *conn)
{
	static const char msg[] = "credentials needed\n";
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(sizeof(msg) - 1,
	        (void *)(uintptr_t)msg, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	count(h, &h->counters.auth_failures);
	if (r == NULL)
		return MHD_NO;
	add_headers(r, "text/plain; charset=utf-8", "no-store");
	ret = MHD_queue_basic_auth_fail_response(conn, "minflow", r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
send_bad_method(struct col_web_http *h, struct MHD_Connection *conn,
    const char *url)
{
	struct MHD_Response *r;
	GBytes *b;

	count(h, &h->counters.bad_method);
	b = g_str_has_prefix(url, "/api/")
	    ? col_web_api_error("method not allowed: GET or HEAD only")
	    : g_bytes_new_static("GET or HEAD only\n", 17);
	r = bytes_response(b,
	    g_str_has_prefix(url, "/api/") ? "application/json"
	                                   : "text/plain; charset=utf-8",
	    "no-store");
	if (r != NULL)
		MHD_add_response_header(r, "Allow", "GET, HEAD");
	return queue(conn, 405, r);
}

static enum MHD_Result
route(struct col_web_http *h, struct MHD_Connection *conn, const char *url)
{
	const struct col_web_file *f;

	if (strcmp(url, "/metrics") == 0)
		return send_metrics(h, conn);
	if (strcmp(url, API_PREFIX "stream") == 0)
		return send_stream(h, conn);
	if (g_str_has_prefix(url, API_PREFIX))
		return send_api(h, conn, url);
	if ((f = col_web_file_find(url)) != NULL)
		return send_file(h, conn, f);
	count(h, &h->counters.not_found);
	return send_error(conn, url, 404,
	    g_str_has_prefix(url, "/api/") ? "no such endpoint"
	                                   : "not found\n");
}

enum MHD_Result
col_web_http_handle(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct col_web_http *h = cls;
	struct mf_addr a;

	(void)version;
	(void)upload_data;
	if (*con_cls != NULL) {
		/* A body after the answer was queued: ignore it. */
		*upload_data_size = 0;
		return MHD_YES;
	}
	*con_cls = h;
	client_addr(conn, &a);
	if (!col_web_limits_request(h->limits, &a, g_get_monotonic_time())) {
		struct MHD_Response *r =
		    bytes_response(g_str_has_prefix(url, "/api/")
		            ? col_web_api_error("too many requests")
		            : g_bytes_new_static("too many requests\n", 18),
		        g_str_has_prefix(url, "/api/")
		            ? "application/json"
		            : "text/plain; charset=utf-8",
		        "no-store");

		if (r != NULL)
			MHD_add_response_header(r, "Retry-After", "1");
		return queue(conn, 429, r);
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return send_bad_method(h, conn, url);
	if (!authorised(h, conn))
		return send_unauthorised(h, conn);
	return route(h, conn, url);
}
