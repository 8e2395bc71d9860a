/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-dns"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "common/addr.h"
#include "common/dns.h"
#include "common/rbuf.h"

#define WIRE_NAME_MAX 255 /* RFC 1035 section 3.1, with the root byte */
#define RR_FIXED_LEN 10   /* type, class, TTL, rdlength */
#define CLASS_MASK 0x7fff /* without the mDNS cache-flush / QU bit */

const char *const mf_dns_result_names[MF_DNS_N_RESULTS] = {
	[MF_DNS_OK] = "ok",
	[MF_DNS_SHORT_HEADER] = "short_header",
	[MF_DNS_NO_QUESTION] = "no_question",
	[MF_DNS_MANY_QUESTIONS] = "many_questions",
	[MF_DNS_TRUNC_QUESTION] = "truncated_question",
	[MF_DNS_TRUNC_RECORD] = "truncated_record",
	[MF_DNS_LONG_LABEL] = "label_too_long",
	[MF_DNS_LONG_NAME] = "name_too_long",
	[MF_DNS_RESERVED_LABEL] = "reserved_label_type",
	[MF_DNS_PTR_HEADER] = "pointer_into_header",
	[MF_DNS_PTR_FORWARD] = "pointer_forward",
	[MF_DNS_PTR_LOOP] = "pointer_loop",
	[MF_DNS_TOO_MANY_HOPS] = "too_many_pointers",
	[MF_DNS_RDATA_OVERRUN] = "rdlength_overrun",
	[MF_DNS_BAD_ADDR_LEN] = "bad_address_length",
	[MF_DNS_BAD_CNAME] = "bad_cname_rdata",
	[MF_DNS_BAD_OPT] = "bad_opt",
};

/* The labels of one name, followed through compression pointers. */
struct name_iter {
	const uint8_t *msg;
	size_t len; /* bytes readable: the message, or up to an rdata's end */
	size_t pos; /* next byte to read */
	size_t seg; /* where reading started after the last jump */
	size_t end; /* offset just past the name where it is written */
	unsigned hops;
	bool jumped;
	enum mf_dns_result trunc; /* what running off the end means here */
};

/* One resource record, as offsets into the message. */
struct rr {
	size_t owner; /* the owner name */
	uint16_t type, klass;
	uint32_t ttl; /* as sent */
	size_t rdata, rdlen;
};

/* The question name and the CNAME targets reached from it, in order. */
struct chain {
	size_t off[MF_DNS_MAX_CHAIN + 1];
	size_t start[MF_DNS_MAX_CHAIN + 1]; /* name_start() of each */
	unsigned n;
};

enum section { SECTION_ANSWER, SECTION_AUTHORITY, SECTION_ADDITIONAL };

/*
 * The answer section as section_walk() checked it: the first ANSWERS_KEPT
 * records kept (960 bytes of stack), so that following the CNAME chain
 * and collecting addresses read no name but to compare it; the records
 * after those (rare) are read again on every walk, as before.
 */
#define ANSWERS_KEPT 24
struct answers {
	struct rr rr[ANSWERS_KEPT];
	unsigned kept;     /* rr[0 .. kept) */
	size_t after_kept; /* offset just past rr[kept - 1] */
	size_t q_wire;     /* the question name's wire length */
};

static void
iter_init(struct name_iter *it, const uint8_t *msg, size_t len, size_t off,
    enum mf_dns_result trunc)
{
	it->msg = msg;
	it->len = len;
	it->pos = it->seg = it->end = off;
	it->hops = 0;
	it->jumped = false;
	it->trunc = trunc;
}

