/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef REP_DEVTEXT_H
#define REP_DEVTEXT_H

/*
 * devtext: minflow-report's "Devices" table, from the "devices" array of
 * a report (format 1, minflow-report(1)): one line per device with id,
 * name, vendor, bytes out and in, flows, the top remote name and the
 * addresses.  Reports written before devices existed have no such array:
 * the table is then left out.  The report is untrusted: every member is
 * type-checked.
 */
#include <glib.h>
#include <json-glib/json-glib.h>

/* Append the table to out; FALSE (error set) if the array is malformed. */
gboolean rep_devtext_render(JsonObject *root, GString *out, GError **error);

#endif
