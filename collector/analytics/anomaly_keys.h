/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_ANOMALY_KEYS_H
#define COL_ANOMALY_KEYS_H

/*
 * anomaly_keys: the [anomaly] and [anomaly.NAME] rows of the collector's
 * configuration table (collector/settings.c), kept beside the detectors
 * they configure.  COL_ANOMALY_KEYS expands to table rows (struct
 * mf_conf_key initialisers) for the field anomaly of struct col_config,
 * so it is only usable where that struct is complete.  Why each default
 * is what it is: minflow.conf(5).
 */
#include <stddef.h>

#include "collector/analytics/anomaly.h"
#include "common/conf.h"

#define COL_AK(g, k, t, f, d, lo, hi, h)                                      \
	{                                                                     \
		"anomaly" g, k, t, offsetof(struct col_config, anomaly.f), d, \
		    lo, hi, h                                                 \
	}
#define COL_AK_UINT(g, k, f, d, lo, hi, h) \
	COL_AK(g, k, MF_CONF_UINT, f, d, lo, hi, h)
#define COL_AK_ON(g, f)                                             \
	COL_AK(g, "enabled", MF_CONF_BOOL, f.enabled, "true", 0, 0, \
	    "run this detector")
#define COL_AK_WINDOW(g, f)                                \
	COL_AK_UINT(g, "window", f.window, "60", 1, 86400, \
	    "seconds of flow time judged together")

