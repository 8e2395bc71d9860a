/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-sink"

#include <sys/socket.h>
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "common/error.h"
#include "common/fsafe.h"
#include "common/log.h"
#include "exporter/sink.h"

#define CONNECT_TIMEOUT_MS 2000
#define SEND_TIMEOUT_S 2

struct exp_sink {
	enum exp_sink_kind kind;
	int fd;                     /* -1 while a TCP sink is disconnected */
	gboolean close_fd;          /* not standard output */
	struct sockaddr_storage ss; /* the collector */
	socklen_t sslen;
	uint64_t retry_ms; /* TCP: next connection attempt */
	uint32_t backoff_ms;
	unsigned generation;
	uint32_t pace;         /* messages per second, 0 = unlimited */
	uint64_t pace_next_us; /* monotonic time of the next send */
	char *name;
	struct mf_ratelimit warn;
	struct exp_sink_stats stats;
};

static gboolean
resolve(struct exp_sink *s, const char *host, uint16_t port, GError **error)
{
	struct addrinfo hints, *res = NULL;
	char portstr[8];
	int r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = s->kind == EXP_SINK_UDP ? SOCK_DGRAM : SOCK_STREAM;
	g_snprintf(portstr, sizeof(portstr), "%u", (unsigned)port);
	if ((r = getaddrinfo(host, portstr, &hints, &res)) != 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "collector %s: %s",
		    host, gai_strerror(r));
		return FALSE;
	}
	memcpy(&s->ss, res->ai_addr, res->ai_addrlen);
	s->sslen = res->ai_addrlen;
	freeaddrinfo(res);
	return TRUE;
}

/* Non-blocking connect bounded by CONNECT_TIMEOUT_MS; -errno on failure. */
static int
tcp_connect(struct exp_sink *s)
{
	struct pollfd pfd;
	struct timeval tv = { SEND_TIMEOUT_S, 0 };
	int fd, err = 0, flags;
	socklen_t elen = sizeof(err);

	if ((fd = socket(s->ss.ss_family, SOCK_STREAM, 0)) < 0)
		return -errno;
	flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	if (connect(fd, (struct sockaddr *)&s->ss, s->sslen) < 0) {
		if (errno != EINPROGRESS) {
			err = errno;
			goto fail;
		}
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, CONNECT_TIMEOUT_MS) != 1) {
			err = ETIMEDOUT;
			goto fail;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
			err = errno;
		if (err != 0)
			goto fail;
	}
	fcntl(fd, F_SETFL, flags);
	/* A stuck collector must not stall the capture for long. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	s->fd = fd;
	return 0;
fail:
	close(fd);
	return -err;
}

struct exp_sink *
exp_sink_open_net(enum exp_sink_kind kind, const char *host, uint16_t port,
    GError **error)
{
	struct exp_sink *s = g_new0(struct exp_sink, 1);

	s->kind = kind;
	s->fd = -1;
	s->close_fd = TRUE;
	s->name = g_strdup_printf("%s %s:%u",
	    kind == EXP_SINK_UDP ? "udp" : "tcp", host, (unsigned)port);
	if (!resolve(s, host, port, error))
		goto fail;
	if (kind == EXP_SINK_UDP) {
		if ((s->fd = socket(s->ss.ss_family, SOCK_DGRAM, 0)) < 0 ||
		    connect(s->fd, (struct sockaddr *)&s->ss, s->sslen) < 0) {
			g_set_error(error, MF_ERROR, MF_ERROR_IO, "%s: %s",
			    s->name, g_strerror(errno));
			goto fail;
		}
		s->generation = 1;
	}
	return s;
fail:
	exp_sink_free(s);
	return NULL;
}

struct exp_sink *
exp_sink_open_file(const char *path, GError **error)
{
	struct exp_sink *s = g_new0(struct exp_sink, 1);

	s->kind = EXP_SINK_FILE;
	s->name = g_strdup_printf("file %s", path);
	if (strcmp(path, "-") == 0) {
		s->fd = STDOUT_FILENO;
	} else if ((s->fd = open(path,
	                O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	                MF_FSAFE_FILE_MODE)) < 0) {
		/* A symlink at path: refused (ELOOP). */
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "%s: %s", path,
		    errno == ELOOP ? "is a symlink: not written to"
		                   : g_strerror(errno));
		exp_sink_free(s);
		return NULL;
	} else {
		s->close_fd = TRUE;
	}
	s->generation = 1;
	return s;
}

