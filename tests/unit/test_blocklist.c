/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-test-blocklist"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <cmocka.h>

#include "collector/analytics/blockhits.h"
#include "collector/analytics/blocklist.h"
#include "common/addr.h"
#include "common/hash.h"

static struct col_blocklist *
set_of(enum col_bl_kind kind, const char *text)
{
	struct mf_hash_key k;
	struct col_blocklist *bl;

	mf_hash_key_fixed(&k);
	bl = col_blocklist_new(1000, 1000, &k);
	assert_non_null(bl);
	assert_true(
	    col_blocklist_add_text(bl, kind, "list.txt", text, strlen(text)));
	col_blocklist_seal(bl);
	return bl;
}

static gboolean
has_addr(const struct col_blocklist *bl, const char *ip, struct col_bl_match *m)
{
	struct mf_addr a;

	assert_true(mf_addr_parse(ip, &a));
	return col_blocklist_find_addr(bl, &a, m);
}

/* Spamhaus DROP: "; SBL" comments after the prefix, ';' header lines. */
static void
test_blocklist_find_addr_drop_format_cidr_edges(void **state)
{
	struct col_blocklist *bl = set_of(COL_BL_IP,
	    "; Spamhaus DROP List 2026/01/15\n"
	    "; Expires: ...\n"
	    "1.10.16.0/20 ; SBL256894\n"
	    "203.0.113.0/24 ; SBL1\n");
	struct col_bl_match m;
	struct col_blocklist_stats st;

	(void)state;
	assert_true(has_addr(bl, "1.10.16.0", &m));
	assert_string_equal(m.entry, "1.10.16.0/20");
	assert_string_equal(m.list, "list.txt");
	assert_int_equal(m.line, 3);
	assert_true(has_addr(bl, "1.10.31.255", &m));
	assert_false(has_addr(bl, "1.10.32.0", &m));
	assert_false(has_addr(bl, "1.10.15.255", &m));
	assert_true(has_addr(bl, "203.0.113.77", &m));
	assert_int_equal(m.line, 4);
	assert_false(has_addr(bl, "203.0.114.0", &m));
	col_blocklist_get_stats(bl, &st);
	assert_int_equal(st.ip4, 2);
	assert_int_equal(st.bad_lines, 0);
	col_blocklist_free(bl);
}

/* FireHOL netsets: '#' comments, bare addresses; nested prefixes. */
static void
test_blocklist_find_addr_nested_and_overlapping(void **state)
{
	struct col_blocklist *bl = set_of(COL_BL_IP,
	    "# firehol_level1\n"
	    "10.0.0.0/8\n"
	    "10.1.0.0/16\n"
	    "10.200.0.0/16\n"
	    "11.0.0.1\n"
	    "0.0.0.0/32\n");
	struct col_bl_match m;

	(void)state;
	/* Covered only by the /8 although /16s start between. */
	assert_true(has_addr(bl, "10.255.0.1", &m));
	assert_string_equal(m.entry, "10.0.0.0/8");
	assert_true(has_addr(bl, "10.1.2.3", &m));
	assert_true(has_addr(bl, "11.0.0.1", &m));
	assert_string_equal(m.entry, "11.0.0.1/32");
	assert_int_equal(m.line, 5);
	assert_false(has_addr(bl, "11.0.0.2", &m));
	assert_false(has_addr(bl, "11.0.0.0", &m));
	assert_true(has_addr(bl, "0.0.0.0", &m));
	assert_false(has_addr(bl, "0.0.0.1", &m));
	col_blocklist_free(bl);
}

