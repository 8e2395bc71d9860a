/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-fwdqueue"

#include <string.h>

#include <glib.h>

#include "collector/output/fwdqueue.h"

#define LEN_BYTES 2 /* each message: its length, then its bytes */
#define MSG_MAX 65535

/*
 * A byte ring: messages are written at tail and read at head, wrapping
 * around the end; a message that wraps is read through scratch.
 */
struct col_fwdqueue {
	uint8_t *buf;
	size_t size, head, used, count;
	uint8_t *scratch; /* MSG_MAX bytes */
};

struct col_fwdqueue *
col_fwdqueue_new(size_t max_bytes)
{
	struct col_fwdqueue *q = g_new0(struct col_fwdqueue, 1);

	q->size = MAX(max_bytes, COL_FWDQUEUE_MIN_BYTES);
	q->buf = g_malloc(q->size);
	q->scratch = g_malloc(MSG_MAX);
	return q;
}

void
col_fwdqueue_free(struct col_fwdqueue *q)
{
	if (q == NULL)
		return;
	g_free(q->buf);
	g_free(q->scratch);
	g_free(q);
}

/* Copy n bytes in at ring offset off / out from it, wrapping. */
static void
ring_put(struct col_fwdqueue *q, size_t off, const uint8_t *p, size_t n)
{
	size_t first = MIN(n, q->size - off);

	memcpy(q->buf + off, p, first);
	memcpy(q->buf, p + first, n - first);
}

static void
ring_get(const struct col_fwdqueue *q, size_t off, uint8_t *p, size_t n)
{
	size_t first = MIN(n, q->size - off);

	memcpy(p, q->buf + off, first);
	memcpy(p + first, q->buf, n - first);
}

static size_t
head_len(const struct col_fwdqueue *q)
{
	uint8_t l[LEN_BYTES];

	ring_get(q, q->head, l, LEN_BYTES);
	return (size_t)l[0] | (size_t)l[1] << 8;
}

void
col_fwdqueue_pop(struct col_fwdqueue *q)
{
	size_t n;

	if (q->count == 0)
		return;
	n = LEN_BYTES + head_len(q);
	q->head = (q->head + n) % q->size;
	q->used -= n;
	q->count--;
	if (q->count == 0)
		q->head = q->used = 0;
}

int
col_fwdqueue_push(struct col_fwdqueue *q, const uint8_t *msg, size_t len)
{
	uint8_t l[LEN_BYTES] = { (uint8_t)len, (uint8_t)(len >> 8) };
	size_t need = LEN_BYTES + len;
	int dropped = 0;

	if (len == 0 || len > MSG_MAX || need > q->size)
		return -1;
	while (q->size - q->used < need) {
		col_fwdqueue_pop(q);
		dropped++;
	}
	ring_put(q, (q->head + q->used) % q->size, l, LEN_BYTES);
	ring_put(q, (q->head + q->used + LEN_BYTES) % q->size, msg, len);
	q->used += need;
	q->count++;
	return dropped;
}

gboolean
col_fwdqueue_fits(const struct col_fwdqueue *q, size_t len)
{
	return LEN_BYTES + len <= q->size - q->used;
}

const uint8_t *
col_fwdqueue_peek(const struct col_fwdqueue *q, size_t *len)
{
	size_t off;

	if (q->count == 0)
		return NULL;
	*len = head_len(q);
	off = (q->head + LEN_BYTES) % q->size;
	if (off + *len <= q->size)
		return q->buf + off;
	ring_get(q, off, q->scratch, *len);
	return q->scratch;
}

size_t
col_fwdqueue_clear(struct col_fwdqueue *q)
{
	size_t n = q->count;

	q->head = q->used = q->count = 0;
	return n;
}

size_t
col_fwdqueue_count(const struct col_fwdqueue *q)
{
	return q->count;
}

size_t
col_fwdqueue_bytes(const struct col_fwdqueue *q)
{
	return q->used;
}

/* --- pacing ---------------------------------------------------------------
 */

void
col_pacer_init(struct col_pacer *p, uint64_t rate, uint64_t now_us)
{
	memset(p, 0, sizeof(*p));
	p->rate = (double)rate;
	p->burst = MAX(1.0, p->rate / 50.0);
	p->tokens = p->burst;
	p->last_us = now_us;
}

static void
refill(struct col_pacer *p, uint64_t now_us)
{
	if (now_us > p->last_us) {
		p->tokens += p->rate * (double)(now_us - p->last_us) / 1e6;
		if (p->tokens > p->burst)
			p->tokens = p->burst;
	}
	p->last_us = now_us;
}

gboolean
col_pacer_take(struct col_pacer *p, uint64_t now_us)
{
	if (p->rate <= 0)
		return TRUE;
	refill(p, now_us);
	if (p->tokens < 1.0)
		return FALSE;
	p->tokens -= 1.0;
	return TRUE;
}

uint64_t
col_pacer_wait_us(struct col_pacer *p, uint64_t now_us)
{
	if (p->rate <= 0)
		return 0;
	refill(p, now_us);
	if (p->tokens >= 1.0)
		return 0;
	return (uint64_t)((1.0 - p->tokens) * 1e6 / p->rate) + 1;
}
