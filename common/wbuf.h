/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MF_WBUF_H
#define MF_WBUF_H

/*
 * wbuf: a bounded writer into caller-owned memory.  Putters write network
 * (big-endian) order, return 0 or -ENOSPC and write nothing on failure, so
 * a message builder can try a record and fall back to starting a new
 * message.
 */
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct mf_wbuf {
	uint8_t *base; /* start of the buffer; not owned */
	size_t cap;    /* bytes available at base */
	size_t len;    /* bytes written so far */
};

void mf_wbuf_init(struct mf_wbuf *wb, void *base, size_t cap);
int mf_wbuf_put_u8(struct mf_wbuf *wb, uint8_t v);
int mf_wbuf_put_u16(struct mf_wbuf *wb, uint16_t v);
int mf_wbuf_put_u32(struct mf_wbuf *wb, uint32_t v);
int mf_wbuf_put_bytes(struct mf_wbuf *wb, const void *p, size_t n);

/* Overwrite the u16 at offset off (already written) with v. */
void mf_wbuf_patch_u16(struct mf_wbuf *wb, size_t off, uint16_t v);

/* Overwrite the u32 at offset off (already written) with v. */
void mf_wbuf_patch_u32(struct mf_wbuf *wb, size_t off, uint32_t v);

/*
 * Unchecked stores in network order at p (any alignment), for encoders
 * that checked the room of a whole record first; each returns the byte
 * after what it wrote.  The one place the encoders decide byte order, so
 * a big-endian host writes the same bytes.
 */
static inline uint8_t *
mf_store_be16(uint8_t *p, uint16_t v)
{
	v = htobe16(v);
	memcpy(p, &v, sizeof(v));
	return p + sizeof(v);
}

static inline uint8_t *
mf_store_be32(uint8_t *p, uint32_t v)
{
	v = htobe32(v);
	memcpy(p, &v, sizeof(v));
	return p + sizeof(v);
}

static inline uint8_t *
mf_store_be64(uint8_t *p, uint64_t v)
{
	v = htobe64(v);
	memcpy(p, &v, sizeof(v));
	return p + sizeof(v);
}

static inline size_t
mf_wbuf_room(const struct mf_wbuf *wb)
{
	return wb->cap - wb->len;
}

#endif
