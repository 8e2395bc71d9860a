/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-alerts"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/output/alert_sinks.h"
#include "common/addr.h"
#include "common/error.h"
#include "common/fsafe.h"

/* What a stopping sink may still take to deliver what it holds. */
#define STOP_GRACE_US (15 * G_USEC_PER_SEC)

static const char *const kind_names[] = { "file", "idea", "syslog", "webhook",
	"command" };

struct col_sink {
	struct col_sink_config cfg;
	char *target;
	GThread *thread;
	GMutex lock;
	GCond more;
	char **ring; /* queued JSON texts */
	size_t head, n;
	gboolean stop;
	int64_t deadline_us; /* after stop: when what is left is given up */
	int64_t hour_start_us;
	uint64_t in_hour;
	struct col_sink_stats st;
	int fd; /* syslog socket */
	struct sockaddr_storage to;
	socklen_t to_len;
};

/* --- formats -------------------------------------------------------------- */

static const char *
member_str(JsonObject *o, const char *k)
{
	JsonNode *n;

	if (o == NULL || !json_object_has_member(o, k) ||
	    (n = json_object_get_member(o, k)) == NULL ||
	    json_node_get_value_type(n) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(n);
}

static JsonObject *
member_obj(JsonObject *o, const char *k)
{
	JsonNode *n;

	if (o == NULL || !json_object_has_member(o, k) ||
	    (n = json_object_get_member(o, k)) == NULL ||
	    !JSON_NODE_HOLDS_OBJECT(n))
		return NULL;
	return json_node_get_object(n);
}

static char *
to_text(JsonNode *n)
{
	return json_to_string(n, FALSE);
}

/* IDEA categories (https://idea.cesnet.cz) of an alert. */
static const char *
idea_category(const char *type, const char *what)
{
	if (g_strcmp0(type, "anomaly") == 0 && what != NULL) {
		if (strstr(what, "scan") != NULL)
			return "Recon.Scanning";
		if (strstr(what, "brute") != NULL)
			return "Attempt.Login";
		if (strstr(what, "flood") != NULL ||
		    strstr(what, "amplification") != NULL)
			return "Availability.DoS";
		return "Anomaly.Traffic";
	}
	if (g_strcmp0(type, "blocklist") == 0)
		return "Anomaly.Connection";
	if (g_strcmp0(type, "quota") == 0)
		return "Anomaly.Usage";
	return "Other";
}

/* {"IP4": [a]} or {"IP6": [a]} (plus "Hostname"), into the open array. */
static void
idea_party(JsonBuilder *b, const char *addr, const char *hostname,
    JsonArray *more)
{
	struct mf_addr a;
	guint i;

	json_builder_begin_object(b);
	if (addr != NULL && mf_addr_parse(addr, &a)) {
		json_builder_set_member_name(b,
		    a.family == MF_AF_INET ? "IP4" : "IP6");
		json_builder_begin_array(b);
		json_builder_add_string_value(b, addr);
		json_builder_end_array(b);
	}
	for (i = 0; more != NULL && i < json_array_get_length(more); i++) {
		const char *m = json_array_get_string_element(more, i);

		if (m != NULL && g_strcmp0(m, addr) != 0 &&
		    mf_addr_parse(m, &a)) {
			json_builder_set_member_name(b,
			    a.family == MF_AF_INET ? "IP4" : "IP6");
			json_builder_begin_array(b);
			json_builder_add_string_value(b, m);
			json_builder_end_array(b);
			break; /* one per family is what IDEA readers expect */
		}
	}
	if (hostname != NULL) {
		json_builder_set_member_name(b, "Hostname");
		json_builder_begin_array(b);
		json_builder_add_string_value(b, hostname);
		json_builder_end_array(b);
	}
	json_builder_end_object(b);
}

char *
col_sink_format_idea(JsonNode *alert, const char *create_time)
{
	JsonObject *o = json_node_get_object(alert);
	JsonObject *dev = member_obj(o, "device"),
	           *rem = member_obj(o, "remote");
	const char *type = member_str(o, "type");
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;
	JsonArray *addrs = NULL;
	const char *first = NULL;

	if (dev != NULL && json_object_has_member(dev, "addresses")) {
		addrs = json_object_get_array_member(dev, "addresses");
		if (json_array_get_length(addrs) > 0)
			first = json_array_get_string_element(addrs, 0);
	}
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "Format");
	json_builder_add_string_value(b, "IDEA0");
	json_builder_set_member_name(b, "ID");
	json_builder_add_string_value(b, member_str(o, "id"));
	json_builder_set_member_name(b, "DetectTime");
	json_builder_add_string_value(b, member_str(o, "time"));
	json_builder_set_member_name(b, "CreateTime");
	json_builder_add_string_value(b, create_time);
	json_builder_set_member_name(b, "Category");
	json_builder_begin_array(b);
	json_builder_add_string_value(b,
	    idea_category(type, member_str(o, "what")));
	json_builder_end_array(b);
	json_builder_set_member_name(b, "Description");
	json_builder_add_string_value(b, type);
	json_builder_set_member_name(b, "Note");
	json_builder_add_string_value(b, member_str(o, "text"));
	if (dev != NULL) {
		json_builder_set_member_name(b, "Source");
		json_builder_begin_array(b);
		idea_party(b, first, member_str(dev, "name"), addrs);
		json_builder_end_array(b);
	}
	if (rem != NULL) {
		json_builder_set_member_name(b, "Target");
		json_builder_begin_array(b);
		idea_party(b, member_str(rem, "address"),
		    member_str(rem, "name"), NULL);
		json_builder_end_array(b);
	}
	json_builder_set_member_name(b, "Node");
	json_builder_begin_array(b);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "Name");
	json_builder_add_string_value(b, "minflow-collector");
	json_builder_set_member_name(b, "Type");
	json_builder_begin_array(b);
	json_builder_add_string_value(b, "Flow");
	json_builder_add_string_value(b, "Statistical");
	json_builder_end_array(b);
	json_builder_end_object(b);
	json_builder_end_array(b);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	return to_text(root);
}

