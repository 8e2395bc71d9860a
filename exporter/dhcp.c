/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-dhcp"

#include <errno.h>
#include <string.h>

#include <glib.h>

#include "common/dns.h"
#include "common/rbuf.h"
#include "exporter/dhcp.h"

#define BOOTP_LEN 236 /* op .. file, before the magic cookie */
#define CHADDR_OFF 28
#define YIADDR_OFF 16
#define CIADDR_OFF 12
#define MAGIC 0x63825363u

#define OPT4_PAD 0
#define OPT4_HOST_NAME 12
#define OPT4_REQUESTED 50
#define OPT4_LEASE 51
#define OPT4_TYPE 53
#define OPT4_FQDN 81
#define OPT4_END 255
#define FQDN_E 0x04 /* RFC 4702: the name is in DNS wire form */

#define OPT6_CLIENTID 1
#define OPT6_IA_NA 3
#define OPT6_IAADDR 5
#define OPT6_FQDN 39
#define DHCP6_RELAY_FORW 12
#define DHCP6_RELAY_REPL 13
#define DUID_LLT 1
#define DUID_LL 3
#define HW_ETHER 1

const char *const exp_dhcp_result_names[EXP_DHCP_N_RESULTS] = {
	"ok",
	"short",
	"not_ether",
	"bad_magic",
	"bad_option",
	"bad_name",
	"relay",
};

/*
 * Keep name[0 .. n) as out's name: printable ASCII only, trailing NULs
 * and one trailing dot dropped.  FALSE (name left empty) otherwise.
 */
static gboolean
name_set(struct exp_dhcp_info *out, const uint8_t *name, size_t n)
{
	size_t i;

	while (n > 0 && name[n - 1] == '\0')
		n--;
	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0 || n > MF_DEVICE_NAME_MAX)
		return FALSE;
	for (i = 0; i < n; i++)
		if (name[i] < 0x21 || name[i] > 0x7e)
			return FALSE;
	memcpy(out->name, name, n);
	out->name[n] = '\0';
	return TRUE;
}

/*
 * A name in DNS wire form without compression (RFC 4702/4704: it may
 * stop without the root label) as dotted text into out.
 */
static gboolean
wire_name_set(struct exp_dhcp_info *out, const uint8_t *p, size_t len)
{
	uint8_t text[MF_DEVICE_NAME_MAX];
	size_t off = 0, t = 0;
	uint8_t n;

	while (off < len && (n = p[off]) != 0) {
		if (n > 63 || off + 1 + n > len ||
		    t + n + (t > 0) > sizeof(text))
			return FALSE;
		if (t > 0)
			text[t++] = '.';
		memcpy(text + t, p + off + 1, n);
		t += n;
		off += 1 + (size_t)n;
	}
	return name_set(out, text, t);
}

static void
addr4_at(struct mf_addr *a, const uint8_t *p)
{
	static const uint8_t zero[4];

	if (memcmp(p, zero, 4) != 0)
		mf_addr_set4(a, p);
}

/* One DHCPv4 option; FALSE for a bad length. */
static gboolean
option4(struct exp_dhcp_info *out, uint8_t code, const uint8_t *v, uint8_t n,
    gboolean *bad_name, gboolean *has_host)
{
	switch (code) {
	case OPT4_TYPE:
		if (n != 1)
			return FALSE;
		out->type = v[0];
		break;
	case OPT4_LEASE:
		if (n != 4)
			return FALSE;
		out->lease_s = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 |
		    (uint32_t)v[2] << 8 | v[3];
		break;
	case OPT4_REQUESTED:
		if (n != 4)
			return FALSE;
		addr4_at(&out->wanted, v);
		break;
	case OPT4_HOST_NAME:
		*has_host = name_set(out, v, n);
		*bad_name |= !*has_host;
		break;
	case OPT4_FQDN:
		if (n < 3)
			return FALSE;
		if (*has_host)
			break;
		if (!((v[0] & FQDN_E) ? wire_name_set(out, v + 3, n - 3u)
		                      : name_set(out, v + 3, n - 3u)))
			*bad_name |= n > 3;
		break;
	default:
		break;
	}
	return TRUE;
}

