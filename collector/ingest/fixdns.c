/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-fixdns"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <fixbuf/public.h>

#include "collector/ingest/fbmodel.h"
#include "collector/ingest/fixdns.h"
#include "common/addr.h"
#include "common/model.h"

#define DF(pen, id, len, f)                                                   \
	{                                                                     \
		pen, id, len, (uint16_t)offsetof(struct col_fixdns_rec, f), 0 \
	}
#define DS(pen, id, f) DF(pen, id, sizeof(((struct col_fixdns_rec *)0)->f), f)
#define C MF_PEN_CERT

/* In struct order: libfixbuf lays internal records out field by field. */
static const struct mf_field fields[] = {
	DF(C, MF_CERT_DNS_QNAME, MF_VARLEN, qname),
	DF(C, MF_CERT_DNS_CNAME, MF_VARLEN, cname),
	DF(0, MF_IE_BASIC_LIST, MF_VARLEN, addrs),
	DS(0, MF_IE_FLOW_START_MILLISECONDS, time_ms),
	DS(0, MF_IE_SOURCE_IPV6_ADDRESS, server6),
	DS(0, MF_IE_DESTINATION_IPV6_ADDRESS, client6),
	DS(0, MF_IE_SOURCE_IPV4_ADDRESS, server4),
	DS(0, MF_IE_DESTINATION_IPV4_ADDRESS, client4),
	DS(C, MF_CERT_DNS_TTL, ttl),
	DS(0, MF_IE_SOURCE_TRANSPORT_PORT, sport),
	DS(0, MF_IE_DESTINATION_TRANSPORT_PORT, dport),
	DS(C, MF_CERT_DNS_ID, id),
	DS(C, MF_CERT_DNS_QR_TYPE, qtype),
	DS(0, MF_IE_PROTOCOL_IDENTIFIER, proto),
	DS(C, MF_CERT_DNS_NXDOMAIN, rcode),
	DS(C, MF_CERT_DNS_QUERY_RESPONSE, qr),
};

const struct mf_template col_fixdns_internal = { COL_FIXDNS_TID,
	(uint16_t)G_N_ELEMENTS(fields), 0, "collector-dns", fields };

gboolean
col_fixdns_is_dns(fbTemplate_t *t)
{
	return col_fbmodel_template_has(t, C, MF_CERT_DNS_QUERY_RESPONSE) &&
	    col_fbmodel_template_has(t, C, MF_CERT_DNS_QNAME);
}

gboolean
col_fixdns_add_internal(fbSession_t *s, fbInfoModel_t *model, GError **error)
{
	return col_fbmodel_add_internal(s, model, &col_fixdns_internal, error);
}

static void
copy_text(char *out, size_t size, const fbVarfield_t *v)
{
	size_t n = v->len < size - 1 ? v->len : size - 1;

	if (v->buf == NULL)
		n = 0;
	if (n > 0)
		memcpy(out, v->buf, n);
	out[n] = '\0';
}

/* a from an IPv4 address in host order (as libfixbuf reads one). */
static void
set4(struct mf_addr *a, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
		(uint8_t)(v >> 8), (uint8_t)v };

	mf_addr_set4(a, b);
}

/*
 * Whether the list's bytes are exactly its elements at their natural
 * length: libfixbuf counts elements by the length on the wire but steps
 * through them by the element's own length (fbBasicListGetIndexedDataPtr),
 * so sixteen 1-byte IPv6 addresses would be read 16 bytes at a time, past
 * the end of the list.
 */
static gboolean
list_fits(const fbBasicList_t *bl, const fbInfoElement_t *ie)
{
	if (ie == NULL || ie->len == 0 || ie->len == FB_IE_VARLEN)
		return FALSE;
	return (size_t)bl->numElements * ie->len == bl->dataLength;
}

/*
 * Whether the list's elements were variable-length on the wire.  libfixbuf
 * keeps those as an fbVarfield_t each, whatever the element's type, and an
 * fbVarfield_t is as long as an IPv6 address: list_fits() cannot tell a
 * list of them from one of addresses, and its "addresses" would be the
 * pointers, different on every run.  A variable-length element's buf
 * points into the message libfixbuf read ([lo, hi]); a copied address
 * would have to hold that very pointer, which the wire cannot know.
 */