char *
col_sink_format_syslog(JsonNode *alert, const char *hostname, long pid)
{
	JsonObject *o = json_node_get_object(alert);
	g_autofree char *json = to_text(alert);

	/* PRI 28: facility daemon (3) * 8 + severity warning (4). */
	return g_strdup_printf("<28>1 %s %s minflow-collector %ld ALERT - %s",
	    member_str(o, "time") ? member_str(o, "time") : "-",
	    hostname[0] ? hostname : "-", pid, json);
}

/* VAR=the string member of o ("" when absent) into b. */
static void
env_add(GPtrArray *b, const char *var, JsonObject *o, const char *member)
{
	const char *v = member_str(o, member);

	g_ptr_array_add(b, g_strdup_printf("%s=%s", var, v ? v : ""));
}

char **
col_sink_format_env(JsonNode *alert)
{
	JsonObject *o = json_node_get_object(alert);
	JsonObject *dev = member_obj(o, "device"),
	           *rem = member_obj(o, "remote");
	g_autofree char *json = to_text(alert);
	GPtrArray *b = g_ptr_array_new();

	g_ptr_array_add(b, g_strdup("PATH=/usr/local/bin:/usr/bin:/bin"));
	g_ptr_array_add(b, g_strdup_printf("MINFLOW_ALERT=%s", json));
	env_add(b, "MINFLOW_ALERT_TYPE", o, "type");
	env_add(b, "MINFLOW_ALERT_TEXT", o, "text");
	env_add(b, "MINFLOW_ALERT_DEVICE", dev, "id");
	env_add(b, "MINFLOW_ALERT_REMOTE", rem,
	    member_str(rem, "address") ? "address" : "name");
	env_add(b, "MINFLOW_ALERT_REMOTE_ADDRESS", rem, "address");
	env_add(b, "MINFLOW_ALERT_REMOTE_NAME", rem, "name");
	env_add(b, "MINFLOW_ALERT_REMOTE_COUNTRY", rem, "country");
	g_ptr_array_add(b, NULL);
	return (char **)g_ptr_array_free(b, FALSE);
}

char **
col_sink_format_ntfy(JsonNode *alert, char **body)
{
	JsonObject *o = json_node_get_object(alert);
	const char *type = member_str(o, "type") ? member_str(o, "type") : "";
	gboolean urgent =
	    strcmp(type, "anomaly") == 0 || strcmp(type, "blocklist") == 0;
	char **h = g_new0(char *, 5);

	h[0] = g_strdup_printf("Title: minflow: %s%s%s", type,
	    member_str(o, "what") ? " " : "",
	    member_str(o, "what") ? member_str(o, "what") : "");
	h[1] = g_strdup_printf("Priority: %s", urgent ? "high" : "default");
	h[2] = g_strdup_printf("Tags: %s,%s",
	    urgent ? "warning" : "information_source", type);
	h[3] = g_strdup("Content-Type: text/plain; charset=utf-8");
	*body = g_strdup(member_str(o, "text") ? member_str(o, "text") : "");
	return h;
}

