/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-test-dns"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "common/dns.h"
#include "tests/unit/dnsbuild.h"

/*
 * Golden answers, laid out as a recursive resolver (Unbound, BIND) writes
 * them: the question name written once, later names compressed against it.
 */

/* www.github.com A: CNAME github.com, A 140.82.121.4, OPT. */
static const uint8_t golden_cname_a[] = { 0x8f, 0x1e, 0x81,
	0x80, /* id, QR RD RA, NOERROR */
	0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01,
	/* 12: question www.github.com ("github" at 16) A IN */
	3, 'w', 'w', 'w', 6, 'g', 'i', 't', 'h', 'u', 'b', 3, 'c', 'o', 'm', 0,
	0x00, 0x01, 0x00, 0x01,
	/* 32: www.github.com CNAME 3600 -> ptr 16 (rdata at 44) */
	0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x02,
	0xc0, 0x10,
	/* 46: ptr 44 (github.com) A 60 140.82.121.4 */
	0xc0, 0x2c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x04,
	0x8c, 0x52, 0x79, 0x04,
	/* 62: OPT, UDP 1232 */
	0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };

/* en.wikipedia.org AAAA: CNAME dyna.wikimedia.org, AAAA, OPT with DO. */
static const uint8_t golden_cname_aaaa[] = { 0x4a, 0x6b, 0x81,
	0x80, /* id, QR RD RA, NOERROR */
	0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01,
	/* 12: question en.wikipedia.org ("org" at 25) AAAA IN */
	2, 'e', 'n', 9, 'w', 'i', 'k', 'i', 'p', 'e', 'd', 'i', 'a', 3, 'o',
	'r', 'g', 0, 0x00, 0x1c, 0x00, 0x01,
	/* 34: en.wikipedia.org CNAME 86400 dyna.wikimedia + ptr 25 */
	0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x01, 0x51, 0x80, 0x00, 0x11,
	4, 'd', 'y', 'n', 'a', 9, 'w', 'i', 'k', 'i', 'm', 'e', 'd', 'i', 'a',
	0xc0, 0x19,
	/* 63: ptr 46 AAAA 600 2a02:ec80:300:ed1a::1 */
	0xc0, 0x2e, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x02, 0x58, 0x00, 0x10,
	0x2a, 0x02, 0xec, 0x80, 0x03, 0x00, 0xed, 0x1a, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01,
	/* 91: OPT, UDP 512, DO */
	0x00, 0x00, 0x29, 0x02, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00 };

/* nosuchhost.example.com A: NXDOMAIN, SOA in authority, OPT. */
static const uint8_t golden_nxdomain[] = { 0x05, 0x39, 0x81,
	0x83, /* id, QR RD RA, NXDOMAIN */
	0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01,
	/* 12: question ("example" at 23) A IN */
	10, 'n', 'o', 's', 'u', 'c', 'h', 'h', 'o', 's', 't', 7, 'e', 'x', 'a',
	'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0x00, 0x01, 0x00, 0x01,
	/* 40: ptr 23 SOA 3600, rdlength 38 */
	0xc0, 0x17, 0x00, 0x06, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x26,
	2, 'n', 's', 0xc0, 0x17, 10, 'h', 'o', 's', 't', 'm', 'a', 's', 't',
	'e', 'r', 0xc0, 0x17, 0x78, 0xa5, 0xb2, 0xc1, 0x00, 0x00, 0x1c, 0x20,
	0x00, 0x00, 0x0e, 0x10, 0x00, 0x12, 0x75, 0x00, 0x00, 0x00, 0x0e, 0x10,
	/* 90: OPT, UDP 1232 */
	0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };

G_STATIC_ASSERT(sizeof(golden_cname_a) == 73);
G_STATIC_ASSERT(sizeof(golden_cname_aaaa) == 102);
G_STATIC_ASSERT(sizeof(golden_nxdomain) == 101);

const struct db_golden db_goldens[] = {
	{ "cname_a", golden_cname_a, sizeof(golden_cname_a) },
	{ "cname_aaaa", golden_cname_aaaa, sizeof(golden_cname_aaaa) },
	{ "nxdomain", golden_nxdomain, sizeof(golden_nxdomain) },
};
const size_t db_n_goldens = G_N_ELEMENTS(db_goldens);

