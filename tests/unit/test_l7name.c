/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-test-l7name"

/*
 * l7name: TLS ClientHellos built here field by field (each length field's
 * offset recorded, so every one can be broken in turn) and HTTP requests.
 * Every parse runs on an exactly sized heap copy, so a read past the end
 * is caught under AddressSanitizer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "common/l7name.h"
#include "tests/unit/hello.h"

#define L10 "abcdefghij"
#define L63 L10 L10 L10 L10 L10 L10 "abc" /* the longest label */
#define REQ "GET / HTTP/1.1\r\n"

/* Parse len bytes of data from an exact heap copy; out gets the name. */
static enum mf_l7_result
run(enum mf_l7_result (*fn)(const uint8_t *, size_t, char *, size_t),
    const void *data, size_t len, char *out, size_t out_size)
{
	uint8_t *copy = len > 0 ? g_memdup2(data, len) : NULL;
	enum mf_l7_result r;

	if (out_size > 0)
		memset(out, 'x', out_size);
	r = fn(copy, len, out, out_size);
	g_free(copy);
	if (out_size > 0)
		assert_non_null(memchr(out, '\0', out_size));
	if (r != MF_L7_FOUND && out_size > 0)
		assert_int_equal(out[0], '\0');
	return r;
}

static enum mf_l7_result
sni(const void *data, size_t len, char *out)
{
	return run(mf_l7_tls_sni, data, len, out, MF_L7_NAME_MAX + 1);
}

static enum mf_l7_result
host(const char *req, char *out)
{
	return run(mf_l7_http_host, req, strlen(req), out, MF_L7_NAME_MAX + 1);
}

static void
test_l7_result_names_are_all_set(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < MF_L7_N_RESULTS; i++)
		assert_non_null(mf_l7_result_names[i]);
	assert_string_equal(mf_l7_result_names[MF_L7_FOUND], "found");
	assert_string_equal(mf_l7_result_names[MF_L7_BAD_NAME], "bad-name");
}

/* Whole hellos of several shapes (name, tls13, grease, sni_last). */
static const struct hello_opts shapes[] = {
	{ "www.example.com", FALSE, FALSE, FALSE },
	{ "a-b_c.Example.ORG", TRUE, TRUE, FALSE },
	{ "last.example", TRUE, TRUE, TRUE },
	{ "z", TRUE, FALSE, TRUE },
	{ NULL, TRUE, TRUE, FALSE },
	{ NULL, FALSE, FALSE, FALSE },
};

static void
test_l7_tls_sni_whole_hellos(void **state)
{
	struct hello h;
	char out[256];
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(shapes); i++) {
		hello_build(&h, &shapes[i]);
		if (shapes[i].name == NULL) {
			assert_int_equal(sni(h.b, h.wb.len, out),
			    MF_L7_NO_NAME);
			continue;
		}
		if (shapes[i].sni_last)
			assert_int_equal(h.sni_end, h.wb.len);
		assert_int_equal(sni(h.b, h.wb.len, out), MF_L7_FOUND);
		assert_string_equal(out, shapes[i].name);
	}
}

/* TLS 1.0 without any extensions: 5 + 4 + 2 + 32 + 1 + 4 + 2 bytes. */
static void
test_l7_tls_sni_no_extensions_is_no_name(void **state)
{
	uint8_t m[52] = { 22, 3, 1, 0, 45, 1, 0, 0, 41, 3, 1, [43] = 0, 0, 2, 0,
		0x2f, 1, 0 };
	char out[256];

	(void)state;
	assert_int_equal(sni(m, 50, out), MF_L7_NO_NAME);
	m[4] = 47; /* the same with an empty extensions block */
	m[8] = 43;
	assert_int_equal(sni(m, 52, out), MF_L7_NO_NAME);
}

/*
 * Cut at every byte: PARTIAL until the server_name extension is whole,
 * then the name; without one, PARTIAL until the last extension's header
 * is whole, then NO_NAME.
 */
static void
test_l7_tls_sni_truncated_at_every_byte(void **state)
{
	struct hello h;
	char out[256];
	size_t i, cut, end;
	enum mf_l7_result r;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(shapes); i++) {
		hello_build(&h, &shapes[i]);
		end = shapes[i].name != NULL ? h.sni_end : h.last_data;
		assert_int_equal(sni(h.b, 0, out), MF_L7_NOT_THIS);
		for (cut = 1; cut <= h.wb.len; cut++) {
			r = sni(h.b, cut, out);
			if (cut < end)
				assert_int_equal(r, MF_L7_PARTIAL);
			else if (shapes[i].name == NULL)
				assert_int_equal(r, MF_L7_NO_NAME);
			else
				assert_string_equal(out, shapes[i].name);
		}
	}
}

