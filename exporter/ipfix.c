/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-ipfix"

#include <errno.h>
#include <stdint.h>

#include <glib.h>
#include <fixbuf/public.h>

#include "common/error.h"
#include "common/model.h"
#include "exporter/ipfix.h"

/* libfixbuf takes constant strings through char *: see common/model.c. */
#pragma GCC diagnostic ignored "-Wwrite-strings"

/* Internal template ids (libfixbuf keeps them apart from external ones). */
#define TID_INT_FLOW 0x7f00
#define TID_INT_STATS 0x7f01

struct exp_ipfix {
	fbInfoModel_t *model;
	fbSession_t *session;   /* owned by fbuf */
	fbExporter_t *exporter; /* owned by fbuf */
	fBuf_t *fbuf;
	uint8_t *buf; /* the message, mtu bytes */
	size_t mtu;
	gboolean pending; /* something was added since the last emit */
};

/* libfixbuf dereferences its GError argument: never pass it NULL. */
static gboolean
add_template(fbSession_t *s, fbInfoModel_t *m, gboolean internal, uint16_t tid,
    const struct mf_template *t, GError **error)
{
	GError *err = NULL;
	fbTemplate_t *tmpl = mf_model_template_new(m, t, &err);

	if (tmpl != NULL &&
	    fbSessionAddTemplate(s, internal, tid, tmpl, &err) == 0) {
		fbTemplateFreeUnused(tmpl);
		tmpl = NULL;
	}
	if (tmpl == NULL) {
		g_propagate_error(error, err);
		return FALSE;
	}
	return TRUE;
}

static gboolean
add_all_templates(struct exp_ipfix *x, gboolean biflow, GError **error)
{
	fbSession_t *s = x->session;
	fbInfoModel_t *m = x->model;
	const struct mf_template *v4 =
	    biflow ? &mf_tmpl_biflow4 : &mf_tmpl_flow4;
	const struct mf_template *v6 =
	    biflow ? &mf_tmpl_biflow6 : &mf_tmpl_flow6;

	return add_template(s, m, TRUE, TID_INT_FLOW, &mf_tmpl_flow_internal,
	           error) &&
	    add_template(s, m, TRUE, TID_INT_STATS, &mf_tmpl_stats_internal,
	        error) &&
	    add_template(s, m, FALSE, v4->id, v4, error) &&
	    add_template(s, m, FALSE, v6->id, v6, error) &&
	    add_template(s, m, FALSE, mf_tmpl_stats.id, &mf_tmpl_stats, error);
}

struct exp_ipfix *
exp_ipfix_new(uint32_t domain, size_t mtu, gboolean biflow, GError **error)
{
	struct exp_ipfix *x;

	/* The largest template message (biflow) takes 350 bytes. */
	if (mtu < EXP_IPFIX_MIN_MTU || mtu > UINT16_MAX) {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
		    "message size %zu out of range (%u..65535)", mtu,
		    EXP_IPFIX_MIN_MTU);
		return NULL;
	}
	x = g_new0(struct exp_ipfix, 1);
	x->mtu = mtu;
	x->buf = g_malloc0(mtu);
	x->model = mf_model_new();
	x->session = fbSessionAlloc(x->model);
	fbSessionSetDomain(x->session, domain); /* before the templates */
	if (!add_all_templates(x, biflow, error)) {
		fbSessionFree(x->session);
		x->session = NULL;
		exp_ipfix_free(x);
		return NULL;
	}
	x->exporter = fbExporterAllocBuffer(x->buf, (uint16_t)mtu);
	x->fbuf = fBufAllocForExport(x->session, x->exporter);
	fBufSetAutomaticMode(x->fbuf, FALSE);
	return x;
}

void
exp_ipfix_free(struct exp_ipfix *x)
{
	if (x == NULL)
		return;
	if (x->fbuf != NULL)
		fBufFree(x->fbuf); /* frees session and exporter */
	if (x->model != NULL)
		fbInfoModelFree(x->model);
	g_free(x->buf);
	g_free(x);
}

void
exp_ipfix_set_export_time(struct exp_ipfix *x, uint32_t secs)
{
	fBufSetExportTime(x->fbuf, secs);
}

/*
 * libfixbuf in manual mode answers FB_ERROR_EOM in two cases: the message
 * is full, or the append switches between template sets and data sets
 * (which libfixbuf never mixes in one message: the first append of the
 * other kind only flips its mode and must be retried).  With something in
 * the message either way means "emit, then retry" (-ENOSPC); with nothing
 * in it, it was a mode switch and one retry succeeds.
 */
static int
finish(struct exp_ipfix *x, GError *err, const char *what)
{
	int r = -EINVAL;

	if (err == NULL) {
		x->pending = TRUE;
		return 0;
	}
	if (g_error_matches(err, FB_ERROR_DOMAIN, FB_ERROR_EOM))
		r = -ENOSPC;
	else
		g_warning("ipfix: %s: %s", what, err->message);
	g_error_free(err);
	return r;
}

static gboolean
export_templates(struct exp_ipfix *x, GError **err)
{
	return fbSessionExportTemplates(x->session, err);
}

static gboolean
append(struct exp_ipfix *x, const struct mf_template *t, const void *rec,
    GError **err)
{
	gboolean stats = (t->flags & MF_TMPL_OPTIONS) != 0;
	size_t len = stats ? MF_STATS_REC_LEN : MF_FLOW_REC_LEN;

	return fBufSetInternalTemplate(x->fbuf,
	           stats ? TID_INT_STATS : TID_INT_FLOW, err) &&
	    fBufSetExportTemplate(x->fbuf, t->id, err) &&
	    fBufAppend(x->fbuf, (uint8_t *)(uintptr_t)rec, len, err);
}

int
exp_ipfix_add_templates(struct exp_ipfix *x)
{
	GError *err = NULL;

	if (!export_templates(x, &err) && !x->pending &&
	    g_error_matches(err, FB_ERROR_DOMAIN, FB_ERROR_EOM)) {
		g_clear_error(&err); /* a mode switch on an empty message */
		export_templates(x, &err);
	}
	return finish(x, err, "templates");
}

int
exp_ipfix_add_record(struct exp_ipfix *x, const struct mf_template *t,
    const void *rec)
{
	GError *err = NULL;

	if (!append(x, t, rec, &err) && !x->pending &&
	    g_error_matches(err, FB_ERROR_DOMAIN, FB_ERROR_EOM)) {
		g_clear_error(&err);
		append(x, t, rec, &err);
	}
	return finish(x, err, t->name);
}

gboolean
exp_ipfix_pending(const struct exp_ipfix *x)
{
	return x->pending;
}

size_t
exp_ipfix_emit(struct exp_ipfix *x, const uint8_t **msg)
{
	GError *err = NULL;

	if (!x->pending)
		return 0;
	x->pending = FALSE;
	if (!fBufEmit(x->fbuf, &err)) {
		g_warning("ipfix: cannot close message: %s", err->message);
		g_error_free(err);
		return 0;
	}
	*msg = x->buf;
	return fbExporterGetMsgLen(x->exporter);
}
