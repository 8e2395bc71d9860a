/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MF_MODEL_H
#define MF_MODEL_H

/*
 * model: the wire model, the one place that defines minflow's Information
 * Elements, records and templates.  The templates are static const tables
 * of (enterprise, element, length, offset into the record struct) shared by
 * the message encoder (common/msgenc.c: IPFIX and NetFlow v9), the
 * collector and the tests.  Pure data: nothing here needs libfixbuf, so the
 * exporter does not link it.
 *
 * Elements are the standard IANA ones wherever one exists; CERT's
 * enterprise 6871 supplies the TCP flag variants, silkAppLabel and the
 * statistics elements YAF uses, which libfixbuf 2.4's built-in model lacks:
 * the collector's libfixbuf adapter (collector/ingest/fbmodel.h) adds them.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "common/addr.h"

#define MF_PEN_IANA 0
#define MF_PEN_CERT 6871       /* CERT/NetSA, as used by YAF and SiLK */
#define MF_PEN_REVERSE 29305   /* RFC 5103 reverse elements of IANA ones */
#define MF_CERT_REVERSE 0x4000 /* CERT reverse elements: number | 0x4000 */
/*
 * minflow's own elements (labelSource and the DNS statistics) have no
 * IANA or CERT equivalent.  minflow has no Private Enterprise Number of its
 * own yet: it uses 32473, which RFC 5612 reserves for examples, so that no
 * real enterprise's elements are shadowed.  Collectors that do not know
 * these elements skip them (nfdump, SiLK, tshark show them as unknown).
 */
#define MF_PEN_MINFLOW 32473

/* IANA Information Elements (https://www.iana.org/assignments/ipfix). */
enum mf_ie {
	MF_IE_OCTET_DELTA_COUNT = 1,
	MF_IE_PACKET_DELTA_COUNT = 2,
	MF_IE_PROTOCOL_IDENTIFIER = 4,
	MF_IE_IP_CLASS_OF_SERVICE = 5,
	MF_IE_TCP_CONTROL_BITS = 6,
	MF_IE_SOURCE_TRANSPORT_PORT = 7,
	MF_IE_SOURCE_IPV4_ADDRESS = 8,
	MF_IE_INGRESS_INTERFACE = 10,
	MF_IE_DESTINATION_TRANSPORT_PORT = 11,
	MF_IE_DESTINATION_IPV4_ADDRESS = 12,
	MF_IE_EGRESS_INTERFACE = 14,
	MF_IE_SOURCE_IPV6_ADDRESS = 27,
	MF_IE_DESTINATION_IPV6_ADDRESS = 28,
	MF_IE_ICMP_TYPE_CODE_IPV4 = 32,
	MF_IE_EXPORTED_OCTET_TOTAL_COUNT = 40,
	MF_IE_EXPORTED_MESSAGE_TOTAL_COUNT = 41,
	MF_IE_EXPORTED_FLOW_RECORD_TOTAL_COUNT = 42,
	MF_IE_SOURCE_MAC_ADDRESS = 56,
	MF_IE_VLAN_ID = 58,
	MF_IE_DESTINATION_MAC_ADDRESS = 80,
	MF_IE_PACKET_TOTAL_COUNT = 86,
	MF_IE_APPLICATION_ID = 95,
	MF_IE_DROPPED_PACKET_TOTAL_COUNT = 135,
	MF_IE_FLOW_END_REASON = 136,
	MF_IE_ICMP_TYPE_CODE_IPV6 = 139,
	MF_IE_OBSERVATION_DOMAIN_ID = 149,
	MF_IE_FLOW_START_MILLISECONDS = 152,
	MF_IE_FLOW_END_MILLISECONDS = 153,
	MF_IE_SYSTEM_INIT_TIME_MILLISECONDS = 160,
	MF_IE_OBSERVED_FLOW_TOTAL_COUNT = 163,
	MF_IE_IGNORED_PACKET_TOTAL_COUNT = 164,
	MF_IE_NOT_SENT_FLOW_TOTAL_COUNT = 166,
	MF_IE_POST_NAT_SOURCE_IPV4_ADDRESS = 225,
	MF_IE_POST_NAT_DESTINATION_IPV4_ADDRESS = 226,
	MF_IE_POST_NAPT_SOURCE_TRANSPORT_PORT = 227,
	MF_IE_POST_NAPT_DESTINATION_TRANSPORT_PORT = 228,
	MF_IE_POST_NAT_SOURCE_IPV6_ADDRESS = 281,
	MF_IE_POST_NAT_DESTINATION_IPV6_ADDRESS = 282,
	MF_IE_BASIC_LIST = 291,
	MF_IE_SUB_TEMPLATE_LIST = 292,
	MF_IE_SUB_TEMPLATE_MULTI_LIST = 293,
	MF_IE_HTTP_REQUEST_HOST = 460,
};

