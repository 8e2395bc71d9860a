/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-test-rbuf"

/* rbuf and its writing twin wbuf: one program for the byte cursors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "common/rbuf.h"
#include "common/wbuf.h"

static const uint8_t data[8] = { 0x81, 0x02, 0x83, 0x04, 0x85, 0x06, 0x87,
	0x08 };

/* rb must still point at the start of data with n bytes left. */
static void
assert_untouched(const struct mf_rbuf *rb, size_t n)
{
	assert_ptr_equal(rb->p, data);
	assert_int_equal(rb->left, n);
}

static void
test_rbuf_init_sets_cursor(void **state)
{
	struct mf_rbuf rb;

	(void)state;
	mf_rbuf_init(&rb, data, sizeof(data));
	assert_untouched(&rb, 8);
}

static void
test_rbuf_get_u8_exact_and_short(void **state)
{
	struct mf_rbuf rb;
	uint8_t v = 0x55;

	(void)state;
	mf_rbuf_init(&rb, data, 1);
	assert_int_equal(mf_rbuf_get_u8(&rb, &v), 0);
	assert_int_equal(v, 0x81);
	assert_ptr_equal(rb.p, data + 1);
	assert_int_equal(rb.left, 0);

	v = 0x55;
	mf_rbuf_init(&rb, data, 0);
	assert_int_equal(mf_rbuf_get_u8(&rb, &v), -EBADMSG);
	assert_untouched(&rb, 0);
	assert_int_equal(v, 0x55);
}

static void
test_rbuf_get_u16_exact_and_short(void **state)
{
	struct mf_rbuf rb;
	uint16_t v = 0x5555;

	(void)state;
	mf_rbuf_init(&rb, data, 2);
	assert_int_equal(mf_rbuf_get_u16(&rb, &v), 0);
	assert_int_equal(v, 0x8102);
	assert_ptr_equal(rb.p, data + 2);
	assert_int_equal(rb.left, 0);

	v = 0x5555;
	mf_rbuf_init(&rb, data, 1);
	assert_int_equal(mf_rbuf_get_u16(&rb, &v), -EBADMSG);
	assert_untouched(&rb, 1);
	assert_int_equal(v, 0x5555);
}

static void
test_rbuf_get_u32_exact_and_short(void **state)
{
	struct mf_rbuf rb;
	uint32_t v = 0x55555555;

	(void)state;
	mf_rbuf_init(&rb, data, 4);
	assert_int_equal(mf_rbuf_get_u32(&rb, &v), 0);
	assert_int_equal(v, 0x81028304u);
	assert_ptr_equal(rb.p, data + 4);
	assert_int_equal(rb.left, 0);

	v = 0x55555555;
	mf_rbuf_init(&rb, data, 3);
	assert_int_equal(mf_rbuf_get_u32(&rb, &v), -EBADMSG);
	assert_untouched(&rb, 3);
	assert_int_equal(v, 0x55555555u);
}

static void
test_rbuf_get_sequence_reads_in_order(void **state)
{
	struct mf_rbuf rb;
	uint8_t a;
	uint16_t b;
	uint32_t c;

	(void)state;
	mf_rbuf_init(&rb, data, sizeof(data));
	assert_int_equal(mf_rbuf_get_u8(&rb, &a), 0);
	assert_int_equal(mf_rbuf_get_u16(&rb, &b), 0);
	assert_int_equal(mf_rbuf_get_u32(&rb, &c), 0);
	assert_int_equal(a, 0x81);
	assert_int_equal(b, 0x0283);
	assert_int_equal(c, 0x04850687u);
	assert_int_equal(rb.left, 1);
	assert_int_equal(mf_rbuf_get_u16(&rb, &b), -EBADMSG);
	assert_int_equal(rb.left, 1);
	assert_int_equal(mf_rbuf_get_u8(&rb, &a), 0);
	assert_int_equal(a, 0x08);
	assert_int_equal(rb.left, 0);
}

