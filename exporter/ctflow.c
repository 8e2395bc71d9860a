/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-ctflow"

#include <string.h>

#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

#include <glib.h>
#include <libmnl/libmnl.h>

#include "common/error.h"
#include "common/model.h"
#include "exporter/ctflow.h"

#define MAX_ATTR 32 /* > CTA_MAX and every nested maximum we read */

#define TCP_SYN 0x02
#define TCP_ACK 0x10
#define TCP_FIN 0x01

/* --- parsing: one ctnetlink message -------------------------------------- */

/*
 * Index the attributes of one level; a type we do not read is ignored, a
 * duplicate keeps the last.  FALSE if an attribute overruns its parent.
 */
static gboolean
index_attrs(const void *payload, size_t len, const struct nlattr **tb)
{
	const struct nlattr *a = payload;
	int left = (int)len;

	memset(tb, 0, sizeof(*tb) * MAX_ATTR);
	while (mnl_attr_ok(a, left)) {
		uint16_t type = mnl_attr_get_type(a);

		if (type < MAX_ATTR)
			tb[type] = a;
		left -= (int)MNL_ALIGN(a->nla_len);
		a = (const struct nlattr *)((const uint8_t *)a +
		    MNL_ALIGN(a->nla_len));
	}
	/* Trailing bytes shorter than an attribute header are padding. */
	return left < (int)sizeof(struct nlattr);
}

static gboolean
index_nested(const struct nlattr *a, const struct nlattr **tb)
{
	return index_attrs(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a),
	    tb);
}

static gboolean
get_bytes(const struct nlattr *a, void *out, size_t n)
{
	if (a == NULL || mnl_attr_get_payload_len(a) != n)
		return FALSE;
	memcpy(out, mnl_attr_get_payload(a), n);
	return TRUE;
}

static gboolean
get_be16(const struct nlattr *a, uint16_t *v)
{
	uint16_t n;

	if (!get_bytes(a, &n, sizeof(n)))
		return FALSE;
	*v = ntohs(n);
	return TRUE;
}

static gboolean
get_be32(const struct nlattr *a, uint32_t *v)
{
	uint32_t n;

	if (!get_bytes(a, &n, sizeof(n)))
		return FALSE;
	*v = ntohl(n);
	return TRUE;
}

static gboolean
get_be64(const struct nlattr *a, uint64_t *v)
{
	uint8_t b[8];
	int i;

	if (!get_bytes(a, b, sizeof(b)))
		return FALSE;
	*v = 0;
	for (i = 0; i < 8; i++)
		*v = *v << 8 | b[i];
	return TRUE;
}

static gboolean
parse_icmp(const struct nlattr **tb, int v6, struct exp_ct_tuple *t)
{
	uint8_t type, code;
	uint16_t id = 0;

	if (!get_bytes(tb[v6 ? CTA_PROTO_ICMPV6_TYPE : CTA_PROTO_ICMP_TYPE],
	        &type, 1) ||
	    !get_bytes(tb[v6 ? CTA_PROTO_ICMPV6_CODE : CTA_PROTO_ICMP_CODE],
	        &code, 1))
		return FALSE;
	(void)get_be16(tb[v6 ? CTA_PROTO_ICMPV6_ID : CTA_PROTO_ICMP_ID], &id);
	t->sport = id;
	t->dport = (uint16_t)(type << 8 | code);
	return TRUE;
}

static gboolean
parse_proto(const struct nlattr *a, struct exp_ct *ct, struct exp_ct_tuple *t)
{
	const struct nlattr *tb[MAX_ATTR];

	if (!index_nested(a, tb) ||
	    !get_bytes(tb[CTA_PROTO_NUM], &ct->proto, 1))
		return FALSE;
	if (ct->proto == 1 || ct->proto == 58)
		return parse_icmp(tb, ct->proto == 58, t);
	/* Protocols without ports (GRE keys aside) carry none. */
	(void)get_be16(tb[CTA_PROTO_SRC_PORT], &t->sport);
	(void)get_be16(tb[CTA_PROTO_DST_PORT], &t->dport);
	return TRUE;
}

