/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_FLOWSTATS_H
#define COL_FLOWSTATS_H

/*
 * flowstats: the report's "flows" object (the SENSS flow-stats view): per
 * report interval, how many flows finished and how many go on, how many
 * TCP connections stayed half-open, and the distributions of the
 * durations and sizes of the finished flows; optionally the same
 * restricted to one target prefix ([focus] target).
 *
 * What is counted, per flow record accounted in the interval:
 *   finished  flowEndReason idle timeout (1), end of flow (3), forced end
 *             (4) or lack of resources (5); and every record whose
 *             exporter gave no end reason (NetFlow v5, most v9) or one
 *             outside the IANA registry: such a record is taken as a whole
 *             flow, as nfdump and SiLK do, and also counted in end_unknown;
 *   ongoing   flowEndReason active timeout (2): the flow goes on and a
 *             later record will carry more of it.
 * A record is one flow: a biflow record (RFC 5103) is both directions of
 * a connection; a uniflow exporter sends one record per direction, so
 * there each direction is a flow of its own.  Durations (end - start,
 * milliseconds) and sizes (octets of both directions of the record) are
 * those of the finished records; a record that ends before it starts is
 * counted in bad_times and left out of the durations (not of the sizes).
 *
 * Half-open: a TCP connection whose SYN was never answered.  Uniflow
 * exporters send the two directions as two records; the collector's
 * stream table (collector/model/tables.h) joins them, so this is counted over
 * streams when the report is made: TCP streams that counted in the
 * interval, whose TCP flags over their life (both directions) hold SYN
 * and no ACK, and whose traffic in the interval went one way only.  A
 * SYN answered by SYN-ACK or by RST-ACK has an ACK: not half-open.  Flows
 * the stream table had no room for are not seen (tables.streams.untracked
 * in the report counts them).
 *
 * Distributions: a fixed log-scale histogram per distribution, 3776
 * buckets: values below 128 each have their own; above, each power of
 * two [2^e, 2^(e+1)) is cut into 64 equal buckets.  A quantile is the
 * nearest-rank sample quantile (the smallest sample x such that at least
 * ceil(p * n / 100) samples are <= x), reported as the midpoint (rounded
 * down) of its bucket: exact below 128, otherwise within 1/128 (0.8%) of
 * the true sample quantile.  The CDF is exact: cumulative counts of the
 * samples <= each fixed bound (col_flowstats_duration_bounds[],
 * col_flowstats_bytes_bounds[]); count - cdf[last] lie above the last.
 *
 * Memory: two sets (all flows, focus) of two histograms of 3776 uint64_t
 * plus the CDF counters: about 121 KiB, allocated by col_flowstats_new();
 * col_flowstats_add() never allocates.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/model/flow.h"
#include "collector/model/tables.h"
#include "common/addr.h"

#define COL_FLOWSTATS_DURATION_BOUNDS 11
#define COL_FLOWSTATS_BYTES_BOUNDS 25
#define COL_FLOWSTATS_MAX_BOUNDS 25

/* CDF bounds: 0, 1, 10, 100 ms, 1, 10, 60, 300, 1800, 3600 s, 1 day. */
extern const uint64_t
    col_flowstats_duration_bounds[COL_FLOWSTATS_DURATION_BOUNDS];
/* CDF bounds: 64, 128, 256, ... 2^30 bytes (doubling). */
extern const uint64_t col_flowstats_bytes_bounds[COL_FLOWSTATS_BYTES_BOUNDS];

/* One distribution as the report shows it. */
struct col_flowstats_dist {
	uint64_t count;         /* samples */
	uint64_t p50, p90, p99; /* meaningful when count > 0 */
	size_t n_bounds;
	const uint64_t *bounds;                 /* static, n_bounds long */
	uint64_t cdf[COL_FLOWSTATS_MAX_BOUNDS]; /* samples <= bounds[i] */
};

struct col_flowstats_summary {
	uint64_t finished, ongoing, half_open;
	uint64_t end_unknown; /* finished for want of an end reason */
	uint64_t bad_times;   /* finished, end before start */
	struct col_flowstats_dist duration_ms, bytes;
};

struct col_flowstats;

/*
 * New statistics; focus (copied; NULL: none) is the [focus] target.
 * Free with col_flowstats_free() (NULL is fine).
 */
struct col_flowstats *col_flowstats_new(const struct mf_prefix *focus);
void col_flowstats_free(struct col_flowstats *fs);

/*
 * Change the focus (copied; NULL: none).  A new target's counts start
 * from zero; the same target again keeps them.
 */
void col_flowstats_set_focus(struct col_flowstats *fs,
    const struct mf_prefix *focus);

/* The focus prefix, or NULL if there is none. */
const struct mf_prefix *col_flowstats_get_focus(const struct col_flowstats *fs);

/* Forget everything counted (a new interval). */
void col_flowstats_reset(struct col_flowstats *fs);

/* Count one flow record.  Packet path: no allocation, no logging. */
void col_flowstats_add(struct col_flowstats *fs, const struct col_flow *f);

/*
 * The statistics so far, of every flow (focus FALSE) or of the flows
 * with a side in the focus prefix (focus TRUE; FALSE is returned if
 * there is no focus).  Half-open counts come from the streams of t that
 * counted in the interval (NULL: 0).  O(3776 + stream capacity).
 */
gboolean col_flowstats_get(const struct col_flowstats *fs, gboolean focus,
    const struct col_tables *t, struct col_flowstats_summary *out);

#endif
