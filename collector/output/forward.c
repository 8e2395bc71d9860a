/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-forward"

#include <sys/socket.h>
#include <sys/types.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "collector/output/forward.h"
#include "collector/output/fwdqueue.h"
#include "common/addr.h"
#include "common/error.h"
#include "common/hash.h"
#include "common/log.h"
#include "common/rbuf.h"

#ifndef IPV6_HDRINCL
#define IPV6_HDRINCL 36 /* Linux >= 4.5; IPPROTO_RAW implies it anyway */
#endif

#define MSG_MAX 65535
#define IP4_HDR 20
#define IP6_HDR 40
#define UDP_HDR 8
#define HEADROOM (IP6_HDR + UDP_HDR)
#define RAW_TTL 64
#define NAME_MAX_LEN (MF_ADDR_STRLEN + 24) /* "tcp://[v6addr]:port" */
#define TCP_PREFIX "tcp://"
#define UDP_PREFIX "udp://"
#define BACKOFF_MIN_US (1000 * 1000u)
#define BACKOFF_MAX_US (60 * 1000 * 1000u)

enum tcp_state { TCP_DOWN = 0, TCP_CONNECTING, TCP_UP };

struct dest {
	char name[NAME_MAX_LEN]; /* as configured */
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd; /* UDP, or the TCP connection (-1 when down); non-blocking */
	int raw_fd; /* source = original: raw, of ss's family; else -1 */
	gboolean tcp;
	enum tcp_state state;
	uint64_t next_try_us, backoff_us; /* TCP: the next connect */
	size_t sent;                      /* TCP: of the head message */
	struct col_fwdqueue *q;           /* paced UDP and TCP, else NULL */
	struct col_pacer pacer;           /* paced UDP */
	struct col_forward_dest_stats stats;
};

/* An exporter given its own domain (domains = per-exporter). */
struct mapping {
	struct mf_addr addr;
	uint8_t proto; /* 9 or 10 */
	uint16_t port;
	uint32_t domain; /* as the exporter sends it */
	uint32_t mapped; /* as forwarded */
	uint64_t last_ms;
};

struct col_forward {
	struct dest dests[COL_FORWARD_MAX_DESTS];
	size_t n_dests;
	gboolean original, per_exporter;
	gboolean normalised; /* records = normalised: no raw datagrams */
	gboolean flows_only; /* compat = super_mediator */
	struct mapping *map; /* max_map entries, n_map used */
	size_t n_map, max_map;
	struct mf_hash_key key; /* fixed: mapped values survive restarts */
	struct col_forward_stats stats;
	struct mf_ratelimit warn;
	uint64_t generation; /* TCP connections made: templates again */
	uint8_t buf[HEADROOM + MSG_MAX]; /* raw headers + the datagram */
};

/* --- configuration -------------------------------------------------------
 */

/*
 * Split one "[udp://|tcp://]HOST:PORT" of [forward] to; host is newly
 * allocated; *tcp says which.
 */
static gboolean
parse_dest(const char *s, char **host, uint16_t *port, gboolean *tcp,
    GError **error)
{
	GError *e = NULL;
	const char *hp = s;

	*host = NULL;
	*tcp = g_str_has_prefix(s, TCP_PREFIX);
	if (*tcp)
		hp += strlen(TCP_PREFIX);
	else if (g_str_has_prefix(s, UDP_PREFIX))
		hp += strlen(UDP_PREFIX);
	if (!mf_hostport_parse(hp, 0, host, port, &e) || *port == 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[forward] to: bad destination '%s'%s%s", s,
		    e ? ": " : " ([udp://|tcp://]HOST:PORT, [IPv6]:PORT)",
		    e ? e->message : "");
		g_clear_error(&e);
		g_free(*host);
		*host = NULL;
		return FALSE;
	}
	return TRUE;
}

static gboolean
check_choice(const char *key, const char *v, const char *a, const char *b,
    GError **error)
{
	if (v != NULL && (strcmp(v, a) == 0 || strcmp(v, b) == 0))
		return TRUE;
	g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
	    "[forward] %s: bad value '%s' (%s or %s)", key, v ? v : "", a, b);
	return FALSE;
}

