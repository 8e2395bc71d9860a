/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-msgenc"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "common/model.h"
#include "common/msgenc.h"
#include "common/wbuf.h"

#define V9_VERSION 9
#define IPFIX_VERSION 10
#define IPFIX_SET_TEMPLATE 2
#define IPFIX_SET_OPTIONS 3
#define V9_SET_TEMPLATE 0 /* template FlowSet id */
#define V9_SET_OPTIONS 1  /* options template FlowSet id */
#define V9_SET_HEADER_LEN 4
#define V9_SCOPE_SYSTEM 1 /* RFC 3954 section 6.1 scope field type */
#define V9_MIN_DATA_ID 256
#define V9_MIN_CAP 64
/* FlowSet lengths are u16: a bigger message could not describe itself. */
#define V9_MAX_CAP 65535

#define IS_V9(w) ((w)->proto == MF_MSGENC_V9)

/* Zero bytes that bring n up to a multiple of 4 (v9 FlowSets only). */
static size_t
pad4(const struct mf_msgenc *w, size_t n)
{
	return IS_V9(w) ? (4 - (n & 3)) & 3 : 0;
}

/*
 * Whether the protocol carries field f: v9 only fixed-length IANA
 * elements, IPFIX everything but the v9 fixed-length strings.
 */
static int
carries(const struct mf_msgenc *w, const struct mf_field *f)
{
	if (IS_V9(w))
		return f->pen == MF_PEN_IANA && f->kind != MF_FK_VARLEN;
	return f->kind != MF_FK_FIXSTR;
}

/* Fields of t the protocol carries. */
static uint16_t
carried_fields(const struct mf_msgenc *w, const struct mf_template *t)
{
	uint16_t i, n = 0;

	for (i = 0; i < t->n_fields; i++)
		if (carries(w, &t->fields[i]))
			n++;
	return n;
}

/* Bytes of the (type, length[, enterprise]) specs of fields from first. */
static size_t
specs_len(const struct mf_msgenc *w, const struct mf_template *t,
    uint16_t first)
{
	size_t n = 0;
	uint16_t i;

	for (i = first; i < t->n_fields; i++)
		if (carries(w, &t->fields[i]))
			n += t->fields[i].pen != MF_PEN_IANA ? 8u : 4u;
	return n;
}

/*
 * Whether t can be written as v9: uniflow, a data template id, at least
 * one IANA field and, for options, an IANA first field to serve as the
 * System scope (the data record writes it first).
 */
static int
check_template(const struct mf_msgenc *w, const struct mf_template *t)
{
	if (t->id < V9_MIN_DATA_ID || carried_fields(w, t) == 0)
		return -EINVAL;
	if (IS_V9(w) && (t->flags & MF_TMPL_IPFIX_ONLY))
		return -EINVAL;
	if (IS_V9(w) && (t->flags & MF_TMPL_BIFLOW) != 0)
		return -EINVAL;
	if ((t->flags & MF_TMPL_OPTIONS) != 0 && !carries(w, &t->fields[0]))
		return -EINVAL;
	return 0;
}

/* Padding the open FlowSet needs to be closed (0 if none is open). */
static size_t
open_set_pad(const struct mf_msgenc *w)
{
	if (w->set_off == 0)
		return 0;
	return pad4(w, w->wb.len - w->set_off);
}

/*
 * Pad and close the open FlowSet.  Callers checked the room: every add
 * reserves the padding of the FlowSet it leaves open.
 */
static void
close_set(struct mf_msgenc *w)
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
open_set(struct mf_msgenc *w, uint16_t id)
{
	w->set_off = w->wb.len;
	w->set_id = id;
	if (mf_wbuf_put_u16(&w->wb, id) != 0 || mf_wbuf_put_u16(&w->wb, 0) != 0)
		return -ENOSPC;
	return 0;
}

void
mf_msgenc_init(struct mf_msgenc *w, enum mf_msgenc_proto proto, uint8_t *buf,
    size_t cap, uint32_t source_id, uint64_t boot_ms)
{
	g_assert(cap >= V9_MIN_CAP);
	memset(w, 0, sizeof(*w));
	w->proto = proto;
	mf_wbuf_init(&w->wb, buf, cap > V9_MAX_CAP ? V9_MAX_CAP : cap);
	w->source_id = source_id;
	w->boot_ms = boot_ms;
}

