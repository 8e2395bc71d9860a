/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-alerts"

#include <string.h>

#include <curl/curl.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "collector/model/consumer.h"
#include "collector/output/alert_rules.h"
#include "collector/output/alert_sinks.h"
#include "collector/output/alerts.h"
#include "common/error.h"

#define SINKS_MAX 5

struct col_alerts {
	struct col_alert_rules *rules;
	struct col_sink *sinks[SINKS_MAX];
	size_t n_sinks;
	gboolean live; /* windows on the wall clock */
};

static gboolean
add_sink(struct col_alerts *a, const struct col_conf_alerts *cfg,
    enum col_sink_kind kind, const char *target, GError **error)
{
	struct col_sink_config sc = { kind, target, FALSE, cfg->file_max_size,
		cfg->file_keep, cfg->webhook_retries, cfg->command_timeout,
		cfg->queue, cfg->rate };

	if (target == NULL || target[0] == '\0')
		return TRUE;
	if (kind == COL_SINK_WEBHOOK) {
		if (strcmp(cfg->webhook_format, "ntfy") == 0) {
			sc.ntfy = TRUE;
		} else if (strcmp(cfg->webhook_format, "json") != 0) {
			g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
			    "[alerts] webhook-format: '%s' is neither json "
			    "nor ntfy",
			    cfg->webhook_format);
			return FALSE;
		}
	}
	if ((a->sinks[a->n_sinks] = col_sink_new(&sc, error)) == NULL)
		return FALSE;
	a->n_sinks++;
	return TRUE;
}

struct col_alerts *
col_alerts_new(const struct col_conf_alerts *cfg, const struct col_geo *geo,
    gboolean live, GError **error)
{
	struct col_alerts *a = g_new0(struct col_alerts, 1);
	struct col_alert_rules_config rc = { cfg->state_file, cfg->window,
		cfg->new_devices, cfg->silent_intervals, cfg->quota,
		cfg->quota_device, geo };

	if (cfg->webhook[0] != '\0')
		curl_global_init(CURL_GLOBAL_DEFAULT);
	a->live = live;
	if ((a->rules = col_alert_rules_new(&rc, error)) == NULL ||
	    !add_sink(a, cfg, COL_SINK_FILE, cfg->file, error) ||
	    !add_sink(a, cfg, COL_SINK_IDEA, cfg->idea_file, error) ||
	    !add_sink(a, cfg, COL_SINK_SYSLOG, cfg->syslog, error) ||
	    !add_sink(a, cfg, COL_SINK_WEBHOOK, cfg->webhook, error) ||
	    !add_sink(a, cfg, COL_SINK_COMMAND, cfg->command, error)) {
		col_alerts_free(a);
		return NULL;
	}
	return a;
}

/* At exit, after the sinks stopped: what each did. */
static void
log_counters(struct col_alerts *a)
{
	struct col_sink_stats st;
	size_t i;

	for (i = 0; i < a->n_sinks; i++) {
		col_sink_get_stats(a->sinks[i], &st);
		g_message("alerts %s: sent %" G_GUINT64_FORMAT
		          ", failed %" G_GUINT64_FORMAT
		          ", dropped %" G_GUINT64_FORMAT
		          ", over the rate %" G_GUINT64_FORMAT,
		    col_sink_name(a->sinks[i]), st.sent, st.failed, st.dropped,
		    st.limited);
	}
	g_message("alerts: state entries not kept %" G_GUINT64_FORMAT,
	    col_alert_rules_state_dropped(a->rules));
}

void
col_alerts_free(struct col_alerts *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->n_sinks; i++)
		col_sink_stop(a->sinks[i]);
	log_counters(a);
	for (i = 0; i < a->n_sinks; i++)
		col_sink_free(a->sinks[i]);
	col_alert_rules_free(a->rules);
	g_free(a);
}

static void
take_report(void *self, JsonNode *doc, const struct col_interval *iv)
{
	struct col_alerts *a = self;
	GPtrArray *out;
	size_t i, k;

	(void)iv;
	if (doc == NULL || a->n_sinks == 0)
		return;
	out = g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
	col_alert_rules_judge(a->rules, doc,
	    a->live ? (uint64_t)g_get_real_time() / 1000 : 0, out);
	for (i = 0; i < out->len; i++) {
		JsonObject *o = json_node_get_object(out->pdata[i]);

		g_message("alert: %s",
		    json_object_get_string_member_with_default(o, "text", ""));
		for (k = 0; k < a->n_sinks; k++)
			col_sink_push(a->sinks[k], out->pdata[i]);
	}
	g_ptr_array_unref(out);
}

struct col_consumer
col_alerts_consumer(struct col_alerts *a)
{
	/* Without a sink it judges nothing: no report tree made for it. */
	struct col_consumer c = { .name = "alerts",
		.self = a,
		.report = a->n_sinks > 0 ? take_report : NULL };

	return c;
}
