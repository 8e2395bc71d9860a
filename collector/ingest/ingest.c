/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-ingest"

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/ingest/ingest.h"
#include "collector/ingest/exporters.h"
#include "collector/ingest/fixread.h"
#include "collector/ingest/refused.h"
#include "collector/ingest/v5.h"
#include "collector/ingest/v9read.h"
#include "common/addr.h"
#include "common/log.h"
#include "common/rbuf.h"

#define MSG_MAX 65535

struct col_ingest {
	struct col_ingest_sink sink;
	struct col_exporters *exporters;
	const struct mf_prefix *allow;
	size_t n_allow;
	const char *file_name; /* offline: the exporter's name */
	struct col_ingest_stats stats;
	struct col_refused refused; /* peers refused whole, for reports */
	struct mf_ratelimit warn, warn_refused;
	uint8_t xbuf[MSG_MAX]; /* a v9 datagram translated to IPFIX */
};

/* What the readers' callbacks need: ingest and the message's exporter. */
struct flow_ctx {
	struct col_ingest *in;
	struct col_exporter *e;
};

struct col_ingest *
col_ingest_new(const struct col_ingest_config *cfg,
    const struct col_ingest_sink *sink)
{
	struct col_ingest *in = g_new0(struct col_ingest, 1);

	in->sink = *sink;
	in->exporters = col_exporters_new(cfg->max_exporters,
	    cfg->max_per_address, cfg->max_templates);
	return in;
}

void
col_ingest_free(struct col_ingest *in)
{
	if (in == NULL)
		return;
	col_exporters_free(in->exporters);
	g_free(in);
}

void
col_ingest_set_allow(struct col_ingest *in, const struct mf_prefix *allow,
    size_t n)
{
	in->allow = allow;
	in->n_allow = n;
}

void
col_ingest_set_file_name(struct col_ingest *in, const char *name)
{
	in->file_name = name;
}

struct col_exporters *
col_ingest_exporters(struct col_ingest *in)
{
	return in->exporters;
}

const struct col_refused *
col_ingest_refused(const struct col_ingest *in)
{
	return &in->refused;
}

const struct col_ingest_stats *
col_ingest_get_stats(const struct col_ingest *in)
{
	return &in->stats;
}

void
col_ingest_log_counters(const struct col_ingest *in)
{
	g_message("undecodable datagrams %" G_GUINT64_FORMAT
	          ", denied %" G_GUINT64_FORMAT
	          ", exporters refused %" G_GUINT64_FORMAT
	          ", replaced %" G_GUINT64_FORMAT,
	    in->stats.undecodable, in->stats.denied,
	    col_exporters_refused(in->exporters),
	    col_exporters_replaced(in->exporters));
}

void
col_ingest_save_templates(struct col_ingest *in, const char *path)
{
	GError *err = NULL;
	char *dir;

	if (path == NULL || path[0] == '\0')
		return;
	dir = g_path_get_dirname(path);
	g_mkdir_with_parents(dir, 0755);
	g_free(dir);
	if (!col_exporters_save_templates(in->exporters, path, &err)) {
		if (mf_ratelimit_ok(&in->warn, g_get_monotonic_time()))
			g_warning("templates: %s", err->message);
		g_error_free(err);
	}
}

void
col_ingest_load_templates(struct col_ingest *in, const char *path)
{
	GError *err = NULL;
	size_t n = 0;

	if (path == NULL || path[0] == '\0')
		return;
	if (!col_exporters_load_templates(in->exporters, path, &n, &err)) {
		g_warning("templates: %s", err->message);
		g_error_free(err);
	}
	if (n > 0)
		g_message("templates of %zu exporters restored from %s", n,
		    path);
}

static gboolean
allowed(const struct col_ingest *in, const struct mf_addr *a)
{
	size_t i;

	if (in->n_allow == 0)
		return TRUE;
	for (i = 0; i < in->n_allow; i++)
		if (mf_prefix_contains(&in->allow[i], a))
			return TRUE;
	return FALSE;
}

/*
 * A message refused whole: counted by peer for the reports; a peer newly
 * refused by the allow list is logged (rate-limited).  The exporter
 * table logs its own refusals.
 */
static void
refuse(struct col_ingest *in, const struct mf_addr *a,
    enum col_refused_reason why)
{
	int64_t now_us = g_get_monotonic_time();
	char name[MF_ADDR_STRLEN];

