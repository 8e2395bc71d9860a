/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-model"

#include <stddef.h>
#include <string.h>

#include <glib.h>
#include <fixbuf/public.h>

#include "common/error.h"
#include "common/model.h"

/*
 * libfixbuf's element initialisers take string literals through non-const
 * pointers; this module and the exporter's ipfix module are the only ones
 * that speak libfixbuf, and the only ones that relax -Wwrite-strings.
 */
#pragma GCC diagnostic ignored "-Wwrite-strings"

#define RECF(f) (uint16_t) offsetof(struct mf_flow_rec, f)
#define FIELD(pen, id, f)                                              \
	{                                                              \
		pen, id, sizeof(((struct mf_flow_rec *)0)->f), RECF(f) \
	}
#define STATF(f) (uint16_t) offsetof(struct mf_stats_rec, f)
#define SFIELD(pen, id, f)                                               \
	{                                                                \
		pen, id, sizeof(((struct mf_stats_rec *)0)->f), STATF(f) \
	}

/*
 * CERT elements minflow uses (numbers and names as CERT's registry and YAF
 * define them).  Reversible ones get their 0x4000 twins from libfixbuf.
 */
static fbInfoElement_t cert_elements[] = {
	FB_IE_INIT_FULL("initialTCPFlags", MF_PEN_CERT,
	    MF_CERT_INITIAL_TCP_FLAGS, 1,
	    FB_IE_FLAGS | FB_IE_F_ENDIAN | FB_IE_F_REVERSIBLE, 0, 0, FB_UINT_8,
	    NULL),
	FB_IE_INIT_FULL("unionTCPFlags", MF_PEN_CERT, MF_CERT_UNION_TCP_FLAGS,
	    1, FB_IE_FLAGS | FB_IE_F_ENDIAN | FB_IE_F_REVERSIBLE, 0, 0,
	    FB_UINT_8, NULL),
	FB_IE_INIT_FULL("reverseFlowDeltaMilliseconds", MF_PEN_CERT,
	    MF_CERT_REVERSE_FLOW_DELTA_MILLISECONDS, 4,
	    FB_IE_QUANTITY | FB_UNITS_MILLISECONDS | FB_IE_F_ENDIAN, 0, 0,
	    FB_UINT_32, NULL),
	FB_IE_INIT_FULL("silkAppLabel", MF_PEN_CERT, MF_CERT_SILK_APP_LABEL, 2,
	    FB_IE_IDENTIFIER | FB_IE_F_ENDIAN, 0, 0, FB_UINT_16, NULL),
	FB_IE_INIT_FULL("expiredFragmentCount", MF_PEN_CERT,
	    MF_CERT_EXPIRED_FRAGMENT_COUNT, 4,
	    FB_IE_TOTALCOUNTER | FB_IE_F_ENDIAN, 0, 0, FB_UINT_32, NULL),
	FB_IE_INIT_FULL("flowTableFlushEventCount", MF_PEN_CERT,
	    MF_CERT_FLOW_TABLE_FLUSH_EVENT_COUNT, 4,
	    FB_IE_TOTALCOUNTER | FB_IE_F_ENDIAN, 0, 0, FB_UINT_32, NULL),
	FB_IE_INIT_FULL("flowTablePeakCount", MF_PEN_CERT,
	    MF_CERT_FLOW_TABLE_PEAK_COUNT, 4, FB_IE_DEFAULT | FB_IE_F_ENDIAN, 0,
	    0, FB_UINT_32, NULL),
	FB_IE_NULL
};

