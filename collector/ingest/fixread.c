/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-fixread"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <glib.h>
#include <fixbuf/public.h>

#include "collector/ingest/fbmodel.h"
#include "collector/ingest/fixdev.h"
#include "collector/ingest/fixdns.h"
#include "collector/ingest/fixread.h"
#include "collector/ingest/fixyaf.h"
#include "common/error.h"
#include "common/model.h"
#include "common/rbuf.h"
#include "common/wbuf.h"

/* libfixbuf takes constant strings through char *: see ingest/fbmodel.c. */
#pragma GCC diagnostic ignored "-Wwrite-strings"

#define IPFIX_HEADER_LEN 16
#define MSG_MAX 65535
#define TID_FLOW 0x7e00 /* internal template ids */
#define TID_STATS 0x7e01
#define NTP_UNIX_OFFSET 2208988800ULL /* 1900 to 1970, seconds */

enum tmpl_kind {
	KIND_OTHER = 1,
	KIND_FLOW,
	KIND_STATS,
	KIND_TYPE,
	KIND_DNS,
	KIND_DEVICE
};

#define IE_INFORMATION_ELEMENT_ID 303 /* RFC 5610 */
#define IE_PRIVATE_ENTERPRISE_NUMBER 346
#define IE_PADDING_OCTETS 210

/*
 * The internal record every flow template is transcoded into: the union
 * of the elements exporters use for the same facts.  Ordered by size, no
 * interior padding (libfixbuf packs internal records).
 */
struct fixflow {
	fbSubTemplateMultiList_t dpi;                 /* YAF's: fixyaf.h */
	struct mf_varfield qname, sni, host;          /* 6871/179, /294, /117 */
	struct mf_varfield process;                   /* 32473/15 */
	uint64_t start_ms, end_ms;                    /* 152, 153 */
	uint64_t start_us, end_us;                    /* 154, 155: NTP format */
	uint64_t start_ns, end_ns;                    /* 156, 157: NTP format */
	uint64_t octets, packets;                     /* 1, 2 */
	uint64_t octets_total, packets_total;         /* 85, 86 */
	uint64_t rev_octets, rev_packets;             /* 29305/1, /2 */
	uint64_t rev_octets_total, rev_packets_total; /* 29305/85, /86 */
	uint64_t init_ms;                             /* 160 */
	uint8_t src6[16], dst6[16];
	uint32_t src4, dst4, ingress, egress;
	uint32_t pid;                          /* 32473/16 */
	uint32_t start_s, end_s;               /* 150, 151 */
	uint32_t start_up, end_up;             /* 22, 21: sysUpTime ms */
	uint32_t start_delta_us, end_delta_us; /* 158, 159: before export */
	uint32_t rev_delta_ms;                 /* 6871/21 */
	uint16_t sport, dport, vlan, icmp4, icmp6, silk_app;
	uint16_t tcp_flags, rev_tcp_flags; /* 6, 29305/6 */
	uint8_t src_mac[6], dst_mac[6];
	uint8_t proto, initial_flags, union_flags, rev_initial_flags;
	uint8_t rev_union_flags, label_source, end_reason;
};
#define FIXFLOW_LEN (offsetof(struct fixflow, end_reason) + 1)

#define F(pen, id, f)                                        \
	{                                                    \
		pen, id, sizeof(((struct fixflow *)0)->f),   \
		    (uint16_t)offsetof(struct fixflow, f), 0 \
	}
#define R MF_PEN_REVERSE
#define C MF_PEN_CERT

#define V(pen, id, f)                                                      \
	{                                                                  \
		pen, id, MF_VARLEN, (uint16_t)offsetof(struct fixflow, f), \
		    MF_FK_VARLEN                                           \
	}

