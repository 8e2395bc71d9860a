/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-fwdnorm"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "collector/output/archive.h"
#include "collector/output/forward.h"
#include "collector/output/fwdnorm.h"
#include "common/msgenc.h"

/* The flow templates first: compat = super_mediator sends only those. */
#define N_FLOW_TEMPLATES 4
static const struct mf_template *const templates[] = { &mf_tmpl_archive4,
	&mf_tmpl_archive6, &mf_tmpl_archive_bi4, &mf_tmpl_archive_bi6,
	&mf_tmpl_dns4, &mf_tmpl_dns6, &mf_tmpl_device4, &mf_tmpl_device6 };

struct col_fwdnorm {
	struct col_forward *fwd; /* borrowed */
	struct mf_msgenc enc;
	uint64_t msg_ms;  /* when the open message got its first record */
	uint64_t tmpl_ms; /* when the templates last went out */
	gboolean open;    /* a message with records is open */
	gboolean tmpl_sent;
	gboolean flows_only; /* compat = super_mediator: the first 4 */
	uint64_t generation; /* the forwarder's, at the last templates */
	struct col_fwdnorm_stats stats;
	uint8_t buf[COL_FWDNORM_MTU];
	uint8_t held[COL_FWDNORM_MTU]; /* a message kept behind templates */
};

struct col_fwdnorm *
col_fwdnorm_new(struct col_forward *fwd, uint32_t domain, uint64_t now_ms)
{
	struct col_fwdnorm *n;

	if (!col_forward_is_normalised(fwd))
		return NULL;
	n = g_new0(struct col_fwdnorm, 1);
	n->fwd = fwd;
	n->flows_only = col_forward_flows_only(fwd);
	mf_msgenc_init(&n->enc, MF_MSGENC_IPFIX, n->buf, sizeof(n->buf), domain,
	    now_ms);
	return n;
}

void
col_fwdnorm_free(struct col_fwdnorm *n)
{
	g_free(n);
}

static uint64_t
real_ms(void)
{
	return (uint64_t)g_get_real_time() / 1000;
}

/* Finish the open message (if any record is in it) and send it. */
static void
send_open(struct col_fwdnorm *n)
{
	size_t len;

	if (!n->open)
		return;
	n->open = FALSE;
	if ((len = mf_msgenc_finish(&n->enc)) == 0)
		return;
	col_forward_send(n->fwd, n->buf, len);
	n->stats.messages++;
}

/* The templates, in as many messages as they need (one at 1400 bytes). */
static void
send_templates(struct col_fwdnorm *n, uint64_t now_ms)
{
	size_t i;

	send_open(n);
	mf_msgenc_begin(&n->enc, real_ms());
	for (i = 0;
	     i < (n->flows_only ? N_FLOW_TEMPLATES : G_N_ELEMENTS(templates));
	     i++) {
		if (mf_msgenc_add_template(&n->enc, templates[i]) == -ENOSPC) {
			n->open = TRUE;
			send_open(n);
			mf_msgenc_begin(&n->enc, real_ms());
			(void)mf_msgenc_add_template(&n->enc, templates[i]);
		}
	}
	n->open = TRUE;
	send_open(n);
	n->tmpl_ms = now_ms;
	n->tmpl_sent = TRUE;
	n->stats.template_sends++;
}

/*
 * A new TCP connection downstream is a new IPFIX session: the templates
 * before anything else, the message being filled after them.
 */
static void
follow_connections(struct col_fwdnorm *n, uint64_t now_ms)
{
	uint64_t g = col_forward_generation(n->fwd);
	size_t len = 0;

	if (g == n->generation)
		return;
	n->generation = g;
	if (n->open) {
		n->open = FALSE;
		len = mf_msgenc_finish(&n->enc);
		memcpy(n->held, n->buf, len);
	}
	send_templates(n, now_ms);
	if (len > 0) {
		col_forward_send(n->fwd, n->held, len);
		n->stats.messages++;
	}
}

