/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-fixread"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <glib.h>
#include <fixbuf/public.h>

#include "collector/ingest/fastread.h"
#include "collector/ingest/fbmodel.h"
#include "collector/ingest/fixdev.h"
#include "collector/ingest/fixdns.h"
#include "collector/ingest/fixflow.h"
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
#define TID_STATS 0x7e01 /* internal template id */

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

struct col_fixmodel {
	fbInfoModel_t *model; /* never grows: unknown elements become padding */
	gboolean compiled;    /* sessions' default: col_fixread_set_compiled */
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
	fbTemplate_t *flow_tmpl;  /* the internal one: frees its lists */
	struct held_tmpl *tids;   /* templates we let through */
	unsigned aliens;          /* their unknown elements, all together */
	struct saved_tmpl *saved; /* raw records of the kept templates */
	size_t n_saved, saved_bytes;
	size_t n_tids, max_tids;
	gboolean have_seq;
	uint32_t next_seq;     /* expected sequence number */
	uint32_t fix_seq;      /* what libfixbuf expects in our copies */
	gboolean dropped_data; /* this message lost a data set */
	gboolean compiled;     /* flow data sets by the compiled reader */
	uint8_t buf[MSG_MAX];  /* the filtered copy libfixbuf reads */
	struct col_fixread_stats stats;
	struct col_exporter_health health;
	col_dns_fn dns_fn;       /* DNS records, or NULL */
	col_device_fn device_fn; /* device records, or NULL */
	void *dns_ctx;           /* for both */
};

void
col_fixread_set_dns_fn(struct col_fixread *r, col_dns_fn fn, void *ctx)
{
	r->dns_fn = fn;
	r->dns_ctx = ctx;
}

