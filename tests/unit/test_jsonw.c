/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/analytics/anomaly.h"
#include "collector/output/jsonw.h"
#include "collector/output/report.h"
#include "collector/output/report_anomaly.h"
#include "collector/output/report_json.h"

/*
 * The text back-end against the tree back-end: each case writes one
 * document through a struct col_jsonw, once into text and once into a
 * tree, and the text must be the tree's text (col_report_format(), the
 * report files' format since the first one, itself checked against
 * json-glib's generator in test_report_text) byte for byte.
 */
typedef void (*writer_fn)(struct col_jsonw *w);

/* What json-glib's generator writes for root (pretty, indent 2). */
static char *
reference(JsonNode *root)
{
	JsonGenerator *g = json_generator_new();
	char *text;

	json_generator_set_pretty(g, TRUE);
	json_generator_set_indent(g, 2);
	json_generator_set_indent_char(g, ' ');
	json_generator_set_root(g, root);
	text = json_generator_to_data(g, NULL);
	g_object_unref(g);
	return text;
}

/*
 * Write with both back-ends, compare; with_glib: the text is also
 * json-glib's own (not for NaN and infinities, which it cannot parse
 * back either).  Returns the text (g_free()).
 */
static char *
assert_same(writer_fn fn, gboolean with_glib)
{
	struct col_jsonw w;
	JsonNode *tree;
	char *direct, *via_tree;
	size_t len, tree_len;

	col_jsonw_init(&w, FALSE);
	fn(&w);
	direct = col_jsonw_steal_text(&w, TRUE, &len);
	col_jsonw_clear(&w);
	assert_int_equal(strlen(direct), len);
	assert_int_equal(direct[len - 1], '\n');

	col_jsonw_init(&w, TRUE);
	fn(&w);
	tree = col_jsonw_steal_tree(&w);
	col_jsonw_clear(&w);
	assert_non_null(tree);
	via_tree = col_report_format(tree, &tree_len);
	assert_int_equal(len, tree_len);
	assert_string_equal(direct, via_tree);
	if (with_glib) {
		g_autofree char *ref = reference(tree);

		assert_int_equal(len, strlen(ref) + 1);
		assert_memory_equal(direct, ref, len - 1);
	}
	g_free(via_tree);
	json_node_unref(tree);
	return direct;
}

/* Every byte 0x01..0xff in a value, in names, through each member call. */
static void
hostile(struct col_jsonw *w)
{
	char all[256], name[4];
	unsigned c;

	for (c = 1; c < 256; c++)
		all[c - 1] = (char)c;
	all[255] = '\0';
	col_jsonw_begin_object(w);
	col_jsonw_member(w, "raw");
	col_jsonw_string(w, all);
	col_jsonw_str(w, "made_valid", all);
	col_jsonw_text(w, "as_is", all);
	col_jsonw_str(w, "unit_separator",
	    "a\x1f"
	    "b");
	col_jsonw_str(w, "bad_utf8", "\xc3\x28 \xff\xfe \xed\xa0\x80 \xf4\x90");
	col_jsonw_str(w, "good_utf8", "\xc3\xa9t\xc3\xa9 \xe2\x82\xac");
	col_jsonw_str(w, "quotes", "\"\\\"\\\\/");
	col_jsonw_str(w, "null_str", NULL);
	col_jsonw_text(w, "null_text", NULL);
	col_jsonw_member(w, "null_string");
	col_jsonw_string(w, NULL);
	col_jsonw_member(w, "");
	col_jsonw_string(w, "");
	for (c = 1; c < 256; c++) {
		name[0] = 'k';
		name[1] = (char)c;
		name[2] = '"';
		name[3] = '\0';
		col_jsonw_member(w, name);
		col_jsonw_string(w, name + 1);
	}
	col_jsonw_end_object(w);
}

static void
test_jsonw_hostile_strings(void **state)
{
	g_autofree char *text = NULL;

	(void)state;
	text = assert_same(hostile, TRUE);
	/* Spot checks, independent of json-glib. */
	assert_non_null(strstr(text,
	    "\"unit_separator\" : \"a\xef\xbf\xbd"
	    "b\""));
	assert_non_null(strstr(text, "\"quotes\" : \"\\\"\\\\\\\"\\\\\\\\/\""));
	assert_non_null(strstr(text, "\"null_str\" : null,\n"));
	assert_non_null(strstr(text, "\"null_string\" : null,\n"));
	assert_non_null(strstr(text, "\"k\\u0001\\\"\" : \"\\u0001\\\"\""));
	assert_non_null(strstr(text, "\"k\\u007f\\\"\" : \"\\u007f\\\"\""));
	assert_non_null(strstr(text, "\"k\\t\\\"\" : \"\\t\\\"\""));
	/* 0x1f as it is when not made valid (json-glib 1.6 does so). */
	assert_non_null(strstr(text, "\"k\x1f\\\"\" : \"\x1f\\\"\""));
}