static void
add(struct col_fwdnorm *n, const struct mf_template *t, const void *rec,
    uint64_t now_ms)
{
	follow_connections(n, now_ms);
	if (!n->tmpl_sent || now_ms >= n->tmpl_ms + COL_FWDNORM_TEMPLATE_MS)
		send_templates(n, now_ms);
	if (!n->open) {
		mf_msgenc_begin(&n->enc, real_ms());
		n->open = TRUE;
		n->msg_ms = now_ms;
	}
	if (mf_msgenc_add_record(&n->enc, t, rec) == -ENOSPC) {
		send_open(n);
		mf_msgenc_begin(&n->enc, real_ms());
		n->open = TRUE;
		n->msg_ms = now_ms;
		(void)mf_msgenc_add_record(&n->enc, t, rec);
	}
}

void
col_fwdnorm_flow(struct col_fwdnorm *n, const struct col_flow *f,
    uint64_t now_ms)
{
	struct mf_flow_rec r;
	const struct mf_template *t;

	if (n == NULL)
		return;
	if (f->packets == 0) {
		n->stats.zero_packet++;
		return;
	}
	t = col_archive_record(f, &r);
	add(n, t, &r, now_ms);
	n->stats.records++;
}

/* A DNS or device record (an options record), sent unless flows only. */
static void
add_option(struct col_fwdnorm *n, const struct mf_template *t, const void *rec,
    uint64_t now_ms, uint64_t *sent)
{
	if (n->flows_only) {
		n->stats.left_out++;
		return;
	}
	add(n, t, rec, now_ms);
	(*sent)++;
}

void
col_fwdnorm_dns(struct col_fwdnorm *n, const struct mf_dns_rec *r,
    uint8_t family, uint64_t now_ms)
{
	if (n != NULL)
		add_option(n,
		    family == MF_AF_INET ? &mf_tmpl_dns4 : &mf_tmpl_dns6, r,
		    now_ms, &n->stats.dns_records);
}

void
col_fwdnorm_device(struct col_fwdnorm *n, const struct mf_device_rec *r,
    uint8_t family, uint64_t now_ms)
{
	if (n != NULL)
		add_option(n,
		    family == MF_AF_INET6 ? &mf_tmpl_device6 : &mf_tmpl_device4,
		    r, now_ms, &n->stats.device_records);
}

void
col_fwdnorm_tick(struct col_fwdnorm *n, uint64_t now_ms)
{
	if (n == NULL)
		return;
	if (n->tmpl_sent)
		follow_connections(n, now_ms);
	if (n->open && now_ms >= n->msg_ms + COL_FWDNORM_LINGER_MS)
		send_open(n);
	if (n->tmpl_sent && now_ms >= n->tmpl_ms + COL_FWDNORM_TEMPLATE_MS)
		send_templates(n, now_ms);
}

void
col_fwdnorm_flush(struct col_fwdnorm *n)
{
	if (n != NULL)
		send_open(n);
}

const struct col_fwdnorm_stats *
col_fwdnorm_get_stats(const struct col_fwdnorm *n)
{
	return &n->stats;
}

void
col_fwdnorm_log_counters(const struct col_fwdnorm *fwdnorm)
{
	const struct col_fwdnorm_stats *n;

	if (fwdnorm == NULL)
		return;
	n = col_fwdnorm_get_stats(fwdnorm);
	g_message(
	    "forward: normalised records %" G_GUINT64_FORMAT
	    ", DNS records %" G_GUINT64_FORMAT
	    ", device records %" G_GUINT64_FORMAT
	    ", zero-packet records not sent %" G_GUINT64_FORMAT
	    ", messages %" G_GUINT64_FORMAT
	    ", DNS and device records left out (compat) %" G_GUINT64_FORMAT,
	    n->records, n->dns_records, n->device_records, n->zero_packet,
	    n->messages, n->left_out);
}