/* Follow the pointer at it->pos (its first byte is checked by the caller). */
static enum mf_dns_result
iter_jump(struct name_iter *it)
{
	size_t target;

	if (it->len - it->pos < 2)
		return it->trunc;
	target = (size_t)(it->msg[it->pos] & 0x3f) << 8 | it->msg[it->pos + 1];
	if (!it->jumped)
		it->end = it->pos + 2;
	if (target < MF_DNS_HEADER_LEN)
		return MF_DNS_PTR_HEADER;
	if (target >= it->pos)
		return MF_DNS_PTR_FORWARD;
	if (target >= it->seg)
		return MF_DNS_PTR_LOOP;
	if (++it->hops > MF_DNS_MAX_HOPS)
		return MF_DNS_TOO_MANY_HOPS;
	it->jumped = true;
	it->pos = it->seg = target;
	return MF_DNS_OK;
}

/*
 * The byte at it->pos, b >= 0x40, is no label: a pointer is followed,
 * anything else is an error.
 */
static enum mf_dns_result
iter_not_label(struct name_iter *it, uint8_t b)
{
	if (b < 0xc0 && (b >= 0x80 || b == 0x41 || b == 0x7f))
		return MF_DNS_RESERVED_LABEL;
	if (b < 0xc0)
		return MF_DNS_LONG_LABEL;
	return iter_jump(it);
}

/*
 * The next label: *lab and *n (0 for the root label, which ends the name).
 * Loops only over pointers, at most MF_DNS_MAX_HOPS + 1 times.
 */
static enum mf_dns_result
iter_next(struct name_iter *it, const uint8_t **lab, size_t *n)
{
	enum mf_dns_result r;
	uint8_t b;

	for (;;) {
		if (it->pos >= it->len)
			return it->trunc;
		b = it->msg[it->pos];
		if (b < 0x40)
			break;
		if ((r = iter_not_label(it, b)) != MF_DNS_OK)
			return r;
	}
	if (b > it->len - it->pos - 1)
		return it->trunc;
	*lab = it->msg + it->pos + 1;
	*n = b;
	it->pos += 1 + (size_t)b;
	if (b == 0 && !it->jumped)
		it->end = it->pos;
	return MF_DNS_OK;
}

/*
 * 1 for the label bytes written as \DDD: outside 0x21..0x7e, '.' (0x2e)
 * and '\\' (0x5c).
 */
static const uint8_t escaped[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x00 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x10 */
	1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, /* 0x20 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x30 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x40 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 0x50 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x60 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, /* 0x70 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x80 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x90 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xa0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xb0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xc0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xd0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xe0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xf0 */
};

/* TRUE if label byte c is written as \DDD. */
static bool
needs_escape(uint8_t c)
{
	return escaped[c] != 0;
}

/* Write one label byte as \DDD at text[t ..]; returns the index past it. */
static size_t
put_escaped(char *text, size_t t, uint8_t c)
{
	text[t++] = '\\';
	text[t++] = (char)('0' + c / 100);
	text[t++] = (char)('0' + c / 10 % 10);
	text[t++] = (char)('0' + c % 10);
	return t;
}

/*
 * Append a label to text[*t ..] in presentation form.  The checks against
 * MF_DNS_NAME_MAX never fail for a name of 255 wire bytes or fewer (see
 * dns.h); they keep room for the NUL all the same.
 */
static enum mf_dns_result
put_label(char *text, size_t *t, const uint8_t *lab, size_t n)
{
	size_t i, u = *t;
	uint8_t c, esc = 0;

	if (u > 0 && u + 1 > MF_DNS_NAME_MAX)
		return MF_DNS_LONG_NAME;
	if (u > 0)
		text[u++] = '.';
	/*
	 * Room for every byte escaped: no check per byte.  The label is
	 * copied as it is, noting whether any byte needed escaping (rare),
	 * and only then written again with the escapes.
	 */
	if (u + 4 * n <= MF_DNS_NAME_MAX) {
		for (i = 0; i < n; i++) {
			c = lab[i];
			esc |= escaped[c];
			text[u + i] = (char)c;
		}
		if (esc == 0) {
			*t = u + n;
			return MF_DNS_OK;
		}
		for (i = 0; i < n; i++) {
			c = lab[i];
			if (needs_escape(c))
				u = put_escaped(text, u, c);
			else
				text[u++] = (char)c;
		}
		*t = u;
		return MF_DNS_OK;
	}
	for (i = 0; i < n; i++) {
		c = lab[i];
		if (u + (needs_escape(c) ? 4 : 1) > MF_DNS_NAME_MAX)
			return MF_DNS_LONG_NAME;
		if (needs_escape(c))
			u = put_escaped(text, u, c);
		else
			text[u++] = (char)c;
	}
	*t = u;
	return MF_DNS_OK;
}

