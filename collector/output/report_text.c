/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-report"

#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/output/report_text.h"

#define INDENT 2

static void
put_indent(GString *out, unsigned level)
{
	static const char spaces[] = "                                ";
	size_t n = (size_t)level * INDENT;

	while (n > sizeof(spaces) - 1) {
		g_string_append_len(out, spaces, sizeof(spaces) - 1);
		n -= sizeof(spaces) - 1;
	}
	g_string_append_len(out, spaces, (gssize)n);
}

static void
put_string(GString *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;
	unsigned char c;

	g_string_append_c(out, '"');
	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if (c >= 0x1f && c != 0x7f && c != '\\' && c != '"')
			continue;
		g_string_append_len(out, run, s - run);
		run = s + 1;
		g_string_append_c(out, '\\');
		switch (c) {
		case '\\':
		case '"':
			g_string_append_c(out, (char)c);
			break;
		case '\b':
			g_string_append_c(out, 'b');
			break;
		case '\f':
			g_string_append_c(out, 'f');
			break;
		case '\n':
			g_string_append_c(out, 'n');
			break;
		case '\r':
			g_string_append_c(out, 'r');
			break;
		case '\t':
			g_string_append_c(out, 't');
			break;
		default:
			g_string_append(out, "u00");
			g_string_append_c(out, hex[c >> 4]);
			g_string_append_c(out, hex[c & 0xf]);
			break;
		}
	}
	g_string_append_len(out, run, s - run);
	g_string_append_c(out, '"');
}

static void
put_int(GString *out, gint64 v)
{
	char buf[24];
	size_t i = sizeof(buf);
	/* The magnitude as unsigned: -G_MININT64 does not fit in gint64. */
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		buf[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		buf[--i] = '-';
	g_string_append_len(out, buf + i, (gssize)(sizeof(buf) - i));
}

static void
put_double(GString *out, double d)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	g_ascii_dtostr(buf, sizeof(buf), d);
	g_string_append(out, buf);
	if (strchr(buf, '.') == NULL) /* 1.6 does so after an exponent too */
		g_string_append(out, ".0");
}

static void
put_value(GString *out, JsonNode *node)
{
	switch (json_node_get_value_type(node)) {
	case G_TYPE_INT64:
		put_int(out, json_node_get_int(node));
		break;
	case G_TYPE_DOUBLE:
		put_double(out, json_node_get_double(node));
		break;
	case G_TYPE_BOOLEAN:
		g_string_append(out,
		    json_node_get_boolean(node) ? "true" : "false");
		break;
	case G_TYPE_STRING:
		put_string(out,
		    json_node_get_string(node) != NULL
		        ? json_node_get_string(node)
		        : "");
		break;
	default:
		g_string_append(out, "null");
		break;
	}
}

static void put_node(GString *out, unsigned level, JsonNode *node);

static void
put_array(GString *out, unsigned level, JsonArray *a)
{
	guint i, n = json_array_get_length(a);

	g_string_append_c(out, '[');
	if (n == 0) {
		g_string_append_c(out, ']');
		return;
	}
	g_string_append_c(out, '\n');
	for (i = 0; i < n; i++) {
		put_indent(out, level + 1);
		put_node(out, level + 1, json_array_get_element(a, i));
		if (i + 1 < n)
			g_string_append_c(out, ',');
		g_string_append_c(out, '\n');
	}
	put_indent(out, level);
	g_string_append_c(out, ']');
}

static void
put_object(GString *out, unsigned level, JsonObject *o)
{
	JsonObjectIter it;
	const char *name;
	JsonNode *member;
	gboolean first = TRUE;

	g_string_append_c(out, '{');
	json_object_iter_init_ordered(&it, o);
	while (json_object_iter_next_ordered(&it, &name, &member)) {
		g_string_append(out, first ? "\n" : ",\n");
		first = FALSE;
		put_indent(out, level + 1);
		put_string(out, name);
		g_string_append_len(out, " : ", 3);
		put_node(out, level + 1, member);
	}
	if (!first)
		g_string_append_c(out, '\n');
	put_indent(out, level); /* an empty object too: "{  }" at level 1 */
	g_string_append_c(out, '}');
}

/* node's value, its indent already written (by the caller). */
static void
put_node(GString *out, unsigned level, JsonNode *node)
{
	switch (json_node_get_node_type(node)) {
	case JSON_NODE_OBJECT:
		put_object(out, level, json_node_get_object(node));
		break;
	case JSON_NODE_ARRAY:
		put_array(out, level, json_node_get_array(node));
		break;
	case JSON_NODE_VALUE:
		put_value(out, node);
		break;
	case JSON_NODE_NULL:
	default:
		g_string_append(out, "null");
		break;
	}
}

void
col_report_text_append(GString *out, JsonNode *node)
{
	if (node != NULL)
		put_node(out, 0, node);
}
