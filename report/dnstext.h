/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef REP_DNSTEXT_H
#define REP_DNSTEXT_H

/*
 * dnstext: minflow-report's "DNS" section, from a report's "dns" object:
 * most resolved names, failures, clients and the last answers, each as a
 * numbered table.  A report without "dns" (older versions) prints
 * nothing; a malformed one is an error naming the key.
 */
#include <glib.h>
#include <json-glib/json-glib.h>

gboolean rep_dnstext_render(JsonObject *root, GString *out, GError **error);

#endif
