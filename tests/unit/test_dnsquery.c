/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-test-dnsquery"

/*
 * The table of queries waiting for an answer: answers remove queries,
 * timeouts hand them over oldest first, a full table drops the oldest,
 * retransmissions replace, and the hash finds keys in long chains.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "common/dns.h"
#include "exporter/dnsquery.h"

struct seen {
	unsigned n;
	uint16_t ids[64];
	uint64_t times[64];
	char last_name[MF_DNS_NAME_MAX + 1];
	uint16_t last_qtype;
};

static void
collect(const struct exp_dnsquery_info *q, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < G_N_ELEMENTS(s->ids)) {
		s->ids[s->n] = q->key.id;
		s->times[s->n] = q->seen_ms;
	}
	s->n++;
	g_strlcpy(s->last_name, q->qname, sizeof(s->last_name));
	s->last_qtype = q->qtype;
}

static struct exp_dnsquery_key
key(uint8_t client, uint16_t id)
{
	struct exp_dnsquery_key k;
	const uint8_t c[4] = { 192, 168, 1, client };
	const uint8_t s[4] = { 192, 168, 1, 1 };

	memset(&k, 0, sizeof(k));
	mf_addr_set4(&k.client, c);
	mf_addr_set4(&k.server, s);
	k.client_port = 40000;
	k.server_port = 53;
	k.id = id;
	k.proto = 17;
	return k;
}

static struct exp_dnsquery *
table(size_t n, uint32_t timeout_ms)
{
	struct mf_hash_key seed;
	GError *error = NULL;
	struct exp_dnsquery *q;

	mf_hash_key_fixed(&seed);
	q = exp_dnsquery_new(n, timeout_ms, &seed, &error);
	assert_non_null(q);
	return q;
}

static void
test_dnsquery_answer_removes_query(void **state)
{
	struct exp_dnsquery *q = table(16, 5000);
	struct exp_dnsquery_key k = key(10, 7), other = key(10, 8);
	struct seen s = { 0 };

	(void)state;
	exp_dnsquery_add(q, &k, "example.org", 1, 1000);
	assert_false(exp_dnsquery_answer(q, &other));
	assert_true(exp_dnsquery_answer(q, &k));
	assert_false(exp_dnsquery_answer(q, &k));
	exp_dnsquery_expire(q, 100000, collect, &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(exp_dnsquery_get_stats(q)->answered, 1);
	assert_int_equal(exp_dnsquery_get_stats(q)->pending, 0);
	exp_dnsquery_free(q);
}

static void
test_dnsquery_timeout_edge(void **state)
{
	struct exp_dnsquery *q = table(16, 5000);
	struct exp_dnsquery_key k = key(10, 7);
	struct seen s = { 0 };

	(void)state;
	exp_dnsquery_add(q, &k, "nx.example", 28, 1000);
	exp_dnsquery_expire(q, 5999, collect, &s);
	assert_int_equal(s.n, 0); /* 4999 ms: still waiting */
	exp_dnsquery_expire(q, 6000, collect, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ids[0], 7);
	assert_int_equal(s.times[0], 1000);
	assert_string_equal(s.last_name, "nx.example");
	assert_int_equal(s.last_qtype, 28);
	assert_int_equal(exp_dnsquery_get_stats(q)->timed_out, 1);
	/* Answered too late: nothing waits any more. */
	assert_false(exp_dnsquery_answer(q, &k));
	exp_dnsquery_free(q);
}

static void
test_dnsquery_oldest_first_and_answered_holes(void **state)
{
	struct exp_dnsquery *q = table(16, 100);
	struct seen s = { 0 };
	uint16_t id;

	(void)state;
	for (id = 1; id <= 5; id++) {
		struct exp_dnsquery_key k = key(10, id);

		exp_dnsquery_add(q, &k, "a.example", 1, 1000 + id);
	}
	{
		struct exp_dnsquery_key k2 = key(10, 2), k4 = key(10, 4);

		assert_true(exp_dnsquery_answer(q, &k2));
		assert_true(exp_dnsquery_answer(q, &k4));
	}
	exp_dnsquery_expire(q, 2000, collect, &s);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ids[0], 1);
	assert_int_equal(s.ids[1], 3);
	assert_int_equal(s.ids[2], 5);
	assert_int_equal(exp_dnsquery_get_stats(q)->pending, 0);
	exp_dnsquery_free(q);
}

static void
test_dnsquery_full_ring_drops_oldest(void **state)
{
	struct exp_dnsquery *q = table(16, 5000);
	struct seen s = { 0 };
	uint16_t id;

	(void)state;
	for (id = 0; id < 20; id++) {
		struct exp_dnsquery_key k = key(10, id);

		exp_dnsquery_add(q, &k, "b.example", 1, 1000);
	}
	assert_int_equal(exp_dnsquery_get_stats(q)->dropped, 4);
	assert_int_equal(exp_dnsquery_get_stats(q)->pending, 16);
	for (id = 0; id < 4; id++) {
		struct exp_dnsquery_key k = key(10, id);

		assert_false(exp_dnsquery_answer(q, &k));
	}
	exp_dnsquery_flush(q, collect, &s);
	assert_int_equal(s.n, 16);
	assert_int_equal(s.ids[0], 4);
	assert_int_equal(s.ids[15], 19);
	exp_dnsquery_free(q);
}