gboolean
col_forward_check(const struct col_forward_config *cfg, GError **error)
{
	size_t i, n = cfg->to ? g_strv_length(cfg->to) : 0;
	gboolean tcp, any_tcp = FALSE;
	uint16_t port;
	char *host;

	if (n > COL_FORWARD_MAX_DESTS) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[forward] to: at most %u destinations",
		    COL_FORWARD_MAX_DESTS);
		return FALSE;
	}
	for (i = 0; i < n; i++) {
		if (!parse_dest(cfg->to[i], &host, &port, &tcp, error))
			return FALSE;
		g_free(host);
		any_tcp |= tcp;
	}
	if (!check_choice("source", cfg->source, "collector", "original",
	        error) ||
	    !check_choice("records", cfg->records, "raw", "normalised",
	        error) ||
	    !check_choice("domains", cfg->domains, "keep", "per-exporter",
	        error))
		return FALSE;
	if (cfg->rate > 0 && strcmp(cfg->source, "original") == 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[forward] rate: pacing needs source = collector");
		return FALSE;
	}
	if (cfg->compat != NULL && cfg->compat[0] != '\0') {
		if (strcmp(cfg->compat, "super_mediator") != 0) {
			g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
			    "[forward] compat: '%s' is not super_mediator",
			    cfg->compat);
			return FALSE;
		}
		if (strcmp(cfg->records, "normalised") != 0) {
			g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
			    "[forward] compat: super_mediator needs records "
			    "= normalised (raw datagrams go as they came)");
			return FALSE;
		}
	}
	/* One TCP stream is one IPFIX session: the collector's own. */
	if (any_tcp && strcmp(cfg->records, "normalised") != 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[forward] to: a tcp:// destination takes one IPFIX "
		    "stream: it needs records = normalised");
		return FALSE;
	}
	return TRUE;
}

/* --- sockets ---------------------------------------------------------------
 */

static uint64_t
mono_us(void)
{
	return (uint64_t)g_get_monotonic_time();
}

static gboolean
resolve(const char *spec, struct dest *d, GError **error)
{
	struct addrinfo hints, *res = NULL;
	char service[8], *host;
	uint16_t port;
	int r;

	if (!parse_dest(spec, &host, &port, &d->tcp, error))
		return FALSE;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = d->tcp ? SOCK_STREAM : SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	g_snprintf(service, sizeof(service), "%u", (unsigned)port);
	r = getaddrinfo(host, service, &hints, &res);
	if (r == 0 && res->ai_addrlen <= sizeof(d->ss)) {
		memcpy(&d->ss, res->ai_addr, res->ai_addrlen);
		d->sl = res->ai_addrlen;
	} else
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[forward] to: cannot resolve '%s': %s", host,
		    r != 0 ? gai_strerror(r) : "address too long");
	g_strlcpy(d->name, spec, sizeof(d->name));
	if (res != NULL)
		freeaddrinfo(res);
	g_free(host);
	return r == 0 && d->sl > 0;
}

static int
open_raw(int family, GError **error)
{
	int one = 1, fd;

	fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_RAW);
	if (fd < 0) {
		int err = errno;

		g_set_error(error, MF_ERROR, MF_ERROR_PRIVS,
		    "[forward] source = original: raw %s socket: %s (needs "
		    "CAP_NET_RAW; or use source = collector with domains = "
		    "per-exporter)",
		    family == AF_INET ? "IPv4" : "IPv6", g_strerror(err));
		return -1;
	}
	if (family == AF_INET)
		setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one));
	else
		setsockopt(fd, IPPROTO_IPV6, IPV6_HDRINCL, &one, sizeof(one));
	return fd;
}

static gboolean
open_dest(struct dest *d, gboolean original, GError **error)
{
	int family = d->ss.ss_family;

	d->raw_fd = -1;
	if (d->tcp) {
		d->fd = -1; /* connected by col_forward_tick() */
		return TRUE;
	}
	d->fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (d->fd < 0) {
		int err = errno;

		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "[forward] to %s: socket: %s", d->name, g_strerror(err));
		return FALSE;
	}
	if (original && (d->raw_fd = open_raw(family, error)) < 0)
		return FALSE;
	return TRUE;
}

