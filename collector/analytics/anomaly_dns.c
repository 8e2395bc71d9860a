/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-anomaly"

/*
 * What the detectors learn from the DNS records (see
 * collector/analytics/anomaly_detect.h):
 *   the named addresses  every address a DNS answer gave, as a keyed hash
 *                        in a direct-mapped table of 4 x [anomaly] hosts
 *                        entries (a collision overwrites, counted as
 *                        "resolved_evicted"): fan_out's unresolved
 *                        destinations are the others;
 *   the resolvers        the servers that answered (at most
 *                        COL_ANOMALY_RESOLVERS, the rest counted):
 *                        beacon leaves DNS to them alone;
 *   dns_tunnel           per (client, registered domain): queries whose
 *                        labels below the registered domain (the public
 *                        suffix list, libpsl) are long and of high
 *                        entropy, and the distinct names among them.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <libpsl.h>

#include "collector/analytics/anomaly.h"
#include "collector/analytics/anomaly_detect.h"
#include "collector/analytics/hll.h"

struct tunnel_slot {
	struct anom_slot s;
	uint64_t queries; /* long, high-entropy ones */
	double sum_len, sum_entropy;
	struct col_hll names;
	char domain[COL_ANOMALY_NAME_MAX];
};

static void
tunnel_reset(const struct col_anomaly *a, struct anom_slot *s, uint64_t t)
{
	struct tunnel_slot *x = (struct tunnel_slot *)s;

	(void)a;
	(void)t;
	x->queries = 0;
	x->sum_len = x->sum_entropy = 0;
	col_hll_clear(&x->names);
}

static gboolean
tunnel_judge(const struct col_anomaly *a, const struct anom_slot *s,
    struct anom_finding *fd)
{
	const struct tunnel_slot *x = (const struct tunnel_slot *)s;
	uint32_t n = col_hll_count(&x->names);
	double q = (double)MAX(x->queries, 1);

	if (x->queries < a->cfg.tunnel.queries || n < a->cfg.tunnel.names)
		return FALSE;
	fd->observed = x->queries;
	fd->threshold = a->cfg.tunnel.queries;
	fd->target_count = 0;
	fd->name_key = "domain";
	fd->name = x->domain;
	anom_ev(fd, "queries", (double)x->queries, FALSE);
	anom_ev(fd, "names", n, FALSE);
	anom_ev(fd, "mean_length", floor(x->sum_len / q * 10.0 + 0.5) / 10.0,
	    TRUE);
	anom_ev(fd, "mean_entropy",
	    floor(x->sum_entropy / q * 100.0 + 0.5) / 100.0, TRUE);
	anom_ev(fd, "threshold", (double)a->cfg.tunnel.queries, FALSE);
	return TRUE;
}

const struct anom_desc anom_desc_tunnel = { COL_ANOMALY_DNS_TUNNEL,
	sizeof(struct tunnel_slot),
	offsetof(struct col_anomaly_config, tunnel.enabled),
	offsetof(struct col_anomaly_config, tunnel.window), FALSE, tunnel_reset,
	tunnel_judge };

/* --- named addresses and resolvers -------------------------------------- */

static size_t
resolved_at(const struct col_anomaly *a, const struct mf_addr *addr,
    uint64_t *h)
{
	*h = anom_hash_short(a, addr, sizeof(*addr)) |
	    1; /* 0 is an empty entry */
	return (size_t)(*h % a->n_resolved);
}

gboolean
anom_resolved(const struct col_anomaly *a, const struct mf_addr *addr)
{
	uint64_t h;
	size_t i = resolved_at(a, addr, &h);

	return a->resolved[i] == h;
}

static void
resolved_add(struct col_anomaly *a, const struct mf_addr *addr)
{
	uint64_t h;
	size_t i = resolved_at(a, addr, &h);

	if (a->resolved[i] != 0 && a->resolved[i] != h)
		a->stats.resolved_evicted++;
	a->resolved[i] = h;
}

gboolean
anom_is_resolver(const struct col_anomaly *a, const struct mf_addr *addr)
{
	size_t i;

	for (i = 0; i < a->n_resolvers; i++)
		if (mf_addr_equal(&a->resolvers[i], addr))
			return TRUE;
	return FALSE;
}

static void
resolver_add(struct col_anomaly *a, const struct mf_addr *addr)
{
	if (addr->family == 0 || anom_is_resolver(a, addr))
		return;
	if (a->n_resolvers < COL_ANOMALY_RESOLVERS)
		a->resolvers[a->n_resolvers++] = *addr;
	else
		a->stats.resolvers_dropped++;
}

/* --- dns_tunnel ---------------------------------------------------------- */

