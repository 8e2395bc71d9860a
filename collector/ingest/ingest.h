/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_INGEST_H
#define COL_INGEST_H

/*
 * ingest: from a received message to decoded records.  A message (a UDP
 * datagram, one IPFIX message of a TCP stream or of a file) comes with its
 * peer and the kind of listener it arrived on; ingest refuses peers the
 * allow list does not hold (counted as denied), hands every accepted
 * message to the sink's message callback (raw forwarding), names its
 * exporter in the exporter table (collector/ingest/exporters.h) and decodes
 * it with that exporter's reader: IPFIX through libfixbuf, NetFlow v9
 * translated to IPFIX first, NetFlow v5 directly.  Each flow record and
 * DNS record goes to the sink.  A message too short or of the wrong
 * version for its listener is counted as undecodable (no exporter can be
 * named for it); what an exporter sends that its reader refuses is counted
 * in that exporter's statistics.
 *
 * Nothing here touches a socket: the listeners (collector/ingest/listen.h)
 * or a test hand the messages in.  Packet path: no allocation once an
 * exporter is known.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/ingest/exporters.h"
#include "collector/ingest/listen.h"
#include "collector/ingest/refused.h"
#include "collector/model/flow.h"
#include "common/addr.h"

/* Where the records go; every callback but flow may be NULL. */
struct col_ingest_sink {
	/* A message accepted from peer a:port, before it is decoded. */
	void (*message)(void *ctx, enum col_listen_kind kind,
	    const struct mf_addr *a, uint16_t port, const uint8_t *msg,
	    size_t len);
	/*
	 * A flow record; answers COL_FLOW_LATE and COL_FLOW_AHEAD
	 * (collector/model/flow.h) as they apply, counted per exporter.
	 */
	unsigned (*flow)(void *ctx, const struct col_flow *f);
	/*
	 * A DNS record (IPFIX templates 261/262); answers COL_FLOW_AHEAD if
	 * its time was ahead of the clock, counted in its exporter's ahead.
	 */
	unsigned (*dns)(void *ctx, const struct col_dns_rec *d);
	void *ctx;
	/* A device record (IPFIX templates 275/276); answers as dns. */
	unsigned (*device)(void *ctx, const struct col_device_rec *d);
	/*
	 * The model's clock (col_engine_clock_ms()), or NULL: how long after
	 * its end each record arrives, per exporter (export_delay_ms).
	 */
	uint64_t (*clock)(void *ctx);
};

struct col_ingest_config {
	size_t max_exporters;   /* exporters tracked at once (1 .. 4096) */
	size_t max_per_address; /* of them, from one address (1 .. 4096) */
	size_t max_templates;   /* templates kept per exporter (1 .. 4096) */
};

struct col_ingest_stats {
	uint64_t undecodable; /* messages no exporter could be named for */
	uint64_t denied;      /* from peers the allow list refuses */
};

struct col_ingest;

/* A new ingest with an empty exporter table; free with col_ingest_free(). */
struct col_ingest *col_ingest_new(const struct col_ingest_config *cfg,
    const struct col_ingest_sink *sink);
void col_ingest_free(struct col_ingest *in);

/*
 * Accept only peers inside one of the n prefixes allow (n == 0: every
 * peer).  The array is not copied: it must live until the next call or
 * col_ingest_free().
 */
void col_ingest_set_allow(struct col_ingest *in, const struct mf_prefix *allow,
    size_t n);

/*
 * Offline: name the exporter of the messages that follow (they come with
 * no peer address) after the file they are read from; NULL: none.  The
 * string must live as long as those messages are handed in.
 */
void col_ingest_set_file_name(struct col_ingest *in, const char *name);

/* Take one message of kind from a:port (a->family 0: from a file). */
void col_ingest_message(struct col_ingest *in, enum col_listen_kind kind,
    const struct mf_addr *a, uint16_t port, const uint8_t *msg, size_t len);

/*
 * Keep the exporters' templates in path (NULL or "": nothing), its
 * directory made if missing; a failure is logged (rate-limited), the
 * collector runs on.
 */
void col_ingest_save_templates(struct col_ingest *in, const char *path);

/*
 * Restore the templates saved in path (NULL or "": nothing; a missing or
 * damaged file is logged, not fatal).
 */
void col_ingest_load_templates(struct col_ingest *in, const char *path);

/* The exporter table (its report lines and templates file). */
struct col_exporters *col_ingest_exporters(struct col_ingest *in);

/* The peers refused whole (allow list, full exporter table), for reports. */
const struct col_refused *col_ingest_refused(const struct col_ingest *in);

const struct col_ingest_stats *col_ingest_get_stats(
    const struct col_ingest *in);

/* Log the counters, the exporter table's included (SIGUSR1 and exit). */
void col_ingest_log_counters(const struct col_ingest *in);

#endif
