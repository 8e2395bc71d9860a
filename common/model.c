/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-model"

#include <stddef.h>
#include <string.h>

#include <glib.h>

#include "common/model.h"

#define RECF(f) (uint16_t) offsetof(struct mf_flow_rec, f)
#define FIELD(pen, id, f)                                                 \
	{                                                                 \
		pen, id, sizeof(((struct mf_flow_rec *)0)->f), RECF(f), 0 \
	}
#define VFIELD(pen, id, f)                                \
	{                                                 \
		pen, id, MF_VARLEN, RECF(f), MF_FK_VARLEN \
	}
#define STATF(f) (uint16_t) offsetof(struct mf_stats_rec, f)
#define SFIELD(pen, id, f)                                                  \
	{                                                                   \
		pen, id, sizeof(((struct mf_stats_rec *)0)->f), STATF(f), 0 \
	}

const char *const mf_label_source_names[MF_LABEL_N_SOURCES] = {
	"none",
	"dns",
	"dns-other-client",
	"tls-sni",
	"http-host",
};

const char *const mf_device_source_names[MF_DEVICE_N_SOURCES] = {
	NULL,
	"dhcp",
	"dhcpv6",
	"lease",
	"mdns",
};

/* Every field of struct mf_flow_rec, in struct order. */
static const struct mf_field flow_internal_fields[] = {
	VFIELD(0, MF_IE_HTTP_REQUEST_HOST, label),
	VFIELD(MF_PEN_CERT, MF_CERT_DNS_QNAME, label_dns),
	VFIELD(MF_PEN_CERT, MF_CERT_SSL_SERVER_NAME, label_sni),
	VFIELD(MF_PEN_CERT, MF_CERT_HTTP_HOST, label_host),
	VFIELD(MF_PEN_MINFLOW, MF_OWN_PROCESS_NAME, process),
	FIELD(0, MF_IE_FLOW_START_MILLISECONDS, start_ms),
	FIELD(0, MF_IE_FLOW_END_MILLISECONDS, end_ms),
	FIELD(0, MF_IE_OCTET_DELTA_COUNT, octets),
	FIELD(0, MF_IE_PACKET_DELTA_COUNT, packets),
	FIELD(MF_PEN_REVERSE, MF_IE_OCTET_DELTA_COUNT, rev_octets),
	FIELD(MF_PEN_REVERSE, MF_IE_PACKET_DELTA_COUNT, rev_packets),
	FIELD(0, MF_IE_SOURCE_IPV6_ADDRESS, src6),
	FIELD(0, MF_IE_DESTINATION_IPV6_ADDRESS, dst6),
	FIELD(0, MF_IE_POST_NAT_SOURCE_IPV6_ADDRESS, post_src6),
	FIELD(0, MF_IE_POST_NAT_DESTINATION_IPV6_ADDRESS, post_dst6),
	FIELD(0, MF_IE_SOURCE_IPV4_ADDRESS, src4),
	FIELD(0, MF_IE_DESTINATION_IPV4_ADDRESS, dst4),
	FIELD(0, MF_IE_POST_NAT_SOURCE_IPV4_ADDRESS, post_src4),
	FIELD(0, MF_IE_POST_NAT_DESTINATION_IPV4_ADDRESS, post_dst4),
	FIELD(0, MF_IE_INGRESS_INTERFACE, ingress),
	FIELD(0, MF_IE_EGRESS_INTERFACE, egress),
	FIELD(MF_PEN_CERT, MF_CERT_REVERSE_FLOW_DELTA_MILLISECONDS,
	    rev_delta_ms),
	FIELD(MF_PEN_MINFLOW, MF_OWN_PROCESS_ID, pid),
	FIELD(0, MF_IE_SOURCE_TRANSPORT_PORT, sport),
	FIELD(0, MF_IE_DESTINATION_TRANSPORT_PORT, dport),
	FIELD(0, MF_IE_POST_NAPT_SOURCE_TRANSPORT_PORT, post_sport),
	FIELD(0, MF_IE_POST_NAPT_DESTINATION_TRANSPORT_PORT, post_dport),
	FIELD(0, MF_IE_VLAN_ID, vlan),
	FIELD(0, MF_IE_ICMP_TYPE_CODE_IPV4, icmp4),
	FIELD(0, MF_IE_ICMP_TYPE_CODE_IPV6, icmp6),
	FIELD(MF_PEN_CERT, MF_CERT_SILK_APP_LABEL, silk_app),
	FIELD(0, MF_IE_SOURCE_MAC_ADDRESS, src_mac),
	FIELD(0, MF_IE_DESTINATION_MAC_ADDRESS, dst_mac),
	FIELD(0, MF_IE_APPLICATION_ID, app_id),
	FIELD(0, MF_IE_PROTOCOL_IDENTIFIER, proto),
	FIELD(0, MF_IE_IP_CLASS_OF_SERVICE, tos),
	FIELD(0, MF_IE_TCP_CONTROL_BITS, tcp_flags),
	FIELD(MF_PEN_CERT, MF_CERT_INITIAL_TCP_FLAGS, initial_flags),
	FIELD(MF_PEN_CERT, MF_CERT_UNION_TCP_FLAGS, union_flags),
	FIELD(MF_PEN_CERT, MF_CERT_INITIAL_TCP_FLAGS | MF_CERT_REVERSE,
	    rev_initial_flags),
	FIELD(MF_PEN_CERT, MF_CERT_UNION_TCP_FLAGS | MF_CERT_REVERSE,
	    rev_union_flags),
	FIELD(MF_PEN_MINFLOW, MF_OWN_LABEL_SOURCE, label_source),
	FIELD(0, MF_IE_FLOW_END_REASON, end_reason),
};

