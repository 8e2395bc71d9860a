/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-test-dns"

/*
 * The DNS parser on messages built field by field, good and malformed:
 * compression, pointer loops, CNAME chains, EDNS, TCP framing, names at
 * their limits.  test_dns_real.c has the golden and real answers.  Parsed
 * messages sit in heap copies of their exact length (db_parse), so that
 * AddressSanitizer sees any read past the end.
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

static const uint8_t addr1[4] = { 192, 0, 2, 1 };
static const uint8_t addr2[4] = { 192, 0, 2, 2 };
static const uint8_t addr3[4] = { 198, 51, 100, 7 };

/* The CNAME chain followed and what came of the address records. */
static void
assert_chain(const struct mf_dns_msg *m, const char *cname, unsigned n_cnames,
    unsigned n_addrs, unsigned unrelated)
{
	assert_int_equal(m->answers_complete, 1);
	assert_string_equal(m->cname, cname);
	assert_int_equal(m->cname_len, strlen(cname));
	assert_int_equal(m->qname_len, strlen(m->qname));
	assert_int_equal(m->n_cnames, n_cnames);
	assert_int_equal(m->n_addrs, n_addrs);
	assert_int_equal(m->addrs_unrelated, unrelated);
}

static void
assert_result_name(enum mf_dns_result r, const char *name)
{
	assert_string_equal(mf_dns_result_names[r], name);
}

/* --- compression ----------------------------------------------------- */

/* www.example.com: owners point at the qname, or at part of it. */
static void
test_dns_parse_compressed_owners(void **state)
{
	struct mf_dns_msg m;
	struct db b;

	(void)state;
	db_header(&b, 0x8180, 1, 3, 0, 0);
	db_question(&b, "www.example.com", MF_DNS_TYPE_A);
	db_a(&b, "", 12, 300, addr1);    /* ptr: www.example.com */
	db_a(&b, "WWW", 16, 200, addr2); /* WWW + ptr example.com */
	db_a(&b, "", 16, 100, addr3);    /* example.com: unrelated */
	assert_int_equal(db_parse_msg(&b, &m), MF_DNS_OK);
	assert_chain(&m, "", 0, 2, 1);
	db_assert_addr4(&m.addrs[0], addr1, 300);
	db_assert_addr4(&m.addrs[1], addr2, 200);
	assert_int_equal(m.min_ttl, 200);
}

static void
test_dns_parse_pointer_in_qname_is_rejected(void **state)
{
	struct mf_dns_msg m;
	struct db b;

	(void)state;
	db_header(&b, 0x8180, 1, 0, 0, 0);
	db_name(&b, "www", 4); /* into the header */
	db_u32(&b, 0x00010001);
	assert_int_equal(db_parse_msg(&b, &m), MF_DNS_PTR_HEADER);
	assert_string_equal(m.qname, "");

	db_header(&b, 0x8180, 1, 0, 0, 0);
	db_name(&b, "www", 12); /* to itself */
	db_u32(&b, 0x00010001);
	assert_int_equal(db_parse_msg(&b, &m), MF_DNS_PTR_LOOP);
}

static void
test_dns_parse_self_pointer_is_rejected(void **state)
{
	struct mf_dns_msg m;
	struct db b;

	(void)state;
	db_header(&b, 0x8180, 1, 1, 0, 0);
	db_question(&b, "a.example", MF_DNS_TYPE_A);
	db_a(&b, "", (int)b.len, 60, addr1); /* owner: ptr to itself */
	assert_int_equal(db_parse_msg(&b, &m), MF_DNS_PTR_FORWARD);
	assert_int_equal(m.answers_complete, 0);
	assert_string_equal(m.qname, "a.example");
}

static void
test_dns_parse_forward_pointer_is_rejected(void **state)
{
	struct mf_dns_msg m;
	struct db b;

	(void)state;
	db_header(&b, 0x8180, 1, 2, 0, 0);
	db_question(&b, "a.example", MF_DNS_TYPE_A);
	/* owner points at the next record's owner, 16 bytes on */
	db_a(&b, "", (int)b.len + 16, 60, addr1);
	db_a(&b, "", 12, 60, addr2);
	assert_int_equal(db_parse_msg(&b, &m), MF_DNS_PTR_FORWARD);
}

/*
 * Pointer cycles hidden in the rdata of a record type the parser skips,
 * reached from a later owner name.  Two pointers at each other: one of
 * them points forward, from either end.  One pointer back over labels
 * already read since the last jump: a loop.
 */
static enum mf_dns_result
parse_cycle(const char *l1, int p1, const char *l2, int p2, size_t entry)
{
	struct mf_dns_msg m;
	struct db b;
	size_t r;

	db_header(&b, 0x8180, 1, 2, 0, 0);
	db_question(&b, "a.example", MF_DNS_TYPE_A);
	db_rr(&b, "", 12, 0xff00, 60,
	    (uint16_t)(strlen(l1) + strlen(l2) + 4 + (*l1 != 0) + (*l2 != 0)));
	r = b.len;
	db_name(&b, l1, (int)r + p1);
	db_name(&b, l2, (int)r + p2);
	db_a(&b, "", (int)(r + entry), 60, addr1);
	return db_parse_msg(&b, &m);
}

