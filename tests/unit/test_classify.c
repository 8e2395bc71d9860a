/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-test-classify"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "collector/model/classify.h"
#include "common/addr.h"
#include "common/error.h"
#include "tests/unit/flowbuild.h"

#define TCP 6
#define UDP 17
#define ICMP 1

static const char *const nets[] = { "192.168.0.0/16", "10.0.0.0/8",
	"172.16.0.0/12", "fd00::/8", "2001:db8:1::/48", NULL };
static const char *const web[] = { "80", "443", "8080", NULL };

/* A copy of v (NULL stays NULL): string literals are const char. */
static GStrv
dup_list(const char *const *v)
{
	GStrvBuilder *b;
	GStrv out;

	if (v == NULL)
		return NULL;
	b = g_strv_builder_new();
	for (; *v != NULL; v++)
		g_strv_builder_add(b, *v);
	out = g_strv_builder_end(b);
	g_strv_builder_unref(b);
	return out;
}

/*
 * col_classifier_new() on copies of the lists: it takes char *const *, as
 * g_key_file_get_string_list() gives.
 */
static struct col_classifier *
new_classifier(const char *const *prefixes, const char *const *ports,
    GError **error)
{
	g_auto(GStrv) p = dup_list(prefixes);
	g_auto(GStrv) w = dup_list(ports);

	return col_classifier_new(p, w, error);
}

static struct col_classifier *
classifier(void)
{
	GError *error = NULL;
	struct col_classifier *c = new_classifier(nets, web, &error);

	assert_non_null(c);
	assert_null(error);
	return c;
}

static struct col_flow
flow(const char *src, const char *dst, uint8_t proto, uint16_t sport,
    uint16_t dport)
{
	return fb_flow(src, sport, dst, dport, proto, 0, 0, 0, 0);
}

/* Classify f; check the class and both internal flags. */
static void
check(const struct col_classifier *c, const struct col_flow *f,
    enum col_class want, gboolean want_si, gboolean want_di)
{
	gboolean si = !want_si, di = !want_di;

	assert_int_equal(col_classify(c, f, &si, &di), want);
	assert_int_equal(si, want_si);
	assert_int_equal(di, want_di);
}

/* Check the class of src -> dst with the given protocol and ports. */
static void
check_pair(const struct col_classifier *c, const char *src, const char *dst,
    uint8_t proto, uint16_t sport, uint16_t dport, enum col_class want)
{
	struct col_flow f = flow(src, dst, proto, sport, dport);
	gboolean si = want == COL_CLASS_OUT || want == COL_CLASS_OUTWEB ||
	    want == COL_CLASS_INTERNAL;
	gboolean di = want == COL_CLASS_IN || want == COL_CLASS_INWEB ||
	    want == COL_CLASS_INTERNAL;

	check(c, &f, want, si, di);
}

static void
test_classify_classify_v4_every_class(void **state)
{
	struct col_classifier *c = classifier();

	(void)state;
	check_pair(c, "198.51.100.1", "192.168.1.2", UDP, 53, 40000,
	    COL_CLASS_IN);
	check_pair(c, "192.168.1.2", "198.51.100.1", UDP, 40000, 53,
	    COL_CLASS_OUT);
	check_pair(c, "198.51.100.1", "10.1.2.3", TCP, 443, 50000,
	    COL_CLASS_INWEB);
	check_pair(c, "172.16.0.9", "198.51.100.1", TCP, 50000, 80,
	    COL_CLASS_OUTWEB);
	check_pair(c, "192.168.1.2", "10.1.2.3", TCP, 50000, 80,
	    COL_CLASS_INTERNAL);
	check_pair(c, "198.51.100.1", "203.0.113.5", TCP, 50000, 443,
	    COL_CLASS_EXTERNAL);
	col_classifier_free(c);
}

