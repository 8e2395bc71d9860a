/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MF_ADDR_H
#define MF_ADDR_H

/*
 * addr: IPv4/IPv6 addresses, prefixes and HOST[:PORT] endpoints, shared by
 * both programs.  An IPv4 address lives in the first four bytes of b[] with
 * the rest zero, so two addresses compare with memcmp() of the struct.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#define MF_AF_INET 4
#define MF_AF_INET6 6

struct mf_addr {
	uint8_t family; /* MF_AF_INET or MF_AF_INET6; 0 = unset */
	uint8_t b[16];  /* network order */
};

struct mf_prefix {
	struct mf_addr addr; /* host bits cleared */
	uint8_t len;         /* 0..32 or 0..128 */
};

/* Longest text mf_addr_format() writes, with the terminating NUL. */
#define MF_ADDR_STRLEN 46

/*
 * Set an address from its network-order bytes.  Inline: the decoder sets
 * two addresses a packet, and a call costs more than the 17-byte store.
 */
static inline void
mf_addr_set4(struct mf_addr *a, const uint8_t b[4])
{
	memset(a, 0, sizeof(*a));
	a->family = MF_AF_INET;
	memcpy(a->b, b, 4);
}

static inline void
mf_addr_set6(struct mf_addr *a, const uint8_t b[16])
{
	a->family = MF_AF_INET6;
	memcpy(a->b, b, 16);
}

/* IPv4 as a host-order integer (the address must be IPv4). */
static inline uint32_t
mf_addr_get4(const struct mf_addr *a)
{
	return (uint32_t)a->b[0] << 24 | (uint32_t)a->b[1] << 16 |
	    (uint32_t)a->b[2] << 8 | a->b[3];
}

/* Compare two addresses: <0, 0, >0 (family first, then bytes). */
int mf_addr_cmp(const struct mf_addr *x, const struct mf_addr *y);

/*
 * TRUE if x and y are one address (mf_addr_cmp() == 0).  Inline, for the
 * per-record scans (a device's addresses, the resolvers): a constant-size
 * memcmp() for equality compiles to two word compares, not a call.
 */
static inline gboolean
mf_addr_equal(const struct mf_addr *x, const struct mf_addr *y)
{
	return x->family == y->family && memcmp(x->b, y->b, sizeof(x->b)) == 0;
}

/*
 * Parse a numeric IPv4 or IPv6 address.  An IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d) becomes plain IPv4.  Returns FALSE if s is not one.
 */
gboolean mf_addr_parse(const char *s, struct mf_addr *out);

/* Write the address as text into buf (at least MF_ADDR_STRLEN bytes). */
const char *mf_addr_format(const struct mf_addr *a, char *buf, size_t size);

/* Parse "ADDR/LEN" (or a bare address: a host prefix). */
gboolean mf_prefix_parse(const char *s, struct mf_prefix *out);

/* TRUE if a lies inside p (families must match). */
gboolean mf_prefix_contains(const struct mf_prefix *p, const struct mf_addr *a);

#define MF_PORT_BITS (65536 / 8) /* bytes of a bitmap of every port */

/*
 * Parse a NULL-terminated list of ports (each 1..65535, decimal) into the
 * bitmap bits (MF_PORT_BITS bytes; bit p % 8 of byte p / 8 for port p;
 * set, never cleared).  Returns the number of ports; -1 if the list has
 * more than max items (*bad = NULL, bits untouched) or an item is not a
 * port (*bad = that item).  A NULL list is empty.
 */
gssize mf_ports_parse(char *const *list, size_t max, uint8_t *bits,
    const char **bad);

/*
 * Split "HOST", "HOST:PORT", "[V6ADDR]" or "[V6ADDR]:PORT" into a newly
 * allocated host (caller frees) and a port (default_port when absent).
 * A bare IPv6 address without brackets is taken whole as the host.
 */
gboolean mf_hostport_parse(const char *s, uint16_t default_port, char **host,
    uint16_t *port, GError **error);

#endif