static void
test_dns_parse_pointer_cycles_are_rejected(void **state)
{
	(void)state;
	/* r: x ptr r+4; r+4: y ptr r */
	assert_int_equal(parse_cycle("x", 4, "y", 0, 0), MF_DNS_PTR_FORWARD);
	assert_int_equal(parse_cycle("x", 4, "y", 0, 4), MF_DNS_PTR_FORWARD);
	/* r: y ptr r; r+4: ptr r+2 (entered at r+4, then r+2, then r) */
	assert_int_equal(parse_cycle("y", 0, "", 2, 4), MF_DNS_PTR_LOOP);
	assert_result_name(MF_DNS_PTR_LOOP, "pointer_loop");
	assert_result_name(MF_DNS_PTR_FORWARD, "pointer_forward");
}

/*
 * A record of skipped type holding the root label and then pointers, each
 * to the one before; a later owner pointing at the last makes 1 + k hops.
 */
static enum mf_dns_result
parse_hops(unsigned k)
{
	struct mf_dns_msg m;
	struct db b;
	size_t prev;
	unsigned i;

	db_header(&b, 0x8180, 1, 2, 0, 0);
	db_question(&b, "a.example", MF_DNS_TYPE_A);
	db_rr(&b, "", DB_NO_PTR, 0xff00, 60, (uint16_t)(1 + 2 * k));
	prev = b.len;
	db_u8(&b, 0);
	for (i = 0; i < k; i++) {
		db_u16(&b, (uint16_t)(0xc000 | prev));
		prev = b.len - 2;
	}
	db_rr(&b, "", (int)prev, 0xff01, 60, 0);
	return db_parse_msg(&b, &m);
}

static void
test_dns_parse_hop_limit(void **state)
{
	(void)state;
	assert_int_equal(parse_hops(MF_DNS_MAX_HOPS - 1), MF_DNS_OK);
	assert_int_equal(parse_hops(MF_DNS_MAX_HOPS), MF_DNS_TOO_MANY_HOPS);
	assert_result_name(MF_DNS_TOO_MANY_HOPS, "too_many_pointers");
}

/* --- CNAME chains and answers --------------------------------------- */

/* www.shop.example -> c1.cdn.example -> c2.cdn.example -> A, in order. */
static void
test_dns_parse_cname_chain(void **state)
{
	struct mf_dns_msg m;
	struct db b;

	(void)state;
	db_header(&b, 0x8180, 1, 5, 0, 0);
	db_question(&b, "www.shop.example", MF_DNS_TYPE_A);
	db_cname(&b, "", 12, 300, "c1.cdn.example", DB_NO_PTR);
	db_cname(&b, "C1.CDN.Example", DB_NO_PTR, 60, "c2.cdn.example",
	    DB_NO_PTR);
	db_a(&b, "other.example", DB_NO_PTR, 30, addr3);
	db_a(&b, "c2.cdn.example", DB_NO_PTR, 20, addr1);
	db_a(&b, "c2.cdn.example", DB_NO_PTR, 40, addr2);
	assert_int_equal(db_parse_msg(&b, &m), MF_DNS_OK);
	assert_string_equal(m.qname, "www.shop.example");
	assert_chain(&m, "c1.cdn.example", 2, 2, 1);
	db_assert_addr4(&m.addrs[0], addr1, 20);
	db_assert_addr4(&m.addrs[1], addr2, 40);
	assert_int_equal(m.min_ttl, 20);
}

/* The same chain with its records in reverse order. */
static void
test_dns_parse_cname_chain_out_of_order(void **state)
{
	struct mf_dns_msg m;
	struct db b;

	(void)state;
	db_header(&b, 0x8180, 1, 3, 0, 0);
	db_question(&b, "www.shop.example", MF_DNS_TYPE_A);
	db_a(&b, "c2.cdn.example", DB_NO_PTR, 20, addr1);
	db_cname(&b, "c1.cdn.example", DB_NO_PTR, 60, "c2.cdn.example",
	    DB_NO_PTR);
	db_cname(&b, "", 12, 300, "c1.cdn.example", DB_NO_PTR);
	assert_int_equal(db_parse_msg(&b, &m), MF_DNS_OK);
	assert_chain(&m, "c1.cdn.example", 2, 1, 0);
	db_assert_addr4(&m.addrs[0], addr1, 20);
}

/*
 * 29 answers, more than the parser keeps (24): 26 A records, one of them
 * (the 4th) for c1, then the A for c2 and the chain's two CNAMEs in
 * reverse order, all past the kept ones and so read again on each walk.
 */
