/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>

#include "collector/model/oui.h"

/* The shapes of Debian ieee-data's oui.txt and oui.csv. */
static const char txt[] =
    "OUI/MA-L                                      Organization\n"
    "company_id                                    Organization\n"
    "\n"
    "00-22-72   (hex)\t\tAmerican Micro-Fuel Device Corp.\n"
    "002272     (base 16)\t\tAmerican Micro-Fuel Device Corp.\n"
    "\t\t\t\t2181 Buchanan Loop\n"
    "\n"
    "F0-18-98   (hex)\t\tApple, Inc.\n"
    "F01898     (base 16)\t\tApple, Inc.\r\n"
    "\t\t\t\tCupertino  CA  95014\n"
    "002272     (base 16)\t\tA second assignment\n";

static const char csv[] =
    "Registry,Assignment,Organization Name,Organization Address\n"
    "MA-L,002272,American Micro-Fuel Device Corp.,2181 Buchanan Loop\n"
    "MA-L,F01898,\"Apple, Inc.\",1 Infinite Loop Cupertino CA US 95014\n"
    "MA-L,ZZ1898,Bad hex,Nowhere\n"
    "MA-M,F01899,Not MA-L,Nowhere\n";

static const uint8_t amf[6] = { 0x00, 0x22, 0x72, 9, 9, 9 };
static const uint8_t apple[6] = { 0xf0, 0x18, 0x98, 1, 2, 3 };
static const uint8_t none[6] = { 0x00, 0x22, 0x73, 1, 2, 3 };
static const uint8_t local[6] = { 0xf2, 0x18, 0x98, 1, 2, 3 };

static void
test_oui_parse_txt_finds_vendors(void **state)
{
	struct col_oui *o = col_oui_parse(txt, strlen(txt), NULL);

	(void)state;
	assert_non_null(o);
	assert_int_equal(col_oui_count(o), 2);
	assert_string_equal(col_oui_find(o, amf),
	    "American Micro-Fuel Device Corp.");
	assert_string_equal(col_oui_find(o, apple), "Apple, Inc.");
	assert_null(col_oui_find(o, none));
	assert_null(col_oui_find(o, local));
	col_oui_free(o);
}

static void
test_oui_parse_csv_quoted_names(void **state)
{
	struct col_oui *o = col_oui_parse(csv, strlen(csv), NULL);

	(void)state;
	assert_non_null(o);
	assert_int_equal(col_oui_count(o), 2);
	assert_string_equal(col_oui_find(o, apple), "Apple, Inc.");
	assert_string_equal(col_oui_find(o, amf),
	    "American Micro-Fuel Device Corp.");
	col_oui_free(o);
}

static void
test_oui_parse_no_entry_is_an_error(void **state)
{
	static const char junk[] = "hello\nworld\n002272 nothing\n";
	GError *error = NULL;

	(void)state;
	assert_null(col_oui_parse(junk, strlen(junk), &error));
	assert_non_null(error);
	g_error_free(error);
	assert_null(col_oui_find(NULL, amf));
}

static void
test_oui_load_missing_file_is_an_error(void **state)
{
	GError *error = NULL;

	(void)state;
	assert_null(col_oui_load("/nonexistent/oui.txt", &error));
	assert_non_null(strstr(error->message, "[devices] oui"));
	g_error_free(error);
}

static void
test_oui_load_debian_registry_when_installed(void **state)
{
	const char *path = "/usr/share/ieee-data/oui.txt";
	struct col_oui *o;

	(void)state;
	if (!g_file_test(path, G_FILE_TEST_EXISTS))
		skip();
	o = col_oui_load(path, NULL);
	assert_non_null(o);
	assert_true(col_oui_count(o) > 10000);
	assert_string_equal(col_oui_find(o, amf),
	    "American Micro-Fuel Device Corp.");
	col_oui_free(o);
}

/*
 * 3,000 lines over 1,000 prefixes in scrambled order, each prefix's
 * first line naming the vendor: the sort keeps input order among equal
 * prefixes, and prefixes that differ only above or below bit 12 sort
 * apart.  One line puts text before its tag (found by the search).
 */
