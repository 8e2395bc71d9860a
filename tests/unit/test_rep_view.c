/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "rep-test-view"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>
#include <cmocka.h>

#include "report/flowtext.h"
#include "report/toptext.h"
#include "report/view.h"

typedef gboolean (*section_fn)(JsonObject *, GString *, GError **);

/*
 * The text fn makes of the JSON text json; NULL if refused.  atomic: fn
 * appends nothing when it refuses.
 */
static char *
render_atomic(section_fn fn, gboolean atomic, const char *json,
    char **error_message)
{
	JsonParser *p = json_parser_new();
	GString *out = g_string_new("");
	GError *err = NULL;
	gboolean ok;

	assert_true(json_parser_load_from_data(p, json, -1, NULL));
	ok = fn(json_node_get_object(json_parser_get_root(p)), out, &err);
	g_object_unref(p);
	*error_message = ok ? NULL : g_strdup(err->message);
	g_clear_error(&err);
	assert_true(ok || !atomic || out->len == 0);
	if (!ok) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

/* minflow-report's section of the JSON text json; NULL if refused. */
static char *
render(const char *json, char **error_message)
{
	return render_atomic(rep_flowtext_render, TRUE, json, error_message);
}

static char *
render_with(section_fn fn, const char *json, char **error_message)
{
	return render_atomic(fn, FALSE, json, error_message);
}

static void
check_refused(const char *json, const char *message)
{
	char *msg = NULL;

	assert_null(render(json, &msg));
	assert_string_equal(msg, message);
	g_free(msg);
}

/* Moved from test_flowstats (the section left the collector). */
static void
test_rep_view_flowtext_old_and_malformed(void **state)
{
	char *msg = NULL, *text;

	(void)state;
	text = render("{\"flows\": {\"finished\": 3, \"ongoing\": 1, "
	              "\"half_open\": 2}}",
	    &msg);
	assert_string_equal(text,
	    "\nFlows\n  finished 3, ongoing 1, half-open 2\n");
	g_free(text);
	check_refused("{}",
	    "malformed report: \"flows\" is missing or not an object");
	check_refused("{\"flows\": {\"finished\": -1}}",
	    "malformed report: \"finished\" is missing or not a count");
	check_refused("{\"flows\": {\"finished\": 1, \"ongoing\": 0, "
	              "\"half_open\": 0, \"duration_ms\": {\"count\": 1}, "
	              "\"bytes\": 5}}",
	    "malformed report: \"bytes\" is missing or not an object");
	check_refused("{\"flows\": {\"finished\": 1, \"ongoing\": 0, "
	              "\"half_open\": 0, \"focus\": {\"target\": 7}}}",
	    "malformed report: \"target\" is missing or not a string");
}

/* A talker whose address the report does not describe: "#id", no name. */
static void
test_rep_view_talker_without_address(void **state)
{
	char *msg = NULL, *text;

	(void)state;
	text = render_with(rep_toptext_render,
	    "{\"addresses\": [], \"streams\": [], \"top\": {\"talkers\": "
	    "[{\"address\": 77, \"bytes\": 1, \"packets\": 1, \"flows\": 1}], "
	    "\"conversations\": [], \"applications\": []}}",
	    &msg);
	assert_null(msg);
	assert_non_null(strstr(text,
	    "     1  #77                                     -                 "
	    "no               1          1        1  -\n"));
	g_free(text);
	/* a conversation naming a stream the report lacks is refused */
	assert_null(render_with(rep_toptext_render,
	    "{\"addresses\": [], \"streams\": [], \"top\": {\"talkers\": [], "
	    "\"conversations\": [{\"stream\": 5, \"bytes\": 1, "
	    "\"packets\": 1}], \"applications\": []}}",
	    &msg));
	assert_string_equal(msg,
	    "malformed report: \"conversations\" names "
	    "a stream not in \"streams\"");
	g_free(msg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rep_view_flowtext_old_and_malformed),
		cmocka_unit_test(test_rep_view_talker_without_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
