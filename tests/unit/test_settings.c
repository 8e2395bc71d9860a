/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-settings"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <cmocka.h>

#include "collector/settings.h"
#include "common/error.h"

/*
 * The collector's configuration beyond the table (collector/settings.h):
 * errors found after loading carry the file and line, [listen] takes
 * numeric addresses only, the report directory may not be empty, and a
 * reload sees a changed listener.
 */

struct fx {
	char *dir, *path;
};

static int
setup(void **state)
{
	struct fx *fx = g_new0(struct fx, 1);

	fx->dir = g_dir_make_tmp("test_settings.XXXXXX", NULL);
	assert_non_null(fx->dir);
	fx->path = g_build_filename(fx->dir, "minflow.conf", NULL);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	(void)g_unlink(fx->path);
	(void)g_rmdir(fx->dir);
	g_free(fx->path);
	g_free(fx->dir);
	g_free(fx);
	return 0;
}

/* Loading text must fail with "PATH" suffix. */
static void
load_fails(const struct fx *fx, const char *text, const char *suffix)
{
	struct col_config cfg;
	GError *err = NULL;
	char *want = g_strconcat(fx->path, suffix, NULL);

	assert_true(g_file_set_contents(fx->path, text, -1, NULL));
	assert_false(col_config_load(fx->path, &cfg, &err));
	assert_non_null(err);
	assert_string_equal(err->message, want);
	g_error_free(err);
	g_free(want);
}

static void
load_ok(const struct fx *fx, const char *text, struct col_config *cfg)
{
	GError *err = NULL;

	assert_true(g_file_set_contents(fx->path, text, -1, NULL));
	if (!col_config_load(fx->path, cfg, &err))
		fail_msg("%s", err->message);
}

static void
test_settings_load_listen_host_name_is_refused_with_line(void **state)
{
	struct fx *fx = *state;

	load_fails(fx,
	    "[listen]\nipfix-tcp =\n"
	    "ipfix-udp = 127.0.0.1:4739; collector.example:4739\n",
	    ":3: [listen] ipfix-udp: 'collector.example' is not a numeric "
	    "address (host names are not accepted)");
}

static void
test_settings_load_derived_errors_carry_the_line(void **state)
{
	struct fx *fx = *state;

	load_fails(fx, "[networks]\n# x\nallow-exporters = 10.0.0.0/8; nope\n",
	    ":3: [networks] allow-exporters: 'nope' is not a prefix");
	load_fails(fx, "[listen]\n\nnetflow-v5 = [::]:0\n",
	    ":3: [listen] netflow-v5: bad endpoint '[::]:0': bad port '0' "
	    "(1..65535)");
	load_fails(fx, "[networks]\nweb-ports = 80; 99999\n",
	    ":2: [networks] web-ports: web port '99999': not a port 1..65535");
	load_fails(fx, "[forward]\n\n\nsource = elsewhere\n",
	    ":4: [forward] source: bad value 'elsewhere' (collector or "
	    "original)");
}

static void
test_settings_set_dir_empty_is_an_error(void **state)
{
	struct fx *fx = *state;
	struct col_config cfg;
	GError *err = NULL;
	char *want = g_strconcat(fx->path,
	    ":2: [reports] dir: empty (reports need a directory)", NULL);

	load_ok(fx, "[reports]\ndir =\ntop = 5\n", &cfg);
	assert_false(col_config_set_dir(&cfg, NULL, fx->path, &err));
	assert_string_equal(err->message, want);
	g_clear_error(&err);
	/* -o gives one */
	assert_true(col_config_set_dir(&cfg, "/srv/reports", fx->path, NULL));
	assert_string_equal(cfg.reports.dir, "/srv/reports");
	assert_false(col_config_set_dir(&cfg, "", fx->path, &err));
	g_clear_error(&err);
	col_config_clear(&cfg);
	g_free(want);
}

static void
test_settings_listen_changed_sees_address_and_port(void **state)
{
	struct fx *fx = *state;
	struct col_config a, b, c, d;

	load_ok(fx, "[listen]\nipfix-udp = 127.0.0.1:4739; [::1]:4739\n", &a);
	load_ok(fx, "[listen]\nipfix-udp = 127.0.0.1:4739;[::1]:4739\n", &b);
	load_ok(fx, "[listen]\nipfix-udp = 127.0.0.1:4740; [::1]:4739\n", &c);
	load_ok(fx, "[listen]\nipfix-udp = 127.0.0.2:4739; [::1]:4739\n", &d);
	assert_false(col_config_listen_changed(&a, &b));
	assert_true(col_config_listen_changed(&a, &c));
	assert_true(col_config_listen_changed(&a, &d));
	col_config_clear(&a);
	col_config_clear(&b);
	col_config_clear(&c);
	col_config_clear(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_settings_load_listen_host_name_is_refused_with_line,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_settings_load_derived_errors_carry_the_line, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_settings_set_dir_empty_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_settings_listen_changed_sees_address_and_port, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
