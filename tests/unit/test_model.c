/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-test-model"

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
#include "common/error.h"
#include "common/model.h"
#include "common/msgenc.h"

/* The flow wire templates: uniflow first, then biflow. */
static const struct mf_template *const flow_templates[] = { &mf_tmpl_flow4,
	&mf_tmpl_flow6, &mf_tmpl_biflow4, &mf_tmpl_biflow6, &mf_tmpl_proc4,
	&mf_tmpl_proc6, &mf_tmpl_biproc4, &mf_tmpl_biproc6 };

/* Every template the model defines. */
static const struct mf_template *const all_templates[] = {
	&mf_tmpl_flow_internal, &mf_tmpl_stats_internal, &mf_tmpl_flow4,
	&mf_tmpl_flow6, &mf_tmpl_biflow4, &mf_tmpl_biflow6, &mf_tmpl_stats,
	&mf_tmpl_dns4, &mf_tmpl_dns6, &mf_tmpl_proc4, &mf_tmpl_proc6,
	&mf_tmpl_biproc4, &mf_tmpl_biproc6
};

/* The RFC 5103 / CERT reverse elements a biflow record carries. */
static const struct {
	uint32_t pen;
	uint16_t id;
} reverse_ies[] = {
	{ MF_PEN_REVERSE, MF_IE_OCTET_DELTA_COUNT },
	{ MF_PEN_REVERSE, MF_IE_PACKET_DELTA_COUNT },
	{ MF_PEN_CERT, 16398 }, /* reverseInitialTCPFlags */
	{ MF_PEN_CERT, 16399 }, /* reverseUnionTCPFlags */
	{ MF_PEN_CERT, 21 },    /* reverseFlowDeltaMilliseconds */
};

static const struct mf_field *
find_field(const struct mf_template *t, uint32_t pen, uint16_t id)
{
	uint16_t i;

	for (i = 0; i < t->n_fields; i++)
		if (t->fields[i].pen == pen && t->fields[i].id == id)
			return &t->fields[i];
	return NULL;
}

static gboolean
is_reverse_ie(uint32_t pen, uint16_t id)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(reverse_ies); i++)
		if (reverse_ies[i].pen == pen && reverse_ies[i].id == id)
			return TRUE;
	return FALSE;
}

/* Offsets run back to back from 0 and end at rec_len. */
static void
assert_contiguous(const struct mf_template *t, size_t rec_len)
{
	size_t next = 0;
	uint16_t i;

	for (i = 0; i < t->n_fields; i++) {
		if (t->fields[i].offset != next)
			fail_msg("%s field %u (%u/%u): offset %u, want %zu",
			    t->name, (unsigned)i, (unsigned)t->fields[i].pen,
			    (unsigned)t->fields[i].id,
			    (unsigned)t->fields[i].offset, next);
		assert_true(t->fields[i].len > 0);
		next += t->fields[i].kind == MF_FK_VARLEN
		    ? sizeof(struct mf_varfield)
		    : t->fields[i].len;
	}
	assert_int_equal(next, rec_len);
}

/* Every field of wire template t is in internal with the same layout. */
static void
assert_fields_in_internal(const struct mf_template *t,
    const struct mf_template *internal)
{
	uint16_t i;

	for (i = 0; i < t->n_fields; i++) {
		const struct mf_field *f = &t->fields[i];
		const struct mf_field *g = find_field(internal, f->pen, f->id);

		if (f->kind == MF_FK_FIXSTR && g != NULL) {
			/* v9's label: the internal varfield, cut to len. */
			assert_int_equal(g->kind, MF_FK_VARLEN);
			assert_int_equal(f->offset, g->offset);
			continue;
		}
		if (g == NULL) {
			fail_msg("%s: %u/%u not in %s", t->name,
			    (unsigned)f->pen, (unsigned)f->id, internal->name);
			return;
		}
		assert_int_equal(f->offset, g->offset);
		assert_int_equal(f->len, g->len);
	}
}

