/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-web"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <glib.h>
#include <microhttpd.h>

#include "collector/output/web.h"
#include "collector/output/web_auth.h"
#include "collector/output/web_hist.h"
#include "collector/output/web_http.h"
#include "collector/output/web_limits.h"
#include "collector/output/web_live.h"
#include "collector/output/web_stream.h"
#include "common/addr.h"
#include "common/error.h"

#define CONNECTION_TIMEOUT_S 30  /* an idle or stalled connection closes */
#define STACK_SIZE (256u << 10)  /* per connection thread */
#define MEMORY_LIMIT (64u << 10) /* per connection: headers, buffers */
#define BACKLOG 64
#define HIST_READERS 4 /* history connections at once */

struct listener {
	char *name; /* as configured */
	int fd;
	struct MHD_Daemon *d;
};

struct col_web {
	struct listener l[COL_WEB_MAX_LISTEN];
	size_t n;
	gboolean tls;
	char *cert_pem, *key_pem;
	char *files, *report_dir;
	uint32_t max_clients;
	struct col_web_auth *auth;
	struct col_web_hub *hub;
	struct col_web_live *live;
	struct col_web_hist *hist;
	struct col_web_http http;
};

/* --- configuration -------------------------------------------------------- */

static gboolean
is_loopback(const struct mf_addr *a)
{
	static const uint8_t one6[16] = { [15] = 1 };

	if (a->family == MF_AF_INET)
		return a->b[0] == 127;
	return memcmp(a->b, one6, sizeof(one6)) == 0;
}

/* One listen item: numeric address and port. */
static gboolean
parse_listen(const char *item, struct mf_addr *a, uint16_t *port,
    GError **error)
{
	g_autofree char *host = NULL;
	GError *e = NULL;

	if (!mf_hostport_parse(item, 0, &host, port, &e)) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[web] listen: '%s': %s", item, e->message);
		g_error_free(e);
		return FALSE;
	}
	if (*port == 0 || !mf_addr_parse(host, a)) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[web] listen: '%s' is not ADDRESS:PORT with a numeric "
		    "address",
		    item);
		return FALSE;
	}
	return TRUE;
}

static gboolean
set(const char *s)
{
	return s != NULL && s[0] != '\0';
}

gboolean
col_web_check_config(const struct col_web_config *cfg, GError **error)
{
	size_t i, n = cfg->listen != NULL ? g_strv_length(cfg->listen) : 0;
	gboolean open = FALSE;

	if (n > COL_WEB_MAX_LISTEN) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[web] listen: at most %u addresses", COL_WEB_MAX_LISTEN);
		return FALSE;
	}
	for (i = 0; i < n; i++) {
		struct mf_addr a;
		uint16_t port;

		if (!parse_listen(cfg->listen[i], &a, &port, error))
			return FALSE;
		open |= !is_loopback(&a);
	}
	if (set(cfg->certificate) != set(cfg->key)) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[web] certificate and key go together");
		return FALSE;
	}
	if (open && (!set(cfg->password_file) || !set(cfg->certificate))) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[web] listen: an address other than loopback needs "
		    "password-file, certificate and key");
		return FALSE;
	}
	return TRUE;
}

/* --- sockets ----------------------------------------------------------------
 */

/* A listening socket on a:port; -1 with errno. */
static int
bind_socket(const struct mf_addr *a, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1, saved;

	memset(&ss, 0, sizeof(ss));
	if (a->family == MF_AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, a->b, 4);
		len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, a->b, 16);
		len = sizeof(*s6);
	}
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
		    sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) != 0 ||
	    listen(fd, BACKLOG) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static void