/* A long hello whose SNI is beyond the first segment. */
static void
test_l7_tls_sni_beyond_segment_is_partial(void **state)
{
	struct hello_opts o = { .name = "far.example",
		.tls13 = TRUE,
		.grease = TRUE,
		.sni_last = TRUE };
	struct hello h;
	char out[256];

	(void)state;
	hello_build(&h, &o);
	assert_int_equal(sni(h.b, 100, out), MF_L7_PARTIAL);
	assert_int_equal(sni(h.b, h.sni_end - 1, out), MF_L7_PARTIAL);
	assert_int_equal(sni(h.b, h.sni_end, out), MF_L7_FOUND);
	assert_string_equal(out, "far.example");
}

/*
 * The hello split over two records in one segment: only the first record
 * is read, so a name in it is found and one beyond it is PARTIAL.
 */
static void
test_l7_tls_sni_hello_over_two_records(void **state)
{
	struct hello_opts o = { .name = "two.example", .tls13 = TRUE };
	struct hello h;
	uint8_t seg[HELLO_CAP + 5];
	size_t first, body = 0;
	char out[256];

	(void)state;
	hello_build(&h, &o);
	body = h.wb.len - 5;
	for (first = 4; first < body; first += 7) {
		memcpy(seg, h.b, 5 + first);
		seg[3] = (uint8_t)(first >> 8);
		seg[4] = (uint8_t)first;
		seg[5 + first] = 22;
		seg[6 + first] = 3;
		seg[7 + first] = 3;
		seg[8 + first] = (uint8_t)((body - first) >> 8);
		seg[9 + first] = (uint8_t)(body - first);
		memcpy(seg + 10 + first, h.b + 5 + first, body - first);
		assert_int_equal(sni(seg, h.wb.len + 5, out),
		    5 + first >= h.sni_end ? MF_L7_FOUND : MF_L7_PARTIAL);
	}
}

/*
 * Every length field the parser reads, one too large and one too small:
 * MALFORMED, except the record length (field 0), which only moves where
 * the record ends: longer is a record cut by the segment (the hello is
 * whole: FOUND), shorter cuts the hello's last byte off (FOUND when the
 * SNI came earlier, PARTIAL when it is the last extension).
 */
static void
check_every_length(const struct hello_opts *o)
{
	uint8_t copy[HELLO_CAP];
	struct hello h;
	char out[256];
	size_t i;
	int d;

	hello_build(&h, o);
	for (i = 0; i < h.n_lens; i++) {
		for (d = -1; d <= 1; d += 2) {
			enum mf_l7_result want = MF_L7_MALFORMED;

			memcpy(copy, h.b, h.wb.len);
			hello_nudge(copy, h.len_off[i], h.len_size[i], d);
			if (i == HELLO_RECORD_LEN)
				want = d > 0 || !o->sni_last ? MF_L7_FOUND
				                             : MF_L7_PARTIAL;
			assert_int_equal(sni(copy, h.wb.len, out), want);
		}
	}
}

static void
test_l7_tls_sni_bad_lengths_are_malformed(void **state)
{
	struct hello_opts o = { .name = "len.example",
		.tls13 = TRUE,
		.grease = TRUE };
	struct hello_opts last = { .name = "len.example", .sni_last = TRUE };

	(void)state;
	check_every_length(&o);
	check_every_length(&last);
}

