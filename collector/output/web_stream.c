/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-web"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "collector/model/classify.h"
#include "collector/model/devices.h"
#include "collector/model/flow.h"
#include "collector/output/web_stream.h"
#include "common/addr.h"

#define READ_BATCH 256 /* events taken out of a queue at once */

const char *const col_web_kind_names[COL_WEB_N_KINDS] = { "web", "dns", "mail",
	"remote", "file", "streaming", "internal", "other", "anomalous" };

struct port_kind {
	uint16_t port;
	uint8_t kind;
};

/* Service ports and their kinds (minflow-web(7) has the same table). */
static const struct port_kind port_kinds[] = {
	{ 20, COL_WEB_KIND_FILE },
	{ 21, COL_WEB_KIND_FILE },
	{ 22, COL_WEB_KIND_REMOTE },
	{ 23, COL_WEB_KIND_REMOTE },
	{ 25, COL_WEB_KIND_MAIL },
	{ 53, COL_WEB_KIND_DNS },
	{ 80, COL_WEB_KIND_WEB },
	{ 110, COL_WEB_KIND_MAIL },
	{ 139, COL_WEB_KIND_FILE },
	{ 143, COL_WEB_KIND_MAIL },
	{ 443, COL_WEB_KIND_WEB },
	{ 445, COL_WEB_KIND_FILE },
	{ 465, COL_WEB_KIND_MAIL },
	{ 554, COL_WEB_KIND_STREAMING },
	{ 587, COL_WEB_KIND_MAIL },
	{ 853, COL_WEB_KIND_DNS },
	{ 873, COL_WEB_KIND_FILE },
	{ 993, COL_WEB_KIND_MAIL },
	{ 995, COL_WEB_KIND_MAIL },
	{ 1755, COL_WEB_KIND_STREAMING },
	{ 1935, COL_WEB_KIND_STREAMING },
	{ 2049, COL_WEB_KIND_FILE },
	{ 3389, COL_WEB_KIND_REMOTE },
	{ 5004, COL_WEB_KIND_STREAMING },
	{ 5005, COL_WEB_KIND_STREAMING },
	{ 5353, COL_WEB_KIND_DNS },
	{ 5900, COL_WEB_KIND_REMOTE },
	{ 8080, COL_WEB_KIND_WEB },
	{ 8443, COL_WEB_KIND_WEB },
	{ 8554, COL_WEB_KIND_STREAMING },
};

#define RTP_LOW 16384
#define RTP_HIGH 32767

static int
port_kind(uint8_t proto, uint16_t port)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(port_kinds); i++)
		if (port_kinds[i].port == port)
			return port_kinds[i].kind;
	if (proto == 17 && port >= RTP_LOW && port <= RTP_HIGH)
		return COL_WEB_KIND_STREAMING;
	return -1;
}

enum col_web_kind
col_web_kind_of(uint8_t proto, uint16_t sport, uint16_t dport,
    gboolean internal, gboolean anomalous)
{
	int k;

	if (anomalous)
		return COL_WEB_KIND_ANOMALOUS;
	if (internal)
		return COL_WEB_KIND_INTERNAL;
	if (proto != 6 && proto != 17 && proto != 132)
		return COL_WEB_KIND_OTHER;
	if ((k = port_kind(proto, dport)) >= 0 ||
	    (k = port_kind(proto, sport)) >= 0)
		return (enum col_web_kind)k;
	return COL_WEB_KIND_OTHER;
}

static void
format_mac(const uint8_t m[6], char *buf, size_t size)
{
	g_snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
	    m[3], m[4], m[5]);
}

static gboolean
mac_known(const uint8_t m[6])
{
	static const uint8_t zero[6];

	return memcmp(m, zero, sizeof(zero)) != 0;
}

