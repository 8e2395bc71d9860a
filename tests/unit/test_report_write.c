/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "common/error.h"
#include "tests/unit/reportfx.h"

/*
 * The report on disk: file names by UTC day and time, latest.json, text
 * escaping, retention of old days and errors.  The document's contents:
 * test_report.c.
 */

static void
test_report_path_formats_utc(void **state)
{
	char *p;

	(void)state;
	p = col_report_path("/r", RFX_START_MS + 3723999);
	assert_string_equal(p, "/r/20260115/110203.json");
	g_free(p);
	p = col_report_path("/r", 0);
	assert_string_equal(p, "/r/19700101/000000.json");
	g_free(p);
	p = col_report_path("/r", UINT64_MAX);
	assert_string_equal(p, "/r/99991231/235959.json");
	g_free(p);
}

/* Remove dir and everything below it (test scratch only). */
static void
rm_rf(const char *dir)
{
	const char *name;
	GDir *d;

	if ((d = g_dir_open(dir, 0, NULL)) != NULL) {
		while ((name = g_dir_read_name(d)) != NULL) {
			char *p = g_build_filename(dir, name, NULL);

			if (g_file_test(p, G_FILE_TEST_IS_DIR))
				rm_rf(p);
			else
				assert_int_equal(g_unlink(p), 0);
			g_free(p);
		}
		g_dir_close(d);
	}
	assert_int_equal(g_rmdir(dir), 0);
}

