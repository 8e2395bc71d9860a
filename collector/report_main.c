/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-report"

/*
 * minflow-report: show a report of minflow-collector (format 1) as text
 * tables, or as the stored JSON.  The file is untrusted: every member is
 * checked for its type before use, strings are made printable, and any
 * mismatch is an error (exit 1) before anything is printed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "collector/model/classify.h"
#include "collector/dnstext.h"
#include "collector/flowtext.h"
#include "collector/report_text_anomaly.h"
#include "common/error.h"

#define DEFAULT_DIR "/var/lib/minflow/reports"
#define LATEST "latest.json"
#define REPORT_FORMAT 1
#define MAX_FILE_SIZE (256 * 1024 * 1024) /* far above any real report */
#define MAX_DEPTH 64                      /* nesting; reports go 5 deep */

/* The report being shown, and where its text goes. */
struct view {
	JsonObject *root;
	GHashTable *addrs;   /* id -> JsonObject of "addresses" */
	GHashTable *streams; /* id -> JsonObject of "streams" */
	GString *out;
};

static gboolean
malformed(GError **error, const char *what, const char *key)
{
	g_set_error(error, MF_ERROR, MF_ERROR_IO, "malformed report: \"%s\" %s",
	    key, what);
	return FALSE;
}

static JsonObject *
get_obj(JsonObject *o, const char *key, GError **error)
{
	JsonNode *n = json_object_get_member(o, key);

	if (n == NULL || !JSON_NODE_HOLDS_OBJECT(n)) {
		malformed(error, "is missing or not an object", key);
		return NULL;
	}
	return json_node_get_object(n);
}

static JsonArray *
get_arr(JsonObject *o, const char *key, GError **error)
{
	JsonNode *n = json_object_get_member(o, key);

	if (n == NULL || !JSON_NODE_HOLDS_ARRAY(n)) {
		malformed(error, "is missing or not an array", key);
		return NULL;
	}
	return json_node_get_array(n);
}

/* A non-negative integer member. */
static gboolean
get_int(JsonObject *o, const char *key, gint64 *v, GError **error)
{
	JsonNode *n = json_object_get_member(o, key);

	if (n == NULL || !JSON_NODE_HOLDS_VALUE(n) ||
	    json_node_get_value_type(n) != G_TYPE_INT64 ||
	    (*v = json_node_get_int(n)) < 0)
		return malformed(error, "is missing or not a count", key);
	return TRUE;
}

/* A string member; NULL (no error) if it is null and may be. */
static gboolean
get_str(JsonObject *o, const char *key, gboolean nullable, const char **v,
    GError **error)
{
	JsonNode *n = json_object_get_member(o, key);

	*v = NULL;
	if (n != NULL && nullable && JSON_NODE_HOLDS_NULL(n))
		return TRUE;
	if (n == NULL || !JSON_NODE_HOLDS_VALUE(n) ||
	    json_node_get_value_type(n) != G_TYPE_STRING)
		return malformed(error, "is missing or not a string", key);
	*v = json_node_get_string(n);
	return TRUE;
}

static JsonObject *
elem_obj(JsonArray *a, guint i, const char *key, GError **error)
{
	JsonNode *n = json_array_get_element(a, i);

	if (!JSON_NODE_HOLDS_OBJECT(n)) {
		malformed(error, "holds a non-object", key);
		return NULL;
	}
	return json_node_get_object(n);
}

/* s made safe for a terminal: valid UTF-8, control characters as '?'. */
static void
append_printable(GString *out, const char *s)
{
	char *v = g_utf8_make_valid(s, -1), *p;
	gunichar c;

	for (p = v; *p != '\0'; p = g_utf8_next_char(p)) {
		c = g_utf8_get_char(p);
		if (g_unichar_iscntrl(c))
			g_string_append_c(out, '?');
		else
			g_string_append_unichar(out, c);
	}
	g_free(v);
}

