/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-flowenc"

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "common/model.h"
#include "common/msgenc.h"
#include "common/wbuf.h"
#include "exporter/export.h"
#include "exporter/flowenc.h"

static inline uint8_t *
bytes(uint8_t *p, const void *v, size_t n)
{
	memcpy(p, v, n);
	return p + n;
}

/* Which of the three label fields holds a label of source src (0..2), or
 * -1 for none. */
static int
label_field(enum mf_label_source src)
{
	switch (src) {
	case MF_LABEL_DNS:
	case MF_LABEL_DNS_OTHER_CLIENT:
		return 0;
	case MF_LABEL_TLS_SNI:
		return 1;
	case MF_LABEL_HTTP_HOST:
		return 2;
	default:
		return -1;
	}
}

size_t
exp_flowenc_var_len(const struct exp_flowenc_label *l)
{
	/* Three fields; an empty one is its 1-byte length prefix. */
	if (label_field(l->src) < 0)
		return 3;
	return 2 + mf_msgenc_var_len(l->len);
}

/*
 * The fields in the order of FLOW4_FIELDS / FLOW6_FIELDS in common/model.c
 * as IPFIX carries them (all but the v9 label): a change there must be
 * made here too, and test_flowenc fails until it is.
 */
void
exp_flowenc_write(uint8_t *out, const struct exp_flow *f, int s, int reason,
    const struct exp_flowenc_label *l)
{
	static const uint8_t no_mac[6];
	const struct exp_key *k = &f->key;
	const struct exp_side *sd = &f->side[s];
	uint16_t svc = exp_export_service_port(f);
	uint16_t icmp = 0;
	int i, lf = label_field(l->src);

	out = mf_store_be64(out, f->period_ms + sd->first_off); /* flowStart */
	out = mf_store_be64(out, f->period_ms + sd->last_off);  /* flowEnd */
	if (k->family == MF_AF_INET) {
		out = bytes(out, k->addr[s], 4);
		out = bytes(out, k->addr[!s], 4);
	} else {
		out = bytes(out, k->addr[s], 16);
		out = bytes(out, k->addr[!s], 16);
	}
	out = mf_store_be16(out, k->port[s]);
	out = mf_store_be16(out, k->port[!s]);
	*out++ = k->proto;
	*out++ = sd->tos;
	*out++ = sd->initial_flags | sd->union_flags; /* tcpControlBits */
	out = mf_store_be64(out, sd->octets);
	out = mf_store_be64(out, sd->packets);
	out = mf_store_be32(out, k->ifindex); /* ingressInterface */
	out = mf_store_be32(out, 0);          /* egressInterface */
	out = mf_store_be16(out, k->vlan);
	out = bytes(out, f->has_mac ? f->mac[s] : no_mac, 6);
	out = bytes(out, f->has_mac ? f->mac[!s] : no_mac, 6);
	/* applicationId as mf_model_set_app_id() makes it, written in place */
	*out++ = svc != 0 ? MF_APPID_ENGINE_IANA_L4 : 0;
	out = mf_store_be16(out, svc);
	*out++ = (uint8_t)reason;
	/* icmpTypeCodeIPv4 or IPv6: the type and code stand in the dport. */
	if (k->proto == (k->family == MF_AF_INET ? 1 : 58))
		icmp = k->port[!s];
	out = mf_store_be16(out, icmp);
	out = mf_store_be16(out, svc); /* silkAppLabel */
	*out++ = sd->initial_flags;
	*out++ = sd->union_flags;
	/* An empty one is its length prefix alone, one byte 0. */
	for (i = 0; i < 3; i++) {
		if (i == lf)
			out += mf_msgenc_put_var(out, l->name, l->len);
		else
			*out++ = 0;
	}
	*out = (uint8_t)l->src; /* labelSource */
}

/* A variable-length value as the table-driven encoder takes it. */
static size_t
var_len(const struct mf_varfield *v)
{
	return mf_msgenc_var_len(v->buf != NULL ? v->len : 0);
}

size_t
exp_flowenc_dns_var_len(const struct mf_dns_rec *r)
{
	return var_len(&r->qname) + var_len(&r->cname) + var_len(&r->addrs);
}

/*
 * A variable-length field of a DNS record.  A value under 255 bytes (a
 * name, a few addresses: nearly all) has a one-byte length and is written
 * here; a longer one, or none (NULL), goes to mf_msgenc_put_var(), which
 * writes the same bytes for the short ones.
 */
static inline uint8_t *
dns_var(uint8_t *out, const struct mf_varfield *v)
{
	if (v->buf != NULL && v->len < 255) {
		*out = (uint8_t)v->len;
		memcpy(out + 1, v->buf, v->len);
		return out + 1 + v->len;
	}
	return out + mf_msgenc_put_var(out, v->buf, v->len);
}

/*
 * The fields in the order of dns4_fields / dns6_fields and DNS_TAIL in
 * common/model.c (IPFIX carries them all): test_flowenc fails until a
 * change there is made here too.
 */
void
exp_flowenc_dns_write(uint8_t *out, const struct mf_dns_rec *r, uint8_t family)
{
	if (family == MF_AF_INET) {
		out = mf_store_be32(out, r->client4);
		out = mf_store_be64(out, r->time_ms);
		out = mf_store_be32(out, r->server4);
	} else {
		out = bytes(out, r->client6, 16);
		out = mf_store_be64(out, r->time_ms);
		out = bytes(out, r->server6, 16);
	}
	out = mf_store_be16(out, r->sport);
	out = mf_store_be16(out, r->dport);
	*out++ = r->proto;
	out = mf_store_be16(out, r->id);
	*out++ = r->qr;
	out = mf_store_be16(out, r->qtype);
	*out++ = r->rcode;
	out = mf_store_be32(out, r->ttl);
	out = dns_var(out, &r->qname);
	out = dns_var(out, &r->cname);
	dns_var(out, &r->addrs);
}
