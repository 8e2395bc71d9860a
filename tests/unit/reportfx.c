/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/output/report_dns.h"
#include "collector/output/report_tables.h"
#include "common/hash.h"
#include "tests/unit/flowbuild.h"
#include "tests/unit/reportfx.h"

static void
add_consumer(struct rfx *fx, struct col_consumer c)
{
	assert_true(col_consumers_add(fx->l, &c, NULL));
}

void
rfx_init(struct rfx *fx, uint64_t start_ms)
{
	struct col_tables_config cfg = { .max_addresses = RFX_CAPACITY,
		.max_streams = RFX_CAPACITY,
		.max_ports = RFX_CAPACITY,
		.idle_ms = 60000 };

	memset(fx, 0, sizeof(*fx));
	mf_hash_key_fixed(&cfg.seed);
	fx->t = col_tables_new(&cfg, NULL);
	assert_non_null(fx->t);
	fx->p = col_persec_new(RFX_INTERVAL_S);
	assert_non_null(fx->p);
	col_persec_reset(fx->p, start_ms);
	fx->iv.start_ms = start_ms;
	fx->iv.end_ms = start_ms + RFX_INTERVAL_S * 1000;
	fx->iv.stats = &fx->iv.delta;
	fx->iv.consumers = fx->l = col_consumers_new();
	fx->sum.persec = fx->p;
	fx->flows.tables = fx->anomaly.tables = fx->t;
	add_consumer(fx, col_report_summary_consumer(&fx->sum));
	add_consumer(fx, col_report_tables_consumer(fx->t));
	add_consumer(fx, col_report_dns_consumer(NULL));
	add_consumer(fx, col_report_flows_consumer(&fx->flows));
	add_consumer(fx, col_report_anomaly_consumer(&fx->anomaly));
	add_consumer(fx, col_report_tables_usage_consumer(fx->t));
}

void
rfx_clear(struct rfx *fx)
{
	col_consumers_free(fx->l);
	col_tables_free(fx->t);
	col_persec_free(fx->p);
}

struct col_flow
rfx_flow(const char *src, uint16_t sp, const char *dst, uint16_t dp,
    uint8_t proto, uint64_t packets, uint64_t octets, uint64_t t0, uint64_t t1)
{
	return fb_flow(src, sp, dst, dp, proto, packets, octets,
	    RFX_START_MS + t0, RFX_START_MS + t1);
}

void
rfx_add(struct rfx *fx, const struct col_flow *f, enum col_class k,
    gboolean src_internal, gboolean dst_internal, uint16_t app_port)
{
	col_tables_account(fx->t, f, src_internal, dst_internal, app_port, 0,
	    NULL);
	col_persec_add(fx->p, k, f->start_ms, f->end_ms, 1, f->packets,
	    f->octets);
	fx->iv.delta.records++;
}

/*
 * Addresses 0 192.168.1.10, 1 93.184.216.34, 2 192.168.1.11, 3 8.8.8.8,
 * 4 203.0.113.5; streams 0..3 and ports 0..3 (tcp/443, udp/53, tcp/22,
 * tcp/8000) in the order of the records.
 */
void
rfx_standard(struct rfx *fx)
{
	struct col_flow f;

	rfx_init(fx, RFX_START_MS);
	f = rfx_flow("192.168.1.10", 50000, "93.184.216.34", 443, 6, 10, 5000,
	    1000, 3000);
	g_strlcpy(f.label, "example.com", sizeof(f.label));
	f.has_mac = 1;
	memcpy(f.src_mac, "\xaa\xbb\xcc\xdd\xee\x01", 6);
	memcpy(f.dst_mac, "\x00\x11\x22\x33\x44\x55", 6);
	rfx_add(fx, &f, COL_CLASS_OUTWEB, TRUE, FALSE, 443);
	f = rfx_flow("192.168.1.11", 40000, "8.8.8.8", 53, 17, 2, 200, 5000,
	    5000);
	g_strlcpy(f.label, "dns.google", sizeof(f.label));
	rfx_add(fx, &f, COL_CLASS_OUT, TRUE, FALSE, 53);
	f = rfx_flow("203.0.113.5", 60000, "192.168.1.10", 22, 6, 4, 400, 10000,
	    12000);
	rfx_add(fx, &f, COL_CLASS_IN, FALSE, TRUE, 22);
	f = rfx_flow("192.168.1.10", 50001, "192.168.1.11", 8000, 6, 3, 300,
	    20000, 20000);
	rfx_add(fx, &f, COL_CLASS_INTERNAL, TRUE, TRUE, 8000);
}

