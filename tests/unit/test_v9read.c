/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-v9read"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "collector/ingest/v9read.h"

/*
 * The v9 -> IPFIX translation of collector/v9read.c, byte for byte: the
 * expected IPFIX messages below are written out by hand from RFC 3954 and
 * RFC 7011, not produced by our encoder.
 */

#define SECS 0x65, 0x53, 0xf1, 0x00 /* unix_secs 1700000000 */
#define SOURCE 0x01, 0x02, 0x03, 0x04
#define SOURCE_ID UINT32_C(0x01020304)
#define BOOT_MS (UINT64_C(1700000000) * 1000 - 4096)

/* A v9 header with sequence number seq (one byte) and FlowSet count n. */
#define V9_HEADER(n, seq) 0, 9, 0, n, 0, 0, 0x10, 0, SECS, 0, 0, 0, seq, SOURCE

/* FlowSet 0: template 256, sourceIPv4Address, vendor 0x8001, octets. */
#define V9_TEMPLATES \
	0, 0, 0, 20, 1, 0, 0, 3, 0, 8, 0, 4, 0x80, 0x01, 0, 2, 0, 1, 0, 4
/*
 * FlowSet 1: options template 257, scope Interface (2, 4 bytes), option
 * samplingInterval (34, 4 bytes); 2 bytes of padding.
 */
#define V9_OPTIONS 0, 1, 0, 20, 1, 1, 0, 4, 0, 4, 0, 2, 0, 4, 0, 34, 0, 4, 0, 0
/* FlowSet 256: one record of template 256. */
#define V9_DATA 1, 0, 0, 14, 10, 0, 0, 1, 0xbe, 0xef, 0, 0, 1, 0

#define IPFIX_TEMPLATES                                                       \
	0, 2, 0, 24, 1, 0, 0, 3, 0, 8, 0, 4, 0x80, 0x01, 0, 2, 0, 0, 0, 9, 0, \
	    1, 0, 4
#define IPFIX_OPTIONS 0, 3, 0, 18, 1, 1, 0, 2, 0, 1, 0, 10, 0, 4, 0, 34, 0, 4
#define IPFIX_DATA V9_DATA

/* The IPFIX header of a message of len bytes. */
#define IPFIX_HEADER(len) 0, 10, 0, len, SECS, 0, 0, 0, 0, SOURCE

struct run {
	struct col_v9state st;
	uint8_t out[256];
	size_t out_len;
	uint32_t source_id;
	uint64_t boot_ms;
	int r;
};

static void
translate(struct run *x, const uint8_t *in, size_t len, size_t cap)
{
	x->out_len = 0;
	x->r = col_v9_translate(&x->st, in, len, x->out, cap, &x->out_len,
	    &x->source_id, &x->boot_ms);
}

static void
assert_out(const struct run *x, const uint8_t *want, size_t len)
{
	assert_int_equal(x->r, 0);
	assert_int_equal(x->out_len, len);
	assert_memory_equal(x->out, want, len);
}

/* Translate in with cap bytes of room; the result must be want. */
static void
check(struct run *x, const uint8_t *in, size_t len, size_t cap,
    const uint8_t *want, size_t want_len)
{
	translate(x, in, len, cap);
	assert_out(x, want, want_len);
}

static void
test_v9read_golden_message(void **state)
{
	static const uint8_t in[] = { V9_HEADER(3, 7), V9_TEMPLATES, V9_OPTIONS,
		V9_DATA };
	static const uint8_t want[] = { IPFIX_HEADER(72), IPFIX_TEMPLATES,
		IPFIX_OPTIONS, IPFIX_DATA };
	struct run x = { 0 };

	(void)state;
	assert_int_equal(sizeof(in), 74);
	check(&x, in, sizeof(in), sizeof(x.out), want, sizeof(want));
	assert_int_equal(x.source_id, SOURCE_ID);
	assert_int_equal(x.boot_ms, BOOT_MS);
	assert_int_equal(x.st.malformed, 0);
	assert_int_equal(x.st.lost_packets, 0);
	assert_int_equal(x.st.next_seq, 8);
}