enum exp_dhcp_result
exp_dhcp4_parse(const uint8_t *msg, size_t len, struct exp_dhcp_info *out)
{
	gboolean bad_name = FALSE, has_host = FALSE;
	struct mf_rbuf rb;
	uint32_t magic;
	uint8_t code, n;

	memset(out, 0, sizeof(*out));
	if (len < BOOTP_LEN + 4)
		return EXP_DHCP_SHORT;
	out->op = msg[0];
	if (msg[1] != HW_ETHER || msg[2] != 6)
		return EXP_DHCP_NOT_ETHER;
	memcpy(out->mac, msg + CHADDR_OFF, 6);
	out->has_mac = 1;
	addr4_at(&out->addr, msg + YIADDR_OFF);
	addr4_at(&out->wanted, msg + CIADDR_OFF);
	mf_rbuf_init(&rb, msg + BOOTP_LEN, len - BOOTP_LEN);
	if (mf_rbuf_get_u32(&rb, &magic) != 0 || magic != MAGIC)
		return EXP_DHCP_BAD_MAGIC;
	/* Each option takes at least one byte: the loop ends. */
	while (mf_rbuf_get_u8(&rb, &code) == 0 && code != OPT4_END) {
		if (code == OPT4_PAD)
			continue;
		if (mf_rbuf_get_u8(&rb, &n) != 0 || rb.left < n ||
		    !option4(out, code, rb.p, n, &bad_name, &has_host))
			return EXP_DHCP_BAD_OPTION;
		(void)mf_rbuf_skip(&rb, n);
	}
	return bad_name && out->name[0] == '\0' ? EXP_DHCP_BAD_NAME
	                                        : EXP_DHCP_OK;
}

/* A DUID-LLT or DUID-LL of an Ethernet address: its MAC. */
static void
duid_mac(struct exp_dhcp_info *out, struct mf_rbuf *v)
{
	uint16_t type, hw;
	size_t skip;

	if (mf_rbuf_get_u16(v, &type) != 0 || mf_rbuf_get_u16(v, &hw) != 0 ||
	    hw != HW_ETHER || (type != DUID_LLT && type != DUID_LL))
		return;
	skip = type == DUID_LLT ? 4 : 0; /* the LLT's time */
	if (v->left != skip + 6)
		return;
	memcpy(out->mac, v->p + skip, 6);
	out->has_mac = 1;
}

/* IA_NA: IAID, T1, T2, then options; the first IA address is taken. */
static gboolean
ia_na(struct exp_dhcp_info *out, struct mf_rbuf *v)
{
	struct mf_rbuf o;
	uint16_t code, n;
	uint32_t preferred;

	if (mf_rbuf_skip(v, 12) != 0)
		return FALSE;
	while (v->left > 0) {
		if (mf_rbuf_get_u16(v, &code) != 0 ||
		    mf_rbuf_get_u16(v, &n) != 0 || mf_rbuf_sub(v, n, &o) != 0)
			return FALSE;
		if (code != OPT6_IAADDR || out->addr.family != 0)
			continue;
		if (o.left < 24)
			return FALSE;
		mf_addr_set6(&out->addr, o.p);
		(void)mf_rbuf_skip(&o, 16);
		(void)mf_rbuf_get_u32(&o, &preferred);
		(void)mf_rbuf_get_u32(&o, &out->lease_s);
	}
	return TRUE;
}

