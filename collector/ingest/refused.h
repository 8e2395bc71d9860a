/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_REFUSED_H
#define COL_REFUSED_H

/*
 * refused: the peers whose messages the collector refuses, so that a
 * router that is refused whole (left out of [networks] allow-exporters,
 * or kept out by a full exporter table) shows in every report rather
 * than only in a counter.  Keyed by address and reason (a router's source
 * port may change); at most COL_REFUSED_MAX entries, the one heard from
 * least recently giving way to a new one (counted in evicted).  The
 * table lives in its owner's struct: nothing here allocates, so the
 * packet path may call col_refused_add().
 */
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"

#define COL_REFUSED_MAX 32

enum col_refused_reason {
	COL_REFUSED_NOT_ALLOWED, /* not in [networks] allow-exporters */
	COL_REFUSED_TABLE_FULL,  /* the exporter table was full */
	COL_REFUSED_N_REASONS,
};

/* "not allowed", "table full" (report and log text). */
extern const char *const col_refused_reason_names[COL_REFUSED_N_REASONS];

struct col_refused_entry {
	struct mf_addr addr;
	char name[MF_ADDR_STRLEN]; /* the address as text */
	enum col_refused_reason reason;
	uint64_t messages; /* refused from it so far */
	uint64_t last_ms;  /* monotonic time of the last one */
};

struct col_refused {
	struct col_refused_entry e[COL_REFUSED_MAX];
	size_t n;
	uint64_t evicted; /* entries that gave way to newer ones */
};

/*
 * Count one message from a refused for reason at now_ms (monotonic).
 * Returns TRUE if a was not in the table (a new entry: worth a log line).
 */
gboolean col_refused_add(struct col_refused *r, const struct mf_addr *a,
    enum col_refused_reason reason, uint64_t now_ms);

#endif
