/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-udprecv"

#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/sock_diag.h>

#include <glib.h>

#include "collector/ingest/rxring.h"
#include "collector/ingest/udprecv.h"
#include "common/error.h"

#ifndef SO_MEMINFO
#define SO_MEMINFO 55 /* Linux 4.12 */
#endif

#define BATCH 64        /* datagrams per recvmmsg() */
#define ROUNDS 16       /* batches per socket before the next socket */
#define MSG_MAX 65535   /* the largest UDP payload */
#define STOP_WAIT_MS 50 /* at stop: the last reads wait no longer */
/* After reading a socket empty, the thread waits this long before it
 * polls again, so that it reads datagrams by the batch rather than one
 * wake-up each: at 30,000 datagrams a second a wake-up per datagram cost
 * the thread (and the main loop it wakes) more CPU than the decoding
 * (bench/README.md, "live UDP, session 5").  The socket's buffer holds
 * far more than a millisecond of any rate it can take. */
#define COALESCE_NS 1000000L

struct usock {
	int fd;
	enum col_listen_kind kind;
	char *host;
	uint16_t port;
	uint64_t rcvbuf;                         /* granted */
	ino_t ino;                               /* for /proc/net/udp{,6} */
	_Atomic uint64_t datagrams, queue_drops; /* the thread's */
	uint32_t drops_seen; /* the kernel's 32-bit counter, last read */
	uint64_t kernel_drops;
};

struct col_udprecv {
	struct usock s[COL_UDPRECV_MAX];
	size_t n;
	uint64_t rcvbuf;
	struct col_rxring *ring;
	int wake_fd; /* eventfd: the thread queued datagrams */
	int stop_fd; /* eventfd: the thread is to stop */
	GThread *thread;
	/* The thread's: one batch of buffers and headers. */
	uint8_t *bufs;
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_storage from[BATCH];
};

static const char *const kind_names[] = { "ipfix-udp", "ipfix-tcp",
	"netflow-v9", "netflow-v5" };

struct col_udprecv *
col_udprecv_new(uint64_t rcvbuf, uint64_t queue, GError **error)
{
	struct col_udprecv *u;

	if (queue < COL_RXRING_MIN || queue > COL_RXRING_MAX) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "udp receive queue of %" G_GUINT64_FORMAT
		    " bytes: out of range",
		    queue);
		return NULL;
	}
	u = g_new0(struct col_udprecv, 1);
	u->rcvbuf = rcvbuf;
	u->ring = col_rxring_new((size_t)queue);
	u->wake_fd = -1;
	u->stop_fd = -1;
	return u;
}

/* The receive buffer: forced if we may, else as far as rmem_max allows. */
static uint64_t
set_rcvbuf(int fd, uint64_t want)
{
	int v = want > INT32_MAX / 2 ? INT32_MAX / 2 : (int)want;
	socklen_t sl = sizeof(v);

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &sl) != 0 || v < 0)
		return 0;
	return (uint64_t)v;
}

gboolean
col_udprecv_add(struct col_udprecv *u, int fd, enum col_listen_kind kind,
    const char *host, uint16_t port, GError **error)
{
	struct usock *s;
	struct stat st;

	if (u->n >= COL_UDPRECV_MAX) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "at most %u UDP listeners", (unsigned)COL_UDPRECV_MAX);
		close(fd);
		return FALSE;
	}
	s = &u->s[u->n++];
	s->fd = fd;
	s->kind = kind;
	s->host = g_strdup(host);
	s->port = port;
	s->ino = fstat(fd, &st) == 0 ? st.st_ino : 0;
	s->rcvbuf = set_rcvbuf(fd, u->rcvbuf);
	atomic_init(&s->datagrams, 0);
	atomic_init(&s->queue_drops, 0);
	g_message("udp %s %s port %u: receive buffer %" G_GUINT64_FORMAT
	          " bytes (asked %" G_GUINT64_FORMAT
	          "; the kernel doubles it, and caps it at "
	          "net.core.rmem_max unless privileged)",
	    kind_names[kind], host, (unsigned)port, s->rcvbuf, u->rcvbuf);
	return TRUE;
}

/* Read at most ROUNDS batches from s into the ring; TRUE if any queued.
 * *full is set when the socket may hold more (the last batch was full). */
