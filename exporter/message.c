/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-message"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "common/error.h"
#include "common/model.h"
#include "common/msgenc.h"
#include "exporter/message.h"

struct exp_message {
	struct mf_msgenc enc;
	uint8_t *buf; /* the message, mtu bytes */
	gboolean biflow;
	gboolean dns;             /* DNS record templates announced too */
	gboolean devices;         /* device record templates announced too */
	gboolean nat;             /* nat4/nat6 announced too (uniflow) */
	gboolean proc;            /* proc or biproc templates for the flows */
	struct mf_template stats; /* mf_tmpl_stats, or under YAF's id */
	gboolean open;            /* a message is being built */
	/* The last four templates in_use() passed (flow4, flow6, dns4 and
	 * dns6 take turns); cleared by every setter. */
	const struct mf_template *used[4];
	unsigned next_used; /* the slot of used[] to replace */
	uint64_t now_ms;    /* time of the next message started */
};

struct exp_message *
exp_message_new(enum mf_msgenc_proto proto, uint32_t domain, size_t mtu,
    gboolean biflow, uint64_t boot_ms, GError **error)
{
	struct exp_message *m;

	/* The largest template message (uniflow, DNS, NAT) takes 966 bytes. */
	if (mtu < EXP_MESSAGE_MIN_MTU || mtu > UINT16_MAX) {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
		    "message size %zu out of range (%u..65535)", mtu,
		    EXP_MESSAGE_MIN_MTU);
		return NULL;
	}
	if (proto == MF_MSGENC_V9 && biflow) {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
		    "NetFlow v9 has no biflow records");
		return NULL;
	}
	m = g_new0(struct exp_message, 1);
	m->buf = g_malloc0(mtu);
	m->biflow = biflow;
	m->stats = mf_tmpl_stats;
	mf_msgenc_init(&m->enc, proto, m->buf, mtu, domain, boot_ms);
	return m;
}

void
exp_message_free(struct exp_message *m)
{
	if (m == NULL)
		return;
	g_free(m->buf);
	g_free(m);
}

static void
clear_used(struct exp_message *m)
{
	memset(m->used, 0, sizeof(m->used));
}

void
exp_message_set_boot(struct exp_message *m, uint64_t boot_ms)
{
	m->enc.boot_ms = boot_ms;
}

void
exp_message_set_dns(struct exp_message *m, gboolean dns)
{
	clear_used(m);
	m->dns = dns && m->enc.proto == MF_MSGENC_IPFIX;
}

void
exp_message_set_devices(struct exp_message *m, gboolean devices)
{
	clear_used(m);
	m->devices = devices && m->enc.proto == MF_MSGENC_IPFIX;
}

void
exp_message_set_nat(struct exp_message *m, gboolean nat)
{
	clear_used(m);
	m->nat = nat && !m->biflow;
}

void
exp_message_set_proc(struct exp_message *m, gboolean proc)
{
	clear_used(m);
	m->proc = proc && m->enc.proto == MF_MSGENC_IPFIX;
}

void
exp_message_set_yaf_stats(struct exp_message *m, gboolean yaf)
{
	clear_used(m);
	m->stats.id = yaf ? MF_TID_YAF_PROCESS_STATS : mf_tmpl_stats.id;
}

void
exp_message_set_time(struct exp_message *m, uint64_t now_ms)
{
	m->now_ms = now_ms;
}

static void
ensure_open(struct exp_message *m)
{
	if (!m->open) {
		mf_msgenc_begin(&m->enc, m->now_ms);
		m->open = TRUE;
	}
}

/* The i-th template announced: t[0 .. n), then nat, then devices. */
static const struct mf_template *
template_at(const struct exp_message *m, const struct mf_template *const *t,
    size_t n, size_t i)
{
	if (i < n)
		return t[i];
	i -= n;
	if (m->nat) {
		if (i < 2)
			return i == 0 ? &mf_tmpl_nat4 : &mf_tmpl_nat6;
		i -= 2;
	}
	return i == 0 ? &mf_tmpl_device4 : &mf_tmpl_device6;
}

static gboolean
is_device(const struct mf_template *t)
{
	return t->id == MF_TID_DEVICE4 || t->id == MF_TID_DEVICE6;
}

