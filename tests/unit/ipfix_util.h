/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef TEST_IPFIX_UTIL_H
#define TEST_IPFIX_UTIL_H

/*
 * ipfix_util: fixtures, a libfixbuf decoder and message checks shared by
 * test_ipfix and test_ipfix_read.  Every function here fails the running
 * cmocka test on an error, so call them from a test only.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <fixbuf/public.h>

#include "common/model.h"
#include "exporter/message.h"
#include "tests/unit/flowbuild.h"

#define DOMAIN 7
#define EXPORT_TIME UINT32_C(1700000000)
/*
 * flow4: 75 IANA bytes, silkAppLabel 2, initialTCPFlags and
 * unionTCPFlags 1 each (79), then dnsQName, sslServerName, httpHost (one
 * length byte each when empty) and labelSource 1: 79 + 3 + 1.  v9's
 * httpRequestHost is not in IPFIX.
 */
#define FLOW4_WIRE_LEN 83
#define FLOW6_WIRE_LEN 107 /* flow4 - 2 * 4 + 2 * 16 */
#define FLOW_LABEL_OFF 79  /* dnsQName's length byte in a flow4 record */
#define BIFLOW_EXTRA 22    /* 8 + 8 + 1 + 1 + 4 */
/* Scope 4, 9 IANA counters of 8, 3 CERT of 4, 11 minflow of 8. */
#define STATS_WIRE_LEN (4 + 9 * 8 + 3 * 4 + 11 * 8) /* 176 */
/*
 * Template records (RFC 7011 3.4.1): id and count 4 (options: 6), 4
 * bytes a field, 4 more for each with an enterprise number.  flow4/6:
 * 26 fields, 7 enterprise (3 CERT, 3 CERT labels, labelSource); biflow:
 * + 5 reverse fields, all enterprise; stats: 24 fields, 14 enterprise (3
 * CERT, 11 minflow); dns4/6: 14 fields, 7 enterprise (CERT).
 */
#define FLOW_TMPL_LEN (4 + 26 * 4 + 7 * 4)    /* 136 */
#define BIFLOW_TMPL_LEN (4 + 31 * 4 + 12 * 4) /* 176 */
#define STATS_TMPL_LEN (6 + 24 * 4 + 14 * 4)  /* 158 */
#define DNS_TMPL_LEN (6 + 14 * 4 + 7 * 4)     /* 90: options */
/* dns4: 8 + 4 + 4 + 2 + 2 + 1 + 2 + 1 + 2 + 1 + 4, before the strings. */
#define DNS4_FIXED_LEN 31
#define DNS6_FIXED_LEN 55 /* dns4 - 2 * 4 + 2 * 16 */
#define TID_DEC_FLOW 0x7f10
#define TID_DEC_STATS 0x7f11
#define TID_DEC_DNS 0x7f12
#define MAX_DECODED 64

/*
 * A DNS record as libfixbuf decodes it: mf_dns_rec with the basicList
 * decoded into libfixbuf's fbBasicList_t (dns_dec_fields is its internal
 * template).  Ordered by size: libfixbuf packs internal records.
 */
struct dns_dec {
	fbVarfield_t qname;
	fbVarfield_t cname;
	fbBasicList_t addrs;
	uint64_t time_ms;
	uint8_t server6[16];
	uint8_t client6[16];
	uint32_t server4;
	uint32_t client4;
	uint32_t ttl;
	uint16_t sport, dport, id, qtype;
	uint8_t proto, rcode, qr;
};

#define DNS_DEC_LEN (offsetof(struct dns_dec, qr) + 1)

/* One decoded data record. */
struct decoded {
	uint16_t tid; /* external template id */
	size_t len;   /* bytes libfixbuf transcoded into the record */
	struct mf_flow_rec flow;
	struct mf_stats_rec stats;
	struct dns_dec dns; /* addrs owned by the decoder */
};

