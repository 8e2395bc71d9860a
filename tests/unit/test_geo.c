/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-test-geo"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <cmocka.h>

#include "collector/analytics/geo.h"
#include "common/addr.h"

/* The test database, made by tests/data/geo/make_mmdb.pl at set-up. */
struct fx {
	char *dir, *db;
};

static int
setup(void **state)
{
	struct fx *f = g_new0(struct fx, 1);
	char *argv[] = { (char *)(uintptr_t) "perl",
		(char *)(uintptr_t)MF_TOP_SRCDIR "/tests/data/geo/make_mmdb.pl",
		NULL, NULL };
	gint status = 1;

	f->dir = g_dir_make_tmp("mfgeo-XXXXXX", NULL);
	f->db = g_build_filename(f->dir, "test.mmdb", NULL);
	argv[2] = f->db;
	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
	        NULL, NULL, &status, NULL) ||
	    status != 0) {
		g_free(f->db);
		f->db = NULL;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	if (f->db != NULL)
		g_unlink(f->db);
	g_rmdir(f->dir);
	g_free(f->db);
	g_free(f->dir);
	g_free(f);
	return 0;
}

static struct col_geo *
open_db(struct fx *f)
{
	char *files[] = { f->db, NULL };
	struct col_geo *g;

	if (f->db == NULL)
		skip(); /* no perl MaxMind::DB::Writer */
	g = col_geo_open(files, NULL);
	assert_non_null(g);
	return g;
}

static gboolean
look(const struct col_geo *g, const char *ip, struct col_geo_info *gi)
{
	struct mf_addr a;

	assert_true(mf_addr_parse(ip, &a));
	return col_geo_lookup(g, &a, gi);
}

static void
test_geo_lookup_country_and_as(void **state)
{
	struct col_geo *g = open_db(*state);
	struct col_geo_info gi;

	assert_true(look(g, "138.201.208.22", &gi));
	assert_string_equal(gi.country, "DE");
	assert_int_equal(gi.asn, 24940);
	assert_string_equal(gi.as_org, "Hetzner Online GmbH");
	assert_true(look(g, "2001:db8:1::5", &gi));
	assert_string_equal(gi.country, "SE");
	assert_int_equal(gi.asn, 64501);
	/* Only a registered country: taken. */
	assert_true(look(g, "203.0.113.9", &gi));
	assert_string_equal(gi.country, "JP");
	assert_int_equal(gi.asn, 0);
	assert_string_equal(gi.as_org, "");
	/* Outside every network. */
	assert_false(look(g, "192.0.2.1", &gi));
	assert_string_equal(gi.country, "");
	assert_false(look(g, "138.201.209.1", &gi));
	col_geo_free(g);
}

static void
test_geo_open_empty_and_bad(void **state)
{
	char bad[] = "/nonexistent/x.mmdb", *files[] = { bad, NULL };
	char *none[] = { NULL };
	GError *err = NULL;
	struct col_geo_info gi;
	struct mf_addr a;

	(void)state;
	assert_null(col_geo_open(NULL, &err));
	assert_null(err);
	assert_null(col_geo_open(none, &err));
	assert_null(err);
	assert_null(col_geo_open(files, &err));
	assert_non_null(err);
	assert_non_null(strstr(err->message, "/nonexistent/x.mmdb"));
	g_error_free(err);
	assert_true(mf_addr_parse("138.201.208.22", &a));
	assert_false(col_geo_lookup(NULL, &a, &gi));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geo_lookup_country_and_as),
		cmocka_unit_test(test_geo_open_empty_and_bad),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
