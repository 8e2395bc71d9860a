/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "collector/model/devices.h"
#include "collector/model/flow.h"
#include "collector/model/oui.h"
#include "common/addr.h"
#include "common/hash.h"
#include "common/model.h"
#include "tests/unit/flowbuild.h"

#define IDLE_MS 60000

static const uint8_t mac_a[6] = { 0x00, 0x22, 0x72, 0x01, 0x02, 0x03 };
static const uint8_t mac_r[6] = { 0x12, 0xa9, 0x86, 0x6c, 0x77, 0xde };
static const uint8_t router[6] = { 0x02, 0, 0, 0, 0, 1 };

static const char oui_txt[] =
    "OUI/MA-L     Organization\n"
    "00-22-72   (hex)\t\tAmerican Micro-Fuel Device Corp.\n"
    "002272     (base 16)\t\tAmerican Micro-Fuel Device Corp.\n"
    "\t\t\t\t2181 Buchanan Loop\n";

static struct col_devices *
new_devices(size_t n, const struct col_oui *oui)
{
	struct col_devices_config cfg = { .max_devices = n,
		.idle_ms = IDLE_MS,
		.oui = oui };
	struct col_devices *d;

	mf_hash_key_fixed(&cfg.seed);
	d = col_devices_new(&cfg, NULL);
	assert_non_null(d);
	return d;
}

/* src -> dst, 10 packets 1000 bytes forward, 5 / 500 back (biflow). */
static struct col_flow
flow_mac(const char *src, const uint8_t *smac, const char *dst,
    const uint8_t *dmac)
{
	struct col_flow f =
	    fb_flow(src, 50000, dst, 443, 6, 10, 1000, 1000, 2000);

	f.rev_packets = 5;
	f.rev_octets = 500;
	if (smac != NULL || dmac != NULL) {
		f.has_mac = 1;
		if (smac != NULL)
			memcpy(f.src_mac, smac, 6);
		if (dmac != NULL)
			memcpy(f.dst_mac, dmac, 6);
	}
	return f;
}

static void
test_devices_new_size_out_of_range_is_refused(void **state)
{
	struct col_devices_config cfg = { .max_devices = COL_DEVICES_MIN - 1 };
	GError *error = NULL;

	(void)state;
	assert_null(col_devices_new(&cfg, &error));
	assert_non_null(error);
	g_error_free(error);
}

static void
test_devices_flow_mac_device_counts_both_ways(void **state)
{
	struct col_devices *d = new_devices(16, NULL);
	struct col_flow f =
	    flow_mac("192.168.1.20", mac_a, "198.51.100.1", router);
	const struct col_device *out[2];

	(void)state;
	g_strlcpy(f.label, "www.example.com", sizeof(f.label));
	col_devices_flow(d, &f, 1000, 2000, TRUE, FALSE, out);
	assert_non_null(out[0]);
	assert_null(out[1]);
	assert_string_equal(out[0]->id, "00:22:72:01:02:03");
	assert_true(out[0]->has_mac);
	assert_false(out[0]->random_mac);
	assert_int_equal(out[0]->bytes_out, 1000);
	assert_int_equal(out[0]->packets_out, 10);
	assert_int_equal(out[0]->bytes_in, 500);
	assert_int_equal(out[0]->packets_in, 5);
	assert_int_equal(out[0]->flows, 1);
	assert_int_equal(out[0]->first_ms, 1000);
	assert_int_equal(out[0]->last_ms, 2000);
	assert_int_equal(out[0]->n_addrs, 1);
	assert_int_equal(out[0]->n_names, 1);
	assert_string_equal(out[0]->names[0].name, "www.example.com");
	assert_int_equal(out[0]->names[0].bytes, 1500);
	col_devices_free(d);
}

static void
test_devices_flow_destination_side_counts_reversed(void **state)
{
	struct col_devices *d = new_devices(16, NULL);
	struct col_flow f =
	    flow_mac("198.51.100.1", router, "192.168.1.20", mac_a);
	const struct col_device *out[2];

	(void)state;
	col_devices_flow(d, &f, 1000, 2000, FALSE, TRUE, out);
	assert_null(out[0]);
	assert_non_null(out[1]);
	assert_int_equal(out[1]->bytes_in, 1000);
	assert_int_equal(out[1]->bytes_out, 500);
	assert_int_equal(out[1]->packets_in, 10);
	assert_int_equal(out[1]->packets_out, 5);
	col_devices_free(d);
}

