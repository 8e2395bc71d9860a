/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-export"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "common/model.h"
#include "exporter/cache.h"
#include "exporter/export.h"
#include "exporter/sink.h"

/*
 * When the exporter sends its templates over UDP (exporter/export.h): at
 * start-up, on the short start-up timer, and after a failed send; and
 * what it counts when the collector's host refuses a message.  The sink
 * is mocked at link time: each send is recorded (templates or data, the
 * records it holds) and answers what the case queued with will_return.
 */

#define T0 1700000000000ull
#define SET_TEMPLATE 2

struct sent {
	gboolean tmpl;
	uint32_t records;
};

static struct sent sent[64];
static size_t n_sent;

int __wrap_exp_sink_send(struct exp_sink *s, const uint8_t *msg, size_t len,
    uint64_t now_ms);
gboolean __wrap_exp_sink_ready(struct exp_sink *s, uint64_t now_ms);
unsigned __wrap_exp_sink_generation(const struct exp_sink *s);

/* An IPFIX message: its first set says templates or data. */
int
__wrap_exp_sink_send(struct exp_sink *s, const uint8_t *msg, size_t len,
    uint64_t now_ms)
{
	int r = mock_type(int);

	(void)s;
	(void)now_ms;
	assert_true(len >= 20);
	assert_true(n_sent < G_N_ELEMENTS(sent));
	sent[n_sent].tmpl = (msg[16] << 8 | msg[17]) == SET_TEMPLATE;
	sent[n_sent].records = 0;
	/* Data: the case says how many records it put in. */
	if (!sent[n_sent].tmpl)
		sent[n_sent].records = (uint32_t)mock_type(int);
	n_sent++;
	return r;
}

gboolean
__wrap_exp_sink_ready(struct exp_sink *s, uint64_t now_ms)
{
	(void)s;
	(void)now_ms;
	return TRUE;
}

unsigned
__wrap_exp_sink_generation(const struct exp_sink *s)
{
	(void)s;
	return 1;
}

static struct exp_export *
udp_export(void)
{
	struct exp_export_config c = {
		.protocol = EXP_PROTO_IPFIX,
		.domain = 1,
		.mtu = 1400,
		.template_refresh_ms = 600000,
		.template_messages = 0,
		.resend_templates = TRUE,
	};
	GError *err = NULL;
	struct exp_export *e;

	n_sent = 0;
	e = exp_export_new(&c, NULL, T0, &err);
	assert_non_null(e);
	exp_export_set_time(e, T0);
	return e;
}

/* One IPv4 flow with one packet from side 0: one uniflow record. */
static void
one_flow(struct exp_export *e, uint64_t now_ms)
{
	struct exp_flow f;

	memset(&f, 0, sizeof(f));
	f.key.family = MF_AF_INET;
	f.key.proto = 17;
	f.key.addr[0][0] = 10, f.key.addr[0][3] = 1;
	f.key.addr[1][0] = 192, f.key.addr[1][3] = 2;
	f.key.port[0] = 40000, f.key.port[1] = 53;
	f.side[0].packets = 1;
	f.side[0].octets = 60;
	f.period_ms = f.last_ms = now_ms - 10;
	exp_export_set_time(e, now_ms);
	exp_export_flow(&f, MF_END_IDLE_TIMEOUT, e);
}

/* A data message of n flows at now_ms, sent with flush; send answers r. */
static void
data_message(struct exp_export *e, uint64_t now_ms, int n, int r)
{
	int i;

	for (i = 0; i < n; i++)
		one_flow(e, now_ms);
	will_return(__wrap_exp_sink_send, r);
	will_return(__wrap_exp_sink_send, n);
	exp_export_flush(e);
}

static void
templates_ok(void)
{
	will_return(__wrap_exp_sink_send, 0);
}

static void
test_export_tick_templates_every_5s_in_the_first_30s(void **state)
{
	struct exp_export *e = udp_export();
	uint64_t t;
	size_t i, n_tmpl = 0;

	(void)state;
	templates_ok();
	data_message(e, T0, 1, 0);
	for (t = T0 + 1000; t <= T0 + 60000; t += 1000) {
		exp_export_set_time(e, t);
		if ((t - T0) % EXP_EXPORT_START_REFRESH_MS == 0 &&
		    t - T0 < EXP_EXPORT_START_MS)
			templates_ok();
		exp_export_tick(e);
	}
	for (i = 0; i < n_sent; i++)
		n_tmpl += sent[i].tmpl ? 1 : 0;
	/* At 0, then 5, 10, 15, 20, 25 s; none after 30 s (refresh 600 s). */
	assert_int_equal(n_tmpl, 6);
	assert_int_equal(exp_export_get_stats(e)->template_sends, 6);
	exp_export_free(e);
}

static void
test_export_flush_after_refusal_templates_first_and_counted(void **state)
{
	struct exp_export *e = udp_export();
	const struct exp_export_stats *st = exp_export_get_stats(e);

	(void)state;
	templates_ok();
	data_message(e, T0 + 100, 3, 0);
	/* The collector went: 4 records handed over, its host refuses them. */
	data_message(e, T0 + 200, 4, 0);
	assert_int_equal(st->records, 7);
	/* The next send reports the refusal and is not made. */
	data_message(e, T0 + 300, 2, -ECONNREFUSED);
	assert_int_equal(st->records, 3);
	assert_int_equal(st->refused, 4);
	assert_int_equal(st->not_sent, 2);
	/* The collector is back: the templates go before the next records. */
	templates_ok();
	data_message(e, T0 + 400, 5, 0);
	assert_int_equal(n_sent, 6);
	assert_true(sent[4].tmpl);
	assert_false(sent[5].tmpl);
	assert_int_equal(sent[5].records, 5);
	assert_int_equal(st->records, 8);
	assert_int_equal(st->refused, 4);
	assert_int_equal(st->template_sends, 2);
	exp_export_free(e);
}

/* Refused right after templates: no records move. */
static void
test_export_refusal_after_templates_moves_no_records(void **state)
{
	struct exp_export *e = udp_export();
	const struct exp_export_stats *st = exp_export_get_stats(e);

	(void)state;
	templates_ok();
	data_message(e, T0 + 100, 2, -ECONNREFUSED);
	assert_int_equal(st->records, 0);
	assert_int_equal(st->refused, 0);
	assert_int_equal(st->not_sent, 2);
	templates_ok();
	data_message(e, T0 + 200, 1, 0);
	assert_true(sent[2].tmpl);
	assert_int_equal(st->records, 1);
	exp_export_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_export_tick_templates_every_5s_in_the_first_30s),
		cmocka_unit_test(
		    test_export_flush_after_refusal_templates_first_and_counted),
		cmocka_unit_test(
		    test_export_refusal_after_templates_moves_no_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