/* Every field of struct mf_flow_rec, in struct order. */
static const struct mf_field flow_internal_fields[] = {
	FIELD(0, MF_IE_FLOW_START_MILLISECONDS, start_ms),
	FIELD(0, MF_IE_FLOW_END_MILLISECONDS, end_ms),
	FIELD(0, MF_IE_OCTET_DELTA_COUNT, octets),
	FIELD(0, MF_IE_PACKET_DELTA_COUNT, packets),
	FIELD(MF_PEN_REVERSE, MF_IE_OCTET_DELTA_COUNT, rev_octets),
	FIELD(MF_PEN_REVERSE, MF_IE_PACKET_DELTA_COUNT, rev_packets),
	FIELD(0, MF_IE_SOURCE_IPV6_ADDRESS, src6),
	FIELD(0, MF_IE_DESTINATION_IPV6_ADDRESS, dst6),
	FIELD(0, MF_IE_SOURCE_IPV4_ADDRESS, src4),
	FIELD(0, MF_IE_DESTINATION_IPV4_ADDRESS, dst4),
	FIELD(0, MF_IE_INGRESS_INTERFACE, ingress),
	FIELD(0, MF_IE_EGRESS_INTERFACE, egress),
	FIELD(MF_PEN_CERT, MF_CERT_REVERSE_FLOW_DELTA_MILLISECONDS,
	    rev_delta_ms),
	FIELD(0, MF_IE_SOURCE_TRANSPORT_PORT, sport),
	FIELD(0, MF_IE_DESTINATION_TRANSPORT_PORT, dport),
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
	FIELD(0, MF_IE_FLOW_END_REASON, end_reason),
};

/*
 * The uniflow wire templates.  Order: times, addresses, ports, protocol,
 * counters, then the rest; nfdump, SiLK, pmacct and tshark read them all.
 */
#define FLOW_COMMON_HEAD                                   \
	FIELD(0, MF_IE_FLOW_START_MILLISECONDS, start_ms), \
	    FIELD(0, MF_IE_FLOW_END_MILLISECONDS, end_ms)
#define FLOW_COMMON_TAIL                                       \
	FIELD(0, MF_IE_SOURCE_TRANSPORT_PORT, sport),          \
	    FIELD(0, MF_IE_DESTINATION_TRANSPORT_PORT, dport), \
	    FIELD(0, MF_IE_PROTOCOL_IDENTIFIER, proto),        \
	    FIELD(0, MF_IE_IP_CLASS_OF_SERVICE, tos),          \
	    FIELD(0, MF_IE_TCP_CONTROL_BITS, tcp_flags),       \
	    FIELD(0, MF_IE_OCTET_DELTA_COUNT, octets),         \
	    FIELD(0, MF_IE_PACKET_DELTA_COUNT, packets),       \
	    FIELD(0, MF_IE_INGRESS_INTERFACE, ingress),        \
	    FIELD(0, MF_IE_EGRESS_INTERFACE, egress),          \
	    FIELD(0, MF_IE_VLAN_ID, vlan),                     \
	    FIELD(0, MF_IE_SOURCE_MAC_ADDRESS, src_mac),       \
	    FIELD(0, MF_IE_DESTINATION_MAC_ADDRESS, dst_mac),  \
	    FIELD(0, MF_IE_APPLICATION_ID, app_id),            \
	    FIELD(0, MF_IE_FLOW_END_REASON, end_reason)
#define FLOW_CERT_TAIL                                                    \
	FIELD(MF_PEN_CERT, MF_CERT_SILK_APP_LABEL, silk_app),             \
	    FIELD(MF_PEN_CERT, MF_CERT_INITIAL_TCP_FLAGS, initial_flags), \
	    FIELD(MF_PEN_CERT, MF_CERT_UNION_TCP_FLAGS, union_flags)
#define BIFLOW_TAIL                                                         \
	FIELD(MF_PEN_REVERSE, MF_IE_OCTET_DELTA_COUNT, rev_octets),         \
	    FIELD(MF_PEN_REVERSE, MF_IE_PACKET_DELTA_COUNT, rev_packets),   \
	    FIELD(MF_PEN_CERT, MF_CERT_INITIAL_TCP_FLAGS | MF_CERT_REVERSE, \
	        rev_initial_flags),                                         \
	    FIELD(MF_PEN_CERT, MF_CERT_UNION_TCP_FLAGS | MF_CERT_REVERSE,   \
	        rev_union_flags),                                           \
	    FIELD(MF_PEN_CERT, MF_CERT_REVERSE_FLOW_DELTA_MILLISECONDS,     \
	        rev_delta_ms)

