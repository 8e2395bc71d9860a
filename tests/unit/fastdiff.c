/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "tests/unit/fastdiff.h"

#define FNV_PRIME UINT64_C(0x100000001b3)

static void
mix(uint64_t *h, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		*h = (*h ^ b[i]) * FNV_PRIME;
}

static void
mix_u64(uint64_t *h, uint64_t v)
{
	mix(h, &v, sizeof(v));
}

static void
mix_addr(uint64_t *h, const struct mf_addr *a)
{
	char s[MF_ADDR_STRLEN];

	mf_addr_format(a, s, sizeof(s));
	mix(h, s, strlen(s) + 1);
}

/* Every field of a flow, one by one (the struct has padding). */
static void
mix_flow(uint64_t *h, const struct col_flow *f)
{
	mix_u64(h, 'F');
	mix_addr(h, &f->src);
	mix_addr(h, &f->dst);
	mix_u64(h, f->start_ms), mix_u64(h, f->end_ms);
	mix_u64(h, f->packets), mix_u64(h, f->octets);
	mix_u64(h, f->rev_packets), mix_u64(h, f->rev_octets);
	mix_u64(h, f->ingress), mix_u64(h, f->egress);
	mix_u64(h, f->sport), mix_u64(h, f->dport);
	mix_u64(h, f->vlan), mix_u64(h, f->app_port), mix_u64(h, f->proto);
	mix_u64(h, f->tcp_flags), mix_u64(h, f->rev_tcp_flags);
	mix_u64(h, f->initial_flags), mix_u64(h, f->union_flags);
	mix_u64(h, f->rev_initial_flags), mix_u64(h, f->rev_union_flags);
	mix_u64(h, f->rev_delta_ms), mix_u64(h, f->end_reason);
	mix(h, f->src_mac, 6), mix(h, f->dst_mac, 6);
	mix_u64(h, f->has_mac), mix_u64(h, f->label_source);
	mix(h, f->label, strlen(f->label) + 1);
	mix(h, f->process, strlen(f->process) + 1);
	mix_u64(h, f->pid);
}

static void
on_flow(const struct col_flow *f, void *ctx)
{
	struct fastdiff_side *s = ctx;

	mix_flow(&s->digest, f);
	if (s->n_kept < FASTDIFF_KEPT)
		s->kept[s->n_kept++] = *f;
	s->n++;
}

static void
on_dns(const struct col_dns_rec *d, void *ctx)
{
	struct fastdiff_side *s = ctx;
	unsigned i;

	mix_u64(&s->digest, 'D');
	mix_u64(&s->digest, d->time_ms);
	mix_addr(&s->digest, &d->client);
	mix_addr(&s->digest, &d->server);
	mix(&s->digest, d->qname, strlen(d->qname) + 1);
	mix(&s->digest, d->cname, strlen(d->cname) + 1);
	for (i = 0; i < d->n_addrs && i < COL_DNS_MAX_ADDRS; i++)
		mix_addr(&s->digest, &d->addrs[i]);
	s->n++;
}

static void
on_device(const struct col_device_rec *d, void *ctx)
{
	struct fastdiff_side *s = ctx;

	mix_u64(&s->digest, 'V');
	mix_u64(&s->digest, d->time_ms);
	mix(&s->digest, d->mac, 6);
	mix_addr(&s->digest, &d->addr);
	mix(&s->digest, d->name, strlen(d->name) + 1);
	s->n++;
}

void
fastdiff_init(struct fastdiff *d, size_t max_templates)
{
	int i;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < 2; i++) {
		struct fastdiff_side *s = &d->side[i];

		s->model = col_fixmodel_new();
		s->r = col_fixread_new(s->model, max_templates);
		col_fixread_set_compiled(s->r, i == 0);
		col_fixread_set_dns_fn(s->r, on_dns, s);
		col_fixread_set_device_fn(s->r, on_device);
	}
}

void
fastdiff_clear(struct fastdiff *d)
{
	int i;

	for (i = 0; i < 2; i++) {
		col_fixread_free(d->side[i].r);
		col_fixmodel_free(d->side[i].model);
	}
}

static void
feed_one(struct fastdiff_side *s, const uint8_t *msg, size_t len, gboolean v9)
{
	static uint8_t out[65535];
	size_t xlen;
	uint32_t src;
	uint64_t boot;

	s->n = s->n_kept = 0;
	if (!v9)
		col_fixread_message(s->r, msg, len, 0, on_flow, s);
	else if (col_v9_translate(&s->v9, msg, len, out, sizeof(out), &xlen,
	             &src, &boot) == 0)
		col_fixread_message(s->r, out, xlen, boot, on_flow, s);
}

/* The counters, all but the compiled reader's own. */
static gboolean
same_stats(const struct col_fixread *a, const struct col_fixread *b)
{
	struct col_fixread_stats x = *col_fixread_get_stats(a);
	struct col_fixread_stats y = *col_fixread_get_stats(b);
	const struct col_exporter_health *ha = col_fixread_get_health(a);
	const struct col_exporter_health *hb = col_fixread_get_health(b);

	x.compiled_records = y.compiled_records = 0;
	return memcmp(&x, &y, sizeof(x)) == 0 && ha->seen == hb->seen &&
	    memcmp(&ha->rec, &hb->rec, sizeof(ha->rec)) == 0;
}

gboolean
fastdiff_feed(struct fastdiff *d, const uint8_t *msg, size_t len, gboolean v9)
{
	struct fastdiff_side *a = &d->side[0], *b = &d->side[1];
	size_t i;

	feed_one(a, msg, len, v9);
	feed_one(b, msg, len, v9);
	d->why[0] = '\0';
	for (i = 0; i < a->n_kept && i < b->n_kept; i++) {
		uint64_t ha = 0, hb = 0;

		mix_flow(&ha, &a->kept[i]);
		mix_flow(&hb, &b->kept[i]);
		if (ha != hb) {
			snprintf(d->why, sizeof(d->why),
			    "flow %zu differs (octets %" G_GUINT64_FORMAT
			    " / %" G_GUINT64_FORMAT ", end %" G_GUINT64_FORMAT
			    " / %" G_GUINT64_FORMAT ")",
			    i, a->kept[i].octets, b->kept[i].octets,
			    a->kept[i].end_ms, b->kept[i].end_ms);
			return FALSE;
		}
	}
	if (a->n != b->n || a->digest != b->digest) {
		snprintf(d->why, sizeof(d->why),
		    "records differ: %zu compiled, %zu libfixbuf", a->n, b->n);
		return FALSE;
	}
	if (!same_stats(a->r, b->r)) {
		snprintf(d->why, sizeof(d->why), "counters differ");
		return FALSE;
	}
	return TRUE;
}
