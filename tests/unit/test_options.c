/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-test-options"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "common/error.h"
#include "exporter/message.h"
#include "exporter/options.h"

/*
 * Parse args (NULL-terminated, without argv[0]) into cfg.  GOption moves
 * pointers around in argv without freeing them, so the strings are freed
 * from a copy of the array.
 */
static gboolean
parse(const char *const *args, struct exp_config *cfg, gboolean *version,
    GError **error)
{
	GPtrArray *argv = g_ptr_array_new();
	char **keep;
	gboolean ok;
	guint i;

	g_ptr_array_add(argv, g_strdup("minflow-exporter"));
	for (i = 0; args[i] != NULL; i++)
		g_ptr_array_add(argv, g_strdup(args[i]));
	keep = g_memdup2(argv->pdata, argv->len * sizeof(char *));
	g_ptr_array_add(argv, NULL);
	*version = TRUE; /* must be set either way */
	ok = exp_options_parse((int)(argv->len - 1), (char **)argv->pdata, cfg,
	    version, error);
	for (i = 0; i < argv->len - 1; i++)
		g_free(keep[i]);
	g_free(keep);
	g_ptr_array_free(argv, TRUE);
	return ok;
}

/* args must parse; the caller checks cfg then calls exp_options_clear. */
static void
parse_ok(const char *const *args, struct exp_config *cfg)
{
	GError *error = NULL;
	gboolean version;

	if (!parse(args, cfg, &version, &error)) {
		fail_msg("parse failed: %s", error ? error->message : "?");
		return;
	}
	assert_null(error);
	assert_false(version);
}

/* args must fail with error (domain, code) whose message holds what. */
static void
parse_bad(const char *const *args, GQuark domain, int code, const char *what)
{
	struct exp_config cfg;
	GError *error = NULL;
	gboolean version;

	assert_false(parse(args, &cfg, &version, &error));
	if (error == NULL) {
		fail_msg("no error set");
		return;
	}
	if (!g_error_matches(error, domain, code))
		fail_msg("wrong error %s/%d: %s",
		    g_quark_to_string(error->domain), error->code,
		    error->message);
	if (strstr(error->message, what) == NULL)
		fail_msg("'%s' not in '%s'", what, error->message);
	assert_false(version);
	g_error_free(error);
	exp_options_clear(&cfg);
}

static uint64_t
numeric(const struct exp_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < exp_options_n_numeric; i++)
		if (strcmp(exp_options_numeric[i].name, name) == 0)
			return *(
			    const uint64_t *)(const void *)((const char *)cfg +
			    exp_options_numeric[i].offset);
	fail_msg("no numeric option %s", name);
	return 0;
}

static void
test_options_parse_defaults(void **state)
{
	static const char *const args[] = { "-i", "eth0", "-c", "192.0.2.10",
		NULL };
	struct exp_config cfg;

	(void)state;
	parse_ok(args, &cfg);
	assert_int_equal(cfg.max_flows, 65536);
	assert_int_equal(cfg.idle_timeout, 15);
	assert_int_equal(cfg.active_timeout, 60);
	assert_int_equal(cfg.mtu, 1400);
	assert_int_equal(cfg.template_refresh, 60);
	assert_int_equal(cfg.template_messages, 100);
	assert_int_equal(cfg.snaplen, 4096);
	assert_int_equal(cfg.max_frags, 1024);
	assert_int_equal(cfg.stats_interval, 60);
	assert_int_equal(cfg.buffer_kib, 2048);
	assert_int_equal(cfg.domain, 0);
	assert_int_equal(cfg.transport, EXP_SINK_UDP);
	assert_int_equal(cfg.protocol, EXP_PROTO_IPFIX);
	assert_false(cfg.biflow);
	assert_false(cfg.daemon);
	assert_false(cfg.print_stats);
	assert_false(cfg.verbose);
	assert_int_equal(cfg.n_interfaces, 1);
	assert_string_equal(cfg.interfaces[0], "eth0");
	assert_null(cfg.interfaces[1]);
	assert_string_equal(cfg.collector_host, "192.0.2.10");
	assert_int_equal(cfg.collector_port, 4739);
	assert_null(cfg.read_file);
	assert_null(cfg.write_file);
	assert_null(cfg.filter);
	assert_null(cfg.user);
	assert_null(cfg.pidfile);
	exp_options_clear(&cfg);
}