/* Answered queries free their entries: only waiting ones fill the table. */
static void
test_dnsquery_answers_free_entries(void **state)
{
	struct exp_dnsquery *q = table(16, 5000);
	struct exp_dnsquery_key first = key(10, 1000);
	struct seen s = { 0 };
	uint16_t id;

	(void)state;
	exp_dnsquery_add(q, &first, "first.example", 1, 1000);
	for (id = 0; id < 40; id++) {
		struct exp_dnsquery_key k = key(11, id);

		exp_dnsquery_add(q, &k, "a.example", 1, 1000);
		assert_true(exp_dnsquery_answer(q, &k));
	}
	assert_int_equal(exp_dnsquery_get_stats(q)->dropped, 0);
	assert_int_equal(exp_dnsquery_get_stats(q)->pending, 1);
	assert_int_equal(exp_dnsquery_get_stats(q)->answered, 40);
	exp_dnsquery_expire(q, 6000, collect, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ids[0], 1000);
	assert_string_equal(s.last_name, "first.example");
	exp_dnsquery_free(q);
}

static void
test_dnsquery_retransmission_replaces(void **state)
{
	struct exp_dnsquery *q = table(16, 5000);
	struct exp_dnsquery_key k = key(10, 9);
	struct seen s = { 0 };

	(void)state;
	exp_dnsquery_add(q, &k, "c.example", 1, 1000);
	exp_dnsquery_add(q, &k, "c.example", 1, 3000);
	assert_int_equal(exp_dnsquery_get_stats(q)->duplicates, 1);
	assert_int_equal(exp_dnsquery_get_stats(q)->pending, 1);
	exp_dnsquery_expire(q, 7000, collect, &s);
	assert_int_equal(s.n, 0); /* the newer one waits until 8000 */
	exp_dnsquery_expire(q, 8000, collect, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.times[0], 3000);
	exp_dnsquery_free(q);
}

static void
test_dnsquery_many_keys_all_found(void **state)
{
	struct exp_dnsquery *q = table(4096, 5000);
	unsigned i;

	(void)state;
	for (i = 0; i < 4096; i++) {
		struct exp_dnsquery_key k =
		    key((uint8_t)(i & 0xff), (uint16_t)(i >> 8));

		exp_dnsquery_add(q, &k, "d.example", 1, 1000);
	}
	for (i = 0; i < 4096; i++) {
		struct exp_dnsquery_key k =
		    key((uint8_t)(i & 0xff), (uint16_t)(i >> 8));

		assert_true(exp_dnsquery_answer(q, &k));
	}
	assert_int_equal(exp_dnsquery_get_stats(q)->pending, 0);
	exp_dnsquery_free(q);
}

/* name in, the name handed to the expiry callback out */
static void
assert_name_back(const char *name, const char *want)
{
	struct exp_dnsquery *q = table(16, 5000);
	struct exp_dnsquery_key k = key(10, 7);
	struct seen s = { 0 };

	exp_dnsquery_add(q, &k, name, 1, 1000);
	exp_dnsquery_flush(q, collect, &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.last_name, want);
	exp_dnsquery_free(q);
}

/*
 * Names come back whole, escapes and all: the longest text (4 labels of
 * 63, 63, 63 and 61 escaped bytes, 1003 characters) takes 255 bytes in
 * wire form.  Text that is no name is kept as text, cut to 255 bytes.
 */
static void
test_dnsquery_names_kept_whole(void **state)
{
	static const unsigned lens[] = { 63, 63, 63, 61 };
	char longest[MF_DNS_NAME_MAX + 1], bad[300];
	size_t o = 0;
	unsigned i, j;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(lens); i++) {
		if (i > 0)
			longest[o++] = '.';
		for (j = 0; j < lens[i]; j++)
			o += (size_t)g_snprintf(longest + o, 5, "\\%03u",
			    (i * 64 + j) % 256 < 0x21 ? 0 : 0xff);
	}
	longest[o] = '\0';
	assert_int_equal(strlen(longest), MF_DNS_NAME_MAX);
	assert_name_back(longest, longest);
	assert_name_back(".", ".");
	assert_name_back("example.org", "example.org");
	assert_name_back(",\\046", ",\\046");
	assert_name_back("a\\092b.\\000", "a\\092b.\\000");
	assert_name_back("", "");
	assert_name_back("a..b", "a..b");
	memset(bad, 'x', sizeof(bad) - 1);
	bad[sizeof(bad) - 1] = '\0';
	assert_name_back(bad, bad + sizeof(bad) - 1 - EXP_DNSQUERY_NAME_MAX);
}

