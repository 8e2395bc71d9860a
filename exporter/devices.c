/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-devices"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "common/error.h"
#include "common/model.h"
#include "common/table.h"
#include "exporter/devices.h"
#include "exporter/leases.h"

#define PROTO_UDP 17
#define MDNS_PORT 5353

/* A name a client sent, by MAC. */
struct pending {
	uint8_t mac[6]; /* the key */
	uint8_t source;
	char name[MF_DEVICE_NAME_MAX + 1];
};

/* What went out for (MAC, address). */
struct sent_key {
	uint8_t mac[6];
	uint8_t family;
	uint8_t addr[16];
};

struct sent {
	struct sent_key key;
	uint8_t source;
	uint64_t ms;
	char name[MF_DEVICE_NAME_MAX + 1];
};

struct exp_devices {
	struct exp_devices_config cfg;
	struct exp_export *export;
	struct mf_table pending;
	struct mf_table sent;
	/* The lease file as last read. */
	gboolean lease_read;
	int64_t lease_mtime;
	uint64_t lease_size, lease_ino;
	struct exp_devices_stats st;
};

struct exp_devices *
exp_devices_new(const struct exp_devices_config *cfg, struct exp_export *export,
    GError **error)
{
	struct exp_devices *d;

	if (cfg->max_devices < EXP_DEVICES_MIN ||
	    cfg->max_devices > EXP_DEVICES_MAX) {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
		    "--max-devices: %zu is out of range (%u .. %u)",
		    cfg->max_devices, EXP_DEVICES_MIN, EXP_DEVICES_MAX);
		return NULL;
	}
	d = g_new0(struct exp_devices, 1);
	d->cfg = *cfg;
	d->export = export;
	mf_table_init(&d->pending, cfg->max_devices, sizeof(struct pending), 6,
	    &cfg->seed);
	mf_table_init(&d->sent, cfg->max_devices * 4, sizeof(struct sent),
	    sizeof(struct sent_key), &cfg->seed);
	return d;
}

void
exp_devices_free(struct exp_devices *d)
{
	if (d == NULL)
		return;
	mf_table_fini(&d->pending);
	mf_table_fini(&d->sent);
	g_free(d);
}

static gboolean
mac_ok(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return (mac[0] & 0x01) == 0 && memcmp(mac, zero, 6) != 0;
}

static void
pending_set(struct exp_devices *d, const uint8_t mac[6], const char *name,
    uint8_t source)
{
	uint32_t b = mf_table_bucket(&d->pending, mac);
	uint32_t i = mf_table_find(&d->pending, mac, b);
	uint64_t evicted = d->pending.stats.evicted;
	struct pending *e;

	if (i == MF_TABLE_NIL) {
		i = mf_table_insert(&d->pending, mac, b);
		d->st.names_evicted += d->pending.stats.evicted - evicted;
	} else {
		mf_table_touch(&d->pending, i);
	}
	e = mf_table_entry(&d->pending, i);
	e->source = source;
	g_strlcpy(e->name, name, sizeof(e->name));
}

/* The name the client with mac sent by source, or "". */
static const char *
pending_name(const struct exp_devices *d, const uint8_t mac[6], uint8_t source)
{
	uint32_t i =
	    mf_table_find(&d->pending, mac, mf_table_bucket(&d->pending, mac));
	const struct pending *e;

	if (i == MF_TABLE_NIL)
		return "";
	e = mf_table_entry(&d->pending, i);
	return e->source == source ? e->name : "";
}

/* Whether (key, name, source) went out less than the resend time ago. */
static gboolean
already_sent(struct exp_devices *d, const struct sent_key *k, const char *name,
    uint8_t source, uint64_t now_ms)
{
	uint32_t b = mf_table_bucket(&d->sent, k);
	uint32_t i = mf_table_find(&d->sent, k, b);
	uint64_t evicted = d->sent.stats.evicted;
	struct sent *e;

	if (i != MF_TABLE_NIL) {
		e = mf_table_entry(&d->sent, i);
		mf_table_touch(&d->sent, i);
		if (e->source == source && strcmp(e->name, name) == 0 &&
		    now_ms < e->ms + EXP_DEVICES_RESEND_MS && now_ms >= e->ms)
			return TRUE;
	} else {
		i = mf_table_insert(&d->sent, k, b);
		d->st.sent_evicted += d->sent.stats.evicted - evicted;
		e = mf_table_entry(&d->sent, i);
	}
	e->source = source;
	e->ms = now_ms;
	g_strlcpy(e->name, name, sizeof(e->name));
	return FALSE;
}

