/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-blocklist"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "collector/analytics/blocklist.h"
#include "common/addr.h"
#include "common/error.h"
#include "common/hash.h"

#define NAME_MAX_LEN 253
#define DIR16_SIZE 65536

/* One IPv4 prefix as a range, host order. */
struct range4 {
	uint32_t lo, hi, line;
	uint16_t list;
	uint8_t plen;
};

/* One IPv6 prefix as a range: the address as two host-order halves. */
struct range6 {
	uint64_t lo[2], hi[2];
	uint32_t line;
	uint16_t list;
	uint8_t plen;
};

struct domain {
	uint32_t off; /* in the arena */
	uint32_t line;
	uint16_t list;
};

struct col_blocklist {
	size_t max_ip, max_domains;
	struct mf_hash_key seed;
	GPtrArray *lists[2];     /* names per kind */
	GArray *r4, *r6;         /* struct range4 / range6, sorted at seal */
	uint32_t *wide4, *wide6; /* index of the widest range so far */
	/* dir16[k]: the first IPv4 range starting at or above k << 16, so
	 * that a lookup searches one /16's ranges (k = 0 .. 65536). */
	uint32_t *dir16;
	GArray *domains;   /* struct domain */
	GByteArray *arena; /* the names, NUL-terminated */
	/* Slots: the name's hash's high 32 bits << 32 | domain index + 1;
	 * 0 = empty.  The hash bits spare a miss the look at the arena. */
	uint64_t *slots;
	size_t mask;
	gboolean sealed;
	unsigned named; /* bad lines logged this load */
	struct col_blocklist_stats st;
};

struct col_blocklist *
col_blocklist_new(size_t max_ip, size_t max_domains,
    const struct mf_hash_key *seed)
{
	struct col_blocklist *bl;

	if (max_ip == 0 || max_ip > COL_BLOCKLIST_MAX_ENTRIES ||
	    max_domains == 0 || max_domains > COL_BLOCKLIST_MAX_ENTRIES)
		return NULL;
	bl = g_new0(struct col_blocklist, 1);
	bl->max_ip = max_ip;
	bl->max_domains = max_domains;
	bl->seed = *seed;
	bl->lists[0] = g_ptr_array_new_with_free_func(g_free);
	bl->lists[1] = g_ptr_array_new_with_free_func(g_free);
	bl->r4 = g_array_new(FALSE, FALSE, sizeof(struct range4));
	bl->r6 = g_array_new(FALSE, FALSE, sizeof(struct range6));
	bl->domains = g_array_new(FALSE, FALSE, sizeof(struct domain));
	bl->arena = g_byte_array_new();
	return bl;
}

void
col_blocklist_free(struct col_blocklist *bl)
{
	if (bl == NULL)
		return;
	g_ptr_array_unref(bl->lists[0]);
	g_ptr_array_unref(bl->lists[1]);
	g_array_unref(bl->r4);
	g_array_unref(bl->r6);
	g_array_unref(bl->domains);
	g_byte_array_unref(bl->arena);
	g_free(bl->wide4);
	g_free(bl->dir16);
	g_free(bl->wide6);
	g_free(bl->slots);
	g_free(bl);
}

/*
 * Lower case, trailing dots dropped; FALSE for an empty name, an empty
 * label or one too long.  strict (a list entry): labels of letters,
 * digits, '-' and '_' of at most 63.  Otherwise (a name seen in traffic,
 * the sender's choice) any byte in a label, so a hostile label under a
 * listed domain still meets the domain; entries are strict, so only
 * strict suffixes can match.
 */
static gboolean
norm_name(const char *name, size_t len, char *out, gboolean strict)
{
	size_t i, label = 0;

	while (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > NAME_MAX_LEN)
		return FALSE;
	for (i = 0; i < len; i++) {
		char c = g_ascii_tolower(name[i]);

		if (c == '.') {
			if (label == 0)
				return FALSE;
			label = 0;
		} else if (!strict) {
			label++;
		} else if (g_ascii_isalnum(c) || c == '-' || c == '_') {
			if (++label > 63)
				return FALSE;
		} else {
			return FALSE;
		}
		out[i] = c;
	}
	out[len] = '\0';
	return TRUE;
}

