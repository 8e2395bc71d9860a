/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-leases"

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "exporter/leases.h"

#define MAX_FIELDS 16
#define DUID_MAX 130 /* RFC 8415: at most 128 bytes + type */

static int
hexval(char c)
{
	return g_ascii_xdigit_value(c);
}

/* Hex text (colons optional) into at most size bytes; their number. */
static gssize
hex_bytes(const char *s, uint8_t *out, size_t size)
{
	size_t n = 0;
	int hi, lo;

	while (*s != '\0') {
		if (*s == ':') {
			s++;
			continue;
		}
		if ((hi = hexval(s[0])) < 0 || (lo = hexval(s[1])) < 0 ||
		    n >= size)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return (gssize)n;
}

static gboolean
mac_parse(const char *s, uint8_t mac[6])
{
	return strlen(s) == 17 && s[2] == ':' && s[5] == ':' && s[8] == ':' &&
	    s[11] == ':' && s[14] == ':' && hex_bytes(s, mac, 6) == 6;
}

gboolean
exp_leases_duid_mac(const char *duid, uint8_t mac[6])
{
	uint8_t b[DUID_MAX];
	gssize n = hex_bytes(duid, b, sizeof(b));

	/* DUID-LLT: 0001 0001 TIME(4) MAC; DUID-LL: 0003 0001 MAC. */
	if (n == 14 && b[0] == 0 && b[1] == 1 && b[2] == 0 && b[3] == 1) {
		memcpy(mac, b + 8, 6);
		return TRUE;
	}
	if (n == 10 && b[0] == 0 && b[1] == 3 && b[2] == 0 && b[3] == 1) {
		memcpy(mac, b + 4, 6);
		return TRUE;
	}
	return FALSE;
}

static gboolean
name_ok(const char *s, const char *none, char *out)
{
	size_t i, n = strlen(s);

	out[0] = '\0';
	if (strcmp(s, none) == 0)
		return TRUE;
	if (n > MF_DEVICE_NAME_MAX)
		return FALSE;
	for (i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return FALSE;
	memcpy(out, s, n + 1);
	return TRUE;
}

static gboolean
int_parse(const char *s, int64_t *v)
{
	return g_ascii_string_to_signed(s, 10, -1, G_MAXINT64, v, NULL);
}

/* An address, with a "/LEN" suffix cut first. */
static gboolean
addr_parse(const char *s, struct mf_addr *a)
{
	char buf[MF_ADDR_STRLEN];
	const char *slash = strchr(s, '/');
	size_t n = slash != NULL ? (size_t)(slash - s) : strlen(s);

	if (n >= sizeof(buf))
		return FALSE;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return mf_addr_parse(buf, a);
}

static enum exp_lease_result
dnsmasq_line(char **f, int n, struct exp_lease *out)
{
	if (n < 4 || !int_parse(f[0], &out->expiry_s) || out->expiry_s < 0 ||
	    !addr_parse(f[2], &out->addr) || strchr(f[2], '/') != NULL ||
	    !name_ok(f[3], "*", out->name))
		return EXP_LEASE_BAD;
	if (out->addr.family == MF_AF_INET)
		return mac_parse(f[1], out->mac) ? EXP_LEASE_OK : EXP_LEASE_BAD;
	/* DHCPv6: f[1] is the IAID, f[4] the client's DUID. */
	if (n < 5)
		return EXP_LEASE_BAD;
	return exp_leases_duid_mac(f[4], out->mac) ? EXP_LEASE_OK
	                                           : EXP_LEASE_NO_MAC;
}

static enum exp_lease_result
odhcpd_line(char **f, int n, struct exp_lease *out)
{
	/* f[0] "#", IFACE, DUID|MAC, IAID|"ipv4", NAME, EXPIRY, ASSIGNED,
	 * LEN, ADDR/LEN ... */
	if (n < 9 || !name_ok(f[4], "-", out->name) ||
	    !int_parse(f[5], &out->expiry_s) || !addr_parse(f[8], &out->addr))
		return EXP_LEASE_BAD;
	if (out->expiry_s < 0)
		out->expiry_s = 0;
	if (strcmp(f[3], "ipv4") == 0)
		return out->addr.family == MF_AF_INET &&
		        mac_parse(f[2], out->mac)
		    ? EXP_LEASE_OK
		    : EXP_LEASE_BAD;
	if (out->addr.family != MF_AF_INET6)
		return EXP_LEASE_BAD;
	return exp_leases_duid_mac(f[2], out->mac) ? EXP_LEASE_OK
	                                           : EXP_LEASE_NO_MAC;
}

enum exp_lease_result
exp_leases_parse_line(const char *line, struct exp_lease *out)
{
	g_auto(GStrv) tok = g_strsplit_set(line, " \t", -1);
	char *f[MAX_FIELDS];
	int i, n = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; tok[i] != NULL && n < MAX_FIELDS; i++)
		if (tok[i][0] != '\0')
			f[n++] = tok[i];
	if (n == 0 || strcmp(f[0], "duid") == 0)
		return EXP_LEASE_SKIP;
	if (strcmp(f[0], "#") == 0)
		return odhcpd_line(f, n, out);
	if (f[0][0] == '#')
		return EXP_LEASE_SKIP;
	return dnsmasq_line(f, n, out);
}
