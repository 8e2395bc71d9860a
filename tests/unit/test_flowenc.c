/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-flowenc"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "common/model.h"
#include "common/msgenc.h"
#include "exporter/cache.h"
#include "exporter/export.h"
#include "exporter/flowenc.h"

/*
 * exporter/flowenc.c writes flow4/flow6 records by hand; the table-driven
 * encoder (common/msgenc.c) writes them from the templates of
 * common/model.c.  For the same flows, both must give the same message,
 * byte for byte: random flows of both families, every protocol that
 * decides a field, labels of every source and of the lengths at the edges
 * of the length prefix.
 */

#define CAP 4096
#define N_FLOWS 4000
#define T0 1700000000000ull

static void
random_bytes(GRand *g, uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)g_rand_int_range(g, 0, 256);
}

static void
random_side(GRand *g, struct exp_side *sd)
{
	memset(sd, 0, sizeof(*sd));
	if (g_rand_int_range(g, 0, 4) == 0)
		return; /* sent nothing */
	sd->packets = g_rand_int(g) | 1;
	sd->octets = (uint64_t)g_rand_int(g) << g_rand_int_range(g, 0, 32);
	sd->first_off = g_rand_int(g);
	sd->last_off = g_rand_int(g);
	sd->tos = (uint8_t)g_rand_int(g);
	sd->initial_flags = (uint8_t)g_rand_int(g);
	sd->union_flags = (uint8_t)g_rand_int(g);
}

static void
random_flow(GRand *g, struct exp_flow *f)
{
	static const uint8_t protos[] = { 1, 6, 17, 58, 132, 136, 47, 50 };
	static const uint16_t ports[] = { 0, 53, 80, 443, 1023, 1024, 8080,
		65535 };
	int s;

	memset(f, 0, sizeof(*f));
	f->key.family = g_rand_boolean(g) ? MF_AF_INET : MF_AF_INET6;
	random_bytes(g, f->key.addr[0], f->key.family == MF_AF_INET ? 4 : 16);
	random_bytes(g, f->key.addr[1], f->key.family == MF_AF_INET ? 4 : 16);
	for (s = 0; s < 2; s++)
		f->key.port[s] = g_rand_boolean(g)
		    ? ports[g_rand_int_range(g, 0, G_N_ELEMENTS(ports))]
		    : (uint16_t)g_rand_int(g);
	f->key.proto = protos[g_rand_int_range(g, 0, G_N_ELEMENTS(protos))];
	f->key.vlan = (uint16_t)g_rand_int_range(g, 0, 4096);
	f->key.ifindex = g_rand_int(g);
	f->has_mac = (uint8_t)g_rand_boolean(g);
	if (f->has_mac)
		random_bytes(g, &f->mac[0][0], sizeof(f->mac));
	f->period_ms = T0 + g_rand_int(g);
	random_side(g, &f->side[0]);
	random_side(g, &f->side[1]);
	f->initiator = (uint8_t)g_rand_boolean(g);
}

/* A label of a random source and a length at or near the prefix's edges. */
static void
random_label(GRand *g, char *buf, struct exp_flowenc_label *l)
{
	static const size_t lens[] = { 1, 2, 63, 253, 254, 255 };
	size_t i, n = lens[g_rand_int_range(g, 0, G_N_ELEMENTS(lens))];

	l->src = (enum mf_label_source)g_rand_int_range(g, MF_LABEL_NONE,
	    MF_LABEL_N_SOURCES);
	l->name = NULL;
	l->len = 0;
	if (l->src == MF_LABEL_NONE)
		return;
	for (i = 0; i < n; i++)
		buf[i] = (char)g_rand_int_range(g, 'a', 'z' + 1);
	buf[n] = '\0';
	l->name = (const uint8_t *)buf;
	l->len = n;
}

/* The record as the exporter built it before flowenc: the struct. */
static void
table_record(const struct exp_flow *f, int s, int reason,
    const struct exp_flowenc_label *l, struct mf_flow_rec *r)
{
	struct mf_varfield v = { l->len, l->name };

	assert_true(exp_export_make_uniflow(f, s, reason, r));
	r->label_source = (uint8_t)l->src;
	r->label = v;
	if (l->src == MF_LABEL_DNS || l->src == MF_LABEL_DNS_OTHER_CLIENT)
		r->label_dns = v;
	else if (l->src == MF_LABEL_TLS_SNI)
		r->label_sni = v;
	else if (l->src == MF_LABEL_HTTP_HOST)
		r->label_host = v;
}

