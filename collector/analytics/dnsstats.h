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
 * next interval.
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

/*
 * What the report reads (collector/output/report_dns.h writes it).
 * "records" if the interval had DNS records, else "labels" if flows had
 * DNS labels, else "none" (s NULL: "none").
 */
const char *col_dnsstats_source(const struct col_dnsstats *s);

enum col_dns_list {
	COL_DNS_MOST_RESOLVED, /* names (from labels when no records) */
	COL_DNS_FAILURES,      /* names with rcode */
	COL_DNS_CLIENTS,       /* client addresses by queries */
};

/* One entry of a list: key is a name or an address. */
struct col_dns_count {
	const char *key; /* owned by the statistics: valid until the next
	                  * add or reset */
	uint64_t count;
	unsigned rcode; /* COL_DNS_FAILURES: the response code, or
	                 * COL_DNS_RCODE_TIMEOUT */
};

/*
 * Every entry of list, largest count first, ties by key ascending (for
 * failures, by "RCODE NAME"); *n set.  A new array: g_free() it.
 */
struct col_dns_count *col_dnsstats_sorted(const struct col_dnsstats *s,
    enum col_dns_list list, size_t *n);

/* A last_resolved entry: the latest NOERROR answer with an address. */
struct col_dns_last {
	uint64_t time_ms;
	char name[COL_DNS_NAME_MAX + 1];
	char address[MF_ADDR_STRLEN]; /* its first address */
	char client[MF_ADDR_STRLEN];
};

/* The i-th newest last_resolved entry (0: the newest), or NULL. */
const struct col_dns_last *col_dnsstats_get_last(const struct col_dnsstats *s,
    size_t i);

#endif