/* s printable, left-aligned in width columns (bytes; ours are ASCII). */
static void
append_col(GString *out, const char *s, int width)
{
	gsize before = out->len;

	append_printable(out, s);
	while (out->len - before < (gsize)width)
		g_string_append_c(out, ' ');
}

static const char *
proto_name(gint64 p, char *buf, size_t size)
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
		g_snprintf(buf, size, "%" G_GINT64_FORMAT, p);
		return buf;
	}
}

static gboolean
render_header(struct view *v, GError **error)
{
	JsonObject *iv, *col;
	const char *start, *end;
	gint64 rec, late, absurd;

	if ((iv = get_obj(v->root, "interval", error)) == NULL ||
	    !get_str(iv, "start", FALSE, &start, error) ||
	    !get_str(iv, "end", FALSE, &end, error) ||
	    (col = get_obj(v->root, "collector", error)) == NULL ||
	    !get_int(col, "records", &rec, error) ||
	    !get_int(col, "late_records", &late, error) ||
	    !get_int(col, "absurd_records", &absurd, error))
		return FALSE;
	g_string_append(v->out, "minflow report ");
	append_printable(v->out, start);
	g_string_append(v->out, " .. ");
	append_printable(v->out, end);
	g_string_append_printf(v->out,
	    "\nrecords %" G_GINT64_FORMAT ", late %" G_GINT64_FORMAT
	    ", absurd times %" G_GINT64_FORMAT "\n",
	    rec, late, absurd);
	return TRUE;
}

static gboolean
render_health(struct view *v, JsonObject *e, GError **error)
{
	static const char *const keys[] = { "packets_seen", "kernel_drops",
		"ignored", "flows_created", "records_exported", "not_sent",
		"peak_flows", "evicted_full", "expired_frags" };
	JsonNode *n = json_object_get_member(e, "health");
	JsonObject *h;
	gint64 x;
	size_t i;

	if (n != NULL && JSON_NODE_HOLDS_NULL(n))
		return TRUE;
	if ((h = get_obj(e, "health", error)) == NULL)
		return FALSE;
	g_string_append(v->out, "    health:");
	for (i = 0; i < G_N_ELEMENTS(keys); i++) {
		if (!get_int(h, keys[i], &x, error))
			return FALSE;
		g_string_append_printf(v->out, "%s %s %" G_GINT64_FORMAT,
		    i == 0 ? "" : ",", keys[i], x);
	}
	g_string_append_c(v->out, '\n');
	return TRUE;
}

static gboolean
render_exporter(struct view *v, JsonObject *e, GError **error)
{
	const char *addr, *proto;
	gint64 port, dom, rec, lost, late, bad;

	if (!get_str(e, "address", FALSE, &addr, error) ||
	    !get_int(e, "port", &port, error) ||
	    !get_int(e, "observation_domain", &dom, error) ||
	    !get_str(e, "protocol", FALSE, &proto, error) ||
	    !get_int(e, "records", &rec, error) ||
	    !get_int(e, "lost", &lost, error) ||
	    !get_int(e, "late_records", &late, error) ||
	    !get_int(e, "undecodable", &bad, error))
		return FALSE;
	g_string_append(v->out, "  ");
	append_col(v->out, addr, 40);
	g_string_append_printf(v->out,
	    " %5" G_GINT64_FORMAT " %10" G_GINT64_FORMAT " ", port, dom);
	append_col(v->out, proto, 11);
	g_string_append_printf(v->out,
	    " %12" G_GINT64_FORMAT " %8" G_GINT64_FORMAT " %8" G_GINT64_FORMAT
	    " %11" G_GINT64_FORMAT "\n",
	    rec, lost, late, bad);
	return render_health(v, e, error);
}

