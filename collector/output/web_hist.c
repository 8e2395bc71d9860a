/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-web"

#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/output/history.h"
#include "collector/output/report_json.h"
#include "collector/output/web_api.h"
#include "collector/output/web_hist.h"
#include "common/error.h"

struct col_web_hist {
	char *db;
	GAsyncQueue *free; /* readers not in use */
	GMutex lock;       /* for opened */
	size_t opened, max;
};

struct col_web_hist *
col_web_hist_new(const char *db, size_t max_readers)
{
	struct col_web_hist *h = g_new0(struct col_web_hist, 1);

	h->db = g_strdup(db);
	h->free = g_async_queue_new();
	g_mutex_init(&h->lock);
	h->max = MAX(max_readers, 1);
	return h;
}

void
col_web_hist_free(struct col_web_hist *h)
{
	struct col_history_reader *r;

	if (h == NULL)
		return;
	while ((r = g_async_queue_try_pop(h->free)) != NULL)
		col_history_reader_free(r);
	g_async_queue_unref(h->free);
	g_mutex_clear(&h->lock);
	g_free(h->db);
	g_free(h);
}

/* A reader: a free one, a new one while under max, else wait. */
static struct col_history_reader *
take(struct col_web_hist *h, GError **error)
{
	struct col_history_reader *r;
	gboolean open_one = FALSE;

	if ((r = g_async_queue_try_pop(h->free)) != NULL)
		return r;
	g_mutex_lock(&h->lock);
	if (h->opened < h->max) {
		h->opened++;
		open_one = TRUE;
	}
	g_mutex_unlock(&h->lock);
	if (open_one) {
		if ((r = col_history_reader_open(h->db, error)) == NULL) {
			g_mutex_lock(&h->lock);
			h->opened--;
			g_mutex_unlock(&h->lock);
		}
		return r;
	}
	if ((r = g_async_queue_timeout_pop(h->free, COL_WEB_HIST_WAIT_US)) ==
	    NULL)
		g_set_error(error, MF_ERROR, MF_ERROR_IO,
		    "history: every reader busy");
	return r;
}

static JsonNode *
query(struct col_history_reader *r, const char *what, const char *id,
    uint64_t from, uint64_t to, uint32_t step, GError **error)
{
	if (strcmp(what, "series") == 0)
		return col_history_series(r, from, to, step, error);
	if (strcmp(what, "devices") == 0)
		return col_history_devices(r, from, to, error);
	if (strcmp(what, "device") == 0)
		return col_history_device(r, id, from, to, error);
	if (strcmp(what, "names") == 0)
		return col_history_names(r, from, to, error);
	if (strcmp(what, "anomalies") == 0)
		return col_history_anomalies(r, from, to, error);
	if (strcmp(what, "dns") == 0)
		return col_history_dns(r, from, to, error);
	g_set_error(error, MF_ERROR, MF_ERROR_INVAL, "no such endpoint");
	return NULL;
}

void
col_web_hist_answer(struct col_web_hist *h, const char *what, const char *id,
    const struct col_web_range *rg, struct col_web_answer *out)
{
	struct col_history_reader *r;
	GError *e = NULL;
	JsonNode *data = NULL;

	if (h == NULL) {
		out->status = 404;
		out->body =
		    col_web_api_error("no history ([history] db is off)");
		return;
	}
	if ((r = take(h, &e)) != NULL) {
		data = query(r, what, id, rg->has_from ? rg->from_ms : 0,
		    rg->has_to ? rg->to_ms : COL_JSON_MAX_UNIX_S * 1000,
		    rg->step, &e);
		g_async_queue_push(h->free, r);
	}
	if (data == NULL) {
		out->status =
		    g_error_matches(e, MF_ERROR, MF_ERROR_INVAL) ? 400 : 500;
		out->body = col_web_api_error(
		    e != NULL ? e->message : "history failed");
		g_clear_error(&e);
		return;
	}
	out->status = 200;
	out->body = col_web_api_data(data);
}
