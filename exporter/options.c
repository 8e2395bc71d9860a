/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-options"

#include <stddef.h>
#include <string.h>

#include <glib.h>

#include "common/addr.h"
#include "common/error.h"
#include "exporter/cache.h"
#include "exporter/devices.h"
#include "exporter/dnscache.h"
#include "exporter/dnslabel.h"
#include "exporter/dnsquery.h"
#include "exporter/frag.h"
#include "exporter/options.h"

#define NUM(n, s, f, d, lo, hi, a, h)                                 \
	{                                                             \
		n, s, offsetof(struct exp_config, f), d, lo, hi, a, h \
	}

const struct exp_numeric_option exp_options_numeric[] = {
	NUM("snaplen", 's', snaplen, "4096", 96, 262144, "BYTES",
	    "bytes captured per packet (DNS answers need the whole packet)"),
	NUM("buffer-size", 'B', buffer_kib, "2048", 64, 1048576, "KIB",
	    "kernel capture buffer in KiB"),
	NUM("max-flows", 0, max_flows, "65536", EXP_CACHE_MIN_FLOWS,
	    EXP_CACHE_MAX_FLOWS, "N",
	    "flows held at once (168 bytes each once held, 8-16 of hash "
	    "buckets at start)"),
	NUM("max-frags", 0, max_frags, "1024", EXP_FRAG_MIN, EXP_FRAG_MAX, "N",
	    "first IP fragments remembered (pre-allocated)"),
	NUM("idle-timeout", 0, idle_timeout, "15", 1, 86400, "SECONDS",
	    "export a flow idle this long"),
	NUM("active-timeout", 0, active_timeout, "60", 1, 86400, "SECONDS",
	    "export a long flow every SECONDS"),
	NUM("observation-domain", 0, domain, "0", 0, UINT32_MAX, "N",
	    "observation domain id (v9 source id)"),
	NUM("template-refresh", 0, template_refresh, "60", 0, 86400, "SECONDS",
	    "resend templates over UDP every SECONDS (0: never)"),
	NUM("template-messages", 0, template_messages, "100", 0, 1000000, "N",
	    "also resend templates every N messages over UDP (0: never)"),
	NUM("mtu", 0, mtu, "1400", 1024, 65000, "BYTES",
	    "largest message (UDP payload)"),
	NUM("stats-interval", 0, stats_interval, "60", 1, 86400, "SECONDS",
	    "export the statistics options record every SECONDS"),
	NUM("pace", 0, pace, "2000", 0, 10000000, "N",
	    "with -r and -c, send at most N messages a second (0: no limit)"),
	NUM("replay-speed", 0, replay_speed, "0", 0, 1000, "N",
	    "with -r and -c, replay the file in real time divided by N, "
	    "re-timed to the present (0: as fast as it reads)"),
	NUM("max-dns-names", 0, max_dns_names, "4096", EXP_DNSCACHE_MIN_NAMES,
	    EXP_DNSCACHE_MAX_NAMES, "N", "DNS name cache entries"),
	NUM("dns-ttl-min", 0, dns_ttl_min, "60", 0, 604800, "SECONDS",
	    "keep a DNS answer at least SECONDS, whatever its TTL"),
	NUM("dns-ttl-max", 0, dns_ttl_max, "86400", 1, 604800, "SECONDS",
	    "keep a DNS answer at most SECONDS"),
	NUM("max-dns-queries", 0, max_dns_queries, "4096", EXP_DNSQUERY_MIN,
	    EXP_DNSQUERY_MAX, "N", "DNS queries waiting for an answer"),
	NUM("dns-timeout", 0, dns_timeout, "5", 1, 3600, "SECONDS",
	    "export a query unanswered after SECONDS as unanswered"),
	NUM("max-server-names", 0, max_server_names, "4096",
	    EXP_DNSLABEL_MIN_L7, EXP_DNSLABEL_MAX_L7, "N",
	    "TLS server names / HTTP Hosts kept for open flows"),
	NUM("conntrack-buffer", 0, conntrack_buffer, "4096", 16, 1048576, "KIB",
	    "--conntrack: event socket buffer in KiB"),
	NUM("max-devices", 0, max_devices, "1024", EXP_DEVICES_MIN,
	    EXP_DEVICES_MAX, "N", "--devices: devices tracked at once"),
	NUM("max-processes", 0, max_processes, "1024", 16, 65000, "N",
	    "--processes: process names kept for open flows"),
};
const size_t exp_options_n_numeric = G_N_ELEMENTS(exp_options_numeric);