/*
 * The uniflow wire templates.  Order: times, addresses, ports, protocol,
 * counters, then the rest; nfdump, SiLK, pmacct and tshark read them all.
 */
#define FLOW_COMMON_HEAD                                   \
	FIELD(0, MF_IE_FLOW_START_MILLISECONDS, start_ms), \
	    FIELD(0, MF_IE_FLOW_END_MILLISECONDS, end_ms)
#define FLOW_PORTS                                             \
	FIELD(0, MF_IE_SOURCE_TRANSPORT_PORT, sport),          \
	    FIELD(0, MF_IE_DESTINATION_TRANSPORT_PORT, dport), \
	    FIELD(0, MF_IE_PROTOCOL_IDENTIFIER, proto)
#define FLOW_COUNTS                                      \
	FIELD(0, MF_IE_TCP_CONTROL_BITS, tcp_flags),     \
	    FIELD(0, MF_IE_OCTET_DELTA_COUNT, octets),   \
	    FIELD(0, MF_IE_PACKET_DELTA_COUNT, packets), \
	    FIELD(0, MF_IE_INGRESS_INTERFACE, ingress),  \
	    FIELD(0, MF_IE_EGRESS_INTERFACE, egress),    \
	    FIELD(0, MF_IE_VLAN_ID, vlan),               \
	    FIELD(0, MF_IE_SOURCE_MAC_ADDRESS, src_mac), \
	    FIELD(0, MF_IE_DESTINATION_MAC_ADDRESS, dst_mac)
#define FLOW_COMMON_TAIL                                                   \
	FLOW_PORTS, FIELD(0, MF_IE_IP_CLASS_OF_SERVICE, tos), FLOW_COUNTS, \
	    FIELD(0, MF_IE_APPLICATION_ID, app_id),                        \
	    FIELD(0, MF_IE_FLOW_END_REASON, end_reason)
/*
 * The label: in IPFIX, one CERT string element per source (only the one
 * that applies is non-empty) and labelSource; in v9, which has neither
 * enterprise nor variable-length elements, httpRequestHost (460) of
 * MF_V9_LABEL_LEN bytes, zero-padded or cut.
 */
#define FLOW_LABELS                                                  \
	VFIELD(MF_PEN_CERT, MF_CERT_DNS_QNAME, label_dns),           \
	    VFIELD(MF_PEN_CERT, MF_CERT_SSL_SERVER_NAME, label_sni), \
	    VFIELD(MF_PEN_CERT, MF_CERT_HTTP_HOST, label_host),      \
	    FIELD(MF_PEN_MINFLOW, MF_OWN_LABEL_SOURCE, label_source)
#define FLOW_CERT_TAIL                                                    \
	FIELD(MF_PEN_CERT, MF_CERT_SILK_APP_LABEL, silk_app),             \
	    FIELD(MF_PEN_CERT, MF_CERT_INITIAL_TCP_FLAGS, initial_flags), \
	    FIELD(MF_PEN_CERT, MF_CERT_UNION_TCP_FLAGS, union_flags),     \
	    FLOW_LABELS,                                                  \
	{                                                                 \
		0, MF_IE_HTTP_REQUEST_HOST, MF_V9_LABEL_LEN, RECF(label), \
		    MF_FK_FIXSTR                                          \
	}
