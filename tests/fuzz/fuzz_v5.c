/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-v5"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collector/model/flow.h"
#include "collector/ingest/v5.h"
#include "common/addr.h"
#include "common/rbuf.h"

/*
 * libFuzzer harness for the NetFlow v5 decoder: the input is one datagram,
 * read the way the collector reads it (header, then every record).
 * Besides the sanitizers, the harness checks the promises of v5.h and
 * rbuf.h and aborts when one is broken: a failed read consumes nothing, an
 * accepted header leaves exactly count records, each record consumes 48
 * bytes and sets what v5 cannot carry to zero.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_flow(const struct col_flow *f)
{
	if (f->src.family != MF_AF_INET || f->dst.family != MF_AF_INET ||
	    f->rev_packets != 0 || f->rev_octets != 0 ||
	    f->rev_tcp_flags != 0 || f->has_mac != 0 || f->vlan != 0 ||
	    f->app_port != 0 || f->end_reason != 0 || f->label[0] != '\0' ||
	    f->packets > UINT32_MAX || f->octets > UINT32_MAX)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mf_rbuf rb;
	struct col_v5_header h;
	struct col_flow f;
	unsigned i;

	mf_rbuf_init(&rb, data, size);
	if (col_v5_read_header(&rb, &h) != 0) {
		if (rb.p != data || rb.left != size)
			abort();
		return 0;
	}
	if (h.count == 0 || h.count > COL_V5_MAX_RECORDS ||
	    size != COL_V5_HEADER_LEN + (size_t)h.count * COL_V5_RECORD_LEN ||
	    rb.p != data + COL_V5_HEADER_LEN)
		abort();
	for (i = 0; i < h.count; i++) {
		memset(&f, 0xa5, sizeof(f));
		if (col_v5_read_record(&rb, &h, &f) != 0 ||
		    rb.left != (size_t)(h.count - i - 1) * COL_V5_RECORD_LEN)
			abort();
		check_flow(&f);
	}
	if (col_v5_read_record(&rb, &h, &f) == 0 || rb.left != 0 ||
	    rb.p != data + size)
		abort();
	return 0;
}
