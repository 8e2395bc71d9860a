/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_UDPRECV_H
#define COL_UDPRECV_H

/*
 * udprecv: the collector's UDP sockets and the thread that reads them.
 * Decoding a burst can take longer than the kernel's receive buffer lasts,
 * so one receive thread drains every UDP socket (recvmmsg(2), a batch at a
 * time) into a bounded ring of datagrams (collector/ingest/rxring.h) and
 * wakes the main loop through an eventfd; the main loop hands them to the
 * decoder.  Every loss is counted per socket: datagrams the kernel dropped
 * because the receive buffer was full (its drop counter, SO_MEMINFO, or
 * /proc/net/udp{,6} on kernels without it), and datagrams refused because
 * the ring was full.  The receive buffer is asked with SO_RCVBUFFORCE
 * (privileged: beyond net.core.rmem_max), else with SO_RCVBUF; what the
 * kernel granted is logged and reported.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/ingest/listen.h"

struct col_udprecv;

/*
 * rcvbuf: bytes of receive buffer asked for each socket (the kernel
 * doubles it for its bookkeeping); queue: bytes of the ring
 * (COL_RXRING_MIN .. COL_RXRING_MAX).  NULL (error set) if out of range.
 */
struct col_udprecv *col_udprecv_new(uint64_t rcvbuf, uint64_t queue,
    GError **error);

/*
 * Take the bound UDP socket fd of kind, listening on host:port (for the
 * report; host is copied): its receive buffer is set here.  At most
 * COL_UDPRECV_MAX sockets; FALSE (error set, fd closed) beyond.
 */
#define COL_UDPRECV_MAX (3 * COL_MAX_LISTENERS)
gboolean col_udprecv_add(struct col_udprecv *u, int fd,
    enum col_listen_kind kind, const char *host, uint16_t port, GError **error);

/*
 * Start the receive thread (nothing if no socket was added); FALSE (error
 * set) if it cannot.
 */
gboolean col_udprecv_start(struct col_udprecv *u, GError **error);

/*
 * The eventfd to poll for POLLIN (the thread queued datagrams), -1 if no
 * socket was added.  col_udprecv_deliver() clears it.
 */
int col_udprecv_wake_fd(const struct col_udprecv *u);

/* TRUE if datagrams are queued. */
gboolean col_udprecv_pending(struct col_udprecv *u);

/* Hand at most max queued datagrams to fn, oldest first; how many. */
size_t col_udprecv_deliver(struct col_udprecv *u, size_t max, col_message_fn fn,
    void *ctx);

/*
 * Stop the receive thread after it has read what the sockets hold now
 * (at exit: bounded by the ring's room).  Then col_udprecv_deliver() hands
 * over what is left.
 */
void col_udprecv_stop(struct col_udprecv *u);

/* Stop the thread if it runs, close the sockets. */
void col_udprecv_free(struct col_udprecv *u);

/* Fill out with one line per socket (at most max); how many. */
size_t col_udprecv_stats(struct col_udprecv *u,
    struct col_listen_udp_stats *out, size_t max);

#endif
