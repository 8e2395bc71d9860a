/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_V5_H
#define COL_V5_H

/*
 * v5: the NetFlow v5 decoder (what cheap router firmware such as dd-wrt's
 * RFlow sends).  A datagram is a 24-byte header and 1..30 records of 48
 * bytes; the length must match the count exactly.  Times in records are
 * sysUptime-relative milliseconds, turned into absolute ones with the
 * header's unix_secs/unix_nsecs and sys_uptime (32-bit wrap handled: a
 * record time "after" sys_uptime by more than 2^31 ms is from before the
 * wrap).  Packet path: no allocation.
 */
#include <stddef.h>
#include <stdint.h>

#include "collector/model/flow.h"
#include "common/rbuf.h"

#define COL_V5_HEADER_LEN 24
#define COL_V5_RECORD_LEN 48
#define COL_V5_MAX_RECORDS 30

struct col_v5_header {
	uint16_t count;
	uint32_t sys_uptime_ms;
	uint32_t unix_secs;
	uint32_t unix_nsecs;
	uint32_t flow_sequence; /* flows seen before this datagram */
	uint8_t engine_type;
	uint8_t engine_id;
	uint16_t sampling; /* 2 bits mode, 14 bits interval */
};

/*
 * Read and check the header of the datagram in rb: version 5, count
 * 1..30, and exactly count records left.  Returns 0 or -EBADMSG;
 * consumes the header on success.
 */
int col_v5_read_header(struct mf_rbuf *rb, struct col_v5_header *h);

/*
 * Decode the next record into f (all of f set; no MACs, no label).
 * Returns 0 or -EBADMSG (too few bytes).
 */
int col_v5_read_record(struct mf_rbuf *rb, const struct col_v5_header *h,
    struct col_flow *f);

#endif
