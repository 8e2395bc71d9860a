/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-l7name"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "common/l7name.h"

/* Internal "so far so good", outside the public range of results. */
#define L7_OK MF_L7_N_RESULTS

#define TLS_CONTENT_HANDSHAKE 22
#define TLS_HANDSHAKE_CLIENT_HELLO 1
#define TLS_RECORD_MAX 16384 /* 2^14, RFC 8446 5.1 */
#define TLS_EXT_SERVER_NAME 0
#define TLS_SNI_HOST_NAME 0
#define DNS_LABEL_MAX 63

const char *const mf_l7_result_names[MF_L7_N_RESULTS] = {
	[MF_L7_FOUND] = "found",
	[MF_L7_NOT_THIS] = "not-this",
	[MF_L7_NO_NAME] = "no-name",
	[MF_L7_PARTIAL] = "partial",
	[MF_L7_MALFORMED] = "malformed",
	[MF_L7_TOO_LONG] = "too-long",
	[MF_L7_BAD_NAME] = "bad-name",
};

/*
 * A block of a ClientHello as two limits: have counts the bytes of it we
 * hold at p (in this segment and record), want the bytes its length field
 * declares are left (have <= want).  Asking for more than want is
 * MF_L7_MALFORMED; for more than we have, MF_L7_PARTIAL.  The helpers are
 * small enough to inline: a ClientHello has a dozen or more extensions,
 * each read as a type, a length and a skip.
 */
struct hcur {
	const uint8_t *p;
	size_t have, want;
};

static inline void
hcur_init(struct hcur *c, const uint8_t *p, size_t have, size_t want)
{
	c->p = p;
	c->have = MIN(have, want);
	c->want = want;
}

/* Take the next n declared bytes as the block sub (maybe partly had). */
static inline enum mf_l7_result
hcur_sub(struct hcur *c, size_t n, struct hcur *sub)
{
	size_t k;

	if (n > c->want)
		return MF_L7_MALFORMED;
	k = MIN(n, c->have);
	sub->p = c->p;
	sub->have = k;
	sub->want = n;
	c->p += k;
	c->have -= k;
	c->want -= n;
	return L7_OK;
}

/* Read a big-endian number of n (1 .. 3) bytes. */
static inline enum mf_l7_result
hcur_uint(struct hcur *c, size_t n, uint32_t *v)
{
	uint32_t x = 0;
	size_t i;

	if (n > c->want)
		return MF_L7_MALFORMED;
	if (c->have < n)
		return MF_L7_PARTIAL;
	for (i = 0; i < n; i++)
		x = x << 8 | c->p[i];
	*v = x;
	c->p += n;
	c->have -= n;
	c->want -= n;
	return L7_OK;
}

/* A vector: a length of lenlen bytes in min .. max, then that many bytes. */
static enum mf_l7_result
hcur_vec(struct hcur *c, size_t lenlen, uint32_t min, uint32_t max,
    struct hcur *sub)
{
	enum mf_l7_result r;
	uint32_t n;

	if ((r = hcur_uint(c, lenlen, &n)) != L7_OK)
		return r;
	if (n < min || n > max)
		return MF_L7_MALFORMED;
	return hcur_sub(c, n, sub);
}

/*
 * RFC 6066 host_name: LDH labels (and '_', seen in the wild) of 1 .. 63.
 * One table lookup a byte: 1 for a label byte, 2 for the dot, 0 else.
 */
static const uint8_t sni_class[256] = {
	['-'] = 1,
	['.'] = 2,
	['0' ... '9'] = 1,
	['A' ... 'Z'] = 1,
	['_'] = 1,
	['a' ... 'z'] = 1,
};

static enum mf_l7_result
check_sni_name(const uint8_t *p, size_t n)
{
	size_t i, label = 0;

	for (i = 0; i < n; i++) {
		uint8_t c = sni_class[p[i]];

		if (c == 1) {
			if (++label > DNS_LABEL_MAX)
				return MF_L7_BAD_NAME;
		} else if (c == 2 && label != 0) {
			label = 0;
		} else {
			return MF_L7_BAD_NAME;
		}
	}
	return label == 0 ? MF_L7_BAD_NAME : L7_OK;
}

/* HTTP Host value: visible ASCII only (no spaces inside). */
static enum mf_l7_result
check_http_name(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < 0x21 || p[i] > 0x7e)
			return MF_L7_BAD_NAME;
	return L7_OK;
}

/* Check the n bytes at p with check() and copy them into out. */
static enum mf_l7_result
copy_name(const uint8_t *p, size_t n,
    enum mf_l7_result (*check)(const uint8_t *, size_t), char *out,
    size_t out_size)
{
	enum mf_l7_result r;

	if (n > MF_L7_NAME_MAX || out_size == 0 || n > out_size - 1)
		return MF_L7_TOO_LONG;
	if ((r = check(p, n)) != L7_OK)
		return r;
	memcpy(out, p, n);
	out[n] = '\0';
	return MF_L7_FOUND;
}