static void
test_classify_classify_v6_every_class(void **state)
{
	struct col_classifier *c = classifier();

	(void)state;
	check_pair(c, "2001:db8:99::1", "fd12::2", UDP, 53, 40000,
	    COL_CLASS_IN);
	check_pair(c, "2001:db8:1:5::7", "2001:db8:99::1", UDP, 40000, 53,
	    COL_CLASS_OUT);
	check_pair(c, "2001:db8:99::1", "fd12::2", TCP, 8080, 50000,
	    COL_CLASS_INWEB);
	check_pair(c, "fd12::2", "2001:db8:99::1", TCP, 50000, 443,
	    COL_CLASS_OUTWEB);
	check_pair(c, "fd12::2", "2001:db8:1::1", TCP, 50000, 443,
	    COL_CLASS_INTERNAL);
	check_pair(c, "2001:db8:2::1", "2001:db8:99::1", TCP, 50000, 80,
	    COL_CLASS_EXTERNAL);
	col_classifier_free(c);
}

static void
test_classify_classify_web_port_on_either_side(void **state)
{
	struct col_classifier *c = classifier();

	(void)state;
	/* Outbound: the server's port as destination, then as source. */
	check_pair(c, "192.168.1.2", "198.51.100.1", TCP, 50000, 8080,
	    COL_CLASS_OUTWEB);
	check_pair(c, "192.168.1.2", "198.51.100.1", TCP, 80, 50000,
	    COL_CLASS_OUTWEB);
	/* Inbound likewise. */
	check_pair(c, "198.51.100.1", "192.168.1.2", TCP, 50000, 443,
	    COL_CLASS_INWEB);
	check_pair(c, "198.51.100.1", "192.168.1.2", TCP, 443, 50000,
	    COL_CLASS_INWEB);
	/* Neither side a web port: plain in/out. */
	check_pair(c, "192.168.1.2", "198.51.100.1", TCP, 50000, 22,
	    COL_CLASS_OUT);
	check_pair(c, "198.51.100.1", "192.168.1.2", TCP, 22, 8081,
	    COL_CLASS_IN);
	col_classifier_free(c);
}

static void
test_classify_classify_udp_443_is_not_web(void **state)
{
	struct col_classifier *c = classifier();

	(void)state;
	/* QUIC: UDP/443 stays in "out"/"in". */
	check_pair(c, "192.168.1.2", "198.51.100.1", UDP, 50000, 443,
	    COL_CLASS_OUT);
	check_pair(c, "198.51.100.1", "192.168.1.2", UDP, 443, 50000,
	    COL_CLASS_IN);
	/* ICMP type 1 code 187 reads as dport 443: still not web. */
	check_pair(c, "192.168.1.2", "198.51.100.1", ICMP, 0, 443,
	    COL_CLASS_OUT);
	col_classifier_free(c);
}

static void
test_classify_classify_null_flags_are_allowed(void **state)
{
	struct col_classifier *c = classifier();
	struct col_flow f = flow("192.168.1.2", "198.51.100.1", TCP, 1, 80);

	(void)state;
	assert_int_equal(col_classify(c, &f, NULL, NULL), COL_CLASS_OUTWEB);
	col_classifier_free(c);
}

static void
test_classify_class_reverse_maps_each_class(void **state)
{
	int k;

	(void)state;
	assert_int_equal(col_class_reverse(COL_CLASS_IN), COL_CLASS_OUT);
	assert_int_equal(col_class_reverse(COL_CLASS_OUT), COL_CLASS_IN);
	assert_int_equal(col_class_reverse(COL_CLASS_INWEB), COL_CLASS_OUTWEB);
	assert_int_equal(col_class_reverse(COL_CLASS_OUTWEB), COL_CLASS_INWEB);
	assert_int_equal(col_class_reverse(COL_CLASS_INTERNAL),
	    COL_CLASS_INTERNAL);
	assert_int_equal(col_class_reverse(COL_CLASS_EXTERNAL),
	    COL_CLASS_EXTERNAL);
	for (k = 0; k < COL_N_CLASSES; k++)
		assert_int_equal(col_class_reverse(
		                     col_class_reverse((enum col_class)k)),
		    k);
}

