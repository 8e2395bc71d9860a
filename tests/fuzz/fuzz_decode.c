/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-decode"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <glib.h>
#include <pcap.h>

#include "exporter/decode.h"
#include "common/rbuf.h"

/*
 * libFuzzer harness for exp_decode().  Input byte 0 picks the link type
 * (low 7 bits, modulo the table) and, in its top bit, whether the frame
 * was cut by a snaplen (wirelen larger than caplen); the rest is the
 * frame.  Besides the sanitizers, the harness checks the promises of
 * decode.h and aborts when one is broken.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int dlts[] = {
	DLT_EN10MB,
	DLT_LINUX_SLL,
	DLT_LINUX_SLL2,
	DLT_RAW,
	101, /* LINKTYPE_RAW */
	DLT_IPV4,
	DLT_IPV6,
	DLT_NULL,
	DLT_LOOP,
};

static void
check(const struct exp_pkt *pkt, enum exp_decode_result r, const uint8_t *frame,
    uint32_t caplen)
{
	volatile uint8_t sink = 0;
	uint32_t i;

	if ((unsigned)r >= EXP_DECODE_N_RESULTS || pkt->ts_ms != 42)
		abort();
	if (r != EXP_DECODE_OK)
		return;
	if (pkt->src.family != pkt->dst.family ||
	    (pkt->src.family != MF_AF_INET && pkt->src.family != MF_AF_INET6))
		abort();
	if (pkt->payload == NULL) {
		if (pkt->payload_len != 0)
			abort();
		return;
	}
	if (pkt->payload_len == 0 || pkt->payload < frame ||
	    pkt->payload_len > caplen ||
	    (size_t)(pkt->payload - frame) > caplen - pkt->payload_len)
		abort();
	if ((pkt->l4_trunc && pkt->payload != NULL) ||
	    (pkt->is_frag && !pkt->frag_first))
		abort();
	for (i = 0; i < pkt->payload_len; i++) /* ASan checks each byte */
		sink = (uint8_t)(sink ^ pkt->payload[i]);
	(void)sink;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exp_pkt pkt;
	enum exp_decode_result r;
	const uint8_t *frame;
	uint32_t caplen, wirelen;
	int dlt;

	if (size < 1 || size - 1 > UINT16_MAX)
		return 0;
	dlt = dlts[(data[0] & 0x7f) % G_N_ELEMENTS(dlts)];
	frame = size > 1 ? data + 1 : NULL;
	caplen = (uint32_t)(size - 1);
	wirelen = (data[0] & 0x80) != 0 ? caplen + 1500 : caplen;
	pkt.ts_ms = 42;
	r = exp_decode(dlt, frame, caplen, wirelen, &pkt);
	check(&pkt, r, frame, caplen);
	return 0;
}