static void
test_dns_parse_chain_past_kept_answers(void **state)
{
	struct mf_dns_msg m;
	struct db b;
	unsigned i;

	(void)state;
	db_header(&b, 0x8180, 1, 29, 0, 0);
	db_question(&b, "www.shop.example", MF_DNS_TYPE_A);
	for (i = 0; i < 26; i++)
		db_a(&b, i == 3 ? "c1.cdn.example" : "u.example", DB_NO_PTR,
		    i == 3 ? 50 : 30, i == 3 ? addr2 : addr3);
	db_a(&b, "c2.cdn.example", DB_NO_PTR, 20, addr1);
	db_cname(&b, "c1.cdn.example", DB_NO_PTR, 60, "c2.cdn.example",
	    DB_NO_PTR);
	db_cname(&b, "", 12, 300, "c1.cdn.example", DB_NO_PTR);
	assert_int_equal(db_parse_msg(&b, &m), MF_DNS_OK);
	assert_chain(&m, "c1.cdn.example", 2, 2, 25);
	db_assert_addr4(&m.addrs[0], addr2, 50);
	db_assert_addr4(&m.addrs[1], addr1, 20);
	assert_int_equal(m.min_ttl, 20);
}

/* a -> b -> a: the loop ends the chain; the addresses of both count. */
static void
test_dns_parse_cname_loop_ends(void **state)
{
	struct mf_dns_msg m;
	struct db b;

	(void)state;
	db_header(&b, 0x8180, 1, 3, 0, 0);
	db_question(&b, "a.example", MF_DNS_TYPE_A);
	db_cname(&b, "", 12, 60, "b.example", DB_NO_PTR);
	db_cname(&b, "b.example", DB_NO_PTR, 60, "", 12);
	db_a(&b, "b.example", DB_NO_PTR, 60, addr1);
	assert_int_equal(db_parse_msg(&b, &m), MF_DNS_OK);
	assert_chain(&m, "b.example", 1, 1, 0);
}

/* A chain of 10 CNAMEs: 8 are followed, the A at the end is unrelated. */
static void
test_dns_parse_cname_chain_is_capped(void **state)
{
	struct mf_dns_msg m;
	struct db b;
	char owner[16], target[16];
	unsigned i;

	(void)state;
	db_header(&b, 0x8180, 1, 11, 0, 0);
	db_question(&b, "c0.example", MF_DNS_TYPE_A);
	for (i = 0; i < 10; i++) {
		g_snprintf(owner, sizeof(owner), "c%u.example", i);
		g_snprintf(target, sizeof(target), "c%u.example", i + 1);
		db_cname(&b, owner, DB_NO_PTR, 60, target, DB_NO_PTR);
	}
	db_a(&b, "c10.example", DB_NO_PTR, 60, addr1);
	assert_int_equal(db_parse_msg(&b, &m), MF_DNS_OK);
	assert_chain(&m, "c1.example", MF_DNS_MAX_CHAIN, 0, 1);
}

static void
test_dns_parse_aaaa_and_a_mixed(void **state)
{
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x42 };
	struct mf_dns_msg m;
	struct db b;

	(void)state;
	db_header(&b, 0x8180, 1, 3, 0, 0);
	db_question(&b, "dual.example", MF_DNS_TYPE_AAAA);
	db_rr(&b, "", 12, MF_DNS_TYPE_AAAA, 0x80000000u, 16); /* TTL: 0 */
	db_bytes(&b, v6, 16);
	db_rr(&b, "", 12, 16, 60, 3); /* TXT, skipped */
	db_bytes(&b, "\002hi", 3);
	db_a(&b, "", 12, 90, addr2);
	assert_int_equal(db_parse_msg(&b, &m), MF_DNS_OK);
	assert_int_equal(m.n_addrs, 2);
	assert_int_equal(m.addrs[0].addr.family, MF_AF_INET6);
	assert_memory_equal(m.addrs[0].addr.b, v6, 16);
	assert_int_equal(m.addrs[0].ttl, 0);
	db_assert_addr4(&m.addrs[1], addr2, 90);
	assert_int_equal(m.min_ttl, 0);
}

/* 20 A answers: the first 16 are kept, 4 counted as dropped. */
static void
test_dns_parse_answers_over_cap(void **state)
{
	struct mf_dns_msg m;
	struct db b;
	uint8_t a[4] = { 10, 0, 0, 0 };
	unsigned i;

	(void)state;
	db_header(&b, 0x8180, 1, 20, 0, 0);
	db_question(&b, "many.example", MF_DNS_TYPE_A);
	for (i = 0; i < 20; i++) {
		a[3] = (uint8_t)i;
		db_a(&b, "", 12, 1000 - i, a);
	}
	assert_int_equal(db_parse_msg(&b, &m), MF_DNS_OK);
	assert_int_equal(m.n_addrs, MF_DNS_MAX_ADDRS);
	assert_int_equal(m.addrs_dropped, 4);
	for (i = 0; i < MF_DNS_MAX_ADDRS; i++) {
		a[3] = (uint8_t)i;
		db_assert_addr4(&m.addrs[i], a, 1000 - i);
	}
	assert_int_equal(m.min_ttl, 1000 - 15);
}