static const struct mf_field fixflow_fields[] = {
	{ 0, MF_IE_SUB_TEMPLATE_MULTI_LIST, MF_VARLEN,
	    (uint16_t)offsetof(struct fixflow, dpi), 0 },
	V(C, MF_CERT_DNS_QNAME, qname),
	V(C, MF_CERT_SSL_SERVER_NAME, sni),
	V(C, MF_CERT_HTTP_HOST, host),
	V(MF_PEN_MINFLOW, MF_OWN_PROCESS_NAME, process),
	F(0, 152, start_ms),
	F(0, 153, end_ms),
	F(0, 154, start_us),
	F(0, 155, end_us),
	F(0, 156, start_ns),
	F(0, 157, end_ns),
	F(0, 1, octets),
	F(0, 2, packets),
	F(0, 85, octets_total),
	F(0, 86, packets_total),
	F(R, 1, rev_octets),
	F(R, 2, rev_packets),
	F(R, 85, rev_octets_total),
	F(R, 86, rev_packets_total),
	F(0, 160, init_ms),
	F(0, 27, src6),
	F(0, 28, dst6),
	F(0, 8, src4),
	F(0, 12, dst4),
	F(0, 10, ingress),
	F(0, 14, egress),
	F(MF_PEN_MINFLOW, MF_OWN_PROCESS_ID, pid),
	F(0, 150, start_s),
	F(0, 151, end_s),
	F(0, 22, start_up),
	F(0, 21, end_up),
	F(0, 158, start_delta_us),
	F(0, 159, end_delta_us),
	F(C, MF_CERT_REVERSE_FLOW_DELTA_MILLISECONDS, rev_delta_ms),
	F(0, 7, sport),
	F(0, 11, dport),
	F(0, 58, vlan),
	F(0, 32, icmp4),
	F(0, 139, icmp6),
	F(C, 33, silk_app),
	F(0, 6, tcp_flags),
	F(R, 6, rev_tcp_flags),
	F(0, 56, src_mac),
	F(0, 80, dst_mac),
	F(0, 4, proto),
	F(C, 14, initial_flags),
	F(C, 15, union_flags),
	F(C, 14 | MF_CERT_REVERSE, rev_initial_flags),
	F(C, 15 | MF_CERT_REVERSE, rev_union_flags),
	F(MF_PEN_MINFLOW, MF_OWN_LABEL_SOURCE, label_source),
	F(0, 136, end_reason),
};

static const struct mf_template fixflow_tmpl = { TID_FLOW,
	(uint16_t)G_N_ELEMENTS(fixflow_fields), 0, "collector-flow",
	fixflow_fields };

struct col_fixmodel {
	fbInfoModel_t *model; /* never grows: unknown elements become padding */
};

/* A template we let through, and how many unknown elements it holds. */
struct held_tmpl {
	uint16_t tid;
	uint16_t aliens;
};

/* A template record as it came, kept to be written to disk. */
struct saved_tmpl {
	uint16_t tid;
	uint8_t options; /* from an options template set */
	uint16_t len;
	uint8_t *rec;
};

struct col_fixread {
	struct col_fixmodel *m;
	fbSession_t *session; /* owned by fbuf */
	fBuf_t *fbuf;
	struct held_tmpl *tids;   /* templates we let through */
	unsigned aliens;          /* their unknown elements, all together */
	struct saved_tmpl *saved; /* raw records of the kept templates */
	size_t n_saved, saved_bytes;
	size_t n_tids, max_tids;
	gboolean have_seq;
	uint32_t next_seq;     /* expected sequence number */
	uint32_t fix_seq;      /* what libfixbuf expects in our copies */
	gboolean dropped_data; /* this message lost a data set */
	uint8_t buf[MSG_MAX];  /* the filtered copy libfixbuf reads */
	struct col_fixread_stats stats;
	struct col_exporter_health health;
	col_dns_fn dns_fn;       /* DNS records, or NULL */
	col_device_fn device_fn; /* device records, or NULL */
	void *dns_ctx;           /* for both */
	fbTemplate_t *flow_tmpl; /* the internal one: frees its lists */
};

void
col_fixread_set_dns_fn(struct col_fixread *r, col_dns_fn fn, void *ctx)
{
	r->dns_fn = fn;
	r->dns_ctx = ctx;
}

void
col_fixread_set_device_fn(struct col_fixread *r, col_device_fn fn)
{
	r->device_fn = fn;
}

struct col_fixmodel *
col_fixmodel_new(void)
{
	struct col_fixmodel *m = g_new0(struct col_fixmodel, 1);

	m->model = col_fbmodel_new();
	return m;
}

void
col_fixmodel_free(struct col_fixmodel *m)
{
	if (m == NULL)
		return;
	fbInfoModelFree(m->model);
	g_free(m);
}

