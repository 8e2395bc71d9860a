/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "common/addr.h"
#include "common/error.h"
#include "common/hash.h"
#include "exporter/dnscache.h"

/*
 * The cache makes one allocation through g_try_malloc0(), wrapped at link
 * time (-Wl,--wrap=g_try_malloc0): the wrapper records the size asked for
 * and fails on request.  Test state lives in the test file only.
 */
gpointer __real_g_try_malloc0(gsize n);
gpointer __wrap_g_try_malloc0(gsize n);

static gsize last_alloc;
static gboolean fail_alloc;

gpointer
__wrap_g_try_malloc0(gsize n)
{
	last_alloc = n;
	if (fail_alloc)
		return NULL;
	return __real_g_try_malloc0(n);
}

static struct exp_dnscache *
new_cache(size_t max, uint32_t ttl_min, uint32_t ttl_max)
{
	struct exp_dnscache_config cfg = { .max_names = max,
		.ttl_min_s = ttl_min,
		.ttl_max_s = ttl_max };
	struct exp_dnscache *c;

	mf_hash_key_fixed(&cfg.seed);
	c = exp_dnscache_new(&cfg, NULL);
	assert_non_null(c);
	return c;
}

/* A LAN client: 10.0.x.y for n = 256 * x + y. */
static struct mf_addr
lan(unsigned n)
{
	const uint8_t b[4] = { 10, 0, (uint8_t)(n >> 8), (uint8_t)n };
	struct mf_addr a;

	mf_addr_set4(&a, b);
	return a;
}

/* A remote address: 192.0.2.n. */
static struct mf_addr
remote(unsigned n)
{
	const uint8_t b[4] = { 192, 0, 2, (uint8_t)n };
	struct mf_addr a;

	mf_addr_set4(&a, b);
	return a;
}

/* 2001:db8::n (remote) or fd00::n (LAN), n < 65536. */
static struct mf_addr
six(gboolean is_lan, unsigned n)
{
	uint8_t b[16] = { 0 };
	struct mf_addr a;

	b[0] = is_lan ? 0xfd : 0x20;
	b[1] = is_lan ? 0x00 : 0x01;
	b[2] = is_lan ? 0x00 : 0x0d;
	b[3] = is_lan ? 0x00 : 0xb8;
	b[14] = (uint8_t)(n >> 8);
	b[15] = (uint8_t)n;
	mf_addr_set6(&a, b);
	return a;
}

static void
add(struct exp_dnscache *c, struct mf_addr cl, struct mf_addr an,
    const char *qname, uint32_t ttl_s, uint64_t seen_ms)
{
	exp_dnscache_add(c, &cl, &an, qname, NULL, ttl_s, seen_ms);
}

/* Look up and check the source and name (NULL: no label). */
static void
expect(struct exp_dnscache *c, struct mf_addr cl, struct mf_addr an,
    uint64_t start_ms, uint64_t now_ms, enum exp_label_source want_src,
    const char *want_name)
{
	const char *name = "unset";

	assert_int_equal(exp_dnscache_find(c, &cl, &an, start_ms, now_ms,
	                     &name),
	    want_src);
	if (want_name == NULL)
		assert_null(name);
	else
		assert_string_equal(name, want_name);
}

/* Check the counters of exp_dnscache_add() and the occupancy. */
static void
expect_adds(struct exp_dnscache *c, uint64_t inserted, uint64_t updated,
    uint64_t stale, uint64_t evicted, uint32_t entries)
{
	const struct exp_dnscache_stats *st = exp_dnscache_get_stats(c);

	assert_int_equal(st->inserted, inserted);
	assert_int_equal(st->updated, updated);
	assert_int_equal(st->stale, stale);
	assert_int_equal(st->evicted, evicted);
	assert_int_equal(st->entries, entries);
}

/* Check the counters of exp_dnscache_find(). */
static void
expect_finds(struct exp_dnscache *c, uint64_t hits_dns, uint64_t hits_other,
    uint64_t misses)
{
	const struct exp_dnscache_stats *st = exp_dnscache_get_stats(c);

	assert_int_equal(st->hits_dns, hits_dns);
	assert_int_equal(st->hits_other, hits_other);
	assert_int_equal(st->misses, misses);
	assert_int_equal(st->lookups, hits_dns + hits_other + misses);
}

/* n copies of ch, NUL-terminated, in buf (n + 1 bytes). */
static const char *
repeat(char *buf, char ch, size_t n)
{
	memset(buf, ch, n);
	buf[n] = '\0';
	return buf;
}

