/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "collector/ingest/fixread.h"
#include "common/model.h"
#include "common/msgenc.h"
#include "common/wbuf.h"

struct got {
	size_t n;
	struct col_flow last;
};

static void
on_flow(const struct col_flow *f, void *ctx)
{
	struct got *g = ctx;

	g->n++;
	g->last = *f;
}

/* A flow4 record from the exporter's encoder: the real wire form. */
static size_t
exporter_message(uint8_t *buf, size_t cap, uint32_t seq_records,
    gboolean with_templates, uint16_t sport)
{
	struct mf_msgenc w;
	struct mf_flow_rec r;

	memset(&r, 0, sizeof(r));
	r.start_ms = UINT64_C(1700000000000);
	r.end_ms = UINT64_C(1700000001500);
	r.src4 = 0xc0a80102;
	r.dst4 = 0xc6336401;
	r.sport = sport;
	r.dport = 443;
	r.proto = 6;
	r.packets = 3;
	r.octets = 180;
	mf_msgenc_init(&w, MF_MSGENC_IPFIX, buf, cap, 7, 0);
	w.sequence = seq_records;
	mf_msgenc_begin(&w, UINT64_C(1700000002000));
	if (with_templates)
		assert_int_equal(mf_msgenc_add_template(&w, &mf_tmpl_flow4), 0);
	assert_int_equal(mf_msgenc_add_record(&w, &mf_tmpl_flow4, &r), 0);
	return mf_msgenc_finish(&w);
}

static void
test_fixread_message_decodes_exporter_records(void **state)
{
	struct col_fixmodel *m = col_fixmodel_new();
	struct col_fixread *r = col_fixread_new(m, 8);
	uint8_t buf[1400];
	struct got g = { 0 };
	size_t len = exporter_message(buf, sizeof(buf), 0, TRUE, 50000);

	(void)state;
	assert_int_equal(col_fixread_message(r, buf, len, 0, on_flow, &g), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.last.packets, 3);
	assert_int_equal(g.last.octets, 180);
	assert_int_equal(g.last.sport, 50000);
	assert_int_equal(g.last.dport, 443);
	assert_int_equal(g.last.start_ms, UINT64_C(1700000000000));
	assert_int_equal(g.last.end_ms, UINT64_C(1700000001500));
	assert_int_equal(mf_addr_get4(&g.last.src), 0xc0a80102);
	assert_int_equal(col_fixread_get_stats(r)->records, 1);
	assert_int_equal(col_fixread_get_stats(r)->templates, 1);
	col_fixread_free(r);
	col_fixmodel_free(m);
}

static void
test_fixread_message_counts_gaps_and_missing_templates(void **state)
{
	struct col_fixmodel *m = col_fixmodel_new();
	struct col_fixread *r = col_fixread_new(m, 8);
	uint8_t buf[1400];
	struct got g = { 0 };
	size_t len;

	(void)state;
	/* Data before its template: one set dropped, counted. */
	len = exporter_message(buf, sizeof(buf), 0, FALSE, 1);
	col_fixread_message(r, buf, len, 0, on_flow, &g);
	assert_int_equal(col_fixread_get_stats(r)->before_template, 1);
	assert_int_equal(g.n, 0);
	len = exporter_message(buf, sizeof(buf), 1, TRUE, 2);
	col_fixread_message(r, buf, len, 0, on_flow, &g);
	/* Records 2..4 never arrived: the next message says 5. */
	len = exporter_message(buf, sizeof(buf), 5, FALSE, 3);
	col_fixread_message(r, buf, len, 0, on_flow, &g);
	assert_int_equal(g.n, 2);
	assert_int_equal(col_fixread_get_stats(r)->lost, 3);
	col_fixread_free(r);
	col_fixmodel_free(m);
}

