/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-test-dns-real"

/*
 * The DNS parser on whole answers: the golden ones of dnsbuild.c and, when
 * the environment names them, real ones taken from captures by
 * tests/fuzz/dns_seeds.sh (MF_DNS_SEEDS: a directory, one message per file;
 * MF_DNS_SEEDS_INDEX: its index of tshark's query names).  Each must parse,
 * each prefix of each must fail or agree with the whole, and each ordinary
 * query name must read as tshark shows it.  tests/integ/dns_real.sh sets
 * the environment.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "common/addr.h"
#include "common/dns.h"
#include "tests/unit/dnsbuild.h"

/* --- golden answers ----------------------------------------------------- */

/* What the goldens share: an OPT, answers complete, nothing dropped. */
static void
assert_answer(const struct mf_dns_msg *m, const char *qname, const char *cname,
    unsigned n_addrs, uint32_t min_ttl, uint16_t udp_size)
{
	assert_string_equal(m->qname, qname);
	assert_string_equal(m->cname, cname);
	assert_int_equal(m->n_cnames, cname[0] != '\0');
	assert_int_equal(m->n_addrs, n_addrs);
	assert_int_equal(m->min_ttl, min_ttl);
	assert_int_equal(m->addrs_dropped, 0);
	assert_int_equal(m->addrs_unrelated, 0);
	assert_int_equal(m->has_opt, 1);
	assert_int_equal(m->edns_udp_size, udp_size);
	assert_int_equal(m->edns_version, 0);
	assert_int_equal(m->answers_complete, 1);
}

static void
test_dns_parse_golden_cname_a(void **state)
{
	struct mf_dns_msg m;
	const struct db_golden *g = &db_goldens[0];
	static const uint8_t want[4] = { 140, 82, 121, 4 };

	(void)state;
	assert_int_equal(db_parse(g->msg, g->len, &m), MF_DNS_OK);
	assert_int_equal(m.id, 0x8f1e);
	assert_int_equal(m.qr, 1);
	assert_int_equal(m.opcode, 0);
	assert_int_equal(m.aa, 0);
	assert_int_equal(m.tc, 0);
	assert_int_equal(m.rd, 1);
	assert_int_equal(m.ra, 1);
	assert_int_equal(m.rcode, 0);
	assert_int_equal(m.ext_rcode, 0);
	assert_int_equal(m.qdcount, 1);
	assert_int_equal(m.ancount, 2);
	assert_int_equal(m.nscount, 0);
	assert_int_equal(m.arcount, 1);
	assert_int_equal(m.qtype, MF_DNS_TYPE_A);
	assert_int_equal(m.qclass, MF_DNS_CLASS_IN);
	assert_answer(&m, "www.github.com", "github.com", 1, 60, 1232);
	db_assert_addr4(&m.addrs[0], want, 60);
}

static void
test_dns_parse_golden_cname_aaaa(void **state)
{
	struct mf_dns_msg m;
	const struct db_golden *g = &db_goldens[1];
	struct mf_addr want;

	(void)state;
	assert_true(mf_addr_parse("2a02:ec80:300:ed1a::1", &want));
	assert_int_equal(db_parse(g->msg, g->len, &m), MF_DNS_OK);
	assert_int_equal(m.id, 0x4a6b);
	assert_int_equal(m.qtype, MF_DNS_TYPE_AAAA);
	assert_answer(&m, "en.wikipedia.org", "dyna.wikimedia.org", 1, 600,
	    512);
	assert_int_equal(mf_addr_cmp(&m.addrs[0].addr, &want), 0);
	assert_int_equal(m.addrs[0].ttl, 600);
}

static void
test_dns_parse_golden_nxdomain_no_answers(void **state)
{
	struct mf_dns_msg m;
	const struct db_golden *g = &db_goldens[2];

	(void)state;
	assert_int_equal(db_parse(g->msg, g->len, &m), MF_DNS_OK);
	assert_int_equal(m.rcode, 3);
	assert_int_equal(m.ext_rcode, 3);
	assert_int_equal(m.ancount, 0);
	assert_int_equal(m.nscount, 1);
	assert_answer(&m, "nosuchhost.example.com", "", 0, 0, 1232);
}

/* --- truncation at every byte ------------------------------------------- */

/*
 * Parse every proper prefix of msg: the result must not be OK unless the
 * message had bytes after its last record, and whatever the parser
 * promises to have filled in must agree with the whole message's parse.
 */