/* The public functions' last step: out is "" unless a name was found. */
static enum mf_l7_result
finish(enum mf_l7_result r, char *out, size_t out_size)
{
	if (r != MF_L7_FOUND && out_size > 0)
		out[0] = '\0';
	return r;
}

/*
 * The data of a server_name extension (all of it in hand): a list filling
 * it, of (type, host name) entries.  The first host_name entry's outcome
 * counts; the entries after it are still checked for consistency.
 */
static enum mf_l7_result
sni_ext(struct hcur *data, char *out, size_t out_size)
{
	enum mf_l7_result r, name = MF_L7_NO_NAME;
	struct hcur list, entry;
	uint32_t type;

	if ((r = hcur_vec(data, 2, 1, UINT16_MAX, &list)) != L7_OK)
		return r;
	if (data->want != 0)
		return MF_L7_MALFORMED;
	while (list.want > 0) {
		if ((r = hcur_uint(&list, 1, &type)) != L7_OK ||
		    (r = hcur_vec(&list, 2, 1, UINT16_MAX, &entry)) != L7_OK)
			return r;
		if (type == TLS_SNI_HOST_NAME && name == MF_L7_NO_NAME)
			name = copy_name(entry.p, entry.want, check_sni_name,
			    out, out_size);
	}
	return name;
}

/*
 * Walk the extensions.  Running out of bytes after the server_name
 * extension gives its outcome; before it, MF_L7_PARTIAL.
 */
static enum mf_l7_result
hello_extensions(struct hcur *exts, char *out, size_t out_size)
{
	enum mf_l7_result r, name = MF_L7_NO_NAME;
	gboolean seen = FALSE;
	struct hcur data;
	uint32_t type;

	while (exts->want > 0) {
		if ((r = hcur_uint(exts, 2, &type)) != L7_OK ||
		    (r = hcur_vec(exts, 2, 0, UINT16_MAX, &data)) != L7_OK) {
			if (r == MF_L7_PARTIAL && seen)
				return name;
			return r;
		}
		if (type != TLS_EXT_SERVER_NAME)
			continue;
		if (seen)
			return MF_L7_MALFORMED; /* RFC 8446 4.2: once only */
		if (data.have < data.want)
			return MF_L7_PARTIAL;
		seen = TRUE;
		if ((name = sni_ext(&data, out, out_size)) == MF_L7_MALFORMED)
			return name;
	}
	return name;
}

/* The ClientHello body, from legacy_version on (RFC 8446 4.1.2). */
static enum mf_l7_result
client_hello(struct hcur *h, char *out, size_t out_size)
{
	enum mf_l7_result r;
	struct hcur skip, exts;
	uint32_t version;

	if ((r = hcur_uint(h, 2, &version)) != L7_OK)
		return r;
	if (version >> 8 != 3)
		return MF_L7_MALFORMED;
	if ((r = hcur_sub(h, 32, &skip)) != L7_OK ||         /* random */
	    (r = hcur_vec(h, 1, 0, 32, &skip)) != L7_OK ||   /* session */
	    (r = hcur_vec(h, 2, 2, 0xfffe, &skip)) != L7_OK) /* suites */
		return r;
	if (skip.want % 2 != 0)
		return MF_L7_MALFORMED;
	if ((r = hcur_vec(h, 1, 1, UINT8_MAX, &skip)) != L7_OK) /* compr. */
		return r;
	if (h->want == 0)
		return MF_L7_NO_NAME; /* no extensions at all (TLS 1.0) */
	if ((r = hcur_vec(h, 2, 0, UINT16_MAX, &exts)) != L7_OK)
		return r;
	if (h->want != 0)
		return MF_L7_MALFORMED; /* bytes after the extensions */
	return hello_extensions(&exts, out, out_size);
}

/* The record header (RFC 8446 5.1) and the handshake header (4). */
static enum mf_l7_result
tls_sni(const uint8_t *p, size_t len, char *out, size_t out_size)
{
	enum mf_l7_result r;
	struct hcur rec, hello;
	uint32_t type, hs_len;
	size_t rec_len;

	if (len < 1 || p[0] != TLS_CONTENT_HANDSHAKE)
		return MF_L7_NOT_THIS;
	if (len < 2 || p[1] != 3)
		return len < 2 ? MF_L7_PARTIAL : MF_L7_NOT_THIS;
	if (len < 3 || p[2] > 4)
		return len < 3 ? MF_L7_PARTIAL : MF_L7_NOT_THIS;
	if (len < 5)
		return MF_L7_PARTIAL;
	rec_len = (size_t)p[3] << 8 | p[4];
	if (rec_len == 0 || rec_len > TLS_RECORD_MAX)
		return MF_L7_MALFORMED;
	hcur_init(&rec, p + 5, len - 5, rec_len);
	if ((r = hcur_uint(&rec, 1, &type)) != L7_OK)
		return r;
	if (type != TLS_HANDSHAKE_CLIENT_HELLO)
		return MF_L7_NOT_THIS;
	if ((r = hcur_uint(&rec, 3, &hs_len)) != L7_OK)
		return r;
	/* The hello may go on past this record: hs_len need not fit. */
	hcur_init(&hello, rec.p, rec.have, hs_len);
	return client_hello(&hello, out, out_size);
}