static gboolean
parse_tuple(const struct nlattr *a, struct exp_ct *ct, struct exp_ct_tuple *t)
{
	const struct nlattr *tb[MAX_ATTR], *ip[MAX_ATTR];

	if (a == NULL || !index_nested(a, tb) || tb[CTA_TUPLE_IP] == NULL ||
	    tb[CTA_TUPLE_PROTO] == NULL || !index_nested(tb[CTA_TUPLE_IP], ip))
		return FALSE;
	if (ct->family == MF_AF_INET) {
		if (!get_bytes(ip[CTA_IP_V4_SRC], t->src, 4) ||
		    !get_bytes(ip[CTA_IP_V4_DST], t->dst, 4))
			return FALSE;
	} else if (!get_bytes(ip[CTA_IP_V6_SRC], t->src, 16) ||
	    !get_bytes(ip[CTA_IP_V6_DST], t->dst, 16)) {
		return FALSE;
	}
	return parse_proto(tb[CTA_TUPLE_PROTO], ct, t);
}

/* Counters of one direction; FALSE if absent or malformed. */
static gboolean
parse_counters(const struct nlattr *a, uint64_t *packets, uint64_t *bytes)
{
	const struct nlattr *tb[MAX_ATTR];

	return a != NULL && index_nested(a, tb) &&
	    get_be64(tb[CTA_COUNTERS_PACKETS], packets) &&
	    get_be64(tb[CTA_COUNTERS_BYTES], bytes);
}

static void
parse_extras(const struct nlattr **tb, struct exp_ct *ct)
{
	const struct nlattr *ts[MAX_ATTR], *pi[MAX_ATTR], *tcp[MAX_ATTR];

	ct->counters = parse_counters(tb[CTA_COUNTERS_ORIG], &ct->packets[0],
	                   &ct->bytes[0]) &&
	    parse_counters(tb[CTA_COUNTERS_REPLY], &ct->packets[1],
	        &ct->bytes[1]);
	if (tb[CTA_TIMESTAMP] != NULL && index_nested(tb[CTA_TIMESTAMP], ts)) {
		(void)get_be64(ts[CTA_TIMESTAMP_START], &ct->start_ns);
		(void)get_be64(ts[CTA_TIMESTAMP_STOP], &ct->stop_ns);
	}
	(void)get_be32(tb[CTA_ID], &ct->id);
	(void)get_be32(tb[CTA_STATUS], &ct->status);
	(void)get_be32(tb[CTA_MARK], &ct->mark);
	(void)get_be16(tb[CTA_ZONE], &ct->zone);
	if (tb[CTA_PROTOINFO] != NULL && index_nested(tb[CTA_PROTOINFO], pi) &&
	    pi[CTA_PROTOINFO_TCP] != NULL &&
	    index_nested(pi[CTA_PROTOINFO_TCP], tcp) &&
	    get_bytes(tcp[CTA_PROTOINFO_TCP_STATE], &ct->tcp_state, 1))
		ct->has_tcp_state = 1;
}

enum exp_ct_parse_result
exp_ctflow_parse(const void *buf, size_t len, struct exp_ct *ct,
    enum exp_ct_event *ev)
{
	const struct nlmsghdr *nlh = buf;
	const struct nfgenmsg *g;
	const struct nlattr *tb[MAX_ATTR];
	size_t hl = (sizeof(struct nfgenmsg) + 3) & ~(size_t)3; /* MNL_ALIGN */
	uint16_t type;

	memset(ct, 0, sizeof(*ct));
	/* mnl_nlmsg_ok() compares nlmsg_len as an int: check it first. */
	if (len < sizeof(*nlh) || len > INT_MAX || nlh->nlmsg_len > len ||
	    !mnl_nlmsg_ok(nlh, (int)len))
		return EXP_CT_PARSE_MALFORMED;
	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_CTNETLINK)
		return EXP_CT_PARSE_SKIP;
	type = NFNL_MSG_TYPE(nlh->nlmsg_type);
	if (type != IPCTNL_MSG_CT_NEW && type != IPCTNL_MSG_CT_DELETE)
		return EXP_CT_PARSE_SKIP;
	if (mnl_nlmsg_get_payload_len(nlh) < hl)
		return EXP_CT_PARSE_MALFORMED;
	g = mnl_nlmsg_get_payload(nlh);
	if (g->nfgen_family == AF_INET)
		ct->family = MF_AF_INET;
	else if (g->nfgen_family == AF_INET6)
		ct->family = MF_AF_INET6;
	else
		return EXP_CT_PARSE_FAMILY;
	if (!index_attrs((const uint8_t *)g + hl,
	        mnl_nlmsg_get_payload_len(nlh) - hl, tb) ||
	    !parse_tuple(tb[CTA_TUPLE_ORIG], ct, &ct->tuple[EXP_CT_ORIG]) ||
	    !parse_tuple(tb[CTA_TUPLE_REPLY], ct, &ct->tuple[EXP_CT_REPLY]))
		return EXP_CT_PARSE_MALFORMED;
	parse_extras(tb, ct);
	if (type == IPCTNL_MSG_CT_DELETE)
		*ev = EXP_CT_DESTROY;
	else if (nlh->nlmsg_flags & NLM_F_CREATE)
		*ev = EXP_CT_NEW;
	else
		*ev = EXP_CT_UPDATE;
	return EXP_CT_PARSE_OK;
}