/* libfixbuf's new-template callback: remember what each template is. */
static void
on_template(fbSession_t *session, uint16_t tid, fbTemplate_t *tmpl,
    void *app_ctx, void **tmpl_ctx, fbTemplateCtxFree_fn *free_fn)
{
	int kind = KIND_OTHER;

	(void)app_ctx;
	col_fixyaf_on_template(session, tid, tmpl);
	if (col_fixdns_is_dns(tmpl)) {
		kind = KIND_DNS;
	} else if (col_fixdev_is_device(tmpl)) {
		kind = KIND_DEVICE;
	} else if (fbTemplateGetOptionsScope(tmpl) > 0) {
		if (col_fbmodel_template_has(tmpl, 0,
		        MF_IE_PACKET_TOTAL_COUNT) &&
		    col_fbmodel_template_has(tmpl, 0,
		        MF_IE_EXPORTED_FLOW_RECORD_TOTAL_COUNT))
			kind = KIND_STATS;
		else if (col_fbmodel_template_has(tmpl, 0,
		             IE_INFORMATION_ELEMENT_ID) &&
		    col_fbmodel_template_has(tmpl, 0,
		        IE_PRIVATE_ENTERPRISE_NUMBER))
			kind = KIND_TYPE;
	} else if (col_fbmodel_template_has(tmpl, 0,
	               MF_IE_SOURCE_IPV4_ADDRESS) ||
	    col_fbmodel_template_has(tmpl, 0, MF_IE_SOURCE_IPV6_ADDRESS)) {
		kind = KIND_FLOW;
	}
	*tmpl_ctx = GINT_TO_POINTER(kind);
	*free_fn = NULL;
}

static gboolean
add_internal(fbSession_t *s, fbInfoModel_t *model, uint16_t tid,
    const struct mf_template *t)
{
	GError *err = NULL;
	fbTemplate_t *tmpl = col_fbmodel_template_new(model, t, &err);

	if (tmpl == NULL ||
	    fbSessionAddTemplate(s, TRUE, tid, tmpl, &err) == 0) {
		g_critical("internal template %s: %s", t->name,
		    err ? err->message : "?");
		g_clear_error(&err);
		return FALSE;
	}
	return TRUE;
}

struct col_fixread *
col_fixread_new(struct col_fixmodel *m, size_t max_templates)
{
	struct col_fixread *r = g_new0(struct col_fixread, 1);

	r->m = m;
	r->max_tids = max_templates;
	r->tids =
	    g_new0(struct held_tmpl, max_templates > 0 ? max_templates : 1);
	r->saved =
	    g_new0(struct saved_tmpl, max_templates > 0 ? max_templates : 1);
	r->session = fbSessionAlloc(m->model);
	fbSessionAddNewTemplateCallback(r->session, on_template, r);
	/* Both are our own tables: failing here is a programming error. */
	g_assert(add_internal(r->session, m->model, TID_FLOW, &fixflow_tmpl));
	g_assert(add_internal(r->session, m->model, TID_STATS,
	    &mf_tmpl_stats_internal));
	g_assert(col_fixdns_add_internal(r->session, m->model, NULL));
	g_assert(col_fixdev_add_internal(r->session, m->model, NULL));
	g_assert(col_fixyaf_add_internal(r->session, m->model, NULL));
	r->flow_tmpl = fbSessionGetTemplate(r->session, TRUE, TID_FLOW, NULL);
	r->fbuf = fBufAllocForCollection(r->session, NULL);
	fBufSetAutomaticMode(r->fbuf, FALSE);
	return r;
}

void
col_fixread_free(struct col_fixread *r)
{
	if (r == NULL)
		return;
	fBufFree(r->fbuf); /* and the session */
	while (r->n_saved > 0)
		g_free(r->saved[--r->n_saved].rec);
	g_free(r->saved);
	g_free(r->tids);
	g_free(r);
}

const struct col_fixread_stats *
col_fixread_get_stats(const struct col_fixread *r)
{
	return &r->stats;
}

uint64_t
col_fixread_undecodable(const struct col_fixread *r)
{
	const struct col_fixread_stats *s = &r->stats;

	return s->malformed + s->before_template + s->templates_refused +
	    s->dns_bad_lists;
}

const struct col_exporter_health *
col_fixread_get_health(const struct col_fixread *r)
{
	return &r->health;
}

/* --- the pre-scan: sets, templates, caps -------------------------------- */

/* The held template tid, or NULL. */
static struct held_tmpl *
tid_find(const struct col_fixread *r, uint16_t tid)
{
	size_t i;

	for (i = 0; i < r->n_tids; i++)
		if (r->tids[i].tid == tid)
			return &r->tids[i];
	return NULL;
}

static gboolean
tid_known(const struct col_fixread *r, uint16_t tid)
{
	return tid_find(r, tid) != NULL;
}

static void
tid_forget(struct col_fixread *r, uint16_t tid)
{
	struct held_tmpl *h = tid_find(r, tid);

	if (h != NULL) {
		r->aliens -= h->aliens;
		*h = r->tids[--r->n_tids];
	}
}

