/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for the collector's message decoding: the input is a
 * sequence of datagrams (2-byte big-endian length, then the bytes), fed
 * to one exporter session as IPFIX or, if the first byte is odd, as
 * NetFlow v9 through the translator.  Templates from earlier datagrams
 * apply to later ones, as on the wire.  Each input has an information
 * model and a session of its own, so every finding reproduces alone.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "collector/ingest/fixread.h"
#include "collector/ingest/v9read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
on_flow(const struct col_flow *f, void *ctx)
{
	size_t *n = ctx;

	/* Touch every field so the sanitizers see any bad value. */
	if (f->packets + f->octets + f->start_ms + f->end_ms > 0)
		(*n)++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[65535];
	struct col_fixmodel *model;
	struct col_fixread *r;
	struct col_v9state st;
	gboolean v9;
	size_t n = 0, len, xlen;
	uint32_t src;
	uint64_t boot;

	if (size < 1)
		return 0;
	model = col_fixmodel_new();
	v9 = (data[0] & 1) != 0;
	data++, size--;
	r = col_fixread_new(model, 16);
	memset(&st, 0, sizeof(st));
	while (size >= 2) {
		len = (size_t)data[0] << 8 | data[1];
		data += 2, size -= 2;
		if (len > size)
			len = size;
		if (!v9)
			col_fixread_message(r, data, len, 0, on_flow, &n);
		else if (col_v9_translate(&st, data, len, out, sizeof(out),
		             &xlen, &src, &boot) == 0)
			col_fixread_message(r, out, xlen, boot, on_flow, &n);
		data += len, size -= len;
	}
	col_fixread_free(r);
	col_fixmodel_free(model);
	return 0;
}
