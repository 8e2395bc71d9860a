/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-wbuf"

#include <string.h>

#include <glib.h>

#include "common/wbuf.h"

void
mf_wbuf_init(struct mf_wbuf *wb, void *base, size_t cap)
{
	wb->base = base;
	wb->cap = cap;
	wb->len = 0;
}

int
mf_wbuf_put_u8(struct mf_wbuf *wb, uint8_t v)
{
	if (mf_wbuf_room(wb) < 1)
		return -ENOSPC;
	wb->base[wb->len++] = v;
	return 0;
}

/* The fixed-size putters: one bounds check, one store. */
int
mf_wbuf_put_u16(struct mf_wbuf *wb, uint16_t v)
{
	uint16_t be = GUINT16_TO_BE(v);

	return mf_wbuf_put_bytes(wb, &be, sizeof(be));
}

int
mf_wbuf_put_u32(struct mf_wbuf *wb, uint32_t v)
{
	uint32_t be = GUINT32_TO_BE(v);

	return mf_wbuf_put_bytes(wb, &be, sizeof(be));
}

int
mf_wbuf_put_bytes(struct mf_wbuf *wb, const void *p, size_t n)
{
	if (mf_wbuf_room(wb) < n)
		return -ENOSPC;
	if (n > 0)
		memcpy(wb->base + wb->len, p, n);
	wb->len += n;
	return 0;
}

void
mf_wbuf_patch_u16(struct mf_wbuf *wb, size_t off, uint16_t v)
{
	g_assert(off + 2 <= wb->len);
	wb->base[off] = (uint8_t)(v >> 8);
	wb->base[off + 1] = (uint8_t)v;
}

void
mf_wbuf_patch_u32(struct mf_wbuf *wb, size_t off, uint32_t v)
{
	g_assert(off + 4 <= wb->len);
	wb->base[off] = (uint8_t)(v >> 24);
	wb->base[off + 1] = (uint8_t)(v >> 16);
	wb->base[off + 2] = (uint8_t)(v >> 8);
	wb->base[off + 3] = (uint8_t)v;
}
