/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-test-dnsstats"

/*
 * DNS statistics of an interval: counts by name, failures by (name,
 * rcode), clients, the newest answers first, an answer of two families
 * counted once, bounded tables, the flow-label fallback, reset, names
 * of escaped bytes up to the longest (1003 characters) kept whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>
#include <cmocka.h>

#include "collector/analytics/dnsstats.h"
#include "collector/output/report_dns.h"

static struct col_dns_rec
rec(const char *name, uint8_t client, uint8_t rcode, uint64_t t)
{
	struct col_dns_rec r;
	const uint8_t c[4] = { 192, 168, 1, client };
	const uint8_t srv[4] = { 192, 168, 1, 1 };
	const uint8_t a[4] = { 203, 0, 113, client };

	memset(&r, 0, sizeof(r));
	r.time_ms = t;
	mf_addr_set4(&r.client, c);
	mf_addr_set4(&r.server, srv);
	r.id = (uint16_t)t;
	r.qtype = 1;
	r.rcode = rcode;
	r.answered = 1;
	g_strlcpy(r.qname, name, sizeof(r.qname));
	if (rcode == 0) {
		mf_addr_set4(&r.addrs[0], a);
		r.n_addrs = 1;
	}
	return r;
}

/* The "dns" object of s as a JsonObject (caller unrefs the node). */
static JsonNode *
build(const struct col_dnsstats *s, size_t top)
{
	struct col_jsonw w;
	JsonNode *n;

	col_jsonw_init(&w, TRUE);
	col_jsonw_begin_object(&w);
	col_report_dns_build(&w, s, top);
	col_jsonw_end_object(&w);
	n = col_jsonw_steal_tree(&w);
	col_jsonw_clear(&w);
	return n;
}

static JsonObject *
dns_of(JsonNode *n)
{
	return json_object_get_object_member(json_node_get_object(n), "dns");
}

static struct col_dnsstats *
stats(size_t names, size_t clients)
{
	struct col_dnsstats_config cfg = { names, clients };

	return col_dnsstats_new(&cfg);
}

static void
test_dnsstats_counts_and_order(void **state)
{
	struct col_dnsstats *s = stats(100, 100);
	struct col_dns_rec r;
	JsonNode *n;
	JsonArray *a;
	JsonObject *o;

	(void)state;
	r = rec("b.example", 10, 0, 1000);
	col_dnsstats_add(s, &r);
	r = rec("a.example", 11, 0, 2000);
	col_dnsstats_add(s, &r);
	r = rec("b.example", 11, 0, 3000);
	col_dnsstats_add(s, &r);
	r = rec("nx.example", 10, 3, 4000);
	col_dnsstats_add(s, &r);
	r = rec("nx.example", 10, 3, 5000);
	col_dnsstats_add(s, &r);
	r = rec("gone.example", 12, 0, 6000);
	r.answered = 0;
	r.n_addrs = 0;
	col_dnsstats_add(s, &r);

	n = build(s, 10);
	o = dns_of(n);
	assert_string_equal(json_object_get_string_member(o, "source"),
	    "records");
	a = json_object_get_array_member(o, "most_resolved");
	assert_int_equal(json_array_get_length(a), 2);
	o = json_array_get_object_element(a, 0);
	assert_string_equal(json_object_get_string_member(o, "name"),
	    "b.example");
	assert_int_equal(json_object_get_int_member(o, "count"), 2);
	o = json_array_get_object_element(a, 1);
	assert_string_equal(json_object_get_string_member(o, "name"),
	    "a.example");

	a = json_object_get_array_member(dns_of(n), "failures");
	assert_int_equal(json_array_get_length(a), 2);
	o = json_array_get_object_element(a, 0);
	assert_string_equal(json_object_get_string_member(o, "name"),
	    "nx.example");
	assert_int_equal(json_object_get_int_member(o, "rcode"), 3);
	assert_int_equal(json_object_get_int_member(o, "count"), 2);
	o = json_array_get_object_element(a, 1);
	assert_string_equal(json_object_get_string_member(o, "rcode"),
	    "timeout");

	/* Clients: .10 asked 3 times, .11 twice, .12 once. */
	a = json_object_get_array_member(dns_of(n), "clients");
	assert_int_equal(json_array_get_length(a), 3);
	o = json_array_get_object_element(a, 0);
	assert_string_equal(json_object_get_string_member(o, "address"),
	    "192.168.1.10");
	assert_int_equal(json_object_get_int_member(o, "queries"), 3);

	/* Newest first, only answers with an address. */
	a = json_object_get_array_member(dns_of(n), "last_resolved");
	assert_int_equal(json_array_get_length(a), 3);
	o = json_array_get_object_element(a, 0);
	assert_string_equal(json_object_get_string_member(o, "name"),
	    "b.example");
	assert_string_equal(json_object_get_string_member(o, "client"),
	    "192.168.1.11");
	assert_string_equal(json_object_get_string_member(o, "address"),
	    "203.0.113.11");
	assert_string_equal(json_object_get_string_member(o, "time"),
	    "1970-01-01T00:00:03Z");
	assert_int_equal(col_dnsstats_get_counters(s)->answers, 5);
	assert_int_equal(col_dnsstats_get_counters(s)->unanswered, 1);
	json_node_unref(n);
	col_dnsstats_free(s);
}

