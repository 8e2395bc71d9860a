/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-procs"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include <glib.h>
#include <libmnl/libmnl.h>

#include "common/addr.h"
#include "common/error.h"
#include "common/log.h"
#include "exporter/procs.h"

#define MAX_SOCKETS_CAP (1u << 22)
#define DIAG_BUF 8192

/* One inode of the last scan and the process holding it. */
struct sock_ent {
	uint64_t inode; /* 0: free */
	uint32_t proc;  /* index into procs[], or max_procs + a recent one */
	uint32_t pid;   /* the holder's: a recent entry may be reused */
};

/* A process of the last scan that holds sockets. */
struct proc_ent {
	uint32_t pid;
	char comm[EXP_PROCS_NAME_LEN];
};

/* A name given to flows; reused round-robin. */
struct name_ent {
	uint32_t pid;
	uint16_t gen; /* bumped on reuse: stale references fail */
	char comm[EXP_PROCS_NAME_LEN];
};

struct exp_procs {
	struct exp_procs_config cfg;
	struct exp_procs_stats st;
	struct mnl_socket *nl;
	struct mf_ratelimit rl;
	uint32_t seq;
	uint8_t *buf; /* DIAG_BUF bytes */
	/* This host's addresses (IPv4 in the first 4 bytes). */
	struct {
		uint8_t addr[16];
		uint8_t family;
	} local[EXP_PROCS_LOCAL_MAX];
	size_t n_local;
	/* The last scan: an open-addressed inode map, its processes. */
	struct sock_ent *socks;
	size_t sock_slots; /* power of two, twice max_sockets */
	size_t n_socks;
	struct proc_ent *procs;
	size_t n_procs, max_procs;
	/* The owners found last: their new sockets are looked for in their
	 * own fd directories before a whole scan.  Kept across scans. */
	struct proc_ent recent[EXP_PROCS_RECENT];
	uint64_t recent_used[EXP_PROCS_RECENT]; /* 0: empty */
	uint64_t clock;
	uint64_t want; /* the inode being looked up */
	uint64_t scan_ms;
	gboolean scanned;
	/* Names for flows; pid_hint caches pid -> name index + 1. */
	struct name_ent *names;
	uint32_t *pid_hint;
	size_t hint_slots; /* power of two */
	size_t hand;       /* next name to reuse */
};

uint64_t
exp_procs_parse_socket_link(const char *link, size_t len)
{
	uint64_t v = 0;
	size_t i;

	if (len < 10 || memcmp(link, "socket:[", 8) != 0 ||
	    link[len - 1] != ']')
		return 0;
	for (i = 8; i < len - 1; i++) {
		uint64_t d = (uint64_t)(link[i] - '0');

		if (link[i] < '0' || link[i] > '9' || v > (UINT64_MAX - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	return v;
}

static size_t
pow2_at_least(size_t n)
{
	size_t p = 16;

	while (p < n)
		p <<= 1;
	return p;
}

static size_t
mix(uint64_t v, size_t slots)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	return (size_t)v & (slots - 1);
}

void
exp_procs_refresh_local(struct exp_procs *p)
{
	struct ifaddrs *ifa, *i;

	if (getifaddrs(&ifa) != 0)
		return; /* keep the addresses known */
	p->n_local = 0;
	for (i = ifa; i != NULL && p->n_local < EXP_PROCS_LOCAL_MAX;
	     i = i->ifa_next) {
		if (i->ifa_addr == NULL)
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			const struct sockaddr_in *s =
			    (const struct sockaddr_in *)(void *)i->ifa_addr;

			memset(p->local[p->n_local].addr, 0, 16);
			memcpy(p->local[p->n_local].addr, &s->sin_addr, 4);
			p->local[p->n_local++].family = MF_AF_INET;
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			const struct sockaddr_in6 *s =
			    (const struct sockaddr_in6 *)(void *)i->ifa_addr;

			memcpy(p->local[p->n_local].addr, &s->sin6_addr, 16);
			p->local[p->n_local++].family = MF_AF_INET6;
		}
	}
	freeifaddrs(ifa);
}

static gboolean
is_local(const struct exp_procs *p, const uint8_t *a, uint8_t family)
{
	size_t i, n = family == MF_AF_INET ? 4 : 16;

	for (i = 0; i < p->n_local; i++)
		if (p->local[i].family == family &&
		    memcmp(p->local[i].addr, a, n) == 0)
			return TRUE;
	return FALSE;
}

struct exp_procs *
exp_procs_new(const struct exp_procs_config *cfg, GError **error)
{
	struct exp_procs *p;

	if (cfg->max_names < 16 || cfg->max_names > EXP_PROCS_MAX_NAMES ||
	    cfg->max_sockets < 16 || cfg->max_sockets > MAX_SOCKETS_CAP) {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
		    "processes: table sizes out of range");
		return NULL;
	}
	p = g_new0(struct exp_procs, 1);
	p->cfg = *cfg;
	if (p->cfg.proc == NULL)
		p->cfg.proc = "/proc";
	p->nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (p->nl == NULL ||
	    mnl_socket_bind(p->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "processes: socket diagnostics: %s", g_strerror(errno));
		exp_procs_free(p);
		return NULL;
	}
	p->buf = g_malloc(DIAG_BUF);
	p->sock_slots = pow2_at_least(cfg->max_sockets * 2);
	p->socks = g_new0(struct sock_ent, p->sock_slots);
	p->max_procs = MIN(cfg->max_sockets, 65536);
	p->procs = g_new0(struct proc_ent, p->max_procs);
	p->names = g_new0(struct name_ent, cfg->max_names);
	p->hint_slots = pow2_at_least(cfg->max_names * 2);
	p->pid_hint = g_new0(uint32_t, p->hint_slots);
	exp_procs_refresh_local(p);
	return p;
}