/* Header, one template set with one template, as bytes. */
static size_t
template_message(uint8_t *buf, size_t cap, uint16_t tid, uint16_t elem_len)
{
	struct mf_wbuf wb;

	mf_wbuf_init(&wb, buf, cap);
	mf_wbuf_put_u16(&wb, 10);
	mf_wbuf_put_u16(&wb, 0);
	mf_wbuf_put_u32(&wb, 1700000000);
	mf_wbuf_put_u32(&wb, 0);
	mf_wbuf_put_u32(&wb, 1);
	mf_wbuf_put_u16(&wb, 2);     /* template set */
	mf_wbuf_put_u16(&wb, 4 + 8); /* set length */
	mf_wbuf_put_u16(&wb, tid);
	mf_wbuf_put_u16(&wb, 1);
	mf_wbuf_put_u16(&wb, MF_IE_SOURCE_IPV4_ADDRESS);
	mf_wbuf_put_u16(&wb, elem_len);
	mf_wbuf_put_u16(&wb, tid); /* and a data set for it */
	mf_wbuf_put_u16(&wb, 4 + 16);
	mf_wbuf_put_bytes(&wb, "0123456789abcdef", 16);
	mf_wbuf_patch_u16(&wb, 2, (uint16_t)wb.len);
	return wb.len;
}

/*
 * Found by fuzz_collector: a template whose fields all have length 0
 * makes every record empty, and libfixbuf then returned records forever
 * without consuming the data set.  Such a template is malformed.
 */
static void
test_fixread_message_zero_length_template_is_refused(void **state)
{
	struct col_fixmodel *m = col_fixmodel_new();
	struct col_fixread *r = col_fixread_new(m, 8);
	uint8_t buf[256];
	struct got g = { 0 };
	size_t len = template_message(buf, sizeof(buf), 300, 0);

	(void)state;
	assert_int_equal(col_fixread_message(r, buf, len, 0, on_flow, &g), 0);
	assert_int_equal(g.n, 0);
	assert_int_equal(col_fixread_get_stats(r)->templates, 0);
	assert_int_equal(col_fixread_get_stats(r)->malformed, 1);
	assert_int_equal(col_fixread_get_stats(r)->before_template, 1);
	col_fixread_free(r);
	col_fixmodel_free(m);
}

static void
test_fixread_message_template_cap_is_counted(void **state)
{
	struct col_fixmodel *m = col_fixmodel_new();
	struct col_fixread *r = col_fixread_new(m, 2);
	uint8_t buf[256];
	struct got g = { 0 };
	uint16_t tid;

	(void)state;
	for (tid = 300; tid < 305; tid++)
		col_fixread_message(r, buf,
		    template_message(buf, sizeof(buf), tid, 4), 0, on_flow, &g);
	assert_int_equal(col_fixread_get_stats(r)->templates, 2);
	assert_int_equal(col_fixread_get_stats(r)->templates_refused, 3);
	/* The data sets of refused templates count as before-template. */
	assert_int_equal(col_fixread_get_stats(r)->before_template, 3);
	col_fixread_free(r);
	col_fixmodel_free(m);
}

static void
test_fixread_message_bad_header_is_malformed(void **state)
{
	struct col_fixmodel *m = col_fixmodel_new();
	struct col_fixread *r = col_fixread_new(m, 8);
	uint8_t buf[64] = { 0, 9, 0, 16 };
	struct got g = { 0 };

	(void)state;
	assert_int_equal(col_fixread_message(r, buf, 16, 0, on_flow, &g),
	    -EBADMSG);
	buf[1] = 10; /* IPFIX, but the length says 16 for 20 bytes */
	assert_int_equal(col_fixread_message(r, buf, 20, 0, on_flow, &g),
	    -EBADMSG);
	assert_int_equal(col_fixread_get_stats(r)->malformed, 2);
	col_fixread_free(r);
	col_fixmodel_free(m);
}

static void
test_fixread_save_templates_restores_a_new_session(void **state)
{
	struct col_fixmodel *m = col_fixmodel_new();
	struct col_fixread *a = col_fixread_new(m, 8), *b;
	uint8_t buf[1400], saved[65535];
	struct got g = { 0 };
	size_t len, slen;

	(void)state;
	assert_int_equal(col_fixread_save_templates(a, saved, sizeof(saved), 7),
	    0); /* nothing yet */
	len = exporter_message(buf, sizeof(buf), 0, TRUE, 1);
	col_fixread_message(a, buf, len, 0, on_flow, &g);
	slen = col_fixread_save_templates(a, saved, sizeof(saved), 7);
	assert_true(slen > 16);
	col_fixread_free(a);
	/* A new session learns them: data alone decodes at once. */
	b = col_fixread_new(m, 8);
	col_fixread_restore_templates(b, saved, slen);
	assert_int_equal(col_fixread_get_stats(b)->messages, 0);
	assert_int_equal(col_fixread_get_stats(b)->templates, 1);
	len = exporter_message(buf, sizeof(buf), 1, FALSE, 2);
	col_fixread_message(b, buf, len, 0, on_flow, &g);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.last.sport, 2);
	assert_int_equal(col_fixread_get_stats(b)->before_template, 0);
	assert_int_equal(col_fixread_get_stats(b)->lost, 0);
	col_fixread_free(b);
	col_fixmodel_free(m);
}

