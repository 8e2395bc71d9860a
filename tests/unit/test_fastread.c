/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The compiled reader (collector/ingest/fastread.h) against libfixbuf:
 * every message goes to a session with the compiled reader and to one
 * reading everything with libfixbuf (tests/unit/fastdiff.h), and both
 * must give the same records and counters.  The templates are those of
 * minflow-exporter (its own encoder), and of softflowd, pmacct, YAF and
 * nfdump as they send them; then the awkward cases: reduced-size
 * encoding, variable-length and enterprise elements, duplicates,
 * padding, truncated sets, withdrawal, redefinition and options.
 * MF_FASTDIFF_FILES (IPFIX files, space-separated) adds files, as
 * tests/integ/fastread_captures.sh does with the shared captures'
 * exporter output.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "collector/ingest/fixread.h"
#include "common/model.h"
#include "common/msgenc.h"
#include "common/wbuf.h"
#include "tests/unit/fastdiff.h"

#define T0 UINT64_C(1700000000000)

/* An element of a template: id (with 0x8000 if pen), length, pen. */
struct el {
	uint16_t id, len;
	uint32_t pen;
};

struct msg {
	uint8_t buf[4096];
	struct mf_wbuf wb;
	size_t set; /* open set's offset, or 0 */
	gboolean v9;
};

static void
msg_begin(struct msg *m, gboolean v9, uint32_t seq)
{
	memset(m, 0, sizeof(*m));
	m->v9 = v9;
	mf_wbuf_init(&m->wb, m->buf, sizeof(m->buf));
	mf_wbuf_put_u16(&m->wb, v9 ? 9 : 10);
	mf_wbuf_put_u16(&m->wb, 0);
	if (v9)
		mf_wbuf_put_u32(&m->wb, 60000); /* sysUptime */
	mf_wbuf_put_u32(&m->wb, (uint32_t)(T0 / 1000 + 60));
	mf_wbuf_put_u32(&m->wb, seq);
	mf_wbuf_put_u32(&m->wb, 7);
}

static void
set_close(struct msg *m)
{
	if (m->set != 0)
		mf_wbuf_patch_u16(&m->wb, m->set + 2,
		    (uint16_t)(m->wb.len - m->set));
	m->set = 0;
}

static void
set_open(struct msg *m, uint16_t id)
{
	set_close(m);
	m->set = m->wb.len;
	mf_wbuf_put_u16(&m->wb, id);
	mf_wbuf_put_u16(&m->wb, 0);
}

/* A template set (v9: FlowSet 0) of one template. */
static void
put_template(struct msg *m, uint16_t tid, const struct el *e, size_t n)
{
	size_t i;

	set_open(m, m->v9 ? 0 : 2);
	mf_wbuf_put_u16(&m->wb, tid);
	mf_wbuf_put_u16(&m->wb, (uint16_t)n);
	for (i = 0; i < n; i++) {
		mf_wbuf_put_u16(&m->wb, e[i].id);
		mf_wbuf_put_u16(&m->wb, e[i].len);
		if (!m->v9 && (e[i].id & 0x8000))
			mf_wbuf_put_u32(&m->wb, e[i].pen);
	}
	set_close(m);
}

static void
put_bytes(struct msg *m, const void *p, size_t len)
{
	mf_wbuf_put_bytes(&m->wb, p, len);
}

/* An unsigned value of len bytes, big-endian. */
static void
put_uint(struct msg *m, uint64_t v, unsigned len)
{
	while (len-- > 0)
		mf_wbuf_put_u8(&m->wb, (uint8_t)(v >> (8 * len)));
}

static size_t
msg_end(struct msg *m)
{
	set_close(m);
	mf_wbuf_patch_u16(&m->wb, 2, m->v9 ? 1 : (uint16_t)m->wb.len);
	return m->wb.len;
}

/* Feed a message to both sessions: they must agree. */
static void
feed(struct fastdiff *d, struct msg *m)
{
	size_t len = msg_end(m);

	if (!fastdiff_feed(d, m->buf, len, m->v9))
		fail_msg("readers differ: %s", d->why);
}

