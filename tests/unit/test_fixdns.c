/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-fixdns"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>
#include <fixbuf/public.h>

#include "collector/model/flow.h"
#include "collector/ingest/fixdns.h"
#include "collector/ingest/fixread.h"
#include "common/addr.h"
#include "common/model.h"
#include "common/msgenc.h"
#include "tests/unit/fixmsg.h"

/*
 * The DNS record reader: DNS records as minflow-exporter's own encoder
 * (common/msgenc.c) writes them, read back through the collector's IPFIX
 * session (collector/fixread.c) into struct col_dns_rec, field by field;
 * the basicList of answered addresses, well formed and with elements the
 * reader already refuses; and the archive's way back to the wire.
 */

#define NOW_MS FIXMSG_NOW_MS
#define DOMAIN 42
#define QNAME "www.example.com"
#define CNAME "web.example.net"

struct fixture {
	struct col_fixmodel *model;
	struct col_fixread *fix;
	struct col_dns_rec got[4];
	unsigned n;
	uint8_t msg[1400];
};

static void
on_dns(const struct col_dns_rec *d, void *ctx)
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
	fail_msg("a DNS record was taken for a flow");
}

static int
setup(void **state)
{
	struct fixture *f = g_new0(struct fixture, 1);

	f->model = col_fixmodel_new();
	f->fix = col_fixread_new(f->model, 16);
	col_fixread_set_dns_fn(f->fix, on_dns, f);
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

/* A record with every field set; its addresses in list (len bytes). */
static void
fill(struct mf_dns_rec *r, const uint8_t *list, size_t len)
{
	static const uint8_t server6[16] = { 0x20, 0x01, 0x0d,
		0xb8, [15] = 0x53 };
	static const uint8_t client6[16] = { 0x20, 0x01, 0x0d,
		0xb8, [15] = 0x99 };

	memset(r, 0, sizeof(*r));
	r->qname.buf = (const uint8_t *)QNAME;
	r->qname.len = strlen(QNAME);
	r->cname.buf = (const uint8_t *)CNAME;
	r->cname.len = strlen(CNAME);
	r->addrs.buf = list;
	r->addrs.len = len;
	r->time_ms = UINT64_C(1700000000999);
	memcpy(r->server6, server6, 16);
	memcpy(r->client6, client6, 16);
	r->server4 = 0xc0000235u; /* 192.0.2.53 */
	r->client4 = 0xc0000299u; /* 192.0.2.153 */
	r->ttl = 3600;
	r->sport = 53;
	r->dport = 40053;
	r->id = 0xbeef;
	r->qtype = 28;
	r->proto = 17;
	r->rcode = 3;
	r->qr = 1;
}

/* Encode r under t with the exporter's encoder and read it back. */
static void
send_record(struct fixture *f, const struct mf_template *t,
    const struct mf_dns_rec *r)
{
	fixmsg_send(f->fix, f->msg, sizeof(f->msg), DOMAIN, t, r, on_flow, f);
}

/* fill() with list, send it under t; the one record read back. */
static const struct col_dns_rec *
send_list(struct fixture *f, const struct mf_template *t, const uint8_t *list,
    size_t len)
{
	struct mf_dns_rec r;

	fill(&r, list, len);
	send_record(f, t, &r);
	assert_int_equal(f->n, 1);
	return &f->got[0];
}

static void
assert_common(const struct col_dns_rec *d)
{
	assert_int_equal(d->time_ms, UINT64_C(1700000000999));
	assert_int_equal(d->ttl, 3600);
	assert_int_equal(d->sport, 53);
	assert_int_equal(d->dport, 40053);
	assert_int_equal(d->id, 0xbeef);
	assert_int_equal(d->qtype, 28);
	assert_int_equal(d->proto, 17);
	assert_int_equal(d->rcode, 3);
	assert_int_equal(d->answered, 1);
	assert_string_equal(d->qname, QNAME);
	assert_string_equal(d->cname, CNAME);
}

static void
assert_counted(const struct fixture *f, uint64_t records, uint64_t dropped)
{
	const struct col_fixread_stats *s = col_fixread_get_stats(f->fix);

	assert_int_equal(s->dns_records, records);
	assert_int_equal(s->dns_addrs_dropped, dropped);
	assert_int_equal(s->malformed, 0);
	assert_int_equal(s->records, 0); /* no flows */
}

static void
test_fixdns_dns4_golden(void **state)
{
	/* RFC 6313 4.5.1: semantic allOf, element id, length, values. */
	static const uint8_t list[5 + 2 * 4] = { 3, 0, 8, 0, 4, 192, 0, 2, 10,
		192, 0, 2, 11 };
	struct fixture *f = *state;
	const struct col_dns_rec *d;

	d = send_list(f, &mf_tmpl_dns4, list, sizeof(list));
	assert_common(d);
	fixmsg_assert_addr(&d->server, "192.0.2.53");
	fixmsg_assert_addr(&d->client, "192.0.2.153");
	assert_int_equal(d->n_addrs, 2);
	fixmsg_assert_addr(&d->addrs[0], "192.0.2.10");
	fixmsg_assert_addr(&d->addrs[1], "192.0.2.11");
	assert_counted(f, 1, 0);
}

static void
test_fixdns_dns6_golden(void **state)
{
	static const uint8_t list[5 + 16] = { 3, 0, 27, 0, 16, 0x20, 0x01, 0x0d,
		0xb8, [20] = 0x10 };
	struct fixture *f = *state;
	const struct col_dns_rec *d;

	d = send_list(f, &mf_tmpl_dns6, list, sizeof(list));
	assert_common(d);
	fixmsg_assert_addr(&d->server, "2001:db8::53");
	fixmsg_assert_addr(&d->client, "2001:db8::99");
	assert_int_equal(d->n_addrs, 1);
	fixmsg_assert_addr(&d->addrs[0], "2001:db8::10");
	assert_counted(f, 1, 0);
}

/* An unanswered query: the empty list the exporter always sends. */
static void
test_fixdns_empty_list(void **state)
{
	static const uint8_t list[5] = { 3, 0, 8, 0, 4 };
	struct fixture *f = *state;
	struct mf_dns_rec r;

	fill(&r, list, sizeof(list));
	r.qr = 0;
	r.cname.len = 0;
	send_record(f, &mf_tmpl_dns4, &r);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->got[0].answered, 0);
	assert_string_equal(f->got[0].cname, "");
	assert_int_equal(f->got[0].n_addrs, 0);
	assert_counted(f, 1, 0);
}