static void
test_oui_parse_first_of_many_kept(void **state)
{
	GString *t = g_string_new("");
	char want[1000][16];
	gboolean seen[1000] = { FALSE };
	struct col_oui *o;
	uint8_t mac[6] = { 0 };
	uint32_t prefix;
	size_t i, k;

	(void)state;
	for (i = 0; i < 3000; i++) {
		k = (i * 7919u) % 1000;
		/* Low and high 12 bits both vary, and alone. */
		prefix = (uint32_t)(k % 40) << 12 | (uint32_t)(k / 40) * 151u;
		g_string_append_printf(t, "%06X     (base 16)\t\tV%zu\n",
		    (unsigned)prefix, i);
		if (!seen[k]) {
			seen[k] = TRUE;
			g_snprintf(want[k], sizeof(want[k]), "V%zu", i);
		}
	}
	g_string_append(t, "A8CDEF  x (base 16)\tLate tag\n");
	o = col_oui_parse(t->str, t->len, NULL);
	assert_non_null(o);
	assert_int_equal(col_oui_count(o), 1001);
	for (k = 0; k < 1000; k++) {
		prefix = (uint32_t)(k % 40) << 12 | (uint32_t)(k / 40) * 151u;
		mac[0] = (uint8_t)(prefix >> 16);
		mac[1] = (uint8_t)(prefix >> 8);
		mac[2] = (uint8_t)prefix;
		if ((mac[0] & 0x02) == 0)
			assert_string_equal(col_oui_find(o, mac), want[k]);
	}
	mac[0] = 0xa8;
	mac[1] = 0xcd;
	mac[2] = 0xef;
	assert_string_equal(col_oui_find(o, mac), "Late tag");
	col_oui_free(o);
	g_string_free(t, TRUE);
}

/*
 * A file read by chunks as the same text parsed whole: 4,000 entries
 * (about 500 KB, lines across every read's end), a 100,000-byte line
 * (the buffer doubles) and CRLF line ends; both in oui.txt's shape and
 * oui.csv's.
 */
static void
test_oui_load_by_chunks_as_parse(void **state)
{
	g_autofree char *path = NULL;
	struct col_oui *whole, *read;
	uint8_t mac[6] = { 0 };
	GString *t;
	/* Long names: a read's end falls in an entry's line. */
	static const char pad[] =
	    "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"
	    "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv";
	size_t i, k;
	int as_csv, fd;

	(void)state;
	for (as_csv = 0; as_csv < 2; as_csv++) {
		t = g_string_new(as_csv ? "Registry,Assignment,Name,Address\n"
		                        : "OUI/MA-L   Organization\r\n");
		for (i = 0; i < 4000; i++) {
			if (i == 1000) {
				g_string_append_c(t, '\t');
				for (k = 0; k < 100000; k++)
					g_string_append_c(t, 'y');
				g_string_append_c(t, '\n');
			}
			g_string_append_printf(t,
			    as_csv ? "MA-L,%06zX,Vendor %zu %s,Street\r\n"
			           : "%06zX     (base 16)\t\tVendor %zu %s\r\n",
			    (i * 2654435761u) & 0xfcffffu, i, pad);
		}
		fd = g_file_open_tmp("test_oui.XXXXXX", &path, NULL);
		assert_true(fd >= 0);
		close(fd);
		assert_true(
		    g_file_set_contents(path, t->str, (gssize)t->len, NULL));
		whole = col_oui_parse(t->str, t->len, NULL);
		read = col_oui_load(path, NULL);
		assert_non_null(whole);
		assert_non_null(read);
		assert_int_equal(col_oui_count(read), col_oui_count(whole));
		assert_int_equal(col_oui_count(read), 4000);
		for (i = 0; i < 4000; i++) {
			uint32_t prefix =
			    (uint32_t)(i * 2654435761u) & 0xfcffffu;

			mac[0] = (uint8_t)(prefix >> 16);
			mac[1] = (uint8_t)(prefix >> 8);
			mac[2] = (uint8_t)prefix;
			assert_string_equal(col_oui_find(read, mac),
			    col_oui_find(whole, mac));
		}
		col_oui_free(whole);
		col_oui_free(read);
		unlink(path);
		g_clear_pointer(&path, g_free);
		g_string_free(t, TRUE);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oui_parse_txt_finds_vendors),
		cmocka_unit_test(test_oui_parse_csv_quoted_names),
		cmocka_unit_test(test_oui_parse_no_entry_is_an_error),
		cmocka_unit_test(test_oui_load_missing_file_is_an_error),
		cmocka_unit_test(test_oui_load_debian_registry_when_installed),
		cmocka_unit_test(test_oui_parse_first_of_many_kept),
		cmocka_unit_test(test_oui_load_by_chunks_as_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
