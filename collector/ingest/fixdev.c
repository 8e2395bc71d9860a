/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-fixdev"

#include <stddef.h>
#include <string.h>

#include <glib.h>
#include <fixbuf/public.h>

#include "collector/ingest/fbmodel.h"
#include "collector/ingest/fixdev.h"
#include "common/addr.h"

#define XF(pen, id, f)                                             \
	{                                                          \
		pen, id, sizeof(((struct mf_device_rec *)0)->f),   \
		    (uint16_t)offsetof(struct mf_device_rec, f), 0 \
	}

/* Every field of struct mf_device_rec in struct order (no padding). */
static const struct mf_field fields[] = {
	{ MF_PEN_MINFLOW, MF_OWN_DEVICE_NAME, MF_VARLEN,
	    (uint16_t)offsetof(struct mf_device_rec, name), MF_FK_VARLEN },
	XF(0, MF_IE_FLOW_START_MILLISECONDS, time_ms),
	XF(0, MF_IE_SOURCE_IPV6_ADDRESS, addr6),
	XF(0, MF_IE_SOURCE_IPV4_ADDRESS, addr4),
	XF(MF_PEN_MINFLOW, MF_OWN_DEVICE_LEASE_SECONDS, lease_s),
	XF(0, MF_IE_SOURCE_MAC_ADDRESS, mac),
	XF(MF_PEN_MINFLOW, MF_OWN_DEVICE_NAME_SOURCE, source),
};

G_STATIC_ASSERT(
    offsetof(struct mf_device_rec, time_ms) == sizeof(fbVarfield_t));

const struct mf_template col_fixdev_internal = { COL_FIXDEV_TID,
	(uint16_t)G_N_ELEMENTS(fields), 0, "collector-device", fields };

gboolean
col_fixdev_is_device(fbTemplate_t *t)
{
	return fbTemplateGetOptionsScope(t) > 0 &&
	    col_fbmodel_template_has(t, 0, MF_IE_SOURCE_MAC_ADDRESS) &&
	    col_fbmodel_template_has(t, MF_PEN_MINFLOW,
	        MF_OWN_DEVICE_NAME_SOURCE);
}

gboolean
col_fixdev_add_internal(fbSession_t *s, fbInfoModel_t *model, GError **error)
{
	return col_fbmodel_add_internal(s, model, &col_fixdev_internal, error);
}

void
col_fixdev_take(const struct mf_device_rec *x, struct col_device_rec *out)
{
	static const uint8_t zero[16];
	size_t n = MIN(x->name.len, sizeof(out->name) - 1);
	uint8_t b[4];

	memset(out, 0, sizeof(*out));
	out->time_ms = x->time_ms;
	memcpy(out->mac, x->mac, 6);
	out->source = x->source < MF_DEVICE_N_SOURCES ? x->source : 0;
	out->lease_s = x->lease_s;
	if (memcmp(x->addr6, zero, 16) != 0) {
		mf_addr_set6(&out->addr, x->addr6);
	} else if (x->addr4 != 0) {
		b[0] = (uint8_t)(x->addr4 >> 24);
		b[1] = (uint8_t)(x->addr4 >> 16);
		b[2] = (uint8_t)(x->addr4 >> 8);
		b[3] = (uint8_t)x->addr4;
		mf_addr_set4(&out->addr, b);
	}
	if (x->name.buf == NULL)
		n = 0;
	if (n > 0)
		memcpy(out->name, x->name.buf, n);
	out->name[n] = '\0';
}

uint8_t
col_fixdev_to_wire(const struct col_device_rec *d, struct mf_device_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->time_ms = d->time_ms;
	memcpy(r->mac, d->mac, 6);
	r->source = d->source;
	r->lease_s = d->lease_s;
	r->name.buf = (const uint8_t *)d->name;
	r->name.len = strlen(d->name);
	if (d->addr.family == MF_AF_INET6) {
		memcpy(r->addr6, d->addr.b, 16);
		return MF_AF_INET6;
	}
	if (d->addr.family == MF_AF_INET)
		r->addr4 = mf_addr_get4(&d->addr);
	return MF_AF_INET;
}