static void
log_start(const struct col_forward *f)
{
	size_t i;

	for (i = 0; i < f->n_dests; i++) {
		char addr[NI_MAXHOST];

		if (getnameinfo((const struct sockaddr *)&f->dests[i].ss,
		        f->dests[i].sl, addr, sizeof(addr), NULL, 0,
		        NI_NUMERICHOST) != 0)
			g_strlcpy(addr, "?", sizeof(addr));
		if (f->normalised)
			g_message("forward: the decoded records to %s (%s) "
			          "over %s%s",
			    f->dests[i].name, addr,
			    f->dests[i].tcp ? "TCP" : "UDP",
			    f->dests[i].pacer.rate > 0 ? ", paced" : "");
		else
			g_message("forward: every datagram to %s (%s), source "
			          "%s, domains %s%s",
			    f->dests[i].name, addr,
			    f->original ? "original" : "collector",
			    f->per_exporter ? "per-exporter" : "keep",
			    f->dests[i].pacer.rate > 0 ? ", paced" : "");
	}
	if (f->original)
		g_message("forward: datagrams from exporters of the other "
		          "address family than a destination go to it from "
		          "the collector's address");
}

struct col_forward *
col_forward_new(const struct col_forward_config *cfg, GError **error)
{
	struct col_forward *f;
	size_t i;

	if (!col_forward_check(cfg, error))
		return NULL;
	f = g_new0(struct col_forward, 1);
	f->original = strcmp(cfg->source, "original") == 0;
	f->per_exporter = strcmp(cfg->domains, "per-exporter") == 0;
	f->normalised = strcmp(cfg->records, "normalised") == 0;
	f->flows_only = cfg->compat != NULL && cfg->compat[0] != '\0';
	f->max_map =
	    (size_t)MIN(MAX(cfg->max_domains, 1), COL_FORWARD_MAX_DOMAINS);
	f->map = g_new0(struct mapping, f->max_map);
	mf_hash_key_fixed(&f->key);
	for (i = 0; cfg->to && cfg->to[i] != NULL; i++) {
		struct dest *d = &f->dests[f->n_dests];

		d->fd = d->raw_fd = -1;
		f->n_dests++;
		if (!resolve(cfg->to[i], d, error) ||
		    !open_dest(d, f->original, error)) {
			col_forward_free(f);
			return NULL;
		}
		/* TCP and paced UDP wait in a queue; pacing is UDP's. */
		if (d->tcp || cfg->rate > 0)
			d->q = col_fwdqueue_new((size_t)cfg->queue);
		if (!d->tcp)
			col_pacer_init(&d->pacer, cfg->rate, mono_us());
	}
	log_start(f);
	return f;
}

void
col_forward_free(struct col_forward *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n_dests; i++) {
		if (f->dests[i].fd >= 0)
			close(f->dests[i].fd);
		if (f->dests[i].raw_fd >= 0)
			close(f->dests[i].raw_fd);
		col_fwdqueue_free(f->dests[i].q);
	}
	g_free(f->map);
	g_free(f);
}

/* --- message headers -------------------------------------------------------
 */

/* Offset of the domain field in a header of kind, or 0 if it has none. */
static size_t
domain_offset(enum col_listen_kind kind, uint16_t *version)
{
	if (kind == COL_LISTEN_V5)
		return 0;
	*version = kind == COL_LISTEN_V9 ? 9 : 10;
	return kind == COL_LISTEN_V9 ? 16 : 12;
}

int
col_forward_get_domain(enum col_listen_kind kind, const uint8_t *msg,
    size_t len, uint32_t *domain)
{
	struct mf_rbuf rb;
	uint16_t want = 0, version;
	size_t off = domain_offset(kind, &want);
	int r;

	if (off == 0)
		return -ENOTSUP;
	mf_rbuf_init(&rb, msg, len);
	if ((r = mf_rbuf_get_u16(&rb, &version)) != 0 ||
	    (r = mf_rbuf_skip(&rb, off - 2)) != 0 ||
	    (r = mf_rbuf_get_u32(&rb, domain)) != 0)
		return -EBADMSG;
	return version == want ? 0 : -EBADMSG;
}

