/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-fixflow"

#include <stddef.h>
#include <string.h>

#include <glib.h>

#include "collector/ingest/fixflow.h"
#include "common/addr.h"
#include "common/model.h"

#define NTP_UNIX_OFFSET 2208988800ULL /* 1900 to 1970, seconds */

#define F(pen, id, f)                                            \
	{                                                        \
		pen, id, sizeof(((struct col_fixflow *)0)->f),   \
		    (uint16_t)offsetof(struct col_fixflow, f), 0 \
	}
#define R MF_PEN_REVERSE
#define C MF_PEN_CERT

#define V(pen, id, f)                                                          \
	{                                                                      \
		pen, id, MF_VARLEN, (uint16_t)offsetof(struct col_fixflow, f), \
		    MF_FK_VARLEN                                               \
	}

static const struct mf_field fields[] = {
	/* YAF's DPI lists: libfixbuf reads them (no compiled reader). */
	{ 0, MF_IE_SUB_TEMPLATE_MULTI_LIST, MF_VARLEN,
	    (uint16_t)offsetof(struct col_fixflow, dpi), 0 },
	V(C, MF_CERT_DNS_QNAME, qname),
	V(C, MF_CERT_SSL_SERVER_NAME, sni),
	V(C, MF_CERT_HTTP_HOST, host),
	V(MF_PEN_MINFLOW, MF_OWN_PROCESS_NAME, process),
	F(0, 152, start_ms),
	F(0, 153, end_ms),
	F(0, 154, start_us),
	F(0, 155, end_us),
	F(0, 156, start_ns),
	F(0, 157, end_ns),
	F(0, 1, octets),
	F(0, 2, packets),
	F(0, 85, octets_total),
	F(0, 86, packets_total),
	F(R, 1, rev_octets),
	F(R, 2, rev_packets),
	F(R, 85, rev_octets_total),
	F(R, 86, rev_packets_total),
	F(0, 160, init_ms),
	F(0, 27, src6),
	F(0, 28, dst6),
	F(0, 8, src4),
	F(0, 12, dst4),
	F(0, 10, ingress),
	F(0, 14, egress),
	F(MF_PEN_MINFLOW, MF_OWN_PROCESS_ID, pid),
	F(0, 150, start_s),
	F(0, 151, end_s),
	F(0, 22, start_up),
	F(0, 21, end_up),
	F(0, 158, start_delta_us),
	F(0, 159, end_delta_us),
	F(C, MF_CERT_REVERSE_FLOW_DELTA_MILLISECONDS, rev_delta_ms),
	F(0, 7, sport),
	F(0, 11, dport),
	F(0, 58, vlan),
	F(0, 32, icmp4),
	F(0, 139, icmp6),
	F(C, 33, silk_app),
	F(0, 6, tcp_flags),
	F(R, 6, rev_tcp_flags),
	F(0, 56, src_mac),
	F(0, 80, dst_mac),
	F(0, 4, proto),
	F(C, 14, initial_flags),
	F(C, 15, union_flags),
	F(C, 14 | MF_CERT_REVERSE, rev_initial_flags),
	F(C, 15 | MF_CERT_REVERSE, rev_union_flags),
	F(MF_PEN_MINFLOW, MF_OWN_LABEL_SOURCE, label_source),
	F(0, 136, end_reason),
};

const struct mf_template col_fixflow_tmpl = { COL_FIXFLOW_TID,
	(uint16_t)G_N_ELEMENTS(fields), 0, "collector-flow", fields };

int
col_fixflow_find(uint32_t pen, uint16_t id)
{
	size_t i;

	G_STATIC_ASSERT(G_N_ELEMENTS(fields) <= COL_FIXFLOW_MAX_FIELDS);

	for (i = 0; i < G_N_ELEMENTS(fields); i++)
		if (fields[i].id == id && fields[i].pen == pen)
			return (int)i;
	return -1;
}

static uint64_t
ntp_to_ms(uint64_t ntp)
{
	uint64_t secs = ntp >> 32, frac = ntp & 0xffffffffu;

	if (secs < NTP_UNIX_OFFSET)
		return 0;
	return (secs - NTP_UNIX_OFFSET) * 1000 + ((frac * 1000) >> 32);
}