static void
test_rbuf_get_bytes_exact_and_short(void **state)
{
	struct mf_rbuf rb;
	uint8_t out[9];

	(void)state;
	memset(out, 0xee, sizeof(out));
	mf_rbuf_init(&rb, data, 8);
	assert_int_equal(mf_rbuf_get_bytes(&rb, out, 8), 0);
	assert_memory_equal(out, data, 8);
	assert_int_equal(out[8], 0xee);
	assert_int_equal(rb.left, 0);
	assert_ptr_equal(rb.p, data + 8);

	memset(out, 0xee, sizeof(out));
	mf_rbuf_init(&rb, data, 7);
	assert_int_equal(mf_rbuf_get_bytes(&rb, out, 8), -EBADMSG);
	assert_untouched(&rb, 7);
	assert_int_equal(out[0], 0xee);
}

static void
test_rbuf_get_bytes_zero_is_noop(void **state)
{
	struct mf_rbuf rb;

	(void)state;
	mf_rbuf_init(&rb, data, 0);
	assert_int_equal(mf_rbuf_get_bytes(&rb, NULL, 0), 0);
	assert_untouched(&rb, 0);
}

static void
test_rbuf_skip_exact_and_short(void **state)
{
	struct mf_rbuf rb;

	(void)state;
	mf_rbuf_init(&rb, data, 8);
	assert_int_equal(mf_rbuf_skip(&rb, 9), -EBADMSG);
	assert_untouched(&rb, 8);
	assert_int_equal(mf_rbuf_skip(&rb, SIZE_MAX), -EBADMSG);
	assert_untouched(&rb, 8);
	assert_int_equal(mf_rbuf_skip(&rb, 0), 0);
	assert_untouched(&rb, 8);
	assert_int_equal(mf_rbuf_skip(&rb, 3), 0);
	assert_ptr_equal(rb.p, data + 3);
	assert_int_equal(rb.left, 5);
	assert_int_equal(mf_rbuf_skip(&rb, 5), 0);
	assert_int_equal(rb.left, 0);
	assert_ptr_equal(rb.p, data + 8);
}

static void
test_rbuf_sub_exact_and_short(void **state)
{
	struct mf_rbuf rb, sub = { NULL, 77 };
	uint32_t v;

	(void)state;
	mf_rbuf_init(&rb, data, 8);
	assert_int_equal(mf_rbuf_sub(&rb, 9, &sub), -EBADMSG);
	assert_untouched(&rb, 8);
	assert_null(sub.p);
	assert_int_equal(sub.left, 77);

	assert_int_equal(mf_rbuf_sub(&rb, 5, &sub), 0);
	assert_ptr_equal(sub.p, data);
	assert_int_equal(sub.left, 5);
	assert_ptr_equal(rb.p, data + 5);
	assert_int_equal(rb.left, 3);

	/* The view reads only its own bytes. */
	assert_int_equal(mf_rbuf_get_u32(&sub, &v), 0);
	assert_int_equal(v, 0x81028304u);
	assert_int_equal(mf_rbuf_get_u32(&sub, &v), -EBADMSG);
	assert_int_equal(sub.left, 1);

	assert_int_equal(mf_rbuf_sub(&rb, 3, &sub), 0);
	assert_int_equal(rb.left, 0);
	assert_int_equal(sub.left, 3);
	assert_ptr_equal(sub.p, data + 5);
}

static void
test_rbuf_peek_u16_offsets(void **state)
{
	struct mf_rbuf rb;
	uint16_t v = 0x5555;

	(void)state;
	mf_rbuf_init(&rb, data, 8);
	assert_int_equal(mf_rbuf_peek_u16(&rb, 0, &v), 0);
	assert_int_equal(v, 0x8102);
	assert_int_equal(mf_rbuf_peek_u16(&rb, 6, &v), 0); /* last two */
	assert_int_equal(v, 0x8708);
	assert_int_equal(mf_rbuf_peek_u16(&rb, 3, &v), 0);
	assert_int_equal(v, 0x0485);
	assert_untouched(&rb, 8);

	v = 0x5555;
	assert_int_equal(mf_rbuf_peek_u16(&rb, 7, &v), -EBADMSG);
	assert_int_equal(mf_rbuf_peek_u16(&rb, 8, &v), -EBADMSG);
	assert_int_equal(mf_rbuf_peek_u16(&rb, 9, &v), -EBADMSG);
	assert_int_equal(mf_rbuf_peek_u16(&rb, SIZE_MAX, &v), -EBADMSG);
	assert_int_equal(mf_rbuf_peek_u16(&rb, SIZE_MAX - 1, &v), -EBADMSG);
	assert_int_equal(v, 0x5555);
	assert_untouched(&rb, 8);

	mf_rbuf_init(&rb, data, 1);
	assert_int_equal(mf_rbuf_peek_u16(&rb, 0, &v), -EBADMSG);
}