#define BIFLOW_TAIL                                                         \
	FIELD(MF_PEN_REVERSE, MF_IE_OCTET_DELTA_COUNT, rev_octets),         \
	    FIELD(MF_PEN_REVERSE, MF_IE_PACKET_DELTA_COUNT, rev_packets),   \
	    FIELD(MF_PEN_CERT, MF_CERT_INITIAL_TCP_FLAGS | MF_CERT_REVERSE, \
	        rev_initial_flags),                                         \
	    FIELD(MF_PEN_CERT, MF_CERT_UNION_TCP_FLAGS | MF_CERT_REVERSE,   \
	        rev_union_flags),                                           \
	    FIELD(MF_PEN_CERT, MF_CERT_REVERSE_FLOW_DELTA_MILLISECONDS,     \
	        rev_delta_ms)

/* Every uniflow field of one family; the other templates add to them. */
#define FLOW4_FIELDS                                                          \
	FLOW_COMMON_HEAD, FIELD(0, MF_IE_SOURCE_IPV4_ADDRESS, src4),          \
	    FIELD(0, MF_IE_DESTINATION_IPV4_ADDRESS, dst4), FLOW_COMMON_TAIL, \
	    FIELD(0, MF_IE_ICMP_TYPE_CODE_IPV4, icmp4), FLOW_CERT_TAIL
#define FLOW6_FIELDS                                                          \
	FLOW_COMMON_HEAD, FIELD(0, MF_IE_SOURCE_IPV6_ADDRESS, src6),          \
	    FIELD(0, MF_IE_DESTINATION_IPV6_ADDRESS, dst6), FLOW_COMMON_TAIL, \
	    FIELD(0, MF_IE_ICMP_TYPE_CODE_IPV6, icmp6), FLOW_CERT_TAIL

static const struct mf_field flow4_fields[] = {
	FLOW4_FIELDS,
};

static const struct mf_field flow6_fields[] = {
	FLOW6_FIELDS,
};

static const struct mf_field biflow4_fields[] = {
	FLOW4_FIELDS,
	BIFLOW_TAIL,
};

static const struct mf_field biflow6_fields[] = {
	FLOW6_FIELDS,
	BIFLOW_TAIL,
};

/* --conntrack: flow4/flow6 and where NAT translated the packets. */
#define POST_NAPT_PORTS                                              \
	FIELD(0, MF_IE_POST_NAPT_SOURCE_TRANSPORT_PORT, post_sport), \
	    FIELD(0, MF_IE_POST_NAPT_DESTINATION_TRANSPORT_PORT, post_dport)
static const struct mf_field nat4_fields[] = {
	FLOW4_FIELDS,
	FIELD(0, MF_IE_POST_NAT_SOURCE_IPV4_ADDRESS, post_src4),
	FIELD(0, MF_IE_POST_NAT_DESTINATION_IPV4_ADDRESS, post_dst4),
	POST_NAPT_PORTS,
};
static const struct mf_field nat6_fields[] = {
	FLOW6_FIELDS,
	FIELD(0, MF_IE_POST_NAT_SOURCE_IPV6_ADDRESS, post_src6),
	FIELD(0, MF_IE_POST_NAT_DESTINATION_IPV6_ADDRESS, post_dst6),
	POST_NAPT_PORTS,
};

/*
 * --processes: the flow templates and the local process that owns the
 * flow's socket (exporter/procs.h); an empty name and 0 when none does.
 */
#define PROC_TAIL                                             \
	VFIELD(MF_PEN_MINFLOW, MF_OWN_PROCESS_NAME, process), \
	    FIELD(MF_PEN_MINFLOW, MF_OWN_PROCESS_ID, pid)
static const struct mf_field proc4_fields[] = {
	FLOW4_FIELDS,
	PROC_TAIL,
};
static const struct mf_field proc6_fields[] = {
	FLOW6_FIELDS,
	PROC_TAIL,
};
static const struct mf_field biproc4_fields[] = {
	FLOW4_FIELDS,
	BIFLOW_TAIL,
	PROC_TAIL,
};
static const struct mf_field biproc6_fields[] = {
	FLOW6_FIELDS,
	BIFLOW_TAIL,
	PROC_TAIL,
};

