/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-consumer"

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/model/consumer.h"
#include "common/error.h"

struct col_consumers {
	struct col_consumer c[COL_CONSUMERS_MAX];
	size_t n;
};

struct col_consumers *
col_consumers_new(void)
{
	return g_new0(struct col_consumers, 1);
}

void
col_consumers_free(struct col_consumers *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		if (l->c[i].free != NULL)
			l->c[i].free(l->c[i].self);
	g_free(l);
}

gboolean
col_consumers_add(struct col_consumers *l, const struct col_consumer *c,
    GError **error)
{
	if (c->name == NULL) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "consumer without a name");
		return FALSE;
	}
	if (l->n == COL_CONSUMERS_MAX) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "consumer %s: at most %u consumers", c->name,
		    COL_CONSUMERS_MAX);
		return FALSE;
	}
	l->c[l->n++] = *c;
	return TRUE;
}

size_t
col_consumers_count(const struct col_consumers *l)
{
	return l != NULL ? l->n : 0;
}

void
col_consumers_flow(const struct col_consumers *l, struct col_record *r)
{
	size_t i;

	for (i = 0; l != NULL && i < l->n; i++)
		if (l->c[i].flow != NULL)
			l->c[i].flow(l->c[i].self, r);
}

void
col_consumers_dns(const struct col_consumers *l, const struct col_dns_rec *d)
{
	size_t i;

	for (i = 0; l != NULL && i < l->n; i++)
		if (l->c[i].dns != NULL)
			l->c[i].dns(l->c[i].self, d);
}

void
col_consumers_device(const struct col_consumers *l,
    const struct col_device_rec *d)
{
	size_t i;

	for (i = 0; l != NULL && i < l->n; i++)
		if (l->c[i].device != NULL)
			l->c[i].device(l->c[i].self, d);
}

void
col_consumers_close(const struct col_consumers *l,
    const struct col_interval *iv)
{
	size_t i;

	for (i = 0; l != NULL && i < l->n; i++)
		if (l->c[i].close != NULL)
			l->c[i].close(l->c[i].self, iv);
}

void
col_consumers_write(const struct col_consumers *l, const struct col_section *s)
{
	size_t i;

	for (i = 0; l != NULL && i < l->n; i++)
		if (l->c[i].write != NULL)
			l->c[i].write(l->c[i].self, s);
}

void
col_consumers_open(const struct col_consumers *l, uint64_t start_ms,
    uint64_t prev_end_ms)
{
	size_t i;

	for (i = 0; l != NULL && i < l->n; i++)
		if (l->c[i].open != NULL)
			l->c[i].open(l->c[i].self, start_ms, prev_end_ms);
}

void
col_consumers_report(const struct col_consumers *l, JsonNode *doc,
    const struct col_interval *iv)
{
	size_t i;

	for (i = 0; l != NULL && doc != NULL && i < l->n; i++)
		if (l->c[i].report != NULL)
			l->c[i].report(l->c[i].self, doc, iv);
}

gboolean
col_consumers_want_report(const struct col_consumers *l)
{
	size_t i;

	for (i = 0; l != NULL && i < l->n; i++)
		if (l->c[i].report != NULL)
			return TRUE;
	return FALSE;
}
