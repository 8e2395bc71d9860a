/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-fastread"

#include <errno.h>
#include <string.h>

#include <glib.h>

#include "collector/ingest/fastread.h"
#include "collector/ingest/fixflow.h"
#include "common/model.h"

enum op {
	OP_SKIP = 1, /* len bytes */
	OP_SKIPVAR,  /* a variable-length value */
	OP_VAR,      /* a variable-length value into a struct mf_varfield */
	OP_U8,       /* len == dlen: a big-endian integer of 1 .. 8 bytes */
	OP_U16,
	OP_U32,
	OP_U64,
	OP_UINT,  /* a len-byte big-endian integer into dlen bytes */
	OP_BYTES, /* the first min(len, dlen) bytes; the rest zero */
	OP_B6,    /* len == dlen == 6 bytes (a MAC address), copied */
	OP_B16    /* len == dlen == 16 bytes (an IPv6 address), copied */
};

struct step {
	uint8_t op;
	uint8_t dlen; /* bytes of the field */
	uint16_t len; /* bytes on the wire (OP_SKIP: several elements) */
	uint16_t dst; /* offset of the field in struct col_fixflow */
	/*
	 * Variable-length steps: the fixed bytes up to the next variable-length
	 * element (or the end), checked with the value, so that fixed steps
	 * need no check of their own.
	 */
	uint32_t run;
};

struct col_fastread {
	size_t min_len; /* fixed bytes + 1 a variable-length element */
	size_t n_steps;
	struct step steps[]; /* at most one an element */
};

static void
add_step(struct col_fastread *p, uint8_t op, uint16_t len, uint16_t dst,
    uint8_t dlen)
{
	struct step *last = p->n_steps > 0 ? &p->steps[p->n_steps - 1] : NULL;

	/* Adjacent skipped bytes: one step, as long as the length holds. */
	if (op == OP_SKIP && last != NULL && last->op == OP_SKIP &&
	    (uint32_t)last->len + len <= UINT16_MAX) {
		last->len = (uint16_t)(last->len + len);
		return;
	}
	p->steps[p->n_steps++] = (struct step){ op, dlen, len, dst, 0 };
}

/* The integer op for len bytes into dlen. */
static uint8_t
uint_op(uint16_t len, uint16_t dlen)
{
	if (len != dlen)
		return OP_UINT;
	switch (len) {
	case 1:
		return OP_U8;
	case 2:
		return OP_U16;
	case 4:
		return OP_U32;
	case 8:
		return OP_U64;
	default:
		return OP_UINT;
	}
}

/*
 * Bytes copied whole: the sizes records carry most have an op of their
 * own, so that the copy is of a constant size (inlined, not a call).
 */
static uint8_t
bytes_op(uint16_t len, uint16_t dlen)
{
	if (len == dlen && len == 6)
		return OP_B6;
	if (len == dlen && len == 16)
		return OP_B16;
	return OP_BYTES;
}

/* The step for element e whose field is row (or -1): FALSE if none fits. */
static gboolean
compile_one(struct col_fastread *p, const struct col_fastread_elem *e, int row,
    uint64_t *used)
{
	const struct mf_field *f;
	gboolean var = e->len == MF_VARLEN;

	if (row >= 0 && (*used & (UINT64_C(1) << row)) != 0)
		row = -1; /* a second instance: libfixbuf reads the first */
	if (row < 0) {
		if (var)
			add_step(p, OP_SKIPVAR, 0, 0, 0);
		else
			add_step(p, OP_SKIP, e->len, 0, 0);
		return TRUE;
	}
	f = &col_fixflow_tmpl.fields[row];
	*used |= UINT64_C(1) << row;
	if (var != (f->kind == MF_FK_VARLEN))
		return FALSE; /* libfixbuf refuses to transcode those */
	if (var)
		add_step(p, OP_VAR, 0, f->offset, 0);
	else if (e->endian && (f->len > 8 || e->len > 8 || e->len == 0))
		return FALSE;
	else
		add_step(p,
		    e->endian ? uint_op(e->len, f->len)
		              : bytes_op(e->len, f->len),
		    e->len, f->offset, (uint8_t)f->len);
	return TRUE;
}

/* Each variable-length step learns the fixed bytes that follow it. */
static void
set_runs(struct col_fastread *p)
{
	uint32_t run = 0;
	size_t i = p->n_steps;

	while (i-- > 0) {
		struct step *s = &p->steps[i];

		if (s->op == OP_SKIPVAR || s->op == OP_VAR) {
			s->run = run;
			run = 0;
		} else {
			run += s->len;
		}
	}
}