static const struct col_fixread_stats *
stats(const struct fastdiff *d)
{
	return col_fixread_get_stats(d->side[0].r);
}

/* One plain record's values for any template of integers and addresses. */
static void
put_value(struct msg *m, const struct el *e, unsigned k)
{
	uint64_t v;

	switch (e->id) {
	case 8:
	case 12:
		v = e->id == 8 ? 0xc0a80100u + k : 0xc6336400u + k;
		break;
	case 152:
	case 153:
		v = T0 + k * 1000 + (e->id == 153 ? 500 : 0);
		break;
	case 150:
	case 151:
		v = T0 / 1000 + k + (e->id == 151 ? 1 : 0);
		break;
	case 22:
	case 21:
		v = 1000 + k * 10 + (e->id == 21 ? 5 : 0);
		break;
	case 4:
		v = 6;
		break;
	default:
		v = 1000 * (uint64_t)e->id + k + (e->id & 0x8000 ? e->pen : 0);
		break;
	}
	if (e->len <= 8) {
		put_uint(m, v, e->len);
	} else {
		uint8_t b[64];

		memset(b, (int)(v & 0xff), sizeof(b));
		put_bytes(m, b, MIN(e->len, sizeof(b)));
	}
}

/* A template and n records of it in one message; all compiled. */
static void
exporter_like(const struct el *e, size_t n_el, gboolean v9, unsigned n)
{
	struct fastdiff d;
	struct msg m;
	unsigned k;
	size_t i;

	fastdiff_init(&d, 8);
	msg_begin(&m, v9, 0);
	put_template(&m, 300, e, n_el);
	set_open(&m, 300);
	for (k = 0; k < n; k++)
		for (i = 0; i < n_el; i++)
			put_value(&m, &e[i], k);
	feed(&d, &m);
	/* The next message: data only, as most are. */
	msg_begin(&m, v9, v9 ? 1 : n);
	set_open(&m, 300);
	for (k = 0; k < n; k++)
		for (i = 0; i < n_el; i++)
			put_value(&m, &e[i], k + 100);
	feed(&d, &m);
	assert_int_equal(stats(&d)->records, 2 * n);
	assert_int_equal(stats(&d)->compiled_records, 2 * n);
	assert_int_equal(d.side[0].n, n);
	assert_int_equal(mf_addr_get4(&d.side[0].kept[1].src),
	    0xc0a80100u + 101);
	fastdiff_clear(&d);
}

#define X(id) (0x8000 | (id))

static void
test_fastread_softflowd_v9(void **state)
{
	/* softflowd's v9 IPv4 template: 4-byte counters, uptime times. */
	static const struct el e[] = { { 8, 4, 0 }, { 12, 4, 0 }, { 21, 4, 0 },
		{ 22, 4, 0 }, { 1, 4, 0 }, { 2, 4, 0 }, { 10, 4, 0 },
		{ 14, 4, 0 }, { 7, 2, 0 }, { 11, 2, 0 }, { 4, 1, 0 },
		{ 6, 1, 0 }, { 60, 1, 0 }, { 5, 1, 0 } };

	(void)state;
	exporter_like(e, G_N_ELEMENTS(e), TRUE, 20);
}

static void
test_fastread_softflowd_ipfix(void **state)
{
	static const struct el e[] = { { 8, 4, 0 }, { 12, 4, 0 }, { 152, 8, 0 },
		{ 153, 8, 0 }, { 1, 8, 0 }, { 2, 8, 0 }, { 10, 4, 0 },
		{ 14, 4, 0 }, { 7, 2, 0 }, { 11, 2, 0 }, { 4, 1, 0 },
		{ 6, 1, 0 }, { 60, 1, 0 }, { 5, 1, 0 } };

	(void)state;
	exporter_like(e, G_N_ELEMENTS(e), FALSE, 20);
}