static gint
cmp_name(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The text of dir/name, which latest.json repeats. */
static char *
read_report(const char *dir, const char *name)
{
	char *path = g_build_filename(dir, name, NULL), *text, *latest;

	assert_true(g_file_get_contents(path, &text, NULL, NULL));
	g_free(path);
	path = g_build_filename(dir, "latest.json", NULL);
	assert_true(g_file_get_contents(path, &latest, NULL, NULL));
	assert_string_equal(text, latest);
	g_free(latest);
	g_free(path);
	return text;
}

/* The names in dir/sub, sorted and joined by spaces, are want. */
static void
assert_dir(const char *dir, const char *sub, const char *want)
{
	char *path = g_build_filename(dir, sub, NULL), *names;
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	const char *name;
	GDir *d;

	assert_non_null(d = g_dir_open(path, 0, NULL));
	while ((name = g_dir_read_name(d)) != NULL)
		g_ptr_array_add(a, g_strdup(name));
	g_dir_close(d);
	g_ptr_array_sort(a, cmp_name);
	g_ptr_array_add(a, NULL);
	names = g_strjoinv(" ", (char **)a->pdata);
	assert_string_equal(names, want);
	g_ptr_array_free(a, TRUE);
	g_free(names);
	g_free(path);
}

static void
make_day(const char *dir, const char *day, const char *file)
{
	char *d = g_build_filename(dir, day, NULL);
	char *path = g_build_filename(d, file, NULL);

	assert_int_equal(g_mkdir_with_parents(d, 0755), 0);
	assert_true(g_file_set_contents(path, "{}\n", -1, NULL));
	g_free(path);
	g_free(d);
}

static void
test_report_write_day_file_and_latest(void **state)
{
	char *dir = g_dir_make_tmp("test_report.XXXXXX", NULL);
	struct col_report_config cfg = { .dir = dir, .top = 20 };
	GError *error = NULL;
	char *file;
	struct rfx fx;

	(void)state;
	make_day(dir, "19991231", "120000.json"); /* retention 0: kept */
	rfx_standard(&fx);
	assert_true(col_report_write(&cfg, &fx.iv, NULL, 0, NULL, &error));
	assert_null(error);
	assert_dir(dir, ".", "19991231 20260115 latest.json");
	assert_dir(dir, "20260115", "100000.json");
	file = read_report(dir, "20260115/100000.json");
	assert_true(g_str_has_prefix(file, "{\n  \"format\" : 1,\n"));
	assert_true(g_str_has_suffix(file, "}\n"));
	g_free(file);
	/* The next interval: a second file; latest.json follows it. */
	fx.iv.start_ms += RFX_INTERVAL_S * 1000;
	fx.iv.end_ms += RFX_INTERVAL_S * 1000;
	assert_true(col_report_write(&cfg, &fx.iv, NULL, 0, NULL, &error));
	assert_dir(dir, ".", "19991231 20260115 latest.json");
	assert_dir(dir, "20260115", "100000.json 100100.json");
	file = read_report(dir, "20260115/100100.json");
	assert_non_null(strstr(file, "\"start\" : \"2026-01-15T10:01:00Z\""));
	g_free(file);
	rfx_clear(&fx);
	rm_rf(dir);
	g_free(dir);
}

static void
test_report_write_label_escaped_and_ipv6(void **state)
{
	char *dir = g_dir_make_tmp("test_report.XXXXXX", NULL);
	struct col_report_config cfg = { .dir = dir, .top = 20 };
	struct col_flow f;
	JsonNode *root;
	struct rfx fx;
	const char *c;
	char *text;

	(void)state;
	rfx_init(&fx, RFX_START_MS);
	f = rfx_flow("fd00::1", 50000, "2001:db8::1", 443, 6, 1, 100, 0, 0);
	g_strlcpy(f.label,
	    "a\"b\\c\n\x01\x1f\xff\x7f"
	    "d",
	    sizeof(f.label));
	rfx_add(&fx, &f, COL_CLASS_OUTWEB, TRUE, FALSE, 443);
	assert_true(col_report_write(&cfg, &fx.iv, NULL, 0, NULL, NULL));
	text = read_report(dir, "latest.json");
	assert_non_null(strstr(text, "\"a\\\"b\\\\c\\n\\u0001"));
	for (c = text; *c != '\0'; c++)
		assert_true((unsigned char)*c >= 0x20 || *c == '\n');
	assert_true(g_utf8_validate(text, -1, NULL));
	assert_non_null(root = json_from_string(text, NULL));
	assert_string_equal(qs(root, "addresses.0.ip"), "fd00::1");
	assert_string_equal(qs(root, "addresses.1.ip"), "2001:db8::1");
	assert_string_equal(qs(root, "streams.0.label"),
	    "a\"b\\c\n\x01\xef\xbf\xbd\xef\xbf\xbd\x7f"
	    "d");
	g_free(text);
	json_node_unref(root);
	rfx_clear(&fx);
	rm_rf(dir);
	g_free(dir);
}

static void
test_report_write_retention_removes_old_days(void **state)
{
	char *dir = g_dir_make_tmp("test_report.XXXXXX", NULL);
	struct col_report_config cfg = { .dir = dir,
		.top = 20,
		.retention_days = 2 };
	static const char *const files[][2] = { { "20260110", "120000.json" },
		{ "20260111", "120000.json" }, { "20260111", "notes.txt" },
		{ "20260112", "235959.json" }, { "20260113", "000000.json" },
		{ "20260114", "120000.json" }, { "2026011", "120000.json" },
		{ "20261340", "120000.json" }, { "archive", "120000.json" } };
	struct rfx fx;
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(files); i++)
		make_day(dir, files[i][0], files[i][1]);
	rfx_init(&fx, RFX_START_MS);
	assert_true(col_report_write(&cfg, &fx.iv, NULL, 0, NULL, NULL));
	/* Kept: days within 2 days of 10:00, non-days, foreign files. */
	assert_dir(dir, ".",
	    "2026011 20260111 20260113 20260114 20260115 20261340 archive "
	    "latest.json");
	assert_dir(dir, "20260111", "notes.txt");
	assert_dir(dir, "20260113", "000000.json");
	assert_dir(dir, "archive", "120000.json");
	rfx_clear(&fx);
	rm_rf(dir);
	g_free(dir);
}

static void
test_report_write_unwritable_dir_fails(void **state)
{
	char *dir = g_dir_make_tmp("test_report.XXXXXX", NULL);
	char *file = g_build_filename(dir, "file", NULL);
	struct col_report_config cfg = { .dir = file, .top = 20 };
	GError *error = NULL;
	struct rfx fx;

	(void)state;
	assert_true(g_file_set_contents(file, "x", -1, NULL));
	rfx_init(&fx, RFX_START_MS);
	assert_false(col_report_write(&cfg, &fx.iv, NULL, 0, NULL, &error));
	assert_true(g_error_matches(error, MF_ERROR, MF_ERROR_IO));
	assert_true(g_str_has_prefix(error->message, file));
	assert_non_null(strstr(error->message, "20260115"));
	g_error_free(error);
	assert_dir(dir, ".", "file");
	rfx_clear(&fx);
	g_free(file);
	rm_rf(dir);
	g_free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_path_formats_utc),
		cmocka_unit_test(test_report_write_day_file_and_latest),
		cmocka_unit_test(test_report_write_label_escaped_and_ipv6),
		cmocka_unit_test(test_report_write_retention_removes_old_days),
		cmocka_unit_test(test_report_write_unwritable_dir_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
