/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-refused"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "collector/ingest/refused.h"
#include "common/addr.h"

const char *const col_refused_reason_names[COL_REFUSED_N_REASONS] = {
	"not allowed",
	"table full",
};

gboolean
col_refused_add(struct col_refused *r, const struct mf_addr *a,
    enum col_refused_reason reason, uint64_t now_ms)
{
	struct col_refused_entry *e;
	size_t i, old = 0;

	/* At most 32 entries, and only refused messages come here. */
	for (i = 0; i < r->n; i++) {
		e = &r->e[i];
		if (e->reason == reason && mf_addr_cmp(&e->addr, a) == 0) {
			e->messages++;
			e->last_ms = now_ms;
			return FALSE;
		}
		if (e->last_ms < r->e[old].last_ms)
			old = i;
	}
	if (r->n < COL_REFUSED_MAX) {
		e = &r->e[r->n++];
	} else {
		e = &r->e[old];
		r->evicted++;
	}
	memset(e, 0, sizeof(*e));
	e->addr = *a;
	mf_addr_format(a, e->name, sizeof(e->name));
	e->reason = reason;
	e->messages = 1;
	e->last_ms = now_ms;
	return TRUE;
}
