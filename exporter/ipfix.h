/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef EXP_IPFIX_H
#define EXP_IPFIX_H

/*
 * ipfix: builds IPFIX (RFC 7011) messages one at a time into a buffer of
 * the path MTU that the caller then sends itself, with the templates of
 * this exporter (uniflow or biflow, and the statistics options template).
 * The encoding is common/msgenc.c's; the sequence number counts the data
 * records sent in the domain (RFC 7011 3.1).
 *
 * Use: add templates and records until one returns -ENOSPC, then
 * exp_ipfix_emit() the message, send it, and add again.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "common/model.h"

struct exp_ipfix;

/* Smallest message size: every template fits in one message. */
#define EXP_IPFIX_MIN_MTU 1024u

/* Announce the DNS record templates (dns4, dns6) with the others. */
void exp_ipfix_set_dns(struct exp_ipfix *x, gboolean dns);

/* Announce the postNAT templates (nat4, nat6); uniflow only. */
void exp_ipfix_set_nat(struct exp_ipfix *x, gboolean nat);

/*
 * A builder for messages of at most mtu bytes in observation domain
 * domain, with the biflow or the uniflow flow templates and the
 * statistics options template.  NULL (error set) on failure.
 */
struct exp_ipfix *exp_ipfix_new(uint32_t domain, size_t mtu, gboolean biflow,
    GError **error);
void exp_ipfix_free(struct exp_ipfix *x);

/* Export time (epoch seconds) of the next message started; 0 = clock. */
void exp_ipfix_set_export_time(struct exp_ipfix *x, uint32_t secs);

/* Add every template (a template set, an options template set). */
int exp_ipfix_add_templates(struct exp_ipfix *x);

/*
 * Add one record of wire template t (one of model.h's) read from rec, a
 * struct mf_flow_rec, mf_stats_rec or mf_dns_rec.  Returns 0, -ENOSPC
 * (message full: emit and retry) or -EINVAL (a template this builder did
 * not announce: the other flow kind, or DNS without exp_ipfix_set_dns();
 * logged).
 */
int exp_ipfix_add_record(struct exp_ipfix *x, const struct mf_template *t,
    const void *rec);

/* TRUE if the open message holds anything. */
gboolean exp_ipfix_pending(const struct exp_ipfix *x);

/*
 * Close the open message; *msg points at its bytes (valid until the next
 * add).  Returns its length, 0 if there was nothing to send.
 */
size_t exp_ipfix_emit(struct exp_ipfix *x, const uint8_t **msg);

#endif