/* The statistics counters, in struct mf_stats_rec order. */
#define STATS_COUNTERS                                                    \
	SFIELD(0, MF_IE_SYSTEM_INIT_TIME_MILLISECONDS, init_ms),          \
	    SFIELD(0, MF_IE_PACKET_TOTAL_COUNT, packets_seen),            \
	    SFIELD(0, MF_IE_DROPPED_PACKET_TOTAL_COUNT, kernel_drops),    \
	    SFIELD(0, MF_IE_IGNORED_PACKET_TOTAL_COUNT, ignored),         \
	    SFIELD(0, MF_IE_OBSERVED_FLOW_TOTAL_COUNT, flows_created),    \
	    SFIELD(0, MF_IE_EXPORTED_FLOW_RECORD_TOTAL_COUNT,             \
	        records_exported),                                        \
	    SFIELD(0, MF_IE_EXPORTED_MESSAGE_TOTAL_COUNT, messages),      \
	    SFIELD(0, MF_IE_EXPORTED_OCTET_TOTAL_COUNT, octets_exported), \
	    SFIELD(0, MF_IE_NOT_SENT_FLOW_TOTAL_COUNT, not_sent)
#define STATS_CERT_COUNTERS                                                 \
	SFIELD(MF_PEN_CERT, MF_CERT_FLOW_TABLE_FLUSH_EVENT_COUNT,           \
	    evicted_full),                                                  \
	    SFIELD(MF_PEN_CERT, MF_CERT_FLOW_TABLE_PEAK_COUNT, peak_flows), \
	    SFIELD(MF_PEN_CERT, MF_CERT_EXPIRED_FRAGMENT_COUNT, expired_frags)
#define LFIELD(id, i)                                                         \
	{                                                                     \
		MF_PEN_MINFLOW, id, 8, (uint16_t)(STATF(labelled) + 8 * i), 0 \
	}
#define STATS_DNS_COUNTERS                                                 \
	SFIELD(MF_PEN_MINFLOW, MF_OWN_DNS_ANSWERS_PARSED, dns_parsed),     \
	    SFIELD(MF_PEN_MINFLOW, MF_OWN_DNS_ANSWERS_MALFORMED,           \
	        dns_malformed),                                            \
	    SFIELD(MF_PEN_MINFLOW, MF_OWN_DNS_ANSWERS_FRAGMENTED,          \
	        dns_fragmented),                                           \
	    SFIELD(MF_PEN_MINFLOW, MF_OWN_DNS_QUERIES_UNANSWERED,          \
	        dns_unanswered),                                           \
	    SFIELD(MF_PEN_MINFLOW, MF_OWN_DNS_NAMES_CACHED, dns_cached),   \
	    SFIELD(MF_PEN_MINFLOW, MF_OWN_DNS_NAMES_EVICTED, dns_evicted), \
	    LFIELD(MF_OWN_FLOWS_UNLABELLED, MF_LABEL_NONE),                \
	    LFIELD(MF_OWN_FLOWS_LABELLED_DNS, MF_LABEL_DNS),               \
	    LFIELD(MF_OWN_FLOWS_LABELLED_DNS_OTHER,                        \
	        MF_LABEL_DNS_OTHER_CLIENT),                                \
	    LFIELD(MF_OWN_FLOWS_LABELLED_TLS_SNI, MF_LABEL_TLS_SNI),       \
	    LFIELD(MF_OWN_FLOWS_LABELLED_HTTP_HOST, MF_LABEL_HTTP_HOST)
#define STATS_CT_COUNTERS                                       \
	SFIELD(MF_PEN_MINFLOW, MF_OWN_CONNTRACK_LOST, ct_lost), \
	    SFIELD(MF_PEN_MINFLOW, MF_OWN_CONNTRACK_OVERRUNS, ct_overruns)
#define STATS_SCOPE SFIELD(0, MF_IE_OBSERVATION_DOMAIN_ID, domain)

/* Every field of struct mf_stats_rec, in struct order. */
static const struct mf_field stats_internal_fields[] = {
	STATS_COUNTERS,
	STATS_DNS_COUNTERS,
	STATS_CT_COUNTERS,
	STATS_SCOPE,
	STATS_CERT_COUNTERS,
};

