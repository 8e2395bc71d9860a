/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "rep-test-table"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "report/table.h"

/* s through rep_text_append(max): the text, and its width in *cells. */
static char *
text(const char *s, size_t max, size_t *cells)
{
	GString *out = g_string_new("<");
	size_t w = rep_text_append(out, s, max);

	if (cells != NULL)
		*cells = w;
	g_string_append_c(out, '>');
	return g_string_free(out, FALSE);
}

static void
check_text(const char *s, size_t max, const char *want, size_t want_cells)
{
	size_t cells;
	char *got = text(s, max, &cells);

	assert_string_equal(got, want);
	assert_int_equal(cells, want_cells);
	g_free(got);
}

static void
test_rep_table_text_append_escapes_hostile_text(void **state)
{
	(void)state;
	check_text("plain.example", 128, "<plain.example>", 13);
	check_text(NULL, 128, "<->", 1);
	check_text("", 128, "<>", 0);
	/* an escape sequence that would clear the screen */
	check_text("a\x1b[2Jb", 128, "<a\\x1b[2Jb>", 9);
	check_text("tab\there\nnl\r\x7f", 128,
	    "<tab\\x09here\\x0anl\\x0d\\x7f>", 25);
	/* C1 control (U+009B, CSI) as UTF-8, and bytes that are not UTF-8 */
	check_text("x\xc2\x9by", 128, "<x\\x9by>", 6);
	check_text("\xff\xfe", 128, "<\\xff\\xfe>", 8);
	check_text("caf\xc3", 128, "<caf\\xc3>", 7); /* cut sequence */
	/* overlong encoding of '/' is not UTF-8 either */
	check_text("\xc0\xaf", 128, "<\\xc0\\xaf>", 8);
	/* right-to-left override and zero width space: format characters */
	check_text("evil\xe2\x80\xaetxt.exe", 128, "<evil\\u{202e}txt.exe>",
	    19);
	check_text("a\xe2\x80\x8b"
	           "b",
	    128, "<a\\u{200b}b>", 10);
	/* printable non-ASCII: kept, wide ones count two cells */
	check_text("b\xc3\xbcro", 128, "<b\xc3\xbcro>", 4);
	check_text("\xe4\xb8\xad\xe6\x96\x87", 128,
	    "<\xe4\xb8\xad\xe6\x96\x87>", 4);
	/* combining acute accent: no cell of its own */
	check_text("e\xcc\x81", 128, "<e\xcc\x81>", 1);
}

static void
test_rep_table_text_append_truncates_long_text(void **state)
{
	char *long_name = g_strnfill(300, 'n');
	char *want;

	(void)state;
	check_text("abcdefghij", 10, "<abcdefghij>", 10);
	check_text("abcdefghijk", 10, "<abcdefg...>", 10);
	/* an escape is never cut in half */
	check_text("abcdef\x01xyz", 10, "<abcdef...>", 9);
	/* a wide character is not split either */
	check_text("abcdef\xe4\xb8\xadxyz", 10, "<abcdef...>", 9);
	/* the default cap on a 300-byte name */
	want = g_strdup_printf("<%.*s...>", REP_TEXT_MAX - 3, long_name);
	check_text(long_name, REP_TEXT_MAX, want, REP_TEXT_MAX);
	g_free(want);
	/* max below 4 counts as 4 */
	check_text("abcdef", 1, "<a...>", 4);
	g_free(long_name);
}

static const struct rep_col cols[] = {
	{ "#", 3, REP_RIGHT, "" },
	{ "name", 8, REP_LEFT, "  " },
	{ "bytes", 6, REP_RIGHT, NULL },
	{ "note", 0, REP_LEFT, "  " },
};
static const struct rep_table table = { "  ", cols, G_N_ELEMENTS(cols) };

static void
test_rep_table_row_aligns_and_pads(void **state)
{
	GString *out = g_string_new(NULL);
	struct rep_row r = { { NULL }, 0 };

	(void)state;
	rep_table_head(out, &table);
	rep_row_addf(&r, "%d", 1);
	rep_row_add(&r, "web");
	rep_row_add_uint(&r, 1500);
	rep_row_add(&r, "first");
	rep_table_row(out, &table, &r);
	assert_int_equal(r.n, 0); /* emptied */
	/* too long for its width: pushes the rest right, never cut there */
	rep_row_add(&r, "12345");
	rep_row_take(&r, g_strdup("averylongname"));
	rep_row_add_uint(&r, G_GUINT64_CONSTANT(18446744073709551615));
	rep_row_add(&r, NULL);
	rep_table_row(out, &table, &r);
	/* missing cells print empty */
	rep_row_add(&r, "3");
	rep_table_row(out, &table, &r);
	/* hostile cells are escaped inside the table too */
	rep_row_add(&r, "4");
	rep_row_add(&r, "\x1b]0;x\x07");
	rep_table_row(out, &table, &r);
	assert_string_equal(out->str,
	    "    #  name      bytes  note\n"
	    "    1  web        1500  first\n"
	    "  12345  averylongname 18446744073709551615  -\n"
	    "    3                   \n"
	    "    4  \\x1b]0;x\\x07         \n");
	g_string_free(out, TRUE);
}

static void
test_rep_table_head_stops_at_first_null_heading(void **state)
{
	static const struct rep_col c2[] = {
		{ "class", 6, REP_LEFT, "" },
		{ "bytes", 8, REP_RIGHT, NULL },
		{ NULL, 0, REP_LEFT, "  " },
		{ "never", 0, REP_LEFT, NULL },
	};
	static const struct rep_table t2 = { "", c2, G_N_ELEMENTS(c2) };
	GString *out = g_string_new(NULL);
	struct rep_row r = { { NULL }, 0 };
	size_t i;

	(void)state;
	rep_table_head(out, &t2);
	rep_row_add(&r, "in");
	rep_row_add_uint(&r, 2048);
	rep_row_add(&r, "(2.0 kB)");
	rep_row_add(&r, "x");
	/* more cells than a row holds are dropped, and freed */
	for (i = 0; i < REP_TABLE_MAX_COLS; i++)
		rep_row_take(&r, g_strdup("extra"));
	assert_int_equal(r.n, REP_TABLE_MAX_COLS);
	rep_table_row(out, &t2, &r);
	assert_string_equal(out->str,
	    "class     bytes\n"
	    "in         2048  (2.0 kB) x\n");
	rep_row_add(&r, "leak?");
	rep_row_clear(&r);
	assert_int_equal(r.n, 0);
	g_string_free(out, TRUE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_rep_table_text_append_escapes_hostile_text),
		cmocka_unit_test(
		    test_rep_table_text_append_truncates_long_text),
		cmocka_unit_test(test_rep_table_row_aligns_and_pads),
		cmocka_unit_test(
		    test_rep_table_head_stops_at_first_null_heading),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
