/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-persec"

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "collector/model/persec.h"

#define MS_PER_S 1000u

/*
 * counts[k * n + i] holds class k, second i; totals[k] their sums, kept as
 * flows are added so col_persec_total() costs nothing.
 */
struct col_persec {
	uint32_t n;
	uint64_t start_ms;
	struct col_counts *counts;
	struct col_counts totals[COL_N_CLASSES];
};

/*
 * A flow's place in the interval: it spans seconds first..last, with
 * weight (milliseconds) w_first in the first second, w_last in the last
 * and MS_PER_S in each second between; w is the whole duration.  The
 * second `first` extends back to the beginning of time, the last second
 * of the interval forward to its end, so the parts of the flow outside
 * the interval weigh in those seconds and the weights add up to w.
 */
struct span {
	uint32_t first, last, end;
	uint64_t w, w_first, w_last;
};

/* A group of seconds that share a weight, hence a share and a remainder. */
struct group {
	uint64_t base;  /* floor of the exact share of each second */
	uint64_t rem;   /* the remainder of that share, 0 .. w - 1 */
	uint32_t count; /* seconds in the group */
	uint32_t extra; /* of them, those (the earliest) that get one more */
};

struct col_persec *
col_persec_new(uint32_t interval_s)
{
	struct col_persec *p;

	if (interval_s == 0 || interval_s > COL_PERSEC_MAX_INTERVAL)
		return NULL;
	p = g_new0(struct col_persec, 1);
	p->n = interval_s;
	p->counts =
	    g_new0(struct col_counts, (size_t)interval_s * COL_N_CLASSES);
	return p;
}

void
col_persec_free(struct col_persec *p)
{
	if (p == NULL)
		return;
	g_free(p->counts);
	g_free(p);
}

void
col_persec_reset(struct col_persec *p, uint64_t start_ms)
{
	uint64_t len = (uint64_t)p->n * MS_PER_S;

	/* Keep start + len within 64 bits: no real clock gets there. */
	if (start_ms > UINT64_MAX - len)
		start_ms = UINT64_MAX - len;
	p->start_ms = start_ms;
	memset(p->counts, 0, (size_t)p->n * COL_N_CLASSES * sizeof(*p->counts));
	memset(p->totals, 0, sizeof(p->totals));
}

uint32_t
col_persec_seconds(const struct col_persec *p)
{
	return p->n;
}

/* The second of the interval that holds t (clipped to the interval). */
static uint32_t
second_of(const struct col_persec *p, uint64_t t)
{
	uint64_t last = p->n - 1u;

	if (t <= p->start_ms)
		return 0;
	t = (t - p->start_ms) / MS_PER_S;
	return (uint32_t)(t < last ? t : last);
}

/* Where [start, end) falls; end > start. */
static void
span_init(const struct col_persec *p, uint64_t start, uint64_t end,
    struct span *s)
{
	s->first = second_of(p, start);
	s->last = second_of(p, end - 1);
	s->end = second_of(p, end);
	s->w = end - start;
	if (s->first == s->last) {
		s->w_first = s->w_last = s->w;
		return;
	}
	/* first < n - 1 and last > 0, so neither bound is stretched. */
	s->w_first = p->start_ms + (uint64_t)(s->first + 1u) * MS_PER_S - start;
	s->w_last = end - (p->start_ms + (uint64_t)s->last * MS_PER_S);
}

/*
 * a * b = hi * 2^64 + lo, from 32-bit halves (no 128-bit type needed, so
 * 32-bit collectors count the same).
 */
static void
mul_64x64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
	uint64_t a0 = a & UINT32_MAX, a1 = a >> 32;
	uint64_t b0 = b & UINT32_MAX, b1 = b >> 32;
	uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
	uint64_t mid = (p00 >> 32) + (p01 & UINT32_MAX) + (p10 & UINT32_MAX);

	*lo = (mid << 32) | (p00 & UINT32_MAX);
	*hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/*
 * floor(a * b / d) and its remainder, for a < d (so the quotient, below b,
 * fits).  Products that fit in 64 bits, the usual case, take one
 * division; larger ones a bitwise long division of the 128-bit product.
 */
