/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-report"

#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/output/jsonw.h"
#include "collector/output/report_json.h"

#define INDENT 2
#define TEXT_START 65536 /* bytes: most reports fit; doubled as needed */
#define INT_MAX_LEN 20   /* "-9223372036854775808" */

/*
 * What comes before a member or an element: ",\n" (or "\n" for the
 * first) and the indent, one copy from here when it fits.
 */
static const char lead[] = ",\n"
                           "                                "
                           "                                "
                           "                                "
                           "                                ";
#define LEAD_SPACES (sizeof(lead) - 3)

/* Room for n more bytes and the NUL. */
static void
grow(struct col_jsonw *w, size_t n)
{
	size_t cap = w->cap != 0 ? w->cap : TEXT_START;

	while (cap < w->len + n + 1) {
		g_assert(cap <= SIZE_MAX / 2);
		cap *= 2;
	}
	w->text = g_realloc(w->text, cap);
	w->cap = cap;
}

static inline char *
reserve(struct col_jsonw *w, size_t n)
{
	if (w->len + n + 1 > w->cap)
		grow(w, n);
	return w->text + w->len;
}

static inline void
put(struct col_jsonw *w, const char *s, size_t n)
{
	memcpy(reserve(w, n), s, n);
	w->len += n;
}

static inline void
put_c(struct col_jsonw *w, char c)
{
	*reserve(w, 1) = c;
	w->len++;
}

/* first ? "\n" : ",\n", then the indent of level. */
static void
put_lead(struct col_jsonw *w, gboolean first, unsigned level)
{
	size_t sp = (size_t)level * INDENT;

	if (sp <= LEAD_SPACES) {
		put(w, lead + (first ? 1 : 0), sp + (first ? 1 : 2));
		return;
	}
	put(w, lead + (first ? 1 : 0), LEAD_SPACES + (first ? 1 : 2));
	for (sp -= LEAD_SPACES; sp > LEAD_SPACES; sp -= LEAD_SPACES)
		put(w, lead + 2, LEAD_SPACES);
	put(w, lead + 2, sp);
}

static void
put_indent(struct col_jsonw *w, unsigned level)
{
	size_t sp = (size_t)level * INDENT;

	for (; sp > LEAD_SPACES; sp -= LEAD_SPACES)
		put(w, lead + 2, LEAD_SPACES);
	put(w, lead + 2, sp);
}

/*
 * 1 for the bytes that end a run of a string's bytes copied as they
 * are: the NUL and those put_string() escapes.
 */
static const uint8_t ends_run[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x00 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, /* 0x10: not 0x1f */
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20: '"' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x30 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x40 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 0x50: '\\' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x60 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, /* 0x70: 0x7f */
};

/*
 * s between quotes: '\\' and '"' escaped by a backslash, \b \f \n \r \t,
 * \u00XX for the other bytes 0x01..0x1e and 0x7f, everything else (0x1f
 * and UTF-8 included) as it is; json-glib 1.6's rules.
 */
static void
put_string(struct col_jsonw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run;
	unsigned char c;
	char *p;

	put_c(w, '"');
	for (run = s;; s++) {
		/* One test a byte: the run goes on while the table says 0. */
		while (ends_run[(unsigned char)*s] == 0)
			s++;
		if ((c = (unsigned char)*s) == '\0')
			break;
		put(w, run, (size_t)(s - run));
		run = s + 1;
		switch (c) {
		case '\\':
		case '"':
			p = reserve(w, 2);
			p[0] = '\\';
			p[1] = (char)c;
			w->len += 2;
			break;
		case '\b':
			put(w, "\\b", 2);
			break;
		case '\f':
			put(w, "\\f", 2);
			break;
		case '\n':
			put(w, "\\n", 2);
			break;
		case '\r':
			put(w, "\\r", 2);
			break;
		case '\t':
			put(w, "\\t", 2);
			break;
		default:
			p = reserve(w, 6);
			memcpy(p, "\\u00", 4);
			p[4] = hex[c >> 4];
			p[5] = hex[c & 0xf];
			w->len += 6;
			break;
		}
	}
	put(w, run, (size_t)(s - run));
	put_c(w, '"');
}