int
exp_message_add_templates(struct exp_message *m)
{
	/* The DNS templates come last: without dns, n stops before them. */
	const struct mf_template *const uni[] = { &mf_tmpl_flow4,
		&mf_tmpl_flow6, &m->stats, &mf_tmpl_dns4, &mf_tmpl_dns6 };
	const struct mf_template *const bi[] = { &mf_tmpl_biflow4,
		&mf_tmpl_biflow6, &m->stats, &mf_tmpl_dns4, &mf_tmpl_dns6 };
	const struct mf_template *const uni_proc[] = { &mf_tmpl_proc4,
		&mf_tmpl_proc6, &m->stats, &mf_tmpl_dns4, &mf_tmpl_dns6 };
	const struct mf_template *const bi_proc[] = { &mf_tmpl_biproc4,
		&mf_tmpl_biproc6, &m->stats, &mf_tmpl_dns4, &mf_tmpl_dns6 };
	const struct mf_template *const *t =
	    m->proc ? (m->biflow ? bi_proc : uni_proc) : (m->biflow ? bi : uni);
	size_t i, saved, n = m->dns ? G_N_ELEMENTS(uni) : 3;
	uint16_t count;
	int r;

	ensure_open(m);
	/* All or nothing: a half template set would confuse the caller. */
	saved = m->enc.wb.len;
	count = m->enc.count;
	for (i = 0; i < n + (m->nat ? 2 : 0) + (m->devices ? 2 : 0); i++) {
		const struct mf_template *ti = template_at(m, t, n, i);

		if ((r = mf_msgenc_add_template(&m->enc, ti)) != 0) {
			m->enc.wb.len = saved;
			m->enc.count = count;
			return r;
		}
	}
	return 0;
}

/* Whether t is one of the templates this exporter announced. */
static gboolean
in_use(const struct exp_message *m, const struct mf_template *t)
{
	gboolean bi = (t->flags & MF_TMPL_BIFLOW) != 0;

	if ((is_device(t) && !m->devices) ||
	    (!is_device(t) && (t->flags & MF_TMPL_IPFIX_ONLY) != 0 &&
	        !m->dns) ||
	    ((t->flags & MF_TMPL_NAT) != 0 && !m->nat) ||
	    ((t->flags & (MF_TMPL_OPTIONS | MF_TMPL_IPFIX_ONLY)) == 0 &&
	        ((t->flags & MF_TMPL_PROC) != 0) != m->proc) ||
	    ((t->flags & (MF_TMPL_OPTIONS | MF_TMPL_IPFIX_ONLY)) == 0 &&
	        bi != m->biflow)) {
		g_warning("message: %s: template not in use", t->name);
		return FALSE;
	}
	return TRUE;
}

int
exp_message_add_record(struct exp_message *m, const struct mf_template *t,
    const void *rec)
{
	int r;

	if (t == &mf_tmpl_stats)
		t = &m->stats; /* its id may be YAF's */
	if (!in_use(m, t))
		return -EINVAL;
	ensure_open(m);
	if ((r = mf_msgenc_add_record(&m->enc, t, rec)) == -EINVAL)
		g_warning("message: %s: cannot be encoded", t->name);
	return r;
}

/*
 * exp_message_reserve_record() past its common case: t checked if it is
 * new, the message opened, the room made by msgenc.  Not inlined, so
 * that the common case saves no registers.
 */
static G_GNUC_NO_INLINE uint8_t *
reserve_slow(struct exp_message *m, const struct mf_template *t, size_t var_len,
    gboolean used, int *err)
{
	uint8_t *out;

	if (!used) {
		if (!in_use(m, t)) {
			*err = -EINVAL;
			return NULL;
		}
		m->used[m->next_used] = t;
		m->next_used = (m->next_used + 1) % G_N_ELEMENTS(m->used);
	}
	ensure_open(m);
	out = mf_msgenc_reserve_record(&m->enc, t, var_len, err);
	if (out == NULL && *err == -EINVAL)
		g_warning("message: %s: cannot be encoded", t->name);
	return out;
}

uint8_t *
exp_message_reserve_record(struct exp_message *m, const struct mf_template *t,
    size_t var_len, int *err)
{
	uint8_t *out;

	/* Once a template passed, its flows skip the test (a packet path). */
	if (t != m->used[0] && t != m->used[1] && t != m->used[2] &&
	    t != m->used[3])
		return reserve_slow(m, t, var_len, FALSE, err);
	/* The common case: room in the open message's set of t. */
	if (!m->open ||
	    (out = mf_msgenc_reserve_next(&m->enc, t, var_len)) == NULL)
		return reserve_slow(m, t, var_len, TRUE, err);
	*err = 0;
	return out;
}

size_t
exp_message_emit(struct exp_message *m, const uint8_t **msg)
{
	size_t len;

	if (!m->open || m->enc.count == 0) {
		m->open = FALSE;
		return 0;
	}
	len = mf_msgenc_finish(&m->enc);
	m->open = FALSE;
	*msg = m->buf;
	return len;
}
