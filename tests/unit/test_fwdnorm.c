/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-fwdnorm"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "collector/ingest/fixdev.h"
#include "collector/ingest/fixread.h"
#include "collector/output/forward.h"
#include "collector/output/fwdnorm.h"
#include "common/addr.h"
#include "common/model.h"
#include "common/msgenc.h"
#include "tests/unit/flowbuild.h"

/*
 * Normalised forwarding: when messages go out (templates first, full,
 * lingered, flushed, template refresh), what they hold (read back with
 * the collector's own IPFIX reader: every record as it went in) and the
 * counters.  col_forward_send(), col_forward_is_normalised(),
 * col_forward_flows_only() and the wall
 * clock are wrapped at link time (-Wl,--wrap): sent messages are kept
 * here instead of going to a socket.
 */

#define T0 UINT64_C(5000000)              /* monotonic ms */
#define WALL_US INT64_C(1700000000000000) /* export time 1700000000 */
#define DOMAIN 77

static GPtrArray *sent; /* of GBytes */
static gboolean normalised = TRUE;
static uint64_t generation; /* TCP connections made downstream */
static gboolean flows_only; /* compat = super_mediator */

void __wrap_col_forward_send(struct col_forward *f, const uint8_t *msg,
    size_t len);
gboolean __wrap_col_forward_is_normalised(const struct col_forward *f);
gint64 __wrap_g_get_real_time(void);
uint64_t __wrap_col_forward_generation(const struct col_forward *f);
gboolean __wrap_col_forward_flows_only(const struct col_forward *f);

gboolean
__wrap_col_forward_flows_only(const struct col_forward *f)
{
	(void)f;
	return flows_only;
}

uint64_t
__wrap_col_forward_generation(const struct col_forward *f)
{
	(void)f;
	return generation;
}

void
__wrap_col_forward_send(struct col_forward *f, const uint8_t *msg, size_t len)
{
	(void)f;
	assert_true(len <= COL_FWDNORM_MTU);
	g_ptr_array_add(sent, g_bytes_new(msg, len));
}

gboolean
__wrap_col_forward_is_normalised(const struct col_forward *f)
{
	(void)f;
	return normalised;
}

gint64
__wrap_g_get_real_time(void)
{
	return WALL_US;
}

/* Never dereferenced: the wrapped functions ignore it. */
#define FWD ((struct col_forward *)&sent)

struct readback {
	struct col_fixmodel *model;
	struct col_fixread *fix;
	struct col_flow flows[64];
	struct col_dns_rec dns[4];
	struct col_device_rec devs[4];
	size_t n_flows, n_dns, n_devs;
};

static void
on_flow(const struct col_flow *f, void *ctx)
{
	struct readback *rb = ctx;

	assert_true(rb->n_flows < G_N_ELEMENTS(rb->flows));
	rb->flows[rb->n_flows++] = *f;
}

static void
on_dns(const struct col_dns_rec *d, void *ctx)
{
	struct readback *rb = ctx;

	assert_true(rb->n_dns < G_N_ELEMENTS(rb->dns));
	rb->dns[rb->n_dns++] = *d;
}

static void
on_device(const struct col_device_rec *d, void *ctx)
{
	struct readback *rb = ctx;

	assert_true(rb->n_devs < G_N_ELEMENTS(rb->devs));
	rb->devs[rb->n_devs++] = *d;
}

/* Read every message sent so far, in order, as one exporter would. */
static void
read_back(struct readback *rb)
{
	guint i;

	memset(rb, 0, sizeof(*rb));
	rb->model = col_fixmodel_new();
	rb->fix = col_fixread_new(rb->model, 64);
	col_fixread_set_dns_fn(rb->fix, on_dns, rb);
	col_fixread_set_device_fn(rb->fix, on_device);
	for (i = 0; i < sent->len; i++) {
		gsize len;
		const uint8_t *m = g_bytes_get_data(sent->pdata[i], &len);

		assert_int_equal(m[1], 10); /* IPFIX */
		assert_int_equal(m[2] << 8 | m[3], len);
		assert_int_equal(m[4] << 24 | m[5] << 16 | m[6] << 8 | m[7],
		    1700000000);
		assert_int_equal(m[15], DOMAIN);
		assert_int_equal(col_fixread_message(rb->fix, m, len, 0,
		                     on_flow, rb),
		    0);
	}
	assert_int_equal(col_fixread_get_stats(rb->fix)->malformed, 0);
}

