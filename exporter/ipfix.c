/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-ipfix"

#include <errno.h>
#include <stdint.h>

#include <glib.h>

#include "common/error.h"
#include "common/model.h"
#include "common/msgenc.h"
#include "exporter/ipfix.h"

struct exp_ipfix {
	struct mf_msgenc enc;
	uint8_t *buf; /* the message, mtu bytes */
	gboolean biflow;
	gboolean dns;         /* DNS record templates announced too */
	gboolean nat;         /* nat4/nat6 announced too (uniflow) */
	gboolean open;        /* a message is being built */
	uint32_t export_secs; /* export time of the next message */
};

struct exp_ipfix *
exp_ipfix_new(uint32_t domain, size_t mtu, gboolean biflow, GError **error)
{
	struct exp_ipfix *x;

	/* The largest template message (uniflow, DNS, NAT) takes 966 bytes. */
	if (mtu < EXP_IPFIX_MIN_MTU || mtu > UINT16_MAX) {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
		    "message size %zu out of range (%u..65535)", mtu,
		    EXP_IPFIX_MIN_MTU);
		return NULL;
	}
	x = g_new0(struct exp_ipfix, 1);
	x->buf = g_malloc0(mtu);
	x->biflow = biflow;
	mf_msgenc_init(&x->enc, MF_MSGENC_IPFIX, x->buf, mtu, domain, 0);
	return x;
}

void
exp_ipfix_free(struct exp_ipfix *x)
{
	if (x == NULL)
		return;
	g_free(x->buf);
	g_free(x);
}

void
exp_ipfix_set_dns(struct exp_ipfix *x, gboolean dns)
{
	x->dns = dns;
}

void
exp_ipfix_set_nat(struct exp_ipfix *x, gboolean nat)
{
	x->nat = nat && !x->biflow;
}

void
exp_ipfix_set_export_time(struct exp_ipfix *x, uint32_t secs)
{
	x->export_secs = secs;
}

static void
ensure_open(struct exp_ipfix *x)
{
	if (!x->open) {
		mf_msgenc_begin(&x->enc, (uint64_t)x->export_secs * 1000);
		x->open = TRUE;
	}
}

int
exp_ipfix_add_templates(struct exp_ipfix *x)
{
	const struct mf_template *const uni[] = { &mf_tmpl_flow4,
		&mf_tmpl_flow6, &mf_tmpl_stats, &mf_tmpl_dns4, &mf_tmpl_dns6 };
	const struct mf_template *const bi[] = { &mf_tmpl_biflow4,
		&mf_tmpl_biflow6, &mf_tmpl_stats, &mf_tmpl_dns4,
		&mf_tmpl_dns6 };
	const struct mf_template *const *t = x->biflow ? bi : uni;
	size_t i, saved, n = x->dns ? G_N_ELEMENTS(uni) : 3;
	uint16_t count;
	int r;

	ensure_open(x);
	/* All or nothing: a half template set would confuse the caller. */
	saved = x->enc.wb.len;
	count = x->enc.count;
	for (i = 0; i < n + (x->nat ? 2 : 0); i++) {
		const struct mf_template *ti = i < n ? t[i]
		    : i == n                         ? &mf_tmpl_nat4
		                                     : &mf_tmpl_nat6;

		if ((r = mf_msgenc_add_template(&x->enc, ti)) != 0) {
			x->enc.wb.len = saved;
			x->enc.count = count;
			return r;
		}
	}
	return 0;
}

int
exp_ipfix_add_record(struct exp_ipfix *x, const struct mf_template *t,
    const void *rec)
{
	gboolean bi = (t->flags & MF_TMPL_BIFLOW) != 0;
	int r;

	/* Only the templates this exporter announced. */
	if (((t->flags & MF_TMPL_IPFIX_ONLY) != 0 && !x->dns) ||
	    ((t->flags & MF_TMPL_NAT) != 0 && !x->nat)) {
		g_warning("ipfix: %s: template not in use", t->name);
		return -EINVAL;
	}
	if ((t->flags & (MF_TMPL_OPTIONS | MF_TMPL_IPFIX_ONLY)) == 0 &&
	    bi != x->biflow) {
		g_warning("ipfix: %s: template not in use", t->name);
		return -EINVAL;
	}
	ensure_open(x);
	if ((r = mf_msgenc_add_record(&x->enc, t, rec)) == -EINVAL)
		g_warning("ipfix: %s: cannot be encoded", t->name);
	return r;
}

gboolean
exp_ipfix_pending(const struct exp_ipfix *x)
{
	return x->open && x->enc.count > 0;
}

size_t
exp_ipfix_emit(struct exp_ipfix *x, const uint8_t **msg)
{
	size_t len;

	if (!exp_ipfix_pending(x)) {
		x->open = FALSE;
		return 0;
	}
	len = mf_msgenc_finish(&x->enc);
	x->open = FALSE;
	*msg = x->buf;
	return len;
}