enum mf_l7_result
mf_l7_tls_sni(const uint8_t *p, size_t len, char *out, size_t out_size)
{
	return finish(tls_sni(p, len, out, out_size), out, out_size);
}

/*
 * Match the literal lit at p (len bytes): L7_OK, MF_L7_PARTIAL if p is a
 * proper prefix of it, else MF_L7_NOT_THIS.
 */
static enum mf_l7_result
match(const uint8_t *p, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	if (memcmp(p, lit, MIN(len, n)) != 0)
		return MF_L7_NOT_THIS;
	return len < n ? MF_L7_PARTIAL : L7_OK;
}

/* The method and its space; *pos is set past them. */
static enum mf_l7_result
http_method(const uint8_t *p, size_t len, size_t *pos)
{
	static const char *const methods[] = { "GET ", "POST ", "HEAD ", "PUT ",
		"DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE " };
	enum mf_l7_result r, best = MF_L7_NOT_THIS;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(methods); i++) {
		if ((r = match(p, len, methods[i])) == L7_OK) {
			*pos = strlen(methods[i]);
			return L7_OK;
		}
		if (r == MF_L7_PARTIAL)
			best = r;
	}
	return best;
}

/* A line end (CRLF or LF) at *pos; *pos is set past it. */
static enum mf_l7_result
http_eol(const uint8_t *p, size_t len, size_t *pos)
{
	size_t i = *pos;

	if (i < len && p[i] == '\r')
		i++;
	if (i == len)
		return MF_L7_PARTIAL;
	if (p[i] != '\n')
		return MF_L7_NOT_THIS;
	*pos = i + 1;
	return L7_OK;
}

/* "METHOD SP target SP HTTP/1.d" and its line end; *pos past it. */
static enum mf_l7_result
http_request_line(const uint8_t *p, size_t len, size_t *pos)
{
	enum mf_l7_result r;
	size_t i, start;

	if ((r = http_method(p, len, &start)) != L7_OK)
		return r;
	for (i = start; i < len && p[i] != ' '; i++)
		if (p[i] < 0x21 || p[i] > 0x7e)
			return MF_L7_NOT_THIS;
	if (i == len)
		return MF_L7_PARTIAL;
	if (i == start)
		return MF_L7_NOT_THIS; /* empty target */
	i++;
	if ((r = match(p + i, len - i, "HTTP/1.")) != L7_OK)
		return r;
	i += strlen("HTTP/1.");
	if (i == len)
		return MF_L7_PARTIAL;
	if (!g_ascii_isdigit(p[i]))
		return MF_L7_NOT_THIS;
	i++;
	if ((r = http_eol(p, len, &i)) != L7_OK)
		return r;
	*pos = i;
	return L7_OK;
}

/* RFC 9110 5.6.2 tchar. */
static gboolean
is_tchar(uint8_t c)
{
	return g_ascii_isalnum(c) || (c != 0 && strchr("!#$%&'*+-.^_`|~", c));
}

/*
 * One header line without its line end (n >= 1 bytes): L7_OK to go on,
 * or the outcome of a Host header.
 */
static enum mf_l7_result
http_header(const uint8_t *p, size_t n, char *out, size_t out_size)
{
	size_t i, end;

	if (p[0] == ' ' || p[0] == '\t')
		return L7_OK; /* obsolete line folding: not a new header */
	for (i = 0; i < n && is_tchar(p[i]); i++)
		;
	if (i == 0 || i == n || p[i] != ':')
		return MF_L7_MALFORMED;
	if (i != 4 || g_ascii_strncasecmp((const char *)p, "host", 4) != 0)
		return L7_OK;
	for (i++; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
		;
	for (end = n; end > i && (p[end - 1] == ' ' || p[end - 1] == '\t');
	     end--)
		;
	if (end == i)
		return MF_L7_NO_NAME;
	return copy_name(p + i, end - i, check_http_name, out, out_size);
}

static enum mf_l7_result
http_host(const uint8_t *p, size_t len, char *out, size_t out_size)
{
	enum mf_l7_result r;
	const uint8_t *lf;
	size_t pos, end;

	if (len == 0)
		return MF_L7_NOT_THIS;
	if ((r = http_request_line(p, len, &pos)) != L7_OK)
		return r;
	while (pos < len) {
		if ((lf = memchr(p + pos, '\n', len - pos)) == NULL)
			return MF_L7_PARTIAL;
		end = (size_t)(lf - p);
		if (end > pos && p[end - 1] == '\r')
			end--;
		if (end == pos)
			return MF_L7_NO_NAME; /* the empty line: headers end */
		if ((r = http_header(p + pos, end - pos, out, out_size)) !=
		    L7_OK)
			return r;
		pos = (size_t)(lf - p) + 1;
	}
	return MF_L7_PARTIAL;
}

enum mf_l7_result
mf_l7_http_host(const uint8_t *p, size_t len, char *out, size_t out_size)
{
	return finish(http_host(p, len, out, out_size), out, out_size);
}