static void
test_devices_flow_every_address_of_a_mac_is_kept(void **state)
{
	static const char *const addrs[] = { "192.168.1.20", "2001:db8::1",
		"2001:db8::1c4f:aa", "fe80::1", "2001:db8::1" };
	struct col_devices *d = new_devices(16, NULL);
	const struct col_device *out[2];
	char text[MF_ADDR_STRLEN];
	struct col_flow f;
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(addrs); i++) {
		f = flow_mac(addrs[i], mac_a,
		    strchr(addrs[i], ':') ? "2001:db8:ffff::1" : "198.51.100.1",
		    router);
		col_devices_flow(d, &f, 1000, 2000, TRUE, FALSE, out);
	}
	assert_int_equal(out[0]->n_addrs, 4);
	assert_string_equal(mf_addr_format(&out[0]->addrs[2], text,
	                        sizeof(text)),
	    "2001:db8::1c4f:aa");
	assert_int_equal(out[0]->flows, 5);
	assert_ptr_equal(col_devices_find_addr(d, &f.src), out[0]);
	col_devices_free(d);
}

static void
test_devices_flow_address_list_full_replaces_oldest(void **state)
{
	struct col_devices *d = new_devices(16, NULL);
	const struct col_device *out[2];
	struct col_devices_stats st;
	char text[32];
	struct col_flow f;
	unsigned i;

	(void)state;
	for (i = 0; i < COL_DEVICE_ADDRS + 2; i++) {
		g_snprintf(text, sizeof(text), "2001:db8::%x", i + 1);
		f = flow_mac(text, mac_a, "2001:db8:ffff::1", router);
		col_devices_flow(d, &f, 1000, 2000, TRUE, FALSE, out);
	}
	col_devices_get_stats(d, &st);
	assert_int_equal(out[0]->n_addrs, COL_DEVICE_ADDRS);
	assert_int_equal(st.addresses_dropped, 2);
	assert_string_equal(mf_addr_format(&out[0]->addrs[0], text,
	                        sizeof(text)),
	    "2001:db8::11");
	col_devices_free(d);
}

static void
test_devices_flow_without_mac_is_a_device_of_its_own(void **state)
{
	struct col_devices *d = new_devices(16, NULL);
	struct col_flow f = flow_mac("10.0.0.5", NULL, "198.51.100.1", NULL);
	const struct col_device *out[2];

	(void)state;
	col_devices_flow(d, &f, 1000, 2000, TRUE, FALSE, out);
	assert_string_equal(out[0]->id, "10.0.0.5");
	assert_false(out[0]->has_mac);
	assert_int_equal(out[0]->n_addrs, 1);
	col_devices_free(d);
}

static void
test_devices_flow_group_mac_and_multicast_are_no_device(void **state)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct col_devices *d = new_devices(16, NULL);
	struct col_flow f =
	    flow_mac("192.168.1.20", mac_a, "192.168.1.255", bcast);
	const struct col_device *out[2];

	(void)state;
	col_devices_flow(d, &f, 1000, 2000, TRUE, TRUE, out);
	assert_non_null(out[0]);
	assert_null(out[1]);
	f = flow_mac("192.168.1.20", NULL, "224.0.0.251", NULL);
	col_devices_flow(d, &f, 1000, 2000, TRUE, TRUE, out);
	assert_null(out[1]);
	col_devices_free(d);
}