static void
test_same_bytes(void **state)
{
	static uint8_t a_buf[CAP], b_buf[CAP];
	struct mf_msgenc a, b;
	GRand *g = g_rand_new_with_seed(17);
	size_t records = 0, a_len, b_len;
	char name[MF_LABEL_MAX + 1];
	int i, s;

	(void)state;
	mf_msgenc_init(&a, MF_MSGENC_IPFIX, a_buf, CAP, 7, T0);
	mf_msgenc_init(&b, MF_MSGENC_IPFIX, b_buf, CAP, 7, T0);
	for (i = 0; i < N_FLOWS; i++) {
		struct exp_flow f;
		struct exp_flowenc_label l;
		const struct mf_template *t;
		int reason = g_rand_int_range(g, 1, 6);

		random_flow(g, &f);
		random_label(g, name, &l);
		t = f.key.family == MF_AF_INET ? &mf_tmpl_flow4
		                               : &mf_tmpl_flow6;
		for (s = 0; s < 2; s++) {
			struct mf_flow_rec r;
			uint8_t *out;
			int err = 1;

			if (f.side[s].packets == 0)
				continue;
			mf_msgenc_begin(&a, T0);
			mf_msgenc_begin(&b, T0);
			table_record(&f, s, reason, &l, &r);
			assert_int_equal(mf_msgenc_add_record(&a, t, &r), 0);
			out = mf_msgenc_reserve_record(&b, t,
			    exp_flowenc_var_len(&l), &err);
			assert_non_null(out);
			assert_int_equal(err, 0);
			exp_flowenc_write(out, &f, s, reason, &l);
			a_len = mf_msgenc_finish(&a);
			b_len = mf_msgenc_finish(&b);
			assert_int_equal(a_len, b_len);
			assert_memory_equal(a_buf, b_buf, a_len);
			records++;
		}
	}
	/* About 3 in 4 sides sent packets. */
	assert_true(records > N_FLOWS);
	g_rand_free(g);
}

/*
 * The length of a record, counted by hand from the field list: IPv4 80
 * fixed bytes (start, end 16; addresses 8; ports, protocol, class, flags
 * 7; counters 16; interfaces 8; vlan 2; MACs 12; applicationId 3; reason
 * 1; ICMP 2; silkAppLabel 2; initial and union flags 2; labelSource 1),
 * IPv6 24 more; each label field 1 byte when empty.
 */
static void
test_lengths(void **state)
{
	static uint8_t buf[CAP];
	struct exp_flowenc_label none = { MF_LABEL_NONE, NULL, 0 };
	struct exp_flowenc_label sni = { MF_LABEL_TLS_SNI,
		(const uint8_t *)"example.com", 11 };
	struct mf_msgenc w;
	int err;

	(void)state;
	mf_msgenc_init(&w, MF_MSGENC_IPFIX, buf, CAP, 7, T0);
	mf_msgenc_begin(&w, T0);
	assert_int_equal(exp_flowenc_var_len(&none), 3);
	assert_int_equal(exp_flowenc_var_len(&sni), 2 + 1 + 11);
	assert_int_equal(mf_msgenc_record_len(&w, &mf_tmpl_flow4), 80);
	assert_int_equal(mf_msgenc_record_len(&w, &mf_tmpl_flow6), 104);
	assert_non_null(mf_msgenc_reserve_record(&w, &mf_tmpl_flow4, 3, &err));
	/* Header 16, set header 4, the record 83. */
	assert_int_equal(mf_msgenc_finish(&w), 16 + 4 + 83);
}

/*
 * mf_msgenc_reserve_next(): the inline common case gives the same room as
 * mf_msgenc_reserve_record() up to the last byte, and declines (NULL, the
 * message unchanged) whatever it does not handle.
 */
