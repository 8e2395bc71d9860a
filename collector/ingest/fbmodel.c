/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-fbmodel"

#include <string.h>

#include <glib.h>
#include <fixbuf/public.h>

#include "collector/ingest/fbmodel.h"
#include "common/error.h"
#include "common/model.h"

/*
 * libfixbuf's element initialisers take string literals through non-const
 * pointers: this adapter relaxes -Wwrite-strings for them (STYLE.md 10).
 */
#pragma GCC diagnostic ignored "-Wwrite-strings"

/*
 * CERT elements minflow uses (numbers and names as CERT's registry and YAF
 * define them).  Reversible ones get their 0x4000 twins from libfixbuf.
 */
static fbInfoElement_t cert_elements[] = {
	FB_IE_INIT_FULL("initialTCPFlags", MF_PEN_CERT,
	    MF_CERT_INITIAL_TCP_FLAGS, 1,
	    FB_IE_FLAGS | FB_IE_F_ENDIAN | FB_IE_F_REVERSIBLE, 0, 0, FB_UINT_8,
	    NULL),
	FB_IE_INIT_FULL("unionTCPFlags", MF_PEN_CERT, MF_CERT_UNION_TCP_FLAGS,
	    1, FB_IE_FLAGS | FB_IE_F_ENDIAN | FB_IE_F_REVERSIBLE, 0, 0,
	    FB_UINT_8, NULL),
	FB_IE_INIT_FULL("reverseFlowDeltaMilliseconds", MF_PEN_CERT,
	    MF_CERT_REVERSE_FLOW_DELTA_MILLISECONDS, 4,
	    FB_IE_QUANTITY | FB_UNITS_MILLISECONDS | FB_IE_F_ENDIAN, 0, 0,
	    FB_UINT_32, NULL),
	FB_IE_INIT_FULL("silkAppLabel", MF_PEN_CERT, MF_CERT_SILK_APP_LABEL, 2,
	    FB_IE_IDENTIFIER | FB_IE_F_ENDIAN, 0, 0, FB_UINT_16, NULL),
	FB_IE_INIT_FULL("expiredFragmentCount", MF_PEN_CERT,
	    MF_CERT_EXPIRED_FRAGMENT_COUNT, 4,
	    FB_IE_TOTALCOUNTER | FB_IE_F_ENDIAN, 0, 0, FB_UINT_32, NULL),
	FB_IE_INIT_FULL("flowTableFlushEventCount", MF_PEN_CERT,
	    MF_CERT_FLOW_TABLE_FLUSH_EVENT_COUNT, 4,
	    FB_IE_TOTALCOUNTER | FB_IE_F_ENDIAN, 0, 0, FB_UINT_32, NULL),
	FB_IE_INIT_FULL("flowTablePeakCount", MF_PEN_CERT,
	    MF_CERT_FLOW_TABLE_PEAK_COUNT, 4, FB_IE_DEFAULT | FB_IE_F_ENDIAN, 0,
	    0, FB_UINT_32, NULL),
	FB_IE_INIT_FULL("httpHost", MF_PEN_CERT, MF_CERT_HTTP_HOST,
	    FB_IE_VARLEN, FB_IE_DEFAULT, 0, 0, FB_STRING, NULL),
	FB_IE_INIT_FULL("dnsQueryResponse", MF_PEN_CERT,
	    MF_CERT_DNS_QUERY_RESPONSE, 1, FB_IE_FLAGS | FB_IE_F_ENDIAN, 0, 0,
	    FB_UINT_8, NULL),
	FB_IE_INIT_FULL("dnsQRType", MF_PEN_CERT, MF_CERT_DNS_QR_TYPE, 2,
	    FB_IE_IDENTIFIER | FB_IE_F_ENDIAN, 0, 0, FB_UINT_16, NULL),
	FB_IE_INIT_FULL("dnsNXDomain", MF_PEN_CERT, MF_CERT_DNS_NXDOMAIN, 1,
	    FB_IE_IDENTIFIER | FB_IE_F_ENDIAN, 0, 0, FB_UINT_8, NULL),
	FB_IE_INIT_FULL("dnsRRSection", MF_PEN_CERT, MF_CERT_DNS_RR_SECTION, 1,
	    FB_IE_IDENTIFIER | FB_IE_F_ENDIAN, 0, 0, FB_UINT_8, NULL),
	FB_IE_INIT_FULL("dnsQName", MF_PEN_CERT, MF_CERT_DNS_QNAME,
	    FB_IE_VARLEN, FB_IE_DEFAULT, 0, 0, FB_STRING, NULL),
	FB_IE_INIT_FULL("dnsCName", MF_PEN_CERT, MF_CERT_DNS_CNAME,
	    FB_IE_VARLEN, FB_IE_DEFAULT, 0, 0, FB_STRING, NULL),
	FB_IE_INIT_FULL("dnsTTL", MF_PEN_CERT, MF_CERT_DNS_TTL, 4,
	    FB_IE_QUANTITY | FB_UNITS_SECONDS | FB_IE_F_ENDIAN, 0, 0,
	    FB_UINT_32, NULL),
	FB_IE_INIT_FULL("dnsID", MF_PEN_CERT, MF_CERT_DNS_ID, 2,
	    FB_IE_IDENTIFIER | FB_IE_F_ENDIAN, 0, 0, FB_UINT_16, NULL),
	FB_IE_INIT_FULL("sslServerName", MF_PEN_CERT, MF_CERT_SSL_SERVER_NAME,
	    FB_IE_VARLEN, FB_IE_DEFAULT, 0, 0, FB_STRING, NULL),
	FB_IE_NULL
};

