/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef EXP_PCAPFILE_H
#define EXP_PCAPFILE_H

/*
 * pcapfile: the packets of a classic pcap file (version 2.4, micro- or
 * nanosecond magic, either byte order) read in large blocks, each handed
 * out where it lies in the block: no stdio, no copy per packet.  libpcap
 * still opens every file (it checks the header, names the link type and
 * keeps the filter); exp_pcapfile_probe() then says whether this reader
 * may take over the file's descriptor, and it does only where it gives
 * what libpcap 1.10's savefile reader gives, packet for packet: the same
 * headers (nanoseconds divided down to microseconds, a record longer
 * than the snapshot length cut to it), the same end and the same errors
 * with the same text.  Everything else (pcapng, version 2.3 and older,
 * the patched formats, pipes, standard input, swapped files of the
 * cooked link types whose headers libpcap rewrites) stays with libpcap.
 * tests/unit/test_pcapfile.c and tests/fuzz/fuzz_pcapfile.c hold the two
 * readers to each other.
 *
 * Memory: one buffer of EXP_PCAPFILE_BUF bytes, which holds the longest
 * record libpcap accepts (a 16-byte header and EXP_PCAPFILE_MAX_CAPLEN).
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <pcap/pcap.h>

#define EXP_PCAPFILE_BUF (512u * 1024)
#define EXP_PCAPFILE_MAX_CAPLEN 262144u /* libpcap's MAXIMUM_SNAPLEN */

struct exp_pcapfile_params {
	uint64_t offset;   /* of the first record */
	uint32_t snapshot; /* pcap_snapshot(): longer records are cut */
	gboolean swapped;  /* written in the other byte order */
	gboolean nsec;     /* nanosecond time stamps */
};

struct exp_pcapfile;

/*
 * TRUE (and *out set) if the file open on fd, which libpcap opened as a
 * savefile of link type dlt and snapshot length snapshot, is one this
 * reader gives exactly as libpcap does.  Reads the file header with
 * pread(): fd's offset is left alone.
 */
gboolean exp_pcapfile_probe(int fd, int dlt, int snapshot,
    struct exp_pcapfile_params *out);

/* A reader of fd (not owned, not closed) from p->offset on. */
struct exp_pcapfile *exp_pcapfile_new(int fd,
    const struct exp_pcapfile_params *p);
void exp_pcapfile_free(struct exp_pcapfile *r);

/*
 * The next packet: 1 (h and *data set; *data stays valid until the next
 * call), 0 at the end of the file, -1 on an error (exp_pcapfile_error()
 * says which, in libpcap's words).  After the end or an error the reader
 * gives the same again.
 */
int exp_pcapfile_next(struct exp_pcapfile *r, struct pcap_pkthdr *h,
    const uint8_t **data);

/*
 * As pcap_dispatch() on a savefile: up to cnt (> 0; pcap_dispatch()'s
 * "unlimited" 0 or -1 is not taken) packets that pass filter (NULL or an
 * empty program: all) to fn; the number passed, 0 at the end, -1 on an
 * error (the packets before it were passed).
 */
int exp_pcapfile_dispatch(struct exp_pcapfile *r, int cnt,
    const struct bpf_program *filter, pcap_handler fn, u_char *user);

const char *exp_pcapfile_error(const struct exp_pcapfile *r);

#endif