#define COL_ANOMALY_KEYS                                                       \
	COL_AK_UINT("", "hosts", hosts, "4096", COL_ANOMALY_HOSTS_MIN,         \
	    COL_ANOMALY_HOSTS_MAX,                                             \
	    "state slots per detector table (keys tracked at once)"),          \
	    COL_AK_UINT("", "active", active, "256", 1,                        \
	        COL_ANOMALY_ACTIVE_MAX, "anomalies listed at once"),           \
	    COL_AK_UINT("", "expire", expire, "2", 0, 100000,                  \
	        "quiet intervals after which an anomaly is over"),             \
	    COL_AK_UINT("", "pending", pending, "65536", 1,                    \
	        COL_ANOMALY_HOSTS_MAX,                                         \
	        "probes per interval waiting for the reply check"),            \
	    COL_AK_ON(".fan_out", fan_out),                                    \
	    COL_AK_WINDOW(".fan_out", fan_out),                                \
	    COL_AK_UINT(".fan_out", "destinations", fan_out.destinations,      \
	        "100", 1, 16777216, "distinct destinations a source opens"),   \
	    COL_AK_UINT(".fan_out", "unresolved", fan_out.unresolved, "30", 0, \
	        16777216,                                                      \
	        "distinct external addresses no DNS answer named (0: off)"),   \
	    COL_AK_ON(".port_scan_vertical", vertical),                        \
	    COL_AK_WINDOW(".port_scan_vertical", vertical),                    \
	    COL_AK_UINT(".port_scan_vertical", "ports", vertical.ports, "25",  \
	        1, 65536, "distinct ports probed on one target"),              \
	    COL_AK_ON(".port_scan_horizontal", horizontal),                    \
	    COL_AK_WINDOW(".port_scan_horizontal", horizontal),                \
	    COL_AK_UINT(".port_scan_horizontal", "targets",                    \
	        horizontal.targets, "16", 1, 16777216,                         \
	        "distinct targets probed on one port"),                        \
	    COL_AK_ON(".syn_scan", syn_scan),                                  \
	    COL_AK_WINDOW(".syn_scan", syn_scan),                              \
	    COL_AK_UINT(".syn_scan", "probes", syn_scan.probes, "50", 1,       \
	        16777216, "distinct target ports of unanswered SYNs"),         \
	    COL_AK_UINT(".syn_scan", "max-packets", syn_scan.max_packets, "3", \
	        1, 255, "packets of a probe at most"),                         \
	    COL_AK_ON(".half_open", half_open),                                \
	    COL_AK_WINDOW(".half_open", half_open),                            \
	    COL_AK_UINT(".half_open", "connections", half_open.connections,    \
	        "100", 1, 16777216, "unanswered SYNs to one target port"),     \
	    COL_AK_UINT(".half_open", "attempts", half_open.attempts, "20", 0, \
	        16777216,                                                      \
	        "unanswered attempts of one source to one server port"),       \
	    COL_AK_ON(".brute_force", brute_force),                            \
	    COL_AK_WINDOW(".brute_force", brute_force),                        \
	    COL_AK_UINT(".brute_force", "connections",                         \
	        brute_force.connections, "20", 1, 16777216,                    \
	        "short connections to an authentication port"),                \
	    COL_AK_UINT(".brute_force", "other-connections",                   \
	        brute_force.other_connections, "40", 0, 16777216,              \
	        "short connections to any other service port (0: off)"),       \
	    COL_AK(".brute_force", "ports", MF_CONF_LIST, brute_force.ports,   \
	        "22;23;21;3389;587;465;143;993;110;995", 0, 0,                 \
	        "authentication ports"),                                       \
	    COL_AK_UINT(".brute_force", "min-packets",                         \
	        brute_force.min_packets, "6", 1, UINT32_MAX,                   \
	        "packets of a connection that exchanged data"),                \
	    COL_AK_UINT(".brute_force", "max-bytes", brute_force.max_bytes,    \
	        "20000", 1, UINT32_MAX, "client bytes of a short connection"), \
	    COL_AK_UINT(".brute_force", "max-duration",                        \
	        brute_force.max_duration, "30", 1, 86400,                      \
	        "seconds of a short connection"),                              \
	    COL_AK_UINT(".brute_force", "max-cv", brute_force.max_cv, "50", 0, \
	        10000, "coefficient of variation of their bytes, %"),          \
	    COL_AK_UINT(".brute_force", "attempts", brute_force.attempts,      \
	        "40", 0, 16777216,                                             \
	        "login attempts estimated from packets (0: off)"),             \
	    COL_AK_UINT(".brute_force", "login-packets",                       \
	        brute_force.login_packets, "15", 1, 65535,                     \
	        "client packets of a connection with one attempt"),            \
	    COL_AK_UINT(".brute_force", "attempt-packets",                     \
	        brute_force.attempt_packets, "1", 1, 65535,                    \
	        "client packets of each further attempt"),                     \
	    COL_AK_ON(".dns_amplification", dns_amp),                          \
	    COL_AK_WINDOW(".dns_amplification", dns_amp),                      \
	    COL_AK_UINT(".dns_amplification", "min-bytes", dns_amp.min_bytes,  \
	        "500000", 1, UINT32_MAX, "DNS response bytes received"),       \
	    COL_AK_UINT(".dns_amplification", "ratio", dns_amp.ratio, "10", 1, \
	        1000000, "response bytes per query byte sent"),                \
	    COL_AK_UINT(".dns_amplification", "queries", dns_amp.queries,      \
	        "100", 0, 16777216, "ANY/TXT queries sent (0: off)"),          \
	    COL_AK_ON(".ddos_target", ddos),                                   \
	    COL_AK_WINDOW(".ddos_target", ddos),                               \
	    COL_AK_UINT(".ddos_target", "sources", ddos.sources, "1000", 1,    \
	        16777216, "distinct sources opening conversations"),           \
	    COL_AK_UINT(".ddos_target", "min-rate", ddos.min_rate, "100", 1,   \
	        16777216, "SYNs per second at least"),                         \
	    COL_AK_UINT(".ddos_target", "factor", ddos.factor, "10", 1,        \
	        1000000, "times the target's baseline SYN rate"),              \
	    COL_AK_UINT(".ddos_target", "first-rate", ddos.first_rate, "200",  \
	        0, 16777216, "SYNs per second without a baseline (0: off)"),   \
	    COL_AK_ON(".udp_reflection", reflect),                             \
	    COL_AK_WINDOW(".udp_reflection", reflect),                         \
	    COL_AK(".udp_reflection", "ports", MF_CONF_LIST, reflect.ports,    \
	        "19;17;111;123;137;161;389;500;1900;3702;11211", 0, 0,         \
	        "UDP services that amplify"),                                  \
	    COL_AK_UINT(".udp_reflection", "reflectors", reflect.reflectors,   \
	        "100", 1, 16777216, "distinct reflectors answering"),          \
	    COL_AK_UINT(".udp_reflection", "packets", reflect.packets, "1000", \
	        1, UINT32_MAX, "answers received at least"),                   \
	    COL_AK_UINT(".udp_reflection", "ratio", reflect.ratio, "10", 1,    \
	        1000000, "answer bytes per request byte sent"),                \
	    COL_AK_ON(".dns_tunnel", tunnel),                                  \
	    COL_AK_UINT(".dns_tunnel", "window", tunnel.window, "300", 1,      \
	        86400, "seconds of flow time judged together"),                \
	    COL_AK_UINT(".dns_tunnel", "queries", tunnel.queries, "50", 1,     \
	        16777216, "long, high-entropy queries under one domain"),      \
	    COL_AK_UINT(".dns_tunnel", "names", tunnel.names, "25", 1,         \
	        16777216, "distinct names among them"),                        \
	    COL_AK_UINT(".dns_tunnel", "min-length", tunnel.min_length, "24",  \
	        1, 1003, "characters below the registered domain"),            \
	    COL_AK_UINT(".dns_tunnel", "min-entropy", tunnel.min_entropy,      \
	        "32", 0, 80, "their entropy, tenths of a bit per character"),  \
	    COL_AK_ON(".beacon", beacon),                                      \
	    COL_AK_UINT(".beacon", "window", beacon.window, "3600", 1, 86400,  \
	        "seconds of flow time judged together"),                       \
	    COL_AK_UINT(".beacon", "contacts", beacon.contacts, "12", 3,       \
	        16777216, "new conversations with one remote"),                \
	    COL_AK_UINT(".beacon", "min-period", beacon.min_period, "1", 0,    \
	        86400, "seconds between contacts at least"),                   \
	    COL_AK_UINT(".beacon", "max-jitter", beacon.max_jitter, "10", 0,   \
	        10000, "standard deviation of the period, % of it"),           \
	    COL_AK_UINT(".beacon", "max-bytes", beacon.max_bytes, "20000", 1,  \
	        UINT32_MAX, "mean bytes of a contact, both ways"),             \
	    COL_AK_UINT(".beacon", "max-size-cv", beacon.max_size_cv, "25", 0, \
	        10000, "coefficient of variation of their bytes, %"),          \
	    COL_AK(".beacon", "ignore", MF_CONF_LIST, beacon.ignore,           \
	        "push.apple.com;mtalk.google.com;push.services.mozilla.com;"   \
	        "notify.windows.com;push.prod.netflix.com",                    \
	        0, 0,                                                          \
	        "names (and names below them) whose keep-alives are "          \
	        "benign")

#endif
