/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-test-devices"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <cmocka.h>

#include "common/addr.h"
#include "common/hash.h"
#include "exporter/devices.h"

/*
 * The exporter's device table (exporter/devices.c) between the parsers
 * and the export, which is wrapped at link time: which DHCP, DHCPv6 and
 * mDNS packets make a device record, with which MAC, address, name and
 * source; the resend rule; lease files read again only when they change.
 */

void __wrap_exp_export_device(struct exp_export *e,
    const struct mf_device_rec *r, uint8_t family);

static struct mf_device_rec last;
static char last_name[MF_DEVICE_NAME_MAX + 1];
static unsigned exported;

void
__wrap_exp_export_device(struct exp_export *e, const struct mf_device_rec *r,
    uint8_t family)
{
	(void)e;
	(void)family;
	exported++;
	last = *r;
	memcpy(last_name, r->name.buf, r->name.len);
	last_name[r->name.len] = '\0';
	last.name.buf = (const uint8_t *)last_name;
}

static const uint8_t client[6] = { 0x00, 0x22, 0x72, 0x01, 0x02, 0x03 };
static const uint8_t server[6] = { 0x00, 0x22, 0x72, 0x0a, 0x0b, 0x0c };

static struct exp_devices *
new_devices(gboolean mdns)
{
	struct exp_devices_config cfg = { .max_devices = 16, .mdns = mdns };
	struct exp_devices *d;

	mf_hash_key_fixed(&cfg.seed);
	d = exp_devices_new(&cfg, NULL, NULL);
	assert_non_null(d);
	exported = 0;
	return d;
}

/* A UDP packet from smac:sport to dmac:dport with payload msg. */
static struct exp_pkt
udp(const uint8_t *smac, uint16_t sport, const uint8_t *dmac, uint16_t dport,
    const uint8_t *msg, size_t len, uint64_t ts_ms)
{
	struct exp_pkt p;

	memset(&p, 0, sizeof(p));
	p.proto = 17;
	p.sport = sport;
	p.dport = dport;
	p.ts_ms = ts_ms;
	p.has_mac = 1;
	memcpy(p.src_mac, smac, 6);
	memcpy(p.dst_mac, dmac, 6);
	p.payload = msg;
	p.payload_len = (uint32_t)len;
	return p;
}

/* DHCPv4 message: op, type, yiaddr, and host name (NULL: none). */
static size_t
dhcp4(uint8_t *m, uint8_t op, uint8_t type, const uint8_t yi[4],
    const char *host)
{
	size_t n = 240, hl;

	memset(m, 0, 300);
	m[0] = op;
	m[1] = 1;
	m[2] = 6;
	if (yi != NULL)
		memcpy(m + 16, yi, 4);
	memcpy(m + 28, client, 6);
	m[236] = 0x63;
	m[237] = 0x82;
	m[238] = 0x53;
	m[239] = 0x63;
	m[n++] = 53;
	m[n++] = 1;
	m[n++] = type;
	if (host != NULL) {
		hl = strlen(host);
		m[n++] = 12;
		m[n++] = (uint8_t)hl;
		memcpy(m + n, host, hl);
		n += hl;
	}
	m[n++] = 255;
	return n;
}

static void
test_exp_devices_dhcp4_request_then_ack(void **state)
{
	static const uint8_t yi[4] = { 192, 168, 1, 20 };
	struct exp_devices *d = new_devices(FALSE);
	uint8_t m[300];
	struct exp_pkt p;
	size_t n;

	(void)state;
	n = dhcp4(m, 1, EXP_DHCP4_REQUEST, NULL, "kids-tablet");
	p = udp(client, 68, server, 67, m, n, 1000);
	exp_devices_packet(d, &p);
	assert_int_equal(exported, 0);
	n = dhcp4(m, 2, EXP_DHCP4_ACK, yi, NULL);
	p = udp(server, 67, client, 68, m, n, 1010);
	exp_devices_packet(d, &p);
	assert_int_equal(exported, 1);
	assert_memory_equal(last.mac, client, 6);
	assert_int_equal(last.addr4, 0xc0a80114u);
	assert_string_equal(last_name, "kids-tablet");
	assert_int_equal(last.source, MF_DEVICE_DHCP);
	assert_int_equal(last.time_ms, 1010);
	/* The same ACK again within the hour: not sent again. */
	p.ts_ms = 2000;
	exp_devices_packet(d, &p);
	assert_int_equal(exported, 1);
	assert_int_equal(exp_devices_get_stats(d)->repeats, 1);
	/* After the hour: sent again. */
	p.ts_ms = 1010 + EXP_DEVICES_RESEND_MS;
	exp_devices_packet(d, &p);
	assert_int_equal(exported, 2);
	assert_int_equal(exp_devices_get_stats(d)->dhcp4, 4);
	assert_int_equal(exp_devices_get_stats(d)->dhcp_result[EXP_DHCP_OK], 4);
	exp_devices_free(d);
}