/* CERT enterprise 6871 elements (YAF / SiLK names). */
enum mf_cert_ie {
	MF_CERT_INITIAL_TCP_FLAGS = 14,
	MF_CERT_UNION_TCP_FLAGS = 15,
	MF_CERT_REVERSE_FLOW_DELTA_MILLISECONDS = 21,
	MF_CERT_SILK_APP_LABEL = 33,
	MF_CERT_EXPIRED_FRAGMENT_COUNT = 100,
	MF_CERT_FLOW_TABLE_FLUSH_EVENT_COUNT = 104,
	MF_CERT_FLOW_TABLE_PEAK_COUNT = 105,
	MF_CERT_HTTP_HOST = 117,
	MF_CERT_DNS_QUERY_RESPONSE = 174, /* 1 response, 0 query */
	MF_CERT_DNS_QR_TYPE = 175,
	MF_CERT_DNS_NXDOMAIN = 177,   /* YAF puts the response code here */
	MF_CERT_DNS_RR_SECTION = 178, /* YAF: 0 question, 1 answer, 2, 3 */
	MF_CERT_DNS_QNAME = 179,
	MF_CERT_DNS_CNAME = 180,
	MF_CERT_DNS_TTL = 199,
	MF_CERT_DNS_ID = 226,
	MF_CERT_SSL_SERVER_NAME = 294,
};

/* minflow's elements (enterprise MF_PEN_MINFLOW). */
enum mf_own_ie {
	MF_OWN_LABEL_SOURCE = 1, /* enum mf_label_source */
	MF_OWN_DNS_ANSWERS_PARSED = 2,
	MF_OWN_DNS_ANSWERS_MALFORMED = 3,
	MF_OWN_DNS_ANSWERS_FRAGMENTED = 4,
	MF_OWN_DNS_QUERIES_UNANSWERED = 5,
	MF_OWN_DNS_NAMES_CACHED = 6,
	MF_OWN_DNS_NAMES_EVICTED = 7,
	MF_OWN_FLOWS_LABELLED_DNS = 8,
	MF_OWN_FLOWS_LABELLED_DNS_OTHER = 9,
	MF_OWN_FLOWS_LABELLED_TLS_SNI = 10,
	MF_OWN_FLOWS_LABELLED_HTTP_HOST = 11,
	MF_OWN_FLOWS_UNLABELLED = 12,
	MF_OWN_CONNTRACK_LOST = 13,       /* --conntrack: ended unseen */
	MF_OWN_CONNTRACK_OVERRUNS = 14,   /* --conntrack: ENOBUFS */
	MF_OWN_PROCESS_NAME = 15,         /* --processes: string */
	MF_OWN_PROCESS_ID = 16,           /* --processes: unsigned32 */
	MF_OWN_DEVICE_NAME = 17,          /* device records: the host name */
	MF_OWN_DEVICE_NAME_SOURCE = 18,   /* enum mf_device_source */
	MF_OWN_DEVICE_LEASE_SECONDS = 19, /* lease time, 0 unknown */
};

/*
 * Where a device record's name came from (deviceNameSource values), in
 * order of trust: a lower non-zero value is the better name.
 */
enum mf_device_source {
	MF_DEVICE_NONE = 0,
	MF_DEVICE_DHCP = 1,   /* DHCPv4: option 81 FQDN or option 12 */
	MF_DEVICE_DHCPV6 = 2, /* DHCPv6: option 39 client FQDN */
	MF_DEVICE_LEASE = 3,  /* a dnsmasq or odhcpd lease file */
	MF_DEVICE_MDNS = 4,   /* an mDNS answer for NAME.local */
	MF_DEVICE_N_SOURCES
};