/* Hold tid (known or not) with its count of unknown elements. */
static void
tid_hold(struct col_fixread *r, uint16_t tid, unsigned aliens)
{
	struct held_tmpl *h = tid_find(r, tid);

	if (h == NULL)
		h = &r->tids[r->n_tids++];
	else
		r->aliens -= h->aliens;
	h->tid = tid;
	h->aliens = (uint16_t)aliens;
	r->aliens += aliens;
}

/*
 * A known element's length must fit its type: 1 up to its natural size
 * (RFC 7011 6.2 reduced-size encoding), or variable length (65535) only
 * for variable-length types.  A 40,000-byte address or a 0-byte counter
 * would make libfixbuf drop or invent records.
 */
static gboolean
length_ok(const fbInfoElement_t *ie, uint16_t len)
{
	if (ie->len == FB_IE_VARLEN)
		return TRUE;
	return len != 0 && len != FB_IE_VARLEN && len <= ie->len;
}

/*
 * Check one template record at rb and copy it to out: its id and fields
 * fit; an element the model does not know is copied as paddingOctets of
 * the same length, so libfixbuf skips it, decodes the known ones, and
 * never adds it to the information model all exporters share (nor does
 * the templates file keep it).  *aliens counts the unknown elements.
 * Returns 0 or -EBADMSG.
 */
static int
scan_template(struct col_fixread *r, struct mf_rbuf *rb, struct mf_wbuf *out,
    gboolean options, uint16_t *tid, uint16_t *n_fields, unsigned *aliens)
{
	const fbInfoElement_t *ie;
	uint16_t count, scope = 0, id, len, i;
	uint32_t pen, bytes = 0;

	if (mf_rbuf_get_u16(rb, tid) != 0 || mf_rbuf_get_u16(rb, &count) != 0)
		return -EBADMSG;
	if (options && count > 0 &&
	    (mf_rbuf_get_u16(rb, &scope) != 0 || scope == 0 || scope > count))
		return -EBADMSG;
	if (*tid < 256)
		return -EBADMSG;
	mf_wbuf_put_u16(out, *tid);
	mf_wbuf_put_u16(out, count);
	if (options && count > 0)
		mf_wbuf_put_u16(out, scope);
	*aliens = 0;
	for (i = 0; i < count; i++) {
		pen = 0;
		if (mf_rbuf_get_u16(rb, &id) != 0 ||
		    mf_rbuf_get_u16(rb, &len) != 0 ||
		    ((id & 0x8000) && mf_rbuf_get_u32(rb, &pen) != 0))
			return -EBADMSG;
		ie = fbInfoModelGetElementByID(r->m->model, id & 0x7fff, pen);
		if (ie == NULL) {
			(*aliens)++;
			id = IE_PADDING_OCTETS;
		} else if (!length_ok(ie, len)) {
			return -EBADMSG;
		}
		mf_wbuf_put_u16(out, id);
		mf_wbuf_put_u16(out, len);
		if (id & 0x8000)
			mf_wbuf_put_u32(out, pen);
		bytes += len == 65535 ? 1u : len; /* varlen: at least 1 */
	}
	/* Empty records would never consume the data set: refuse them. */
	if (count > 0 && bytes == 0)
		return -EBADMSG;
	*n_fields = count;
	return 0;
}

/*
 * Decide about a template set: every template in it must fit the cap and
 * the alien budget, else the whole set is dropped.  Returns 1 to keep it,
 * 0 to drop it, -EBADMSG if it is malformed.
 */
static void
saved_forget(struct col_fixread *r, uint16_t tid)
{
	size_t i;

	for (i = 0; i < r->n_saved; i++)
		if (r->saved[i].tid == tid) {
			r->saved_bytes -= r->saved[i].len;
			g_free(r->saved[i].rec);
			r->saved[i] = r->saved[--r->n_saved];
			return;
		}
}

/* Keep a copy of an accepted template record (bounded: one message). */
static void
saved_put(struct col_fixread *r, uint16_t tid, gboolean options,
    const uint8_t *rec, size_t len)
{
	struct saved_tmpl *t;

	saved_forget(r, tid);
	if (r->n_saved == r->max_tids ||
	    r->saved_bytes + len + 4 > COL_FIXREAD_MAX_SAVED)
		return; /* the template works; it is just not kept on disk */
	t = &r->saved[r->n_saved++];
	t->tid = tid;
	t->options = options ? 1 : 0;
	t->len = (uint16_t)len;
	t->rec = g_memdup2(rec, len);
	r->saved_bytes += len + 4;
}