/* --- the table of connections -------------------------------------------- */

struct ct_key {
	struct exp_ct_tuple orig;
	uint32_t id;
	uint16_t zone;
	uint8_t family, proto;
};

struct ct_entry {
	struct ct_key key;   /* first: the table's key */
	uint64_t packets[2]; /* exported so far, per direction */
	uint64_t bytes[2];
	uint64_t slice_ms; /* start of the slice not yet exported */
	uint32_t dump_gen; /* last dump (or event during it) */
	uint8_t started;   /* slice_ms is set */
	uint8_t slices;    /* slices exported (saturating) */
	uint8_t completed; /* TCP: reached ESTABLISHED (or assured) */
};

struct exp_ctflow {
	struct exp_ctflow_config cfg;
	GHashTable *conns; /* struct ct_key -> struct ct_entry (owned) */
	exp_ctflow_export_fn fn;
	void *ctx;
	uint32_t gen;
	gboolean final; /* in the last dump */
	struct exp_ctflow_stats stats;
};

static guint
key_hash(gconstpointer p)
{
	const struct ct_key *k = p;

	/* The kernel's id is already a keyed hash of the connection. */
	return k->id ^ (guint)k->orig.sport << 16 ^ k->orig.dport;
}

static gboolean
key_equal(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, sizeof(struct ct_key)) == 0;
}

struct exp_ctflow *
exp_ctflow_new(const struct exp_ctflow_config *cfg, exp_ctflow_export_fn fn,
    void *ctx, GError **error)
{
	struct exp_ctflow *t;

	if (cfg->max_conns < EXP_CACHE_MIN_FLOWS ||
	    cfg->max_conns > EXP_CACHE_MAX_FLOWS) {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
		    "conntrack table size %zu out of range (%u..%u)",
		    cfg->max_conns, EXP_CACHE_MIN_FLOWS, EXP_CACHE_MAX_FLOWS);
		return NULL;
	}
	t = g_new0(struct exp_ctflow, 1);
	t->cfg = *cfg;
	t->fn = fn;
	t->ctx = ctx;
	t->conns = g_hash_table_new_full(key_hash, key_equal, NULL, g_free);
	return t;
}

void
exp_ctflow_free(struct exp_ctflow *t)
{
	if (t == NULL)
		return;
	g_hash_table_destroy(t->conns);
	g_free(t);
}

const struct exp_ctflow_stats *
exp_ctflow_get_stats(const struct exp_ctflow *t)
{
	return &t->stats;
}

static void
make_key(const struct exp_ct *ct, struct ct_key *k)
{
	memset(k, 0, sizeof(*k)); /* padding too: keys compare as bytes */
	k->orig = ct->tuple[EXP_CT_ORIG];
	k->id = ct->id;
	k->zone = ct->zone;
	k->family = ct->family;
	k->proto = ct->proto;
}

static gboolean
is_completed(const struct exp_ct *ct)
{
	if (ct->status & IPS_ASSURED)
		return TRUE;
	return ct->has_tcp_state &&
	    ct->tcp_state >= TCP_CONNTRACK_ESTABLISHED &&
	    ct->tcp_state <= TCP_CONNTRACK_TIME_WAIT;
}

/*
 * conntrack keeps no TCP flags: a slice's flags say what its state
 * implies.  The first slice starts with SYN (and SYN-ACK in reply when
 * the connection completed); a connection that never completed shows
 * only a SYN, as a half-open one does in pcap mode.
 */
