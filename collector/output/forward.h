/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_FORWARD_H
#define COL_FORWARD_H

/*
 * forward: send every datagram the collector receives on to other
 * collectors ([forward] in minflow.conf), so that minflow can sit in front
 * of an nfcapd or rwflowpack without touching the router.
 *
 * What is sent: the datagram exactly as received, after the
 * allow-exporters check and before any decoding, so malformed datagrams
 * are forwarded too (the downstream collector judges for itself).  An
 * IPFIX message read from a TCP stream goes out as one UDP datagram.
 * Each UDP destination has one non-blocking socket; unpaced (rate = 0, the
 * default) nothing is queued and a datagram its send buffer cannot take is
 * dropped and counted.  With rate = N, datagrams leave at most N a second
 * (a token bucket, bursts of 20 ms worth), the others waiting in a queue of
 * queue bytes that drops its oldest when full (counted): a receiver with
 * the kernel's default socket buffer (rwflowpack) loses none of a burst
 * the queue holds.  Pacing needs source = collector.
 *
 * A tcp://HOST:PORT destination takes the normalised records (records =
 * normalised: one IPFIX stream, the collector's) over TCP: messages wait
 * in the destination's queue while the connection cannot take them; the
 * connection is made by col_forward_tick(), again after a failure (1 s,
 * doubling to 60 s), and each new connection starts with the templates
 * (col_forward_generation()); what was queued for the connection that
 * failed is dropped and counted, since its templates are gone with it.
 *
 * Keeping exporters apart downstream, where every datagram comes from the
 * collector's address:
 *  - source = original sends through a raw socket (IP_HDRINCL, or
 *    IPV6_HDRINCL) with the exporter's own address and port as source, as
 *    samplicator does; it needs CAP_NET_RAW, and col_forward_new() fails
 *    without it.  A datagram whose exporter is not of the destination's
 *    address family goes out from the collector's address, counted.
 *  - domains = per-exporter rewrites the observation domain (IPFIX) or
 *    source id (NetFlow v9) in the message header: each exporter (address,
 *    port, protocol, original domain) gets its own value, 1 to
 *    COL_FORWARD_DOMAIN_MAX, derived from a fixed hash of that key so that
 *    it stays the same across restarts (the next free value on a
 *    collision).  The table holds max-domains
 *    exporters; when it is full an exporter silent for COL_FORWARD_IDLE_MS
 *    gives up its place, and if none is, the datagram keeps its domain and
 *    is counted in map_full.  NetFlow v5 has no such field (engine type and
 *    id are 16 bits and often mean something to the router): v5 is always
 *    forwarded unchanged; use source = original for v5.
 *
 * Packet path: col_forward_message() does not allocate; the domain table
 * and a 64 KiB buffer are allocated by col_forward_new().  Looking an
 * exporter up scans the table (at most COL_FORWARD_MAX_DOMAINS entries of
 * 40 bytes).
 *
 * With records = normalised, datagrams are not forwarded: the collector
 * sends its decoded records instead, as IPFIX of its own
 * (collector/output/fwdnorm.c), through col_forward_send().
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/ingest/listen.h"
#include "common/addr.h"

#define COL_FORWARD_MAX_DESTS 8
#define COL_FORWARD_MAX_DOMAINS 4096
#define COL_FORWARD_IDLE_MS (600 * 1000u)
#define COL_FORWARD_DOMAIN_MAX 999999u /* values given: 1 .. this */

/* Per destination. */
struct col_forward_dest_stats {
	uint64_t datagrams, bytes;      /* sent (bytes: UDP payload or TCP) */
	uint64_t queue_dropped;         /* oldest dropped from a full queue */
	uint64_t unconnected;           /* TCP: queued for a connection that
	                                 * failed, or before one was made */
	uint64_t connects, disconnects; /* TCP */
	uint64_t dropped_full;          /* EAGAIN, ENOBUFS: send buffer full */
	uint64_t errors;       /* any other send error, too big included */
	uint64_t not_original; /* source = original, other family: sent
	                        * from the collector's address */
};

struct col_forward_stats {
	uint64_t mapped;      /* exporters given their own domain */
	uint64_t replaced;    /* of them, in place of an idle one */
	uint64_t map_full;    /* datagrams that kept their domain: no room */
	uint64_t unrewritten; /* per-exporter, IPFIX or v9 header unreadable:
	                       * forwarded unchanged */
};

