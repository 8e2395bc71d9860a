/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "rep-jget"

#include <glib.h>
#include <json-glib/json-glib.h>

#include "common/error.h"
#include "report/jget.h"

gboolean
rep_jget_malformed(GError **error, const char *key, const char *what)
{
	g_set_error(error, MF_ERROR, MF_ERROR_IO, "malformed report: \"%s\" %s",
	    key, what);
	return FALSE;
}

gboolean
rep_jget_is_null(JsonObject *o, const char *key)
{
	JsonNode *n = o != NULL ? json_object_get_member(o, key) : NULL;

	return n != NULL && JSON_NODE_HOLDS_NULL(n);
}

/*
 * Member key of o in *n; FALSE with *n NULL if the flags let it be absent
 * (missing or null) and it is.  TRUE means *n is there and not an allowed
 * absence: the caller checks its type.
 */
static gboolean
member(JsonObject *o, const char *key, unsigned flags, JsonNode **n)
{
	*n = o != NULL ? json_object_get_member(o, key) : NULL;
	if (*n == NULL)
		return (flags & REP_JGET_OPTIONAL) == 0;
	if (JSON_NODE_HOLDS_NULL(*n) && (flags & REP_JGET_NULLABLE) != 0) {
		*n = NULL;
		return FALSE;
	}
	return TRUE;
}

/*
 * Member key of o in *n if it holds a value of type t (G_TYPE_INVALID:
 * any value); *n NULL if the flags let it be absent and it is.  FALSE
 * (error set: "is missing or not " what) for anything else.
 */
static gboolean
typed(JsonObject *o, const char *key, unsigned flags, GType t, const char *what,
    JsonNode **n, GError **error)
{
	char *msg;

	if (!member(o, key, flags, n)) {
		*n = NULL;
		return TRUE;
	}
	if (*n != NULL && JSON_NODE_HOLDS_VALUE(*n) &&
	    (t == G_TYPE_INVALID || json_node_get_value_type(*n) == t))
		return TRUE;
	msg = g_strconcat("is missing or not ", what, NULL);
	rep_jget_malformed(error, key, msg);
	g_free(msg);
	return FALSE;
}

gboolean
rep_jget_string(JsonObject *o, const char *key, unsigned flags, const char **v,
    GError **error)
{
	JsonNode *n;

	if (!typed(o, key, flags, G_TYPE_STRING, "a string", &n, error))
		return FALSE;
	if (n != NULL)
		*v = json_node_get_string(n);
	return TRUE;
}

gboolean
rep_jget_int(JsonObject *o, const char *key, unsigned flags, gint64 *v,
    GError **error)
{
	JsonNode *n;

	if (!typed(o, key, flags, G_TYPE_INT64, "an integer", &n, error))
		return FALSE;
	if (n != NULL)
		*v = json_node_get_int(n);
	return TRUE;
}

gboolean
rep_jget_uint(JsonObject *o, const char *key, unsigned flags, guint64 *v,
    GError **error)
{
	JsonNode *n;

	if (!typed(o, key, flags, G_TYPE_INT64, "a count", &n, error))
		return FALSE;
	if (n != NULL && json_node_get_int(n) < 0)
		return rep_jget_malformed(error, key,
		    "is missing or not a count");
	if (n != NULL)
		*v = (guint64)json_node_get_int(n);
	return TRUE;
}

gboolean
rep_jget_double(JsonObject *o, const char *key, unsigned flags, double *v,
    GError **error)
{
	JsonNode *n;
	GType t;

	if (!typed(o, key, flags, G_TYPE_INVALID, "a number", &n, error))
		return FALSE;
	if (n == NULL)
		return TRUE;
	t = json_node_get_value_type(n);
	if (t == G_TYPE_DOUBLE)
		*v = json_node_get_double(n);
	else if (t == G_TYPE_INT64)
		*v = (double)json_node_get_int(n);
	else
		return rep_jget_malformed(error, key,
		    "is missing or not a number");
	return TRUE;
}

gboolean
rep_jget_bool(JsonObject *o, const char *key, unsigned flags, gboolean *v,
    GError **error)
{
	JsonNode *n;

	if (!typed(o, key, flags, G_TYPE_BOOLEAN, "a boolean", &n, error))
		return FALSE;
	if (n != NULL)
		*v = json_node_get_boolean(n);
	return TRUE;
}

gboolean
rep_jget_object(JsonObject *o, const char *key, unsigned flags, JsonObject **v,
    GError **error)
{
	JsonNode *n;

	if (!member(o, key, flags, &n))
		return TRUE;
	if (n == NULL || !JSON_NODE_HOLDS_OBJECT(n))
		return rep_jget_malformed(error, key,
		    "is missing or not an object");
	*v = json_node_get_object(n);
	return TRUE;
}

gboolean
rep_jget_array(JsonObject *o, const char *key, unsigned flags, JsonArray **v,
    GError **error)
{
	JsonNode *n;

	if (!member(o, key, flags, &n))
		return TRUE;
	if (n == NULL || !JSON_NODE_HOLDS_ARRAY(n))
		return rep_jget_malformed(error, key,
		    "is missing or not an array");
	*v = json_node_get_array(n);
	return TRUE;
}

gboolean
rep_jget_elem_object(JsonArray *a, guint i, const char *what, JsonObject **v,
    GError **error)
{
	JsonNode *n =
	    i < json_array_get_length(a) ? json_array_get_element(a, i) : NULL;

	if (n == NULL || !JSON_NODE_HOLDS_OBJECT(n))
		return rep_jget_malformed(error, what, "holds a non-object");
	*v = json_node_get_object(n);
	return TRUE;
}