static void
test_fastread_pmacct_ipfix(void **state)
{
	/* pmacct: MACs, VLAN, ToS, seconds-resolution times. */
	static const struct el e[] = { { 56, 6, 0 }, { 80, 6, 0 }, { 58, 2, 0 },
		{ 8, 4, 0 }, { 12, 4, 0 }, { 7, 2, 0 }, { 11, 2, 0 },
		{ 6, 1, 0 }, { 4, 1, 0 }, { 5, 1, 0 }, { 2, 8, 0 }, { 1, 8, 0 },
		{ 150, 4, 0 }, { 151, 4, 0 }, { 136, 1, 0 } };

	(void)state;
	exporter_like(e, G_N_ELEMENTS(e), FALSE, 12);
}

static void
test_fastread_yaf_biflow(void **state)
{
	/* YAF: total counters, reverse elements, CERT flags, padding. */
	static const struct el e[] = { { 152, 8, 0 }, { 153, 8, 0 },
		{ 85, 8, 0 }, { 86, 8, 0 }, { X(85), 8, MF_PEN_REVERSE },
		{ X(86), 8, MF_PEN_REVERSE }, { 8, 4, 0 }, { 12, 4, 0 },
		{ X(21), 4, MF_PEN_CERT }, { 7, 2, 0 }, { 11, 2, 0 },
		{ 58, 2, 0 }, { X(33), 2, MF_PEN_CERT }, { 4, 1, 0 },
		{ 136, 1, 0 }, { X(14), 1, MF_PEN_CERT },
		{ X(15), 1, MF_PEN_CERT }, { X(14 | 0x4000), 1, MF_PEN_CERT },
		{ X(15 | 0x4000), 1, MF_PEN_CERT }, { 210, 3, 0 } };

	(void)state;
	exporter_like(e, G_N_ELEMENTS(e), FALSE, 10);
}

static void
test_fastread_nfdump_v9(void **state)
{
	/* nfdump's exporters: millisecond times, 8-byte counters, ASes. */
	static const struct el e[] = { { 152, 8, 0 }, { 153, 8, 0 },
		{ 1, 8, 0 }, { 2, 8, 0 }, { 10, 2, 0 }, { 14, 2, 0 },
		{ 7, 2, 0 }, { 11, 2, 0 }, { 4, 1, 0 }, { 6, 1, 0 },
		{ 8, 4, 0 }, { 12, 4, 0 }, { 16, 4, 0 }, { 17, 4, 0 },
		{ 61, 1, 0 } };

	(void)state;
	exporter_like(e, G_N_ELEMENTS(e), TRUE, 16);
}

/* Reduced-size encoding (RFC 7011 6.2), duplicates, unknown elements. */
static void
test_fastread_reduced_size_and_duplicates(void **state)
{
	static const struct el e[] = { { 8, 4, 0 }, { 12, 3, 0 }, { 1, 4, 0 },
		{ 2, 3, 0 }, { 1, 8, 0 }, { 152, 6, 0 }, { 153, 8, 0 },
		{ 56, 3, 0 }, { X(7000), 2, 9 }, { X(5), 4, 4242 }, { 7, 1, 0 },
		{ 11, 2, 0 }, { 4, 1, 0 } };

	(void)state;
	exporter_like(e, G_N_ELEMENTS(e), FALSE, 8);
}

static void
test_fastread_ipv6_reduced_address(void **state)
{
	static const struct el e[] = { { 27, 8, 0 }, { 28, 16, 0 }, { 8, 4, 0 },
		{ 152, 8, 0 }, { 153, 8, 0 }, { 1, 8, 0 }, { 2, 8, 0 } };

	(void)state;
	exporter_like(e, G_N_ELEMENTS(e), FALSE, 5);
}