static void
test_dnsstats_two_families_one_answer(void **state)
{
	struct col_dnsstats *s = stats(100, 100);
	struct col_dns_rec r = rec("dual.example", 10, 0, 1000);
	const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

	(void)state;
	col_dnsstats_add(s, &r);
	mf_addr_set6(&r.addrs[0], v6);
	col_dnsstats_add(s, &r);
	assert_int_equal(col_dnsstats_get_counters(s)->records, 2);
	assert_int_equal(col_dnsstats_get_counters(s)->answers, 1);
	{
		JsonNode *n = build(s, 10);
		JsonArray *a =
		    json_object_get_array_member(dns_of(n), "most_resolved");

		assert_int_equal(json_object_get_int_member(
		                     json_array_get_object_element(a, 0),
		                     "count"),
		    1);
		a = json_object_get_array_member(dns_of(n), "last_resolved");
		assert_int_equal(json_array_get_length(a), 2);
		json_node_unref(n);
	}
	col_dnsstats_free(s);
}

/* One name, time, id and client answered by 3 reflectors: 3 answers. */
static void
test_dnsstats_answers_from_different_servers_count(void **state)
{
	struct col_dnsstats *s = stats(100, 100);
	struct col_dns_rec r = rec("amp.example", 10, 0, 1000);
	uint8_t srv[4] = { 198, 51, 100, 1 };
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		srv[3] = (uint8_t)(1 + i);
		mf_addr_set4(&r.server, srv);
		col_dnsstats_add(s, &r);
	}
	/* the same server again, from another port: another answer too */
	r.sport = 5353;
	col_dnsstats_add(s, &r);
	assert_int_equal(col_dnsstats_get_counters(s)->records, 4);
	assert_int_equal(col_dnsstats_get_counters(s)->answers, 4);
	col_dnsstats_free(s);
}

/*
 * Addresses as text: the kept texts are per address, so clients that
 * share a memo entry (the same last byte; an IPv6 one too) and an unset
 * address are each written as themselves, again and again.
 */
