/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-blocklist"

#include <sys/stat.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "collector/analytics/blockhits.h"
#include "collector/analytics/blocklist.h"
#include "common/addr.h"
#include "common/error.h"

const char *const col_bl_via_names[4] = { "flow", "dns_query", "dns_answer",
	"label" };

/* What a file looked like when it was loaded. */
struct file_sig {
	int64_t mtime_ns;
	int64_t size;
	uint64_t ino;
};

struct col_blockhits {
	char **ip, **domain;
	size_t max_ip, max_domains, max_hits;
	struct mf_hash_key seed;
	struct col_blocklist *bl;
	struct file_sig *sigs; /* ip files, then domain files */
	gboolean failed;       /* the last reload failed: logged once */
	struct col_blockhit *hits;
	size_t n_hits;
	uint64_t dropped;
};

static size_t
n_files(char **l)
{
	return l != NULL ? g_strv_length(l) : 0;
}

static void
sign(const char *path, struct file_sig *s)
{
	struct stat st;

	memset(s, 0, sizeof(*s));
	if (stat(path, &st) != 0)
		return;
	s->mtime_ns =
	    (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	s->size = (int64_t)st.st_size;
	s->ino = (uint64_t)st.st_ino;
}

/* A fresh set from the files; the signatures into sigs. */
static struct col_blocklist *
load(const struct col_blockhits *h, struct file_sig *sigs, GError **error)
{
	struct col_blocklist *bl =
	    col_blocklist_new(h->max_ip, h->max_domains, &h->seed);
	size_t i, ni = n_files(h->ip), nd = n_files(h->domain);

	for (i = 0; i < ni + nd; i++) {
		const char *path = i < ni ? h->ip[i] : h->domain[i - ni];

		sign(path, &sigs[i]);
		if (!col_blocklist_add_file(bl,
		        i < ni ? COL_BL_IP : COL_BL_DOMAIN, path, error)) {
			col_blocklist_free(bl);
			return NULL;
		}
	}
	col_blocklist_seal(bl);
	return bl;
}

static gboolean
reload(struct col_blockhits *h, GError **error)
{
	size_t n = n_files(h->ip) + n_files(h->domain);
	struct file_sig *sigs = g_new0(struct file_sig, n + 1);
	struct col_blocklist *bl = load(h, sigs, error);
	struct col_blocklist_stats st;

	if (bl == NULL) {
		g_free(sigs);
		return FALSE;
	}
	col_blocklist_free(h->bl);
	g_free(h->sigs);
	h->bl = bl;
	h->sigs = sigs;
	col_blocklist_get_stats(bl, &st);
	if (n > 0)
		g_message("blocklists: %" G_GUINT64_FORMAT
		          " IP entries, %" G_GUINT64_FORMAT
		          " domains, %" G_GUINT64_FORMAT
		          " bad lines, %" G_GUINT64_FORMAT " bytes",
		    st.ip4 + st.ip6, st.domains, st.bad_lines, st.bytes);
	return TRUE;
}

static gboolean
take_config(struct col_blockhits *h, const struct col_blockhits_config *cfg,
    GError **error)
{
	if (cfg->max_hits == 0 || cfg->max_hits > COL_BLOCKHITS_MAX ||
	    cfg->max_ip == 0 || cfg->max_ip > COL_BLOCKLIST_MAX_ENTRIES ||
	    cfg->max_domains == 0 ||
	    cfg->max_domains > COL_BLOCKLIST_MAX_ENTRIES) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[blocklists]: a cap is out of range");
		return FALSE;
	}
	if (n_files(cfg->ip) + n_files(cfg->domain) >
	    2 * COL_BLOCKLIST_MAX_LISTS) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[blocklists]: at most %u files of each kind",
		    COL_BLOCKLIST_MAX_LISTS);
		return FALSE;
	}
	g_strfreev(h->ip);
	g_strfreev(h->domain);
	h->ip = g_strdupv(cfg->ip);
	h->domain = g_strdupv(cfg->domain);
	h->max_ip = cfg->max_ip;
	h->max_domains = cfg->max_domains;
	return TRUE;
}

struct col_blockhits *
col_blockhits_new(const struct col_blockhits_config *cfg,
    const struct mf_hash_key *seed, GError **error)
{
	struct col_blockhits *h = g_new0(struct col_blockhits, 1);

	h->seed = *seed;
	if (!take_config(h, cfg, error) || !reload(h, error)) {
		col_blockhits_free(h);
		return NULL;
	}
	h->max_hits = cfg->max_hits;
	h->hits = g_new0(struct col_blockhit, h->max_hits);
	return h;
}