/* minflow-exporter's own templates, through its encoder. */
static void
test_fastread_minflow_exporter(void **state)
{
	static const struct mf_template *const t[] = { &mf_tmpl_flow4,
		&mf_tmpl_flow6, &mf_tmpl_biflow4, &mf_tmpl_proc4,
		&mf_tmpl_biproc6 };
	struct fastdiff d;
	struct mf_msgenc w;
	struct mf_flow_rec r;
	uint8_t buf[8192];
	size_t i, len;
	unsigned k;
	uint64_t flows = 0;
	char name[300];

	(void)state;
	fastdiff_init(&d, 16);
	for (k = 0; k < 6; k++) {
		mf_msgenc_init(&w, MF_MSGENC_IPFIX, buf, sizeof(buf), 7, 0);
		w.sequence = (uint32_t)flows;
		mf_msgenc_begin(&w, T0 + k * 1000);
		for (i = 0; i < G_N_ELEMENTS(t); i++) {
			if (k % 3 == 0)
				assert_int_equal(mf_msgenc_add_template(&w,
				                     t[i]),
				    0);
			memset(&r, 0, sizeof(r));
			r.start_ms = T0 + k, r.end_ms = T0 + 1000 + k;
			r.src4 = 0xc0a80102 + k, r.dst4 = 0xc6336401;
			r.src6[0] = 0xfd, r.dst6[15] = (uint8_t)k;
			r.sport = (uint16_t)(40000 + i), r.dport = 443;
			r.proto = 6, r.packets = 3 + k, r.octets = 180;
			r.rev_packets = 2, r.rev_octets = 99;
			r.initial_flags = 2, r.union_flags = 0x18;
			/* long names take the 3-byte length form */
			memset(name, 'a' + (int)k, sizeof(name));
			r.label_dns.buf = (const uint8_t *)name;
			r.label_dns.len = k % 2 ? 270 : 11;
			r.process.buf = (const uint8_t *)"curl";
			r.process.len = 4, r.pid = 77;
			r.label_source = 1;
			assert_int_equal(mf_msgenc_add_record(&w, t[i], &r), 0);
			flows++;
		}
		len = mf_msgenc_finish(&w);
		if (!fastdiff_feed(&d, buf, len, FALSE))
			fail_msg("message %u: %s", k, d.why);
	}
	assert_int_equal(stats(&d)->records, flows);
	/*
	 * Here templates and records alternate in the messages with
	 * templates: libfixbuf reads those from the second template set on.
	 * The 4 messages without templates are the compiled reader's.
	 */
	assert_in_range(stats(&d)->compiled_records, 4 * G_N_ELEMENTS(t),
	    flows - 1);
	assert_int_equal(d.side[0].kept[0].label[0], 'f');
	assert_int_equal(strlen(d.side[0].kept[0].label), COL_LABEL_MAX - 1);
	assert_string_equal(d.side[0].kept[3].process, "curl");
	fastdiff_clear(&d);
}

/*
 * Sets that end badly: padding after the last record, a record cut by
 * its set's end (fixed and variable-length), and a fixed-length element
 * the record keeps as variable-length (not compiled: libfixbuf refuses).
 */
static void
test_fastread_padding_and_truncated_sets(void **state)
{
	static const struct el fixed[] = { { 8, 4, 0 }, { 12, 4, 0 },
		{ 1, 4, 0 } };
	static const struct el var[] = { { 8, 4, 0 }, { 12, 4, 0 },
		{ X(179), 65535, MF_PEN_CERT }, { 1, 4, 0 } };
	static const struct el fixname[] = { { 8, 4, 0 }, { 12, 4, 0 },
		{ X(179), 8, MF_PEN_CERT } };
	struct fastdiff d;
	struct msg m;

	(void)state;
	fastdiff_init(&d, 8);
	msg_begin(&m, FALSE, 0);
	put_template(&m, 300, fixed, 3);
	put_template(&m, 301, var, 4);
	put_template(&m, 302, fixname, 3);
	feed(&d, &m);
	/* 2 records and 3 bytes of padding; then a cut varlen record. */
	msg_begin(&m, FALSE, 0);
	set_open(&m, 300);
	put_uint(&m, 0x0a000001, 4), put_uint(&m, 0x0a000002, 4);
	put_uint(&m, 5, 4);
	put_uint(&m, 0x0a000003, 4), put_uint(&m, 0x0a000004, 4);
	put_uint(&m, 6, 4);
	put_uint(&m, 0, 3);
	set_open(&m, 301);
	put_uint(&m, 0x0a000005, 4), put_uint(&m, 0x0a000006, 4);
	put_uint(&m, 3, 1), put_bytes(&m, "abc", 3), put_uint(&m, 7, 4);
	put_uint(&m, 0x0a000007, 4), put_uint(&m, 0x0a000008, 4);
	put_uint(&m, 200, 1), put_bytes(&m, "short", 5);
	set_open(&m, 300);
	put_uint(&m, 0x0a000009, 4), put_uint(&m, 0x0a00000a, 4);
	put_uint(&m, 8, 4);
	feed(&d, &m);
	assert_int_equal(d.side[0].n, 3);
	assert_string_equal(d.side[0].kept[2].label, "abc");
	/* The fixed-length name: libfixbuf refuses it, both the same. */
	msg_begin(&m, FALSE, 0);
	set_open(&m, 302);
	put_uint(&m, 0x0a00000b, 4), put_uint(&m, 0x0a00000c, 4);
	put_bytes(&m, "example!", 8);
	feed(&d, &m);
	fastdiff_clear(&d);
}

