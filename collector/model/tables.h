/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_TABLES_H
#define COL_TABLES_H

/*
 * tables: the collector's model, the three tables every report refers to
 * (as in the original minflow design): addresses (id, internal?, address,
 * MAC), streams (id, flags, protocol, left address id, left port, right
 * address id, right port, label) and ports (protocol, service port).
 *
 * Memory: each table is an array of entries plus a bucket array (a power
 * of two >= 2 * capacity), hashed with the seeded mf_hash_fast(), chained by
 * index and kept on an LRU list (by arrival, not flow time); all of it is
 * allocated by col_tables_new(), so col_tables_account() never allocates.
 * Capacities come from minflow.conf [tables].
 *
 * Ids: an entry's id is its slot (0 .. capacity - 1), stable while the
 * entry lives.  An entry "used in the open interval" (touched by
 * col_tables_account() since the last col_tables_new_interval(); then some
 * counter is non-zero) is never evicted nor collected, so within one
 * report an id names one entry.  A freed slot goes back to the free list
 * and its id may name a new entry at once: the old entry did not count in
 * the open interval.  Fresh tables hand out ids 0, 1, 2, ...
 *
 * Bounds: col_tables_gc() frees entries idle for more than idle_ms of flow
 * time and unused in the open interval ("collected").  When a table is
 * full, the least recently used entry unused in the open interval is
 * evicted ("evicted"); if every entry is in use, the flow still counts in
 * the summary but not in that table: its touch id is COL_ID_NONE and the
 * table's "untracked" counts the flow (once per flow per table, even when
 * both of its addresses found no room).
 *
 * Streams join the two directions of a conversation: the key is the
 * unordered pair of (address id, port) plus the protocol, so a uniflow
 * record B->A after A->B adds to the same stream's right-to-left counters.
 * ICMP and ICMPv6 streams have ports 0 on both sides (the type and code in
 * dport would split a request from its reply).  When a record creates a
 * stream its source becomes the left side (the client), unless the record
 * looks like a server's reply: sport < 1024 and dport > sport.
 *
 * Streams refer to addresses by id, so an address never goes before its
 * streams: a stream's record also touches both addresses (an address is
 * never older than its streams, by LRU position or last_ms, and is in use
 * whenever one of them is); col_tables_gc() collects streams before
 * addresses; evicting an address drops its (unused) streams first, counted
 * as evicted in the streams table.  A flow whose address could not be had
 * gets no stream either (untracked in both tables).
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/model/flow.h"
#include "common/addr.h"
#include "common/hash.h"

#define COL_ID_NONE UINT32_MAX

/* Bounds of each table's capacity (col_tables_config). */
#define COL_TABLES_MIN_ENTRIES 16u
#define COL_TABLES_MAX_ENTRIES (1u << 24)

struct col_counts {
	uint64_t flows, packets, bytes;
};

struct col_address {
	uint32_t id; /* stable while the entry lives */
	struct mf_addr addr;
	uint8_t mac[6];
	uint8_t has_mac;
	uint8_t internal; /* inside [networks] internal */
	uint64_t last_ms; /* latest flow end time of the flows naming it */
	struct col_counts sent, received; /* this interval */
};

#define COL_STREAM_INWEB 0x01u /* flags: the report's class of the stream */

struct col_stream {
	uint32_t id;
	uint32_t left, right; /* address ids */
	uint16_t left_port, right_port;
	uint8_t proto;
	uint8_t tcp_flags;             /* union, both directions, lifetime */
	uint16_t flags;                /* COL_STREAM_* and the class bits */
	uint64_t first_ms, last_ms;    /* earliest start, latest end */
	struct col_counts l2r, r2l;    /* this interval, by direction */
	char label[COL_LABEL_MAX];     /* DNS label of the right side, or "" */
	char process[COL_PROCESS_MAX]; /* local process (--processes), "" */
	uint32_t pid;                  /* its PID, 0 when none */
};

struct col_port {
	uint32_t id;
	uint8_t proto;
	uint16_t port; /* the service port */
	uint64_t last_ms;
	struct col_counts counts; /* this interval */
};