/* --- EDNS ------------------------------------------------------------ */

static void
test_dns_parse_opt_extended_rcode(void **state)
{
	struct mf_dns_msg m;
	struct db b;

	(void)state;
	db_header(&b, 0x8180, 1, 0, 0, 1);
	db_question(&b, "a.example", MF_DNS_TYPE_A);
	db_opt(&b, 1); /* upper bits 1, header 0: BADVERS (16) */
	assert_int_equal(db_parse_msg(&b, &m), MF_DNS_OK);
	assert_int_equal(m.has_opt, 1);
	assert_int_equal(m.rcode, 0);
	assert_int_equal(m.ext_rcode, 16);
}

/* A second OPT is an error after the answers: they stay usable. */
static void
test_dns_parse_second_opt_keeps_answers(void **state)
{
	struct mf_dns_msg m;
	struct db b;

	(void)state;
	db_header(&b, 0x8180, 1, 1, 0, 2);
	db_question(&b, "a.example", MF_DNS_TYPE_A);
	db_a(&b, "", 12, 60, addr1);
	db_opt(&b, 0);
	db_opt(&b, 0);
	assert_int_equal(db_parse_msg(&b, &m), MF_DNS_BAD_OPT);
	assert_chain(&m, "", 0, 1, 0);
	db_assert_addr4(&m.addrs[0], addr1, 60);
	assert_int_equal(m.has_opt, 1);
}

static void
test_dns_parse_misplaced_opt_is_rejected(void **state)
{
	struct mf_dns_msg m;
	struct db b;

	(void)state;
	db_header(&b, 0x8180, 1, 1, 0, 0); /* OPT in the answers */
	db_question(&b, "a.example", MF_DNS_TYPE_A);
	db_opt(&b, 0);
	assert_int_equal(db_parse_msg(&b, &m), MF_DNS_BAD_OPT);
	assert_int_equal(m.answers_complete, 0);

	db_header(&b, 0x8180, 1, 0, 0, 1); /* owner not the root */
	db_question(&b, "a.example", MF_DNS_TYPE_A);
	db_rr(&b, "", 12, MF_DNS_TYPE_OPT, 0, 0);
	assert_int_equal(db_parse_msg(&b, &m), MF_DNS_BAD_OPT);
}

/* A truncated additional section: an error, with the answers kept. */
static void
test_dns_parse_truncated_additional_keeps_answers(void **state)
{
	struct mf_dns_msg m;
	struct db b;

	(void)state;
	db_header(&b, 0x8180, 1, 1, 0, 1);
	db_question(&b, "a.example", MF_DNS_TYPE_A);
	db_a(&b, "", 12, 60, addr1);
	db_opt(&b, 0);
	assert_int_equal(db_parse(b.b, b.len - 1, &m), MF_DNS_TRUNC_RECORD);
	assert_chain(&m, "", 0, 1, 0);
	assert_int_equal(m.has_opt, 0);
}

/* --- TCP framing ----------------------------------------------------- */

static void
test_dns_tcp_next_two_messages(void **state)
{
	const struct db_golden *g1 = &db_goldens[0], *g2 = &db_goldens[2];
	uint8_t seg[2 + 73 + 2 + 101];
	const uint8_t *msg = NULL;
	size_t off = 0, len = 0;

	(void)state;
	seg[0] = 0;
	seg[1] = (uint8_t)g1->len;
	memcpy(seg + 2, g1->msg, g1->len);
	seg[2 + g1->len] = 0;
	seg[3 + g1->len] = (uint8_t)g2->len;
	memcpy(seg + 4 + g1->len, g2->msg, g2->len);
	assert_int_equal(mf_dns_tcp_next(seg, sizeof(seg), &off, &msg, &len),
	    MF_DNS_TCP_MSG);
	assert_ptr_equal(msg, seg + 2);
	assert_int_equal(len, 73);
	assert_int_equal(off, 75);
	assert_int_equal(mf_dns_tcp_next(seg, sizeof(seg), &off, &msg, &len),
	    MF_DNS_TCP_MSG);
	assert_ptr_equal(msg, seg + 77);
	assert_int_equal(len, 101);
	assert_int_equal(off, sizeof(seg));
	assert_int_equal(mf_dns_tcp_next(seg, sizeof(seg), &off, &msg, &len),
	    MF_DNS_TCP_END);

	/* the second one cut short by a byte: partial, then the end */
	off = 0;
	assert_int_equal(mf_dns_tcp_next(seg, sizeof(seg) - 1, &off, &msg,
	                     &len),
	    MF_DNS_TCP_MSG);
	assert_int_equal(mf_dns_tcp_next(seg, sizeof(seg) - 1, &off, &msg,
	                     &len),
	    MF_DNS_TCP_PARTIAL);
	assert_int_equal(off, sizeof(seg) - 1);
	assert_int_equal(mf_dns_tcp_next(seg, sizeof(seg) - 1, &off, &msg,
	                     &len),
	    MF_DNS_TCP_END);
}