/* Record and handshake headers: not a hello, or a bad record length. */
static void
test_l7_tls_sni_record_header(void **state)
{
	static const struct {
		uint8_t b[9];
		size_t len;
		enum mf_l7_result want;
	} t[] = {
		{ { 22, 3, 3, 0, 4, 2, 0, 0, 0 }, 9, MF_L7_NOT_THIS }, /* SH */
		{ { 23, 3, 3, 0, 1, 0 }, 6, MF_L7_NOT_THIS },   /* app data */
		{ { 0x80, 0x2e, 1, 3, 1 }, 5, MF_L7_NOT_THIS }, /* SSLv2 */
		{ { 22, 2, 0, 0, 4, 1, 0, 0, 0 }, 9, MF_L7_NOT_THIS },
		{ { 22, 3, 5, 0, 4, 1, 0, 0, 0 }, 9, MF_L7_NOT_THIS },
		{ { 'G', 'E', 'T', ' ', '/' }, 5, MF_L7_NOT_THIS },
		{ { 22, 3, 5 }, 2, MF_L7_PARTIAL },
		{ { 22, 3, 1, 0, 0, 1, 0, 0, 0 }, 9, MF_L7_MALFORMED },
		{ { 22, 3, 1, 0x40, 1, 1, 0, 0, 0 }, 9, MF_L7_MALFORMED },
		{ { 22, 3, 1, 0, 3, 1, 0, 0, 0 }, 9, MF_L7_MALFORMED },
		{ { 22, 3, 1, 0x40, 0, 1, 0, 0, 0 }, 9, MF_L7_MALFORMED },
		{ { 22, 3, 1, 0x40, 0, 1, 0, 0, 0 }, 8, MF_L7_PARTIAL },
	};
	struct hello_opts o = { "sni.example", FALSE, FALSE, FALSE };
	struct hello h;
	char out[256];
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(t); i++)
		assert_int_equal(sni(t[i].b, t[i].len, out), t[i].want);
	/* 2^14 is the longest record read. */
	hello_build(&h, &o);
	h.b[3] = 0x40;
	h.b[4] = 0;
	assert_int_equal(sni(h.b, h.wb.len, out), MF_L7_FOUND);
	h.b[4] = 1;
	assert_int_equal(sni(h.b, h.wb.len, out), MF_L7_MALFORMED);
}

/* A name of n bytes: labels of 63 'a's (and a shorter last) by dots. */
static void
make_name(char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = (i % 64 == 63) ? '.' : 'a';
	buf[n] = '\0';
}

static void
test_l7_tls_sni_name_length_limits(void **state)
{
	static const struct {
		size_t len, out_size;
		enum mf_l7_result want;
	} t[] = {
		{ 255, 256, MF_L7_FOUND },
		{ 255, 255, MF_L7_TOO_LONG },
		{ 255, 1, MF_L7_TOO_LONG },
		{ 256, 300, MF_L7_TOO_LONG },
		{ 10, 11, MF_L7_FOUND },
		{ 10, 10, MF_L7_TOO_LONG },
	};
	char name[300], out[300];
	struct hello_opts o = { name, FALSE, FALSE, FALSE };
	struct hello h;
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(t); i++) {
		make_name(name, t[i].len);
		hello_build(&h, &o);
		assert_int_equal(run(mf_l7_tls_sni, h.b, h.wb.len, out,
		                     t[i].out_size),
		    t[i].want);
		if (t[i].want == MF_L7_FOUND)
			assert_string_equal(out, name);
	}
	assert_int_equal(mf_l7_tls_sni(h.b, h.wb.len, NULL, 0), MF_L7_TOO_LONG);
}

static void
test_l7_tls_sni_name_rules(void **state)
{
	static const struct {
		const char *name;
		enum mf_l7_result want;
	} t[] = {
		{ "example.com.", MF_L7_BAD_NAME },
		{ ".example", MF_L7_BAD_NAME },
		{ "a..b", MF_L7_BAD_NAME },
		{ "exa mple.com", MF_L7_BAD_NAME },
		{ "ex\xc3\xa9.com", MF_L7_BAD_NAME },
		{ "a/b", MF_L7_BAD_NAME },
		{ "a:443", MF_L7_BAD_NAME },
		{ ".", MF_L7_BAD_NAME },
		{ "a\x7f", MF_L7_BAD_NAME },
		{ "a", MF_L7_FOUND },
		{ "1.2.3.4", MF_L7_FOUND },
		{ "xn--bcher-kva.ch", MF_L7_FOUND },
		{ "_dmarc.example", MF_L7_FOUND },
		{ "A-1.B-2", MF_L7_FOUND },
		{ L63 ".x", MF_L7_FOUND },
		{ "x." L63 "d", MF_L7_BAD_NAME },
	};
	struct hello_opts o = { NULL, FALSE, FALSE, FALSE };
	struct hello h;
	char out[256];
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(t); i++) {
		o.name = t[i].name;
		hello_build(&h, &o);
		assert_int_equal(sni(h.b, h.wb.len, out), t[i].want);
		if (t[i].want == MF_L7_FOUND)
			assert_string_equal(out, t[i].name);
	}
}