/* The scope (observationDomainId) comes first, as RFC 7011 requires. */
static const struct mf_field stats_fields[] = {
	STATS_SCOPE,
	STATS_COUNTERS,
	STATS_CERT_COUNTERS,
	STATS_DNS_COUNTERS,
	STATS_CT_COUNTERS,
};

#define DNSF(f) (uint16_t) offsetof(struct mf_dns_rec, f)
#define DFIELD(pen, id, f)                                               \
	{                                                                \
		pen, id, sizeof(((struct mf_dns_rec *)0)->f), DNSF(f), 0 \
	}
#define DVFIELD(pen, id, f)                               \
	{                                                 \
		pen, id, MF_VARLEN, DNSF(f), MF_FK_VARLEN \
	}
#define DNS_TAIL                                                 \
	DFIELD(0, MF_IE_SOURCE_TRANSPORT_PORT, sport),           \
	    DFIELD(0, MF_IE_DESTINATION_TRANSPORT_PORT, dport),  \
	    DFIELD(0, MF_IE_PROTOCOL_IDENTIFIER, proto),         \
	    DFIELD(MF_PEN_CERT, MF_CERT_DNS_ID, id),             \
	    DFIELD(MF_PEN_CERT, MF_CERT_DNS_QUERY_RESPONSE, qr), \
	    DFIELD(MF_PEN_CERT, MF_CERT_DNS_QR_TYPE, qtype),     \
	    DFIELD(MF_PEN_CERT, MF_CERT_DNS_NXDOMAIN, rcode),    \
	    DFIELD(MF_PEN_CERT, MF_CERT_DNS_TTL, ttl),           \
	    DVFIELD(MF_PEN_CERT, MF_CERT_DNS_QNAME, qname),      \
	    DVFIELD(MF_PEN_CERT, MF_CERT_DNS_CNAME, cname),      \
	    DVFIELD(0, MF_IE_BASIC_LIST, addrs)

/*
 * Options templates scoped by the client (RFC 7011 3.4.2.1 allows any
 * element as scope): collectors that read any data record with an IANA
 * flow element as a flow (nfcapd 1.7.1 stores such DNS records as flows of
 * 0 packets) leave options records alone.
 */
static const struct mf_field dns4_fields[] = {
	DFIELD(0, MF_IE_DESTINATION_IPV4_ADDRESS, client4),
	DFIELD(0, MF_IE_FLOW_START_MILLISECONDS, time_ms),
	DFIELD(0, MF_IE_SOURCE_IPV4_ADDRESS, server4),
	DNS_TAIL,
};

static const struct mf_field dns6_fields[] = {
	DFIELD(0, MF_IE_DESTINATION_IPV6_ADDRESS, client6),
	DFIELD(0, MF_IE_FLOW_START_MILLISECONDS, time_ms),
	DFIELD(0, MF_IE_SOURCE_IPV6_ADDRESS, server6),
	DNS_TAIL,
};

#define DEVF(pen, id, f)                                           \
	{                                                          \
		pen, id, sizeof(((struct mf_device_rec *)0)->f),   \
		    (uint16_t)offsetof(struct mf_device_rec, f), 0 \
	}
#define DEVICE_TAIL                                                     \
	DEVF(0, MF_IE_FLOW_START_MILLISECONDS, time_ms),                \
	    DEVF(MF_PEN_MINFLOW, MF_OWN_DEVICE_LEASE_SECONDS, lease_s), \
	    DEVF(MF_PEN_MINFLOW, MF_OWN_DEVICE_NAME_SOURCE, source),    \
	{                                                               \
		MF_PEN_MINFLOW, MF_OWN_DEVICE_NAME, MF_VARLEN,          \
		    (uint16_t)offsetof(struct mf_device_rec, name),     \
		    MF_FK_VARLEN                                        \
	}

/* Device records: options templates scoped by the device's MAC. */
static const struct mf_field device4_fields[] = {
	DEVF(0, MF_IE_SOURCE_MAC_ADDRESS, mac),
	DEVF(0, MF_IE_SOURCE_IPV4_ADDRESS, addr4),
	DEVICE_TAIL,
};

static const struct mf_field device6_fields[] = {
	DEVF(0, MF_IE_SOURCE_MAC_ADDRESS, mac),
	DEVF(0, MF_IE_SOURCE_IPV6_ADDRESS, addr6),
	DEVICE_TAIL,
};

/*
 * The collector's archive (common/model.h).  No applicationId, ToS or v9
 * label: the collector's normalised record does not keep them.
 */
