/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef EXP_SINK_H
#define EXP_SINK_H

/*
 * sink: where finished messages go: a UDP or TCP collector, or a file.
 * Every failed send is counted, never silently lost.  UDP sockets are
 * connected, so an ICMP "port unreachable" from a collector that is down
 * shows as a counted send error.  TCP reconnects with a backoff of 1 s
 * doubling to EXP_SINK_MAX_BACKOFF_MS; each new connection bumps the
 * generation so the caller re-sends its templates first; SIGPIPE is never
 * raised (MSG_NOSIGNAL).
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#define EXP_SINK_MAX_BACKOFF_MS 30000u

enum exp_sink_kind {
	EXP_SINK_UDP,
	EXP_SINK_TCP,
	EXP_SINK_FILE,
};

struct exp_sink_stats {
	uint64_t messages;    /* messages handed over completely */
	uint64_t octets;      /* their bytes */
	uint64_t send_errors; /* messages that could not be sent */
	uint64_t connects;    /* TCP connections made */
};

struct exp_sink;

/*
 * A UDP or TCP sink towards host (name or numeric address) and port.  The
 * name is resolved once, now; a TCP collector that is not up yet is not an
 * error (the sink keeps trying).  NULL (error set) if host does not
 * resolve or no socket can be made.
 */
struct exp_sink *exp_sink_open_net(enum exp_sink_kind kind, const char *host,
    uint16_t port, GError **error);

/* A file sink; path "-" is standard output.  NULL (error set) on failure. */
struct exp_sink *exp_sink_open_file(const char *path, GError **error);

/*
 * Send at most per_second messages a second (0: no limit), sleeping
 * between sends.  Used when a capture file is read faster than any
 * collector's socket buffer can take: over UDP the excess would be lost
 * at the receiver without an error anywhere.
 */
void exp_sink_set_pace(struct exp_sink *s, uint32_t per_second);

/* Flush and close (NULL is fine). */
void exp_sink_free(struct exp_sink *s);

/*
 * TRUE if a message can be sent now.  For TCP this (re)connects when the
 * backoff allows; now_ms is the wall clock.
 */
gboolean exp_sink_ready(struct exp_sink *s, uint64_t now_ms);

/* Connections made so far: changes when the caller must resend templates. */
unsigned exp_sink_generation(const struct exp_sink *s);

/*
 * Send one whole message.  Returns 0, or a negative errno (counted in
 * send_errors; a TCP connection is dropped and retried later).
 */
int exp_sink_send(struct exp_sink *s, const uint8_t *msg, size_t len,
    uint64_t now_ms);

const struct exp_sink_stats *exp_sink_get_stats(const struct exp_sink *s);

/* A description for messages: "udp 192.0.2.1:4739", "file out.ipfix". */
const char *exp_sink_name(const struct exp_sink *s);

#endif