static gboolean
render_exporters(struct view *v, GError **error)
{
	JsonArray *a;
	JsonObject *e;
	guint i;

	if ((a = get_arr(v->root, "exporters", error)) == NULL)
		return FALSE;
	g_string_append_printf(v->out,
	    "\nExporters\n  %-40s %5s %10s %-11s %12s "
	    "%8s %8s %11s\n",
	    "address", "port", "domain", "protocol", "records", "lost", "late",
	    "undecodable");
	for (i = 0; i < json_array_get_length(a); i++)
		if ((e = elem_obj(a, i, "exporters", error)) == NULL ||
		    !render_exporter(v, e, error))
			return FALSE;
	if (json_array_get_length(a) == 0)
		g_string_append(v->out, "  (none)\n");
	return TRUE;
}

static gboolean
render_summary(struct view *v, GError **error)
{
	JsonObject *s, *c;
	gint64 flows, packets, bytes;
	char *human;
	int k;

	if ((s = get_obj(v->root, "summary", error)) == NULL)
		return FALSE;
	g_string_append_printf(v->out, "\nSummary\n  %-10s %12s %14s %18s\n",
	    "class", "flows", "packets", "bytes");
	for (k = 0; k < COL_N_CLASSES; k++) {
		if ((c = get_obj(s, col_class_names[k], error)) == NULL ||
		    !get_int(c, "flows", &flows, error) ||
		    !get_int(c, "packets", &packets, error) ||
		    !get_int(c, "bytes", &bytes, error))
			return FALSE;
		human = g_format_size((guint64)bytes);
		g_string_append_printf(v->out,
		    "  %-10s %12" G_GINT64_FORMAT " %14" G_GINT64_FORMAT
		    " %18" G_GINT64_FORMAT "  (%s)\n",
		    col_class_names[k], flows, packets, bytes, human);
		g_free(human);
	}
	return TRUE;
}

/* Index the objects of array key by their "id" into h. */
static gboolean
index_ids(struct view *v, const char *key, GHashTable *h, GError **error)
{
	JsonArray *a;
	JsonObject *o;
	gint64 id;
	guint i;

	if ((a = get_arr(v->root, key, error)) == NULL)
		return FALSE;
	for (i = 0; i < json_array_get_length(a); i++) {
		if ((o = elem_obj(a, i, key, error)) == NULL ||
		    !get_int(o, "id", &id, error))
			return FALSE;
		if (id > G_MAXUINT32)
			return malformed(error, "holds an id out of range",
			    key);
		g_hash_table_insert(h, GUINT_TO_POINTER((guint)id), o);
	}
	return TRUE;
}

static JsonObject *
lookup(GHashTable *h, gint64 id)
{
	if (id < 0 || id > G_MAXUINT32)
		return NULL;
	return g_hash_table_lookup(h, GUINT_TO_POINTER((guint)id));
}

/* The text of address id: its ip, or "#id" if the report lacks it. */
static char *
address_ip(struct view *v, gint64 id)
{
	JsonObject *a = lookup(v->addrs, id);
	const char *ip = NULL;

	if (a == NULL || !get_str(a, "ip", FALSE, &ip, NULL))
		return g_strdup_printf("#%" G_GINT64_FORMAT, id);
	return g_strdup(ip);
}

/* TRUE if stream s is bigger than t: bytes, then packets, then lower id. */
static gboolean
stream_bigger(JsonObject *s, JsonObject *t)
{
	gint64 sb = 0, tb = 0, sp = 0, tp = 0, si = 0, ti = 0;

	if (t == NULL)
		return TRUE;
	(void)(get_int(s, "bytes", &sb, NULL) &&
	    get_int(s, "packets", &sp, NULL) && get_int(s, "id", &si, NULL));
	(void)(get_int(t, "bytes", &tb, NULL) &&
	    get_int(t, "packets", &tp, NULL) && get_int(t, "id", &ti, NULL));
	if (sb != tb)
		return sb > tb;
	if (sp != tp)
		return sp > tp;
	return si < ti;
}