static void
set_tcp_flags(struct exp_flow *f, const struct ct_entry *e, int end)
{
	int first = e->slices == 0;

	if (!e->completed) {
		f->side[0].initial_flags = first ? TCP_SYN : 0;
		return;
	}
	f->side[0].initial_flags = first ? TCP_SYN : TCP_ACK;
	f->side[0].union_flags = (uint8_t)(TCP_ACK | (end ? TCP_FIN : 0));
	f->side[1].initial_flags = first ? (TCP_SYN | TCP_ACK) : TCP_ACK;
	f->side[1].union_flags = (uint8_t)(TCP_ACK | (end ? TCP_FIN : 0));
}

/* FALSE if the reply tuple is the original one reversed: no NAT. */
static gboolean
make_nat(const struct exp_ct *ct, struct exp_nat *n)
{
	const struct exp_ct_tuple *o = &ct->tuple[EXP_CT_ORIG];
	const struct exp_ct_tuple *r = &ct->tuple[EXP_CT_REPLY];

	memset(n, 0, sizeof(*n));
	/* The reply tuple reversed is the original after translation. */
	memcpy(n->post_src, r->dst, 16);
	memcpy(n->post_dst, r->src, 16);
	if (ct->proto == 1 || ct->proto == 58) {
		n->post_sport = o->sport;
		n->post_dport = o->dport;
	} else {
		n->post_sport = r->dport;
		n->post_dport = r->sport;
	}
	return memcmp(n->post_src, o->src, 16) != 0 ||
	    memcmp(n->post_dst, o->dst, 16) != 0 || n->post_sport != o->sport ||
	    n->post_dport != o->dport;
}

/*
 * ICMP: each direction its own flow with its own type and code (echo
 * request 8/0 one way, reply 0/0 the other), as pcap mode sees them.
 */
static void
export_icmp(struct exp_ctflow *t, struct exp_flow *f, const struct exp_ct *ct,
    int reason)
{
	struct exp_nat nat, rnat;
	gboolean has_nat = make_nat(ct, &nat);
	struct exp_side reply = f->side[1];

	memset(&f->side[1], 0, sizeof(f->side[1]));
	if (f->side[0].packets != 0)
		t->fn(f, reason, has_nat ? &nat : NULL, t->ctx);
	memcpy(f->key.addr[0], ct->tuple[EXP_CT_ORIG].dst, 16);
	memcpy(f->key.addr[1], ct->tuple[EXP_CT_ORIG].src, 16);
	f->key.port[1] = ct->tuple[EXP_CT_REPLY].dport;
	f->side[0] = reply;
	memcpy(rnat.post_src, nat.post_dst, 16);
	memcpy(rnat.post_dst, nat.post_src, 16);
	rnat.post_sport = 0;
	rnat.post_dport = f->key.port[1];
	if (f->side[0].packets != 0)
		t->fn(f, reason, has_nat ? &rnat : NULL, t->ctx);
}

static uint32_t
clamp32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* Export what ct's counters add to e's, from e->slice_ms to end_ms. */
static void
export_slice(struct exp_ctflow *t, struct ct_entry *e, const struct exp_ct *ct,
    uint64_t end_ms, int reason)
{
	struct exp_flow f;
	struct exp_nat nat;
	int d;

	memset(&f, 0, sizeof(f));
	f.key.family = ct->family;
	f.key.proto = ct->proto;
	memcpy(f.key.addr[0], ct->tuple[EXP_CT_ORIG].src, 16);
	memcpy(f.key.addr[1], ct->tuple[EXP_CT_ORIG].dst, 16);
	f.key.port[0] = ct->tuple[EXP_CT_ORIG].sport;
	f.key.port[1] = ct->tuple[EXP_CT_ORIG].dport;
	if (ct->proto == 1 || ct->proto == 58)
		f.key.port[0] = 0; /* as pcap mode: type and code only */
	if (end_ms < e->slice_ms)
		end_ms = e->slice_ms;
	f.period_ms = e->slice_ms;
	f.last_ms = end_ms;
	for (d = 0; d < 2; d++) {
		uint64_t dp = ct->packets[d], db = ct->bytes[d];

		if (dp < e->packets[d] || db < e->bytes[d]) {
			t->stats.counter_back++; /* zeroed: start over */
			e->packets[d] = e->bytes[d] = 0;
		}
		f.side[d].packets = clamp32(dp - e->packets[d]);
		f.side[d].octets = db - e->bytes[d];
		f.side[d].last_off = clamp32(end_ms - e->slice_ms);
		e->packets[d] += f.side[d].packets;
		e->bytes[d] = db;
	}
	if (ct->proto == 6)
		set_tcp_flags(&f, e, reason == MF_END_OF_FLOW);
	e->slice_ms = end_ms;
	if (f.side[0].packets == 0 && f.side[1].packets == 0) {
		t->stats.unchanged++;
		return;
	}
	if (e->slices < UINT8_MAX)
		e->slices++;
	t->stats.slices++;
	if (ct->proto == 1 || ct->proto == 58)
		export_icmp(t, &f, ct, reason);
	else
		t->fn(&f, reason, make_nat(ct, &nat) ? &nat : NULL, t->ctx);
}