static void
test_devices_flow_mac_learned_later_merges_address_device(void **state)
{
	struct col_devices *d = new_devices(16, NULL);
	struct col_flow f =
	    flow_mac("192.168.1.20", NULL, "198.51.100.1", NULL);
	const struct col_device *out[2];
	struct col_devices_stats st;
	size_t n;
	const struct col_device **list;

	(void)state;
	col_devices_flow(d, &f, 1000, 2000, TRUE, FALSE, out);
	f = flow_mac("192.168.1.20", mac_a, "198.51.100.1", router);
	col_devices_flow(d, &f, 3000, 4000, TRUE, FALSE, out);
	col_devices_get_stats(d, &st);
	assert_int_equal(st.merged, 1);
	assert_int_equal(st.used, 1);
	assert_int_equal(out[0]->bytes_out, 2000);
	assert_int_equal(out[0]->flows, 2);
	assert_int_equal(out[0]->first_ms, 1000);
	/* A flow without MACs now finds the MAC's device. */
	f = flow_mac("192.168.1.20", NULL, "198.51.100.1", NULL);
	col_devices_flow(d, &f, 5000, 6000, TRUE, FALSE, out);
	assert_string_equal(out[0]->id, "00:22:72:01:02:03");
	list = col_devices_active(d, &n);
	assert_int_equal(n, 1);
	g_free(list);
	col_devices_free(d);
}

static void
test_devices_oui_vendor_and_random_mac(void **state)
{
	struct col_oui *oui = col_oui_parse(oui_txt, strlen(oui_txt), NULL);
	struct col_devices *d = new_devices(16, oui);
	struct col_flow f =
	    flow_mac("192.168.1.20", mac_a, "192.168.1.21", mac_r);
	const struct col_device *out[2];

	(void)state;
	col_devices_flow(d, &f, 1000, 2000, TRUE, TRUE, out);
	assert_string_equal(out[0]->vendor, "American Micro-Fuel Device Corp.");
	assert_false(out[0]->random_mac);
	assert_null(out[1]->vendor);
	assert_true(out[1]->random_mac);
	col_devices_free(d);
	col_oui_free(oui);
}

static struct col_device_rec
record(const uint8_t *mac, const char *addr, const char *name, uint8_t source)
{
	struct col_device_rec r;

	memset(&r, 0, sizeof(r));
	r.time_ms = 1500;
	memcpy(r.mac, mac, 6);
	if (addr != NULL)
		fb_addr(&r.addr, addr);
	g_strlcpy(r.name, name, sizeof(r.name));
	r.source = source;
	return r;
}

static void
test_devices_record_name_by_trust(void **state)
{
	struct col_devices *d = new_devices(16, NULL);
	struct col_device_rec r;
	const struct col_device *v;
	struct mf_addr a;

	(void)state;
	r = record(mac_a, "192.168.1.20", "tv-mdns", MF_DEVICE_MDNS);
	col_devices_record(d, &r);
	v = col_devices_find_mac(d, mac_a);
	assert_string_equal(v->name, "tv-mdns");
	r = record(mac_a, "2001:db8::20", "tv", MF_DEVICE_DHCP);
	col_devices_record(d, &r);
	r = record(mac_a, NULL, "tv-lease", MF_DEVICE_LEASE);
	col_devices_record(d, &r);
	assert_string_equal(v->name, "tv");
	assert_int_equal(v->name_source, MF_DEVICE_DHCP);
	assert_int_equal(v->n_addrs, 2);
	fb_addr(&a, "2001:db8::20");
	assert_ptr_equal(col_devices_find_addr(d, &a), v);
	assert_true(v->active);
	col_devices_free(d);
}

static void
test_devices_record_bad_mac_is_counted(void **state)
{
	static const uint8_t zero[6];
	struct col_devices *d = new_devices(16, NULL);
	struct col_device_rec r =
	    record(zero, "192.168.1.20", "x", MF_DEVICE_DHCP);
	struct col_devices_stats st;

	(void)state;
	col_devices_record(d, &r);
	col_devices_get_stats(d, &st);
	assert_int_equal(st.bad_records, 1);
	assert_int_equal(st.records, 0);
	assert_int_equal(st.used, 0);
	col_devices_free(d);
}

