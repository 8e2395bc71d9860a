/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-fsafe"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "common/error.h"
#include "common/fsafe.h"

int
mf_fsafe_create(const char *path, mode_t mode, GError **error)
{
	int fd, e;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    mode);
	if (fd >= 0 && fchmod(fd, mode) == 0)
		return fd;
	e = errno;
	if (fd >= 0) {
		(void)close(fd);
		(void)g_unlink(path);
	}
	g_set_error(error, MF_ERROR, MF_ERROR_IO, "%s: %s", path,
	    e == EEXIST ? "exists already (a planted file or symlink?)"
	                : g_strerror(e));
	return -1;
}

static gboolean
make(const char *dir, GError **error)
{
	int e;

	if (g_mkdir_with_parents(dir, 0755) == 0)
		return TRUE;
	e = errno;
	g_set_error(error, MF_ERROR, MF_ERROR_IO, "%s: %s", dir, g_strerror(e));
	return FALSE;
}

gboolean
mf_fsafe_mkdir(const char *dir, GError **error)
{
	const char *why = NULL;
	GStatBuf st;
	int e;

	if (!make(dir, error))
		return FALSE;
	if (g_lstat(dir, &st) != 0) {
		e = errno;
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "%s: %s", dir,
		    g_strerror(e));
		return FALSE;
	}
	if (S_ISLNK(st.st_mode))
		why = "is a symlink";
	else if (!S_ISDIR(st.st_mode))
		why = "is not a directory";
	else if (st.st_uid != geteuid() && st.st_uid != 0)
		why = "belongs to another user";
	else if (st.st_mode & S_IWOTH)
		why = "is writable by others";
	if (why == NULL)
		return TRUE;
	g_set_error(error, MF_ERROR, MF_ERROR_IO, "%s %s: not written to", dir,
	    why);
	return FALSE;
}

gboolean
mf_fsafe_check_dir(const char *dir, const char *what, GError **error)
{
	GStatBuf st;
	int e;

	if (!make(dir, error))
		return FALSE;
	if (g_lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
		g_warning("%s directory %s is a symlink: whoever can change it "
		          "decides where %s go",
		    what, dir, what);
	if (g_stat(dir, &st) != 0) {
		e = errno;
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "%s: %s", dir,
		    g_strerror(e));
		return FALSE;
	}
	if (st.st_mode & S_IWOTH) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "%s directory %s is writable by others (mode %04o): they "
		    "could plant symlinks in it; chmod o-w it",
		    what, dir, (unsigned)(st.st_mode & 07777));
		return FALSE;
	}
	if (st.st_mode & S_IWGRP)
		g_warning("%s directory %s is writable by its group (mode "
		          "%04o): members could plant symlinks in it",
		    what, dir, (unsigned)(st.st_mode & 07777));
	return TRUE;
}
