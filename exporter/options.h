/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef EXP_OPTIONS_H
#define EXP_OPTIONS_H

/*
 * options: the exporter's command line.  The exporter takes no config
 * file (router init systems such as OpenWrt's procd pass options).  One
 * table (exp_options_numeric) gives every numeric option its default and
 * bounds; the parser, --help and the man page test follow it.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "exporter/export.h"
#include "exporter/sink.h"

struct exp_config {
	char **interfaces; /* -i, NULL-terminated, or NULL */
	unsigned n_interfaces;
	char *read_file;      /* -r */
	char *filter;         /* -f */
	char *collector_host; /* from -c */
	uint16_t collector_port;
	char *write_file; /* -w */
	char *user;       /* -u */
	char *pidfile;    /* -p */
	enum exp_sink_kind transport;
	enum exp_protocol protocol;
	gboolean biflow, daemon, print_stats, verbose;
	gboolean dns;          /* not --no-dns */
	gboolean mdns;         /* --mdns */
	gboolean devices;      /* --devices (or --leases) */
	gboolean compat_sm;    /* --compat super_mediator: no options
	                        * records but the statistics, under YAF's id */
	char *leases;          /* --leases FILE, or NULL */
	gboolean server_names; /* not --no-server-names */
	gboolean conntrack;    /* --conntrack: flows from the kernel's table */
	gboolean conntrack_acct;     /* --conntrack-acct */
	gboolean conntrack_reliable; /* --conntrack-reliable */
	gboolean processes;          /* --processes */
	/* Numeric options, in exp_options_numeric's order. */
	uint64_t snaplen, buffer_kib, max_flows, max_frags, idle_timeout,
	    active_timeout, domain, template_refresh, template_messages, mtu,
	    stats_interval, pace, replay_speed, max_dns_names, dns_ttl_min,
	    dns_ttl_max, max_dns_queries, dns_timeout, max_server_names,
	    conntrack_buffer, max_devices, max_processes;
};

/* One numeric option: --name=VALUE with a default and bounds. */
struct exp_numeric_option {
	const char *name;
	char short_name; /* 0 for none */
	size_t offset;   /* of the uint64_t in struct exp_config */
	const char *def;
	uint64_t min, max;
	const char *arg;
	const char *help;
};

extern const struct exp_numeric_option exp_options_numeric[];
extern const size_t exp_options_n_numeric;

/*
 * Parse argv into cfg (caller's storage, cleared first).  Returns FALSE
 * with error set on a bad or inconsistent command line.  *show_version is
 * set for -V (cfg is then not checked for consistency).
 */
gboolean exp_options_parse(int argc, char **argv, struct exp_config *cfg,
    gboolean *show_version, GError **error);

/* Free what exp_options_parse() allocated in cfg. */
void exp_options_clear(struct exp_config *cfg);

#endif
