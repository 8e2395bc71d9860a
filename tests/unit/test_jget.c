/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "rep-test-jget"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>
#include <cmocka.h>

#include "report/jget.h"
#include "report/load.h"

#define REQ REP_JGET_REQUIRED
#define OPT REP_JGET_OPTIONAL
#define NUL REP_JGET_NULLABLE

/* One object with a member of every kind. */
static const char doc[] = "{\"s\": \"text\", \"i\": -7, \"u\": 42, "
                          "\"big\": 9223372036854775807, \"d\": 2.5, "
                          "\"b\": true, \"n\": null, \"o\": {\"x\": 1}, "
                          "\"a\": [1, {\"y\": 2}]}";

struct fixture {
	JsonParser *p;
	JsonObject *o;
};

static int
setup(void **state)
{
	struct fixture *f = g_new0(struct fixture, 1);

	f->p = json_parser_new();
	assert_true(json_parser_load_from_data(f->p, doc, -1, NULL));
	f->o = json_node_get_object(json_parser_get_root(f->p));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	g_object_unref(f->p);
	g_free(f);
	return 0;
}

/* error's message, which must be set; frees it. */
static void
check_message(GError **error, const char *message)
{
	assert_non_null(*error);
	assert_string_equal((*error)->message, message);
	g_clear_error(error);
}

static void
test_jget_get_right_types(void **state)
{
	struct fixture *f = *state;
	const char *s = NULL;
	gint64 i = 0;
	guint64 u = 0;
	double d = 0;
	gboolean b = FALSE;
	JsonObject *o = NULL;
	JsonArray *a = NULL;

	assert_true(rep_jget_string(f->o, "s", REQ, &s, NULL));
	assert_string_equal(s, "text");
	assert_true(rep_jget_int(f->o, "i", REQ, &i, NULL));
	assert_int_equal(i, -7);
	assert_true(rep_jget_uint(f->o, "u", REQ, &u, NULL));
	assert_int_equal(u, 42);
	assert_true(rep_jget_uint(f->o, "big", REQ, &u, NULL));
	assert_true(u == G_MAXINT64);
	assert_true(rep_jget_double(f->o, "d", REQ, &d, NULL));
	assert_true(d == 2.5);
	assert_true(rep_jget_double(f->o, "u", REQ, &d, NULL)); /* an int */
	assert_true(d == 42.0);
	assert_true(rep_jget_bool(f->o, "b", REQ, &b, NULL));
	assert_true(b);
	assert_true(rep_jget_object(f->o, "o", REQ, &o, NULL));
	assert_true(rep_jget_uint(o, "x", REQ, &u, NULL));
	assert_int_equal(u, 1);
	assert_true(rep_jget_array(f->o, "a", REQ, &a, NULL));
	assert_int_equal(json_array_get_length(a), 2);
}

static void
test_jget_get_wrong_types_are_errors(void **state)
{
	struct fixture *f = *state;
	GError *error = NULL;
	const char *s = "default";
	gint64 i = 5;
	guint64 u = 6;
	double d = 7;
	gboolean b = TRUE;
	JsonObject *o = NULL;
	JsonArray *a = NULL;

	assert_false(rep_jget_string(f->o, "u", REQ, &s, &error));
	check_message(&error,
	    "malformed report: \"u\" is missing or not a "
	    "string");
	assert_string_equal(s, "default"); /* untouched */
	assert_false(rep_jget_int(f->o, "d", REQ, &i, &error));
	check_message(&error,
	    "malformed report: \"d\" is missing or not an integer");
	assert_int_equal(i, 5);
	assert_false(rep_jget_uint(f->o, "i", REQ, &u, &error)); /* < 0 */
	check_message(&error,
	    "malformed report: \"i\" is missing or not a count");
	assert_int_equal(u, 6);
	assert_false(rep_jget_uint(f->o, "s", REQ, &u, &error));
	check_message(&error,
	    "malformed report: \"s\" is missing or not a count");
	assert_false(rep_jget_double(f->o, "b", REQ, &d, &error));
	check_message(&error,
	    "malformed report: \"b\" is missing or not a number");
	assert_true(d == 7);
	assert_false(rep_jget_bool(f->o, "u", REQ, &b, &error));
	check_message(&error,
	    "malformed report: \"u\" is missing or not a boolean");
	assert_false(rep_jget_object(f->o, "a", REQ, &o, &error));
	check_message(&error,
	    "malformed report: \"a\" is missing or not an object");
	assert_null(o);
	assert_false(rep_jget_array(f->o, "o", REQ, &a, &error));
	check_message(&error,
	    "malformed report: \"o\" is missing or not an array");
	assert_null(a);
	/* no GError wanted: still FALSE */
	assert_false(rep_jget_string(f->o, "o", REQ, &s, NULL));
}