	if (col_refused_add(&in->refused, a, why, (uint64_t)now_us / 1000) &&
	    why == COL_REFUSED_NOT_ALLOWED &&
	    mf_ratelimit_ok(&in->warn_refused, now_us))
		g_warning("exporter %s refused: not in [networks] "
		          "allow-exporters (reports list it in "
		          "refused_exporters)",
		    mf_addr_format(a, name, sizeof(name)));
}

/* Name the exporter whose clock runs ahead (rate-limited). */
static void
warn_ahead(struct col_exporter *e, uint64_t end_ms)
{
	int64_t now_ms = g_get_real_time() / 1000;

	if (mf_ratelimit_ok(&e->warn_ahead, g_get_monotonic_time()))
		g_warning("exporter %s port %u: a record ends %" G_GINT64_FORMAT
		          " s ahead of our clock, counted at our time "
		          "(%" G_GUINT64_FORMAT " records ahead so far)",
		    e->name, (unsigned)e->port,
		    ((int64_t)end_ms - now_ms) / 1000, e->ahead);
}

/*
 * Say why records are late (rate-limited, informational: a replayed
 * capture's records are all late, and that is no fault): the exporter
 * holds its flows longer than the collector waits past an interval's end.
 */
static void
warn_late(struct col_exporter *e)
{
	if (mf_ratelimit_ok(&e->warn_late, g_get_monotonic_time()))
		g_message("exporter %s port %u: %" G_GUINT64_FORMAT
		          " records late, for intervals already reported: "
		          "its records arrive up to %" G_GUINT64_FORMAT
		          " s after their flows end, longer than the collector "
		          "waits ([reports] grace); raise grace, or lower the "
		          "exporter's idle and active timeouts",
		    e->name, (unsigned)e->port, e->late, e->delay_ms / 1000);
}

/* Every record accepted goes to the sink; the exporter counts it. */
static void
accept_flow(struct col_ingest *in, struct col_exporter *e,
    const struct col_flow *f)
{
	unsigned flags = in->sink.flow(in->sink.ctx, f);

	e->records++;
	if (in->sink.clock != NULL) {
		uint64_t now = in->sink.clock(in->sink.ctx);

		if (now > f->end_ms && now - f->end_ms > e->delay_ms)
			e->delay_ms = now - f->end_ms;
	}
	if (flags & COL_FLOW_LATE) {
		e->late++;
		warn_late(e);
	}
	if (flags & COL_FLOW_AHEAD) {
		e->ahead++;
		warn_ahead(e, f->end_ms);
	}
}

static void
on_flow(const struct col_flow *f, void *ctx)
{
	struct flow_ctx *fc = ctx;

	accept_flow(fc->in, fc->e, f);
}

/* A DNS or device record the model took at its clock: the exporter's. */
static void
count_side(struct col_exporter *e, unsigned flags, uint64_t time_ms)
{
	if (flags & COL_FLOW_AHEAD) {
		e->ahead++;
		warn_ahead(e, time_ms);
	}
}

static void
on_dns(const struct col_dns_rec *d, void *ctx)
{
	struct flow_ctx *fc = ctx;

	if (fc->in->sink.dns != NULL)
		count_side(fc->e, fc->in->sink.dns(fc->in->sink.ctx, d),
		    d->time_ms);
}