int
col_forward_set_domain(enum col_listen_kind kind, uint8_t *msg, size_t len,
    uint32_t domain)
{
	uint32_t old;
	uint16_t want = 0;
	size_t off = domain_offset(kind, &want);
	int r;

	if ((r = col_forward_get_domain(kind, msg, len, &old)) != 0)
		return r;
	msg[off] = (uint8_t)(domain >> 24);
	msg[off + 1] = (uint8_t)(domain >> 16);
	msg[off + 2] = (uint8_t)(domain >> 8);
	msg[off + 3] = (uint8_t)domain;
	return 0;
}

/* --- the domain table ------------------------------------------------------
 */

static struct mapping *
map_find(struct col_forward *f, const struct mapping *k)
{
	size_t i;

	for (i = 0; i < f->n_map; i++) {
		struct mapping *m = &f->map[i];

		if (m->domain == k->domain && m->port == k->port &&
		    m->proto == k->proto &&
		    mf_addr_cmp(&m->addr, &k->addr) == 0)
			return m;
	}
	return NULL;
}

static gboolean
map_value_used(const struct col_forward *f, uint32_t v)
{
	size_t i;

	for (i = 0; i < f->n_map; i++)
		if (f->map[i].mapped == v)
			return TRUE;
	return FALSE;
}

/*
 * The value for a new exporter: a fixed hash of its key, so the same
 * exporter gets the same value after a restart, in 1..COL_FORWARD_DOMAIN_MAX
 * (never 0, the usual domain, which a full table leaves in place); the
 * next free one on a collision (at most n_map < COL_FORWARD_DOMAIN_MAX
 * steps).
 */
static uint32_t
map_value(const struct col_forward *f, const struct mapping *k)
{
	uint8_t key[24];
	uint32_t v;

	memset(key, 0, sizeof(key));
	key[0] = k->addr.family;
	memcpy(key + 1, k->addr.b, sizeof(k->addr.b));
	key[17] = k->proto;
	key[18] = (uint8_t)(k->port >> 8);
	key[19] = (uint8_t)k->port;
	key[20] = (uint8_t)(k->domain >> 24);
	key[21] = (uint8_t)(k->domain >> 16);
	key[22] = (uint8_t)(k->domain >> 8);
	key[23] = (uint8_t)k->domain;
	v = (uint32_t)(mf_siphash(&f->key, key, sizeof(key)) %
	        COL_FORWARD_DOMAIN_MAX) +
	    1;
	while (map_value_used(f, v))
		v = v % COL_FORWARD_DOMAIN_MAX + 1;
	return v;
}

/* A slot for a new mapping: a free one, or the stalest idle one. */
static struct mapping *
map_slot(struct col_forward *f, uint64_t now_ms)
{
	struct mapping *old = NULL;
	size_t i;

	if (f->n_map < f->max_map)
		return &f->map[f->n_map++];
	for (i = 0; i < f->n_map; i++)
		if (now_ms - f->map[i].last_ms >= COL_FORWARD_IDLE_MS &&
		    (old == NULL || f->map[i].last_ms < old->last_ms))
			old = &f->map[i];
	if (old != NULL) {
		f->stats.replaced++;
		old->mapped = 0; /* not in use while the new value is chosen */
	}
	return old;
}

static void
log_mapping(const struct mapping *m)
{
	char peer[MF_ADDR_STRLEN];

	/* At most max-domains lines per COL_FORWARD_IDLE_MS: bounded. */
	g_message("forward: exporter %s port %u %s domain %u is domain %u "
	          "downstream",
	    mf_addr_format(&m->addr, peer, sizeof(peer)), (unsigned)m->port,
	    m->proto == 9 ? "NetFlow v9" : "IPFIX", m->domain, m->mapped);
}

uint32_t
col_forward_map_domain(struct col_forward *f, enum col_listen_kind kind,
    const struct mf_addr *a, uint16_t port, uint32_t domain, uint64_t now_ms)
{
	struct mapping k, *m;

	if (!f->per_exporter || kind == COL_LISTEN_V5)
		return domain;
	memset(&k, 0, sizeof(k));
	k.addr = *a;
	k.port = port;
	k.proto = kind == COL_LISTEN_V9 ? 9 : 10;
	k.domain = domain;
	if ((m = map_find(f, &k)) == NULL) {
		if ((m = map_slot(f, now_ms)) == NULL) {
			f->stats.map_full++;
			return domain;
		}
		k.mapped = map_value(f, &k);
		*m = k;
		f->stats.mapped++;
		log_mapping(m);
	}
	m->last_ms = now_ms;
	return m->mapped;
}