bind_all(struct col_web *w, char **listen)
{
	size_t i;

	for (i = 0; listen != NULL && listen[i] != NULL; i++) {
		struct mf_addr a;
		uint16_t port;
		int fd;

		if (!parse_listen(listen[i], &a, &port, NULL))
			continue; /* col_web_check_config() said so */
		if ((fd = bind_socket(&a, port)) < 0) {
			g_message("web: %s: %s (the page is not served there)",
			    listen[i], g_strerror(errno));
			continue;
		}
		w->l[w->n].name = g_strdup(listen[i]);
		w->l[w->n].fd = fd;
		w->n++;
	}
}

/* --- set-up ------------------------------------------------------------------
 */

static gboolean
load_tls(struct col_web *w, const struct col_web_config *cfg, GError **error)
{
	if (!set(cfg->certificate))
		return TRUE;
	if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[web] certificate: libmicrohttpd was built without TLS");
		return FALSE;
	}
	if (!g_file_get_contents(cfg->certificate, &w->cert_pem, NULL, error) ||
	    !g_file_get_contents(cfg->key, &w->key_pem, NULL, error))
		return FALSE;
	w->tls = TRUE;
	return TRUE;
}

struct col_web *
col_web_new(const struct col_web_config *cfg, const char *report_dir,
    const char *history_db, GError **error)
{
	struct col_web *w;

	if (cfg->listen == NULL || cfg->listen[0] == NULL ||
	    !col_web_check_config(cfg, error))
		return NULL;
	w = g_new0(struct col_web, 1);
	w->files =
	    g_strdup(set(cfg->files) ? cfg->files : COL_WEB_FILES_DEFAULT);
	w->report_dir = g_strdup(report_dir);
	w->max_clients = (uint32_t)cfg->max_clients;
	if ((set(cfg->password_file) &&
	        (w->auth = col_web_auth_load(cfg->password_file, error)) ==
	            NULL) ||
	    !load_tls(w, cfg, error)) {
		col_web_free(w);
		return NULL;
	}
	w->hub = col_web_hub_new(w->max_clients, (size_t)cfg->stream_queue);
	w->live = col_web_live_new(w->hub, w->report_dir);
	w->http.api.live = w->live;
	w->http.api.report_dir = w->report_dir;
	if (history_db != NULL)
		w->hist = col_web_hist_new(history_db, HIST_READERS);
	w->http.api.hist = w->hist;
	w->http.limits =
	    col_web_limits_new(w->max_clients, (uint32_t)cfg->rate, NULL);
	w->http.hub = w->hub;
	w->http.auth = w->auth;
	w->http.files = w->files;
	g_mutex_init(&w->http.lock);
	bind_all(w, cfg->listen);
	return w;
}

/* --- running
 * ------------------------------------------------------------------- */

static enum MHD_Result
accept_policy(void *cls, const struct sockaddr *addr, socklen_t len)
{
	struct col_web *w = cls;

	(void)addr;
	(void)len;
	return col_web_limits_connect(w->http.limits) ? MHD_YES : MHD_NO;
}

static void
notify(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct col_web *w = cls;

	(void)conn;
	(void)socket_context;
	if (toe == MHD_CONNECTION_NOTIFY_CLOSED)
		col_web_limits_disconnect(w->http.limits);
}

/* libmicrohttpd's messages, at debug level only. */
static void mhd_log(void *cls, const char *fmt, va_list ap) G_GNUC_PRINTF(2, 0);

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);

	(void)cls;
	g_debug("libmicrohttpd: %s", g_strchomp(msg));
}

/*
 * Percent-decoding of paths and query arguments, in place, but for %00:
 * a NUL would cut the text ("/app.js%00" would read as "/app.js"), so it
 * stays as it is and matches nothing.
 */
