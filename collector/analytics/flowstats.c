/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-flowstats"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "collector/model/flow.h"
#include "collector/analytics/flowstats.h"
#include "collector/model/tables.h"
#include "common/addr.h"
#include "common/model.h"

/*
 * The histogram: values below 2 * SUB have a bucket each; a value of
 * highest bit e >= SUB_BITS + 1 goes to bucket (shift + 1) * SUB + (m -
 * SUB), with shift = e - SUB_BITS and m = v >> shift (SUB .. 2 * SUB - 1).
 * The largest, 2^64 - 1, has shift 57: bucket 58 * 64 + 63 = 3775.
 */
#define SUB_BITS 6
#define SUB (1u << SUB_BITS)
#define HIST_BUCKETS ((64 - SUB_BITS + 1) * SUB)
G_STATIC_ASSERT(HIST_BUCKETS == 3776);

#define TCP_SYN 0x02
#define TCP_ACK 0x10
#define PROTO_TCP 6

const uint64_t col_flowstats_duration_bounds[COL_FLOWSTATS_DURATION_BOUNDS] = {
	0, 1, 10, 100, 1000, 10000, 60000, 300000, 1800000, 3600000, 86400000
};

const uint64_t col_flowstats_bytes_bounds[COL_FLOWSTATS_BYTES_BOUNDS] = {
	UINT64_C(1) << 6, UINT64_C(1) << 7, UINT64_C(1) << 8, UINT64_C(1) << 9,
	UINT64_C(1) << 10, UINT64_C(1) << 11, UINT64_C(1) << 12,
	UINT64_C(1) << 13, UINT64_C(1) << 14, UINT64_C(1) << 15,
	UINT64_C(1) << 16, UINT64_C(1) << 17, UINT64_C(1) << 18,
	UINT64_C(1) << 19, UINT64_C(1) << 20, UINT64_C(1) << 21,
	UINT64_C(1) << 22, UINT64_C(1) << 23, UINT64_C(1) << 24,
	UINT64_C(1) << 25, UINT64_C(1) << 26, UINT64_C(1) << 27,
	UINT64_C(1) << 28, UINT64_C(1) << 29, UINT64_C(1) << 30
};

struct dist {
	uint64_t n;
	/*
	 * One past the highest bucket counted since the last clear: above
	 * it every bucket is zero, and a clear needs to go no further (the
	 * whole histograms were 60 KB of memset a report; a report's values
	 * reach the buckets of their magnitudes only).
	 */
	unsigned top;
	uint64_t hist[HIST_BUCKETS];
	uint64_t below[COL_FLOWSTATS_MAX_BOUNDS + 1]; /* per CDF step */
};

/* The counts of one view: every flow, or the focus. */
struct fs_set {
	uint64_t finished, ongoing, end_unknown, bad_times;
	struct dist dur, bytes;
};

struct col_flowstats {
	gboolean has_focus;
	struct mf_prefix focus;
	struct fs_set all, in_focus;
};

static unsigned
bucket_of(uint64_t v)
{
	unsigned shift;

	if (v < 2 * SUB)
		return (unsigned)v;
	shift = (unsigned)(63 - __builtin_clzll(v)) - SUB_BITS;
	return (shift + 1) * SUB + (unsigned)(v >> shift) - SUB;
}

/* The midpoint of bucket i (rounded down). */
static uint64_t
bucket_value(unsigned i)
{
	unsigned shift;
	uint64_t low, width;

	if (i < 2 * SUB)
		return i;
	shift = i / SUB - 1;
	low = (uint64_t)(SUB + i % SUB) << shift;
	width = UINT64_C(1) << shift;
	return low + (width - 1) / 2;
}

/* The CDF step of v: the first bound >= v, or n (above them all). */
static size_t
step_of(const uint64_t *bounds, size_t n, uint64_t v)
{
	size_t i;

	for (i = 0; i < n && v > bounds[i]; i++)
		;
	return i;
}

static void
dist_add(struct dist *d, const uint64_t *bounds, size_t n, uint64_t v)
{
	unsigned b = bucket_of(v);

	d->n++;
	d->hist[b]++;
	if (b >= d->top)
		d->top = b + 1;
	d->below[step_of(bounds, n, v)]++;
}

struct col_flowstats *
col_flowstats_new(const struct mf_prefix *focus)
{
	struct col_flowstats *fs = g_new0(struct col_flowstats, 1);

	col_flowstats_set_focus(fs, focus);
	return fs;
}

void
col_flowstats_free(struct col_flowstats *fs)
{
	g_free(fs);
}

void
col_flowstats_set_focus(struct col_flowstats *fs, const struct mf_prefix *focus)
{
	if (focus != NULL && fs->has_focus && focus->len == fs->focus.len &&
	    mf_addr_cmp(&focus->addr, &fs->focus.addr) == 0)
		return; /* the same target: its counts go on */
	fs->has_focus = focus != NULL;
	if (focus != NULL)
		fs->focus = *focus;
	memset(&fs->in_focus, 0, sizeof(fs->in_focus));
}

const struct mf_prefix *
col_flowstats_get_focus(const struct col_flowstats *fs)
{
	return fs->has_focus ? &fs->focus : NULL;
}