static const struct mf_field flow4_fields[] = {
	FLOW_COMMON_HEAD,
	FIELD(0, MF_IE_SOURCE_IPV4_ADDRESS, src4),
	FIELD(0, MF_IE_DESTINATION_IPV4_ADDRESS, dst4),
	FLOW_COMMON_TAIL,
	FIELD(0, MF_IE_ICMP_TYPE_CODE_IPV4, icmp4),
	FLOW_CERT_TAIL,
};

static const struct mf_field flow6_fields[] = {
	FLOW_COMMON_HEAD,
	FIELD(0, MF_IE_SOURCE_IPV6_ADDRESS, src6),
	FIELD(0, MF_IE_DESTINATION_IPV6_ADDRESS, dst6),
	FLOW_COMMON_TAIL,
	FIELD(0, MF_IE_ICMP_TYPE_CODE_IPV6, icmp6),
	FLOW_CERT_TAIL,
};

static const struct mf_field biflow4_fields[] = {
	FLOW_COMMON_HEAD,
	FIELD(0, MF_IE_SOURCE_IPV4_ADDRESS, src4),
	FIELD(0, MF_IE_DESTINATION_IPV4_ADDRESS, dst4),
	FLOW_COMMON_TAIL,
	FIELD(0, MF_IE_ICMP_TYPE_CODE_IPV4, icmp4),
	FLOW_CERT_TAIL,
	BIFLOW_TAIL,
};

static const struct mf_field biflow6_fields[] = {
	FLOW_COMMON_HEAD,
	FIELD(0, MF_IE_SOURCE_IPV6_ADDRESS, src6),
	FIELD(0, MF_IE_DESTINATION_IPV6_ADDRESS, dst6),
	FLOW_COMMON_TAIL,
	FIELD(0, MF_IE_ICMP_TYPE_CODE_IPV6, icmp6),
	FLOW_CERT_TAIL,
	BIFLOW_TAIL,
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
#define STATS_SCOPE SFIELD(0, MF_IE_OBSERVATION_DOMAIN_ID, domain)

/* Every field of struct mf_stats_rec, in struct order. */
static const struct mf_field stats_internal_fields[] = {
	STATS_COUNTERS,
	STATS_SCOPE,
	STATS_CERT_COUNTERS,
};

/* The scope (observationDomainId) comes first, as RFC 7011 requires. */
static const struct mf_field stats_fields[] = {
	STATS_SCOPE,
	STATS_COUNTERS,
	STATS_CERT_COUNTERS,
};

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

fbInfoModel_t *
mf_model_new(void)
{
	fbInfoModel_t *model = fbInfoModelAlloc();

	fbInfoModelAddElementArray(model, cert_elements);
	return model;
}

fbTemplate_t *
mf_model_template_new(fbInfoModel_t *model, const struct mf_template *t,
    GError **error)
{
	fbTemplate_t *tmpl = fbTemplateAlloc(model);
	fbInfoElement_t ex;
	GError *err = NULL;
	uint16_t i;

	for (i = 0; i < t->n_fields; i++) {
		const struct mf_field *f = &t->fields[i];

		memset(&ex, 0, sizeof(ex));
		ex.ent = f->pen;
		ex.num = f->id;
		ex.len = f->len;
		if (fbInfoModelGetElementByID(model, f->id, f->pen) == NULL) {
			g_set_error(error, MF_ERROR, MF_ERROR_IPFIX,
			    "template %s: element %u/%u not in the model",
			    t->name, (unsigned)f->pen, (unsigned)f->id);
			goto fail;
		}
		if (!fbTemplateAppend(tmpl, &ex, &err)) {
			/* libfixbuf needs a GError location of its own. */
			g_propagate_error(error, err);
			goto fail;
		}
	}
	if (t->flags & MF_TMPL_OPTIONS)
		fbTemplateSetOptionsScope(tmpl, 1);
	return tmpl;
fail:
	fbTemplateFreeUnused(tmpl);
	return NULL;
}

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
