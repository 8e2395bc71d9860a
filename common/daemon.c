/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-daemon"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "common/daemon.h"
#include "common/error.h"

void
mf_signals_install(void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

gboolean
mf_detach(gboolean detach, const char *pidfile, GError **error)
{
	FILE *fp;

	if (detach && daemon(0, 0) != 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "daemon: %s",
		    g_strerror(errno));
		return FALSE;
	}
	if (pidfile == NULL)
		return TRUE;
	if ((fp = fopen(pidfile, "w")) == NULL) {
		g_set_error(error, MF_ERROR, MF_ERROR_IO, "%s: %s", pidfile,
		    g_strerror(errno));
		return FALSE;
	}
	fprintf(fp, "%ld\n", (long)getpid());
	fclose(fp);
	return TRUE;
}