/* What GOption fills before checking. */
struct raw {
	char **interfaces, *read_file, *filter, *collector, *write_file;
	char *user, *pidfile, *transport, *protocol, *compat;
	gboolean biflow, daemon, stats, verbose, version;
	gboolean no_dns, mdns, no_server_names, devices;
	char *leases;
	gboolean conntrack, conntrack_acct, conntrack_reliable;
	gboolean processes;
	char *numeric[G_N_ELEMENTS(exp_options_numeric)];
};

static void
raw_clear(struct raw *r)
{
	size_t i;

	g_strfreev(r->interfaces);
	g_free(r->read_file);
	g_free(r->filter);
	g_free(r->collector);
	g_free(r->write_file);
	g_free(r->user);
	g_free(r->pidfile);
	g_free(r->transport);
	g_free(r->protocol);
	g_free(r->compat);
	g_free(r->leases);
	for (i = 0; i < exp_options_n_numeric; i++)
		g_free(r->numeric[i]);
}

/*
 * The GOption entries: the fixed ones, then one per numeric option with
 * its default and bounds in the help text (strings kept in help).
 */
static GOptionEntry *
make_entries(struct raw *r, GPtrArray *help)
{
	const GOptionEntry fixed[] = {
		{ "interface", 'i', 0, G_OPTION_ARG_STRING_ARRAY,
		    &r->interfaces, "capture live on IFACE (repeatable)",
		    "IFACE" },
		{ "read", 'r', 0, G_OPTION_ARG_FILENAME, &r->read_file,
		    "read a pcap/pcapng file (- = stdin)", "FILE" },
		{ "filter", 'f', 0, G_OPTION_ARG_STRING, &r->filter,
		    "BPF filter expression", "EXPR" },
		{ "collector", 'c', 0, G_OPTION_ARG_STRING, &r->collector,
		    "send to HOST[:PORT] ([v6addr]:port)", "HOST[:PORT]" },
		{ "transport", 't', 0, G_OPTION_ARG_STRING, &r->transport,
		    "udp (default) or tcp", "udp|tcp" },
		{ "write", 'w', 0, G_OPTION_ARG_FILENAME, &r->write_file,
		    "write an IPFIX file instead (- = stdout)", "FILE" },
		{ "protocol", 'P', 0, G_OPTION_ARG_STRING, &r->protocol,
		    "export protocol: ipfix (default) or v9", "ipfix|v9" },
		{ "biflow", 0, 0, G_OPTION_ARG_NONE, &r->biflow,
		    "RFC 5103 biflow records (IPFIX only)", NULL },
		{ "compat", 0, 0, G_OPTION_ARG_STRING, &r->compat,
		    "readable by super_mediator 1.8: no DNS or device "
		    "records, statistics under YAF's template id",
		    "super_mediator" },
		{ "no-dns", 0, 0, G_OPTION_ARG_NONE, &r->no_dns,
		    "no DNS labels, no DNS records", NULL },
		{ "mdns", 0, 0, G_OPTION_ARG_NONE, &r->mdns,
		    "also learn names from mDNS (port 5353) answers", NULL },
		{ "devices", 0, 0, G_OPTION_ARG_NONE, &r->devices,
		    "device records: names and addresses from DHCP, DHCPv6 "
		    "(and mDNS with --mdns)",
		    NULL },
		{ "leases", 0, 0, G_OPTION_ARG_FILENAME, &r->leases,
		    "device records from a dnsmasq or odhcpd lease file too "
		    "(implies --devices)",
		    "FILE" },
		{ "no-server-names", 0, 0, G_OPTION_ARG_NONE,
		    &r->no_server_names,
		    "no TLS server name / HTTP Host fallback labels", NULL },
		{ "conntrack", 0, 0, G_OPTION_ARG_NONE, &r->conntrack,
		    "flows from the kernel's connection table (-i: DNS only)",
		    NULL },
		{ "conntrack-acct", 0, 0, G_OPTION_ARG_NONE, &r->conntrack_acct,
		    "switch conntrack accounting on if it is off", NULL },
		{ "conntrack-reliable", 0, 0, G_OPTION_ARG_NONE,
		    &r->conntrack_reliable,
		    "reliable conntrack event delivery (as conntrackd)", NULL },
		{ "processes", 0, 0, G_OPTION_ARG_NONE, &r->processes,
		    "name the local process of each flow (end host, IPFIX)",
		    NULL },
		{ "user", 'u', 0, G_OPTION_ARG_STRING, &r->user,
		    "drop privileges to USER after opening captures", "USER" },
		{ "daemon", 'D', 0, G_OPTION_ARG_NONE, &r->daemon,
		    "detach and log to syslog", NULL },
		{ "pidfile", 'p', 0, G_OPTION_ARG_FILENAME, &r->pidfile,
		    "write the process id to FILE", "FILE" },
		{ "stats", 0, 0, G_OPTION_ARG_NONE, &r->stats,
		    "print counters to stderr at exit", NULL },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &r->verbose,
		    "log debug messages", NULL },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &r->version,
		    "print the version and exit", NULL },
	};
	size_t nf = G_N_ELEMENTS(fixed), i;
	GOptionEntry *e = g_new0(GOptionEntry, nf + exp_options_n_numeric + 1);

	memcpy(e, fixed, sizeof(fixed));
	for (i = 0; i < exp_options_n_numeric; i++) {
		const struct exp_numeric_option *o = &exp_options_numeric[i];

		e[nf + i].long_name = o->name;
		e[nf + i].short_name = o->short_name;
		e[nf + i].arg = G_OPTION_ARG_STRING;
		e[nf + i].arg_data = &r->numeric[i];
		char *d = g_strdup_printf("%s (default %s, %" G_GUINT64_FORMAT
		                          "..%" G_GUINT64_FORMAT ")",
		    o->help, o->def, o->min, o->max);

		g_ptr_array_add(help, d);
		e[nf + i].description = d;
		e[nf + i].arg_description = o->arg;
	}
	return e; /* zeroed last entry: G_OPTION_ENTRY_NULL */
}