static void
test_v9read_scope_types(void **state)
{
	/* Scopes System, Line Card, Cache, Template and 9 (unknown). */
	static const uint8_t in[] = { V9_HEADER(1, 1), 0, 1, 0, 30, 1, 2, 0, 20,
		0, 0, 0, 1, 0, 4, 0, 3, 0, 4, 0, 4, 0, 4, 0, 5, 0, 2, 0, 9, 0,
		1 };
	static const uint8_t want[] = { IPFIX_HEADER(46), 0, 3, 0, 30, 1, 2, 0,
		5, 0, 5, 0, 144, 0, 4, 0, 141, 0, 4, 0, 143, 0, 4, 0, 145, 0, 2,
		0, 144, 0, 1 };
	struct run x = { 0 };

	(void)state;
	check(&x, in, sizeof(in), sizeof(x.out), want, sizeof(want));
	assert_int_equal(x.st.malformed, 0);
}

static void
test_v9read_sequence_gaps(void **state)
{
	static const uint8_t seqs[] = { 7, 8, 11, 10, 11, 12 };
	static const uint64_t lost[] = { 0, 0, 2, 2, 2, 2 };
	uint8_t in[] = { V9_HEADER(0, 0) };
	struct run x = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(seqs); i++) {
		in[15] = seqs[i];
		translate(&x, in, sizeof(in), sizeof(x.out));
		assert_int_equal(x.r, 0);
		assert_int_equal(x.out_len, 16);
		/* a step back (10 after 11) is a reordering, not a loss */
		assert_int_equal(x.st.lost_packets, lost[i]);
		assert_int_equal(x.st.next_seq, seqs[i] + 1u);
	}
	assert_int_equal(x.st.malformed, 0);
}

static void
test_v9read_sequence_wraps(void **state)
{
	uint8_t in[] = { V9_HEADER(0, 0) };
	struct run x = { 0 };

	(void)state;
	memset(in + 12, 0xff, 4); /* 2^32 - 1 */
	translate(&x, in, sizeof(in), sizeof(x.out));
	memset(in + 12, 0, 4); /* then 0: no gap */
	translate(&x, in, sizeof(in), sizeof(x.out));
	assert_int_equal(x.st.lost_packets, 0);
	in[15] = 3; /* 1 and 2 missing */
	translate(&x, in, sizeof(in), sizeof(x.out));
	assert_int_equal(x.st.lost_packets, 2);
}

static void
test_v9read_bad_header(void **state)
{
	uint8_t in[] = { V9_HEADER(0, 1) };
	struct run x = { 0 };

	(void)state;
	in[1] = 5; /* version 5 */
	translate(&x, in, sizeof(in), sizeof(x.out));
	assert_int_equal(x.r, -EBADMSG);
	in[1] = 9;
	translate(&x, in, sizeof(in) - 1, sizeof(x.out)); /* 19 bytes */
	assert_int_equal(x.r, -EBADMSG);
	translate(&x, in, sizeof(in), 15); /* no room for the header */
	assert_int_equal(x.r, -EBADMSG);
	assert_int_equal(x.st.malformed, 3);
	assert_int_equal(x.st.have_seq, 0);
	assert_int_equal(x.out_len, 0);
}

/* A bad FlowSet ends the message; what came before it is kept. */
static void
test_v9read_reserved_flowset_ends_message(void **state)
{
	static const uint8_t in[] = { V9_HEADER(3, 1), V9_TEMPLATES, 0, 2, 0, 8,
		1, 2, 3, 4, V9_DATA };
	static const uint8_t want[] = { IPFIX_HEADER(40), IPFIX_TEMPLATES };
	struct run x = { 0 };

	(void)state;
	check(&x, in, sizeof(in), sizeof(x.out), want, sizeof(want));
	assert_int_equal(x.st.malformed, 1);
}