/* The flow's absolute times from whichever elements it carried. */
static gboolean
flow_times(const struct col_fixflow *x, uint64_t boot_ms, uint64_t export_ms,
    uint64_t *start, uint64_t *end)
{
	uint64_t boot = x->init_ms != 0 ? x->init_ms : boot_ms;

	if (x->end_ms != 0) {
		*start = x->start_ms, *end = x->end_ms;
	} else if (x->end_us != 0) {
		*start = ntp_to_ms(x->start_us), *end = ntp_to_ms(x->end_us);
	} else if (x->end_ns != 0) {
		*start = ntp_to_ms(x->start_ns), *end = ntp_to_ms(x->end_ns);
	} else if (x->end_s != 0) {
		*start = (uint64_t)x->start_s * 1000;
		*end = (uint64_t)x->end_s * 1000;
	} else if (x->end_up != 0 && boot != 0) {
		*start = boot + x->start_up, *end = boot + x->end_up;
	} else if (x->start_delta_us != 0 || x->end_delta_us != 0) {
		*start = export_ms - x->start_delta_us / 1000;
		*end = export_ms - x->end_delta_us / 1000;
	} else {
		*start = *end = export_ms;
		return FALSE;
	}
	if (*start == 0 || *start > *end)
		*start = *end;
	return TRUE;
}
/*
 * The label: the first non-empty of the label elements, cut to what
 * col_flow keeps and at a NUL (the report makes the rest valid UTF-8).
 */
static void
take_label(const struct col_fixflow *x, struct col_flow *f)
{
	const struct mf_varfield *v = x->qname.len > 0 ? &x->qname
	    : x->sni.len > 0                           ? &x->sni
	                                               : &x->host;
	size_t i, n = MIN(v->len, sizeof(f->label) - 1);

	for (i = 0; i < n && v->buf != NULL && v->buf[i] != 0; i++)
		f->label[i] = (char)v->buf[i];
	f->label[i] = '\0';
	f->label_source = x->label_source;
}

/* --processes: the local process, cut like the label. */
static void
take_process(const struct col_fixflow *x, struct col_flow *f)
{
	size_t i, n = MIN(x->process.len, sizeof(f->process) - 1);

	for (i = 0; i < n && x->process.buf != NULL && x->process.buf[i] != 0;
	     i++)
		f->process[i] = (char)x->process.buf[i];
	f->process[i] = '\0';
	f->pid = x->pid;
}

static void
to_flow(const struct col_fixflow *x, struct col_flow *f)
{
	memset(f, 0, sizeof(*f));
	if (x->src4 != 0 || x->dst4 != 0) {
		uint8_t b[4];

		b[0] = (uint8_t)(x->src4 >> 24),
		b[1] = (uint8_t)(x->src4 >> 16);
		b[2] = (uint8_t)(x->src4 >> 8), b[3] = (uint8_t)x->src4;
		mf_addr_set4(&f->src, b);
		b[0] = (uint8_t)(x->dst4 >> 24),
		b[1] = (uint8_t)(x->dst4 >> 16);
		b[2] = (uint8_t)(x->dst4 >> 8), b[3] = (uint8_t)x->dst4;
		mf_addr_set4(&f->dst, b);
	} else {
		mf_addr_set6(&f->src, x->src6);
		mf_addr_set6(&f->dst, x->dst6);
	}
	f->packets = x->packets != 0 ? x->packets : x->packets_total;
	f->octets = x->octets != 0 ? x->octets : x->octets_total;
	f->rev_packets =
	    x->rev_packets != 0 ? x->rev_packets : x->rev_packets_total;
	f->rev_octets =
	    x->rev_octets != 0 ? x->rev_octets : x->rev_octets_total;
	f->ingress = x->ingress, f->egress = x->egress;
	f->sport = x->sport, f->dport = x->dport, f->vlan = x->vlan;
	if ((x->proto == 1 || x->proto == 58) && f->dport == 0)
		f->dport = x->proto == 1 ? x->icmp4
		    : x->icmp6 != 0      ? x->icmp6
		                         : x->icmp4; /* v9: ICMP_TYPE */
	f->app_port = x->silk_app;
	f->proto = x->proto;
	f->tcp_flags =
	    (uint8_t)x->tcp_flags | x->initial_flags | x->union_flags;
	f->rev_tcp_flags = (uint8_t)x->rev_tcp_flags | x->rev_initial_flags |
	    x->rev_union_flags;
	f->initial_flags = x->initial_flags, f->union_flags = x->union_flags;
	f->rev_initial_flags = x->rev_initial_flags;
	f->rev_union_flags = x->rev_union_flags;
	f->rev_delta_ms = x->rev_delta_ms;
	f->end_reason = x->end_reason;
	memcpy(f->src_mac, x->src_mac, 6);
	memcpy(f->dst_mac, x->dst_mac, 6);
	f->has_mac = memcmp(x->src_mac, "\0\0\0\0\0\0", 6) != 0 ||
	    memcmp(x->dst_mac, "\0\0\0\0\0\0", 6) != 0;
	take_label(x, f);
	take_process(x, f);
}

gboolean
col_fixflow_take(const struct col_fixflow *x, uint64_t boot_ms,
    uint64_t export_ms, struct col_flow *f)
{
	to_flow(x, f);
	return flow_times(x, boot_ms, export_ms, &f->start_ms, &f->end_ms);
}