static void
test_dns_tcp_next_partial_prefix_and_zero(void **state)
{
	static const uint8_t one[1] = { 0x00 };
	static const uint8_t zero[4] = { 0x00, 0x00, 0x00, 0x05 };
	const uint8_t *msg = NULL;
	size_t off = 0, len = 0;

	(void)state;
	assert_int_equal(mf_dns_tcp_next(one, 0, &off, &msg, &len),
	    MF_DNS_TCP_END);
	assert_int_equal(mf_dns_tcp_next(one, 1, &off, &msg, &len),
	    MF_DNS_TCP_PARTIAL);
	assert_int_equal(off, 1);
	off = 0;
	assert_int_equal(mf_dns_tcp_next(zero, 4, &off, &msg, &len),
	    MF_DNS_TCP_ZERO_LENGTH);
	assert_int_equal(off, 4);
	assert_ptr_equal(msg, NULL);
	assert_int_equal(mf_dns_tcp_next(zero, 4, &off, &msg, &len),
	    MF_DNS_TCP_END);
}

/* --- names at the limits, escaping ------------------------------------ */

/* A question for one label of n bytes of c, then "example". */
static enum mf_dns_result
parse_label(size_t n, uint8_t c, struct mf_dns_msg *m)
{
	struct db b;
	uint8_t lab[64];

	assert_true(n <= sizeof(lab));
	memset(lab, c, n);
	db_header(&b, 0x8180, 1, 0, 0, 0);
	db_u8(&b, (uint8_t)n);
	db_bytes(&b, lab, n);
	db_question(&b, "example", MF_DNS_TYPE_A);
	return db_parse_msg(&b, m);
}

static void
test_dns_parse_label_63_ok_64_rejected(void **state)
{
	struct mf_dns_msg m;

	(void)state;
	assert_int_equal(parse_label(63, 'a', &m), MF_DNS_OK);
	assert_int_equal(strlen(m.qname), 63 + 8);
	assert_int_equal(parse_label(64, 'a', &m), MF_DNS_LONG_LABEL);
	assert_result_name(MF_DNS_LONG_LABEL, "label_too_long");
	assert_string_equal(m.qname, "");
}

static void
test_dns_parse_reserved_label_types(void **state)
{
	static const uint8_t types[] = { 0x41, 0x7f, 0x80, 0xbf };
	struct mf_dns_msg m;
	struct db b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(types); i++) {
		db_header(&b, 0x8180, 1, 0, 0, 0);
		db_u8(&b, types[i]);
		db_u8(&b, 0);
		db_u32(&b, 0x00010001);
		assert_int_equal(db_parse_msg(&b, &m), MF_DNS_RESERVED_LABEL);
	}
	assert_result_name(MF_DNS_RESERVED_LABEL, "reserved_label_type");
}

/*
 * A question whose name is `total` wire bytes: labels of 63 and a last one
 * to make up the length, every byte c.
 */
static enum mf_dns_result
parse_wire_name(size_t total, uint8_t c, struct mf_dns_msg *m)
{
	struct db b;
	uint8_t lab[63];
	size_t left = total - 1, n;

	memset(lab, c, sizeof(lab));
	db_header(&b, 0x8180, 1, 0, 0, 0);
	while (left > 0) {
		n = MIN(left - 1, 63);
		db_u8(&b, (uint8_t)n);
		db_bytes(&b, lab, n);
		left -= 1 + n;
	}
	db_u8(&b, 0);
	db_u32(&b, 0x00010001);
	return db_parse_msg(&b, m);
}

static void
test_dns_parse_name_255_ok_256_rejected(void **state)
{
	struct mf_dns_msg m;

	(void)state;
	/* 255 = 64 + 64 + 64 + 62 + 1: labels 63, 63, 63, 61 */
	assert_int_equal(parse_wire_name(255, 'z', &m), MF_DNS_OK);
	assert_int_equal(strlen(m.qname), 250 + 3);
	/* the same with every byte escaped: the longest text there is */
	assert_int_equal(parse_wire_name(255, 0xff, &m), MF_DNS_OK);
	assert_int_equal(strlen(m.qname), MF_DNS_NAME_MAX);
	assert_memory_equal(m.qname, "\\255\\255", 8);
	assert_int_equal(parse_wire_name(256, 'z', &m), MF_DNS_LONG_NAME);
	assert_string_equal(m.qname, "");
}

