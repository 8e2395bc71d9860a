/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_EXPORTERS_H
#define COL_EXPORTERS_H

/*
 * exporters: who sends us flows.  An exporter is (peer address, peer port,
 * observation domain / v9 source id, protocol); each has its own decoding
 * session (templates, sequence numbers) and counters.  The table is capped
 * ([exporters] max), and so is each address ([exporters] max-per-address):
 * a new exporter beyond either cap takes the place of an exporter (of its
 * address, if that address is at its cap) that never sent a valid record
 * (one sender must not fill the table with headers or templates), those
 * that sent no template either first, then the least recently seen; else
 * of the one silent the longest, if for COL_EXPORTER_IDLE_MS (a restarted
 * exporter usually comes back from a new port): counted in replaced.  If
 * there is none, its datagrams are dropped and counted in refused, with a
 * warning (at most one per MF_RATELIMIT_US) naming it.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/ingest/fixread.h"
#include "collector/ingest/v9read.h"
#include "common/addr.h"
#include "common/log.h"

#define COL_EXPORTER_IDLE_MS (600 * 1000u)

enum col_proto {
	COL_PROTO_IPFIX,
	COL_PROTO_V9,
	COL_PROTO_V5,
};

/* One exporter's line in the report. */
struct col_report_exporter {
	const char *address; /* as text; IPv4 peers as plain IPv4 */
	uint16_t port;
	uint32_t domain;      /* observation domain / v9 source id */
	const char *protocol; /* "ipfix", "netflow-v9", "netflow-v5" */
	uint64_t records;     /* flow records received */
	uint64_t lost;        /* sequence gaps (records; v9: packets) */
	uint64_t late_records;
	uint64_t ahead_records; /* live: ending ahead of our clock */
	uint64_t undecodable;   /* malformed + before template + refused */
	const struct col_exporter_health *health; /* or NULL */
	uint64_t export_delay_ms; /* the longest a record came after its
	                           * end (col_exporter delay_ms) */
};

struct col_exporter {
	struct mf_addr addr;
	uint16_t port;
	uint32_t domain;
	enum col_proto proto;
	char name[MF_ADDR_STRLEN]; /* the address as text */
	struct col_fixread *fix;   /* IPFIX and v9 */
	struct col_v9state v9;
	uint64_t records;      /* flow records handed to the engine */
	uint64_t late;         /* of them, late for their interval */
	uint64_t ahead;        /* of them, ahead of the collector's clock */
	uint64_t delay_ms;     /* the longest a record came after its end */
	uint64_t last_seen_ms; /* monotonic time of the last message */
	uint64_t touched;      /* when last seen, in lookups of the table */
	uint64_t v5_lost;      /* v5 flow_sequence gaps, in records */
	uint64_t v5_malformed;
	uint32_t v5_next_seq;
	gboolean v5_have_seq;
	struct mf_ratelimit warn;
	struct mf_ratelimit warn_ahead;
	struct mf_ratelimit warn_late;
};

struct col_exporters;

/* At most max exporters, max_per_address of one address (both >= 1). */
struct col_exporters *col_exporters_new(size_t max, size_t max_per_address,
    size_t max_templates);
void col_exporters_free(struct col_exporters *x);

/* The exporter for this key, created if there is room; NULL if not. */
struct col_exporter *col_exporters_get(struct col_exporters *x,
    const struct mf_addr *addr, uint16_t port, uint32_t domain,
    enum col_proto proto);

/* Datagrams refused because the table was full. */
uint64_t col_exporters_refused(const struct col_exporters *x);

/* Silent exporters replaced to make room. */
uint64_t col_exporters_replaced(const struct col_exporters *x);

/*
 * Write the templates of every IPFIX and v9 exporter to path (atomically:
 * a temporary file, fsync, rename), so that a restart does not lose them
 * until the exporters' next template refresh.  FALSE (error names the
 * file) if it cannot be written.
 */
gboolean col_exporters_save_templates(struct col_exporters *x, const char *path,
    GError **error);

/*
 * Recreate the exporters of a file written by col_exporters_save_templates()
 * and teach them their templates.  A missing file is not an error (the
 * first start); a damaged one stops at the damage with error set.  *n is
 * the number of exporters restored.
 */
gboolean col_exporters_load_templates(struct col_exporters *x, const char *path,
    size_t *n, GError **error);

/*
 * The monotonic time (ms) of the last message of the exporter of report
 * line i (the order of col_exporters_report()); 0 if there is none.
 */
uint64_t col_exporters_last_seen(const struct col_exporters *x, size_t i);

/*
 * The report lines of every exporter (array owned by x, valid until the
 * next call); *n is set.
 */
const struct col_report_exporter *col_exporters_report(struct col_exporters *x,
    size_t *n);

#endif