/*
 * Read the name at off: check it, write its text into text (NULL: only
 * check; else MF_DNS_NAME_MAX + 1 bytes, its length in *text_len unless
 * NULL) and set *end just past it.  Running off msg[len] gives trunc.  q_wire
 * is the question name's wire length once the question was read and found good,
 * else 0: a name only checked that points at the question (most owner names do,
 * as 0xc00c) ends with its labels, known good and without pointers (see
 * question_read()), and within len (the question comes before any record
 * and its rdata), so only the length is left to check.
 */
static enum mf_dns_result
name_read(const uint8_t *msg, size_t len, size_t off, enum mf_dns_result trunc,
    size_t q_wire, char *text, size_t *text_len, size_t *end)
{
	struct name_iter it;
	enum mf_dns_result r;
	size_t wire = 1, t = 0;
	uint8_t b;

	iter_init(&it, msg, len, off, trunc);
	/*
	 * iter_next()'s steps with the labels read in place: each label adds
	 * 2 or more to wire (at most 127 of them), each pointer a hop.
	 */
	for (;;) {
		if (it.pos >= len)
			return trunc;
		b = msg[it.pos];
		if (b >= 0x40) {
			if ((r = iter_not_label(&it, b)) != MF_DNS_OK)
				return r;
			if (it.pos == MF_DNS_HEADER_LEN && q_wire != 0 &&
			    text == NULL) {
				/* The question's labels, without its root. */
				if (wire + q_wire - 1 > WIRE_NAME_MAX)
					return MF_DNS_LONG_NAME;
				*end = it.end;
				return MF_DNS_OK;
			}
			continue;
		}
		if (b == 0)
			break;
		if (b > len - it.pos - 1)
			return trunc;
		wire += 1 + (size_t)b;
		if (wire > WIRE_NAME_MAX)
			return MF_DNS_LONG_NAME;
		if (text != NULL &&
		    (r = put_label(text, &t, msg + it.pos + 1, b)) != MF_DNS_OK)
			return r;
		it.pos += 1 + (size_t)b;
	}
	if (!it.jumped)
		it.end = it.pos + 1;
	if (text != NULL && t == 0)
		text[t++] = '.';
	if (text != NULL)
		text[t] = '\0';
	if (text_len != NULL)
		*text_len = t;
	*end = it.end;
	return MF_DNS_OK;
}

/*
 * Whether none of the eight bytes at p is written as \DDD (see escaped[]):
 * a byte below 0x21, above 0x7e, '.' or '\\', each found by the usual
 * word tricks.  A borrow or carry between bytes starts only at a byte that
 * is found itself, so an escaped byte is never missed; the caller takes
 * a "no" as "maybe" and writes the name the slow way.
 */
static bool
word_plain(const char *p)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t highs = 0x8080808080808080ULL;
	uint64_t w, dot, bsl, any;

	memcpy(&w, p, sizeof(w));
	dot = w ^ ones * '.';
	bsl = w ^ ones * '\\';
	any = ((w - ones * 0x21) & ~w) | (w + ones) | w |
	    ((dot - ones) & ~dot) | ((bsl - ones) & ~bsl);
	return (any & highs) == 0;
}

/*
 * The question name's text when it is plain: labels only, every byte
 * written as it is.  Its wire bytes past the first length byte are copied
 * whole, the length bytes inside turned into dots.  FALSE for anything
 * else (a pointer, an error, a byte to escape): name_read() then writes it
 * or finds the error, as for any name.  text has MF_DNS_NAME_MAX + 1
 * bytes, and a checked name at most WIRE_NAME_MAX - 2 text bytes, so the
 * eight filler bytes past them fit.
 */