struct col_table_stats {
	uint32_t used, capacity;
	uint64_t evicted;   /* entries dropped to make room (full) */
	uint64_t collected; /* idle entries garbage-collected */
	uint64_t untracked; /* flows that found no room at all */
};

struct col_tables_config {
	size_t max_addresses, max_streams, max_ports; /* COL_TABLES_*_ENTRIES */
	uint64_t idle_ms; /* entries idle this long are collected */
	struct mf_hash_key seed;
};

/* What col_tables_account() touched (ids, or COL_ID_NONE). */
struct col_touch {
	uint32_t src, dst, stream, port;
};

struct col_tables;

/*
 * NULL (error set) if a size is out of range or memory cannot be had.
 * Memory (x86-64, entry + bookkeeping + 2 to 4 buckets): at most 141
 * bytes per address, 408 per stream and 76 per port.
 */
struct col_tables *col_tables_new(const struct col_tables_config *cfg,
    GError **error);
void col_tables_free(struct col_tables *t);

/*
 * Account one flow record (both directions of a biflow record) to its
 * addresses, stream and service port.  src_internal/dst_internal come from
 * the classification; app_port is the service port (0: none), counted in
 * the port (f->proto, app_port); flags are the stream's class bits, set
 * when the stream is created and by each record going left to right.
 * Counters: the forward direction (flows 1, packets, octets) goes to the
 * source's sent, the destination's received and the stream's l2r (source
 * on the left) or r2l; a biflow's reverse direction (rev_packets,
 * rev_octets, flows 0) goes the other way; the port counts both.  With
 * has_mac, src_mac goes to the source and dst_mac to the destination.  A
 * non-empty f->label names the destination: it becomes the stream's label
 * when the destination is the right side.  An address of no known family
 * is untracked.  touch (NULL is fine) gets the ids.  Packet path: no
 * allocation, no logging.
 */
void col_tables_account(struct col_tables *t, const struct col_flow *f,
    gboolean src_internal, gboolean dst_internal, uint16_t app_port,
    uint16_t flags, struct col_touch *touch);

/*
 * The service port of f, the one counted in the port table: the
 * exporter's (applicationId, f->app_port) if it sent one; else, for TCP,
 * UDP and SCTP, the destination port when it is below 1024 or the lower
 * of the two (a source port of 0 aside), otherwise the source port; else
 * 0 (no service).
 */
uint16_t col_tables_service_port(const struct col_flow *f);

/*
 * Collect the entries unused in the open interval whose last_ms + idle_ms
 * < now_ms (flow time); streams first.  Meant for between intervals, but
 * safe at any time.  O(entries unused in the open interval).
 */
void col_tables_gc(struct col_tables *t, uint64_t now_ms);

/*
 * Zero every entry's interval counters and mark it unused (after a report
 * is written).  O(entries used in the interval).
 */
void col_tables_new_interval(struct col_tables *t);

/* Lookups by id for the report (NULL if no such live entry). */
const struct col_address *col_tables_address(const struct col_tables *t,
    uint32_t id);
const struct col_stream *col_tables_stream(const struct col_tables *t,
    uint32_t id);
const struct col_port *col_tables_port(const struct col_tables *t, uint32_t id);

/*
 * Call fn for every entry that counted in the open interval (any counter
 * non-zero), in id order.  O(used log used) from the list of entries used
 * (the LRU list's tail), or O(capacity) when most slots are used.
 */
void col_tables_foreach_address(const struct col_tables *t,
    void (*fn)(const struct col_address *, void *), void *ctx);
void col_tables_foreach_stream(const struct col_tables *t,
    void (*fn)(const struct col_stream *, void *), void *ctx);
void col_tables_foreach_port(const struct col_tables *t,
    void (*fn)(const struct col_port *, void *), void *ctx);

void col_tables_get_stats(const struct col_tables *t,
    struct col_table_stats *addresses, struct col_table_stats *streams,
    struct col_table_stats *ports);

#endif
