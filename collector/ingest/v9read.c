/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-v9read"

#include <errno.h>

#include <glib.h>

#include "collector/ingest/v9read.h"
#include "common/rbuf.h"
#include "common/wbuf.h"

static uint16_t
scope_element(uint16_t v9_scope)
{
	switch (v9_scope) {
	case 1:
		return 144; /* System: exportingProcessId */
	case 2:
		return 10; /* Interface: ingressInterface */
	case 3:
		return 141; /* Line Card: lineCardId */
	case 4:
		return 143; /* Cache: meteringProcessId */
	case 5:
		return 145; /* Template: templateId */
	default:
		return 144;
	}
}

/* Copy one (type, length) pair, giving vendor types an enterprise. */
static int
put_field(struct mf_wbuf *wb, uint16_t type, uint16_t len)
{
	int r;

	if ((r = mf_wbuf_put_u16(wb, type)) != 0 ||
	    (r = mf_wbuf_put_u16(wb, len)) != 0)
		return r;
	return (type & 0x8000) ? mf_wbuf_put_u32(wb, COL_V9_VENDOR_PEN) : 0;
}

static int
templates(struct mf_rbuf *set, struct mf_wbuf *wb)
{
	uint16_t tid, count, type, len, i;

	while (set->left >= 4) {
		if (mf_rbuf_get_u16(set, &tid) != 0 ||
		    mf_rbuf_get_u16(set, &count) != 0 || tid < 256 ||
		    mf_wbuf_put_u16(wb, tid) != 0 ||
		    mf_wbuf_put_u16(wb, count) != 0)
			return -EBADMSG;
		for (i = 0; i < count; i++)
			if (mf_rbuf_get_u16(set, &type) != 0 ||
			    mf_rbuf_get_u16(set, &len) != 0 ||
			    put_field(wb, type, len) != 0)
				return -EBADMSG;
	}
	return 0;
}

static int
options(struct mf_rbuf *set, struct mf_wbuf *wb)
{
	uint16_t tid, slen, olen, type, len, i;

	/* Records are at least 6 bytes; less is padding. */
	while (set->left >= 6) {
		if (mf_rbuf_get_u16(set, &tid) != 0 ||
		    mf_rbuf_get_u16(set, &slen) != 0 ||
		    mf_rbuf_get_u16(set, &olen) != 0 || tid < 256 ||
		    slen % 4 != 0 || olen % 4 != 0 || slen == 0 ||
		    mf_wbuf_put_u16(wb, tid) != 0 ||
		    mf_wbuf_put_u16(wb, (uint16_t)((slen + olen) / 4)) != 0 ||
		    mf_wbuf_put_u16(wb, (uint16_t)(slen / 4)) != 0)
			return -EBADMSG;
		for (i = 0; i < (slen + olen) / 4; i++) {
			if (mf_rbuf_get_u16(set, &type) != 0 ||
			    mf_rbuf_get_u16(set, &len) != 0)
				return -EBADMSG;
			if (i < slen / 4)
				type = scope_element(type);
			if (put_field(wb, type, len) != 0)
				return -EBADMSG;
		}
	}
	return 0;
}

/* Translate one FlowSet (header already read) into an IPFIX set. */
static int
flowset(uint16_t id, struct mf_rbuf *set, struct mf_wbuf *wb)
{
	size_t start = wb->len;
	int r;

	if (mf_wbuf_put_u16(wb,
	        id == 0       ? 2
	            : id == 1 ? 3
	                      : id) != 0 ||
	    mf_wbuf_put_u16(wb, 0) != 0)
		return -EBADMSG;
	if (id == 0)
		r = templates(set, wb);
	else if (id == 1)
		r = options(set, wb);
	else if (id >= 256)
		r = mf_wbuf_put_bytes(wb, set->p, set->left) == 0 ? 0
		                                                  : -EBADMSG;
	else
		r = -EBADMSG; /* FlowSet ids 2..255 are reserved */
	if (r != 0) {
		wb->len = start; /* drop the half-written set */
		return r;
	}
	mf_wbuf_patch_u16(wb, start + 2, (uint16_t)(wb->len - start));
	return 0;
}

static void
sequence(struct col_v9state *st, uint32_t seq)
{
	uint32_t gap = seq - st->next_seq;

	if (st->have_seq && gap != 0 && gap < 0x80000000u)
		st->lost_packets += gap;
	st->have_seq = 1;
	st->next_seq = seq + 1;
}

int
col_v9_translate(struct col_v9state *st, const uint8_t *in, size_t len,
    uint8_t *out, size_t cap, size_t *out_len, uint32_t *source_id,
    uint64_t *boot_ms)
{
	struct mf_rbuf rb, set;
	struct mf_wbuf wb;
	uint16_t version, count, id, slen;
	uint32_t uptime, secs, seq;

	mf_rbuf_init(&rb, in, len);
	if (mf_rbuf_get_u16(&rb, &version) != 0 || version != 9 ||
	    mf_rbuf_get_u16(&rb, &count) != 0 ||
	    mf_rbuf_get_u32(&rb, &uptime) != 0 ||
	    mf_rbuf_get_u32(&rb, &secs) != 0 ||
	    mf_rbuf_get_u32(&rb, &seq) != 0 ||
	    mf_rbuf_get_u32(&rb, source_id) != 0 || cap < 16) {
		st->malformed++;
		return -EBADMSG;
	}
	sequence(st, seq);
	*boot_ms = (uint64_t)secs * 1000 - uptime;
	mf_wbuf_init(&wb, out, cap < 65535 ? cap : 65535);
	mf_wbuf_put_u16(&wb, 10);
	mf_wbuf_put_u16(&wb, 0);
	mf_wbuf_put_u32(&wb, secs);
	mf_wbuf_put_u32(&wb, 0); /* fixread does not check v9 sequences */
	mf_wbuf_put_u32(&wb, *source_id);
	while (rb.left >= 4) {
		if (mf_rbuf_get_u16(&rb, &id) != 0 ||
		    mf_rbuf_get_u16(&rb, &slen) != 0 || slen < 4 ||
		    mf_rbuf_sub(&rb, (size_t)slen - 4, &set) != 0 ||
		    flowset(id, &set, &wb) != 0) {
			st->malformed++;
			rb.left =
			    0; /* the rest cannot be framed: counted once */
			break;
		}
	}
	/* 1..3 bytes after the last FlowSet: not even a FlowSet header. */
	if (rb.left > 0)
		st->malformed++;
	mf_wbuf_patch_u16(&wb, 2, (uint16_t)wb.len);
	*out_len = wb.len;
	return 0;
}
