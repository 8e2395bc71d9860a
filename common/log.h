/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MF_LOG_H
#define MF_LOG_H

/*
 * log: the structured GLib log writer of both programs.  Messages go to
 * stderr in the foreground and to syslog(3) once detached (GLib 2.74 has no
 * syslog writer of its own).  Debug messages are shown with -v or when
 * G_MESSAGES_DEBUG names the domain.
 */
#include <stdint.h>

#include <glib.h>

/*
 * Install the writer for program ident (kept, must outlive the program).
 * use_syslog selects syslog(3) with LOG_DAEMON; verbose shows debug.
 */
void mf_log_init(const char *ident, gboolean use_syslog, gboolean verbose);

/*
 * A rate limit for warnings on the packet path: at most one message per
 * interval (MF_RATELIMIT_US, 10 s) per limiter.  Caller's storage; zero
 * initialisation is a valid, open limiter.
 */
struct mf_ratelimit {
	int64_t next_us; /* time before which messages are suppressed */
	uint64_t suppressed;
};

#define MF_RATELIMIT_US (10 * G_USEC_PER_SEC)

/* TRUE if a message may be logged at now_us; counts suppressed ones. */
gboolean mf_ratelimit_ok(struct mf_ratelimit *rl, int64_t now_us);

#endif