static uint64_t
mul_div(uint64_t a, uint64_t b, uint64_t d, uint64_t *rem)
{
	uint64_t hi, lo, q = 0, carry;
	int i;

	if (b == 0 || a <= UINT64_MAX / b) {
		*rem = a * b % d;
		return a * b / d;
	}
	mul_64x64(a, b, &hi, &lo); /* hi < d, as a < d */
	for (i = 63; i >= 0; i--) {
		carry = hi >> 63;
		hi = hi << 1 | (lo >> i & 1u);
		q <<= 1;
		if (carry != 0 || hi >= d) {
			hi -= d; /* modulo 2^64: right even with the carry */
			q |= 1u;
		}
	}
	*rem = hi;
	return q;
}

/* The share of v for weight w out of s->w: v = qv * s->w + rv. */
static void
group_init(struct group *g, uint64_t qv, uint64_t rv, uint64_t w,
    uint64_t total_w, uint32_t count)
{
	g->base = qv * w + mul_div(rv, w, total_w, &g->rem);
	g->count = count;
	g->extra = 0;
}

/*
 * Hamilton's method: give the units left over after the floors to the
 * seconds with the largest remainders, the earlier second first on a tie.
 * Every second between first and last weighs the same, so the seconds
 * fall in three groups (first, between, last), each with one remainder;
 * ordering three groups stably keeps ties in time order.
 */
static void
share_out(struct group g[3], uint64_t left)
{
	struct group *order[3] = { &g[0], &g[1], &g[2] }, *t;
	int i, j;

	for (i = 1; i < 3; i++)
		for (j = i; j > 0 && order[j]->rem > order[j - 1]->rem; j--) {
			t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (i = 0; i < 3 && left > 0; i++) {
		order[i]->extra = (uint32_t)MIN(left, order[i]->count);
		left -= order[i]->extra;
	}
	g_assert(left == 0);
}

static uint64_t *
field(struct col_counts *c, gboolean bytes)
{
	return bytes ? &c->bytes : &c->packets;
}

/* Spread v (packets, or bytes if bytes) over s's seconds in row. */
static void
spread(struct col_counts *row, gboolean bytes, const struct span *s, uint64_t v)
{
	struct group g[3];
	uint64_t qv = v / s->w, rv = v % s->w, left;
	uint32_t mid = s->last - s->first - 1u, i;

	group_init(&g[0], qv, rv, s->w_first, s->w, 1);
	group_init(&g[1], qv, rv, MS_PER_S, s->w, mid);
	group_init(&g[2], qv, rv, s->w_last, s->w, 1);
	left = v - g[0].base - g[2].base - g[1].base * mid;
	share_out(g, left);
	*field(&row[s->first], bytes) += g[0].base + g[0].extra;
	for (i = 0; i < mid; i++)
		*field(&row[s->first + 1u + i], bytes) +=
		    g[1].base + (i < g[1].extra);
	*field(&row[s->last], bytes) += g[2].base + g[2].extra;
}

void
col_persec_add(struct col_persec *p, enum col_class k, uint64_t start_ms,
    uint64_t end_ms, uint64_t flows, uint64_t packets, uint64_t bytes)
{
	struct col_counts *row, *tot;
	struct span s;

	g_return_if_fail((unsigned)k < COL_N_CLASSES);
	row = p->counts + (size_t)k * p->n;
	tot = &p->totals[k];
	if (start_ms > end_ms) {
		uint64_t t = start_ms;

		start_ms = end_ms;
		end_ms = t;
	}
	tot->flows += flows;
	tot->packets += packets;
	tot->bytes += bytes;
	if (start_ms == end_ms) {
		s.end = second_of(p, end_ms);
		row[s.end].flows += flows;
		row[s.end].packets += packets;
		row[s.end].bytes += bytes;
		return;
	}
	span_init(p, start_ms, end_ms, &s);
	row[s.end].flows += flows;
	if (s.first == s.last) {
		row[s.first].packets += packets;
		row[s.first].bytes += bytes;
		return;
	}
	spread(row, FALSE, &s, packets);
	spread(row, TRUE, &s, bytes);
}

void
col_persec_get(const struct col_persec *p, enum col_class k, uint32_t i,
    struct col_counts *out)
{
	if ((unsigned)k >= COL_N_CLASSES || i >= p->n) {
		memset(out, 0, sizeof(*out));
		return;
	}
	*out = p->counts[(size_t)k * p->n + i];
}

void
col_persec_total(const struct col_persec *p, enum col_class k,
    struct col_counts *out)
{
	if ((unsigned)k >= COL_N_CLASSES) {
		memset(out, 0, sizeof(*out));
		return;
	}
	*out = p->totals[k];
}
