/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-v5"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "collector/model/flow.h"
#include "collector/ingest/v5.h"
#include "common/addr.h"
#include "common/rbuf.h"

/* Byte offsets into a datagram, for tests that patch the golden one. */
#define OFF_VERSION 0
#define OFF_COUNT 2
#define OFF_UPTIME 4
#define OFF_SECS 8
#define OFF_NSECS 12
#define OFF_SAMPLING 22
#define OFF_FIRST (COL_V5_HEADER_LEN + 24) /* of the first record */
#define OFF_LAST (COL_V5_HEADER_LEN + 28)

#define GOLDEN_LEN (COL_V5_HEADER_LEN + 2 * COL_V5_RECORD_LEN)
#define EXPORT_MS UINT64_C(1700000000250) /* unix_secs, unix_nsecs */
#define BOOT_MS (EXPORT_MS - 3600000)     /* minus sys_uptime */
#define NOON_MS UINT64_C(1700000000000)   /* export time, patched tests */

static const uint8_t golden[GOLDEN_LEN] = {
	/* header */
	0x00, 0x05,             /* version 5 */
	0x00, 0x02,             /* count 2 */
	0x00, 0x36, 0xee, 0x80, /* sys_uptime 3600000 ms (1 h) */
	0x65, 0x53, 0xf1, 0x00, /* unix_secs 1700000000 */
	0x0e, 0xe6, 0xb2, 0x80, /* unix_nsecs 250000000 (250 ms) */
	0x0a, 0x0b, 0x0c, 0x0d, /* flow_sequence */
	0x01,                   /* engine_type */
	0x02,                   /* engine_id */
	0x00, 0x00,             /* sampling: none */
	/* record 1: TCP 192.168.1.10:51234 -> 93.184.216.34:443 */
	0xc0, 0xa8, 0x01, 0x0a, /* srcaddr */
	0x5d, 0xb8, 0xd8, 0x22, /* dstaddr */
	0xc0, 0xa8, 0x01, 0x01, /* nexthop */
	0x00, 0x02,             /* input 2 */
	0x00, 0x03,             /* output 3 */
	0x00, 0x00, 0x00, 0x0a, /* dPkts 10 */
	0x12, 0x34, 0x56, 0x78, /* dOctets */
	0x00, 0x36, 0xc7, 0x70, /* first 3590000: 10 s before export */
	0x00, 0x36, 0xea, 0x98, /* last 3599000: 1 s before export */
	0xc8, 0x22,             /* srcport 51234 */
	0x01, 0xbb,             /* dstport 443 */
	0x00,                   /* pad1 */
	0x1b,                   /* tcp_flags FIN SYN PSH ACK */
	0x06,                   /* prot TCP */
	0x10,                   /* tos */
	0x12, 0x34,             /* src_as */
	0x3b, 0x1d,             /* dst_as */
	0x18,                   /* src_mask 24 */
	0x18,                   /* dst_mask 24 */
	0x00, 0x00,             /* pad2 */
	/* record 2: ICMP echo request 10.0.0.1 -> 10.0.0.2, counters max */
	0x0a, 0x00, 0x00, 0x01, /* srcaddr */
	0x0a, 0x00, 0x00, 0x02, /* dstaddr */
	0x00, 0x00, 0x00, 0x00, /* nexthop */
	0xff, 0xff,             /* input 65535 */
	0x00, 0x01,             /* output 1 */
	0xff, 0xff, 0xff, 0xff, /* dPkts */
	0xfe, 0xdc, 0xba, 0x98, /* dOctets */
	0x00, 0x00, 0x00, 0x00, /* first 0: at boot */
	0x00, 0x36, 0xee, 0x80, /* last 3600000: at export */
	0x00, 0x00,             /* srcport */
	0x08, 0x00,             /* dstport: type 8 << 8 | code 0 */
	0x00,                   /* pad1 */
	0x00,                   /* tcp_flags */
	0x01,                   /* prot ICMP */
	0x00,                   /* tos */
	0x00, 0x00,             /* src_as */
	0x00, 0x00,             /* dst_as */
	0x08,                   /* src_mask */
	0x08,                   /* dst_mask */
	0x00, 0x00,             /* pad2 */
};

static void
put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Patch the golden copy in buf with new clock values for record 1. */
static void
set_times(uint8_t *buf, uint32_t uptime, uint32_t secs, uint32_t first,
    uint32_t last)
{
	memcpy(buf, golden, GOLDEN_LEN);
	put_u32(buf + OFF_UPTIME, uptime);
	put_u32(buf + OFF_SECS, secs);
	put_u32(buf + OFF_NSECS, 0);
	put_u32(buf + OFF_FIRST, first);
	put_u32(buf + OFF_LAST, last);
}