/* A name just over 255 bytes once a pointer adds the qname's suffix. */
static void
test_dns_parse_long_name_through_pointer(void **state)
{
	struct mf_dns_msg m;
	struct db b;
	uint8_t lab[63];

	(void)state;
	memset(lab, 'q', sizeof(lab));
	db_header(&b, 0x8180, 1, 1, 0, 0);
	db_question(&b, "a.example", MF_DNS_TYPE_A); /* 11 wire bytes */
	/* 4 labels of 61 = 248 bytes, + 11 = 259 */
	db_u8(&b, 61);
	db_bytes(&b, lab, 61);
	db_u8(&b, 61);
	db_bytes(&b, lab, 61);
	db_u8(&b, 61);
	db_bytes(&b, lab, 61);
	db_u8(&b, 61);
	db_bytes(&b, lab, 61);
	db_u16(&b, 0xc00c);
	db_u32(&b, 0x00010001);
	db_u32(&b, 60);
	db_u16(&b, 4);
	db_bytes(&b, addr1, 4);
	assert_int_equal(db_parse_msg(&b, &m), MF_DNS_LONG_NAME);
	assert_result_name(MF_DNS_LONG_NAME, "name_too_long");
}

/*
 * An owner of labels and a pointer to the question at exactly 255 wire
 * bytes is good, at 256 too long: the reader takes the question's labels
 * as known good and checks the length only (last = the last label's).
 */
static enum mf_dns_result
parse_owner_to_question(size_t last, struct mf_dns_msg *m)
{
	struct db b;
	uint8_t lab[63];
	int i;

	memset(lab, 'q', sizeof(lab));
	db_header(&b, 0x8180, 1, 1, 0, 0);
	db_question(&b, "a.example", MF_DNS_TYPE_A); /* 11 wire bytes */
	for (i = 0; i < 3; i++) {
		db_u8(&b, 61);
		db_bytes(&b, lab, 61);
	}
	db_u8(&b, (uint8_t)last);
	db_bytes(&b, lab, last);
	db_u16(&b, 0xc00c);
	db_u32(&b, 0x00010001);
	db_u32(&b, 60);
	db_u16(&b, 4);
	db_bytes(&b, addr1, 4);
	return db_parse_msg(&b, m);
}

static void
test_dns_parse_owner_through_pointer_255(void **state)
{
	struct mf_dns_msg m;

	(void)state;
	/* 3 * 62 + 1 + last + 10 (a.example's labels) + 1 (root) */
	assert_int_equal(parse_owner_to_question(57, &m), MF_DNS_OK);
	assert_chain(&m, "", 0, 0, 1);
	assert_int_equal(parse_owner_to_question(58, &m), MF_DNS_LONG_NAME);
}

static void
test_dns_parse_escapes_like_dig(void **state)
{
	static const uint8_t name[] = { 7, 'a', '.', 'b', '\\', ' ', 0xe9, 'C',
		1, 0x7e, 0 };
	struct mf_dns_msg m;
	struct db b;

	(void)state;
	db_header(&b, 0x8180, 1, 0, 0, 0);
	db_bytes(&b, name, sizeof(name));
	db_u32(&b, 0x00010001);
	assert_int_equal(db_parse_msg(&b, &m), MF_DNS_OK);
	assert_string_equal(m.qname, "a\\046b\\092\\032\\233C.~");

	db_header(&b, 0x8180, 1, 0, 0, 0);
	db_question(&b, "", MF_DNS_TYPE_A); /* the root */
	assert_int_equal(db_parse_msg(&b, &m), MF_DNS_OK);
	assert_string_equal(m.qname, ".");
}

/* The text dig writes for one label byte: \DDD or the byte itself. */
static void
expect_byte(GString *s, uint8_t c)
{
	if (c <= 0x20 || c >= 0x7f || c == '.' || c == '\\')
		g_string_append_printf(s, "\\%03u", c);
	else
		g_string_append_c(s, (char)c);
}

/*
 * The question's text is copied whole and tested eight bytes at a time
 * when no byte needs escaping: every byte value at each place of a
 * ten-byte label (the word's edges included) and labels of 1 .. 17 bytes
 * either side of a dot give the text built here byte by byte.
 */