/* The swapped flow (dst -> src, ports swapped) has the reverse class. */
static void
test_classify_class_reverse_matches_swapped_flow(void **state)
{
	static const char *const addrs[] = { "192.168.1.2", "198.51.100.1",
		"10.0.0.1", "203.0.113.9" };
	static const uint16_t ports[][2] = { { 50000, 443 }, { 80, 1024 },
		{ 22, 50000 } };
	static const uint8_t protos[] = { TCP, UDP };
	struct col_classifier *c = classifier();
	struct col_flow f, r;
	size_t a, b, p, q;

	(void)state;
	for (a = 0; a < G_N_ELEMENTS(addrs); a++)
		for (b = 0; b < G_N_ELEMENTS(addrs); b++)
			for (p = 0; p < G_N_ELEMENTS(ports); p++)
				for (q = 0; q < G_N_ELEMENTS(protos); q++) {
					f = flow(addrs[a], addrs[b], protos[q],
					    ports[p][0], ports[p][1]);
					r = flow(addrs[b], addrs[a], protos[q],
					    ports[p][1], ports[p][0]);
					assert_int_equal(col_classify(c, &r,
					                     NULL, NULL),
					    col_class_reverse(col_classify(c,
					        &f, NULL, NULL)));
				}
	col_classifier_free(c);
}

static void
test_classify_class_names(void **state)
{
	(void)state;
	assert_string_equal(col_class_names[COL_CLASS_IN], "in");
	assert_string_equal(col_class_names[COL_CLASS_OUT], "out");
	assert_string_equal(col_class_names[COL_CLASS_INWEB], "inweb");
	assert_string_equal(col_class_names[COL_CLASS_OUTWEB], "outweb");
	assert_string_equal(col_class_names[COL_CLASS_INTERNAL], "internal");
	assert_string_equal(col_class_names[COL_CLASS_EXTERNAL], "external");
}

/* col_classifier_new() with one prefix must fail with message want. */
static void
check_bad_prefix(const char *prefix, const char *want)
{
	const char *const list[] = { "10.0.0.0/8", prefix, NULL };
	GError *error = NULL;

	assert_null(new_classifier(list, web, &error));
	assert_non_null(error);
	assert_true(g_error_matches(error, MF_ERROR, MF_ERROR_CONFIG));
	assert_string_equal(error->message, want);
	g_error_free(error);
}

static void
test_classify_classifier_new_bad_prefix_is_named(void **state)
{
	(void)state;
	check_bad_prefix("x/99",
	    "internal network 'x/99': not an "
	    "address/prefix");
	check_bad_prefix("10.0.0.0/33",
	    "internal network '10.0.0.0/33': "
	    "not an address/prefix");
	check_bad_prefix("fd00::/129",
	    "internal network 'fd00::/129': not "
	    "an address/prefix");
	check_bad_prefix("10.0.0.0/",
	    "internal network '10.0.0.0/': not an "
	    "address/prefix");
	check_bad_prefix("192.168.1",
	    "internal network '192.168.1': not an "
	    "address/prefix");
	check_bad_prefix("", "internal network '': not an address/prefix");
}

/* col_classifier_new() with one web port must fail naming it. */
static void
check_bad_port(const char *port)
{
	const char *const list[] = { "80", port, NULL };
	g_autofree char *want =
	    g_strdup_printf("web port '%s': not a port 1..65535", port);
	GError *error = NULL;

	assert_null(new_classifier(nets, list, &error));
	assert_non_null(error);
	assert_true(g_error_matches(error, MF_ERROR, MF_ERROR_CONFIG));
	assert_string_equal(error->message, want);
	g_error_free(error);
}

static void
test_classify_classifier_new_bad_port_is_named(void **state)
{
	(void)state;
	check_bad_port("x");
	check_bad_port("0");
	check_bad_port("65536");
	check_bad_port("-1");
	check_bad_port("+80");
	check_bad_port(" 80");
	check_bad_port("80x");
	check_bad_port("0x50");
	check_bad_port("");
}

static void
test_classify_classifier_new_port_bounds(void **state)
{
	const char *const list[] = { "1", "65535", NULL };
	struct col_classifier *c;

	(void)state;
	c = new_classifier(NULL, list, NULL);
	assert_non_null(c);
	assert_true(col_classifier_is_web_port(c, 1));
	assert_true(col_classifier_is_web_port(c, 65535));
	assert_false(col_classifier_is_web_port(c, 0));
	assert_false(col_classifier_is_web_port(c, 2));
	assert_false(col_classifier_is_web_port(c, 65534));
	assert_false(col_classifier_is_web_port(c, 80));
	col_classifier_free(c);
}