#define ARCHIVE_TAIL                                                          \
	FLOW_PORTS, FLOW_COUNTS, FIELD(0, MF_IE_FLOW_END_REASON, end_reason), \
	    FIELD(MF_PEN_CERT, MF_CERT_SILK_APP_LABEL, silk_app),             \
	    FIELD(MF_PEN_CERT, MF_CERT_INITIAL_TCP_FLAGS, initial_flags),     \
	    FIELD(MF_PEN_CERT, MF_CERT_UNION_TCP_FLAGS, union_flags),         \
	    FLOW_LABELS
#define ARCHIVE4                                                          \
	FLOW_COMMON_HEAD, FIELD(0, MF_IE_SOURCE_IPV4_ADDRESS, src4),      \
	    FIELD(0, MF_IE_DESTINATION_IPV4_ADDRESS, dst4), ARCHIVE_TAIL, \
	    FIELD(0, MF_IE_ICMP_TYPE_CODE_IPV4, icmp4)
#define ARCHIVE6                                                          \
	FLOW_COMMON_HEAD, FIELD(0, MF_IE_SOURCE_IPV6_ADDRESS, src6),      \
	    FIELD(0, MF_IE_DESTINATION_IPV6_ADDRESS, dst6), ARCHIVE_TAIL, \
	    FIELD(0, MF_IE_ICMP_TYPE_CODE_IPV6, icmp6)
#define ARCHIVE_BI_TAIL                                                     \
	FIELD(MF_PEN_REVERSE, MF_IE_OCTET_DELTA_COUNT, rev_octets),         \
	    FIELD(MF_PEN_REVERSE, MF_IE_PACKET_DELTA_COUNT, rev_packets),   \
	    FIELD(MF_PEN_CERT, MF_CERT_INITIAL_TCP_FLAGS | MF_CERT_REVERSE, \
	        rev_initial_flags),                                         \
	    FIELD(MF_PEN_CERT, MF_CERT_UNION_TCP_FLAGS | MF_CERT_REVERSE,   \
	        rev_union_flags),                                           \
	    FIELD(MF_PEN_CERT, MF_CERT_REVERSE_FLOW_DELTA_MILLISECONDS,     \
	        rev_delta_ms)

static const struct mf_field archive4_fields[] = { ARCHIVE4 };
static const struct mf_field archive6_fields[] = { ARCHIVE6 };
static const struct mf_field archive_bi4_fields[] = { ARCHIVE4,
	ARCHIVE_BI_TAIL };
static const struct mf_field archive_bi6_fields[] = { ARCHIVE6,
	ARCHIVE_BI_TAIL };

#define TMPL(tid, fl, nm, arr)                                \
	{                                                     \
		tid, (uint16_t)G_N_ELEMENTS(arr), fl, nm, arr \
	}

const struct mf_template mf_tmpl_flow_internal =
    TMPL(0, MF_TMPL_IPV4 | MF_TMPL_IPV6 | MF_TMPL_BIFLOW, "flow-internal",
        flow_internal_fields);
const struct mf_template mf_tmpl_stats_internal =
    TMPL(0, 0, "stats-internal", stats_internal_fields);
const struct mf_template mf_tmpl_flow4 =
    TMPL(MF_TID_FLOW4, MF_TMPL_IPV4, "flow4", flow4_fields);
const struct mf_template mf_tmpl_flow6 =
    TMPL(MF_TID_FLOW6, MF_TMPL_IPV6, "flow6", flow6_fields);
const struct mf_template mf_tmpl_biflow4 = TMPL(MF_TID_BIFLOW4,
    MF_TMPL_IPV4 | MF_TMPL_BIFLOW, "biflow4", biflow4_fields);
const struct mf_template mf_tmpl_biflow6 = TMPL(MF_TID_BIFLOW6,
    MF_TMPL_IPV6 | MF_TMPL_BIFLOW, "biflow6", biflow6_fields);
const struct mf_template mf_tmpl_stats =
    TMPL(MF_TID_STATS, MF_TMPL_OPTIONS, "stats", stats_fields);
const struct mf_template mf_tmpl_dns4 = TMPL(MF_TID_DNS4,
    MF_TMPL_IPV4 | MF_TMPL_IPFIX_ONLY | MF_TMPL_OPTIONS, "dns4", dns4_fields);