void
col_blockhits_free(struct col_blockhits *h)
{
	if (h == NULL)
		return;
	col_blocklist_free(h->bl);
	g_strfreev(h->ip);
	g_strfreev(h->domain);
	g_free(h->sigs);
	g_free(h->hits);
	g_free(h);
}

gboolean
col_blockhits_enabled(const struct col_blockhits *h)
{
	return h != NULL && n_files(h->ip) + n_files(h->domain) > 0;
}

/* Who a hit is about: a device, or an internal address, or nobody. */
struct who {
	const struct col_device *dev;
	const struct mf_addr *addr;
};

static void
who_id(const struct who *w, char id[COL_DEVICE_ID_MAX])
{
	if (w->dev != NULL)
		g_strlcpy(id, w->dev->id, COL_DEVICE_ID_MAX);
	else if (w->addr != NULL)
		mf_addr_format(w->addr, id, COL_DEVICE_ID_MAX);
	else
		id[0] = '\0';
}

static struct col_blockhit *
entry_of(struct col_blockhits *h, const struct col_bl_match *m,
    enum col_bl_via via, const char *match, const char *id)
{
	struct col_blockhit *e;
	size_t i;

	for (i = 0; i < h->n_hits; i++) {
		e = &h->hits[i];
		if (e->line == m->line && e->via == via &&
		    strcmp(e->match, match) == 0 &&
		    strncmp(e->list, m->list, sizeof(e->list) - 1) == 0 &&
		    strcmp(e->device, id) == 0)
			return e;
	}
	if (h->n_hits == h->max_hits) {
		h->dropped++;
		return NULL;
	}
	e = &h->hits[h->n_hits++];
	memset(e, 0, sizeof(*e));
	g_strlcpy(e->list, m->list, sizeof(e->list));
	e->line = m->line;
	e->kind = m->kind;
	e->via = via;
	g_strlcpy(e->entry, m->entry, sizeof(e->entry));
	g_strlcpy(e->match, match, sizeof(e->match));
	g_strlcpy(e->device, id, sizeof(e->device));
	e->first_ms = e->last_ms = UINT64_MAX;
	return e;
}

/* The remote of a hit as text: address and name, either NULL. */
struct remote {
	const char *addr, *name;
};

static void
note(struct col_blockhits *h, const struct col_bl_match *m, enum col_bl_via via,
    const char *match, const struct who *w, const struct remote *rem,
    uint64_t bytes, uint64_t t_ms)
{
	char id[COL_DEVICE_ID_MAX];
	struct col_blockhit *e;

	who_id(w, id);
	if ((e = entry_of(h, m, via, match, id)) == NULL)
		return;
	if (e->remote_addr[0] == '\0' && rem->addr != NULL)
		g_strlcpy(e->remote_addr, rem->addr, sizeof(e->remote_addr));
	if (e->remote_name[0] == '\0' && rem->name != NULL)
		g_strlcpy(e->remote_name, rem->name, sizeof(e->remote_name));
	e->flows++;
	e->bytes += bytes;
	e->first_ms = MIN(e->first_ms, t_ms);
	e->last_ms = e->last_ms == UINT64_MAX ? t_ms : MAX(e->last_ms, t_ms);
}

/* remote hits an IP list: noted with name, the name that went with it. */
static void
match_addr(struct col_blockhits *h, const struct mf_addr *remote,
    const char *name, enum col_bl_via via, const struct who *w, uint64_t bytes,
    uint64_t t_ms)
{
	struct col_bl_match m;
	char ip[MF_ADDR_STRLEN];
	struct remote rem = { ip,
		name != NULL && name[0] != '\0' ? name : NULL };

	if (col_blocklist_find_addr(h->bl, remote, &m)) {
		mf_addr_format(remote, ip, sizeof(ip));
		note(h, &m, via, ip, w, &rem, bytes, t_ms);
	}
}

/* name hits a domain list: noted with addr (or NULL), its address. */
static void
match_name(struct col_blockhits *h, const char *name,
    const struct mf_addr *addr, enum col_bl_via via, const struct who *w,
    uint64_t bytes, uint64_t t_ms)
{
	struct col_bl_match m;
	char ip[MF_ADDR_STRLEN];
	struct remote rem = { NULL, name };

	if (name[0] == '\0' || !col_blocklist_find_name(h->bl, name, &m))
		return;
	if (addr != NULL)
		rem.addr = mf_addr_format(addr, ip, sizeof(ip));
	note(h, &m, via, name, w, &rem, bytes, t_ms);
}