static void
test_dnscache_find_same_client_hits(void **state)
{
	struct exp_dnscache *c = new_cache(16, 0, 86400);

	(void)state;
	add(c, lan(1), remote(1), "www.example.com", 300, 1000);
	expect(c, lan(1), remote(1), 2000, 3000, EXP_LABEL_DNS,
	    "www.example.com");
	expect(c, lan(1), remote(2), 2000, 3000, EXP_LABEL_NONE, NULL);
	expect_adds(c, 1, 0, 0, 0, 1);
	expect_finds(c, 1, 0, 1);
	assert_int_equal(exp_dnscache_get_stats(c)->peak, 1);
	exp_dnscache_free(c);
}

static void
test_dnscache_find_ttl_expiry_at_flow_start(void **state)
{
	struct exp_dnscache *c = new_cache(16, 0, 86400);

	(void)state;
	/* seen at 1000 with TTL 60 s: valid through 61000 inclusive */
	add(c, lan(1), remote(1), "a.example", 60, 1000);
	expect(c, lan(1), remote(1), 60999, 90000, EXP_LABEL_DNS, "a.example");
	expect(c, lan(1), remote(1), 61000, 90000, EXP_LABEL_DNS, "a.example");
	expect(c, lan(1), remote(1), 61001, 90000, EXP_LABEL_NONE, NULL);
	/* expired for the same client: not offered as another's either */
	expect(c, lan(2), remote(1), 61001, 90000, EXP_LABEL_NONE, NULL);
	expect(c, lan(2), remote(1), 61000, 90000, EXP_LABEL_DNS_OTHER_CLIENT,
	    "a.example");
	exp_dnscache_free(c);
}

static void
test_dnscache_find_ttl_clamped_to_min(void **state)
{
	struct exp_dnscache *c = new_cache(16, 30, 3600);

	(void)state;
	add(c, lan(1), remote(1), "zero.example", 0, 5000);
	add(c, lan(1), remote(2), "short.example", 29, 5000);
	expect(c, lan(1), remote(1), 35000, 40000, EXP_LABEL_DNS,
	    "zero.example");
	expect(c, lan(1), remote(1), 35001, 40000, EXP_LABEL_NONE, NULL);
	expect(c, lan(1), remote(2), 35000, 40000, EXP_LABEL_DNS,
	    "short.example");
	expect(c, lan(1), remote(2), 35001, 40000, EXP_LABEL_NONE, NULL);
	exp_dnscache_free(c);
}

static void
test_dnscache_find_ttl_clamped_to_max(void **state)
{
	struct exp_dnscache *c = new_cache(16, 30, 3600);

	(void)state;
	add(c, lan(1), remote(1), "long.example", 86400, 5000);
	add(c, lan(1), remote(2), "max.example", UINT32_MAX, 5000);
	expect(c, lan(1), remote(1), 3605000, 9000000, EXP_LABEL_DNS,
	    "long.example");
	expect(c, lan(1), remote(1), 3605001, 9000000, EXP_LABEL_NONE, NULL);
	expect(c, lan(1), remote(2), 3605001, 9000000, EXP_LABEL_NONE, NULL);
	exp_dnscache_free(c);
}

static void
test_dnscache_find_no_clamp_saturates(void **state)
{
	struct exp_dnscache *c = new_cache(16, 0, UINT32_MAX);

	(void)state;
	/* seen_ms + TTL would overflow: expiry saturates, never wraps */
	add(c, lan(1), remote(1), "far.example", UINT32_MAX, UINT64_MAX - 10);
	expect(c, lan(1), remote(1), UINT64_MAX, UINT64_MAX, EXP_LABEL_DNS,
	    "far.example");
	add(c, lan(1), remote(2), "big.example", UINT32_MAX, 0);
	expect(c, lan(1), remote(2), (uint64_t)UINT32_MAX * 1000, UINT64_MAX,
	    EXP_LABEL_DNS, "big.example");
	expect(c, lan(1), remote(2), (uint64_t)UINT32_MAX * 1000 + 1,
	    UINT64_MAX, EXP_LABEL_NONE, NULL);
	exp_dnscache_free(c);
}

static void
test_dnscache_find_answer_after_flow_start(void **state)
{
	struct exp_dnscache *c = new_cache(16, 0, 86400);

	(void)state;
	/* the flow started at 1000; the answer came at 4000 */
	add(c, lan(1), remote(1), "late.example", 60, 4000);
	expect(c, lan(1), remote(1), 1000, 3999, EXP_LABEL_NONE, NULL);
	expect(c, lan(1), remote(1), 1000, 4000, EXP_LABEL_DNS, "late.example");
	expect(c, lan(1), remote(1), 1000, 100000, EXP_LABEL_DNS,
	    "late.example");
	/* nor for another client before now */
	expect(c, lan(2), remote(1), 1000, 3999, EXP_LABEL_NONE, NULL);
	expect(c, lan(2), remote(1), 1000, 4000, EXP_LABEL_DNS_OTHER_CLIENT,
	    "late.example");
	exp_dnscache_free(c);
}

