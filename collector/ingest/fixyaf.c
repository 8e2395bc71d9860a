/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-fixyaf"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <fixbuf/public.h>

#include "collector/ingest/fbmodel.h"
#include "collector/ingest/fixyaf.h"
#include "common/addr.h"
#include "common/model.h"

#define C MF_PEN_CERT
#define DNS_PORT 53
#define IE_PADDING_OCTETS 210

/*
 * The internal records: libfixbuf lays them out field by field, packed,
 * and a list's records one after the other: each is a multiple of 8 bytes
 * long (yaf_qr with padding), so that every record of a list is aligned.
 */
struct yaf_dns {
	fbSubTemplateList_t qrs;
};

struct yaf_qr {
	fbSubTemplateList_t rr; /* the record's data */
	fbVarfield_t qname;     /* the question's or the record's owner */
	uint32_t ttl;
	uint16_t qtype, id;
	uint8_t qr, rcode, section;
	uint8_t pad[5]; /* to 64 bytes: see above */
};

struct yaf_a {
	uint32_t ip; /* host order */
};

struct yaf_aaaa {
	uint8_t ip[16];
};

struct yaf_cname {
	fbVarfield_t name;
};

G_STATIC_ASSERT(offsetof(struct yaf_qr, ttl) ==
    sizeof(fbSubTemplateList_t) + sizeof(fbVarfield_t));
G_STATIC_ASSERT(
    offsetof(struct yaf_qr, qr) == offsetof(struct yaf_qr, ttl) + 8);
G_STATIC_ASSERT(
    sizeof(struct yaf_qr) == 64 && offsetof(struct yaf_qr, pad) + 5 == 64);

#define FL(s, pen, id, len, f)                                   \
	{                                                        \
		pen, id, len, (uint16_t)offsetof(struct s, f), 0 \
	}

static const struct mf_field dns_fields[] = {
	FL(yaf_dns, 0, MF_IE_SUB_TEMPLATE_LIST, MF_VARLEN, qrs),
};

static const struct mf_field qr_fields[] = {
	FL(yaf_qr, 0, MF_IE_SUB_TEMPLATE_LIST, MF_VARLEN, rr),
	FL(yaf_qr, C, MF_CERT_DNS_QNAME, MF_VARLEN, qname),
	FL(yaf_qr, C, MF_CERT_DNS_TTL, 4, ttl),
	FL(yaf_qr, C, MF_CERT_DNS_QR_TYPE, 2, qtype),
	FL(yaf_qr, C, MF_CERT_DNS_ID, 2, id),
	FL(yaf_qr, C, MF_CERT_DNS_QUERY_RESPONSE, 1, qr),
	FL(yaf_qr, C, MF_CERT_DNS_NXDOMAIN, 1, rcode),
	FL(yaf_qr, C, MF_CERT_DNS_RR_SECTION, 1, section),
	FL(yaf_qr, 0, IE_PADDING_OCTETS, 5, pad),
};

static const struct mf_field a_fields[] = {
	FL(yaf_a, 0, MF_IE_SOURCE_IPV4_ADDRESS, 4, ip),
};

static const struct mf_field aaaa_fields[] = {
	FL(yaf_aaaa, 0, MF_IE_SOURCE_IPV6_ADDRESS, 16, ip),
};

static const struct mf_field cname_fields[] = {
	FL(yaf_cname, C, MF_CERT_DNS_CNAME, MF_VARLEN, name),
};

#define T(tid, f, name)                                    \
	{                                                  \
		tid, (uint16_t)G_N_ELEMENTS(f), 0, name, f \
	}

static const struct mf_template internals[] = {
	T(COL_FIXYAF_TID_DNS, dns_fields, "collector-yaf-dns"),
	T(COL_FIXYAF_TID_QR, qr_fields, "collector-yaf-dns-qr"),
	T(COL_FIXYAF_TID_A, a_fields, "collector-yaf-dns-a"),
	T(COL_FIXYAF_TID_AAAA, aaaa_fields, "collector-yaf-dns-aaaa"),
	T(COL_FIXYAF_TID_CNAME, cname_fields, "collector-yaf-dns-cname"),
};

gboolean
col_fixyaf_add_internal(fbSession_t *s, fbInfoModel_t *model, GError **error)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(internals); i++)
		if (!col_fbmodel_add_internal(s, model, &internals[i], error))
			return FALSE;
	return TRUE;
}

/* Whether t is exactly one element, pen/id. */
static gboolean
only(fbTemplate_t *t, uint32_t pen, uint16_t id)
{
	return fbTemplateCountElements(t) == 1 &&
	    col_fbmodel_template_has(t, pen, id);
}

