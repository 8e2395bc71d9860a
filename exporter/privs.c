/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-privs"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include <glib.h>
#ifdef HAVE_LIBCAP_NG
#include <cap-ng.h>
#endif
#ifdef HAVE_SECCOMP
#include <seccomp.h>
#endif

#include "common/error.h"
#include "exporter/capture.h"
#include "exporter/privs.h"

#ifdef HAVE_LIBCAP_NG
static const unsigned int net_caps[] = { CAP_NET_RAW, CAP_NET_ADMIN };
/* --processes: other users' /proc/PID/fd (listing, then the links). */
static const unsigned int proc_caps[] = { CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE };

/* Whether capability c is one of those keep (EXP_PRIVS_KEEP_*) asks for. */
static gboolean
kept(unsigned keep, unsigned int c)
{
	size_t i;

	for (i = 0; (keep & EXP_PRIVS_KEEP_NET) && i < G_N_ELEMENTS(net_caps);
	     i++)
		if (net_caps[i] == c)
			return TRUE;
	for (i = 0;
	     (keep & EXP_PRIVS_KEEP_PROCS) && i < G_N_ELEMENTS(proc_caps); i++)
		if (proc_caps[i] == c)
			return TRUE;
	return FALSE;
}

static const unsigned int all_kept[] = { CAP_NET_RAW, CAP_NET_ADMIN,
	CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE };

/*
 * Empty the bounding set but for the capture's capabilities, while we
 * still hold CAP_SETPCAP (before -u); it only limits what could be
 * gained later, so -u still works.
 */
static gboolean
drop_bounding(unsigned keep, GError **error)
{
	size_t i;
	int rc;

	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_get_caps_process() != 0 ||
	    !capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP))
		return TRUE;
	capng_clear(CAPNG_SELECT_BOUNDS);
	for (i = 0; i < G_N_ELEMENTS(all_kept); i++)
		if (kept(keep, all_kept[i]))
			capng_update(CAPNG_ADD, CAPNG_BOUNDING_SET,
			    all_kept[i]);
	if ((rc = capng_apply(CAPNG_SELECT_BOUNDS)) != 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_PRIVS,
		    "cannot empty the bounding set (libcap-ng error %d)", rc);
		return FALSE;
	}
	return TRUE;
}

gboolean
exp_privs_drop_caps(unsigned keep_set, gboolean *dropped, GError **error)
{
	gboolean keep[G_N_ELEMENTS(all_kept)];
	size_t i;
	int rc;

	*dropped = FALSE;
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_get_caps_process() != 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_PRIVS,
		    "cannot read our capabilities");
		return FALSE;
	}
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) == CAPNG_NONE)
		return TRUE;
	for (i = 0; i < G_N_ELEMENTS(all_kept); i++)
		keep[i] = kept(keep_set, all_kept[i]) &&
		    capng_have_capability(CAPNG_PERMITTED, all_kept[i]);
	capng_clear(CAPNG_SELECT_CAPS);
	for (i = 0; i < G_N_ELEMENTS(all_kept); i++)
		if (keep[i])
			capng_update(CAPNG_ADD,
			    CAPNG_EFFECTIVE | CAPNG_PERMITTED, all_kept[i]);
	if ((rc = capng_apply(CAPNG_SELECT_CAPS)) != 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_PRIVS,
		    "cannot drop capabilities (libcap-ng error %d)", rc);
		return FALSE;
	}
	*dropped = TRUE;
	return TRUE;
}
#else
static gboolean
drop_bounding(unsigned keep, GError **error)
{
	(void)keep;
	(void)error;
	return TRUE;
}

gboolean
exp_privs_drop_caps(unsigned keep, gboolean *dropped, GError **error)
{
	(void)keep;
	(void)error;
	*dropped = FALSE;
	return TRUE;
}
#endif

#if defined(HAVE_SECCOMP) && !defined(MF_SANITIZERS)
/*
 * The loop's system calls, by name (resolved for the native architecture;
 * a name it does not have is skipped).  open, openat, mmap, mmap2 and
 * mprotect are allowed below with argument checks.
 */
