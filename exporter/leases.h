/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef EXP_LEASES_H
#define EXP_LEASES_H

/*
 * leases: the lines of DHCP lease files, for devices whose lease came
 * before the exporter started (--leases FILE).  Two formats, told apart
 * line by line:
 *
 *   dnsmasq (OpenWrt's /tmp/dhcp.leases, Debian's
 *   /var/lib/misc/dnsmasq.leases):
 *     EXPIRY MAC IPV4 HOSTNAME CLIENT-ID        (DHCPv4 lease)
 *     duid SERVER-DUID                          (before the DHCPv6 ones)
 *     EXPIRY IAID IPV6 HOSTNAME CLIENT-DUID     (DHCPv6 lease)
 *   HOSTNAME "*" is none; EXPIRY 0 is an infinite lease.
 *
 *   odhcpd (its leasefile, OpenWrt's /tmp/hosts/odhcpd):
 *     # IFACE DUID IAID HOSTNAME EXPIRY ASSIGNED PREFIXLEN ADDR/LEN ...
 *     # IFACE MAC ipv4 HOSTNAME EXPIRY ASSIGNED 32 ADDR/32
 *   HOSTNAME "-" is none; EXPIRY -1 is an infinite lease.
 *
 * A DHCPv6 lease names its device by the client's DUID: only a DUID-LLT
 * or DUID-LL of an Ethernet address gives the MAC (other leases are
 * skipped: no MAC, no device record).  Names as exporter/dhcp.h keeps
 * them.  Parsing only: no state, no allocation.
 */
#include <stdint.h>

#include <glib.h>

#include "common/addr.h"
#include "common/model.h"

enum exp_lease_result {
	EXP_LEASE_OK = 0, /* *out is a lease */
	EXP_LEASE_SKIP,   /* a line of no lease (duid, comment, blank) */
	EXP_LEASE_NO_MAC, /* a lease whose DUID gives no MAC */
	EXP_LEASE_BAD,    /* not a line of either format */
};

struct exp_lease {
	uint8_t mac[6];
	struct mf_addr addr;
	int64_t expiry_s;                  /* Unix seconds, 0: infinite */
	char name[MF_DEVICE_NAME_MAX + 1]; /* "" if none */
};

/* Parse one line (without its newline). */
enum exp_lease_result exp_leases_parse_line(const char *line,
    struct exp_lease *out);

/* The MAC of a DUID given as hex text ("00:01:00:01:..." or plain). */
gboolean exp_leases_duid_mac(const char *duid, uint8_t mac[6]);

#endif
