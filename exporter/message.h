/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef EXP_MESSAGE_H
#define EXP_MESSAGE_H

/*
 * message: builds the exporter's IPFIX (RFC 7011) or NetFlow v9 (RFC 3954)
 * messages one at a time into a buffer of the path MTU that the caller
 * then sends itself.  A thin layer over common/msgenc.c, the one encoder of
 * both protocols: it owns the buffer and knows which templates this
 * exporter announces (IPFIX: uniflow or biflow, the statistics options
 * template, the DNS and device templates when asked; v9: uniflow and
 * statistics).
 *
 * Use: add templates and records until one returns -ENOSPC, then
 * exp_message_emit() the message, send it, and add again.  The first add
 * after an emit starts the next message, stamped with the time last set.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "common/model.h"
#include "common/msgenc.h"

struct exp_message;

/* Smallest message size: every template fits in one message. */
#define EXP_MESSAGE_MIN_MTU 1024u

/*
 * A builder for proto messages of at most mtu bytes in observation domain
 * (v9: source id) domain, with the biflow (IPFIX only) or the uniflow flow
 * templates and the statistics options template.  boot_ms is the v9
 * sysUptime origin.  NULL (error set) on biflow with v9 or an mtu out of
 * range.
 */
struct exp_message *exp_message_new(enum mf_msgenc_proto proto, uint32_t domain,
    size_t mtu, gboolean biflow, uint64_t boot_ms, GError **error);
void exp_message_free(struct exp_message *m);

/* IPFIX: announce the DNS record templates (dns4, dns6) too; v9: ignored. */
void exp_message_set_dns(struct exp_message *m, gboolean dns);

/* IPFIX: announce the device record templates (device4, device6). */
void exp_message_set_devices(struct exp_message *m, gboolean devices);

/* Announce the postNAT templates (nat4, nat6; --conntrack): uniflow only. */
void exp_message_set_nat(struct exp_message *m, gboolean nat);

/*
 * Flows under proc4/proc6 (biproc4/biproc6 with biflow) instead of the
 * flow templates: --processes, IPFIX only.
 */
void exp_message_set_proc(struct exp_message *m, gboolean proc);

/* Set the v9 sysUptime origin when it is known only later. */
void exp_message_set_boot(struct exp_message *m, uint64_t boot_ms);

/*
 * Send the statistics options record under YAF's process statistics
 * template id (MF_TID_YAF_PROCESS_STATS), for super_mediator.
 */
void exp_message_set_yaf_stats(struct exp_message *m, gboolean yaf);

/* Time (ms since the epoch) of the next message started; 0 at first. */
void exp_message_set_time(struct exp_message *m, uint64_t now_ms);

/* Add every template this builder announces: all or nothing. */
int exp_message_add_templates(struct exp_message *m);

/*
 * Add one record of wire template t (one of model.h's) read from rec, a
 * struct mf_flow_rec, mf_stats_rec or mf_dns_rec.  Returns 0, -ENOSPC
 * (message full: emit and retry) or -EINVAL (a template this
 * builder did not announce: the other flow kind, or DNS without dns;
 * logged).
 */
int exp_message_add_record(struct exp_message *m, const struct mf_template *t,
    const void *rec);

/*
 * The same for a record the caller writes itself (exporter/flowenc.c):
 * room for one record of t with var_len bytes of variable-length fields
 * (mf_msgenc_reserve_record()), or NULL with *err as above.
 */
uint8_t *exp_message_reserve_record(struct exp_message *m,
    const struct mf_template *t, size_t var_len, int *err);

/*
 * Close the open message; *msg points at its bytes (valid until the next
 * add).  Returns its length, 0 if there was nothing to send.
 */
size_t exp_message_emit(struct exp_message *m, const uint8_t **msg);

#endif
