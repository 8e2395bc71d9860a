/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MF_DNS_H
#define MF_DNS_H

/*
 * dns: the DNS message parser (RFC 1035, with RFC 2181 TTLs and the RFC
 * 6891 OPT record), the most exposed code of the exporter: it reads every
 * DNS answer a LAN client receives.  It keeps the little that flow labelling
 * needs: the header, the one question, the CNAME chain from the question
 * name, and the A/AAAA addresses answered for that chain.
 *
 * Packet path: nothing here allocates, logs or keeps state between calls;
 * the caller owns the message bytes and the struct mf_dns_msg it passes.
 * Every read is bounds-checked against the length given, so any byte string
 * is safe input.  Work per call is bounded by the message length: the
 * answer section is read once (its first 24 records are kept, so later
 * walks compare names without reading records again; records past those
 * are read again on each walk) and walked at most MF_DNS_MAX_CHAIN + 2
 * times, each name
 * read takes at most 127 labels and MF_DNS_MAX_HOPS pointers, and each
 * address record is compared with at most MF_DNS_MAX_CHAIN + 1 names.
 *
 * Names.  A name is read as labels joined by '.', without a trailing dot;
 * the root name is ".".  Label bytes outside 0x21..0x7e, and '.' or '\'
 * inside a label, are written as \DDD (three decimal digits, as dig does);
 * case is kept as sent.  So for ordinary names the text equals what tshark
 * shows as dns.qry.name.  The longest text is MF_DNS_NAME_MAX bytes: a wire
 * name holds at most 255 bytes = content + one length byte per label + the
 * root byte; at most 250 content bytes fit (in 4 labels: 63+63+63+61),
 * each written in at most 4 characters, plus 3 dots: 4 * 250 + 3 = 1003.
 *
 * Compression pointers must point strictly backwards: before the pointer
 * itself (else MF_DNS_PTR_FORWARD), before the start of the labels being
 * read since the last jump (else MF_DNS_PTR_LOOP), and past the 12-byte
 * header (else MF_DNS_PTR_HEADER).  The targets of one name thus strictly
 * decrease, so no loop is possible; a name may still take at most
 * MF_DNS_MAX_HOPS jumps.  Names compare case-insensitively for the ASCII
 * letters only (RFC 4343).
 *
 * Length bytes 0x40..0xbf are not labels.  0x41 (binary labels, retired by
 * RFC 6891), 0x7f (reserved extended type) and 0x80..0xbf (type bits 10)
 * give MF_DNS_RESERVED_LABEL; every other value 0x40..0x7e is read as what
 * it almost always is on the wire, a label longer than 63 bytes:
 * MF_DNS_LONG_LABEL.
 */
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"

#define MF_DNS_HEADER_LEN 12
#define MF_DNS_NAME_MAX 1003 /* longest name text, without the NUL */
#define MF_DNS_MAX_ADDRS 16  /* answered addresses kept per message */
#define MF_DNS_MAX_HOPS 32   /* compression pointers followed per name */
#define MF_DNS_MAX_CHAIN 8   /* CNAMEs followed from the question name */

/* Record types and classes the parser looks at. */
#define MF_DNS_TYPE_A 1
#define MF_DNS_TYPE_CNAME 5
#define MF_DNS_TYPE_AAAA 28
#define MF_DNS_TYPE_OPT 41
#define MF_DNS_CLASS_IN 1

/*
 * What mf_dns_parse() found: MF_DNS_OK or the first malformation, one value
 * per kind so that callers can count each.  mf_dns_result_names[] holds a
 * short snake_case name for each (for statistics).
 */
enum mf_dns_result {
	MF_DNS_OK = 0,
	MF_DNS_SHORT_HEADER,   /* fewer than 12 bytes */
	MF_DNS_NO_QUESTION,    /* qdcount 0 */
	MF_DNS_MANY_QUESTIONS, /* qdcount > 1 */
	MF_DNS_TRUNC_QUESTION, /* the question runs past the end */
	MF_DNS_TRUNC_RECORD,   /* a record's name or fixed fields do */
	MF_DNS_LONG_LABEL,     /* length byte 0x40..0x7e, see above */
	MF_DNS_LONG_NAME,      /* wire form over 255 bytes */
	MF_DNS_RESERVED_LABEL, /* label type 0x41, 0x7f or 0x80..0xbf */
	MF_DNS_PTR_HEADER,     /* pointer into the 12-byte header */
	MF_DNS_PTR_FORWARD,    /* pointer to itself or beyond */
	MF_DNS_PTR_LOOP,       /* pointer not before the last jump's target */
	MF_DNS_TOO_MANY_HOPS,  /* over MF_DNS_MAX_HOPS pointers in a name */
	MF_DNS_RDATA_OVERRUN,  /* rdlength past the end of the message */
	MF_DNS_BAD_ADDR_LEN,   /* IN A rdlength != 4 or IN AAAA != 16 */
	MF_DNS_BAD_CNAME,      /* CNAME target does not fill its rdata */
	MF_DNS_BAD_OPT,        /* OPT outside additional, not root, twice */
	MF_DNS_N_RESULTS
};

extern const char *const mf_dns_result_names[MF_DNS_N_RESULTS];

/* One answered address and its TTL (seconds, RFC 2181: 0 .. 2^31 - 1). */
struct mf_dns_addr {
	struct mf_addr addr;
	uint32_t ttl;
};

/*
 * One parsed message, in the caller's storage (about 2.4 KiB).  Header
 * fields are set whenever the result is not MF_DNS_SHORT_HEADER.  qname,
 * qtype and qclass are set once the question parsed (qname is "" before:
 * a parsed name is never empty).  cname, n_cnames and everything about
 * addresses are set only when answers_complete is 1.
 */
