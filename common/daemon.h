/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MF_DAEMON_H
#define MF_DAEMON_H

/*
 * daemon: what both programs do to run as a service.  The one signal
 * handler only sets a flag (a volatile sig_atomic_t, process-wide by
 * nature: the only mutable state outside main.c); the loop asks for the
 * flags and does the work.
 */
#include <stddef.h>

#include <glib.h>

enum mf_signal {
	MF_SIGNAL_STOP, /* SIGTERM, SIGINT: flush and exit */
	MF_SIGNAL_USR1, /* SIGUSR1: log the counters */
	MF_SIGNAL_HUP,  /* SIGHUP: read the configuration again */
};

/*
 * Catch SIGTERM, SIGINT, SIGUSR1 and SIGHUP into their flags and ignore
 * SIGPIPE.
 */
void mf_signals_install(void);

/* TRUE if signal s has arrived (the flag stays set). */
gboolean mf_signal_pending(enum mf_signal s);

/* TRUE if signal s has arrived since the last call; clears the flag. */
gboolean mf_signal_take(enum mf_signal s);

/*
 * Write len bytes of data to path atomically: a hidden temporary file
 * beside it (".NAME.XXXXXX", a new file made with O_EXCL | O_NOFOLLOW,
 * mode MF_FSAFE_FILE_MODE (0640) whatever the umask, so the rename stays
 * within one file system and directory scans skip it), fsync, rename over
 * path, then fsync the directory (best effort).  The rename replaces a
 * symlink at path, never what it points to.  Readers see the old file or
 * the new one, never a part.  FALSE with error naming the file otherwise.
 */
gboolean mf_write_atomic(const char *path, const void *data, size_t len,
    GError **error);

/*
 * The same, but with sync FALSE neither the file nor the directory is
 * fsynced: the rename still keeps readers from seeing a part, but a crash
 * may lose the file.  For a batch that makes everything durable once at
 * its end (minflow-collector -r: mf_sync_path() on each).
 */
gboolean mf_write_atomic_sync(const char *path, const void *data, size_t len,
    gboolean sync, GError **error);

/*
 * fsync(2) the file or directory path; one removed meanwhile (ENOENT) is
 * no error.  FALSE with error naming path if it fails.
 */
gboolean mf_sync_path(const char *path, GError **error);

/*
 * Detach (daemon(3): no controlling terminal, working directory /) if
 * detach is TRUE, then write our process id to pidfile if not NULL (give
 * an absolute path: the directory has changed; written atomically, so a
 * reader never finds it empty).
 */
gboolean mf_detach(gboolean detach, const char *pidfile, GError **error);

#endif