/* The name handed back for a query added in wire form, into s. */
static void
wire_back(const uint8_t *wire, size_t len, struct seen *s)
{
	struct exp_dnsquery *q = table(16, 5000);
	struct exp_dnsquery_key k = key(10, 7);

	exp_dnsquery_add_wire(q, &k, wire, len, 28, 1000);
	exp_dnsquery_flush(q, collect, s);
	assert_int_equal(s->n, 1);
	assert_int_equal(s->last_qtype, 28);
	exp_dnsquery_free(q);
}

/* A name in wire form comes back as the parser's text of it. */
static void
test_dnsquery_wire_names_come_back_as_text(void **state)
{
	static const uint8_t odd[] = { 7, 'a', '.', 'b', '\\', ' ', 0xe9, 'C',
		1, 0x7e, 0 };
	static const uint8_t plain[] = { 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
		3, 'o', 'r', 'g', 0 };
	static const uint8_t root[] = { 0 };
	uint8_t longest[255];
	struct seen s[5] = { { 0 } };
	size_t o = 0;
	unsigned i, j;

	(void)state;
	/* 63 + 63 + 63 + 61 bytes of 0xff: 255 wire bytes, 1003 of text. */
	for (i = 0; i < 4; i++) {
		longest[o++] = i < 3 ? 63 : 61;
		for (j = 0; j < (i < 3 ? 63u : 61u); j++)
			longest[o++] = 0xff;
	}
	longest[o++] = 0;
	assert_int_equal(o, sizeof(longest));
	wire_back(odd, sizeof(odd), &s[0]);
	assert_string_equal(s[0].last_name, "a\\046b\\092\\032\\233C.~");
	wire_back(plain, sizeof(plain), &s[1]);
	assert_string_equal(s[1].last_name, "example.org");
	wire_back(root, sizeof(root), &s[2]);
	assert_string_equal(s[2].last_name, ".");
	wire_back(plain, 0, &s[3]); /* no name */
	assert_string_equal(s[3].last_name, "");
	wire_back(longest, sizeof(longest), &s[4]);
	assert_int_equal(strlen(s[4].last_name), MF_DNS_NAME_MAX);
	assert_memory_equal(s[4].last_name, "\\255\\255", 8);
	assert_int_equal(s[4].last_name[4 * 63], '.');
}

/*
 * A slot is not zeroed when reused (mf_table_insert_raw()): a query
 * without a name in the slot an answered one freed still has none.
 */
static void
test_dnsquery_reused_slot_has_no_old_name(void **state)
{
	static const uint8_t plain[] = { 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
		3, 'o', 'r', 'g', 0 };
	struct exp_dnsquery *q = table(16, 5000);
	struct exp_dnsquery_key k1 = key(10, 7), k2 = key(11, 8);
	struct seen s = { 0 };

	(void)state;
	exp_dnsquery_add_wire(q, &k1, plain, sizeof(plain), 28, 1000);
	assert_true(exp_dnsquery_answer(q, &k1));
	exp_dnsquery_add_wire(q, &k2, plain, 0, 1, 2000);
	exp_dnsquery_flush(q, collect, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ids[0], 8);
	assert_int_equal(s.times[0], 2000);
	assert_int_equal(s.last_qtype, 1);
	assert_string_equal(s.last_name, "");
	exp_dnsquery_free(q);
}

static void
test_dnsquery_bounds_and_memory(void **state)
{
	struct mf_hash_key seed;
	GError *error = NULL;

	(void)state;
	mf_hash_key_fixed(&seed);
	assert_null(exp_dnsquery_new(EXP_DNSQUERY_MIN - 1, 1, &seed, &error));
	assert_non_null(error);
	g_clear_error(&error);
	assert_null(exp_dnsquery_new(EXP_DNSQUERY_MAX + 1, 1, &seed, &error));
	g_clear_error(&error);
	/* 16 slots, 32 buckets. */
	assert_true(exp_dnsquery_memory(16) > 16 * 256 + 32 * 4);
	assert_true(exp_dnsquery_memory(16) < 16 * 400 + 32 * 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dnsquery_answer_removes_query),
		cmocka_unit_test(test_dnsquery_timeout_edge),
		cmocka_unit_test(test_dnsquery_oldest_first_and_answered_holes),
		cmocka_unit_test(test_dnsquery_full_ring_drops_oldest),
		cmocka_unit_test(test_dnsquery_answers_free_entries),
		cmocka_unit_test(test_dnsquery_retransmission_replaces),
		cmocka_unit_test(test_dnsquery_many_keys_all_found),
		cmocka_unit_test(test_dnsquery_bounds_and_memory),
		cmocka_unit_test(test_dnsquery_names_kept_whole),
		cmocka_unit_test(test_dnsquery_wire_names_come_back_as_text),
		cmocka_unit_test(test_dnsquery_reused_slot_has_no_old_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
