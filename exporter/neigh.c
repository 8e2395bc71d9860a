/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-neigh"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include <glib.h>
#include <libmnl/libmnl.h>

#include "common/error.h"
#include "common/model.h"
#include "exporter/neigh.h"

#define DUMP_BUF 32768
#define DUMP_MAX_READS 100000
#define DUMP_TIMEOUT_S 5

struct entry {
	uint8_t key[17]; /* family, address (first: the table's key) */
	uint8_t mac[6];
};

struct exp_neigh {
	struct mnl_socket *nl;
	GHashTable *table; /* key bytes -> struct entry (owned) */
	size_t max;
	uint64_t dumped_ms;
	uint32_t seq;
	gboolean dumped;
	uint8_t *buf;
	struct exp_neigh_stats stats;
};

static guint
key_hash(gconstpointer p)
{
	const uint8_t *k = p;
	guint h = 2166136261u;
	int i;

	for (i = 0; i < 17; i++)
		h = (h ^ k[i]) * 16777619u;
	return h;
}

static gboolean
key_equal(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, 17) == 0;
}

static GHashTable *
new_table(void)
{
	return g_hash_table_new_full(key_hash, key_equal, NULL, g_free);
}

struct exp_neigh *
exp_neigh_new(size_t max_entries, GError **error)
{
	struct exp_neigh *n = g_new0(struct exp_neigh, 1);
	struct timeval tv = { DUMP_TIMEOUT_S, 0 };

	n->max = MIN(MAX(max_entries, 16), EXP_NEIGH_MAX);
	n->table = new_table();
	n->buf = g_malloc(DUMP_BUF);
	if ((n->nl = mnl_socket_open(NETLINK_ROUTE)) == NULL ||
	    mnl_socket_bind(n->nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    setsockopt(mnl_socket_get_fd(n->nl), SOL_SOCKET, SO_RCVTIMEO, &tv,
	        sizeof(tv)) != 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "neighbour table: rtnetlink: %s", g_strerror(errno));
		exp_neigh_free(n);
		return NULL;
	}
	return n;
}

void
exp_neigh_free(struct exp_neigh *n)
{
	if (n == NULL)
		return;
	if (n->nl != NULL)
		mnl_socket_close(n->nl);
	g_hash_table_destroy(n->table);
	g_free(n->buf);
	g_free(n);
}

const struct exp_neigh_stats *
exp_neigh_get_stats(const struct exp_neigh *n)
{
	return &n->stats;
}

static void
make_key(uint8_t key[17], uint8_t family, const uint8_t *addr)
{
	memset(key, 0, 17);
	key[0] = family;
	memcpy(key + 1, addr, family == MF_AF_INET ? 4 : 16);
}

gboolean
exp_neigh_learn(struct exp_neigh *n, const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	const struct ndmsg *nd;
	const struct nlattr *a, *dst = NULL, *ll = NULL;
	struct entry *e;
	size_t alen;
	int left;

	if (len < sizeof(*nlh) || nlh->nlmsg_len > len ||
	    nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_type != RTM_NEWNEIGH ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*nd))
		return FALSE;
	nd = mnl_nlmsg_get_payload(nlh);
	if (nd->ndm_state & (NUD_INCOMPLETE | NUD_FAILED | NUD_NOARP))
		return FALSE;
	a = mnl_nlmsg_get_payload_offset(nlh, sizeof(*nd));
	left = (int)((const char *)mnl_nlmsg_get_payload_tail(nlh) -
	    (const char *)a);
	while (mnl_attr_ok(a, left)) {
		if (mnl_attr_get_type(a) == NDA_DST)
			dst = a;
		else if (mnl_attr_get_type(a) == NDA_LLADDR)
			ll = a;
		a = mnl_attr_next(a);
		left = (int)((const char *)mnl_nlmsg_get_payload_tail(nlh) -
		    (const char *)a);
	}
	if (dst == NULL || ll == NULL || mnl_attr_get_payload_len(ll) != 6)
		return FALSE;
	alen = mnl_attr_get_payload_len(dst);
	if (!((nd->ndm_family == AF_INET && alen == 4) ||
	        (nd->ndm_family == AF_INET6 && alen == 16)))
		return FALSE;
	if (g_hash_table_size(n->table) >= n->max) {
		n->stats.over_limit++;
		return FALSE;
	}
	e = g_new0(struct entry, 1);
	make_key(e->key, nd->ndm_family == AF_INET ? MF_AF_INET : MF_AF_INET6,
	    mnl_attr_get_payload(dst));
	memcpy(e->mac, mnl_attr_get_payload(ll), 6);
	g_hash_table_replace(n->table, e->key, e);
	n->stats.entries = g_hash_table_size(n->table);
	return TRUE;
}

static gboolean
send_dump(struct exp_neigh *n)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(n->buf);
	struct ndmsg *nd;

	nlh->nlmsg_type = RTM_GETNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++n->seq;
	nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
	nd->ndm_family = AF_UNSPEC;
	return mnl_socket_sendto(n->nl, nlh, nlh->nlmsg_len) >= 0;
}

/* 1 at the end of the dump, 0 to read on, -1 on error. */
static int
read_part(struct exp_neigh *n)
{
	ssize_t r = mnl_socket_recvfrom(n->nl, n->buf, DUMP_BUF);
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)n->buf;
	int left = (int)r;

	if (r <= 0)
		return -1;
	while (mnl_nlmsg_ok(nlh, left)) {
		if (nlh->nlmsg_type == NLMSG_DONE)
			return 1;
		if (nlh->nlmsg_type == NLMSG_ERROR)
			return -1;
		(void)exp_neigh_learn(n, nlh, (size_t)left);
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	return 0;
}

gboolean
exp_neigh_refresh(struct exp_neigh *n, uint64_t now_ms, GError **error)
{
	GHashTable *old = n->table;
	int i, r = 0;

	if (n->dumped && now_ms < n->dumped_ms + EXP_NEIGH_REFRESH_MS)
		return TRUE;
	n->dumped = TRUE;
	n->dumped_ms = now_ms;
	n->table = new_table();
	if (!send_dump(n))
		r = -1;
	for (i = 0; i < DUMP_MAX_READS && r == 0; i++)
		r = read_part(n);
	if (r != 1) {
		g_hash_table_destroy(n->table);
		n->table = old; /* keep what we knew */
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "neighbour table dump: %s", g_strerror(errno));
		return FALSE;
	}
	g_hash_table_destroy(old);
	n->stats.entries = g_hash_table_size(n->table);
	n->stats.dumps++;
	return TRUE;
}

gboolean
exp_neigh_find(struct exp_neigh *n, uint8_t family, const uint8_t *addr,
    uint8_t mac[6])
{
	uint8_t key[17];
	const struct entry *e;

	make_key(key, family, addr);
	if ((e = g_hash_table_lookup(n->table, key)) == NULL) {
		n->stats.missing++;
		return FALSE;
	}
	memcpy(mac, e->mac, 6);
	n->stats.found++;
	return TRUE;
}