/* No element appears twice in t. */
static void
assert_no_duplicates(const struct mf_template *t)
{
	uint16_t i, j;

	for (i = 0; i < t->n_fields; i++)
		for (j = (uint16_t)(i + 1); j < t->n_fields; j++)
			if (t->fields[i].pen == t->fields[j].pen &&
			    t->fields[i].id == t->fields[j].id)
				fail_msg("%s: %u/%u twice", t->name,
				    (unsigned)t->fields[i].pen,
				    (unsigned)t->fields[i].id);
}

/* The four labels at the start of a flow record (pointer-sized parts). */
/* The 4 labels and the process name (--processes). */
#define LABELS_LEN (5 * sizeof(struct mf_varfield))

static void
test_model_rec_len_values(void **state)
{
	(void)state;
	/*
	 * 4 labels of two pointers (16 bytes on 64-bit, 8 on 32-bit targets
	 * such as armhf) ahead of the old 135; labelSource.
	 */
	/* + postNAT: 2 * 16 + 2 * 4 + 2 * 2 = 44 bytes; + processId 4. */
	assert_int_equal(MF_FLOW_REC_LEN, LABELS_LEN + 135 + 1 + 44 + 4);
	/* 11 DNS and label counters of 8 bytes after the old 88. */
	assert_int_equal(MF_STATS_REC_LEN, 192); /* + 2 conntrack */
	/* Only trailing padding after the last field. */
	assert_true(sizeof(struct mf_flow_rec) - MF_FLOW_REC_LEN < 8);
	assert_int_equal(sizeof(struct mf_stats_rec), MF_STATS_REC_LEN);
}

static void
test_model_flow_internal_contiguous(void **state)
{
	(void)state;
	assert_int_equal(mf_tmpl_flow_internal.n_fields, 43);
	assert_contiguous(&mf_tmpl_flow_internal, MF_FLOW_REC_LEN);
	assert_no_duplicates(&mf_tmpl_flow_internal);
}

static void
test_model_stats_internal_contiguous(void **state)
{
	(void)state;
	assert_int_equal(mf_tmpl_stats_internal.n_fields, 26);
	assert_contiguous(&mf_tmpl_stats_internal, MF_STATS_REC_LEN);
	assert_no_duplicates(&mf_tmpl_stats_internal);
}

/* Field pen/id of t sits at offset with length len. */
static void
assert_field_at(const struct mf_template *t, uint32_t pen, uint16_t id,
    size_t offset, size_t len)
{
	const struct mf_field *f = find_field(t, pen, id);

	if (f == NULL) {
		fail_msg("%s: %u/%u missing", t->name, (unsigned)pen,
		    (unsigned)id);
		return;
	}
	assert_int_equal(f->offset, offset);
	assert_int_equal(f->len, len);
}

static void
test_model_internal_known_offsets(void **state)
{
	(void)state;
	assert_field_at(&mf_tmpl_flow_internal, 0,
	    MF_IE_FLOW_START_MILLISECONDS, LABELS_LEN, 8);
	assert_field_at(&mf_tmpl_flow_internal, 0, MF_IE_SOURCE_IPV6_ADDRESS,
	    LABELS_LEN + 48, 16);
	assert_field_at(&mf_tmpl_flow_internal, 0, MF_IE_SOURCE_IPV4_ADDRESS,
	    offsetof(struct mf_flow_rec, src4), 4);
	assert_field_at(&mf_tmpl_flow_internal, 0, MF_IE_APPLICATION_ID,
	    offsetof(struct mf_flow_rec, app_id), 3);
	assert_field_at(&mf_tmpl_flow_internal, 0, MF_IE_FLOW_END_REASON,
	    MF_FLOW_REC_LEN - 1, 1);
	assert_field_at(&mf_tmpl_flow_internal, 0,
	    MF_IE_POST_NAT_SOURCE_IPV4_ADDRESS,
	    offsetof(struct mf_flow_rec, post_src4), 4);
	assert_field_at(&mf_tmpl_stats_internal, 0, MF_IE_OBSERVATION_DOMAIN_ID,
	    176, 4);
	assert_field_at(&mf_tmpl_stats_internal, MF_PEN_CERT,
	    MF_CERT_EXPIRED_FRAGMENT_COUNT, 188, 4);
	assert_field_at(&mf_tmpl_stats_internal, MF_PEN_MINFLOW,
	    MF_OWN_FLOWS_UNLABELLED, offsetof(struct mf_stats_rec, labelled),
	    8);
	assert_field_at(&mf_tmpl_stats_internal, MF_PEN_MINFLOW,
	    MF_OWN_FLOWS_LABELLED_HTTP_HOST,
	    offsetof(struct mf_stats_rec, labelled) + 8 * MF_LABEL_HTTP_HOST,
	    8);
}