static void
test_dnscache_find_same_client_preferred(void **state)
{
	struct exp_dnscache *c = new_cache(16, 0, 86400);

	(void)state;
	add(c, lan(1), remote(1), "mine.example", 300, 1000);
	add(c, lan(2), remote(1), "theirs.example", 300, 2000);
	add(c, lan(3), remote(1), "third.example", 300, 1500);
	expect(c, lan(1), remote(1), 2500, 3000, EXP_LABEL_DNS, "mine.example");
	expect(c, lan(3), remote(1), 2500, 3000, EXP_LABEL_DNS,
	    "third.example");
	/* a client without an answer gets the latest to anyone */
	expect(c, lan(4), remote(1), 2500, 3000, EXP_LABEL_DNS_OTHER_CLIENT,
	    "theirs.example");
	exp_dnscache_free(c);
}

static void
test_dnscache_find_other_client_when_own_expired(void **state)
{
	struct exp_dnscache *c = new_cache(16, 0, 86400);

	(void)state;
	add(c, lan(1), remote(1), "old.example", 10, 1000);
	add(c, lan(2), remote(1), "alive.example", 600, 2000);
	add(c, lan(3), remote(1), "future.example", 600, 50000);
	/* lan(1)'s answer ran out at 11000; lan(3)'s is not seen by now */
	expect(c, lan(1), remote(1), 20000, 30000, EXP_LABEL_DNS_OTHER_CLIENT,
	    "alive.example");
	/* seen by now, but after the flow's start: the one before it wins */
	expect(c, lan(1), remote(1), 20000, 50000, EXP_LABEL_DNS_OTHER_CLIENT,
	    "alive.example");
	/* a flow that started after both: the latest */
	expect(c, lan(1), remote(1), 60000, 60000, EXP_LABEL_DNS_OTHER_CLIENT,
	    "future.example");
	/* the fallback follows the same TTL rule */
	expect(c, lan(1), remote(1), 650001, 700000, EXP_LABEL_NONE, NULL);
	exp_dnscache_free(c);
}

static void
test_dnscache_find_ipv6_keys(void **state)
{
	struct exp_dnscache *c = new_cache(16, 0, 86400);
	struct mf_addr v4 = lan(1), dirty = lan(1), r6 = six(FALSE, 1);

	(void)state;
	add(c, six(TRUE, 1), six(FALSE, 1), "v6.example", 300, 1000);
	add(c, six(TRUE, 1), remote(1), "v4.example", 300, 1000);
	add(c, lan(1), six(FALSE, 1), "mixed.example", 300, 1000);
	expect(c, six(TRUE, 1), six(FALSE, 1), 1000, 2000, EXP_LABEL_DNS,
	    "v6.example");
	expect(c, six(TRUE, 1), remote(1), 1000, 2000, EXP_LABEL_DNS,
	    "v4.example");
	expect(c, lan(1), six(FALSE, 1), 1000, 2000, EXP_LABEL_DNS,
	    "mixed.example");
	expect(c, six(TRUE, 2), six(FALSE, 1), 1000, 2000,
	    EXP_LABEL_DNS_OTHER_CLIENT, "mixed.example");
	/* same leading bytes, other family: not the same address */
	v4.b[0] = 0x20;
	v4.b[1] = 0x01;
	v4.b[2] = 0x0d;
	v4.b[3] = 0xb8;
	expect(c, lan(1), v4, 1000, 2000, EXP_LABEL_NONE, NULL);
	/* bytes past an IPv4 address do not matter */
	memset(dirty.b + 4, 0xee, 12);
	expect(c, dirty, r6, 1000, 2000, EXP_LABEL_DNS, "mixed.example");
	exp_dnscache_free(c);
}