static void
emit(struct exp_devices *d, const uint8_t mac[6], const struct mf_addr *a,
    const char *name, uint8_t source, uint32_t lease_s, uint64_t now_ms)
{
	struct mf_device_rec r;
	struct sent_key k;

	if (!mac_ok(mac)) {
		d->st.no_mac++;
		return;
	}
	memset(&k, 0, sizeof(k));
	memcpy(k.mac, mac, 6);
	k.family = a->family;
	memcpy(k.addr, a->b, 16);
	if (already_sent(d, &k, name, source, now_ms)) {
		d->st.repeats++;
		return;
	}
	memset(&r, 0, sizeof(r));
	memcpy(r.mac, mac, 6);
	r.time_ms = now_ms;
	r.source = source;
	r.lease_s = lease_s;
	if (a->family == MF_AF_INET)
		r.addr4 = mf_addr_get4(a);
	else if (a->family == MF_AF_INET6)
		memcpy(r.addr6, a->b, 16);
	r.name.buf = (const uint8_t *)name;
	r.name.len = strlen(name);
	d->st.records++;
	exp_export_device(d->export, &r, a->family);
}

static void
take_dhcp4(struct exp_devices *d, const struct exp_pkt *p)
{
	struct exp_dhcp_info in;
	enum exp_dhcp_result r;
	const char *name;

	d->st.dhcp4++;
	r = exp_dhcp4_parse(p->payload, p->payload_len, &in);
	d->st.dhcp_result[r]++;
	if (r != EXP_DHCP_OK && r != EXP_DHCP_BAD_NAME)
		return;
	if (in.op == 1 && in.name[0] != '\0')
		pending_set(d, in.mac, in.name, MF_DEVICE_DHCP);
	if (in.type != EXP_DHCP4_ACK || in.addr.family == 0)
		return;
	name = in.name[0] != '\0' ? in.name
	                          : pending_name(d, in.mac, MF_DEVICE_DHCP);
	emit(d, in.mac, &in.addr, name, MF_DEVICE_DHCP, in.lease_s, p->ts_ms);
}

static gboolean
dhcp6_from_client(uint8_t type)
{
	return type == EXP_DHCP6_SOLICIT || type == EXP_DHCP6_REQUEST ||
	    type == EXP_DHCP6_RENEW || type == EXP_DHCP6_REBIND;
}

static void
take_dhcp6(struct exp_devices *d, const struct exp_pkt *p)
{
	struct exp_dhcp_info in;
	enum exp_dhcp_result r;
	const uint8_t *mac;
	const char *name;
	gboolean client;

	d->st.dhcp6++;
	r = exp_dhcp6_parse(p->payload, p->payload_len, &in);
	d->st.dhcp_result[r]++;
	if (r != EXP_DHCP_OK && r != EXP_DHCP_BAD_NAME)
		return;
	client = dhcp6_from_client(in.type);
	if (!client && in.type != EXP_DHCP6_REPLY)
		return;
	/* The frame's MAC of the client, else the DUID's. */
	mac = p->has_mac ? (client ? p->src_mac : p->dst_mac) : NULL;
	if (mac == NULL || !mac_ok(mac))
		mac = in.has_mac ? in.mac : NULL;
	if (mac == NULL) {
		d->st.no_mac++;
		return;
	}
	if (client && in.name[0] != '\0')
		pending_set(d, mac, in.name, MF_DEVICE_DHCPV6);
	if (client || in.addr.family == 0)
		return;
	name = in.name[0] != '\0' ? in.name
	                          : pending_name(d, mac, MF_DEVICE_DHCPV6);
	emit(d, mac, &in.addr, name, MF_DEVICE_DHCPV6, in.lease_s, p->ts_ms);
}

