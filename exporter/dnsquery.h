/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef EXP_DNSQUERY_H
#define EXP_DNSQUERY_H

/*
 * dnsquery: DNS queries waiting for their answer, so that a query that is
 * never answered is still exported (as a DNS record with
 * dnsQueryResponse 0) and the collector can count failures.
 *
 * A query is known by (client address and port, server address and port,
 * transport, DNS id).  Queries are kept in arrival order in a bounded
 * table (common/table.h) of max_queries pre-allocated entries; nothing
 * allocates after exp_dnsquery_new().  An answer removes its query and
 * frees its entry; exp_dnsquery_expire() hands every query older than
 * timeout_ms to a callback, oldest first.  When max_queries queries are
 * waiting, the oldest is dropped for a new one (counted in `dropped`: its
 * fate is unknown, it is not exported).
 *
 * Memory: exp_dnsquery_memory() bytes, allocated at once.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "common/addr.h"
#include "common/hash.h"

#define EXP_DNSQUERY_MIN 16
#define EXP_DNSQUERY_MAX (1u << 22)
#define EXP_DNSQUERY_NAME_MAX 255

/* What identifies a query; the answer has the same with sides swapped. */
struct exp_dnsquery_key {
	struct mf_addr client, server;
	uint16_t client_port, server_port;
	uint16_t id;   /* DNS message id */
	uint8_t proto; /* 17 or 6 */
};

/* A query that timed out, as handed to the expiry callback. */
struct exp_dnsquery_info {
	struct exp_dnsquery_key key;
	uint64_t seen_ms; /* when the query was seen */
	uint16_t qtype;
	const char *qname; /* valid during the callback */
};

typedef void (*exp_dnsquery_fn)(const struct exp_dnsquery_info *q, void *ctx);

struct exp_dnsquery_stats {
	uint64_t queries;  /* queries recorded */
	uint64_t answered; /* removed by their answer */
	uint64_t timed_out;
	uint64_t dropped;    /* oldest dropped: the table was full */
	uint64_t duplicates; /* the same key again: the newer replaces it */
	uint32_t pending;    /* waiting now */
};

struct exp_dnsquery;

/* NULL (error set) if max_queries is out of range. */
struct exp_dnsquery *exp_dnsquery_new(size_t max_queries, uint32_t timeout_ms,
    const struct mf_hash_key *seed, GError **error);
void exp_dnsquery_free(struct exp_dnsquery *q);

/*
 * Record a query seen at now_ms.  qname is a name as common/dns.h writes
 * it; it is kept whole, in wire form (at most 255 bytes, whatever its
 * \DDD escapes), and handed back as the same text.  Any other text is
 * cut to EXP_DNSQUERY_NAME_MAX bytes.
 */
void exp_dnsquery_add(struct exp_dnsquery *q, const struct exp_dnsquery_key *k,
    const char *qname, uint16_t qtype, uint64_t now_ms);

/*
 * The same for a name in wire form, wire[0 .. wire_len): 1 .. 255 bytes
 * of labels and the root byte, without pointers, as mf_dns_parse_question()
 * checked it (mf_dns_msg.qname_wire_len).  It is copied as it is, and
 * handed back as the text mf_dns_parse() gives for it; no text is made
 * until then.  A wire_len of 0 or over 255 keeps the name "".
 */
void exp_dnsquery_add_wire(struct exp_dnsquery *q,
    const struct exp_dnsquery_key *k, const uint8_t *wire, size_t wire_len,
    uint16_t qtype, uint64_t now_ms);

/* An answer for k arrived: forget the query.  TRUE if it was waiting. */
gboolean exp_dnsquery_answer(struct exp_dnsquery *q,
    const struct exp_dnsquery_key *k);

/* Hand queries seen before now_ms - timeout_ms to fn, oldest first. */
void exp_dnsquery_expire(struct exp_dnsquery *q, uint64_t now_ms,
    exp_dnsquery_fn fn, void *ctx);

/* Hand every waiting query to fn (end of capture, SIGTERM). */
void exp_dnsquery_flush(struct exp_dnsquery *q, exp_dnsquery_fn fn, void *ctx);

const struct exp_dnsquery_stats *exp_dnsquery_get_stats(
    const struct exp_dnsquery *q);

/* Bytes held for max_queries queries. */
size_t exp_dnsquery_memory(size_t max_queries);

#endif
