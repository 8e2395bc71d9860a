/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_WIRING_H
#define COL_WIRING_H

/*
 * wiring: the one place where the collector's consumers are registered
 * with the interval engine (collector/model/consumer.h).  It builds the
 * model and analytics objects from their own sections of the
 * configuration, and adds their consumers in the order of the report's
 * members, which is also the order in which a record visits them:
 *
 *   summary        classes and seconds ([networks], [reports] interval)
 *   tables         addresses, streams, ports, top lists ([tables])
 *   dns            DNS statistics
 *   flows          flow statistics ([focus])
 *   anomalies      the detectors ([anomaly], [anomaly.NAME])
 *   devices        the device table ([devices]; "top" "devices" too)
 *   tables usage   the tables' fill and evictions
 *   blocklist      blocklist hits ([blocklists]), after the summary
 *   alerts         alerts from each finished report ([alerts])
 *   history        the finished report into SQLite ([history]; no section)
 *   web            live only: the web page's counters and stream ([web])
 *
 * The summary comes first because the tables and the detectors read the
 * class and internal sides it notes in each record; the tables come
 * before the detectors, which read the table ids they note; the devices
 * come after the detectors, whose anomalies they list per device, and
 * note each record's devices for the consumers after them.  A new
 * consumer (history, a live stream) is one more entry here.
 */
#include <glib.h>

#include "collector/model/engine.h"
#include "collector/output/web.h"
#include "collector/settings.h"

struct col_wiring;

/*
 * Build the objects from cfg (borrowed: the classifier stays cfg's) and
 * add their consumers to e.  offline: the tables and detectors hash with
 * a fixed key, so that the same file gives the same report; live, with a
 * random one.  NULL (error set) on a bad section.  Free with
 * col_wiring_free() (NULL is fine) after col_engine_free(e).
 */
struct col_wiring *col_wiring_new(const struct col_config *cfg,
    gboolean offline, struct col_engine *e, GError **error);
void col_wiring_free(struct col_wiring *w);

/* The web server (live, [web] listen set), or NULL: main starts it. */
struct col_web *col_wiring_web(const struct col_wiring *w);

/* Log the counters of the consumers that keep their own (the history). */
void col_wiring_log_counters(const struct col_wiring *w);

/*
 * SIGHUP: take [networks] (the classifier, borrowed from cfg), [focus]
 * the detectors' thresholds, windows and enabled flags and the
 * blocklist files (read again) from cfg;
 * sizes stay as they are until restart.  FALSE (error set, the
 * detectors unchanged) if the detectors refuse their section.
 */
gboolean col_wiring_reload(struct col_wiring *w, const struct col_config *cfg,
    GError **error);

#endif