/* NULL, "dhcp", "dhcpv6", "lease", "mdns". */
extern const char *const mf_device_source_names[MF_DEVICE_N_SOURCES];

/* Host name bytes a device record carries at most (RFC 1035 name). */
#define MF_DEVICE_NAME_MAX 255

/* Where a flow's label came from (labelSource values). */
enum mf_label_source {
	MF_LABEL_NONE = 0,
	MF_LABEL_DNS = 1,              /* an answer to this flow's client */
	MF_LABEL_DNS_OTHER_CLIENT = 2, /* an answer to another client */
	MF_LABEL_TLS_SNI = 3,          /* the TLS ClientHello server name */
	MF_LABEL_HTTP_HOST = 4,        /* the HTTP/1 Host header */
	MF_LABEL_N_SOURCES
};

/* "none", "dns", "dns-other-client", "tls-sni", "http-host". */
extern const char *const mf_label_source_names[MF_LABEL_N_SOURCES];

/* flowEndReason values (IANA registry). */
enum mf_end_reason {
	MF_END_IDLE_TIMEOUT = 1,
	MF_END_ACTIVE_TIMEOUT = 2,
	MF_END_OF_FLOW = 3,
	MF_END_FORCED = 4,
	MF_END_LACK_OF_RESOURCES = 5,
};

/* RFC 6759 classification engine id for "well-known L4 port". */
#define MF_APPID_ENGINE_IANA_L4 3

/*
 * A variable-length value in a record struct: the same layout as
 * libfixbuf's fbVarfield_t, so one struct serves both the encoder and
 * libfixbuf readers.  A field of length MF_VARLEN reads one; buf need not
 * be NUL-terminated.
 */
struct mf_varfield {
	size_t len;
	const uint8_t *buf;
};

#define MF_VARLEN 65535 /* RFC 7011 variable-length marker */

/* Label bytes a flow record carries at most; v9's fixed label field. */
#define MF_LABEL_MAX 255
#define MF_V9_LABEL_LEN 64

/*
 * The flow record as the encoders read it.  Fields are ordered by size so
 * the struct has no interior padding: libfixbuf reads an internal record
 * as the packed sequence of mf_tmpl_internal's fields.  Integers are host
 * order; addresses and MACs are network-order bytes.
 */
struct mf_flow_rec {
	struct mf_varfield label;      /* the label, any source (v9 field) */
	struct mf_varfield label_dns;  /* dnsQName: source dns, dns-other */
	struct mf_varfield label_sni;  /* sslServerName: source tls-sni */
	struct mf_varfield label_host; /* httpHost: source http-host */
	struct mf_varfield process;    /* processName (--processes) */
	uint64_t start_ms;             /* flowStartMilliseconds, Unix epoch */
	uint64_t end_ms;               /* flowEndMilliseconds */
	uint64_t octets;               /* octetDeltaCount: IP-layer bytes */
	uint64_t packets;      /* packetDeltaCount, never 0 when exported */
	uint64_t rev_octets;   /* reverseOctetDeltaCount (biflow) */
	uint64_t rev_packets;  /* reversePacketDeltaCount (biflow) */
	uint8_t src6[16];      /* sourceIPv6Address, network order */
	uint8_t dst6[16];      /* destinationIPv6Address */
	uint8_t post_src6[16]; /* postNATSourceIPv6Address (nat6) */
	uint8_t post_dst6[16]; /* postNATDestinationIPv6Address (nat6) */
	uint32_t src4;         /* sourceIPv4Address, host order */
	uint32_t dst4;         /* destinationIPv4Address */
	uint32_t post_src4;    /* postNATSourceIPv4Address (nat4) */
	uint32_t post_dst4;    /* postNATDestinationIPv4Address (nat4) */
	uint32_t ingress;      /* ingressInterface */
	uint32_t egress;       /* egressInterface */
	uint32_t rev_delta_ms; /* reverseFlowDeltaMilliseconds (biflow) */
	uint32_t pid;          /* processId (--processes), 0 = none */
	uint16_t sport;        /* sourceTransportPort */
	uint16_t dport;        /* destinationTransportPort */
	uint16_t post_sport;   /* postNAPTSourceTransportPort (nat4/6) */
	uint16_t post_dport;   /* postNAPTDestinationTransportPort */
	uint16_t vlan;         /* vlanId (outer tag) */
	uint16_t icmp4;        /* icmpTypeCodeIPv4: type << 8 | code */
	uint16_t icmp6;        /* icmpTypeCodeIPv6 */
	uint16_t silk_app;     /* silkAppLabel: the service port or 0 */
	uint8_t src_mac[6];    /* sourceMacAddress */
	uint8_t dst_mac[6];    /* destinationMacAddress */
	uint8_t app_id[3];     /* applicationId: engine 3, port */
	uint8_t proto;         /* protocolIdentifier */
	uint8_t tos;           /* ipClassOfService */
	uint8_t tcp_flags;     /* tcpControlBits: union over the flow */
	uint8_t initial_flags; /* initialTCPFlags: flags of the first packet */
	uint8_t union_flags;   /* unionTCPFlags: flags of the others */
	uint8_t rev_initial_flags; /* reverseInitialTCPFlags (biflow) */
	uint8_t rev_union_flags;   /* reverseUnionTCPFlags (biflow) */
	uint8_t label_source;      /* labelSource: enum mf_label_source */
	uint8_t end_reason;        /* flowEndReason */
};