/* The internal template YAF's template t pairs with, or 0. */
static uint16_t
pair_of(fbTemplate_t *t)
{
	if (fbTemplateGetOptionsScope(t) > 0)
		return 0;
	if (only(t, 0, MF_IE_SUB_TEMPLATE_LIST))
		return COL_FIXYAF_TID_DNS;
	if (col_fbmodel_template_has(t, 0, MF_IE_SUB_TEMPLATE_LIST) &&
	    col_fbmodel_template_has(t, C, MF_CERT_DNS_QNAME) &&
	    col_fbmodel_template_has(t, C, MF_CERT_DNS_RR_SECTION) &&
	    col_fbmodel_template_has(t, C, MF_CERT_DNS_QUERY_RESPONSE))
		return COL_FIXYAF_TID_QR;
	if (only(t, 0, MF_IE_SOURCE_IPV4_ADDRESS))
		return COL_FIXYAF_TID_A;
	if (only(t, 0, MF_IE_SOURCE_IPV6_ADDRESS))
		return COL_FIXYAF_TID_AAAA;
	if (only(t, C, MF_CERT_DNS_CNAME))
		return COL_FIXYAF_TID_CNAME;
	return 0;
}

void
col_fixyaf_on_template(fbSession_t *s, uint16_t tid, fbTemplate_t *t)
{
	uint16_t in = pair_of(t);

	if (in != 0)
		fbSessionAddTemplatePair(s, tid, in);
	else if (fbSessionLookupTemplatePair(s, tid) != 0)
		fbSessionRemoveTemplatePair(s, tid);
}

/* --- one flow's entries into DNS records ---------------------------------
 */

struct query {
	uint16_t id, qtype;
	gboolean answered;
	char name[COL_DNS_NAME_MAX + 1];
};

struct walk {
	const struct col_flow *f;
	col_fixyaf_fn fn;
	void *ctx;
	struct col_fixyaf_stats *st;
	struct col_dns_rec cur; /* the response being gathered */
	gboolean open;
	uint8_t section;
	uint16_t first_type; /* of the first answer, and first address */
	uint16_t addr_type;
	struct query q[COL_FIXYAF_MAX_QUERIES];
	unsigned n_q;
	unsigned entries;
};

/*
 * A name as YAF sends it, without the dot YAF ends every name with
 * (ypDnsGetName: "google.com."), as minflow writes names; the root stays
 * ".".  Cut at a NUL.
 */
static void
copy_name(char *out, size_t size, const fbVarfield_t *v)
{
	size_t i, n = v->len < size - 1 ? v->len : size - 1;

	for (i = 0; i < n && v->buf != NULL && v->buf[i] != 0; i++)
		out[i] = (char)v->buf[i];
	if (i > 1 && out[i - 1] == '.')
		i--;
	out[i] = '\0';
}

/* A record of the flow's endpoints: the server is the side on port 53. */
static void
rec_begin(const struct walk *w, struct col_dns_rec *d, uint16_t id)
{
	const struct col_flow *f = w->f;
	gboolean src_serves = f->sport == DNS_PORT && f->dport != DNS_PORT;

	memset(d, 0, sizeof(*d));
	d->time_ms = f->end_ms;
	d->client = src_serves ? f->dst : f->src;
	d->server = src_serves ? f->src : f->dst;
	d->sport = src_serves ? f->sport : f->dport;
	d->dport = src_serves ? f->dport : f->sport;
	d->proto = f->proto;
	d->id = id;
}

static void
emit(struct walk *w, const struct col_dns_rec *d)
{
	w->st->records++;
	if (w->fn != NULL)
		w->fn(d, w->ctx);
}

/* The gathered response, if it named anything. */
static void
close_response(struct walk *w)
{
	struct col_dns_rec *d = &w->cur;
	unsigned i;

	if (!w->open)
		return;
	w->open = FALSE;
	for (i = 0; i < w->n_q; i++) {
		if (w->q[i].id != d->id || w->q[i].answered)
			continue;
		w->q[i].answered = TRUE; /* even without a name below */
		if (d->qtype == 0)
			d->qtype = w->q[i].qtype;
	}
	if (d->qname[0] == '\0')
		return; /* NOERROR without answers: YAF gives no name */
	if (d->qtype == 0)
		d->qtype = w->addr_type != 0 ? w->addr_type : w->first_type;
	emit(w, d);
}

static void
add_addr(struct walk *w, const struct yaf_qr *e, const uint8_t *ip6,
    uint32_t ip4)
{
	struct col_dns_rec *d = &w->cur;
	uint8_t b[4] = { (uint8_t)(ip4 >> 24), (uint8_t)(ip4 >> 16),
		(uint8_t)(ip4 >> 8), (uint8_t)ip4 };

	if (d->n_addrs >= COL_DNS_MAX_ADDRS) {
		w->st->addrs_dropped++;
		return;
	}
	if (ip6 != NULL)
		mf_addr_set6(&d->addrs[d->n_addrs], ip6);
	else
		mf_addr_set4(&d->addrs[d->n_addrs], b);
	if (d->n_addrs++ == 0) {
		d->ttl = e->ttl;
		w->addr_type = e->qtype;
	}
}