static bool
question_plain(const uint8_t *msg, size_t len, char *text, size_t *text_len,
    size_t *end)
{
	const uint8_t *lab = msg + MF_DNS_HEADER_LEN + 1; /* text[i]: lab[i] */
	size_t pos = MF_DNS_HEADER_LEN, n, i;
	uint8_t b;

	/* Each label moves pos on by 2 or more, to at most WIRE_NAME_MAX. */
	for (;;) {
		if (pos >= len)
			return false;
		if ((b = msg[pos]) == 0)
			break;
		if (b >= 0x40 || b > len - pos - 1)
			return false;
		pos += 1 + (size_t)b;
		if (pos - MF_DNS_HEADER_LEN + 1 > WIRE_NAME_MAX)
			return false;
	}
	*end = pos + 1;
	if (text == NULL)
		return true;
	if (pos == MF_DNS_HEADER_LEN)
		return false; /* the root: name_read() writes "." */
	n = pos - MF_DNS_HEADER_LEN - 1;
	memcpy(text, lab, n);
	memset(text + n, 'a', sizeof(uint64_t));
	/* The length bytes inside, as a plain byte while testing. */
	for (i = msg[MF_DNS_HEADER_LEN]; i < n; i += 1 + lab[i])
		text[i] = 'a';
	for (i = 0; i < n; i += sizeof(uint64_t))
		if (!word_plain(text + i))
			return false;
	for (i = msg[MF_DNS_HEADER_LEN]; i < n; i += 1 + lab[i])
		text[i] = '.';
	text[n] = '\0';
	*text_len = n;
	return true;
}

enum mf_dns_result
mf_dns_read_name(const uint8_t *msg, size_t len, size_t off, char *text,
    size_t *end)
{
	return name_read(msg, len, off, MF_DNS_TRUNC_RECORD, 0, text, NULL,
	    end);
}

/*
 * Where the labels of the checked name at off begin, past the pointers it
 * starts with (at most MF_DNS_MAX_HOPS of them, each checked backwards).
 */
static size_t
name_start(const uint8_t *msg, size_t len, size_t off)
{
	unsigned hops;

	for (hops = 0;
	     hops < MF_DNS_MAX_HOPS && off + 1 < len && msg[off] >= 0xc0;
	     hops++)
		off = (size_t)(msg[off] & 0x3f) << 8 | msg[off + 1];
	return off;
}

static uint8_t
ascii_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

/*
 * TRUE if the (checked) names at offsets a and b have equal labels (RFC
 * 4343), read one by one.  Callers first ask whether both start at the
 * same labels (name_start()): an owner written as a pointer to the
 * question name or a CNAME target, the usual case, is equal without
 * reading them.
 */
static bool
labels_equal(const uint8_t *msg, size_t len, size_t a, size_t b)
{
	struct name_iter ia, ib;
	const uint8_t *la, *lb;
	size_t na, nb, i;
	unsigned round;

	iter_init(&ia, msg, len, a, MF_DNS_TRUNC_RECORD);
	iter_init(&ib, msg, len, b, MF_DNS_TRUNC_RECORD);
	/* A checked name has at most 127 labels and the root. */
	for (round = 0; round < WIRE_NAME_MAX / 2 + 1; round++) {
		if (iter_next(&ia, &la, &na) != MF_DNS_OK ||
		    iter_next(&ib, &lb, &nb) != MF_DNS_OK || na != nb)
			return false;
		if (na == 0)
			return true;
		for (i = 0; i < na; i++)
			if (ascii_lower(la[i]) != ascii_lower(lb[i]))
				return false;
	}
	return false;
}