/*
 * Decide about a template set and copy it to out (unknown elements as
 * padding): every template in it must fit the cap and the exporter's
 * budget of unknown elements, else the whole set is dropped (out is left
 * as it was).  Returns 1 to keep it, 0 to drop it, -EBADMSG if it is
 * malformed.
 */
static int
scan_template_set(struct col_fixread *r, struct mf_rbuf set, gboolean options,
    struct mf_wbuf *out)
{
	uint16_t tids[64], n_fields;
	gboolean withdrawn[64];
	size_t start[64], len[64], mark = out->len;
	unsigned aliens[64], n = 0, fresh = 0, i;
	int64_t budget = (int64_t)r->aliens;
	const struct held_tmpl *h;

	mf_wbuf_put_u16(out, options ? 3 : 2);
	mf_wbuf_put_u16(out, 0); /* the length, once known */
	while (set.left >= 4) {
		if (n == G_N_ELEMENTS(tids))
			goto bad; /* more templates than we track */
		start[n] = out->len;
		if (scan_template(r, &set, out, options, &tids[n], &n_fields,
		        &aliens[n]) != 0)
			goto bad;
		len[n] = out->len - start[n];
		withdrawn[n] = n_fields == 0;
		h = tid_find(r, tids[n]);
		if (!withdrawn[n] && h == NULL)
			fresh++;
		budget += (int64_t)aliens[n] - (h != NULL ? h->aliens : 0);
		n++;
	}
	if (r->n_tids + fresh > r->max_tids ||
	    budget > COL_FIXREAD_MAX_ALIENS) {
		r->stats.templates_refused += n;
		out->len = mark;
		return 0;
	}
	mf_wbuf_patch_u16(out, mark + 2, (uint16_t)(out->len - mark));
	for (i = 0; i < n; i++) {
		if (withdrawn[i]) {
			tid_forget(r, tids[i]);
			saved_forget(r, tids[i]);
			continue;
		}
		tid_hold(r, tids[i], aliens[i]);
		saved_put(r, tids[i], options, out->base + start[i], len[i]);
	}
	r->stats.templates += n;
	return 1;
bad:
	out->len = mark;
	return -EBADMSG;
}

/*
 * Copy msg into r->buf keeping only the sets libfixbuf may see.  Returns
 * the copy's length, or 0 if the message header is malformed.
 */
static size_t
filter_message(struct col_fixread *r, const uint8_t *msg, size_t len)
{
	struct mf_rbuf rb, set;
	struct mf_wbuf wb;
	uint16_t version, mlen, sid, slen;
	int keep;

	mf_rbuf_init(&rb, msg, len);
	if (mf_rbuf_peek_u16(&rb, 0, &version) != 0 || version != 10 ||
	    mf_rbuf_peek_u16(&rb, 2, &mlen) != 0 || mlen != len ||
	    len < IPFIX_HEADER_LEN)
		return 0;
	mf_wbuf_init(&wb, r->buf, sizeof(r->buf));
	mf_wbuf_put_bytes(&wb, msg, IPFIX_HEADER_LEN);
	mf_rbuf_skip(&rb, IPFIX_HEADER_LEN);
	while (rb.left > 0) {
		if (mf_rbuf_peek_u16(&rb, 0, &sid) != 0 ||
		    mf_rbuf_peek_u16(&rb, 2, &slen) != 0 || slen < 4 ||
		    mf_rbuf_sub(&rb, slen, &set) != 0) {
			r->stats.malformed++; /* the rest cannot be framed */
			break;
		}
		mf_rbuf_skip(&set, 4);
		if (sid == 2 || sid == 3) {
			/* Copied (rewritten) by the scan itself. */
			if (scan_template_set(r, set, sid == 3, &wb) < 0)
				r->stats.malformed++;
			continue;
		}
		if (sid >= 256 && tid_known(r, sid))
			keep = 1;
		else if (sid >= 256) {
			r->stats.before_template++;
			r->dropped_data = TRUE;
			keep = 0;
		} else
			keep = -EBADMSG; /* set ids 0, 1, 4..255 */
		if (keep < 0)
			r->stats.malformed++;
		if (keep > 0)
			mf_wbuf_put_bytes(&wb, set.p - 4, slen);
	}
	mf_wbuf_patch_u16(&wb, 2, (uint16_t)wb.len);
	/*
	 * libfixbuf checks sequence numbers too and warns on every gap,
	 * unthrottled; gaps are counted here (check_sequence()), so its copy
	 * always carries the number it expects.
	 */
	mf_wbuf_patch_u32(&wb, 8, r->fix_seq);
	return wb.len;
}