static void
test_options_parse_defaults_follow_table(void **state)
{
	static const char *const args[] = { "-r", "x.pcap", "-w", "out", NULL };
	struct exp_config cfg;
	size_t i;

	(void)state;
	assert_true(exp_options_n_numeric >= 11); /* the 11 checked above */
	parse_ok(args, &cfg);
	for (i = 0; i < exp_options_n_numeric; i++) {
		const struct exp_numeric_option *o = &exp_options_numeric[i];
		guint64 def = 0;

		assert_true(g_ascii_string_to_unsigned(o->def, 10, o->min,
		    o->max, &def, NULL));
		assert_int_equal(numeric(&cfg, o->name), def);
	}
	assert_string_equal(cfg.read_file, "x.pcap");
	assert_string_equal(cfg.write_file, "out");
	assert_null(cfg.collector_host);
	assert_int_equal(cfg.collector_port, 0);
	assert_int_equal(cfg.n_interfaces, 0);
	assert_null(cfg.interfaces);
	exp_options_clear(&cfg);
}

static void
test_options_parse_collector_default_port_ipfix(void **state)
{
	static const char *const args[] = { "-i", "eth0", "-c", "collector",
		NULL };
	struct exp_config cfg;

	(void)state;
	parse_ok(args, &cfg);
	assert_string_equal(cfg.collector_host, "collector");
	assert_int_equal(cfg.collector_port, 4739);
	exp_options_clear(&cfg);
}

static void
test_options_parse_collector_default_port_v9(void **state)
{
	static const char *const args[] = { "-P", "v9", "-i", "eth0", "-c",
		"collector", NULL };
	static const char *const args6[] = { "-i", "eth0", "--protocol=v9",
		"--collector=2001:db8::1", NULL };
	struct exp_config cfg;

	(void)state;
	parse_ok(args, &cfg);
	assert_int_equal(cfg.protocol, EXP_PROTO_V9);
	assert_string_equal(cfg.collector_host, "collector");
	assert_int_equal(cfg.collector_port, 2055);
	exp_options_clear(&cfg);

	parse_ok(args6, &cfg); /* a bare IPv6 address is all host */
	assert_string_equal(cfg.collector_host, "2001:db8::1");
	assert_int_equal(cfg.collector_port, 2055);
	exp_options_clear(&cfg);
}

static void
test_options_parse_collector_explicit_port(void **state)
{
	static const char *const args[] = { "-i", "eth0", "-c", "h:9995", "-P",
		"v9", NULL };
	static const char *const args_ipfix[] = { "-i", "eth0", "-P", "ipfix",
		"-c", "10.0.0.1:2055", NULL };
	struct exp_config cfg;

	(void)state;
	parse_ok(args, &cfg);
	assert_string_equal(cfg.collector_host, "h");
	assert_int_equal(cfg.collector_port, 9995);
	exp_options_clear(&cfg);

	parse_ok(args_ipfix, &cfg);
	assert_int_equal(cfg.protocol, EXP_PROTO_IPFIX);
	assert_string_equal(cfg.collector_host, "10.0.0.1");
	assert_int_equal(cfg.collector_port, 2055);
	exp_options_clear(&cfg);
}

static void
test_options_parse_collector_bracketed_v6(void **state)
{
	static const char *const args[] = { "-i", "eth0", "-c",
		"[2001:db8::1]:2055", NULL };
	static const char *const args_noport[] = { "-i", "eth0", "-c", "[::1]",
		NULL };
	struct exp_config cfg;

	(void)state;
	parse_ok(args, &cfg);
	assert_string_equal(cfg.collector_host, "2001:db8::1");
	assert_int_equal(cfg.collector_port, 2055);
	exp_options_clear(&cfg);

	parse_ok(args_noport, &cfg);
	assert_string_equal(cfg.collector_host, "::1");
	assert_int_equal(cfg.collector_port, 4739);
	exp_options_clear(&cfg);
}

static void
test_options_parse_collector_bad_port_is_rejected(void **state)
{
	static const char *const args[] = { "-i", "eth0", "-c", "h:0", NULL };
	static const char *const args2[] = { "-i", "eth0", "-c", "[::1", NULL };

	(void)state;
	parse_bad(args, MF_ERROR, MF_ERROR_ARGS, "port");
	parse_bad(args2, MF_ERROR, MF_ERROR_ARGS, "[::1");
}