static void
test_dnscache_find_one_address_many_clients(void **state)
{
	struct exp_dnscache *c = new_cache(256, 0, 86400);
	char name[32];
	unsigned i;

	(void)state;
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "h%u.example", i);
		add(c, lan(i), remote(7), name, 300, 1000 + i);
	}
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "h%u.example", i);
		expect(c, lan(i), remote(7), 1500, 2000, EXP_LABEL_DNS, name);
	}
	expect(c, lan(999), remote(7), 1500, 2000, EXP_LABEL_DNS_OTHER_CLIENT,
	    "h199.example");
	/* the latest answer seen by the flow's start, not by now */
	expect(c, lan(999), remote(7), 1100, 1150, EXP_LABEL_DNS_OTHER_CLIENT,
	    "h100.example");
	/* none before the start: the earliest after it */
	expect(c, lan(999), remote(7), 900, 1150, EXP_LABEL_DNS_OTHER_CLIENT,
	    "h0.example");
	expect_adds(c, 200, 0, 0, 0, 200);
	expect_finds(c, 200, 3, 0);
	exp_dnscache_free(c);
}

static void
test_dnscache_add_full_evicts_least_recently_used(void **state)
{
	struct exp_dnscache *c = new_cache(16, 0, 86400);
	unsigned i;

	(void)state;
	for (i = 0; i < 16; i++)
		add(c, lan(i), remote(i), "n.example", 300, 1000 + i);
	/* a hit on 0 and an update of 1 make 2 the least recently used */
	expect(c, lan(0), remote(0), 1000, 2000, EXP_LABEL_DNS, "n.example");
	add(c, lan(1), remote(1), "n.example", 300, 1100);
	add(c, lan(16), remote(16), "new.example", 300, 1200);
	expect_adds(c, 17, 1, 0, 1, 16);
	expect(c, lan(2), remote(2), 1000, 2000, EXP_LABEL_NONE, NULL);
	add(c, lan(17), remote(17), "new.example", 300, 1300);
	expect_adds(c, 18, 1, 0, 2, 16);
	expect(c, lan(3), remote(3), 1000, 2000, EXP_LABEL_NONE, NULL);
	expect(c, lan(0), remote(0), 1000, 2000, EXP_LABEL_DNS, "n.example");
	expect(c, lan(1), remote(1), 1000, 2000, EXP_LABEL_DNS, "n.example");
	for (i = 4; i < 18; i++)
		expect(c, lan(i), remote(i), 1000, 2000, EXP_LABEL_DNS,
		    i < 16 ? "n.example" : "new.example");
	expect_finds(c, 17, 0, 2);
	assert_int_equal(exp_dnscache_get_stats(c)->peak, 16);
	exp_dnscache_free(c);
}

/* Client i: IPv4 if i is even, IPv6 if odd. */
static struct mf_addr
client(unsigned i)
{
	return (i & 1) ? six(TRUE, i) : lan(i);
}

/*
 * Far more answers than entries, on a few answered addresses (every
 * answer for one address shares its fallback chain) and a 16-entry cache
 * (32 buckets: pair chains collide too).  Whatever was evicted must be
 * gone from both indexes, whatever was kept must be found.
 */
static void
test_dnscache_add_eviction_keeps_indexes_consistent(void **state)
{
	struct exp_dnscache *c = new_cache(16, 0, 86400);
	char name[32];
	unsigned i;

	(void)state;
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "n%u.example", i);
		add(c, client(i), remote(i < 4000 ? i % 3 : 3 + i % 2), name,
		    300, 1000 + i);
	}
	expect_adds(c, 5000, 0, 0, 5000 - 16, 16);
	for (i = 0; i < 4984; i += 7)
		expect(c, client(i), remote(i < 4000 ? i % 3 : 3 + i % 2), 8000,
		    9000,
		    i < 4000 ? EXP_LABEL_NONE : EXP_LABEL_DNS_OTHER_CLIENT,
		    i < 4000 ? NULL
		             : ((i & 1) ? "n4999.example" : "n4998.example"));
	for (i = 4984; i < 5000; i++) {
		snprintf(name, sizeof(name), "n%u.example", i);
		expect(c, client(i), remote(3 + i % 2), 8000, 9000,
		    EXP_LABEL_DNS, name);
	}
	expect(c, lan(1), remote(0), 8000, 9000, EXP_LABEL_NONE, NULL);
	expect(c, lan(1), remote(3), 8000, 9000, EXP_LABEL_DNS_OTHER_CLIENT,
	    "n4998.example");
	exp_dnscache_free(c);
}

/*
 * The filter in front of the chains counts the entries of each answered
 * address (a counter stops at 255 and then always says "maybe"): 300
 * clients of one address and 100 of another, all evicted by 512 answers
 * for other addresses, leave both addresses unknown, and a new answer for
 * either is found again; nothing in between is missed.
 */