/* n items "10.<i>.0.0/16" (or ports 1000 + i), NULL-terminated. */
static char **
make_list(size_t n, gboolean ports)
{
	char **v = g_new0(char *, n + 1);
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = ports
		    ? g_strdup_printf("%zu", 1000 + i)
		    : g_strdup_printf("10.%zu.%zu.0/24", i / 256, i % 256);
	return v;
}

static void
test_classify_classifier_new_too_many_items(void **state)
{
	g_auto(GStrv) p256 = make_list(COL_MAX_PREFIXES, FALSE);
	g_auto(GStrv) p257 = make_list(COL_MAX_PREFIXES + 1, FALSE);
	g_auto(GStrv) w64 = make_list(COL_MAX_WEB_PORTS, TRUE);
	g_auto(GStrv) w65 = make_list(COL_MAX_WEB_PORTS + 1, TRUE);
	struct col_classifier *c;
	GError *error = NULL;

	(void)state;
	c = col_classifier_new(p256, w64, &error);
	assert_non_null(c);
	col_classifier_free(c);
	assert_null(col_classifier_new(p257, w64, &error));
	assert_string_equal(error->message,
	    "internal networks: more than 256 prefixes");
	g_clear_error(&error);
	assert_null(col_classifier_new(p256, w65, &error));
	assert_string_equal(error->message, "web ports: more than 64 ports");
	g_clear_error(&error);
}

static void
test_classify_classifier_is_internal_many_prefixes(void **state)
{
	char *list[COL_MAX_PREFIXES + 1];
	struct col_classifier *c;
	struct mf_addr a;
	char buf[64];
	size_t i;

	(void)state;
	/* 128 IPv4 /24s in 10.0/16, odd third bytes; 128 IPv6 /48s. */
	for (i = 0; i < 128; i++) {
		list[i] = g_strdup_printf("10.0.%zu.0/24", 2 * i + 1);
		list[128 + i] = g_strdup_printf("2001:db8:%zx::/48", 2 * i);
	}
	list[COL_MAX_PREFIXES] = NULL;
	c = col_classifier_new(list, NULL, NULL);
	assert_non_null(c);
	for (i = 0; i < 256; i++) {
		g_snprintf(buf, sizeof(buf), "10.0.%zu.77", i);
		assert_true(mf_addr_parse(buf, &a));
		assert_int_equal(col_classifier_is_internal(c, &a), i % 2 == 1);
		g_snprintf(buf, sizeof(buf), "2001:db8:%zx:ffff::1", i);
		assert_true(mf_addr_parse(buf, &a));
		assert_int_equal(col_classifier_is_internal(c, &a), i % 2 == 0);
	}
	assert_true(mf_addr_parse("10.1.1.1", &a));
	assert_false(col_classifier_is_internal(c, &a));
	col_classifier_free(c);
	for (i = 0; i < COL_MAX_PREFIXES; i++)
		g_free(list[i]);
}

/* TRUE if the first len bits of x and y agree (bit by bit). */
static gboolean
first_bits_equal(const uint8_t *x, const uint8_t *y, unsigned len)
{
	unsigned i;

	for (i = 0; i < len; i++)
		if (((x[i / 8] >> (7 - i % 8)) & 1) !=
		    ((y[i / 8] >> (7 - i % 8)) & 1))
			return FALSE;
	return TRUE;
}

/*
 * Every prefix length of both families against addresses one bit away
 * from the prefix's at each position, and the other family: inside
 * exactly when the first len bits agree (the classifier compares masked
 * words, not bytes).
 */