static void
test_options_parse_no_source_is_rejected(void **state)
{
	static const char *const args[] = { "-c", "h", NULL };

	(void)state;
	parse_bad(args, MF_ERROR, MF_ERROR_ARGS,
	    "give either -i IFACE (live) or -r FILE");
}

/* --compat super_mediator: set, and refused where it cannot hold. */
static void
test_options_parse_compat(void **state)
{
	static const char *const ok[] = { "-r", "f.pcap", "-w", "f.ipfix",
		"--compat", "super_mediator", NULL };
	static const char *const plain[] = { "-r", "f.pcap", "-w", "f.ipfix",
		NULL };
	static const char *const bad[] = { "-r", "f.pcap", "-w", "f.ipfix",
		"--compat", "yaf", NULL };
	static const char *const v9[] = { "-i", "eth0", "-c", "h", "-P", "v9",
		"--compat", "super_mediator", NULL };
	static const char *const dev[] = { "-i", "eth0", "-c", "h", "--devices",
		"--compat", "super_mediator", NULL };
	struct exp_config cfg;

	(void)state;
	parse_ok(ok, &cfg);
	assert_true(cfg.compat_sm);
	exp_options_clear(&cfg);
	parse_ok(plain, &cfg);
	assert_false(cfg.compat_sm);
	exp_options_clear(&cfg);
	parse_bad(bad, MF_ERROR, MF_ERROR_ARGS, "the only value");
	parse_bad(v9, MF_ERROR, MF_ERROR_ARGS, "needs IPFIX");
	parse_bad(dev, MF_ERROR, MF_ERROR_ARGS, "no device records");
}

static void
test_options_parse_both_sources_is_rejected(void **state)
{
	static const char *const args[] = { "-i", "eth0", "-r", "f.pcap", "-c",
		"h", NULL };

	(void)state;
	parse_bad(args, MF_ERROR, MF_ERROR_ARGS,
	    "give either -i IFACE (live) or -r FILE");
}

static void
test_options_parse_conntrack_needs_no_interface(void **state)
{
	static const char *const args[] = { "--conntrack", "--conntrack-acct",
		"--conntrack-buffer", "64", "-w", "o.ipfix", NULL };
	struct exp_config cfg;

	(void)state;
	parse_ok(args, &cfg);
	assert_true(cfg.conntrack);
	assert_true(cfg.conntrack_acct);
	assert_false(cfg.conntrack_reliable);
	assert_int_equal(cfg.n_interfaces, 0);
	assert_int_equal(numeric(&cfg, "conntrack-buffer"), 64);
	exp_options_clear(&cfg);
}

static void
test_options_parse_conntrack_conflicts_are_rejected(void **state)
{
	static const char *const with_r[] = { "--conntrack", "-r", "f.pcap",
		"-w", "o", NULL };
	static const char *const with_f[] = { "--conntrack", "-i", "eth0", "-f",
		"tcp", "-w", "o", NULL };
	static const char *const acct_alone[] = { "-i", "eth0",
		"--conntrack-acct", "-w", "o", NULL };
	static const char *const small_buf[] = { "--conntrack",
		"--conntrack-buffer", "15", "-w", "o", NULL };

	(void)state;
	parse_bad(with_r, MF_ERROR, MF_ERROR_ARGS, "not -r FILE");
	parse_bad(with_f, MF_ERROR, MF_ERROR_ARGS, "port 53");
	parse_bad(acct_alone, MF_ERROR, MF_ERROR_ARGS, "need --conntrack");
	parse_bad(small_buf, MF_ERROR, MF_ERROR_ARGS, "--conntrack-buffer");
}

static void
test_options_parse_no_destination_is_rejected(void **state)
{
	static const char *const args[] = { "-i", "eth0", NULL };

	(void)state;
	parse_bad(args, MF_ERROR, MF_ERROR_ARGS,
	    "give either -c HOST[:PORT] or -w FILE");
}