/*
 * A set too short for one record of its template (found by fuzz_fastread):
 * libfixbuf then reads the next set's record with this set's internal
 * template, here an options record as a flow.  The compiled reader leaves
 * such a set to libfixbuf, so both count the same.
 */
static void
test_fastread_set_shorter_than_a_record(void **state)
{
	static const struct el big[] = { { 8, 4, 0 }, { 12, 4, 0 },
		{ X(99), 100, 4242 } };
	struct fastdiff d;
	struct msg m;

	(void)state;
	fastdiff_init(&d, 8);
	msg_begin(&m, FALSE, 0);
	put_template(&m, 300, big, 3);
	set_open(&m, 3);
	put_uint(&m, 310, 2), put_uint(&m, 2, 2), put_uint(&m, 1, 2);
	put_uint(&m, 144, 2), put_uint(&m, 4, 2);
	put_uint(&m, 41, 2), put_uint(&m, 8, 2);
	feed(&d, &m);
	msg_begin(&m, FALSE, 0);
	set_open(&m, 300);
	put_uint(&m, 0x0a000001, 4), put_uint(&m, 0x0a000002, 4);
	set_open(&m, 310);
	put_uint(&m, 9, 4), put_uint(&m, 1000, 8);
	feed(&d, &m);
	assert_int_equal(stats(&d)->compiled_records, 0);
	fastdiff_clear(&d);
}

/* Withdrawal, redefinition, options and DNS sets among flow sets. */
static void
test_fastread_withdraw_redefine_and_options(void **state)
{
	static const struct el a[] = { { 8, 4, 0 }, { 12, 4, 0 }, { 2, 4, 0 } };
	static const struct el b[] = { { 12, 4, 0 }, { 8, 4, 0 }, { 2, 8, 0 },
		{ 4, 1, 0 } };
	struct fastdiff d;
	struct msg m;

	(void)state;
	fastdiff_init(&d, 8);
	msg_begin(&m, FALSE, 0);
	put_template(&m, 300, a, 3);
	set_open(&m, 300);
	put_uint(&m, 1, 4), put_uint(&m, 2, 4), put_uint(&m, 3, 4);
	/* an options template (scope: exportingProcessId) and its data */
	set_open(&m, 3);
	put_uint(&m, 310, 2), put_uint(&m, 2, 2), put_uint(&m, 1, 2);
	put_uint(&m, 144, 2), put_uint(&m, 4, 2);
	put_uint(&m, 41, 2), put_uint(&m, 8, 2);
	set_open(&m, 310);
	put_uint(&m, 9, 4), put_uint(&m, 1000, 8);
	set_open(&m, 300);
	put_uint(&m, 4, 4), put_uint(&m, 5, 4), put_uint(&m, 6, 4);
	feed(&d, &m);
	/* Redefined: the same id, other elements. */
	msg_begin(&m, FALSE, 2);
	put_template(&m, 300, b, 4);
	set_open(&m, 300);
	put_uint(&m, 7, 4), put_uint(&m, 8, 4), put_uint(&m, 9, 8);
	put_uint(&m, 17, 1);
	set_open(&m, 310);
	put_uint(&m, 9, 4), put_uint(&m, 1000, 8);
	set_open(&m, 300);
	put_uint(&m, 10, 4), put_uint(&m, 11, 4), put_uint(&m, 12, 8);
	put_uint(&m, 6, 1);
	feed(&d, &m);
	assert_int_equal(mf_addr_get4(&d.side[0].kept[0].src), 8);
	/* Withdrawn, then its data: counted before template, both. */
	msg_begin(&m, FALSE, 5);
	set_open(&m, 2);
	put_uint(&m, 300, 2), put_uint(&m, 0, 2);
	set_open(&m, 300);
	put_uint(&m, 7, 4), put_uint(&m, 8, 4), put_uint(&m, 9, 8);
	put_uint(&m, 17, 1);
	feed(&d, &m);
	assert_int_equal(stats(&d)->before_template, 1);
	assert_int_equal(stats(&d)->records, 4);
	fastdiff_clear(&d);
}

