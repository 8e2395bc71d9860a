/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-rxring"

#include <stdatomic.h>
#include <string.h>

#include <glib.h>

#include "collector/ingest/rxring.h"

#define ALIGN8(n) (((n) + 7u) & ~(size_t)7u)
#define HDR ALIGN8(sizeof(struct col_rxring_meta))
#define WRAP UINT32_MAX /* a header's len: the rest of the array is unused */
#define LINE 64         /* head and tail on cache lines of their own */

struct col_rxring {
	uint8_t *buf;
	size_t size; /* multiple of 8 */
	/* Positions count bytes since the start; the index is pos % size. */
	_Alignas(LINE) _Atomic size_t head; /* moved by the producer */
	_Alignas(LINE) _Atomic size_t tail; /* moved by the consumer */
	size_t taken; /* consumer: bytes of the entry peeked, 0 if none */
};

struct col_rxring *
col_rxring_new(size_t bytes)
{
	struct col_rxring *r;

	if (bytes < COL_RXRING_MIN || bytes > COL_RXRING_MAX)
		return NULL;
	r = g_new0(struct col_rxring, 1);
	r->size = ALIGN8(bytes);
	r->buf = g_malloc(r->size);
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	return r;
}

void
col_rxring_free(struct col_rxring *r)
{
	if (r == NULL)
		return;
	g_free(r->buf);
	g_free(r);
}

size_t
col_rxring_size(const struct col_rxring *r)
{
	return r->size;
}

gboolean
col_rxring_push(struct col_rxring *r, const struct col_rxring_meta *m,
    const uint8_t *data)
{
	size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
	size_t pos = head % r->size, contig = r->size - pos, skip = 0;
	size_t need = HDR + ALIGN8((size_t)m->len);

	if (m->len > 65535)
		return FALSE;
	if (contig < need)
		skip = contig; /* an entry never wraps: start again at 0 */
	if (r->size - (head - tail) < skip + need)
		return FALSE;
	if (skip >= HDR) {
		struct col_rxring_meta w;

		memset(&w, 0, sizeof(w));
		w.len = WRAP;
		memcpy(r->buf + pos, &w, sizeof(w));
	}
	pos = (pos + skip) % r->size;
	memcpy(r->buf + pos, m, sizeof(*m));
	memcpy(r->buf + pos + HDR, data, m->len);
	atomic_store_explicit(&r->head, head + skip + need,
	    memory_order_release);
	return TRUE;
}

const uint8_t *
col_rxring_peek(struct col_rxring *r, struct col_rxring_meta *m)
{
	size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
	size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	size_t pos, contig;

	if (tail == head)
		return NULL;
	pos = tail % r->size;
	contig = r->size - pos;
	if (contig >= HDR) {
		memcpy(m, r->buf + pos, sizeof(*m));
		if (m->len != WRAP) {
			r->taken = HDR + ALIGN8((size_t)m->len);
			return r->buf + pos + HDR;
		}
	}
	/*
	 * The producer skipped the end of the array (too short for a header,
	 * or marked WRAP) and put the entry at its start.
	 */
	memcpy(m, r->buf, sizeof(*m));
	r->taken = contig + HDR + ALIGN8((size_t)m->len);
	return r->buf + HDR;
}

void
col_rxring_pop(struct col_rxring *r)
{
	size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);

	g_assert(r->taken > 0);
	atomic_store_explicit(&r->tail, tail + r->taken, memory_order_release);
	r->taken = 0;
}