static void
test_options_parse_both_destinations_is_rejected(void **state)
{
	static const char *const args[] = { "-i", "eth0", "-c", "h", "-w",
		"out.ipfix", NULL };

	(void)state;
	parse_bad(args, MF_ERROR, MF_ERROR_ARGS,
	    "give either -c HOST[:PORT] or -w FILE");
}

static void
test_options_parse_biflow_with_v9_is_rejected(void **state)
{
	static const char *const args[] = { "-i", "eth0", "-c", "h", "-P", "v9",
		"--biflow", NULL };

	(void)state;
	parse_bad(args, MF_ERROR, MF_ERROR_ARGS, "--biflow needs IPFIX");
}

static void
test_options_parse_transport_with_write_is_rejected(void **state)
{
	static const char *const args[] = { "-r", "f.pcap", "-w", "out",
		"--transport", "tcp", NULL };
	static const char *const args_udp[] = { "-r", "f.pcap", "-w", "out",
		"-t", "udp", NULL };

	(void)state;
	parse_bad(args, MF_ERROR, MF_ERROR_ARGS,
	    "--transport applies to -c, not to -w");
	parse_bad(args_udp, MF_ERROR, MF_ERROR_ARGS,
	    "--transport applies to -c, not to -w");
}

static void
test_options_parse_max_flows_out_of_range_is_rejected(void **state)
{
	static const char *const low[] = { "-i", "e", "-c", "h", "--max-flows",
		"15", NULL };
	static const char *const high[] = { "-i", "e", "-c", "h", "--max-flows",
		"16777217", NULL };
	static const char *const abc[] = { "-i", "e", "-c", "h",
		"--max-flows=abc", NULL };
	static const char *const neg[] = { "-i", "e", "-c", "h",
		"--max-flows=-1", NULL };
	static const char *const empty[] = { "-i", "e", "-c", "h",
		"--max-flows=", NULL };

	(void)state;
	parse_bad(low, MF_ERROR, MF_ERROR_ARGS,
	    "--max-flows: bad value '15' (16..16777216)");
	parse_bad(high, MF_ERROR, MF_ERROR_ARGS,
	    "--max-flows: bad value '16777217' (16..16777216)");
	parse_bad(abc, MF_ERROR, MF_ERROR_ARGS, "--max-flows: bad value 'abc'");
	parse_bad(neg, MF_ERROR, MF_ERROR_ARGS, "--max-flows: bad value '-1'");
	parse_bad(empty, MF_ERROR, MF_ERROR_ARGS, "--max-flows: bad value ''");
}

static void
test_options_parse_numeric_bounds_accepted(void **state)
{
	static const char *const lows[] = { "-i", "e", "-c", "h", "--max-flows",
		"16", "--mtu", "1024", "-s", "96", "-B", "64", "--max-frags",
		"16", "--idle-timeout", "1", "--active-timeout", "1",
		"--template-refresh", "0", "--template-messages", "0",
		"--stats-interval", "1", "--observation-domain", "0", NULL };
	static const char *const highs[] = { "-i", "e", "-c", "h",
		"--max-flows=16777216", "--mtu=65000", "--snaplen=262144",
		"--buffer-size=1048576", "--max-frags=1048576",
		"--idle-timeout=86400", "--active-timeout=86400",
		"--template-refresh=86400", "--template-messages=1000000",
		"--stats-interval=86400", "--observation-domain=4294967295",
		NULL };
	struct exp_config cfg;

	(void)state;
	parse_ok(lows, &cfg);
	assert_int_equal(cfg.max_flows, 16);
	/* The smallest message every IPFIX template fits in. */
	assert_int_equal(cfg.mtu, 1024);
	assert_int_equal(cfg.mtu, EXP_MESSAGE_MIN_MTU);
	assert_int_equal(cfg.snaplen, 96);
	assert_int_equal(cfg.buffer_kib, 64);
	assert_int_equal(cfg.max_frags, 16);
	assert_int_equal(cfg.idle_timeout, 1);
	assert_int_equal(cfg.active_timeout, 1);
	assert_int_equal(cfg.template_refresh, 0);
	assert_int_equal(cfg.template_messages, 0);
	assert_int_equal(cfg.stats_interval, 1);
	assert_int_equal(cfg.domain, 0);
	exp_options_clear(&cfg);

	parse_ok(highs, &cfg);
	assert_int_equal(cfg.max_flows, 16777216);
	assert_int_equal(cfg.mtu, 65000);
	assert_int_equal(cfg.snaplen, 262144);
	assert_int_equal(cfg.buffer_kib, 1048576);
	assert_int_equal(cfg.max_frags, 1048576);
	assert_int_equal(cfg.idle_timeout, 86400);
	assert_int_equal(cfg.active_timeout, 86400);
	assert_int_equal(cfg.template_refresh, 86400);
	assert_int_equal(cfg.template_messages, 1000000);
	assert_int_equal(cfg.stats_interval, 86400);
	assert_int_equal(cfg.domain, UINT32_MAX);
	exp_options_clear(&cfg);
}