static void
test_jget_get_missing_and_null(void **state)
{
	struct fixture *f = *state;
	GError *error = NULL;
	const char *s = "default";
	guint64 u = 9;
	JsonObject *o = NULL;

	assert_false(rep_jget_uint(f->o, "nope", REQ, &u, &error));
	check_message(&error,
	    "malformed report: \"nope\" is missing or not a count");
	assert_true(rep_jget_uint(f->o, "nope", OPT, &u, &error));
	assert_null(error);
	assert_int_equal(u, 9); /* the default stays */
	/* null: an error unless nullable; optional alone does not allow it */
	assert_false(rep_jget_string(f->o, "n", OPT, &s, &error));
	check_message(&error,
	    "malformed report: \"n\" is missing or not a string");
	assert_true(rep_jget_string(f->o, "n", NUL, &s, NULL));
	assert_string_equal(s, "default");
	assert_true(rep_jget_object(f->o, "n", NUL, &o, NULL));
	assert_null(o);
	/* nullable alone does not allow a missing member */
	assert_false(rep_jget_string(f->o, "nope", NUL, &s, NULL));
	assert_true(rep_jget_is_null(f->o, "n"));
	assert_false(rep_jget_is_null(f->o, "s"));
	assert_false(rep_jget_is_null(f->o, "nope"));
	/* no object at all: every member is missing */
	assert_true(rep_jget_uint(NULL, "u", OPT, &u, NULL));
	assert_false(rep_jget_uint(NULL, "u", REQ, &u, NULL));
	assert_false(rep_jget_is_null(NULL, "n"));
}

static void
test_jget_elem_object_checks_type_and_range(void **state)
{
	struct fixture *f = *state;
	GError *error = NULL;
	JsonObject *e = NULL;
	JsonArray *a = NULL;

	assert_true(rep_jget_array(f->o, "a", REQ, &a, NULL));
	assert_false(rep_jget_elem_object(a, 0, "a", &e, &error));
	check_message(&error, "malformed report: \"a\" holds a non-object");
	assert_true(rep_jget_elem_object(a, 1, "a", &e, NULL));
	assert_true(json_object_has_member(e, "y"));
	assert_false(rep_jget_elem_object(a, 2, "a", &e, NULL));
}

/* Malformed documents never reach the getters: load refuses them. */
static void
test_jget_load_parse_refuses_malformed(void **state)
{
	static const struct {
		const char *json, *message;
	} cases[] = {
		{ "", "r: not a minflow report (no JSON object)" },
		{ "[1]", "r: not a minflow report (no JSON object)" },
		{ "{\"format\": 2}", "r: not a minflow report of format 1" },
		{ "{\"format\": \"1\"}",
		    "r: not a minflow report of format 1" },
		{ "{\"format\": 1", NULL }, /* json-glib's message */
		{ "{\"format\": 1, \"x\": \"\\ud800\"}", NULL },
	};
	GError *error = NULL;
	JsonParser *p;
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		p = json_parser_new();
		assert_false(rep_load_parse(p, "r", cases[i].json,
		    strlen(cases[i].json), &error));
		assert_non_null(error);
		if (cases[i].message != NULL)
			assert_string_equal(error->message, cases[i].message);
		else
			assert_true(g_str_has_prefix(error->message,
			    "r: malformed JSON: "));
		g_clear_error(&error);
		g_object_unref(p);
	}
}

/* 64 levels are fine, 65 are refused before json-glib recurses. */
static void
test_jget_load_depth_limit(void **state)
{
	GString *s = g_string_new("{\"format\": 1, \"x\": ");
	GError *error = NULL;
	JsonParser *p = json_parser_new();
	char deep[REP_MAX_DEPTH + 1];
	int i;

	(void)state;
	for (i = 1; i < REP_MAX_DEPTH; i++) /* the root is level 1 */
		g_string_append_c(s, '[');
	for (i = 1; i < REP_MAX_DEPTH; i++)
		g_string_append_c(s, ']');
	g_string_append_c(s, '}');
	assert_true(rep_load_parse(p, "r", s->str, s->len, NULL));
	g_string_insert_c(s, 19, '[');
	g_string_insert_c(s, (gssize)s->len - 1, ']');
	assert_false(rep_load_parse(p, "r", s->str, s->len, &error));
	check_message(&error, "r: malformed JSON: nested deeper than 64");
	/* brackets inside strings and comments do not count */
	g_string_assign(s, "{\"a\": \"[[[[\\\"[[[\" /* [[[ */ '[[[' }");
	assert_true(rep_load_depth_ok(s->str, s->len));
	memset(deep, '[', sizeof(deep));
	assert_true(rep_load_depth_ok(deep, REP_MAX_DEPTH));
	assert_false(rep_load_depth_ok(deep, REP_MAX_DEPTH + 1));
	g_string_free(s, TRUE);
	g_object_unref(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_jget_get_right_types,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_jget_get_wrong_types_are_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jget_get_missing_and_null,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_jget_elem_object_checks_type_and_range, setup,
		    teardown),
		cmocka_unit_test(test_jget_load_parse_refuses_malformed),
		cmocka_unit_test(test_jget_load_depth_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
