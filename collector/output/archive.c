/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-archive"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <fixbuf/public.h>

#include "collector/ingest/fbmodel.h"
#include "collector/ingest/fixdev.h"
#include "collector/ingest/fixdns.h"
#include "collector/output/archdir.h"
#include "collector/output/archive.h"
#include "common/error.h"
#include "common/fsafe.h"
#include "common/log.h"
#include "common/model.h"
#include "common/rbuf.h"

/* libfixbuf takes constant strings through char *: see ingest/fbmodel.c. */
#pragma GCC diagnostic ignored "-Wwrite-strings"

#define TID_INT_FLOW 0x7f00 /* internal templates */
#define TID_INT_DNS 0x7f01
#define TID_INT_TYPES 0x7f02
#define TID_INT_DEVICE 0x7f03
#define TYPE_RECORD_BOUND 512 /* its template and its record */
#define MSG_HEADER_LEN 16
#define SET_HEADER_LEN 4
#define VARLEN_PREFIX 3 /* the longest RFC 7011 length prefix */
#define VAR_MAX 1024    /* longest name written; longer are cut */

/* The templates every file carries. */
static const struct mf_template *const file_tmpls[] = { &mf_tmpl_archive4,
	&mf_tmpl_archive6, &mf_tmpl_archive_bi4, &mf_tmpl_archive_bi6,
	&mf_tmpl_dns4, &mf_tmpl_dns6, &mf_tmpl_device4, &mf_tmpl_device6 };

struct col_archive {
	struct col_archive_config cfg; /* cfg.dir unused: see dir */
	gboolean no_dns;               /* compat = super_mediator: no DNS */
	                               /* and no device records either */
	fbInfoModel_t *model;
	FILE *fp;
	fBuf_t *fbuf;      /* owns the session and the exporter */
	char *path, *part; /* the open file's names */
	uint64_t now_ms, opened_ms;
	uint64_t written;  /* bytes of the messages written */
	uint64_t pending;  /* at least the bytes of the buffered message */
	uint64_t n_flows;  /* flow records buffered */
	uint64_t n_dns;    /* DNS records buffered */
	uint64_t n_dev;    /* device records buffered */
	uint64_t n_file;   /* records in the file, buffered ones too */
	uint64_t first_ms; /* when the oldest buffered record came */
	gboolean broken;   /* write error: drop until retry_ms */
	uint64_t retry_ms;
	uint64_t retention_ms; /* when retention runs next */
	char *dir;             /* absolute */
	struct mf_ratelimit warn;
	struct col_archive_stats stats;
	uint8_t list[COL_ARCHIVE_MAX_DNS_ADDRS * 16]; /* basicList values */
};

/* --- files -------------------------------------------------------------- */

/* Records in the message being built, not yet written. */
static uint64_t
buffered(const struct col_archive *a)
{
	return a->n_flows + a->n_dns + a->n_dev;
}

/* Bytes a template set takes at most: every field with an enterprise. */
static uint64_t
template_bound(const struct mf_template *t)
{
	return SET_HEADER_LEN + 4 + 8 * (uint64_t)t->n_fields;
}

static gboolean
add_template(struct col_archive *a, fbSession_t *s, gboolean internal,
    uint16_t tid, const struct mf_template *t, GError **error)
{
	fbTemplate_t *tmpl = col_fbmodel_template_new(a->model, t, error);

	if (tmpl == NULL)
		return FALSE;
	if (fbSessionAddTemplate(s, internal, tid, tmpl, error) == 0) {
		fbTemplateFreeUnused(tmpl);
		return FALSE;
	}
	return TRUE;
}

/*
 * RFC 5610: the type of minflow's own element (labelSource), so that
 * ipfixDump --rfc5610 and other libfixbuf readers can name it.  CERT's
 * elements are known to them already.
 */
static gboolean
add_type_templates(struct col_archive *a, fbSession_t *s, GError **error)
{
	fbTemplate_t *t;
	int i;

	for (i = 0; i < 2; i++) {
		if ((t = fbInfoElementAllocTypeTemplate(a->model, error)) ==
		    NULL)
			return FALSE;
		if (fbSessionAddTemplate(s, i == 0,
		        i == 0 ? TID_INT_TYPES : MF_TID_ARCHIVE_TYPES, t,
		        error) == 0) {
			fbTemplateFreeUnused(t);
			return FALSE;
		}
	}
	a->pending += TYPE_RECORD_BOUND;
	return TRUE;
}

