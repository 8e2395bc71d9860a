/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MF_MSGENC_H
#define MF_MSGENC_H

/*
 * msgenc: the exporter's message encoder for IPFIX (RFC 7011) and NetFlow
 * v9 (RFC 3954).  One table-driven path turns the template tables of
 * common/model.h into template, options template and data sets of either
 * protocol, so that a record costs a few stores per field.  (libfixbuf's
 * transcoder, which DESIGN.md first chose for IPFIX, spent about 2,700
 * instructions a record, a third of the exporter's time: bench/README.md.)
 *
 * Fields of kind MF_FK_VARLEN (IPFIX only) are written with their RFC 7011
 * length prefix; MF_FK_FIXSTR fields (v9 only) as fixed-size strings.
 * IPFIX: every field, enterprise elements with their enterprise number,
 * biflow templates allowed, no set padding, the sequence number counts
 * data records (RFC 7011 3.1).  v9: only IANA fields (pen 0) exist, fields
 * with an enterprise number are left out of template and data, biflow
 * templates are refused, FlowSets are padded to 4 bytes, the sequence
 * number counts messages, icmpTypeCodeIPv6 is written as ICMP_TYPE (32).
 *
 * The caller owns the buffer (sized to the path MTU) and sends each
 * finished message itself.  A message is:
 *   mf_msgenc_begin(); { mf_msgenc_add_template() | mf_msgenc_add_record()
 *       | mf_msgenc_reserve_record() and the caller's own stores }*;
 *   len = mf_msgenc_finish();
 * An add that does not fit returns -ENOSPC and leaves the message as it
 * was: finish and send it, begin the next, and add again.
 */
#include <stddef.h>
#include <stdint.h>

#include "common/model.h"
#include "common/wbuf.h"

#define MF_V9_HEADER_LEN 20
#define MF_IPFIX_HEADER_LEN 16
/* Longest variable-length value written; longer ones are cut. */
#define MF_MSGENC_VAR_MAX 1024
/* Fields of one data template, and of them variable-length, at most. */
#define MF_MSGENC_MAX_FIELDS 64
#define MF_MSGENC_MAX_VAR 8

enum mf_msgenc_proto {
	MF_MSGENC_V9,
	MF_MSGENC_IPFIX,
};

/*
 * One carried field of a data template, compiled: the record's bytes at
 * offset become the wire's by code (msgenc.c: a 1-byte copy, a 2-, 4- or
 * 8-byte integer stored big-endian, a 6- or 16-byte array, another
 * length of bytes, or a variable-length field through the template).
 */
struct mf_msgenc_op {
	uint16_t offset; /* in the record struct */
	uint16_t len;    /* fixed wire length (unused for variable ones) */
	uint8_t code;    /* msgenc.c's enum op_code */
	uint8_t field;   /* index into the template's fields */
};

/*
 * A fixed-length field ahead of the first variable-length one: it lands
 * at the same wire offset in every record, so the encoder stores it there
 * straight, the fields of one store kind in one run (msgenc.c).
 */
struct mf_msgenc_store {
	uint16_t from; /* offset in the record struct */
	uint16_t to;   /* offset in the record on the wire */
	uint16_t len;  /* wire length (OP_BYTES only) */
};

/* Store kinds with a run of their own: msgenc.c's OP_U8 .. OP_BYTES. */
#define MF_MSGENC_N_RUNS 7

struct mf_msgenc {
	struct mf_wbuf wb; /* the message being built */
	enum mf_msgenc_proto proto;
	uint32_t sequence;     /* v9: messages sent; IPFIX: data records */
	uint32_t source_id;    /* the observation domain */
	uint64_t boot_ms;      /* exporter start: sysUptime = now - boot */
	size_t set_off;        /* offset of the open set header, or 0 */
	uint16_t set_id;       /* id of the open set (0 = none open) */
	uint16_t count;        /* records (template + data) in the message */
	uint16_t data_records; /* data records in the message */
	const struct mf_template *last_t; /* the last data template used */
	size_t last_len;                  /* and its fixed record length */
	/* Of last_t: the fields the protocol carries, in order, compiled to
	 * one store each (struct mf_msgenc_op), and which of them are
	 * variable-length (indexes into last_t->fields). */
	struct mf_msgenc_op ops[MF_MSGENC_MAX_FIELDS];
	uint8_t var[MF_MSGENC_MAX_VAR];
	uint8_t n_carried, n_var;
	/* The fixed head of last_t: ops[0 .. n_head) as stores grouped by
	 * kind (run k is store[run[k] .. run[k + 1])), head_len wire bytes;
	 * ops[n_head ..] go one by one after it. */
	struct mf_msgenc_store store[MF_MSGENC_MAX_FIELDS];
	uint8_t run[MF_MSGENC_N_RUNS + 1];
	uint8_t n_head;
	uint16_t head_len;
	/* The last template of mf_msgenc_reserve_record(), checked, and its
	 * fixed record length. */
	const struct mf_template *raw_t;
	size_t raw_len;
};