static gboolean
drain(struct col_udprecv *u, struct usock *s, uint16_t idx, gboolean *full)
{
	struct col_rxring_meta m;
	gboolean queued = FALSE;
	int r, i, k;

	for (k = 0; k < ROUNDS; k++) {
		for (i = 0; i < BATCH; i++) {
			u->mm[i].msg_hdr.msg_namelen = sizeof(u->from[i]);
			u->mm[i].msg_hdr.msg_flags = 0;
		}
		r = recvmmsg(s->fd, u->mm, BATCH, MSG_DONTWAIT, NULL);
		if (r <= 0)
			break; /* EAGAIN: drained */
		atomic_fetch_add_explicit(&s->datagrams, (uint64_t)r,
		    memory_order_relaxed);
		for (i = 0; i < r; i++) {
			col_listen_peer(&u->from[i], &m.peer, &m.port);
			m.sock = idx;
			m.len = u->mm[i].msg_len;
			if (col_rxring_push(u->ring, &m, u->iov[i].iov_base))
				queued = TRUE;
			else
				atomic_fetch_add_explicit(&s->queue_drops, 1,
				    memory_order_relaxed);
		}
		if (r < BATCH)
			return queued;
	}
	if (k == ROUNDS)
		*full = TRUE;
	return queued;
}