static void
readback_clear(struct readback *rb)
{
	col_fixread_free(rb->fix);
	col_fixmodel_free(rb->model);
}

/* Whether message i holds data (a set id >= 256) or only templates. */
static gboolean
has_data(guint i)
{
	gsize len, off = 16;
	const uint8_t *m = g_bytes_get_data(sent->pdata[i], &len);

	while (off + 4 <= len) {
		if ((m[off] << 8 | m[off + 1]) >= 256)
			return TRUE;
		off += (size_t)(m[off + 2] << 8 | m[off + 3]);
	}
	return FALSE;
}

static int
setup(void **state)
{
	sent = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	normalised = TRUE;
	generation = 0;
	flows_only = FALSE;
	*state = col_fwdnorm_new(FWD, DOMAIN, T0);
	assert_non_null(*state);
	return 0;
}

static int
teardown(void **state)
{
	col_fwdnorm_free(*state);
	g_ptr_array_free(sent, TRUE);
	return 0;
}

static struct col_flow
web(uint16_t sport)
{
	struct col_flow f = fb_flow("192.0.2.1", sport, "198.51.100.2", 443, 6,
	    10, 5000, T0 - 2000, T0 - 10);

	f.tcp_flags = 0x1b;
	f.end_reason = MF_END_OF_FLOW;
	return f;
}

static void
test_fwdnorm_not_normalised_is_null(void **state)
{
	(void)state;
	normalised = FALSE;
	assert_null(col_fwdnorm_new(FWD, DOMAIN, T0));
	/* and a NULL one takes everything and does nothing */
	col_fwdnorm_flow(NULL, NULL, T0);
	col_fwdnorm_dns(NULL, NULL, MF_AF_INET, T0);
	col_fwdnorm_tick(NULL, T0);
	col_fwdnorm_flush(NULL);
	assert_int_equal(sent->len, 0);
}

static void
test_fwdnorm_templates_then_linger(void **state)
{
	struct col_fwdnorm *n = *state;
	const struct col_fwdnorm_stats *st = col_fwdnorm_get_stats(n);
	struct col_flow f = web(50000);
	struct readback rb;

	col_fwdnorm_flow(n, &f, T0);
	assert_int_equal(sent->len, 1); /* the templates at once */
	assert_false(has_data(0));
	col_fwdnorm_tick(n, T0 + COL_FWDNORM_LINGER_MS - 1);
	assert_int_equal(sent->len, 1);
	col_fwdnorm_tick(n, T0 + COL_FWDNORM_LINGER_MS);
	assert_int_equal(sent->len, 2);
	assert_true(has_data(1));
	col_fwdnorm_tick(n, T0 + 10 * COL_FWDNORM_LINGER_MS); /* nothing left */
	assert_int_equal(sent->len, 2);
	assert_int_equal(st->records, 1);
	assert_int_equal(st->messages, 2);
	assert_int_equal(st->template_sends, 1);
	read_back(&rb);
	assert_int_equal(rb.n_flows, 1);
	assert_memory_equal(&rb.flows[0], &f, sizeof(f));
	readback_clear(&rb);
}

/*
 * A new TCP connection downstream (the forwarder's generation moves): the
 * templates go first on it, then the message that was being filled, and
 * the stream read from there on decodes every record.
 */
