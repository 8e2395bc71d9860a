/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-log"

#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <glib.h>

#include "common/log.h"

/* Set once by mf_log_init() before any thread or message: read-only after. */
static gboolean log_syslog;
static gboolean log_verbose;

static int
level_to_priority(GLogLevelFlags level)
{
	if (level & G_LOG_LEVEL_ERROR)
		return LOG_ERR;
	if (level & G_LOG_LEVEL_CRITICAL)
		return LOG_CRIT;
	if (level & G_LOG_LEVEL_WARNING)
		return LOG_WARNING;
	if (level & G_LOG_LEVEL_MESSAGE)
		return LOG_NOTICE;
	if (level & G_LOG_LEVEL_INFO)
		return LOG_INFO;
	return LOG_DEBUG;
}

static const char *
level_to_word(GLogLevelFlags level)
{
	if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
		return "error";
	if (level & G_LOG_LEVEL_WARNING)
		return "warning";
	if (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO))
		return "info";
	return "debug";
}

static GLogWriterOutput
log_writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields,
    gpointer data)
{
	const char *msg = NULL, *domain = NULL;
	gsize i;

	(void)data;
	for (i = 0; i < n_fields; i++) {
		if (strcmp(fields[i].key, "MESSAGE") == 0)
			msg = fields[i].value;
		else if (strcmp(fields[i].key, "GLIB_DOMAIN") == 0)
			domain = fields[i].value;
	}
	if (msg == NULL)
		return G_LOG_WRITER_UNHANDLED;
	/*
	 * Libraries (libfixbuf) log per bad template or record, without any
	 * rate limit: hostile input must not flood the log, so their messages
	 * below warning level are debug messages (-v).  Ours have a domain
	 * "mf-", "exp-" or "col-".
	 */
	if (!(level &
	        (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL |
	            G_LOG_LEVEL_WARNING)) &&
	    (domain == NULL ||
	        (strncmp(domain, "mf-", 3) != 0 &&
	            strncmp(domain, "exp-", 4) != 0 &&
	            strncmp(domain, "col-", 4) != 0)))
		level = G_LOG_LEVEL_DEBUG;
	if ((level & G_LOG_LEVEL_DEBUG) && !log_verbose &&
	    g_log_writer_default_would_drop(level, domain))
		return G_LOG_WRITER_HANDLED;
	if (log_syslog)
		syslog(level_to_priority(level), "%s", msg);
	else
		fprintf(stderr, "%s: %s: %s\n", g_get_prgname(),
		    level_to_word(level), msg);
	return G_LOG_WRITER_HANDLED;
}

void
mf_log_init(const char *ident, gboolean use_syslog, gboolean verbose)
{
	log_syslog = use_syslog;
	log_verbose = verbose;
	g_set_prgname(ident);
	if (use_syslog)
		openlog(ident, LOG_PID, LOG_DAEMON);
	g_log_set_writer_func(log_writer, NULL, NULL);
}

gboolean
mf_ratelimit_ok(struct mf_ratelimit *rl, int64_t now_us)
{
	if (now_us < rl->next_us) {
		rl->suppressed++;
		return FALSE;
	}
	rl->next_us = now_us + MF_RATELIMIT_US;
	return TRUE;
}