static gboolean
measure(const struct col_anomaly *a, const char *qname, char *reg, size_t size,
    size_t *length, double *entropy)
{
	char name[COL_DNS_NAME_MAX + 1];
	unsigned counts[256];
	const char *r;
	size_t len, sub, i, n = 0;
	double h = 0;

	g_strlcpy(name, qname, sizeof(name));
	len = strlen(name);
	if (len > 0 && name[len - 1] == '.')
		name[--len] = '\0';
	for (i = 0; i < len; i++)
		name[i] = g_ascii_tolower(name[i]);
	r = psl_registrable_domain(a->psl, name);
	if (r == NULL || r == name || r[-1] != '.')
		return FALSE;
	sub = (size_t)(r - name) - 1;
	memset(counts, 0, sizeof(counts));
	for (i = 0; i < sub; i++)
		if (name[i] != '.') {
			counts[(unsigned char)name[i]]++;
			n++;
		}
	if (n == 0)
		return FALSE;
	for (i = 0; i < 256; i++)
		if (counts[i] != 0) {
			double p = (double)counts[i] / (double)n;

			h -= p * log2(p);
		}
	g_strlcpy(reg, r, size);
	*length = n;
	*entropy = h;
	return TRUE;
}

/* The memo entry of qname (n characters), or the one to replace. */
static struct anom_name_memo *
memo_entry(struct col_anomaly *a, const char *qname, size_t n, gboolean *hit)
{
	size_t set = mf_hash_fast(&a->seed, qname, n) % ANOM_NAME_SETS, i;
	struct anom_name_memo *m = &a->names[set * ANOM_NAME_WAYS];

	*hit = TRUE;
	for (i = 0; i < ANOM_NAME_WAYS; i++)
		if (strcmp(m[i].qname, qname) == 0)
			return &m[i];
	*hit = FALSE;
	i = a->names_next[set];
	a->names_next[set] = (uint8_t)((i + 1) % ANOM_NAME_WAYS);
	return &m[i];
}

gboolean
anom_dns_measure(struct col_anomaly *a, const char *qname, char *reg,
    size_t size, size_t *length, double *entropy)
{
	size_t n = strnlen(qname, ANOM_NAME_MEMO_LEN);
	struct anom_name_memo *m;
	gboolean hit;

	if (n == 0 || n >= ANOM_NAME_MEMO_LEN || size > sizeof(m->reg))
		return measure(a, qname, reg, size, length, entropy);
	m = memo_entry(a, qname, n, &hit);
	if (!hit) {
		/* reg: as much as any caller's (size <= sizeof(m->reg)). */
		m->ok = measure(a, qname, m->reg, sizeof(m->reg), &m->length,
		    &m->entropy);
		memcpy(m->qname, qname, n + 1);
	}
	if (!m->ok)
		return FALSE;
	g_strlcpy(reg, m->reg, size);
	*length = m->length;
	*entropy = m->entropy;
	return TRUE;
}

static void
tunnel_query(struct col_anomaly *a, const struct col_dns_rec *d,
    gboolean internal)
{
	char reg[COL_ANOMALY_NAME_MAX];
	struct tunnel_slot *x;
	struct anom_key k;
	struct anom_dev dev;
	uint64_t h;
	size_t len;
	double ent;

	/*
	 * The characters below the registered domain are fewer than the
	 * name's: a name shorter than min-length cannot count, and skips the
	 * public suffix lookup (most of this function's cost).
	 */
	if (!anom_enabled(a, &a->tables[ANOM_T_TUNNEL]) ||
	    strnlen(d->qname, sizeof(d->qname)) < a->cfg.tunnel.min_length)
		return;
	if (!anom_dns_measure(a, d->qname, reg, sizeof(reg), &len, &ent)) {
		a->stats.bad_names++;
		return;
	}
	if (len < a->cfg.tunnel.min_length ||
	    ent * 10.0 < (double)a->cfg.tunnel.min_entropy)
		return;
	memset(&k, 0, sizeof(k));
	k.a = d->client;
	h = anom_hash(a, reg, strlen(reg));
	memcpy(k.b.b, &h, sizeof(h)); /* family 0: a name, not an address */
	memset(&dev, 0, sizeof(dev));
	dev.addr = d->client;
	dev.id = COL_ID_NONE;
	dev.internal = (uint8_t)(internal != 0);
	x = (struct tunnel_slot *)anom_slot_get(a, ANOM_T_TUNNEL, &k, &dev,
	    d->time_ms);
	if (x == NULL)
		return;
	g_strlcpy(x->domain, reg, sizeof(x->domain));
	x->queries++;
	x->sum_len += (double)len;
	x->sum_entropy += ent;
	col_hll_add(&x->names, anom_hash(a, d->qname, strlen(d->qname)));
}

void
anom_dns_record(struct col_anomaly *a, const struct col_dns_rec *d,
    gboolean client_internal)
{
	unsigned i;

	for (i = 0; i < d->n_addrs && i < COL_DNS_MAX_ADDRS; i++)
		resolved_add(a, &d->addrs[i]);
	if (d->answered)
		resolver_add(a, &d->server);
	tunnel_query(a, d, client_internal);
}