/* mDNS response: tv.local A 192.168.1.30. */
static const uint8_t mdns[] = { 0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 't',
	'v', 5, 'l', 'o', 'c', 'a', 'l', 0, 0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4,
	192, 168, 1, 30 };

static void
test_exp_devices_mdns_only_when_asked(void **state)
{
	static const uint8_t group[6] = { 0x01, 0x00, 0x5e, 0, 0, 0xfb };
	struct exp_devices *d = new_devices(FALSE);
	struct exp_pkt p =
	    udp(client, 5353, group, 5353, mdns, sizeof(mdns), 5000);
	uint8_t q[sizeof(mdns)];

	(void)state;
	exp_devices_packet(d, &p);
	assert_int_equal(exported, 0);
	exp_devices_free(d);
	d = new_devices(TRUE);
	exp_devices_packet(d, &p);
	assert_int_equal(exported, 1);
	assert_string_equal(last_name, "tv");
	assert_int_equal(last.source, MF_DEVICE_MDNS);
	assert_int_equal(last.addr4, 0xc0a8011eu);
	/* A query is neither a host nor malformed. */
	memcpy(q, mdns, sizeof(q));
	q[2] = 0;
	p.payload = q;
	exp_devices_packet(d, &p);
	assert_int_equal(exp_devices_get_stats(d)->mdns, 1);
	assert_int_equal(exp_devices_get_stats(d)->mdns_bad, 0);
	/* Without MACs (a cooked capture) no device can be named. */
	p.payload = mdns;
	p.has_mac = 0;
	exp_devices_packet(d, &p);
	assert_int_equal(exp_devices_get_stats(d)->no_mac, 1);
	assert_int_equal(exported, 1);
	exp_devices_free(d);
}

static void
test_exp_devices_leases_reread_on_change(void **state)
{
	struct exp_devices *d = new_devices(FALSE);
	GError *error = NULL;
	char *path;
	int fd;

	(void)state;
	fd = g_file_open_tmp("leases.XXXXXX", &path, NULL);
	assert_true(fd >= 0);
	close(fd);
	assert_true(g_file_set_contents(path,
	    "2000 00:22:72:01:02:03 192.168.1.20 kids-tablet *\nbad\n", -1,
	    NULL));
	assert_true(exp_devices_leases(d, path, 1000000, &error));
	assert_int_equal(exported, 1);
	assert_string_equal(last_name, "kids-tablet");
	assert_int_equal(last.source, MF_DEVICE_LEASE);
	assert_int_equal(last.lease_s, 1000);
	assert_int_equal(exp_devices_get_stats(d)->lease_bad, 1);
	/* Unchanged: not read again. */
	assert_true(exp_devices_leases(d, path, 1001000, &error));
	assert_int_equal(exp_devices_get_stats(d)->lease_reads, 1);
	/* Renamed in the file: read again, the new name goes out. */
	assert_true(g_file_set_contents(path,
	    "2000 00:22:72:01:02:03 192.168.1.20 tablet *\n", -1, NULL));
	assert_true(exp_devices_leases(d, path, 1002000, &error));
	assert_int_equal(exp_devices_get_stats(d)->lease_reads, 2);
	assert_int_equal(exported, 2);
	assert_string_equal(last_name, "tablet");
	g_unlink(path);
	assert_false(exp_devices_leases(d, path, 1003000, &error));
	assert_non_null(error);
	g_clear_error(&error);
	g_free(path);
	exp_devices_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exp_devices_dhcp4_request_then_ack),
		cmocka_unit_test(test_exp_devices_mdns_only_when_asked),
		cmocka_unit_test(test_exp_devices_leases_reread_on_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
