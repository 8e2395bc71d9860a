/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MF_WBUF_H
#define MF_WBUF_H

/*
 * wbuf: a bounded writer into caller-owned memory.  Putters write network
 * (big-endian) order, return 0 or -ENOSPC and write nothing on failure, so
 * a message builder can try a record and fall back to starting a new
 * message.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

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

static inline size_t
mf_wbuf_room(const struct mf_wbuf *wb)
{
	return wb->cap - wb->len;
}

#endif
