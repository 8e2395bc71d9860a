/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_DEVICES_H
#define COL_DEVICES_H

/*
 * devices: the collector's device table.  A device is a host of the
 * internal networks, keyed by its MAC when one is known, else by its
 * address (a host behind another router, an exporter that sends no
 * MACs: each internal address is then a device of its own).  It learns:
 *
 *   from flow records: each internal side's address with the side's MAC
 *   (sourceMacAddress with the source, destinationMacAddress with the
 *   destination; group and all-zero MACs are no device's), the bytes and
 *   packets it sent and received, its flows and the remote names (the
 *   flow's label) by bytes.  A side sent to a group MAC (broadcast,
 *   multicast) or a multicast or unspecified address is no device;
 *   from device records (minflow-exporter's DHCP, DHCPv6, lease file and
 *   mDNS names, struct col_device_rec): the name, by trust (dhcp >
 *   dhcpv6 > lease > mdns; the same source replaces it), and the address.
 *
 * Every address seen with a MAC (IPv4, and every IPv6 address: privacy
 * addresses too) is kept with the device, at most COL_DEVICE_ADDRS (the
 * oldest makes room, counted), and in an address map (address -> device)
 * so that a flow record without MACs still finds the device.  When an
 * address learns its MAC, the device that address was on its own is
 * merged into the MAC's device.  The vendor comes from the MAC's OUI
 * (collector/model/oui.h); random_mac is the locally administered bit.
 *
 * Bounds: max_devices devices and 8 map entries per device, allocated at
 * start (common/table.c): a full table replaces its least recently used
 * entry (evicted); entries unused for idle_ms are collected between
 * intervals.  A device takes about 9 KiB (32 remote names of up to 255
 * bytes): 1024 devices about 9 MiB.  Packet path: no allocation.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/model/flow.h"
#include "collector/model/oui.h"
#include "common/addr.h"
#include "common/hash.h"

#define COL_DEVICES_MIN 16
#define COL_DEVICES_MAX (1u << 20)
#define COL_DEVICE_ADDRS 16 /* addresses kept per device */
#define COL_DEVICE_NAMES 32 /* remote names kept per device */
#define COL_DEVICE_MAP_PER_DEVICE 8
#define COL_DEVICE_ID_MAX MF_ADDR_STRLEN

/* What a device is keyed by: kind 1 a MAC (b[0..5]), 4/6 an address. */
struct col_device_key {
	uint8_t kind;
	uint8_t b[16];
};

#define COL_DEVICE_KEY_MAC 1

struct col_device_name {
	uint64_t bytes;
	uint32_t hash; /* g_str_hash() of name: most compares stop here */
	char name[COL_LABEL_MAX];
};

/* One device; the interval counters count since the last report. */
struct col_device {
	struct col_device_key key;      /* first: the table's key */
	char id[COL_DEVICE_ID_MAX];     /* "aa:bb:cc:dd:ee:ff" or the address */
	char name[COL_DEVICE_NAME_MAX]; /* "" when none */
	const char *vendor;             /* the OUI table's, or NULL */
	uint8_t mac[6];
	uint8_t has_mac;
	uint8_t random_mac;  /* locally administered MAC */
	uint8_t name_source; /* enum mf_device_source */
	uint8_t active;      /* seen in the open interval */
	uint8_t n_addrs;
	uint8_t addr_next; /* ring slot replaced next when full */
	uint8_t n_names;
	struct mf_addr addrs[COL_DEVICE_ADDRS]; /* in order of first sight */
	uint64_t first_ms, last_ms;             /* flow time */
	/* Interval counters. */
	uint64_t bytes_out, bytes_in, packets_out, packets_in, flows;
	struct col_device_name names[COL_DEVICE_NAMES];
};

struct col_devices_config {
	size_t max_devices;        /* COL_DEVICES_MIN .. COL_DEVICES_MAX */
	uint64_t idle_ms;          /* unused this long: collected */
	const struct col_oui *oui; /* borrowed, NULL: no vendors */
	struct mf_hash_key seed;
};

struct col_devices_stats {
	uint32_t used, capacity;
	uint64_t evicted;           /* devices replaced: table full */
	uint64_t collected;         /* idle devices removed */
	uint64_t merged;            /* address devices merged into a MAC's */
	uint64_t records;           /* device records taken */
	uint64_t bad_records;       /* ... without a usable MAC */
	uint64_t addresses_dropped; /* a device's oldest address replaced */
	uint64_t names_dropped;     /* remote names not kept: list full */
	uint64_t map_evicted;       /* address map entries replaced */
};

struct col_devices;

/* NULL (error set) if max_devices is out of range. */
struct col_devices *col_devices_new(const struct col_devices_config *cfg,
    GError **error);
void col_devices_free(struct col_devices *d);

/*
 * Account flow record f (times start_ms .. end_ms) to the devices of its
 * internal sides (as classified); out[0] and out[1] (source,
 * destination) get them, or NULL (an external side, an unspecified
 * address).  The pointers stay valid until the next call that changes
 * the table.
 */
void col_devices_flow(struct col_devices *d, const struct col_flow *f,
    uint64_t start_ms, uint64_t end_ms, gboolean src_internal,
    gboolean dst_internal, const struct col_device *out[2]);

/* Take a device record. */
void col_devices_record(struct col_devices *d, const struct col_device_rec *r);

/* Lookups (NULL if none): by MAC, by an address (via the map). */
const struct col_device *col_devices_find_mac(const struct col_devices *d,
    const uint8_t mac[6]);
const struct col_device *col_devices_find_addr(const struct col_devices *d,
    const struct mf_addr *a);

/*
 * The devices active in the open interval, largest first by bytes_out +
 * bytes_in, ties by id; *n gets their number.  g_free() the array (the
 * devices are the table's).
 */
const struct col_device **col_devices_active(const struct col_devices *d,
    size_t *n);

/* After a report: zero the interval counters (O(devices)). */
void col_devices_new_interval(struct col_devices *d);

/* Remove devices and map entries unused since now_ms - idle_ms. */
void col_devices_gc(struct col_devices *d, uint64_t now_ms);

void col_devices_get_stats(const struct col_devices *d,
    struct col_devices_stats *st);

/* TRUE if mac can name a device: not a group address, not all zero. */
gboolean col_devices_mac_ok(const uint8_t mac[6]);

#endif
