/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-listen"

#include <sys/socket.h>
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "collector/ingest/listen.h"
#include "collector/ingest/udprecv.h"
#include "common/error.h"
#include "common/log.h"

#define MSG_MAX 65535
#define BATCH 4096 /* queued datagrams handed over per poll */

struct sock {
	int fd;
	enum col_listen_kind kind;
	gboolean tcp_listener;
	gboolean tcp_conn;
	struct mf_addr peer; /* TCP connections */
	uint16_t peer_port;
	uint8_t *buf; /* TCP: bytes of an unfinished message */
	size_t have;
	int64_t active_us; /* TCP: monotonic time of the last byte */
	uint64_t messages; /* TCP: whole messages delivered */
};

/* TCP listeners and connections here; the UDP sockets in udp. */
struct col_listen {
	struct sock socks[COL_MAX_LISTENERS + COL_LISTEN_MAX_TCP];
	size_t n, n_tcp;
	struct col_udprecv *udp;
	struct col_listen_limits limits;
	struct mf_ratelimit warn, warn_refused, warn_replaced, warn_idle;
	struct col_listen_stats stats;
};

void
col_listen_peer(const struct sockaddr_storage *ss, struct mf_addr *a,
    uint16_t *port)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)ss;

		mf_addr_set4(a, (const uint8_t *)&s4->sin_addr);
		*port = ntohs(s4->sin_port);
	} else {
		const struct sockaddr_in6 *s6 = (const void *)ss;
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0,
			0, 0xff, 0xff };

		if (memcmp(s6->sin6_addr.s6_addr, mapped, 12) == 0)
			mf_addr_set4(a, s6->sin6_addr.s6_addr + 12);
		else
			mf_addr_set6(a, s6->sin6_addr.s6_addr);
		*port = ntohs(s6->sin6_port);
	}
}

static int
open_socket(const struct col_endpoint *ep, gboolean tcp, GError **error)
{
	struct addrinfo hints, *res = NULL;
	char port[8];
	int fd = -1, one = 1, zero = 0, r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
	hints.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
	g_snprintf(port, sizeof(port), "%u", (unsigned)ep->port);
	if ((r = getaddrinfo(ep->host, port, &hints, &res)) != 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "listen on %s:%u: %s", ep->host, (unsigned)ep->port,
		    gai_strerror(r));
		return -1;
	}
	fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, 0);
	if (fd >= 0 && res->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) != 0 ||
	    (tcp && listen(fd, 16) != 0)) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "listen on %s %s:%u: %s", tcp ? "tcp" : "udp", ep->host,
		    (unsigned)ep->port, g_strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd >= 0)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

struct col_listen *
col_listen_open(struct col_endpoint *const listen[4], const size_t n_listen[4],
    const struct col_listen_limits *limits, GError **error)
{
	struct col_listen *l = g_new0(struct col_listen, 1);
	int kind;
	size_t i;

	l->limits = *limits;
	if ((l->udp = col_udprecv_new(limits->udp_rcvbuf, limits->udp_queue,
	         error)) == NULL)
		goto fail;
	for (kind = 0; kind < 4; kind++)
		for (i = 0; i < n_listen[kind]; i++) {
			gboolean tcp = kind == COL_LISTEN_IPFIX_TCP;
			const struct col_endpoint *ep = &listen[kind][i];
			int fd = open_socket(ep, tcp, error);

			if (fd < 0)
				goto fail;
			if (!tcp) {
				if (!col_udprecv_add(l->udp, fd,
				        (enum col_listen_kind)kind, ep->host,
				        ep->port, error))
					goto fail;
				continue;
			}
			l->socks[l->n].fd = fd;
			l->socks[l->n].kind = (enum col_listen_kind)kind;
			l->socks[l->n].tcp_listener = TRUE;
			l->n++;
		}
	if (col_udprecv_start(l->udp, error))
		return l;
fail:
	col_listen_free(l);
	return NULL;
}

static void
close_sock(struct col_listen *l, size_t i)
{
	if (l->socks[i].tcp_conn)
		l->n_tcp--;
	close(l->socks[i].fd);
	g_free(l->socks[i].buf);
	l->socks[i] = l->socks[--l->n];
}

void
col_listen_free(struct col_listen *l)
{
	if (l == NULL)
		return;
	col_udprecv_free(l->udp);
	while (l->n > 0)
		close_sock(l, l->n - 1);
	g_free(l);
}

const struct col_listen_stats *
col_listen_get_stats(const struct col_listen *l)
{
	return &l->stats;
}

/* Log a refused or closed TCP connection (rate-limited per kind). */
static void
tcp_note(struct mf_ratelimit *rl, const struct mf_addr *a, uint16_t port,
    const char *what, uint64_t so_far)
{
	char peer[MF_ADDR_STRLEN];

	if (mf_ratelimit_ok(rl, g_get_monotonic_time()))
		g_warning("tcp exporter %s port %u %s (%" G_GUINT64_FORMAT
		          " so far)",
		    mf_addr_format(a, peer, sizeof(peer)), (unsigned)port, what,
		    so_far);
}