static void
test_reserve_next(void **state)
{
	static uint8_t a_buf[1024], b_buf[1024];
	struct mf_msgenc a, b;
	uint8_t *pa, *pb;
	size_t hits = 0;
	int i, err;

	(void)state;
	/* The same records by both ways, flow4 and flow6 by turns of 5. */
	mf_msgenc_init(&a, MF_MSGENC_IPFIX, a_buf, sizeof(a_buf), 7, T0);
	mf_msgenc_init(&b, MF_MSGENC_IPFIX, b_buf, sizeof(b_buf), 7, T0);
	mf_msgenc_begin(&a, T0);
	mf_msgenc_begin(&b, T0);
	for (i = 0; i < 40; i++) {
		const struct mf_template *t =
		    (i / 5) % 2 ? &mf_tmpl_flow6 : &mf_tmpl_flow4;
		size_t var = 3 + (size_t)(i % 7);

		pa = mf_msgenc_reserve_record(&a, t, var, &err);
		pb = mf_msgenc_reserve_next(&b, t, var);
		if (pb != NULL)
			hits++;
		else
			pb = mf_msgenc_reserve_record(&b, t, var, &err);
		assert_true((pa == NULL) == (pb == NULL));
		if (pa == NULL)
			break;
		assert_int_equal(pa - a_buf, pb - b_buf);
		memset(pa, i, mf_msgenc_record_len(&a, t) + var);
		memset(pb, i, mf_msgenc_record_len(&b, t) + var);
	}
	/* 16 + (4 + 83 + 84 + 85 + 86 + 87) + (4 + 112 + 113 + 107 + 108 +
	 * 109) = 998 bytes: the 11th record (4 + 86) does not fit.  The
	 * first of each set takes the full call, the other 8 the inline. */
	assert_int_equal(i, 10);
	assert_int_equal(hits, 8);
	assert_int_equal(a.wb.len, 998);
	assert_int_equal(mf_msgenc_finish(&a), mf_msgenc_finish(&b));
	assert_memory_equal(a_buf, b_buf, a.wb.len);

	/* Exactly the room left: header 16, set header 4, a record of 83. */
	mf_msgenc_begin(&b, T0);
	assert_null(mf_msgenc_reserve_next(&b, &mf_tmpl_flow4, 3));
	assert_non_null(mf_msgenc_reserve_record(&b, &mf_tmpl_flow4, 3, &err));
	assert_null(mf_msgenc_reserve_next(&b, &mf_tmpl_flow6, 3));
	assert_null(mf_msgenc_reserve_next(&b, &mf_tmpl_flow4,
	    1024 - 16 - 4 - 83 - 80 + 1));
	assert_int_equal(b.wb.len, 16 + 4 + 83);
	assert_non_null(mf_msgenc_reserve_next(&b, &mf_tmpl_flow4,
	    1024 - 16 - 4 - 83 - 80));
	assert_int_equal(b.wb.len, 1024);
	assert_int_equal(b.count, 2);
	assert_null(mf_msgenc_reserve_next(&b, &mf_tmpl_flow4, 0));

	/* NetFlow v9 pads its FlowSets: never the inline case. */
	mf_msgenc_init(&b, MF_MSGENC_V9, b_buf, sizeof(b_buf), 7, T0);
	mf_msgenc_begin(&b, T0);
	b.raw_t = &mf_tmpl_stats;
	b.set_id = mf_tmpl_stats.id;
	b.set_off = 20;
	assert_null(mf_msgenc_reserve_next(&b, &mf_tmpl_stats, 0));
}

/* A value of one of the lengths that change its prefix or get cut. */
static void
random_var(GRand *g, const uint8_t *text, struct mf_varfield *v)
{
	static const size_t lens[] = { 0, 1, 20, 254, 255, 256, 1024, 1100 };

	v->len = lens[g_rand_int_range(g, 0, G_N_ELEMENTS(lens))];
	v->buf = g_rand_int_range(g, 0, 8) == 0 ? NULL : text;
}

/* DNS records: exp_flowenc_dns_write() against the table, every field. */
static void
test_dns_same_bytes(void **state)
{
	static uint8_t a_buf[CAP], b_buf[CAP], text[1100];
	struct mf_msgenc a, b;
	GRand *g = g_rand_new_with_seed(29);
	size_t i, j, a_len, b_len;

	(void)state;
	for (j = 0; j < sizeof(text); j++)
		text[j] = (uint8_t)g_rand_int(g);
	mf_msgenc_init(&a, MF_MSGENC_IPFIX, a_buf, CAP, 7, T0);
	mf_msgenc_init(&b, MF_MSGENC_IPFIX, b_buf, CAP, 7, T0);
	for (i = 0; i < 2000; i++) {
		uint8_t family = i % 2 ? MF_AF_INET6 : MF_AF_INET;
		const struct mf_template *t =
		    i % 2 ? &mf_tmpl_dns6 : &mf_tmpl_dns4;
		struct mf_dns_rec r;
		uint8_t *p = (uint8_t *)&r, *out;
		int err = 1;

		/* Every byte random, then the values the writer reads. */
		for (j = 0; j < sizeof(r); j++)
			p[j] = (uint8_t)g_rand_int(g);
		random_var(g, text, &r.qname);
		random_var(g, text + 1, &r.cname);
		random_var(g, text + 2, &r.addrs);
		mf_msgenc_begin(&a, T0);
		mf_msgenc_begin(&b, T0);
		assert_int_equal(mf_msgenc_add_record(&a, t, &r), 0);
		out = mf_msgenc_reserve_record(&b, t,
		    exp_flowenc_dns_var_len(&r), &err);
		assert_non_null(out);
		assert_int_equal(err, 0);
		exp_flowenc_dns_write(out, &r, family);
		a_len = mf_msgenc_finish(&a);
		b_len = mf_msgenc_finish(&b);
		assert_int_equal(a_len, b_len);
		assert_memory_equal(a_buf, b_buf, a_len);
	}
	/* dns4: 31 fixed bytes; 1 + 3 + 0 for empty, 255, NULL values. */
	mf_msgenc_begin(&b, T0);
	{
		struct mf_dns_rec r;

		memset(&r, 0, sizeof(r));
		r.cname.len = 255;
		r.cname.buf = text;
		r.addrs.len = 9;
		assert_int_equal(mf_msgenc_record_len(&b, &mf_tmpl_dns4), 31);
		assert_int_equal(mf_msgenc_record_len(&b, &mf_tmpl_dns6), 55);
		assert_int_equal(exp_flowenc_dns_var_len(&r), 1 + 3 + 255 + 1);
	}
	g_rand_free(g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_bytes),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_reserve_next),
		cmocka_unit_test(test_dns_same_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