void
db_bytes(struct db *m, const void *p, size_t n)
{
	assert_true(n <= DB_CAP - m->len);
	memcpy(m->b + m->len, p, n);
	m->len += n;
}

void
db_u8(struct db *m, uint8_t v)
{
	db_bytes(m, &v, 1);
}

void
db_u16(struct db *m, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	db_bytes(m, b, sizeof(b));
}

void
db_u32(struct db *m, uint32_t v)
{
	db_u16(m, (uint16_t)(v >> 16));
	db_u16(m, (uint16_t)v);
}

void
db_patch16(struct db *m, size_t off, uint16_t v)
{
	assert_true(off + 2 <= m->len);
	m->b[off] = (uint8_t)(v >> 8);
	m->b[off + 1] = (uint8_t)v;
}

void
db_header(struct db *m, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns,
    uint16_t ar)
{
	m->len = 0;
	db_u16(m, 0x1234);
	db_u16(m, flags);
	db_u16(m, qd);
	db_u16(m, an);
	db_u16(m, ns);
	db_u16(m, ar);
}

size_t
db_name(struct db *m, const char *dotted, int ptr)
{
	size_t start = m->len;
	const char *p = dotted, *dot;
	size_t n;

	while (*p != '\0') {
		dot = strchr(p, '.');
		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		db_u8(m, (uint8_t)n);
		db_bytes(m, p, n);
		p += n;
		if (*p == '.')
			p++;
	}
	if (ptr == DB_NO_PTR)
		db_u8(m, 0);
	else
		db_u16(m, (uint16_t)(0xc000 | ptr));
	return start;
}

void
db_question(struct db *m, const char *dotted, uint16_t qtype)
{
	db_name(m, dotted, DB_NO_PTR);
	db_u16(m, qtype);
	db_u16(m, MF_DNS_CLASS_IN);
}

size_t
db_rr(struct db *m, const char *owner, int ptr, uint16_t type, uint32_t ttl,
    uint16_t rdlen)
{
	size_t start = db_name(m, owner, ptr);

	db_u16(m, type);
	db_u16(m, MF_DNS_CLASS_IN);
	db_u32(m, ttl);
	db_u16(m, rdlen);
	return start;
}

void
db_a(struct db *m, const char *owner, int ptr, uint32_t ttl,
    const uint8_t addr[4])
{
	db_rr(m, owner, ptr, MF_DNS_TYPE_A, ttl, 4);
	db_bytes(m, addr, 4);
}

void
db_cname(struct db *m, const char *owner, int optr, uint32_t ttl,
    const char *target, int tptr)
{
	size_t rdlen_off, start;

	db_rr(m, owner, optr, MF_DNS_TYPE_CNAME, ttl, 0);
	rdlen_off = m->len - 2;
	start = db_name(m, target, tptr);
	db_patch16(m, rdlen_off, (uint16_t)(m->len - start));
}

void
db_opt(struct db *m, uint8_t ext)
{
	db_u8(m, 0);
	db_u16(m, MF_DNS_TYPE_OPT);
	db_u16(m, 1232);
	db_u32(m, (uint32_t)ext << 24);
	db_u16(m, 0);
}

enum mf_dns_result
db_parse(const uint8_t *msg, size_t len, struct mf_dns_msg *out)
{
	uint8_t *copy = g_malloc(len > 0 ? len : 1);
	enum mf_dns_result r;

	if (len > 0)
		memcpy(copy, msg, len);
	r = mf_dns_parse(copy, len, out);
	g_free(copy);
	return r;
}

enum mf_dns_result
db_parse_msg(const struct db *m, struct mf_dns_msg *out)
{
	return db_parse(m->b, m->len, out);
}

void
db_assert_addr4(const struct mf_dns_addr *a, const uint8_t want[4],
    uint32_t ttl)
{
	assert_int_equal(a->addr.family, MF_AF_INET);
	assert_memory_equal(a->addr.b, want, 4);
	assert_int_equal(a->ttl, ttl);
}
