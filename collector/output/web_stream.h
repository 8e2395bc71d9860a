/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_WEB_STREAM_H
#define COL_WEB_STREAM_H

/*
 * web_stream: the live connection stream (/api/v1/stream).  The ingest
 * thread pushes one event per flow record into every stream client's
 * queue (col_web_hub_push(): a copy under one mutex, nothing allocated,
 * nothing waited for but that mutex, which readers hold only to copy
 * events out).  Each queue is a ring of queue_len events; when full the
 * oldest event is dropped and counted, so a client that stalls costs
 * queue_len * sizeof(struct col_web_event) bytes (about 350 each) and
 * never slows ingest.  Each client's thread (the web server's thread of
 * its connection) takes the events with col_web_hub_read(), which
 * formats them as server-sent events.
 *
 * Kinds colour the page: by the protocol and ports of the flow (the
 * table in col_web_kind_of()), "internal" when both sides are internal,
 * "anomalous" when either side is in an anomaly that is not over.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/model/classify.h"
#include "collector/model/flow.h"
#include "common/addr.h"

enum col_web_kind {
	COL_WEB_KIND_WEB,
	COL_WEB_KIND_DNS,
	COL_WEB_KIND_MAIL,
	COL_WEB_KIND_REMOTE,
	COL_WEB_KIND_FILE,
	COL_WEB_KIND_STREAMING,
	COL_WEB_KIND_INTERNAL,
	COL_WEB_KIND_OTHER,
	COL_WEB_KIND_ANOMALOUS,
	COL_WEB_N_KINDS
};

/* "web", "dns", "mail", "remote", "file", "streaming", "internal", ... */
extern const char *const col_web_kind_names[COL_WEB_N_KINDS];

/* The id text of a device: a MAC "aa:bb:cc:dd:ee:ff" or an address. */
#define COL_WEB_DEVICE_MAX MF_ADDR_STRLEN
#define COL_WEB_DEVICE_NAME_MAX 64 /* a device's name in an event, cut */

/* One flow record as the stream shows it. */
struct col_web_event {
	uint64_t t_ms; /* the record's end */
	struct mf_addr src, dst;
	uint64_t bytes, packets; /* both directions of a biflow record */
	uint16_t sport, dport;
	uint8_t proto;
	uint8_t cls;                     /* enum col_class */
	uint8_t kind;                    /* enum col_web_kind */
	char device[COL_WEB_DEVICE_MAX]; /* "" if neither side is internal */
	char device_name[COL_WEB_DEVICE_NAME_MAX]; /* its name, or "" */
	char name[COL_LABEL_MAX];                  /* the remote name, or "" */
	char process[COL_PROCESS_MAX]; /* the local program, or "" */
	char country[3]; /* the remote side's ([geo]), ISO 3166, or "" */
};

/*
 * The kind of a flow: anomalous, then internal, then the first of dport
 * and sport found in the port table (web 80, 443, 8080, 8443; dns 53,
 * 853, 5353; mail 25, 110, 143, 465, 587, 993, 995; remote 22, 23, 3389,
 * 5900; file 20, 21, 139, 445, 873, 2049; streaming 554, 1935, 1755,
 * 5004, 5005, 8554, and UDP 16384..32767, the usual RTP range), else
 * other.  ICMP (1, 58) is always other.
 */
enum col_web_kind col_web_kind_of(uint8_t proto, uint16_t sport, uint16_t dport,
    gboolean internal, gboolean anomalous);

/*
 * Fill ev from record f of class cls: device is the internal side (the
 * source if both are): the device table's id and name for it when dev
 * (that side's device, collector/model/devices.h) is not NULL, else its
 * MAC when the record has MACs, else its address; empty if neither side
 * is internal.  process: the exporter's (--processes), or empty.
 */
struct col_device;
void col_web_event_set(struct col_web_event *ev, const struct col_flow *f,
    enum col_class cls, gboolean src_internal, gboolean dst_internal,
    gboolean anomalous, const struct col_device *dev);

/*
 * The event as one line of JSON (the "data" of an SSE "flow" event,
 * minflow-web(7)) appended to out; network text made valid UTF-8.
 */
void col_web_event_format(const struct col_web_event *ev, GString *out);

struct col_web_hub_stats {
	uint64_t clients; /* stream clients now */
	uint64_t joined;  /* stream clients since start */
	uint64_t refused; /* refused: max_clients were streaming */
	uint64_t events;  /* events pushed (counted once per record) */
	uint64_t dropped; /* events dropped from full queues, all clients */
	uint64_t sent;    /* events formatted for clients */
};

struct col_web_hub;
struct col_web_client;

/*
 * At most max_clients stream clients, each with a queue of queue_len
 * events (>= 1).  Free with col_web_hub_free() after every client left.
 */
struct col_web_hub *col_web_hub_new(size_t max_clients, size_t queue_len);
void col_web_hub_free(struct col_web_hub *h);

/* A new client with an empty queue; NULL if max_clients are in. */
struct col_web_client *col_web_hub_join(struct col_web_hub *h);

/* The client leaves (its queue is freed).  NULL is fine. */
void col_web_hub_leave(struct col_web_hub *h, struct col_web_client *c);

/* TRUE if any client is in (a racy hint, to skip building events). */
gboolean col_web_hub_active(struct col_web_hub *h);

/* Ingest: a copy of ev into every client's queue, dropping the oldest. */
void col_web_hub_push(struct col_web_hub *h, const struct col_web_event *ev);

enum col_web_read {
	COL_WEB_READ_EVENTS,  /* out holds events (and maybe a drops event) */
	COL_WEB_READ_TIMEOUT, /* nothing came within wait_us */
	COL_WEB_READ_STOPPED, /* the hub is stopping: end the stream */
};

/*
 * Wait at most wait_us for events of c, then append to out as server-sent
 * events every event queued (at most 256 at a time), preceded by an
 * "event: drops" with the number dropped since the last one, if any.
 */
enum col_web_read col_web_hub_read(struct col_web_hub *h,
    struct col_web_client *c, int64_t wait_us, GString *out);

/* Wake every reader and make them stop (before the server stops). */
void col_web_hub_stop(struct col_web_hub *h);

void col_web_hub_get_stats(struct col_web_hub *h,
    struct col_web_hub_stats *out);

#endif