static void
dist_clear(struct dist *d)
{
	memset(d->hist, 0, d->top * sizeof(d->hist[0]));
	memset(d->below, 0, sizeof(d->below));
	d->n = 0;
	d->top = 0;
}

/* As a memset of the set: the counts before dur, then the two dists. */
static void
set_clear(struct fs_set *s)
{
	memset(s, 0, offsetof(struct fs_set, dur));
	dist_clear(&s->dur);
	dist_clear(&s->bytes);
}

void
col_flowstats_reset(struct col_flowstats *fs)
{
	set_clear(&fs->all);
	if (fs->has_focus)
		set_clear(&fs->in_focus);
}

static uint64_t
add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void
set_add(struct fs_set *s, const struct col_flow *f)
{
	switch (f->end_reason) {
	case MF_END_ACTIVE_TIMEOUT:
		s->ongoing++;
		return;
	case MF_END_IDLE_TIMEOUT:
	case MF_END_OF_FLOW:
	case MF_END_FORCED:
	case MF_END_LACK_OF_RESOURCES:
		break;
	default: /* none given, or not in the registry */
		s->end_unknown++;
		break;
	}
	s->finished++;
	if (f->end_ms < f->start_ms)
		s->bad_times++;
	else
		dist_add(&s->dur, col_flowstats_duration_bounds,
		    COL_FLOWSTATS_DURATION_BOUNDS, f->end_ms - f->start_ms);
	dist_add(&s->bytes, col_flowstats_bytes_bounds,
	    COL_FLOWSTATS_BYTES_BOUNDS, add_sat(f->octets, f->rev_octets));
}

static gboolean
in_focus(const struct col_flowstats *fs, const struct mf_addr *a)
{
	return fs->has_focus && mf_prefix_contains(&fs->focus, a);
}

void
col_flowstats_add(struct col_flowstats *fs, const struct col_flow *f)
{
	set_add(&fs->all, f);
	if (in_focus(fs, &f->src) || in_focus(fs, &f->dst))
		set_add(&fs->in_focus, f);
}

/* The nearest-rank p-quantile (p in percent) of d; d->n > 0. */
static uint64_t
quantile(const struct dist *d, unsigned p)
{
	uint64_t rank = d->n / 100 * p + (d->n % 100 * p + 99) / 100, c = 0;
	unsigned i;

	if (rank == 0)
		rank = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		c += d->hist[i];
		if (c >= rank)
			return bucket_value(i);
	}
	return bucket_value(HIST_BUCKETS - 1); /* not reached: sum is n */
}

static void
dist_get(const struct dist *d, const uint64_t *bounds, size_t n,
    struct col_flowstats_dist *out)
{
	uint64_t c = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->count = d->n;
	out->bounds = bounds;
	out->n_bounds = n;
	for (i = 0; i < n; i++) {
		c += d->below[i];
		out->cdf[i] = c;
	}
	if (d->n == 0)
		return;
	out->p50 = quantile(d, 50);
	out->p90 = quantile(d, 90);
	out->p99 = quantile(d, 99);
}

/* Half-open streams: see the header. */
struct half_open_ctx {
	const struct col_flowstats *fs;
	const struct col_tables *t;
	gboolean focus;
	uint64_t n;
};

static gboolean
stream_in_focus(const struct half_open_ctx *h, const struct col_stream *s)
{
	const struct col_address *l = col_tables_address(h->t, s->left);
	const struct col_address *r = col_tables_address(h->t, s->right);

	return (l != NULL && in_focus(h->fs, &l->addr)) ||
	    (r != NULL && in_focus(h->fs, &r->addr));
}

static void
count_half_open(const struct col_stream *s, void *ctx)
{
	struct half_open_ctx *h = ctx;

	if (s->proto != PROTO_TCP || (s->tcp_flags & TCP_SYN) == 0 ||
	    (s->tcp_flags & TCP_ACK) != 0 ||
	    (s->l2r.packets != 0 && s->r2l.packets != 0))
		return;
	if (h->focus && !stream_in_focus(h, s))
		return;
	h->n++;
}

gboolean
col_flowstats_get(const struct col_flowstats *fs, gboolean focus,
    const struct col_tables *t, struct col_flowstats_summary *out)
{
	const struct fs_set *s = focus ? &fs->in_focus : &fs->all;
	struct half_open_ctx h = { fs, t, focus, 0 };

	memset(out, 0, sizeof(*out));
	if (focus && !fs->has_focus)
		return FALSE;
	out->finished = s->finished;
	out->ongoing = s->ongoing;
	out->end_unknown = s->end_unknown;
	out->bad_times = s->bad_times;
	dist_get(&s->dur, col_flowstats_duration_bounds,
	    COL_FLOWSTATS_DURATION_BOUNDS, &out->duration_ms);
	dist_get(&s->bytes, col_flowstats_bytes_bounds,
	    COL_FLOWSTATS_BYTES_BOUNDS, &out->bytes);
	if (t != NULL)
		col_tables_foreach_stream(t, count_half_open, &h);
	out->half_open = h.n;
	return TRUE;
}