/* Decode the header and first record of buf (GOLDEN_LEN bytes) into f. */
static void
decode_first(const uint8_t *buf, struct col_flow *f)
{
	struct mf_rbuf rb;
	struct col_v5_header h;

	mf_rbuf_init(&rb, buf, GOLDEN_LEN);
	assert_int_equal(col_v5_read_header(&rb, &h), 0);
	assert_int_equal(col_v5_read_record(&rb, &h, f), 0);
}

/* Expect buf[0..len) to fail the header check without being consumed. */
static void
assert_header_rejected(const uint8_t *buf, size_t len)
{
	struct mf_rbuf rb;
	struct col_v5_header h;

	mf_rbuf_init(&rb, buf, len);
	assert_int_equal(col_v5_read_header(&rb, &h), -EBADMSG);
	assert_ptr_equal(rb.p, buf);
	assert_int_equal(rb.left, len);
}

static void
assert_addr4(const struct mf_addr *a, uint8_t b0, uint8_t b1, uint8_t b2,
    uint8_t b3)
{
	static const uint8_t zero[12];

	assert_int_equal(a->family, MF_AF_INET);
	assert_int_equal(a->b[0], b0);
	assert_int_equal(a->b[1], b1);
	assert_int_equal(a->b[2], b2);
	assert_int_equal(a->b[3], b3);
	assert_memory_equal(a->b + 4, zero, sizeof(zero));
}

/* Everything v5 cannot carry must be zero or empty. */
static void
assert_v5_defaults(const struct col_flow *f)
{
	static const uint8_t zero_mac[6];

	assert_int_equal(f->rev_packets, 0);
	assert_int_equal(f->rev_octets, 0);
	assert_int_equal(f->rev_tcp_flags, 0);
	assert_int_equal(f->vlan, 0);
	assert_int_equal(f->app_port, 0);
	assert_int_equal(f->end_reason, 0);
	assert_int_equal(f->has_mac, 0);
	assert_memory_equal(f->src_mac, zero_mac, sizeof(zero_mac));
	assert_memory_equal(f->dst_mac, zero_mac, sizeof(zero_mac));
	assert_string_equal(f->label, "");
}

static void
test_v5_read_header_golden(void **state)
{
	struct mf_rbuf rb;
	struct col_v5_header h;

	(void)state;
	mf_rbuf_init(&rb, golden, sizeof(golden));
	assert_int_equal(col_v5_read_header(&rb, &h), 0);
	assert_int_equal(h.count, 2);
	assert_int_equal(h.sys_uptime_ms, 3600000);
	assert_int_equal(h.unix_secs, 1700000000);
	assert_int_equal(h.unix_nsecs, 250000000);
	assert_int_equal(h.flow_sequence, 0x0a0b0c0d);
	assert_int_equal(h.engine_type, 1);
	assert_int_equal(h.engine_id, 2);
	assert_int_equal(h.sampling, 0);
	assert_ptr_equal(rb.p, golden + COL_V5_HEADER_LEN);
	assert_int_equal(rb.left, 2 * COL_V5_RECORD_LEN);
}

static void
test_v5_read_record_golden(void **state)
{
	struct mf_rbuf rb;
	struct col_v5_header h;
	struct col_flow f;

	(void)state;
	mf_rbuf_init(&rb, golden, sizeof(golden));
	assert_int_equal(col_v5_read_header(&rb, &h), 0);

	memset(&f, 0xa5, sizeof(f)); /* the decoder must set all of f */
	assert_int_equal(col_v5_read_record(&rb, &h, &f), 0);
	assert_addr4(&f.src, 192, 168, 1, 10);
	assert_addr4(&f.dst, 93, 184, 216, 34);
	assert_int_equal(f.start_ms, BOOT_MS + 3590000);
	assert_int_equal(f.start_ms, UINT64_C(1699999990250));
	assert_int_equal(f.end_ms, UINT64_C(1699999999250));
	assert_int_equal(f.packets, 10);
	assert_int_equal(f.octets, 0x12345678);
	assert_int_equal(f.ingress, 2);
	assert_int_equal(f.egress, 3);
	assert_int_equal(f.sport, 51234);
	assert_int_equal(f.dport, 443);
	assert_int_equal(f.proto, 6);
	assert_int_equal(f.tcp_flags, 0x1b);
	assert_v5_defaults(&f);
	assert_int_equal(rb.left, COL_V5_RECORD_LEN);

	memset(&f, 0x5a, sizeof(f));
	assert_int_equal(col_v5_read_record(&rb, &h, &f), 0);
	assert_addr4(&f.src, 10, 0, 0, 1);
	assert_addr4(&f.dst, 10, 0, 0, 2);
	assert_int_equal(f.start_ms, BOOT_MS);
	assert_int_equal(f.start_ms, UINT64_C(1699996400250));
	assert_int_equal(f.end_ms, EXPORT_MS);
	assert_int_equal(f.packets, UINT32_MAX);
	assert_int_equal(f.octets, 0xfedcba98);
	assert_int_equal(f.ingress, 65535);
	assert_int_equal(f.egress, 1);
	assert_int_equal(f.sport, 0);
	assert_int_equal(f.dport, 0x0800); /* ICMP type 8 code 0, as sent */
	assert_int_equal(f.proto, 1);
	assert_int_equal(f.tcp_flags, 0);
	assert_v5_defaults(&f);
	assert_ptr_equal(rb.p, golden + sizeof(golden));
	assert_int_equal(rb.left, 0);
}