void
col_fixread_set_compiled(struct col_fixread *r, gboolean on)
{
	r->compiled = on;
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
	m->compiled = g_strcmp0(g_getenv(COL_FIXREAD_COMPILED_ENV), "0") != 0;
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

/*
 * What a template is (libfixbuf keeps it as the template's context, and
 * frees it with the template): its kind, and for a flow template the
 * compiled reader, or NULL if it has none.
 */
struct tmpl_info {
	int kind;
	struct col_fastread *fast;
};

static void
tmpl_info_free(void *tmpl_ctx, void *app_ctx)
{
	struct tmpl_info *info = tmpl_ctx;

	(void)app_ctx;
	if (info != NULL)
		col_fastread_free(info->fast);
	g_free(info);
}

/* The compiled reader of a flow template, or NULL (fastread.h says when). */
static struct col_fastread *
compile(fbInfoModel_t *model, fbTemplate_t *tmpl)
{
	uint32_t i, n = fbTemplateCountElements(tmpl);
	struct col_fastread_elem *e;
	struct col_fastread *fast;

	if (n == 0)
		return NULL;
	/* YAF's DPI lists (fixyaf.h) are libfixbuf's to read. */
	if (col_fbmodel_template_has(tmpl, 0, MF_IE_SUB_TEMPLATE_MULTI_LIST))
		return NULL;
	e = g_new(struct col_fastread_elem, n);
	for (i = 0; i < n; i++) {
		const fbInfoElement_t *ie = fbTemplateGetIndexedIE(tmpl, i);
		const fbInfoElement_t *canon =
		    fbInfoModelGetElementByID(model, ie->num, ie->ent);

		e[i].pen = ie->ent;
		e[i].id = ie->num;
		e[i].len = ie->len;
		e[i].endian =
		    canon != NULL && (canon->flags & FB_IE_F_ENDIAN) != 0;
	}
	fast = col_fastread_compile(e, n);
	g_free(e);
	return fast;
}

static int
template_kind(fbTemplate_t *tmpl)
{
	if (col_fixdns_is_dns(tmpl))
		return KIND_DNS;
	if (col_fixdev_is_device(tmpl))
		return KIND_DEVICE;
	if (fbTemplateGetOptionsScope(tmpl) > 0) {
		if (col_fbmodel_template_has(tmpl, 0,
		        MF_IE_PACKET_TOTAL_COUNT) &&
		    col_fbmodel_template_has(tmpl, 0,
		        MF_IE_EXPORTED_FLOW_RECORD_TOTAL_COUNT))
			return KIND_STATS;
		if (col_fbmodel_template_has(tmpl, 0,
		        IE_INFORMATION_ELEMENT_ID) &&
		    col_fbmodel_template_has(tmpl, 0,
		        IE_PRIVATE_ENTERPRISE_NUMBER))
			return KIND_TYPE;
		return KIND_OTHER;
	}
	if (col_fbmodel_template_has(tmpl, 0, MF_IE_SOURCE_IPV4_ADDRESS) ||
	    col_fbmodel_template_has(tmpl, 0, MF_IE_SOURCE_IPV6_ADDRESS))
		return KIND_FLOW;
	return KIND_OTHER;
}

/*
 * libfixbuf's new-template callback: remember what each template is, and
 * compile flow templates.  Compiling here, when libfixbuf itself learns
 * the template, keeps both readers on the same templates whatever
 * happens to the message (a set libfixbuf never reaches teaches neither).
 */
static void
on_template(fbSession_t *session, uint16_t tid, fbTemplate_t *tmpl,
    void *app_ctx, void **tmpl_ctx, fbTemplateCtxFree_fn *free_fn)
{
	struct col_fixread *r = app_ctx;
	struct tmpl_info *info = g_new0(struct tmpl_info, 1);

	col_fixyaf_on_template(session, tid, tmpl);
	info->kind = template_kind(tmpl);
	if (info->kind == KIND_FLOW)
		info->fast = compile(r->m->model, tmpl);
	*tmpl_ctx = info;
	*free_fn = tmpl_info_free;
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
	r->compiled = m->compiled;
	r->max_tids = max_templates;
	r->tids =
	    g_new0(struct held_tmpl, max_templates > 0 ? max_templates : 1);
	r->saved =
	    g_new0(struct saved_tmpl, max_templates > 0 ? max_templates : 1);
	r->session = fbSessionAlloc(m->model);
	fbSessionAddNewTemplateCallback(r->session, on_template, r);
	/* Both are our own tables: failing here is a programming error. */
	g_assert(add_internal(r->session, m->model, COL_FIXFLOW_TID,
	    &col_fixflow_tmpl));
	g_assert(add_internal(r->session, m->model, TID_STATS,
	    &mf_tmpl_stats_internal));
	g_assert(col_fixdns_add_internal(r->session, m->model, NULL));
	g_assert(col_fixdev_add_internal(r->session, m->model, NULL));
	g_assert(col_fixyaf_add_internal(r->session, m->model, NULL));
	r->flow_tmpl =
	    fbSessionGetTemplate(r->session, TRUE, COL_FIXFLOW_TID, NULL);
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
	return wb.len; /* lib_read() writes its length and sequence */
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
		return COL_FIXFLOW_TID;
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
	kind = ((const struct tmpl_info *)fbTemplateGetContext(t))->kind;
	if (!fBufSetInternalTemplate(r->fbuf, internal_tid(kind), err) ||
	    !fBufNext(r->fbuf, rec, &len, err))
		return g_error_matches(*err, FB_ERROR_DOMAIN, FB_ERROR_EOM)
		    ? 0
		    : -1;
	return kind;
}

/* A transcoded record: a flow or an exporter's statistics. */
union fixrec {
	struct col_fixflow f;
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

	r->stats.dns_addrs_dropped +=
	    col_fixdns_take(x, r->buf, sizeof(r->buf), &d, &bad_list);
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
	if (!col_fixflow_take(&u->f, boot_ms, export_ms, &f))
		r->stats.bad_times++;
	r->stats.records++;
	fn(&f, ctx);
	take_yaf_dns(r, &u->f.dpi, &f);
}

/* One message's reading: where records go, and how many there were. */
struct msg_ctx {
	uint64_t boot_ms, export_ms;
	col_flow_fn fn;
	void *ctx;
	uint32_t n; /* records read, by either reader */
};

/*
 * libfixbuf reads r->buf[off .. end), a message whose header the caller
 * put at off.  Returns FALSE if libfixbuf failed (counted as malformed):
 * the rest of the message is lost, as it always was.
 */
static gboolean
lib_read(struct col_fixread *r, size_t off, size_t end, struct msg_ctx *m)
{
	union fixrec u;
	GError *err = NULL;
	size_t flen = end - off;
	uint32_t n = 0;
	int kind;

	r->buf[off + 2] = (uint8_t)(flen >> 8), r->buf[off + 3] = (uint8_t)flen;
	/*
	 * libfixbuf checks sequence numbers too and warns on every gap,
	 * unthrottled; gaps are counted here (check_sequence()), so its copy
	 * always carries the number it expects.
	 */
	r->buf[off + 8] = (uint8_t)(r->fix_seq >> 24);
	r->buf[off + 9] = (uint8_t)(r->fix_seq >> 16);
	r->buf[off + 10] = (uint8_t)(r->fix_seq >> 8);
	r->buf[off + 11] = (uint8_t)r->fix_seq;
	fBufSetBuffer(r->fbuf, r->buf + off, flen);
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
		take_record(r, kind, &u, m->boot_ms, m->export_ms, m->fn,
		    m->ctx);
		if (internal_tid(kind) == COL_FIXFLOW_TID)
			fBufListFree(r->flow_tmpl, (uint8_t *)&u.f);
	}
	if (kind < 0) {
		r->stats.malformed++;
		g_debug("fixread: %s", err->message);
	}
	g_clear_error(&err);
	r->fix_seq += n;
	m->n += n;
	return kind >= 0;
}