static void
test_dnscache_find_filter_counts_evictions(void **state)
{
	struct exp_dnscache *c = new_cache(512, 0, 86400);
	unsigned i;

	(void)state;
	for (i = 0; i < 300; i++)
		add(c, lan(i), remote(7), "busy.example", 300, 1000);
	for (i = 0; i < 100; i++)
		add(c, lan(i), remote(8), "quiet.example", 300, 1000);
	expect(c, lan(299), remote(7), 1000, 2000, EXP_LABEL_DNS,
	    "busy.example");
	expect(c, lan(99), remote(8), 1000, 2000, EXP_LABEL_DNS,
	    "quiet.example");
	expect(c, lan(999), remote(9), 1000, 2000, EXP_LABEL_NONE, NULL);
	for (i = 0; i < 512; i++)
		add(c, lan(1), six(FALSE, i), "other.example", 300, 1001);
	expect_adds(c, 912, 0, 0, 400, 512);
	expect(c, lan(299), remote(7), 1000, 2000, EXP_LABEL_NONE, NULL);
	expect(c, lan(99), remote(8), 1000, 2000, EXP_LABEL_NONE, NULL);
	for (i = 0; i < 512; i += 3)
		expect(c, lan(1), six(FALSE, i), 1000, 2000, EXP_LABEL_DNS,
		    "other.example");
	add(c, lan(5), remote(7), "busy.example", 300, 1002);
	add(c, lan(5), remote(8), "quiet.example", 300, 1002);
	expect(c, lan(6), remote(7), 1000, 2000, EXP_LABEL_DNS_OTHER_CLIENT,
	    "busy.example");
	expect(c, lan(5), remote(8), 1000, 2000, EXP_LABEL_DNS,
	    "quiet.example");
	exp_dnscache_free(c);
}

/*
 * A page and its images on one address: www, img a second later, then the
 * same pair the other way round, every flow labelled only once the last
 * answer is in.  Each flow gets the answer that came before it.
 */
static void
test_dnscache_find_answer_before_start_survives_refresh(void **state)
{
	struct exp_dnscache *c = new_cache(16, 0, 86400);

	(void)state;
	add(c, lan(1), remote(1), "www.news.example", 300, 1000);
	add(c, lan(1), remote(1), "img.news.example", 300, 2750);
	add(c, lan(1), remote(1), "img.news.example", 300, 7000);
	add(c, lan(1), remote(1), "www.news.example", 300, 8800);
	expect(c, lan(1), remote(1), 1240, 9500, EXP_LABEL_DNS,
	    "www.news.example");
	expect(c, lan(1), remote(1), 2950, 9500, EXP_LABEL_DNS,
	    "img.news.example");
	expect(c, lan(1), remote(1), 7200, 9500, EXP_LABEL_DNS,
	    "img.news.example");
	expect(c, lan(1), remote(1), 9000, 9500, EXP_LABEL_DNS,
	    "www.news.example");
	/* before every answer: the earliest, www */
	expect(c, lan(1), remote(1), 900, 9500, EXP_LABEL_DNS,
	    "www.news.example");
	/* the other-client fallback follows the same rule */
	expect(c, lan(2), remote(1), 2950, 9500, EXP_LABEL_DNS_OTHER_CLIENT,
	    "img.news.example");
	expect_adds(c, 2, 2, 0, 0, 2);
	exp_dnscache_free(c);
}

static void
test_dnscache_add_newer_answer_updates(void **state)
{
	struct exp_dnscache *c = new_cache(16, 0, 86400);
	struct mf_addr cl = lan(1), an = remote(1);
	const char *name;

	(void)state;
	exp_dnscache_add(c, &cl, &an, "old.example", "cdn.example", 600, 1000);
	exp_dnscache_add(c, &cl, &an, "new.example", NULL, 600, 2000);
	/* a flow that started after both: the latest before its start */
	expect(c, cl, an, 2500, 3000, EXP_LABEL_DNS, "new.example");
	/* one that started between them: the answer before it, with its
	 * CNAME, though a newer name for the address is held */
	assert_int_equal(exp_dnscache_find(c, &cl, &an, 1500, 3000, &name),
	    EXP_LABEL_DNS);
	assert_string_equal(name, "old.example");
	assert_string_equal(exp_dnscache_cname(name), "cdn.example");
	/* the same name again refreshes its entry */
	exp_dnscache_add(c, &cl, &an, "new.example", "edge.example", 600, 2500);
	/* a third name takes the place of the older of the two */
	exp_dnscache_add(c, &cl, &an, "third.example", NULL, 600, 3000);
	/* old.example is gone: none before 1500, so the earliest after */
	assert_int_equal(exp_dnscache_find(c, &cl, &an, 1500, 4000, &name),
	    EXP_LABEL_DNS);
	assert_string_equal(name, "new.example");
	assert_string_equal(exp_dnscache_cname(name), "edge.example");
	expect(c, cl, an, 3500, 4000, EXP_LABEL_DNS, "third.example");
	/* an answer older than the entry it would replace is ignored */
	exp_dnscache_add(c, &cl, &an, "older.example", NULL, 60, 1200);
	expect(c, cl, an, 3500, 4000, EXP_LABEL_DNS, "third.example");
	expect_adds(c, 2, 2, 1, 0, 2);
	exp_dnscache_free(c);
}