void
col_web_event_set(struct col_web_event *ev, const struct col_flow *f,
    enum col_class cls, gboolean src_internal, gboolean dst_internal,
    gboolean anomalous, const struct col_device *dev)
{
	const uint8_t *mac = src_internal ? f->src_mac : f->dst_mac;
	const struct mf_addr *a = src_internal ? &f->src : &f->dst;

	ev->t_ms = f->end_ms;
	ev->src = f->src;
	ev->dst = f->dst;
	ev->bytes = f->octets + f->rev_octets;
	ev->packets = f->packets + f->rev_packets;
	ev->sport = f->sport;
	ev->dport = f->dport;
	ev->proto = f->proto;
	ev->cls = (uint8_t)cls;
	ev->kind = (uint8_t)col_web_kind_of(f->proto, f->sport, f->dport,
	    src_internal && dst_internal, anomalous);
	ev->device[0] = ev->device_name[0] = ev->country[0] = '\0';
	if ((src_internal || dst_internal) && dev != NULL) {
		g_strlcpy(ev->device, dev->id, sizeof(ev->device));
		g_strlcpy(ev->device_name, dev->name, sizeof(ev->device_name));
	} else if (src_internal || dst_internal) {
		if (f->has_mac && mac_known(mac))
			format_mac(mac, ev->device, sizeof(ev->device));
		else
			mf_addr_format(a, ev->device, sizeof(ev->device));
	}
	g_strlcpy(ev->name, f->label, sizeof(ev->name));
	g_strlcpy(ev->process, f->process, sizeof(ev->process));
}

/* s as a JSON string, valid UTF-8, control characters escaped. */
static void
append_str(GString *out, const char *s)
{
	g_autofree char *valid = NULL;
	const unsigned char *p;

	if (s == NULL || s[0] == '\0') {
		g_string_append(out, "null");
		return;
	}
	valid = g_utf8_make_valid(s, -1);
	g_string_append_c(out, '"');
	for (p = (const unsigned char *)valid; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_printf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f || *p == '<' || *p == '>' ||
		    *p == '&')
			g_string_append_printf(out, "\\u%04x", *p);
		else
			g_string_append_c(out, (char)*p);
	}
	g_string_append_c(out, '"');
}

