/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-capture"

#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <net/if.h>
#include <poll.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <pcap/pcap.h>

#include "common/error.h"
#include "exporter/capture.h"
#include "exporter/decode.h"
#include "exporter/pcapfile.h"

struct source {
	struct exp_capture *cap;
	char *name;                /* interface or file */
	pcap_t *p;                 /* NULL while a live interface is down */
	struct exp_pcapfile *fast; /* a file read without libpcap's stdio */
	struct bpf_program prog;   /* the filter, for fast (bf_insns or NULL) */
	int dlt;
	uint32_t ifindex;
	uint64_t retry_ms;
	uint64_t drops_before; /* drops of earlier openings */
	uint64_t drops_now;
	exp_capture_fn fn; /* set for the duration of a dispatch */
	void *ctx;
};

struct exp_capture {
	struct exp_capture_config cfg; /* strings not owned */
	gboolean file;
	struct source *src;
	size_t n_src;
	char errbuf[PCAP_ERRBUF_SIZE + 64];
	struct exp_capture_stats stats;
};

static uint64_t
mono_ms(void)
{
	return (uint64_t)g_get_monotonic_time() / 1000;
}

static void
free_filter(struct source *s)
{
	if (s->prog.bf_insns != NULL)
		pcap_freecode(&s->prog);
	s->prog.bf_insns = NULL;
	s->prog.bf_len = 0;
}

static gboolean
set_filter_and_check(struct source *s, const char *filter, GError **error)
{
	struct bpf_program *prog = &s->prog;

	s->dlt = pcap_datalink(s->p);
	if (!exp_decode_supports(s->dlt)) {
		const char *n = pcap_datalink_val_to_name(s->dlt);

		g_set_error(error, MF_ERROR, MF_ERROR_LINKTYPE,
		    "%s: link type %s (%d) is not supported", s->name,
		    n ? n : "unknown", s->dlt);
		return FALSE;
	}
	if (filter == NULL)
		return TRUE;
	if (pcap_compile(s->p, prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0 ||
	    pcap_setfilter(s->p, prog) < 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_CAPTURE,
		    "%s: filter '%s': %s", s->name, filter, pcap_geterr(s->p));
		free_filter(s);
		return FALSE;
	}
	if (!s->cap->file)
		free_filter(s); /* a file's is kept for the fast reader */
	return TRUE;
}

static gboolean
open_live(struct exp_capture *c, struct source *s, GError **error)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	int r;

	if ((s->p = pcap_create(s->name, eb)) == NULL) {
		g_set_error(error, MF_ERROR, MF_ERROR_CAPTURE, "%s: %s",
		    s->name, eb);
		return FALSE;
	}
	pcap_set_snaplen(s->p, c->cfg.snaplen);
	pcap_set_promisc(s->p, 1);
	pcap_set_timeout(s->p, 100);
	if (c->cfg.immediate)
		pcap_set_immediate_mode(s->p, 1);
	pcap_set_buffer_size(s->p, c->cfg.buffer_kib * 1024);
	if ((r = pcap_activate(s->p)) < 0 ||
	    pcap_setnonblock(s->p, 1, eb) < 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_CAPTURE, "%s: %s",
		    s->name, r < 0 ? pcap_geterr(s->p) : eb);
		goto fail;
	}
	if (!set_filter_and_check(s, c->cfg.filter, error))
		goto fail;
	s->ifindex = if_nametoindex(s->name);
	return TRUE;
fail:
	pcap_close(s->p);
	s->p = NULL;
	return FALSE;
}

/*
 * A classic pcap file on disk is read by exporter/pcapfile.c from the
 * descriptor libpcap opened: the same packets for about a tenth of
 * libpcap's instructions a packet (bench/README.md).  Standard input
 * stays with libpcap, whose stdio buffer already holds its start.
 */
static void
open_fast(struct source *s)
{
	struct exp_pcapfile_params fp;
	FILE *f = pcap_file(s->p);

	if (strcmp(s->name, "-") == 0 || f == NULL)
		return;
	if (exp_pcapfile_probe(fileno(f), s->dlt, pcap_snapshot(s->p), &fp))
		s->fast = exp_pcapfile_new(fileno(f), &fp);
}

