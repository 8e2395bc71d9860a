/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-exporters"

#include <sys/types.h>
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
	size_t n, max, max_per_address, max_templates;
	uint64_t refused, replaced;
	uint64_t clock; /* counts lookups: the order exporters were seen in */
	struct mf_ratelimit warn_refused, warn_replaced;
};

struct col_exporters *
col_exporters_new(size_t max, size_t max_per_address, size_t max_templates)
{
	struct col_exporters *x = g_new0(struct col_exporters, 1);

	x->model = col_fixmodel_new();
	x->max = max;
	x->max_per_address = max_per_address;
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

/*
 * Whether e ever sent a valid record (a flow, DNS, device or options
 * record): a sender of headers or templates only has yet to prove it is
 * an exporter.
 */
static gboolean
proven(const struct col_exporter *e)
{
	const struct col_fixread_stats *s;

	if (e->records > 0)
		return TRUE;
	if (e->fix == NULL)
		return FALSE;
	s = col_fixread_get_stats(e->fix);
	return s->dns_records + s->device_records + s->option_records > 0;
}

/*
 * How much an unproven exporter has shown: 0 nothing (headers only), 1 a
 * template (a real exporter often sends its templates first).
 */
static int
shown(const struct col_exporter *e)
{
	return e->fix != NULL && col_fixread_get_stats(e->fix)->templates > 0;
}

/* Whether unproven a should give way before unproven b (NULL: none yet). */
static gboolean
weaker(const struct col_exporter *a, const struct col_exporter *b)
{
	if (b == NULL || shown(a) != shown(b))
		return b == NULL || shown(a) < shown(b);
	return a->touched < b->touched;
}

static gboolean
idle(const struct col_exporter *e, uint64_t now)
{
	return e->last_seen_ms + COL_EXPORTER_IDLE_MS <= now;
}

/*
 * The entry to give up for a new exporter from addr, among those of addr
 * if it holds max_per_address of them, else among all: one that never
 * sent a valid record (those that sent no template either first, then the
 * least recently seen), else the longest silent for COL_EXPORTER_IDLE_MS.
 * Returns x->n if there is a free slot, or -1.
 */
static ssize_t
find_room(const struct col_exporters *x, const struct mf_addr *addr,
    uint64_t now)
{
	ssize_t unproven = -1, silent = -1;
	size_t i, same = 0;
	gboolean own;
	const struct col_exporter *e;

	for (i = 0; i < x->n; i++)
		if (mf_addr_cmp(&x->e[i]->addr, addr) == 0)
			same++;
	own = same >= x->max_per_address;
	if (!own && x->n < x->max)
		return (ssize_t)x->n;
	for (i = 0; i < x->n; i++) {
		e = x->e[i];
		if (own && mf_addr_cmp(&e->addr, addr) != 0)
			continue;
		if (!proven(e) &&
		    weaker(e, unproven < 0 ? NULL : x->e[unproven]))
			unproven = (ssize_t)i;
		if (idle(e, now) &&
		    (silent < 0 ||
		        e->last_seen_ms < x->e[silent]->last_seen_ms))
			silent = (ssize_t)i;
	}
	return unproven >= 0 ? unproven : silent;
}

static const char *
proto_label(enum col_proto proto)
{
	return proto == COL_PROTO_IPFIX ? "IPFIX"
	    : proto == COL_PROTO_V9     ? "NetFlow v9"
	                                : "NetFlow v5";
}

static void
warn_refused(struct col_exporters *x, const struct mf_addr *addr, uint16_t port,
    uint32_t domain)
{
	char name[MF_ADDR_STRLEN];

	x->refused++;
	if (mf_ratelimit_ok(&x->warn_refused, g_get_monotonic_time()))
		g_warning("exporter %s port %u domain %u refused: the table "
		          "is full (%zu, %zu per address) and every exporter "
		          "in it sent records and was heard in the last %u s "
		          "(%" G_GUINT64_FORMAT " datagrams refused so far)",
		    mf_addr_format(addr, name, sizeof(name)), (unsigned)port,
		    (unsigned)domain, x->max, x->max_per_address,
		    COL_EXPORTER_IDLE_MS / 1000, x->refused);
}

/* Give up slot i (for a new exporter). */
static void
evict(struct col_exporters *x, size_t i, uint64_t now)
{
	struct col_exporter *e = x->e[i];

	x->replaced++;
	if (mf_ratelimit_ok(&x->warn_replaced, g_get_monotonic_time()))
		g_message("exporter %s port %u domain %u %s: replaced "
		          "(%" G_GUINT64_FORMAT " so far)",
		    e->name, (unsigned)e->port, (unsigned)e->domain,
		    proven(e) && idle(e, now) ? "silent" : "sent no record",
		    x->replaced);
	col_fixread_free(e->fix);
	g_free(e);
	x->e[i] = x->e[--x->n];
}

struct col_exporter *
col_exporters_get(struct col_exporters *x, const struct mf_addr *addr,
    uint16_t port, uint32_t domain, enum col_proto proto)
{
	uint64_t now = (uint64_t)g_get_monotonic_time() / 1000;
	struct col_exporter *e;
	ssize_t room;
	size_t i;

	x->clock++;
	/* A handful of exporters on a home network: a scan is fine. */
	for (i = 0; i < x->n; i++) {
		e = x->e[i];
		if (e->port == port && e->domain == domain &&
		    e->proto == proto && mf_addr_cmp(&e->addr, addr) == 0) {
			e->last_seen_ms = now;
			e->touched = x->clock;
			return e;
		}
	}
	if ((room = find_room(x, addr, now)) < 0) {
		warn_refused(x, addr, port, domain);
		return NULL;
	}
	if ((size_t)room < x->n)
		evict(x, (size_t)room, now);
	e = g_new0(struct col_exporter, 1);
	e->last_seen_ms = now;
	e->touched = x->clock;
	e->addr = *addr;
	e->port = port;
	e->domain = domain;
	e->proto = proto;
	mf_addr_format(addr, e->name, sizeof(e->name));
	if (proto != COL_PROTO_V5)
		e->fix = col_fixread_new(x->model, x->max_templates);
	x->e[x->n++] = e;
	g_message("new exporter %s port %u domain %u (%s)", e->name,
	    (unsigned)port, (unsigned)domain, proto_label(proto));
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
		l->ahead_records = e->ahead;
		l->export_delay_ms = e->delay_ms;
		if (s != NULL) {
			l->lost = e->proto == COL_PROTO_V9 ? e->v9.lost_packets
			                                   : s->lost;
			l->undecodable =
			    col_fixread_undecodable(e->fix) + e->v9.malformed;
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