#define OWN_COUNTER(name, id)                        \
	FB_IE_INIT_FULL(name, MF_PEN_MINFLOW, id, 8, \
	    FB_IE_TOTALCOUNTER | FB_IE_F_ENDIAN, 0, 0, FB_UINT_64, NULL)

/* minflow's own elements (common/model.h says why they exist). */
static fbInfoElement_t own_elements[] = {
	FB_IE_INIT_FULL("labelSource", MF_PEN_MINFLOW, MF_OWN_LABEL_SOURCE, 1,
	    FB_IE_IDENTIFIER | FB_IE_F_ENDIAN, 0, 0, FB_UINT_8, NULL),
	FB_IE_INIT_FULL("processName", MF_PEN_MINFLOW, MF_OWN_PROCESS_NAME,
	    FB_IE_VARLEN, FB_IE_DEFAULT, 0, 0, FB_STRING, NULL),
	FB_IE_INIT_FULL("processId", MF_PEN_MINFLOW, MF_OWN_PROCESS_ID, 4,
	    FB_IE_IDENTIFIER | FB_IE_F_ENDIAN, 0, 0, FB_UINT_32, NULL),
	OWN_COUNTER("dnsAnswersParsed", MF_OWN_DNS_ANSWERS_PARSED),
	OWN_COUNTER("dnsAnswersMalformed", MF_OWN_DNS_ANSWERS_MALFORMED),
	OWN_COUNTER("dnsAnswersFragmented", MF_OWN_DNS_ANSWERS_FRAGMENTED),
	OWN_COUNTER("dnsQueriesUnanswered", MF_OWN_DNS_QUERIES_UNANSWERED),
	OWN_COUNTER("dnsNamesCached", MF_OWN_DNS_NAMES_CACHED),
	OWN_COUNTER("dnsNamesEvicted", MF_OWN_DNS_NAMES_EVICTED),
	OWN_COUNTER("flowsLabelledDns", MF_OWN_FLOWS_LABELLED_DNS),
	OWN_COUNTER("flowsLabelledDnsOtherClient",
	    MF_OWN_FLOWS_LABELLED_DNS_OTHER),
	OWN_COUNTER("flowsLabelledTlsSni", MF_OWN_FLOWS_LABELLED_TLS_SNI),
	OWN_COUNTER("flowsLabelledHttpHost", MF_OWN_FLOWS_LABELLED_HTTP_HOST),
	OWN_COUNTER("flowsUnlabelled", MF_OWN_FLOWS_UNLABELLED),
	OWN_COUNTER("conntrackLostConnections", MF_OWN_CONNTRACK_LOST),
	OWN_COUNTER("conntrackEventOverruns", MF_OWN_CONNTRACK_OVERRUNS),
	FB_IE_INIT_FULL("deviceName", MF_PEN_MINFLOW, MF_OWN_DEVICE_NAME,
	    FB_IE_VARLEN, FB_IE_DEFAULT, 0, 0, FB_STRING, NULL),
	FB_IE_INIT_FULL("deviceNameSource", MF_PEN_MINFLOW,
	    MF_OWN_DEVICE_NAME_SOURCE, 1, FB_IE_IDENTIFIER | FB_IE_F_ENDIAN, 0,
	    0, FB_UINT_8, NULL),
	FB_IE_INIT_FULL("deviceLeaseSeconds", MF_PEN_MINFLOW,
	    MF_OWN_DEVICE_LEASE_SECONDS, 4,
	    FB_IE_QUANTITY | FB_UNITS_SECONDS | FB_IE_F_ENDIAN, 0, 0,
	    FB_UINT_32, NULL),
	FB_IE_NULL
};