void
exp_sink_set_pace(struct exp_sink *s, uint32_t per_second)
{
	s->pace = per_second;
}

/* Sleep until the next message may go (bounded by one interval). */
static void
pace_wait(struct exp_sink *s)
{
	uint64_t now = (uint64_t)g_get_monotonic_time(), gap;
	struct timespec ts;

	if (s->pace == 0)
		return;
	gap = 1000000u / s->pace;
	if (s->pace_next_us > now) {
		uint64_t d = MIN(s->pace_next_us - now, gap);

		ts.tv_sec = (time_t)(d / 1000000u);
		ts.tv_nsec = (long)(d % 1000000u) * 1000;
		nanosleep(&ts, NULL);
		now = s->pace_next_us;
	}
	s->pace_next_us = MAX(s->pace_next_us, now) + gap;
}

void
exp_sink_free(struct exp_sink *s)
{
	if (s == NULL)
		return;
	if (s->fd >= 0 && s->close_fd)
		close(s->fd);
	g_free(s->name);
	g_free(s);
}

/*
 * A collector never sends anything: a readable TCP socket means it closed
 * or reset the connection.  Seen before a send, the message is not
 * written into a half-closed socket (where it would be lost unseen).
 */
static void
tcp_check_closed(struct exp_sink *s, uint64_t now_ms)
{
	struct pollfd pfd = { s->fd, POLLIN | POLLRDHUP, 0 };

	if (poll(&pfd, 1, 0) != 1)
		return;
	g_warning("%s: connection closed by the collector", s->name);
	close(s->fd);
	s->fd = -1;
	s->retry_ms = now_ms;
}

gboolean
exp_sink_ready(struct exp_sink *s, uint64_t now_ms)
{
	int r;

	if (s->fd >= 0 && s->kind == EXP_SINK_TCP)
		tcp_check_closed(s, now_ms);
	if (s->fd >= 0)
		return TRUE;
	if (s->kind != EXP_SINK_TCP || now_ms < s->retry_ms)
		return FALSE;
	if ((r = tcp_connect(s)) == 0) {
		s->generation++;
		s->stats.connects++;
		s->backoff_ms = 0;
		g_message("%s: connected", s->name);
		return TRUE;
	}
	s->backoff_ms = s->backoff_ms == 0
	    ? 1000
	    : MIN(s->backoff_ms * 2, EXP_SINK_MAX_BACKOFF_MS);
	s->retry_ms = now_ms + s->backoff_ms;
	if (mf_ratelimit_ok(&s->warn, (int64_t)now_ms * 1000))
		g_warning("%s: cannot connect: %s (retrying)", s->name,
		    g_strerror(-r));
	return FALSE;
}

unsigned
exp_sink_generation(const struct exp_sink *s)
{
	return s->generation;
}

static int
write_all(int fd, const uint8_t *p, size_t len, gboolean sock)
{
	ssize_t n;

	while (len > 0) {
		n = sock ? send(fd, p, len, MSG_NOSIGNAL) : write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
udp_send(int fd, const uint8_t *msg, size_t len)
{
	ssize_t n = send(fd, msg, len, 0);

	return n == (ssize_t)len ? 0 : n < 0 ? -errno : -EMSGSIZE;
}

int
exp_sink_send(struct exp_sink *s, const uint8_t *msg, size_t len,
    uint64_t now_ms)
{
	int r;

	if (!exp_sink_ready(s, now_ms)) {
		r = -ENOTCONN;
	} else {
		pace_wait(s);
		r = s->kind == EXP_SINK_UDP
		    ? udp_send(s->fd, msg, len)
		    : write_all(s->fd, msg, len, s->kind == EXP_SINK_TCP);
	}
	if (r == 0) {
		s->stats.messages++;
		s->stats.octets += len;
		return 0;
	}
	s->stats.send_errors++;
	if (r != -ENOTCONN && mf_ratelimit_ok(&s->warn, (int64_t)now_ms * 1000))
		g_warning("%s: send failed: %s (%" G_GUINT64_FORMAT
		          " failed so far)",
		    s->name, g_strerror(-r), s->stats.send_errors);
	if (s->kind == EXP_SINK_TCP && r != -ENOTCONN) {
		close(s->fd);
		s->fd = -1;
		s->retry_ms = now_ms;
	}
	return r;
}

const struct exp_sink_stats *
exp_sink_get_stats(const struct exp_sink *s)
{
	return &s->stats;
}

const char *
exp_sink_name(const struct exp_sink *s)
{
	return s->name;
}