/* Empty containers at every level, and nesting past any fixed indent. */
static void
nesting(struct col_jsonw *w)
{
	unsigned i;

	col_jsonw_begin_object(w);
	col_jsonw_member(w, "empty_object");
	col_jsonw_begin_object(w);
	col_jsonw_end_object(w);
	col_jsonw_member(w, "empty_array");
	col_jsonw_begin_array(w);
	col_jsonw_end_array(w);
	col_jsonw_member(w, "arrays");
	col_jsonw_begin_array(w);
	col_jsonw_begin_array(w);
	col_jsonw_end_array(w);
	col_jsonw_begin_object(w);
	col_jsonw_end_object(w);
	col_jsonw_begin_array(w);
	col_jsonw_begin_object(w);
	col_jsonw_member(w, "in");
	col_jsonw_begin_object(w);
	col_jsonw_end_object(w);
	col_jsonw_end_object(w);
	col_jsonw_null(w);
	col_jsonw_end_array(w);
	col_jsonw_end_array(w);
	col_jsonw_member(w, "deep");
	for (i = 0; i < 60; i++) { /* 120 spaces and more: the lead's end */
		col_jsonw_begin_object(w);
		col_jsonw_member(w, i % 2 ? "o" : "a");
		if (i % 2 == 0)
			col_jsonw_begin_array(w);
	}
	col_jsonw_begin_array(w); /* the value of the last "o" */
	col_jsonw_begin_object(w);
	col_jsonw_end_object(w);
	col_jsonw_begin_array(w);
	col_jsonw_end_array(w);
	col_jsonw_end_array(w);
	for (i = 60; i-- > 0;) {
		if (i % 2 == 0)
			col_jsonw_end_array(w);
		col_jsonw_end_object(w);
	}
	col_jsonw_member(w, "last");
	col_jsonw_bool(w, TRUE);
	col_jsonw_end_object(w);
}

static void
empty_object(struct col_jsonw *w)
{
	col_jsonw_begin_object(w);
	col_jsonw_end_object(w);
}

static void
empty_array(struct col_jsonw *w)
{
	col_jsonw_begin_array(w);
	col_jsonw_end_array(w);
}

static void
test_jsonw_nesting_and_empty(void **state)
{
	g_autofree char *text = NULL, *obj = NULL, *arr = NULL;

	(void)state;
	text = assert_same(nesting, TRUE);
	assert_non_null(strstr(text, "\"empty_object\" : {  },\n"));
	assert_non_null(strstr(text, "\"empty_array\" : [],\n"));
	assert_non_null(strstr(text, "    [],\n    {    },\n"));
	obj = assert_same(empty_object, TRUE);
	assert_string_equal(obj, "{}\n");
	arr = assert_same(empty_array, TRUE);
	assert_string_equal(arr, "[]\n");
}

static const int64_t ints[] = { 0, 1, -1, 9, 10, -10, 99, 100,
	INT64_C(1234567890123), INT64_MAX, INT64_MAX - 1, INT64_MIN,
	INT64_MIN + 1, INT32_MAX, INT32_MIN, (int64_t)UINT32_MAX + 1 };
static const uint64_t uints[] = { 0, 1, (uint64_t)INT64_MAX,
	(uint64_t)INT64_MAX + 1, UINT64_MAX - 1, UINT64_MAX };
static const double doubles[] = { 0.0, -0.0, 0.5, 1.0, -3.0, 0.1, 1e21, 1e22,
	1e300, 1e-7, 123456789.125, 2.5e-308, 4.9e-324, 1e16,
	9007199254740993.0, -1.5e-5, 100.0, 1.7976931348623157e308, 0.001,
	1.0 / 3.0 };

static void
numbers(struct col_jsonw *w)
{
	size_t i;

	col_jsonw_begin_object(w);
	col_jsonw_member(w, "ints");
	col_jsonw_begin_array(w);
	for (i = 0; i < G_N_ELEMENTS(ints); i++)
		col_jsonw_int(w, ints[i]);
	col_jsonw_end_array(w);
	col_jsonw_member(w, "uints");
	col_jsonw_begin_object(w);
	for (i = 0; i < G_N_ELEMENTS(uints); i++) {
		char key[8];

		g_snprintf(key, sizeof(key), "u%zu", i);
		col_jsonw_uint(w, key, uints[i]);
	}
	col_jsonw_end_object(w);
	col_jsonw_member(w, "doubles");
	col_jsonw_begin_array(w);
	for (i = 0; i < G_N_ELEMENTS(doubles); i++)
		col_jsonw_double(w, doubles[i]);
	col_jsonw_end_array(w);
	col_jsonw_time(w, "epoch", 0);
	col_jsonw_time(w, "late", UINT64_MAX);
	col_jsonw_time(w, "leap", UINT64_C(951782400999)); /* 2000-02-29 */
	col_jsonw_member(w, "bools");
	col_jsonw_begin_array(w);
	col_jsonw_bool(w, TRUE);
	col_jsonw_bool(w, FALSE);
	col_jsonw_end_array(w);
	col_jsonw_end_object(w);
}