/*
 * libfixbuf writes an external template into the message as soon as it is
 * added to a session that has a buffer (automatic mode starts the
 * message): labelSource's type record goes before the flow templates,
 * so that readers know the element when they see them.
 */
static gboolean
add_templates(struct col_archive *a, fbSession_t *s, GError **error)
{
	size_t i;

	a->pending = MSG_HEADER_LEN;
	if (!add_template(a, s, TRUE, TID_INT_FLOW, &mf_tmpl_flow_internal,
	        error) ||
	    !add_template(a, s, TRUE, TID_INT_DNS, &col_fixdns_internal,
	        error) ||
	    !add_template(a, s, TRUE, TID_INT_DEVICE, &col_fixdev_internal,
	        error) ||
	    !add_type_templates(a, s, error) ||
	    !fbInfoElementWriteOptionsRecord(a->fbuf,
	        fbInfoModelGetElementByID(a->model, MF_OWN_LABEL_SOURCE,
	            MF_PEN_MINFLOW),
	        TID_INT_TYPES, MF_TID_ARCHIVE_TYPES, error))
		return FALSE;
	for (i = 0; i < G_N_ELEMENTS(file_tmpls); i++) {
		if (a->no_dns &&
		    (file_tmpls[i] == &mf_tmpl_dns4 ||
		        file_tmpls[i] == &mf_tmpl_dns6 ||
		        file_tmpls[i] == &mf_tmpl_device4 ||
		        file_tmpls[i] == &mf_tmpl_device6))
			continue;
		if (!add_template(a, s, FALSE, file_tmpls[i]->id, file_tmpls[i],
		        error))
			return FALSE;
		a->pending += template_bound(file_tmpls[i]);
	}
	fBufSetAutomaticMode(a->fbuf, FALSE);
	return TRUE;
}

static void
drop_names(struct col_archive *a)
{
	g_free(a->path);
	g_free(a->part);
	a->path = a->part = NULL;
}

/* Start a file: names, the .part file, a session with the templates. */
static gboolean
file_open(struct col_archive *a, GError **error)
{
	fbSession_t *s;
	int fd;

	if (!col_archdir_new_names(a->dir, a->now_ms, &a->path, &a->part,
	        error))
		return FALSE;
	if ((fd = mf_fsafe_create(a->part, MF_FSAFE_FILE_MODE, error)) < 0) {
		g_prefix_error(error, "archive: ");
		drop_names(a);
		return FALSE;
	}
	if ((a->fp = fdopen(fd, "wb")) == NULL) {
		int e = errno;

		g_set_error(error, MF_ERROR, MF_ERROR_IO, "archive: %s: %s",
		    a->part, g_strerror(e));
		(void)close(fd);
		drop_names(a);
		return FALSE;
	}
	/* Unbuffered: a message reaches the file in one write. */
	setvbuf(a->fp, NULL, _IONBF, 0);
	s = fbSessionAlloc(a->model);
	a->fbuf = fBufAllocForExport(s, fbExporterAllocFP(a->fp));
	fBufSetExportTime(a->fbuf, (uint32_t)(a->now_ms / 1000));
	a->opened_ms = a->now_ms;
	a->written = 0;
	a->n_flows = a->n_dns = a->n_dev = a->n_file = 0;
	if (!add_templates(a, s, error)) {
		fBufFree(a->fbuf);
		a->fbuf = NULL;
		fclose(a->fp);
		a->fp = NULL;
		(void)col_archdir_finish(a->part, a->path, 0, NULL);
		drop_names(a);
		return FALSE;
	}
	return TRUE;
}

/* Write the buffered message; the records in it are then counted. */
static gboolean
emit(struct col_archive *a, GError **error)
{
	off_t pos;

	if (!fBufEmit(a->fbuf, error))
		return FALSE;
	if ((pos = ftello(a->fp)) < 0) {
		int e = errno;

		g_set_error(error, MF_ERROR, MF_ERROR_IO, "archive: %s: %s",
		    a->part, g_strerror(e));
		return FALSE;
	}
	a->written = (uint64_t)pos;
	a->pending = MSG_HEADER_LEN;
	a->stats.records += a->n_flows;
	a->stats.dns_records += a->n_dns;
	a->stats.device_records += a->n_dev;
	a->n_flows = a->n_dns = a->n_dev = 0;
	fBufSetExportTime(a->fbuf, (uint32_t)(a->now_ms / 1000));
	return TRUE;
}