/* Lengths that fit but break a rule of their own, and entry types. */
static void
test_l7_tls_sni_inner_rules(void **state)
{
	static const uint8_t zeros[33] = { 0 };
	struct hello_opts o = { "sni.example", FALSE, FALSE, FALSE };
	struct hello h;
	uint8_t ext[64];
	char out[256];
	size_t at;

	(void)state;
	hello_build(&h, &o); /* entry type 1, not host_name: no name */
	h.b[h.len_off[h.sni_field + 2] - 1] = 1;
	assert_int_equal(sni(h.b, h.wb.len, out), MF_L7_NO_NAME);
	hello_build(&h, &o); /* empty server_name (what servers send) */
	at = h.len_off[h.sni_field] + 2;
	hello_splice(&h, at, h.sni_end - at, NULL, 0, TRUE, h.sni_field);
	assert_int_equal(sni(h.b, h.wb.len, out), MF_L7_MALFORMED);
	hello_build(&h, &o); /* server_name twice */
	at = h.len_off[h.sni_field] - 2;
	memcpy(ext, h.b + at, h.sni_end - at);
	hello_splice(&h, h.wb.len, 0, ext, h.sni_end - at, TRUE, 0);
	assert_int_equal(sni(h.b, h.wb.len, out), MF_L7_MALFORMED);
	hello_build(&h, &o); /* a byte after the list, inside the extension */
	hello_splice(&h, h.sni_end, 0, zeros, 1, TRUE, h.sni_field);
	assert_int_equal(sni(h.b, h.wb.len, out), MF_L7_MALFORMED);
	hello_build(&h, &o); /* an odd cipher suites length (3) */
	hello_splice(&h, h.len_off[HELLO_SUITES_LEN] + 2, 0, zeros, 1, FALSE,
	    HELLO_SUITES_LEN);
	assert_int_equal(sni(h.b, h.wb.len, out), MF_L7_MALFORMED);
	hello_build(&h, &o); /* a 33-byte session id */
	hello_splice(&h, h.len_off[HELLO_SESSION_LEN] + 1, 0, zeros, 33, FALSE,
	    HELLO_SESSION_LEN);
	assert_int_equal(sni(h.b, h.wb.len, out), MF_L7_MALFORMED);
	hello_build(&h, &o); /* no compression method at all */
	hello_splice(&h, h.len_off[HELLO_COMPRESSION_LEN] + 1, 1, NULL, 0,
	    FALSE, HELLO_COMPRESSION_LEN);
	assert_int_equal(sni(h.b, h.wb.len, out), MF_L7_MALFORMED);
	hello_build(&h, &o); /* legacy_version 2.0 */
	h.b[9] = 2;
	assert_int_equal(sni(h.b, h.wb.len, out), MF_L7_MALFORMED);
}

static void
test_l7_tls_sni_garbage_is_not_this(void **state)
{
	uint8_t junk[512];
	char out[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 131 + 7);
	assert_int_equal(sni(junk, sizeof(junk), out), MF_L7_NOT_THIS);
	assert_int_equal(sni(NULL, 0, out), MF_L7_NOT_THIS);
}

struct http_case {
	const char *req;
	enum mf_l7_result want;
	const char *name;
};

static void
check_hosts(const struct http_case *t, size_t n)
{
	char out[256];
	size_t i;

	for (i = 0; i < n; i++) {
		assert_int_equal(host(t[i].req, out), t[i].want);
		if (t[i].want == MF_L7_FOUND)
			assert_string_equal(out, t[i].name);
	}
}

static void
test_l7_http_host_found(void **state)
{
	static const struct http_case t[] = {
		{ REQ "Host: www.espn.com\r\nAccept: */*\r\n\r\n", MF_L7_FOUND,
		    "www.espn.com" },
		{ "POST /x?y=1 HTTP/1.0\r\nUser-Agent: t\r\nAccept: */*\r\n"
		  "Host: last.example\r\n\r\nbody",
		    MF_L7_FOUND, "last.example" },
		{ "HEAD / HTTP/1.1\r\nhOsT: Mixed.Example\r\n\r\n", MF_L7_FOUND,
		    "Mixed.Example" },
		{ REQ "Host:nospace.example\r\n\r\n", MF_L7_FOUND,
		    "nospace.example" },
		{ "OPTIONS * HTTP/1.1\nHost: lf.example\n\n", MF_L7_FOUND,
		    "lf.example" },
		{ REQ "X-Host: no\r\nHosts: no\r\nHost: yes\r\n\r\n",
		    MF_L7_FOUND, "yes" },
		{ REQ "Host: first\r\nHost: second\r\n\r\n", MF_L7_FOUND,
		    "first" },
		{ REQ "Host: example.com:8080\r\n\r\n", MF_L7_FOUND,
		    "example.com:8080" },
		{ REQ "Host: [2001:db8::1]:80\r\n\r\n", MF_L7_FOUND,
		    "[2001:db8::1]:80" },
		{ REQ "Host: \t ws.example \t\r\n\r\n", MF_L7_FOUND,
		    "ws.example" },
		/* A folded continuation line is skipped, not a header. */
		{ REQ "X-A: 1\r\n Host: no\r\nHost: yes\r\n\r\n", MF_L7_FOUND,
		    "yes" },
	};

	(void)state;
	check_hosts(t, G_N_ELEMENTS(t));
}