static void
test_devices_full_table_evicts_least_recent(void **state)
{
	struct col_devices *d = new_devices(COL_DEVICES_MIN, NULL);
	const struct col_device *out[2];
	struct col_devices_stats st;
	struct col_flow f;
	char text[32];
	unsigned i;

	(void)state;
	for (i = 0; i < COL_DEVICES_MIN + 3; i++) {
		g_snprintf(text, sizeof(text), "10.0.0.%u", i + 1);
		f = flow_mac(text, NULL, "198.51.100.1", NULL);
		col_devices_flow(d, &f, 1000, 2000, TRUE, FALSE, out);
	}
	col_devices_get_stats(d, &st);
	assert_int_equal(st.used, COL_DEVICES_MIN);
	assert_int_equal(st.capacity, COL_DEVICES_MIN);
	assert_int_equal(st.evicted, 3);
	fb_addr(&f.src, "10.0.0.1");
	assert_null(col_devices_find_addr(d, &f.src));
	fb_addr(&f.src, "10.0.0.19");
	assert_non_null(col_devices_find_addr(d, &f.src));
	col_devices_free(d);
}

static void
test_devices_gc_collects_idle_only(void **state)
{
	struct col_devices *d = new_devices(16, NULL);
	const struct col_device *out[2];
	struct col_devices_stats st;
	struct col_flow f = flow_mac("10.0.0.1", NULL, "198.51.100.1", NULL);

	(void)state;
	col_devices_flow(d, &f, 1000, 2000, TRUE, FALSE, out);
	f = flow_mac("10.0.0.2", NULL, "198.51.100.1", NULL);
	col_devices_flow(d, &f, 50000, 50000, TRUE, FALSE, out);
	col_devices_new_interval(d);
	col_devices_gc(d, 2000 + IDLE_MS + 1);
	col_devices_get_stats(d, &st);
	assert_int_equal(st.collected, 1);
	assert_int_equal(st.used, 1);
	assert_null(col_devices_find_addr(d, &(struct mf_addr){ 0 }));
	col_devices_free(d);
}

/*
 * A device collected, then seen again, is a new one (the lookup memo
 * forgets entries leaving the table: their keys stay in their bytes).
 */
static void
test_devices_collected_device_comes_back_new(void **state)
{
	struct col_devices *d = new_devices(16, NULL);
	const struct col_device *out[2];
	struct col_devices_stats st;
	struct col_flow f = flow_mac("10.0.0.1", NULL, "198.51.100.1", NULL);

	(void)state;
	col_devices_flow(d, &f, 1000, 2000, TRUE, FALSE, out);
	col_devices_flow(d, &f, 1000, 2000, TRUE, FALSE, out);
	assert_int_equal(out[0]->flows, 2);
	col_devices_new_interval(d);
	col_devices_gc(d, 2000 + IDLE_MS + 1);
	col_devices_get_stats(d, &st);
	assert_int_equal(st.collected, 1);
	assert_int_equal(st.used, 0);
	col_devices_flow(d, &f, 70000, 71000, TRUE, FALSE, out);
	assert_int_equal(out[0]->flows, 1);
	assert_int_equal(out[0]->first_ms, 70000);
	col_devices_get_stats(d, &st);
	assert_int_equal(st.used, 1);
	col_devices_free(d);
}

/*
 * 200 MACs, each with its address, through a table of 16, three rounds:
 * every flow's device is its MAC's, found again by MAC and by address,
 * and only the last 16 stay.
 */
static void
test_devices_churn_finds_each_mac(void **state)
{
	struct col_devices *d = new_devices(16, NULL);
	const struct col_device *out[2];
	struct col_devices_stats st;
	struct col_flow f;
	uint8_t mac[6] = { 0x00, 0x22, 0x72, 0, 0, 0 };
	char text[32];
	unsigned i;

	(void)state;
	for (i = 0; i < 600; i++) {
		mac[4] = (uint8_t)(i % 200 / 100);
		mac[5] = (uint8_t)(i % 200 % 100);
		g_snprintf(text, sizeof(text), "10.1.%u.%u", mac[4], mac[5]);
		f = flow_mac(text, mac, "198.51.100.1", router);
		col_devices_flow(d, &f, 1000 + i, 2000 + i, TRUE, FALSE, out);
		assert_non_null(out[0]);
		assert_memory_equal(out[0]->mac, mac, 6);
		assert_int_equal(out[0]->flows, 1); /* evicted since */
		assert_ptr_equal(col_devices_find_mac(d, mac), out[0]);
		assert_ptr_equal(col_devices_find_addr(d, &f.src), out[0]);
	}
	col_devices_get_stats(d, &st);
	assert_int_equal(st.used, 16);
	for (i = 0; i < 200; i++) {
		mac[4] = (uint8_t)(i / 100);
		mac[5] = (uint8_t)(i % 100);
		if (i >= 184)
			assert_non_null(col_devices_find_mac(d, mac));
		else
			assert_null(col_devices_find_mac(d, mac));
	}
	col_devices_free(d);
}

