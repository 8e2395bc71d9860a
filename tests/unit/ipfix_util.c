/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-test-ipfix"

/* Decoder, fixtures and checks shared by test_ipfix and test_ipfix_read. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <fixbuf/public.h>
#include <cmocka.h>

#include "collector/ingest/fbmodel.h"
#include "common/model.h"
#include "common/msgenc.h"
#include "common/rbuf.h"
#include "exporter/message.h"
#include "tests/unit/ipfix_util.h"

#define DNSF(f, pen, id, len, kind)                                       \
	{                                                                 \
		pen, id, len, (uint16_t)offsetof(struct dns_dec, f), kind \
	}
#define DNSV(f, pen, id) DNSF(f, pen, id, MF_VARLEN, MF_FK_VARLEN)
#define DNSN(f, pen, id) \
	DNSF(f, pen, id, sizeof(((struct dns_dec *)0)->f), MF_FK_VALUE)

/* struct dns_dec, field by field: its libfixbuf internal template. */
static const struct mf_field dns_dec_fields[] = {
	DNSV(qname, MF_PEN_CERT, MF_CERT_DNS_QNAME),
	DNSV(cname, MF_PEN_CERT, MF_CERT_DNS_CNAME),
	DNSV(addrs, 0, MF_IE_BASIC_LIST),
	DNSN(time_ms, 0, MF_IE_FLOW_START_MILLISECONDS),
	DNSN(server6, 0, MF_IE_SOURCE_IPV6_ADDRESS),
	DNSN(client6, 0, MF_IE_DESTINATION_IPV6_ADDRESS),
	DNSN(server4, 0, MF_IE_SOURCE_IPV4_ADDRESS),
	DNSN(client4, 0, MF_IE_DESTINATION_IPV4_ADDRESS),
	DNSN(ttl, MF_PEN_CERT, MF_CERT_DNS_TTL),
	DNSN(sport, 0, MF_IE_SOURCE_TRANSPORT_PORT),
	DNSN(dport, 0, MF_IE_DESTINATION_TRANSPORT_PORT),
	DNSN(id, MF_PEN_CERT, MF_CERT_DNS_ID),
	DNSN(qtype, MF_PEN_CERT, MF_CERT_DNS_QR_TYPE),
	DNSN(proto, 0, MF_IE_PROTOCOL_IDENTIFIER),
	DNSN(rcode, MF_PEN_CERT, MF_CERT_DNS_NXDOMAIN),
	DNSN(qr, MF_PEN_CERT, MF_CERT_DNS_QUERY_RESPONSE),
};

static const struct mf_template dns_dec_tmpl = { 0,
	(uint16_t)G_N_ELEMENTS(dns_dec_fields), 0, "dns-decoded",
	dns_dec_fields };

static void
add_internal(fbSession_t *session, fbInfoModel_t *model, uint16_t tid,
    const struct mf_template *t)
{
	GError *err = NULL;
	fbTemplate_t *tmpl = col_fbmodel_template_new(model, t, &err);

	if (tmpl == NULL) {
		fail_msg("%s: %s", t->name, err ? err->message : "?");
		return;
	}
	if (fbSessionAddTemplate(session, TRUE, tid, tmpl, &err) != tid)
		fail_msg("%s: %s", t->name, err ? err->message : "?");
}

struct decoder *
ipfix_util_decoder_new(void)
{
	struct decoder *d = g_new0(struct decoder, 1);
	fbSession_t *session;

	d->model = col_fbmodel_new();
	session = fbSessionAlloc(d->model);
	add_internal(session, d->model, TID_DEC_FLOW, &mf_tmpl_flow_internal);
	add_internal(session, d->model, TID_DEC_STATS, &mf_tmpl_stats_internal);
	add_internal(session, d->model, TID_DEC_DNS, &dns_dec_tmpl);
	d->fbuf = fBufAllocForCollection(session, NULL);
	fBufSetAutomaticMode(d->fbuf, FALSE);
	return d;
}

/* Free the lists libfixbuf allocated for the records of the last message. */
static void
clear_lists(struct decoder *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->rec[i].tid == MF_TID_DNS4 ||
		    d->rec[i].tid == MF_TID_DNS6)
			fbBasicListClear(&d->rec[i].dns.addrs);
	d->n = 0;
}