static void
test_dnsstats_address_texts(void **state)
{
	static const char *const want[] = { "-", "10.0.0.5", "192.168.1.5",
		"2001:db8::5" };
	const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 5 };
	struct col_dnsstats *s = stats(16, 16);
	struct col_dns_count *c;
	const struct col_dns_last *l;
	struct col_dns_rec r[4];
	size_t i, n;

	(void)state;
	r[0] = rec("a.example", 5, 0, 100);
	r[1] = rec("b.example", 5, 0, 200);
	r[1].client.b[0] = 10, r[1].client.b[1] = 0, r[1].client.b[2] = 0;
	r[2] = rec("c.example", 5, 0, 300);
	mf_addr_set6(&r[2].client, v6);
	r[3] = rec("d.example", 5, 0, 400);
	memset(&r[3].client, 0, sizeof(r[3].client));
	for (i = 0; i < 12; i++)
		col_dnsstats_add(s, &r[i % 4]);
	c = col_dnsstats_sorted(s, COL_DNS_CLIENTS, &n);
	assert_int_equal(n, 4);
	for (i = 0; i < n; i++) {
		assert_string_equal(c[i].key, want[i]);
		assert_int_equal(c[i].count, 3);
	}
	g_free(c);
	for (i = 0; i < 4; i++) {
		char text[MF_ADDR_STRLEN];

		assert_non_null(l = col_dnsstats_get_last(s, i));
		assert_string_equal(l->client,
		    mf_addr_format(&r[3 - i].client, text, sizeof(text)));
		assert_string_equal(l->address, "203.0.113.5");
	}
	assert_string_equal(col_dnsstats_get_last(s, 0)->client, "-");
	assert_string_equal(col_dnsstats_get_last(s, 1)->client, "2001:db8::5");
	col_dnsstats_free(s);
}

static void
test_dnsstats_bounded_and_reset(void **state)
{
	struct col_dnsstats *s = stats(4, 2);
	unsigned i;

	(void)state;
	for (i = 0; i < 10; i++) {
		char name[32];
		struct col_dns_rec r;

		g_snprintf(name, sizeof(name), "n%u.example", i);
		r = rec(name, (uint8_t)(10 + i), 0, 1000 + i);
		col_dnsstats_add(s, &r);
	}
	assert_int_equal(col_dnsstats_get_counters(s)->names_dropped, 6);
	assert_int_equal(col_dnsstats_get_counters(s)->clients_dropped, 8);
	col_dnsstats_reset(s);
	assert_int_equal(col_dnsstats_get_counters(s)->records, 0);
	{
		JsonNode *n = build(s, 10);

		assert_string_equal(json_object_get_string_member(dns_of(n),
		                        "source"),
		    "none");
		assert_int_equal(json_array_get_length(
		                     json_object_get_array_member(dns_of(n),
		                         "most_resolved")),
		    0);
		json_node_unref(n);
	}
	col_dnsstats_free(s);
}

/*
 * The longest name text (common/dns.h): 4 labels of 63, 63, 63 and 61
 * bytes, every byte written \DDD, 1003 characters.  last is the last
 * byte, so that two names differ only in their last characters.
 */
static void
longest_name(char *out, uint8_t last)
{
	static const unsigned lens[] = { 63, 63, 63, 61 };
	size_t o = 0;
	unsigned i, j;

	for (i = 0; i < G_N_ELEMENTS(lens); i++) {
		if (i > 0)
			out[o++] = '.';
		for (j = 0; j < lens[i]; j++) {
			uint8_t c = i == 3 && j == lens[i] - 1 ? last : 0xff;

			o += (size_t)g_snprintf(out + o, 5, "\\%03u", c);
		}
	}
	out[o] = '\0';
}

/* Names longer than 255 characters (escaped bytes) are kept whole. */
static void
test_dnsstats_longest_names_kept_whole(void **state)
{
	struct col_dnsstats *s = stats(100, 100);
	char a[COL_DNS_NAME_MAX + 1], b[COL_DNS_NAME_MAX + 1];
	struct col_dns_rec r;
	JsonNode *n;
	JsonArray *l;

	(void)state;
	longest_name(a, 0xfe);
	longest_name(b, 0xfd);
	assert_int_equal(strlen(a), 1003);
	r = rec(a, 10, 0, 1000);
	col_dnsstats_add(s, &r);
	r = rec(b, 11, 3, 2000);
	col_dnsstats_add(s, &r);
	r = rec(b, 11, 0, 3000);
	col_dnsstats_add(s, &r);
	n = build(s, 10);
	l = json_object_get_array_member(dns_of(n), "most_resolved");
	assert_int_equal(json_array_get_length(l), 2);
	assert_string_equal(json_object_get_string_member(
	                        json_array_get_object_element(l, 0), "name"),
	    b);
	assert_string_equal(json_object_get_string_member(
	                        json_array_get_object_element(l, 1), "name"),
	    a);
	l = json_object_get_array_member(dns_of(n), "failures");
	assert_string_equal(json_object_get_string_member(
	                        json_array_get_object_element(l, 0), "name"),
	    b);
	l = json_object_get_array_member(dns_of(n), "last_resolved");
	assert_string_equal(json_object_get_string_member(
	                        json_array_get_object_element(l, 0), "name"),
	    b);
	json_node_unref(n);
	col_dnsstats_free(s);
}