/* --- sending -------------------------------------------------------------- */

/* FILE -> FILE.1 -> ... -> FILE.keep (the last one removed). */
static void
rotate(const struct col_sink *s)
{
	uint64_t k;

	for (k = s->cfg.keep; k > 0; k--) {
		g_autofree char *to =
		    g_strdup_printf("%s.%" G_GUINT64_FORMAT, s->target, k);
		g_autofree char *from = k == 1
		    ? g_strdup(s->target)
		    : g_strdup_printf("%s.%" G_GUINT64_FORMAT, s->target,
		          k - 1);

		(void)rename(from, to);
	}
	if (s->cfg.keep == 0)
		(void)unlink(s->target);
}

/*
 * Append line to the sink's file.  A symlink at its path is refused
 * (O_NOFOLLOW): someone who can write to the directory must not make a
 * collector running as root append where the link points.  The file is
 * 0640 whatever the umask (fchmod; an existing file owned by someone else
 * keeps its mode).  lstat(): a symlink is not rotated by its target's
 * size either.
 */
static gboolean
send_line(struct col_sink *s, const char *line)
{
	g_autofree char *text = g_strconcat(line, "\n", NULL);
	size_t len = strlen(text), off = 0;
	struct stat st;
	ssize_t n;
	int fd, e = 0;

	if (lstat(s->target, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size + len > s->cfg.max_size)
		rotate(s);
	fd = open(s->target,
	    O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    MF_FSAFE_FILE_MODE);
	if (fd < 0) {
		e = errno;
		g_warning("alerts: %s: %s", s->target,
		    e == ELOOP ? "is a symlink: not written to"
		               : g_strerror(e));
		return FALSE;
	}
	if (fchmod(fd, MF_FSAFE_FILE_MODE) != 0 && errno != EPERM)
		e = errno;
	while (e == 0 && off < len) {
		if ((n = write(fd, text + off, len - off)) < 0) {
			if (errno != EINTR)
				e = errno;
			continue;
		}
		off += (size_t)n;
	}
	if (close(fd) != 0 && e == 0)
		e = errno;
	if (e != 0)
		g_warning("alerts: %s: %s", s->target, g_strerror(e));
	return e == 0;
}

static gboolean
send_syslog(struct col_sink *s, JsonNode *alert)
{
	g_autofree char *msg =
	    col_sink_format_syslog(alert, g_get_host_name(), (long)getpid());

	return sendto(s->fd, msg, strlen(msg), 0,
	           (const struct sockaddr *)&s->to, s->to_len) >= 0;
}

static size_t
discard(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return size * n;
}

static gboolean
post_once(struct col_sink *s, JsonNode *alert, const char *json)
{
	struct curl_slist *h = NULL;
	g_autofree char *text = NULL;
	CURL *c = curl_easy_init();
	long code = 0;
	CURLcode rc;
	char **hdr;
	size_t i;

	if (c == NULL)
		return FALSE;
	if (s->cfg.ntfy) {
		hdr = col_sink_format_ntfy(alert, &text);
		for (i = 0; hdr[i] != NULL; i++)
			h = curl_slist_append(h, hdr[i]);
		g_strfreev(hdr);
	} else {
		h = curl_slist_append(h, "Content-Type: application/json");
	}
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, s->cfg.ntfy ? text : json);
	curl_easy_setopt(c, CURLOPT_URL, s->target);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "minflow-collector");
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return rc == CURLE_OK && code >= 200 && code < 300;
}

/*
 * Sleep ms, cut short at the stop deadline; TRUE if that deadline passed
 * (the alerts still queued then are given up).
 */
static gboolean
nap(struct col_sink *s, int64_t ms)
{
	int64_t until = g_get_monotonic_time() + ms * 1000;
	gboolean late;

	g_mutex_lock(&s->lock);
	if (s->stop)
		until = MIN(until, s->deadline_us);
	while (g_cond_wait_until(&s->more, &s->lock, until) &&
	    g_get_monotonic_time() < until)
		if (s->stop)
			until = MIN(until, s->deadline_us);
	late = s->stop && g_get_monotonic_time() >= s->deadline_us;
	g_mutex_unlock(&s->lock);
	return late;
}