/*
 * Addresses of other than their natural length (libfixbuf warns "Illegal
 * length" and reads them anyway): an IPv4 address as the integer of its
 * bytes, right-aligned; an IPv6 address as its first bytes, the rest zero.
 * The compiled reader must read them the same.
 */
static void
test_fastread_address_of_odd_length(void **state)
{
	static const struct el v4[] = { { 8, 2, 0 }, { 12, 1, 0 },
		{ 152, 8, 0 }, { 153, 8, 0 }, { 2, 4, 0 } };
	static const struct el v6[] = { { 27, 2, 0 }, { 28, 16, 0 },
		{ 152, 8, 0 }, { 153, 8, 0 }, { 2, 4, 0 } };
	static const uint8_t dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 9 };
	static const uint8_t src6[16] = { 0xfe, 0x80 };
	struct fastdiff d;
	struct msg m;

	(void)state;
	fastdiff_init(&d, 8);
	msg_begin(&m, FALSE, 0);
	put_template(&m, 300, v4, G_N_ELEMENTS(v4));
	put_template(&m, 301, v6, G_N_ELEMENTS(v6));
	set_open(&m, 300);
	put_uint(&m, 0x0a01, 2), put_uint(&m, 0x07, 1);
	put_uint(&m, T0, 8), put_uint(&m, T0 + 5, 8), put_uint(&m, 3, 4);
	set_open(&m, 301);
	put_uint(&m, 0xfe80, 2), put_bytes(&m, dst6, 16);
	put_uint(&m, T0, 8), put_uint(&m, T0 + 5, 8), put_uint(&m, 4, 4);
	feed(&d, &m);
	assert_int_equal(d.side[0].n, 2);
	assert_int_equal(stats(&d)->compiled_records, 2);
	assert_int_equal(mf_addr_get4(&d.side[0].kept[0].src), 0x0a01);
	assert_int_equal(mf_addr_get4(&d.side[0].kept[0].dst), 0x07);
	assert_int_equal(d.side[0].kept[1].src.family, MF_AF_INET6);
	assert_memory_equal(d.side[0].kept[1].src.b, src6, 16);
	assert_memory_equal(d.side[0].kept[1].dst.b, dst6, 16);
	assert_int_equal(d.side[0].kept[1].packets, 4);
	fastdiff_clear(&d);
}

/* A DNS record's basicList (IPFIX 291) of one kind of element. */
static void
put_dns_record(struct msg *m, uint16_t ie, uint16_t elen, const uint8_t *p,
    size_t len)
{
	static const char qname[] = "www.example.com";

	put_uint(m, sizeof(qname) - 1, 1),
	    put_bytes(m, qname, sizeof(qname) - 1);
	put_uint(m, 1, 1); /* a response */
	put_uint(m, 5 + len, 1);
	put_uint(m, 3, 1), put_uint(m, ie, 2), put_uint(m, elen, 2);
	put_bytes(m, p, len);
}

/*
 * DNS answer lists of addresses of other than their natural length.
 * Variable-length ones are the fuzzer's find: libfixbuf keeps each as an
 * fbVarfield_t, 16 bytes like an IPv6 address, and its pointer was read
 * as the address, different in each session.  All are dropped whole.
 */