/*
 * Close the open file with the messages written so far (ok: after a last
 * emit) and rename it into place; a file without a record is removed.
 */
static void
file_close(struct col_archive *a, gboolean ok)
{
	GError *err = NULL;
	uint64_t kept = a->n_file - buffered(a);

	fBufFree(a->fbuf);
	a->fbuf = NULL;
	fclose(a->fp);
	a->fp = NULL;
	if (!col_archdir_finish(a->part, a->path,
	        kept > 0 ? (off_t)a->written : 0, &err)) {
		g_warning("%s", err->message);
		g_clear_error(&err);
	} else if (kept > 0) {
		a->stats.files++;
		a->stats.bytes += a->written;
		if (!ok)
			g_message("archive: %s: %" G_GUINT64_FORMAT
			          " records kept",
			    a->path, kept);
	}
	drop_names(a);
}

static void
apply_retention(struct col_archive *a)
{
	struct col_archdir_removed rm = { 0, 0 };

	if (a->cfg.retention_s == 0 && a->cfg.max_total_size == 0)
		return;
	a->retention_ms = a->now_ms + a->cfg.rotate_s * 1000;
	col_archdir_retention(a->dir, a->now_ms, a->cfg.retention_s,
	    a->cfg.max_total_size, &rm);
	a->stats.removed_age += rm.age;
	a->stats.removed_size += rm.size;
}

/*
 * A write error (a full disk): log it once, count it, close the file
 * with the messages already written, drop records until the next
 * rotation time.
 */
static void
write_failed(struct col_archive *a, GError *err)
{
	g_warning("%s (records are dropped until %" G_GUINT64_FORMAT
	          " s from now)",
	    err ? err->message : "archive: write failed", a->cfg.rotate_s);
	a->stats.write_errors++;
	a->stats.dropped += buffered(a);
	if (a->fbuf != NULL)
		file_close(a, FALSE);
	a->broken = TRUE;
	a->retry_ms = a->now_ms + a->cfg.rotate_s * 1000;
}

void
col_archive_rotate(struct col_archive *a)
{
	GError *err = NULL;

	if (a == NULL || a->fbuf == NULL)
		return;
	if (!emit(a, &err)) {
		write_failed(a, err);
		g_clear_error(&err);
	} else {
		file_close(a, TRUE);
	}
	apply_retention(a);
}

/* --- records ------------------------------------------------------------ */

/* Bytes of t's fixed-length fields. */
static uint64_t
fixed_len(const struct mf_template *t)
{
	uint64_t n = 0;
	uint16_t i;

	for (i = 0; i < t->n_fields; i++)
		if (t->fields[i].kind == MF_FK_VALUE)
			n += t->fields[i].len;
	return n;
}

/*
 * Append rec (internal template int_tid) under t; bound is at least the
 * bytes it takes in the file (a set header included).  Rotates first if
 * it would take the file over max_file_size.
 */
static int
append(struct col_archive *a, uint16_t int_tid, const struct mf_template *t,
    void *rec, size_t len, uint64_t bound)
{
	GError *err = NULL;

	if (a->broken && a->now_ms < a->retry_ms) {
		a->stats.dropped++;
		return -EIO;
	}
	a->broken = FALSE;
	if (a->fbuf != NULL && a->cfg.max_file_size != 0 && a->n_file > 0 &&
	    a->written + a->pending + bound > a->cfg.max_file_size)
		col_archive_rotate(a);
	if (a->broken || (a->fbuf == NULL && !file_open(a, &err)))
		goto fail;
	if (!fBufSetInternalTemplate(a->fbuf, int_tid, &err) ||
	    !fBufSetExportTemplate(a->fbuf, t->id, &err))
		goto fail;
	if (!fBufAppend(a->fbuf, rec, len, &err)) {
		/* Manual mode: the message is full, write it and go on. */
		if (!g_error_matches(err, FB_ERROR_DOMAIN, FB_ERROR_EOM))
			goto fail;
		g_clear_error(&err);
		if (!emit(a, &err) || !fBufAppend(a->fbuf, rec, len, &err))
			goto fail;
	}
	if (buffered(a) == 0)
		a->first_ms = a->now_ms;
	a->pending += bound;
	a->n_file++;
	return 0;
fail:
	if (!a->broken)
		write_failed(a, err);
	a->stats.dropped++;
	g_clear_error(&err);
	return -EIO;
}