/* RFC 7011 3.1: the sequence number counts data records sent before. */
static void
check_sequence(struct col_fixread *r, uint32_t seq)
{
	uint32_t gap = seq - r->next_seq;

	if (r->have_seq && gap != 0 && gap < 0x80000000u)
		r->stats.lost += gap;
	r->have_seq = TRUE;
	r->next_seq = seq;
}

/* --- records ---------------------------------------------------------------
 */

static uint64_t
ntp_to_ms(uint64_t ntp)
{
	uint64_t secs = ntp >> 32, frac = ntp & 0xffffffffu;

	if (secs < NTP_UNIX_OFFSET)
		return 0;
	return (secs - NTP_UNIX_OFFSET) * 1000 + ((frac * 1000) >> 32);
}

/* The flow's absolute times from whichever elements it carried. */
static gboolean
flow_times(const struct fixflow *x, uint64_t boot_ms, uint64_t export_ms,
    uint64_t *start, uint64_t *end)
{
	uint64_t boot = x->init_ms != 0 ? x->init_ms : boot_ms;

	if (x->end_ms != 0) {
		*start = x->start_ms, *end = x->end_ms;
	} else if (x->end_us != 0) {
		*start = ntp_to_ms(x->start_us), *end = ntp_to_ms(x->end_us);
	} else if (x->end_ns != 0) {
		*start = ntp_to_ms(x->start_ns), *end = ntp_to_ms(x->end_ns);
	} else if (x->end_s != 0) {
		*start = (uint64_t)x->start_s * 1000;
		*end = (uint64_t)x->end_s * 1000;
	} else if (x->end_up != 0 && boot != 0) {
		*start = boot + x->start_up, *end = boot + x->end_up;
	} else if (x->start_delta_us != 0 || x->end_delta_us != 0) {
		*start = export_ms - x->start_delta_us / 1000;
		*end = export_ms - x->end_delta_us / 1000;
	} else {
		*start = *end = export_ms;
		return FALSE;
	}
	if (*start == 0 || *start > *end)
		*start = *end;
	return TRUE;
}

/*
 * The label: the first non-empty of the label elements, cut to what
 * col_flow keeps and at a NUL (the report makes the rest valid UTF-8).
 */
static void
take_label(const struct fixflow *x, struct col_flow *f)
{
	const struct mf_varfield *v = x->qname.len > 0 ? &x->qname
	    : x->sni.len > 0                           ? &x->sni
	                                               : &x->host;
	size_t i, n = MIN(v->len, sizeof(f->label) - 1);

	for (i = 0; i < n && v->buf != NULL && v->buf[i] != 0; i++)
		f->label[i] = (char)v->buf[i];
	f->label[i] = '\0';
	f->label_source = x->label_source;
}

/* --processes: the local process, cut like the label. */
static void
take_process(const struct fixflow *x, struct col_flow *f)
{
	size_t i, n = MIN(x->process.len, sizeof(f->process) - 1);

	for (i = 0; i < n && x->process.buf != NULL && x->process.buf[i] != 0;
	     i++)
		f->process[i] = (char)x->process.buf[i];
	f->process[i] = '\0';
	f->pid = x->pid;
}