const struct mf_template mf_tmpl_dns6 = TMPL(MF_TID_DNS6,
    MF_TMPL_IPV6 | MF_TMPL_IPFIX_ONLY | MF_TMPL_OPTIONS, "dns6", dns6_fields);
const struct mf_template mf_tmpl_device4 =
    TMPL(MF_TID_DEVICE4, MF_TMPL_IPV4 | MF_TMPL_IPFIX_ONLY | MF_TMPL_OPTIONS,
        "device4", device4_fields);
const struct mf_template mf_tmpl_device6 =
    TMPL(MF_TID_DEVICE6, MF_TMPL_IPV6 | MF_TMPL_IPFIX_ONLY | MF_TMPL_OPTIONS,
        "device6", device6_fields);
const struct mf_template mf_tmpl_nat4 =
    TMPL(MF_TID_NAT4, MF_TMPL_IPV4 | MF_TMPL_NAT, "nat4", nat4_fields);
const struct mf_template mf_tmpl_nat6 =
    TMPL(MF_TID_NAT6, MF_TMPL_IPV6 | MF_TMPL_NAT, "nat6", nat6_fields);
const struct mf_template mf_tmpl_proc4 =
    TMPL(MF_TID_PROC4, MF_TMPL_IPV4 | MF_TMPL_PROC, "proc4", proc4_fields);
const struct mf_template mf_tmpl_proc6 =
    TMPL(MF_TID_PROC6, MF_TMPL_IPV6 | MF_TMPL_PROC, "proc6", proc6_fields);
const struct mf_template mf_tmpl_biproc4 = TMPL(MF_TID_BIPROC4,
    MF_TMPL_IPV4 | MF_TMPL_BIFLOW | MF_TMPL_PROC, "biproc4", biproc4_fields);
const struct mf_template mf_tmpl_biproc6 = TMPL(MF_TID_BIPROC6,
    MF_TMPL_IPV6 | MF_TMPL_BIFLOW | MF_TMPL_PROC, "biproc6", biproc6_fields);

const struct mf_template mf_tmpl_archive4 = TMPL(MF_TID_ARCHIVE4,
    MF_TMPL_IPV4 | MF_TMPL_IPFIX_ONLY, "archive4", archive4_fields);
const struct mf_template mf_tmpl_archive6 = TMPL(MF_TID_ARCHIVE6,
    MF_TMPL_IPV6 | MF_TMPL_IPFIX_ONLY, "archive6", archive6_fields);
const struct mf_template mf_tmpl_archive_bi4 =
    TMPL(MF_TID_ARCHIVE_BI4, MF_TMPL_IPV4 | MF_TMPL_BIFLOW | MF_TMPL_IPFIX_ONLY,
        "archive-bi4", archive_bi4_fields);
const struct mf_template mf_tmpl_archive_bi6 =
    TMPL(MF_TID_ARCHIVE_BI6, MF_TMPL_IPV6 | MF_TMPL_BIFLOW | MF_TMPL_IPFIX_ONLY,
        "archive-bi6", archive_bi6_fields);

void
mf_model_set_app_id(uint8_t out[3], uint16_t port)
{
	if (port == 0) {
		memset(out, 0, 3);
		return;
	}
	out[0] = MF_APPID_ENGINE_IANA_L4;
	out[1] = (uint8_t)(port >> 8);
	out[2] = (uint8_t)port;
}

#define LIST_SEMANTIC_ALL_OF 0x03 /* RFC 6313 */

size_t
mf_model_addr_list_begin(uint8_t *out, uint8_t family)
{
	uint16_t ie = family == MF_AF_INET ? MF_IE_SOURCE_IPV4_ADDRESS
	                                   : MF_IE_SOURCE_IPV6_ADDRESS;

	out[0] = LIST_SEMANTIC_ALL_OF;
	out[1] = (uint8_t)(ie >> 8);
	out[2] = (uint8_t)ie;
	out[3] = 0;
	out[4] = family == MF_AF_INET ? 4 : 16;
	return MF_ADDR_LIST_HEADER_LEN;
}

size_t
mf_model_addr_list_add(uint8_t *out, size_t n, size_t size, uint8_t family,
    const struct mf_addr *a)
{
	size_t alen = family == MF_AF_INET ? 4 : 16;

	if (a->family != family || n + alen > size)
		return n;
	memcpy(out + n, a->b, alen);
	return n + alen;
}
