/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_FIXYAF_H
#define COL_FIXYAF_H

/*
 * fixyaf: YAF's DNS records.  YAF's DPI (dpacketplugin) sends what it saw
 * of DNS inside the flow record: the flow's subTemplateMultiList holds an
 * entry of template yaf_dns (one subTemplateList), whose records are
 * yaf_dns_qr records (dnsQName, dnsTTL, dnsQRType, dnsQueryResponse,
 * dnsNXDomain (the response code), dnsRRSection, dnsID and a
 * subTemplateList of the resource record's data: yaf_dns_a
 * (sourceIPv4Address), yaf_dns_aaaa (sourceIPv6Address), yaf_dns_cname
 * (dnsCName), and others fixyaf leaves alone).
 *
 * Templates are recognised by their elements, not their ids, and paired
 * (fbSessionAddTemplatePair()) with internal templates of this module; a
 * session with pairs makes libfixbuf skip every other list entry (HTTP,
 * TLS, ...), so nothing else of YAF's DPI is decoded.
 *
 * One DNS message of the list becomes one struct col_dns_rec, as
 * minflow-exporter's DNS records do (collector/analytics/dnsstats.h):
 *   a response: its run of entries with the same dnsID; the name is the
 *     question's (section 0, sent when the response code is not 0) or the
 *     owner of the first answer; addresses are those of the A and AAAA
 *     answers, the CNAME the first CNAME answer's, the TTL the first
 *     address answer's; a NOERROR response without answers (no name in
 *     YAF's list) is not a record;
 *   a query no response in the same flow answered: an unanswered record.
 * Names lose the final dot YAF writes ("google.com." is "google.com").
 * The server is the side on port 53 (else the flow's destination); the
 * time is the flow's end.  Bounds: at most COL_FIXYAF_MAX_ENTRIES entries
 * of one flow are read and COL_DNS_MAX_ADDRS addresses kept per record;
 * the rest is counted (addrs_dropped).  Lists of other templates (MX,
 * SOA, ...; DNP3's container, which looks like yaf_dns) are skipped; a
 * malformed list is libfixbuf's to find, and fails the whole record
 * (counted malformed by fixread).
 */
#include <stdint.h>

#include <glib.h>
#include <fixbuf/public.h>

#include "collector/model/flow.h"

#define COL_FIXYAF_TID_DNS 0x7e10 /* internal template ids */
#define COL_FIXYAF_TID_QR 0x7e11
#define COL_FIXYAF_TID_A 0x7e12
#define COL_FIXYAF_TID_AAAA 0x7e13
#define COL_FIXYAF_TID_CNAME 0x7e14

#define COL_FIXYAF_MAX_ENTRIES 256 /* yaf_dns_qr entries read per flow */
#define COL_FIXYAF_MAX_QUERIES 16  /* queries per flow awaiting answers */

struct col_fixyaf_stats {
	uint64_t records;       /* DNS records made */
	uint64_t addrs_dropped; /* entries and addresses over the bounds */
};

/* Add the internal templates to s (FALSE, error set, on failure). */
gboolean col_fixyaf_add_internal(fbSession_t *s, fbInfoModel_t *model,
    GError **error);

/*
 * A new external template tid arrived (libfixbuf's new-template
 * callback): pair it with an internal template if it is one of YAF's DNS
 * templates, else remove any pair tid had.
 */
void col_fixyaf_on_template(fbSession_t *s, uint16_t tid, fbTemplate_t *t);

/* Called with each DNS record made. */
typedef void (*col_fixyaf_fn)(const struct col_dns_rec *d, void *ctx);

/*
 * Read the DNS records of flow f's multi list (as fBufNext() filled it,
 * with the internal templates above); calls fn (may be NULL) for each.
 * Does not free the list.
 */
void col_fixyaf_take(fbSubTemplateMultiList_t *stml, const struct col_flow *f,
    col_fixyaf_fn fn, void *ctx, struct col_fixyaf_stats *st);

#endif