static gboolean
open_file(struct exp_capture *c, struct source *s, GError **error)
{
	char eb[PCAP_ERRBUF_SIZE] = "";

	s->p = pcap_open_offline_with_tstamp_precision(s->name,
	    PCAP_TSTAMP_PRECISION_MICRO, eb);
	if (s->p == NULL) {
		g_set_error(error, MF_ERROR, MF_ERROR_CAPTURE, "%s: %s",
		    s->name, eb);
		return FALSE;
	}
	if (!set_filter_and_check(s, c->cfg.filter, error)) {
		pcap_close(s->p);
		s->p = NULL;
		return FALSE;
	}
	open_fast(s);
	return TRUE;
}

struct exp_capture *
exp_capture_open(const struct exp_capture_config *cfg, GError **error)
{
	struct exp_capture *c = g_new0(struct exp_capture, 1);
	size_t i;

	c->cfg = *cfg;
	c->file = cfg->read_file != NULL;
	c->n_src = 1;
	if (!c->file)
		for (c->n_src = 0; cfg->interfaces[c->n_src] != NULL;)
			c->n_src++;
	if (c->n_src > EXP_CAPTURE_MAX_IFACES) {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
		    "%zu interfaces: at most %u", c->n_src,
		    EXP_CAPTURE_MAX_IFACES);
		g_free(c);
		return NULL;
	}
	c->src = g_new0(struct source, c->n_src);
	for (i = 0; i < c->n_src; i++) {
		struct source *s = &c->src[i];

		s->cap = c;
		s->name =
		    g_strdup(c->file ? cfg->read_file : cfg->interfaces[i]);
		if (!(c->file ? open_file(c, s, error)
		              : open_live(c, s, error))) {
			exp_capture_free(c);
			return NULL;
		}
	}
	return c;
}

void
exp_capture_free(struct exp_capture *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n_src; i++) {
		exp_pcapfile_free(c->src[i].fast);
		free_filter(&c->src[i]);
		if (c->src[i].p != NULL)
			pcap_close(c->src[i].p);
		g_free(c->src[i].name);
	}
	g_free(c->src);
	g_free(c);
}

gboolean
exp_capture_is_file(const struct exp_capture *c)
{
	return c->file;
}

const char *
exp_capture_error(const struct exp_capture *c)
{
	return c->errbuf;
}

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct source *s = (struct source *)(void *)user;

	s->cap->stats.packets++;
	s->fn(s->ctx, h, bytes, s->dlt, s->ifindex);
}

static void
read_drops(struct source *s)
{
	struct pcap_stat ps;

	if (s->p != NULL && !s->cap->file && pcap_stats(s->p, &ps) == 0)
		s->drops_now = (uint64_t)ps.ps_drop + ps.ps_ifdrop;
}

/* A live interface failed: close it and try again later. */
static void
source_down(struct source *s, uint64_t now)
{
	g_warning("%s: capture failed: %s (reopening every %u s)", s->name,
	    pcap_geterr(s->p), EXP_CAPTURE_RETRY_MS / 1000);
	read_drops(s);
	s->drops_before += s->drops_now;
	s->drops_now = 0;
	pcap_close(s->p);
	s->p = NULL;
	s->retry_ms = now + EXP_CAPTURE_RETRY_MS;
}

static void
retry_down(struct exp_capture *c, uint64_t now)
{
	GError *err = NULL;
	size_t i;

	for (i = 0; i < c->n_src; i++) {
		struct source *s = &c->src[i];

		if (s->p != NULL || now < s->retry_ms)
			continue;
		if (open_live(c, s, &err)) {
			c->stats.reopens++;
			g_message("%s: capture reopened", s->name);
		} else {
			g_debug("%s", err->message);
			g_clear_error(&err);
			s->retry_ms = now + EXP_CAPTURE_RETRY_MS;
		}
	}
}

static int
dispatch_file(struct exp_capture *c, exp_capture_fn fn, void *ctx)
{
	struct source *s = &c->src[0];
	int n;

	s->fn = fn;
	s->ctx = ctx;
	if (s->fast != NULL) {
		n = exp_pcapfile_dispatch(s->fast, EXP_CAPTURE_BATCH, &s->prog,
		    on_packet, (u_char *)s);
		if (n < 0)
			g_snprintf(c->errbuf, sizeof(c->errbuf), "%s: %s",
			    s->name, exp_pcapfile_error(s->fast));
		return n;
	}
	n = pcap_dispatch(s->p, EXP_CAPTURE_BATCH, on_packet, (u_char *)s);
	if (n == PCAP_ERROR) {
		g_snprintf(c->errbuf, sizeof(c->errbuf), "%s: %s", s->name,
		    pcap_geterr(s->p));
		return -1;
	}
	return n < 0 ? 0 : n;
}