static enum mf_dns_result
header_read(const uint8_t *msg, size_t len, struct mf_dns_msg *out)
{
	uint16_t flags;

	/* A short header sets no field: mf_dns_parse() leaves them 0. */
	if (len < MF_DNS_HEADER_LEN)
		return MF_DNS_SHORT_HEADER;
	out->id = mf_rbuf_be16(msg);
	flags = mf_rbuf_be16(msg + 2);
	out->qdcount = mf_rbuf_be16(msg + 4);
	out->ancount = mf_rbuf_be16(msg + 6);
	out->nscount = mf_rbuf_be16(msg + 8);
	out->arcount = mf_rbuf_be16(msg + 10);
	out->qr = (uint8_t)(flags >> 15);
	out->opcode = (uint8_t)(flags >> 11 & 0xf);
	out->aa = (uint8_t)(flags >> 10 & 1);
	out->tc = (uint8_t)(flags >> 9 & 1);
	out->rd = (uint8_t)(flags >> 8 & 1);
	out->ra = (uint8_t)(flags >> 7 & 1);
	out->rcode = (uint8_t)(flags & 0xf);
	out->ext_rcode = out->rcode;
	if (out->qdcount == 0)
		return MF_DNS_NO_QUESTION;
	if (out->qdcount > 1)
		return MF_DNS_MANY_QUESTIONS;
	return MF_DNS_OK;
}

/*
 * The one question, at the end of the header; *off: just past it.  Its
 * name's text goes into text (out->qname, or NULL: only checked).
 */
static enum mf_dns_result
question_read(const uint8_t *msg, size_t len, struct mf_dns_msg *out,
    char *text, size_t *off)
{
	enum mf_dns_result r = MF_DNS_OK;
	size_t end, tlen = 0;

	if (!question_plain(msg, len, text, &tlen, &end))
		r = name_read(msg, len, MF_DNS_HEADER_LEN,
		    MF_DNS_TRUNC_QUESTION, 0, text, &tlen, &end);
	if (r != MF_DNS_OK) {
		out->qname[0] = '\0';
		return r;
	}
	if (len - end < 4) {
		out->qname[0] = '\0';
		out->qtype = out->qclass = 0;
		return MF_DNS_TRUNC_QUESTION;
	}
	out->qtype = mf_rbuf_be16(msg + end);
	out->qclass = mf_rbuf_be16(msg + end + 2) & CLASS_MASK;
	/* At most WIRE_NAME_MAX: name_read() checked it. */
	out->qname_wire_len = (uint16_t)(end - MF_DNS_HEADER_LEN);
	out->qname_len = (uint16_t)tlen; /* at most MF_DNS_NAME_MAX */
	*off = end + 4;
	return MF_DNS_OK;
}

/* Type-specific checks of one record's rdata. */
static enum mf_dns_result
rr_check(const uint8_t *msg, const struct rr *rr, size_t q_wire)
{
	size_t end;
	enum mf_dns_result r;

	if ((rr->klass & CLASS_MASK) == MF_DNS_CLASS_IN &&
	    ((rr->type == MF_DNS_TYPE_A && rr->rdlen != 4) ||
	        (rr->type == MF_DNS_TYPE_AAAA && rr->rdlen != 16)))
		return MF_DNS_BAD_ADDR_LEN;
	if (rr->type != MF_DNS_TYPE_CNAME)
		return MF_DNS_OK;
	/* Reading only up to the rdata's end keeps the target inside it. */
	r = name_read(msg, rr->rdata + rr->rdlen, rr->rdata, MF_DNS_BAD_CNAME,
	    q_wire, NULL, NULL, &end);
	if (r != MF_DNS_OK)
		return r;
	return end == rr->rdata + rr->rdlen ? MF_DNS_OK : MF_DNS_BAD_CNAME;
}

/* Read and check the record at *off; *off moves past it. */
static enum mf_dns_result
rr_read(const uint8_t *msg, size_t len, size_t q_wire, size_t *off,
    struct rr *rr)
{
	enum mf_dns_result r;
	size_t end;