static void
to_flow(const struct fixflow *x, struct col_flow *f)
{
	memset(f, 0, sizeof(*f));
	if (x->src4 != 0 || x->dst4 != 0) {
		uint8_t b[4];

		b[0] = (uint8_t)(x->src4 >> 24),
		b[1] = (uint8_t)(x->src4 >> 16);
		b[2] = (uint8_t)(x->src4 >> 8), b[3] = (uint8_t)x->src4;
		mf_addr_set4(&f->src, b);
		b[0] = (uint8_t)(x->dst4 >> 24),
		b[1] = (uint8_t)(x->dst4 >> 16);
		b[2] = (uint8_t)(x->dst4 >> 8), b[3] = (uint8_t)x->dst4;
		mf_addr_set4(&f->dst, b);
	} else {
		mf_addr_set6(&f->src, x->src6);
		mf_addr_set6(&f->dst, x->dst6);
	}
	f->packets = x->packets != 0 ? x->packets : x->packets_total;
	f->octets = x->octets != 0 ? x->octets : x->octets_total;
	f->rev_packets =
	    x->rev_packets != 0 ? x->rev_packets : x->rev_packets_total;
	f->rev_octets =
	    x->rev_octets != 0 ? x->rev_octets : x->rev_octets_total;
	f->ingress = x->ingress, f->egress = x->egress;
	f->sport = x->sport, f->dport = x->dport, f->vlan = x->vlan;
	if ((x->proto == 1 || x->proto == 58) && f->dport == 0)
		f->dport = x->proto == 1 ? x->icmp4
		    : x->icmp6 != 0      ? x->icmp6
		                         : x->icmp4; /* v9: ICMP_TYPE */
	f->app_port = x->silk_app;
	f->proto = x->proto;
	f->tcp_flags =
	    (uint8_t)x->tcp_flags | x->initial_flags | x->union_flags;
	f->rev_tcp_flags = (uint8_t)x->rev_tcp_flags | x->rev_initial_flags |
	    x->rev_union_flags;
	f->initial_flags = x->initial_flags, f->union_flags = x->union_flags;
	f->rev_initial_flags = x->rev_initial_flags;
	f->rev_union_flags = x->rev_union_flags;
	f->rev_delta_ms = x->rev_delta_ms;
	f->end_reason = x->end_reason;
	memcpy(f->src_mac, x->src_mac, 6);
	memcpy(f->dst_mac, x->dst_mac, 6);
	f->has_mac = memcmp(x->src_mac, "\0\0\0\0\0\0", 6) != 0 ||
	    memcmp(x->dst_mac, "\0\0\0\0\0\0", 6) != 0;
	take_label(x, f);
	take_process(x, f);
}

/* The internal template records of kind are read into. */
static uint16_t
internal_tid(int kind)
{
	switch (kind) {
	case KIND_STATS:
		return TID_STATS;
	case KIND_DNS:
		return COL_FIXDNS_TID;
	case KIND_DEVICE:
		return COL_FIXDEV_TID;
	default:
		return TID_FLOW;
	}
}

/* Transcode the next record; returns its kind, 0 at the end, -1 on error. */
static int
next_record(struct col_fixread *r, void *rec, size_t size, GError **err)
{
	uint16_t ext_tid;
	fbTemplate_t *t = fBufNextCollectionTemplate(r->fbuf, &ext_tid, err);
	int kind;
	size_t len = size;

	if (t == NULL)
		return g_error_matches(*err, FB_ERROR_DOMAIN, FB_ERROR_EOM)
		    ? 0
		    : -1;
	kind = GPOINTER_TO_INT(fbTemplateGetContext(t));
	if (!fBufSetInternalTemplate(r->fbuf, internal_tid(kind), err) ||
	    !fBufNext(r->fbuf, rec, &len, err))
		return g_error_matches(*err, FB_ERROR_DOMAIN, FB_ERROR_EOM)
		    ? 0
		    : -1;
	return kind;
}

/* A transcoded record: a flow or an exporter's statistics. */
union fixrec {
	struct fixflow f;
	struct mf_stats_rec s;
	struct col_fixdns_rec d;
	struct mf_device_rec v;
};

static void
take_device(struct col_fixread *r, const struct mf_device_rec *x)
{
	struct col_device_rec d;

	col_fixdev_take(x, &d);
	r->stats.device_records++;
	if (r->device_fn != NULL)
		r->device_fn(&d, r->dns_ctx);
}

static void
take_dns(struct col_fixread *r, struct col_fixdns_rec *x)
{
	struct col_dns_rec d;
	gboolean bad_list;

	r->stats.dns_addrs_dropped += col_fixdns_take(x, &d, &bad_list);
	if (bad_list)
		r->stats.dns_bad_lists++;
	r->stats.dns_records++;
	if (r->dns_fn != NULL)
		r->dns_fn(&d, r->dns_ctx);
}

/* YAF's DNS records inside flow f (fixyaf.h). */
static void
take_yaf_dns(struct col_fixread *r, fbSubTemplateMultiList_t *dpi,
    const struct col_flow *f)
{
	struct col_fixyaf_stats st = { 0, 0 };

	col_fixyaf_take(dpi, f, r->dns_fn, r->dns_ctx, &st);
	r->stats.dns_records += st.records;
	r->stats.dns_addrs_dropped += st.addrs_dropped;
}