static void
test_blocklist_find_addr_ipv6(void **state)
{
	struct col_blocklist *bl = set_of(COL_BL_IP,
	    "2001:db8::/32\n"
	    "2001:db9:0:1::/64 # a /64\n"
	    "2a00::1\n"
	    "192.0.2.0/24\n");
	struct col_bl_match m;

	(void)state;
	assert_true(has_addr(bl, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", &m));
	assert_string_equal(m.entry, "2001:db8::/32");
	assert_false(has_addr(bl, "2001:db9::1", &m));
	assert_true(has_addr(bl, "2001:db9:0:1:ffff::1", &m));
	assert_string_equal(m.entry, "2001:db9:0:1::/64");
	assert_false(has_addr(bl, "2001:db9:0:2::", &m));
	assert_true(has_addr(bl, "2a00::1", &m));
	assert_false(has_addr(bl, "2a00::2", &m));
	/* Families are apart: an IPv4 entry never matches IPv6. */
	assert_false(has_addr(bl, "::c000:201", &m));
	assert_true(has_addr(bl, "::ffff:192.0.2.1", &m)); /* mapped = v4 */
	col_blocklist_free(bl);
}

static void
test_blocklist_add_text_bad_lines_counted(void **state)
{
	struct col_blocklist *bl = set_of(COL_BL_IP,
	    "1.2.3.4\n"
	    "not-an-address\n"
	    "1.2.3.0/33\n"
	    "\n"
	    "   # only a comment\n"
	    "5.6.7.8\r\n");
	struct col_blocklist_stats st;
	struct col_bl_match m;

	(void)state;
	col_blocklist_get_stats(bl, &st);
	assert_int_equal(st.bad_lines, 2);
	assert_int_equal(st.ip4, 2);
	assert_true(has_addr(bl, "5.6.7.8", &m));
	assert_int_equal(m.line, 6);
	col_blocklist_free(bl);
}

static void
test_blocklist_find_name_formats_and_subdomains(void **state)
{
	struct col_blocklist *bl = set_of(COL_BL_DOMAIN,
	    "[Adblock Plus 2.0]\n"
	    "! comment\n"
	    "||ads.example^\n"
	    "||track.example^$third-party\n"
	    "0.0.0.0 malware.test other.test # hosts\n"
	    "127.0.0.1 localhost\n"
	    "Plain.Example.\n"
	    "bad name here\n"
	    "||broken\n");
	struct col_bl_match m;
	struct col_blocklist_stats st;

	(void)state;
	assert_true(col_blocklist_find_name(bl, "ads.example", &m));
	assert_int_equal(m.line, 3);
	assert_string_equal(m.entry, "ads.example");
	assert_true(col_blocklist_find_name(bl, "x.y.ADS.example.", &m));
	assert_string_equal(m.entry, "ads.example");
	assert_false(col_blocklist_find_name(bl, "badads.example", &m));
	assert_false(col_blocklist_find_name(bl, "example", &m));
	assert_true(col_blocklist_find_name(bl, "cdn.track.example", &m));
	assert_int_equal(m.line, 4);
	assert_true(col_blocklist_find_name(bl, "other.test", &m));
	assert_int_equal(m.line, 5);
	assert_true(col_blocklist_find_name(bl, "www.plain.example", &m));
	assert_string_equal(m.entry, "plain.example");
	assert_false(col_blocklist_find_name(bl, "localhost", &m));
	assert_false(col_blocklist_find_name(bl, "", &m));
	assert_false(col_blocklist_find_name(bl, "a..ads.example", &m));
	/* A hostile label under a listed domain still meets it. */
	assert_true(col_blocklist_find_name(bl, "<script>.ads.example", &m));
	assert_string_equal(m.entry, "ads.example");
	assert_true(col_blocklist_find_name(bl, "\xff\x01 x.ADS.example.", &m));
	assert_string_equal(m.entry, "ads.example");
	assert_false(col_blocklist_find_name(bl, "<b>ads.example", &m));
	col_blocklist_get_stats(bl, &st);
	assert_int_equal(st.domains, 5);
	assert_int_equal(st.bad_lines, 2);
	col_blocklist_free(bl);
}

static void
test_blocklist_caps_drop_and_duplicates(void **state)
{
	struct mf_hash_key k;
	struct col_blocklist *bl;
	struct col_blocklist_stats st;
	const char *t = "a.test\nb.test\na.test\nc.test\n";

	(void)state;
	mf_hash_key_fixed(&k);
	bl = col_blocklist_new(1, 3, &k);
	assert_true(
	    col_blocklist_add_text(bl, COL_BL_DOMAIN, "d", t, strlen(t)));
	assert_true(
	    col_blocklist_add_text(bl, COL_BL_IP, "i", "1.1.1.1\n2.2.2.2", 15));
	col_blocklist_seal(bl);
	col_blocklist_get_stats(bl, &st);
	assert_int_equal(st.domains, 2);
	assert_int_equal(st.duplicates, 1);
	assert_int_equal(st.dropped, 2);
	assert_int_equal(st.ip4, 1);
	assert_null(col_blocklist_new(0, 1, &k));
	col_blocklist_free(bl);
}

static void
test_blocklist_many_entries_all_found(void **state)
{
	GString *t = g_string_new(NULL);
	struct col_blocklist *bl;
	struct col_bl_match m;
	struct mf_hash_key k;
	char ip[32];
	uint32_t i;

	(void)state;
	for (i = 0; i < 500; i++)
		g_string_append_printf(t, "10.%u.%u.0/24\n", i / 256, i % 256);
	mf_hash_key_fixed(&k);
	bl = col_blocklist_new(1000, 1, &k);
	col_blocklist_add_text(bl, COL_BL_IP, "n", t->str, t->len);
	col_blocklist_seal(bl);
	for (i = 0; i < 500; i++) {
		g_snprintf(ip, sizeof(ip), "10.%u.%u.9", i / 256, i % 256);
		assert_true(has_addr(bl, ip, &m));
		assert_int_equal(m.line, i + 1);
	}
	assert_false(has_addr(bl, "10.1.244.0", &m));
	g_string_free(t, TRUE);
	col_blocklist_free(bl);
}

/* Blockhits on a drop list (198.51.100.0/24) and a hosts file (evil.test)
 * in a temporary directory. */
struct hits_fx {
	char *dir, *ipf, *dnf;
	struct col_blockhits *bh;
};

static void
hits_fx_open(struct hits_fx *x, size_t max_hits)
{
	char *ipl[2] = { NULL, NULL }, *dnl[2] = { NULL, NULL };
	struct col_blockhits_config c = { ipl, dnl, 100, 100, max_hits };
	struct mf_hash_key k;

	x->dir = g_dir_make_tmp("mfbl-XXXXXX", NULL);
	assert_non_null(x->dir);
	x->ipf = ipl[0] = g_build_filename(x->dir, "drop.txt", NULL);
	x->dnf = dnl[0] = g_build_filename(x->dir, "hosts", NULL);
	assert_true(g_file_set_contents(x->ipf, "198.51.100.0/24\n", -1, NULL));
	assert_true(
	    g_file_set_contents(x->dnf, "0.0.0.0 evil.test\n", -1, NULL));
	mf_hash_key_fixed(&k);
	x->bh = col_blockhits_new(&c, &k, NULL);
	assert_non_null(x->bh);
}

static void
hits_fx_close(struct hits_fx *x)
{
	col_blockhits_free(x->bh);
	g_unlink(x->ipf);
	g_unlink(x->dnf);
	g_rmdir(x->dir);
	g_free(x->ipf);
	g_free(x->dnf);
	g_free(x->dir);
}

/* The hits: remote sides only, labels, DNS queries and answers. */
static void
test_blockhits_flow_and_dns_hits_aggregate(void **state)
{
	struct hits_fx x;
	struct col_blockhits *bh;
	const struct col_blockhit *h;
	struct col_dns_rec d;
	struct col_flow f;
	size_t n;

	(void)state;
	hits_fx_open(&x, 2);
	bh = x.bh;
	memset(&f, 0, sizeof(f));
	assert_true(mf_addr_parse("192.168.1.5", &f.src));
	assert_true(mf_addr_parse("198.51.100.7", &f.dst));
	f.octets = 100;
	col_blockhits_flow(bh, &f, TRUE, FALSE, NULL, 1000);
	col_blockhits_flow(bh, &f, TRUE, FALSE, NULL, 3000);
	/* Internal both ways: not matched. */
	col_blockhits_flow(bh, &f, TRUE, TRUE, NULL, 3000);
	memset(&d, 0, sizeof(d));
	assert_true(mf_addr_parse("192.168.1.6", &d.client));
	g_strlcpy(d.qname, "www.evil.test", sizeof(d.qname));
	col_blockhits_dns(bh, &d, NULL);
	/* A third distinct hit is over max_hits = 2. */
	assert_true(mf_addr_parse("198.51.100.8", &f.dst));
	col_blockhits_flow(bh, &f, TRUE, FALSE, NULL, 3000);
	h = col_blockhits_list(bh, &n);
	assert_int_equal(n, 2);
	assert_string_equal(h[0].match, "198.51.100.7");
	assert_string_equal(h[0].entry, "198.51.100.0/24");
	assert_int_equal(h[0].flows, 2);
	assert_int_equal(h[0].bytes, 200);
	assert_int_equal(h[0].first_ms, 1000);
	assert_int_equal(h[0].last_ms, 3000);
	assert_int_equal(h[0].via, COL_VIA_FLOW);
	assert_int_equal(h[1].via, COL_VIA_DNS_QUERY);
	assert_string_equal(h[1].entry, "evil.test");
	assert_string_equal(h[1].list, "hosts");
	assert_string_equal(h[0].device, "192.168.1.5");
	assert_string_equal(h[1].device, "192.168.1.6");
	assert_int_equal(col_blockhits_dropped(bh), 1);
	/* A changed file is read again at the next check. */
	assert_false(col_blockhits_check(bh));
	assert_true(g_file_set_contents(x.ipf, "1.1.1.1\n2.2.2.2\n", -1, NULL));
	assert_true(col_blockhits_check(bh));
	col_blockhits_reset(bh);
	col_blockhits_flow(bh, &f, TRUE, FALSE, NULL, 3000);
	h = col_blockhits_list(bh, &n);
	assert_int_equal(n, 0);
	hits_fx_close(&x);
}

/*
 * The remote whole: an address hit keeps the flow's label or the DNS
 * query, a name hit the flow's remote address or the first answer; the
 * first record that knows the other half fills it.
 */
static void
test_blockhits_remote_both_halves(void **state)
{
	struct hits_fx x;
	struct col_blockhits *bh;
	const struct col_blockhit *h;
	struct col_dns_rec d;
	struct col_flow f;
	size_t n;

	(void)state;
	hits_fx_open(&x, 16);
	bh = x.bh;
	memset(&f, 0, sizeof(f));
	/* 0: an address hit without a label, then with one: filled late. */
	assert_true(mf_addr_parse("192.168.1.5", &f.src));
	assert_true(mf_addr_parse("198.51.100.7", &f.dst));
	col_blockhits_flow(bh, &f, TRUE, FALSE, NULL, 1000);
	g_strlcpy(f.label, "cdn.example", sizeof(f.label));
	col_blockhits_flow(bh, &f, TRUE, FALSE, NULL, 2000);
	g_strlcpy(f.label, "other.example", sizeof(f.label));
	col_blockhits_flow(bh, &f, TRUE, FALSE, NULL, 3000);
	/* 1 and 2: the label is listed, the remote (the source: the
	 * destination is internal) is 203.0.113.9, not listed. */
	memset(&f, 0, sizeof(f));
	assert_true(mf_addr_parse("203.0.113.9", &f.src));
	assert_true(mf_addr_parse("192.168.1.5", &f.dst));
	g_strlcpy(f.label, "www.evil.test", sizeof(f.label));
	col_blockhits_flow(bh, &f, FALSE, TRUE, NULL, 4000);
	/* A query answered with a listed address: both halves, twice. */
	memset(&d, 0, sizeof(d));
	assert_true(mf_addr_parse("192.168.1.6", &d.client));
	g_strlcpy(d.qname, "a.evil.test", sizeof(d.qname));
	assert_true(mf_addr_parse("198.51.100.20", &d.addrs[0]));
	assert_true(mf_addr_parse("198.51.100.21", &d.addrs[1]));
	d.n_addrs = 2;
	col_blockhits_dns(bh, &d, NULL);
	/* A query with no answer: the name alone. */
	g_strlcpy(d.qname, "b.evil.test", sizeof(d.qname));
	d.n_addrs = 0;
	col_blockhits_dns(bh, &d, NULL);
	h = col_blockhits_list(bh, &n);
	assert_int_equal(n, 6);
	assert_string_equal(h[0].match, "198.51.100.7");
	assert_string_equal(h[0].remote_addr, "198.51.100.7");
	assert_string_equal(h[0].remote_name, "cdn.example");
	assert_int_equal(h[0].flows, 3);
	assert_int_equal(h[1].via, COL_VIA_LABEL);
	assert_string_equal(h[1].match, "www.evil.test");
	assert_string_equal(h[1].remote_addr, "203.0.113.9");
	assert_string_equal(h[1].remote_name, "www.evil.test");
	assert_string_equal(h[1].device, "192.168.1.5");
	assert_int_equal(h[2].via, COL_VIA_DNS_QUERY);
	assert_string_equal(h[2].match, "a.evil.test");
	assert_string_equal(h[2].remote_addr, "198.51.100.20");
	assert_int_equal(h[3].via, COL_VIA_DNS_ANSWER);
	assert_string_equal(h[3].match, "198.51.100.20");
	assert_string_equal(h[3].remote_name, "a.evil.test");
	assert_string_equal(h[4].match, "198.51.100.21");
	assert_string_equal(h[4].remote_name, "a.evil.test");
	assert_string_equal(h[5].match, "b.evil.test");
	assert_string_equal(h[5].remote_addr, "");
	assert_string_equal(h[5].remote_name, "b.evil.test");
	hits_fx_close(&x);
}

/* SIGHUP: new files are read; a file that cannot be read changes nothing. */
static void
test_blockhits_set_files_reload_and_failure(void **state)
{
	g_autofree char *dir = g_dir_make_tmp("mfbl-XXXXXX", NULL);
	g_autofree char *a = g_build_filename(dir, "a.txt", NULL);
	g_autofree char *b = g_build_filename(dir, "b.txt", NULL);
	g_autofree char *gone = g_build_filename(dir, "gone.txt", NULL);
	char *la[] = { a, NULL }, *lb[] = { b, NULL }, *lg[] = { gone, NULL };
	struct col_blockhits_config c = { la, NULL, 100, 100, 8 };
	struct col_blocklist_stats st;
	struct col_blockhits *bh;
	struct mf_hash_key k;
	GError *err = NULL;

	(void)state;
	assert_true(g_file_set_contents(a, "1.1.1.1\n", -1, NULL));
	assert_true(g_file_set_contents(b, "2.2.2.0/24\n3.3.3.3\n", -1, NULL));
	mf_hash_key_fixed(&k);
	bh = col_blockhits_new(&c, &k, NULL);
	assert_non_null(bh);
	c.ip = lb;
	assert_true(col_blockhits_set_files(bh, &c, NULL));
	col_blockhits_get_stats(bh, &st);
	assert_int_equal(st.ip4, 2);
	c.ip = lg;
	assert_false(col_blockhits_set_files(bh, &c, &err));
	assert_non_null(strstr(err->message, "gone.txt"));
	g_clear_error(&err);
	col_blockhits_get_stats(bh, &st);
	assert_int_equal(st.ip4, 2); /* b's, still */
	/* ... and b stays the file watched. */
	assert_false(col_blockhits_check(bh));
	assert_true(g_file_set_contents(b, "4.4.4.4\n", -1, NULL));
	assert_true(col_blockhits_check(bh));
	col_blockhits_get_stats(bh, &st);
	assert_int_equal(st.ip4, 1);
	col_blockhits_free(bh);
	g_unlink(a);
	g_unlink(b);
	g_rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_blocklist_find_addr_drop_format_cidr_edges),
		cmocka_unit_test(
		    test_blocklist_find_addr_nested_and_overlapping),
		cmocka_unit_test(test_blocklist_find_addr_ipv6),
		cmocka_unit_test(test_blocklist_add_text_bad_lines_counted),
		cmocka_unit_test(
		    test_blocklist_find_name_formats_and_subdomains),
		cmocka_unit_test(test_blocklist_caps_drop_and_duplicates),
		cmocka_unit_test(test_blocklist_many_entries_all_found),
		cmocka_unit_test(test_blockhits_flow_and_dns_hits_aggregate),
		cmocka_unit_test(test_blockhits_remote_both_halves),
		cmocka_unit_test(test_blockhits_set_files_reload_and_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
