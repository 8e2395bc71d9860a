/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MF_RBUF_H
#define MF_RBUF_H

/*
 * rbuf: a cursor over untrusted bytes.  Every getter checks that enough
 * bytes are left, returns 0 or -EBADMSG, and consumes nothing on failure.
 * Multi-byte getters read network (big-endian) order.  The struct is public
 * so callers keep it on the stack: { pointer, bytes left }.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct mf_rbuf {
	const uint8_t *p; /* next unread byte; not owned */
	size_t left;      /* bytes from p to the end of the data */
};

static inline void
mf_rbuf_init(struct mf_rbuf *rb, const void *data, size_t len)
{
	rb->p = data;
	rb->left = len;
}

static inline int
mf_rbuf_get_u8(struct mf_rbuf *rb, uint8_t *v)
{
	if (rb->left < 1)
		return -EBADMSG;
	*v = rb->p[0];
	rb->p++;
	rb->left--;
	return 0;
}

static inline int
mf_rbuf_get_u16(struct mf_rbuf *rb, uint16_t *v)
{
	if (rb->left < 2)
		return -EBADMSG;
	*v = (uint16_t)((unsigned)rb->p[0] << 8 | rb->p[1]);
	rb->p += 2;
	rb->left -= 2;
	return 0;
}

static inline int
mf_rbuf_get_u32(struct mf_rbuf *rb, uint32_t *v)
{
	if (rb->left < 4)
		return -EBADMSG;
	*v = (uint32_t)rb->p[0] << 24 | (uint32_t)rb->p[1] << 16 |
	    (uint32_t)rb->p[2] << 8 | rb->p[3];
	rb->p += 4;
	rb->left -= 4;
	return 0;
}

/* Copy n bytes into out (which holds at least n). */
static inline int
mf_rbuf_get_bytes(struct mf_rbuf *rb, void *out, size_t n)
{
	if (rb->left < n)
		return -EBADMSG;
	if (n > 0)
		memcpy(out, rb->p, n);
	rb->p += n;
	rb->left -= n;
	return 0;
}

/* Skip n bytes.  Inline: the packet decoders skip in every header. */
static inline int
mf_rbuf_skip(struct mf_rbuf *rb, size_t n)
{
	if (rb->left < n)
		return -EBADMSG;
	rb->p += n;
	rb->left -= n;
	return 0;
}

/*
 * Take a view of the next n bytes into sub (which then reads them) and
 * consume them here.
 */
static inline int
mf_rbuf_sub(struct mf_rbuf *rb, size_t n, struct mf_rbuf *sub)
{
	if (rb->left < n)
		return -EBADMSG;
	sub->p = rb->p;
	sub->left = n;
	rb->p += n;
	rb->left -= n;
	return 0;
}

/*
 * The big-endian integers at p, for a caller that checked once that a
 * whole header is there (mf_rbuf_skip() or a length test) and then reads
 * its fields in place.
 */
static inline uint16_t
mf_rbuf_be16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t
mf_rbuf_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Read the u16 at byte offset off from p without consuming anything. */
int mf_rbuf_peek_u16(const struct mf_rbuf *rb, size_t off, uint16_t *v);

#endif
