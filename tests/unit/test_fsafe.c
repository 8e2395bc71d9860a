/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-fsafe"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <cmocka.h>

#include "common/daemon.h"
#include "common/error.h"
#include "common/fsafe.h"

/* Files and directories others could redirect (common/fsafe.h). */

struct tmp {
	char *dir, *target, *link;
};

static int
setup(void **state)
{
	struct tmp *t = g_new0(struct tmp, 1);

	t->dir = g_dir_make_tmp("test_fsafe.XXXXXX", NULL);
	assert_non_null(t->dir);
	t->target = g_build_filename(t->dir, "target", NULL);
	t->link = g_build_filename(t->dir, "link", NULL);
	assert_true(g_file_set_contents(t->target, "keep", 4, NULL));
	assert_int_equal(symlink(t->target, t->link), 0);
	*state = t;
	return 0;
}

static void
rm_rf(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *n;
	GStatBuf st;

	while (d != NULL && (n = g_dir_read_name(d)) != NULL) {
		char *p = g_build_filename(dir, n, NULL);

		if (g_lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rm_rf(p);
		else
			(void)g_unlink(p);
		g_free(p);
	}
	if (d != NULL)
		g_dir_close(d);
	(void)g_rmdir(dir);
}

static int
teardown(void **state)
{
	struct tmp *t = *state;

	rm_rf(t->dir);
	g_free(t->dir);
	g_free(t->target);
	g_free(t->link);
	g_free(t);
	return 0;
}

static mode_t
mode_of(const char *path)
{
	GStatBuf st;

	assert_int_equal(g_lstat(path, &st), 0);
	return st.st_mode & 07777;
}

static void
assert_target_kept(const struct tmp *t)
{
	char *text = NULL;

	assert_true(g_file_get_contents(t->target, &text, NULL, NULL));
	assert_string_equal(text, "keep");
	g_free(text);
}

static void
test_fsafe_create_planted_symlink_is_refused(void **state)
{
	struct tmp *t = *state;
	GError *err = NULL;

	assert_int_equal(mf_fsafe_create(t->link, MF_FSAFE_FILE_MODE, &err),
	    -1);
	assert_non_null(strstr(err->message, "exists already"));
	g_clear_error(&err);
	assert_target_kept(t);
}

static void
test_fsafe_create_mode_whatever_the_umask(void **state)
{
	struct tmp *t = *state;
	char *a = g_build_filename(t->dir, "a", NULL);
	char *b = g_build_filename(t->dir, "b", NULL);
	mode_t old = umask(0);
	int fd;

	assert_true((fd = mf_fsafe_create(a, MF_FSAFE_FILE_MODE, NULL)) >= 0);
	close(fd);
	umask(077);
	assert_true((fd = mf_fsafe_create(b, MF_FSAFE_SECRET_MODE, NULL)) >= 0);
	close(fd);
	umask(old);
	assert_int_equal(mode_of(a), 0640);
	assert_int_equal(mode_of(b), 0600);
	g_free(a);
	g_free(b);
}

/* The rename replaces the link; the file it named keeps its bytes. */
static void
test_fsafe_write_atomic_replaces_a_symlink_0640(void **state)
{
	struct tmp *t = *state;
	mode_t old = umask(0);

	assert_true(mf_write_atomic(t->link, "1\n", 2, NULL));
	umask(old);
	assert_int_equal(mode_of(t->link), 0640);
	assert_true(g_file_test(t->link, G_FILE_TEST_IS_REGULAR) &&
	    !g_file_test(t->link, G_FILE_TEST_IS_SYMLINK));
	assert_target_kept(t);
}

static void
test_fsafe_mkdir_symlink_and_open_dirs_are_refused(void **state)
{
	struct tmp *t = *state;
	char *sub = g_build_filename(t->dir, "sub", NULL);
	char *day = g_build_filename(t->dir, "day", NULL);
	char *open = g_build_filename(t->dir, "open", NULL);
	GError *err = NULL;

	assert_true(mf_fsafe_mkdir(sub, NULL));
	assert_true(mf_fsafe_mkdir(sub, NULL)); /* there already */
	assert_int_equal(symlink(sub, day), 0);
	assert_false(mf_fsafe_mkdir(day, &err));
	assert_non_null(strstr(err->message, "is a symlink"));
	g_clear_error(&err);
	assert_false(mf_fsafe_mkdir(t->target, &err)); /* a file */
	assert_non_null(err);
	g_clear_error(&err);
	assert_int_equal(g_mkdir(open, 0755), 0);
	assert_int_equal(chmod(open, 0777), 0);
	assert_false(mf_fsafe_mkdir(open, &err));
	assert_non_null(strstr(err->message, "writable by others"));
	g_clear_error(&err);
	g_free(sub);
	g_free(day);
	g_free(open);
}

static void
test_fsafe_check_dir_others_refused_group_warned(void **state)
{
	struct tmp *t = *state;
	char *d = g_build_filename(t->dir, "reports", NULL);
	char *made = g_build_filename(t->dir, "x", "y", NULL);
	GError *err = NULL;

	assert_true(mf_fsafe_check_dir(made, "reports", NULL));
	assert_true(g_file_test(made, G_FILE_TEST_IS_DIR));
	assert_int_equal(g_mkdir(d, 0755), 0);
	assert_int_equal(chmod(d, 01777), 0);
	assert_false(mf_fsafe_check_dir(d, "reports", &err));
	assert_int_equal(err->code, MF_ERROR_CONFIG);
	assert_non_null(strstr(err->message, "writable by others"));
	g_clear_error(&err);
	assert_int_equal(chmod(d, 0775), 0);
	assert_true(mf_fsafe_check_dir(d, "reports", NULL));
	g_free(d);
	g_free(made);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_fsafe_create_planted_symlink_is_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_fsafe_create_mode_whatever_the_umask, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_fsafe_write_atomic_replaces_a_symlink_0640, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_fsafe_mkdir_symlink_and_open_dirs_are_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_fsafe_check_dir_others_refused_group_warned, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
