/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-report"

#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/analytics/geo.h"
#include "collector/model/tables.h"
#include "collector/output/report_geo.h"
#include "collector/output/jsonw.h"
#include "collector/output/report_json.h"

void
col_report_geo_address(struct col_jsonw *w, const struct col_geo *g,
    const struct col_address *a)
{
	struct col_geo_info gi;
	gboolean known = !a->internal && col_geo_lookup(g, &a->addr, &gi);

	col_jsonw_str(w, "country", known && gi.country[0] ? gi.country : NULL);
	col_jsonw_member(w, "asn");
	if (known && gi.asn != 0)
		col_jsonw_int(w, gi.asn);
	else
		col_jsonw_null(w);
	col_jsonw_str(w, "as_org", known && gi.as_org[0] ? gi.as_org : NULL);
}

struct country {
	char code[3];
	uint64_t bytes, packets, flows, addresses;
};

struct sums {
	const struct col_geo *g;
	GArray *c; /* struct country; a few hundred at most */
};

static void
add_address(const struct col_address *a, void *ctx)
{
	struct sums *s = ctx;
	struct col_geo_info gi;
	struct country *c = NULL, fresh;
	guint i;

	if (a->internal || (a->sent.flows | a->received.flows) == 0 ||
	    !col_geo_lookup(s->g, &a->addr, &gi) || gi.country[0] == '\0')
		return;
	for (i = 0; i < s->c->len && c == NULL; i++)
		if (strcmp(g_array_index(s->c, struct country, i).code,
		        gi.country) == 0)
			c = &g_array_index(s->c, struct country, i);
	if (c == NULL) {
		memset(&fresh, 0, sizeof(fresh));
		g_strlcpy(fresh.code, gi.country, sizeof(fresh.code));
		g_array_append_val(s->c, fresh);
		c = &g_array_index(s->c, struct country, s->c->len - 1);
	}
	c->bytes += a->sent.bytes + a->received.bytes;
	c->packets += a->sent.packets + a->received.packets;
	c->flows += a->sent.flows + a->received.flows;
	c->addresses++;
}

static gint
by_bytes(gconstpointer x, gconstpointer y)
{
	const struct country *a = x, *b = y;

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	return strcmp(a->code, b->code);
}

void
col_report_geo_top(struct col_jsonw *w, const struct col_geo *g,
    const struct col_tables *t, uint32_t top)
{
	struct sums s = { g,
		g_array_new(FALSE, FALSE, sizeof(struct country)) };
	guint i;

	if (t != NULL)
		col_tables_foreach_address(t, add_address, &s);
	g_array_sort(s.c, by_bytes);
	col_jsonw_member(w, "countries");
	col_jsonw_begin_array(w);
	for (i = 0; i < s.c->len && i < top; i++) {
		const struct country *c =
		    &g_array_index(s.c, struct country, i);

		col_jsonw_begin_object(w);
		col_jsonw_text(w, "country", c->code);
		col_jsonw_uint(w, "bytes", c->bytes);
		col_jsonw_uint(w, "packets", c->packets);
		col_jsonw_uint(w, "flows", c->flows);
		col_jsonw_uint(w, "addresses", c->addresses);
		col_jsonw_end_object(w);
	}
	col_jsonw_end_array(w);
	g_array_unref(s.c);
}
