/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "rep-top"

#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "report/jget.h"
#include "report/table.h"
#include "report/toptext.h"

#define REQ REP_JGET_REQUIRED

/* The report's address and stream objects by id. */
struct index {
	GHashTable *addrs;   /* id -> JsonObject of "addresses" */
	GHashTable *streams; /* id -> JsonObject of "streams" */
};

/* Index the objects of array key of root by their "id" into h. */
static gboolean
index_ids(JsonObject *root, const char *key, GHashTable *h, GError **error)
{
	JsonArray *a;
	JsonObject *o;
	guint64 id;
	guint i;

	if (!rep_jget_array(root, key, REQ, &a, error))
		return FALSE;
	for (i = 0; i < json_array_get_length(a); i++) {
		if (!rep_jget_elem_object(a, i, key, &o, error) ||
		    !rep_jget_uint(o, "id", REQ, &id, error))
			return FALSE;
		if (id > G_MAXUINT32)
			return rep_jget_malformed(error, key,
			    "holds an id out of range");
		g_hash_table_insert(h, GUINT_TO_POINTER((guint)id), o);
	}
	return TRUE;
}

static JsonObject *
lookup(GHashTable *h, guint64 id)
{
	if (id > G_MAXUINT32)
		return NULL;
	return g_hash_table_lookup(h, GUINT_TO_POINTER((guint)id));
}

/* The text of address id: its ip, or "#id" if the report lacks it. */
static char *
address_ip(const struct index *x, guint64 id)
{
	JsonObject *a = lookup(x->addrs, id);
	const char *ip = NULL;

	if (a == NULL || !rep_jget_string(a, "ip", REQ, &ip, NULL))
		return g_strdup_printf("#%" G_GUINT64_FORMAT, id);
	return g_strdup(ip);
}

static const char *
proto_name(guint64 p, char *buf, size_t size)
{
	switch (p) {
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 47:
		return "gre";
	case 50:
		return "esp";
	case 58:
		return "icmpv6";
	case 132:
		return "sctp";
	default:
		g_snprintf(buf, size, "%" G_GUINT64_FORMAT, p);
		return buf;
	}
}

static const struct rep_col talker_cols[] = {
	{ "#", 4, REP_RIGHT, "" },
	{ "address", 39, REP_LEFT, "  " },
	{ "MAC", 17, REP_LEFT, NULL },
	{ "int", 3, REP_LEFT, NULL },
	{ "bytes", 14, REP_RIGHT, NULL },
	{ "packets", 10, REP_RIGHT, NULL },
	{ "flows", 8, REP_RIGHT, NULL },
	{ "name", 0, REP_LEFT, "  " },
};
static const struct rep_table talker_table = { "  ", talker_cols,
	G_N_ELEMENTS(talker_cols) };

static gboolean
render_talker(const struct index *x, guint rank, JsonObject *t, GString *out,
    GError **error)
{
	struct rep_row r = { { NULL }, 0 };
	guint64 id, bytes, packets, flows;
	const char *mac = NULL, *name = NULL;
	gboolean internal = FALSE;
	JsonObject *a;

	if (!rep_jget_uint(t, "address", REQ, &id, error) ||
	    !rep_jget_uint(t, "bytes", REQ, &bytes, error) ||
	    !rep_jget_uint(t, "packets", REQ, &packets, error) ||
	    !rep_jget_uint(t, "flows", REQ, &flows, error))
		return FALSE;
	if ((a = lookup(x->addrs, id)) != NULL) {
		/* the talker's own name, by its id (issue 18) */
		if (!rep_jget_string(a, "mac", REP_JGET_NULLABLE, &mac,
		        error) ||
		    !rep_jget_string(a, "label",
		        REP_JGET_NULLABLE | REP_JGET_OPTIONAL, &name, error))
			return FALSE;
		(void)rep_jget_bool(a, "internal", REQ, &internal, NULL);
	}
	rep_row_addf(&r, "%u", rank);
	rep_row_take(&r, address_ip(x, id));
	rep_row_add(&r, mac);
	rep_row_add(&r, internal ? "yes" : "no");
	rep_row_add_uint(&r, bytes);
	rep_row_add_uint(&r, packets);
	rep_row_add_uint(&r, flows);
	rep_row_add(&r, name != NULL && *name != '\0' ? name : "-");
	rep_table_row(out, &talker_table, &r);
	return TRUE;
}

/* ip:port, with brackets around an IPv6 address. */
static char *
endpoint(const struct index *x, guint64 id, guint64 port)
{
	char *ip = address_ip(x, id), *s;

	if (strchr(ip, ':') != NULL)
		s = g_strdup_printf("[%s]:%" G_GUINT64_FORMAT, ip, port);
	else
		s = g_strdup_printf("%s:%" G_GUINT64_FORMAT, ip, port);
	g_free(ip);
	return s;
}

static const struct rep_col conv_cols[] = {
	{ "#", 4, REP_RIGHT, "" },
	{ "left", 47, REP_LEFT, "  " },
	{ "", 3, REP_LEFT, NULL }, /* "<->" */
	{ "right", 47, REP_LEFT, NULL },
	{ "proto", 6, REP_LEFT, NULL },
	{ "bytes", 14, REP_RIGHT, NULL },
	{ "packets", 10, REP_RIGHT, NULL },
	{ "label", 0, REP_LEFT, "  " },
};
static const struct rep_table conv_table = { "  ", conv_cols,
	G_N_ELEMENTS(conv_cols) };

