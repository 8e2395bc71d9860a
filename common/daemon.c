/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-daemon"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "common/daemon.h"
#include "common/error.h"
#include "common/fsafe.h"

/* Set by the handler, read by the loop (enum mf_signal). */
static volatile sig_atomic_t flags[3];

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		flags[MF_SIGNAL_USR1] = 1;
	else if (sig == SIGHUP)
		flags[MF_SIGNAL_HUP] = 1;
	else
		flags[MF_SIGNAL_STOP] = 1;
}

void
mf_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

gboolean
mf_signal_pending(enum mf_signal s)
{
	return flags[s] != 0;
}

gboolean
mf_signal_take(enum mf_signal s)
{
	if (flags[s] == 0)
		return FALSE;
	flags[s] = 0;
	return TRUE;
}

/* write(2) all of data; 0 or an errno value. */
static int
write_all(int fd, const char *data, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, data, len)) < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Make a rename in dir durable; best effort (the data is in already). */
static void
sync_dir(const char *dir)
{
	(void)mf_sync_path(dir, NULL);
}

gboolean
mf_write_atomic(const char *path, const void *data, size_t len, GError **error)
{
	return mf_write_atomic_sync(path, data, len, TRUE, error);
}

gboolean
mf_sync_path(const char *path, GError **error)
{
	int fd, saved = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return TRUE;
		saved = errno;
	} else if (fsync(fd) != 0) {
		saved = errno;
	}
	if (fd >= 0)
		(void)close(fd);
	if (saved != 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "%s: %s", path,
		    g_strerror(saved));
		return FALSE;
	}
	return TRUE;
}

gboolean
mf_write_atomic_sync(const char *path, const void *data, size_t len,
    gboolean sync, GError **error)
{
	g_autofree char *dir = g_path_get_dirname(path);
	g_autofree char *base = g_path_get_basename(path);
	g_autofree char *tmpname = g_strdup_printf(".%s.XXXXXX", base);
	g_autofree char *tmp = g_build_filename(dir, tmpname, NULL);
	int fd, saved;

	if ((fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
	         MF_FSAFE_FILE_MODE)) < 0) {
		saved = errno;
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "%s: %s", tmp,
		    g_strerror(saved));
		return FALSE;
	}
	saved = fchmod(fd, MF_FSAFE_FILE_MODE) != 0 ? errno : 0;
	if (saved == 0)
		saved = write_all(fd, data, len);
	if (saved == 0 && sync && fsync(fd) != 0)
		saved = errno;
	if (close(fd) != 0 && saved == 0)
		saved = errno;
	if (saved == 0 && g_rename(tmp, path) != 0)
		saved = errno;
	if (saved != 0) {
		(void)g_unlink(tmp);
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "%s: %s", path,
		    g_strerror(saved));
		return FALSE;
	}
	if (sync)
		sync_dir(dir);
	return TRUE;
}

gboolean
mf_detach(gboolean detach, const char *pidfile, GError **error)
{
	char pid[32];
	int n;

	if (detach && daemon(0, 0) != 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "daemon: %s",
		    g_strerror(errno));
		return FALSE;
	}
	if (pidfile == NULL)
		return TRUE;
	n = g_snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	return mf_write_atomic(pidfile, pid, (size_t)n, error);
}
