/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MF_DAEMON_H
#define MF_DAEMON_H

/*
 * daemon: what both programs do to run as a service.  Signal handlers only
 * set flags (they live in each main.c); the loop does the work.
 */
#include <glib.h>

/*
 * Route SIGTERM, SIGINT, SIGUSR1 and SIGHUP to handler (which must only
 * set a volatile sig_atomic_t) and ignore SIGPIPE.
 */
void mf_signals_install(void (*handler)(int));

/*
 * Detach (daemon(3): no controlling terminal, working directory /) if
 * detach is TRUE, then write our process id to pidfile if not NULL (give
 * an absolute path: the directory has changed).
 */
gboolean mf_detach(gboolean detach, const char *pidfile, GError **error);

#endif