static void
test_dnscache_add_name_limits(void **state)
{
	struct exp_dnscache *c = new_cache(16, 0, 86400);
	const struct exp_dnscache_stats *st = exp_dnscache_get_stats(c);
	struct mf_addr cl = lan(1), an = remote(1);
	char n255[256], n256[257], q200[201], c86[87], c87[88];
	const char *name;

	(void)state;
	repeat(n255, 'a', 255);
	repeat(n256, 'b', 256);
	exp_dnscache_add(c, &cl, &an, n256, NULL, 60, 1000);
	exp_dnscache_add(c, &cl, &an, "ok.example", n256, 60, 1000);
	exp_dnscache_add(c, &cl, &an, NULL, NULL, 60, 1000);
	assert_int_equal(st->refused, 3);
	assert_int_equal(st->entries, 0);
	exp_dnscache_add(c, &cl, &an, n255, n255, 60, 1000);
	assert_int_equal(exp_dnscache_find(c, &cl, &an, 1000, 1000, &name),
	    EXP_LABEL_DNS);
	assert_string_equal(name, n255);
	assert_null(exp_dnscache_cname(name));
	assert_int_equal(st->cname_dropped, 1);
	/* 200 + 86 + 2 NULs = 288 fits; one more byte does not */
	repeat(q200, 'q', 200);
	repeat(c86, 'c', 86);
	repeat(c87, 'c', 87);
	exp_dnscache_add(c, &cl, &an, q200, c86, 60, 2000);
	exp_dnscache_find(c, &cl, &an, 2000, 2000, &name);
	assert_string_equal(exp_dnscache_cname(name), c86);
	exp_dnscache_add(c, &cl, &an, q200, c87, 60, 3000);
	exp_dnscache_find(c, &cl, &an, 3000, 3000, &name);
	assert_string_equal(name, q200);
	assert_null(exp_dnscache_cname(name));
	assert_int_equal(st->cname_dropped, 2);
	assert_int_equal(st->refused, 3);
	assert_null(exp_dnscache_cname(NULL));
	exp_dnscache_free(c);
}

static void
test_dnscache_add_bad_family_is_counted(void **state)
{
	struct exp_dnscache *c = new_cache(16, 0, 86400);
	const struct exp_dnscache_stats *st = exp_dnscache_get_stats(c);
	struct mf_addr bad, good = remote(1);
	const char *name = "unset";

	(void)state;
	memset(&bad, 0, sizeof(bad));
	exp_dnscache_add(c, &bad, &good, "x.example", NULL, 60, 1000);
	exp_dnscache_add(c, &good, &bad, "x.example", NULL, 60, 1000);
	bad.family = 5;
	exp_dnscache_add(c, &good, &bad, "x.example", NULL, 60, 1000);
	assert_int_equal(st->bad_addr, 3);
	expect_adds(c, 0, 0, 0, 0, 0);
	assert_int_equal(exp_dnscache_find(c, &good, &bad, 0, 2000, &name),
	    EXP_LABEL_NONE);
	assert_null(name);
	expect_finds(c, 0, 0, 1);
	exp_dnscache_free(c);
}

/*
 * One message's answers through exp_dnscache_answer_add(): the client and
 * names given once, then three addresses (one of a bad family), each as
 * exp_dnscache_add() would have it; a refused name counts once an address.
 */