/* A list of something else than addresses: nothing kept, all counted. */
static void
test_fixdns_list_of_ports(void **state)
{
	static const uint8_t list[5 + 3 * 2] = { 3, 0, 7, 0, 2, 0, 53, 0, 80, 1,
		187 };
	struct fixture *f = *state;
	const struct col_dns_rec *d;

	d = send_list(f, &mf_tmpl_dns4, list, sizeof(list));
	assert_common(d);
	assert_int_equal(d->n_addrs, 0);
	assert_counted(f, 1, 3);
}

/* An enterprise element in the list, even of address size, is refused. */
static void
test_fixdns_list_of_enterprise_elements(void **state)
{
	/* CERT (6871) element 8 of length 4: not sourceIPv4Address */
	static const uint8_t list[9 + 2 * 4] = { 3, 0x80, 8, 0, 4, 0, 0, 0x1a,
		0xd7, 192, 0, 2, 10, 192, 0, 2, 11 };
	struct fixture *f = *state;
	const struct col_dns_rec *d;

	d = send_list(f, &mf_tmpl_dns4, list, sizeof(list));
	assert_int_equal(d->n_addrs, 0);
	assert_counted(f, 1, 2);
}

/* More addresses than a record holds: the first ones kept, rest counted. */
static void
test_fixdns_too_many_addresses(void **state)
{
	uint8_t list[5 + (COL_DNS_MAX_ADDRS + 3) * 4] = { 3, 0, 8, 0, 4 };
	struct fixture *f = *state;
	const struct col_dns_rec *d;
	unsigned i;

	for (i = 0; i < COL_DNS_MAX_ADDRS + 3; i++) {
		uint8_t *p = list + 5 + 4 * i;

		p[0] = 10;
		p[3] = (uint8_t)(i + 1);
	}
	d = send_list(f, &mf_tmpl_dns4, list, sizeof(list));
	assert_int_equal(d->n_addrs, COL_DNS_MAX_ADDRS);
	fixmsg_assert_addr(&d->addrs[0], "10.0.0.1");
	fixmsg_assert_addr(&d->addrs[COL_DNS_MAX_ADDRS - 1], "10.0.0.16");
	assert_counted(f, 1, 3);
}