static void
test_options_parse_numeric_just_outside_is_rejected(void **state)
{
	static const char *const mtu_low[] = { "-i", "e", "-c", "h", "--mtu",
		"1023", NULL };
	static const char *const mtu_high[] = { "-i", "e", "-c", "h", "--mtu",
		"65001", NULL };
	static const char *const dom[] = { "-i", "e", "-c", "h",
		"--observation-domain=4294967296", NULL };
	static const char *const idle[] = { "-i", "e", "-c", "h",
		"--idle-timeout=0", NULL };
	static const char *const plus[] = { "-i", "e", "-c", "h",
		"--idle-timeout=+5", NULL };

	(void)state;
	parse_bad(mtu_low, MF_ERROR, MF_ERROR_ARGS,
	    "--mtu: bad value '1023' (1024..65000)");
	parse_bad(mtu_high, MF_ERROR, MF_ERROR_ARGS,
	    "--mtu: bad value '65001'");
	parse_bad(dom, MF_ERROR, MF_ERROR_ARGS,
	    "--observation-domain: bad value '4294967296' (0..4294967295)");
	parse_bad(idle, MF_ERROR, MF_ERROR_ARGS,
	    "--idle-timeout: bad value '0' (1..86400)");
	parse_bad(plus, MF_ERROR, MF_ERROR_ARGS, "--idle-timeout: bad value");
}

static void
test_options_parse_bad_transport_is_rejected(void **state)
{
	static const char *const args[] = { "-i", "e", "-c", "h", "-t", "sctp",
		NULL };

	(void)state;
	parse_bad(args, MF_ERROR, MF_ERROR_ARGS,
	    "--transport: 'sctp' is neither udp nor tcp");
}

static void
test_options_parse_bad_protocol_is_rejected(void **state)
{
	static const char *const args[] = { "-i", "e", "-c", "h", "-P", "v5",
		NULL };

	(void)state;
	parse_bad(args, MF_ERROR, MF_ERROR_ARGS,
	    "--protocol: 'v5' is neither ipfix nor v9");
}

static void
test_options_parse_stray_argument_is_rejected(void **state)
{
	static const char *const args[] = { "-i", "e", "extra", "-c", "h",
		NULL };

	(void)state;
	parse_bad(args, MF_ERROR, MF_ERROR_ARGS, "unexpected argument 'extra'");
}

static void
test_options_parse_unknown_option_is_rejected(void **state)
{
	static const char *const args[] = { "-i", "e", "-c", "h", "--bogus",
		NULL };
	static const char *const noarg[] = { "-i", "e", "-c", NULL };

	(void)state;
	parse_bad(args, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
	    "--bogus");
	parse_bad(noarg, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "-c");
}

static void
test_options_parse_version_skips_checks(void **state)
{
	static const char *const args[] = { "-V", NULL };
	static const char *const args_long[] = { "--version", "-P", "v5",
		NULL };
	struct exp_config cfg;
	GError *error = NULL;
	gboolean version = FALSE;

	(void)state;
	assert_true(parse(args, &cfg, &version, &error));
	assert_null(error);
	assert_true(version);
	exp_options_clear(&cfg);

	version = FALSE;
	assert_true(parse(args_long, &cfg, &version, &error));
	assert_null(error);
	assert_true(version);
	exp_options_clear(&cfg);
}

static void
test_options_parse_repeated_interface(void **state)
{
	static const char *const args[] = { "-i", "eth0", "-c", "h", "-i",
		"eth1", NULL };
	struct exp_config cfg;

	(void)state;
	parse_ok(args, &cfg);
	assert_int_equal(cfg.n_interfaces, 2);
	assert_string_equal(cfg.interfaces[0], "eth0");
	assert_string_equal(cfg.interfaces[1], "eth1");
	assert_null(cfg.interfaces[2]);
	exp_options_clear(&cfg);
}