static void
test_v9read_flowset_lengths(void **state)
{
	static const uint8_t want[] = { IPFIX_HEADER(16) };
	uint8_t in[] = { V9_HEADER(1, 1), V9_DATA };
	struct run x = { 0 };

	(void)state;
	in[23] = 3; /* shorter than its own header */
	check(&x, in, sizeof(in), sizeof(x.out), want, sizeof(want));
	in[23] = 15; /* one byte past the datagram */
	check(&x, in, sizeof(in), sizeof(x.out), want, sizeof(want));
	assert_int_equal(x.st.malformed, 2);
}

static void
test_v9read_trailing_bytes(void **state)
{
	static const uint8_t in[] = { V9_HEADER(1, 1), V9_DATA, 0, 0, 0 };
	static const uint8_t want[] = { IPFIX_HEADER(30), IPFIX_DATA };
	struct run x = { 0 };

	(void)state;
	check(&x, in, sizeof(in), sizeof(x.out), want, sizeof(want));
	assert_int_equal(x.st.malformed, 1);
}

static void
test_v9read_bad_templates(void **state)
{
	static const uint8_t want[] = { IPFIX_HEADER(16) };
	uint8_t tid[] = { V9_HEADER(1, 1), V9_TEMPLATES };
	uint8_t fields[] = { V9_HEADER(1, 1), V9_TEMPLATES };
	struct run x = { 0 };

	(void)state;
	tid[24] = 0;
	tid[25] = 255; /* template ids start at 256 */
	check(&x, tid, sizeof(tid), sizeof(x.out), want, sizeof(want));
	fields[27] = 4; /* four fields, three present */
	check(&x, fields, sizeof(fields), sizeof(x.out), want, sizeof(want));
	assert_int_equal(x.st.malformed, 2);
}

static void
test_v9read_bad_options(void **state)
{
	static const uint8_t want[] = { IPFIX_HEADER(16) };
	uint8_t zero[] = { V9_HEADER(1, 1), V9_OPTIONS };
	uint8_t odd[] = { V9_HEADER(1, 1), V9_OPTIONS };
	uint8_t olen[] = { V9_HEADER(1, 1), V9_OPTIONS };
	struct run x = { 0 };

	(void)state;
	zero[27] = 0; /* no scope */
	check(&x, zero, sizeof(zero), sizeof(x.out), want, sizeof(want));
	odd[27] = 6; /* scope length not a multiple of 4 */
	check(&x, odd, sizeof(odd), sizeof(x.out), want, sizeof(want));
	olen[29] = 8; /* option fields beyond the FlowSet */
	check(&x, olen, sizeof(olen), sizeof(x.out), want, sizeof(want));
	assert_int_equal(x.st.malformed, 3);
}

/* A FlowSet that does not fit in the output is dropped and counted. */
static void
test_v9read_output_full(void **state)
{
	static const uint8_t in[] = { V9_HEADER(2, 1), V9_DATA, V9_DATA };
	static const uint8_t want[] = { IPFIX_HEADER(30), IPFIX_DATA };
	struct run x = { 0 };

	(void)state;
	check(&x, in, sizeof(in), 16 + 14 + 13, want, sizeof(want));
	assert_int_equal(x.st.malformed, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v9read_golden_message),
		cmocka_unit_test(test_v9read_scope_types),
		cmocka_unit_test(test_v9read_sequence_gaps),
		cmocka_unit_test(test_v9read_sequence_wraps),
		cmocka_unit_test(test_v9read_bad_header),
		cmocka_unit_test(test_v9read_reserved_flowset_ends_message),
		cmocka_unit_test(test_v9read_flowset_lengths),
		cmocka_unit_test(test_v9read_trailing_bytes),
		cmocka_unit_test(test_v9read_bad_templates),
		cmocka_unit_test(test_v9read_bad_options),
		cmocka_unit_test(test_v9read_output_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