static struct mf_varfield
label_of(const struct col_flow *f)
{
	struct mf_varfield v;

	v.buf = (const uint8_t *)f->label;
	v.len = strnlen(f->label, sizeof(f->label) - 1);
	return v;
}

const struct mf_template *
col_archive_record(const struct col_flow *f, struct mf_flow_rec *r)
{
	gboolean v4 = f->src.family == MF_AF_INET;
	gboolean bi = f->rev_packets != 0 || f->rev_octets != 0;

	memset(r, 0, sizeof(*r));
	r->start_ms = f->start_ms, r->end_ms = f->end_ms;
	r->octets = f->octets, r->packets = f->packets;
	r->rev_octets = f->rev_octets, r->rev_packets = f->rev_packets;
	if (v4) {
		r->src4 = mf_addr_get4(&f->src);
		r->dst4 = mf_addr_get4(&f->dst);
	} else {
		memcpy(r->src6, f->src.b, 16);
		memcpy(r->dst6, f->dst.b, 16);
	}
	r->ingress = f->ingress, r->egress = f->egress;
	r->sport = f->sport, r->dport = f->dport, r->vlan = f->vlan;
	r->icmp4 = f->proto == 1 ? f->dport : 0;
	r->icmp6 = f->proto == 58 ? f->dport : 0;
	r->silk_app = f->app_port;
	memcpy(r->src_mac, f->src_mac, 6);
	memcpy(r->dst_mac, f->dst_mac, 6);
	r->proto = f->proto, r->tcp_flags = f->tcp_flags;
	/* SiLK takes initial|union when either is set, else tcpControlBits:
	 * 0 and 0 when the exporter did not tell them apart.  The reverse
	 * direction has no tcpControlBits here: all its flags go in union
	 * then. */
	r->initial_flags = f->initial_flags, r->union_flags = f->union_flags;
	if ((f->rev_initial_flags | f->rev_union_flags) != 0) {
		r->rev_initial_flags = f->rev_initial_flags;
		r->rev_union_flags = f->rev_union_flags;
	} else {
		r->rev_union_flags = f->rev_tcp_flags;
	}
	r->rev_delta_ms = f->rev_delta_ms;
	r->end_reason = f->end_reason;
	r->label_source = f->label_source;
	if (f->label_source == MF_LABEL_TLS_SNI)
		r->label_sni = label_of(f);
	else if (f->label_source == MF_LABEL_HTTP_HOST)
		r->label_host = label_of(f);
	else
		r->label_dns = label_of(f);
	if (bi)
		return v4 ? &mf_tmpl_archive_bi4 : &mf_tmpl_archive_bi6;
	return v4 ? &mf_tmpl_archive4 : &mf_tmpl_archive6;
}

int
col_archive_add_flow(struct col_archive *a, const struct col_flow *f)
{
	struct mf_flow_rec r;
	const struct mf_template *t;
	uint64_t bound;

	if (f->packets == 0) {
		a->stats.zero_packets++;
		if (mf_ratelimit_ok(&a->warn, g_get_monotonic_time()))
			g_message("archive: record with zero packets not "
			          "written (%" G_GUINT64_FORMAT " so far)",
			    a->stats.zero_packets);
		return -EINVAL;
	}
	t = col_archive_record(f, &r);
	bound = SET_HEADER_LEN + fixed_len(t) + 3 * VARLEN_PREFIX +
	    r.label_dns.len + r.label_sni.len + r.label_host.len;
	if (append(a, TID_INT_FLOW, t, &r, MF_FLOW_REC_LEN, bound) != 0)
		return -EIO;
	a->n_flows++;
	return 0;
}

/*
 * The answered addresses (an RFC 6313 basicList of sourceIPv4Address or
 * sourceIPv6Address, or empty) as a libfixbuf basicList over a->list.
 */