	/*
	 * Most owners are 0xc00c, a pointer to the question: once the
	 * question was read (q_wire != 0), every record starts past it, so
	 * name_read() would find that pointer good and the name within
	 * 255 bytes (the question's labels and its root); only its two
	 * bytes are left to check.  The root (an OPT record's owner) is one
	 * byte, 0, as name_read() would find it.
	 */
	if (q_wire != 0 && len - *off >= 2 && msg[*off] == 0xc0 &&
	    msg[*off + 1] == MF_DNS_HEADER_LEN) {
		end = *off + 2;
	} else if (len > *off && msg[*off] == 0) {
		end = *off + 1;
	} else {
		r = name_read(msg, len, *off, MF_DNS_TRUNC_RECORD, q_wire, NULL,
		    NULL, &end);
		if (r != MF_DNS_OK)
			return r;
	}
	rr->owner = *off;
	/* name_read() keeps end <= len. */
	if (len - end < RR_FIXED_LEN)
		return MF_DNS_TRUNC_RECORD;
	rr->type = mf_rbuf_be16(msg + end);
	rr->klass = mf_rbuf_be16(msg + end + 2);
	rr->ttl = mf_rbuf_be32(msg + end + 4);
	rr->rdlen = mf_rbuf_be16(msg + end + 8);
	rr->rdata = end + RR_FIXED_LEN;
	if (len - rr->rdata < rr->rdlen)
		return MF_DNS_RDATA_OVERRUN;
	*off = rr->rdata + rr->rdlen;
	return rr_check(msg, rr, q_wire);
}

static enum mf_dns_result
opt_read(const uint8_t *msg, const struct rr *rr, enum section sec,
    struct mf_dns_msg *out)
{
	/* RFC 6891 section 6.1.1: one OPT, in the additional section, "." */
	if (sec != SECTION_ADDITIONAL || out->has_opt || msg[rr->owner] != 0)
		return MF_DNS_BAD_OPT;
	out->has_opt = 1;
	out->edns_udp_size = rr->klass;
	out->edns_version = (uint8_t)(rr->ttl >> 16);
	out->ext_rcode = (uint16_t)((rr->ttl >> 24) << 4 | out->rcode);
	return MF_DNS_OK;
}

/* Check count records from *off on; each takes 11 bytes or more. */
static enum mf_dns_result
section_walk(const uint8_t *msg, size_t len, size_t *off, unsigned count,
    enum section sec, struct mf_dns_msg *out, struct answers *keep)
{
	enum mf_dns_result r;
	struct rr rr;
	unsigned i;

	for (i = 0; i < count; i++) {
		if ((r = rr_read(msg, len, out->qname_wire_len, off, &rr)) !=
		    MF_DNS_OK)
			return r;
		if (keep != NULL && keep->kept < ANSWERS_KEPT) {
			keep->rr[keep->kept++] = rr;
			keep->after_kept = *off;
		}
		if (rr.type == MF_DNS_TYPE_OPT &&
		    (r = opt_read(msg, &rr, sec, out)) != MF_DNS_OK)
			return r;
	}
	return MF_DNS_OK;
}

/*
 * Answer i (walks count i up from 0) of the checked section: kept, or read
 * again from *off, which the first record past the kept ones sets.
 */
static const struct rr *
answer_get(const uint8_t *msg, size_t len, const struct answers *a, unsigned i,
    size_t *off, struct rr *scratch)
{
	if (i < a->kept)
		return &a->rr[i];
	if (i == a->kept)
		*off = a->after_kept;
	if (rr_read(msg, len, a->q_wire, off, scratch) != MF_DNS_OK)
		return NULL;
	return scratch;
}

static void
chain_add(const uint8_t *msg, size_t len, struct chain *ch, size_t off)
{
	ch->off[ch->n] = off;
	ch->start[ch->n] = name_start(msg, len, off);
	ch->n++;
}