static void
test_options_parse_flags_and_strings(void **state)
{
	static const char *const args[] = { "--interface=wan", "-f",
		"tcp port 80", "-c", "h", "--transport", "tcp", "--biflow",
		"-D", "--stats", "-v", "-u", "nobody", "-p", "/run/mf.pid",
		"-s", "1500", "-B", "4096", NULL };
	struct exp_config cfg;

	(void)state;
	parse_ok(args, &cfg);
	assert_int_equal(cfg.n_interfaces, 1);
	assert_string_equal(cfg.interfaces[0], "wan");
	assert_string_equal(cfg.filter, "tcp port 80");
	assert_int_equal(cfg.transport, EXP_SINK_TCP);
	assert_int_equal(cfg.protocol, EXP_PROTO_IPFIX);
	assert_true(cfg.biflow);
	assert_true(cfg.daemon);
	assert_true(cfg.print_stats);
	assert_true(cfg.verbose);
	assert_string_equal(cfg.user, "nobody");
	assert_string_equal(cfg.pidfile, "/run/mf.pid");
	assert_int_equal(cfg.snaplen, 1500);
	assert_int_equal(cfg.buffer_kib, 4096);
	exp_options_clear(&cfg);
	/* Cleared: a second clear is harmless. */
	assert_null(cfg.interfaces);
	assert_null(cfg.collector_host);
	assert_int_equal(cfg.n_interfaces, 0);
	exp_options_clear(&cfg);
}

static void
test_options_parse_clears_cfg_first(void **state)
{
	static const char *const args[] = { "-r", "-", "-w", "-", NULL };
	struct exp_config cfg;

	(void)state;
	memset(&cfg, 0xff, sizeof(cfg)); /* garbage in */
	parse_ok(args, &cfg);
	assert_string_equal(cfg.read_file, "-");
	assert_string_equal(cfg.write_file, "-");
	assert_null(cfg.filter);
	assert_null(cfg.collector_host);
	assert_false(cfg.biflow);
	exp_options_clear(&cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options_parse_defaults),
		cmocka_unit_test(test_options_parse_defaults_follow_table),
		cmocka_unit_test(
		    test_options_parse_collector_default_port_ipfix),
		cmocka_unit_test(test_options_parse_collector_default_port_v9),
		cmocka_unit_test(test_options_parse_collector_explicit_port),
		cmocka_unit_test(test_options_parse_collector_bracketed_v6),
		cmocka_unit_test(
		    test_options_parse_collector_bad_port_is_rejected),
		cmocka_unit_test(test_options_parse_no_source_is_rejected),
		cmocka_unit_test(test_options_parse_both_sources_is_rejected),
		cmocka_unit_test(test_options_parse_compat),
		cmocka_unit_test(
		    test_options_parse_conntrack_needs_no_interface),
		cmocka_unit_test(
		    test_options_parse_conntrack_conflicts_are_rejected),
		cmocka_unit_test(test_options_parse_no_destination_is_rejected),
		cmocka_unit_test(
		    test_options_parse_both_destinations_is_rejected),
		cmocka_unit_test(test_options_parse_biflow_with_v9_is_rejected),
		cmocka_unit_test(
		    test_options_parse_transport_with_write_is_rejected),
		cmocka_unit_test(
		    test_options_parse_max_flows_out_of_range_is_rejected),
		cmocka_unit_test(test_options_parse_numeric_bounds_accepted),
		cmocka_unit_test(
		    test_options_parse_numeric_just_outside_is_rejected),
		cmocka_unit_test(test_options_parse_bad_transport_is_rejected),
		cmocka_unit_test(test_options_parse_bad_protocol_is_rejected),
		cmocka_unit_test(test_options_parse_stray_argument_is_rejected),
		cmocka_unit_test(test_options_parse_unknown_option_is_rejected),
		cmocka_unit_test(test_options_parse_version_skips_checks),
		cmocka_unit_test(test_options_parse_repeated_interface),
		cmocka_unit_test(test_options_parse_flags_and_strings),
		cmocka_unit_test(test_options_parse_clears_cfg_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