static void
test_classify_classifier_is_internal_every_length(void **state)
{
	static const uint8_t base6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x5a, 0xa5,
		0x3c, 0xc3, 0x96, 0x69, 0xf0, 0x0f, 0x12, 0x34, 0xfe, 0xdc };
	struct col_classifier *c;
	struct mf_addr base, a, other;
	char text[MF_ADDR_STRLEN], buf[80], *list[2] = { buf, NULL };
	unsigned fam, len, bit, bits;

	(void)state;
	for (fam = 0; fam < 2; fam++) {
		if (fam == 0)
			mf_addr_set4(&base, base6 + 4);
		else
			mf_addr_set6(&base, base6);
		bits = fam == 0 ? 32 : 128;
		mf_addr_set4(&other, base6);
		if (fam == 0)
			mf_addr_set6(&other, base6);
		mf_addr_format(&base, text, sizeof(text));
		for (len = 0; len <= bits; len++) {
			g_snprintf(buf, sizeof(buf), "%s/%u", text, len);
			c = col_classifier_new(list, NULL, NULL);
			assert_non_null(c);
			assert_true(col_classifier_is_internal(c, &base));
			assert_false(col_classifier_is_internal(c, &other));
			for (bit = 0; bit < bits; bit++) {
				a = base;
				a.b[bit / 8] ^= (uint8_t)(0x80 >> (bit % 8));
				assert_int_equal(col_classifier_is_internal(c,
				                     &a),
				    first_bits_equal(a.b, base.b, len));
				assert_int_equal(bit >= len,
				    first_bits_equal(a.b, base.b, len));
			}
			col_classifier_free(c);
		}
	}
}

static void
test_classify_classifier_is_internal_boundaries(void **state)
{
	const char *const list[] = { "172.16.0.0/12", "192.0.2.7", "fd00::/8",
		NULL };
	static const struct {
		const char *addr;
		gboolean internal;
	} cases[] = {
		{ "172.15.255.255", FALSE },
		{ "172.16.0.0", TRUE },
		{ "172.31.255.255", TRUE },
		{ "172.32.0.0", FALSE },
		{ "192.0.2.7", TRUE },
		{ "192.0.2.6", FALSE },
		{ "192.0.2.8", FALSE },
		{ "fcff:ffff::1", FALSE },
		{ "fd00::", TRUE },
		{ "fdff:ffff:ffff:ffff::1", TRUE },
		{ "fe00::", FALSE },
		{ "::ffff:172.20.0.1", TRUE },
		{ "::172.20.0.1", FALSE },
	};
	struct col_classifier *c = new_classifier(list, NULL, NULL);
	struct mf_addr a;
	size_t i;

	(void)state;
	assert_non_null(c);
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		assert_true(mf_addr_parse(cases[i].addr, &a));
		assert_int_equal(col_classifier_is_internal(c, &a),
		    cases[i].internal);
	}
	memset(&a, 0, sizeof(a)); /* family unset: never internal */
	assert_false(col_classifier_is_internal(c, &a));
	col_classifier_free(c);
}

static void
test_classify_classifier_new_empty_lists(void **state)
{
	struct col_classifier *c = col_classifier_new(NULL, NULL, NULL);
	struct col_flow f = flow("192.168.1.2", "10.0.0.1", TCP, 50000, 80);

	(void)state;
	assert_non_null(c);
	check(c, &f, COL_CLASS_EXTERNAL, FALSE, FALSE);
	assert_false(col_classifier_is_web_port(c, 80));
	col_classifier_free(c);
	col_classifier_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify_classify_v4_every_class),
		cmocka_unit_test(test_classify_classify_v6_every_class),
		cmocka_unit_test(
		    test_classify_classify_web_port_on_either_side),
		cmocka_unit_test(test_classify_classify_udp_443_is_not_web),
		cmocka_unit_test(test_classify_classify_null_flags_are_allowed),
		cmocka_unit_test(test_classify_class_reverse_maps_each_class),
		cmocka_unit_test(
		    test_classify_class_reverse_matches_swapped_flow),
		cmocka_unit_test(test_classify_class_names),
		cmocka_unit_test(
		    test_classify_classifier_new_bad_prefix_is_named),
		cmocka_unit_test(
		    test_classify_classifier_new_bad_port_is_named),
		cmocka_unit_test(test_classify_classifier_new_port_bounds),
		cmocka_unit_test(test_classify_classifier_new_too_many_items),
		cmocka_unit_test(
		    test_classify_classifier_is_internal_many_prefixes),
		cmocka_unit_test(
		    test_classify_classifier_is_internal_boundaries),
		cmocka_unit_test(test_classify_classifier_new_empty_lists),
		cmocka_unit_test(
		    test_classify_classifier_is_internal_every_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