/* Prepare w for proto messages of at most cap bytes (>= 64) in buf. */
void mf_msgenc_init(struct mf_msgenc *w, enum mf_msgenc_proto proto,
    uint8_t *buf, size_t cap, uint32_t source_id, uint64_t boot_ms);

/* Start a message stamped now_ms (ms since the epoch). */
void mf_msgenc_begin(struct mf_msgenc *w, uint64_t now_ms);

/*
 * Add t's template (v9 FlowSet 0, IPFIX set 2) or options template (v9
 * FlowSet 1 with the first field as a System scope; IPFIX set 3 with the
 * first field as the scope).  Returns 0, -ENOSPC, or -EINVAL for a
 * template the protocol cannot carry (biflow in v9).
 */
int mf_msgenc_add_template(struct mf_msgenc *w, const struct mf_template *t);

/*
 * Add one data record laid out as t describes, reading each field from rec
 * at its offset (integers host order, byte arrays as they are).  Returns 0,
 * -ENOSPC or -EINVAL (biflow template).
 */
int mf_msgenc_add_record(struct mf_msgenc *w, const struct mf_template *t,
    const void *rec);

/*
 * For a caller that writes a data record of t itself, straight from its
 * own state (exporter/flowenc.c): room for one record of t's fixed length
 * (mf_msgenc_record_len()) plus var_len bytes of its variable-length
 * fields, in t's data set, counted as added.  Returns where to write
 * exactly that many bytes, or NULL with *err -ENOSPC or -EINVAL as
 * mf_msgenc_add_record().  The bytes must be written before the next
 * call on w.
 */
uint8_t *mf_msgenc_reserve_record(struct mf_msgenc *w,
    const struct mf_template *t, size_t var_len, int *err);

/*
 * mf_msgenc_reserve_record()'s common case inline: another record of the
 * template last reserved, in the IPFIX data set that is open (no padding),
 * when the message has room.  NULL otherwise: call
 * mf_msgenc_reserve_record(), which handles every case.  A hit does what
 * that call would: one test of the room, the record counted.
 */
static inline uint8_t *
mf_msgenc_reserve_next(struct mf_msgenc *w, const struct mf_template *t,
    size_t var_len)
{
	size_t len = w->raw_len + var_len;
	uint8_t *out;

	if (t != w->raw_t || w->set_id != t->id || w->set_off == 0 ||
	    w->proto != MF_MSGENC_IPFIX || w->wb.cap - w->wb.len < len)
		return NULL;
	out = w->wb.base + w->wb.len;
	w->wb.len += len;
	w->count++;
	w->data_records++;
	return out;
}

/*
 * A variable-length value as mf_msgenc_add_record() writes one (IPFIX:
 * length prefix, value cut to MF_MSGENC_VAR_MAX): its wire bytes, and
 * writing it at out (returns the bytes written).  buf may be NULL if len
 * is 0.
 */
size_t mf_msgenc_var_len(size_t len);
size_t mf_msgenc_put_var(uint8_t *out, const uint8_t *buf, size_t len);

/*
 * Close the open FlowSet (padded to 4 bytes), fill in the header count and
 * return the message length; 0 if the message holds no record (nothing to
 * send, the sequence number does not advance).
 */
size_t mf_msgenc_finish(struct mf_msgenc *w);

/*
 * Bytes one record of t takes on the wire (v9: IANA fields only), not
 * counting variable-length fields, which take 1 + length bytes (3 +
 * length from 255 bytes on; values over MF_MSGENC_VAR_MAX are cut).
 */
size_t mf_msgenc_record_len(const struct mf_msgenc *w,
    const struct mf_template *t);

#endif
