/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-test-wiring"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <cmocka.h>

#include "collector/model/engine.h"
#include "collector/model/flow.h"
#include "collector/output/report.h"
#include "collector/settings.h"
#include "collector/wiring.h"
#include "common/addr.h"

/* 2023-11-14 22:13:00 UTC, a multiple of the 60 s interval. */
#define S UINT64_C(1699999980000)

/* The engine and the collector's consumers, from a configuration. */
struct fx {
	char *dir;
	struct col_config cfg, fresh;
	struct col_engine *e;
	struct col_wiring *w;
	JsonNode *report; /* the last one built */
	size_t reports;
};

static void
on_report(const struct col_interval *iv, void *ctx)
{
	struct fx *fx = ctx;
	struct col_report_config rc = { .dir = fx->dir, .top = 20 };
	char *text, *direct;
	size_t len, direct_len;

	fx->reports++;
	if (fx->report != NULL)
		json_node_unref(fx->report);
	fx->report = col_report_build(&rc, iv, NULL, 0);
	assert_non_null(fx->report);
	/* Every section's text written straight is its tree's, exactly. */
	text = col_report_format(fx->report, &len);
	direct = col_report_text(&rc, iv, NULL, 0, &direct_len);
	assert_int_equal(direct_len, len);
	assert_string_equal(direct, text);
	g_free(text);
	g_free(direct);
}

/* Load text as minflow.conf into cfg. */
static void
load(struct fx *fx, const char *text, struct col_config *cfg)
{
	char *path = g_build_filename(fx->dir, "minflow.conf", NULL);
	GError *err = NULL;

	assert_true(g_file_set_contents(path, text, -1, NULL));
	assert_true(col_config_load(path, cfg, &err));
	assert_null(err);
	g_free(path);
}

static int
setup(void **state)
{
	struct fx *fx = g_new0(struct fx, 1);
	struct col_engine_config ec;
	GError *err = NULL;

	fx->dir = g_dir_make_tmp("test_wiring.XXXXXX", NULL);
	if (fx->dir == NULL)
		return -1;
	load(fx,
	    "[networks]\ninternal = 192.168.0.0/16\n"
	    "[focus]\ntarget = 10.9.0.0/16\n",
	    &fx->cfg);
	ec.interval_s = (uint32_t)fx->cfg.reports.interval;
	ec.grace_s = (uint32_t)fx->cfg.reports.grace;
	ec.max_pending = 16;
	fx->e = col_engine_new(&ec, on_report, fx, &err);
	assert_non_null(fx->e);
	fx->w = col_wiring_new(&fx->cfg, TRUE, fx->e, &err);
	assert_null(err);
	assert_non_null(fx->w);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;
	char *path = g_build_filename(fx->dir, "minflow.conf", NULL);

	col_engine_free(fx->e);
	col_wiring_free(fx->w);
	col_config_clear(&fx->cfg);
	col_config_clear(&fx->fresh);
	if (fx->report != NULL)
		json_node_unref(fx->report);
	assert_int_equal(g_unlink(path), 0);
	assert_int_equal(g_rmdir(fx->dir), 0);
	g_free(path);
	g_free(fx->dir);
	g_free(fx);
	return 0;
}

/* One UDP record 192.168.1.10:40000 -> 8.8.8.8:53 ending at end_ms. */
static void
add(struct fx *fx, uint64_t end_ms)
{
	struct col_flow f;

	memset(&f, 0, sizeof(f));
	assert_true(mf_addr_parse("192.168.1.10", &f.src));
	assert_true(mf_addr_parse("8.8.8.8", &f.dst));
	f.sport = 40000;
	f.dport = 53;
	f.proto = 17;
	f.packets = 1;
	f.octets = 80;
	f.start_ms = end_ms - 10;
	f.end_ms = end_ms;
	(void)col_engine_add(fx->e, &f);
}

static JsonObject *
member(JsonObject *o, const char *name)
{
	assert_true(json_object_has_member(o, name));
	return json_object_get_object_member(o, name);
}

static int64_t
class_flows(struct fx *fx, const char *cls)
{
	JsonObject *root = json_node_get_object(fx->report);

	return json_object_get_int_member(member(member(root, "summary"), cls),
	    "flows");
}

/* The sections come in the report's documented order, one each. */
static void
test_wiring_new_sections_in_report_order(void **state)
{
	static const char *const keys[] = { "format", "interval", "exporters",
		"summary", "addresses", "streams", "top", "dns", "flows",
		"anomalies", "anomaly_state", "devices", "device_table",
		"tables", "collector" };
	struct fx *fx = *state;
	GList *names, *l;
	size_t i = 0;

	add(fx, S + 10000);
	col_engine_flush(fx->e);
	assert_int_equal(fx->reports, 1);
	names = json_object_get_members(json_node_get_object(fx->report));
	for (l = names; l != NULL; l = l->next, i++) {
		assert_true(i < G_N_ELEMENTS(keys));
		assert_string_equal(l->data, keys[i]);
	}
	assert_int_equal(i, G_N_ELEMENTS(keys));
	g_list_free(names);
	assert_int_equal(class_flows(fx, "out"), 1);
	assert_int_equal(json_object_get_int_member(member(json_node_get_object(
	                                                       fx->report),
	                                                "collector"),
	                     "records"),
	    1);
}

/* SIGHUP: new [networks] and [focus] count from the next record on. */
static void
test_wiring_reload_networks_and_focus(void **state)
{
	struct fx *fx = *state;
	JsonObject *flows;
	GError *err = NULL;

	add(fx, S + 10000); /* out: 192.168.1.10 is internal */
	load(fx,
	    "[networks]\ninternal = 8.8.8.0/24\n"
	    "[focus]\ntarget = 192.168.1.0/24\n",
	    &fx->fresh);
	assert_true(col_wiring_reload(fx->w, &fx->fresh, &err));
	assert_null(err);
	add(fx, S + 20000); /* in: now 8.8.8.8 is the internal side */
	col_engine_flush(fx->e);
	assert_int_equal(fx->reports, 1);
	assert_int_equal(class_flows(fx, "out"), 1);
	assert_int_equal(class_flows(fx, "in"), 1);
	flows = member(json_node_get_object(fx->report), "flows");
	assert_int_equal(json_object_get_int_member(flows, "finished"), 2);
	/* A new target counts from zero: the second record only. */
	assert_string_equal(
	    json_object_get_string_member(member(flows, "focus"), "target"),
	    "192.168.1.0/24");
	assert_int_equal(json_object_get_int_member(member(flows, "focus"),
	                     "finished"),
	    1);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_wiring_new_sections_in_report_order),
		T(test_wiring_reload_networks_and_focus),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
