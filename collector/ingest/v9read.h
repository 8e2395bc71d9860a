/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_V9READ_H
#define COL_V9READ_H

/*
 * v9read: turns a NetFlow v9 (RFC 3954) datagram into an IPFIX message for
 * collector/ingest/fixread.c, so both protocols share one decoding path
 * (libfixbuf's own v9 translator renames every element above 346).
 *   header      20 bytes -> 16: version 10, export time = unix_secs,
 *               domain = source id; the exporter's boot time
 *               (unix_secs * 1000 - sysUptime) is handed back for the
 *               sysUpTime-relative FIRST/LAST_SWITCHED (22/21) elements.
 *   FlowSet 0   templates -> set 2, same records; a v9 field type with
 *               the high bit (vendor-specific, no enterprise number in
 *               v9) becomes an enterprise element of COL_V9_VENDOR_PEN.
 *   FlowSet 1   options templates -> set 3: scope lengths in bytes become
 *               field counts, and the scope types become IPFIX elements
 *               (System -> exportingProcessId 144, Interface ->
 *               ingressInterface 10, Line Card -> lineCardId 141, Cache
 *               -> meteringProcessId 143, Template -> templateId 145).
 *   FlowSet 256+ data, copied unchanged.
 * Sequence numbers count export packets in v9: gaps are counted here, in
 * packets.
 */
#include <stddef.h>
#include <stdint.h>

#define COL_V9_HEADER_LEN 20
#define COL_V9_VENDOR_PEN 9 /* ciscoSystems: who defined v9 vendor fields */

struct col_v9state {
	int have_seq;
	uint32_t next_seq;
	uint64_t lost_packets; /* sequence gaps */
	uint64_t malformed;    /* datagrams or FlowSets that did not parse */
};

/*
 * Translate the datagram in[0..len) into out (cap bytes, at least len +
 * 4 * the number of vendor fields; 65535 always suffices).  Sets *out_len,
 * *source_id and *boot_ms.  Returns 0, or -EBADMSG (counted) when the
 * header is bad; a malformed FlowSet ends the message early (counted) and
 * what came before it is kept.
 */
int col_v9_translate(struct col_v9state *st, const uint8_t *in, size_t len,
    uint8_t *out, size_t cap, size_t *out_len, uint32_t *source_id,
    uint64_t *boot_ms);

#endif