static void
test_v5_read_record_past_end_is_rejected(void **state)
{
	struct mf_rbuf rb;
	struct col_v5_header h;
	struct col_flow f, before;
	size_t n;

	(void)state;
	mf_rbuf_init(&rb, golden, sizeof(golden));
	assert_int_equal(col_v5_read_header(&rb, &h), 0);
	memset(&f, 0xa5, sizeof(f));
	before = f;
	/* every length short of a record: nothing consumed, f untouched */
	for (n = 0; n < COL_V5_RECORD_LEN; n++) {
		struct mf_rbuf r = { golden + COL_V5_HEADER_LEN, n };

		assert_int_equal(col_v5_read_record(&r, &h, &f), -EBADMSG);
		assert_ptr_equal(r.p, golden + COL_V5_HEADER_LEN);
		assert_int_equal(r.left, n);
		assert_memory_equal(&f, &before, sizeof(f));
	}
}

static void
test_v5_read_header_count_zero_is_rejected(void **state)
{
	uint8_t buf[COL_V5_HEADER_LEN];

	(void)state;
	memcpy(buf, golden, sizeof(buf));
	put_u16(buf + OFF_COUNT, 0);
	assert_header_rejected(buf, sizeof(buf));
}

static void
test_v5_read_header_count_30_is_accepted(void **state)
{
	static uint8_t buf[COL_V5_HEADER_LEN + 30 * COL_V5_RECORD_LEN];
	struct mf_rbuf rb;
	struct col_v5_header h;
	struct col_flow f;
	int i;

	(void)state;
	memset(buf, 0, sizeof(buf));
	memcpy(buf, golden, COL_V5_HEADER_LEN);
	put_u16(buf + OFF_COUNT, 30);
	mf_rbuf_init(&rb, buf, sizeof(buf));
	assert_int_equal(col_v5_read_header(&rb, &h), 0);
	assert_int_equal(h.count, 30);
	for (i = 0; i < 30; i++)
		assert_int_equal(col_v5_read_record(&rb, &h, &f), 0);
	assert_int_equal(rb.left, 0);
	assert_int_equal(col_v5_read_record(&rb, &h, &f), -EBADMSG);
}

static void
test_v5_read_header_count_31_is_rejected(void **state)
{
	/* the length matches 31 records: only the count limit refuses it */
	static uint8_t buf[COL_V5_HEADER_LEN + 31 * COL_V5_RECORD_LEN];

	(void)state;
	memset(buf, 0, sizeof(buf));
	memcpy(buf, golden, COL_V5_HEADER_LEN);
	put_u16(buf + OFF_COUNT, 31);
	assert_header_rejected(buf, sizeof(buf));
}

static void
test_v5_read_header_one_byte_short_is_rejected(void **state)
{
	(void)state;
	assert_header_rejected(golden, sizeof(golden) - 1);
}

static void
test_v5_read_header_one_byte_long_is_rejected(void **state)
{
	uint8_t buf[GOLDEN_LEN + 1];

	(void)state;
	memcpy(buf, golden, GOLDEN_LEN);
	buf[GOLDEN_LEN] = 0;
	assert_header_rejected(buf, sizeof(buf));
}

static void
test_v5_read_header_count_mismatch_is_rejected(void **state)
{
	uint8_t buf[GOLDEN_LEN];

	(void)state;
	memcpy(buf, golden, sizeof(buf));
	put_u16(buf + OFF_COUNT, 3); /* says 3, has 2 */
	assert_header_rejected(buf, sizeof(buf));
	put_u16(buf + OFF_COUNT, 1); /* says 1, has 2 */
	assert_header_rejected(buf, sizeof(buf));
}

static void
test_v5_read_header_version_9_is_rejected(void **state)
{
	uint8_t buf[GOLDEN_LEN];

	(void)state;
	memcpy(buf, golden, sizeof(buf));
	put_u16(buf + OFF_VERSION, 9);
	assert_header_rejected(buf, sizeof(buf));
	put_u16(buf + OFF_VERSION, 0x0500); /* little-endian 5 */
	assert_header_rejected(buf, sizeof(buf));
}