static gboolean
send_webhook(struct col_sink *s, JsonNode *alert, const char *json)
{
	uint64_t i;

	for (i = 0; i <= s->cfg.retries; i++) {
		if (post_once(s, alert, json))
			return TRUE;
		if (i < s->cfg.retries && nap(s, (int64_t)1000 << MIN(i, 6)))
			break;
	}
	return FALSE;
}

static gboolean
send_command(struct col_sink *s, JsonNode *alert)
{
	char **env = col_sink_format_env(alert);
	char *argv[2] = { s->target, NULL };
	int64_t until =
	    g_get_monotonic_time() + (int64_t)s->cfg.timeout_s * G_USEC_PER_SEC;
	int status = 0;
	pid_t pid, r;

	if ((pid = fork()) == 0) {
		/* Only async-signal-safe calls here (the parent has threads);
		 * the collector's sockets and files stay out of the child. */
		(void)close_range(3, ~0U, 0);
		execve(argv[0], argv, env);
		_exit(127);
	}
	g_strfreev(env);
	if (pid < 0)
		return FALSE;
	while ((r = waitpid(pid, &status, WNOHANG)) == 0 &&
	    g_get_monotonic_time() < until)
		g_usleep(20000);
	if (r == 0) {
		g_warning("alerts: %s: killed after %" G_GUINT64_FORMAT " s",
		    s->target, s->cfg.timeout_s);
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, &status, 0);
		return FALSE;
	}
	return r == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static gboolean
deliver(struct col_sink *s, const char *json)
{
	g_autoptr(JsonNode) n = json_from_string(json, NULL);
	g_autofree char *create = NULL, *idea = NULL;
	GDateTime *now;

	if (n == NULL || !JSON_NODE_HOLDS_OBJECT(n))
		return FALSE;
	switch (s->cfg.kind) {
	case COL_SINK_FILE:
		return send_line(s, json);
	case COL_SINK_IDEA:
		now = g_date_time_new_now_utc();
		create = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
		g_date_time_unref(now);
		idea = col_sink_format_idea(n, create);
		return send_line(s, idea);
	case COL_SINK_SYSLOG:
		return send_syslog(s, n);
	case COL_SINK_WEBHOOK:
		return send_webhook(s, n, json);
	case COL_SINK_COMMAND:
		return send_command(s, n);
	}
	return FALSE;
}

static gpointer
worker(gpointer data)
{
	struct col_sink *s = data;

	for (;;) {
		char *json;
		gboolean ok;

		g_mutex_lock(&s->lock);
		while (s->n == 0 && !s->stop)
			g_cond_wait(&s->more, &s->lock);
		if (s->n == 0 ||
		    (s->stop && g_get_monotonic_time() >= s->deadline_us)) {
			s->st.failed += s->n; /* given up at the deadline */
			g_mutex_unlock(&s->lock);
			return NULL;
		}
		json = s->ring[s->head];
		s->ring[s->head] = NULL;
		s->head = (s->head + 1) % s->cfg.queue;
		s->n--;
		g_mutex_unlock(&s->lock);
		ok = deliver(s, json);
		g_free(json);
		g_mutex_lock(&s->lock);
		if (ok)
			s->st.sent++;
		else
			s->st.failed++;
		g_mutex_unlock(&s->lock);
	}
}

/* --- set-up ----------------------------------------------------------- */