void
col_blockhits_flow(struct col_blockhits *h, const struct col_flow *f,
    gboolean src_internal, gboolean dst_internal,
    const struct col_device *const dev[2], uint64_t t_ms)
{
	struct who w = { NULL, NULL };
	uint64_t bytes = f->octets + f->rev_octets;

	if (h == NULL || h->bl == NULL || (src_internal && dst_internal))
		return;
	if (src_internal) {
		w.dev = dev != NULL ? dev[0] : NULL;
		w.addr = &f->src;
	} else if (dst_internal) {
		w.dev = dev != NULL ? dev[1] : NULL;
		w.addr = &f->dst;
	}
	if (!src_internal)
		match_addr(h, &f->src, f->label, COL_VIA_FLOW, &w, bytes, t_ms);
	if (!dst_internal)
		match_addr(h, &f->dst, f->label, COL_VIA_FLOW, &w, bytes, t_ms);
	/* The label names the remote side: the destination unless that is
	 * the internal one. */
	match_name(h, f->label, dst_internal ? &f->src : &f->dst, COL_VIA_LABEL,
	    &w, bytes, t_ms);
}

void
col_blockhits_dns(struct col_blockhits *h, const struct col_dns_rec *d,
    const struct col_device *client)
{
	struct who w = { client, &d->client };
	const struct mf_addr *first = d->n_addrs > 0 ? &d->addrs[0] : NULL;
	unsigned i;

	if (h == NULL || h->bl == NULL)
		return;
	match_name(h, d->qname, first, COL_VIA_DNS_QUERY, &w, 0, d->time_ms);
	match_name(h, d->cname, first, COL_VIA_DNS_ANSWER, &w, 0, d->time_ms);
	for (i = 0; i < d->n_addrs && i < COL_DNS_MAX_ADDRS; i++)
		match_addr(h, &d->addrs[i], d->qname, COL_VIA_DNS_ANSWER, &w, 0,
		    d->time_ms);
}

const struct col_blockhit *
col_blockhits_list(const struct col_blockhits *h, size_t *n)
{
	*n = h != NULL ? h->n_hits : 0;
	return h != NULL ? h->hits : NULL;
}

uint64_t
col_blockhits_dropped(const struct col_blockhits *h)
{
	return h != NULL ? h->dropped : 0;
}

void
col_blockhits_reset(struct col_blockhits *h)
{
	if (h == NULL)
		return;
	h->n_hits = 0;
	h->dropped = 0;
}

gboolean
col_blockhits_check(struct col_blockhits *h)
{
	size_t i, ni, n;
	gboolean changed = FALSE;
	GError *err = NULL;

	if (h == NULL)
		return FALSE;
	ni = n_files(h->ip);
	n = ni + n_files(h->domain);
	for (i = 0; i < n && !changed; i++) {
		struct file_sig s;

		sign(i < ni ? h->ip[i] : h->domain[i - ni], &s);
		changed = memcmp(&s, &h->sigs[i], sizeof(s)) != 0;
	}
	if (!changed)
		return FALSE;
	if (!reload(h, &err)) {
		if (!h->failed)
			g_warning("%s (keeping the lists loaded before)",
			    err->message);
		h->failed = TRUE;
		g_error_free(err);
		return FALSE;
	}
	h->failed = FALSE;
	return TRUE;
}

gboolean
col_blockhits_set_files(struct col_blockhits *h,
    const struct col_blockhits_config *cfg, GError **error)
{
	char **ip = g_strdupv(h->ip), **domain = g_strdupv(h->domain);
	size_t max_ip = h->max_ip, max_domains = h->max_domains;
	gboolean ok = take_config(h, cfg, error) && reload(h, error);

	if (!ok) { /* back to what was loaded */
		g_strfreev(h->ip);
		g_strfreev(h->domain);
		h->ip = ip;
		h->domain = domain;
		h->max_ip = max_ip;
		h->max_domains = max_domains;
	} else {
		g_strfreev(ip);
		g_strfreev(domain);
	}
	return ok;
}

void
col_blockhits_get_stats(const struct col_blockhits *h,
    struct col_blocklist_stats *st)
{
	col_blocklist_get_stats(h != NULL ? h->bl : NULL, st);
}