static void
test_devices_active_sorted_by_bytes_then_id(void **state)
{
	struct col_devices *d = new_devices(16, NULL);
	const struct col_device *out[2];
	const struct col_device **list;
	struct col_flow f;
	size_t n;

	(void)state;
	f = fb_flow("10.0.0.3", 1, "198.51.100.1", 2, 6, 1, 100, 1000, 2000);
	col_devices_flow(d, &f, 1000, 2000, TRUE, FALSE, out);
	f = fb_flow("10.0.0.2", 1, "198.51.100.1", 2, 6, 1, 100, 1000, 2000);
	col_devices_flow(d, &f, 1000, 2000, TRUE, FALSE, out);
	f = fb_flow("10.0.0.9", 1, "198.51.100.1", 2, 6, 1, 900, 1000, 2000);
	col_devices_flow(d, &f, 1000, 2000, TRUE, FALSE, out);
	list = col_devices_active(d, &n);
	assert_int_equal(n, 3);
	assert_string_equal(list[0]->id, "10.0.0.9");
	assert_string_equal(list[1]->id, "10.0.0.2");
	assert_string_equal(list[2]->id, "10.0.0.3");
	g_free(list);
	col_devices_new_interval(d);
	list = col_devices_active(d, &n);
	assert_int_equal(n, 0);
	g_free(list);
	col_devices_free(d);
}

static void
test_devices_names_full_keeps_the_largest(void **state)
{
	struct col_devices *d = new_devices(16, NULL);
	const struct col_device *out[2];
	struct col_devices_stats st;
	struct col_flow f;
	unsigned i;

	(void)state;
	for (i = 0; i < COL_DEVICE_NAMES + 1; i++) {
		f = fb_flow("10.0.0.3", 1, "198.51.100.1", 2, 6, 1,
		    i == COL_DEVICE_NAMES ? 5000 : 100 + i, 1000, 2000);
		g_snprintf(f.label, sizeof(f.label), "n%u.example", i);
		col_devices_flow(d, &f, 1000, 2000, TRUE, FALSE, out);
	}
	col_devices_get_stats(d, &st);
	assert_int_equal(st.names_dropped, 1);
	assert_int_equal(out[0]->n_names, COL_DEVICE_NAMES);
	/* n0 (100 bytes, the least) made room for n32. */
	assert_string_equal(out[0]->names[0].name, "n32.example");
	assert_int_equal(out[0]->names[0].bytes, 5000);
	col_devices_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_devices_new_size_out_of_range_is_refused),
		cmocka_unit_test(test_devices_flow_mac_device_counts_both_ways),
		cmocka_unit_test(
		    test_devices_flow_destination_side_counts_reversed),
		cmocka_unit_test(
		    test_devices_flow_every_address_of_a_mac_is_kept),
		cmocka_unit_test(
		    test_devices_flow_address_list_full_replaces_oldest),
		cmocka_unit_test(
		    test_devices_flow_without_mac_is_a_device_of_its_own),
		cmocka_unit_test(
		    test_devices_flow_group_mac_and_multicast_are_no_device),
		cmocka_unit_test(
		    test_devices_flow_mac_learned_later_merges_address_device),
		cmocka_unit_test(test_devices_oui_vendor_and_random_mac),
		cmocka_unit_test(test_devices_record_name_by_trust),
		cmocka_unit_test(test_devices_record_bad_mac_is_counted),
		cmocka_unit_test(test_devices_full_table_evicts_least_recent),
		cmocka_unit_test(test_devices_gc_collects_idle_only),
		cmocka_unit_test(test_devices_active_sorted_by_bytes_then_id),
		cmocka_unit_test(test_devices_names_full_keeps_the_largest),
		cmocka_unit_test(test_devices_collected_device_comes_back_new),
		cmocka_unit_test(test_devices_churn_finds_each_mac),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