struct col_fastread *
col_fastread_compile(const struct col_fastread_elem *e, size_t n)
{
	struct col_fastread *p;
	uint64_t used = 0;
	size_t i;

	if (n == 0)
		return NULL;
	p = g_malloc0(sizeof(*p) + n * sizeof(p->steps[0]));
	for (i = 0; i < n; i++) {
		if (!compile_one(p, &e[i], col_fixflow_find(e[i].pen, e[i].id),
		        &used)) {
			g_free(p);
			return NULL;
		}
		p->min_len += e[i].len == MF_VARLEN ? 1u : e[i].len;
	}
	if (p->min_len == 0) {
		g_free(p);
		return NULL; /* empty records: refused before they get here */
	}
	set_runs(p);
	return p;
}

void
col_fastread_free(struct col_fastread *p)
{
	g_free(p);
}

size_t
col_fastread_min_len(const struct col_fastread *p)
{
	return p->min_len;
}

static uint64_t
get_be(const uint8_t *b, unsigned len)
{
	uint64_t v = 0;
	unsigned i;

	switch (len) {
	case 1:
		return b[0];
	case 2:
		return (uint64_t)b[0] << 8 | b[1];
	case 4:
		return (uint64_t)b[0] << 24 | (uint64_t)b[1] << 16 |
		    (uint64_t)b[2] << 8 | b[3];
	case 8:
		return (uint64_t)b[0] << 56 | (uint64_t)b[1] << 48 |
		    (uint64_t)b[2] << 40 | (uint64_t)b[3] << 32 |
		    (uint64_t)b[4] << 24 | (uint64_t)b[5] << 16 |
		    (uint64_t)b[6] << 8 | b[7];
	default: /* reduced-size encoding: 3, 5, 6 or 7 bytes */
		for (i = 0; i < len; i++)
			v = v << 8 | b[i];
		return v;
	}
}

/* An integer into a field of dlen bytes: its low bytes, as libfixbuf. */
static void
put_uint(uint8_t *d, unsigned dlen, uint64_t v)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;

	switch (dlen) {
	case 1:
		u8 = (uint8_t)v;
		memcpy(d, &u8, 1);
		break;
	case 2:
		u16 = (uint16_t)v;
		memcpy(d, &u16, 2);
		break;
	case 4:
		u32 = (uint32_t)v;
		memcpy(d, &u32, 4);
		break;
	default:
		memcpy(d, &v, 8);
		break;
	}
}

/*
 * A variable-length value at c (rem bytes left) and the fixed run after
 * it: its header and value lengths, or -1 if they do not fit.
 */
static int
get_var(const uint8_t *c, size_t rem, uint32_t run, size_t *hdr, size_t *len)
{
	if (rem < 1)
		return -1;
	if (c[0] < 255) {
		*hdr = 1, *len = c[0];
	} else {
		if (rem < 3)
			return -1;
		*hdr = 3, *len = (size_t)c[1] << 8 | c[2];
	}
	return *hdr + *len + run <= rem ? 0 : -1;
}

static void
put_bytes(uint8_t *d, const struct step *s, const uint8_t *c)
{
	if (s->len >= s->dlen) {
		memcpy(d, c, s->dlen);
	} else {
		memcpy(d, c, s->len);
		memset(d + s->len, 0, (size_t)(s->dlen - s->len));
	}
}

int
col_fastread_record(const struct col_fastread *p, const uint8_t *rec,
    size_t left, struct col_fixflow *x, size_t *used)
{
	uint8_t *out = (uint8_t *)x;
	const uint8_t *c = rec, *end = rec + left;
	const struct step *s = p->steps, *last = p->steps + p->n_steps;
	size_t hdr, len;
	struct mf_varfield v;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	/*
	 * min_len covers the fixed bytes before the first variable-length
	 * value; each such value is checked with the fixed run after it.
	 */
	if (left < p->min_len)
		return -EMSGSIZE;
	for (; s < last; s++) {
		switch (s->op) {
		case OP_SKIP:
			break;
		case OP_SKIPVAR:
		case OP_VAR:
			if (get_var(c, (size_t)(end - c), s->run, &hdr, &len) !=
			    0)
				return -EMSGSIZE;
			if (s->op == OP_VAR) {
				v.len = len;
				v.buf = len > 0 ? c + hdr : NULL;
				memcpy(out + s->dst, &v, sizeof(v));
			}
			c += hdr + len;
			continue;
		case OP_U8:
			out[s->dst] = c[0];
			break;
		case OP_U16:
			u16 = (uint16_t)(c[0] << 8 | c[1]);
			memcpy(out + s->dst, &u16, 2);
			break;
		case OP_U32:
			u32 = (uint32_t)get_be(c, 4);
			memcpy(out + s->dst, &u32, 4);
			break;
		case OP_U64:
			u64 = get_be(c, 8);
			memcpy(out + s->dst, &u64, 8);
			break;
		case OP_UINT:
			put_uint(out + s->dst, s->dlen, get_be(c, s->len));
			break;
		case OP_B6:
			memcpy(out + s->dst, c, 6);
			break;
		case OP_B16:
			memcpy(out + s->dst, c, 16);
			break;
		default:
			put_bytes(out + s->dst, s, c);
			break;
		}
		c += s->len;
	}
	*used = (size_t)(c - rec);
	return 0;
}
