/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/output/report.h"
#include "collector/output/report_text.h"

/* What json-glib's generator writes for root: pretty, indent 2, ' '. */
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

static void
assert_same_as_json_glib(JsonNode *root)
{
	g_autofree char *ref = reference(root);
	GString *ours = g_string_new("");

	col_report_text_append(ours, root);
	assert_string_equal(ours->str, ref);
	g_string_free(ours, TRUE);
}

static JsonNode *
finish(JsonBuilder *b)
{
	JsonNode *root = json_builder_get_root(b);

	g_object_unref(b);
	return root;
}

/* Nesting, empty containers, every kind of value, integers at the ends. */
static void
test_report_text_shapes_and_numbers(void **state)
{
	static const double doubles[] = { 0.0, -0.0, 0.5, 1.0, -3.0, 0.1, 1e21,
		1e22, 1e300, 1e-7, 123456789.125, 2.5e-308, 1e16,
		9007199254740993.0, -1.5e-5, 100.0 };
	JsonBuilder *b = json_builder_new();
	JsonNode *root;
	size_t i;

	(void)state;
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "format");
	json_builder_add_int_value(b, 1);
	json_builder_set_member_name(b, "empty_object");
	json_builder_begin_object(b);
	json_builder_end_object(b);
	json_builder_set_member_name(b, "empty_array");
	json_builder_begin_array(b);
	json_builder_end_array(b);
	json_builder_set_member_name(b, "ints");
	json_builder_begin_array(b);
	json_builder_add_int_value(b, 0);
	json_builder_add_int_value(b, -1);
	json_builder_add_int_value(b, G_MAXINT64);
	json_builder_add_int_value(b, G_MININT64);
	json_builder_add_int_value(b, 1234567890123);
	json_builder_end_array(b);
	json_builder_set_member_name(b, "doubles");
	json_builder_begin_array(b);
	for (i = 0; i < G_N_ELEMENTS(doubles); i++)
		json_builder_add_double_value(b, doubles[i]);
	json_builder_end_array(b);
	json_builder_set_member_name(b, "mixed");
	json_builder_begin_array(b);
	json_builder_add_boolean_value(b, TRUE);
	json_builder_add_boolean_value(b, FALSE);
	json_builder_add_null_value(b);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "a");
	json_builder_begin_array(b);
	json_builder_begin_array(b);
	json_builder_end_array(b);
	json_builder_end_array(b);
	json_builder_end_object(b);
	json_builder_begin_object(b);
	json_builder_end_object(b);
	json_builder_end_array(b);
	json_builder_set_member_name(b, "deep");
	for (i = 0; i < 40; i++) { /* indents past any fixed run of spaces */
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "d");
	}
	json_builder_add_string_value(b, "bottom");
	for (i = 0; i < 40; i++)
		json_builder_end_object(b);
	json_builder_end_object(b);
	root = finish(b);
	assert_same_as_json_glib(root);
	json_node_unref(root);
}

/* Every byte 0x01..0xff in values and in member names. */
static void
test_report_text_escapes_every_byte(void **state)
{
	JsonBuilder *b = json_builder_new();
	char all[256], name[8];
	JsonNode *root;
	unsigned c;

	(void)state;
	for (c = 1; c < 256; c++)
		all[c - 1] = (char)c;
	all[255] = '\0';
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "all");
	json_builder_add_string_value(b, all);
	for (c = 1; c < 256; c++) {
		name[0] = 'k';
		name[1] = (char)c;
		name[2] = '"';
		name[3] = '\0';
		json_builder_set_member_name(b, name);
		json_builder_add_string_value(b, name + 1);
	}
	json_builder_set_member_name(b, "");
	json_builder_add_string_value(b, "");
	json_builder_end_object(b);
	root = finish(b);
	assert_same_as_json_glib(root);
	json_node_unref(root);
}

/* A whole report file's text ends in one newline after the document. */
static void
test_report_text_format_adds_newline(void **state)
{
	JsonBuilder *b = json_builder_new();
	JsonNode *root;
	g_autofree char *ref = NULL;
	char *text;
	size_t len;

	(void)state;
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "x");
	json_builder_add_int_value(b, 7);
	json_builder_end_object(b);
	root = finish(b);
	text = col_report_format(root, &len);
	ref = reference(root);
	assert_int_equal(len, strlen(ref) + 1);
	assert_memory_equal(text, ref, strlen(ref));
	assert_int_equal(text[len - 1], '\n');
	assert_string_equal(text, "{\n  \"x\" : 7\n}\n");
	g_free(text);
	json_node_unref(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_text_shapes_and_numbers),
		cmocka_unit_test(test_report_text_escapes_every_byte),
		cmocka_unit_test(test_report_text_format_adds_newline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