static void
test_fwdnorm_new_connection_gets_templates_first(void **state)
{
	struct col_fwdnorm *n = *state;
	struct col_flow a = web(50010), b = web(50011);
	struct readback rb;

	col_fwdnorm_flow(n, &a, T0);
	assert_int_equal(sent->len, 1); /* templates; a waits */
	generation = 1;                 /* connected */
	col_fwdnorm_tick(n, T0 + 1);
	assert_int_equal(sent->len, 3);
	assert_false(has_data(1)); /* the templates again, first */
	assert_true(has_data(2));  /* then a */
	assert_int_equal(col_fwdnorm_get_stats(n)->template_sends, 2);
	/* What the new connection carried alone decodes. */
	g_ptr_array_remove_index(sent, 0);
	col_fwdnorm_flow(n, &b, T0 + 2);
	col_fwdnorm_flush(n);
	read_back(&rb);
	assert_int_equal(rb.n_flows, 2);
	assert_memory_equal(&rb.flows[0], &a, sizeof(a));
	assert_memory_equal(&rb.flows[1], &b, sizeof(b));
	readback_clear(&rb);
	/* No change: nothing more. */
	col_fwdnorm_tick(n, T0 + 3);
	assert_int_equal(col_fwdnorm_get_stats(n)->template_sends, 2);
}

static void
test_fwdnorm_every_kind_round_trip(void **state)
{
	struct col_fwdnorm *n = *state;
	struct col_flow f[4];
	struct readback rb;
	int i;

	f[0] = web(50001); /* IPv4 uniflow with a label */
	g_strlcpy(f[0].label, "www.example.org", sizeof(f[0].label));
	f[0].label_source = MF_LABEL_DNS;
	f[1] = fb_flow("2001:db8::1", 53, "2001:db8::2", 40000, 17, 1, 120,
	    T0 - 5, T0 - 5); /* IPv6 uniflow */
	f[2] = web(50002);   /* IPv4 biflow */
	f[2].rev_packets = 8;
	f[2].rev_octets = 90000;
	f[2].rev_tcp_flags = 0x1a;
	f[2].rev_initial_flags = 0x12; /* SYN-ACK, then the rest */
	f[2].rev_union_flags = 0x18;
	f[2].rev_delta_ms = 12;
	f[3] = fb_flow("2001:db8::1", 0, "2001:db8::2", 128 << 8, 58, 2, 208,
	    T0 - 1000, T0); /* IPv6 biflow: ICMPv6 echo */
	f[3].rev_packets = 2;
	f[3].rev_octets = 208;
	for (i = 0; i < 4; i++)
		col_fwdnorm_flow(n, &f[i], T0);
	col_fwdnorm_flush(n);
	assert_int_equal(sent->len, 2);
	read_back(&rb);
	assert_int_equal(rb.n_flows, 4);
	for (i = 0; i < 4; i++)
		assert_memory_equal(&rb.flows[i], &f[i], sizeof(f[i]));
	readback_clear(&rb);
	col_fwdnorm_flush(n); /* nothing pending: nothing sent */
	assert_int_equal(sent->len, 2);
	assert_int_equal(col_fwdnorm_get_stats(n)->messages, 2);
}

static void
test_fwdnorm_zero_packets_not_sent(void **state)
{
	struct col_fwdnorm *n = *state;
	struct col_flow f = web(50003);

	f.packets = 0;
	col_fwdnorm_flow(n, &f, T0);
	col_fwdnorm_flush(n);
	assert_int_equal(sent->len, 0); /* not even templates */
	assert_int_equal(col_fwdnorm_get_stats(n)->zero_packet, 1);
	assert_int_equal(col_fwdnorm_get_stats(n)->records, 0);
}

/* A full message goes at once; the record that did not fit opens the next. */
static void
test_fwdnorm_full_message(void **state)
{
	struct col_fwdnorm *n = *state;
	struct mf_msgenc w = { .proto = MF_MSGENC_IPFIX };
	struct readback rb;
	size_t per_msg, total, i;

	/* fixed fields + label (empty: its 1-byte length) */
	per_msg = (COL_FWDNORM_MTU - 16 - 4) /
	    (mf_msgenc_record_len(&w, &mf_tmpl_archive4) + 1);
	total = 2 * per_msg + 3;
	assert_true(total <= G_N_ELEMENTS(rb.flows));
	for (i = 0; i < total; i++) {
		struct col_flow f = web((uint16_t)(1000 + i));

		col_fwdnorm_flow(n, &f, T0);
	}
	/* templates, then two full messages; three records wait */
	assert_int_equal(sent->len, 3);
	col_fwdnorm_flush(n);
	assert_int_equal(sent->len, 4);
	read_back(&rb);
	assert_int_equal(rb.n_flows, total);
	for (i = 0; i < total; i++)
		assert_int_equal(rb.flows[i].sport, 1000 + i);
	readback_clear(&rb);
	assert_int_equal(col_fwdnorm_get_stats(n)->records, total);
	assert_int_equal(col_fwdnorm_get_stats(n)->messages, 4);
}