static void
test_wbuf_init_is_empty(void **state)
{
	uint8_t buf[4];
	struct mf_wbuf wb;

	(void)state;
	mf_wbuf_init(&wb, buf, sizeof(buf));
	assert_ptr_equal(wb.base, buf);
	assert_int_equal(wb.cap, 4);
	assert_int_equal(wb.len, 0);
	assert_int_equal(mf_wbuf_room(&wb), 4);
}

static void
test_wbuf_put_u8_exact_and_full(void **state)
{
	uint8_t buf[2] = { 0xee, 0xee };
	struct mf_wbuf wb;

	(void)state;
	mf_wbuf_init(&wb, buf, 1);
	assert_int_equal(mf_wbuf_put_u8(&wb, 0xa5), 0);
	assert_int_equal(wb.len, 1);
	assert_int_equal(mf_wbuf_put_u8(&wb, 0x5a), -ENOSPC);
	assert_int_equal(wb.len, 1);
	assert_int_equal(buf[0], 0xa5);
	assert_int_equal(buf[1], 0xee);
}

static void
test_wbuf_put_u16_exact_and_short(void **state)
{
	uint8_t buf[3] = { 0xee, 0xee, 0xee };
	static const uint8_t want[3] = { 0x12, 0x34, 0xee };
	struct mf_wbuf wb;

	(void)state;
	mf_wbuf_init(&wb, buf, 2);
	assert_int_equal(mf_wbuf_put_u16(&wb, 0x1234), 0);
	assert_int_equal(wb.len, 2);
	assert_memory_equal(buf, want, 3);

	mf_wbuf_init(&wb, buf, 1);
	assert_int_equal(mf_wbuf_put_u16(&wb, 0xffff), -ENOSPC);
	assert_int_equal(wb.len, 0);
	assert_memory_equal(buf, want, 3);
}

static void
test_wbuf_put_u32_exact_and_short(void **state)
{
	uint8_t buf[5] = { 0xee, 0xee, 0xee, 0xee, 0xee };
	static const uint8_t want[5] = { 0x89, 0xab, 0xcd, 0xef, 0xee };
	struct mf_wbuf wb;

	(void)state;
	mf_wbuf_init(&wb, buf, 4);
	assert_int_equal(mf_wbuf_put_u32(&wb, 0x89abcdefu), 0);
	assert_int_equal(wb.len, 4);
	assert_memory_equal(buf, want, 5);

	mf_wbuf_init(&wb, buf, 3);
	assert_int_equal(mf_wbuf_put_u32(&wb, 0), -ENOSPC);
	assert_int_equal(wb.len, 0);
	assert_memory_equal(buf, want, 5);
}

static void
test_wbuf_put_bytes_exact_and_short(void **state)
{
	uint8_t buf[9];
	struct mf_wbuf wb;

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	mf_wbuf_init(&wb, buf, 8);
	assert_int_equal(mf_wbuf_put_bytes(&wb, data, 3), 0);
	assert_int_equal(mf_wbuf_put_bytes(&wb, data, 6), -ENOSPC);
	assert_int_equal(wb.len, 3);
	assert_int_equal(buf[3], 0xee);
	assert_int_equal(mf_wbuf_put_bytes(&wb, data + 3, 5), 0);
	assert_int_equal(wb.len, 8);
	assert_memory_equal(buf, data, 8);
	assert_int_equal(buf[8], 0xee);
	assert_int_equal(mf_wbuf_room(&wb), 0);
	assert_int_equal(mf_wbuf_put_bytes(&wb, NULL, 0), 0);
	assert_int_equal(wb.len, 8);
	assert_int_equal(mf_wbuf_put_bytes(&wb, data, 1), -ENOSPC);
	assert_int_equal(wb.len, 8);
}

