/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef EXP_DNSLABEL_H
#define EXP_DNSLABEL_H

/*
 * dnslabel: where flows get their names.  It watches every decoded packet
 * for DNS messages and for the first bytes of TLS and HTTP requests, and
 * labels each flow as it is exported:
 *
 *   DNS answers (UDP or TCP port 53; mDNS answers from port 5353 with
 *   `mdns`) go into the name cache (exporter/dnscache.c): each answered
 *   A/AAAA address under (client = the answer's destination, address),
 *   with the question's name.  Each answer is also exported as a DNS
 *   record (exp_export_dns); a query still unanswered after
 *   query_timeout_ms is exported as a record with dnsQueryResponse 0.
 *   DNS in IP fragments is not reassembled: the first fragment of an
 *   answer from port 53 is counted in `fragmented`, the rest is flow data.
 *   Over TCP, whole messages in one segment are parsed (several per
 *   segment too); a message split across segments is counted, not joined.
 *
 *   A TLS ClientHello's server name or an HTTP/1 request's Host header
 *   (common/l7name.c) in one of the first EXP_DNSLABEL_L7_PACKETS packets
 *   with payload the initiator of a TCP flow sends (counted in
 *   exp_flow.l7_tries, so retransmitted SYNs, duplicate ACKs and
 *   duplicated frames do not use them up) is kept for that flow: in a ring of
 *   max_l7_names names, the flow holding the name's sequence number
 *   (exp_flow.name_ref).  A flow whose name was overwritten by
 *   max_l7_names newer ones loses it (counted in l7_overwritten).
 *
 *   A flow's label (exp_dnslabel_label, the export's labeller) is, in
 *   this order: a DNS answer to one side (initiator first) naming the
 *   other and valid when the flow started ("dns"); an answer naming it to
 *   any other client ("dns-other-client"); the server name or Host its
 *   initiator sent to the other side ("tls-sni", "http-host"); none.
 *
 * All tables are pre-allocated by exp_dnslabel_new(); the packet path does
 * not allocate.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "common/dns.h"
#include "common/l7name.h"
#include "common/model.h"
#include "exporter/cache.h"
#include "exporter/decode.h"
#include "exporter/export.h"

#define EXP_DNSLABEL_L7_PACKETS              \
	4 /* initiator segments with payload \
	   * searched for names */
#define EXP_DNSLABEL_MIN_L7 16
#define EXP_DNSLABEL_MAX_L7 (1u << 22)
#define EXP_DNS_PORT 53
#define EXP_MDNS_PORT 5353

struct exp_dnslabel_config {
	size_t max_names;    /* DNS name cache (--max-dns-names) */
	size_t max_l7_names; /* server name / Host cache */
	uint32_t ttl_min_s;  /* clamp of answer TTLs */
	uint32_t ttl_max_s;
	size_t max_queries;        /* queries waiting for an answer */
	uint32_t query_timeout_ms; /* then exported as unanswered */
	gboolean mdns;             /* also learn from mDNS answers */
	gboolean l7;               /* TLS SNI and HTTP Host fallbacks */
	struct mf_hash_key seed;
};

struct exp_dnslabel_stats {
	uint64_t answers;   /* DNS responses parsed */
	uint64_t queries;   /* DNS queries parsed */
	uint64_t malformed; /* DNS messages that did not parse */
	uint64_t by_result[MF_DNS_N_RESULTS]; /* why, [0] = parsed */
	uint64_t fragmented;     /* first fragments of answers: not parsed */
	uint64_t tcp_split;      /* TCP DNS messages split across segments */
	uint64_t tcp_zero;       /* TCP length prefixes of 0 */
	uint64_t unanswered;     /* queries exported without an answer */
	uint64_t addresses;      /* answered addresses put in the cache */
	uint64_t l7_stored;      /* server names kept for flows */
	uint64_t l7_overwritten; /* ... and lost before their flow's export */
	uint64_t sni[MF_L7_N_RESULTS];  /* ClientHello parse outcomes */
	uint64_t host[MF_L7_N_RESULTS]; /* HTTP request parse outcomes */
};

struct exp_dnslabel;

/* NULL (error set) on a bad size.  export is borrowed (DNS records). */
struct exp_dnslabel *exp_dnslabel_new(const struct exp_dnslabel_config *cfg,
    struct exp_export *export, GError **error);
void exp_dnslabel_free(struct exp_dnslabel *d);

/* Learn DNS from one decoded packet (packet path). */
void exp_dnslabel_packet(struct exp_dnslabel *d, const struct exp_pkt *p);

/*
 * Look for a server name in packet p of flow f (as exp_cache_update()
 * returned it) and keep it for f (packet path).
 */
void exp_dnslabel_flow_packet(struct exp_dnslabel *d, struct exp_flow *f,
    const struct exp_pkt *p);

/* The exp_label_fn for exp_export_set_labeller(); ctx is the dnslabel. */
enum mf_label_source exp_dnslabel_label(const struct exp_flow *f,
    const char **name, void *ctx);

/* Export queries unanswered for query_timeout_ms at now_ms. */
void exp_dnslabel_expire(struct exp_dnslabel *d, uint64_t now_ms);

/* Export every query still waiting (end of capture, SIGTERM). */
void exp_dnslabel_flush(struct exp_dnslabel *d);

const struct exp_dnslabel_stats *exp_dnslabel_get_stats(
    const struct exp_dnslabel *d);

/* Fill the DNS counters of the statistics record (labels come from export). */
void exp_dnslabel_fill(const struct exp_dnslabel *d, struct mf_stats_rec *r);

/* Bytes the tables take for cfg (for --stats and the man page). */
size_t exp_dnslabel_memory(const struct exp_dnslabel_config *cfg);

#endif