static void
test_dnscache_answer_adds_each_address(void **state)
{
	struct exp_dnscache *c = new_cache(16, 0, 86400);
	const struct exp_dnscache_stats *st = exp_dnscache_get_stats(c);
	struct exp_dnscache_answer a;
	struct mf_addr cl = lan(1), other = lan(2), an4 = remote(7), bad;
	struct mf_addr an6 = six(FALSE, 7);
	char n256[257];
	const char *name = "unset";

	(void)state;
	memset(&bad, 0, sizeof(bad));
	exp_dnscache_answer_init(c, &a, &cl, "www.example", 11, "cdn.example",
	    11);
	exp_dnscache_answer_add(c, &a, &an4, 60, 1000);
	exp_dnscache_answer_add(c, &a, &bad, 60, 1000);
	exp_dnscache_answer_add(c, &a, &an6, 60, 1000);
	expect_adds(c, 2, 0, 0, 0, 2);
	assert_int_equal(st->bad_addr, 1);
	expect(c, cl, an4, 1000, 1000, EXP_LABEL_DNS, "www.example");
	expect(c, cl, an6, 1000, 1000, EXP_LABEL_DNS, "www.example");
	assert_int_equal(exp_dnscache_find(c, &cl, &an6, 1000, 1000, &name),
	    EXP_LABEL_DNS);
	assert_string_equal(exp_dnscache_cname(name), "cdn.example");
	expect(c, other, an4, 1000, 1000, EXP_LABEL_DNS_OTHER_CLIENT,
	    "www.example");
	/* The same answer again refreshes; a bad client counts per address. */
	exp_dnscache_answer_add(c, &a, &an4, 60, 2000);
	expect_adds(c, 2, 1, 0, 0, 2);
	exp_dnscache_answer_init(c, &a, &bad, "www.example", 11, NULL, 0);
	exp_dnscache_answer_add(c, &a, &an4, 60, 3000);
	exp_dnscache_answer_add(c, &a, &an6, 60, 3000);
	assert_int_equal(st->bad_addr, 3);
	memset(n256, 'a', 256);
	n256[256] = '\0';
	exp_dnscache_answer_init(c, &a, &cl, n256, 256, NULL, 0);
	exp_dnscache_answer_add(c, &a, &an4, 60, 3000);
	exp_dnscache_answer_add(c, &a, &bad, 60, 3000);
	assert_int_equal(st->refused, 2);
	assert_int_equal(st->bad_addr, 3);
	expect_adds(c, 2, 1, 0, 0, 2);
	exp_dnscache_free(c);
}

/*
 * The memo of client hashes: 3,000 clients (three to a memo slot or more)
 * each find their own answer as theirs and another's as another client's,
 * twice round; an IPv6 client of the same sixteen bytes as 10.0.0.5 (so
 * of its slot) is a client of its own.
 */
static void
test_dnscache_client_memo(void **state)
{
	struct exp_dnscache *c = new_cache(4096, 0, 86400);
	struct exp_dnscache_answer a;
	const uint8_t b[16] = { 10, 0, 0, 5 };
	struct mf_addr cl, v6cl, an, an_v6cl = six(FALSE, 5000);
	char name[16];
	unsigned n, round;

	(void)state;
	mf_addr_set6(&v6cl, b);
	for (n = 0; n < 3000; n++) {
		cl = lan(n);
		an = six(FALSE, n);
		g_snprintf(name, sizeof(name), "n%u", n);
		exp_dnscache_answer_init(c, &a, &cl, name, strlen(name), NULL,
		    0);
		exp_dnscache_answer_add(c, &a, &an, 60, 1000);
	}
	exp_dnscache_answer_init(c, &a, &v6cl, "v6", 2, NULL, 0);
	exp_dnscache_answer_add(c, &a, &an_v6cl, 60, 1000);
	expect(c, v6cl, an_v6cl, 1000, 1000, EXP_LABEL_DNS, "v6");
	expect(c, lan(5), an_v6cl, 1000, 1000, EXP_LABEL_DNS_OTHER_CLIENT,
	    "v6");
	expect(c, v6cl, six(FALSE, 5), 1000, 1000, EXP_LABEL_DNS_OTHER_CLIENT,
	    "n5");
	expect(c, lan(5), six(FALSE, 5), 1000, 1000, EXP_LABEL_DNS, "n5");
	for (round = 0; round < 2; round++) {
		for (n = 0; n < 3000; n++) {
			g_snprintf(name, sizeof(name), "n%u", n);
			expect(c, lan(n), six(FALSE, n), 1000, 1000,
			    EXP_LABEL_DNS, name);
			expect(c, lan(n + 1), six(FALSE, n), 1000, 1000,
			    EXP_LABEL_DNS_OTHER_CLIENT, name);
		}
	}
	exp_dnscache_free(c);
}