/* Whether the name at off equals one of the chain's: same labels first. */
static bool
chain_has(const uint8_t *msg, size_t len, const struct chain *ch, size_t off)
{
	size_t start;
	unsigned i;

	/*
	 * 0xc00c (most owners) is the question's name, the chain's first.
	 * A checked name starting with 0xc0 has its second byte in msg.
	 */
	if (msg[off] == 0xc0 && msg[off + 1] == MF_DNS_HEADER_LEN)
		return true;
	start = name_start(msg, len, off);
	for (i = 0; i < ch->n; i++)
		if (ch->start[i] == start)
			return true;
	for (i = 0; i < ch->n; i++)
		if (labels_equal(msg, len, ch->off[i], off))
			return true;
	return false;
}

/*
 * One walk over the (checked) answer section at an: append the target of
 * each CNAME owned by the chain's last name.  Stops at a CNAME loop (sets
 * *loop) or when the chain is full.
 */
static void
chain_pass(const uint8_t *msg, size_t len, const struct answers *a,
    unsigned count, struct chain *ch, bool *loop)
{
	const struct rr *rr;
	struct rr scratch;
	size_t off = 0;
	unsigned i;

	for (i = 0; i < count && ch->n <= MF_DNS_MAX_CHAIN; i++) {
		if ((rr = answer_get(msg, len, a, i, &off, &scratch)) == NULL)
			return;
		if (rr->type != MF_DNS_TYPE_CNAME)
			continue;
		if (name_start(msg, len, rr->owner) != ch->start[ch->n - 1] &&
		    !labels_equal(msg, len, rr->owner, ch->off[ch->n - 1]))
			continue;
		if (chain_has(msg, len, ch, rr->rdata)) {
			*loop = true;
			return;
		}
		chain_add(msg, len, ch, rr->rdata);
	}
}

/*
 * Follow CNAMEs from the question name, in any order in the answer
 * section: a walk per link at most, fewer when they come in order.
 */
static void
chain_follow(const uint8_t *msg, size_t len, const struct answers *a,
    unsigned count, struct chain *ch)
{
	unsigned pass, before;
	bool loop = false;

	ch->n = 0;
	chain_add(msg, len, ch, MF_DNS_HEADER_LEN);
	for (pass = 0; pass < MF_DNS_MAX_CHAIN; pass++) {
		before = ch->n;
		chain_pass(msg, len, a, count, ch, &loop);
		if (loop || ch->n == before || ch->n > MF_DNS_MAX_CHAIN)
			break;
	}
}

static void
addr_keep(struct mf_dns_msg *out, const uint8_t *rdata, const struct rr *rr)
{
	struct mf_dns_addr *a;
	/* RFC 2181 section 8: a TTL with the top bit set means 0. */
	uint32_t ttl = rr->ttl > INT32_MAX ? 0 : rr->ttl;

	if (out->n_addrs == MF_DNS_MAX_ADDRS) {
		out->addrs_dropped++;
		return;
	}
	a = &out->addrs[out->n_addrs++];
	if (rr->type == MF_DNS_TYPE_A)
		mf_addr_set4(&a->addr, rdata);
	else
		mf_addr_set6(&a->addr, rdata);
	a->ttl = ttl;
	if (out->n_addrs == 1 || ttl < out->min_ttl)
		out->min_ttl = ttl;
}

/* Collect the A/AAAA answers for the chain's names. */
static void
addrs_collect(const uint8_t *msg, size_t len, const struct answers *a,
    unsigned count, const struct chain *ch, struct mf_dns_msg *out)
{
	const struct rr *rr;
	struct rr scratch;
	size_t off = 0;
	unsigned i;

	for (i = 0; i < count; i++) {
		if ((rr = answer_get(msg, len, a, i, &off, &scratch)) == NULL)
			return;
		if ((rr->klass & CLASS_MASK) != MF_DNS_CLASS_IN ||
		    (rr->type != MF_DNS_TYPE_A && rr->type != MF_DNS_TYPE_AAAA))
			continue;
		if (chain_has(msg, len, ch, rr->owner))
			addr_keep(out, msg + rr->rdata, rr);
		else
			out->addrs_unrelated++;
	}
}

