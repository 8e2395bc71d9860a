/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Differential libFuzzer harness for the exporter's savefile reader
 * (exporter/pcapfile.h): the input is a savefile, read by libpcap and by
 * the reader (tests/unit/pcapdiff.c) in batches of 1 to 16 packets set by
 * its last byte, with a filter when that byte's top bit is set; any
 * difference in packets, ends or error texts aborts.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib.h>

#include "tests/unit/pcapdiff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	char path[64];
	struct pcapdiff d;
	uint8_t last = size > 0 ? data[size - 1] : 0;

	if (fd < 0 && (fd = memfd_create("fuzz_pcapfile", 0)) < 0)
		abort();
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	g_snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (!pcapdiff_file(path, (last & 0x80) ? "len > 100" : NULL,
	        1 + (last & 15), &d)) {
		fprintf(stderr, "fuzz_pcapfile: %s\n", d.why);
		abort();
	}
	return 0;
}
