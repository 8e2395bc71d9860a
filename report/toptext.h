/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef REP_TOPTEXT_H
#define REP_TOPTEXT_H

/*
 * toptext: minflow-report's top lists, "Top talkers", "Conversations" and
 * "Applications", from the report's "top" object.  Talkers and
 * conversations refer to "addresses" and "streams" by id; those arrays
 * are indexed by their "id" members, never by position.  An id the report
 * does not describe shows as "#ID" (a talker) or is an error (a
 * conversation).
 */
#include <glib.h>
#include <json-glib/json-glib.h>

/* Append the three tables to out; FALSE (error set) if malformed. */
gboolean rep_toptext_render(JsonObject *root, GString *out, GError **error);

#endif
