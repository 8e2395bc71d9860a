/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_FWDNORM_H
#define COL_FWDNORM_H

/*
 * fwdnorm: [forward] records = normalised.  Instead of the datagrams as
 * they came, the collector forwards the records it decoded, from every
 * exporter and protocol (IPFIX, v9, v5), as IPFIX of its own: one stream
 * in observation domain `domain`, under the archive's templates (standard
 * IANA elements, CERT's TCP flags and silkAppLabel, the label; biflow
 * templates for biflow input; minflow.conf(5) and minflow-archive(5)) and
 * minflow-exporter's DNS and device record templates.  Zero-packet records are
 * not sent (SiLK drops them).
 *
 * Messages of at most COL_FWDNORM_MTU bytes go to every destination of
 * collector/output/forward.c when full, when their first record has waited
 * COL_FWDNORM_LINGER_MS, and on col_fwdnorm_flush(); the templates go in a
 * message of their own first and every COL_FWDNORM_TEMPLATE_MS.  The
 * exporters' own observation domains and addresses are not kept: the
 * downstream sees one exporter, the collector.  No allocation after
 * col_fwdnorm_new().
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/model/flow.h"
#include "collector/output/forward.h"
#include "common/model.h"

#define COL_FWDNORM_MTU 1400
#define COL_FWDNORM_LINGER_MS 1000
#define COL_FWDNORM_TEMPLATE_MS (60 * 1000)

struct col_fwdnorm_stats {
	uint64_t records;        /* flow records sent */
	uint64_t dns_records;    /* DNS records sent */
	uint64_t device_records; /* device records sent */
	uint64_t left_out;       /* DNS and device records not sent (compat) */
	uint64_t zero_packet;    /* flow records not sent: no packets */
	uint64_t messages;       /* messages sent (templates included) */
	uint64_t template_sends;
};

struct col_fwdnorm;

/* NULL if fwd (borrowed) does not forward normalised records. */
struct col_fwdnorm *col_fwdnorm_new(struct col_forward *fwd, uint32_t domain,
    uint64_t now_ms);
void col_fwdnorm_free(struct col_fwdnorm *n);

/* Add one record at now_ms (monotonic ms; n NULL: nothing). */
void col_fwdnorm_flow(struct col_fwdnorm *n, const struct col_flow *f,
    uint64_t now_ms);
void col_fwdnorm_dns(struct col_fwdnorm *n, const struct mf_dns_rec *r,
    uint8_t family, uint64_t now_ms);
void col_fwdnorm_device(struct col_fwdnorm *n, const struct mf_device_rec *r,
    uint8_t family, uint64_t now_ms);

/* Send a message that has waited long enough; templates when due. */
void col_fwdnorm_tick(struct col_fwdnorm *n, uint64_t now_ms);

/* Send what is pending (exit). */
void col_fwdnorm_flush(struct col_fwdnorm *n);

const struct col_fwdnorm_stats *col_fwdnorm_get_stats(
    const struct col_fwdnorm *n);

/* Log the counters (SIGUSR1 and exit); NULL logs nothing. */
void col_fwdnorm_log_counters(const struct col_fwdnorm *n);

#endif