static gboolean
set_numeric(struct exp_config *cfg, struct raw *r, GError **error)
{
	size_t i;

	for (i = 0; i < exp_options_n_numeric; i++) {
		const struct exp_numeric_option *o = &exp_options_numeric[i];
		const char *v = r->numeric[i] ? r->numeric[i] : o->def;
		guint64 *dst = (guint64 *)(void *)((char *)cfg + o->offset);

		if (!g_ascii_string_to_unsigned(v, 10, o->min, o->max, dst,
		        NULL)) {
			g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
			    "--%s: bad value '%s' (%" G_GUINT64_FORMAT
			    "..%" G_GUINT64_FORMAT ")",
			    o->name, v, o->min, o->max);
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
set_enums(struct exp_config *cfg, struct raw *r, GError **error)
{
	if (r->transport == NULL || strcmp(r->transport, "udp") == 0)
		cfg->transport = EXP_SINK_UDP;
	else if (strcmp(r->transport, "tcp") == 0)
		cfg->transport = EXP_SINK_TCP;
	else {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
		    "--transport: '%s' is neither udp nor tcp", r->transport);
		return FALSE;
	}
	if (r->protocol == NULL || strcmp(r->protocol, "ipfix") == 0)
		cfg->protocol = EXP_PROTO_IPFIX;
	else if (strcmp(r->protocol, "v9") == 0)
		cfg->protocol = EXP_PROTO_V9;
	else {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
		    "--protocol: '%s' is neither ipfix nor v9", r->protocol);
		return FALSE;
	}
	return TRUE;
}

static gboolean
check(struct exp_config *cfg, struct raw *r, GError **error)
{
	const char *why = NULL;
	uint16_t defport = cfg->protocol == EXP_PROTO_V9 ? 2055 : 4739;

	if (r->conntrack && r->read_file != NULL)
		why = "--conntrack reads the kernel's table, not -r FILE";
	else if (r->conntrack && r->filter != NULL)
		why = "--conntrack captures DNS only (filter: port 53)";
	else if (r->processes && (r->conntrack || r->read_file != NULL))
		why = "--processes asks this host's kernel about live "
		      "sockets: it needs -i IFACE, not -r or --conntrack";
	else if (r->processes && cfg->protocol == EXP_PROTO_V9)
		why = "--processes needs IPFIX (NetFlow v9 has no string "
		      "elements)";
	else if (!r->conntrack && (r->conntrack_acct || r->conntrack_reliable))
		why = "--conntrack-acct and --conntrack-reliable need "
		      "--conntrack";
	else if (!r->conntrack &&
	    (cfg->n_interfaces > 0) == (r->read_file != NULL))
		why = "give either -i IFACE (live) or -r FILE";
	else if ((r->collector != NULL) == (r->write_file != NULL))
		why = "give either -c HOST[:PORT] or -w FILE";
	else if (cfg->biflow && cfg->protocol == EXP_PROTO_V9)
		why = "--biflow needs IPFIX (NetFlow v9 has no reverse "
		      "elements)";
	else if (r->compat != NULL && strcmp(r->compat, "super_mediator") != 0)
		why = "--compat: the only value is super_mediator";
	else if (r->compat != NULL && cfg->protocol == EXP_PROTO_V9)
		why = "--compat super_mediator needs IPFIX";
	else if (r->compat != NULL && (r->devices || r->leases != NULL))
		why = "--compat super_mediator sends no device records (it "
		      "stops at options records that are not YAF's)";
	else if (r->write_file != NULL && cfg->protocol == EXP_PROTO_V9)
		why = "-w writes IPFIX files; -P v9 applies to -c only";
	else if (r->write_file != NULL && r->transport != NULL)
		why = "--transport applies to -c, not to -w";
	else if (cfg->dns_ttl_min > cfg->dns_ttl_max)
		why = "--dns-ttl-min is above --dns-ttl-max";
	else if (cfg->replay_speed != 0 &&
	    (r->read_file == NULL || r->collector == NULL))
		why = "--replay-speed applies to -r FILE sent with -c";
	if (why != NULL) {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS, "%s", why);
		return FALSE;
	}
	if (r->collector != NULL)
		return mf_hostport_parse(r->collector, defport,
		    &cfg->collector_host, &cfg->collector_port, error);
	return TRUE;
}

