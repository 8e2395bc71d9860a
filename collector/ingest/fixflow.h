/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_FIXFLOW_H
#define COL_FIXFLOW_H

/*
 * fixflow: the internal record every flow template is read into, whether
 * by libfixbuf (collector/ingest/fixread.c, through col_fixflow_tmpl) or
 * by the compiled reader (collector/ingest/fastread.c, through the same
 * table), and its normalisation into struct col_flow.  Both readers share
 * this one table of (element, length, field), so what an element means is
 * said once.
 */
#include <stddef.h>
#include <stdint.h>

#include <fixbuf/public.h>
#include <glib.h>

#include "collector/model/flow.h"
#include "common/model.h"

/*
 * The union of the elements exporters use for the same facts.  Ordered by
 * size, no interior padding: libfixbuf packs internal records, so each
 * field's offset is the sum of the sizes before it.
 */
struct col_fixflow {
	fbSubTemplateMultiList_t dpi;                 /* YAF's: fixyaf.h */
	struct mf_varfield qname, sni, host;          /* 6871/179, /294, /117 */
	struct mf_varfield process;                   /* 32473/15 */
	uint64_t start_ms, end_ms;                    /* 152, 153 */
	uint64_t start_us, end_us;                    /* 154, 155: NTP format */
	uint64_t start_ns, end_ns;                    /* 156, 157: NTP format */
	uint64_t octets, packets;                     /* 1, 2 */
	uint64_t octets_total, packets_total;         /* 85, 86 */
	uint64_t rev_octets, rev_packets;             /* 29305/1, /2 */
	uint64_t rev_octets_total, rev_packets_total; /* 29305/85, /86 */
	uint64_t init_ms;                             /* 160 */
	uint8_t src6[16], dst6[16];
	uint32_t src4, dst4, ingress, egress;
	uint32_t pid;                          /* 32473/16 */
	uint32_t start_s, end_s;               /* 150, 151 */
	uint32_t start_up, end_up;             /* 22, 21: sysUpTime ms */
	uint32_t start_delta_us, end_delta_us; /* 158, 159: before export */
	uint32_t rev_delta_ms;                 /* 6871/21 */
	uint16_t sport, dport, vlan, icmp4, icmp6, silk_app;
	uint16_t tcp_flags, rev_tcp_flags; /* 6, 29305/6 */
	uint8_t src_mac[6], dst_mac[6];
	uint8_t proto, initial_flags, union_flags, rev_initial_flags;
	uint8_t rev_union_flags, label_source, end_reason;
};
#define COL_FIXFLOW_LEN (offsetof(struct col_fixflow, end_reason) + 1)
#define COL_FIXFLOW_TID 0x7e00 /* its internal template id */

/* Rows of the table at most: a row fits a bit of a uint64_t. */
#define COL_FIXFLOW_MAX_FIELDS 64

/* The fields, in struct order: the internal template libfixbuf fills. */
extern const struct mf_template col_fixflow_tmpl;

/*
 * The row of col_fixflow_tmpl for element (pen, id), or -1: an element
 * the record does not keep.
 */
int col_fixflow_find(uint32_t pen, uint16_t id);

/*
 * Normalise x into *f (all of it written).  boot_ms (if not 0) is the
 * exporter's boot time for sysUpTime-relative times, export_ms the
 * message's export time.  Returns FALSE if the record had no usable time
 * (f's times are then the export time).
 */
gboolean col_fixflow_take(const struct col_fixflow *x, uint64_t boot_ms,
    uint64_t export_ms, struct col_flow *f);

#endif