static void
test_dnscache_new_rejects_bad_config(void **state)
{
	struct exp_dnscache_config cfg = { .max_names = 15,
		.ttl_min_s = 0,
		.ttl_max_s = 60 };
	GError *error = NULL;

	(void)state;
	mf_hash_key_fixed(&cfg.seed);
	assert_null(exp_dnscache_new(&cfg, &error));
	assert_true(g_error_matches(error, MF_ERROR, MF_ERROR_NOMEM));
	g_clear_error(&error);
	cfg.max_names = EXP_DNSCACHE_MAX_NAMES + 1;
	assert_null(exp_dnscache_new(&cfg, &error));
	assert_true(g_error_matches(error, MF_ERROR, MF_ERROR_NOMEM));
	g_clear_error(&error);
	cfg.max_names = 16;
	cfg.ttl_min_s = 61;
	assert_null(exp_dnscache_new(&cfg, &error));
	assert_true(g_error_matches(error, MF_ERROR, MF_ERROR_ARGS));
	g_clear_error(&error);
	cfg.ttl_min_s = 60;
	exp_dnscache_free(exp_dnscache_new(&cfg, &error));
	assert_null(error);
	exp_dnscache_free(NULL);
}

static void
test_dnscache_memory_matches_allocation(void **state)
{
	struct exp_dnscache_config cfg = { .max_names = 16, .ttl_max_s = 60 };
	struct exp_dnscache *c;
	GError *error = NULL;

	(void)state;
	mf_hash_key_fixed(&cfg.seed);
	c = exp_dnscache_new(&cfg, NULL);
	assert_int_equal(last_alloc, exp_dnscache_memory(16));
	exp_dnscache_free(c);
	cfg.max_names = EXP_DNSCACHE_DEFAULT_NAMES;
	c = exp_dnscache_new(&cfg, NULL);
	assert_int_equal(last_alloc, exp_dnscache_memory(4096));
	exp_dnscache_free(c);
	/* dnscache.h says: about 1.7 MB for the default */
	assert_true(exp_dnscache_memory(4096) > 4096 * EXP_DNSCACHE_NAMES_LEN);
	assert_true(exp_dnscache_memory(4096) < 1750 * 1000);
	/* the largest cache is sized, and its failure reported */
	fail_alloc = TRUE;
	cfg.max_names = EXP_DNSCACHE_MAX_NAMES;
	assert_null(exp_dnscache_new(&cfg, &error));
	fail_alloc = FALSE;
	assert_int_equal(last_alloc, exp_dnscache_memory(1u << 22));
	assert_true(g_error_matches(error, MF_ERROR, MF_ERROR_NOMEM));
	g_clear_error(&error);
}

static void
test_dnscache_label_source_names(void **state)
{
	(void)state;
	assert_string_equal(exp_label_source_names[EXP_LABEL_NONE], "none");
	assert_string_equal(exp_label_source_names[EXP_LABEL_DNS], "dns");
	assert_string_equal(exp_label_source_names[EXP_LABEL_DNS_OTHER_CLIENT],
	    "dns-other-client");
	assert_string_equal(exp_label_source_names[EXP_LABEL_TLS_SNI],
	    "tls-sni");
	assert_string_equal(exp_label_source_names[EXP_LABEL_HTTP_HOST],
	    "http-host");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dnscache_find_same_client_hits),
		cmocka_unit_test(test_dnscache_find_ttl_expiry_at_flow_start),
		cmocka_unit_test(test_dnscache_find_ttl_clamped_to_min),
		cmocka_unit_test(test_dnscache_find_ttl_clamped_to_max),
		cmocka_unit_test(test_dnscache_find_no_clamp_saturates),
		cmocka_unit_test(test_dnscache_find_answer_after_flow_start),
		cmocka_unit_test(test_dnscache_find_same_client_preferred),
		cmocka_unit_test(
		    test_dnscache_find_other_client_when_own_expired),
		cmocka_unit_test(test_dnscache_find_ipv6_keys),
		cmocka_unit_test(test_dnscache_find_one_address_many_clients),
		cmocka_unit_test(
		    test_dnscache_add_full_evicts_least_recently_used),
		cmocka_unit_test(
		    test_dnscache_add_eviction_keeps_indexes_consistent),
		cmocka_unit_test(test_dnscache_add_newer_answer_updates),
		cmocka_unit_test(
		    test_dnscache_find_answer_before_start_survives_refresh),
		cmocka_unit_test(test_dnscache_add_name_limits),
		cmocka_unit_test(test_dnscache_add_bad_family_is_counted),
		cmocka_unit_test(test_dnscache_new_rejects_bad_config),
		cmocka_unit_test(test_dnscache_find_filter_counts_evictions),
		cmocka_unit_test(test_dnscache_answer_adds_each_address),
		cmocka_unit_test(test_dnscache_client_memo),
		cmocka_unit_test(test_dnscache_memory_matches_allocation),
		cmocka_unit_test(test_dnscache_label_source_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