/* Bytes libfixbuf reads for one struct mf_flow_rec (no trailing padding). */
#define MF_FLOW_REC_LEN (offsetof(struct mf_flow_rec, end_reason) + 1)

/*
 * The exporter's statistics, sent as an options record scoped by the
 * observation domain (RFC 7011 section 4).  Elements as YAF's statistics
 * option template uses them.
 */
struct mf_stats_rec {
	uint64_t init_ms;          /* systemInitTimeMilliseconds: start */
	uint64_t packets_seen;     /* packetTotalCount: packets captured */
	uint64_t kernel_drops;     /* droppedPacketTotalCount: pcap ps_drop */
	uint64_t ignored;          /* ignoredPacketTotalCount: undecodable */
	uint64_t flows_created;    /* observedFlowTotalCount */
	uint64_t records_exported; /* exportedFlowRecordTotalCount */
	uint64_t messages;         /* exportedMessageTotalCount */
	uint64_t octets_exported;  /* exportedOctetTotalCount */
	uint64_t not_sent;         /* notSentFlowTotalCount: failed sends */
	uint64_t dns_parsed;       /* DNS answers parsed */
	uint64_t dns_malformed;    /* DNS messages that did not parse */
	uint64_t dns_fragmented;   /* DNS answers in IP fragments: skipped */
	uint64_t dns_unanswered;   /* queries never answered (timed out) */
	uint64_t dns_cached;       /* names put in the name cache */
	uint64_t dns_evicted;      /* names evicted from the full cache */
	uint64_t labelled[MF_LABEL_N_SOURCES]; /* flows by label source;
	                                        * [0]: without a label */
	uint64_t ct_lost;       /* connections whose end was lost (ENOBUFS) */
	uint64_t ct_overruns;   /* conntrack event socket overruns */
	uint32_t domain;        /* observationDomainId (scope) */
	uint32_t evicted_full;  /* flowTableFlushEventCount: LRU evictions */
	uint32_t peak_flows;    /* flowTablePeakCount: peak occupancy */
	uint32_t expired_frags; /* expiredFragmentCount: unmatched frags */
};

#define MF_STATS_REC_LEN (offsetof(struct mf_stats_rec, expired_frags) + 4)

/* How a field's value is stored in the record struct. */
enum mf_field_kind {
	MF_FK_VALUE = 0, /* len bytes: integer (host order) or byte array */
	MF_FK_VARLEN,    /* struct mf_varfield, variable length: IPFIX only */
	MF_FK_FIXSTR,    /* struct mf_varfield written as len bytes, cut or
	                  * zero-padded: NetFlow v9 only */
};

/* One field of a template. */
struct mf_field {
	uint32_t pen;    /* enterprise number, 0 = IANA */
	uint16_t id;     /* element number (without the enterprise bit) */
	uint16_t len;    /* bytes on the wire and in the record struct;
	                  * MF_VARLEN for MF_FK_VARLEN */
	uint16_t offset; /* offset of the value in the record struct */
	uint8_t kind;    /* enum mf_field_kind */
};

