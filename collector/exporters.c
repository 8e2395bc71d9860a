/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-exporters"

#include <string.h>

#include <glib.h>

#include "collector/exporters.h"

struct col_exporters {
	struct col_fixmodel *model;
	struct col_exporter **e;
	struct col_report_exporter *lines;
	size_t n, max, max_templates;
	uint64_t refused, replaced;
};

struct col_exporters *
col_exporters_new(size_t max, size_t max_templates)
{
	struct col_exporters *x = g_new0(struct col_exporters, 1);

	x->model = col_fixmodel_new();
	x->max = max;
	x->max_templates = max_templates;
	x->e = g_new0(struct col_exporter *, max);
	x->lines = g_new0(struct col_report_exporter, max);
	return x;
}

void
col_exporters_free(struct col_exporters *x)
{
	size_t i;

	if (x == NULL)
		return;
	for (i = 0; i < x->n; i++) {
		col_fixread_free(x->e[i]->fix);
		g_free(x->e[i]);
	}
	g_free(x->e);
	g_free(x->lines);
	col_fixmodel_free(x->model);
	g_free(x);
}

struct col_exporter *
col_exporters_get(struct col_exporters *x, const struct mf_addr *addr,
    uint16_t port, uint32_t domain, enum col_proto proto)
{
	struct col_exporter *e;
	size_t i;

	uint64_t now = (uint64_t)g_get_monotonic_time() / 1000;
	size_t idle = x->n;

	/* A handful of exporters on a home network: a scan is fine. */
	for (i = 0; i < x->n; i++) {
		e = x->e[i];
		if (e->port == port && e->domain == domain &&
		    e->proto == proto && mf_addr_cmp(&e->addr, addr) == 0) {
			e->last_seen_ms = now;
			return e;
		}
		if (e->last_seen_ms + COL_EXPORTER_IDLE_MS <= now &&
		    (idle == x->n ||
		        e->last_seen_ms < x->e[idle]->last_seen_ms))
			idle = i;
	}
	if (x->n == x->max && idle == x->n) {
		x->refused++;
		return NULL;
	}
	if (x->n == x->max) {
		/* Replace the longest silent one. */
		g_message("exporter %s port %u silent: replaced",
		    x->e[idle]->name, (unsigned)x->e[idle]->port);
		col_fixread_free(x->e[idle]->fix);
		g_free(x->e[idle]);
		x->e[idle] = x->e[--x->n];
		x->replaced++;
	}
	e = g_new0(struct col_exporter, 1);
	e->last_seen_ms = now;
	e->addr = *addr;
	e->port = port;
	e->domain = domain;
	e->proto = proto;
	mf_addr_format(addr, e->name, sizeof(e->name));
	if (proto != COL_PROTO_V5)
		e->fix = col_fixread_new(x->model, x->max_templates);
	x->e[x->n++] = e;
	g_message("new exporter %s port %u domain %u (%s)", e->name,
	    (unsigned)port, (unsigned)domain,
	    proto == COL_PROTO_IPFIX    ? "IPFIX"
	        : proto == COL_PROTO_V9 ? "NetFlow v9"
	                                : "NetFlow v5");
	return e;
}

uint64_t
col_exporters_refused(const struct col_exporters *x)
{
	return x->refused;
}

uint64_t
col_exporters_replaced(const struct col_exporters *x)
{
	return x->replaced;
}

static const char *const proto_names[] = { "ipfix", "netflow-v9",
	"netflow-v5" };

const struct col_report_exporter *
col_exporters_report(struct col_exporters *x, size_t *n)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		const struct col_exporter *e = x->e[i];
		struct col_report_exporter *l = &x->lines[i];
		const struct col_fixread_stats *s =
		    e->fix ? col_fixread_get_stats(e->fix) : NULL;

		memset(l, 0, sizeof(*l));
		l->address = e->name;
		l->port = e->port;
		l->domain = e->domain;
		l->protocol = proto_names[e->proto];
		l->records = e->records;
		l->late_records = e->late;
		if (s != NULL) {
			l->lost = e->proto == COL_PROTO_V9 ? e->v9.lost_packets
			                                   : s->lost;
			l->undecodable = s->malformed + s->before_template +
			    s->templates_refused + e->v9.malformed;
			l->health = col_fixread_get_health(e->fix);
			if (!l->health->seen)
				l->health = NULL;
		} else {
			l->lost = e->v5_lost;
			l->undecodable = e->v5_malformed;
		}
	}
	*n = x->n;
	return x->lines;
}