static int
dns_list(struct col_archive *a, const struct mf_varfield *v, uint8_t family,
    fbBasicList_t *bl)
{
	struct mf_rbuf rb;
	uint8_t semantic = 0xff; /* RFC 6313: undefined */
	uint16_t id = family == MF_AF_INET ? MF_IE_SOURCE_IPV4_ADDRESS
	                                   : MF_IE_SOURCE_IPV6_ADDRESS;
	uint16_t elen = family == MF_AF_INET ? 4 : 16;
	uint32_t pen = 0, v4 = 0;
	size_t n = 0, i;

	mf_rbuf_init(&rb, v->buf, v->buf != NULL ? v->len : 0);
	if (rb.left > 0 &&
	    (mf_rbuf_get_u8(&rb, &semantic) != 0 ||
	        mf_rbuf_get_u16(&rb, &id) != 0 ||
	        mf_rbuf_get_u16(&rb, &elen) != 0 ||
	        ((id & 0x8000) && mf_rbuf_get_u32(&rb, &pen) != 0)))
		return -EINVAL;
	id &= 0x7fff;
	if (pen != 0 ||
	    !((id == MF_IE_SOURCE_IPV4_ADDRESS && elen == 4) ||
	        (id == MF_IE_SOURCE_IPV6_ADDRESS && elen == 16)))
		return -EINVAL;
	if (rb.left % elen != 0 || rb.left / elen > COL_ARCHIVE_MAX_DNS_ADDRS)
		return -EINVAL;
	n = rb.left / elen;
	for (i = 0; i < n; i++) {
		if (elen == 4) {
			(void)mf_rbuf_get_u32(&rb, &v4); /* host order */
			memcpy(a->list + 4 * i, &v4, 4);
		} else {
			(void)mf_rbuf_get_bytes(&rb, a->list + 16 * i, 16);
		}
	}
	fbBasicListInitWithOwnBuffer(bl, semantic,
	    fbInfoModelGetElementByID(a->model, id, 0), (uint16_t)n,
	    (uint16_t)(n * elen), a->list);
	return 0;
}

/* A varfield for libfixbuf, cut to what a record may hold. */
static void
put_var(fbVarfield_t *out, const struct mf_varfield *v)
{
	G_STATIC_ASSERT(sizeof(*out) == sizeof(*v));
	memcpy(out, v, sizeof(*out));
	if (out->buf == NULL)
		out->len = 0;
	out->len = MIN(out->len, (size_t)VAR_MAX);
}

int
col_archive_add_dns(struct col_archive *a, const struct mf_dns_rec *r,
    uint8_t family)
{
	const struct mf_template *t =
	    family == MF_AF_INET ? &mf_tmpl_dns4 : &mf_tmpl_dns6;
	struct col_fixdns_rec d;
	uint64_t bound;

	if (family != MF_AF_INET && family != MF_AF_INET6)
		return -EINVAL;
	if (a->no_dns) {
		a->stats.dns_left_out++;
		return 0;
	}
	memset(&d, 0, sizeof(d));
	if (dns_list(a, &r->addrs, family, &d.addrs) != 0)
		return -EINVAL;
	put_var(&d.qname, &r->qname);
	put_var(&d.cname, &r->cname);
	d.time_ms = r->time_ms;
	memcpy(d.server6, r->server6, 16);
	memcpy(d.client6, r->client6, 16);
	d.server4 = r->server4, d.client4 = r->client4, d.ttl = r->ttl;
	d.sport = r->sport, d.dport = r->dport, d.id = r->id;
	d.qtype = r->qtype, d.proto = r->proto, d.rcode = r->rcode;
	d.qr = r->qr;
	bound = SET_HEADER_LEN + fixed_len(t) + 3 * VARLEN_PREFIX + 9 +
	    d.qname.len + d.cname.len + d.addrs.dataLength;
	if (append(a, TID_INT_DNS, t, &d, COL_FIXDNS_REC_LEN, bound) != 0)
		return -EIO;
	a->n_dns++;
	return 0;
}