/* --- sending ---------------------------------------------------------------
 */

static uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * The UDP header before payload (udp = payload - 8), checksum over the
 * pseudo-header of the src and dst addresses (alen bytes each).
 */
static void
put_udp(uint8_t *udp, const uint8_t *src, const uint8_t *dst, size_t alen,
    uint16_t sport, uint16_t dport, size_t len)
{
	uint32_t sum = 0;
	uint8_t pseudo[4] = { 0, 0, 0, 17 };
	uint16_t c;

	put16(udp, sport);
	put16(udp + 2, dport);
	put16(udp + 4, (uint32_t)(UDP_HDR + len));
	put16(udp + 6, 0);
	sum = csum_add(sum, src, alen);
	sum = csum_add(sum, dst, alen);
	put16(pseudo, (uint32_t)((UDP_HDR + len) >> 16));
	sum = csum_add(sum, pseudo, sizeof(pseudo));
	sum += (uint32_t)(UDP_HDR + len) & 0xffff;
	sum = csum_add(sum, udp, UDP_HDR + len);
	c = csum_fold(sum);
	put16(udp + 6, c == 0 ? 0xffff : c);
}

/*
 * Headers for a datagram from a:port to d, in front of the payload that
 * sits at f->buf + HEADROOM; returns where the packet starts, or NULL if
 * it is too long for one IP packet.
 */
static uint8_t *
raw_headers(struct col_forward *f, const struct dest *d,
    const struct mf_addr *a, uint16_t port, size_t len, size_t *total)
{
	uint8_t *udp = f->buf + HEADROOM - UDP_HDR, *ip;

	if (d->ss.ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)&d->ss;
		const uint8_t *dst = (const uint8_t *)&s4->sin_addr;

		if (IP4_HDR + UDP_HDR + len > 65535)
			return NULL;
		*total = IP4_HDR + UDP_HDR + len;
		ip = udp - IP4_HDR;
		memset(ip, 0, IP4_HDR);
		ip[0] = 0x45;
		put16(ip + 2, (uint32_t)*total);
		ip[8] = RAW_TTL;
		ip[9] = 17;
		memcpy(ip + 12, a->b, 4);
		memcpy(ip + 16, dst, 4);
		put16(ip + 10, csum_fold(csum_add(0, ip, IP4_HDR)));
		put_udp(udp, a->b, dst, 4, port, ntohs(s4->sin_port), len);
	} else {
		const struct sockaddr_in6 *s6 = (const void *)&d->ss;
		const uint8_t *dst = s6->sin6_addr.s6_addr;

		if (UDP_HDR + len > 65535)
			return NULL;
		*total = IP6_HDR + UDP_HDR + len;
		ip = udp - IP6_HDR;
		memset(ip, 0, IP6_HDR);
		ip[0] = 0x60;
		put16(ip + 4, (uint32_t)(UDP_HDR + len));
		ip[6] = 17;
		ip[7] = RAW_TTL;
		memcpy(ip + 8, a->b, 16);
		memcpy(ip + 24, dst, 16);
		put_udp(udp, a->b, dst, 16, port, ntohs(s6->sin6_port), len);
	}
	return ip;
}

static void
count_error(struct col_forward *f, struct dest *d, int err)
{
	if (err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS)
		d->stats.dropped_full++;
	else
		d->stats.errors++;
	if (mf_ratelimit_ok(&f->warn, g_get_monotonic_time()))
		g_warning("forward to %s: %s (%" G_GUINT64_FORMAT
		          " dropped with a full buffer, %" G_GUINT64_FORMAT
		          " other errors so far)",
		    d->name, g_strerror(err), d->stats.dropped_full,
		    d->stats.errors);
}

/* Can this datagram go out with the exporter's address to d? */
static gboolean
as_original(const struct dest *d, const struct mf_addr *a)
{
	return d->raw_fd >= 0 &&
	    ((a->family == MF_AF_INET && d->ss.ss_family == AF_INET) ||
	        (a->family == MF_AF_INET6 && d->ss.ss_family == AF_INET6));
}

