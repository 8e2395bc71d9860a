/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-test-conf"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <cmocka.h>

#include "common/conf.h"
#include "common/error.h"

struct tconf {
	uint64_t interval;
	uint64_t top;
	char *dir;
	char **internal;
	char **allow;
	uint64_t retention;
	gboolean enabled;
	uint64_t huge;
	char *name;
};

/* [reports] appears twice, apart, to check format_defaults' grouping. */
static const struct mf_conf_key table[] = {
	{ "reports", "interval", MF_CONF_UINT, offsetof(struct tconf, interval),
	    "60", 1, 86400, "seconds of flow time" },
	{ "reports", "top", MF_CONF_UINT, offsetof(struct tconf, top), "20", 1,
	    1000, "rows per table" },
	{ "reports", "dir", MF_CONF_STRING, offsetof(struct tconf, dir),
	    "/var/lib/minflow/reports", 0, 0, "where reports go" },
	{ "networks", "internal", MF_CONF_LIST,
	    offsetof(struct tconf, internal), "192.168.0.0/16;10.0.0.0/8", 0, 0,
	    "internal prefixes" },
	{ "networks", "allow-exporters", MF_CONF_LIST,
	    offsetof(struct tconf, allow), "", 0, 0, "prefixes; empty = any" },
	{ "reports", "retention-days", MF_CONF_UINT,
	    offsetof(struct tconf, retention), "30", 0, 3650,
	    "days of reports kept" },
	{ "anomaly.port_scan_vertical", "enabled", MF_CONF_BOOL,
	    offsetof(struct tconf, enabled), "true", 0, 0, "run the detector" },
	{ "tables", "huge", MF_CONF_UINT, offsetof(struct tconf, huge),
	    "18446744073709551615", 1, UINT64_MAX, "a full-range number" },
	{ "tables", "name", MF_CONF_STRING, offsetof(struct tconf, name), "", 0,
	    0, "an empty default" },
};

#define N G_N_ELEMENTS(table)

/* Write text to a new temporary file; the caller unlinks and frees. */
static char *
write_tmp(const char *text)
{
	GError *error = NULL;
	char *path = NULL;
	int fd;

	fd = g_file_open_tmp("test_conf-XXXXXX.conf", &path, &error);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(fd), 0);
	return path;
}

static void
assert_list(char **got, const char *const *want)
{
	guint i;

	assert_non_null(got);
	for (i = 0; want[i] != NULL; i++) {
		assert_non_null(got[i]);
		assert_string_equal(got[i], want[i]);
	}
	assert_null(got[i]);
}

static void
assert_defaults(const struct tconf *c)
{
	static const char *const internal[] = { "192.168.0.0/16", "10.0.0.0/8",
		NULL };
	static const char *const none[] = { NULL };

	assert_int_equal(c->interval, 60);
	assert_int_equal(c->top, 20);
	assert_string_equal(c->dir, "/var/lib/minflow/reports");
	assert_list(c->internal, internal);
	assert_list(c->allow, none);
	assert_int_equal(c->retention, 30);
	assert_true(c->enabled);
	assert_true(c->huge == UINT64_MAX);
	assert_string_equal(c->name, "");
}

static void
assert_cleared(const struct tconf *c)
{
	assert_int_equal(c->interval, 0);
	assert_int_equal(c->top, 0);
	assert_null(c->dir);
	assert_null(c->internal);
	assert_null(c->allow);
	assert_int_equal(c->retention, 0);
	assert_false(c->enabled);
	assert_int_equal(c->huge, 0);
	assert_null(c->name);
}

/* Load text (from a temporary file) into c, which must succeed. */
static void
load_ok(const char *text, struct tconf *c)
{
	char *path = write_tmp(text);
	GError *error = NULL;
	gboolean ok = mf_conf_load(table, N, path, c, &error);

	if (!ok)
		fail_msg("load failed: %s", error->message);
	assert_null(error);
	g_unlink(path);
	g_free(path);
}

/*
 * Loading text must fail with exactly PATH followed by suffix, and leave
 * the struct cleared.
 */