/* A name longer than a record holds is cut, not overrun. */
static void
test_fixdns_long_name(void **state)
{
	static const uint8_t list[5] = { 3, 0, 8, 0, 4 };
	char name[COL_DNS_NAME_MAX + 40];
	struct fixture *f = *state;
	struct mf_dns_rec r;

	memset(name, 'a', sizeof(name));
	fill(&r, list, sizeof(list));
	r.qname.buf = (const uint8_t *)name;
	r.qname.len = sizeof(name);
	send_record(f, &mf_tmpl_dns4, &r);
	assert_int_equal(f->n, 1);
	assert_int_equal(strlen(f->got[0].qname), COL_DNS_NAME_MAX);
	assert_int_equal(f->got[0].qname[0], 'a');
}

/*
 * Issue 11: sixteen 1-byte sourceIPv6Address elements.  libfixbuf steps
 * through a list by the element's own length (16), so reading them would
 * run 240 bytes past the list: the list is dropped whole and counted.
 */
static void
test_fixdns_short_elements_are_dropped(void **state)
{
	uint8_t list[5 + 16] = { 3, 0, 27, 0, 1 };
	struct fixture *f = *state;
	const struct col_dns_rec *d;

	memset(list + 5, 0xaa, 16);
	d = send_list(f, &mf_tmpl_dns6, list, sizeof(list));
	assert_common(d);
	assert_int_equal(d->n_addrs, 0);
	assert_counted(f, 1, 16);
	assert_int_equal(col_fixread_get_stats(f->fix)->dns_bad_lists, 1);
}

/* The archive's way back: to_wire, the encoder, the reader: the same. */
static void
test_fixdns_to_wire_round_trip(void **state)
{
	static const char *const fam[2] = { "192.0.2.", "2001:db8::" };
	struct fixture *f = *state;
	uint8_t list[5 + 16 * COL_DNS_MAX_ADDRS];
	struct col_dns_rec d;
	struct mf_dns_rec r;
	unsigned v6, i;

	for (v6 = 0; v6 < 2; v6++) {
		char s[64];

		memset(&d, 0, sizeof(d));
		g_snprintf(s, sizeof(s), "%s1", fam[v6]);
		assert_true(mf_addr_parse(s, &d.client));
		g_snprintf(s, sizeof(s), "%s53", fam[v6]);
		assert_true(mf_addr_parse(s, &d.server));
		d.time_ms = NOW_MS - 5;
		d.id = 7;
		d.qtype = v6 ? 28 : 1;
		d.answered = 1;
		d.ttl = 60;
		d.sport = 53;
		d.dport = 5000;
		d.proto = 6;
		g_strlcpy(d.qname, "example.org", sizeof(d.qname));
		for (i = 0; i < 3; i++) {
			g_snprintf(s, sizeof(s), "%s%u", fam[v6], 100 + i);
			assert_true(mf_addr_parse(s, &d.addrs[i]));
		}
		d.n_addrs = 3;
		assert_int_equal(col_fixdns_to_wire(&d, &r, list, sizeof(list)),
		    5 + 3 * (v6 ? 16 : 4));
		send_record(f, v6 ? &mf_tmpl_dns6 : &mf_tmpl_dns4, &r);
		assert_int_equal(f->n, v6 + 1);
		assert_memory_equal(&f->got[v6], &d, sizeof(d));
	}
	assert_counted(f, 2, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fixdns_dns4_golden, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fixdns_dns6_golden, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fixdns_empty_list, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fixdns_list_of_ports,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_fixdns_list_of_enterprise_elements, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fixdns_too_many_addresses,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_fixdns_long_name, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_fixdns_short_elements_are_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fixdns_to_wire_round_trip,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