static void
test_fwdnorm_template_refresh(void **state)
{
	struct col_fwdnorm *n = *state;
	struct col_flow f = web(50004);

	col_fwdnorm_flow(n, &f, T0);
	col_fwdnorm_flush(n);
	assert_int_equal(sent->len, 2);
	col_fwdnorm_tick(n, T0 + COL_FWDNORM_TEMPLATE_MS - 1);
	assert_int_equal(sent->len, 2);
	col_fwdnorm_tick(n, T0 + COL_FWDNORM_TEMPLATE_MS);
	assert_int_equal(sent->len, 3);
	assert_false(has_data(2));
	/* a record long after the last refresh brings the templates first */
	col_fwdnorm_flow(n, &f, T0 + 3 * COL_FWDNORM_TEMPLATE_MS);
	assert_int_equal(sent->len, 4);
	assert_false(has_data(3));
	assert_int_equal(col_fwdnorm_get_stats(n)->template_sends, 3);
}

static void
test_fwdnorm_dns_record(void **state)
{
	static const uint8_t list[5 + 4] = { 3, 0, 8, 0, 4, 192, 0, 2, 80 };
	struct col_fwdnorm *n = *state;
	struct mf_dns_rec r;
	struct readback rb;
	char s[MF_ADDR_STRLEN];

	memset(&r, 0, sizeof(r));
	r.qname.buf = (const uint8_t *)"example.org";
	r.qname.len = 11;
	r.addrs.buf = list;
	r.addrs.len = sizeof(list);
	r.time_ms = UINT64_C(1700000000500);
	r.server4 = 0xc0000235u; /* 192.0.2.53 */
	r.client4 = 0xc0000201u;
	r.ttl = 300;
	r.sport = 53;
	r.dport = 33333;
	r.id = 0x1234;
	r.qtype = 1;
	r.proto = 17;
	r.qr = 1;
	col_fwdnorm_dns(n, &r, MF_AF_INET, T0);
	col_fwdnorm_flush(n);
	assert_int_equal(sent->len, 2);
	assert_int_equal(col_fwdnorm_get_stats(n)->dns_records, 1);
	assert_int_equal(col_fwdnorm_get_stats(n)->records, 0);
	read_back(&rb);
	assert_int_equal(rb.n_flows, 0);
	assert_int_equal(rb.n_dns, 1);
	assert_string_equal(rb.dns[0].qname, "example.org");
	assert_int_equal(rb.dns[0].time_ms, UINT64_C(1700000000500));
	assert_int_equal(rb.dns[0].id, 0x1234);
	assert_int_equal(rb.dns[0].dport, 33333);
	mf_addr_format(&rb.dns[0].server, s, sizeof(s));
	assert_string_equal(s, "192.0.2.53");
	assert_int_equal(rb.dns[0].n_addrs, 1);
	mf_addr_format(&rb.dns[0].addrs[0], s, sizeof(s));
	assert_string_equal(s, "192.0.2.80");
	readback_clear(&rb);
}

