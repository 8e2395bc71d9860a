/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_FIXREAD_H
#define COL_FIXREAD_H

/*
 * fixread: decodes the IPFIX messages of one exporter (one observation
 * domain of one peer) with a libfixbuf session of its own, one message at
 * a time (fBufAllocForCollection(session, NULL) + fBufSetBuffer()), into
 * normalised records (collector/model/flow.h).  This is the collector's only
 * module that reads with libfixbuf (collector/output/archive.c writes with it).
 *
 * Before libfixbuf sees a message, its sets are walked here: malformed
 * sets end the message (counted), template sets beyond the per-exporter
 * template cap or holding more elements unknown to the model than
 * COL_FIXREAD_MAX_ALIENS (all templates of the exporter together) are
 * dropped (counted), data sets whose template is unknown are dropped and
 * counted ("before template"), and sequence numbers are checked (gaps
 * counted in records, RFC 7011 section 3.1).  An unknown element reaches
 * libfixbuf as paddingOctets of its length: the known elements of its
 * template decode, and the information model every exporter shares never
 * grows (libfixbuf would add each unknown element to it for good).
 * Record elements: any of the usual counter and time elements (delta or
 * total counters; seconds, milliseconds, micro- and nanoseconds, or
 * sysUpTime-relative times; RFC 5103 reverse counters); unknown elements
 * are ignored.
 *
 * Flow data sets whose template libfixbuf accepted and the compiled
 * reader could compile (collector/ingest/fastread.h: every flow template
 * minflow, softflowd, pmacct, YAF or nfdump send) are read by the
 * compiled reader, without libfixbuf, when they follow the message's
 * opening template sets; libfixbuf reads the rest of such a message from
 * the first set it cannot take, so records keep their order.  Both give
 * the same records and counters (tests/fuzz/fuzz_fastread.c).
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/model/flow.h"
#include "common/model.h"

#define COL_FIXREAD_MAX_ALIENS 1024 /* unknown elements, per exporter */
#define COL_FIXREAD_MAX_SAVED 65000 /* template bytes kept per exporter */
/*
 * Set to 0 in the environment, sessions read every record with libfixbuf
 * (minflow-collector(8), ENVIRONMENT): to compare the two readers.
 */
#define COL_FIXREAD_COMPILED_ENV "MINFLOW_COMPILED_READER"

struct col_fixread_stats {
	uint64_t messages;          /* messages decoded */
	uint64_t records;           /* flow records handed over */
	uint64_t compiled_records;  /* of them, by the compiled reader */
	uint64_t option_records;    /* options records (exporter statistics) */
	uint64_t other_records;     /* records of templates we do not use */
	uint64_t dns_records;       /* DNS records (261/262, YAF's lists) */
	uint64_t dns_addrs_dropped; /* answered addresses that did not fit */
	uint64_t dns_bad_lists;     /* address lists of ill-sized elements */
	uint64_t device_records;    /* minflow-exporter device records */
	uint64_t type_records;      /* RFC 5610 element type records */
	uint64_t lost;              /* sequence gaps, in records */
	uint64_t before_template;   /* data sets with an unknown template */
	uint64_t malformed;         /* malformed messages and sets */
	uint64_t bad_times;         /* records with no usable time */
	uint64_t templates;         /* templates accepted */
	uint64_t templates_refused; /* over the cap, or too many aliens */
};

/* What the exporter said about itself (its statistics options record). */
struct col_exporter_health {
	gboolean seen;
	struct mf_stats_rec rec;
};

/* Called for every flow record. */
typedef void (*col_flow_fn)(const struct col_flow *f, void *ctx);
/* Called for each DNS record (minflow-exporter's templates 261/262). */
typedef void (*col_dns_fn)(const struct col_dns_rec *d, void *ctx);
/* Called for each device record (templates 275/276). */
typedef void (*col_device_fn)(const struct col_device_rec *d, void *ctx);

/*
 * Shared by every session: the information model (it never grows), and
 * whether sessions use the compiled reader (COL_FIXREAD_COMPILED_ENV, read
 * here once).
 */
struct col_fixmodel;
struct col_fixmodel *col_fixmodel_new(void);
void col_fixmodel_free(struct col_fixmodel *m);

struct col_fixread;

/* A session for one exporter, keeping at most max_templates templates. */
struct col_fixread *col_fixread_new(struct col_fixmodel *m,
    size_t max_templates);
void col_fixread_free(struct col_fixread *r);

/*
 * Decode one IPFIX message (msg, len: a whole datagram or one message of
 * a stream) and call fn for each flow record.  boot_ms, if not 0, is the
 * exporter's system init time (for sysUpTime-relative times; NetFlow v9
 * messages give it).  Returns 0, or -EBADMSG if the message header is bad
 * (counted in malformed).  No allocation on this path beyond libfixbuf's
 * own template handling.
 */
int col_fixread_message(struct col_fixread *r, const uint8_t *msg, size_t len,
    uint64_t boot_ms, col_flow_fn fn, void *ctx);

/*
 * The templates this session holds, as one IPFIX message (template and
 * options template sets, domain as given) in out; its length, 0 if none.
 * For keeping templates across restarts: col_fixread_restore_templates()
 * feeds such a message back.  At most COL_FIXREAD_MAX_SAVED bytes of
 * templates are kept per exporter.
 */
size_t col_fixread_save_templates(const struct col_fixread *r, uint8_t *out,
    size_t cap, uint32_t domain);

/* Learn the templates of a saved message; counts nothing but templates. */
void col_fixread_restore_templates(struct col_fixread *r, const uint8_t *msg,
    size_t len);

/* Use the compiled reader for flow data sets (TRUE) or libfixbuf only. */
void col_fixread_set_compiled(struct col_fixread *r, gboolean on);

/* Hand DNS records to fn (NULL: count them only). */
void col_fixread_set_dns_fn(struct col_fixread *r, col_dns_fn fn, void *ctx);

/* Hand device records to fn (NULL: count them only), with the DNS ctx. */
void col_fixread_set_device_fn(struct col_fixread *r, col_device_fn fn);

const struct col_fixread_stats *col_fixread_get_stats(
    const struct col_fixread *r);
/*
 * What the exporter sent that could not be used: malformed messages and
 * sets, data before its template, refused templates, DNS address lists
 * of ill-sized elements.
 */
uint64_t col_fixread_undecodable(const struct col_fixread *r);

const struct col_exporter_health *col_fixread_get_health(
    const struct col_fixread *r);

#endif