/*
 * The label of the remote side of talker id's biggest stream in the
 * report, or "-".  A label names a stream's right side, so there is one
 * only when the talker is on the left.
 */
static const char *
talker_label(struct view *v, gint64 id)
{
	JsonObject *best = NULL, *s;
	const char *label = NULL;
	gint64 left, right;
	GHashTableIter it;
	gpointer val;

	g_hash_table_iter_init(&it, v->streams);
	while (g_hash_table_iter_next(&it, NULL, &val)) {
		s = val;
		if (!get_int(s, "left", &left, NULL) ||
		    !get_int(s, "right", &right, NULL) ||
		    (left != id && right != id))
			continue;
		if (stream_bigger(s, best))
			best = s;
	}
	if (best == NULL || !get_int(best, "left", &left, NULL) || left != id ||
	    !get_str(best, "label", FALSE, &label, NULL) || *label == '\0')
		return "-";
	return label;
}

static gboolean
render_talker(struct view *v, guint rank, JsonObject *t, GError **error)
{
	gint64 id, bytes, packets, flows;
	const char *mac = NULL;
	gboolean internal = FALSE;
	JsonObject *a;
	JsonNode *n;
	char *ip;

	if (!get_int(t, "address", &id, error) ||
	    !get_int(t, "bytes", &bytes, error) ||
	    !get_int(t, "packets", &packets, error) ||
	    !get_int(t, "flows", &flows, error))
		return FALSE;
	if ((a = lookup(v->addrs, id)) != NULL) {
		if (!get_str(a, "mac", TRUE, &mac, error))
			return FALSE;
		n = json_object_get_member(a, "internal");
		internal = n != NULL && JSON_NODE_HOLDS_VALUE(n) &&
		    json_node_get_value_type(n) == G_TYPE_BOOLEAN &&
		    json_node_get_boolean(n);
	}
	ip = address_ip(v, id);
	g_string_append_printf(v->out, "  %4u  ", rank);
	append_col(v->out, ip, 39);
	g_string_append_c(v->out, ' ');
	append_col(v->out, mac != NULL ? mac : "-", 17);
	g_string_append_printf(v->out,
	    " %-3s %14" G_GINT64_FORMAT " %10" G_GINT64_FORMAT
	    " %8" G_GINT64_FORMAT "  ",
	    internal ? "yes" : "no", bytes, packets, flows);
	append_printable(v->out, talker_label(v, id));
	g_string_append_c(v->out, '\n');
	g_free(ip);
	return TRUE;
}

/* Run fn over the objects of top.key, with headings. */
static gboolean
render_top_list(struct view *v, const char *key, const char *title,
    const char *head,
    gboolean (*fn)(struct view *, guint, JsonObject *, GError **),
    GError **error)
{
	JsonObject *top, *o;
	JsonArray *a;
	guint i;

	if ((top = get_obj(v->root, "top", error)) == NULL ||
	    (a = get_arr(top, key, error)) == NULL)
		return FALSE;
	g_string_append_printf(v->out, "\n%s\n%s\n", title, head);
	for (i = 0; i < json_array_get_length(a); i++)
		if ((o = elem_obj(a, i, key, error)) == NULL ||
		    !fn(v, i + 1, o, error))
			return FALSE;
	if (json_array_get_length(a) == 0)
		g_string_append(v->out, "  (none)\n");
	return TRUE;
}

/* ip:port, with brackets around an IPv6 address. */
static char *
endpoint(struct view *v, gint64 id, gint64 port)
{
	char *ip = address_ip(v, id), *s;

	if (strchr(ip, ':') != NULL)
		s = g_strdup_printf("[%s]:%" G_GINT64_FORMAT, ip, port);
	else
		s = g_strdup_printf("%s:%" G_GINT64_FORMAT, ip, port);
	g_free(ip);
	return s;
}