static void
test_v5_read_header_truncated_is_rejected(void **state)
{
	size_t n;

	(void)state;
	for (n = 0; n < COL_V5_HEADER_LEN; n++)
		assert_header_rejected(golden, n);
}

static void
test_v5_read_header_sampling_mode_and_interval(void **state)
{
	uint8_t buf[GOLDEN_LEN];
	struct mf_rbuf rb;
	struct col_v5_header h;

	(void)state;
	memcpy(buf, golden, sizeof(buf));
	put_u16(buf + OFF_SAMPLING, 0x4064); /* mode 1, 1 in 100 */
	mf_rbuf_init(&rb, buf, sizeof(buf));
	assert_int_equal(col_v5_read_header(&rb, &h), 0);
	assert_int_equal(h.sampling, 0x4064);
	assert_int_equal(h.sampling >> 14, 1);
	assert_int_equal(h.sampling & 0x3fff, 100);
	assert_int_equal(h.engine_id, 2); /* the byte before is intact */

	put_u16(buf + OFF_SAMPLING, 0xffff); /* mode 3, interval 16383 */
	mf_rbuf_init(&rb, buf, sizeof(buf));
	assert_int_equal(col_v5_read_header(&rb, &h), 0);
	assert_int_equal(h.sampling >> 14, 3);
	assert_int_equal(h.sampling & 0x3fff, 16383);
}

static void
test_v5_read_record_uptime_wrap(void **state)
{
	uint8_t buf[GOLDEN_LEN];
	struct col_flow f;

	(void)state;
	/* the counter wrapped 1 s ago; the flow began 5.096 s ago */
	set_times(buf, 1000, 1700000000, 0xfffff000, 500);
	decode_first(buf, &f);
	assert_int_equal(f.start_ms, NOON_MS - 1000 - 4096);
	assert_int_equal(f.start_ms, UINT64_C(1699999994904));
	assert_int_equal(f.end_ms, NOON_MS - 500);
}

static void
test_v5_read_record_uptime_wrap_boundary(void **state)
{
	uint8_t buf[GOLDEN_LEN];
	struct col_flow f;

	(void)state;
	/* 2^31 ms after sys_uptime: a (bogus) future time, not a wrap */
	set_times(buf, 1000, 1700000000, 1000 + (UINT32_C(1) << 31),
	    1000 + (UINT32_C(1) << 31) + 1);
	decode_first(buf, &f);
	assert_int_equal(f.start_ms, UINT64_C(1702147483648));
	/* one more: from before the wrap */
	assert_int_equal(f.end_ms, UINT64_C(1697852516353));

	/* a few ms after sys_uptime: clock skew inside the exporter */
	set_times(buf, 1000, 1700000000, 1000, 1003);
	decode_first(buf, &f);
	assert_int_equal(f.start_ms, NOON_MS);
	assert_int_equal(f.end_ms, NOON_MS + 3);
}

static void
test_v5_read_record_before_epoch_is_zero(void **state)
{
	uint8_t buf[GOLDEN_LEN];
	struct col_flow f;

	(void)state;
	/* a router without a clock: unix_secs 2 but up for 5 s */
	set_times(buf, 5000, 2, 1000, 4500);
	decode_first(buf, &f);
	assert_int_equal(f.start_ms, 0); /* -2000 ms */
	assert_int_equal(f.end_ms, 1500);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v5_read_header_golden),
		cmocka_unit_test(test_v5_read_record_golden),
		cmocka_unit_test(test_v5_read_record_past_end_is_rejected),
		cmocka_unit_test(test_v5_read_header_count_zero_is_rejected),
		cmocka_unit_test(test_v5_read_header_count_30_is_accepted),
		cmocka_unit_test(test_v5_read_header_count_31_is_rejected),
		cmocka_unit_test(
		    test_v5_read_header_one_byte_short_is_rejected),
		cmocka_unit_test(test_v5_read_header_one_byte_long_is_rejected),
		cmocka_unit_test(
		    test_v5_read_header_count_mismatch_is_rejected),
		cmocka_unit_test(test_v5_read_header_version_9_is_rejected),
		cmocka_unit_test(test_v5_read_header_truncated_is_rejected),
		cmocka_unit_test(
		    test_v5_read_header_sampling_mode_and_interval),
		cmocka_unit_test(test_v5_read_record_uptime_wrap),
		cmocka_unit_test(test_v5_read_record_uptime_wrap_boundary),
		cmocka_unit_test(test_v5_read_record_before_epoch_is_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
