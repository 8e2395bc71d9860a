/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-archdir"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "collector/output/archdir.h"
#include "collector/output/archive.h"
#include "collector/ingest/fixread.h"
#include "common/error.h"
#include "common/fsafe.h"

#define PREFIX "minflow-"
#define SUFFIX ".ipfix"
#define PART ".part"
#define STAMP_LEN 14 /* YYYYmmddHHMMSS */
#define MSG_MAX 65535
#define IPFIX_HEADER_LEN 16
#define RECOVER_TEMPLATES 16

/* An archive file found in the directory. */
struct entry {
	char *path;
	uint64_t time_s;
	unsigned seq;
	uint64_t size;
};

/* "YYYYmmddHHMMSS" (UTC) of secs into out (15 bytes). */
static gboolean
utc_stamp(uint64_t secs, char out[STAMP_LEN + 1])
{
	time_t t = (time_t)secs;
	struct tm tm;

	return gmtime_r(&t, &tm) != NULL &&
	    strftime(out, STAMP_LEN + 1, "%Y%m%d%H%M%S", &tm) == STAMP_LEN;
}

static char *
file_name(const char *day, const char *stamp, unsigned seq, gboolean part)
{
	char s[16] = "";

	if (seq > 0)
		g_snprintf(s, sizeof(s), "-%u", seq);
	return g_strdup_printf("%s/%s" PREFIX "%s%s" SUFFIX "%s", day,
	    part ? "." : "", stamp, s, part ? PART : "");
}

/* A name in use: by a file, a directory or a symlink (dangling too). */
static gboolean
taken(const char *path)
{
	GStatBuf st;

	return g_lstat(path, &st) == 0;
}

gboolean
col_archdir_new_names(const char *dir, uint64_t now_ms, char **path,
    char **part, GError **error)
{
	char stamp[STAMP_LEN + 1], ymd[9], *day;
	unsigned seq;

	if (!utc_stamp(now_ms / 1000, stamp)) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "archive: time %" G_GUINT64_FORMAT " has no date", now_ms);
		return FALSE;
	}
	g_strlcpy(ymd, stamp, sizeof(ymd));
	day = g_build_filename(dir, ymd, NULL);
	if (!mf_fsafe_mkdir(day, error)) {
		g_prefix_error(error, "archive: ");
		g_free(day);
		return FALSE;
	}
	for (seq = 0; seq <= COL_ARCHDIR_MAX_SEQ; seq++) {
		*path = file_name(day, stamp, seq, FALSE);
		*part = file_name(day, stamp, seq, TRUE);
		if (!taken(*path) && !taken(*part))
			break;
		g_free(*path);
		g_free(*part);
		*path = *part = NULL;
	}
	g_free(day);
	if (*path == NULL)
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "archive: too many files started at %s", stamp);
	return *path != NULL;
}

gboolean
col_archdir_finish(const char *part, const char *path, off_t keep,
    GError **error)
{
	int e;

	if (keep == 0) {
		if (g_unlink(part) == 0)
			return TRUE;
	} else if (truncate(part, keep) == 0 && g_rename(part, path) == 0) {
		return TRUE;
	}
	e = errno;
	g_set_error(error, MF_ERROR, MF_ERROR_IO, "archive: %s: %s", part,
	    g_strerror(e));
	return FALSE;
}

