/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-conntrack"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_compat.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <glib.h>
#include <libmnl/libmnl.h>

#include "common/error.h"
#include "common/log.h"
#include "exporter/conntrack.h"

#define RECV_BUF 65536         /* larger than any dump datagram */
#define EV_SLOTS 32            /* event datagrams per recvmmsg() */
#define EV_SLOT 2048           /* bytes each: events are a few hundred */
#define DUMP_TIMEOUT_S 10      /* a dump read that waits longer fails */
#define DUMP_MAX_READS 1000000 /* bound on one dump's datagrams */
#define DRAIN_MAX 100000       /* datagrams read around a dump */

struct exp_conntrack {
	struct exp_conntrack_config cfg;
	struct exp_ctflow *table;
	struct mnl_socket *ev;   /* events */
	struct mnl_socket *dump; /* requests */
	uint8_t *buf;            /* RECV_BUF bytes */
	uint8_t *evbuf;          /* EV_SLOTS * EV_SLOT bytes */
	uint64_t dump_ms;        /* last dump */
	uint32_t seq;
	gboolean dumped;      /* the first dump is done */
	gboolean want_resync; /* events were lost */
	struct mf_ratelimit warn;
	struct exp_conntrack_stats stats;
};

static int
read_sysctl(const char *path)
{
	char b[16];
	FILE *f = fopen(path, "r");
	int v = -1;

	if (f == NULL)
		return -1;
	if (fgets(b, sizeof(b), f) != NULL)
		v = atoi(b);
	fclose(f);
	return v;
}

static gboolean
write_sysctl(const char *path, const char *value)
{
	FILE *f = fopen(path, "w");
	gboolean ok;

	if (f == NULL)
		return FALSE;
	ok = fputs(value, f) >= 0;
	return fclose(f) == 0 && ok;
}

static gboolean
check_acct(struct exp_conntrack *c, GError **error)
{
	int v = read_sysctl(EXP_CONNTRACK_SYSCTL_ACCT);

	if (v < 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "--conntrack: cannot read %s (is nf_conntrack loaded?)",
		    EXP_CONNTRACK_SYSCTL_ACCT);
		return FALSE;
	}
	if (v == 0 && c->cfg.enable_acct) {
		if (!write_sysctl(EXP_CONNTRACK_SYSCTL_ACCT, "1\n")) {
			g_set_error(error, MF_ERROR, MF_ERROR_IO,
			    "--conntrack-acct: cannot write %s: %s",
			    EXP_CONNTRACK_SYSCTL_ACCT, g_strerror(errno));
			return FALSE;
		}
		g_message("conntrack accounting switched on "
		          "(net.netfilter.nf_conntrack_acct=1); connections "
		          "opened before have no counters");
		v = 1;
	}
	if (v == 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
		    "--conntrack: connection accounting is off: set "
		    "net.netfilter.nf_conntrack_acct=1 (sysctl) or add "
		    "--conntrack-acct");
		return FALSE;
	}
	c->stats.timestamps = read_sysctl(EXP_CONNTRACK_SYSCTL_TS) == 1;
	if (!c->stats.timestamps)
		g_message("net.netfilter.nf_conntrack_timestamp is off: flow "
		          "times are the times events were read");
	return TRUE;
}

static gboolean
set_int_opt(struct mnl_socket *s, int level, int opt, int v)
{
	return setsockopt(mnl_socket_get_fd(s), level, opt, &v, sizeof(v)) == 0;
}

