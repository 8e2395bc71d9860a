/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-fixdev"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "collector/ingest/fixdev.h"
#include "collector/ingest/fixread.h"
#include "common/addr.h"
#include "common/model.h"
#include "common/msgenc.h"
#include "tests/unit/fixmsg.h"

/*
 * The device record reader: device records as minflow-exporter's own
 * encoder (common/msgenc.c) writes them (templates device4/device6),
 * read back through the collector's IPFIX session (fixread.c) into
 * struct col_device_rec, field by field; a name longer than the
 * collector keeps; a name source out of range.
 */

#define DOMAIN 7

static const uint8_t mac[6] = { 0x00, 0x22, 0x72, 0x0a, 0x0b, 0x0c };

struct fixture {
	struct col_fixmodel *model;
	struct col_fixread *fix;
	struct col_device_rec got[4];
	unsigned n;
	uint8_t msg[1400];
};

static void
on_device(const struct col_device_rec *d, void *ctx)
{
	struct fixture *f = ctx;

	assert_true(f->n < G_N_ELEMENTS(f->got));
	f->got[f->n++] = *d;
}

static void
on_flow(const struct col_flow *fl, void *ctx)
{
	(void)fl;
	(void)ctx;
	fail_msg("a device record was taken for a flow");
}

static int
setup(void **state)
{
	struct fixture *f = g_new0(struct fixture, 1);

	f->model = col_fixmodel_new();
	f->fix = col_fixread_new(f->model, 16);
	col_fixread_set_dns_fn(f->fix, NULL, f);
	col_fixread_set_device_fn(f->fix, on_device);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	col_fixread_free(f->fix);
	col_fixmodel_free(f->model);
	g_free(f);
	return 0;
}

static void
send_record(struct fixture *f, const struct mf_template *t,
    const struct mf_device_rec *r)
{
	fixmsg_send(f->fix, f->msg, sizeof(f->msg), DOMAIN, t, r, on_flow, f);
	assert_int_equal(col_fixread_get_stats(f->fix)->device_records, f->n);
}

static void
fill(struct mf_device_rec *r, const char *name, uint8_t source)
{
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d,
		0xb8, [14] = 0x1c, [15] = 0x4f };

	memset(r, 0, sizeof(*r));
	memcpy(r->mac, mac, 6);
	r->time_ms = UINT64_C(1700000000500);
	r->addr4 = 0xc0a80114u; /* 192.168.1.20 */
	memcpy(r->addr6, a6, 16);
	r->lease_s = 3600;
	r->source = source;
	r->name.buf = (const uint8_t *)name;
	r->name.len = strlen(name);
}

static void
test_fixdev_device4_and_device6_golden(void **state)
{
	struct fixture *f = *state;
	struct mf_device_rec r;

	fill(&r, "kids-tablet", MF_DEVICE_DHCP);
	send_record(f, &mf_tmpl_device4, &r);
	fill(&r, "tv.home", MF_DEVICE_DHCPV6);
	send_record(f, &mf_tmpl_device6, &r);
	assert_int_equal(f->n, 2);
	assert_memory_equal(f->got[0].mac, mac, 6);
	assert_int_equal(f->got[0].time_ms, UINT64_C(1700000000500));
	assert_int_equal(f->got[0].lease_s, 3600);
	assert_int_equal(f->got[0].source, MF_DEVICE_DHCP);
	assert_string_equal(f->got[0].name, "kids-tablet");
	fixmsg_assert_addr(&f->got[0].addr, "192.168.1.20");
	assert_int_equal(f->got[1].source, MF_DEVICE_DHCPV6);
	assert_string_equal(f->got[1].name, "tv.home");
	fixmsg_assert_addr(&f->got[1].addr, "2001:db8::1c4f");
}

static void
test_fixdev_long_name_cut_and_bad_source(void **state)
{
	struct fixture *f = *state;
	char name[400];
	struct mf_device_rec r;

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	fill(&r, name, 99);
	r.addr4 = 0;
	send_record(f, &mf_tmpl_device4, &r);
	assert_int_equal(f->n, 1);
	assert_int_equal(strlen(f->got[0].name), COL_DEVICE_NAME_MAX - 1);
	assert_int_equal(f->got[0].source, MF_DEVICE_NONE);
	assert_int_equal(f->got[0].addr.family, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_fixdev_device4_and_device6_golden, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_fixdev_long_name_cut_and_bad_source, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