/* An answer's data: addresses and the first CNAME. */
static void
take_answer(struct walk *w, struct yaf_qr *e)
{
	fbSubTemplateList_t *l = &e->rr;
	uint16_t tid = fbSubTemplateListGetTemplateID(l);
	void *p = NULL;

	if (w->first_type == 0)
		w->first_type = e->qtype;
	while ((p = fbSubTemplateListGetNextPtr(l, p)) != NULL) {
		if (tid == COL_FIXYAF_TID_A)
			add_addr(w, e, NULL, ((struct yaf_a *)p)->ip);
		else if (tid == COL_FIXYAF_TID_AAAA)
			add_addr(w, e, ((struct yaf_aaaa *)p)->ip, 0);
		else if (tid == COL_FIXYAF_TID_CNAME && w->cur.cname[0] == '\0')
			copy_name(w->cur.cname, sizeof(w->cur.cname),
			    &((struct yaf_cname *)p)->name);
	}
}

static void
open_response(struct walk *w, const struct yaf_qr *e)
{
	rec_begin(w, &w->cur, e->id);
	w->cur.rcode = e->rcode;
	w->cur.answered = 1;
	w->open = TRUE;
	w->section = e->section;
	w->first_type = w->addr_type = 0;
}

static void
take_response(struct walk *w, struct yaf_qr *e)
{
	struct col_dns_rec *d = &w->cur;

	if (w->open && (e->id != d->id || e->section < w->section))
		close_response(w);
	if (!w->open)
		open_response(w, e);
	w->section = e->section;
	if (e->section == 0 && d->qname[0] == '\0') {
		copy_name(d->qname, sizeof(d->qname), &e->qname);
		d->qtype = e->qtype;
	} else if (e->section == 1) {
		if (d->qname[0] == '\0')
			copy_name(d->qname, sizeof(d->qname), &e->qname);
		take_answer(w, e);
	}
}

static void
take_query(struct walk *w, const struct yaf_qr *e)
{
	struct query *q;

	close_response(w);
	if (w->n_q == COL_FIXYAF_MAX_QUERIES) {
		w->st->addrs_dropped++;
		return;
	}
	q = &w->q[w->n_q++];
	q->id = e->id;
	q->qtype = e->qtype;
	q->answered = FALSE;
	copy_name(q->name, sizeof(q->name), &e->qname);
}

/* Queries no response in the flow answered. */
static void
close_queries(struct walk *w)
{
	struct col_dns_rec d;
	unsigned i;

	for (i = 0; i < w->n_q; i++) {
		if (w->q[i].answered || w->q[i].name[0] == '\0')
			continue;
		rec_begin(w, &d, w->q[i].id);
		d.qtype = w->q[i].qtype;
		g_strlcpy(d.qname, w->q[i].name, sizeof(d.qname));
		emit(w, &d);
	}
}

static void
take_container(struct walk *w, struct yaf_dns *c)
{
	fbSubTemplateList_t *l = &c->qrs;
	struct yaf_qr *e = NULL;

	if (fbSubTemplateListGetTemplateID(l) != COL_FIXYAF_TID_QR)
		return; /* DNP3's, or nothing decoded */
	while ((e = fbSubTemplateListGetNextPtr(l, e)) != NULL) {
		if (w->entries >= COL_FIXYAF_MAX_ENTRIES) {
			w->st->addrs_dropped++;
			continue;
		}
		w->entries++;
		if (e->qr)
			take_response(w, e);
		else
			take_query(w, e);
	}
}

void
col_fixyaf_take(fbSubTemplateMultiList_t *stml, const struct col_flow *f,
    col_fixyaf_fn fn, void *ctx, struct col_fixyaf_stats *st)
{
	fbSubTemplateMultiListEntry_t *en = NULL;
	struct walk *w;
	void *p;

	if (stml->numElements == 0)
		return;
	w = g_new0(struct walk, 1); /* ~5 KiB: not on the stack */
	w->f = f, w->fn = fn, w->ctx = ctx, w->st = st;
	while ((en = fbSubTemplateMultiListGetNextEntry(stml, en)) != NULL) {
		if (fbSubTemplateMultiListEntryGetTemplateID(en) !=
		    COL_FIXYAF_TID_DNS)
			continue;
		p = NULL;
		while (
		    (p = fbSubTemplateMultiListEntryNextDataPtr(en, p)) != NULL)
			take_container(w, p);
	}
	close_response(w);
	close_queries(w);
	g_free(w);
}
