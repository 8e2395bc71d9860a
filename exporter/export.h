/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef EXP_EXPORT_H
#define EXP_EXPORT_H

/*
 * export: turns flows leaving the cache into records (two uniflow records,
 * one per direction that sent packets, or one RFC 5103 biflow record),
 * packs them into IPFIX or NetFlow v9 messages of at most the path MTU
 * (exporter/message.c over the one encoder of both, common/msgenc.c), and
 * hands finished messages to the sink.  It decides when templates go out: first
 * in every connection or file, and over UDP again every template_refresh_ms and
 * every template_messages messages (RFC 7011 section 8.4), every
 * EXP_EXPORT_START_REFRESH_MS during the first EXP_EXPORT_START_MS after
 * the first ones (a collector started just after the exporter), and
 * after every failed send (a collector that was down and is back).  A
 * message is sent when full, when it has waited EXP_EXPORT_LINGER_MS, and
 * on flush.
 *
 * Times: "now" is packet time when reading a file (so the same capture
 * gives byte-identical output) and the wall clock when live.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "common/model.h"
#include "exporter/cache.h"
#include "exporter/sink.h"

#define EXP_EXPORT_LINGER_MS 1000u
#define EXP_EXPORT_START_MS 30000u        /* UDP: the start-up period */
#define EXP_EXPORT_START_REFRESH_MS 5000u /* templates in it this often */

enum exp_protocol {
	EXP_PROTO_IPFIX,
	EXP_PROTO_V9,
};

struct exp_export_config {
	enum exp_protocol protocol;
	gboolean biflow;              /* IPFIX only */
	uint32_t domain;              /* observation domain / v9 source id */
	size_t mtu;                   /* largest message */
	uint32_t template_refresh_ms; /* 0: only first in a connection */
	uint32_t template_messages;   /* 0: not by count */
	gboolean resend_templates;    /* FALSE for files: once at start */
	gboolean dns_records;         /* IPFIX: announce and send DNS records */
	gboolean nat;                 /* uniflow: announce nat4/nat6 */
	gboolean device_records;      /* IPFIX: announce and send devices */
	gboolean processes;           /* IPFIX, not nat: flows under proc4/6 or
	                               * biproc4/6 with the local process */
	gboolean yaf_stats;           /* statistics under YAF's template id */
};

struct exp_export_stats {
	uint64_t records;         /* flow records handed to the sink */
	uint64_t not_sent;        /* flow records in messages that failed */
	uint64_t refused;         /* in a message sent just before a send
	                             failed with ECONNREFUSED (UDP: the
	                             collector's port was closed) */
	uint64_t messages;        /* messages sent (data and templates) */
	uint64_t template_sends;  /* times the templates went out */
	uint64_t stats_records;   /* statistics options records sent */
	uint64_t dns_records;     /* DNS records handed to the sink */
	uint64_t dns_not_sent;    /* DNS records not exported (v9, errors) */
	uint64_t device_records;  /* device records handed to the sink */
	uint64_t device_not_sent; /* device records not exported (v9) */
	uint64_t labelled[MF_LABEL_N_SOURCES]; /* flows by label source */
	uint64_t process_named; /* flows exported with a process */
};

/*
 * Labels a flow at export: the label of its remote side and where it came
 * from (MF_LABEL_NONE: *name untouched).  *name stays valid until the
 * next call into the labeller's owner.
 */
typedef enum mf_label_source (
    *exp_label_fn)(const struct exp_flow *f, const char **name, void *ctx);

/*
 * The local process of a flow at export (--processes): TRUE with its name
 * (valid until the next call into the owner) and PID, FALSE for none.
 */
typedef gboolean (*exp_proc_fn)(const struct exp_flow *f, const char **name,
    uint32_t *pid, void *ctx);

struct exp_export;

/*
 * A new exporter writing to sink (borrowed; must outlive it).  boot_ms is
 * the exporter's start (v9 sysUptime origin).  NULL (error set) on bad
 * configuration (biflow with v9, mtu out of range).
 */