static gboolean
render_conv(struct view *v, guint rank, JsonObject *c, GError **error)
{
	gint64 id, bytes, packets, l, lp, r, rp, proto;
	const char *label;
	char *left, *right, pbuf[24];
	JsonObject *s;

	if (!get_int(c, "stream", &id, error) ||
	    !get_int(c, "bytes", &bytes, error) ||
	    !get_int(c, "packets", &packets, error))
		return FALSE;
	if ((s = lookup(v->streams, id)) == NULL)
		return malformed(error, "names a stream not in \"streams\"",
		    "conversations");
	if (!get_int(s, "left", &l, error) ||
	    !get_int(s, "left_port", &lp, error) ||
	    !get_int(s, "right", &r, error) ||
	    !get_int(s, "right_port", &rp, error) ||
	    !get_int(s, "proto", &proto, error) ||
	    !get_str(s, "label", FALSE, &label, error))
		return FALSE;
	left = endpoint(v, l, lp);
	right = endpoint(v, r, rp);
	g_string_append_printf(v->out, "  %4u  ", rank);
	append_col(v->out, left, 47);
	g_string_append(v->out, " <-> ");
	append_col(v->out, right, 47);
	g_string_append_printf(v->out,
	    " %-6s %14" G_GINT64_FORMAT " %10" G_GINT64_FORMAT "  ",
	    proto_name(proto, pbuf, sizeof(pbuf)), bytes, packets);
	append_printable(v->out, *label != '\0' ? label : "-");
	g_string_append_c(v->out, '\n');
	g_free(left);
	g_free(right);
	return TRUE;
}

static gboolean
render_app(struct view *v, guint rank, JsonObject *a, GError **error)
{
	gint64 proto, port, bytes, packets, flows;
	char pbuf[24], *app;

	if (!get_int(a, "proto", &proto, error) ||
	    !get_int(a, "port", &port, error) ||
	    !get_int(a, "bytes", &bytes, error) ||
	    !get_int(a, "packets", &packets, error) ||
	    !get_int(a, "flows", &flows, error))
		return FALSE;
	app = g_strdup_printf("%s/%" G_GINT64_FORMAT,
	    proto_name(proto, pbuf, sizeof(pbuf)), port);
	g_string_append_printf(v->out,
	    "  %4u  %-14s %14" G_GINT64_FORMAT " %10" G_GINT64_FORMAT
	    " %8" G_GINT64_FORMAT "\n",
	    rank, app, bytes, packets, flows);
	g_free(app);
	return TRUE;
}

static gboolean
render_tables(struct view *v, GError **error)
{
	static const char *const names[] = { "addresses", "streams", "ports" };
	gint64 used, cap, ev, col, untr;
	JsonObject *t, *o;
	size_t i;

	if ((t = get_obj(v->root, "tables", error)) == NULL)
		return FALSE;
	g_string_append_printf(v->out,
	    "\nTables\n  %-10s %10s %10s %12s %12s %12s\n", "table", "used",
	    "capacity", "evicted", "collected", "untracked");
	for (i = 0; i < G_N_ELEMENTS(names); i++) {
		if ((o = get_obj(t, names[i], error)) == NULL ||
		    !get_int(o, "used", &used, error) ||
		    !get_int(o, "capacity", &cap, error) ||
		    !get_int(o, "evicted", &ev, error) ||
		    !get_int(o, "collected", &col, error) ||
		    !get_int(o, "untracked", &untr, error))
			return FALSE;
		g_string_append_printf(v->out,
		    "  %-10s %10" G_GINT64_FORMAT " %10" G_GINT64_FORMAT
		    " %12" G_GINT64_FORMAT " %12" G_GINT64_FORMAT
		    " %12" G_GINT64_FORMAT "\n",
		    names[i], used, cap, ev, col, untr);
	}
	return TRUE;
}