/*
 * Shorten *timeout_ms to what libpcap asks for source s (it does after an
 * interface vanished: only another call reports the error); TRUE if s
 * must be read even without a poll event.
 */
static gboolean
required_timeout(struct source *s, int *timeout_ms)
{
	const struct timeval *rt = pcap_get_required_select_timeout(s->p);
	int64_t ms;

	if (rt == NULL)
		return FALSE;
	ms = (int64_t)rt->tv_sec * 1000 + rt->tv_usec / 1000;
	if (ms < *timeout_ms)
		*timeout_ms = (int)ms;
	return TRUE;
}

static int
dispatch_live(struct exp_capture *c, int timeout_ms, exp_capture_fn fn,
    void *ctx)
{
	struct pollfd pfd[EXP_CAPTURE_MAX_IFACES];
	struct source *map[EXP_CAPTURE_MAX_IFACES];
	gboolean must[EXP_CAPTURE_MAX_IFACES];
	size_t i, n = 0;
	int total = 0, r;
	uint64_t now = mono_ms();

	retry_down(c, now);
	for (i = 0; i < c->n_src; i++) {
		if (c->src[i].p == NULL)
			continue;
		pfd[n].fd = pcap_get_selectable_fd(c->src[i].p);
		pfd[n].events = POLLIN;
		must[n] = required_timeout(&c->src[i], &timeout_ms);
		map[n++] = &c->src[i];
	}
	if (poll(pfd, n, timeout_ms) < 0)
		return 0; /* a signal: the caller looks */
	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0 && !must[i])
			continue;
		map[i]->fn = fn;
		map[i]->ctx = ctx;
		r = pcap_dispatch(map[i]->p, EXP_CAPTURE_BATCH, on_packet,
		    (u_char *)map[i]);
		if (r == PCAP_ERROR)
			source_down(map[i], now);
		else if (r > 0)
			total += r;
	}
	return total;
}

int
exp_capture_dispatch(struct exp_capture *c, int timeout_ms, exp_capture_fn fn,
    void *ctx)
{
	if (c->file)
		return dispatch_file(c, fn, ctx);
	return dispatch_live(c, timeout_ms, fn, ctx);
}

const struct exp_capture_stats *
exp_capture_get_stats(struct exp_capture *c)
{
	size_t i;
	uint64_t drops = 0;

	for (i = 0; i < c->n_src; i++) {
		read_drops(&c->src[i]);
		drops += c->src[i].drops_before + c->src[i].drops_now;
	}
	c->stats.kernel_drops = drops;
	return &c->stats;
}

static gboolean
keep_net_caps(gboolean keep_raw, GError **error)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3,
		0 };
	struct __user_cap_data_struct data[2];
	uint32_t keep =
	    (keep_raw ? 1u << CAP_NET_RAW : 0) | 1u << CAP_NET_ADMIN;

	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = keep;
	if (syscall(SYS_capset, &hdr, data) != 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_PRIVS,
		    "cannot keep CAP_NET_ADMIN: %s", g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

gboolean
exp_capture_drop_privileges(const char *user, gboolean keep_raw, GError **error)
{
	struct passwd *pw;
	gboolean root = geteuid() == 0;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		g_set_error(error, MF_ERROR, MF_ERROR_PRIVS, "user %s: %s",
		    user, errno ? g_strerror(errno) : "no such user");
		return FALSE;
	}
	if (root && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0)
		goto fail;
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0)
		goto fail;
	if (pw->pw_uid != 0 && setuid(0) == 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_PRIVS,
		    "user %s: could regain root", user);
		return FALSE;
	}
	return root ? keep_net_caps(keep_raw, error) : TRUE;
fail:
	g_set_error(error, MF_ERROR, MF_ERROR_PRIVS, "user %s: %s", user,
	    g_strerror(errno));
	return FALSE;
}