static void
test_model_wire_fields_match_internal(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(flow_templates); i++) {
		assert_fields_in_internal(flow_templates[i],
		    &mf_tmpl_flow_internal);
		assert_no_duplicates(flow_templates[i]);
	}
	assert_fields_in_internal(&mf_tmpl_stats, &mf_tmpl_stats_internal);
	assert_no_duplicates(&mf_tmpl_stats);
	/* The statistics template carries every statistics field. */
	assert_int_equal(mf_tmpl_stats.n_fields,
	    mf_tmpl_stats_internal.n_fields);
}

static void
test_model_template_ids_and_flags(void **state)
{
	(void)state;
	assert_int_equal(mf_tmpl_flow4.id, 256);
	assert_int_equal(mf_tmpl_flow6.id, 257);
	assert_int_equal(mf_tmpl_biflow4.id, 258);
	assert_int_equal(mf_tmpl_biflow6.id, 259);
	assert_int_equal(mf_tmpl_stats.id, 260);
	assert_int_equal(mf_tmpl_flow_internal.id, 0);
	assert_int_equal(mf_tmpl_stats_internal.id, 0);
	assert_int_equal(mf_tmpl_flow4.flags, MF_TMPL_IPV4);
	assert_int_equal(mf_tmpl_flow6.flags, MF_TMPL_IPV6);
	assert_int_equal(mf_tmpl_biflow4.flags, MF_TMPL_IPV4 | MF_TMPL_BIFLOW);
	assert_int_equal(mf_tmpl_biflow6.flags, MF_TMPL_IPV6 | MF_TMPL_BIFLOW);
	assert_int_equal(mf_tmpl_stats.flags, MF_TMPL_OPTIONS);
	assert_string_equal(mf_tmpl_flow4.name, "flow4");
	assert_string_equal(mf_tmpl_stats.name, "stats");
	assert_int_equal(mf_tmpl_dns4.id, 261);
	assert_int_equal(mf_tmpl_dns6.id, 262);
	assert_int_equal(mf_tmpl_dns4.flags,
	    MF_TMPL_IPV4 | MF_TMPL_IPFIX_ONLY | MF_TMPL_OPTIONS);
	assert_int_equal(mf_tmpl_dns6.flags,
	    MF_TMPL_IPV6 | MF_TMPL_IPFIX_ONLY | MF_TMPL_OPTIONS);
}

static void
test_model_field_counts(void **state)
{
	(void)state;
	/* + 3 label strings, labelSource and v9's fixed label. */
	assert_int_equal(mf_tmpl_flow4.n_fields, 27);
	assert_int_equal(mf_tmpl_flow6.n_fields, 27);
	assert_int_equal(mf_tmpl_biflow4.n_fields, 32);
	assert_int_equal(mf_tmpl_biflow6.n_fields, 32);
	assert_int_equal(mf_tmpl_stats.n_fields, 26);
	assert_int_equal(mf_tmpl_dns4.n_fields, 14);
	assert_int_equal(mf_tmpl_dns6.n_fields, 14);
	/* flow4/flow6 + the four postNAT elements. */
	assert_int_equal(mf_tmpl_nat4.n_fields, 31);
	assert_int_equal(mf_tmpl_nat6.n_fields, 31);
	/* flow4/6 and biflow4/6 + processName and processId. */
	assert_int_equal(mf_tmpl_proc4.n_fields, 29);
	assert_int_equal(mf_tmpl_proc6.n_fields, 29);
	assert_int_equal(mf_tmpl_biproc4.n_fields, 34);
	assert_int_equal(mf_tmpl_biproc6.n_fields, 34);
	assert_int_equal(mf_tmpl_proc4.id, 265);
	assert_int_equal(mf_tmpl_biproc6.id, 268);
	assert_int_equal(mf_tmpl_biproc4.flags,
	    MF_TMPL_IPV4 | MF_TMPL_BIFLOW | MF_TMPL_PROC);
}