/* A device record goes downstream under the exporter's template 276. */
static void
test_fwdnorm_device_record(void **state)
{
	struct col_fwdnorm *n = *state;
	struct col_device_rec d;
	struct mf_device_rec r;
	struct readback rb;

	memset(&d, 0, sizeof(d));
	d.time_ms = UINT64_C(1700000000500);
	memcpy(d.mac, "\x02\x11\x22\x33\x44\x55", 6);
	d.source = MF_DEVICE_DHCPV6;
	d.lease_s = 7200;
	assert_true(mf_addr_parse("2001:db8::7", &d.addr));
	g_strlcpy(d.name, "laptop.home", sizeof(d.name));
	col_fwdnorm_device(n, &r, col_fixdev_to_wire(&d, &r), T0);
	col_fwdnorm_flush(n);
	assert_int_equal(sent->len, 2);
	assert_int_equal(col_fwdnorm_get_stats(n)->device_records, 1);
	assert_int_equal(col_fwdnorm_get_stats(n)->records, 0);
	read_back(&rb);
	assert_int_equal(rb.n_flows + rb.n_dns, 0);
	assert_int_equal(rb.n_devs, 1);
	assert_memory_equal(&rb.devs[0], &d, sizeof(d));
	readback_clear(&rb);
}

/* Template ids in message i's template sets (set id 2), in order. */
static GString *
template_ids(guint i)
{
	gsize len, off = 16, t;
	const uint8_t *m = g_bytes_get_data(sent->pdata[i], &len);
	GString *ids = g_string_new(NULL);

	while (off + 4 <= len) {
		size_t set_len = (size_t)(m[off + 2] << 8 | m[off + 3]);

		assert_true(set_len >= 4 && off + set_len <= len);
		if ((m[off] << 8 | m[off + 1]) == 2) {
			for (t = off + 4; t + 4 <= off + set_len;) {
				uint16_t count =
				    (uint16_t)(m[t + 2] << 8 | m[t + 3]);
				size_t k;

				g_string_append_printf(ids, "%s%u",
				    ids->len ? " " : "", m[t] << 8 | m[t + 1]);
				t += 4;
				for (k = 0; k < count; k++) {
					gboolean ent = (m[t] & 0x80) != 0;

					t += ent ? 8 : 4;
				}
			}
		}
		off += set_len;
	}
	return ids;
}

/*
 * compat = super_mediator: the flow templates only (270-273), DNS and
 * device records counted as left out, never sent; flows go as before.
 */
static void
test_fwdnorm_flows_only(void **state)
{
	struct col_fwdnorm *n;
	const struct col_fwdnorm_stats *st;
	struct col_flow f = web(50001);
	struct mf_dns_rec r;
	struct mf_device_rec dr;
	struct readback rb;
	GString *ids;
	guint i;

	col_fwdnorm_free(*state);
	flows_only = TRUE;
	*state = n = col_fwdnorm_new(FWD, DOMAIN, T0);
	st = col_fwdnorm_get_stats(n);
	memset(&r, 0, sizeof(r));
	r.qname.buf = (const uint8_t *)"example.org";
	r.qname.len = 11;
	r.qr = 1;
	memset(&dr, 0, sizeof(dr));
	col_fwdnorm_dns(n, &r, MF_AF_INET, T0);
	col_fwdnorm_device(n, &dr, MF_AF_INET, T0);
	assert_int_equal(sent->len, 0); /* nothing yet: not even templates */
	col_fwdnorm_flow(n, &f, T0);
	col_fwdnorm_flush(n);
	assert_int_equal(sent->len, 2);
	ids = template_ids(0);
	assert_string_equal(ids->str, "270 271 272 273");
	g_string_free(ids, TRUE);
	for (i = 1; i < sent->len; i++) {
		ids = template_ids(i);
		assert_string_equal(ids->str, "");
		g_string_free(ids, TRUE);
	}
	assert_int_equal(st->records, 1);
	assert_int_equal(st->dns_records + st->device_records, 0);
	assert_int_equal(st->left_out, 2);
	read_back(&rb);
	assert_int_equal(rb.n_flows, 1);
	assert_int_equal(rb.n_dns + rb.n_devs, 0);
	assert_memory_equal(&rb.flows[0], &f, sizeof(f));
	readback_clear(&rb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_fwdnorm_not_normalised_is_null, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_fwdnorm_templates_then_linger, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_fwdnorm_every_kind_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_fwdnorm_new_connection_gets_templates_first, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_fwdnorm_zero_packets_not_sent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fwdnorm_full_message,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_fwdnorm_template_refresh,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_fwdnorm_dns_record, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fwdnorm_device_record,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_fwdnorm_flows_only, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
