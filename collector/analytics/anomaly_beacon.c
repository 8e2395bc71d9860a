/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-anomaly"

/*
 * beacon (see collector/analytics/anomaly_detect.h): per (internal
 * source, external remote, service port, protocol), where the remote is
 * the flow's DNS label when it has one (so a name served by many
 * addresses is one remote) and else its address.  A contact is a
 * conversation the source opened from a new source port (the pieces of
 * one long conversation that the exporter's timeouts cut keep theirs:
 * keep-alives inside a connection are no contacts).  The slot keeps
 * running sums only (Welford's mean and variance of the intervals
 * between contacts, sum and sum of squares of their bytes): constant
 * state per key, in the fixed table every detector has.
 *
 * Left alone: NTP (port 123), DNS (53, 853) to a server that answered DNS
 * the collector saw (the resolvers), and remotes whose label ends with a
 * name of [anomaly.beacon] ignore (push services' keep-alive endpoints).
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "collector/analytics/anomaly.h"
#include "collector/analytics/anomaly_detect.h"

#define NTP_PORT 123
#define DNS_PORT 53
#define DOT_PORT 853

struct beacon_slot {
	struct anom_slot s;
	uint64_t contacts, last_start;
	uint64_t n_int;  /* intervals measured */
	double mean, m2; /* of the intervals, ms (Welford) */
	double bytes, bytes2;
	uint16_t last_sport;
	struct mf_addr sample[COL_ANOMALY_TARGETS];
	uint8_t n_sample;
	char name[COL_ANOMALY_NAME_MAX];
};

static void
beacon_reset(const struct col_anomaly *a, struct anom_slot *s, uint64_t t)
{
	struct beacon_slot *x = (struct beacon_slot *)s;

	(void)a;
	(void)t;
	x->contacts = x->last_start = x->n_int = 0;
	x->mean = x->m2 = x->bytes = x->bytes2 = 0;
	x->last_sport = 0;
	x->n_sample = 0;
}

static double
cv_of(double mean, double var)
{
	return mean > 0 ? sqrt(MAX(var, 0.0)) / mean : 0.0;
}

static gboolean
beacon_judge(const struct col_anomaly *a, const struct anom_slot *s,
    struct anom_finding *fd)
{
	const struct beacon_slot *x = (const struct beacon_slot *)s;
	double var, jitter, mb, cvb;

	if (x->contacts < a->cfg.beacon.contacts || x->n_int < 2 ||
	    x->mean < (double)a->cfg.beacon.min_period * 1000.0)
		return FALSE;
	var = x->m2 / (double)x->n_int;
	jitter = sqrt(MAX(var, 0.0));
	mb = x->bytes / (double)x->contacts;
	cvb = cv_of(mb, x->bytes2 / (double)x->contacts - mb * mb);
	if (cv_of(x->mean, var) * 100.0 > (double)a->cfg.beacon.max_jitter ||
	    mb > (double)a->cfg.beacon.max_bytes ||
	    cvb * 100.0 > (double)a->cfg.beacon.max_size_cv)
		return FALSE;
	fd->observed = x->contacts;
	fd->threshold = a->cfg.beacon.contacts;
	fd->targets = x->sample;
	fd->n_targets = x->n_sample;
	fd->target_count = x->n_sample;
	if (x->name[0] != '\0') {
		fd->name_key = "remote";
		fd->name = x->name;
	}
	anom_ev(fd, "contacts", (double)x->contacts, FALSE);
	anom_ev(fd, "period", floor(x->mean / 10.0 + 0.5) / 100.0, TRUE);
	anom_ev(fd, "jitter", floor(jitter / 10.0 + 0.5) / 100.0, TRUE);
	anom_ev(fd, "mean_bytes", floor(mb + 0.5), FALSE);
	anom_ev(fd, "bytes", floor(x->bytes + 0.5), FALSE);
	anom_ev(fd, "port", s->key.port, FALSE);
	anom_ev(fd, "proto", s->key.proto, FALSE);
	anom_ev(fd, "threshold", (double)a->cfg.beacon.contacts, FALSE);
	return TRUE;
}

const struct anom_desc anom_desc_beacon = { COL_ANOMALY_BEACON,
	sizeof(struct beacon_slot),
	offsetof(struct col_anomaly_config, beacon.enabled),
	offsetof(struct col_anomaly_config, beacon.window), FALSE, beacon_reset,
	beacon_judge };

/* TRUE if label is one of the ignored names or below one. */
static gboolean
ignored(const struct col_anomaly *a, const char *label)
{
	size_t n = strlen(label), m, i;

	for (i = 0; a->cfg.beacon.ignore != NULL && a->cfg.beacon.ignore[i];
	     i++) {
		const char *w = a->cfg.beacon.ignore[i];

		m = strlen(w);
		if (m == 0 || m > n ||
		    g_ascii_strcasecmp(label + n - m, w) != 0)
			continue;
		if (m == n || label[n - m - 1] == '.')
			return TRUE;
	}
	return FALSE;
}

static gboolean
left_alone(const struct col_anomaly *a, const struct col_flow *f)
{
	if (f->dport == NTP_PORT)
		return TRUE;
	if ((f->dport == DNS_PORT || f->dport == DOT_PORT) &&
	    anom_is_resolver(a, &f->dst))
		return TRUE;
	return f->label[0] != '\0' && ignored(a, f->label);
}

void
anom_beacon_flow(struct col_anomaly *a, const struct col_flow *f,
    const struct anom_dev *src, const struct anom_dev *dst, uint64_t t,
    unsigned how)
{
	struct beacon_slot *x;
	struct anom_key k;
	uint64_t h, start = f->start_ms;
	double d, delta;

	if (!src->internal || dst->internal || !(how & ANOM_FLOW_OPENS) ||
	    left_alone(a, f) || !(a->on & (1u << ANOM_T_BEACON)))
		return; /* off: not even the name's hash */
	memset(&k, 0, sizeof(k));
	k.a = f->src;
	if (f->label[0] != '\0') {
		h = anom_hash(a, f->label, strlen(f->label));
		memcpy(k.b.b, &h, sizeof(h)); /* family 0: a name */
	} else {
		k.b = f->dst;
	}
	k.port = f->dport;
	k.proto = f->proto;
	x = (struct beacon_slot *)anom_slot_get(a, ANOM_T_BEACON, &k, src, t);
	if (x == NULL || (x->contacts > 0 && f->sport == x->last_sport))
		return;
	if (x->contacts > 0 && start < x->last_start)
		return; /* out of order: no interval to measure */
	if (x->contacts > 0) {
		delta = (double)(start - x->last_start);
		x->n_int++;
		d = delta - x->mean;
		x->mean += d / (double)x->n_int;
		x->m2 += d * (delta - x->mean);
	}
	x->contacts++;
	x->last_start = start;
	x->last_sport = f->sport;
	d = (double)(f->octets + f->rev_octets);
	x->bytes += d;
	x->bytes2 += d * d;
	anom_sample_add(x->sample, &x->n_sample, &f->dst);
	g_strlcpy(x->name, f->label, sizeof(x->name));
}
