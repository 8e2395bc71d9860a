/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_ALERT_STATE_H
#define COL_ALERT_STATE_H

/*
 * alert_state: what the alert rules (collector/output/alert_rules.h)
 * remember across reports and restarts: five sets of text keys, each
 * with a 64-bit value (devices known, anomalies open, what was alerted
 * and when, the day's bytes per device, reports of silence per
 * exporter), and the day of the byte counts.  Kept in a small JSON file,
 * read at start (but for the silence counts, which start afresh) and written
 * atomically (temp file + rename) by col_alert_state_save().  Each set holds at
 * most COL_ALERT_STATE_MAX keys; a new key beyond is not kept and counted in
 * dropped.
 */
#include <stdint.h>

#include <glib.h>

#define COL_ALERT_STATE_MAX 65536 /* keys per set */

enum col_alert_set {
	COL_AS_DEVICES,
	COL_AS_OPEN,
	COL_AS_ALERTED,
	COL_AS_QUOTA,
	COL_AS_SILENT,
	COL_AS_N
};

struct col_alert_state;

/*
 * The state of file (copied; NULL or "": kept in memory only), read if
 * the file exists; a file that cannot be read or parsed is logged and
 * the state starts empty.  Free with col_alert_state_free().
 */
struct col_alert_state *col_alert_state_new(const char *file);
void col_alert_state_free(struct col_alert_state *s);

gboolean col_alert_state_has(const struct col_alert_state *s,
    enum col_alert_set set, const char *key);
int64_t col_alert_state_get(const struct col_alert_state *s,
    enum col_alert_set set, const char *key, int64_t def);
void col_alert_state_put(struct col_alert_state *s, enum col_alert_set set,
    const char *key, int64_t v);

/* Remove the keys whose value is below min. */
void col_alert_state_forget_below(struct col_alert_state *s,
    enum col_alert_set set, int64_t min);
/* Remove the keys that keep (a set of strings) does not hold. */
void col_alert_state_keep_only(struct col_alert_state *s,
    enum col_alert_set set, GHashTable *keep);

/* The day of the byte counts ("" at first); a new day empties them. */
const char *col_alert_state_day(const struct col_alert_state *s);
void col_alert_state_new_day(struct col_alert_state *s, const char *day);

/* Write the file (nothing without one); failures are logged. */
void col_alert_state_save(const struct col_alert_state *s);

uint64_t col_alert_state_dropped(const struct col_alert_state *s);

#endif