static struct ct_entry *
find_or_add(struct exp_ctflow *t, const struct exp_ct *ct, uint64_t now_ms)
{
	struct ct_key k;
	struct ct_entry *e;

	make_key(ct, &k);
	if ((e = g_hash_table_lookup(t->conns, &k)) != NULL)
		return e;
	if (g_hash_table_size(t->conns) >= t->cfg.max_conns) {
		t->stats.table_full++;
		return NULL;
	}
	e = g_new0(struct ct_entry, 1);
	e->key = k;
	e->slice_ms = now_ms;
	g_hash_table_add(t->conns, e);
	t->stats.tracked = g_hash_table_size(t->conns);
	t->stats.peak = MAX(t->stats.peak, t->stats.tracked);
	return e;
}

/* The first slice starts when the kernel saw the first packet, if told. */
static void
note_start(struct ct_entry *e, const struct exp_ct *ct)
{
	if (e->started || ct->start_ns == 0)
		return;
	e->slice_ms = ct->start_ns / 1000000;
	e->started = 1;
}

static void
on_destroy(struct exp_ctflow *t, const struct exp_ct *ct, uint64_t now_ms)
{
	struct ct_entry tmp, *e = find_or_add(t, ct, now_ms);
	uint64_t end_ms = ct->stop_ns ? ct->stop_ns / 1000000 : now_ms;

	if (e == NULL) {
		/* Untracked (table full): export it whole. */
		memset(&tmp, 0, sizeof(tmp));
		tmp.slice_ms = now_ms;
		e = &tmp;
	}
	note_start(e, ct);
	if (is_completed(ct))
		e->completed = 1;
	if (ct->proto == 6 && !e->completed)
		t->stats.incomplete++;
	if (!ct->counters)
		t->stats.no_counters++;
	else
		export_slice(t, e, ct, end_ms, MF_END_OF_FLOW);
	if (e != &tmp)
		g_hash_table_remove(t->conns, &e->key);
	t->stats.tracked = g_hash_table_size(t->conns);
}

void
exp_ctflow_event(struct exp_ctflow *t, const struct exp_ct *ct,
    enum exp_ct_event ev, uint64_t now_ms)
{
	struct ct_entry *e;

	t->stats.events[ev]++;
	if (ev == EXP_CT_DESTROY) {
		on_destroy(t, ct, now_ms);
		return;
	}
	if ((e = find_or_add(t, ct, now_ms)) == NULL)
		return;
	e->dump_gen = t->gen;
	note_start(e, ct);
	if (is_completed(ct))
		e->completed = 1;
	if (ev == EXP_CT_DUMP && ct->counters)
		export_slice(t, e, ct, now_ms,
		    t->final ? MF_END_FORCED : MF_END_ACTIVE_TIMEOUT);
}

void
exp_ctflow_dump_begin(struct exp_ctflow *t, gboolean final)
{
	t->gen++;
	t->final = final;
}

static gboolean
gone(gpointer key, gpointer value, gpointer data)
{
	const struct ct_entry *e = value;
	struct exp_ctflow *t = data;

	(void)key;
	if (e->dump_gen == t->gen)
		return FALSE;
	t->stats.lost_ended++;
	return TRUE;
}

void
exp_ctflow_dump_end(struct exp_ctflow *t)
{
	g_hash_table_foreach_remove(t->conns, gone, t);
	t->stats.tracked = g_hash_table_size(t->conns);
}