/* --- issue 11.3: unknown elements ------------------------------------ */

#define ALIEN_PEN 99999u /* an enterprise no information model knows */

/* Header of an IPFIX message for domain 1 at wb. */
static void
put_header(struct mf_wbuf *wb, uint8_t *buf, size_t cap, uint32_t seq)
{
	mf_wbuf_init(wb, buf, cap);
	mf_wbuf_put_u16(wb, 10);
	mf_wbuf_put_u16(wb, 0);
	mf_wbuf_put_u32(wb, 1700000002);
	mf_wbuf_put_u32(wb, seq);
	mf_wbuf_put_u32(wb, 1);
}

static size_t
finish(struct mf_wbuf *wb)
{
	mf_wbuf_patch_u16(wb, 2, (uint16_t)wb->len);
	return wb->len;
}

/* The hostile template: n enterprise elements nobody knows, 1 byte each. */
static size_t
alien_template(uint8_t *buf, size_t cap, uint16_t tid, unsigned n)
{
	struct mf_wbuf wb;
	unsigned i;

	put_header(&wb, buf, cap, 0);
	mf_wbuf_put_u16(&wb, 2);
	mf_wbuf_put_u16(&wb, (uint16_t)(4 + 4 + 8 * n));
	mf_wbuf_put_u16(&wb, tid);
	mf_wbuf_put_u16(&wb, (uint16_t)n);
	for (i = 0; i < n; i++) {
		mf_wbuf_put_u16(&wb, (uint16_t)(0x8000 | (i + 1)));
		mf_wbuf_put_u16(&wb, 1);
		mf_wbuf_put_u32(&wb, ALIEN_PEN);
	}
	return finish(&wb);
}

/*
 * An honest exporter with one element libfixbuf does not know (a vendor
 * counter of 2 bytes between the addresses): its template and a record.
 */
static size_t
vendor_message(uint8_t *buf, size_t cap)
{
	static const uint16_t spec[][2] = { { 8, 4 }, { 0x8000 | 7000, 2 },
		{ 12, 4 }, { 1, 8 }, { 2, 8 }, { 152, 8 }, { 153, 8 } };
	struct mf_wbuf wb;
	size_t i;

	put_header(&wb, buf, cap, 0);
	mf_wbuf_put_u16(&wb, 2);
	mf_wbuf_put_u16(&wb, (uint16_t)(4 + 4 + 4 * 7 + 4));
	mf_wbuf_put_u16(&wb, 400);
	mf_wbuf_put_u16(&wb, 7);
	for (i = 0; i < G_N_ELEMENTS(spec); i++) {
		mf_wbuf_put_u16(&wb, spec[i][0]);
		mf_wbuf_put_u16(&wb, spec[i][1]);
		if (spec[i][0] & 0x8000)
			mf_wbuf_put_u32(&wb, 9); /* Cisco */
	}
	mf_wbuf_put_u16(&wb, 400);
	mf_wbuf_put_u16(&wb, 4 + 4 + 2 + 4 + 8 + 8 + 8 + 8);
	mf_wbuf_put_u32(&wb, 0xc0a80105);
	mf_wbuf_put_u16(&wb, 0xbeef);
	mf_wbuf_put_u32(&wb, 0x08080808);
	mf_wbuf_put_u32(&wb, 0);
	mf_wbuf_put_u32(&wb, 1234);
	mf_wbuf_put_u32(&wb, 0);
	mf_wbuf_put_u32(&wb, 5);
	mf_wbuf_put_u32(&wb, 395);
	mf_wbuf_put_u32(&wb, (uint32_t)(UINT64_C(1700000000000) & 0xffffffff));
	mf_wbuf_put_u32(&wb, 395);
	mf_wbuf_put_u32(&wb, (uint32_t)(UINT64_C(1700000001000) & 0xffffffff));
	return finish(&wb);
}

static void
assert_vendor_record(const struct got *g)
{
	assert_int_equal(g->n, 1);
	assert_int_equal(mf_addr_get4(&g->last.src), 0xc0a80105);
	assert_int_equal(mf_addr_get4(&g->last.dst), 0x08080808);
	assert_int_equal(g->last.octets, 1234);
	assert_int_equal(g->last.packets, 5);
	assert_int_equal(g->last.end_ms, UINT64_C(1700000001000));
}