/* d's address with port 0: raw sockets take none (or check it). */
static const struct sockaddr *
raw_addr(const struct dest *d, struct sockaddr_storage *ss)
{
	memcpy(ss, &d->ss, d->sl);
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = 0;
	else
		((struct sockaddr_in6 *)ss)->sin6_port = 0;
	return (const struct sockaddr *)ss;
}

static void
send_dest(struct col_forward *f, struct dest *d, const struct mf_addr *a,
    uint16_t port, const uint8_t *msg, size_t len)
{
	struct sockaddr_storage raw_ss;
	const uint8_t *pkt;
	size_t total;
	ssize_t n;

	if (as_original(d, a)) {
		/* msg is at f->buf + HEADROOM (col_forward_message). */
		if ((pkt = raw_headers(f, d, a, port, len, &total)) == NULL) {
			count_error(f, d, EMSGSIZE);
			return;
		}
		n = sendto(d->raw_fd, pkt, total, 0, raw_addr(d, &raw_ss),
		    d->sl);
	} else {
		if (d->raw_fd >= 0)
			d->stats.not_original++;
		n = sendto(d->fd, msg, len, 0, (const struct sockaddr *)&d->ss,
		    d->sl);
	}
	if (n < 0) {
		count_error(f, d, errno);
		return;
	}
	d->stats.datagrams++;
	d->stats.bytes += len;
}

/* --- queues: paced UDP and TCP -------------------------------------------
 */

static void
tcp_down(struct col_forward *f, struct dest *d, int err, uint64_t now_us)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	if (d->state == TCP_UP)
		d->stats.disconnects++;
	d->state = TCP_DOWN;
	d->sent = 0;
	d->stats.unconnected += col_fwdqueue_clear(d->q);
	d->backoff_us = d->backoff_us == 0
	    ? BACKOFF_MIN_US
	    : MIN(d->backoff_us * 2, BACKOFF_MAX_US);
	d->next_try_us = now_us + d->backoff_us;
	if (mf_ratelimit_ok(&f->warn, (int64_t)now_us))
		g_warning(
		    "forward to %s: %s; trying again in %" G_GUINT64_FORMAT
		    " s (%" G_GUINT64_FORMAT " messages dropped "
		    "unconnected so far)",
		    d->name, g_strerror(err), d->backoff_us / 1000000,
		    d->stats.unconnected);
}