static void
test_l7_http_host_bad_missing_or_cut(void **state)
{
	static const struct http_case t[] = {
		{ REQ "Host: a b\r\n\r\n", MF_L7_BAD_NAME, NULL },
		{ REQ "Host: caf\xc3\xa9\r\n\r\n", MF_L7_BAD_NAME, NULL },
		{ REQ "Host: a\x01\r\n\r\n", MF_L7_BAD_NAME, NULL },
		{ REQ "Host: \r\n\r\n", MF_L7_NO_NAME, NULL },
		{ REQ "Host:\r\n\r\n", MF_L7_NO_NAME, NULL },
		{ REQ "Accept: */*\r\n\r\nHost: body\r\n", MF_L7_NO_NAME,
		    NULL },
		{ REQ "\r\n", MF_L7_NO_NAME, NULL },
		{ REQ "Accept: */*\r\n", MF_L7_PARTIAL, NULL },
		{ REQ "Accept: */*\r\nHo", MF_L7_PARTIAL, NULL },
		{ REQ "Host: cut.exam", MF_L7_PARTIAL, NULL },
		{ REQ "Host: cut.example\r", MF_L7_PARTIAL, NULL },
		{ REQ, MF_L7_PARTIAL, NULL },
		{ "GET / HTTP/1.1", MF_L7_PARTIAL, NULL },
		{ "GET /very/long/tar", MF_L7_PARTIAL, NULL },
		{ "DEL", MF_L7_PARTIAL, NULL },
		{ "P", MF_L7_PARTIAL, NULL },
		{ REQ "no colon here\r\nHost: x\r\n\r\n", MF_L7_MALFORMED,
		    NULL },
		{ REQ "Host : x\r\n\r\n", MF_L7_MALFORMED, NULL },
		{ REQ ": x\r\n\r\n", MF_L7_MALFORMED, NULL },
		{ REQ "A\x80: x\r\nHost: y\r\n\r\n", MF_L7_MALFORMED, NULL },
	};

	(void)state;
	check_hosts(t, G_N_ELEMENTS(t));
}

/* Every cut of a request: PARTIAL until the Host line is whole. */
static void
test_l7_http_host_truncated_at_every_byte(void **state)
{
	static const char req[] = "GET /index.html HTTP/1.1\r\n"
	                          "User-Agent: curl/8\r\n"
	                          "Host: every.example:81\r\n"
	                          "Accept: */*\r\n\r\n";
	size_t cut, host_end = (size_t)(strstr(req, ":81\r\n") - req) + 5;
	char out[256];

	(void)state;
	assert_int_equal(run(mf_l7_http_host, req, 0, out, 256),
	    MF_L7_NOT_THIS);
	for (cut = 1; cut <= strlen(req); cut++) {
		enum mf_l7_result r =
		    run(mf_l7_http_host, req, cut, out, sizeof(out));

		assert_int_equal(r,
		    cut < host_end ? MF_L7_PARTIAL : MF_L7_FOUND);
		if (r == MF_L7_FOUND)
			assert_string_equal(out, "every.example:81");
	}
}

