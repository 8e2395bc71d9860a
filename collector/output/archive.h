/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_ARCHIVE_H
#define COL_ARCHIVE_H

/*
 * archive: the collector's IPFIX archive ([archive] in minflow.conf,
 * minflow-archive(5)).  Every flow record the live collector accepts
 * (normalised, late ones too) is written with libfixbuf, under the
 * templates mf_tmpl_archive4/6 (uniflow) or mf_tmpl_archive_bi4/bi6 (a
 * record that arrived as a biflow), into files
 *
 *     DIR/YYYYmmdd/minflow-YYYYmmddHHMMSS[-N].ipfix
 *
 * named by the UTC time the file was started (-N: the Nth more file
 * started in the same second).  A file is written as
 * DIR/YYYYmmdd/.minflow-...ipfix.part and renamed into place when it is
 * closed, so a reader never sees a half-written file.  Each file starts
 * with its templates and stands alone.
 *
 * Rotation: a file is closed when it is rotate_s old (checked by
 * col_archive_tick()) or before a record would take it over
 * max_file_size bytes.  Retention, after every close and at start-up:
 * files started more than retention_s ago are removed, then the oldest
 * files until all of them take at most max_total_size bytes; both are
 * counted and logged.
 *
 * Crash safety: records are handed to the file one IPFIX message (at most
 * 65496 bytes) at a time, with one write(2) and no stdio buffer; a message
 * is written when it is full or, by col_archive_tick(), once its oldest
 * record is COL_ARCHIVE_FLUSH_MS old.  The live collector ticks at least
 * every 500 ms, so a crash (even SIGKILL) loses at most the records of
 * the last second.  Those were never on disk, so nothing can count them
 * afterwards: recovery says so.  col_archive_new() looks for .part files
 * a crash left behind: their complete messages are kept (the file is cut
 * after the last one and renamed into place; a file with no record left
 * is removed), and the complete records of a cut last message are
 * counted as lost.
 *
 * Records with zero packets are refused and counted (SiLK drops them).
 * A write error (a full disk) is logged once, counted; the file is closed
 * with what was written, and records are counted as dropped until the next
 * rotation time, when a new file is tried.
 *
 * Not for the packet path's allocation rules: opening a file allocates a
 * libfixbuf session; appending a record allocates nothing.
 */
#include <stdint.h>

#include <glib.h>

#include "collector/model/flow.h"
#include "common/model.h"

#define COL_ARCHIVE_MAX_FILES 1000000 /* files retention looks at */
#define COL_ARCHIVE_MAX_DNS_ADDRS 64  /* answered addresses kept */
#define COL_ARCHIVE_FLUSH_MS 500      /* a record's longest wait in memory */

struct col_archive_config {
	const char *dir;         /* NULL or "": no archive */
	uint64_t rotate_s;       /* a new file after this long, >= 1 */
	uint64_t max_file_size;  /* bytes a file may take, 0: no limit */
	uint64_t retention_s;    /* remove files older, 0: keep */
	uint64_t max_total_size; /* bytes all files may take, 0: no limit */
	const char *compat;      /* NULL, "" or "super_mediator": no DNS
	                          * records (super_mediator stops at them) */
};

struct col_archive_stats {
	uint64_t files;           /* files closed and renamed into place */
	uint64_t records;         /* flow records written */
	uint64_t dns_records;     /* DNS records written */
	uint64_t dns_left_out;    /* DNS records not written (compat) */
	uint64_t device_records;  /* device records written */
	uint64_t device_left_out; /* device records not written (compat) */
	uint64_t bytes;           /* bytes in the files closed */
	uint64_t zero_packets;    /* flow records refused: zero packets */
	uint64_t dropped;         /* records lost to write errors */
	uint64_t write_errors;    /* files cut short by a write error */
	uint64_t removed_age;     /* files removed: older than retention */
	uint64_t removed_size;    /* files removed: over max_total_size */
	uint64_t recovered;       /* records kept from crashed .part files */
	uint64_t lost;            /* records in their cut last messages */
};

struct col_archive;

/*
 * Open the archive in cfg->dir (created if missing), recover the .part
 * files of a crash and apply retention; now_ms is the wall clock.  NULL
 * with error set if the directory cannot be made; a cfg->dir of NULL or ""
 * gives NULL with no error (no archive).
 */
struct col_archive *col_archive_new(const struct col_archive_config *cfg,
    uint64_t now_ms, GError **error);

/* Close the open file into place, apply retention, free (NULL is fine). */
void col_archive_free(struct col_archive *a);

/*
 * Fill r with f as the archive (and normalised forwarding) writes it and
 * return its template: mf_tmpl_archive4/6, or the biflow ones when f has
 * reverse counters.  r's labels point into f.
 */
const struct mf_template *col_archive_record(const struct col_flow *f,
    struct mf_flow_rec *r);

/*
 * Write one flow record; the file is opened on the first record after a
 * close.  Returns 0, -EINVAL for a record with zero packets (counted in
 * zero_packets), or -EIO if it was dropped (write error).
 */
int col_archive_add_flow(struct col_archive *a, const struct col_flow *f);

/*
 * Write one DNS record under mf_tmpl_dns4 (family MF_AF_INET) or
 * mf_tmpl_dns6 (MF_AF_INET6).  r->addrs is an RFC 6313 basicList of
 * sourceIPv4Address or sourceIPv6Address (at most
 * COL_ARCHIVE_MAX_DNS_ADDRS values) or empty.  Returns 0, -EINVAL for a
 * bad family or list, or -EIO if it was dropped (write error).
 */
int col_archive_add_dns(struct col_archive *a, const struct mf_dns_rec *r,
    uint8_t family);

/*
 * Write one device record under mf_tmpl_device4 (family MF_AF_INET) or
 * mf_tmpl_device6 (MF_AF_INET6), as minflow-exporter sent it; a name
 * longer than 1024 bytes is cut.  Returns 0, or -EIO if it was dropped
 * (write error).
 */
int col_archive_add_device(struct col_archive *a, const struct mf_device_rec *r,
    uint8_t family);

/*
 * The wall clock: rotates a file that is rotate_s old, writes the
 * buffered message once its oldest record is COL_ARCHIVE_FLUSH_MS old.
 */
void col_archive_tick(struct col_archive *a, uint64_t now_ms);

/* Close the open file now (if any) and apply retention. */
void col_archive_rotate(struct col_archive *a);

const struct col_archive_stats *col_archive_get_stats(
    const struct col_archive *a);

/* Log the counters (SIGUSR1 and exit); a NULL archive logs nothing. */
void col_archive_log_counters(const struct col_archive *a);

#endif