static size_t
unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	char *w = s;
	const char *r = s;

	(void)cls;
	(void)conn;
	while (*r != '\0') {
		int hi, lo;

		if (r[0] == '%' && (hi = g_ascii_xdigit_value(r[1])) >= 0 &&
		    (lo = g_ascii_xdigit_value(r[2])) >= 0 && (hi | lo) != 0) {
			*w++ = (char)(hi << 4 | lo);
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

static struct MHD_Daemon *
start_one(struct col_web *w, int fd)
{
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
	    MHD_USE_ITC | MHD_USE_ERROR_LOG | (w->tls ? MHD_USE_TLS : 0);
	struct MHD_OptionItem tls[] = {
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, w->key_pem },
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, w->cert_pem },
		{ MHD_OPTION_END, 0, NULL },
	};

	return MHD_start_daemon(flags, 0, accept_policy, w, col_web_http_handle,
	    &w->http, MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)w->max_clients + 1, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)CONNECTION_TIMEOUT_S, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)MEMORY_LIMIT, MHD_OPTION_THREAD_STACK_SIZE,
	    (size_t)STACK_SIZE, MHD_OPTION_NOTIFY_CONNECTION, notify, w,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, w,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape, w, MHD_OPTION_ARRAY,
	    w->tls ? tls : &tls[2], MHD_OPTION_END);
}

gboolean
col_web_start(struct col_web *w, GError **error)
{
	size_t i;

	for (i = 0; w != NULL && i < w->n; i++) {
		if ((w->l[i].d = start_one(w, w->l[i].fd)) == NULL) {
			g_set_error(error, MF_ERROR, MF_ERROR_IO,
			    "web: %s: libmicrohttpd cannot serve it",
			    w->l[i].name);
			return FALSE;
		}
		g_message("web: serving %s%s", w->l[i].name,
		    w->tls ? " (TLS)" : "");
	}
	return TRUE;
}

void
col_web_free(struct col_web *w)
{
	size_t i;

	if (w == NULL)
		return;
	if (w->hub != NULL)
		col_web_hub_stop(w->hub);
	for (i = 0; i < w->n; i++) {
		if (w->l[i].d != NULL)
			MHD_stop_daemon(w->l[i].d); /* closes the socket */
		else
			close(w->l[i].fd);
		g_free(w->l[i].name);
	}
	col_web_limits_free(w->http.limits);
	if (w->hub != NULL)
		g_mutex_clear(&w->http.lock);
	col_web_live_free(w->live);
	col_web_hist_free(w->hist);
	col_web_hub_free(w->hub);
	col_web_auth_free(w->auth);
	if (w->key_pem != NULL)
		explicit_bzero(w->key_pem, strlen(w->key_pem));
	g_free(w->key_pem);
	g_free(w->cert_pem);
	g_free(w->files);
	g_free(w->report_dir);
	g_free(w);
}

struct col_consumer
col_web_consumer(struct col_web *w)
{
	return col_web_live_consumer(w->live);
}

void
col_web_set_geo(struct col_web *w, const struct col_geo *geo)
{
	col_web_live_set_geo(w->live, geo);
}

void
col_web_publish(struct col_web *w, struct col_exporters *x,
    const struct col_engine_stats *stats, uint64_t reports_failed)
{
	uint64_t mono = (uint64_t)g_get_monotonic_time() / 1000;
	uint64_t wall = (uint64_t)g_get_real_time() / 1000;
	const struct col_report_exporter *lines;
	g_autofree uint64_t *seen = NULL;
	size_t n, i;

	if (w == NULL)
		return;
	lines = col_exporters_report(x, &n);
	seen = g_new0(uint64_t, n + 1);
	for (i = 0; i < n; i++) {
		uint64_t t = col_exporters_last_seen(x, i);

		/* Monotonic to wall clock: now minus the time since. */
		if (t != 0 && t <= mono && mono - t < wall)
			seen[i] = wall - (mono - t);
	}
	col_web_live_publish(w->live, lines, seen, n, stats, reports_failed);
}

void
col_web_publish_listeners(struct col_web *w,
    const struct col_listen_udp_stats *u, size_t n)
{
	if (w != NULL)
		col_web_live_publish_listeners(w->live, u, n);
}
