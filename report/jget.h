/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef REP_JGET_H
#define REP_JGET_H

/*
 * jget: typed getters for the members of a JSON object that minflow-report
 * reads.  A report file is untrusted, so every member is checked for its
 * type before use; nothing here aborts or asserts on what the file holds.
 *
 * Each getter looks up member key of o and, when it is there with the
 * wanted type, stores it in *v and returns TRUE.  Otherwise:
 *   - missing, with REP_JGET_OPTIONAL: TRUE, *v untouched (the caller's
 *     default stays);
 *   - null, with REP_JGET_NULLABLE: TRUE, *v untouched;
 *   - else FALSE, *v untouched, and error (if not NULL) set in MF_ERROR to
 *     'malformed report: "KEY" is missing or not a T', T naming the type.
 * o may be NULL (every member is then missing).  Strings, objects and
 * arrays stored in *v belong to the document.
 */
#include <glib.h>
#include <json-glib/json-glib.h>

enum rep_jget_flags {
	REP_JGET_REQUIRED = 0,
	REP_JGET_OPTIONAL = 1 << 0, /* a missing member keeps the default */
	REP_JGET_NULLABLE = 1 << 1, /* a null member keeps the default */
};

/* Set error to 'malformed report: "key" what'; returns FALSE. */
gboolean rep_jget_malformed(GError **error, const char *key, const char *what);

/* TRUE if member key of o is there and null. */
gboolean rep_jget_is_null(JsonObject *o, const char *key);

gboolean rep_jget_string(JsonObject *o, const char *key, unsigned flags,
    const char **v, GError **error);
/* Any integer, negative ones included ("an integer" in messages). */
gboolean rep_jget_int(JsonObject *o, const char *key, unsigned flags, gint64 *v,
    GError **error);
/* A non-negative integer ("a count"): reports hold counters and ids. */
gboolean rep_jget_uint(JsonObject *o, const char *key, unsigned flags,
    guint64 *v, GError **error);
/* An integer or a floating-point number, as a double. */
gboolean rep_jget_double(JsonObject *o, const char *key, unsigned flags,
    double *v, GError **error);
gboolean rep_jget_bool(JsonObject *o, const char *key, unsigned flags,
    gboolean *v, GError **error);
gboolean rep_jget_object(JsonObject *o, const char *key, unsigned flags,
    JsonObject **v, GError **error);
gboolean rep_jget_array(JsonObject *o, const char *key, unsigned flags,
    JsonArray **v, GError **error);

/*
 * Element i (< length) of array a, which must be an object; otherwise
 * FALSE with 'malformed report: "what" holds a non-object'.
 */
gboolean rep_jget_elem_object(JsonArray *a, guint i, const char *what,
    JsonObject **v, GError **error);

#endif
