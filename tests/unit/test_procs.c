/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exporter/procs.c: the socket of a flow found over sock_diag, its owner
 * under /proc.  The sockets are real (on 127.0.0.1, in this process), so
 * the kernel's answers are the ones a live exporter gets; a fake /proc
 * tree checks the scan's parsing and bounds.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "common/addr.h"
#include "exporter/procs.h"

static const uint8_t loop4[4] = { 127, 0, 0, 1 };
static const uint8_t remote4[4] = { 192, 0, 2, 7 }; /* never local */

/* This process's name as the kernel keeps it (/proc/self/comm). */
static void
own_comm(char comm[EXP_PROCS_NAME_LEN])
{
	FILE *f = fopen("/proc/self/comm", "r");

	assert_non_null(f);
	assert_non_null(fgets(comm, EXP_PROCS_NAME_LEN, f));
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
}

static uint16_t
bound_port(int fd)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	return ntohs(sa.sin_port);
}

static int
socket_on(int type, uint16_t *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd = socket(AF_INET, type, 0);

	assert_true(fd >= 0);
	memcpy(&sa.sin_addr, loop4, 4);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	*port = bound_port(fd);
	return fd;
}

/* A key: side 0 a:pa, side 1 b:pb (the cache's canonical order does not
 * matter to the lookup). */
static struct exp_key
key4(uint8_t proto, const uint8_t a[4], uint16_t pa, const uint8_t b[4],
    uint16_t pb)
{
	struct exp_key k;

	memset(&k, 0, sizeof(k));
	k.family = MF_AF_INET;
	k.proto = proto;
	memcpy(k.addr[0], a, 4);
	memcpy(k.addr[1], b, 4);
	k.port[0] = pa;
	k.port[1] = pb;
	return k;
}

static struct exp_procs *
procs_new(size_t names, size_t sockets, const char *proc)
{
	struct exp_procs_config c = { names, sockets, proc };
	GError *err = NULL;
	struct exp_procs *p = exp_procs_new(&c, &err);

	if (p == NULL)
		fail_msg("exp_procs_new: %s", err->message);
	return p;
}

static void
assert_named(struct exp_procs *p, uint32_t ref, const char *comm, uint32_t pid)
{
	const char *name = NULL;
	uint32_t got = 0;

	assert_true(exp_procs_get(p, ref, &name, &got));
	assert_string_equal(name, comm);
	assert_int_equal(got, pid);
}

static void
test_procs_parse_socket_link(void **state)
{
	(void)state;
	assert_int_equal(exp_procs_parse_socket_link("socket:[12345]", 14),
	    12345);
	assert_int_equal(exp_procs_parse_socket_link("socket:[1]", 10), 1);
	assert_int_equal(
	    exp_procs_parse_socket_link("socket:[18446744073709551614]", 29),
	    UINT64_MAX - 1);
	/* Not sockets, or not numbers, or too big. */
	assert_int_equal(exp_procs_parse_socket_link("pipe:[12345]", 12), 0);
	assert_int_equal(exp_procs_parse_socket_link("socket:[]", 9), 0);
	assert_int_equal(exp_procs_parse_socket_link("socket:[12a]", 12), 0);
	assert_int_equal(exp_procs_parse_socket_link("socket:[123", 11), 0);
	assert_int_equal(
	    exp_procs_parse_socket_link("socket:[99999999999999999999]", 29),
	    0);
	assert_int_equal(exp_procs_parse_socket_link("/dev/null", 9), 0);
}