static void
load_fails(const char *text, const char *suffix)
{
	char *path = write_tmp(text);
	GError *error = NULL;
	struct tconf c;
	char *want;

	memset(&c, 0x5a, sizeof(c)); /* load must not read it */
	assert_false(mf_conf_load(table, N, path, &c, &error));
	assert_non_null(error);
	assert_true(g_error_matches(error, MF_ERROR, MF_ERROR_CONFIG));
	want = g_strconcat(path, suffix, NULL);
	assert_string_equal(error->message, want);
	assert_cleared(&c);
	g_free(want);
	g_error_free(error);
	g_unlink(path);
	g_free(path);
}

static void
test_conf_load_null_path_gives_defaults(void **state)
{
	GError *error = NULL;
	struct tconf c;

	(void)state;
	memset(&c, 0x5a, sizeof(c));
	assert_true(mf_conf_load(table, N, NULL, &c, &error));
	assert_null(error);
	assert_defaults(&c);
	mf_conf_clear(table, N, &c);
}

static void
test_conf_load_file_overrides_some_keys(void **state)
{
	static const char *const internal[] = { "10.1.0.0/16", NULL };
	struct tconf c;

	(void)state;
	load_ok("# minflow\n"
	        "[reports]\n"
	        "interval = 300\n"
	        "dir=/srv/reports\n"
	        "\n"
	        "[networks]\n"
	        "internal = 10.1.0.0/16\n"
	        "[anomaly.port_scan_vertical]\n"
	        "enabled = false\n",
	    &c);
	assert_int_equal(c.interval, 300);
	assert_int_equal(c.top, 20);
	assert_string_equal(c.dir, "/srv/reports");
	assert_list(c.internal, internal);
	assert_int_equal(c.retention, 30);
	assert_false(c.enabled);
	assert_string_equal(c.name, "");
	mf_conf_clear(table, N, &c);
}

static void
test_conf_load_empty_file_gives_defaults(void **state)
{
	struct tconf c;

	(void)state;
	load_ok("", &c);
	assert_defaults(&c);
	mf_conf_clear(table, N, &c);
	load_ok("# only a comment\n\n", &c);
	assert_defaults(&c);
	mf_conf_clear(table, N, &c);
}

static void
test_conf_load_strips_trailing_comments(void **state)
{
	static const char *const none[] = { NULL };
	static const char *const internal[] = { "10.0.0.0/8", "fd00::/8",
		NULL };
	struct tconf c;

	(void)state;
	load_ok("[reports]   # the reports\n"
	        "interval = 90          # seconds of flow time\n"
	        "top = 5\t# tab before the '#'\n"
	        "dir = /srv/a#b # '#' inside a word stays\n"
	        "  # an indented comment line\n"
	        "; an INI-style comment line\n"
	        "  ; indented, with = in it\n"
	        "[networks]\n"
	        "allow-exporters =              # prefixes; empty = any\n"
	        "internal = 10.0.0.0/8;fd00::/8 # two\n"
	        "[tables]\n"
	        "name =#x\n",
	    &c);
	assert_int_equal(c.interval, 90);
	assert_int_equal(c.top, 5);
	assert_string_equal(c.dir, "/srv/a#b");
	assert_list(c.allow, none);
	assert_list(c.internal, internal);
	assert_string_equal(c.name, "#x");
	mf_conf_clear(table, N, &c);
}

static void
test_conf_load_list_trims_and_drops_empty_items(void **state)
{
	static const char *const want[] = { "a b", "c", "d", NULL };
	static const char *const none[] = { NULL };
	struct tconf c;

	(void)state;
	load_ok("[networks]\n"
	        "internal =  ; a b ;; c;\t;d ;\n"
	        "allow-exporters = ; ;;\n",
	    &c);
	assert_list(c.internal, want);
	assert_list(c.allow, none);
	mf_conf_clear(table, N, &c);
}

static void
test_conf_load_string_trimmed_and_may_be_empty(void **state)
{
	struct tconf c;

	(void)state;
	load_ok("[reports]\n"
	        "dir =   /srv/with space   \n"
	        "[tables]\n"
	        "name =\n",
	    &c);
	assert_string_equal(c.dir, "/srv/with space");
	assert_string_equal(c.name, "");
	mf_conf_clear(table, N, &c);
}