int
col_archive_add_device(struct col_archive *a, const struct mf_device_rec *r,
    uint8_t family)
{
	const struct mf_template *t =
	    family == MF_AF_INET6 ? &mf_tmpl_device6 : &mf_tmpl_device4;
	struct mf_device_rec d = *r;
	uint64_t bound;

	if (a->no_dns) {
		a->stats.device_left_out++;
		return 0;
	}
	d.name.len = MIN(d.name.len, (size_t)VAR_MAX);
	if (d.name.buf == NULL)
		d.name.len = 0;
	bound = SET_HEADER_LEN + fixed_len(t) + VARLEN_PREFIX + d.name.len;
	if (append(a, TID_INT_DEVICE, t, &d, COL_FIXDEV_REC_LEN, bound) != 0)
		return -EIO;
	a->n_dev++;
	return 0;
}

/* --- life --------------------------------------------------------------- */

struct col_archive *
col_archive_new(const struct col_archive_config *cfg, uint64_t now_ms,
    GError **error)
{
	struct col_archive *a;

	if (cfg->dir == NULL || cfg->dir[0] == '\0')
		return NULL;
	if (cfg->compat != NULL && cfg->compat[0] != '\0' &&
	    strcmp(cfg->compat, "super_mediator") != 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[archive] compat: '%s' is not super_mediator",
		    cfg->compat);
		return NULL;
	}
	a = g_new0(struct col_archive, 1);
	a->cfg = *cfg;
	a->cfg.dir = NULL;
	a->cfg.compat = NULL;
	a->no_dns = cfg->compat != NULL && cfg->compat[0] != '\0';
	a->cfg.rotate_s = MAX(cfg->rotate_s, 1);
	a->dir = g_canonicalize_filename(cfg->dir, NULL);
	if (!mf_fsafe_check_dir(a->dir, "archive", error)) {
		g_free(a->dir);
		g_free(a);
		return NULL;
	}
	a->model = col_fbmodel_new();
	a->now_ms = now_ms;
	col_archdir_recover(a->dir, &a->stats.recovered, &a->stats.lost);
	apply_retention(a);
	return a;
}

void
col_archive_free(struct col_archive *a)
{
	if (a == NULL)
		return;
	col_archive_rotate(a);
	fbInfoModelFree(a->model);
	g_free(a->dir);
	g_free(a);
}

/*
 * Write the buffered message once its oldest record has waited
 * COL_ARCHIVE_FLUSH_MS (or the clock stepped back past it), so that a
 * crash loses little even at a home rate, where the 64 kB message would
 * take minutes to fill.
 */
static void
flush_old(struct col_archive *a)
{
	GError *err = NULL;

	if (a->fbuf == NULL || buffered(a) == 0)
		return;
	if (a->now_ms < a->first_ms + COL_ARCHIVE_FLUSH_MS &&
	    a->now_ms >= a->first_ms)
		return;
	if (!emit(a, &err)) {
		write_failed(a, err);
		g_clear_error(&err);
	}
}

void
col_archive_tick(struct col_archive *a, uint64_t now_ms)
{
	uint64_t period = a->cfg.rotate_s * 1000;

	a->now_ms = now_ms;
	/* A clock stepped back by a period counts as a period too. */
	if (a->fbuf != NULL &&
	    (now_ms >= a->opened_ms + period ||
	        now_ms + period <= a->opened_ms))
		col_archive_rotate(a);
	else if (now_ms >= a->retention_ms)
		apply_retention(a);
	flush_old(a);
}

const struct col_archive_stats *
col_archive_get_stats(const struct col_archive *a)
{
	return &a->stats;
}

void
col_archive_log_counters(const struct col_archive *archive)
{
	const struct col_archive_stats *a;

	if (archive == NULL)
		return;
	a = col_archive_get_stats(archive);
	g_message("archive: files %" G_GUINT64_FORMAT
	          ", records %" G_GUINT64_FORMAT
	          ", dns records %" G_GUINT64_FORMAT
	          ", device records %" G_GUINT64_FORMAT
	          ", bytes %" G_GUINT64_FORMAT
	          ", zero-packet records %" G_GUINT64_FORMAT
	          ", dropped %" G_GUINT64_FORMAT
	          ", write errors %" G_GUINT64_FORMAT
	          ", removed %" G_GUINT64_FORMAT
	          " by age and %" G_GUINT64_FORMAT " by size",
	    a->files, a->records, a->dns_records, a->device_records, a->bytes,
	    a->zero_packets, a->dropped, a->write_errors, a->removed_age,
	    a->removed_size);
}