static void
test_dns_parse_question_every_byte(void **state)
{
	uint8_t name[40];
	struct mf_dns_msg m;
	struct db b;
	GString *want = g_string_new(NULL);
	unsigned c, pos, i, l1, l2;

	(void)state;
	for (c = 0; c < 256; c++) {
		for (pos = 0; pos < 10; pos++) {
			g_string_truncate(want, 0);
			name[0] = 10;
			for (i = 0; i < 10; i++) {
				name[1 + i] =
				    i == pos ? (uint8_t)c : (uint8_t)('a' + i);
				expect_byte(want, name[1 + i]);
			}
			memcpy(name + 11, "\2xy", 4); /* and the root */
			g_string_append(want, ".xy");
			db_header(&b, 0x8180, 1, 0, 0, 0);
			db_bytes(&b, name, 15);
			db_u32(&b, 0x00010001);
			assert_int_equal(db_parse_msg(&b, &m), MF_DNS_OK);
			assert_string_equal(m.qname, want->str);
			assert_int_equal(m.qname_len, want->len);
			assert_int_equal(m.qname_wire_len, 15);
		}
	}
	for (l1 = 1; l1 <= 17; l1++) {
		for (l2 = 1; l2 <= 17; l2++) {
			g_string_truncate(want, 0);
			name[0] = (uint8_t)l1;
			memset(name + 1, 'p', l1);
			name[1 + l1] = (uint8_t)l2;
			memset(name + 2 + l1, 'q', l2);
			name[2 + l1 + l2] = 0;
			for (i = 0; i < l1; i++)
				g_string_append_c(want, 'p');
			g_string_append_c(want, '.');
			for (i = 0; i < l2; i++)
				g_string_append_c(want, 'q');
			db_header(&b, 0x8180, 1, 0, 0, 0);
			db_bytes(&b, name, 3 + l1 + l2);
			db_u32(&b, 0x00010001);
			assert_int_equal(db_parse_msg(&b, &m), MF_DNS_OK);
			assert_string_equal(m.qname, want->str);
			assert_int_equal(m.qname_len, l1 + l2 + 1);
		}
	}
	g_string_free(want, TRUE);
}

/*
 * A query is read only as far as its question, whose name stays in wire
 * form (never compressed): its text is what mf_dns_parse() writes.
 */
static void
test_dns_parse_question_gives_wire_form(void **state)
{
	static const uint8_t name[] = { 7, 'a', '.', 'b', '\\', ' ', 0xe9, 'C',
		1, 0x7e, 0 };
	char text[MF_DNS_NAME_MAX + 1];
	struct mf_dns_msg m;
	struct db b;
	size_t end;

	(void)state;
	db_header(&b, 0x0100, 1, 0, 0, 0);
	db_bytes(&b, name, sizeof(name));
	db_u32(&b, 0x001c0001);
	assert_int_equal(mf_dns_parse_question(b.b, b.len, &m), MF_DNS_OK);
	assert_string_equal(m.qname, "");
	assert_int_equal(m.qtype, MF_DNS_TYPE_AAAA);
	assert_int_equal(m.qname_wire_len, sizeof(name));
	assert_memory_equal(b.b + MF_DNS_HEADER_LEN, name, sizeof(name));
	assert_int_equal(mf_dns_read_name(b.b + MF_DNS_HEADER_LEN,
	                     m.qname_wire_len, 0, text, &end),
	    MF_DNS_OK);
	assert_int_equal(end, sizeof(name));
	assert_int_equal(db_parse_msg(&b, &m), MF_DNS_OK);
	assert_string_equal(text, m.qname);
	assert_int_equal(m.qname_wire_len, sizeof(name));
	/* A question cut short has no wire form either. */
	assert_int_equal(mf_dns_parse_question(b.b, b.len - 1, &m),
	    MF_DNS_TRUNC_QUESTION);
	assert_int_equal(m.qname_wire_len, 0);
	assert_int_equal(m.qtype, 0);
}

/* --- header and records ---------------------------------------------- */

static void
test_dns_parse_question_counts(void **state)
{
	const struct db_golden *g = &db_goldens[0];
	struct mf_dns_msg m;
	struct db b;

	(void)state;
	b.len = 0;
	db_bytes(&b, g->msg, g->len);
	db_patch16(&b, 4, 0);
	assert_int_equal(db_parse_msg(&b, &m), MF_DNS_NO_QUESTION);
	assert_int_equal(m.id, 0x8f1e);
	assert_int_equal(m.ancount, 2);
	assert_int_equal(m.answers_complete, 0);
	db_patch16(&b, 4, 2);
	assert_int_equal(db_parse_msg(&b, &m), MF_DNS_MANY_QUESTIONS);
	assert_int_equal(m.qdcount, 2);
	assert_int_equal(db_parse(g->msg, 11, &m), MF_DNS_SHORT_HEADER);
	assert_result_name(MF_DNS_NO_QUESTION, "no_question");
	assert_result_name(MF_DNS_MANY_QUESTIONS, "many_questions");
	assert_result_name(MF_DNS_SHORT_HEADER, "short_header");
}

/* One answer of the given type, rdlength and rdata bytes (zeros). */
static enum mf_dns_result
parse_rdata(uint16_t type, uint16_t rdlen, size_t have)
{
	static const uint8_t zeros[32];
	struct mf_dns_msg m;
	struct db b;

	db_header(&b, 0x8180, 1, 1, 0, 0);
	db_question(&b, "a.example", MF_DNS_TYPE_A);
	db_rr(&b, "", 12, type, 60, rdlen);
	db_bytes(&b, zeros, have);
	return db_parse_msg(&b, &m);
}