/*
 * A libfixbuf collector over buffers (a connection-less fBuf fed with
 * fBufSetBuffer()), with minflow's internal templates.
 */
struct decoder {
	fbInfoModel_t *model;
	fBuf_t *fbuf; /* owns the session */
	uint8_t msg[65535];
	uint32_t export_time; /* of the last message decoded */
	struct decoded rec[MAX_DECODED];
	size_t n; /* records of the last message */
};

/* The IPFIX message header (RFC 7011 3.1). */
struct header {
	uint16_t version, length;
	uint32_t export_time, sequence, domain;
};

/* Set ids and lengths of a message, checking that they tile it exactly. */
struct sets {
	size_t n;
	uint16_t id[32];
	uint16_t len[32];
	size_t off[32]; /* of the set header */
};

/* Free with ipfix_util_decoder_free(). */
struct decoder *ipfix_util_decoder_new(void);
void ipfix_util_decoder_free(struct decoder *d);

/*
 * Decode one message (templates learnt earlier are remembered): fills
 * d->rec[0 .. d->n).  Fails the test on any error but end of message.
 * Strings point into d->msg and lists are freed: both are valid until
 * the next decode.
 */
void ipfix_util_decode(struct decoder *d, const uint8_t *msg, size_t len);

/* Decode every message in order into d; returns the records seen. */
size_t ipfix_util_decode_all(struct decoder *d, GPtrArray *msgs,
    struct decoded *out, size_t max);

/* The big-endian integer of n (<= 8) bytes at p. */
uint64_t ipfix_util_get_be(const uint8_t *p, size_t n);

struct header ipfix_util_read_header(const uint8_t *msg, size_t len);
void ipfix_util_walk_sets(const uint8_t *msg, size_t len, struct sets *s);

/*
 * Flow records (fb_flow_rec() of tests/unit/flowbuild.h) carry no label;
 * ipfix_util_set_label() gives one as export.c does: the v9 label,
 * source's IPFIX string and labelSource (name is borrowed).
 */
void ipfix_util_set_label(struct mf_flow_rec *r, enum mf_label_source source,
    const char *name);

/*
 * A DNS answer for www.example.com, CNAME web.example.net, with a
 * basicList of 192.0.2.10 and .11 (dns4) or 2001:db8::10 and ::11 (dns6).
 */
void ipfix_util_fill_dns(struct mf_dns_rec *r, gboolean v6);

/*
 * Fails unless varfield, a struct mf_varfield or an fbVarfield_t (the
 * same layout), holds exactly the bytes of want (no NUL).
 */
void ipfix_util_assert_var(const void *varfield, const char *want);

/*
 * Compare every field of the internal layout: fields the wire template
 * carries must come back as sent, the others as zeroes.
 */
void ipfix_util_assert_record(const struct mf_template *internal,
    const struct mf_template *t, const void *sent, const void *got);

/* A builder for DOMAIN with EXPORT_TIME; free with exp_message_free(). */
struct exp_message *ipfix_util_new_builder(size_t mtu, gboolean biflow);

/* Emit the open message, if any, into out (a GPtrArray of GBytes). */
void ipfix_util_emit_into(struct exp_message *x, GPtrArray *out);

/*
 * Add as the header says a caller must: on -ENOSPC emit into out and add
 * again.  (libfixbuf 2.4 never puts template and data sets in one message,
 * so a switch between the two also answers -ENOSPC.)
 */
void ipfix_util_add_templates_p(struct exp_message *x, GPtrArray *out);
void ipfix_util_add_record_p(struct exp_message *x, const struct mf_template *t,
    const void *rec, GPtrArray *out);

/* Message i of msgs (GBytes) and its length. */
const uint8_t *ipfix_util_msg_data(GPtrArray *msgs, guint i, size_t *len);

/* Every message: version 10, its own length, domain 7, export time. */
void ipfix_util_assert_headers(GPtrArray *msgs, uint32_t export_time);

#endif