/* The value of n decimal digits at s, or -1 if one is not a digit. */
static int
num(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!g_ascii_isdigit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Seconds since the epoch of "YYYYmmddHHMMSS" (UTC); FALSE if not one. */
static gboolean
parse_stamp(const char *p, uint64_t *time_s)
{
	GDateTime *dt;
	int y = num(p, 4), mo = num(p + 4, 2), d = num(p + 6, 2);
	int h = num(p + 8, 2), mi = num(p + 10, 2), sec = num(p + 12, 2);

	if (y < 1970 || mo < 1 || d < 1 || h < 0 || mi < 0 || sec < 0)
		return FALSE;
	if ((dt = g_date_time_new_utc(y, mo, d, h, mi, sec)) == NULL)
		return FALSE;
	*time_s = (uint64_t)g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return TRUE;
}

/*
 * Parse "minflow-YYYYmmddHHMMSS[-N].ipfix" (part: with the leading dot
 * and trailing ".part"): the start time and sequence number (0 without).
 */
static gboolean
parse_name(const char *name, gboolean part, uint64_t *time_s, unsigned *seq)
{
	const char *p = name, *want = part ? SUFFIX PART : SUFFIX;
	size_t n = 0;
	int v;

	if (part && *p++ != '.')
		return FALSE;
	if (strncmp(p, PREFIX, strlen(PREFIX)) != 0)
		return FALSE;
	p += strlen(PREFIX);
	if (strlen(p) < STAMP_LEN || !parse_stamp(p, time_s))
		return FALSE;
	p += STAMP_LEN;
	*seq = 0;
	if (*p == '-') {
		while (n < 5 && g_ascii_isdigit(p[1 + n]))
			n++;
		v = num(p + 1, n);
		if (n == 0 || p[1] == '0' || v > COL_ARCHDIR_MAX_SEQ)
			return FALSE;
		*seq = (unsigned)v;
		p += 1 + n;
	}
	return strcmp(p, want) == 0;
}

/* --- listing ------------------------------------------------------------ */

struct listing {
	GArray *files; /* struct entry */
	gboolean part; /* .part files, not archive files */
	uint64_t skipped;
};

static void
list_one(struct listing *l, const char *day, const char *name)
{
	struct entry e;
	GStatBuf st;

	if (!parse_name(name, l->part, &e.time_s, &e.seq))
		return;
	if (l->files->len >= COL_ARCHIVE_MAX_FILES) {
		l->skipped++;
		return;
	}
	e.path = g_build_filename(day, name, NULL);
	/* Never follow a planted symlink (recovery truncates, retention
	 * removes). */
	if (g_lstat(e.path, &st) != 0 || !S_ISREG(st.st_mode)) {
		g_warning("archive: %s is not a regular file: left alone",
		    e.path);
		g_free(e.path);
		return;
	}
	e.size = (uint64_t)st.st_size;
	g_array_append_val(l->files, e);
}

static int
entry_cmp(gconstpointer pa, gconstpointer pb)
{
	const struct entry *a = pa, *b = pb;

	if (a->time_s != b->time_s)
		return a->time_s < b->time_s ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The archive (or .part) files in dir's day directories, oldest first. */
static GArray *
list_files(const char *dir, gboolean part)
{
	struct listing l = { g_array_new(FALSE, FALSE, sizeof(struct entry)),
		part, 0 };
	const char *day, *name;
	GStatBuf st;
	GDir *d, *sub;

	if ((d = g_dir_open(dir, 0, NULL)) == NULL)
		return l.files;
	while ((day = g_dir_read_name(d)) != NULL) {
		char *path;

		if (strlen(day) != 8 || num(day, 8) < 0)
			continue;
		path = g_build_filename(dir, day, NULL);
		if (g_lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
		    (sub = g_dir_open(path, 0, NULL)) != NULL) {
			while ((name = g_dir_read_name(sub)) != NULL)
				list_one(&l, path, name);
			g_dir_close(sub);
		}
		g_free(path);
	}
	g_dir_close(d);
	if (l.skipped > 0)
		g_warning("archive: %s: %" G_GUINT64_FORMAT " files beyond the "
		          "first %u ignored",
		    dir, l.skipped, COL_ARCHIVE_MAX_FILES);
	g_array_sort(l.files, entry_cmp);
	return l.files;
}

static void
free_files(GArray *files)
{
	guint i;

	for (i = 0; i < files->len; i++)
		g_free(g_array_index(files, struct entry, i).path);
	g_array_free(files, TRUE);
}

/* --- retention ---------------------------------------------------------- */

static gboolean
remove_file(const struct entry *e, const char *why)
{
	char *day;

	if (g_unlink(e->path) != 0) {
		int err = errno;

		g_warning("archive: cannot remove %s: %s", e->path,
		    g_strerror(err));
		return FALSE;
	}
	g_message("archive: removed %s (%s)", e->path, why);
	day = g_path_get_dirname(e->path);
	(void)g_rmdir(day); /* only if that emptied it */
	g_free(day);
	return TRUE;
}

void
col_archdir_retention(const char *dir, uint64_t now_ms, uint64_t max_age_s,
    uint64_t max_total, struct col_archdir_removed *removed)
{
	GArray *files = list_files(dir, FALSE);
	uint64_t now_s = now_ms / 1000, total = 0;
	guint i;

	for (i = 0; i < files->len; i++)
		total += g_array_index(files, struct entry, i).size;
	for (i = 0; i < files->len; i++) {
		const struct entry *e = &g_array_index(files, struct entry, i);
		gboolean old = max_age_s != 0 && now_s >= max_age_s &&
		    e->time_s < now_s - max_age_s;

		if (old && remove_file(e, "older than retention")) {
			removed->age++;
			total -= e->size;
		} else if (!old && max_total != 0 && total > max_total &&
		    remove_file(e, "over max-total-size")) {
			removed->size++;
			total -= e->size;
		} else if (!old && (max_total == 0 || total <= max_total)) {
			break; /* the rest are younger, and they fit */
		}
	}
	free_files(files);
}

/* --- recovery ----------------------------------------------------------- */

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
no_flow(const struct col_flow *f, void *ctx)
{
	(void)f;
	(void)ctx;
}

/* Records (flows and others) the reader takes from one message. */
static uint64_t
records_of(struct col_fixread *r, const uint8_t *msg, size_t len)
{
	const struct col_fixread_stats *s = col_fixread_get_stats(r);
	uint64_t before = s->records + s->other_records;

	(void)col_fixread_message(r, msg, len, 0, no_flow, NULL);
	return s->records + s->other_records - before;
}

/*
 * A message cut after got bytes, made whole: its last set ends where the
 * bytes end (a partial set header is dropped), the header says so.
 * Returns the new length (0 if not even the header is there).
 */
static size_t
cut_message(uint8_t *buf, size_t got)
{
	size_t off = IPFIX_HEADER_LEN, slen;

	if (got < IPFIX_HEADER_LEN)
		return 0;
	while (off + 4 <= got) {
		slen = get16(buf + off + 2);
		if (slen < 4)
			break;
		if (off + slen > got) {
			put16(buf + off + 2, got - off);
			off = got;
			break;
		}
		off += slen;
	}
	put16(buf + 2, off);
	return off;
}

/* The final name of a .part file: no dot, no ".part". */
static char *
final_name(const char *part)
{
	char *day = g_path_get_dirname(part), *base = g_path_get_basename(part);
	char *path;

	base[strlen(base) - strlen(PART)] = '\0';
	path = g_build_filename(day, base + 1, NULL);
	g_free(day);
	g_free(base);
	return path;
}

/*
 * Read part's messages: *keep is the length of its complete messages,
 * *kept their records, *lost the complete records of a cut last one.
 */
static void
scan_part(struct col_fixread *r, FILE *fp, off_t *keep, uint64_t *kept,
    uint64_t *lost)
{
	uint8_t *buf = g_malloc(MSG_MAX);
	size_t len, got;

	while (fread(buf, 1, 4, fp) == 4) {
		len = get16(buf + 2);
		if (buf[0] != 0 || buf[1] != 10 || len < IPFIX_HEADER_LEN)
			break; /* not ours past here: nothing to count */
		got = 4 + fread(buf + 4, 1, len - 4, fp);
		if (got < len) {
			*lost += records_of(r, buf, cut_message(buf, got));
			break;
		}
		*kept += records_of(r, buf, len);
		*keep += (off_t)len;
	}
	g_free(buf);
}

static void
recover_file(struct col_fixmodel *m, const char *part, uint64_t *recovered,
    uint64_t *lost)
{
	struct col_fixread *r;
	char *path = final_name(part);
	uint64_t kept = 0, gone = 0;
	GError *err = NULL;
	off_t keep = 0;
	FILE *fp;

	if ((fp = fopen(part, "rb")) == NULL) {
		int e = errno;

		g_warning("archive: %s: %s", part, g_strerror(e));
		g_free(path);
		return;
	}
	r = col_fixread_new(m, RECOVER_TEMPLATES);
	scan_part(r, fp, &keep, &kept, &gone);
	col_fixread_free(r);
	fclose(fp);
	if (kept > 0 && g_file_test(path, G_FILE_TEST_EXISTS)) {
		g_warning("archive: %s exists: %s removed", path, part);
		gone += kept;
		kept = 0;
	}
	if (kept == 0)
		keep = 0;
	if (!col_archdir_finish(part, path, keep, &err)) {
		g_warning("%s", err->message);
		g_clear_error(&err);
	}
	g_message("archive: recovered %" G_GUINT64_FORMAT " records from %s, "
	          "%" G_GUINT64_FORMAT " lost in a cut message (records "
	          "received in the last second before the crash were not "
	          "written and cannot be counted)",
	    kept, keep > 0 ? path : part, gone);
	*recovered += kept;
	*lost += gone;
	g_free(path);
}

void
col_archdir_recover(const char *dir, uint64_t *recovered, uint64_t *lost)
{
	GArray *parts = list_files(dir, TRUE);
	struct col_fixmodel *m;
	guint i;

	if (parts->len > 0) {
		m = col_fixmodel_new();
		for (i = 0; i < parts->len; i++)
			recover_file(m,
			    g_array_index(parts, struct entry, i).path,
			    recovered, lost);
		col_fixmodel_free(m);
	}
	free_files(parts);
}
