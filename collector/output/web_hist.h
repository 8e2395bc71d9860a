/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_WEB_HIST_H
#define COL_WEB_HIST_H

/*
 * web_hist: the API's answers from the history database
 * (collector/output/history.h): series at steps of 60 s and more,
 * devices, one device, names, anomalies and DNS over a range.  Readers
 * are read-only SQLite connections (WAL: they never block the writer)
 * kept in a pool of at most max_readers, each used by one request at a
 * time; a request that finds none free waits up to
 * COL_WEB_HIST_WAIT_US, then gets 500.  A reader is opened when first
 * needed, so the web may start before the writer made the database.
 */
#include <stddef.h>

#include <glib.h>

#include "collector/output/web_api.h"

#define COL_WEB_HIST_WAIT_US (5 * G_USEC_PER_SEC)

struct col_web_hist;

/* The pool for db (copied); free with col_web_hist_free() (NULL is fine). */
struct col_web_hist *col_web_hist_new(const char *db, size_t max_readers);
void col_web_hist_free(struct col_web_hist *h);

/*
 * The answer for what ("series", "devices", "device" with id, "names",
 * "anomalies", "dns") over r: a missing from is the epoch, a missing to
 * 9999-12-31 (history clamps both to what it holds).  h NULL: 404.
 */
void col_web_hist_answer(struct col_web_hist *h, const char *what,
    const char *id, const struct col_web_range *r, struct col_web_answer *out);

#endif