static void
check_prefixes(const char *what, const uint8_t *msg, size_t len)
{
	struct mf_dns_msg whole, m;
	enum mf_dns_result r;
	size_t cut;
	unsigned i;

	if (db_parse(msg, len, &whole) != MF_DNS_OK)
		fail_msg("%s: does not parse", what);
	for (cut = 0; cut < len; cut++) {
		r = db_parse(msg, cut, &m);
		assert_true(r < MF_DNS_N_RESULTS);
		if (cut < MF_DNS_HEADER_LEN) {
			assert_int_equal(r, MF_DNS_SHORT_HEADER);
			continue;
		}
		assert_int_equal(m.id, whole.id);
		assert_int_equal(m.ancount, whole.ancount);
		if (m.qname[0] != '\0')
			assert_string_equal(m.qname, whole.qname);
		if (r == MF_DNS_OK)
			assert_true(m.answers_complete);
		if (!m.answers_complete) {
			assert_int_equal(m.n_addrs, 0);
			continue;
		}
		assert_string_equal(m.cname, whole.cname);
		assert_int_equal(m.n_addrs, whole.n_addrs);
		for (i = 0; i < m.n_addrs; i++) { /* past n_addrs: unset */
			assert_memory_equal(&m.addrs[i].addr,
			    &whole.addrs[i].addr, sizeof(m.addrs[i].addr));
			assert_int_equal(m.addrs[i].ttl, whole.addrs[i].ttl);
		}
		assert_int_equal(m.addrs_unrelated, whole.addrs_unrelated);
	}
}

static void
test_dns_parse_goldens_every_prefix(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < db_n_goldens; i++)
		check_prefixes(db_goldens[i].name, db_goldens[i].msg,
		    db_goldens[i].len);
}

/* Every file in $MF_DNS_SEEDS parses OK, and so do its prefixes. */
static void
test_dns_parse_real_answers_every_prefix(void **state)
{
	const char *dir = g_getenv("MF_DNS_SEEDS"), *f;
	g_autoptr(GError) error = NULL;
	GDir *d;
	unsigned n = 0;

	(void)state;
	if (dir == NULL || *dir == '\0')
		skip();
	if ((d = g_dir_open(dir, 0, &error)) == NULL)
		fail_msg("%s", error->message);
	while ((f = g_dir_read_name(d)) != NULL) {
		g_autofree gchar *path = g_build_filename(dir, f, NULL);
		g_autofree gchar *data = NULL;
		gsize len;

		if (!g_file_get_contents(path, &data, &len, &error))
			fail_msg("%s", error->message);
		check_prefixes(path, (const uint8_t *)data, len);
		n++;
	}
	g_dir_close(d);
	print_message("%u real answers, every prefix checked\n", n);
	assert_int_not_equal(n, 0);
}

/*
 * A name tshark and we write alike: printable ASCII, no escapes.  tshark
 * writes '.' inside a label as is, where we write \046 (as dig does).
 */
static gboolean
is_ordinary(const char *name)
{
	const char *p;

	if (*name == '\0')
		return FALSE;
	for (p = name; *p != '\0'; p++)
		if (*p < 0x21 || *p > 0x7e || *p == '\\')
			return FALSE;
	return TRUE;
}

/*
 * Each query name in $MF_DNS_SEEDS_INDEX reads as tshark's, where both
 * are ordinary.
 */
static void
test_dns_parse_real_answers_names_match_tshark(void **state)
{
	const char *dir = g_getenv("MF_DNS_SEEDS");
	const char *index = g_getenv("MF_DNS_SEEDS_INDEX");
	g_autoptr(GError) error = NULL;
	g_autofree gchar *text = NULL;
	g_auto(GStrv) lines = NULL;
	struct mf_dns_msg m;
	unsigned i, n = 0, other = 0;

	(void)state;
	if (dir == NULL || *dir == '\0' || index == NULL || *index == '\0')
		skip();
	if (!g_file_get_contents(index, &text, NULL, &error))
		fail_msg("%s", error->message);
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) f = g_strsplit(lines[i], "\t", 2);
		g_autofree gchar *path = NULL, *data = NULL;
		gsize len;

		if (f[0] == NULL || f[1] == NULL || !is_ordinary(f[1])) {
			other += lines[i][0] != '\0';
			continue;
		}
		path = g_build_filename(dir, f[0], NULL);
		if (!g_file_get_contents(path, &data, &len, &error))
			fail_msg("%s", error->message);
		assert_int_equal(db_parse((const uint8_t *)data, len, &m),
		    MF_DNS_OK);
		if (!is_ordinary(m.qname)) {
			other++;
			continue;
		}
		assert_string_equal(m.qname, f[1]);
		n++;
	}
	print_message("%u query names equal tshark's, %u not ordinary\n", n,
	    other);
	assert_int_not_equal(n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dns_parse_golden_cname_a),
		cmocka_unit_test(test_dns_parse_golden_cname_aaaa),
		cmocka_unit_test(test_dns_parse_golden_nxdomain_no_answers),
		cmocka_unit_test(test_dns_parse_goldens_every_prefix),
		cmocka_unit_test(test_dns_parse_real_answers_every_prefix),
		cmocka_unit_test(
		    test_dns_parse_real_answers_names_match_tshark),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