static void
test_wbuf_patch_overwrites_in_place(void **state)
{
	uint8_t buf[8];
	static const uint8_t want[8] = { 0, 0xbe, 0xef, 0, 0xde, 0xad, 0xbe,
		0xef };
	struct mf_wbuf wb;

	(void)state;
	mf_wbuf_init(&wb, buf, sizeof(buf));
	assert_int_equal(mf_wbuf_put_u32(&wb, 0), 0);
	assert_int_equal(mf_wbuf_put_u32(&wb, 0), 0);
	mf_wbuf_patch_u16(&wb, 1, 0xbeef);
	mf_wbuf_patch_u32(&wb, 4, 0xdeadbeefu); /* ends exactly at len */
	assert_int_equal(wb.len, 8);
	assert_memory_equal(buf, want, 8);
	mf_wbuf_patch_u16(&wb, 6, 0x0102);
	assert_int_equal(buf[6], 0x01);
	assert_int_equal(buf[7], 0x02);
	assert_int_equal(wb.len, 8);
}

static void
test_wbuf_rbuf_round_trip(void **state)
{
	uint8_t buf[15];
	struct mf_wbuf wb;
	struct mf_rbuf rb;
	uint8_t a;
	uint16_t b;
	uint32_t c, d;

	(void)state;
	mf_wbuf_init(&wb, buf, sizeof(buf));
	assert_int_equal(mf_wbuf_put_u8(&wb, 0xfe), 0);
	assert_int_equal(mf_wbuf_put_u16(&wb, 0xfedc), 0);
	assert_int_equal(mf_wbuf_put_u32(&wb, 0xfedcba98u), 0);
	assert_int_equal(mf_wbuf_put_u32(&wb, 0x76543210u), 0);
	assert_int_equal(mf_wbuf_put_u32(&wb, 0xfedcba98u), 0);
	mf_rbuf_init(&rb, buf, wb.len);
	assert_int_equal(mf_rbuf_get_u8(&rb, &a), 0);
	assert_int_equal(mf_rbuf_get_u16(&rb, &b), 0);
	assert_int_equal(mf_rbuf_get_u32(&rb, &c), 0);
	assert_int_equal(mf_rbuf_get_u32(&rb, &d), 0);
	assert_int_equal(a, 0xfe);
	assert_int_equal(b, 0xfedc);
	assert_int_equal(c, 0xfedcba98u);
	assert_int_equal(d, 0x76543210u);
	assert_int_equal(mf_rbuf_get_u32(&rb, &d), 0);
	assert_int_equal(d, 0xfedcba98u);
	assert_int_equal(rb.left, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rbuf_init_sets_cursor),
		cmocka_unit_test(test_rbuf_get_u8_exact_and_short),
		cmocka_unit_test(test_rbuf_get_u16_exact_and_short),
		cmocka_unit_test(test_rbuf_get_u32_exact_and_short),
		cmocka_unit_test(test_rbuf_get_sequence_reads_in_order),
		cmocka_unit_test(test_rbuf_get_bytes_exact_and_short),
		cmocka_unit_test(test_rbuf_get_bytes_zero_is_noop),
		cmocka_unit_test(test_rbuf_skip_exact_and_short),
		cmocka_unit_test(test_rbuf_sub_exact_and_short),
		cmocka_unit_test(test_rbuf_peek_u16_offsets),
		cmocka_unit_test(test_wbuf_init_is_empty),
		cmocka_unit_test(test_wbuf_put_u8_exact_and_full),
		cmocka_unit_test(test_wbuf_put_u16_exact_and_short),
		cmocka_unit_test(test_wbuf_put_u32_exact_and_short),
		cmocka_unit_test(test_wbuf_put_bytes_exact_and_short),
		cmocka_unit_test(test_wbuf_patch_overwrites_in_place),
		cmocka_unit_test(test_wbuf_rbuf_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