static void
test_model_stats_scope_first(void **state)
{
	(void)state;
	assert_int_equal(mf_tmpl_stats.fields[0].pen, 0);
	assert_int_equal(mf_tmpl_stats.fields[0].id,
	    MF_IE_OBSERVATION_DOMAIN_ID);
	assert_int_equal(mf_tmpl_stats.fields[0].len, 4);
	assert_int_equal(mf_tmpl_stats.fields[0].offset,
	    offsetof(struct mf_stats_rec, domain));
}

static void
test_model_v4_v6_fields_are_separate(void **state)
{
	static const uint16_t v4_only[] = { MF_IE_SOURCE_IPV4_ADDRESS,
		MF_IE_DESTINATION_IPV4_ADDRESS, MF_IE_ICMP_TYPE_CODE_IPV4 };
	static const uint16_t v6_only[] = { MF_IE_SOURCE_IPV6_ADDRESS,
		MF_IE_DESTINATION_IPV6_ADDRESS, MF_IE_ICMP_TYPE_CODE_IPV6 };
	size_t i, j;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(flow_templates); i++) {
		const struct mf_template *t = flow_templates[i];
		gboolean v4 = (t->flags & MF_TMPL_IPV4) != 0;

		for (j = 0; j < G_N_ELEMENTS(v4_only); j++) {
			if (v4)
				assert_non_null(find_field(t, 0, v4_only[j]));
			else
				assert_null(find_field(t, 0, v4_only[j]));
		}
		for (j = 0; j < G_N_ELEMENTS(v6_only); j++) {
			if (v4)
				assert_null(find_field(t, 0, v6_only[j]));
			else
				assert_non_null(find_field(t, 0, v6_only[j]));
		}
	}
}

static void
test_model_biflow_reverse_elements_exact(void **state)
{
	size_t i, j;
	uint16_t k;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(flow_templates); i++) {
		const struct mf_template *t = flow_templates[i];
		gboolean bi = (t->flags & MF_TMPL_BIFLOW) != 0;
		unsigned n_rev = 0;

		for (j = 0; j < G_N_ELEMENTS(reverse_ies); j++) {
			const struct mf_field *f = find_field(t,
			    reverse_ies[j].pen, reverse_ies[j].id);

			if (bi)
				assert_non_null(f);
			else
				assert_null(f);
		}
		for (k = 0; k < t->n_fields; k++) {
			if (is_reverse_ie(t->fields[k].pen, t->fields[k].id))
				n_rev++;
			else if (t->fields[k].pen == MF_PEN_REVERSE ||
			    (t->fields[k].pen == MF_PEN_CERT &&
			        (t->fields[k].id & MF_CERT_REVERSE)))
				fail_msg("%s: unexpected reverse element %u/%u",
				    t->name, (unsigned)t->fields[k].pen,
				    (unsigned)t->fields[k].id);
		}
		assert_int_equal(n_rev, bi ? 5 : 0);
	}
}

static void
test_model_biflow_extends_uniflow(void **state)
{
	const struct mf_template *uni[] = { &mf_tmpl_flow4, &mf_tmpl_flow6 };
	const struct mf_template *bi[] = { &mf_tmpl_biflow4, &mf_tmpl_biflow6 };
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		assert_int_equal(bi[i]->n_fields, uni[i]->n_fields + 5);
		assert_memory_equal(bi[i]->fields, uni[i]->fields,
		    uni[i]->n_fields * sizeof(struct mf_field));
	}
}