static void
append_time(GString *out, uint64_t ms)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;
	char buf[32];

	if (gmtime_r(&s, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		g_strlcpy(buf, "1970-01-01T00:00:00", sizeof(buf));
	g_string_append_printf(out, "\"%s.%03uZ\"", buf, (unsigned)(ms % 1000));
}

void
col_web_event_format(const struct col_web_event *ev, GString *out)
{
	char src[MF_ADDR_STRLEN], dst[MF_ADDR_STRLEN];

	g_string_append(out, "{\"t\": ");
	append_time(out, ev->t_ms);
	g_string_append(out, ", \"device\": ");
	append_str(out, ev->device);
	g_string_append(out, ", \"device_name\": ");
	append_str(out, ev->device_name);
	g_string_append_printf(out,
	    ", \"src\": \"%s\", \"dst\": \"%s\", "
	    "\"sport\": %u, \"dport\": %u, \"proto\": %u, \"name\": ",
	    mf_addr_format(&ev->src, src, sizeof(src)),
	    mf_addr_format(&ev->dst, dst, sizeof(dst)), ev->sport, ev->dport,
	    ev->proto);
	append_str(out, ev->name);
	g_string_append_printf(out,
	    ", \"bytes\": %" G_GUINT64_FORMAT
	    ", \"packets\": %" G_GUINT64_FORMAT
	    ", \"class\": \"%s\", \"kind\": \"%s\", \"process\": ",
	    ev->bytes, ev->packets,
	    col_class_names[MIN(ev->cls, COL_N_CLASSES - 1)],
	    col_web_kind_names[MIN(ev->kind, COL_WEB_N_KINDS - 1)]);
	append_str(out, ev->process);
	g_string_append(out, ", \"country\": ");
	append_str(out, ev->country);
	g_string_append_c(out, '}');
}

/* --- the hub ------------------------------------------------------------ */

struct col_web_client {
	struct col_web_event *ring; /* queue_len events */
	size_t head, len;
	uint64_t dropped;            /* since the last drops event */
	struct col_web_event *batch; /* READ_BATCH events, the reader's */
};

struct col_web_hub {
	GMutex lock;
	GCond cond;
	size_t max_clients, queue_len;
	struct col_web_client **clients;
	size_t n_clients;
	gint active; /* n_clients, for the lock-free hint */
	gboolean stop;
	struct col_web_hub_stats stats;
};

struct col_web_hub *
col_web_hub_new(size_t max_clients, size_t queue_len)
{
	struct col_web_hub *h = g_new0(struct col_web_hub, 1);

	g_mutex_init(&h->lock);
	g_cond_init(&h->cond);
	h->max_clients = MAX(max_clients, 1);
	h->queue_len = MAX(queue_len, 1);
	h->clients = g_new0(struct col_web_client *, h->max_clients);
	return h;
}

void
col_web_hub_free(struct col_web_hub *h)
{
	if (h == NULL)
		return;
	g_assert(h->n_clients == 0);
	g_free(h->clients);
	g_cond_clear(&h->cond);
	g_mutex_clear(&h->lock);
	g_free(h);
}

struct col_web_client *
col_web_hub_join(struct col_web_hub *h)
{
	struct col_web_client *c = NULL;

	g_mutex_lock(&h->lock);
	if (h->n_clients < h->max_clients && !h->stop) {
		c = g_new0(struct col_web_client, 1);
		c->ring = g_new(struct col_web_event, h->queue_len);
		c->batch = g_new(struct col_web_event, READ_BATCH);
		h->clients[h->n_clients++] = c;
		h->stats.joined++;
		g_atomic_int_set(&h->active, (gint)h->n_clients);
	} else {
		h->stats.refused++;
	}
	g_mutex_unlock(&h->lock);
	return c;
}

void
col_web_hub_leave(struct col_web_hub *h, struct col_web_client *c)
{
	size_t i;

	if (c == NULL)
		return;
	g_mutex_lock(&h->lock);
	for (i = 0; i < h->n_clients; i++)
		if (h->clients[i] == c) {
			h->clients[i] = h->clients[--h->n_clients];
			break;
		}
	g_atomic_int_set(&h->active, (gint)h->n_clients);
	g_mutex_unlock(&h->lock);
	g_free(c->ring);
	g_free(c->batch);
	g_free(c);
}

gboolean
col_web_hub_active(struct col_web_hub *h)
{
	return g_atomic_int_get(&h->active) > 0;
}

void
col_web_hub_push(struct col_web_hub *h, const struct col_web_event *ev)
{
	gboolean wake = FALSE;
	size_t i;

	g_mutex_lock(&h->lock);
	h->stats.events++;
	for (i = 0; i < h->n_clients; i++) {
		struct col_web_client *c = h->clients[i];

		if (c->len == h->queue_len) {
			c->head = (c->head + 1) % h->queue_len;
			c->len--;
			c->dropped++;
			h->stats.dropped++;
		}
		c->ring[(c->head + c->len) % h->queue_len] = *ev;
		wake |= c->len++ == 0;
	}
	g_mutex_unlock(&h->lock);
	/* Only a reader that found its queue empty may be waiting. */
	if (wake)
		g_cond_broadcast(&h->cond);
}

/* Under the lock: up to READ_BATCH events of c into its batch. */
static size_t
take_batch(struct col_web_hub *h, struct col_web_client *c)
{
	size_t n = MIN(c->len, READ_BATCH), i;

	for (i = 0; i < n; i++)
		c->batch[i] = c->ring[(c->head + i) % h->queue_len];
	c->head = (c->head + n) % h->queue_len;
	c->len -= n;
	h->stats.sent += n;
	return n;
}

enum col_web_read
col_web_hub_read(struct col_web_hub *h, struct col_web_client *c,
    int64_t wait_us, GString *out)
{
	int64_t end = g_get_monotonic_time() + wait_us;
	uint64_t dropped;
	size_t n, i;

	g_mutex_lock(&h->lock);
	while (c->len == 0 && c->dropped == 0 && !h->stop)
		if (!g_cond_wait_until(&h->cond, &h->lock, end))
			break;
	if (h->stop) {
		g_mutex_unlock(&h->lock);
		return COL_WEB_READ_STOPPED;
	}
	dropped = c->dropped;
	c->dropped = 0;
	n = take_batch(h, c);
	g_mutex_unlock(&h->lock);
	if (dropped == 0 && n == 0)
		return COL_WEB_READ_TIMEOUT;
	if (dropped != 0)
		g_string_append_printf(out,
		    "event: drops\ndata: {\"dropped\": %" G_GUINT64_FORMAT
		    "}\n\n",
		    dropped);
	for (i = 0; i < n; i++) {
		g_string_append(out, "event: flow\ndata: ");
		col_web_event_format(&c->batch[i], out);
		g_string_append(out, "\n\n");
	}
	return COL_WEB_READ_EVENTS;
}

void
col_web_hub_stop(struct col_web_hub *h)
{
	g_mutex_lock(&h->lock);
	h->stop = TRUE;
	g_mutex_unlock(&h->lock);
	g_cond_broadcast(&h->cond);
}

void
col_web_hub_get_stats(struct col_web_hub *h, struct col_web_hub_stats *out)
{
	g_mutex_lock(&h->lock);
	*out = h->stats;
	out->clients = h->n_clients;
	g_mutex_unlock(&h->lock);
}
