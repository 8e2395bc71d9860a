/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef TESTS_FASTDIFF_H
#define TESTS_FASTDIFF_H

/*
 * fastdiff: one exporter's messages fed to two collector sessions, one
 * with the compiled reader (collector/ingest/fastread.h) and one reading
 * everything with libfixbuf, and every record and counter compared
 * (tests/fuzz/fuzz_fastread.c, test_fastread.c).  Flow, DNS and device
 * records of each session are folded, in the order they come, into a
 * digest of every field; the first FASTDIFF_KEPT flows of a message are
 * also kept whole, so a difference names the record.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/ingest/fixread.h"
#include "collector/ingest/v9read.h"

#define FASTDIFF_KEPT 32

/* What one session gave for the last message. */
struct fastdiff_side {
	struct col_fixmodel *model;
	struct col_fixread *r;
	struct col_v9state v9;
	uint64_t digest; /* of every record, in order, since the start */
	size_t n;        /* records of the last message (all kinds) */
	struct col_flow kept[FASTDIFF_KEPT];
	size_t n_kept;
};

struct fastdiff {
	struct fastdiff_side side[2]; /* 0: compiled reader, 1: libfixbuf */
	char why[160];                /* the last difference */
};

/* Both sessions keep at most max_templates templates. */
void fastdiff_init(struct fastdiff *d, size_t max_templates);
void fastdiff_clear(struct fastdiff *d);

/*
 * Feed one IPFIX message (v9: a NetFlow v9 datagram) to both sessions.
 * Returns TRUE if they gave the same records and counters (d->why says
 * otherwise what differed).
 */
gboolean fastdiff_feed(struct fastdiff *d, const uint8_t *msg, size_t len,
    gboolean v9);

#endif