struct mf_dns_msg {
	uint16_t id;
	uint8_t qr;     /* 1 = response */
	uint8_t opcode; /* 0 = QUERY */
	uint8_t aa, tc, rd, ra;
	uint8_t rcode;      /* the header's 4-bit RCODE (3 = NXDOMAIN) */
	uint16_t ext_rcode; /* 12 bits: OPT's upper 8 << 4 | rcode, or rcode */
	uint16_t qdcount, ancount, nscount, arcount;

	uint8_t has_opt;          /* an EDNS OPT record was seen */
	uint8_t edns_version;     /* from OPT, else 0 */
	uint16_t edns_udp_size;   /* OPT's class field, else 0 */
	uint8_t answers_complete; /* header, question, answers all parsed */

	uint16_t qtype, qclass; /* qclass without the mDNS top bit */
	/*
	 * The question name's wire form (labels and the root byte, 1 .. 255
	 * bytes), set with qtype: it is never compressed (a pointer in it
	 * could only point into the header or at itself), so it is
	 * msg[MF_DNS_HEADER_LEN .. MF_DNS_HEADER_LEN + qname_wire_len).
	 */
	uint16_t qname_wire_len;
	/* strlen(qname) and strlen(cname), as the parser wrote them. */
	uint16_t qname_len, cname_len;
	char qname[MF_DNS_NAME_MAX + 1];
	/* The first CNAME target reached from qname, "" if none. */
	char cname[MF_DNS_NAME_MAX + 1];
	unsigned n_cnames; /* CNAMEs followed: 0 .. MF_DNS_MAX_CHAIN */

	/*
	 * Addresses of class-IN A and AAAA records in the answer section
	 * whose owner is qname or a name on its CNAME chain, in message
	 * order.  Records for other names are ignored, as a resolver would,
	 * and counted in addrs_unrelated; kept ones past MF_DNS_MAX_ADDRS are
	 * counted in addrs_dropped.  min_ttl is the least TTL of addrs[]
	 * (0 when n_addrs is 0).
	 */
	struct mf_dns_addr addrs[MF_DNS_MAX_ADDRS];
	unsigned n_addrs;
	unsigned addrs_dropped;
	unsigned addrs_unrelated;
	uint32_t min_ttl;
};

/*
 * Parse the DNS message msg[0 .. len) into out, cleared first: every
 * field 0, qname and cname "" (bytes past a name's NUL, and addrs[] past
 * n_addrs, are left as they were: zeroing the whole 2.4 KiB cost more
 * than the rest of parsing a query).  Queries
 * parse as well as responses: check out->qr.  Exactly one question is
 * required.  Every record of every section is checked; the authority and
 * additional sections are walked for the OPT record only.  Bytes after the
 * last record are ignored.  Class-IN tests mask the mDNS cache-flush bit
 * (0x8000).  A TTL with the top bit set counts as 0 (RFC 2181 section 8).
 *
 * On a malformation after the answer section (in the authority or
 * additional records) the matching error is returned but out keeps
 * answers_complete = 1 with the question, CNAME chain and addresses, which
 * the caller may use; on an earlier one answers_complete is 0 and out holds
 * only what the field comments above promise.
 */
enum mf_dns_result mf_dns_parse(const uint8_t *msg, size_t len,
    struct mf_dns_msg *out);

/*
 * Only the header and the question of msg (for queries, whose other
 * sections the caller does not need): the same results for those parts
 * as mf_dns_parse(); counts, sections and addresses are not read beyond
 * the header.  answers_complete stays 0.  The question name is checked
 * but not written as text: qname stays "" and qname_wire_len says where
 * its wire form is (mf_dns_read_name() gives the text mf_dns_parse()
 * would have written).
 */
enum mf_dns_result mf_dns_parse_question(const uint8_t *msg, size_t len,
    struct mf_dns_msg *out);

/*
 * Read the (possibly compressed) name at msg[off] under the rules above:
 * its text into text (NULL: only check; else MF_DNS_NAME_MAX + 1 bytes),
 * *end just past it in the message.  Running off the end gives
 * MF_DNS_TRUNC_RECORD.  For record walkers of their own (mDNS answers).
 */
enum mf_dns_result mf_dns_read_name(const uint8_t *msg, size_t len, size_t off,
    char *text, size_t *end);

/* What mf_dns_tcp_next() found at *off. */
enum mf_dns_tcp_result {
	MF_DNS_TCP_MSG,         /* a whole message: *msg, *msg_len */
	MF_DNS_TCP_END,         /* nothing left in this segment */
	MF_DNS_TCP_PARTIAL,     /* the message goes on in a later segment */
	MF_DNS_TCP_ZERO_LENGTH, /* a length prefix of 0 */
};

/*
 * Walk the DNS messages of one TCP segment's payload p[0 .. len), each
 * preceded by a two-byte length (RFC 1035 section 4.2.2).  Start with
 * *off = 0 and call until the result is not MF_DNS_TCP_MSG.  On
 * MF_DNS_TCP_MSG, *msg points into p (not copied) at *msg_len bytes and
 * *off moves past them.  Messages that go on in a later segment (or whose
 * length prefix does) are not reassembled: MF_DNS_TCP_PARTIAL, for the
 * caller to count.  After MF_DNS_TCP_PARTIAL or MF_DNS_TCP_ZERO_LENGTH,
 * *off is len, so a further call returns MF_DNS_TCP_END.  The caller passes
 * only segments that start at a message boundary (a continuation segment
 * cannot be told from a length prefix); msg and msg_len are set only on
 * MF_DNS_TCP_MSG.
 */
enum mf_dns_tcp_result mf_dns_tcp_next(const uint8_t *p, size_t len,
    size_t *off, const uint8_t **msg, size_t *msg_len);

#endif
