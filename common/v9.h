/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MF_V9_H
#define MF_V9_H

/*
 * v9: the NetFlow v9 (RFC 3954) message encoder.  libfixbuf writes no v9,
 * so this small encoder turns the same template tables (common/model.h)
 * into v9 template, options template and data FlowSets.  Only IANA fields
 * (pen 0) exist in v9: fields with an enterprise number are left out of
 * both the template and the data.  Biflow templates are refused.
 *
 * The caller owns the buffer (sized to the path MTU) and sends each
 * finished message itself.  A message is:
 *   mf_v9_begin(); { mf_v9_add_template() | mf_v9_add_record() }*;
 *   len = mf_v9_finish();
 * An add that does not fit returns -ENOSPC and leaves the message as it
 * was: finish and send it, begin the next, and add again.
 */
#include <stddef.h>
#include <stdint.h>

#include "common/model.h"
#include "common/wbuf.h"

#define MF_V9_HEADER_LEN 20

struct mf_v9_writer {
	struct mf_wbuf wb;  /* the message being built */
	uint32_t sequence;  /* export packets sent so far (RFC 3954 5.1) */
	uint32_t source_id; /* the observation domain */
	uint64_t boot_ms;   /* exporter start: sysUptime = now - boot */
	size_t set_off;     /* offset of the open FlowSet header, or 0 */
	uint16_t set_id;    /* id of the open FlowSet (0 = none open) */
	uint16_t count;     /* records (template + data) in the message */
};

/* Prepare w for messages of at most cap bytes (>= 64) in buf. */
void mf_v9_init(struct mf_v9_writer *w, uint8_t *buf, size_t cap,
    uint32_t source_id, uint64_t boot_ms);

/* Start a message stamped now_ms (ms since the epoch). */
void mf_v9_begin(struct mf_v9_writer *w, uint64_t now_ms);

/*
 * Add t's template (FlowSet 0) or options template (FlowSet 1, the first
 * field as a System scope).  Returns 0, -ENOSPC, or -EINVAL for a biflow
 * template.
 */
int mf_v9_add_template(struct mf_v9_writer *w, const struct mf_template *t);

/*
 * Add one data record laid out as t describes, reading each field from rec
 * at its offset (integers host order, byte arrays as they are).  Returns 0,
 * -ENOSPC or -EINVAL (biflow template).
 */
int mf_v9_add_record(struct mf_v9_writer *w, const struct mf_template *t,
    const void *rec);

/*
 * Close the open FlowSet (padded to 4 bytes), fill in the header count and
 * return the message length; 0 if the message holds no record (nothing to
 * send, the sequence number does not advance).
 */
size_t mf_v9_finish(struct mf_v9_writer *w);

/* Bytes one record of t takes on the wire in v9 (IANA fields only). */
size_t mf_v9_record_len(const struct mf_template *t);

#endif
