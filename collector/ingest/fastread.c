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
	OP_UINT,     /* a len-byte big-endian integer into dlen bytes */
	OP_BYTES,    /* the first min(len, dlen) bytes; the rest zero */
	OP_VAR       /* a variable-length value into a struct mf_varfield */
};

struct step {
	uint8_t op;
	uint8_t dlen; /* bytes of the field */
	uint16_t len; /* bytes on the wire (OP_SKIP: several elements) */
	uint16_t dst; /* offset of the field in struct col_fixflow */
};

struct col_fastread {
	size_t min_len;  /* fixed bytes + 1 a variable-length element */
	gboolean varlen; /* some element is variable-length */
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
	p->steps[p->n_steps++] = (struct step){ op, dlen, len, dst };
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
		add_step(p, e->endian ? OP_UINT : OP_BYTES, e->len, f->offset,
		    (uint8_t)f->len);
	return TRUE;
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
		if (e[i].len == MF_VARLEN) {
			p->varlen = TRUE;
			p->min_len += 1;
		} else {
			p->min_len += e[i].len;
		}
	}
	if (p->min_len == 0) {
		g_free(p);
		return NULL; /* empty records: refused before they get here */
	}
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

/* A variable-length value's length and where it starts; -1 if cut. */
static int
get_var(const uint8_t *p, size_t left, size_t *hdr, size_t *len)
{
	if (left < 1)
		return -1;
	if (p[0] < 255) {
		*hdr = 1, *len = p[0];
	} else {
		if (left < 3)
			return -1;
		*hdr = 3, *len = (size_t)p[1] << 8 | p[2];
	}
	return *hdr + *len <= left ? 0 : -1;
}

int
col_fastread_record(const struct col_fastread *p, const uint8_t *rec,
    size_t left, struct col_fixflow *x, size_t *used)
{
	uint8_t *out = (uint8_t *)x;
	const uint8_t *c = rec;
	size_t i, hdr, len, rem = left;
	struct mf_varfield v;

	/* All fixed: min_len is the record's length, one check. */
	if (left < p->min_len)
		return -EMSGSIZE;
	for (i = 0; i < p->n_steps; i++) {
		const struct step *s = &p->steps[i];

		if (s->op == OP_SKIPVAR || s->op == OP_VAR) {
			if (get_var(c, rem, &hdr, &len) != 0)
				return -EMSGSIZE;
			if (s->op == OP_VAR) {
				v.len = len;
				v.buf = len > 0 ? c + hdr : NULL;
				memcpy(out + s->dst, &v, sizeof(v));
			}
			c += hdr + len, rem -= hdr + len;
			continue;
		}
		/* Only a variable-length value before can make this short. */
		if (p->varlen && rem < s->len)
			return -EMSGSIZE;
		if (s->op == OP_UINT) {
			put_uint(out + s->dst, s->dlen, get_be(c, s->len));
		} else if (s->op == OP_BYTES) {
			if (s->len >= s->dlen) {
				memcpy(out + s->dst, c, s->dlen);
			} else {
				memcpy(out + s->dst, c, s->len);
				memset(out + s->dst + s->len, 0,
				    (size_t)(s->dlen - s->len));
			}
		}
		c += s->len, rem -= s->len;
	}
	*used = (size_t)(c - rec);
	return 0;
}
