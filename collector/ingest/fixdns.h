/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_FIXDNS_H
#define COL_FIXDNS_H

/*
 * fixdns: minflow-exporter's DNS records (templates dns4/dns6 of
 * common/model.h) as fixread decodes them: which external templates are
 * DNS records (those with CERT dnsQueryResponse and dnsQName), the
 * internal template libfixbuf transcodes them into, and the conversion of
 * such a record into struct col_dns_rec.  The answered addresses come in
 * an RFC 6313 basicList of sourceIPv4Address or sourceIPv6Address; a list
 * of anything else, or more than COL_DNS_MAX_ADDRS addresses, keeps what
 * fits and counts the rest (addrs_dropped); a list whose bytes are not
 * whole elements of the element's own length is dropped whole.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <fixbuf/public.h>

#include "collector/model/flow.h"
#include "common/model.h"

#define COL_FIXDNS_TID 0x7e02 /* internal template id */

/* The internal record: libfixbuf packs it; no interior padding. */
struct col_fixdns_rec {
	fbVarfield_t qname, cname;
	fbBasicList_t addrs;
	uint64_t time_ms;
	uint8_t server6[16], client6[16];
	uint32_t server4, client4, ttl;
	uint16_t sport, dport, id, qtype;
	uint8_t proto, rcode, qr;
};

#define COL_FIXDNS_REC_LEN (offsetof(struct col_fixdns_rec, qr) + 1)
G_STATIC_ASSERT(offsetof(struct col_fixdns_rec, time_ms) ==
    2 * sizeof(fbVarfield_t) + sizeof(fbBasicList_t));

/*
 * Its layout for libfixbuf (the collector's reader and the archive's
 * writer share it).
 */
extern const struct mf_template col_fixdns_internal;

/* Whether external template t carries DNS records. */
gboolean col_fixdns_is_dns(fbTemplate_t *t);

/* Add the internal template to session s (FALSE, error set, on failure). */
gboolean col_fixdns_add_internal(fbSession_t *s, fbInfoModel_t *model,
    GError **error);

/*
 * Convert x (as fBufNext() filled it from the buffer msg of msg_len bytes)
 * into out and free the list libfixbuf allocated for x.  Returns the
 * addresses that did not fit or were not addresses; *bad_list says whether
 * the list was dropped whole because its elements were shorter (or longer,
 * or of variable length) on the wire than their type.
 */
unsigned col_fixdns_take(struct col_fixdns_rec *x, const uint8_t *msg,
    size_t msg_len, struct col_dns_rec *out, gboolean *bad_list);

/*
 * The record d as minflow-exporter sends it (for the archive): r points
 * into d and into list (size >= 5 + 16 * COL_DNS_MAX_ADDRS bytes), which
 * receives the basicList of d's addresses of the first one's family.
 * Returns the list's length.
 */
size_t col_fixdns_to_wire(const struct col_dns_rec *d, struct mf_dns_rec *r,
    uint8_t *list, size_t size);

#endif