enum exp_dhcp_result
exp_dhcp6_parse(const uint8_t *msg, size_t len, struct exp_dhcp_info *out)
{
	gboolean bad_name = FALSE;
	struct mf_rbuf rb, v;
	uint16_t code, n;

	memset(out, 0, sizeof(*out));
	if (len < 4)
		return EXP_DHCP_SHORT;
	out->type = msg[0];
	if (out->type == DHCP6_RELAY_FORW || out->type == DHCP6_RELAY_REPL)
		return EXP_DHCP_RELAY;
	mf_rbuf_init(&rb, msg + 4, len - 4);
	while (rb.left > 0) {
		if (mf_rbuf_get_u16(&rb, &code) != 0 ||
		    mf_rbuf_get_u16(&rb, &n) != 0 ||
		    mf_rbuf_sub(&rb, n, &v) != 0)
			return EXP_DHCP_BAD_OPTION;
		if (code == OPT6_CLIENTID) {
			duid_mac(out, &v);
		} else if (code == OPT6_IA_NA) {
			if (!ia_na(out, &v))
				return EXP_DHCP_BAD_OPTION;
		} else if (code == OPT6_FQDN && n >= 1) {
			bad_name |=
			    n > 1 && !wire_name_set(out, v.p + 1, n - 1u);
		}
	}
	return bad_name ? EXP_DHCP_BAD_NAME : EXP_DHCP_OK;
}

/* --- mDNS ------------------------------------------------------------- */

#define MDNS_CLASS_MASK 0x7fff /* the top bit is cache-flush */
#define LOCAL_SUFFIX ".local"

/* Note a record of owner text with rdata at p (rdlen bytes). */
static void
mdns_keep(const char *text, uint16_t type, const uint8_t *p, uint16_t rdlen,
    struct exp_mdns_host *out, unsigned *n)
{
	size_t tl = strlen(text), sl = strlen(LOCAL_SUFFIX);
	struct exp_mdns_host *h;

	if (*n >= EXP_MDNS_MAX || tl <= sl ||
	    g_ascii_strcasecmp(text + tl - sl, LOCAL_SUFFIX) != 0 ||
	    tl - sl > MF_DEVICE_NAME_MAX)
		return;
	if (!((type == MF_DNS_TYPE_A && rdlen == 4) ||
	        (type == MF_DNS_TYPE_AAAA && rdlen == 16)))
		return;
	h = &out[(*n)++];
	memcpy(h->name, text, tl - sl);
	h->name[tl - sl] = '\0';
	if (rdlen == 4)
		mf_addr_set4(&h->addr, p);
	else
		mf_addr_set6(&h->addr, p);
}

int
exp_mdns_parse(const uint8_t *msg, size_t len,
    struct exp_mdns_host out[EXP_MDNS_MAX], unsigned *n)
{
	char text[MF_DNS_NAME_MAX + 1];
	unsigned qd, an, ns, ar;
	uint16_t type, klass, rdlen;
	struct mf_rbuf rb;
	unsigned i;
	size_t off;

	*n = 0;
	if (len < MF_DNS_HEADER_LEN || (msg[2] & 0x80) == 0)
		return -EBADMSG;
	qd = (unsigned)msg[4] << 8 | msg[5];
	an = (unsigned)msg[6] << 8 | msg[7];
	ns = (unsigned)msg[8] << 8 | msg[9];
	ar = (unsigned)msg[10] << 8 | msg[11];
	off = MF_DNS_HEADER_LEN;
	/* Each question takes at least 5 bytes, each record 11: bounded. */
	for (i = 0; i < qd; i++) {
		if (mf_dns_read_name(msg, len, off, NULL, &off) != MF_DNS_OK ||
		    len - off < 4)
			return -EBADMSG;
		off += 4;
	}
	for (i = 0; i < an + ns + ar; i++) {
		if (mf_dns_read_name(msg, len, off, text, &off) != MF_DNS_OK)
			return -EBADMSG;
		mf_rbuf_init(&rb, msg + off, len - off);
		if (mf_rbuf_get_u16(&rb, &type) != 0 ||
		    mf_rbuf_get_u16(&rb, &klass) != 0 ||
		    mf_rbuf_skip(&rb, 4) != 0 ||
		    mf_rbuf_get_u16(&rb, &rdlen) != 0 || rb.left < rdlen)
			return -EBADMSG;
		if ((klass & MDNS_CLASS_MASK) == MF_DNS_CLASS_IN &&
		    (i < an || i >= an + ns))
			mdns_keep(text, type, rb.p, rdlen, out, n);
		off += 10 + (size_t)rdlen;
	}
	return 0;
}