static void
on_device(const struct col_device_rec *d, void *ctx)
{
	struct flow_ctx *fc = ctx;

	if (fc->in->sink.device != NULL)
		count_side(fc->e, fc->in->sink.device(fc->in->sink.ctx, d),
		    d->time_ms);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Formatting the peer costs: only when a warning is actually logged. */
static void
bad_message(struct col_ingest *in, const char *what, const struct mf_addr *a)
{
	char peer[MF_ADDR_STRLEN];

	in->stats.undecodable++;
	if (mf_ratelimit_ok(&in->warn, g_get_monotonic_time()))
		g_warning("%s: malformed %s datagram (%" G_GUINT64_FORMAT
		          " so far)",
		    mf_addr_format(a, peer, sizeof(peer)), what,
		    in->stats.undecodable);
}

/* Log, once per rate-limit period and exporter, that it sent garbage. */
static void
warn_exporter(struct col_exporter *e, const char *what, uint64_t before,
    uint64_t after)
{
	if (after > before && mf_ratelimit_ok(&e->warn, g_get_monotonic_time()))
		g_warning("exporter %s port %u: %s (%" G_GUINT64_FORMAT
		          " so far)",
		    e->name, (unsigned)e->port, what, after);
}

static uint64_t
fix_bad(const struct col_exporter *e)
{
	return col_fixread_undecodable(e->fix) + e->v9.malformed;
}

static void
take_ipfix(struct col_ingest *in, const struct mf_addr *a, uint16_t port,
    const uint8_t *msg, size_t len)
{
	struct flow_ctx fc = { in, NULL };
	uint64_t bad;

	if (len < 16 || msg[0] != 0 || msg[1] != 10) {
		bad_message(in, "IPFIX", a);
		return;
	}
	fc.e = col_exporters_get(in->exporters, a, port, be32(msg + 12),
	    COL_PROTO_IPFIX);
	if (fc.e == NULL) {
		refuse(in, a, COL_REFUSED_TABLE_FULL);
		return;
	}
	if (a->family == 0 && in->file_name != NULL)
		g_strlcpy(fc.e->name, in->file_name, sizeof(fc.e->name));
	bad = fix_bad(fc.e);
	/* fc lives on this stack: the reader calls back only in message(). */
	col_fixread_set_dns_fn(fc.e->fix, on_dns, &fc);
	col_fixread_set_device_fn(fc.e->fix, on_device);
	col_fixread_message(fc.e->fix, msg, len, 0, on_flow, &fc);
	warn_exporter(fc.e, "undecodable IPFIX", bad, fix_bad(fc.e));
}

static void
take_v9(struct col_ingest *in, const struct mf_addr *a, uint16_t port,
    const uint8_t *msg, size_t len)
{
	struct flow_ctx fc = { in, NULL };
	uint64_t bad;
	uint32_t source_id;
	uint64_t boot_ms;
	size_t xlen;

	if (len < COL_V9_HEADER_LEN || msg[0] != 0 || msg[1] != 9) {
		bad_message(in, "NetFlow v9", a);
		return;
	}
	fc.e = col_exporters_get(in->exporters, a, port, be32(msg + 16),
	    COL_PROTO_V9);
	if (fc.e == NULL) {
		refuse(in, a, COL_REFUSED_TABLE_FULL);
		return;
	}
	bad = fix_bad(fc.e);
	if (col_v9_translate(&fc.e->v9, msg, len, in->xbuf, sizeof(in->xbuf),
	        &xlen, &source_id, &boot_ms) == 0)
		col_fixread_message(fc.e->fix, in->xbuf, xlen, boot_ms, on_flow,
		    &fc);
	warn_exporter(fc.e, "undecodable NetFlow v9", bad, fix_bad(fc.e));
}

static void
take_v5(struct col_ingest *in, const struct mf_addr *a, uint16_t port,
    const uint8_t *msg, size_t len)
{
	struct mf_rbuf rb;
	struct col_v5_header h;
	struct col_exporter *e;
	struct col_flow f;
	uint16_t i;

	mf_rbuf_init(&rb, msg, len);
	if (col_v5_read_header(&rb, &h) != 0) {
		bad_message(in, "NetFlow v5", a);
		return;
	}
	e = col_exporters_get(in->exporters, a, port,
	    (uint32_t)h.engine_type << 8 | h.engine_id, COL_PROTO_V5);
	if (e == NULL) {
		refuse(in, a, COL_REFUSED_TABLE_FULL);
		return;
	}
	if (e->v5_have_seq && h.flow_sequence != e->v5_next_seq &&
	    h.flow_sequence - e->v5_next_seq < 0x80000000u)
		e->v5_lost += h.flow_sequence - e->v5_next_seq;
	e->v5_have_seq = TRUE;
	e->v5_next_seq = h.flow_sequence + h.count;
	for (i = 0; i < h.count; i++) {
		if (col_v5_read_record(&rb, &h, &f) != 0) {
			e->v5_malformed++;
			warn_exporter(e, "malformed NetFlow v5", 0,
			    e->v5_malformed);
			break;
		}
		accept_flow(in, e, &f);
	}
}

void
col_ingest_message(struct col_ingest *in, enum col_listen_kind kind,
    const struct mf_addr *a, uint16_t port, const uint8_t *msg, size_t len)
{
	if (!allowed(in, a)) {
		in->stats.denied++;
		refuse(in, a, COL_REFUSED_NOT_ALLOWED);
		return;
	}
	if (in->sink.message != NULL)
		in->sink.message(in->sink.ctx, kind, a, port, msg, len);
	if (kind == COL_LISTEN_V9)
		take_v9(in, a, port, msg, len);
	else if (kind == COL_LISTEN_V5)
		take_v5(in, a, port, msg, len);
	else
		take_ipfix(in, a, port, msg, len);
}
