/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-l7names"

/*
 * l7names: run the l7name parsers over a capture, for comparing with
 * tshark by hand.  Every TCP segment with payload to port 443 or 80
 * (decoded by exp_decode(), so every link type the exporter reads) is
 * given to mf_l7_tls_sni() and, if that says not-this, mf_l7_http_host();
 * one line per segment that either recognises:
 *
 *   FRAME <tab> RESULT <tab> NAME
 *
 * FRAME is the 1-based packet number (tshark's frame.number), NAME empty
 * unless RESULT is "found".  The counts of each result go to stderr, under
 * the parser that answered (http for what the TLS parser did not take).
 * Compare with:
 *
 *   tshark -r F -Y tls.handshake.type==1 -T fields -e frame.number \
 *       -e tls.handshake.extensions_server_name
 *   tshark -r F -Y http.request -T fields -e frame.number -e http.host
 *
 * (tshark reassembles a hello or request split over segments and shows it
 * at its last segment; l7names reports such a first segment as partial.)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>
#include <pcap/pcap.h>

#include "common/l7name.h"
#include "exporter/decode.h"

#define PORT_HTTPS 443
#define PORT_HTTP 80

/* Parse one segment; *which is "tls" or "http". */
static enum mf_l7_result
parse(const struct exp_pkt *pkt, char *name, size_t size, const char **which)
{
	enum mf_l7_result r;

	*which = "tls";
	r = mf_l7_tls_sni(pkt->payload, pkt->payload_len, name, size);
	if (r == MF_L7_NOT_THIS) {
		*which = "http";
		r = mf_l7_http_host(pkt->payload, pkt->payload_len, name, size);
	}
	return r;
}

int
main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE], name[MF_L7_NAME_MAX + 1];
	uint64_t counts[2][MF_L7_N_RESULTS] = { { 0 } }, frame = 0;
	struct pcap_pkthdr *hdr;
	const uint8_t *data;
	const char *which;
	struct exp_pkt pkt;
	enum mf_l7_result r;
	pcap_t *p;
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: l7names CAPTURE\n");
		return 2;
	}
	if ((p = pcap_open_offline(argv[1], errbuf)) == NULL) {
		fprintf(stderr, "l7names: %s\n", errbuf);
		return 1;
	}
	while (pcap_next_ex(p, &hdr, &data) == 1) {
		frame++;
		if (exp_decode(pcap_datalink(p), data, hdr->caplen, hdr->len,
		        &pkt) != EXP_DECODE_OK ||
		    pkt.proto != 6 || pkt.payload == NULL ||
		    (pkt.dport != PORT_HTTPS && pkt.dport != PORT_HTTP))
			continue;
		r = parse(&pkt, name, sizeof(name), &which);
		counts[which[0] == 'h'][r]++;
		if (r != MF_L7_NOT_THIS)
			printf("%" G_GUINT64_FORMAT "\t%s-%s\t%s\n", frame,
			    which, mf_l7_result_names[r], name);
	}
	pcap_close(p);
	for (i = 0; i < MF_L7_N_RESULTS; i++)
		fprintf(stderr,
		    "%-10s tls %" G_GUINT64_FORMAT " http %" G_GUINT64_FORMAT
		    "\n",
		    mf_l7_result_names[i], counts[0][i], counts[1][i]);
	return 0;
}