static gboolean
open_syslog(struct col_sink *s, GError **error)
{
	const char *t = s->target;

	if (g_str_has_prefix(t, "unix:") && strlen(t + 5) > 0 &&
	    strlen(t + 5) < sizeof(((struct sockaddr_un *)0)->sun_path)) {
		struct sockaddr_un *un = (struct sockaddr_un *)&s->to;

		un->sun_family = AF_UNIX;
		g_strlcpy(un->sun_path, t + 5, sizeof(un->sun_path));
		s->to_len = sizeof(*un);
		s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	} else if (g_str_has_prefix(t, "udp:")) {
		struct addrinfo hints = { 0 }, *ai = NULL;
		g_autofree char *host = NULL;
		char port[8];
		uint16_t p;

		if (!mf_hostport_parse(t + 4, 514, &host, &p, error))
			return FALSE;
		g_snprintf(port, sizeof(port), "%u", p);
		hints.ai_socktype = SOCK_DGRAM;
		if (getaddrinfo(host, port, &hints, &ai) != 0 || ai == NULL) {
			g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
			    "[alerts] syslog: cannot resolve '%s'", host);
			return FALSE;
		}
		memcpy(&s->to, ai->ai_addr, ai->ai_addrlen);
		s->to_len = ai->ai_addrlen;
		s->fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		freeaddrinfo(ai);
	} else {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[alerts] syslog: '%s' is neither unix:PATH nor "
		    "udp:HOST:PORT",
		    t);
		return FALSE;
	}
	if (s->fd < 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "[alerts] syslog: %s",
		    g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

static gboolean
check(struct col_sink *s, GError **error)
{
	if (s->cfg.kind == COL_SINK_SYSLOG)
		return open_syslog(s, error);
	if (s->cfg.kind == COL_SINK_WEBHOOK &&
	    !g_str_has_prefix(s->target, "http://") &&
	    !g_str_has_prefix(s->target, "https://")) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[alerts] webhook: '%s' is not an http(s) URL", s->target);
		return FALSE;
	}
	if (s->cfg.kind == COL_SINK_COMMAND &&
	    (!g_path_is_absolute(s->target) || access(s->target, X_OK) != 0)) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[alerts] command: '%s' is not an executable absolute "
		    "path",
		    s->target);
		return FALSE;
	}
	return TRUE;
}

struct col_sink *
col_sink_new(const struct col_sink_config *cfg, GError **error)
{
	struct col_sink *s = g_new0(struct col_sink, 1);

	s->cfg = *cfg;
	s->target = g_strdup(cfg->target);
	s->cfg.target = s->target;
	s->cfg.queue = MAX(cfg->queue, 1);
	s->fd = -1;
	if (!check(s, error)) {
		if (s->fd >= 0)
			close(s->fd);
		g_free(s->target);
		g_free(s);
		return NULL;
	}
	s->ring = g_new0(char *, s->cfg.queue);
	g_mutex_init(&s->lock);
	g_cond_init(&s->more);
	s->thread = g_thread_new(kind_names[cfg->kind], worker, s);
	return s;
}

void
col_sink_stop(struct col_sink *s)
{
	if (s->thread == NULL)
		return;
	g_mutex_lock(&s->lock);
	s->stop = TRUE;
	s->deadline_us = g_get_monotonic_time() + STOP_GRACE_US;
	g_cond_broadcast(&s->more);
	g_mutex_unlock(&s->lock);
	g_thread_join(s->thread);
	s->thread = NULL;
}

void
col_sink_free(struct col_sink *s)
{
	size_t i;

	if (s == NULL)
		return;
	col_sink_stop(s);
	for (i = 0; i < s->cfg.queue; i++)
		g_free(s->ring[i]);
	g_free(s->ring);
	if (s->fd >= 0)
		close(s->fd);
	g_mutex_clear(&s->lock);
	g_cond_clear(&s->more);
	g_free(s->target);
	g_free(s);
}

void
col_sink_push(struct col_sink *s, JsonNode *alert)
{
	int64_t now = g_get_monotonic_time();
	char *json;

	g_mutex_lock(&s->lock);
	if (now - s->hour_start_us >= (int64_t)3600 * G_USEC_PER_SEC ||
	    s->hour_start_us == 0) {
		s->hour_start_us = now;
		s->in_hour = 0;
	}
	if (s->in_hour >= s->cfg.rate) {
		s->st.limited++;
		g_mutex_unlock(&s->lock);
		return;
	}
	s->in_hour++;
	json = to_text(alert);
	if (s->n == s->cfg.queue) { /* full: the oldest goes */
		g_free(s->ring[s->head]);
		s->ring[s->head] = NULL;
		s->head = (s->head + 1) % s->cfg.queue;
		s->n--;
		s->st.dropped++;
	}
	s->ring[(s->head + s->n) % s->cfg.queue] = json;
	s->n++;
	g_cond_signal(&s->more);
	g_mutex_unlock(&s->lock);
}

void
col_sink_get_stats(struct col_sink *s, struct col_sink_stats *st)
{
	g_mutex_lock(&s->lock);
	*st = s->st;
	g_mutex_unlock(&s->lock);
}

const char *
col_sink_name(const struct col_sink *s)
{
	return kind_names[s->cfg.kind];
}