/* Before a value: its lead if it is an element of an array. */
static void
value_lead(struct col_jsonw *w)
{
	unsigned d;

	if (w->named) {
		w->named = FALSE;
		return;
	}
	if (w->depth == 0)
		return; /* the document itself */
	d = w->depth - 1;
	g_assert(!w->object[d]); /* a value in an object needs a name */
	put_lead(w, w->n[d]++ == 0, w->depth);
}

void
col_jsonw_init(struct col_jsonw *w, gboolean tree)
{
	memset(w, 0, sizeof(*w));
	if (tree)
		w->b = json_builder_new();
}

void
col_jsonw_clear(struct col_jsonw *w)
{
	g_free(w->text);
	if (w->b != NULL)
		g_object_unref(w->b);
	memset(w, 0, sizeof(*w));
}

char *
col_jsonw_steal_text(struct col_jsonw *w, gboolean nl, size_t *len)
{
	char *t;

	g_assert(w->b == NULL && w->depth == 0);
	if (nl)
		put_c(w, '\n');
	(void)reserve(w, 0);
	w->text[w->len] = '\0';
	t = w->text;
	*len = w->len;
	w->text = NULL;
	w->len = w->cap = 0;
	return t;
}

JsonNode *
col_jsonw_steal_tree(struct col_jsonw *w)
{
	g_assert(w->b != NULL && w->depth == 0);
	return json_builder_get_root(w->b);
}

static void
begin(struct col_jsonw *w, gboolean object)
{
	g_assert(w->depth < COL_JSONW_DEPTH);
	if (w->b != NULL) {
		if (w->named)
			w->named = FALSE;
		if (object)
			json_builder_begin_object(w->b);
		else
			json_builder_begin_array(w->b);
	} else {
		value_lead(w);
		put_c(w, object ? '{' : '[');
	}
	w->n[w->depth] = 0;
	w->object[w->depth] = object;
	w->depth++;
}

void
col_jsonw_begin_object(struct col_jsonw *w)
{
	begin(w, TRUE);
}

void
col_jsonw_begin_array(struct col_jsonw *w)
{
	begin(w, FALSE);
}

void
col_jsonw_end_object(struct col_jsonw *w)
{
	unsigned d;

	g_assert(w->depth > 0 && w->object[w->depth - 1] && !w->named);
	d = --w->depth;
	if (w->b != NULL) {
		json_builder_end_object(w->b);
		return;
	}
	if (w->n[d] != 0)
		put_c(w, '\n');
	put_indent(w, d); /* an empty object too: "{  }" one level down */
	put_c(w, '}');
}

void
col_jsonw_end_array(struct col_jsonw *w)
{
	unsigned d;

	g_assert(w->depth > 0 && !w->object[w->depth - 1]);
	d = --w->depth;
	if (w->b != NULL) {
		json_builder_end_array(w->b);
		return;
	}
	if (w->n[d] != 0) {
		put_c(w, '\n');
		put_indent(w, d);
	}
	put_c(w, ']');
}

void
col_jsonw_member(struct col_jsonw *w, const char *name)
{
	unsigned d;

	g_assert(w->depth > 0 && w->object[w->depth - 1] && !w->named);
	d = w->depth - 1;
	w->named = TRUE;
	if (w->b != NULL) {
		w->n[d]++;
		json_builder_set_member_name(w->b, name);
		return;
	}
	put_lead(w, w->n[d]++ == 0, w->depth);
	put_string(w, name);
	put(w, " : ", 3);
}

static void
put_int(struct col_jsonw *w, int64_t v)
{
	char buf[INT_MAX_LEN];
	size_t i = sizeof(buf);
	/* The magnitude as unsigned: -INT64_MIN does not fit in int64_t. */
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		buf[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		buf[--i] = '-';
	put(w, buf + i, sizeof(buf) - i);
}

void
col_jsonw_int(struct col_jsonw *w, int64_t v)
{
	if (w->b != NULL) {
		w->named = FALSE;
		json_builder_add_int_value(w->b, v);
		return;
	}
	value_lead(w);
	put_int(w, v);
}

void
col_jsonw_double(struct col_jsonw *w, double v)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	if (w->b != NULL) {
		w->named = FALSE;
		json_builder_add_double_value(w->b, v);
		return;
	}
	value_lead(w);
	g_ascii_dtostr(buf, sizeof(buf), v);
	put(w, buf, strlen(buf));
	if (strchr(buf, '.') == NULL) /* 1.6 does so after an exponent too */
		put(w, ".0", 2);
}

