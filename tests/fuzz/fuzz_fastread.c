/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Differential libFuzzer harness for the collector's compiled reader
 * (collector/ingest/fastread.h): the input (fuzz_collector's format: a
 * mode byte, odd for NetFlow v9, then datagrams each after a 2-byte
 * big-endian length) goes to two sessions of one exporter, one with the
 * compiled reader and one reading everything with libfixbuf, and any
 * difference in their records or counters aborts (tests/unit/fastdiff.h).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "tests/unit/fastdiff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fastdiff d;
	gboolean v9;
	size_t len, i = 0;

	if (size < 1)
		return 0;
	v9 = (data[0] & 1) != 0;
	data++, size--;
	fastdiff_init(&d, 16);
	while (size >= 2) {
		len = (size_t)data[0] << 8 | data[1];
		data += 2, size -= 2;
		if (len > size)
			len = size;
		if (!fastdiff_feed(&d, data, len, v9)) {
			fprintf(stderr, "fuzz_fastread: datagram %zu: %s\n", i,
			    d.why);
			abort();
		}
		data += len, size -= len, i++;
	}
	fastdiff_clear(&d);
	return 0;
}
