/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_FWDQUEUE_H
#define COL_FWDQUEUE_H

/*
 * fwdqueue: the messages waiting for one forwarding destination
 * (collector/output/forward.h): a paced UDP receiver or a TCP one that is
 * slower than the exporters for a while.  One ring of bytes allocated at
 * start; each message is kept whole (a length, then its bytes); when a
 * new message does not fit, the oldest ones are dropped to make room and
 * counted.  No allocation after col_fwdqueue_new().
 *
 * And the pacing of a UDP destination: a token bucket of rate messages a
 * second with a burst of 20 ms worth (at least one).
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#define COL_FWDQUEUE_MIN_BYTES 65536

struct col_fwdqueue;

/* A queue of at most max_bytes (>= COL_FWDQUEUE_MIN_BYTES). */
struct col_fwdqueue *col_fwdqueue_new(size_t max_bytes);
void col_fwdqueue_free(struct col_fwdqueue *q);

/*
 * Append a copy of msg (len 1 .. 65535).  Returns the number of old
 * messages dropped to make room (0 usually), or -1 if msg itself can
 * never fit (then nothing changed).
 */
int col_fwdqueue_push(struct col_fwdqueue *q, const uint8_t *msg, size_t len);

/* TRUE if a message of len bytes fits without dropping one. */
gboolean col_fwdqueue_fits(const struct col_fwdqueue *q, size_t len);

/* The oldest message, or NULL when empty. */
const uint8_t *col_fwdqueue_peek(const struct col_fwdqueue *q, size_t *len);

/* Remove the oldest message (nothing when empty). */
void col_fwdqueue_pop(struct col_fwdqueue *q);

/* Remove every message; returns how many there were. */
size_t col_fwdqueue_clear(struct col_fwdqueue *q);

size_t col_fwdqueue_count(const struct col_fwdqueue *q);
size_t col_fwdqueue_bytes(const struct col_fwdqueue *q);

/* A token bucket; zero-initialised it is off (every message may go). */
struct col_pacer {
	double rate;   /* messages a second; 0: unpaced */
	double burst;  /* tokens at most */
	double tokens; /* now */
	uint64_t last_us;
};

void col_pacer_init(struct col_pacer *p, uint64_t rate, uint64_t now_us);

/* TRUE (and a token taken) if a message may go at now_us (monotonic). */
gboolean col_pacer_take(struct col_pacer *p, uint64_t now_us);

/* Microseconds until the next token, 0 if one is there (or unpaced). */
uint64_t col_pacer_wait_us(struct col_pacer *p, uint64_t now_us);

#endif