static gboolean
render(struct view *v, GError **error)
{
	char talkers[160], convs[160], apps[100];

	g_snprintf(talkers, sizeof(talkers),
	    "  %4s  %-39s %-17s %-3s %14s %10s %8s  %s", "#", "address", "MAC",
	    "int", "bytes", "packets", "flows", "name");
	g_snprintf(convs, sizeof(convs),
	    "  %4s  %-47s     %-47s %-6s %14s %10s  %s", "#", "left", "right",
	    "proto", "bytes", "packets", "label");
	g_snprintf(apps, sizeof(apps), "  %4s  %-14s %14s %10s %8s", "#",
	    "application", "bytes", "packets", "flows");
	return render_header(v, error) && render_exporters(v, error) &&
	    render_summary(v, error) &&
	    index_ids(v, "addresses", v->addrs, error) &&
	    index_ids(v, "streams", v->streams, error) &&
	    render_top_list(v, "talkers", "Top talkers", talkers, render_talker,
	        error) &&
	    render_top_list(v, "conversations", "Conversations", convs,
	        render_conv, error) &&
	    render_top_list(v, "applications", "Applications", apps, render_app,
	        error) &&
	    col_dnstext_render(v->root, v->out, error) &&
	    col_flowtext_render(v->root, v->out, error) &&
	    col_report_text_anomalies(v->root, v->out, error) &&
	    render_tables(v, error);
}

/* The file to show: arg itself, or arg/latest.json if it is a directory. */
static char *
report_file(const char *arg, GError **error)
{
	char *path;
	GStatBuf st;
	int saved;

	if (g_stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		path = g_build_filename(arg, LATEST, NULL);
	else
		path = g_strdup(arg);
	if (g_stat(path, &st) != 0) {
		saved = errno;
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "%s: %s", path,
		    g_strerror(saved));
	} else if (!S_ISREG(st.st_mode)) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "%s: not a regular file", path);
	} else if (st.st_size > MAX_FILE_SIZE) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "%s: too large for a report", path);
	} else {
		return path;
	}
	g_free(path);
	return NULL;
}

/*
 * FALSE if s nests arrays and objects deeper than MAX_DEPTH.  json-glib
 * 1.6 parses them by recursion with no limit, so a deep enough file
 * overflows the stack: this check runs first.  It follows json-glib's
 * scanner: "strings" with escapes, 'strings' without, comments.
 */
static gboolean
depth_ok(const char *s, gsize len)
{
	enum { CODE, DQ, DQ_ESC, SQ, COMMENT } st = CODE;
	unsigned depth = 0;
	gsize i;

	for (i = 0; i < len; i++) {
		char c = s[i], next = i + 1 < len ? s[i + 1] : '\0';

		if (st == DQ_ESC) {
			st = DQ;
		} else if (st == DQ) {
			st = c == '\\' ? DQ_ESC : c == '"' ? CODE : DQ;
		} else if (st == SQ) {
			st = c == '\'' ? CODE : SQ;
		} else if (st == COMMENT) {
			if (c == '*' && next == '/') {
				st = CODE;
				i++;
			}
		} else if (c == '"') {
			st = DQ;
		} else if (c == '\'') {
			st = SQ;
		} else if (c == '/' && next == '*') {
			st = COMMENT;
			i++;
		} else if (c == '[' || c == '{') {
			if (++depth > MAX_DEPTH)
				return FALSE;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return TRUE;
}

/* Read and parse path; the parser holds the document. */
static gboolean
load(JsonParser *p, const char *path, char **data, gsize *len, GError **error)
{
	GError *err = NULL;
	JsonNode *root;
	gint64 format;

	if (!g_file_get_contents(path, data, len, &err)) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "%s", err->message);
		g_error_free(err);
		return FALSE;
	}
	if (!depth_ok(*data, *len)) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "%s: malformed JSON: nested deeper than %d", path,
		    MAX_DEPTH);
		return FALSE;
	}
	if (!json_parser_load_from_data(p, *data, (gssize)*len, &err)) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "%s: malformed JSON: %s", path, err->message);
		g_error_free(err);
		return FALSE;
	}
	root = json_parser_get_root(p);
	if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root)) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "%s: not a minflow report (no JSON object)", path);
		return FALSE;
	}
	if (!get_int(json_node_get_object(root), "format", &format, NULL) ||
	    format != REPORT_FORMAT) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "%s: not a minflow report of format %d", path,
		    REPORT_FORMAT);
		return FALSE;
	}
	return TRUE;
}

