/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MF_FSAFE_H
#define MF_FSAFE_H

/*
 * fsafe: files and directories made so that someone else who can write
 * where we write cannot redirect it.  A program that runs as root with a
 * report or archive directory others can write to would otherwise follow
 * a planted symlink (a day directory, a .part file) and write where it
 * points.  Files are created with O_EXCL | O_NOFOLLOW and get their mode
 * by fchmod(2), whatever the umask: MF_FSAFE_FILE_MODE for data,
 * MF_FSAFE_SECRET_MODE for secrets.
 */
#include <sys/types.h>

#include <glib.h>

#define MF_FSAFE_FILE_MODE 0640
#define MF_FSAFE_SECRET_MODE 0600

/*
 * Create path for writing: it must not exist (not even as a symlink).
 * Returns the descriptor (O_CLOEXEC), mode set to mode; -1 with error
 * naming path otherwise.
 */
int mf_fsafe_create(const char *path, mode_t mode, GError **error);

/*
 * A directory the program makes inside one of its own (a day
 * directory): made (with its parents, 0755) if missing, then it must be
 * a directory itself, not a symlink, owned by us or root and not
 * writable by others.  FALSE with error saying which otherwise.
 */
gboolean mf_fsafe_mkdir(const char *dir, GError **error);

/*
 * A configured directory (what: "reports", "archive"): made if missing.
 * Refused (FALSE, error set) if others may write to it, since they could
 * plant symlinks in it; a symlink itself, or a directory its group may
 * write to, is allowed with a warning.
 */
gboolean mf_fsafe_check_dir(const char *dir, const char *what, GError **error);

#endif