static void
test_model_new_knows_every_element(void **state)
{
	fbInfoModel_t *model = col_fbmodel_new();
	size_t i;
	uint16_t k;

	(void)state;
	assert_non_null(model);
	for (i = 0; i < G_N_ELEMENTS(all_templates); i++) {
		const struct mf_template *t = all_templates[i];

		for (k = 0; k < t->n_fields; k++) {
			const struct mf_field *f = &t->fields[k];
			const fbInfoElement_t *ie =
			    fbInfoModelGetElementByID(model, f->id, f->pen);

			if (ie == NULL) {
				fail_msg("%s: %u/%u not in the model", t->name,
				    (unsigned)f->pen, (unsigned)f->id);
				continue;
			}
			assert_int_equal(ie->ent, f->pen);
			assert_int_equal(ie->num, f->id);
			/*
			 * Same length as the model, but for a fixed size of
			 * a variable-length element (applicationId) and the
			 * reduced-size (RFC 7011 6.2) tcpControlBits, an
			 * unsigned16 since RFC 7125 that minflow sends in 1.
			 */
			if (f->kind == MF_FK_FIXSTR)
				assert_int_equal(ie->len, FB_IE_VARLEN);
			else if (f->pen == 0 && f->id == MF_IE_APPLICATION_ID)
				assert_int_equal(ie->len, FB_IE_VARLEN);
			else if (f->pen == 0 && f->id == MF_IE_TCP_CONTROL_BITS)
				assert_int_equal(ie->len, 2);
			else
				assert_int_equal(ie->len, f->len);
		}
	}
	fbInfoModelFree(model);
}

static void
test_model_new_knows_cert_names(void **state)
{
	static const struct {
		const char *name;
		uint16_t id;
		uint16_t len;
	} cert[] = {
		{ "initialTCPFlags", 14, 1 },
		{ "unionTCPFlags", 15, 1 },
		{ "reverseInitialTCPFlags", 16398, 1 },
		{ "reverseUnionTCPFlags", 16399, 1 },
		{ "reverseFlowDeltaMilliseconds", 21, 4 },
		{ "silkAppLabel", 33, 2 },
		{ "expiredFragmentCount", 100, 4 },
		{ "flowTableFlushEventCount", 104, 4 },
		{ "flowTablePeakCount", 105, 4 },
	};
	fbInfoModel_t *model = col_fbmodel_new();
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(cert); i++) {
		const fbInfoElement_t *ie =
		    fbInfoModelGetElementByName(model, cert[i].name);

		if (ie == NULL) {
			fail_msg("%s not in the model", cert[i].name);
			continue;
		}
		assert_int_equal(ie->ent, MF_PEN_CERT);
		assert_int_equal(ie->num, cert[i].id);
		assert_int_equal(ie->len, cert[i].len);
	}
	/* The IANA reverse counters come from libfixbuf itself. */
	assert_non_null(
	    fbInfoModelGetElementByName(model, "reverseOctetDeltaCount"));
	assert_null(fbInfoModelGetElementByName(model, "noSuchElement"));
	fbInfoModelFree(model);
}

static void
test_model_plain_libfixbuf_lacks_cert_elements(void **state)
{
	fbInfoModel_t *model = fbInfoModelAlloc();

	(void)state;
	/* Why col_fbmodel_new() exists: the stock model lacks these. */
	assert_null(fbInfoModelGetElementByID(model, MF_CERT_SILK_APP_LABEL,
	    MF_PEN_CERT));
	fbInfoModelFree(model);
}

static void
test_model_template_new_every_template(void **state)
{
	fbInfoModel_t *model = col_fbmodel_new();
	size_t i;
	uint32_t k, j;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(all_templates); i++) {
		const struct mf_template *t = all_templates[i];
		GError *error = NULL;
		fbTemplate_t *tmpl = col_fbmodel_template_new(model, t, &error);

		if (tmpl == NULL) {
			fail_msg("%s: %s", t->name,
			    error ? error->message : "?");
			continue;
		}
		assert_int_equal(fbTemplateGetOptionsScope(tmpl),
		    (t->flags & MF_TMPL_OPTIONS) ? 1 : 0);
		/* v9's fixed-size label is left out of IPFIX templates. */
		for (k = 0, j = 0; k < t->n_fields; k++) {
			const fbInfoElement_t *ie;

			if (t->fields[k].kind == MF_FK_FIXSTR)
				continue;
			ie = fbTemplateGetIndexedIE(tmpl, j++);
			if (ie == NULL) {
				fail_msg("%s: no element %u", t->name,
				    (unsigned)k);
				break;
			}
			assert_int_equal(ie->ent, t->fields[k].pen);
			assert_int_equal(ie->num, t->fields[k].id);
			assert_int_equal(ie->len, t->fields[k].len);
		}
		assert_int_equal(fbTemplateCountElements(tmpl), j);
		fbTemplateFreeUnused(tmpl);
	}
	fbInfoModelFree(model);
}