static gboolean
render_conv(const struct index *x, guint rank, JsonObject *c, GString *out,
    GError **error)
{
	struct rep_row r = { { NULL }, 0 };
	guint64 id, bytes, packets, l, lp, rt, rp, proto, pid = 0;
	const char *label, *process = NULL;
	char pbuf[24];
	JsonObject *s;

	if (!rep_jget_uint(c, "stream", REQ, &id, error) ||
	    !rep_jget_uint(c, "bytes", REQ, &bytes, error) ||
	    !rep_jget_uint(c, "packets", REQ, &packets, error))
		return FALSE;
	if ((s = lookup(x->streams, id)) == NULL)
		return rep_jget_malformed(error, "conversations",
		    "names a stream not in \"streams\"");
	if (!rep_jget_uint(s, "left", REQ, &l, error) ||
	    !rep_jget_uint(s, "left_port", REQ, &lp, error) ||
	    !rep_jget_uint(s, "right", REQ, &rt, error) ||
	    !rep_jget_uint(s, "right_port", REQ, &rp, error) ||
	    !rep_jget_uint(s, "proto", REQ, &proto, error) ||
	    !rep_jget_string(s, "label", REQ, &label, error) ||
	    !rep_jget_string(s, "process", REP_JGET_OPTIONAL, &process,
	        error) ||
	    !rep_jget_uint(s, "pid", REP_JGET_OPTIONAL, &pid, error))
		return FALSE;
	rep_row_addf(&r, "%u", rank);
	rep_row_take(&r, endpoint(x, l, lp));
	rep_row_add(&r, "<->");
	rep_row_take(&r, endpoint(x, rt, rp));
	rep_row_add(&r, proto_name(proto, pbuf, sizeof(pbuf)));
	rep_row_add_uint(&r, bytes);
	rep_row_add_uint(&r, packets);
	/* minflow-exporter --processes: the local program, after the name. */
	if (process != NULL)
		rep_row_addf(&r, "%s  [%s %" G_GUINT64_FORMAT "]",
		    *label != '\0' ? label : "-", process, pid);
	else
		rep_row_add(&r, *label != '\0' ? label : "-");
	rep_table_row(out, &conv_table, &r);
	return TRUE;
}

static const struct rep_col app_cols[] = {
	{ "#", 4, REP_RIGHT, "" },
	{ "application", 14, REP_LEFT, "  " },
	{ "bytes", 14, REP_RIGHT, NULL },
	{ "packets", 10, REP_RIGHT, NULL },
	{ "flows", 8, REP_RIGHT, NULL },
};
static const struct rep_table app_table = { "  ", app_cols,
	G_N_ELEMENTS(app_cols) };

static gboolean
render_app(const struct index *x, guint rank, JsonObject *a, GString *out,
    GError **error)
{
	struct rep_row r = { { NULL }, 0 };
	guint64 proto, port, bytes, packets, flows;
	char pbuf[24];

	(void)x;
	if (!rep_jget_uint(a, "proto", REQ, &proto, error) ||
	    !rep_jget_uint(a, "port", REQ, &port, error) ||
	    !rep_jget_uint(a, "bytes", REQ, &bytes, error) ||
	    !rep_jget_uint(a, "packets", REQ, &packets, error) ||
	    !rep_jget_uint(a, "flows", REQ, &flows, error))
		return FALSE;
	rep_row_addf(&r, "%u", rank);
	rep_row_addf(&r, "%s/%" G_GUINT64_FORMAT,
	    proto_name(proto, pbuf, sizeof(pbuf)), port);
	rep_row_add_uint(&r, bytes);
	rep_row_add_uint(&r, packets);
	rep_row_add_uint(&r, flows);
	rep_table_row(out, &app_table, &r);
	return TRUE;
}

typedef gboolean (
    *row_fn)(const struct index *, guint, JsonObject *, GString *, GError **);

/* Run fn over the objects of top.key, with headings. */
static gboolean
render_list(const struct index *x, JsonObject *root, const char *key,
    const char *title, const struct rep_table *t, row_fn fn, GString *out,
    GError **error)
{
	JsonObject *top, *o;
	JsonArray *a;
	guint i;

	if (!rep_jget_object(root, "top", REQ, &top, error) ||
	    !rep_jget_array(top, key, REQ, &a, error))
		return FALSE;
	g_string_append_printf(out, "\n%s\n", title);
	rep_table_head(out, t);
	for (i = 0; i < json_array_get_length(a); i++)
		if (!rep_jget_elem_object(a, i, key, &o, error) ||
		    !fn(x, i + 1, o, out, error))
			return FALSE;
	if (json_array_get_length(a) == 0)
		g_string_append(out, "  (none)\n");
	return TRUE;
}

gboolean
rep_toptext_render(JsonObject *root, GString *out, GError **error)
{
	struct index x;
	gboolean ok;

	x.addrs = g_hash_table_new(g_direct_hash, g_direct_equal);
	x.streams = g_hash_table_new(g_direct_hash, g_direct_equal);
	ok = index_ids(root, "addresses", x.addrs, error) &&
	    index_ids(root, "streams", x.streams, error) &&
	    render_list(&x, root, "talkers", "Top talkers", &talker_table,
	        render_talker, out, error) &&
	    render_list(&x, root, "conversations", "Conversations", &conv_table,
	        render_conv, out, error) &&
	    render_list(&x, root, "applications", "Applications", &app_table,
	        render_app, out, error);
	g_hash_table_destroy(x.addrs);
	g_hash_table_destroy(x.streams);
	return ok;
}