static gboolean
list_is_varfields(const fbBasicList_t *bl, uintptr_t lo, uintptr_t hi)
{
	uint16_t i, n = fbBasicListCountElements(bl);
	fbVarfield_t v;

	if (bl->dataPtr == NULL ||
	    (size_t)n * sizeof(v) != (size_t)bl->dataLength)
		return FALSE;
	for (i = 0; i < n; i++) {
		uintptr_t b;

		memcpy(&v, bl->dataPtr + (size_t)i * sizeof(v), sizeof(v));
		/* Not v.len: libfixbuf does not bound it by the list. */
		b = (uintptr_t)v.buf;
		if (b < lo || b > hi)
			return FALSE;
	}
	return TRUE;
}

/* The answered addresses of the list; returns those left out. */
static unsigned
take_addrs(fbBasicList_t *bl, struct col_dns_rec *out, gboolean *bad_list,
    uintptr_t lo, uintptr_t hi)
{
	const fbInfoElement_t *ie = fbBasicListGetInfoElement(bl);
	uint16_t i, n = fbBasicListCountElements(bl);
	unsigned left = 0;

	*bad_list =
	    n > 0 && (!list_fits(bl, ie) || list_is_varfields(bl, lo, hi));
	if (*bad_list)
		return n;
	for (i = 0; i < n; i++) {
		const uint8_t *p = fbBasicListGetIndexedDataPtr(bl, i);
		struct mf_addr *a = &out->addrs[out->n_addrs];
		uint32_t v4;

		if (p == NULL || ie->ent != 0 ||
		    out->n_addrs >= COL_DNS_MAX_ADDRS) {
			left++;
		} else if (ie->num == MF_IE_SOURCE_IPV4_ADDRESS &&
		    ie->len == 4) {
			memcpy(&v4, p, 4);
			set4(a, v4);
			out->n_addrs++;
		} else if (ie->num == MF_IE_SOURCE_IPV6_ADDRESS &&
		    ie->len == 16) {
			mf_addr_set6(a, p);
			out->n_addrs++;
		} else {
			left++;
		}
	}
	return left;
}

unsigned
col_fixdns_take(struct col_fixdns_rec *x, const uint8_t *msg, size_t msg_len,
    struct col_dns_rec *out, gboolean *bad_list)
{
	static const uint8_t zero[16];
	unsigned left;

	memset(out, 0, sizeof(*out));
	out->time_ms = x->time_ms;
	if (memcmp(x->client6, zero, 16) != 0 ||
	    memcmp(x->server6, zero, 16) != 0) {
		mf_addr_set6(&out->client, x->client6);
		mf_addr_set6(&out->server, x->server6);
	} else {
		set4(&out->client, x->client4);
		set4(&out->server, x->server4);
	}
	out->id = x->id;
	out->qtype = x->qtype;
	out->rcode = x->rcode;
	out->answered = x->qr;
	out->ttl = x->ttl;
	out->sport = x->sport;
	out->dport = x->dport;
	out->proto = x->proto;
	copy_text(out->qname, sizeof(out->qname), &x->qname);
	copy_text(out->cname, sizeof(out->cname), &x->cname);
	left = take_addrs(&x->addrs, out, bad_list, (uintptr_t)msg,
	    (uintptr_t)msg + msg_len);
	fbBasicListClear(&x->addrs);
	return left;
}

size_t
col_fixdns_to_wire(const struct col_dns_rec *d, struct mf_dns_rec *r,
    uint8_t *list, size_t size)
{
	uint8_t family = d->n_addrs > 0 ? d->addrs[0].family : MF_AF_INET;
	size_t n;
	unsigned i;

	memset(r, 0, sizeof(*r));
	r->time_ms = d->time_ms;
	if (d->client.family == MF_AF_INET) {
		r->server4 = mf_addr_get4(&d->server);
		r->client4 = mf_addr_get4(&d->client);
	} else {
		memcpy(r->server6, d->server.b, 16);
		memcpy(r->client6, d->client.b, 16);
	}
	r->ttl = d->ttl;
	r->sport = d->sport;
	r->dport = d->dport;
	r->id = d->id;
	r->qtype = d->qtype;
	r->proto = d->proto;
	r->rcode = d->rcode;
	r->qr = d->answered;
	r->qname.buf = (const uint8_t *)d->qname;
	r->qname.len = strlen(d->qname);
	r->cname.buf = (const uint8_t *)d->cname;
	r->cname.len = strlen(d->cname);
	n = mf_model_addr_list_begin(list, family);
	for (i = 0; i < d->n_addrs; i++)
		n = mf_model_addr_list_add(list, n, size, family, &d->addrs[i]);
	r->addrs.buf = list;
	r->addrs.len = n;
	return n;
}
