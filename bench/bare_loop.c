/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The floor of bench/exporter.sh: open a capture file with libpcap and read
 * every packet with pcap_next_ex(), counting packets and captured bytes.
 * Nothing else; any flow exporter reading the same file does at least this.
 *
 *   cc -O2 -o bare_loop bench/bare_loop.c $(pkg-config --cflags --libs libpcap)
 *   bare_loop FILE
 *
 * Prints "packets N bytes N" and exits 0, or 1 on a read error.
 */
#include <stdint.h>
#include <stdio.h>

#include <pcap/pcap.h>

int
main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t packets = 0, bytes = 0;
	unsigned sum = 0;
	pcap_t *p;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	p = pcap_open_offline(argv[1], errbuf);
	if (p == NULL) {
		fprintf(stderr, "%s: %s\n", argv[1], errbuf);
		return 1;
	}
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		packets++;
		bytes += h->caplen;
		/* touch the first byte, as any decoder would */
		if (h->caplen > 0)
			sum += data[0];
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "%s: %s\n", argv[1], pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	pcap_close(p);
	printf("packets %llu bytes %llu (check %u)\n",
	    (unsigned long long)packets, (unsigned long long)bytes, sum & 0xff);
	return 0;
}
