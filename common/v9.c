/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-v9"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "common/model.h"
#include "common/v9.h"
#include "common/wbuf.h"

#define V9_VERSION 9
#define V9_SET_TEMPLATE 0 /* template FlowSet id */
#define V9_SET_OPTIONS 1  /* options template FlowSet id */
#define V9_SET_HEADER_LEN 4
#define V9_SCOPE_SYSTEM 1 /* RFC 3954 section 6.1 scope field type */
#define V9_MIN_DATA_ID 256
#define V9_MIN_CAP 64
/* FlowSet lengths are u16: a bigger message could not describe itself. */
#define V9_MAX_CAP 65535

/* Zero bytes that bring n up to a multiple of 4. */
static size_t
pad4(size_t n)
{
	return (4 - (n & 3)) & 3;
}

/* Number of IANA (pen 0) fields in t: the only ones v9 can carry. */
static uint16_t
iana_fields(const struct mf_template *t)
{
	uint16_t i, n = 0;

	for (i = 0; i < t->n_fields; i++)
		if (t->fields[i].pen == MF_PEN_IANA)
			n++;
	return n;
}

/*
 * Whether t can be written as v9: uniflow, a data template id, at least
 * one IANA field and, for options, an IANA first field to serve as the
 * System scope (the data record writes it first).
 */
static int
check_template(const struct mf_template *t)
{
	if ((t->flags & MF_TMPL_BIFLOW) != 0 || t->id < V9_MIN_DATA_ID ||
	    iana_fields(t) == 0)
		return -EINVAL;
	if ((t->flags & MF_TMPL_OPTIONS) != 0 &&
	    t->fields[0].pen != MF_PEN_IANA)
		return -EINVAL;
	return 0;
}

/* Padding the open FlowSet needs to be closed (0 if none is open). */
static size_t
open_set_pad(const struct mf_v9_writer *w)
{
	if (w->set_off == 0)
		return 0;
	return pad4(w->wb.len - w->set_off);
}

/*
 * Pad and close the open FlowSet.  Callers checked the room: every add
 * reserves the padding of the FlowSet it leaves open.
 */
static void
close_set(struct mf_v9_writer *w)
{
	static const uint8_t zeros[4];

	if (w->set_off == 0)
		return;
	if (mf_wbuf_put_bytes(&w->wb, zeros, open_set_pad(w)) != 0)
		g_assert_not_reached();
	mf_wbuf_patch_u16(&w->wb, w->set_off + 2,
	    (uint16_t)(w->wb.len - w->set_off));
	w->set_off = 0;
	w->set_id = 0;
}

/* Open a FlowSet with id; its length is patched by close_set(). */
static int
open_set(struct mf_v9_writer *w, uint16_t id)
{
	w->set_off = w->wb.len;
	w->set_id = id;
	if (mf_wbuf_put_u16(&w->wb, id) != 0 || mf_wbuf_put_u16(&w->wb, 0) != 0)
		return -ENOSPC;
	return 0;
}

void
mf_v9_init(struct mf_v9_writer *w, uint8_t *buf, size_t cap, uint32_t source_id,
    uint64_t boot_ms)
{
	g_assert(cap >= V9_MIN_CAP);
	memset(w, 0, sizeof(*w));
	mf_wbuf_init(&w->wb, buf, cap > V9_MAX_CAP ? V9_MAX_CAP : cap);
	w->source_id = source_id;
	w->boot_ms = boot_ms;
}

void
mf_v9_begin(struct mf_v9_writer *w, uint64_t now_ms)
{
	uint32_t uptime = 0;

	/* sysUptime wraps after 49.7 days, as a router's does. */
	if (now_ms >= w->boot_ms)
		uptime = (uint32_t)(now_ms - w->boot_ms);
	w->wb.len = 0;
	w->set_off = 0;
	w->set_id = 0;
	w->count = 0;
	/* 20 bytes always fit: mf_v9_init() demands cap >= 64. */
	if (mf_wbuf_put_u16(&w->wb, V9_VERSION) != 0 ||
	    mf_wbuf_put_u16(&w->wb, 0) != 0 ||
	    mf_wbuf_put_u32(&w->wb, uptime) != 0 ||
	    mf_wbuf_put_u32(&w->wb, (uint32_t)(now_ms / 1000)) != 0 ||
	    mf_wbuf_put_u32(&w->wb, w->sequence) != 0 ||
	    mf_wbuf_put_u32(&w->wb, w->source_id) != 0)
		g_assert_not_reached();
}

/*
 * The v9 field type of an IANA element.  RFC 3954 defines one ICMP element,
 * ICMP_TYPE (32), for both IP versions; icmpTypeCodeIPv6 (139) came with
 * IPFIX, and v9 collectors such as nfdump 1.7.1 do not read it (nfdump then
 * clears the ICMP type/code), so IPv6 records carry it as 32 too.
 */
static uint16_t
v9_type(uint16_t id)
{
	return id == MF_IE_ICMP_TYPE_CODE_IPV6 ? MF_IE_ICMP_TYPE_CODE_IPV4 : id;
}