static void
test_conf_load_crlf_line_ends(void **state)
{
	struct tconf c;

	(void)state;
	load_ok("[reports]\r\ninterval = 7\r\ndir = /x \r\n", &c);
	assert_int_equal(c.interval, 7);
	assert_string_equal(c.dir, "/x");
	mf_conf_clear(table, N, &c);
	load_fails("[reports]\r\n\r\ninterval = x\r\n",
	    ":3: [reports] interval: bad value 'x' (1..86400)");
}

static void
test_conf_load_uint_accepts_min_and_max(void **state)
{
	struct tconf c;

	(void)state;
	load_ok("[reports]\ninterval = 1\nretention-days = 0\n"
	        "[tables]\nhuge = 1\n",
	    &c);
	assert_int_equal(c.interval, 1);
	assert_int_equal(c.retention, 0);
	assert_int_equal(c.huge, 1);
	mf_conf_clear(table, N, &c);
	load_ok("[reports]\ninterval = 86400\nretention-days = 3650\n"
	        "[tables]\nhuge = 18446744073709551615\n",
	    &c);
	assert_int_equal(c.interval, 86400);
	assert_int_equal(c.retention, 3650);
	assert_true(c.huge == UINT64_MAX);
	mf_conf_clear(table, N, &c);
}

static void
test_conf_load_uint_rejects_one_beyond_bounds(void **state)
{
	(void)state;
	load_fails("[reports]\ninterval = 0\n",
	    ":2: [reports] interval: bad value '0' (1..86400)");
	load_fails("[reports]\ninterval = 86401\n",
	    ":2: [reports] interval: bad value '86401' (1..86400)");
	load_fails("[reports]\nretention-days = 3651\n",
	    ":2: [reports] retention-days: bad value '3651' (0..3650)");
	load_fails("[tables]\nhuge = 18446744073709551616\n",
	    ":2: [tables] huge: bad value '18446744073709551616' "
	    "(1..18446744073709551615)");
	load_fails("[tables]\nhuge = 0\n",
	    ":2: [tables] huge: bad value '0' (1..18446744073709551615)");
}

static void
test_conf_load_uint_rejects_non_decimal(void **state)
{
	(void)state;
	load_fails("[reports]\n\n# c\ninterval = x\n",
	    ":4: [reports] interval: bad value 'x' (1..86400)");
	load_fails("[reports]\ninterval = -1\n",
	    ":2: [reports] interval: bad value '-1' (1..86400)");
	load_fails("[reports]\ninterval = 0x10\n",
	    ":2: [reports] interval: bad value '0x10' (1..86400)");
	load_fails("[reports]\ninterval = 6 0\n",
	    ":2: [reports] interval: bad value '6 0' (1..86400)");
	load_fails("[reports]\ninterval =\n",
	    ":2: [reports] interval: bad value '' (1..86400)");
	load_fails("[reports]\ninterval = 1x   # trailing comment\n",
	    ":2: [reports] interval: bad value '1x' (1..86400)");
}

static void
test_conf_load_bool_true_and_false(void **state)
{
	struct tconf c;

	(void)state;
	load_ok("[anomaly.port_scan_vertical]\nenabled = false\n", &c);
	assert_false(c.enabled);
	mf_conf_clear(table, N, &c);
	load_ok("[anomaly.port_scan_vertical]\nenabled = true\n", &c);
	assert_true(c.enabled);
	mf_conf_clear(table, N, &c);
}

static void
test_conf_load_bool_rejects_yes(void **state)
{
	(void)state;
	load_fails("[anomaly.port_scan_vertical]\n  enabled   =   yes  \n",
	    ":2: [anomaly.port_scan_vertical] enabled: bad value 'yes' "
	    "(expected true or false)");
	load_fails("[anomaly.port_scan_vertical]\nenabled = 1\n",
	    ":2: [anomaly.port_scan_vertical] enabled: bad value '1' "
	    "(expected true or false)");
	load_fails("[anomaly.port_scan_vertical]\nenabled = TRUE\n",
	    ":2: [anomaly.port_scan_vertical] enabled: bad value 'TRUE' "
	    "(expected true or false)");
}

