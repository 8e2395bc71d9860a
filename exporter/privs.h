/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef EXP_PRIVS_H
#define EXP_PRIVS_H

/*
 * privs: what the exporter gives up once its captures, sockets and files
 * are open (after -D and -u).  Two steps, each optional at build time:
 *
 *  - capabilities (libcap-ng): keep CAP_NET_RAW and CAP_NET_ADMIN for a live
 *    capture, which reopens an interface that was deleted and recreated,
 *    CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE with --processes (to read
 *    other users' /proc/PID/fd; the ptrace call itself stays forbidden),
 *    and nothing at all for a capture file; the bounding set is emptied
 *    likewise first, when the process may (CAP_SETPCAP), before -u (which
 *    keeps only the capture's).
 *  - a system call filter (libseccomp): an allow-list of what the packet
 *    loop, the export sockets, the capture reopening and the logging use.
 *    Anything else fails with EPERM; execve, execveat and ptrace kill the
 *    process (SIGSYS).  Files can be opened read-only only (libpcap reads
 *    sysfs when it reopens an interface); memory can never be made
 *    executable.  Not installed in a sanitizer build, whose leak check at
 *    exit needs ptrace and clone.
 */
#include <glib.h>

/* What to keep (exp_privs_restrict()); TRUE is EXP_PRIVS_KEEP_NET. */
#define EXP_PRIVS_KEEP_NET 1u   /* a live capture */
#define EXP_PRIVS_KEEP_PROCS 2u /* --processes */

/* What exp_privs_restrict() put in place, for the log and the tests. */
struct exp_privs_result {
	gboolean caps_dropped; /* libcap-ng applied a smaller set */
	gboolean filtered;     /* the seccomp filter is installed */
};

/*
 * Drop every capability but those keep asks for (EXP_PRIVS_KEEP_NET:
 * CAP_NET_RAW and CAP_NET_ADMIN; EXP_PRIVS_KEEP_PROCS: CAP_DAC_READ_SEARCH
 * and CAP_SYS_PTRACE; 0: all) from the effective and permitted sets;
 * keeps only what the process holds already.  A process holding no
 * capability is left alone.  Does nothing without libcap-ng.  FALSE with
 * error set if the kernel refused.
 */
gboolean exp_privs_drop_caps(unsigned keep, gboolean *dropped, GError **error);

/*
 * Install the system call filter (irreversible: sets no_new_privs first).
 * *filtered says whether one was installed (never without libseccomp or
 * in a sanitizer build).  FALSE with error set if libseccomp failed.
 */
gboolean exp_privs_confine(gboolean *filtered, GError **error);

/*
 * Everything, in this order: empty the bounding set (libcap-ng), change to
 * user if not NULL (exp_capture_drop_privileges()), drop the capabilities,
 * install the filter.  Call once everything is open.
 */
gboolean exp_privs_restrict(unsigned keep, const char *user,
    struct exp_privs_result *r, GError **error);

#endif