gboolean
col_blocklist_norm_name(const char *name, size_t len, char *out)
{
	return norm_name(name, len, out, TRUE);
}

static void
bad_line(struct col_blocklist *bl, const char *name, uint32_t line)
{
	bl->st.bad_lines++;
	if (bl->named++ < COL_BLOCKLIST_BAD_NAMED)
		g_warning("%s:%u: not a blocklist entry (skipped)", name, line);
}

static void
u64_halves(const uint8_t b[16], uint64_t h[2])
{
	int i;

	h[0] = h[1] = 0;
	for (i = 0; i < 8; i++) {
		h[0] = h[0] << 8 | b[i];
		h[1] = h[1] << 8 | b[i + 8];
	}
}

/* The host bits of a /plen in a 64-bit half starting at bit base. */
static uint64_t
host_mask(unsigned plen, unsigned base)
{
	if (plen <= base)
		return UINT64_MAX;
	if (plen >= base + 64)
		return 0;
	return UINT64_MAX >> (plen - base);
}

static void
add_prefix(struct col_blocklist *bl, const struct mf_prefix *p, uint16_t list,
    uint32_t line)
{
	if (bl->r4->len + bl->r6->len >= bl->max_ip) {
		bl->st.dropped++;
		return;
	}
	if (p->addr.family == MF_AF_INET) {
		struct range4 r = { 0 };
		uint32_t m = p->len >= 32 ? 0
		    : p->len == 0         ? UINT32_MAX
		                          : UINT32_MAX >> p->len;

		r.lo = mf_addr_get4(&p->addr) & ~m;
		r.hi = r.lo | m;
		r.line = line;
		r.list = list;
		r.plen = p->len;
		g_array_append_val(bl->r4, r);
	} else {
		struct range6 r = { 0 };

		u64_halves(p->addr.b, r.lo);
		r.lo[0] &= ~host_mask(p->len, 0);
		r.lo[1] &= ~host_mask(p->len, 64);
		r.hi[0] = r.lo[0] | host_mask(p->len, 0);
		r.hi[1] = r.lo[1] | host_mask(p->len, 64);
		r.line = line;
		r.list = list;
		r.plen = p->len;
		g_array_append_val(bl->r6, r);
	}
}

static void
add_domain(struct col_blocklist *bl, const char *norm, uint16_t list,
    uint32_t line)
{
	struct domain d;

	if (bl->domains->len >= bl->max_domains) {
		bl->st.dropped++;
		return;
	}
	d.off = bl->arena->len;
	d.line = line;
	d.list = list;
	g_byte_array_append(bl->arena, (const guint8 *)norm,
	    (guint)strlen(norm) + 1);
	g_array_append_val(bl->domains, d);
}

/* The words of a line, comments cut; returns how many (at most max). */
static unsigned
split_words(char *s, const char *comments, char **w, unsigned max)
{
	unsigned n = 0;
	char *p, *save = NULL;

	if ((p = strpbrk(s, comments)) != NULL)
		*p = '\0';
	for (p = strtok_r(s, " \t\r\v\f", &save); p != NULL && n < max;
	     p = strtok_r(NULL, " \t\r\v\f", &save))
		w[n++] = p;
	return n;
}

static gboolean
ip_line(struct col_blocklist *bl, char *s, uint16_t list, uint32_t line)
{
	struct mf_prefix p;
	char *w[2];

	if (split_words(s, "#;", w, 2) == 0)
		return TRUE;
	if (!mf_prefix_parse(w[0], &p))
		return FALSE;
	add_prefix(bl, &p, list, line);
	return TRUE;
}

static gboolean
is_local_name(const char *n)
{
	static const char *const local[] = { "localhost",
		"localhost.localdomain", "local", "broadcasthost",
		"ip6-localhost", "ip6-loopback", "ip6-localnet",
		"ip6-mcastprefix", "ip6-allnodes", "ip6-allrouters",
		"ip6-allhosts", "0.0.0.0" };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(local); i++)
		if (g_ascii_strcasecmp(n, local[i]) == 0)
			return TRUE;
	return FALSE;
}

