/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-rbuf"

#include <string.h>

#include "common/rbuf.h"

int
mf_rbuf_peek_u16(const struct mf_rbuf *rb, size_t off, uint16_t *v)
{
	if (off > rb->left || rb->left - off < 2)
		return -EBADMSG;
	*v = (uint16_t)((unsigned)rb->p[off] << 8 | rb->p[off + 1]);
	return 0;
}