void
col_jsonw_bool(struct col_jsonw *w, gboolean v)
{
	if (w->b != NULL) {
		w->named = FALSE;
		json_builder_add_boolean_value(w->b, v);
		return;
	}
	value_lead(w);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void
col_jsonw_null(struct col_jsonw *w)
{
	if (w->b != NULL) {
		w->named = FALSE;
		json_builder_add_null_value(w->b);
		return;
	}
	value_lead(w);
	put(w, "null", 4);
}

void
col_jsonw_string(struct col_jsonw *w, const char *s)
{
	if (w->b != NULL) {
		w->named = FALSE;
		json_builder_add_string_value(w->b, s);
		return;
	}
	value_lead(w);
	if (s != NULL)
		put_string(w, s);
	else
		put(w, "null", 4); /* json-glib makes it a null node */
}

void
col_jsonw_uint(struct col_jsonw *w, const char *key, uint64_t v)
{
	col_jsonw_member(w, key);
	col_jsonw_int(w, (int64_t)MIN(v, (uint64_t)G_MAXINT64));
}

void
col_jsonw_str(struct col_jsonw *w, const char *key, const char *s)
{
	char *v;

	col_jsonw_member(w, key);
	if (s == NULL) {
		col_jsonw_null(w);
		return;
	}
	/* Most strings are valid already: no copy for them. */
	if (g_utf8_validate(s, -1, NULL) && strchr(s, '\x1f') == NULL) {
		col_jsonw_string(w, s);
		return;
	}
	v = col_json_make_valid(s);
	col_jsonw_string(w, v);
	g_free(v);
}

void
col_jsonw_text(struct col_jsonw *w, const char *key, const char *s)
{
	col_jsonw_member(w, key);
	if (s != NULL)
		col_jsonw_string(w, s);
	else
		col_jsonw_null(w);
}

void
col_jsonw_time(struct col_jsonw *w, const char *key, uint64_t ms)
{
	char s[COL_JSON_ISO_LEN + 1];
	char *p;

	col_json_iso_utc(ms, s);
	col_jsonw_member(w, key);
	if (w->b != NULL) {
		col_jsonw_string(w, s);
		return;
	}
	w->named = FALSE; /* the time needs no escaping */
	p = reserve(w, COL_JSON_ISO_LEN + 2);
	p[0] = '"';
	memcpy(p + 1, s, COL_JSON_ISO_LEN);
	p[COL_JSON_ISO_LEN + 1] = '"';
	w->len += COL_JSON_ISO_LEN + 2;
}

static void
node_value(struct col_jsonw *w, JsonNode *node)
{
	switch (json_node_get_value_type(node)) {
	case G_TYPE_INT64:
		col_jsonw_int(w, json_node_get_int(node));
		break;
	case G_TYPE_DOUBLE:
		col_jsonw_double(w, json_node_get_double(node));
		break;
	case G_TYPE_BOOLEAN:
		col_jsonw_bool(w, json_node_get_boolean(node));
		break;
	case G_TYPE_STRING:
		col_jsonw_string(w, json_node_get_string(node));
		break;
	default:
		col_jsonw_null(w);
		break;
	}
}

void
col_jsonw_node(struct col_jsonw *w, JsonNode *node)
{
	JsonObjectIter it;
	const char *name;
	JsonNode *member;
	JsonArray *a;
	guint i, n;

	switch (json_node_get_node_type(node)) {
	case JSON_NODE_OBJECT:
		col_jsonw_begin_object(w);
		json_object_iter_init_ordered(&it, json_node_get_object(node));
		while (json_object_iter_next_ordered(&it, &name, &member)) {
			col_jsonw_member(w, name);
			col_jsonw_node(w, member);
		}
		col_jsonw_end_object(w);
		break;
	case JSON_NODE_ARRAY:
		a = json_node_get_array(node);
		n = json_array_get_length(a);
		col_jsonw_begin_array(w);
		for (i = 0; i < n; i++)
			col_jsonw_node(w, json_array_get_element(a, i));
		col_jsonw_end_array(w);
		break;
	case JSON_NODE_VALUE:
		node_value(w, node);
		break;
	case JSON_NODE_NULL:
	default:
		col_jsonw_null(w);
		break;
	}
}