static void
test_dns_parse_bad_rdata_is_rejected(void **state)
{
	(void)state;
	assert_int_equal(parse_rdata(MF_DNS_TYPE_A, 4, 4), MF_DNS_OK);
	assert_int_equal(parse_rdata(MF_DNS_TYPE_A, 5, 5), MF_DNS_BAD_ADDR_LEN);
	assert_int_equal(parse_rdata(MF_DNS_TYPE_A, 0, 0), MF_DNS_BAD_ADDR_LEN);
	assert_int_equal(parse_rdata(MF_DNS_TYPE_AAAA, 4, 4),
	    MF_DNS_BAD_ADDR_LEN);
	assert_int_equal(parse_rdata(MF_DNS_TYPE_A, 4, 3),
	    MF_DNS_RDATA_OVERRUN);
	assert_int_equal(parse_rdata(99, 20, 19), MF_DNS_RDATA_OVERRUN);
	/* CNAME rdata of 2 zero bytes: the root name, then one byte over */
	assert_int_equal(parse_rdata(MF_DNS_TYPE_CNAME, 2, 2),
	    MF_DNS_BAD_CNAME);
	assert_int_equal(parse_rdata(MF_DNS_TYPE_CNAME, 1, 1), MF_DNS_OK);
	assert_int_equal(parse_rdata(MF_DNS_TYPE_CNAME, 0, 0),
	    MF_DNS_BAD_CNAME);
	assert_result_name(MF_DNS_RDATA_OVERRUN, "rdlength_overrun");
	assert_result_name(MF_DNS_BAD_ADDR_LEN, "bad_address_length");
	assert_result_name(MF_DNS_BAD_CNAME, "bad_cname_rdata");
}

static void
test_dns_parse_truncated_fixed_fields(void **state)
{
	const struct db_golden *g = &db_goldens[0];
	struct mf_dns_msg m;

	(void)state;
	assert_int_equal(db_parse(g->msg, 30, &m), MF_DNS_TRUNC_QUESTION);
	assert_string_equal(m.qname, "");
	assert_int_equal(db_parse(g->msg, 20, &m), MF_DNS_TRUNC_QUESTION);
	assert_int_equal(db_parse(g->msg, 40, &m), MF_DNS_TRUNC_RECORD);
	assert_string_equal(m.qname, "www.github.com");
	assert_int_equal(db_parse(g->msg, 33, &m), MF_DNS_TRUNC_RECORD);
}

static void
test_dns_result_names_are_complete(void **state)
{
	unsigned i, j;

	(void)state;
	for (i = 0; i < MF_DNS_N_RESULTS; i++) {
		assert_non_null(mf_dns_result_names[i]);
		for (j = 0; j < i; j++)
			assert_string_not_equal(mf_dns_result_names[i],
			    mf_dns_result_names[j]);
	}
	assert_string_equal(mf_dns_result_names[MF_DNS_OK], "ok");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dns_parse_compressed_owners),
		cmocka_unit_test(test_dns_parse_pointer_in_qname_is_rejected),
		cmocka_unit_test(test_dns_parse_self_pointer_is_rejected),
		cmocka_unit_test(test_dns_parse_forward_pointer_is_rejected),
		cmocka_unit_test(test_dns_parse_pointer_cycles_are_rejected),
		cmocka_unit_test(test_dns_parse_hop_limit),
		cmocka_unit_test(test_dns_parse_cname_chain),
		cmocka_unit_test(test_dns_parse_cname_chain_out_of_order),
		cmocka_unit_test(test_dns_parse_chain_past_kept_answers),
		cmocka_unit_test(test_dns_parse_cname_loop_ends),
		cmocka_unit_test(test_dns_parse_cname_chain_is_capped),
		cmocka_unit_test(test_dns_parse_aaaa_and_a_mixed),
		cmocka_unit_test(test_dns_parse_answers_over_cap),
		cmocka_unit_test(test_dns_parse_opt_extended_rcode),
		cmocka_unit_test(test_dns_parse_second_opt_keeps_answers),
		cmocka_unit_test(test_dns_parse_misplaced_opt_is_rejected),
		cmocka_unit_test(
		    test_dns_parse_truncated_additional_keeps_answers),
		cmocka_unit_test(test_dns_tcp_next_two_messages),
		cmocka_unit_test(test_dns_tcp_next_partial_prefix_and_zero),
		cmocka_unit_test(test_dns_parse_label_63_ok_64_rejected),
		cmocka_unit_test(test_dns_parse_reserved_label_types),
		cmocka_unit_test(test_dns_parse_name_255_ok_256_rejected),
		cmocka_unit_test(test_dns_parse_long_name_through_pointer),
		cmocka_unit_test(test_dns_parse_owner_through_pointer_255),
		cmocka_unit_test(test_dns_parse_escapes_like_dig),
		cmocka_unit_test(test_dns_parse_question_every_byte),
		cmocka_unit_test(test_dns_parse_question_gives_wire_form),
		cmocka_unit_test(test_dns_parse_question_counts),
		cmocka_unit_test(test_dns_parse_bad_rdata_is_rejected),
		cmocka_unit_test(test_dns_parse_truncated_fixed_fields),
		cmocka_unit_test(test_dns_result_names_are_complete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
