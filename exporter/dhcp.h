/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef EXP_DHCP_H
#define EXP_DHCP_H

/*
 * dhcp: what DHCPv4 (RFC 2131/2132), DHCPv6 (RFC 8415) and mDNS (RFC
 * 6762) messages say about a device, for the exporter's device records
 * (exporter/devices.h).  Parsers only: no state, no allocation, every
 * read bounds-checked through mf_rbuf, so any byte string is safe input.
 *
 * DHCPv4 (UDP 67/68): the BOOTP header (op, htype 1 = Ethernet with hlen
 * 6, chaddr, yiaddr) and the options after the magic cookie: 53 message
 * type, 12 host name, 81 client FQDN (RFC 4702: DNS wire form with the E
 * flag, else ASCII), 51 lease time, 50 requested address.  Options in
 * sname/file (option 52 overload) are not read.  The name is option 12
 * if present, else option 81's.
 *
 * DHCPv6 (UDP 546/547): message type, then options: 1 client identifier
 * (a DUID-LLT or DUID-LL of hardware type 1 gives the MAC), 3 IA_NA with
 * its 5 IA addresses (the first address and its valid lifetime), 39
 * client FQDN (RFC 4704, DNS wire form).  Relay messages are not opened.
 *
 * Names: at most MF_DEVICE_NAME_MAX bytes of 0x21..0x7e (others, and an
 * empty name, give EXP_DHCP_BAD_NAME: the message's other fields stay
 * usable); trailing NULs and one trailing dot are dropped.
 *
 * mDNS (UDP 5353, responses): A and AAAA records of the answer and
 * additional sections whose owner is NAME.local: the name without
 * ".local" and the address, at most EXP_MDNS_MAX per message.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "common/addr.h"
#include "common/model.h"

#define EXP_DHCP4_SERVER_PORT 67
#define EXP_DHCP4_CLIENT_PORT 68
#define EXP_DHCP6_CLIENT_PORT 546
#define EXP_DHCP6_SERVER_PORT 547
#define EXP_MDNS_MAX 8

/* DHCPv4 message types (option 53) and DHCPv6 ones used here. */
#define EXP_DHCP4_DISCOVER 1
#define EXP_DHCP4_REQUEST 3
#define EXP_DHCP4_ACK 5
#define EXP_DHCP6_SOLICIT 1
#define EXP_DHCP6_REQUEST 3
#define EXP_DHCP6_RENEW 5
#define EXP_DHCP6_REBIND 6
#define EXP_DHCP6_REPLY 7

enum exp_dhcp_result {
	EXP_DHCP_OK = 0,
	EXP_DHCP_SHORT,      /* shorter than its fixed part */
	EXP_DHCP_NOT_ETHER,  /* DHCPv4 htype/hlen not Ethernet */
	EXP_DHCP_BAD_MAGIC,  /* DHCPv4 without the magic cookie */
	EXP_DHCP_BAD_OPTION, /* an option runs past the end, or bad length */
	EXP_DHCP_BAD_NAME,   /* a name not kept (see above); rest usable */
	EXP_DHCP_RELAY,      /* DHCPv6 relay message: not opened */
	EXP_DHCP_N_RESULTS
};

/* "ok", "short", "not_ether", ... */
extern const char *const exp_dhcp_result_names[EXP_DHCP_N_RESULTS];

/* What one DHCP message says. */
struct exp_dhcp_info {
	uint8_t type; /* message type, 0 if absent */
	uint8_t op;   /* DHCPv4 BOOTP op: 1 request, 2 reply; v6: 0 */
	uint8_t has_mac;
	uint8_t mac[6];        /* chaddr, or the DUID's link-layer address */
	struct mf_addr addr;   /* yiaddr / IA address (family 0: none) */
	struct mf_addr wanted; /* DHCPv4 option 50 or ciaddr */
	uint32_t lease_s;      /* option 51 / valid lifetime, 0 if none */
	char name[MF_DEVICE_NAME_MAX + 1]; /* "" if none */
};

enum exp_dhcp_result exp_dhcp4_parse(const uint8_t *msg, size_t len,
    struct exp_dhcp_info *out);
enum exp_dhcp_result exp_dhcp6_parse(const uint8_t *msg, size_t len,
    struct exp_dhcp_info *out);

/* One NAME.local address of an mDNS response. */
struct exp_mdns_host {
	char name[MF_DEVICE_NAME_MAX + 1];
	struct mf_addr addr;
};

/*
 * The hosts of mDNS message msg (a response: QR set) into out[0 ..
 * EXP_MDNS_MAX); *n gets their number.  Returns 0, or -EBADMSG for a
 * malformed message or a query (*n holds what came before a fault).
 */
int exp_mdns_parse(const uint8_t *msg, size_t len,
    struct exp_mdns_host out[EXP_MDNS_MAX], unsigned *n);

#endif