static void
test_conf_load_unknown_key(void **state)
{
	(void)state;
	load_fails("[reports]\ninterval = 60\n\n  colour = blue\n",
	    ":4: unknown key 'colour' in [reports]");
	/* a key of another section */
	load_fails("[networks]\ntop = 5\n",
	    ":2: unknown key 'top' in [networks]");
	/* GKeyFile hides locale keys; they are unknown keys all the same */
	load_fails("[reports]\ndir[de] = /x\n",
	    ":2: unknown key 'dir[de]' in [reports]");
}

static void
test_conf_load_unknown_group(void **state)
{
	(void)state;
	load_fails("[reports]\ninterval = 60\n# c\n[report]\ntop = 1\n",
	    ":4: unknown section [report]");
	load_fails("[reports]\n  [anomaly.port_scan_horizontal]  # new\n",
	    ":2: unknown section [anomaly.port_scan_horizontal]");
}

static void
test_conf_load_syntax_error_names_line(void **state)
{
	(void)state;
	load_fails("[reports]\ninterval = 60\nfoo\n",
	    ":3: Key file contains line “foo” which is not a key-value pair, "
	    "group, or comment");
	load_fails("[reports\ninterval = 60\n",
	    ":1: Key file contains line “[reports” which is not a key-value "
	    "pair, group, or comment");
	load_fails("# c\n\ninterval = 60\n[reports]\n",
	    ":3: Key file does not start with a group");
	load_fails("[reports]\n= 60\n",
	    ":2: Key file contains line “= 60” which is not a key-value pair, "
	    "group, or comment");
	load_fails("[reports]\n[]\n", ":2: Invalid group name: ");
	load_fails("[reports]\ntop = 1\n\n  k] = 1\ninterval = 2\n",
	    ":4: Invalid key name: k]");
	load_fails("[reports]\ntop = 1\nnot a pair", /* no final newline */
	    ":3: Key file contains line “not a pair” which is not a key-value "
	    "pair, group, or comment");
}

static void
test_conf_load_duplicate_group_or_key_is_an_error(void **state)
{
	(void)state;
	load_fails("[reports]\ninterval = 10\ntop = 3\n"
	           "[networks]\n"
	           "[reports]\ninterval = 20\n",
	    ":5: section [reports] again (first at line 1)");
	load_fails("[reports]\ninterval = 1\n# x\n  interval=  2\ntop = 4\n",
	    ":4: [reports] interval set again (first at line 2)");
	/* the same key in two sections is two keys */
	load_fails("[reports]\ndir = /a\n[tables]\nname = x\nname = y\n",
	    ":5: [tables] name set again (first at line 4)");
	/* a commented-out line does not count */
	load_fails("[reports]\n; top = 1\n# top = 2\ntop = 3\ntop = 4\n",
	    ":5: [reports] top set again (first at line 4)");
}

static void
test_conf_find_line_last_key_of_group(void **state)
{
	char *path = write_tmp("# name = x\n[networks]\nname = a\n"
	                       "[reports]\n; name = b\n\n"
	                       "  name = c  # note\nname=d\n[tables]\n");

	(void)state;
	assert_int_equal(mf_conf_find_line(path, "reports", "name"), 8);
	assert_int_equal(mf_conf_find_line(path, "networks", "name"), 3);
	assert_int_equal(mf_conf_find_line(path, "tables", "name"), 0);
	assert_int_equal(mf_conf_find_line(path, "focus", "target"), 0);
	assert_int_equal(mf_conf_find_line(NULL, "reports", "name"), 0);
	assert_int_equal(mf_conf_find_line("/nonexistent/minflow.conf",
	                     "reports", "name"),
	    0);
	g_unlink(path);
	g_free(path);
}

static void
test_conf_load_missing_file(void **state)
{
	GError *error = NULL;
	struct tconf c;

	(void)state;
	assert_false(
	    mf_conf_load(table, N, "/nonexistent/minflow.conf", &c, &error));
	assert_true(g_error_matches(error, MF_ERROR, MF_ERROR_CONFIG));
	assert_non_null(strstr(error->message, "/nonexistent/minflow.conf"));
	assert_cleared(&c);
	g_error_free(error);
}

static void
test_conf_load_not_utf8(void **state)
{
	(void)state;
	load_fails("[reports]\n\ndir = /x\xff\n", ":3: not UTF-8 text");
}