static void
take_record(struct col_fixread *r, int kind, union fixrec *u, uint64_t boot_ms,
    uint64_t export_ms, col_flow_fn fn, void *ctx)
{
	struct col_flow f;

	if (kind == KIND_STATS) {
		r->health.seen = TRUE;
		r->health.rec = u->s;
		r->stats.option_records++;
		return;
	}
	if (kind == KIND_DNS) {
		take_dns(r, &u->d);
		return;
	}
	if (kind == KIND_DEVICE) {
		take_device(r, &u->v);
		return;
	}
	if (kind == KIND_TYPE) {
		r->stats.type_records++;
		return;
	}
	if (kind != KIND_FLOW) {
		r->stats.other_records++;
		return;
	}
	to_flow(&u->f, &f);
	if (!flow_times(&u->f, boot_ms, export_ms, &f.start_ms, &f.end_ms))
		r->stats.bad_times++;
	r->stats.records++;
	fn(&f, ctx);
	take_yaf_dns(r, &u->f.dpi, &f);
}

int
col_fixread_message(struct col_fixread *r, const uint8_t *msg, size_t len,
    uint64_t boot_ms, col_flow_fn fn, void *ctx)
{
	union fixrec u;
	GError *err = NULL;
	size_t flen;
	uint64_t export_ms;
	uint32_t seq, n = 0;
	int kind;

	r->dropped_data = FALSE;
	if ((flen = filter_message(r, msg, len)) == 0) {
		r->stats.malformed++;
		return -EBADMSG;
	}
	export_ms = (uint64_t)((uint32_t)msg[4] << 24 | (uint32_t)msg[5] << 16 |
	                (uint32_t)msg[6] << 8 | msg[7]) *
	    1000;
	seq = (uint32_t)msg[8] << 24 | (uint32_t)msg[9] << 16 |
	    (uint32_t)msg[10] << 8 | msg[11];
	check_sequence(r, seq);
	r->stats.messages++;
	fBufSetBuffer(r->fbuf, r->buf, flen);
	for (;;) {
		/* A record takes at least a byte: more is a runaway. */
		if (n > flen) {
			kind = -1;
			g_set_error(&err, MF_ERROR, MF_ERROR_IPFIX,
			    "more records than bytes");
			break;
		}
		memset(&u, 0, sizeof(u));
		if ((kind = next_record(r, &u, sizeof(u), &err)) <= 0)
			break;
		n++;
		take_record(r, kind, &u, boot_ms, export_ms, fn, ctx);
		if (internal_tid(kind) == TID_FLOW)
			fBufListFree(r->flow_tmpl, (uint8_t *)&u.f);
	}
	if (kind < 0) {
		r->stats.malformed++;
		g_debug("fixread: %s", err->message);
	}
	g_clear_error(&err);
	r->next_seq = seq + n;
	r->fix_seq += n;
	/*
	 * A dropped data set held records we cannot count (no template, no
	 * record length): they are counted as before_template, and the next
	 * gap would count them again, so the next message resynchronises.
	 */
	if (r->dropped_data)
		r->have_seq = FALSE;
	return 0;
}

static void
no_flow(const struct col_flow *f, void *ctx)
{
	(void)f;
	(void)ctx;
}

size_t
col_fixread_save_templates(const struct col_fixread *r, uint8_t *out,
    size_t cap, uint32_t domain)
{
	struct mf_wbuf wb;
	size_t i;

	if (r->n_saved == 0 || cap < IPFIX_HEADER_LEN)
		return 0;
	mf_wbuf_init(&wb, out, MIN(cap, (size_t)MSG_MAX));
	mf_wbuf_put_u16(&wb, 10);
	mf_wbuf_put_u16(&wb, 0);
	mf_wbuf_put_u32(&wb, 0);
	mf_wbuf_put_u32(&wb, 0);
	mf_wbuf_put_u32(&wb, domain);
	for (i = 0; i < r->n_saved; i++) {
		const struct saved_tmpl *t = &r->saved[i];

		if (mf_wbuf_put_u16(&wb, t->options ? 3 : 2) != 0 ||
		    mf_wbuf_put_u16(&wb, (uint16_t)(t->len + 4)) != 0 ||
		    mf_wbuf_put_bytes(&wb, t->rec, t->len) != 0)
			return 0; /* cannot happen: saved_bytes is bounded */
	}
	mf_wbuf_patch_u16(&wb, 2, (uint16_t)wb.len);
	return wb.len;
}

void
col_fixread_restore_templates(struct col_fixread *r, const uint8_t *msg,
    size_t len)
{
	struct col_fixread_stats before = r->stats;

	col_fixread_message(r, msg, len, 0, no_flow, NULL);
	/* Not traffic: only the templates count. */
	before.templates = r->stats.templates;
	before.templates_refused = r->stats.templates_refused;
	r->stats = before;
	r->have_seq = FALSE;
}
