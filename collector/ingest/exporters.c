/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-exporters"

#include <string.h>

#include <glib.h>

#include "collector/ingest/exporters.h"
#include "common/daemon.h"
#include "common/error.h"
#include "common/rbuf.h"
#include "common/wbuf.h"

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

uint64_t
col_exporters_last_seen(const struct col_exporters *x, size_t i)
{
	return i < x->n ? x->e[i]->last_seen_ms : 0;
}

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

/*
 * The state file: a text line naming the format, then one entry per
 * exporter: protocol (1 byte), address family (1), address (16), port (2),
 * domain (4), message length (2), then an IPFIX message of its templates.
 */
#define STATE_MAGIC "minflow templates 1\n"
#define ENTRY_HEAD 26

static gboolean
put_entry(GByteArray *out, const struct col_exporter *e, uint8_t *msg,
    size_t cap)
{
	uint8_t head[ENTRY_HEAD];
	struct mf_wbuf wb;
	size_t len = col_fixread_save_templates(e->fix, msg, cap, e->domain);

	if (len == 0)
		return FALSE;
	mf_wbuf_init(&wb, head, sizeof(head));
	mf_wbuf_put_u8(&wb, (uint8_t)e->proto);
	mf_wbuf_put_u8(&wb, e->addr.family);
	mf_wbuf_put_bytes(&wb, e->addr.b, 16);
	mf_wbuf_put_u16(&wb, e->port);
	mf_wbuf_put_u32(&wb, e->domain);
	mf_wbuf_put_u16(&wb, (uint16_t)len);
	g_byte_array_append(out, head, sizeof(head));
	g_byte_array_append(out, msg, (guint)len);
	return TRUE;
}

gboolean
col_exporters_save_templates(struct col_exporters *x, const char *path,
    GError **error)
{
	GByteArray *out = g_byte_array_new();
	uint8_t *msg = g_malloc(65535);
	gboolean ok;
	size_t i;

	g_byte_array_append(out, (const guint8 *)STATE_MAGIC,
	    sizeof(STATE_MAGIC) - 1);
	for (i = 0; i < x->n; i++)
		if (x->e[i]->fix != NULL)
			put_entry(out, x->e[i], msg, 65535);
	ok = mf_write_atomic(path, out->data, out->len, error);
	g_free(msg);
	g_byte_array_unref(out);
	return ok;
}

static gboolean
load_entry(struct col_exporters *x, struct mf_rbuf *rb)
{
	uint8_t proto, family;
	uint16_t port, len;
	uint32_t domain;
	struct mf_addr a;
	struct mf_rbuf msg;
	struct col_exporter *e;

	memset(&a, 0, sizeof(a));
	if (mf_rbuf_get_u8(rb, &proto) != 0 ||
	    mf_rbuf_get_u8(rb, &family) != 0 ||
	    mf_rbuf_get_bytes(rb, a.b, 16) != 0 ||
	    mf_rbuf_get_u16(rb, &port) != 0 ||
	    mf_rbuf_get_u32(rb, &domain) != 0 ||
	    mf_rbuf_get_u16(rb, &len) != 0 || mf_rbuf_sub(rb, len, &msg) != 0 ||
	    proto > COL_PROTO_V9 ||
	    (family != MF_AF_INET && family != MF_AF_INET6))
		return FALSE;
	a.family = family;
	e = col_exporters_get(x, &a, port, domain, (enum col_proto)proto);
	if (e != NULL && e->fix != NULL)
		col_fixread_restore_templates(e->fix, msg.p, msg.left);
	return TRUE;
}

gboolean
col_exporters_load_templates(struct col_exporters *x, const char *path,
    size_t *n, GError **error)
{
	gchar *data = NULL;
	gsize len = 0;
	struct mf_rbuf rb;
	GError *err = NULL;

	*n = 0;
	if (!g_file_get_contents(path, &data, &len, &err)) {
		gboolean missing =
		    g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT);

		if (!missing)
			g_propagate_error(error, err);
		else
			g_error_free(err);
		return missing;
	}
	mf_rbuf_init(&rb, data, len);
	if (len < sizeof(STATE_MAGIC) - 1 ||
	    memcmp(data, STATE_MAGIC, sizeof(STATE_MAGIC) - 1) != 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "%s: not a minflow template file", path);
		g_free(data);
		return FALSE;
	}
	mf_rbuf_skip(&rb, sizeof(STATE_MAGIC) - 1);
	while (rb.left > 0 && load_entry(x, &rb))
		(*n)++;
	if (rb.left > 0)
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "%s: damaged after %zu exporters", path, *n);
	g_free(data);
	return rb.left == 0;
}
