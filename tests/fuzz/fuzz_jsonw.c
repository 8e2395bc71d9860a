/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "jsonw-fuzz"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/output/jsonw.h"
#include "collector/output/report.h"

/*
 * libFuzzer harness for collector/output/jsonw.h: the input is a program
 * of writer calls, run once into the text back-end and once into the
 * tree back-end; the text must be the tree's text (col_report_format()),
 * byte for byte, or it aborts.  Each member's name starts with its index
 * in its object and a colon, so names are distinct in an object, as a
 * report's are (jsonw.h); the rest of the name and every string are
 * input bytes.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_DEPTH 32 /* below COL_JSONW_DEPTH */
#define MAX_STR 64

struct prog {
	const uint8_t *p;
	size_t left;
	unsigned depth;
	gboolean object[MAX_DEPTH];
	unsigned n[MAX_DEPTH];
};

static uint8_t
take_byte(struct prog *g)
{
	if (g->left == 0)
		return 0;
	g->left--;
	return *g->p++;
}

/* Up to MAX_STR input bytes as a string (a NUL byte ends it early). */
static void
take_str(struct prog *g, char out[MAX_STR + 1])
{
	size_t len = take_byte(g) % (MAX_STR + 1), i;

	for (i = 0; i < len; i++)
		out[i] = (char)take_byte(g);
	out[len] = '\0';
}

static uint64_t
take_u64(struct prog *g)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < 8; i++)
		v = v << 8 | take_byte(g);
	return v;
}

/* The next member's name: its index in the object, then input bytes. */
static void
make_name(struct prog *g, char name[MAX_STR + 16])
{
	char s[MAX_STR + 1];

	take_str(g, s);
	g_snprintf(name, MAX_STR + 16, "%u:%s", g->n[g->depth - 1]++, s);
}

static void
value(struct prog *g, struct col_jsonw *w, uint8_t op)
{
	char s[MAX_STR + 1];
	uint64_t u;
	double d;

	switch (op) {
	case 3:
		col_jsonw_int(w, (int64_t)take_u64(g));
		break;
	case 4:
		u = take_u64(g);
		memcpy(&d, &u, sizeof(d));
		col_jsonw_double(w, d);
		break;
	case 5:
		take_str(g, s);
		col_jsonw_string(w, s);
		break;
	case 6:
		col_jsonw_bool(w, take_byte(g) & 1);
		break;
	default:
		col_jsonw_null(w);
		break;
	}
}

/* The member helpers (clamped integers, strings made valid, times). */
static void
member(struct prog *g, struct col_jsonw *w, uint8_t op, const char *name)
{
	char s[MAX_STR + 1];

	switch (op) {
	case 8:
		col_jsonw_uint(w, name, take_u64(g));
		break;
	case 9:
		take_str(g, s);
		col_jsonw_str(w, name, (take_byte(g) & 1) ? s : NULL);
		break;
	case 10:
		take_str(g, s);
		col_jsonw_text(w, name, (take_byte(g) & 1) ? s : NULL);
		break;
	default:
		col_jsonw_time(w, name, take_u64(g));
		break;
	}
}

static void
end(struct prog *g, struct col_jsonw *w)
{
	g->depth--;
	if (g->object[g->depth])
		col_jsonw_end_object(w);
	else
		col_jsonw_end_array(w);
}

/* One call; FALSE when the document is finished. */
static gboolean
step(struct prog *g, struct col_jsonw *w)
{
	uint8_t op = take_byte(g) % 12;
	gboolean in_object = g->depth > 0 && g->object[g->depth - 1];
	char name[MAX_STR + 16];

	if (g->depth == 0)
		op %=
		    2; /* the document is an object or an array, as a report */
	if (op == 2) { /* end the open container */
		end(g, w);
		return g->depth > 0;
	}
	if ((op == 0 || op == 1) && g->depth == MAX_DEPTH)
		op = 3;
	if (op >= 8 && !in_object)
		op = (uint8_t)(op - 5); /* a plain value in an array */
	if (in_object)
		make_name(g, name);
	if (op >= 8) {
		member(g, w, op, name);
		return TRUE;
	}
	if (in_object)
		col_jsonw_member(w, name);
	else if (g->depth > 0)
		g->n[g->depth - 1]++;
	if (op == 0 || op == 1) {
		g->object[g->depth] = op == 0;
		g->n[g->depth] = 0;
		g->depth++;
		if (op == 0)
			col_jsonw_begin_object(w);
		else
			col_jsonw_begin_array(w);
		return TRUE;
	}
	value(g, w, op);
	return g->depth > 0;
}

static void
run(const uint8_t *data, size_t size, struct col_jsonw *w)
{
	struct prog g = { data, size, 0, { FALSE }, { 0 } };

	while (step(&g, w) && g.left > 0)
		;
	while (g.depth > 0)
		end(&g, w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct col_jsonw w;
	JsonNode *tree;
	char *direct, *via_tree;
	size_t len, tree_len;

	if (size == 0)
		return 0;
	col_jsonw_init(&w, FALSE);
	run(data, size, &w);
	direct = col_jsonw_steal_text(&w, TRUE, &len);
	col_jsonw_clear(&w);
	col_jsonw_init(&w, TRUE);
	run(data, size, &w);
	tree = col_jsonw_steal_tree(&w);
	col_jsonw_clear(&w);
	via_tree = col_report_format(tree, &tree_len);
	if (len != tree_len || memcmp(direct, via_tree, len) != 0) {
		fprintf(stderr, "text:\n%s\ntree's text:\n%s\n", direct,
		    via_tree);
		abort();
	}
	g_free(direct);
	g_free(via_tree);
	if (tree != NULL)
		json_node_unref(tree);
	return 0;
}