/* "||name^" or "||name^$options": the name, cut in place. */
static char *
adblock_name(char *w)
{
	char *caret;

	if (strncmp(w, "||", 2) != 0 || (caret = strchr(w, '^')) == NULL ||
	    (caret[1] != '\0' && caret[1] != '$'))
		return NULL;
	*caret = '\0';
	return w + 2;
}

static gboolean
domain_line(struct col_blocklist *bl, char *s, uint16_t list, uint32_t line)
{
	char norm[NAME_MAX_LEN + 3], *w[16], *name;
	struct mf_addr a;
	unsigned i, n;

	if (s[0] == '!' || s[0] == '[')
		return TRUE;
	if ((n = split_words(s, "#", w, G_N_ELEMENTS(w))) == 0)
		return TRUE;
	if (n == 1) {
		name = adblock_name(w[0]);
		if (!col_blocklist_norm_name(name ? name : w[0],
		        strlen(name ? name : w[0]), norm))
			return FALSE;
		add_domain(bl, norm, list, line);
		return TRUE;
	}
	if (!mf_addr_parse(w[0], &a)) /* hosts: ADDRESS NAME... */
		return FALSE;
	for (i = 1; i < n; i++) {
		if (is_local_name(w[i]))
			continue;
		if (!col_blocklist_norm_name(w[i], strlen(w[i]), norm))
			return FALSE;
		add_domain(bl, norm, list, line);
	}
	return TRUE;
}

gboolean
col_blocklist_add_text(struct col_blocklist *bl, enum col_bl_kind kind,
    const char *name, const char *text, size_t len)
{
	GPtrArray *names = bl->lists[kind == COL_BL_IP ? 0 : 1];
	char buf[1024];
	uint32_t line = 0;
	uint16_t list;
	size_t i = 0;

	g_return_val_if_fail(!bl->sealed, FALSE);
	if (names->len >= COL_BLOCKLIST_MAX_LISTS)
		return FALSE;
	list = (uint16_t)names->len;
	g_ptr_array_add(names, g_strdup(name));
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t l = (nl != NULL ? (size_t)(nl - text) : len) - i;
		gboolean ok;

		line++;
		if (l >= sizeof(buf) || memchr(text + i, '\0', l) != NULL) {
			ok = FALSE;
		} else {
			memcpy(buf, text + i, l);
			buf[l] = '\0';
			ok = kind == COL_BL_IP
			    ? ip_line(bl, buf, list, line)
			    : domain_line(bl, buf, list, line);
		}
		if (!ok)
			bad_line(bl, name, line);
		i += l + 1;
	}
	return TRUE;
}

gboolean
col_blocklist_add_file(struct col_blocklist *bl, enum col_bl_kind kind,
    const char *path, GError **error)
{
	g_autofree char *text = NULL, *base = NULL;
	GError *e = NULL;
	gsize len;

	if (!g_file_get_contents(path, &text, &len, &e)) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "blocklist %s",
		    e->message);
		g_error_free(e);
		return FALSE;
	}
	base = g_path_get_basename(path);
	if (!col_blocklist_add_text(bl, kind, base, text, len)) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "blocklist %s: more than %u lists", path,
		    COL_BLOCKLIST_MAX_LISTS);
		return FALSE;
	}
	return TRUE;
}