/* The compiled reader of the data set sid's template, or NULL. */
static const struct col_fastread *
fast_reader(struct col_fixread *r, uint16_t sid)
{
	fbTemplate_t *t = fbSessionGetTemplate(r->session, FALSE, sid, NULL);
	const struct tmpl_info *info;

	if (t == NULL || (info = fbTemplateGetContext(t)) == NULL)
		return NULL;
	return info->fast;
}

/*
 * The compiled reader reads the records of one data set (body: after its
 * header).  Returns the bytes it read: all of them (padding included), or
 * the offset of a record that runs past the set's end (0 if the set is
 * shorter than a record).
 */
static size_t
fast_read(struct col_fixread *r, const struct col_fastread *fast,
    const uint8_t *body, size_t left, struct msg_ctx *m)
{
	struct col_fixflow x;
	struct col_flow f;
	size_t used, done = 0, min = col_fastread_min_len(fast);

	/*
	 * A set too short for one record is not all padding to libfixbuf:
	 * it reads the next set with this set's internal template.  Leave it
	 * to libfixbuf.
	 */
	if (left < min)
		return 0;
	memset(&x, 0, sizeof(x)); /* each record writes the same fields */
	while (left - done >= min) {
		if (col_fastread_record(fast, body + done, left - done, &x,
		        &used) != 0)
			return done;
		done += used;
		m->n++;
		if (!col_fixflow_take(&x, m->boot_ms, m->export_ms, &f))
			r->stats.bad_times++;
		r->stats.records++;
		r->stats.compiled_records++;
		m->fn(&f, m->ctx);
	}
	return left;
}

static uint16_t
buf_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * Read the filtered copy r->buf[0 .. flen) (its sets are well framed):
 * libfixbuf reads the template sets that open it, the compiled reader the
 * data sets after them as long as their templates are compiled, and
 * libfixbuf everything from the first set (or record) it cannot take.  Records
 * come in message order either way.
 */
static void
read_message(struct col_fixread *r, size_t flen, struct msg_ctx *m)
{
	const struct col_fastread *fast;
	uint8_t hdr[IPFIX_HEADER_LEN];
	size_t pos = IPFIX_HEADER_LEN, got, q;
	uint16_t sid, slen;

	if (!r->compiled) {
		lib_read(r, 0, flen, m);
		return;
	}
	memcpy(hdr, r->buf, sizeof(hdr));
	/* Templates are per domain: look them up where libfixbuf would. */
	fbSessionSetDomain(r->session,
	    (uint32_t)hdr[12] << 24 | (uint32_t)hdr[13] << 16 |
	        (uint32_t)hdr[14] << 8 | hdr[15]);
	while (pos < flen && ((sid = buf_u16(r->buf + pos)) == 2 || sid == 3))
		pos += buf_u16(r->buf + pos + 2);
	if (pos > IPFIX_HEADER_LEN && !lib_read(r, 0, pos, m))
		return;
	while (pos < flen) {
		sid = buf_u16(r->buf + pos);
		slen = buf_u16(r->buf + pos + 2);
		if (sid < 256 || (fast = fast_reader(r, sid)) == NULL)
			break;
		got = fast_read(r, fast, r->buf + pos + 4, (size_t)slen - 4, m);
		if (got < (size_t)slen - 4 || slen == 4) {
			/*
			 * libfixbuf bounds a record by the message, not its
			 * set: it reads this one on into the next set.  It
			 * takes over from this record, in a set of its own.
			 */
			q = pos + 4 + got;
			r->buf[q - 4] = (uint8_t)(sid >> 8);
			r->buf[q - 3] = (uint8_t)sid;
			r->buf[q - 2] = (uint8_t)((pos + slen - q + 4) >> 8);
			r->buf[q - 1] = (uint8_t)(pos + slen - q + 4);
			pos = q - 4;
			break;
		}
		pos += slen;
	}
	if (pos < flen) {
		/* The sets before are read: their bytes take the header. */
		memcpy(r->buf + pos - IPFIX_HEADER_LEN, hdr, sizeof(hdr));
		lib_read(r, pos - IPFIX_HEADER_LEN, flen, m);
	}
}

int
col_fixread_message(struct col_fixread *r, const uint8_t *msg, size_t len,
    uint64_t boot_ms, col_flow_fn fn, void *ctx)
{
	struct msg_ctx m = { boot_ms, 0, fn, ctx, 0 };
	size_t flen;
	uint32_t seq;

	r->dropped_data = FALSE;
	if ((flen = filter_message(r, msg, len)) == 0) {
		r->stats.malformed++;
		return -EBADMSG;
	}
	m.export_ms =
	    (uint64_t)((uint32_t)msg[4] << 24 | (uint32_t)msg[5] << 16 |
	        (uint32_t)msg[6] << 8 | msg[7]) *
	    1000;
	seq = (uint32_t)msg[8] << 24 | (uint32_t)msg[9] << 16 |
	    (uint32_t)msg[10] << 8 | msg[11];
	check_sequence(r, seq);
	r->stats.messages++;
	read_message(r, flen, &m);
	r->next_seq = seq + m.n;
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