void
mf_msgenc_begin(struct mf_msgenc *w, uint64_t now_ms)
{
	uint32_t uptime = 0;

	w->wb.len = 0;
	w->set_off = 0;
	w->set_id = 0;
	w->count = 0;
	w->data_records = 0;
	if (!IS_V9(w)) {
		/* 16 bytes; the length is patched by mf_msgenc_finish(). */
		if (mf_wbuf_put_u16(&w->wb, IPFIX_VERSION) != 0 ||
		    mf_wbuf_put_u16(&w->wb, 0) != 0 ||
		    mf_wbuf_put_u32(&w->wb, (uint32_t)(now_ms / 1000)) != 0 ||
		    mf_wbuf_put_u32(&w->wb, w->sequence) != 0 ||
		    mf_wbuf_put_u32(&w->wb, w->source_id) != 0)
			g_assert_not_reached();
		return;
	}
	/* sysUptime wraps after 49.7 days, as a router's does. */
	if (now_ms >= w->boot_ms)
		uptime = (uint32_t)(now_ms - w->boot_ms);
	/* 20 bytes always fit: mf_msgenc_init() demands cap >= 64. */
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

/*
 * Write the field specs of t from field first on: v9 (type, length)
 * pairs; IPFIX (id, length) with the enterprise bit and number for
 * enterprise elements.
 */
static int
put_field_specs(struct mf_msgenc *w, const struct mf_template *t,
    uint16_t first)
{
	struct mf_wbuf *wb = &w->wb;
	uint16_t i;
	int r;

	for (i = first; i < t->n_fields; i++) {
		const struct mf_field *f = &t->fields[i];

		if (!carries(w, f))
			continue;
		if (IS_V9(w))
			r = mf_wbuf_put_u16(wb, v9_type(f->id));
		else
			r = mf_wbuf_put_u16(wb,
			    f->pen != MF_PEN_IANA ? (uint16_t)(f->id | 0x8000)
			                          : f->id);
		if (r != 0 || (r = mf_wbuf_put_u16(wb, f->len)) != 0)
			return r;
		if (!IS_V9(w) && f->pen != MF_PEN_IANA &&
		    (r = mf_wbuf_put_u32(wb, f->pen)) != 0)
			return r;
	}
	return 0;
}

/*
 * Template record: id, field count, specs (RFC 3954 5.2, RFC 7011 3.4.1).
 * Options template record, v9 (6.1): id, scope length and option length
 * in bytes, the System scope with the first field's length, the others;
 * IPFIX (3.4.2.2): id, field count, scope field count 1, the specs.
 */
static int
put_template(struct mf_msgenc *w, const struct mf_template *t, uint16_t n)
{
	struct mf_wbuf *wb = &w->wb;
	const struct mf_field *scope = &t->fields[0];
	int r;

	if ((r = mf_wbuf_put_u16(wb, t->id)) != 0)
		return r;
	if ((t->flags & MF_TMPL_OPTIONS) == 0 || !IS_V9(w)) {
		if ((r = mf_wbuf_put_u16(wb, n)) != 0 ||
		    ((t->flags & MF_TMPL_OPTIONS) != 0 &&
		        (r = mf_wbuf_put_u16(wb, 1)) != 0))
			return r;
		return put_field_specs(w, t, 0);
	}
	if ((r = mf_wbuf_put_u16(wb, 4)) != 0 ||
	    (r = mf_wbuf_put_u16(wb, (uint16_t)(4 * (n - 1)))) != 0 ||
	    (r = mf_wbuf_put_u16(wb, V9_SCOPE_SYSTEM)) != 0 ||
	    (r = mf_wbuf_put_u16(wb, scope->len)) != 0)
		return r;
	return put_field_specs(w, t, 1);
}

static uint16_t
template_set_id(const struct mf_msgenc *w, int options)
{
	if (IS_V9(w))
		return options ? V9_SET_OPTIONS : V9_SET_TEMPLATE;
	return options ? IPFIX_SET_OPTIONS : IPFIX_SET_TEMPLATE;
}

int
mf_msgenc_add_template(struct mf_msgenc *w, const struct mf_template *t)
{
	int options = (t->flags & MF_TMPL_OPTIONS) != 0;
	size_t body, need;
	uint16_t n;
	int r;

	if ((r = check_template(w, t)) != 0)
		return r;
	n = carried_fields(w, t);
	/* Header 4 (+2 for an options template), then the field specs. */
	body = V9_SET_HEADER_LEN + (options ? 6u : 4u) + specs_len(w, t, 0);
	need = open_set_pad(w) + body + pad4(w, body);
	if (mf_wbuf_room(&w->wb) < need)
		return -ENOSPC;
	close_set(w);
	/* Room is checked, so none of these fail. */
	if (open_set(w, template_set_id(w, options)) != 0 ||
	    put_template(w, t, n) != 0)
		g_assert_not_reached();
	close_set(w);
	w->count++;
	return 0;
}

/* The variable-length value of f in rec, cut to what a message can hold. */
static struct mf_varfield
var_value(const struct mf_field *f, const uint8_t *rec)
{
	struct mf_varfield v;

	memcpy(&v, rec + f->offset, sizeof(v));
	if (v.buf == NULL)
		v.len = 0;
	if (v.len > MF_MSGENC_VAR_MAX)
		v.len = MF_MSGENC_VAR_MAX;
	return v;
}

/* Wire bytes of a variable-length value: 1- or 3-byte length prefix. */
static size_t
var_wire_len(size_t len)
{
	return len < 255 ? 1 + len : 3 + len;
}

/* Write f's value; returns the bytes written. */
static size_t
put_var(uint8_t *out, const struct mf_field *f, const uint8_t *rec)
{
	struct mf_varfield v = var_value(f, rec);
	size_t n;

	if (f->kind == MF_FK_FIXSTR) {
		n = v.len < f->len ? v.len : f->len;
		if (n > 0)
			memcpy(out, v.buf, n);
		memset(out + n, 0, f->len - n);
		return f->len;
	}
	if (v.len < 255) {
		out[0] = (uint8_t)v.len;
		n = 1;
	} else {
		out[0] = 255;
		out[1] = (uint8_t)(v.len >> 8);
		out[2] = (uint8_t)v.len;
		n = 3;
	}
	if (v.len > 0)
		memcpy(out + n, v.buf, v.len);
	return n + v.len;
}

/* Bytes the variable-length fields of rec add to t's fixed length. */
static size_t
var_extra(const struct mf_msgenc *w, const struct mf_template *t,
    const uint8_t *rec)
{
	size_t n = 0;
	uint8_t i;

	for (i = 0; i < w->n_var; i++)
		n += var_wire_len(var_value(&t->fields[w->var[i]], rec).len);
	return n;
}

enum op_code {
	OP_U8,   /* 1 byte as it is */
	OP_BE16, /* host-order integers stored big-endian */
	OP_BE32,
	OP_BE64,
	OP_B6,    /* MAC addresses */
	OP_B16,   /* IPv6 addresses */
	OP_BYTES, /* any other fixed length, as it is */
	OP_VAR,   /* MF_FK_VARLEN or MF_FK_FIXSTR: put_var() */
};
/* Every fixed-length kind has its run in struct mf_msgenc. */
G_STATIC_ASSERT(OP_VAR == MF_MSGENC_N_RUNS);

/* How put_value() writes f: integers of 1, 2, 4 or 8 bytes, else bytes. */
static uint8_t
op_code(const struct mf_field *f)
{
	if (f->kind != MF_FK_VALUE)
		return OP_VAR;
	switch (f->len) {
	case 1:
		return OP_U8;
	case 2:
		return OP_BE16;
	case 4:
		return OP_BE32;
	case 8:
		return OP_BE64;
	case 6:
		return OP_B6;
	case 16:
		return OP_B16;
	default:
		return OP_BYTES;
	}
}

/*
 * Compile the fields of t the protocol carries into w->ops and remember
 * which of them are variable-length, so that each record walks only
 * those, one store each.  -EINVAL if t has more than the arrays hold.
 */
static int
index_fields(struct mf_msgenc *w, const struct mf_template *t)
{
	struct mf_msgenc_op *op;
	uint16_t i;

	if (t->n_fields > MF_MSGENC_MAX_FIELDS)
		return -EINVAL;
	w->n_carried = w->n_var = 0;
	for (i = 0; i < t->n_fields; i++) {
		if (!carries(w, &t->fields[i]))
			continue;
		op = &w->ops[w->n_carried++];
		op->offset = t->fields[i].offset;
		op->len = t->fields[i].len;
		op->code = op_code(&t->fields[i]);
		op->field = (uint8_t)i;
		if (t->fields[i].kind != MF_FK_VARLEN)
			continue;
		if (w->n_var == MF_MSGENC_MAX_VAR)
			return -EINVAL;
		w->var[w->n_var++] = (uint8_t)i;
	}
	return 0;
}

/*
 * Group the fields ahead of the first variable-length one (all of them in
 * v9, whose strings have a fixed length; in IPFIX all but the labels) by
 * store kind, each with the wire offset it always has, so that a record
 * writes them in one tight run per kind instead of one switch per field.
 */
static void
compile_head(struct mf_msgenc *w)
{
	uint8_t at[MF_MSGENC_N_RUNS];
	uint8_t i, k, n = 0;
	uint16_t to = 0;

	memset(w->run, 0, sizeof(w->run));
	for (i = 0; i < w->n_carried && w->ops[i].code < OP_VAR; i++)
		w->run[w->ops[i].code + 1]++;
	w->n_head = i;
	for (k = 0; k < MF_MSGENC_N_RUNS; k++) {
		at[k] = n;
		n = (uint8_t)(n + w->run[k + 1]);
		w->run[k + 1] = n;
	}
	for (i = 0; i < w->n_head; i++) {
		struct mf_msgenc_store *st = &w->store[at[w->ops[i].code]++];

		st->from = w->ops[i].offset;
		st->to = to;
		st->len = w->ops[i].len;
		to = (uint16_t)(to + w->ops[i].len);
	}
	w->head_len = to;
}

/* Store the head of rec (compile_head()) at out; room was checked. */
static void
put_head(uint8_t *out, const struct mf_msgenc *w, const uint8_t *rec)
{
	const struct mf_msgenc_store *st = w->store;
	const struct mf_msgenc_store *end;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	for (end = w->store + w->run[OP_U8 + 1]; st < end; st++)
		out[st->to] = rec[st->from];
	for (end = w->store + w->run[OP_BE16 + 1]; st < end; st++) {
		memcpy(&v16, rec + st->from, sizeof(v16));
		mf_store_be16(out + st->to, v16);
	}
	for (end = w->store + w->run[OP_BE32 + 1]; st < end; st++) {
		memcpy(&v32, rec + st->from, sizeof(v32));
		mf_store_be32(out + st->to, v32);
	}
	for (end = w->store + w->run[OP_BE64 + 1]; st < end; st++) {
		memcpy(&v64, rec + st->from, sizeof(v64));
		mf_store_be64(out + st->to, v64);
	}
	for (end = w->store + w->run[OP_B6 + 1]; st < end; st++)
		memcpy(out + st->to, rec + st->from, 6);
	for (end = w->store + w->run[OP_B16 + 1]; st < end; st++)
		memcpy(out + st->to, rec + st->from, 16);
	for (end = w->store + w->run[OP_BYTES + 1]; st < end; st++)
		memcpy(out + st->to, rec + st->from, st->len);
}

/*
 * Write one field of rec at out (room already checked by the caller):
 * integers of 1, 2, 4 or 8 bytes in network order, else bytes as they are
 * (applicationId, MACs and IPv6 addresses are network order already),
 * strings with their length.  Returns the bytes written.
 */
static inline size_t
put_value(uint8_t *out, const struct mf_msgenc_op *op,
    const struct mf_template *t, const uint8_t *rec)
{
	const uint8_t *p = rec + op->offset;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (op->code) {
	case OP_U8:
		*out = *p;
		return 1;
	case OP_BE16:
		memcpy(&v16, p, sizeof(v16));
		mf_store_be16(out, v16);
		return 2;
	case OP_BE32:
		memcpy(&v32, p, sizeof(v32));
		mf_store_be32(out, v32);
		return 4;
	case OP_BE64:
		memcpy(&v64, p, sizeof(v64));
		mf_store_be64(out, v64);
		return 8;
	case OP_B6:
		memcpy(out, p, 6);
		return 6;
	case OP_B16:
		memcpy(out, p, 16);
		return 16;
	case OP_BYTES:
		memcpy(out, p, op->len);
		return op->len;
	default:
		return put_var(out, &t->fields[op->field], rec);
	}
}

/* Templates are static tables: check and compile each one once in a row. */
static int
use_template(struct mf_msgenc *w, const struct mf_template *t)
{
	int r;

	if (t == w->last_t)
		return 0;
	w->last_t = NULL;
	if ((r = check_template(w, t)) != 0 || (r = index_fields(w, t)) != 0)
		return r;
	compile_head(w);
	w->last_t = t;
	w->last_len = mf_msgenc_record_len(w, t);
	return 0;
}

/*
 * Make room for a data record of t of len bytes in its data set (opened
 * here if another set is open) and count it; NULL if it does not fit.
 */
static uint8_t *
reserve(struct mf_msgenc *w, const struct mf_template *t, size_t len)
{
	size_t need, body;
	uint8_t *out;

	if (w->set_off != 0 && w->set_id == t->id) {
		body = w->wb.len - w->set_off + len;
		need = len + pad4(w, body);
	} else {
		body = V9_SET_HEADER_LEN + len;
		need = open_set_pad(w) + body + pad4(w, body);
	}
	/* Reserve the padding so that closing the FlowSet always fits. */
	if (mf_wbuf_room(&w->wb) < need)
		return NULL;
	if (w->set_off == 0 || w->set_id != t->id) {
		close_set(w);
		if (open_set(w, t->id) != 0)
			g_assert_not_reached();
	}
	out = w->wb.base + w->wb.len;
	w->wb.len += len;
	w->count++;
	w->data_records++;
	return out;
}

int
mf_msgenc_add_record(struct mf_msgenc *w, const struct mf_template *t,
    const void *rec)
{
	size_t len;
	uint8_t *out;
	uint8_t i;
	int r;

	if ((r = use_template(w, t)) != 0)
		return r;
	len = w->last_len;
	if (w->n_var > 0)
		len += var_extra(w, t, rec);
	if ((out = reserve(w, t, len)) == NULL)
		return -ENOSPC;
	put_head(out, w, rec);
	out += w->head_len;
	for (i = w->n_head; i < w->n_carried; i++)
		out += put_value(out, &w->ops[i], t, rec);
	return 0;
}

uint8_t *
mf_msgenc_reserve_record(struct mf_msgenc *w, const struct mf_template *t,
    size_t var_len, int *err)
{
	uint8_t *out;

	/* Not compiled: the caller writes the fields. */
	if (t != w->raw_t) {
		w->raw_t = NULL;
		if ((*err = check_template(w, t)) != 0)
			return NULL;
		w->raw_t = t;
		w->raw_len = mf_msgenc_record_len(w, t);
	}
	*err = 0;
	if ((out = reserve(w, t, w->raw_len + var_len)) == NULL)
		*err = -ENOSPC;
	return out;
}

size_t
mf_msgenc_var_len(size_t len)
{
	return var_wire_len(len > MF_MSGENC_VAR_MAX ? MF_MSGENC_VAR_MAX : len);
}

size_t
mf_msgenc_put_var(uint8_t *out, const uint8_t *buf, size_t len)
{
	struct mf_field f = { 0, 0, 0, 0, MF_FK_VARLEN };
	struct mf_varfield v = { len, buf };

	return put_var(out, &f, (const uint8_t *)&v);
}

size_t
mf_msgenc_finish(struct mf_msgenc *w)
{
	if (w->count == 0)
		return 0;
	close_set(w);
	if (IS_V9(w)) {
		mf_wbuf_patch_u16(&w->wb, 2, w->count);
		w->sequence++;
	} else {
		mf_wbuf_patch_u16(&w->wb, 2, (uint16_t)w->wb.len);
		w->sequence += w->data_records;
	}
	return w->wb.len;
}

size_t
mf_msgenc_record_len(const struct mf_msgenc *w, const struct mf_template *t)
{
	size_t len = 0;
	uint16_t i;

	for (i = 0; i < t->n_fields; i++)
		if (carries(w, &t->fields[i]) &&
		    t->fields[i].kind != MF_FK_VARLEN)
			len += t->fields[i].len;
	return len;
}