/* Write the (type, length) pairs of t's IANA fields from field first on. */
static int
put_field_specs(struct mf_wbuf *wb, const struct mf_template *t, uint16_t first)
{
	uint16_t i;
	int r;

	for (i = first; i < t->n_fields; i++) {
		const struct mf_field *f = &t->fields[i];

		if (f->pen != MF_PEN_IANA)
			continue;
		if ((r = mf_wbuf_put_u16(wb, v9_type(f->id))) != 0 ||
		    (r = mf_wbuf_put_u16(wb, f->len)) != 0)
			return r;
	}
	return 0;
}

/*
 * Template record (RFC 3954 5.2): id, field count, pairs.  Options template
 * record (6.1): id, scope length, option length (both in bytes of pairs),
 * the System scope with the first field's length, then the other fields.
 */
static int
put_template(struct mf_wbuf *wb, const struct mf_template *t, uint16_t n)
{
	const struct mf_field *scope = &t->fields[0];
	int r;

	if ((r = mf_wbuf_put_u16(wb, t->id)) != 0)
		return r;
	if ((t->flags & MF_TMPL_OPTIONS) == 0) {
		if ((r = mf_wbuf_put_u16(wb, n)) != 0)
			return r;
		return put_field_specs(wb, t, 0);
	}
	if ((r = mf_wbuf_put_u16(wb, 4)) != 0 ||
	    (r = mf_wbuf_put_u16(wb, (uint16_t)(4 * (n - 1)))) != 0 ||
	    (r = mf_wbuf_put_u16(wb, V9_SCOPE_SYSTEM)) != 0 ||
	    (r = mf_wbuf_put_u16(wb, scope->len)) != 0)
		return r;
	return put_field_specs(wb, t, 1);
}

int
mf_v9_add_template(struct mf_v9_writer *w, const struct mf_template *t)
{
	int options = (t->flags & MF_TMPL_OPTIONS) != 0;
	size_t body, need;
	uint16_t n;
	int r;

	if ((r = check_template(t)) != 0)
		return r;
	n = iana_fields(t);
	/* 4 + 4n (template) or 6 + 4n (options: scope + n - 1 options). */
	body = V9_SET_HEADER_LEN + (options ? 6u : 4u) + 4u * n;
	need = open_set_pad(w) + body + pad4(body);
	if (mf_wbuf_room(&w->wb) < need)
		return -ENOSPC;
	close_set(w);
	/* Room is checked, so none of these fail. */
	if (open_set(w, options ? V9_SET_OPTIONS : V9_SET_TEMPLATE) != 0 ||
	    put_template(&w->wb, t, n) != 0)
		g_assert_not_reached();
	close_set(w);
	w->count++;
	return 0;
}

/* Write one field of rec: integers of 1, 2, 4 or 8 bytes, else bytes. */
static int
put_value(struct mf_wbuf *wb, const struct mf_field *f, const uint8_t *rec)
{
	const uint8_t *p = rec + f->offset;
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (f->len) {
	case 1:
		memcpy(&v8, p, sizeof(v8));
		return mf_wbuf_put_uint(wb, v8, sizeof(v8));
	case 2:
		memcpy(&v16, p, sizeof(v16));
		return mf_wbuf_put_uint(wb, v16, sizeof(v16));
	case 4:
		memcpy(&v32, p, sizeof(v32));
		return mf_wbuf_put_uint(wb, v32, sizeof(v32));
	case 8:
		memcpy(&v64, p, sizeof(v64));
		return mf_wbuf_put_uint(wb, v64, sizeof(v64));
	default:
		/* applicationId, MACs and IPv6 addresses: network order. */
		return mf_wbuf_put_bytes(wb, p, f->len);
	}
}

int
mf_v9_add_record(struct mf_v9_writer *w, const struct mf_template *t,
    const void *rec)
{
	size_t len, need, body;
	uint16_t i;
	int r;

	if ((r = check_template(t)) != 0)
		return r;
	len = mf_v9_record_len(t);
	if (w->set_off != 0 && w->set_id == t->id) {
		body = w->wb.len - w->set_off + len;
		need = len + pad4(body);
	} else {
		body = V9_SET_HEADER_LEN + len;
		need = open_set_pad(w) + body + pad4(body);
	}
	/* Reserve the padding so that closing the FlowSet always fits. */
	if (mf_wbuf_room(&w->wb) < need)
		return -ENOSPC;
	if (w->set_off == 0 || w->set_id != t->id) {
		close_set(w);
		if (open_set(w, t->id) != 0)
			g_assert_not_reached();
	}
	for (i = 0; i < t->n_fields; i++) {
		if (t->fields[i].pen != MF_PEN_IANA)
			continue;
		if (put_value(&w->wb, &t->fields[i], rec) != 0)
			g_assert_not_reached();
	}
	w->count++;
	return 0;
}

size_t
mf_v9_finish(struct mf_v9_writer *w)
{
	if (w->count == 0)
		return 0;
	close_set(w);
	mf_wbuf_patch_u16(&w->wb, 2, w->count);
	w->sequence++;
	return w->wb.len;
}

size_t
mf_v9_record_len(const struct mf_template *t)
{
	size_t len = 0;
	uint16_t i;

	for (i = 0; i < t->n_fields; i++)
		if (t->fields[i].pen == MF_PEN_IANA)
			len += t->fields[i].len;
	return len;
}