static void
tcp_connect(struct col_forward *f, struct dest *d, uint64_t now_us)
{
	d->fd = socket(d->ss.ss_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (d->fd < 0) {
		tcp_down(f, d, errno, now_us);
		return;
	}
	if (connect(d->fd, (const struct sockaddr *)&d->ss, d->sl) == 0 ||
	    errno == EINPROGRESS)
		d->state = TCP_CONNECTING;
	else
		tcp_down(f, d, errno, now_us);
}

/* A connection in progress: made, failed, or not yet. */
static void
tcp_check(struct col_forward *f, struct dest *d, uint64_t now_us)
{
	struct pollfd p = { d->fd, POLLOUT, 0 };
	socklen_t sl = sizeof(int);
	int err = 0;

	if (poll(&p, 1, 0) <= 0)
		return;
	if (getsockopt(d->fd, SOL_SOCKET, SO_ERROR, &err, &sl) != 0)
		err = errno;
	if (err != 0) {
		tcp_down(f, d, err, now_us);
		return;
	}
	/* A new IPFIX session: what was queued assumed the old one's
	 * templates; the next message carries them (fwdnorm). */
	d->stats.unconnected += col_fwdqueue_clear(d->q);
	d->state = TCP_UP;
	d->backoff_us = 0;
	d->stats.connects++;
	f->generation++;
	g_message("forward: connected to %s", d->name);
}

/* Send from d's queue what the connection or the pacing takes now. */
static void
drain(struct col_forward *f, struct dest *d, uint64_t now_us)
{
	const uint8_t *m;
	size_t len;
	ssize_t n;

	while ((m = col_fwdqueue_peek(d->q, &len)) != NULL) {
		if (d->tcp) {
			if (d->state != TCP_UP)
				return;
			n = send(d->fd, m + d->sent, len - d->sent,
			    MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return;
			if (n <= 0) {
				tcp_down(f, d, n < 0 ? errno : EPIPE, now_us);
				return;
			}
			if ((d->sent += (size_t)n) < len)
				continue;
			d->sent = 0;
		} else {
			if (!col_pacer_take(&d->pacer, now_us))
				return;
			n = sendto(d->fd, m, len, 0,
			    (const struct sockaddr *)&d->ss, d->sl);
			if (n < 0 &&
			    (errno == EAGAIN || errno == EWOULDBLOCK ||
			        errno == ENOBUFS))
				return; /* the socket's buffer: later */
			if (n < 0) {
				count_error(f, d, errno);
				col_fwdqueue_pop(d->q);
				continue;
			}
		}
		d->stats.datagrams++;
		d->stats.bytes += len;
		col_fwdqueue_pop(d->q);
	}
}

static void
enqueue(struct col_forward *f, struct dest *d, const uint8_t *msg, size_t len)
{
	int dropped;

	/* A TCP stream cannot lose the message it is half way through:
	 * there a full queue refuses the new one instead. */
	if (d->tcp && !col_fwdqueue_fits(d->q, len)) {
		d->stats.queue_dropped++;
		drain(f, d, mono_us());
		return;
	}
	if ((dropped = col_fwdqueue_push(d->q, msg, len)) < 0) {
		count_error(f, d, EMSGSIZE);
		return;
	}
	d->stats.queue_dropped += (uint64_t)dropped;
	drain(f, d, mono_us());
}

void
col_forward_tick(struct col_forward *f, uint64_t now_us)
{
	size_t i;

	for (i = 0; f != NULL && i < f->n_dests; i++) {
		struct dest *d = &f->dests[i];

		if (d->tcp && d->state == TCP_DOWN && now_us >= d->next_try_us)
			tcp_connect(f, d, now_us);
		if (d->tcp && d->state == TCP_CONNECTING)
			tcp_check(f, d, now_us);
		if (d->q != NULL)
			drain(f, d, now_us);
	}
}

int
col_forward_wait_ms(struct col_forward *f, uint64_t now_us, int max_ms)
{
	uint64_t w = (uint64_t)max_ms * 1000;
	size_t i;

	for (i = 0; f != NULL && i < f->n_dests; i++) {
		struct dest *d = &f->dests[i];

		if (d->tcp && d->state == TCP_DOWN)
			w = MIN(w,
			    d->next_try_us > now_us ? d->next_try_us - now_us
			                            : 0);
		else if (d->tcp && d->state == TCP_CONNECTING)
			w = MIN(w, 10000);
		else if (d->q != NULL && col_fwdqueue_count(d->q) > 0)
			w = MIN(w,
			    d->tcp ? 10000
			           : col_pacer_wait_us(&d->pacer, now_us));
	}
	return (int)((w + 999) / 1000);
}

void
col_forward_drain(struct col_forward *f, int max_ms)
{
	uint64_t end = mono_us() + (uint64_t)max_ms * 1000;
	size_t i;

	for (;;) {
		uint64_t now = mono_us();
		size_t waiting = 0;

		for (i = 0; f != NULL && i < f->n_dests; i++)
			if (f->dests[i].q != NULL &&
			    (!f->dests[i].tcp || f->dests[i].state == TCP_UP))
				waiting += col_fwdqueue_count(f->dests[i].q);
		if (waiting == 0 || now >= end)
			break;
		col_forward_tick(f, now);
		g_usleep(1000);
	}
	for (i = 0; f != NULL && i < f->n_dests; i++)
		if (f->dests[i].q != NULL)
			f->dests[i].stats.queue_dropped +=
			    col_fwdqueue_clear(f->dests[i].q);
}

uint64_t
col_forward_generation(const struct col_forward *f)
{
	return f != NULL ? f->generation : 0;
}

/* Put the datagram in f->buf when it has to change or get headers. */
static const uint8_t *
prepare(struct col_forward *f, enum col_listen_kind kind,
    const struct mf_addr *a, uint16_t port, const uint8_t *msg, size_t len)
{
	uint8_t *copy = f->buf + HEADROOM;
	gboolean rewrite = f->per_exporter && kind != COL_LISTEN_V5;
	uint32_t domain, mapped;

	if (!f->original && !rewrite)
		return msg;
	memcpy(copy, msg, len);
	if (!rewrite)
		return copy;
	if (col_forward_get_domain(kind, copy, len, &domain) != 0) {
		f->stats.unrewritten++;
		return copy;
	}
	mapped = col_forward_map_domain(f, kind, a, port, domain,
	    (uint64_t)g_get_monotonic_time() / 1000);
	col_forward_set_domain(kind, copy, len, mapped);
	return copy;
}

void
col_forward_message(struct col_forward *f, enum col_listen_kind kind,
    const struct mf_addr *a, uint16_t port, const uint8_t *msg, size_t len)
{
	const uint8_t *out;
	size_t i;

	if (f == NULL || f->n_dests == 0 || len > MSG_MAX || f->normalised)
		return;
	out = prepare(f, kind, a, port, msg, len);
	for (i = 0; i < f->n_dests; i++) {
		if (f->dests[i].q != NULL)
			enqueue(f, &f->dests[i], out, len);
		else
			send_dest(f, &f->dests[i], a, port, out, len);
	}
}

gboolean
col_forward_is_normalised(const struct col_forward *f)
{
	return f != NULL && f->normalised && f->n_dests > 0;
}

gboolean
col_forward_flows_only(const struct col_forward *f)
{
	return f != NULL && f->flows_only;
}

void
col_forward_send(struct col_forward *f, const uint8_t *msg, size_t len)
{
	size_t i;

	for (i = 0; f != NULL && i < f->n_dests; i++) {
		struct dest *d = &f->dests[i];

		if (d->q != NULL) {
			enqueue(f, d, msg, len);
			continue;
		}
		if (sendto(d->fd, msg, len, 0, (const struct sockaddr *)&d->ss,
		        d->sl) < 0) {
			count_error(f, d, errno);
			continue;
		}
		d->stats.datagrams++;
		d->stats.bytes += len;
	}
}

/* --- counters --------------------------------------------------------------
 */

size_t
col_forward_n_dests(const struct col_forward *f)
{
	return f != NULL ? f->n_dests : 0;
}

const char *
col_forward_dest_name(const struct col_forward *f, size_t i)
{
	return f->dests[i].name;
}

const struct col_forward_dest_stats *
col_forward_get_dest_stats(const struct col_forward *f, size_t i)
{
	return &f->dests[i].stats;
}

const struct col_forward_stats *
col_forward_get_stats(const struct col_forward *f)
{
	return &f->stats;
}

void
col_forward_log_counters(const struct col_forward *f)
{
	size_t i;

	for (i = 0; i < col_forward_n_dests(f); i++) {
		const struct col_forward_dest_stats *s = &f->dests[i].stats;

		g_message("forward to %s: datagrams %" G_GUINT64_FORMAT
		          ", bytes %" G_GUINT64_FORMAT
		          ", dropped (buffer full) %" G_GUINT64_FORMAT
		          ", errors %" G_GUINT64_FORMAT
		          ", from the collector's address %" G_GUINT64_FORMAT
		          ", dropped from the queue %" G_GUINT64_FORMAT
		          ", dropped unconnected %" G_GUINT64_FORMAT
		          ", connects %" G_GUINT64_FORMAT
		          ", disconnects %" G_GUINT64_FORMAT,
		    f->dests[i].name, s->datagrams, s->bytes, s->dropped_full,
		    s->errors, s->not_original, s->queue_dropped,
		    s->unconnected, s->connects, s->disconnects);
	}
	if (col_forward_n_dests(f) > 0 && f->per_exporter)
		g_message("forward domains: exporters mapped %" G_GUINT64_FORMAT
		          " (%" G_GUINT64_FORMAT " in place of idle ones)"
		          ", datagrams unmapped (table full) %" G_GUINT64_FORMAT
		          ", unreadable headers %" G_GUINT64_FORMAT,
		    f->stats.mapped, f->stats.replaced, f->stats.map_full,
		    f->stats.unrewritten);
}