void
ipfix_util_decoder_free(struct decoder *d)
{
	clear_lists(d);
	fBufFree(d->fbuf);
	fbInfoModelFree(d->model);
	g_free(d);
}

/*
 * Point *out and r->len at the part of r that template ext decodes into,
 * marked so that fields libfixbuf leaves alone show (but for a DNS
 * record's list, whose pointer libfixbuf must find NULL).  Returns the
 * internal template's id.
 */
static uint16_t
prepare(struct decoded *r, uint16_t ext, uint8_t **out)
{
	memset(r, 0xee, sizeof(*r));
	r->tid = ext;
	if (ext == MF_TID_STATS) {
		*out = (uint8_t *)&r->stats;
		r->len = sizeof(r->stats);
		return TID_DEC_STATS;
	}
	if (ext == MF_TID_DNS4 || ext == MF_TID_DNS6) {
		memset(&r->dns, 0, sizeof(r->dns));
		*out = (uint8_t *)&r->dns;
		r->len = sizeof(r->dns);
		return TID_DEC_DNS;
	}
	*out = (uint8_t *)&r->flow;
	r->len = sizeof(r->flow);
	return TID_DEC_FLOW;
}

/*
 * Decode one message (templates learnt earlier are remembered): fills
 * d->rec[0 .. d->n).  Fails the test on any error but end of message.
 */
void
ipfix_util_decode(struct decoder *d, const uint8_t *msg, size_t len)
{
	GError *err = NULL;

	assert_true(len <= sizeof(d->msg));
	clear_lists(d);
	memcpy(d->msg, msg, len);
	fBufSetBuffer(d->fbuf, d->msg, len);
	for (;;) {
		struct decoded *r = &d->rec[d->n];
		uint16_t ext = 0, tid;
		uint8_t *out = NULL;

		if (fBufNextCollectionTemplate(d->fbuf, &ext, &err) == NULL)
			break;
		assert_true(d->n < MAX_DECODED);
		tid = prepare(r, ext, &out);
		if (!fBufSetInternalTemplate(d->fbuf, tid, &err))
			break;
		if (!fBufNext(d->fbuf, out, &r->len, &err))
			break;
		d->export_time = fBufGetExportTime(d->fbuf);
		d->n++;
	}
	if (!g_error_matches(err, FB_ERROR_DOMAIN, FB_ERROR_EOM) &&
	    !g_error_matches(err, FB_ERROR_DOMAIN, FB_ERROR_BUFSZ))
		fail_msg("decode: %s", err ? err->message : "no error");
	g_clear_error(&err);
}

uint64_t
ipfix_util_get_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

struct header
ipfix_util_read_header(const uint8_t *msg, size_t len)
{
	struct header h;
	struct mf_rbuf rb;

	memset(&h, 0, sizeof(h));
	mf_rbuf_init(&rb, msg, len);
	assert_int_equal(mf_rbuf_get_u16(&rb, &h.version), 0);
	assert_int_equal(mf_rbuf_get_u16(&rb, &h.length), 0);
	assert_int_equal(mf_rbuf_get_u32(&rb, &h.export_time), 0);
	assert_int_equal(mf_rbuf_get_u32(&rb, &h.sequence), 0);
	assert_int_equal(mf_rbuf_get_u32(&rb, &h.domain), 0);
	return h;
}

void
ipfix_util_walk_sets(const uint8_t *msg, size_t len, struct sets *s)
{
	struct mf_rbuf rb;

	memset(s, 0, sizeof(*s));
	mf_rbuf_init(&rb, msg, len);
	assert_int_equal(mf_rbuf_skip(&rb, 16), 0);
	while (rb.left > 0) {
		assert_true(s->n < G_N_ELEMENTS(s->id));
		s->off[s->n] = len - rb.left;
		assert_int_equal(mf_rbuf_get_u16(&rb, &s->id[s->n]), 0);
		assert_int_equal(mf_rbuf_get_u16(&rb, &s->len[s->n]), 0);
		if (s->len[s->n] < 4)
			fail_msg("set %u: length %u", (unsigned)s->id[s->n],
			    (unsigned)s->len[s->n]);
		assert_int_equal(mf_rbuf_skip(&rb, s->len[s->n] - 4u), 0);
		s->n++;
	}
}