static void
take_mdns(struct exp_devices *d, const struct exp_pkt *p)
{
	struct exp_mdns_host h[EXP_MDNS_MAX];
	unsigned i, n;

	/* Queries (QR clear) name nobody: not counted at all. */
	if (p->payload_len >= 3 && (p->payload[2] & 0x80) == 0)
		return;
	if (exp_mdns_parse(p->payload, p->payload_len, h, &n) != 0)
		d->st.mdns_bad++;
	else
		d->st.mdns++;
	if (!p->has_mac) {
		d->st.no_mac += n;
		return;
	}
	for (i = 0; i < n; i++)
		emit(d, p->src_mac, &h[i].addr, h[i].name, MF_DEVICE_MDNS, 0,
		    p->ts_ms);
}

static gboolean
ports(const struct exp_pkt *p, uint16_t a, uint16_t b)
{
	return (p->sport == a && p->dport == b) ||
	    (p->sport == b && p->dport == a);
}

void
exp_devices_packet(struct exp_devices *d, const struct exp_pkt *p)
{
	if (p->proto != PROTO_UDP || p->is_frag || p->payload == NULL ||
	    p->payload_len == 0)
		return;
	if (ports(p, EXP_DHCP4_CLIENT_PORT, EXP_DHCP4_SERVER_PORT))
		take_dhcp4(d, p);
	else if (ports(p, EXP_DHCP6_CLIENT_PORT, EXP_DHCP6_SERVER_PORT))
		take_dhcp6(d, p);
	else if (d->cfg.mdns && p->sport == MDNS_PORT)
		take_mdns(d, p);
}

static void
take_lease_line(struct exp_devices *d, const char *line, uint64_t now_ms)
{
	struct exp_lease l;
	uint32_t left = 0;

	d->st.lease_lines++;
	switch (exp_leases_parse_line(line, &l)) {
	case EXP_LEASE_OK:
		break;
	case EXP_LEASE_NO_MAC:
		d->st.lease_no_mac++;
		return;
	case EXP_LEASE_BAD:
		d->st.lease_bad++;
		return;
	default:
		return;
	}
	if (l.expiry_s > 0 && (uint64_t)l.expiry_s * 1000 > now_ms)
		left =
		    (uint32_t)MIN(((uint64_t)l.expiry_s * 1000 - now_ms) / 1000,
		        UINT32_MAX);
	emit(d, l.mac, &l.addr, l.name, MF_DEVICE_LEASE, left, now_ms);
}

gboolean
exp_devices_leases(struct exp_devices *d, const char *path, uint64_t now_ms,
    GError **error)
{
	g_autofree char *text = NULL;
	GStatBuf sb;
	char *line, *next;
	gsize len;

	if (g_stat(path, &sb) != 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "--leases %s: %s",
		    path, g_strerror(errno));
		return FALSE;
	}
	if (d->lease_read && d->lease_mtime == (int64_t)sb.st_mtime &&
	    d->lease_size == (uint64_t)sb.st_size &&
	    d->lease_ino == (uint64_t)sb.st_ino)
		return TRUE;
	if ((uint64_t)sb.st_size > EXP_LEASES_MAX_BYTES) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "--leases %s: over %u bytes", path, EXP_LEASES_MAX_BYTES);
		return FALSE;
	}
	if (!g_file_get_contents(path, &text, &len, error))
		return FALSE;
	d->lease_read = TRUE;
	d->lease_mtime = (int64_t)sb.st_mtime;
	d->lease_size = (uint64_t)sb.st_size;
	d->lease_ino = (uint64_t)sb.st_ino;
	d->st.lease_reads++;
	for (line = text; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		take_lease_line(d, line, now_ms);
	}
	return TRUE;
}

const struct exp_devices_stats *
exp_devices_get_stats(const struct exp_devices *d)
{
	return &d->st;
}