static void
test_fastread_dns_list_of_odd_length(void **state)
{
	static const struct el dns[] = { { X(179), 0xffff, 6871 },
		{ X(174), 1, 6871 }, { 291, 0xffff, 0 } };
	static const uint8_t a6[32] = { 0x20, 0x01, 0x0d,
		0xb8, [15] = 1, [16] = 0x20, 0x01, 0x0d, 0xb8, [31] = 2 };
	static const uint8_t var6[] = { 16, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 1, 2, 0xfe, 0x80 };
	static const uint8_t short4[] = { 10, 1, 10, 2, 10, 3, 10, 4 };
	/* one value of 65535 bytes, past the list: libfixbuf takes it */
	static const uint8_t long6[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct fastdiff d;
	struct msg m;

	(void)state;
	fastdiff_init(&d, 8);
	msg_begin(&m, FALSE, 0);
	put_template(&m, 300, dns, G_N_ELEMENTS(dns));
	set_open(&m, 300);
	put_dns_record(&m, 27, 16, a6, sizeof(a6)); /* well formed */
	put_dns_record(&m, 27, 0xffff, var6, sizeof(var6));
	put_dns_record(&m, 8, 2, short4, sizeof(short4));
	put_dns_record(&m, 8, 1, short4, sizeof(short4));
	put_dns_record(&m, 27, 2, short4, sizeof(short4));
	put_dns_record(&m, 8, 0xffff, var6, sizeof(var6));
	put_dns_record(&m, 27, 0xffff, long6, sizeof(long6));
	feed(&d, &m);
	assert_int_equal(d.side[0].n, 7);
	assert_int_equal(stats(&d)->dns_records, 7);
	assert_int_equal(stats(&d)->dns_bad_lists, 6);
	fastdiff_clear(&d);
}

/* Files of IPFIX messages named in MF_FASTDIFF_FILES. */
static void
test_fastread_files_from_environment(void **state)
{
	const char *env = g_getenv("MF_FASTDIFF_FILES");
	g_auto(GStrv) files = NULL;
	size_t i;

	(void)state;
	if (env == NULL || *env == '\0')
		skip();
	files = g_strsplit(env, " ", -1);
	for (i = 0; files[i] != NULL; i++) {
		g_autofree gchar *data = NULL;
		struct fastdiff d;
		gsize len, off = 0, n = 0;

		if (*files[i] == '\0')
			continue;
		if (!g_file_get_contents(files[i], &data, &len, NULL))
			fail_msg("%s: cannot read", files[i]);
		fastdiff_init(&d, 64);
		while (off + 4 <= len) {
			const uint8_t *p = (const uint8_t *)data + off;
			size_t mlen = (size_t)p[2] << 8 | p[3];

			if (mlen < 16 || off + mlen > len)
				fail_msg("%s: bad message at %zu", files[i],
				    off);
			if (!fastdiff_feed(&d, p, mlen, FALSE))
				fail_msg("%s: message %zu: %s", files[i], n,
				    d.why);
			off += mlen, n++;
		}
		printf("# %s: %zu messages, %" G_GUINT64_FORMAT
		       " records, %" G_GUINT64_FORMAT " compiled\n",
		    files[i], n, stats(&d)->records,
		    stats(&d)->compiled_records);
		fastdiff_clear(&d);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fastread_softflowd_v9),
		cmocka_unit_test(test_fastread_softflowd_ipfix),
		cmocka_unit_test(test_fastread_pmacct_ipfix),
		cmocka_unit_test(test_fastread_yaf_biflow),
		cmocka_unit_test(test_fastread_nfdump_v9),
		cmocka_unit_test(test_fastread_reduced_size_and_duplicates),
		cmocka_unit_test(test_fastread_ipv6_reduced_address),
		cmocka_unit_test(test_fastread_minflow_exporter),
		cmocka_unit_test(test_fastread_padding_and_truncated_sets),
		cmocka_unit_test(test_fastread_set_shorter_than_a_record),
		cmocka_unit_test(test_fastread_withdraw_redefine_and_options),
		cmocka_unit_test(test_fastread_address_of_odd_length),
		cmocka_unit_test(test_fastread_dns_list_of_odd_length),
		cmocka_unit_test(test_fastread_files_from_environment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