#define MF_TMPL_IPV4 0x01u       /* carries IPv4 addresses */
#define MF_TMPL_IPV6 0x02u       /* carries IPv6 addresses */
#define MF_TMPL_BIFLOW 0x04u     /* RFC 5103 biflow: IPFIX only */
#define MF_TMPL_OPTIONS 0x08u    /* options template; scope = first field */
#define MF_TMPL_IPFIX_ONLY 0x10u /* enterprise/list data: not for v9 */
#define MF_TMPL_NAT 0x20u        /* postNAT elements: --conntrack only */
#define MF_TMPL_PROC 0x40u       /* process elements: --processes only */

/* A template: the same table drives IPFIX, v9 and the decoders. */
struct mf_template {
	uint16_t id; /* template id on the wire (>= 256) */
	uint16_t n_fields;
	unsigned flags;   /* MF_TMPL_* */
	const char *name; /* for messages and the man page */
	const struct mf_field *fields;
};

enum mf_template_id {
	MF_TID_FLOW4 = 256,
	MF_TID_FLOW6 = 257,
	MF_TID_BIFLOW4 = 258,
	MF_TID_BIFLOW6 = 259,
	MF_TID_STATS = 260,
	MF_TID_DNS4 = 261,
	MF_TID_DNS6 = 262,
	MF_TID_NAT4 = 263, /* flow4 + postNAT (--conntrack, uniflow) */
	MF_TID_NAT6 = 264,
	/* flow4/6, biflow4/6 + the local process (--processes). */
	MF_TID_PROC4 = 265,
	MF_TID_PROC6 = 266,
	MF_TID_BIPROC4 = 267,
	MF_TID_BIPROC6 = 268,
	/* The collector's archive files (collector/output/archive.h). */
	MF_TID_ARCHIVE4 = 270,
	MF_TID_ARCHIVE6 = 271,
	MF_TID_ARCHIVE_BI4 = 272,
	MF_TID_ARCHIVE_BI6 = 273,
	MF_TID_ARCHIVE_TYPES = 274, /* RFC 5610 element types */
	MF_TID_DEVICE4 = 275,       /* device records, IPv4 address */
	MF_TID_DEVICE6 = 276,       /* device records, IPv6 address */
	/* The statistics under YAF's process statistics id, for
	 * super_mediator (--compat super_mediator): it stops at any other
	 * options template. */
	MF_TID_YAF_PROCESS_STATS = 0xD003,
};

/*
 * One DNS answer (or unanswered query) as the exporter sends it: IPFIX
 * only, under mf_tmpl_dns4 / mf_tmpl_dns6 by the family of the client.
 * Those are options templates scoped by the client's address, so that
 * collectors that take any data record with an IANA flow element for a
 * flow (nfcapd 1.7.1) skip them.
 * The DNS server is the source, the client the destination, as in the
 * answer's packet.  The answered addresses travel in one RFC 6313
 * basicList (IANA 291) of sourceIPv4Address or sourceIPv6Address, as YAF
 * carries A and AAAA data; addrs holds the encoded list (semantic, field
 * id, element length, values); even an empty list must carry those 5
 * bytes (libfixbuf 2.4 reads an empty basicList as the end of the
 * message).  ttl is the smallest TTL of those answers.
 */
struct mf_dns_rec {
	struct mf_varfield qname; /* dnsQName: the question's name */
	struct mf_varfield cname; /* dnsCName: first CNAME target, or empty */
	struct mf_varfield addrs; /* basicList of answered addresses */
	uint64_t time_ms;         /* flowStartMilliseconds: answer seen */
	uint8_t server6[16];      /* sourceIPv6Address (dns6) */
	uint8_t client6[16];      /* destinationIPv6Address (dns6) */
	uint32_t server4;         /* sourceIPv4Address (dns4) */
	uint32_t client4;         /* destinationIPv4Address (dns4) */
	uint32_t ttl;             /* dnsTTL */
	uint16_t sport, dport;    /* transport ports of the answer */
	uint16_t id;              /* dnsID */
	uint16_t qtype;           /* dnsQRType: the question's type */
	uint8_t proto;            /* protocolIdentifier: 17 or 6 */
	uint8_t rcode;            /* dnsNXDomain: the response code */
	uint8_t qr;               /* dnsQueryResponse: 1 answer, 0 query
	                           * seen without an answer */
};