fbInfoModel_t *
col_fbmodel_new(void)
{
	fbInfoModel_t *model = fbInfoModelAlloc();

	fbInfoModelAddElementArray(model, cert_elements);
	fbInfoModelAddElementArray(model, own_elements);
	return model;
}

fbTemplate_t *
col_fbmodel_template_new(fbInfoModel_t *model, const struct mf_template *t,
    GError **error)
{
	fbTemplate_t *tmpl = fbTemplateAlloc(model);
	fbInfoElement_t ex;
	GError *err = NULL;
	uint16_t i;

	for (i = 0; i < t->n_fields; i++) {
		const struct mf_field *f = &t->fields[i];

		if (f->kind == MF_FK_FIXSTR)
			continue; /* NetFlow v9 only */
		memset(&ex, 0, sizeof(ex));
		ex.ent = f->pen;
		ex.num = f->id;
		ex.len = f->len;
		if (fbInfoModelGetElementByID(model, f->id, f->pen) == NULL) {
			g_set_error(error, MF_ERROR, MF_ERROR_IPFIX,
			    "template %s: element %u/%u not in the model",
			    t->name, (unsigned)f->pen, (unsigned)f->id);
			goto fail;
		}
		if (!fbTemplateAppend(tmpl, &ex, &err)) {
			/* libfixbuf needs a GError location of its own. */
			g_propagate_error(error, err);
			goto fail;
		}
	}
	if (t->flags & MF_TMPL_OPTIONS)
		fbTemplateSetOptionsScope(tmpl, 1);
	return tmpl;
fail:
	fbTemplateFreeUnused(tmpl);
	return NULL;
}

gboolean
col_fbmodel_template_has(fbTemplate_t *t, uint32_t pen, uint16_t id)
{
	uint32_t i, n = fbTemplateCountElements(t);

	for (i = 0; i < n; i++) {
		const fbInfoElement_t *ie = fbTemplateGetIndexedIE(t, i);

		if (ie != NULL && ie->num == id && ie->ent == pen)
			return TRUE;
	}
	return FALSE;
}

gboolean
col_fbmodel_add_internal(fbSession_t *s, fbInfoModel_t *model,
    const struct mf_template *t, GError **error)
{
	GError *err = NULL; /* libfixbuf needs a location of its own */
	fbTemplate_t *tmpl = col_fbmodel_template_new(model, t, &err);

	if (tmpl != NULL &&
	    fbSessionAddTemplate(s, TRUE, t->id, tmpl, &err) == 0) {
		fbTemplateFreeUnused(tmpl);
		tmpl = NULL;
	}
	if (tmpl == NULL)
		g_propagate_error(error, err);
	return tmpl != NULL;
}