static gboolean
open_events(struct exp_conntrack *c, GError **error)
{
	/*
	 * Update events carry no counters (only destroy events and dumps
	 * do), and the destroy event has the final status: subscribing to
	 * them would multiply a TCP connection's events by about 6 for
	 * nothing the flows need (bench/README.md).
	 */
	unsigned groups =
	    NF_NETLINK_CONNTRACK_NEW | NF_NETLINK_CONNTRACK_DESTROY;
	int fd, n = (int)MIN(c->cfg.rcvbuf, (size_t)INT_MAX / 2);

	if ((c->ev = mnl_socket_open(NETLINK_NETFILTER)) == NULL ||
	    mnl_socket_bind(c->ev, groups, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	fd = mnl_socket_get_fd(c->ev);
	/* FORCE goes past rmem_max; it needs CAP_NET_ADMIN. */
	if (!set_int_opt(c->ev, SOL_SOCKET, SO_RCVBUFFORCE, n) &&
	    !set_int_opt(c->ev, SOL_SOCKET, SO_RCVBUF, n))
		goto fail;
	if (c->cfg.reliable &&
	    (!set_int_opt(c->ev, SOL_NETLINK, NETLINK_BROADCAST_ERROR, 1) ||
	        !set_int_opt(c->ev, SOL_NETLINK, NETLINK_NO_ENOBUFS, 1)))
		goto fail;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0)
		goto fail;
	return TRUE;
fail:
	g_set_error(error, MF_ERROR, MF_ERROR_IO,
	    "--conntrack: event socket: %s", g_strerror(errno));
	return FALSE;
}

static gboolean
open_dump(struct exp_conntrack *c, GError **error)
{
	struct timeval tv = { DUMP_TIMEOUT_S, 0 };

	if ((c->dump = mnl_socket_open(NETLINK_NETFILTER)) == NULL ||
	    mnl_socket_bind(c->dump, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    setsockopt(mnl_socket_get_fd(c->dump), SOL_SOCKET, SO_RCVTIMEO, &tv,
	        sizeof(tv)) != 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "--conntrack: dump socket: %s", g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

struct exp_conntrack *
exp_conntrack_open(const struct exp_conntrack_config *cfg, struct exp_ctflow *t,
    GError **error)
{
	struct exp_conntrack *c = g_new0(struct exp_conntrack, 1);

	c->cfg = *cfg;
	c->table = t;
	c->buf = g_malloc(RECV_BUF);
	c->evbuf = g_malloc(EV_SLOTS * EV_SLOT);
	if (!open_events(c, error) || !open_dump(c, error) ||
	    !check_acct(c, error)) {
		exp_conntrack_free(c);
		return NULL;
	}
	return c;
}

void
exp_conntrack_free(struct exp_conntrack *c)
{
	if (c == NULL)
		return;
	if (c->ev != NULL)
		mnl_socket_close(c->ev);
	if (c->dump != NULL)
		mnl_socket_close(c->dump);
	g_free(c->buf);
	g_free(c->evbuf);
	g_free(c);
}

const struct exp_conntrack_stats *
exp_conntrack_get_stats(const struct exp_conntrack *c)
{
	return &c->stats;
}

/*
 * Hand every conntrack message of one datagram to the table; dump says
 * they answer our dump.  Returns 1 at NLMSG_DONE, -1 on NLMSG_ERROR (errno
 * set), else 0.
 */
static int
feed(struct exp_conntrack *c, const uint8_t *buf, size_t len, gboolean dump,
    uint64_t now_ms)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int left = (int)len;
	struct exp_ct ct;
	enum exp_ct_event ev;

	while (mnl_nlmsg_ok(nlh, left)) {
		if (nlh->nlmsg_type == NLMSG_DONE)
			return 1;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(*e)) &&
			    e->error != 0) {
				errno = -e->error;
				return -1;
			}
		} else if (exp_ctflow_parse(nlh, (size_t)left, &ct, &ev) ==
		    EXP_CT_PARSE_OK) {
			exp_ctflow_event(c->table, &ct, dump ? EXP_CT_DUMP : ev,
			    now_ms);
		} else if (nlh->nlmsg_type != NLMSG_NOOP) {
			c->stats.malformed++;
		}
		if (!dump)
			c->stats.messages++;
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	return 0;
}

static void
lost_events(struct exp_conntrack *c)
{
	c->stats.enobufs++;
	c->want_resync = TRUE;
	if (mf_ratelimit_ok(&c->warn, g_get_monotonic_time()))
		g_warning("conntrack: events lost (ENOBUFS, %" G_GUINT64_FORMAT
		          " times so far): resynchronising with a dump; "
		          "consider a larger --conntrack-buffer",
		    c->stats.enobufs);
}

/*
 * Read up to EV_SLOTS datagrams (one event each) in one system call;
 * returns how many, 0 when there is none, -1 on a socket error.  A
 * truncated one (larger than EV_SLOT) is counted as malformed.
 */
static int
read_events(struct exp_conntrack *c, uint64_t now_ms)
{
	struct mmsghdr mm[EV_SLOTS];
	struct iovec iov[EV_SLOTS];
	int i, r;

	memset(mm, 0, sizeof(mm));
	for (i = 0; i < EV_SLOTS; i++) {
		iov[i].iov_base = c->evbuf + (size_t)i * EV_SLOT;
		iov[i].iov_len = EV_SLOT;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	r = recvmmsg(mnl_socket_get_fd(c->ev), mm, EV_SLOTS, MSG_DONTWAIT,
	    NULL);
	for (i = 0; i < r; i++) {
		if (mm[i].msg_hdr.msg_flags & MSG_TRUNC)
			c->stats.malformed++;
		else
			(void)feed(c, iov[i].iov_base, mm[i].msg_len, FALSE,
			    now_ms);
	}
	return r;
}

/* Read what the event socket holds, at most max datagrams. */
static int
drain(struct exp_conntrack *c, int max, uint64_t now_ms, GError **error)
{
	int n = 0;

	while (n < max) {
		int r = read_events(c, now_ms);

		if (r < 0 && errno == ENOBUFS) {
			lost_events(c);
			n++;
			continue;
		}
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (r <= 0) {
			g_set_error(error, MF_ERROR, MF_ERROR_IO,
			    "conntrack: event socket: %s",
			    r < 0 ? g_strerror(errno) : "closed");
			return -1;
		}
		n += r;
		if (r < EV_SLOTS)
			break; /* the socket is empty */
	}
	return n;
}

static gboolean
send_dump_request(struct exp_conntrack *c)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(c->buf);
	struct nfgenmsg *g;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++c->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = AF_UNSPEC;
	g->version = NFNETLINK_V0;
	g->res_id = 0;
	return mnl_socket_sendto(c->dump, nlh, nlh->nlmsg_len) >= 0;
}

static gboolean
read_dump(struct exp_conntrack *c, uint64_t now_ms)
{
	int i, r = 0;

	for (i = 0; i < DUMP_MAX_READS && r == 0; i++) {
		ssize_t n = mnl_socket_recvfrom(c->dump, c->buf, RECV_BUF);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return FALSE;
		r = feed(c, c->buf, (size_t)n, TRUE, now_ms);
	}
	return r == 1;
}

/*
 * Events read before the dump and after it bracket it: a connection that
 * ended before the kernel dumped its bucket has its DESTROY event queued
 * by the time the dump ends, so only connections whose DESTROY was truly
 * lost are missing at exp_ctflow_dump_end().
 */
gboolean
exp_conntrack_dump(struct exp_conntrack *c, uint64_t now_ms, gboolean final,
    GError **error)
{
	if (drain(c, DRAIN_MAX, now_ms, error) < 0)
		return FALSE;
	c->want_resync = FALSE;
	exp_ctflow_dump_begin(c->table, final);
	if (!send_dump_request(c) || !read_dump(c, now_ms)) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "conntrack: dump: %s",
		    g_strerror(errno));
		return FALSE;
	}
	if (drain(c, DRAIN_MAX, now_ms, error) < 0)
		return FALSE;
	exp_ctflow_dump_end(c->table);
	c->dumped = TRUE;
	c->dump_ms = now_ms;
	c->stats.dumps++;
	return TRUE;
}

int
exp_conntrack_dispatch(struct exp_conntrack *c, int timeout_ms, uint64_t now_ms,
    GError **error)
{
	struct pollfd p = { mnl_socket_get_fd(c->ev), POLLIN, 0 };

	if (!c->dumped || c->want_resync ||
	    now_ms >= c->dump_ms + c->cfg.dump_ms) {
		if (c->want_resync)
			c->stats.resyncs++;
		if (!exp_conntrack_dump(c, now_ms, FALSE, error))
			return -1;
	}
	if (poll(&p, 1, timeout_ms) < 0 && errno != EINTR) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "conntrack: poll: %s",
		    g_strerror(errno));
		return -1;
	}
	return drain(c, EXP_CONNTRACK_BATCH, now_ms, error);
}