static void
test_model_template_new_unknown_element_fails(void **state)
{
	static const struct mf_field fields[] = {
		{ 0, MF_IE_PROTOCOL_IDENTIFIER, 1, 0, 0 },
		{ MF_PEN_CERT, 9999, 4, 1, 0 },
	};
	const struct mf_template t = { 999, 2, 0, "bogus", fields };
	fbInfoModel_t *model = col_fbmodel_new();
	GError *error = NULL;

	(void)state;
	assert_null(col_fbmodel_template_new(model, &t, &error));
	assert_non_null(error);
	assert_true(g_error_matches(error, MF_ERROR, MF_ERROR_IPFIX));
	assert_non_null(strstr(error->message, "6871/9999"));
	g_error_free(error);
	fbInfoModelFree(model);
}

static void
test_model_set_app_id_port(void **state)
{
	static const uint8_t dns[3] = { 3, 0, 53 };
	static const uint8_t high[3] = { 3, 0xff, 0xfe };
	static const uint8_t zero[3] = { 0, 0, 0 };
	uint8_t out[3];

	(void)state;
	memset(out, 0xee, sizeof(out));
	mf_model_set_app_id(out, 53);
	assert_memory_equal(out, dns, 3);
	mf_model_set_app_id(out, 65534);
	assert_memory_equal(out, high, 3);
	mf_model_set_app_id(out, 0);
	assert_memory_equal(out, zero, 3);
	assert_int_equal(MF_APPID_ENGINE_IANA_L4, 3);
}

/* ---- how the v9 encoder carries the model's kinds and flags ------- */

#define V9_FLOW4_LEN 139 /* 75 IANA bytes, then the 64-byte label */
#define V9_SET4_LEN 144  /* one flow4 record in a FlowSet: 4 + 139 + 1 */

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* A v9 message in buf (1400 bytes), begun. */
static void
v9_start(struct mf_msgenc *w, uint8_t *buf)
{
	mf_msgenc_init(w, MF_MSGENC_V9, buf, 1400, 1, 0);
	mf_msgenc_begin(w, 0);
}

static void
test_model_fixstr_v9_label_padded_or_cut(void **state)
{
	static const char name[] = "www.example.org";
	static const struct {
		int src;          /* 0: name, 1: 'x' * 99, 2: NULL */
		size_t len, sent; /* label length, bytes before the zeroes */
	} cases[] = {
		{ 0, 15, 15 },
		{ 1, 63, 63 },
		{ 1, 64, 64 },
		{ 1, 65, 64 },
		{ 1, 99, 64 },
		{ 1, 0, 0 },
		{ 2, 10, 0 },
	};
	static const uint8_t zero[MF_V9_LABEL_LEN];
	uint8_t buf[1400], many[99];
	const uint8_t *const bufs[3] = { (const uint8_t *)name, many, NULL };
	const uint8_t *label = buf + MF_V9_HEADER_LEN + 4 + 75;
	struct mf_flow_rec r;
	struct mf_msgenc w;
	size_t i;

	(void)state;
	memset(many, 'x', sizeof(many));
	v9_start(&w, buf);
	assert_int_equal(mf_msgenc_record_len(&w, &mf_tmpl_flow4),
	    V9_FLOW4_LEN);
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		size_t sent = cases[i].sent;

		memset(&r, 0, sizeof(r));
		r.label.buf = bufs[cases[i].src];
		r.label.len = cases[i].len;
		r.label_dns = r.label; /* IPFIX only, as labelSource */
		r.label_source = MF_LABEL_DNS;
		v9_start(&w, buf);
		assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &r),
		    0);
		/* Always MF_V9_LABEL_LEN bytes, whatever the label's length. */
		assert_int_equal(mf_msgenc_finish(&w), 20 + V9_SET4_LEN);
		assert_int_equal(be16(buf + 22), V9_SET4_LEN);
		if (sent > 0)
			assert_memory_equal(label, r.label.buf, sent);
		assert_memory_equal(label + sent, zero, sizeof(zero) - sent);
		assert_int_equal(label[MF_V9_LABEL_LEN], 0); /* padding */
	}
}

