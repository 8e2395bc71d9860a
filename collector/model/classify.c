/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-classify"

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "collector/model/classify.h"
#include "common/addr.h"
#include "common/error.h"

#define PROTO_TCP 6

const char *const col_class_names[COL_N_CLASSES] = {
	[COL_CLASS_IN] = "in",
	[COL_CLASS_OUT] = "out",
	[COL_CLASS_INWEB] = "inweb",
	[COL_CLASS_OUTWEB] = "outweb",
	[COL_CLASS_INTERNAL] = "internal",
	[COL_CLASS_EXTERNAL] = "external",
};

/*
 * A prefix as two masked words: a (of its family) lies inside it when
 * a's bytes, read as the same two words and masked, equal net (what
 * mf_prefix_contains() says, without its byte compares and call).
 */
struct masked {
	uint64_t net[2], mask[2];
	uint8_t family;
};

/*
 * At most 256 prefixes, scanned linearly (two scans per flow record); web
 * ports as a bitmap of all 65536 ports (8 KiB), one lookup each.
 */
struct col_classifier {
	struct masked masked[COL_MAX_PREFIXES];
	size_t n_prefixes;
	uint8_t web[MF_PORT_BITS];
};

static void
masked_set(struct masked *m, const struct mf_prefix *p)
{
	uint8_t mask[16] = { 0 }, net[16];
	unsigned i;

	for (i = 0; i < 16 && i * 8 < p->len; i++)
		mask[i] = p->len >= (i + 1) * 8
		    ? 0xff
		    : (uint8_t)(0xff00u >> (p->len % 8));
	for (i = 0; i < 16; i++)
		net[i] = p->addr.b[i] & mask[i];
	memcpy(m->net, net, sizeof(net));
	memcpy(m->mask, mask, sizeof(mask));
	m->family = p->addr.family;
}

static gboolean
add_prefixes(struct col_classifier *c, char *const *prefixes, GError **error)
{
	struct mf_prefix p;
	size_t i;

	for (i = 0; prefixes != NULL && prefixes[i] != NULL; i++) {
		if (i == COL_MAX_PREFIXES) {
			g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
			    "internal networks: more than %u prefixes",
			    (unsigned)COL_MAX_PREFIXES);
			return FALSE;
		}
		if (!mf_prefix_parse(prefixes[i], &p)) {
			g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
			    "internal network '%s': not an address/prefix",
			    prefixes[i]);
			return FALSE;
		}
		masked_set(&c->masked[i], &p);
	}
	c->n_prefixes = i;
	return TRUE;
}

static gboolean
add_web_ports(struct col_classifier *c, char *const *ports, GError **error)
{
	const char *bad;

	if (mf_ports_parse(ports, COL_MAX_WEB_PORTS, c->web, &bad) >= 0)
		return TRUE;
	if (bad == NULL)
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "web ports: more than %u ports",
		    (unsigned)COL_MAX_WEB_PORTS);
	else
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "web port '%s': not a port 1..65535", bad);
	return FALSE;
}

struct col_classifier *
col_classifier_new(char *const *prefixes, char *const *web_ports,
    GError **error)
{
	struct col_classifier *c = g_new0(struct col_classifier, 1);

	if (!add_prefixes(c, prefixes, error) ||
	    !add_web_ports(c, web_ports, error)) {
		g_free(c);
		return NULL;
	}
	return c;
}

void
col_classifier_free(struct col_classifier *c)
{
	g_free(c);
}

gboolean
col_classifier_is_internal(const struct col_classifier *c,
    const struct mf_addr *a)
{
	const struct masked *m;
	uint64_t w[2];
	size_t i;

	memcpy(w, a->b, sizeof(w));
	for (i = 0; i < c->n_prefixes; i++) {
		m = &c->masked[i];
		if (m->family == a->family &&
		    ((w[0] & m->mask[0]) ^ m->net[0]) == 0 &&
		    ((w[1] & m->mask[1]) ^ m->net[1]) == 0)
			return TRUE;
	}
	return FALSE;
}

gboolean
col_classifier_is_web_port(const struct col_classifier *c, uint16_t port)
{
	return ((unsigned)c->web[port / 8] >> (port % 8) & 1u) != 0;
}

enum col_class
col_classify(const struct col_classifier *c, const struct col_flow *f,
    gboolean *src_internal, gboolean *dst_internal)
{
	gboolean si = col_classifier_is_internal(c, &f->src);
	gboolean di = col_classifier_is_internal(c, &f->dst);
	gboolean web = f->proto == PROTO_TCP &&
	    (col_classifier_is_web_port(c, f->sport) ||
	        col_classifier_is_web_port(c, f->dport));

	if (src_internal != NULL)
		*src_internal = si;
	if (dst_internal != NULL)
		*dst_internal = di;
	if (si && di)
		return COL_CLASS_INTERNAL;
	if (!si && !di)
		return COL_CLASS_EXTERNAL;
	if (si)
		return web ? COL_CLASS_OUTWEB : COL_CLASS_OUT;
	return web ? COL_CLASS_INWEB : COL_CLASS_IN;
}

enum col_class
col_class_reverse(enum col_class k)
{
	switch (k) {
	case COL_CLASS_IN:
		return COL_CLASS_OUT;
	case COL_CLASS_OUT:
		return COL_CLASS_IN;
	case COL_CLASS_INWEB:
		return COL_CLASS_OUTWEB;
	case COL_CLASS_OUTWEB:
		return COL_CLASS_INWEB;
	case COL_CLASS_INTERNAL:
	case COL_CLASS_EXTERNAL:
	case COL_N_CLASSES:
		break;
	}
	return k;
}
