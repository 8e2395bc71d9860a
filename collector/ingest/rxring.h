/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_RXRING_H
#define COL_RXRING_H

/*
 * rxring: a bounded queue of received datagrams between one producer
 * thread (the UDP receive thread, collector/ingest/listen.c) and one
 * consumer (the main loop, which decodes them).  One byte array sized at
 * creation holds every queued datagram back to back (a small header, then
 * its bytes, 8-byte aligned), so a burst of small datagrams takes only the
 * room it needs; nothing is allocated afterwards.  A datagram that does not
 * fit the free room is refused (the caller counts it): the producer never
 * waits for the consumer.
 *
 * Lock-free: the producer moves only head, the consumer only tail, each
 * published with release and read with acquire ordering.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "common/addr.h"

#define COL_RXRING_MIN (128u << 10) /* bytes: a largest datagram fits */
#define COL_RXRING_MAX (1ull << 30) /* bytes */

/* What comes with a queued datagram. */
struct col_rxring_meta {
	struct mf_addr peer;
	uint16_t port;
	uint16_t sock; /* the caller's number for the socket */
	uint32_t len;  /* bytes of the datagram (<= 65535) */
};

struct col_rxring;

/*
 * A ring of bytes bytes (COL_RXRING_MIN .. COL_RXRING_MAX, rounded up to a
 * multiple of 8); NULL if out of range.  Free with col_rxring_free() (NULL
 * is fine) once neither thread uses it.
 */
struct col_rxring *col_rxring_new(size_t bytes);
void col_rxring_free(struct col_rxring *r);

/* The bytes of the ring, as rounded by col_rxring_new(). */
size_t col_rxring_size(const struct col_rxring *r);

/*
 * Producer: queue m->len bytes of data with m; FALSE (nothing queued) if
 * there is no room for them or m->len is above 65535.
 */
gboolean col_rxring_push(struct col_rxring *r, const struct col_rxring_meta *m,
    const uint8_t *data);

/*
 * Consumer: the oldest datagram (its bytes, valid until col_rxring_pop())
 * and *m; NULL if the ring is empty.
 */
const uint8_t *col_rxring_peek(struct col_rxring *r, struct col_rxring_meta *m);

/* Consumer: drop the datagram col_rxring_peek() returned. */
void col_rxring_pop(struct col_rxring *r);

#endif