static void
test_model_fixstr_v9_template_iana_only(void **state)
{
	const struct mf_template *const t[2] = { &mf_tmpl_flow4,
		&mf_tmpl_flow6 };
	const uint8_t *set;
	struct mf_msgenc w;
	uint8_t buf[1400];
	unsigned i, k;

	(void)state;
	for (k = 0; k < 2; k++) {
		v9_start(&w, buf);
		assert_int_equal(mf_msgenc_add_template(&w, t[k]), 0);
		/* 19 IANA fields and the label: 4 + 4 + 20 * 4. */
		assert_int_equal(mf_msgenc_finish(&w), 20 + 88);
		set = buf + MF_V9_HEADER_LEN;
		assert_int_equal(be16(set + 4), t[k]->id);
		assert_int_equal(be16(set + 6), 20);
		/* No enterprise bit, no variable length (CERT's strings). */
		for (i = 0; i < 20; i++) {
			assert_true(be16(set + 8 + 4 * i) < 0x8000);
			assert_true(
			    be16(set + 10 + 4 * i) <= (i < 19 ? 16 : 64));
		}
		/* The label last: httpRequestHost, MF_V9_LABEL_LEN bytes. */
		assert_int_equal(be16(set + 8 + 4 * 19),
		    MF_IE_HTTP_REQUEST_HOST);
		assert_int_equal(be16(set + 10 + 4 * 19), MF_V9_LABEL_LEN);
	}
}

static void
test_model_ipfix_only_v9_refuses_dns(void **state)
{
	struct mf_dns_rec d;
	struct mf_msgenc w;
	uint8_t buf[1400];

	(void)state;
	memset(&d, 0, sizeof(d));
	v9_start(&w, buf);
	/* Enterprise elements, strings and a list: nothing v9 can carry. */
	assert_int_equal(mf_msgenc_add_template(&w, &mf_tmpl_dns4), -EINVAL);
	assert_int_equal(mf_msgenc_add_template(&w, &mf_tmpl_dns6), -EINVAL);
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_dns4, &d), -EINVAL);
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_dns6, &d), -EINVAL);
	assert_int_equal(w.wb.len, MF_V9_HEADER_LEN);
	assert_int_equal(w.count, 0);
	assert_int_equal(mf_msgenc_finish(&w), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_rec_len_values),
		cmocka_unit_test(test_model_flow_internal_contiguous),
		cmocka_unit_test(test_model_stats_internal_contiguous),
		cmocka_unit_test(test_model_internal_known_offsets),
		cmocka_unit_test(test_model_wire_fields_match_internal),
		cmocka_unit_test(test_model_template_ids_and_flags),
		cmocka_unit_test(test_model_field_counts),
		cmocka_unit_test(test_model_stats_scope_first),
		cmocka_unit_test(test_model_v4_v6_fields_are_separate),
		cmocka_unit_test(test_model_biflow_reverse_elements_exact),
		cmocka_unit_test(test_model_biflow_extends_uniflow),
		cmocka_unit_test(test_model_new_knows_every_element),
		cmocka_unit_test(test_model_new_knows_cert_names),
		cmocka_unit_test(
		    test_model_plain_libfixbuf_lacks_cert_elements),
		cmocka_unit_test(test_model_template_new_every_template),
		cmocka_unit_test(test_model_template_new_unknown_element_fails),
		cmocka_unit_test(test_model_set_app_id_port),
		cmocka_unit_test(test_model_fixstr_v9_label_padded_or_cut),
		cmocka_unit_test(test_model_fixstr_v9_template_iana_only),
		cmocka_unit_test(test_model_ipfix_only_v9_refuses_dns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