void
exp_procs_free(struct exp_procs *p)
{
	if (p == NULL)
		return;
	if (p->nl != NULL)
		mnl_socket_close(p->nl);
	g_free(p->buf);
	g_free(p->socks);
	g_free(p->procs);
	g_free(p->names);
	g_free(p->pid_hint);
	g_free(p);
}

const struct exp_procs_stats *
exp_procs_get_stats(const struct exp_procs *p)
{
	return &p->st;
}

/* --- the kernel's socket table ------------------------------------------- */

struct diag_answer {
	uint64_t inode;
	gboolean found;
};

static int
diag_cb(const struct nlmsghdr *nlh, void *data)
{
	struct diag_answer *a = data;
	const struct inet_diag_msg *m;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*m)))
		return MNL_CB_ERROR;
	m = mnl_nlmsg_get_payload(nlh);
	a->inode = m->idiag_inode;
	a->found = TRUE;
	return MNL_CB_OK;
}

/*
 * One exact request.  The kernel's TCP lookup takes the local side as the
 * source; its UDP lookup takes the remote side as the source (the socket
 * that would receive a datagram from src to dst).
 */
static int
diag_one(struct exp_procs *p, uint8_t family, uint8_t proto, const uint8_t *src,
    uint16_t sport, const uint8_t *dst, uint16_t dport, uint64_t *inode)
{
	struct nlmsghdr *nlh;
	struct inet_diag_req_v2 *req;
	struct diag_answer a = { 0, FALSE };
	size_t alen = family == MF_AF_INET ? 4 : 16;
	ssize_t n;
	int rc;

	nlh = mnl_nlmsg_put_header(p->buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++p->seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = family == MF_AF_INET ? AF_INET : AF_INET6;
	req->sdiag_protocol = proto;
	req->idiag_states = ~0u;
	req->id.idiag_sport = htons(sport);
	req->id.idiag_dport = htons(dport);
	memcpy(req->id.idiag_src, src, alen);
	memcpy(req->id.idiag_dst, dst, alen);
	req->id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	req->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if (mnl_socket_sendto(p->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	n = mnl_socket_recvfrom(p->nl, p->buf, DIAG_BUF);
	if (n < 0)
		return -errno;
	rc = mnl_cb_run(p->buf, (size_t)n, p->seq, mnl_socket_get_portid(p->nl),
	    diag_cb, &a);
	if (rc < 0)
		return -errno;
	if (!a.found)
		return -ENOENT;
	*inode = a.inode;
	return 0;
}

/*
 * The inode of the socket of local side l of k, or 0.  A TCP server here
 * (l is not the initiator) is named by its listening socket: a connection
 * still in the accept queue has no inode yet, and the listener's owner is
 * the server (a forking server's child has the same name).
 */
static uint64_t
socket_inode(struct exp_procs *p, const struct exp_key *k, int l,
    gboolean server)
{
	static const uint8_t any[16];
	uint64_t inode = 0;
	int rc;

	if (k->proto == IPPROTO_TCP && server)
		rc = diag_one(p, k->family, k->proto, k->addr[l], k->port[l],
		    any, 0, &inode);
	else if (k->proto == IPPROTO_TCP)
		rc = diag_one(p, k->family, k->proto, k->addr[l], k->port[l],
		    k->addr[!l], k->port[!l], &inode);
	else
		rc = diag_one(p, k->family, k->proto, k->addr[!l], k->port[!l],
		    k->addr[l], k->port[l], &inode);
	if (rc == -ENOENT || (rc == 0 && inode == 0)) {
		p->st.no_socket++;
		return 0;
	}
	if (rc != 0) {
		p->st.diag_errors++;
		if (mf_ratelimit_ok(&p->rl, g_get_monotonic_time()))
			g_warning("processes: socket diagnostics: %s",
			    g_strerror(-rc));
		return 0;
	}
	return inode;
}

/* --- /proc ---------------------------------------------------------------- */

static gboolean
read_comm(const char *proc, uint32_t pid, char comm[EXP_PROCS_NAME_LEN])
{
	char path[64];
	ssize_t n;
	int fd;

	g_snprintf(path, sizeof(path), "%s/%u/comm", proc, pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return FALSE;
	n = read(fd, comm, EXP_PROCS_NAME_LEN - 1);
	close(fd);
	if (n <= 0)
		return FALSE;
	if (comm[n - 1] == '\n')
		n--;
	comm[n] = '\0';
	return n > 0;
}

static void
map_insert(struct exp_procs *p, uint64_t inode, uint32_t proc, uint32_t pid)
{
	size_t i = mix(inode, p->sock_slots);

	/* The socket being looked up always gets in: the map has twice
	 * max_sockets slots, so one more never fills it. */
	if (p->n_socks >= p->cfg.max_sockets && inode != p->want) {
		p->st.sockets_full++;
		return;
	}
	while (p->socks[i].inode != 0) {
		if (p->socks[i].inode == inode)
			return; /* shared by a child: the first holder */
		i = (i + 1) & (p->sock_slots - 1);
	}
	p->socks[i].inode = inode;
	p->socks[i].proc = proc;
	p->socks[i].pid = pid;
	p->n_socks++;
}

static const struct proc_ent *
map_find(const struct exp_procs *p, uint64_t inode)
{
	size_t i = mix(inode, p->sock_slots);
	const struct proc_ent *pe;

	while (p->socks[i].inode != 0) {
		if (p->socks[i].inode == inode) {
			uint32_t k = p->socks[i].proc;

			pe = k < p->max_procs ? &p->procs[k]
			                      : &p->recent[k - p->max_procs];
			return pe->pid == p->socks[i].pid ? pe : NULL;
		}
		i = (i + 1) & (p->sock_slots - 1);
	}
	return NULL;
}

/*
 * The sockets of process pid into the map, under entry me of procs[] if
 * it is one already (a recent owner read again), else a new one.
 */
static void
scan_pid(struct exp_procs *p, uint32_t pid, int64_t me_known)
{
	char path[64], link[64];
	struct dirent *e;
	gboolean named = me_known >= 0;
	uint32_t me = named ? (uint32_t)me_known : (uint32_t)p->n_procs;
	DIR *d;

	g_snprintf(path, sizeof(path), "%s/%u/fd", p->cfg.proc, pid);
	if ((d = opendir(path)) == NULL)
		return; /* gone, or another user's without CAP_SYS_PTRACE */
	while ((e = readdir(d)) != NULL) {
		ssize_t n;
		uint64_t inode;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		n = readlinkat(dirfd(d), e->d_name, link, sizeof(link));
		if (n <= 0 || (size_t)n >= sizeof(link))
			continue;
		if ((inode = exp_procs_parse_socket_link(link, (size_t)n)) == 0)
			continue;
		if (!named) {
			if (me >= p->max_procs ||
			    !read_comm(p->cfg.proc, pid, p->procs[me].comm))
				break;
			p->procs[me].pid = pid;
			p->n_procs++;
			named = TRUE;
		}
		map_insert(p, inode, me, pid);
	}
	closedir(d);
}

static void
scan(struct exp_procs *p, uint64_t now_ms)
{
	struct dirent *e;
	DIR *d;

	memset(p->socks, 0, p->sock_slots * sizeof(*p->socks));
	p->n_socks = 0;
	p->n_procs = 0;
	p->scan_ms = now_ms;
	p->scanned = TRUE;
	p->st.scans++;
	if ((d = opendir(p->cfg.proc)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char *end;
		unsigned long pid = strtoul(e->d_name, &end, 10);

		if (e->d_name[0] < '1' || e->d_name[0] > '9' || *end != '\0' ||
		    pid > UINT32_MAX)
			continue;
		scan_pid(p, (uint32_t)pid, -1);
	}
	closedir(d);
}

/*
 * A busy program opens sockets faster than /proc may be scanned: its new
 * sockets are read from its own fd directory.
 */
static const struct proc_ent *
find_in_recent(struct exp_procs *p, uint64_t inode)
{
	const struct proc_ent *pe = NULL;
	size_t i;

	/* Room for their new sockets, or a whole scan will make it. */
	if (!p->scanned || p->n_socks > p->cfg.max_sockets / 4 * 3)
		return NULL;
	for (i = 0; i < EXP_PROCS_RECENT && pe == NULL; i++) {
		if (p->recent_used[i] == 0)
			continue;
		p->st.rereads++;
		scan_pid(p, p->recent[i].pid, (int64_t)(p->max_procs + i));
		pe = map_find(p, inode);
	}
	return pe;
}

/* pe's owner among the recent ones, in place of the least recent. */
static void
note_recent(struct exp_procs *p, const struct proc_ent *pe)
{
	size_t i, old = 0;

	for (i = 0; i < EXP_PROCS_RECENT; i++) {
		if (p->recent_used[i] != 0 && p->recent[i].pid == pe->pid &&
		    strcmp(p->recent[i].comm, pe->comm) == 0)
			break;
		if (p->recent_used[i] < p->recent_used[old])
			old = i;
	}
	if (i == EXP_PROCS_RECENT) {
		i = old;
		p->recent[i] = *pe;
	}
	p->recent_used[i] = ++p->clock;
}

/* --- names for flows ------------------------------------------------------ */

static uint32_t
name_ref(struct exp_procs *p, const struct proc_ent *pe)
{
	size_t h = mix(pe->pid, p->hint_slots);
	uint32_t i = p->pid_hint[h];
	struct name_ent *n;

	if (i != 0 && p->names[i - 1].pid == pe->pid &&
	    strcmp(p->names[i - 1].comm, pe->comm) == 0) {
		n = &p->names[i - 1];
	} else {
		i = (uint32_t)p->hand + 1;
		p->hand = (p->hand + 1) % p->cfg.max_names;
		n = &p->names[i - 1];
		n->gen++;
		n->pid = pe->pid;
		memcpy(n->comm, pe->comm, sizeof(n->comm));
		p->pid_hint[h] = i;
	}
	/* index + 2 in the low 16 bits (0 and 1 are taken), gen above. */
	return (uint32_t)n->gen << 16 | (i + 1);
}

uint32_t
exp_procs_lookup(struct exp_procs *p, const struct exp_key *k, int initiator,
    uint64_t now_ms)
{
	const struct proc_ent *pe;
	uint64_t inode;
	int l;

	p->st.lookups++;
	if (k->proto != IPPROTO_TCP && k->proto != IPPROTO_UDP &&
	    k->proto != IPPROTO_UDPLITE) {
		p->st.not_local++;
		return EXP_PROCS_REF_NONE;
	}
	if (is_local(p, k->addr[initiator], k->family))
		l = initiator;
	else if (is_local(p, k->addr[!initiator], k->family))
		l = !initiator;
	else {
		p->st.not_local++;
		return EXP_PROCS_REF_NONE;
	}
	if ((inode = socket_inode(p, k, l, l != initiator)) == 0)
		return EXP_PROCS_REF_NONE;
	p->want = inode;
	pe = p->scanned ? map_find(p, inode) : NULL;
	if (pe == NULL)
		pe = find_in_recent(p, inode);
	if (pe == NULL &&
	    (!p->scanned || now_ms >= p->scan_ms + EXP_PROCS_RESCAN_MS ||
	        now_ms < p->scan_ms)) {
		scan(p, now_ms);
		pe = map_find(p, inode);
	}
	if (pe == NULL) {
		p->st.unowned++;
		return EXP_PROCS_REF_NONE;
	}
	p->st.named++;
	note_recent(p, pe);
	return name_ref(p, pe);
}

gboolean
exp_procs_get(struct exp_procs *p, uint32_t ref, const char **name,
    uint32_t *pid)
{
	uint32_t i = ref & 0xffffu;
	const struct name_ent *n;

	if (ref == EXP_PROCS_REF_UNSET || ref == EXP_PROCS_REF_NONE || i < 2 ||
	    i - 2 >= p->cfg.max_names)
		return FALSE;
	n = &p->names[i - 2];
	if (n->gen != (uint16_t)(ref >> 16)) {
		p->st.names_lost++;
		return FALSE;
	}
	*name = n->comm;
	*pid = n->pid;
	return TRUE;
}
