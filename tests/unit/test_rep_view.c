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

#include "report/devtext.h"
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

/*
 * Issue 18: five talkers, internal clients and remote servers, listed in
 * an order that is neither the order of "addresses" nor of their ids.  A
 * name belongs to the address it names ("label" of that address), never
 * to the client that talked to it: 192.168.50.12 fetched from
 * cdn.video.example (203.0.113.80), 192.168.50.20 from mail.example
 * (198.51.100.7); 198.51.100.99 opened a connection to 192.168.50.20 and
 * has no name.
 */
static const char talkers_json[] =
    "{\"addresses\": ["
    " {\"id\": 3, \"ip\": \"192.168.50.12\", \"mac\": \"00:00:5e:00:53:0c\","
    "  \"label\": null, \"internal\": true},"
    " {\"id\": 7, \"ip\": \"203.0.113.80\", \"mac\": null,"
    "  \"label\": \"cdn.video.example\", \"internal\": false},"
    " {\"id\": 9, \"ip\": \"192.168.50.20\", \"mac\": \"00:00:5e:00:53:14\","
    "  \"label\": null, \"internal\": true},"
    " {\"id\": 12, \"ip\": \"198.51.100.7\", \"mac\": null,"
    "  \"label\": \"mail.example\", \"internal\": false},"
    " {\"id\": 15, \"ip\": \"198.51.100.99\", \"mac\": null,"
    "  \"label\": null, \"internal\": false}],"
    " \"streams\": ["
    " {\"id\": 1, \"proto\": 6, \"left\": 3, \"left_port\": 50000,"
    "  \"right\": 7, \"right_port\": 443, \"label\": \"cdn.video.example\","
    "  \"flags\": 8, \"packets\": 900, \"bytes\": 900000},"
    " {\"id\": 2, \"proto\": 6, \"left\": 9, \"left_port\": 50001,"
    "  \"right\": 12, \"right_port\": 993, \"label\": \"mail.example\","
    "  \"flags\": 2, \"packets\": 300, \"bytes\": 200000},"
    " {\"id\": 4, \"proto\": 6, \"left\": 15, \"left_port\": 40000,"
    "  \"right\": 9, \"right_port\": 22, \"label\": \"\","
    "  \"flags\": 1, \"packets\": 100, \"bytes\": 50000}],"
    " \"top\": {\"talkers\": ["
    " {\"address\": 7, \"bytes\": 900000, \"packets\": 900, \"flows\": 1},"
    " {\"address\": 3, \"bytes\": 900000, \"packets\": 900, \"flows\": 1},"
    " {\"address\": 9, \"bytes\": 250000, \"packets\": 400, \"flows\": 2},"
    " {\"address\": 12, \"bytes\": 200000, \"packets\": 300, \"flows\": 1},"
    " {\"address\": 15, \"bytes\": 50000, \"packets\": 100, \"flows\": 1}],"
    " \"conversations\": [{\"stream\": 1, \"bytes\": 900000, "
    "  \"packets\": 900}],"
    " \"applications\": []}}";

static void
test_rep_view_talkers_named_by_their_own_address(void **state)
{
	char *msg = NULL, *text;

	(void)state;
	text = render_with(rep_toptext_render, talkers_json, &msg);
	assert_null(msg);
	assert_string_equal(text,
	    "\nTop talkers\n"
	    "     #  address                                 MAC               "
	    "int          bytes    packets    flows  name\n"
	    "     1  203.0.113.80                            -                 "
	    "no          900000        900        1  cdn.video.example\n"
	    "     2  192.168.50.12                           00:00:5e:00:53:0c "
	    "yes         900000        900        1  -\n"
	    "     3  192.168.50.20                           00:00:5e:00:53:14 "
	    "yes         250000        400        2  -\n"
	    "     4  198.51.100.7                            -                 "
	    "no          200000        300        1  mail.example\n"
	    "     5  198.51.100.99                           -                 "
	    "no           50000        100        1  -\n"
	    "\nConversations\n"
	    "     #  left                                                "
	    "right                                           proto           "
	    "bytes    packets  label\n"
	    "     1  192.168.50.12:50000                             <-> "
	    "203.0.113.80:443                                tcp            "
	    "900000        900  cdn.video.example\n"
	    "\nApplications\n"
	    "     #  application             bytes    packets    flows\n"
	    "  (none)\n");
	g_free(text);
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

/* The devices: one named with two addresses, one known by its address. */
static void
test_rep_view_devices(void **state)
{
	char *msg = NULL, *text;

	(void)state;
	text = render_with(rep_devtext_render,
	    "{\"devices\": [{\"id\": \"00:22:72:01:02:03\", \"name\": "
	    "\"kids-tablet\", \"vendor\": \"American Micro-Fuel Device "
	    "Corp.\", \"bytes_out\": 1000, \"bytes_in\": 500, \"flows\": 3, "
	    "\"names\": [{\"name\": \"www.example.com\", \"bytes\": 900}], "
	    "\"addresses\": [\"192.168.1.20\", \"fd00::20\"]}, "
	    "{\"id\": \"10.0.0.5\", \"name\": null, \"vendor\": null, "
	    "\"bytes_out\": 1, \"bytes_in\": 0, \"flows\": 1, "
	    "\"names\": [], \"addresses\": [\"10.0.0.5\"]}]}",
	    &msg);
	assert_null(msg);
	assert_string_equal(text,
	    "\nDevices\n"
	    "  device            name                 vendor               "
	    "   bytes out     bytes in    flows  top name                     "
	    "  addresses\n"
	    "  00:22:72:01:02:03 kids-tablet          American Micro-Fu... "
	    "        1000          500        3  www.example.com              "
	    "  192.168.1.20 fd00::20\n"
	    "  10.0.0.5          -                    -                    "
	    "           1            0        1  -                            "
	    "  10.0.0.5\n");
	g_free(text);
	/* A report from before devices: no table; a bad address: refused. */
	text = render_with(rep_devtext_render, "{}", &msg);
	assert_string_equal(text, "");
	g_free(text);
	assert_null(render_with(rep_devtext_render,
	    "{\"devices\": [{\"id\": \"x\", \"name\": null, \"vendor\": "
	    "null, \"bytes_out\": 1, \"bytes_in\": 0, \"flows\": 1, "
	    "\"names\": [], \"addresses\": [7]}]}",
	    &msg));
	assert_string_equal(msg,
	    "malformed report: \"addresses\" holds a non-string");
	g_free(msg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rep_view_flowtext_old_and_malformed),
		cmocka_unit_test(
		    test_rep_view_talkers_named_by_their_own_address),
		cmocka_unit_test(test_rep_view_talker_without_address),
		cmocka_unit_test(test_rep_view_devices),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
