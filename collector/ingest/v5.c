/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-v5"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "collector/ingest/v5.h"
#include "common/addr.h"
#include "common/rbuf.h"

/*
 * Both readers work on a copy of the caller's cursor and store it back only
 * on success, so a failed read consumes nothing.
 */

int
col_v5_read_header(struct mf_rbuf *rb, struct col_v5_header *h)
{
	struct mf_rbuf r = *rb;
	struct col_v5_header t;
	uint16_t version;
	int e;

	if ((e = mf_rbuf_get_u16(&r, &version)) != 0 ||
	    (e = mf_rbuf_get_u16(&r, &t.count)) != 0 ||
	    (e = mf_rbuf_get_u32(&r, &t.sys_uptime_ms)) != 0 ||
	    (e = mf_rbuf_get_u32(&r, &t.unix_secs)) != 0 ||
	    (e = mf_rbuf_get_u32(&r, &t.unix_nsecs)) != 0 ||
	    (e = mf_rbuf_get_u32(&r, &t.flow_sequence)) != 0 ||
	    (e = mf_rbuf_get_u8(&r, &t.engine_type)) != 0 ||
	    (e = mf_rbuf_get_u8(&r, &t.engine_id)) != 0 ||
	    (e = mf_rbuf_get_u16(&r, &t.sampling)) != 0)
		return e;
	if (version != 5 || t.count == 0 || t.count > COL_V5_MAX_RECORDS ||
	    r.left != (size_t)t.count * COL_V5_RECORD_LEN)
		return -EBADMSG;
	*h = t;
	*rb = r;
	return 0;
}

/*
 * Turn a sysUptime-relative record time into epoch milliseconds.  The
 * export time is at most 2^32 * 1000 + 4294 ms (unix_nsecs is not checked
 * against 10^9), and the terms below add or remove less than 2^33 more, so
 * int64_t holds every step.  A record time more than 2^31 ms "after"
 * sys_uptime was taken before the 32-bit counter wrapped (every 49.7 days).
 * A clockless router (unix_secs near 0) can put a flow before the epoch:
 * that becomes 0 rather than a wrapped uint64_t.
 */
static uint64_t
abs_ms(const struct col_v5_header *h, uint32_t t)
{
	int64_t ms;

	ms = (int64_t)h->unix_secs * 1000 + h->unix_nsecs / 1000000;
	ms = ms - h->sys_uptime_ms + t;
	if (t > h->sys_uptime_ms && t - h->sys_uptime_ms > UINT32_C(1) << 31)
		ms -= INT64_C(1) << 32;
	return ms < 0 ? 0 : (uint64_t)ms;
}

int
col_v5_read_record(struct mf_rbuf *rb, const struct col_v5_header *h,
    struct col_flow *f)
{
	struct mf_rbuf r = *rb;
	uint8_t src[4], dst[4], tcp_flags, proto;
	uint16_t input, output, sport, dport;
	uint32_t packets, octets, first, last;
	int e;

	/* nexthop, pad1, tos, then src_as .. pad2 are not kept */
	if ((e = mf_rbuf_get_bytes(&r, src, sizeof(src))) != 0 ||
	    (e = mf_rbuf_get_bytes(&r, dst, sizeof(dst))) != 0 ||
	    (e = mf_rbuf_skip(&r, 4)) != 0 ||
	    (e = mf_rbuf_get_u16(&r, &input)) != 0 ||
	    (e = mf_rbuf_get_u16(&r, &output)) != 0 ||
	    (e = mf_rbuf_get_u32(&r, &packets)) != 0 ||
	    (e = mf_rbuf_get_u32(&r, &octets)) != 0 ||
	    (e = mf_rbuf_get_u32(&r, &first)) != 0 ||
	    (e = mf_rbuf_get_u32(&r, &last)) != 0 ||
	    (e = mf_rbuf_get_u16(&r, &sport)) != 0 ||
	    (e = mf_rbuf_get_u16(&r, &dport)) != 0 ||
	    (e = mf_rbuf_skip(&r, 1)) != 0 ||
	    (e = mf_rbuf_get_u8(&r, &tcp_flags)) != 0 ||
	    (e = mf_rbuf_get_u8(&r, &proto)) != 0 ||
	    (e = mf_rbuf_skip(&r, 1 + 2 + 2 + 1 + 1 + 2)) != 0)
		return e;
	*rb = r;

	memset(f, 0, sizeof(*f)); /* rev_*, vlan, MACs, label "" and the rest */
	mf_addr_set4(&f->src, src);
	mf_addr_set4(&f->dst, dst);
	f->start_ms = abs_ms(h, first);
	f->end_ms = abs_ms(h, last);
	f->packets = packets;
	f->octets = octets;
	f->ingress = input;
	f->egress = output;
	f->sport = sport;
	f->dport = dport; /* ICMP: exporters already put type << 8 | code */
	f->proto = proto;
	f->tcp_flags = tcp_flags;
	return 0;
}