static void
test_conf_load_nul_byte(void **state)
{
	static const char text[] = "[reports]\ninterval = 1\0\n";
	char *path = write_tmp("");
	GError *error = NULL;
	struct tconf c;
	char *want;

	(void)state;
	assert_true(g_file_set_contents(path, text, sizeof(text) - 1, NULL));
	assert_false(mf_conf_load(table, N, path, &c, &error));
	want = g_strconcat(path, ":2: not UTF-8 text", NULL);
	assert_string_equal(error->message, want);
	g_free(want);
	g_error_free(error);
	g_unlink(path);
	g_free(path);
}

static void
test_conf_format_defaults_text(void **state)
{
	char *s;

	(void)state;
	s = mf_conf_format_defaults(table, N);
	assert_string_equal(s,
	    "# Every key, set to its default value.\n"
	    "\n"
	    "[reports]\n"
	    "# seconds of flow time\n"
	    "interval = 60\n"
	    "\n"
	    "# rows per table\n"
	    "top = 20\n"
	    "\n"
	    "# where reports go\n"
	    "dir = /var/lib/minflow/reports\n"
	    "\n"
	    "# days of reports kept\n"
	    "retention-days = 30\n"
	    "\n"
	    "[networks]\n"
	    "# internal prefixes\n"
	    "internal = 192.168.0.0/16;10.0.0.0/8\n"
	    "\n"
	    "# prefixes; empty = any\n"
	    "allow-exporters =\n"
	    "\n"
	    "[anomaly.port_scan_vertical]\n"
	    "# run the detector\n"
	    "enabled = true\n"
	    "\n"
	    "[tables]\n"
	    "# a full-range number\n"
	    "huge = 18446744073709551615\n"
	    "\n"
	    "# an empty default\n"
	    "name =\n"
	    "\n");
	g_free(s);
}

static void
test_conf_format_defaults_round_trip(void **state)
{
	char *s = mf_conf_format_defaults(table, N);
	struct tconf c;

	(void)state;
	load_ok(s, &c);
	assert_defaults(&c);
	mf_conf_clear(table, N, &c);
	g_free(s);
}

static void
test_conf_clear_frees_and_zeroes(void **state)
{
	struct tconf c;

	(void)state;
	load_ok("[reports]\ndir = /a\n[networks]\ninternal = a;b;c\n", &c);
	mf_conf_clear(table, N, &c);
	assert_cleared(&c);
	mf_conf_clear(table, N, &c); /* twice is harmless */
	assert_cleared(&c);
	/* LeakSanitizer, in the sanitizer build, checks nothing is left */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_load_null_path_gives_defaults),
		cmocka_unit_test(test_conf_load_file_overrides_some_keys),
		cmocka_unit_test(test_conf_load_empty_file_gives_defaults),
		cmocka_unit_test(test_conf_load_strips_trailing_comments),
		cmocka_unit_test(
		    test_conf_load_list_trims_and_drops_empty_items),
		cmocka_unit_test(
		    test_conf_load_string_trimmed_and_may_be_empty),
		cmocka_unit_test(test_conf_load_crlf_line_ends),
		cmocka_unit_test(test_conf_load_uint_accepts_min_and_max),
		cmocka_unit_test(test_conf_load_uint_rejects_one_beyond_bounds),
		cmocka_unit_test(test_conf_load_uint_rejects_non_decimal),
		cmocka_unit_test(test_conf_load_bool_true_and_false),
		cmocka_unit_test(test_conf_load_bool_rejects_yes),
		cmocka_unit_test(test_conf_load_unknown_key),
		cmocka_unit_test(test_conf_load_unknown_group),
		cmocka_unit_test(test_conf_load_syntax_error_names_line),
		cmocka_unit_test(
		    test_conf_load_duplicate_group_or_key_is_an_error),
		cmocka_unit_test(test_conf_load_missing_file),
		cmocka_unit_test(test_conf_load_not_utf8),
		cmocka_unit_test(test_conf_load_nul_byte),
		cmocka_unit_test(test_conf_find_line_last_key_of_group),
		cmocka_unit_test(test_conf_format_defaults_text),
		cmocka_unit_test(test_conf_format_defaults_round_trip),
		cmocka_unit_test(test_conf_clear_frees_and_zeroes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