/*
 * Room for a connection from a: l->n for a free slot, else the socket to
 * close for it, the idle longest of those that never delivered a whole
 * message (of a's own if a holds tcp-per-address connections, else of
 * all), or -1 if there is none.
 */
static ssize_t
tcp_room(const struct col_listen *l, const struct mf_addr *a)
{
	ssize_t victim = -1, own = -1;
	size_t i, same = 0;

	for (i = 0; i < l->n; i++) {
		const struct sock *c = &l->socks[i];
		gboolean mine;

		if (!c->tcp_conn)
			continue;
		mine = mf_addr_cmp(&c->peer, a) == 0;
		same += mine ? 1 : 0;
		if (c->messages > 0)
			continue;
		if (victim < 0 || c->active_us < l->socks[victim].active_us)
			victim = (ssize_t)i;
		if (mine && (own < 0 || c->active_us < l->socks[own].active_us))
			own = (ssize_t)i;
	}
	if (same >= l->limits.tcp_per_address)
		return own;
	return l->n_tcp < COL_LISTEN_MAX_TCP ? (ssize_t)l->n : victim;
}

static void
accept_tcp(struct col_listen *l, struct sock *s)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct sock *c;
	struct mf_addr peer;
	uint16_t port;
	ssize_t room;
	int fd = accept(s->fd, (struct sockaddr *)&ss, &sl);

	if (fd < 0)
		return;
	col_listen_peer(&ss, &peer, &port);
	if ((room = tcp_room(l, &peer)) < 0) {
		l->stats.tcp_refused++;
		tcp_note(&l->warn_refused, &peer, port,
		    "refused: its address's connections (tcp-per-address), "
		    "or all connections, are taken by exporters that sent "
		    "messages",
		    l->stats.tcp_refused);
		close(fd);
		return;
	}
	if ((size_t)room < l->n) {
		l->stats.tcp_replaced++;
		tcp_note(&l->warn_replaced, &l->socks[room].peer,
		    l->socks[room].peer_port,
		    "closed for a new connection: it sent no message",
		    l->stats.tcp_replaced);
		close_sock(l, (size_t)room);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	c = &l->socks[l->n++];
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->kind = s->kind;
	c->tcp_conn = TRUE;
	c->buf = g_malloc(MSG_MAX);
	c->peer = peer;
	c->peer_port = port;
	c->active_us = g_get_monotonic_time();
	l->n_tcp++;
	l->stats.tcp_accepted++;
}

/* Close the TCP connections idle for [listen] tcp-idle seconds. */
static void
close_idle(struct col_listen *l)
{
	int64_t now = g_get_monotonic_time();
	int64_t limit = (int64_t)l->limits.tcp_idle_s * G_USEC_PER_SEC;
	size_t i;

	for (i = l->n; i-- > 0;) {
		struct sock *c = &l->socks[i];

		if (!c->tcp_conn || now - c->active_us < limit)
			continue;
		l->stats.tcp_idle_closed++;
		tcp_note(&l->warn_idle, &c->peer, c->peer_port,
		    "idle too long (tcp-idle): closed",
		    l->stats.tcp_idle_closed);
		close_sock(l, i);
	}
}

/* Hand over every whole message in c->buf; FALSE if the framing broke. */
static gboolean
frame_tcp(struct sock *c, col_message_fn fn, void *ctx)
{
	size_t len;

	while (c->have >= 4) {
		len = (size_t)c->buf[2] << 8 | c->buf[3];
		if (c->buf[0] != 0 || c->buf[1] != 10 || len < 16)
			return FALSE;
		if (c->have < len)
			break;
		fn(ctx, c->kind, &c->peer, c->peer_port, c->buf, len);
		c->messages++;
		memmove(c->buf, c->buf + len, c->have - len);
		c->have -= len;
	}
	return TRUE;
}

/* Returns FALSE when the connection is over (closed or malformed). */
static gboolean
read_tcp(struct col_listen *l, struct sock *c, col_message_fn fn, void *ctx)
{
	ssize_t n = read(c->fd, c->buf + c->have, MSG_MAX - c->have);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return TRUE;
	if (n <= 0) {
		/* The exporter went away in the middle of a message. */
		if (c->have > 0)
			l->stats.tcp_malformed++;
		return FALSE;
	}
	c->have += (size_t)n;
	c->active_us = g_get_monotonic_time();
	if (!frame_tcp(c, fn, ctx)) {
		char peer[MF_ADDR_STRLEN];

		l->stats.tcp_malformed++;
		if (mf_ratelimit_ok(&l->warn, g_get_monotonic_time()))
			g_warning("tcp exporter %s port %u: malformed IPFIX "
			          "stream, closed (%" G_GUINT64_FORMAT
			          " so far)",
			    mf_addr_format(&c->peer, peer, sizeof(peer)),
			    (unsigned)c->peer_port, l->stats.tcp_malformed);
		return FALSE;
	}
	return TRUE;
}