/* A TCP connection this process made: the client side names us. */
static void
test_procs_tcp_client_and_server(void **state)
{
	char comm[EXP_PROCS_NAME_LEN];
	struct sockaddr_in sa = { .sin_family = AF_INET };
	uint16_t lport, cport;
	struct exp_procs *p = procs_new(16, 1024, NULL);
	struct exp_key k;
	uint32_t ref;
	int l, c;

	(void)state;
	own_comm(comm);
	l = socket_on(SOCK_STREAM, &lport);
	assert_int_equal(listen(l, 4), 0);
	c = socket(AF_INET, SOCK_STREAM, 0);
	memcpy(&sa.sin_addr, loop4, 4);
	sa.sin_port = htons(lport);
	assert_int_equal(connect(c, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cport = bound_port(c);

	/* The initiator (side 1, the client) is local: its socket. */
	k = key4(6, loop4, lport, loop4, cport);
	ref = exp_procs_lookup(p, &k, 1, 1000);
	assert_named(p, ref, comm, (uint32_t)getpid());
	/* A remote client's SYN to our listener: the server's socket. */
	k = key4(6, remote4, 40000, loop4, lport);
	ref = exp_procs_lookup(p, &k, 0, 1000);
	assert_named(p, ref, comm, (uint32_t)getpid());
	/* One name entry for both: the same process. */
	assert_int_equal(exp_procs_get_stats(p)->named, 2);
	assert_int_equal(exp_procs_get_stats(p)->scans, 1);
	/* No listener on that port: no socket. */
	k = key4(6, remote4, 40000, loop4, 1);
	assert_int_equal(exp_procs_lookup(p, &k, 0, 1000), EXP_PROCS_REF_NONE);
	assert_int_equal(exp_procs_get_stats(p)->no_socket, 1);
	close(c);
	close(l);
	exp_procs_free(p);
}

/* A bound UDP socket, answering a remote or sending to it. */
static void
test_procs_udp(void **state)
{
	char comm[EXP_PROCS_NAME_LEN];
	struct exp_procs *p = procs_new(16, 1024, NULL);
	struct exp_key k;
	uint16_t port;
	int u;

	(void)state;
	own_comm(comm);
	u = socket_on(SOCK_DGRAM, &port);
	k = key4(17, remote4, 53, loop4, port);
	/* We sent first (initiator side 1) or the remote did (side 0). */
	assert_named(p, exp_procs_lookup(p, &k, 1, 1000), comm,
	    (uint32_t)getpid());
	assert_named(p, exp_procs_lookup(p, &k, 0, 1000), comm,
	    (uint32_t)getpid());
	close(u);
	exp_procs_free(p);
}

static void
test_procs_not_local_or_not_a_socket_protocol(void **state)
{
	static const uint8_t other[4] = { 198, 51, 100, 1 };
	struct exp_procs *p = procs_new(16, 1024, NULL);
	struct exp_key k = key4(6, remote4, 1000, other, 80);

	(void)state;
	assert_int_equal(exp_procs_lookup(p, &k, 0, 1000), EXP_PROCS_REF_NONE);
	k = key4(1, loop4, 0, loop4, 0x0800); /* ICMP echo */
	assert_int_equal(exp_procs_lookup(p, &k, 0, 1000), EXP_PROCS_REF_NONE);
	assert_int_equal(exp_procs_get_stats(p)->not_local, 2);
	assert_int_equal(exp_procs_get_stats(p)->scans, 0);
	/* References that name nothing. */
	assert_false(exp_procs_get(p, EXP_PROCS_REF_UNSET, NULL, NULL));
	assert_false(exp_procs_get(p, EXP_PROCS_REF_NONE, NULL, NULL));
	assert_false(exp_procs_get(p, 0xffffu, NULL, NULL));
	exp_procs_free(p);
}

/* Write a fake /proc/PID with comm and fd links to the given inodes. */
static void
fake_pid(const char *root, unsigned pid, const char *comm,
    const uint64_t *inodes, size_t n)
{
	g_autofree char *dir = g_strdup_printf("%s/%u/fd", root, pid);
	g_autofree char *cpath = g_strdup_printf("%s/%u/comm", root, pid);
	g_autofree char *text = g_strdup_printf("%s\n", comm);
	size_t i;

	assert_int_equal(g_mkdir_with_parents(dir, 0700), 0);
	assert_true(g_file_set_contents(cpath, text, -1, NULL));
	for (i = 0; i < n; i++) {
		g_autofree char *l = g_strdup_printf("%s/%zu", dir, i + 3);
		g_autofree char *t =
		    g_strdup_printf("socket:[%" G_GUINT64_FORMAT "]",
		        inodes[i]);

		assert_int_equal(symlink(t, l), 0);
	}
	/* Not sockets: skipped. */
	{
		g_autofree char *l = g_strdup_printf("%s/0", dir);

		assert_int_equal(symlink("/dev/null", l), 0);
	}
}

/* The inode sock_diag gives for our UDP socket, through a fake /proc. */
static void
test_procs_scan_of_a_proc_tree(void **state)
{
	g_autofree char *root = g_dir_make_tmp("test_procs_XXXXXX", NULL);
	uint64_t inodes[21];
	struct exp_procs *p;
	const struct exp_procs_stats *ps;
	struct stat st;
	struct exp_key k;
	uint16_t port;
	uint32_t ref, ref2;
	size_t i;
	int u;

	(void)state;
	assert_non_null(root);
	u = socket_on(SOCK_DGRAM, &port);
	assert_int_equal(fstat(u, &st), 0);
	for (i = 0; i < G_N_ELEMENTS(inodes); i++)
		inodes[i] = 1000000000u + i;
	inodes[20] = (uint64_t)st.st_ino;
	fake_pid(root, 4242, "fakeserver", inodes, G_N_ELEMENTS(inodes));
	k = key4(17, remote4, 53, loop4, port);

	/* A map of 16: 4 or 5 of the 20 other links are left out (which,
	 * and whether ours came in before the map filled, depends on the
	 * directory's order), never the one looked up. */
	p = procs_new(16, 16, root);
	ps = exp_procs_get_stats(p);
	ref = exp_procs_lookup(p, &k, 0, 5000);
	assert_true(ps->sockets_full == 4 || ps->sockets_full == 5);
	assert_named(p, ref, "fakeserver", 4242);
	/* Within EXP_PROCS_RESCAN_MS no second scan. */
	exp_procs_lookup(p, &k, 0, 5000 + EXP_PROCS_RESCAN_MS - 1);
	assert_int_equal(ps->scans, 1);
	exp_procs_free(p);

	p = procs_new(16, 64, root);
	ref = exp_procs_lookup(p, &k, 0, 5000);
	assert_named(p, ref, "fakeserver", 4242);
	/* The same process again: the same entry, no new scan. */
	ref2 = exp_procs_lookup(p, &k, 1, 5001);
	assert_int_equal(ref2, ref);
	assert_int_equal(exp_procs_get_stats(p)->scans, 1);
	/* A stale reference (the entry's generation moved on) fails. */
	assert_false(exp_procs_get(p, ref + (1u << 16), NULL, NULL));
	assert_int_equal(exp_procs_get_stats(p)->names_lost, 1);
	exp_procs_free(p);
	close(u);
	{
		g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", root);

		assert_int_equal(system(cmd), 0);
	}
}

static void
test_procs_bounds(void **state)
{
	struct exp_procs_config c = { 15, 1024, NULL };
	GError *err = NULL;

	(void)state;
	assert_null(exp_procs_new(&c, &err));
	assert_non_null(err);
	g_clear_error(&err);
	c.max_names = EXP_PROCS_MAX_NAMES + 1;
	assert_null(exp_procs_new(&c, &err));
	g_clear_error(&err);
	c.max_names = 16;
	c.max_sockets = 8;
	assert_null(exp_procs_new(&c, &err));
	g_clear_error(&err);
	exp_procs_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_procs_parse_socket_link),
		cmocka_unit_test(test_procs_tcp_client_and_server),
		cmocka_unit_test(test_procs_udp),
		cmocka_unit_test(test_procs_not_local_or_not_a_socket_protocol),
		cmocka_unit_test(test_procs_scan_of_a_proc_tree),
		cmocka_unit_test(test_procs_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