/* The answer section at *off is checked: follow it, note the results. */
static void
answers_use(const uint8_t *msg, size_t len, const struct answers *a,
    struct mf_dns_msg *out)
{
	struct chain ch;
	size_t end, tlen;

	chain_follow(msg, len, a, out->ancount, &ch);
	out->n_cnames = ch.n - 1;
	if (ch.n > 1) {
		if (name_read(msg, len, ch.off[1], MF_DNS_BAD_CNAME, 0,
		        out->cname, &tlen, &end) == MF_DNS_OK)
			out->cname_len = (uint16_t)tlen;
		else
			out->cname[0] = '\0';
	}
	addrs_collect(msg, len, a, out->ancount, &ch, out);
	out->answers_complete = 1;
}

/* Clear out as mf_dns_parse() promises: all but the name buffers and the
 * addresses, whose contents count only up to a NUL and to n_addrs. */
static void
msg_clear(struct mf_dns_msg *out)
{
	G_STATIC_ASSERT(offsetof(struct mf_dns_msg, cname) >
	    offsetof(struct mf_dns_msg, qname));
	G_STATIC_ASSERT(offsetof(struct mf_dns_msg, n_cnames) >
	    offsetof(struct mf_dns_msg, cname));
	G_STATIC_ASSERT(offsetof(struct mf_dns_msg, addrs) >
	    offsetof(struct mf_dns_msg, n_cnames));
	G_STATIC_ASSERT(offsetof(struct mf_dns_msg, n_addrs) >
	    offsetof(struct mf_dns_msg, addrs));

	memset(out, 0, offsetof(struct mf_dns_msg, qname));
	out->qname[0] = '\0';
	out->cname[0] = '\0';
	out->n_cnames = 0;
	memset(&out->n_addrs, 0,
	    sizeof(*out) - offsetof(struct mf_dns_msg, n_addrs));
}

enum mf_dns_result
mf_dns_parse(const uint8_t *msg, size_t len, struct mf_dns_msg *out)
{
	enum mf_dns_result r;
	struct answers a;
	size_t off;

	msg_clear(out);
	if ((r = header_read(msg, len, out)) != MF_DNS_OK ||
	    (r = question_read(msg, len, out, out->qname, &off)) != MF_DNS_OK)
		return r;
	a.kept = 0;
	a.after_kept = off;
	a.q_wire = out->qname_wire_len;
	r = section_walk(msg, len, &off, out->ancount, SECTION_ANSWER, out, &a);
	if (r != MF_DNS_OK)
		return r;
	answers_use(msg, len, &a, out);
	r = section_walk(msg, len, &off, out->nscount, SECTION_AUTHORITY, out,
	    NULL);
	if (r != MF_DNS_OK)
		return r;
	return section_walk(msg, len, &off, out->arcount, SECTION_ADDITIONAL,
	    out, NULL);
}

enum mf_dns_result
mf_dns_parse_question(const uint8_t *msg, size_t len, struct mf_dns_msg *out)
{
	enum mf_dns_result r;
	size_t off;

	msg_clear(out);
	if ((r = header_read(msg, len, out)) != MF_DNS_OK)
		return r;
	return question_read(msg, len, out, NULL, &off);
}

enum mf_dns_tcp_result
mf_dns_tcp_next(const uint8_t *p, size_t len, size_t *off, const uint8_t **msg,
    size_t *msg_len)
{
	struct mf_rbuf rb;
	uint16_t n;

	if (*off >= len) {
		*off = len;
		return MF_DNS_TCP_END;
	}
	mf_rbuf_init(&rb, p + *off, len - *off);
	if (mf_rbuf_get_u16(&rb, &n) != 0 || rb.left < n) {
		*off = len;
		return MF_DNS_TCP_PARTIAL;
	}
	if (n == 0) {
		*off = len;
		return MF_DNS_TCP_ZERO_LENGTH;
	}
	*msg = rb.p;
	*msg_len = n;
	*off += 2 + (size_t)n;
	return MF_DNS_TCP_MSG;
}