/* The TCP sockets poll() found ready. */
static void
poll_tcp(struct col_listen *l, const struct pollfd *pfd, col_message_fn fn,
    void *ctx)
{
	size_t i;

	/* Backwards: closing a connection moves the last socket into i. */
	for (i = l->n; i-- > 0;) {
		struct sock *s = &l->socks[i];

		if (pfd[i].revents == 0)
			continue;
		if (s->tcp_listener)
			accept_tcp(l, s);
		else if (!read_tcp(l, s, fn, ctx))
			close_sock(l, i);
	}
}

void
col_listen_poll(struct col_listen *l, int timeout_ms, col_message_fn fn,
    void *ctx)
{
	struct pollfd pfd[G_N_ELEMENTS(l->socks) + 1];
	size_t i, n = l->n;

	for (i = 0; i < n; i++) {
		pfd[i].fd = l->socks[i].fd;
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	/* The receive thread's wake-up, last (-1 is ignored by poll). */
	pfd[n].fd = col_udprecv_wake_fd(l->udp);
	pfd[n].events = POLLIN;
	pfd[n].revents = 0;
	if (col_udprecv_pending(l->udp))
		timeout_ms = 0;
	if (poll(pfd, n + 1, timeout_ms) > 0)
		poll_tcp(l, pfd, fn, ctx);
	l->stats.datagrams += col_udprecv_deliver(l->udp, BATCH, fn, ctx);
	close_idle(l);
}

void
col_listen_stop(struct col_listen *l, col_message_fn fn, void *ctx)
{
	size_t got;

	if (l == NULL)
		return;
	col_udprecv_stop(l->udp);
	do {
		got = col_udprecv_deliver(l->udp, BATCH, fn, ctx);
		l->stats.datagrams += got;
	} while (got > 0);
}

size_t
col_listen_udp_stats(struct col_listen *l, struct col_listen_udp_stats *out,
    size_t max)
{
	return l != NULL ? col_udprecv_stats(l->udp, out, max) : 0;
}

gboolean
col_listen_read_file(const char *path, col_message_fn fn, void *ctx,
    GError **error)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	uint8_t *buf;
	size_t len, got;
	struct mf_addr none;
	gboolean ok = TRUE;

	if (fp == NULL) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "%s: %s", path,
		    g_strerror(errno));
		return FALSE;
	}
	memset(&none, 0, sizeof(none));
	buf = g_malloc(MSG_MAX);
	while ((got = fread(buf, 1, 4, fp)) == 4) {
		len = (size_t)buf[2] << 8 | buf[3];
		if (buf[0] != 0 || buf[1] != 10 || len < 16 ||
		    fread(buf + 4, 1, len - 4, fp) != len - 4) {
			g_set_error(error, MF_ERROR, MF_ERROR_IO,
			    "%s: damaged or truncated IPFIX message at offset "
			    "%ld",
			    path, ftell(fp));
			ok = FALSE;
			break;
		}
		fn(ctx, COL_LISTEN_IPFIX_UDP, &none, 0, buf, len);
	}
	if (ok && got != 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "%s: truncated IPFIX message at the end", path);
		ok = FALSE;
	}
	g_free(buf);
	if (fp != stdin)
		fclose(fp);
	return ok;
}

void
col_listen_log_counters(struct col_listen *listen)
{
	struct col_listen_udp_stats u[4 * COL_MAX_LISTENERS];
	const struct col_listen_stats *l;
	uint64_t read = 0;
	size_t i, n;

	if (listen == NULL)
		return;
	l = col_listen_get_stats(listen);
	g_message("datagrams %" G_GUINT64_FORMAT
	          ", tcp connections %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT
	          " refused, %" G_GUINT64_FORMAT
	          " malformed), %" G_GUINT64_FORMAT
	          " closed idle, %" G_GUINT64_FORMAT " replaced",
	    l->datagrams, l->tcp_accepted, l->tcp_refused, l->tcp_malformed,
	    l->tcp_idle_closed, l->tcp_replaced);
	n = col_listen_udp_stats(listen, u, G_N_ELEMENTS(u));
	for (i = 0; i < n; i++)
		read += u[i].datagrams - u[i].queue_drops;
	/* Read but not yet handed over: in the queue (or being queued). */
	if (n > 0)
		g_message("udp receive queue: %" G_GUINT64_FORMAT
		          " datagrams waiting",
		    read - l->datagrams);
	for (i = 0; i < n; i++)
		g_message("udp %s %s port %u: datagrams %" G_GUINT64_FORMAT
		          ", dropped by the kernel %" G_GUINT64_FORMAT
		          " (receive buffer %" G_GUINT64_FORMAT
		          " bytes), dropped from the full queue "
		          "%" G_GUINT64_FORMAT,
		    u[i].kind, u[i].address, (unsigned)u[i].port,
		    u[i].datagrams, u[i].kernel_drops, u[i].rcvbuf,
		    u[i].queue_drops);
}
