/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-web"

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "collector/output/web_limits.h"
#include "common/addr.h"
#include "common/hash.h"

/* Tokens are kept in millionths so that refills need no division. */
#define MICRO 1000000

struct bucket {
	struct mf_addr addr; /* family 0: free */
	int64_t last_us;     /* last refill */
	uint64_t tokens;     /* in millionths of a request */
};

struct col_web_limits {
	GMutex lock;
	uint32_t max_clients, rate;
	struct mf_hash_key key;
	struct col_web_limits_stats stats;
	struct bucket slots[COL_WEB_RATE_SLOTS];
};

struct col_web_limits *
col_web_limits_new(uint32_t max_clients, uint32_t rate,
    const struct mf_hash_key *key)
{
	struct col_web_limits *l = g_new0(struct col_web_limits, 1);

	g_mutex_init(&l->lock);
	l->max_clients = MAX(max_clients, 1);
	l->rate = rate;
	if (key != NULL)
		l->key = *key;
	else
		mf_hash_key_random(&l->key);
	return l;
}

void
col_web_limits_free(struct col_web_limits *l)
{
	if (l == NULL)
		return;
	g_mutex_clear(&l->lock);
	g_free(l);
}

gboolean
col_web_limits_connect(struct col_web_limits *l)
{
	gboolean ok;

	g_mutex_lock(&l->lock);
	ok = l->stats.open < l->max_clients;
	if (ok) {
		l->stats.open++;
		l->stats.accepted++;
	} else {
		l->stats.refused++;
	}
	g_mutex_unlock(&l->lock);
	return ok;
}

void
col_web_limits_disconnect(struct col_web_limits *l)
{
	g_mutex_lock(&l->lock);
	if (l->stats.open > 0)
		l->stats.open--;
	g_mutex_unlock(&l->lock);
}

/* The bucket of a: its own, a free one, or the one idle longest. */
static struct bucket *
find_bucket(struct col_web_limits *l, const struct mf_addr *a, int64_t now_us)
{
	size_t i,
	    first = (size_t)(mf_siphash(&l->key, a, sizeof(*a)) %
	        COL_WEB_RATE_SLOTS);
	struct bucket *b, *oldest = NULL;

	for (i = 0; i < COL_WEB_RATE_WAYS; i++) {
		b = &l->slots[(first + i) % COL_WEB_RATE_SLOTS];
		if (b->addr.family != 0 && memcmp(&b->addr, a, sizeof(*a)) == 0)
			return b;
		if (b->addr.family == 0) {
			if (oldest == NULL || oldest->addr.family != 0)
				oldest = b;
		} else if (oldest == NULL ||
		    (oldest->addr.family != 0 &&
		        b->last_us < oldest->last_us)) {
			oldest = b;
		}
	}
	if (oldest->addr.family != 0)
		l->stats.evicted++;
	oldest->addr = *a;
	oldest->last_us = now_us;
	oldest->tokens = (uint64_t)l->rate * 2 * MICRO;
	return oldest;
}

gboolean
col_web_limits_request(struct col_web_limits *l, const struct mf_addr *a,
    int64_t now_us)
{
	uint64_t cap = (uint64_t)l->rate * 2 * MICRO;
	struct bucket *b;
	gboolean ok = TRUE;

	g_mutex_lock(&l->lock);
	if (l->rate != 0) {
		b = find_bucket(l, a, now_us);
		if (now_us > b->last_us) {
			/* At most 2 s of refill matters (the burst). */
			uint64_t dt = (uint64_t)MIN(now_us - b->last_us,
			    (int64_t)2 * MICRO);

			b->tokens = MIN(cap, b->tokens + dt * l->rate);
			b->last_us = now_us;
		}
		ok = b->tokens >= MICRO;
		if (ok)
			b->tokens -= MICRO;
	}
	if (ok)
		l->stats.requests++;
	else
		l->stats.rate_limited++;
	g_mutex_unlock(&l->lock);
	return ok;
}

void
col_web_limits_get_stats(struct col_web_limits *l,
    struct col_web_limits_stats *out)
{
	g_mutex_lock(&l->lock);
	*out = l->stats;
	g_mutex_unlock(&l->lock);
}