gboolean
exp_options_parse(int argc, char **argv, struct exp_config *cfg,
    gboolean *show_version, GError **error)
{
	struct raw r;
	g_autofree GOptionEntry *entries = NULL;
	g_autoptr(GPtrArray) help = g_ptr_array_new_with_free_func(g_free);
	GOptionContext *ctx;
	gboolean ok;

	memset(cfg, 0, sizeof(*cfg));
	memset(&r, 0, sizeof(r));
	entries = make_entries(&r, help);
	ctx = g_option_context_new("- minimal NetFlow v9/IPFIX exporter");
	g_option_context_set_summary(ctx,
	    "Capture packets (live or from a file), keep a bounded flow "
	    "cache and export\nIPFIX or NetFlow v9 records to a collector "
	    "or an IPFIX file.");
	g_option_context_set_description(ctx,
	    "Examples:\n  minflow-exporter -i eth0 -c 192.0.2.10\n"
	    "  minflow-exporter -r capture.pcap -w flows.ipfix\n"
	    "See minflow-exporter(8).\n");
	g_option_context_add_main_entries(ctx, entries, NULL);
	ok = g_option_context_parse(ctx, &argc, &argv, error);
	g_option_context_free(ctx);
	if (ok && argc > 1) {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
		    "unexpected argument '%s'", argv[1]);
		ok = FALSE;
	}
	*show_version = r.version;
	if (ok && !r.version) {
		cfg->interfaces = g_steal_pointer(&r.interfaces);
		cfg->n_interfaces =
		    cfg->interfaces ? g_strv_length(cfg->interfaces) : 0;
		cfg->biflow = r.biflow;
		cfg->dns = !r.no_dns;
		cfg->mdns = r.mdns;
		cfg->devices = r.devices || r.leases != NULL;
		cfg->leases = g_steal_pointer(&r.leases);
		cfg->processes = r.processes;
		cfg->compat_sm = r.compat != NULL;
		cfg->server_names = !r.no_server_names;
		cfg->daemon = r.daemon;
		cfg->print_stats = r.stats;
		cfg->verbose = r.verbose;
		cfg->conntrack = r.conntrack;
		cfg->conntrack_acct = r.conntrack_acct;
		cfg->conntrack_reliable = r.conntrack_reliable;
		ok = set_numeric(cfg, &r, error) && set_enums(cfg, &r, error) &&
		    check(cfg, &r, error);
		cfg->read_file = g_steal_pointer(&r.read_file);
		cfg->filter = g_steal_pointer(&r.filter);
		cfg->write_file = g_steal_pointer(&r.write_file);
		cfg->user = g_steal_pointer(&r.user);
		/* Absolute: -D changes directory before it is written. */
		if (r.pidfile != NULL)
			cfg->pidfile = g_canonicalize_filename(r.pidfile, NULL);
	}
	raw_clear(&r);
	return ok;
}

void
exp_options_clear(struct exp_config *cfg)
{
	g_strfreev(cfg->interfaces);
	g_free(cfg->read_file);
	g_free(cfg->filter);
	g_free(cfg->collector_host);
	g_free(cfg->write_file);
	g_free(cfg->user);
	g_free(cfg->pidfile);
	g_free(cfg->leases);
	memset(cfg, 0, sizeof(*cfg));
}
