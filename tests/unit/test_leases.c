/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "common/addr.h"
#include "exporter/leases.h"

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static void
test_leases_parse_line_dnsmasq_v4(void **state)
{
	struct exp_lease l;
	char text[MF_ADDR_STRLEN];

	(void)state;
	assert_int_equal(exp_leases_parse_line("1700000000 52:54:00:12:34:56 "
	                                       "192.168.1.20 kids-tablet "
	                                       "01:52:54:00:12:34:56",
	                     &l),
	    EXP_LEASE_OK);
	assert_memory_equal(l.mac, mac, 6);
	assert_string_equal(mf_addr_format(&l.addr, text, sizeof(text)),
	    "192.168.1.20");
	assert_string_equal(l.name, "kids-tablet");
	assert_int_equal(l.expiry_s, 1700000000);
	assert_int_equal(
	    exp_leases_parse_line("0 52:54:00:12:34:56 192.168.1.21 * *", &l),
	    EXP_LEASE_OK);
	assert_string_equal(l.name, "");
	assert_int_equal(l.expiry_s, 0);
}

static void
test_leases_parse_line_dnsmasq_v6(void **state)
{
	struct exp_lease l;
	char text[MF_ADDR_STRLEN];

	(void)state;
	assert_int_equal(exp_leases_parse_line("duid 00:01:00:01:2a:2b:2c:2d:"
	                                       "02:00:00:00:00:01",
	                     &l),
	    EXP_LEASE_SKIP);
	assert_int_equal(exp_leases_parse_line("1700003600 1 2001:db8::1c4f "
	                                       "host1 00:01:00:01:2a:2b:2c:2d:"
	                                       "52:54:00:12:34:56",
	                     &l),
	    EXP_LEASE_OK);
	assert_memory_equal(l.mac, mac, 6);
	assert_string_equal(mf_addr_format(&l.addr, text, sizeof(text)),
	    "2001:db8::1c4f");
	assert_string_equal(l.name, "host1");
	/* A DUID-EN names no MAC. */
	assert_int_equal(exp_leases_parse_line("1700003600 1 2001:db8::2 h "
	                                       "00:02:00:00:ab:11:aa:bb",
	                     &l),
	    EXP_LEASE_NO_MAC);
}

static void
test_leases_parse_line_odhcpd(void **state)
{
	struct exp_lease l;
	char text[MF_ADDR_STRLEN];

	(void)state;
	assert_int_equal(exp_leases_parse_line("# br-lan 000300015254001234"
	                                       "56 7a8b9c0d tv 1700007200 "
	                                       "200 128 2001:db8::20/128",
	                     &l),
	    EXP_LEASE_OK);
	assert_memory_equal(l.mac, mac, 6);
	assert_string_equal(mf_addr_format(&l.addr, text, sizeof(text)),
	    "2001:db8::20");
	assert_string_equal(l.name, "tv");
	assert_int_equal(exp_leases_parse_line("# br-lan 52:54:00:12:34:56 "
	                                       "ipv4 - -1 14 32 "
	                                       "192.168.1.14/32",
	                     &l),
	    EXP_LEASE_OK);
	assert_string_equal(l.name, "");
	assert_int_equal(l.expiry_s, 0);
}

static void
test_leases_parse_line_malformed(void **state)
{
	static const char *const bad[] = {
		"1700000000 52:54:00:12:34 192.168.1.20 x *",
		"soon 52:54:00:12:34:56 192.168.1.20 x *",
		"1700000000 52:54:00:12:34:56 192.168.1.999 x *",
		"1700000000 52:54:00:12:34:56",
		"-5 52:54:00:12:34:56 192.168.1.20 x *",
		"# br-lan 52:54:00:12:34:56 ipv4 x 1 14 32",
		"# br-lan 52:54:00:12:34:56 ipv4 x 1 14 32 2001:db8::1/128",
	};
	struct exp_lease l;
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(bad); i++)
		assert_int_equal(exp_leases_parse_line(bad[i], &l),
		    EXP_LEASE_BAD);
	assert_int_equal(exp_leases_parse_line("", &l), EXP_LEASE_SKIP);
	assert_int_equal(exp_leases_parse_line("#comment", &l), EXP_LEASE_SKIP);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leases_parse_line_dnsmasq_v4),
		cmocka_unit_test(test_leases_parse_line_dnsmasq_v6),
		cmocka_unit_test(test_leases_parse_line_odhcpd),
		cmocka_unit_test(test_leases_parse_line_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