static int
cmp4(const void *x, const void *y)
{
	const struct range4 *a = x, *b = y;

	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

static int
cmp_halves(const uint64_t a[2], const uint64_t b[2])
{
	if (a[0] != b[0])
		return a[0] < b[0] ? -1 : 1;
	if (a[1] != b[1])
		return a[1] < b[1] ? -1 : 1;
	return 0;
}

static int
cmp6(const void *x, const void *y)
{
	const struct range6 *a = x, *b = y;
	int c = cmp_halves(a->lo, b->lo);

	if (c != 0)
		return c;
	return a->line < b->line ? -1 : a->line > b->line;
}

static void
index_ranges(struct col_blocklist *bl)
{
	const struct range4 *r4;
	const struct range6 *r6;
	guint i, k;

	g_array_sort(bl->r4, cmp4);
	g_array_sort(bl->r6, cmp6);
	r4 = (const struct range4 *)(void *)bl->r4->data;
	r6 = (const struct range6 *)(void *)bl->r6->data;
	bl->wide4 = g_new(uint32_t, bl->r4->len + 1);
	bl->wide6 = g_new(uint32_t, bl->r6->len + 1);
	for (i = 0; i < bl->r4->len; i++)
		bl->wide4[i] = i > 0 && r4[bl->wide4[i - 1]].hi >= r4[i].hi
		    ? bl->wide4[i - 1]
		    : i;
	bl->dir16 = g_new(uint32_t, DIR16_SIZE + 1);
	for (i = 0, k = 0; k <= DIR16_SIZE; k++) {
		while (i < bl->r4->len && (r4[i].lo >> 16) < k)
			i++;
		bl->dir16[k] = i;
	}
	for (i = 0; i < bl->r6->len; i++)
		bl->wide6[i] =
		    i > 0 && cmp_halves(r6[bl->wide6[i - 1]].hi, r6[i].hi) >= 0
		    ? bl->wide6[i - 1]
		    : i;
}

static uint64_t
name_hash(const struct col_blocklist *bl, const char *n, size_t len)
{
	return mf_siphash(&bl->seed, n, len);
}

#define SLOT_TAG(h) ((h)&UINT64_C(0xffffffff00000000))
#define SLOT_INDEX(v) ((uint32_t)(v)-1)

static void
index_domains(struct col_blocklist *bl)
{
	const struct domain *d =
	    (const struct domain *)(void *)bl->domains->data;
	const char *arena = (const char *)bl->arena->data;
	size_t buckets = mf_hash_buckets(bl->domains->len + 1), s;
	guint i;

	bl->mask = buckets - 1;
	bl->slots = g_new0(uint64_t, buckets);
	for (i = 0; i < bl->domains->len; i++) {
		const char *n = arena + d[i].off;
		uint64_t h = name_hash(bl, n, strlen(n));
		gboolean dup = FALSE;

		for (s = (size_t)h & bl->mask; bl->slots[s] != 0;
		     s = (s + 1) & bl->mask)
			if (SLOT_TAG(bl->slots[s]) == SLOT_TAG(h) &&
			    strcmp(arena + d[SLOT_INDEX(bl->slots[s])].off,
			        n) == 0) {
				dup = TRUE;
				break;
			}
		if (dup)
			bl->st.duplicates++;
		else
			bl->slots[s] = SLOT_TAG(h) | (uint64_t)(i + 1);
	}
}

void
col_blocklist_seal(struct col_blocklist *bl)
{
	if (bl->sealed)
		return;
	index_ranges(bl);
	index_domains(bl);
	bl->sealed = TRUE;
	bl->st.ip4 = bl->r4->len;
	bl->st.ip6 = bl->r6->len;
	bl->st.domains = bl->domains->len - bl->st.duplicates;
	bl->st.bytes = (DIR16_SIZE + 1) * sizeof(uint32_t) +
	    (uint64_t)bl->r4->len * (sizeof(struct range4) + 4) +
	    (uint64_t)bl->r6->len * (sizeof(struct range6) + 4) +
	    (uint64_t)bl->domains->len * sizeof(struct domain) +
	    bl->arena->len + (bl->mask + 1) * sizeof(uint64_t);
	if (bl->st.bad_lines > 0 || bl->st.dropped > 0)
		g_message("blocklists: %" G_GUINT64_FORMAT
		          " bad lines, %" G_GUINT64_FORMAT
		          " entries over the cap",
		    bl->st.bad_lines, bl->st.dropped);
}

static void
match_prefix(const struct col_blocklist *bl, const struct mf_addr *net,
    uint16_t list, uint32_t line, uint8_t plen, struct col_bl_match *m)
{
	char ip[MF_ADDR_STRLEN];

	m->list = g_ptr_array_index(bl->lists[0], list);
	m->line = line;
	m->kind = COL_BL_IP;
	g_snprintf(m->entry, sizeof(m->entry), "%s/%u",
	    mf_addr_format(net, ip, sizeof(ip)), plen);
}

static gboolean
find4(const struct col_blocklist *bl, const struct mf_addr *a,
    struct col_bl_match *m)
{
	const struct range4 *r = (const struct range4 *)(void *)bl->r4->data;
	uint32_t v = mf_addr_get4(a);
	/* The answer lies before the next /16's first range, and at or
	 * after the last range starting before this /16. */
	size_t lo = bl->dir16[v >> 16] > 0 ? bl->dir16[v >> 16] - 1 : 0,
	       hi = bl->dir16[(v >> 16) + 1];
	struct mf_addr net;
	uint8_t b[4];

	while (lo < hi) { /* first range starting above v */
		size_t mid = lo + (hi - lo) / 2;

		if (r[mid].lo <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || r[bl->wide4[lo - 1]].hi < v)
		return FALSE;
	r += bl->wide4[lo - 1];
	b[0] = (uint8_t)(r->lo >> 24);
	b[1] = (uint8_t)(r->lo >> 16);
	b[2] = (uint8_t)(r->lo >> 8);
	b[3] = (uint8_t)r->lo;
	mf_addr_set4(&net, b);
	match_prefix(bl, &net, r->list, r->line, r->plen, m);
	return TRUE;
}

static gboolean
find6(const struct col_blocklist *bl, const struct mf_addr *a,
    struct col_bl_match *m)
{
	const struct range6 *r = (const struct range6 *)(void *)bl->r6->data;
	size_t lo = 0, hi = bl->r6->len;
	struct mf_addr net;
	uint64_t v[2];
	uint8_t b[16];
	int i;

	u64_halves(a->b, v);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_halves(r[mid].lo, v) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || cmp_halves(r[bl->wide6[lo - 1]].hi, v) < 0)
		return FALSE;
	r += bl->wide6[lo - 1];
	for (i = 0; i < 8; i++) {
		b[i] = (uint8_t)(r->lo[0] >> (56 - 8 * i));
		b[i + 8] = (uint8_t)(r->lo[1] >> (56 - 8 * i));
	}
	mf_addr_set6(&net, b);
	match_prefix(bl, &net, r->list, r->line, r->plen, m);
	return TRUE;
}

gboolean
col_blocklist_find_addr(const struct col_blocklist *bl, const struct mf_addr *a,
    struct col_bl_match *m)
{
	if (bl == NULL || !bl->sealed)
		return FALSE;
	if (a->family == MF_AF_INET)
		return find4(bl, a, m);
	if (a->family == MF_AF_INET6)
		return find6(bl, a, m);
	return FALSE;
}

static const struct domain *
find_exact(const struct col_blocklist *bl, const char *n, size_t len)
{
	const struct domain *d =
	    (const struct domain *)(void *)bl->domains->data;
	const char *arena = (const char *)bl->arena->data;
	uint64_t h = name_hash(bl, n, len);
	size_t s;

	for (s = (size_t)h & bl->mask; bl->slots[s] != 0;
	     s = (s + 1) & bl->mask) {
		const struct domain *e;

		if (SLOT_TAG(bl->slots[s]) != SLOT_TAG(h))
			continue;
		e = &d[SLOT_INDEX(bl->slots[s])];
		if (strcmp(arena + e->off, n) == 0)
			return e;
	}
	return NULL;
}

gboolean
col_blocklist_find_name(const struct col_blocklist *bl, const char *name,
    struct col_bl_match *m)
{
	char norm[NAME_MAX_LEN + 3];
	const struct domain *d;
	const char *p;

	if (bl == NULL || !bl->sealed || bl->domains->len == 0 ||
	    !norm_name(name, strnlen(name, NAME_MAX_LEN + 2), norm, FALSE))
		return FALSE;
	for (p = norm; p != NULL; p = strchr(p, '.'), p = p ? p + 1 : NULL) {
		if ((d = find_exact(bl, p, strlen(p))) == NULL)
			continue;
		m->list = g_ptr_array_index(bl->lists[1], d->list);
		m->line = d->line;
		m->kind = COL_BL_DOMAIN;
		g_strlcpy(m->entry, (const char *)bl->arena->data + d->off,
		    sizeof(m->entry));
		return TRUE;
	}
	return FALSE;
}

void
col_blocklist_get_stats(const struct col_blocklist *bl,
    struct col_blocklist_stats *st)
{
	if (bl == NULL)
		memset(st, 0, sizeof(*st));
	else
		*st = bl->st;
}
