/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef EXP_FLOWENC_H
#define EXP_FLOWENC_H

/*
 * flowenc: the exporter's uniflow IPFIX records (templates flow4 and flow6
 * of common/model.c, the default export) written straight from a cache
 * flow into the message, every field at its constant offset: no struct
 * mf_flow_rec is filled and then read again field by field; and the DNS
 * records (dns4, dns6) straight from their struct.  Every other record
 * (NetFlow v9, biflow, NAT, processes, statistics, devices)
 * goes through the table-driven encoder, common/msgenc.c; for the same
 * flow both write the same bytes (tests/unit/test_flowenc.c checks it on
 * every field).
 */
#include <stddef.h>
#include <stdint.h>

#include "common/model.h"
#include "exporter/cache.h"

/* The flow's label: its source, and the name (NULL if none). */
struct exp_flowenc_label {
	enum mf_label_source src;
	const uint8_t *name;
	size_t len;
};

/*
 * Bytes the three label fields (dnsQName, sslServerName, httpHost: the one
 * the source names holds the label, the others are empty) take in a
 * record with label l.
 */
size_t exp_flowenc_var_len(const struct exp_flowenc_label *l);

/*
 * Write side s (0 or 1) of flow f as one record of mf_tmpl_flow4 (an IPv4
 * flow) or mf_tmpl_flow6 at out, which holds mf_msgenc_record_len() of that
 * template plus exp_flowenc_var_len(l) bytes: times, addresses, ports and
 * counters as exp_export_make_uniflow() takes them, reason the
 * flowEndReason.  The side must have sent packets.
 */
void exp_flowenc_write(uint8_t *out, const struct exp_flow *f, int s,
    int reason, const struct exp_flowenc_label *l);

/*
 * The same for a DNS record (mf_tmpl_dns4 for family MF_AF_INET, else
 * mf_tmpl_dns6, IPFIX): the bytes its three variable-length fields take,
 * and r written at out, which holds mf_msgenc_record_len() of that
 * template plus exp_flowenc_dns_var_len(r) bytes, as
 * mf_msgenc_add_record() would write it.
 */
size_t exp_flowenc_dns_var_len(const struct mf_dns_rec *r);
void exp_flowenc_dns_write(uint8_t *out, const struct mf_dns_rec *r,
    uint8_t family);

#endif
