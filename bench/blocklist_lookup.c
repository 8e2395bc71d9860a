/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "bench-blocklist"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "collector/analytics/blocklist.h"
#include "common/addr.h"
#include "common/hash.h"

/*
 * bench_blocklist IPFILE DOMAINFILE LOOKUPS: load the two lists the way
 * the collector does, then look up LOOKUPS random IPv4 addresses and
 * LOOKUPS names (half of them a new label under a listed name, half
 * unlisted).  Prints one line of key=value: entries, the bytes the set
 * holds, the resident memory it added, load seconds, and nanoseconds per
 * address and per name lookup with the hits found (so the work cannot be
 * optimised away).  Built by `make bench_blocklist` (bench/blocklist.sh).
 */

static uint64_t
rss_kib(void)
{
	g_autofree char *s = NULL;
	const char *p;

	if (!g_file_get_contents("/proc/self/status", &s, NULL, NULL) ||
	    (p = strstr(s, "VmRSS:")) == NULL)
		return 0;
	return g_ascii_strtoull(p + 6, NULL, 10);
}

static uint64_t
next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Every 64th name of the list, kept for the lookups. */
static GPtrArray *
sample_names(const char *path)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *text = NULL;
	char **lines;
	size_t i;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return names;
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] != NULL; i += 64) {
		char *w = strrchr(lines[i], ' '), *caret;

		w = w != NULL ? w + 1 : lines[i];
		if (g_str_has_prefix(w, "||"))
			w += 2;
		if ((caret = strchr(w, '^')) != NULL)
			*caret = '\0';
		if (w[0] != '\0' && w[0] != '#')
			g_ptr_array_add(names, g_strdup(w));
	}
	g_strfreev(lines);
	return names;
}

static double
addr_lookups(const struct col_blocklist *bl, uint64_t n, uint64_t *hits)
{
	struct col_bl_match m;
	struct mf_addr a;
	uint64_t i, x = 88172645463325252ULL;
	int64_t t0 = g_get_monotonic_time();
	uint8_t b[4];

	for (i = 0; i < n; i++) {
		uint32_t v = (uint32_t)next(&x);

		b[0] = (uint8_t)(v >> 24);
		b[1] = (uint8_t)(v >> 16);
		b[2] = (uint8_t)(v >> 8);
		b[3] = (uint8_t)v;
		mf_addr_set4(&a, b);
		*hits += col_blocklist_find_addr(bl, &a, &m) ? 1 : 0;
	}
	return (double)(g_get_monotonic_time() - t0) * 1000.0 / (double)n;
}

static double
name_lookups(const struct col_blocklist *bl, const GPtrArray *listed,
    uint64_t n, uint64_t *hits)
{
	struct col_bl_match m;
	char name[300];
	uint64_t i, x = 2463534242ULL;
	int64_t t0;
	GPtrArray *q = g_ptr_array_new_with_free_func(g_free);

	for (i = 0; i < n; i++) { /* made before timing */
		uint64_t r = next(&x);

		if (i % 2 == 0 && listed->len > 0)
			g_snprintf(name, sizeof(name), "www%u.%s",
			    (unsigned)(r % 100),
			    (const char *)listed->pdata[r % listed->len]);
		else
			g_snprintf(name, sizeof(name),
			    "cdn%u.unlisted%" G_GUINT64_FORMAT ".example.com",
			    (unsigned)(r % 100), r % 1000000);
		g_ptr_array_add(q, g_strdup(name));
	}
	t0 = g_get_monotonic_time();
	for (i = 0; i < n; i++)
		*hits += col_blocklist_find_name(bl, q->pdata[i], &m) ? 1 : 0;
	t0 = g_get_monotonic_time() - t0;
	g_ptr_array_unref(q);
	return (double)t0 * 1000.0 / (double)n;
}

int
main(int argc, char **argv)
{
	struct col_blocklist_stats st;
	struct col_blocklist *bl;
	struct mf_hash_key k;
	GPtrArray *listed;
	GError *err = NULL;
	uint64_t n, rss0, ah = 0, nh = 0;
	int64_t t0;
	double load_s, ans, nns;

	if (argc != 4 || (n = g_ascii_strtoull(argv[3], NULL, 10)) == 0) {
		fprintf(stderr, "usage: %s IPFILE DOMAINFILE LOOKUPS\n",
		    argv[0]);
		return 2;
	}
	listed = sample_names(argv[2]);
	mf_hash_key_random(&k);
	rss0 = rss_kib();
	t0 = g_get_monotonic_time();
	bl = col_blocklist_new(COL_BLOCKLIST_MAX_ENTRIES,
	    COL_BLOCKLIST_MAX_ENTRIES, &k);
	if (!col_blocklist_add_file(bl, COL_BL_IP, argv[1], &err) ||
	    !col_blocklist_add_file(bl, COL_BL_DOMAIN, argv[2], &err)) {
		fprintf(stderr, "%s\n", err->message);
		return 1;
	}
	col_blocklist_seal(bl);
	load_s = (double)(g_get_monotonic_time() - t0) / 1e6;
	col_blocklist_get_stats(bl, &st);
	ans = addr_lookups(bl, n, &ah);
	nns = name_lookups(bl, listed, n, &nh);
	printf("ip=%" G_GUINT64_FORMAT " domains=%" G_GUINT64_FORMAT
	       " bytes=%" G_GUINT64_FORMAT " rss_added_kib=%" G_GUINT64_FORMAT
	       " load_s=%.2f ns_per_addr=%.1f addr_hits=%" G_GUINT64_FORMAT
	       " ns_per_name=%.1f name_hits=%" G_GUINT64_FORMAT "\n",
	    st.ip4 + st.ip6, st.domains, st.bytes, rss_kib() - rss0, load_s,
	    ans, ah, nns, nh);
	g_ptr_array_unref(listed);
	col_blocklist_free(bl);
	return 0;
}
