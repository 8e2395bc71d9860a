/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-addr"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "common/addr.h"
#include "common/error.h"

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
	0xff };

int
mf_addr_cmp(const struct mf_addr *x, const struct mf_addr *y)
{
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->b, y->b, sizeof(x->b));
}

gboolean
mf_addr_parse(const char *s, struct mf_addr *out)
{
	uint8_t b[16];

	if (s == NULL)
		return FALSE;
	if (inet_pton(AF_INET, s, b) == 1) {
		mf_addr_set4(out, b);
		return TRUE;
	}
	if (inet_pton(AF_INET6, s, b) == 1) {
		if (memcmp(b, v4mapped, sizeof(v4mapped)) == 0)
			mf_addr_set4(out, b + 12);
		else
			mf_addr_set6(out, b);
		return TRUE;
	}
	return FALSE;
}

/*
 * inet_ntop()'s text of an IPv4 address ("a.b.c.d", no leading zeros),
 * or FALSE if it does not fit with its NUL: the same, without the
 * sprintf() that made inet_ntop() about 1,800 instructions an address
 * (reports write tens of thousands).
 */
static gboolean
format4(const uint8_t b[4], char *buf, size_t size)
{
	char t[16], *p = t;
	unsigned i, v;

	for (i = 0; i < 4; i++) {
		v = b[i];
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = '.';
	}
	p[-1] = '\0';
	if ((size_t)(p - t) > size)
		return FALSE;
	memcpy(buf, t, (size_t)(p - t));
	return TRUE;
}

const char *
mf_addr_format(const struct mf_addr *a, char *buf, size_t size)
{
	if (a->family == MF_AF_INET) {
		if (!format4(a->b, buf, size))
			g_strlcpy(buf, "-", size);
		return buf;
	}
	if (a->family == 0 ||
	    inet_ntop(AF_INET6, a->b, buf, (socklen_t)size) == NULL)
		g_strlcpy(buf, "-", size);
	return buf;
}

gboolean
mf_prefix_parse(const char *s, struct mf_prefix *out)
{
	g_autofree char *host = g_strdup(s);
	char *slash = strchr(host, '/');
	guint64 len;
	unsigned max, i;

	if (slash != NULL)
		*slash++ = '\0';
	if (!mf_addr_parse(g_strstrip(host), &out->addr))
		return FALSE;
	max = out->addr.family == MF_AF_INET ? 32 : 128;
	if (slash == NULL)
		len = max;
	else if (!g_ascii_string_to_unsigned(g_strstrip(slash), 10, 0, max,
	             &len, NULL))
		return FALSE;
	out->len = (uint8_t)len;
	for (i = out->len; i < 128; i++)
		out->addr.b[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
	return TRUE;
}

gboolean
mf_prefix_contains(const struct mf_prefix *p, const struct mf_addr *a)
{
	unsigned full = p->len / 8, rest = p->len % 8;
	uint8_t mask;

	if (p->addr.family != a->family)
		return FALSE;
	if (memcmp(p->addr.b, a->b, full) != 0)
		return FALSE;
	if (rest == 0)
		return TRUE;
	mask = (uint8_t)(0xff00u >> rest);
	return (a->b[full] & mask) == p->addr.b[full];
}

/* The one port parser: decimal 1..65535. */
static gboolean
port_ok(const char *s, uint16_t *port)
{
	guint64 v;

	if (!g_ascii_string_to_unsigned(s, 10, 1, 65535, &v, NULL))
		return FALSE;
	*port = (uint16_t)v;
	return TRUE;
}

static gboolean
parse_port(const char *s, uint16_t *port, GError **error)
{
	if (!port_ok(s, port)) {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
		    "bad port '%s' (1..65535)", s);
		return FALSE;
	}
	return TRUE;
}

gssize
mf_ports_parse(char *const *list, size_t max, uint8_t *bits, const char **bad)
{
	size_t i, n = 0;
	uint16_t p;

	*bad = NULL;
	while (list != NULL && list[n] != NULL)
		n++;
	if (n > max)
		return -1;
	for (i = 0; i < n; i++) {
		if (!port_ok(list[i], &p)) {
			*bad = list[i];
			return -1;
		}
		bits[p / 8] |= (uint8_t)(1u << (p % 8));
	}
	return (gssize)n;
}

gboolean
mf_hostport_parse(const char *s, uint16_t default_port, char **host,
    uint16_t *port, GError **error)
{
	const char *colon, *end;

	*port = default_port;
	if (s == NULL || *s == '\0')
		goto bad;
	if (s[0] == '[') {
		if ((end = strchr(s, ']')) == NULL || end == s + 1)
			goto bad;
		if (end[1] == ':' && !parse_port(end + 2, port, error))
			return FALSE;
		if (end[1] != '\0' && end[1] != ':')
			goto bad;
		*host = g_strndup(s + 1, (gsize)(end - s - 1));
		return TRUE;
	}
	colon = strchr(s, ':');
	if (colon != NULL && strchr(colon + 1, ':') == NULL) {
		if (colon == s || !parse_port(colon + 1, port, error))
			goto bad_or_set;
		*host = g_strndup(s, (gsize)(colon - s));
		return TRUE;
	}
	*host = g_strdup(s); /* a name, an IPv4 address or a bare IPv6 one */
	return TRUE;
bad_or_set:
	if (error != NULL && *error != NULL)
		return FALSE;
bad:
	g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
	    "bad endpoint '%s' (HOST[:PORT] or [IPv6]:PORT)", s ? s : "");
	return FALSE;
}