struct exp_export *exp_export_new(const struct exp_export_config *cfg,
    struct exp_sink *sink, uint64_t boot_ms, GError **error);
void exp_export_free(struct exp_export *e);

/* Name the process of every exported flow with fn (--processes). */
void exp_export_set_processes(struct exp_export *e, exp_proc_fn fn, void *ctx);

/* Label every exported flow with fn (NULL: no labels). */
void exp_export_set_labeller(struct exp_export *e, exp_label_fn fn, void *ctx);

/*
 * Add one DNS record (IPFIX with dns_records only; otherwise counted in
 * dns_not_sent).  family selects dns4 or dns6 (the client's family).
 */
void exp_export_dns(struct exp_export *e, const struct mf_dns_rec *r,
    uint8_t family);

/*
 * Add one device record (IPFIX with device_records only; otherwise
 * counted in device_not_sent).  family selects device4 or device6 (the
 * address's; 0, no address, goes as device4 with 0.0.0.0).
 */
void exp_export_device(struct exp_export *e, const struct mf_device_rec *r,
    uint8_t family);

/* Set the current time (see above); the caller keeps it non-decreasing. */
void exp_export_set_time(struct exp_export *e, uint64_t now_ms);

/*
 * Set the exporter's start (v9 sysUptime origin) when it is known only
 * later: reading a file, the time of its first packet.
 */
void exp_export_set_boot(struct exp_export *e, uint64_t boot_ms);

/* The exp_cache_export_fn: ctx is the struct exp_export. */
void exp_export_flow(const struct exp_flow *f, int reason, void *ctx);

/*
 * Where NAT translated a connection (--conntrack): the original
 * direction's addresses and ports after translation.
 */
struct exp_nat {
	uint8_t post_src[16], post_dst[16]; /* IPv4 in the first 4 bytes */
	uint16_t post_sport, post_dport;
};

/*
 * exp_export_flow() for a translated flow: with the nat option and
 * uniflow records, under nat4/nat6 with the postNAT elements (the reply
 * direction's record carries them mirrored: its source is the original
 * destination after translation); otherwise as exp_export_flow().
 */
void exp_export_flow_nat(struct exp_export *e, const struct exp_flow *f,
    int reason, const struct exp_nat *nat);

/* Add one statistics options record. */
void exp_export_stats(struct exp_export *e, const struct mf_stats_rec *r);

/* Send a message that has waited long enough; resend templates if due. */
void exp_export_tick(struct exp_export *e);

/* Send whatever is pending now. */
void exp_export_flush(struct exp_export *e);

/* Force the templates into the next message (SIGHUP). */
void exp_export_want_templates(struct exp_export *e);

const struct exp_export_stats *exp_export_get_stats(const struct exp_export *e);

/*
 * Fill the record(s) for side s of f as a uniflow record (exposed for
 * tests).  Returns FALSE if that side sent nothing (no record).
 */
gboolean exp_export_make_uniflow(const struct exp_flow *f, int s, int reason,
    struct mf_flow_rec *r);

/* Fill a biflow record for f; FALSE if neither side sent anything. */
gboolean exp_export_make_biflow(const struct exp_flow *f, int reason,
    struct mf_flow_rec *r);

/*
 * The service port of a flow (applicationId / silkAppLabel): the
 * responder's port if it is a well-known one (1 .. 1023), else the
 * initiator's if that is (a reply seen first), else 0.  Ports of 1024 and
 * up are not services by this rule: both sides of most such flows are
 * ephemeral, and SiLK's application field would fill with them.
 */
static inline uint16_t
exp_export_service_port(const struct exp_flow *f)
{
	uint16_t pi = f->key.port[f->initiator];
	uint16_t pr = f->key.port[!f->initiator];
	uint8_t p = f->key.proto;

	/* TCP, UDP, SCTP, UDP-Lite: the protocols with ports */
	if (p != 6 && p != 17 && p != 132 && p != 136)
		return 0;
	if (pr != 0 && pr < 1024)
		return pr;
	if (pi != 0 && pi < 1024)
		return pi;
	return 0;
}

#endif