/*
 * One sender's 8 kB template of 1,024 unknown elements (sent twice: a
 * refresh) must not cost another exporter anything: the vendor exporter's
 * template is taken and its record decodes, its unknown element skipped.
 */
static void
test_fixread_unknown_elements_budget_is_per_exporter(void **state)
{
	struct col_fixmodel *m = col_fixmodel_new();
	struct col_fixread *hostile = col_fixread_new(m, 8);
	struct col_fixread *vendor = col_fixread_new(m, 8);
	static uint8_t buf[16 + 8 + 8 * 1200];
	struct got g = { 0 };
	size_t len;

	(void)state;
	len = alien_template(buf, sizeof(buf), 300, COL_FIXREAD_MAX_ALIENS);
	col_fixread_message(hostile, buf, len, 0, on_flow, &g);
	col_fixread_message(hostile, buf, len, 0, on_flow, &g);
	assert_int_equal(col_fixread_get_stats(hostile)->templates, 2);
	assert_int_equal(col_fixread_get_stats(hostile)->templates_refused, 0);
	/* One more unknown element is over its own budget. */
	len = alien_template(buf, sizeof(buf), 301, 1);
	col_fixread_message(hostile, buf, len, 0, on_flow, &g);
	assert_int_equal(col_fixread_get_stats(hostile)->templates_refused, 1);
	len = vendor_message(buf, sizeof(buf));
	col_fixread_message(vendor, buf, len, 0, on_flow, &g);
	assert_int_equal(col_fixread_get_stats(vendor)->templates, 1);
	assert_int_equal(col_fixread_get_stats(vendor)->templates_refused, 0);
	assert_int_equal(col_fixread_undecodable(vendor), 0);
	assert_vendor_record(&g);
	col_fixread_free(hostile);
	col_fixread_free(vendor);
	col_fixmodel_free(m);
}

/*
 * The templates file keeps the hostile template with its unknown elements
 * as padding (4 bytes each, no enterprise number): a restart restores no
 * unknown element, and other exporters decode as before.
 */
static void
test_fixread_save_templates_keeps_no_unknown_element(void **state)
{
	struct col_fixmodel *m = col_fixmodel_new();
	struct col_fixread *hostile = col_fixread_new(m, 8), *vendor;
	static uint8_t buf[16 + 8 + 8 * 1200], saved[65535];
	struct got g = { 0 };
	size_t len, slen;

	(void)state;
	len = alien_template(buf, sizeof(buf), 300, COL_FIXREAD_MAX_ALIENS);
	col_fixread_message(hostile, buf, len, 0, on_flow, &g);
	slen = col_fixread_save_templates(hostile, saved, sizeof(saved), 1);
	assert_int_equal(slen, 16 + 4 + 4 + 4 * COL_FIXREAD_MAX_ALIENS);
	assert_int_equal(saved[16 + 8] << 8 | saved[16 + 9], 210);
	col_fixread_free(hostile);
	col_fixmodel_free(m);
	/* The restart: a new model, the file first. */
	m = col_fixmodel_new();
	hostile = col_fixread_new(m, 8);
	col_fixread_restore_templates(hostile, saved, slen);
	assert_int_equal(col_fixread_get_stats(hostile)->templates, 1);
	vendor = col_fixread_new(m, 8);
	len = vendor_message(buf, sizeof(buf));
	col_fixread_message(vendor, buf, len, 0, on_flow, &g);
	assert_vendor_record(&g);
	col_fixread_free(hostile);
	col_fixread_free(vendor);
	col_fixmodel_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixread_message_decodes_exporter_records),
		cmocka_unit_test(
		    test_fixread_message_counts_gaps_and_missing_templates),
		cmocka_unit_test(
		    test_fixread_message_zero_length_template_is_refused),
		cmocka_unit_test(test_fixread_message_template_cap_is_counted),
		cmocka_unit_test(test_fixread_message_bad_header_is_malformed),
		cmocka_unit_test(
		    test_fixread_save_templates_restores_a_new_session),
		cmocka_unit_test(
		    test_fixread_unknown_elements_budget_is_per_exporter),
		cmocka_unit_test(
		    test_fixread_save_templates_keeps_no_unknown_element),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