void
ipfix_util_set_label(struct mf_flow_rec *r, enum mf_label_source source,
    const char *name)
{
	struct mf_varfield v = { strlen(name), (const uint8_t *)name };

	r->label_source = (uint8_t)source;
	r->label = v;
	if (source == MF_LABEL_DNS || source == MF_LABEL_DNS_OTHER_CLIENT)
		r->label_dns = v;
	else if (source == MF_LABEL_TLS_SNI)
		r->label_sni = v;
	else if (source == MF_LABEL_HTTP_HOST)
		r->label_host = v;
}

void
ipfix_util_fill_dns(struct mf_dns_rec *r, gboolean v6)
{
	/* RFC 6313 4.5.1: semantic, element id, element length, values. */
	static const uint8_t list4[5 + 2 * 4] = { FB_LIST_SEM_ALL_OF, 0,
		MF_IE_SOURCE_IPV4_ADDRESS, 0, 4, 192, 0, 2, 10, 192, 0, 2, 11 };
	static const uint8_t list6[5 + 2 * 16] = { FB_LIST_SEM_ALL_OF, 0,
		MF_IE_SOURCE_IPV6_ADDRESS, 0, 16, 0x20, 0x01, 0x0d,
		0xb8, [20] = 0x10, 0x20, 0x01, 0x0d, 0xb8, [36] = 0x11 };
	static const uint8_t server6[16] = { 0x20, 0x01, 0x0d,
		0xb8, [15] = 0x53 };
	static const uint8_t client6[16] = { 0x20, 0x01, 0x0d,
		0xb8, [15] = 0x99 };
	static const char qname[] = "www.example.com";
	static const char cname[] = "web.example.net";

	memset(r, 0, sizeof(*r));
	r->qname.buf = (const uint8_t *)qname;
	r->qname.len = sizeof(qname) - 1;
	r->cname.buf = (const uint8_t *)cname;
	r->cname.len = sizeof(cname) - 1;
	r->addrs.buf = v6 ? list6 : list4;
	r->addrs.len = v6 ? sizeof(list6) : sizeof(list4);
	r->time_ms = UINT64_C(1700000000999);
	memcpy(r->server6, server6, 16);
	memcpy(r->client6, client6, 16);
	r->server4 = 0xc0000235u; /* 192.0.2.53 */
	r->client4 = 0xc0000299u;
	r->ttl = 3600;
	r->sport = 53;
	r->dport = 40053;
	r->id = 0xbeef;
	r->qtype = v6 ? 28 : 1; /* AAAA, A */
	r->proto = 17;
	r->rcode = 0;
	r->qr = 1;
}

void
ipfix_util_assert_var(const void *varfield, const char *want)
{
	struct mf_varfield v;

	memcpy(&v, varfield, sizeof(v));
	assert_int_equal(v.len, strlen(want));
	if (v.len > 0)
		assert_memory_equal(v.buf, want, v.len);
}

static const struct mf_field *
find_field(const struct mf_template *t, uint32_t pen, uint16_t id)
{
	uint16_t i;

	for (i = 0; i < t->n_fields; i++)
		if (t->fields[i].pen == pen && t->fields[i].id == id)
			return &t->fields[i];
	return NULL;
}

/*
 * Whether a variable-length field came back as sent (carried) or empty:
 * the value, cut to MF_MSGENC_VAR_MAX, or nothing at all.
 */
static gboolean
var_equal(const uint8_t *sent, const uint8_t *got, gboolean carried)
{
	struct mf_varfield a, b;

	memcpy(&a, sent, sizeof(a));
	memcpy(&b, got, sizeof(b));
	if (!carried || a.buf == NULL)
		a.len = 0;
	if (a.len > MF_MSGENC_VAR_MAX)
		a.len = MF_MSGENC_VAR_MAX;
	if (a.len != b.len)
		return FALSE;
	return a.len == 0 || memcmp(a.buf, b.buf, a.len) == 0;
}

/*
 * Compare every field of the internal layout: fields the wire template
 * carries must come back as sent, the others as zeroes (v9's fixed
 * label, and every empty string, as a zero length).
 */
