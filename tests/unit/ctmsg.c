/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <string.h>

#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <glib.h>
#include <libmnl/libmnl.h>

#include "common/model.h"
#include "tests/unit/ctmsg.h"

void
ctmsg_tuple(struct exp_ct_tuple *t, const char *src, const char *dst,
    uint16_t sport, uint16_t dport)
{
	int af = strchr(src, ':') != NULL ? AF_INET6 : AF_INET;

	memset(t, 0, sizeof(*t));
	g_assert(inet_pton(af, src, t->src) == 1);
	g_assert(inet_pton(af, dst, t->dst) == 1);
	t->sport = sport;
	t->dport = dport;
}

static void
put_tuple(struct nlmsghdr *nlh, uint16_t type, const struct exp_ct *ct,
    const struct exp_ct_tuple *t)
{
	struct nlattr *tu = mnl_attr_nest_start(nlh, type);
	struct nlattr *ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	struct nlattr *pr;
	int v6 = ct->family == MF_AF_INET6;

	if (v6) {
		mnl_attr_put(nlh, CTA_IP_V6_SRC, 16, t->src);
		mnl_attr_put(nlh, CTA_IP_V6_DST, 16, t->dst);
	} else {
		mnl_attr_put(nlh, CTA_IP_V4_SRC, 4, t->src);
		mnl_attr_put(nlh, CTA_IP_V4_DST, 4, t->dst);
	}
	mnl_attr_nest_end(nlh, ip);
	pr = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, ct->proto);
	if (ct->proto == 1 || ct->proto == 58) {
		mnl_attr_put_u16(nlh,
		    v6 ? CTA_PROTO_ICMPV6_ID : CTA_PROTO_ICMP_ID,
		    htons(t->sport));
		mnl_attr_put_u8(nlh,
		    v6 ? CTA_PROTO_ICMPV6_TYPE : CTA_PROTO_ICMP_TYPE,
		    (uint8_t)(t->dport >> 8));
		mnl_attr_put_u8(nlh,
		    v6 ? CTA_PROTO_ICMPV6_CODE : CTA_PROTO_ICMP_CODE,
		    (uint8_t)t->dport);
	} else {
		mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(t->sport));
		mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(t->dport));
	}
	mnl_attr_nest_end(nlh, pr);
	mnl_attr_nest_end(nlh, tu);
}

static uint64_t
be64(uint64_t v)
{
	return GUINT64_TO_BE(v);
}

static void
put_counters(struct nlmsghdr *nlh, uint16_t type, uint64_t p, uint64_t b)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, type);

	mnl_attr_put_u64(nlh, CTA_COUNTERS_PACKETS, be64(p));
	mnl_attr_put_u64(nlh, CTA_COUNTERS_BYTES, be64(b));
	mnl_attr_nest_end(nlh, n);
}

static void
put_extras(struct nlmsghdr *nlh, const struct exp_ct *ct)
{
	struct nlattr *n;

	mnl_attr_put_u32(nlh, CTA_STATUS, htonl(ct->status));
	mnl_attr_put_u32(nlh, CTA_ID, htonl(ct->id));
	if (ct->zone != 0)
		mnl_attr_put_u16(nlh, CTA_ZONE, htons(ct->zone));
	mnl_attr_put_u32(nlh, CTA_MARK, htonl(ct->mark));
	if (ct->counters) {
		put_counters(nlh, CTA_COUNTERS_ORIG, ct->packets[0],
		    ct->bytes[0]);
		put_counters(nlh, CTA_COUNTERS_REPLY, ct->packets[1],
		    ct->bytes[1]);
	}
	if (ct->start_ns != 0) {
		n = mnl_attr_nest_start(nlh, CTA_TIMESTAMP);
		mnl_attr_put_u64(nlh, CTA_TIMESTAMP_START, be64(ct->start_ns));
		if (ct->stop_ns != 0)
			mnl_attr_put_u64(nlh, CTA_TIMESTAMP_STOP,
			    be64(ct->stop_ns));
		mnl_attr_nest_end(nlh, n);
	}
	if (ct->has_tcp_state) {
		struct nlattr *pi = mnl_attr_nest_start(nlh, CTA_PROTOINFO);

		n = mnl_attr_nest_start(nlh, CTA_PROTOINFO_TCP);
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_STATE, ct->tcp_state);
		mnl_attr_nest_end(nlh, n);
		mnl_attr_nest_end(nlh, pi);
	}
}

size_t
ctmsg_build(uint8_t *buf, size_t size, const struct ctmsg *m)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *g;

	g_assert(size >= 1024);
	memset(buf, 0, size);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (uint16_t)(NFNL_SUBSYS_CTNETLINK << 8 |
	    (m->ev == EXP_CT_DESTROY ? IPCTNL_MSG_CT_DELETE
	                             : IPCTNL_MSG_CT_NEW));
	if (m->ev == EXP_CT_NEW)
		nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	else if (m->ev == EXP_CT_DUMP)
		nlh->nlmsg_flags = NLM_F_MULTI;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = m->ct.family == MF_AF_INET6 ? AF_INET6 : AF_INET;
	g->version = NFNETLINK_V0;
	put_tuple(nlh, CTA_TUPLE_ORIG, &m->ct, &m->ct.tuple[EXP_CT_ORIG]);
	if (!m->no_reply_tuple)
		put_tuple(nlh, CTA_TUPLE_REPLY, &m->ct,
		    &m->ct.tuple[EXP_CT_REPLY]);
	put_extras(nlh, &m->ct);
	return nlh->nlmsg_len;
}