JsonNode *
rfx_build(const struct rfx *fx, uint32_t top,
    const struct col_report_exporter *exp, size_t n_exp)
{
	struct col_report_config cfg = { .dir = "/nonexistent", .top = top };
	JsonNode *node, *back;
	char *text, *direct;
	size_t len, direct_len;

	/* The text written straight is the tree's text, byte for byte. */
	assert_non_null(node = col_report_build(&cfg, &fx->iv, exp, n_exp));
	text = col_report_format(node, &len);
	direct = col_report_text(&cfg, &fx->iv, exp, n_exp, &direct_len);
	assert_int_equal(direct_len, len);
	assert_string_equal(direct, text);
	assert_non_null(back = json_from_string(direct, NULL));
	g_free(text);
	g_free(direct);
	json_node_unref(node);
	return back;
}

JsonNode *
rj_at(JsonNode *root, const char *fmt, ...)
{
	JsonNode *n = root;
	JsonArray *a;
	va_list ap;
	char *path, **seg;
	guint i, k;

	va_start(ap, fmt);
	path = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	seg = g_strsplit(path, ".", -1);
	for (i = 0; seg[i] != NULL && n != NULL; i++) {
		if (JSON_NODE_HOLDS_ARRAY(n)) {
			a = json_node_get_array(n);
			k = (guint)atoi(seg[i]);
			n = k < json_array_get_length(a)
			    ? json_array_get_element(a, k)
			    : NULL;
		} else if (JSON_NODE_HOLDS_OBJECT(n)) {
			n = json_object_get_member(json_node_get_object(n),
			    seg[i]);
		} else {
			n = NULL;
		}
	}
	if (n == NULL)
		fail_msg("%s: not in the report", path);
	g_strfreev(seg);
	g_free(path);
	return n;
}

gint64
rj_int(JsonNode *n)
{
	assert_true(JSON_NODE_HOLDS_VALUE(n));
	assert_int_equal(json_node_get_value_type(n), G_TYPE_INT64);
	return json_node_get_int(n);
}

const char *
rj_str(JsonNode *n)
{
	if (JSON_NODE_HOLDS_NULL(n))
		return NULL;
	assert_true(JSON_NODE_HOLDS_VALUE(n));
	assert_int_equal(json_node_get_value_type(n), G_TYPE_STRING);
	return json_node_get_string(n);
}

gboolean
rj_bool(JsonNode *n)
{
	assert_true(JSON_NODE_HOLDS_VALUE(n));
	assert_int_equal(json_node_get_value_type(n), G_TYPE_BOOLEAN);
	return json_node_get_boolean(n);
}

gint64
rj_len(JsonNode *n)
{
	if (JSON_NODE_HOLDS_ARRAY(n))
		return json_array_get_length(json_node_get_array(n));
	assert_true(JSON_NODE_HOLDS_OBJECT(n));
	return json_object_get_size(json_node_get_object(n));
}

void
rj_assert_ints(JsonNode *n, const char *keys, const gint64 *want, size_t n_want)
{
	char **k = g_strsplit(keys, " ", -1);
	JsonObject *o;
	guint i;

	assert_true(JSON_NODE_HOLDS_OBJECT(n));
	o = json_node_get_object(n);
	assert_int_equal(json_object_get_size(o), g_strv_length(k));
	for (i = 0; k[i] != NULL; i++) {
		assert_true(json_object_has_member(o, k[i]));
		if (i < n_want)
			assert_int_equal(rj_int(
			                     json_object_get_member(o, k[i])),
			    want[i]);
	}
	g_strfreev(k);
}
