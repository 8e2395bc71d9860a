/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_DNSSTATS_H
#define COL_DNSSTATS_H

/*
 * dnsstats: the DNS statistics of one report interval, from the DNS
 * records minflow-exporter sends (templates 261/262; one record per
 * answer, per family of its answered addresses, or per query that was
 * never answered), and from flow labels when an interval has no DNS
 * records at all (another exporter, or DNS records turned off):
 *
 *   most_resolved  names by the number of NOERROR answers (records: one
 *                  answer even when it came as two records, v4 and v6);
 *                  from labels, by the number of flows labelled "dns"
 *   last_resolved  the latest NOERROR answers with an address: name,
 *                  first address, client, time (newest first)
 *   failures       (name, rcode) by count: answers with a non-zero
 *                  response code (2 SERVFAIL, 3 NXDOMAIN, ...) and
 *                  queries never answered ("timeout")
 *   clients        clients by the number of queries (answers and
 *                  unanswered queries addressed to them)
 *
 * Addresses are kept as text: DNS records may name hosts the address
 * table does not hold.  Memory is bounded by max_names and max_clients;
 * a name or client that finds no room is counted (names_dropped,
 * clients_dropped), never silently lost.  col_dnsstats_reset() starts the
 * next interval.  The report's "dns" member is written from the lists
 * below by collector/output/report_dns.c.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/model/flow.h"
#include "common/addr.h"
#include "common/dns.h"

#define COL_DNS_LAST 64              /* last_resolved entries kept */
#define COL_DNS_RCODE_TIMEOUT 0xffff /* failures: never answered */

struct col_dnsstats_config {
	size_t max_names;   /* distinct names (and failures) per interval */
	size_t max_clients; /* distinct clients per interval */
};

#define COL_DNSSTATS_DEFAULT_MAX 4096 /* the collector's max_names/clients */

struct col_dnsstats_counters {
	uint64_t records; /* DNS records this interval */
	uint64_t answers; /* answers (records of one answer counted once) */
	uint64_t unanswered;
	uint64_t labels; /* flow labels counted (when no records) */
	uint64_t names_dropped;
	uint64_t clients_dropped;
};

struct col_dnsstats;

struct col_dnsstats *col_dnsstats_new(const struct col_dnsstats_config *cfg);
void col_dnsstats_free(struct col_dnsstats *s);

/* Account one DNS record. */
void col_dnsstats_add(struct col_dnsstats *s, const struct col_dns_rec *r);

/* Account one flow's DNS-sourced label (used when there are no records). */
void col_dnsstats_add_label(struct col_dnsstats *s, const char *name);

/* Forget everything: a new interval. */
void col_dnsstats_reset(struct col_dnsstats *s);

const struct col_dnsstats_counters *col_dnsstats_get_counters(
    const struct col_dnsstats *s);

/* The lists kept (the report's most_resolved is names, or labels when
 * the interval had no DNS records). */
enum col_dnsstats_list {
	COL_DNSSTATS_NAMES,    /* NOERROR answers by name */
	COL_DNSSTATS_LABELS,   /* flows labelled "dns" by label */
	COL_DNSSTATS_FAILURES, /* by (name, rcode) */
	COL_DNSSTATS_CLIENTS,  /* queries by client address */
};

struct col_dnsstats_item {
	const char *key; /* the name, label or client address */
	uint64_t count;
	unsigned rcode; /* failures: rcode, or COL_DNS_RCODE_TIMEOUT */
};

/*
 * Every entry of list, the largest count first, ties in the byte order
 * of the key (for failures, of "RCODE NAME"): a new array of *n entries
 * (g_free()); the keys stay valid until the next add or reset.
 */
struct col_dnsstats_item *col_dnsstats_sorted(const struct col_dnsstats *s,
    enum col_dnsstats_list list, size_t *n);

/* One answer of last_resolved, as text. */
struct col_dnsstats_last {
	uint64_t time_ms;
	const char *name, *address, *client; /* valid until the next add */
};

/* The i-th newest answer of last_resolved (0 the newest); FALSE if none. */
gboolean col_dnsstats_last(const struct col_dnsstats *s, unsigned i,
    struct col_dnsstats_last *out);

#endif
