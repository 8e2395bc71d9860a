/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MF_TEST_DNSBUILD_H
#define MF_TEST_DNSBUILD_H

/*
 * dnsbuild: writes DNS messages for the parser's tests, field by field, and
 * holds the golden answers modelled on ordinary resolver replies.  The
 * builder writes what it is told, malformed or not, into a fixed buffer (a
 * test that overflows it fails an assertion).
 */
#include <stddef.h>
#include <stdint.h>

#include "common/dns.h"

#define DB_CAP 8192
#define DB_NO_PTR (-1) /* end a name with the root label, not a pointer */

struct db {
	uint8_t b[DB_CAP];
	size_t len;
};

/* Start a message: id 0x1234, the given flags and counts. */
void db_header(struct db *m, uint16_t flags, uint16_t qd, uint16_t an,
    uint16_t ns, uint16_t ar);

void db_u8(struct db *m, uint8_t v);
void db_u16(struct db *m, uint16_t v);
void db_u32(struct db *m, uint32_t v);
void db_bytes(struct db *m, const void *p, size_t n);

/*
 * Write the labels of dotted ("" for none), then a pointer to ptr, or the
 * root label when ptr is DB_NO_PTR.  Returns the offset the name starts at.
 */
size_t db_name(struct db *m, const char *dotted, int ptr);

/* A question for dotted, class IN, uncompressed. */
void db_question(struct db *m, const char *dotted, uint16_t qtype);

/* A record's owner name (as db_name), type, class IN, TTL and rdlength. */
size_t db_rr(struct db *m, const char *owner, int ptr, uint16_t type,
    uint32_t ttl, uint16_t rdlen);

/* A class-IN A record for owner with address a.b.c.d. */
void db_a(struct db *m, const char *owner, int ptr, uint32_t ttl,
    const uint8_t addr[4]);

/* A CNAME record: owner to the uncompressed target (plus ptr). */
void db_cname(struct db *m, const char *owner, int optr, uint32_t ttl,
    const char *target, int tptr);

/* An OPT record: UDP size 1232, extended RCODE ext, version 0. */
void db_opt(struct db *m, uint8_t ext);

/* Overwrite the u16 at off. */
void db_patch16(struct db *m, size_t off, uint16_t v);

/*
 * Parse a heap copy of exactly len bytes of msg (so that AddressSanitizer
 * sees a read past the end); db_parse_msg() parses m.
 */
enum mf_dns_result db_parse(const uint8_t *msg, size_t len,
    struct mf_dns_msg *out);
enum mf_dns_result db_parse_msg(const struct db *m, struct mf_dns_msg *out);

/* Assert that a is the IPv4 address want with the given TTL. */
void db_assert_addr4(const struct mf_dns_addr *a, const uint8_t want[4],
    uint32_t ttl);

/* The golden messages and their lengths. */
struct db_golden {
	const char *name;
	const uint8_t *msg;
	size_t len;
};
extern const struct db_golden db_goldens[];
extern const size_t db_n_goldens;

#endif