static void
wake(int fd)
{
	uint64_t one = 1;

	while (write(fd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

/* Read every readable socket once more; TRUE if any datagram queued.
 * *full as drain()'s, for any socket. */
static gboolean
drain_all(struct col_udprecv *u, const struct pollfd *pfd, gboolean *full)
{
	gboolean queued = FALSE;
	size_t i;

	for (i = 0; i < u->n; i++)
		if (pfd == NULL || pfd[i].revents != 0)
			queued |= drain(u, &u->s[i], (uint16_t)i, full);
	return queued;
}

/* Wait COALESCE_NS unless asked to stop; TRUE when asked. */
static gboolean
coalesce(struct col_udprecv *u)
{
	struct pollfd stop = { .fd = u->stop_fd, .events = POLLIN };
	struct timespec ts = { 0, COALESCE_NS };

	return ppoll(&stop, 1, &ts, NULL) > 0;
}

static gpointer
receive_thread(gpointer data)
{
	struct col_udprecv *u = data;
	struct pollfd pfd[COL_UDPRECV_MAX + 1];
	sigset_t all;
	size_t i;

	/* Signals go to the main loop, which polls for them. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (i = 0; i < u->n; i++) {
		pfd[i].fd = u->s[i].fd;
		pfd[i].events = POLLIN;
	}
	pfd[u->n].fd = u->stop_fd;
	pfd[u->n].events = POLLIN;
	for (;;) {
		gboolean full = FALSE;

		for (i = 0; i <= u->n; i++)
			pfd[i].revents = 0;
		if (poll(pfd, u->n + 1, -1) < 0 && errno != EINTR)
			break;
		if (pfd[u->n].revents != 0)
			break;
		if (drain_all(u, pfd, &full))
			wake(u->wake_fd);
		/* Read empty: let the next datagrams gather. */
		if (!full && coalesce(u))
			break;
	}
	/* Stopping: what the sockets hold now, then no more. */
	if (poll(pfd, u->n, STOP_WAIT_MS) > 0) {
		gboolean full = FALSE;

		if (drain_all(u, NULL, &full))
			wake(u->wake_fd);
	}
	return NULL;
}

gboolean
col_udprecv_start(struct col_udprecv *u, GError **error)
{
	size_t i;

	if (u->n == 0 || u->thread != NULL)
		return TRUE;
	u->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	u->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (u->wake_fd < 0 || u->stop_fd < 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "udp receive thread: eventfd: %s", g_strerror(errno));
		return FALSE;
	}
	u->bufs = g_malloc((size_t)BATCH * MSG_MAX);
	for (i = 0; i < BATCH; i++) {
		u->iov[i].iov_base = u->bufs + i * MSG_MAX;
		u->iov[i].iov_len = MSG_MAX;
		memset(&u->mm[i], 0, sizeof(u->mm[i]));
		u->mm[i].msg_hdr.msg_iov = &u->iov[i];
		u->mm[i].msg_hdr.msg_iovlen = 1;
		u->mm[i].msg_hdr.msg_name = &u->from[i];
	}
	u->thread = g_thread_new("udp-receive", receive_thread, u);
	return TRUE;
}

int
col_udprecv_wake_fd(const struct col_udprecv *u)
{
	return u->wake_fd;
}

gboolean
col_udprecv_pending(struct col_udprecv *u)
{
	struct col_rxring_meta m;

	return col_rxring_peek(u->ring, &m) != NULL;
}

size_t
col_udprecv_deliver(struct col_udprecv *u, size_t max, col_message_fn fn,
    void *ctx)
{
	struct col_rxring_meta m;
	const uint8_t *d;
	uint64_t v;
	size_t n = 0;

	/* Clear the wake-up first: what is queued after it wakes us again. */
	if (u->wake_fd >= 0)
		(void)!read(u->wake_fd, &v, sizeof(v));
	while (n < max && (d = col_rxring_peek(u->ring, &m)) != NULL) {
		fn(ctx, u->s[m.sock].kind, &m.peer, m.port, d, m.len);
		col_rxring_pop(u->ring);
		n++;
	}
	return n;
}

void
col_udprecv_stop(struct col_udprecv *u)
{
	if (u == NULL || u->thread == NULL)
		return;
	wake(u->stop_fd);
	g_thread_join(u->thread);
	u->thread = NULL;
}

void
col_udprecv_free(struct col_udprecv *u)
{
	size_t i;

	if (u == NULL)
		return;
	col_udprecv_stop(u);
	for (i = 0; i < u->n; i++) {
		close(u->s[i].fd);
		g_free(u->s[i].host);
	}
	if (u->wake_fd >= 0)
		close(u->wake_fd);
	if (u->stop_fd >= 0)
		close(u->stop_fd);
	col_rxring_free(u->ring);
	g_free(u->bufs);
	g_free(u);
}

/*
 * The socket's drop counter in /proc/net/udp{,6} (kernels without
 * SO_MEMINFO): the last column of the line whose inode is ino.
 */
static gboolean
proc_drops(ino_t ino, uint32_t *drops)
{
	static const char *const files[] = { "/proc/net/udp",
		"/proc/net/udp6" };
	char line[512];
	size_t i;
	gboolean found = FALSE;

	for (i = 0; i < G_N_ELEMENTS(files) && !found; i++) {
		FILE *fp = fopen(files[i], "r");
		unsigned long inode;
		unsigned d;

		if (fp == NULL)
			continue;
		while (!found && fgets(line, sizeof(line), fp) != NULL)
			if (sscanf(line,
			        "%*s %*s %*s %*s %*s %*s %*s %*s %*s %lu "
			        "%*s %*s %u",
			        &inode, &d) == 2 &&
			    inode == (unsigned long)ino) {
				*drops = (uint32_t)d;
				found = TRUE;
			}
		fclose(fp);
	}
	return found;
}

/* Add what the kernel dropped since the last look (its counter wraps). */
static void
update_kernel_drops(struct usock *s)
{
	uint32_t mem[SK_MEMINFO_VARS], d;
	socklen_t sl = sizeof(mem);

	if (getsockopt(s->fd, SOL_SOCKET, SO_MEMINFO, mem, &sl) == 0 &&
	    sl > SK_MEMINFO_DROPS * sizeof(mem[0]))
		d = mem[SK_MEMINFO_DROPS];
	else if (!proc_drops(s->ino, &d))
		return;
	s->kernel_drops += (uint32_t)(d - s->drops_seen);
	s->drops_seen = d;
}

size_t
col_udprecv_stats(struct col_udprecv *u, struct col_listen_udp_stats *out,
    size_t max)
{
	size_t i;

	for (i = 0; i < u->n && i < max; i++) {
		struct usock *s = &u->s[i];

		update_kernel_drops(s);
		out[i].kind = kind_names[s->kind];
		out[i].address = s->host;
		out[i].port = s->port;
		out[i].rcvbuf = s->rcvbuf;
		out[i].datagrams =
		    atomic_load_explicit(&s->datagrams, memory_order_relaxed);
		out[i].kernel_drops = s->kernel_drops;
		out[i].queue_drops =
		    atomic_load_explicit(&s->queue_drops, memory_order_relaxed);
	}
	return i;
}