static const char *const allowed[] = {
	/* packet loop, file and socket output, logging */
	"read",
	"readv",
	"pread64", /* exporter/pcapfile.c reads a file at its own offset */
	"write",
	"writev",
	"close",
	"poll",
	"ppoll",
	"ppoll_time64",
	"select",
	"_newselect",
	"pselect6",
	"pselect6_time64",
	"recvfrom",
	"recvmsg",
	"recvmmsg",
	"recvmmsg_time64",
	"sendto",
	"sendmsg",
	"sendmmsg",
	"send",
	"recv",
	"socketcall",
	"lseek",
	"_llseek",
	"fstat",
	"fstat64",
	"newfstatat",
	"fstatat64",
	"statx",
	"stat",
	"stat64",
	"fsync",
	"fdatasync",
	/* reconnecting the TCP collector, reopening a capture */
	"socket",
	"connect",
	"bind",
	"setsockopt",
	"getsockopt",
	"getsockname",
	"getpeername",
	"shutdown",
	"ioctl",
	"fcntl",
	"fcntl64",
	"eventfd",
	"eventfd2",
	"uname",
	"access",
	"faccessat",
	"faccessat2",
	"readlink",
	"readlinkat",
	/* --processes: the entries of /proc and /proc/PID/fd */
	"getdents",
	"getdents64",
	/* memory (malloc, the capture ring) */
	"brk",
	"munmap",
	"mremap",
	"madvise",
	/* time, signals, exit */
	"clock_gettime",
	"clock_gettime64",
	"clock_getres",
	"gettimeofday",
	"time",
	"nanosleep",
	"clock_nanosleep",
	"clock_nanosleep_time64",
	"rt_sigreturn",
	"sigreturn",
	"rt_sigprocmask",
	"sigprocmask",
	"rt_sigaction",
	"restart_syscall",
	"exit",
	"exit_group",
	"getpid",
	"gettid",
	"getuid",
	"geteuid",
	"getgid",
	"getegid",
	"getuid32",
	"geteuid32",
	"getgid32",
	"getegid32",
	"tgkill",
	"getrandom",
	"futex",
	"futex_time64",
	"sched_yield",
	"sysinfo",
};

/* Calls that only an intruder would make: the process dies at once. */
static const char *const fatal[] = { "execve", "execveat", "ptrace" };

static int
add_rules(scmp_filter_ctx ctx, uint32_t action, const char *const *names,
    size_t n)
{
	size_t i;
	int nr, rc;

	for (i = 0; i < n; i++) {
		nr = seccomp_syscall_resolve_name(names[i]);
		if (nr == __NR_SCMP_ERROR)
			continue;
		rc = seccomp_rule_add(ctx, action, nr, 0);
		if (rc != 0 && nr >= 0)
			return rc;
	}
	return 0;
}

/* open and openat read-only; mmap, mmap2, mprotect never executable. */
static int
add_checked_rules(scmp_filter_ctx ctx)
{
	static const char *const maps[] = { "mmap", "mmap2", "mprotect" };
	size_t i;
	int nr, rc;

	rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, O_ACCMODE | O_CREAT | O_TRUNC,
	        O_RDONLY));
	nr = seccomp_syscall_resolve_name("open");
	if (rc == 0 && nr >= 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
		    SCMP_A1(SCMP_CMP_MASKED_EQ, O_ACCMODE | O_CREAT | O_TRUNC,
		        O_RDONLY));
	for (i = 0; rc == 0 && i < G_N_ELEMENTS(maps); i++) {
		nr = seccomp_syscall_resolve_name(maps[i]);
		if (nr < 0)
			continue;
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
		    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	}
	return rc;
}

gboolean
exp_privs_confine(gboolean *filtered, GError **error)
{
	scmp_filter_ctx ctx;
	int rc;

	*filtered = FALSE;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_PRIVS, "no_new_privs: %s",
		    g_strerror(errno));
		return FALSE;
	}
	if ((ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM))) == NULL) {
		g_set_error(error, MF_ERROR, MF_ERROR_PRIVS,
		    "seccomp_init failed");
		return FALSE;
	}
	if ((rc = add_rules(ctx, SCMP_ACT_ALLOW, allowed,
	         G_N_ELEMENTS(allowed))) == 0 &&
	    (rc = add_rules(ctx, SCMP_ACT_KILL_PROCESS, fatal,
	         G_N_ELEMENTS(fatal))) == 0 &&
	    (rc = add_checked_rules(ctx)) == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_PRIVS,
		    "system call filter: %s", g_strerror(-rc));
		return FALSE;
	}
	*filtered = TRUE;
	return TRUE;
}
#else
gboolean
exp_privs_confine(gboolean *filtered, GError **error)
{
	(void)error;
	*filtered = FALSE;
	return TRUE;
}
#endif

gboolean
exp_privs_restrict(unsigned keep, const char *user, struct exp_privs_result *r,
    GError **error)
{
	if (!drop_bounding(keep, error) ||
	    (user != NULL &&
	        !exp_capture_drop_privileges(user,
	            (keep & EXP_PRIVS_KEEP_NET) != 0, error)) ||
	    !exp_privs_drop_caps(keep, &r->caps_dropped, error) ||
	    !exp_privs_confine(&r->filtered, error))
		return FALSE;
	g_debug("capabilities %s, system call filter %s",
	    r->caps_dropped ? "dropped" : "unchanged",
	    r->filtered ? "on" : "off");
	return TRUE;
}