/* The [forward] section of minflow.conf (collector/settings.c). */
struct col_forward_config {
	char **to; /* HOST:PORT destinations, NULL-terminated, or NULL */
	char *source, *domains, *records;
	char *compat; /* "" or super_mediator (normalised: flows only) */
	uint64_t max_domains;
	uint64_t rate;  /* UDP datagrams a second per destination; 0: unpaced */
	uint64_t queue; /* bytes waiting per paced or TCP destination */
};

struct col_forward;

/*
 * Check the [forward] keys in cfg without resolving names: destinations
 * (at most COL_FORWARD_MAX_DESTS HOST:PORT, port 1..65535), source and
 * domains.  FALSE with error naming the key and value.
 */
gboolean col_forward_check(const struct col_forward_config *cfg,
    GError **error);

/*
 * Resolve the destinations (once: a name is not looked up again) and open
 * their sockets.  With no destination the result forwards nothing.  NULL
 * with error set if a name does not resolve, a socket cannot be opened,
 * or source = original and raw sockets are not permitted.  Logs what it
 * forwards to.
 */
struct col_forward *col_forward_new(const struct col_forward_config *cfg,
    GError **error);
void col_forward_free(struct col_forward *f);

/*
 * Forward msg, received from a:port on a listener of kind, to every
 * destination (f NULL: nothing).  Packet path: no allocation; errors are
 * counted and logged through a rate limit.
 */
void col_forward_message(struct col_forward *f, enum col_listen_kind kind,
    const struct mf_addr *a, uint16_t port, const uint8_t *msg, size_t len);

/*
 * The domain an exporter's messages carry downstream, at now_ms
 * (monotonic): with domains = per-exporter its own value, created (and
 * logged) on first use; domain itself with domains = keep, for v5, or when
 * the table is full (counted).
 */
uint32_t col_forward_map_domain(struct col_forward *f,
    enum col_listen_kind kind, const struct mf_addr *a, uint16_t port,
    uint32_t domain, uint64_t now_ms);

/*
 * The observation domain (IPFIX, offset 12) or source id (NetFlow v9,
 * offset 16) of a message header: 0, or -EBADMSG if msg is too short or
 * has another version, -ENOTSUP for v5.
 */
int col_forward_get_domain(enum col_listen_kind kind, const uint8_t *msg,
    size_t len, uint32_t *domain);

/* Overwrite that field in place; same checks and results. */
int col_forward_set_domain(enum col_listen_kind kind, uint8_t *msg, size_t len,
    uint32_t domain);

/*
 * Connect TCP destinations when due and send what their queues and the
 * pacing allow, at now_us (monotonic).  Call every loop (f NULL: nothing).
 */
void col_forward_tick(struct col_forward *f, uint64_t now_us);

/*
 * Milliseconds until a tick has work (a token, a retry), at most max_ms:
 * the loop's longest wait.
 */
int col_forward_wait_ms(struct col_forward *f, uint64_t now_us, int max_ms);

/*
 * At exit: send what waits for up to max_ms (pacing kept), then count the
 * rest as dropped.
 */
void col_forward_drain(struct col_forward *f, int max_ms);

/* TCP connections made so far: a change means templates go first. */
uint64_t col_forward_generation(const struct col_forward *f);

/* records = normalised and somewhere to send to. */
gboolean col_forward_is_normalised(const struct col_forward *f);

/* compat = super_mediator: normalised records are flow records only. */
gboolean col_forward_flows_only(const struct col_forward *f);

/* Send msg to every destination from the collector's own address. */
void col_forward_send(struct col_forward *f, const uint8_t *msg, size_t len);

size_t col_forward_n_dests(const struct col_forward *f);

/* Destination i (< col_forward_n_dests()) as configured, "HOST:PORT". */
const char *col_forward_dest_name(const struct col_forward *f, size_t i);
const struct col_forward_dest_stats *
col_forward_get_dest_stats(const struct col_forward *f, size_t i);
const struct col_forward_stats *col_forward_get_stats(
    const struct col_forward *f);

/* Log every counter (SIGUSR1, exit); nothing when forwarding is off. */
void col_forward_log_counters(const struct col_forward *f);

#endif
