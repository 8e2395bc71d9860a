/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_REPORT_SUMMARY_H
#define COL_REPORT_SUMMARY_H

/*
 * report_summary: the consumer of the report's "summary" member.  It
 * classifies every flow record (collector/model/classify.h), notes the
 * class and which sides are internal in the record for the consumers
 * after it (collector/model/consumer.h), and counts the record per second
 * per class (collector/model/persec.h; the reverse direction of a biflow
 * record in the opposite class, flows 0).  Each interval's open resets
 * the seconds.  The section:
 *
 *   "summary": { CLASS: { "flows", "packets", "bytes",
 *                         "per_second": [ { "t", "flows", "packets",
 *                                           "bytes" }, ... ] }, ... }
 *
 * one CLASS per col_class_names[], one per_second entry per second of
 * the interval.
 */
#include "collector/model/classify.h"
#include "collector/model/consumer.h"
#include "collector/model/persec.h"

/* The caller's storage; both borrowed.  persec may be NULL in tests of
 * other sections: the section is then all zero. */
struct col_report_summary {
	struct col_persec *persec;
	const struct col_classifier *classifier; /* SIGHUP may swap it */
};

/* The consumer "summary" on s (no free hook: s is the caller's). */
struct col_consumer col_report_summary_consumer(struct col_report_summary *s);

#endif
