/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef EXP_DEVICES_H
#define EXP_DEVICES_H

/*
 * devices: the exporter's device records (--devices).  It watches every
 * decoded packet for DHCPv4 (UDP 67/68), DHCPv6 (UDP 546/547) and, with
 * mdns, mDNS responses (UDP 5353), parsed by exporter/dhcp.h, and reads
 * lease files (exporter/leases.h).  What it learns goes out as device
 * records (exp_export_device(): IPFIX only, templates device4/device6):
 *
 *   DHCPv4: a client's DISCOVER or REQUEST gives its host name (option
 *   12, else 81), kept by MAC; the server's ACK gives the address
 *   (yiaddr) and lease time: one record (MAC = chaddr, the ACK's name or
 *   the one the client sent, source "dhcp").
 *   DHCPv6: a client message (SOLICIT, REQUEST, RENEW, REBIND) gives
 *   its FQDN (option 39); the server's REPLY gives the IA_NA address and
 *   valid lifetime: one record (source "dhcpv6").  The MAC is the
 *   frame's (the client's source, the REPLY's destination), else the one
 *   in the client's DUID.
 *   mDNS: each A/AAAA answer for NAME.local: a record with the sending
 *   frame's MAC, NAME and the address (source "mdns").
 *   Lease files: each lease with a MAC (source "lease"), read at start
 *   and again when the file's size, time or inode change (polled by the
 *   caller, once a second).
 *
 * The same (MAC, address, name, source) goes out again only after
 * EXP_DEVICES_RESEND_MS (mDNS repeats itself; a lease file is read
 * whole).  Tables: names sent by clients (by MAC) and what was sent (by
 * MAC and address), max_devices and 4 * max_devices entries, allocated
 * at start; full, the least recently used is replaced (counted).
 * Packet path: no allocation.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "common/hash.h"
#include "exporter/decode.h"
#include "exporter/dhcp.h"
#include "exporter/export.h"

#define EXP_DEVICES_MIN 16
#define EXP_DEVICES_MAX (1u << 20)
#define EXP_DEVICES_RESEND_MS (3600u * 1000)
#define EXP_LEASES_MAX_BYTES (16u << 20) /* a lease file read at most */

struct exp_devices_config {
	size_t max_devices;
	gboolean mdns; /* device names from mDNS answers */
	struct mf_hash_key seed;
};

struct exp_devices_stats {
	uint64_t dhcp4;                           /* DHCPv4 messages */
	uint64_t dhcp6;                           /* DHCPv6 messages */
	uint64_t dhcp_result[EXP_DHCP_N_RESULTS]; /* of both */
	uint64_t mdns;                            /* mDNS responses read */
	uint64_t mdns_bad;                        /* ... malformed */
	uint64_t records;       /* device records handed to the export */
	uint64_t repeats;       /* ... not sent again: unchanged */
	uint64_t no_mac;        /* learned, but no MAC to name it by */
	uint64_t names_evicted; /* client names replaced: table full */
	uint64_t sent_evicted;  /* sent-record entries replaced */
	uint64_t lease_reads;   /* lease file (re)reads */
	uint64_t lease_lines;   /* lease lines read */
	uint64_t lease_bad;     /* lines of neither format */
	uint64_t lease_no_mac;  /* DHCPv6 leases without a MAC */
};

struct exp_devices;

/* NULL (error set) if max_devices is out of range.  export borrowed. */
struct exp_devices *exp_devices_new(const struct exp_devices_config *cfg,
    struct exp_export *export, GError **error);
void exp_devices_free(struct exp_devices *d);

/* Learn from one decoded packet (packet path). */
void exp_devices_packet(struct exp_devices *d, const struct exp_pkt *p);

/*
 * Read lease file path if it changed since the last call (or at the
 * first); its leases go out as records stamped now_ms.  FALSE (error
 * set) if it cannot be read: the caller logs that and tries again later.
 */
gboolean exp_devices_leases(struct exp_devices *d, const char *path,
    uint64_t now_ms, GError **error);

const struct exp_devices_stats *exp_devices_get_stats(
    const struct exp_devices *d);

#endif
