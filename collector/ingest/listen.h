/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_LISTEN_H
#define COL_LISTEN_H

/*
 * listen: the collector's own sockets (DESIGN.md: libfixbuf's listeners
 * wait without a timeout, cannot count losses or hand over datagrams).
 * UDP listeners for IPFIX, NetFlow v9 and v5, and TCP listeners for IPFIX
 * whose streams are cut into messages by the IPFIX length field.  "[::]"
 * is one dual-stack socket; IPv4 peers are reported as plain IPv4.  The
 * UDP sockets are read by a thread of their own into a bounded queue
 * (collector/ingest/udprecv.h), their losses counted; TCP is read here.
 * Also reads IPFIX files (offline mode) into the same callback.
 */
#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "common/addr.h"

#define COL_LISTEN_MAX_TCP 64 /* concurrent TCP exporters */
#define COL_MAX_LISTENERS 8   /* per protocol */

struct col_endpoint {
	char *host; /* "::" for [::] (one dual-stack socket) */
	uint16_t port;
};

enum col_listen_kind {
	COL_LISTEN_IPFIX_UDP,
	COL_LISTEN_IPFIX_TCP,
	COL_LISTEN_V9,
	COL_LISTEN_V5,
};

/*
 * One message (a datagram, or one IPFIX message of a TCP stream or a
 * file) from a:port on a listener of kind; a is unset (family 0) for a
 * file.
 */
typedef void (*col_message_fn)(void *ctx, enum col_listen_kind kind,
    const struct mf_addr *a, uint16_t port, const uint8_t *msg, size_t len);

/*
 * TCP limits ([listen] tcp-idle, tcp-per-address): a connection that
 * delivers no byte for idle_s seconds is closed; one address holds at
 * most per_address connections.  A new connection beyond either limit
 * (its address's, or COL_LISTEN_MAX_TCP in all) takes the place of the
 * one idle longest among those (of its address, or of all) that never
 * delivered a whole message; if there is none, it is refused.  Every
 * refusal and close is counted and logged (rate-limited).
 */
struct col_listen_limits {
	uint32_t tcp_idle_s;      /* >= 1 */
	uint32_t tcp_per_address; /* 1 .. COL_LISTEN_MAX_TCP */
	uint64_t udp_rcvbuf;      /* [listen] udp-rcvbuf: bytes asked */
	uint64_t udp_queue;       /* [listen] udp-queue: bytes of the ring */
};

struct col_listen_stats {
	uint64_t datagrams;                 /* UDP datagrams handed over */
	uint64_t tcp_accepted, tcp_refused; /* refused: over a cap */
	uint64_t tcp_malformed;             /* streams cut: bad framing */
	uint64_t tcp_idle_closed;           /* closed: idle too long */
	uint64_t tcp_replaced; /* closed for a new one: never sent a message */
};

/*
 * One UDP listening socket's counters since the start (the report's
 * "listeners", /metrics).  Every datagram that reached the socket is in
 * exactly one of datagrams (read; of them, queue_drops found the receive
 * queue full and were dropped, the others were handed over) and
 * kernel_drops (the socket's receive buffer was full).
 */
struct col_listen_udp_stats {
	const char *kind;    /* "ipfix-udp", "netflow-v9", "netflow-v5" */
	const char *address; /* as configured ("::" for [::]) */
	uint16_t port;
	uint64_t rcvbuf;       /* receive buffer granted, bytes */
	uint64_t datagrams;    /* read from the socket */
	uint64_t kernel_drops; /* dropped by the kernel: buffer full */
	uint64_t queue_drops;  /* read, dropped: the receive queue was full */
};

struct col_listen;

/*
 * Open every listener: n_listen[kind] endpoints listen[kind] of each enum
 * col_listen_kind, TCP connections held to limits; NULL (error names the
 * endpoint).
 */
struct col_listen *col_listen_open(struct col_endpoint *const listen[4],
    const size_t n_listen[4], const struct col_listen_limits *limits,
    GError **error);
void col_listen_free(struct col_listen *l);

/* Wait at most timeout_ms and handle what arrived (bounded batch). */
void col_listen_poll(struct col_listen *l, int timeout_ms, col_message_fn fn,
    void *ctx);

/*
 * At exit: stop reading UDP (after what the sockets hold now) and hand
 * over every datagram still queued.  NULL does nothing.
 */
void col_listen_stop(struct col_listen *l, col_message_fn fn, void *ctx);

/*
 * The counters of each UDP socket (at most max; NULL l: none), the
 * kernel's drops read now; how many were filled.  The strings live as
 * long as l.
 */
size_t col_listen_udp_stats(struct col_listen *l,
    struct col_listen_udp_stats *out, size_t max);

/* The peer of a datagram or connection; IPv4-mapped IPv6 as IPv4. */
void col_listen_peer(const struct sockaddr_storage *ss, struct mf_addr *a,
    uint16_t *port);

const struct col_listen_stats *col_listen_get_stats(const struct col_listen *l);

/* Log the counters (SIGUSR1 and exit); NULL (offline) logs nothing. */
void col_listen_log_counters(struct col_listen *l);

/*
 * Read an IPFIX file (path, "-" for standard input) and hand over each
 * message.  Returns FALSE (error set) if it cannot be opened or ends in a
 * damaged message; the messages before the damage were handed over.
 */
gboolean col_listen_read_file(const char *path, col_message_fn fn, void *ctx,
    GError **error);

#endif