static void
not_finite(struct col_jsonw *w)
{
	col_jsonw_begin_array(w);
	col_jsonw_double(w, NAN);
	col_jsonw_double(w, INFINITY);
	col_jsonw_double(w, -INFINITY);
	col_jsonw_end_array(w);
}

static void
test_jsonw_numbers_at_edges(void **state)
{
	g_autofree char *text = NULL, *nf = NULL;

	(void)state;
	text = assert_same(numbers, TRUE);
	assert_non_null(strstr(text, "    9223372036854775807,\n"));
	assert_non_null(strstr(text, "    -9223372036854775808,\n"));
	/* Unsigned counters are clamped to the largest JSON integer. */
	assert_non_null(strstr(text, "\"u2\" : 9223372036854775807,\n"));
	assert_non_null(strstr(text, "\"u5\" : 9223372036854775807\n"));
	assert_non_null(strstr(text, "    1e+21.0,\n")); /* json-glib 1.6 */
	assert_non_null(strstr(text, "    0.5,\n"));
	assert_non_null(strstr(text, "    -0.0,\n"));
	assert_non_null(strstr(text, "\"epoch\" : \"1970-01-01T00:00:00Z\""));
	assert_non_null(strstr(text, "\"late\" : \"9999-12-31T23:59:59Z\""));
	assert_non_null(strstr(text, "\"leap\" : \"2000-02-29T00:00:00Z\""));
	nf = assert_same(not_finite, FALSE);
	assert_string_equal(nf, "[\n  nan.0,\n  inf.0,\n  -inf.0\n]\n");
}

/*
 * An anomaly's evidence with a name given twice (and once as the name
 * key): the text is what the tree of the same members, added one by one
 * as before, held and json-glib wrote: one member per name, in the first
 * one's place, with the last value.
 */
static void
test_jsonw_evidence_names_given_twice(void **state)
{
	struct col_anomaly_entry e;
	struct col_jsonw w;
	JsonBuilder *b = json_builder_new();
	JsonNode *root;
	g_autofree char *ref = NULL, *direct = NULL;
	size_t len, i;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.name_key = "domain";
	g_strlcpy(e.name, "example.com", sizeof(e.name));
	e.ev[0] = (struct col_anomaly_evidence){ "queries", 10, FALSE };
	e.ev[1] = (struct col_anomaly_evidence){ "ratio", 0.25, TRUE };
	e.ev[2] = (struct col_anomaly_evidence){ "queries", 12, FALSE };
	e.ev[3] = (struct col_anomaly_evidence){ "domain", 3, FALSE };
	e.ev[4] = (struct col_anomaly_evidence){ "threshold", 5, FALSE };
	e.ev[5] = (struct col_anomaly_evidence){ "queries", 14, FALSE };
	e.n_ev = 6;
	/* The tree as the builder made it before: every member added. */
	json_builder_begin_object(b);
	col_json_text(b, e.name_key, e.name);
	for (i = 0; i < e.n_ev; i++) {
		json_builder_set_member_name(b, e.ev[i].name);
		if (e.ev[i].real)
			json_builder_add_double_value(b, e.ev[i].value);
		else
			json_builder_add_int_value(b, (gint64)e.ev[i].value);
	}
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	g_object_unref(b);
	ref = reference(root);
	json_node_unref(root);
	assert_string_equal(ref,
	    "{\n  \"domain\" : 3,\n  \"queries\" : 14,\n"
	    "  \"ratio\" : 0.25,\n"
	    "  \"threshold\" : 5\n}");

	col_jsonw_init(&w, FALSE);
	col_jsonw_begin_object(&w);
	col_report_anomaly_evidence(&w, &e);
	col_jsonw_end_object(&w);
	direct = col_jsonw_steal_text(&w, FALSE, &len);
	col_jsonw_clear(&w);
	/* One level down: the same members, two more spaces each. */
	assert_string_equal(direct,
	    "{\n  \"evidence\" : {\n"
	    "    \"domain\" : 3,\n"
	    "    \"queries\" : 14,\n"
	    "    \"ratio\" : 0.25,\n"
	    "    \"threshold\" : 5\n  }\n}");
}

/* A writer left with text or a builder frees it; clear twice is fine. */
static void
test_jsonw_clear_unfinished(void **state)
{
	struct col_jsonw w;

	(void)state;
	col_jsonw_init(&w, FALSE);
	col_jsonw_begin_object(&w);
	col_jsonw_uint(&w, "a", 1);
	col_jsonw_clear(&w);
	col_jsonw_clear(&w);
	col_jsonw_init(&w, TRUE);
	col_jsonw_begin_array(&w);
	col_jsonw_clear(&w);
	assert_null(w.text);
	assert_null(w.b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jsonw_hostile_strings),
		cmocka_unit_test(test_jsonw_nesting_and_empty),
		cmocka_unit_test(test_jsonw_numbers_at_edges),
		cmocka_unit_test(test_jsonw_evidence_names_given_twice),
		cmocka_unit_test(test_jsonw_clear_unfinished),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