void
ipfix_util_assert_record(const struct mf_template *internal,
    const struct mf_template *t, const void *sent, const void *got)
{
	static const uint8_t zero[16];
	uint16_t i;

	for (i = 0; i < internal->n_fields; i++) {
		const struct mf_field *f = &internal->fields[i];
		const uint8_t *a = (const uint8_t *)sent + f->offset;
		const uint8_t *b = (const uint8_t *)got + f->offset;
		const struct mf_field *w = find_field(t, f->pen, f->id);
		gboolean carried = w != NULL && w->kind != MF_FK_FIXSTR;

		if (f->kind == MF_FK_VARLEN
		        ? !var_equal(a, b, carried)
		        : memcmp(b, carried ? a : zero, f->len) != 0)
			fail_msg("%s: field %u/%u (offset %u) differs", t->name,
			    (unsigned)f->pen, (unsigned)f->id,
			    (unsigned)f->offset);
	}
}

struct exp_message *
ipfix_util_new_builder(size_t mtu, gboolean biflow)
{
	GError *err = NULL;
	struct exp_message *x =
	    exp_message_new(MF_MSGENC_IPFIX, DOMAIN, mtu, biflow, 0, &err);

	if (x == NULL) {
		fail_msg("exp_message_new: %s", err ? err->message : "?");
		return NULL;
	}
	exp_message_set_time(x, (uint64_t)EXPORT_TIME * 1000);
	return x;
}

/* Emit the open message, if any, into out (a GPtrArray of GBytes). */
void
ipfix_util_emit_into(struct exp_message *x, GPtrArray *out)
{
	const uint8_t *msg = NULL;
	size_t len = exp_message_emit(x, &msg);

	if (len > 0)
		g_ptr_array_add(out, g_bytes_new(msg, len));
}

/*
 * Add as the header says a caller must: on -ENOSPC emit and add again.
 * (libfixbuf 2.4 never puts template and data sets in one message, so a
 * switch between the two also answers -ENOSPC.)
 */
void
ipfix_util_add_templates_p(struct exp_message *x, GPtrArray *out)
{
	int r = exp_message_add_templates(x);

	if (r == -ENOSPC) {
		ipfix_util_emit_into(x, out);
		r = exp_message_add_templates(x);
	}
	assert_int_equal(r, 0);
}

void
ipfix_util_add_record_p(struct exp_message *x, const struct mf_template *t,
    const void *rec, GPtrArray *out)
{
	int r = exp_message_add_record(x, t, rec);

	if (r == -ENOSPC) {
		ipfix_util_emit_into(x, out);
		r = exp_message_add_record(x, t, rec);
	}
	assert_int_equal(r, 0);
}

const uint8_t *
ipfix_util_msg_data(GPtrArray *msgs, guint i, size_t *len)
{
	gsize n = 0;
	const uint8_t *p = g_bytes_get_data(g_ptr_array_index(msgs, i), &n);

	*len = n;
	return p;
}

/* Every message: version 10, its own length, domain 7, export time. */
void
ipfix_util_assert_headers(GPtrArray *msgs, uint32_t export_time)
{
	guint i;

	for (i = 0; i < msgs->len; i++) {
		size_t len;
		const uint8_t *msg = ipfix_util_msg_data(msgs, i, &len);
		struct header h = ipfix_util_read_header(msg, len);

		assert_int_equal(h.version, 10);
		assert_int_equal(h.length, len);
		assert_int_equal(h.export_time, export_time);
		assert_int_equal(h.domain, DOMAIN);
	}
}

/* Decode every message in order into d; returns the records seen. */
size_t
ipfix_util_decode_all(struct decoder *d, GPtrArray *msgs, struct decoded *out,
    size_t max)
{
	size_t n = 0, j;
	guint i;

	for (i = 0; i < msgs->len; i++) {
		size_t len;
		const uint8_t *msg = ipfix_util_msg_data(msgs, i, &len);

		ipfix_util_decode(d, msg, len);
		for (j = 0; j < d->n; j++) {
			assert_true(n < max);
			out[n++] = d->rec[j];
		}
	}
	return n;
}