/* Render the report held by p into out. */
static gboolean
show(JsonParser *p, GString *out, GError **error)
{
	struct view v;
	gboolean ok;

	v.root = json_node_get_object(json_parser_get_root(p));
	v.addrs = g_hash_table_new(g_direct_hash, g_direct_equal);
	v.streams = g_hash_table_new(g_direct_hash, g_direct_equal);
	v.out = out;
	ok = render(&v, error);
	g_hash_table_destroy(v.addrs);
	g_hash_table_destroy(v.streams);
	return ok;
}

static gboolean
parse_args(int *argc, char ***argv, gboolean *json, gboolean *version,
    GError **error)
{
	GOptionEntry entries[] = { { "json", 'j', 0, G_OPTION_ARG_NONE, json,
		                       "Print the report as stored (JSON)",
		                       NULL },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, version,
		    "Print the version and exit", NULL },
		G_OPTION_ENTRY_NULL };
	GOptionContext *ctx = g_option_context_new("[FILE|DIR]");
	gboolean ok;

	g_option_context_set_summary(ctx,
	    "Show a report of minflow-collector as text tables.  FILE is a "
	    "report\n(DIR/YYYYmmdd/HHMMSS.json); DIR a report directory, "
	    "whose " LATEST " is shown\n(default " DEFAULT_DIR ").");
	g_option_context_set_description(ctx,
	    "Exit status: 0 on success, 1 if the report is missing or "
	    "malformed.\nSee minflow-report(1) for the report format.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	ok = g_option_context_parse(ctx, argc, argv, error);
	if (ok && *argc > 2) {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
		    "one FILE or DIR at most");
		ok = FALSE;
	}
	g_option_context_free(ctx);
	return ok;
}

/* Put the report arg names (as text, or as stored with json) into out. */
static gboolean
run(const char *arg, gboolean json, GString *out, GError **error)
{
	g_autofree char *path = NULL, *data = NULL;
	JsonParser *p = json_parser_new();
	gsize len = 0;
	gboolean ok;

	ok = (path = report_file(arg, error)) != NULL &&
	    load(p, path, &data, &len, error);
	if (ok && json)
		g_string_append_len(out, data, (gssize)len);
	else if (ok && !(ok = show(p, out, error)))
		g_prefix_error(error, "%s: ", path);
	g_object_unref(p);
	return ok;
}

int
main(int argc, char **argv)
{
	gboolean json = FALSE, version = FALSE, ok;
	GError *error = NULL;
	GString *out;

	if (!parse_args(&argc, &argv, &json, &version, &error)) {
		g_printerr("minflow-report: %s (see --help)\n", error->message);
		g_error_free(error);
		return EXIT_FAILURE;
	}
	if (version) {
		printf("minflow-report %s\n", PACKAGE_VERSION);
		return EXIT_SUCCESS;
	}
	out = g_string_new(NULL);
	ok = run(argc > 1 ? argv[1] : DEFAULT_DIR, json, out, &error);
	if (ok &&
	    (fwrite(out->str, 1, out->len, stdout) != out->len ||
	        fflush(stdout) != 0)) {
		g_set_error(&error, MF_ERROR, MF_ERROR_IO, "stdout: %s",
		    g_strerror(errno));
		ok = FALSE;
	}
	if (!ok) {
		g_printerr("minflow-report: %s\n", error->message);
		g_error_free(error);
	}
	g_string_free(out, TRUE);
	return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