/*
 * The failures' keys ("RCODE NAME", made without allocating): each
 * failure's response code and whole name back, the never answered ones
 * at COL_DNS_RCODE_TIMEOUT (five digits), the longest name too.
 */
static void
test_dnsstats_failure_keys(void **state)
{
	struct col_dnsstats *s = stats(100, 100);
	char a[COL_DNS_NAME_MAX + 1];
	struct col_dns_count *items;
	struct col_dns_rec r;
	size_t n = 0;

	(void)state;
	longest_name(a, 0xfe);
	r = rec("9 lives.example", 10, 2, 1000);
	col_dnsstats_add(s, &r);
	r = rec("9 lives.example", 11, 2, 2000);
	col_dnsstats_add(s, &r);
	r = rec("9 lives.example", 11, 2, 3000);
	col_dnsstats_add(s, &r);
	r = rec("gone.example", 12, 0, 4000);
	r.answered = 0;
	col_dnsstats_add(s, &r);
	r = rec("gone.example", 12, 0, 5000);
	r.answered = 0;
	col_dnsstats_add(s, &r);
	r = rec(a, 13, 5, 6000);
	col_dnsstats_add(s, &r);
	items = col_dnsstats_sorted(s, COL_DNS_FAILURES, &n);
	assert_int_equal(n, 3);
	assert_int_equal(items[0].count, 3);
	assert_int_equal(items[0].rcode, 2);
	assert_string_equal(items[0].key, "9 lives.example");
	assert_int_equal(items[1].count, 2);
	assert_int_equal(items[1].rcode, COL_DNS_RCODE_TIMEOUT);
	assert_string_equal(items[1].key, "gone.example");
	assert_int_equal(items[2].count, 1);
	assert_int_equal(items[2].rcode, 5);
	assert_string_equal(items[2].key, a);
	g_free(items);
	col_dnsstats_free(s);
}

static void
test_dnsstats_labels_when_no_records(void **state)
{
	struct col_dnsstats *s = stats(100, 100);
	JsonNode *n;
	JsonArray *a;

	(void)state;
	col_dnsstats_add_label(s, "cdn.example");
	col_dnsstats_add_label(s, "cdn.example");
	col_dnsstats_add_label(s, "mail.example");
	col_dnsstats_add_label(s, "");
	n = build(s, 1);
	assert_string_equal(json_object_get_string_member(dns_of(n), "source"),
	    "labels");
	a = json_object_get_array_member(dns_of(n), "most_resolved");
	assert_int_equal(json_array_get_length(a), 1);
	assert_int_equal(json_object_get_int_member(
	                     json_array_get_object_element(a, 0), "count"),
	    2);
	json_node_unref(n);
	col_dnsstats_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dnsstats_counts_and_order),
		cmocka_unit_test(test_dnsstats_two_families_one_answer),
		cmocka_unit_test(
		    test_dnsstats_answers_from_different_servers_count),
		cmocka_unit_test(test_dnsstats_address_texts),
		cmocka_unit_test(test_dnsstats_bounded_and_reset),
		cmocka_unit_test(test_dnsstats_labels_when_no_records),
		cmocka_unit_test(test_dnsstats_longest_names_kept_whole),
		cmocka_unit_test(test_dnsstats_failure_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
