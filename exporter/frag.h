/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef EXP_FRAG_H
#define EXP_FRAG_H

/*
 * frag: remembers the transport ports of first IP fragments so that the
 * later fragments of the same datagram are accounted to the same flow.
 * Fragments are never reassembled.  The table is pre-allocated (max
 * entries in a bounded common/table.h, the oldest replaced, counted) and
 * entries live EXP_FRAG_TIMEOUT_MS, the reassembly timeout of most stacks.  A
 * later fragment whose first one was not seen (lost, out of order, or evicted)
 * keeps ports 0: its bytes still reach a flow, never the floor.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "common/hash.h"
#include "exporter/decode.h"

#define EXP_FRAG_MIN 16
#define EXP_FRAG_MAX (1u << 20)
#define EXP_FRAG_TIMEOUT_MS 30000u

struct exp_frag_stats {
	uint64_t first;     /* first fragments remembered */
	uint64_t matched;   /* later fragments given their ports */
	uint64_t unmatched; /* later fragments left with ports 0 */
	uint64_t evicted;   /* entries replaced before they timed out */
};

struct exp_frag;

/* NULL (error set) if max is outside EXP_FRAG_MIN..EXP_FRAG_MAX. */
struct exp_frag *exp_frag_new(size_t max, const struct mf_hash_key *seed,
    GError **error);
void exp_frag_free(struct exp_frag *t);

/*
 * For a fragment (p->is_frag): a first fragment's ports are remembered; a
 * later fragment's sport/dport are set from its first fragment if known.
 * Packet path: no allocation.  Does nothing for unfragmented packets.
 */
void exp_frag_process(struct exp_frag *t, struct exp_pkt *p);

const struct exp_frag_stats *exp_frag_get_stats(const struct exp_frag *t);

#endif