/*
 * One device record: what the exporter learned about the host with MAC
 * mac (DHCPv4, DHCPv6, a lease file or mDNS): its name and one address
 * it was given or announced (all zero: none).  IPFIX only, under
 * mf_tmpl_device4 / mf_tmpl_device6 by the address's family: options
 * templates scoped by sourceMacAddress.
 */
struct mf_device_rec {
	struct mf_varfield name; /* deviceName: host name or FQDN, or empty */
	uint64_t time_ms;        /* flowStartMilliseconds: learned at */
	uint8_t addr6[16];       /* sourceIPv6Address (device6) */
	uint32_t addr4;          /* sourceIPv4Address (device4), host order */
	uint32_t lease_s;        /* deviceLeaseSeconds: 0 unknown */
	uint8_t mac[6];          /* sourceMacAddress (scope) */
	uint8_t source;          /* deviceNameSource: enum mf_device_source */
};

/* Internal layouts: every field of the record structs, in struct order. */
extern const struct mf_template mf_tmpl_flow_internal;
extern const struct mf_template mf_tmpl_stats_internal;

/* Wire templates. */
extern const struct mf_template mf_tmpl_flow4;
extern const struct mf_template mf_tmpl_flow6;
extern const struct mf_template mf_tmpl_biflow4;
extern const struct mf_template mf_tmpl_biflow6;
extern const struct mf_template mf_tmpl_stats;
extern const struct mf_template mf_tmpl_dns4;
extern const struct mf_template mf_tmpl_dns6;
extern const struct mf_template mf_tmpl_nat4;
extern const struct mf_template mf_tmpl_nat6;
extern const struct mf_template mf_tmpl_device4;
extern const struct mf_template mf_tmpl_device6;
extern const struct mf_template mf_tmpl_proc4;
extern const struct mf_template mf_tmpl_proc6;
extern const struct mf_template mf_tmpl_biproc4;
extern const struct mf_template mf_tmpl_biproc6;

/*
 * The collector's archive: the normalised flow, as struct mf_flow_rec
 * (internal layout mf_tmpl_flow_internal), in the elements SiLK's
 * rwipfix2silk reads (minflow-archive(5) lists them with SiLK's reading):
 * times, addresses, ports, protocol, tcpControlBits, delta counters,
 * interfaces, vlanId, MACs, flowEndReason, icmpTypeCode, silkAppLabel,
 * the label (dnsQName, sslServerName or httpHost by labelSource) and
 * labelSource, CERT's initialTCPFlags and unionTCPFlags.  The biflow
 * templates add the RFC 5103 reverse delta counters, CERT's reverse TCP
 * flags and reverseFlowDeltaMilliseconds (without which SiLK makes no
 * reverse record), and are used only for records that arrived as
 * biflows.  IPFIX only.
 */
extern const struct mf_template mf_tmpl_archive4;
extern const struct mf_template mf_tmpl_archive6;
extern const struct mf_template mf_tmpl_archive_bi4;
extern const struct mf_template mf_tmpl_archive_bi6;

/*
 * The answered addresses of a DNS record (struct mf_dns_rec addrs): an
 * RFC 6313 basicList, semantic allOf, of sourceIPv4Address or
 * sourceIPv6Address.  mf_model_addr_list_begin() writes its header
 * (MF_ADDR_LIST_HEADER_LEN bytes) for family at out; each
 * mf_model_addr_list_add() appends a if it is of that family and fits in
 * size bytes.  Both return the list's length so far.
 */
#define MF_ADDR_LIST_HEADER_LEN 5
size_t mf_model_addr_list_begin(uint8_t *out, uint8_t family);
size_t mf_model_addr_list_add(uint8_t *out, size_t n, size_t size,
    uint8_t family, const struct mf_addr *a);

/* Fill the applicationId bytes for service port (0 leaves it empty). */
void mf_model_set_app_id(uint8_t out[3], uint16_t port);

#endif
