/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef TESTS_PCAPDIFF_H
#define TESTS_PCAPDIFF_H

/*
 * pcapdiff: one savefile read twice, by libpcap (pcap_dispatch()) and by
 * exporter/pcapfile.c (exp_pcapfile_dispatch()), in batches of cnt
 * packets, with an optional filter; the first difference in a batch's
 * return, a packet's header or bytes, or the error text is reported.
 * Shared by tests/unit/test_pcapfile.c and tests/fuzz/fuzz_pcapfile.c.
 */
#include <stddef.h>

#include <glib.h>

struct pcapdiff {
	gboolean opened; /* libpcap opened the file */
	gboolean fast;   /* exp_pcapfile_probe() took it */
	size_t packets;  /* delivered by both */
	int end;         /* the last batch's return: 0 or -1 */
	char why[512];   /* the difference, when pcapdiff_file() fails */
};

/* FALSE (d->why set) if the two readers differ on the file at path. */
gboolean pcapdiff_file(const char *path, const char *filter, int cnt,
    struct pcapdiff *d);

#endif
