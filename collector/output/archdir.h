/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_ARCHDIR_H
#define COL_ARCHDIR_H

/*
 * archdir: the archive's directory (collector/output/archive.h says what is in
 * it): file names, retention and the recovery of files a crash left
 * half-written.  Names are DIR/YYYYmmdd/minflow-YYYYmmddHHMMSS[-N].ipfix
 * (UTC), written as .minflow-YYYYmmddHHMMSS[-N].ipfix.part in the same
 * directory; only names of that exact form are ever renamed or removed,
 * so other files in DIR are left alone.
 */
#include <stdint.h>
#include <sys/types.h>

#include <glib.h>

/* Files with the same start second: -1 .. -COL_ARCHDIR_MAX_SEQ. */
#define COL_ARCHDIR_MAX_SEQ 9999

/*
 * Make DIR/YYYYmmdd for a file started at now_ms and choose a name no file
 * or .part file has: *path (final) and *part (temporary), g_free both.
 * FALSE with error set if the directory cannot be made or every sequence
 * number of that second is taken.
 */
gboolean col_archdir_new_names(const char *dir, uint64_t now_ms, char **path,
    char **part, GError **error);

/*
 * Cut part to its first keep bytes and rename it to path; with keep == 0
 * remove it.  FALSE (errno-style message in error) if that failed.
 */
gboolean col_archdir_finish(const char *part, const char *path, off_t keep,
    GError **error);

/* What retention removed. */
struct col_archdir_removed {
	uint64_t age, size;
};

/*
 * Retention over DIR's archive files (at most COL_ARCHIVE_MAX_FILES, the
 * oldest by name first): remove the files started before now_ms -
 * max_age_s * 1000 (max_age_s 0: none), then the oldest until the rest
 * take at most max_total bytes (0: no limit).  Empty day directories left
 * behind are removed.  Counts are added to *removed; each removal is
 * logged.
 */
void col_archdir_retention(const char *dir, uint64_t now_ms, uint64_t max_age_s,
    uint64_t max_total, struct col_archdir_removed *removed);

/*
 * Recover the .part files in DIR's day directories: read each with the
 * collector's IPFIX reader, keep its complete messages (renamed into
 * place, or removed if they hold no record), and count the records kept
 * and the complete records of a cut last message (lost).  Logs
 * "archive: recovered N records from FILE, M lost" for each file.
 */
void col_archdir_recover(const char *dir, uint64_t *recovered, uint64_t *lost);

#endif
