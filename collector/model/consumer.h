/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_CONSUMER_H
#define COL_CONSUMER_H

/*
 * consumer: the one way a record reaches what consumes it.  The interval
 * engine (collector/model/engine.h) hands every flow record, every DNS
 * record and every interval close to a list of consumers, each with one
 * small interface (struct col_consumer): take a flow, take a DNS record,
 * take a device record, close an interval, write its report section, open the
 * next interval, take the finished report. The engine knows none of them:
 * tables, the summary's classes and seconds, flow statistics, DNS statistics
 * and the detectors are consumers (collector/output/report_*.h), registered in
 * one place (collector/wiring.c); adding one does not touch the engine.
 *
 * Order.  Consumers take each record in the order they were added, and
 * a consumer may read what an earlier one noted in the record (struct
 * col_record): the summary notes the class and which sides are internal,
 * the tables note the ids they touched, the detectors read both.  The
 * report's sections are written in the same order, so the order of
 * registration is the order of the report's members.
 *
 * Contract.  flow, dns and device run on the ingest path, once per record,
 * while datagrams wait in the socket buffer: they must not block, do I/O,
 * allocate or log without a rate limit.  A consumer that does I/O (a
 * history database, web clients, webhooks) takes what it needs at close
 * or into a bounded queue of its own that drops the oldest entry when
 * full and counts it: ingest never waits on a consumer.  close, write
 * and open run once per interval and may allocate.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/model/classify.h"
#include "collector/model/devices.h"
#include "collector/model/flow.h"
#include "collector/model/tables.h"

#define COL_CONSUMERS_MAX 32 /* consumers in one list */

struct col_interval; /* collector/model/engine.h */

/* One flow record on its way through the consumers. */
struct col_record {
	const struct col_flow *flow;
	/* The times accounted: the record's, or both the open interval's
	 * start when the record's time is absurd (engine.h). */
	uint64_t start_ms, end_ms;
	gboolean late; /* for an interval already reported */
	/* Noted by the summary (collector/output/report_summary.h). */
	enum col_class cls;
	gboolean src_internal, dst_internal;
	/* Noted by the tables (collector/output/report_tables.h); every id
	 * COL_ID_NONE until then. */
	struct col_touch touch;
	/* Noted by the devices (collector/output/report_devices.h): the
	 * devices of the source and the destination, NULL for an external
	 * side (or before the devices consumer); valid for this record. */
	const struct col_device *device[2];
};

struct col_jsonw; /* collector/output/jsonw.h */

/* The report a section is written into (collector/output/report.h). */
struct col_section {
	struct col_jsonw *w; /* the report object being written: add members */
	const struct col_interval *iv;
	uint32_t top; /* [reports] top: entries in each list */
};

/*
 * A consumer: hooks on self, any of them NULL.  open is told when an
 * interval starts (start_ms), and prev_end_ms the end of the one before
 * (0 for the first); close comes before the report of an interval that
 * held anything, write during it; free, if set, frees self when the list
 * is freed.  A new kind of record is one more hook here, left NULL by
 * the consumers that do not take it.
 */
struct col_consumer {
	const char *name; /* static: "tables", "dns", ... */
	void *self;
	void (*flow)(void *self, struct col_record *r);
	void (*dns)(void *self, const struct col_dns_rec *d);
	/* A device record (minflow-exporter's DHCP/lease/mDNS names). */
	void (*device)(void *self, const struct col_device_rec *d);
	void (*close)(void *self, const struct col_interval *iv);
	void (*write)(void *self, const struct col_section *s);
	void (*open)(void *self, uint64_t start_ms, uint64_t prev_end_ms);
	/* The finished report document of iv (the same as latest.json),
	 * once its file is written or failed: for consumers that keep or
	 * serve whole reports (history, the web page, alerts).  Runs once
	 * per interval, after every write; doc is borrowed (json_node_ref()
	 * to keep it).  Bounded work: I/O here delays the next datagram. */
	void (
	    *report)(void *self, JsonNode *doc, const struct col_interval *iv);
	void (*free)(void *self);
};

struct col_consumers;

/* An empty list.  Free with col_consumers_free() (NULL is fine). */
struct col_consumers *col_consumers_new(void);
void col_consumers_free(struct col_consumers *l);

/*
 * Add c (copied) at the end of the list; FALSE (error set) if the list
 * holds COL_CONSUMERS_MAX already or c has no name.  Set-up only.
 */
gboolean col_consumers_add(struct col_consumers *l,
    const struct col_consumer *c, GError **error);

size_t col_consumers_count(const struct col_consumers *l);

/* The hooks of every consumer, in order.  l may be NULL (nothing). */
void col_consumers_flow(const struct col_consumers *l, struct col_record *r);
void col_consumers_dns(const struct col_consumers *l,
    const struct col_dns_rec *d);
void col_consumers_device(const struct col_consumers *l,
    const struct col_device_rec *d);
void col_consumers_close(const struct col_consumers *l,
    const struct col_interval *iv);
void col_consumers_write(const struct col_consumers *l,
    const struct col_section *s);
void col_consumers_open(const struct col_consumers *l, uint64_t start_ms,
    uint64_t prev_end_ms);
void col_consumers_report(const struct col_consumers *l, JsonNode *doc,
    const struct col_interval *iv);

/*
 * Whether a consumer of l has a report hook, so that the report must be
 * made as a tree for it (else only its text is written).
 */
gboolean col_consumers_want_report(const struct col_consumers *l);

#endif