static void
test_l7_http_host_not_http(void **state)
{
	static const uint8_t binary[] = { 'G', 'E', 'T', ' ', '/', 0, ' ' };
	static const struct http_case t[] = {
		{ "get / HTTP/1.1\r\nHost: x\r\n\r\n", MF_L7_NOT_THIS, NULL },
		{ "GETS / HTTP/1.1\r\n", MF_L7_NOT_THIS, NULL },
		{ "GET  / HTTP/1.1\r\n", MF_L7_NOT_THIS, NULL },
		{ "GET / HTTP/2.0\r\n", MF_L7_NOT_THIS, NULL },
		{ "GET / HTTP/1.x\r\n", MF_L7_NOT_THIS, NULL },
		{ "GET / HTTP/1.1 \r\n", MF_L7_NOT_THIS, NULL },
		{ "GET /\r\n", MF_L7_NOT_THIS, NULL },
		{ "HTTP/1.1 200 OK\r\nHost: x\r\n\r\n", MF_L7_NOT_THIS, NULL },
		{ "SSH-2.0-OpenSSH_9.2\r\n", MF_L7_NOT_THIS, NULL },
		{ "\x16\x03\x01", MF_L7_NOT_THIS, NULL },
	};

	(void)state;
	check_hosts(t, G_N_ELEMENTS(t));
	assert_int_equal(run(mf_l7_http_host, binary, sizeof(binary), NULL, 0),
	    MF_L7_NOT_THIS);
	assert_int_equal(mf_l7_http_host(NULL, 0, NULL, 0), MF_L7_NOT_THIS);
}

static void
test_l7_http_host_every_method(void **state)
{
	static const char *const m[] = { "GET", "POST", "HEAD", "PUT", "DELETE",
		"OPTIONS", "PATCH", "CONNECT", "TRACE" };
	char req[128], out[256];
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(m); i++) {
		g_snprintf(req, sizeof(req),
		    "%s x HTTP/1.1\r\nHost: m%zu\r\n\r\n", m[i], i);
		assert_int_equal(host(req, out), MF_L7_FOUND);
		assert_int_equal(out[0], 'm');
		assert_int_equal(out[1], (char)('0' + i));
	}
}

static void
test_l7_http_host_length_limits(void **state)
{
	char name[300], req[400], out[300];

	(void)state;
	memset(name, 'h', 255);
	name[255] = '\0';
	g_snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: %s\r\n\r\n",
	    name);
	assert_int_equal(run(mf_l7_http_host, req, strlen(req), out, 256),
	    MF_L7_FOUND);
	assert_string_equal(out, name);
	assert_int_equal(run(mf_l7_http_host, req, strlen(req), out, 255),
	    MF_L7_TOO_LONG);
	strcat(name, "h");
	g_snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: %s\r\n\r\n",
	    name);
	assert_int_equal(run(mf_l7_http_host, req, strlen(req), out, 300),
	    MF_L7_TOO_LONG);
}

static void
test_l7_http_host_binary_garbage(void **state)
{
	uint8_t junk[1024];
	char out[256];
	size_t i;
	guint32 x = 12345;

	(void)state;
	for (i = 0; i < sizeof(junk); i++) {
		x = x * 1103515245u + 12345u;
		junk[i] = (uint8_t)(x >> 16);
	}
	junk[0] = 0xff;
	assert_int_equal(run(mf_l7_http_host, junk, sizeof(junk), out, 256),
	    MF_L7_NOT_THIS);
	/* A real request line followed by binary bytes without a newline. */
	memcpy(junk, "PUT /u HTTP/1.1\r\n", 17);
	for (i = 17; i < sizeof(junk); i++)
		if (junk[i] == '\n')
			junk[i] = 0;
	assert_int_equal(run(mf_l7_http_host, junk, sizeof(junk), out, 256),
	    MF_L7_PARTIAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_l7_result_names_are_all_set),
		cmocka_unit_test(test_l7_tls_sni_whole_hellos),
		cmocka_unit_test(test_l7_tls_sni_no_extensions_is_no_name),
		cmocka_unit_test(test_l7_tls_sni_truncated_at_every_byte),
		cmocka_unit_test(test_l7_tls_sni_beyond_segment_is_partial),
		cmocka_unit_test(test_l7_tls_sni_hello_over_two_records),
		cmocka_unit_test(test_l7_tls_sni_bad_lengths_are_malformed),
		cmocka_unit_test(test_l7_tls_sni_record_header),
		cmocka_unit_test(test_l7_tls_sni_name_length_limits),
		cmocka_unit_test(test_l7_tls_sni_name_rules),
		cmocka_unit_test(test_l7_tls_sni_inner_rules),
		cmocka_unit_test(test_l7_tls_sni_garbage_is_not_this),
		cmocka_unit_test(test_l7_http_host_found),
		cmocka_unit_test(test_l7_http_host_bad_missing_or_cut),
		cmocka_unit_test(test_l7_http_host_truncated_at_every_byte),
		cmocka_unit_test(test_l7_http_host_not_http),
		cmocka_unit_test(test_l7_http_host_every_method),
		cmocka_unit_test(test_l7_http_host_length_limits),
		cmocka_unit_test(test_l7_http_host_binary_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
