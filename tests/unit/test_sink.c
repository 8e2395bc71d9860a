/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-test-sink"

/*
 * Sinks against real endpoints on the loopback: a temporary file, a UDP
 * socket, a TCP listener (each bound by the test to port 0, so no fixed
 * port is needed).  "-" (standard output) is not exercised.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <cmocka.h>

#include "common/error.h"
#include "exporter/sink.h"

#define T0 UINT64_C(1700000000000) /* a wall clock in ms */
#define WAIT_TRIES 200             /* of WAIT_STEP_US: 2 s at most */
#define WAIT_STEP_US 10000

static const uint8_t msg_a[] = { 0, 10, 0, 20, 'a', 'b', 'c', 'd', 1, 2, 3, 4,
	5, 6, 7, 8, 9, 10, 11, 12 };
static const uint8_t msg_b[] = { 0xff, 0xfe, 0xfd };
static const uint8_t msg_c[] = { 'm', 'i', 'n', 'f', 'l', 'o', 'w', '\n' };

/* A socket of type on 127.0.0.1, bound to port (0: any); its port out. */
static int
bind_loopback(int type, uint16_t port, uint16_t *bound)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, type, 0), one = 1;

	assert_true(fd >= 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
	                     sizeof(one)),
	    0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		close(fd);
		fail_msg("bind 127.0.0.1:%u: %s", (unsigned)port,
		    g_strerror(errno));
		return -1;
	}
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*bound = ntohs(sin.sin_port);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 4), 0);
	return fd;
}

/* TRUE if fd becomes readable (a datagram, a connection) within ms. */
static gboolean
readable(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, ms) == 1;
}

/* Read exactly n bytes from a stream socket (2 s at most). */
static void
read_exact(int fd, uint8_t *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r;

		assert_true(readable(fd, 2000));
		r = recv(fd, buf + got, n - got, 0);
		assert_true(r > 0);
		got += (size_t)r;
	}
}

static struct exp_sink *
open_net(enum exp_sink_kind kind, uint16_t port)
{
	GError *error = NULL;
	struct exp_sink *s = exp_sink_open_net(kind, "127.0.0.1", port, &error);

	if (s == NULL) {
		fail_msg("open: %s", error ? error->message : "?");
		return NULL;
	}
	assert_null(error);
	return s;
}

static void
test_sink_send_file_concatenates(void **state)
{
	GError *error = NULL;
	struct exp_sink *s;
	const struct exp_sink_stats *st;
	char *path = NULL, *name, *contents = NULL;
	gsize len = 0;
	int fd;
	uint8_t want[sizeof(msg_a) + sizeof(msg_b) + sizeof(msg_c)];

	(void)state;
	fd = g_file_open_tmp("test_sink-XXXXXX.ipfix", &path, &error);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(g_file_set_contents(path, "old", 3, NULL), TRUE);

	s = exp_sink_open_file(path, &error);
	assert_non_null(s);
	assert_null(error);
	name = g_strdup_printf("file %s", path);
	assert_string_equal(exp_sink_name(s), name);
	g_free(name);
	assert_int_equal(exp_sink_generation(s), 1);
	assert_true(exp_sink_ready(s, T0));
	assert_int_equal(exp_sink_send(s, msg_a, sizeof(msg_a), T0), 0);
	assert_int_equal(exp_sink_send(s, msg_b, sizeof(msg_b), T0), 0);
	assert_int_equal(exp_sink_send(s, msg_c, sizeof(msg_c), T0), 0);
	st = exp_sink_get_stats(s);
	assert_int_equal(st->messages, 3);
	assert_int_equal(st->octets,
	    sizeof(msg_a) + sizeof(msg_b) + sizeof(msg_c));
	assert_int_equal(st->send_errors, 0);
	assert_int_equal(st->connects, 0);
	assert_int_equal(exp_sink_generation(s), 1);
	exp_sink_free(s);

	memcpy(want, msg_a, sizeof(msg_a));
	memcpy(want + sizeof(msg_a), msg_b, sizeof(msg_b));
	memcpy(want + sizeof(msg_a) + sizeof(msg_b), msg_c, sizeof(msg_c));
	assert_true(g_file_get_contents(path, &contents, &len, NULL));
	assert_int_equal(len, sizeof(want)); /* truncated, not appended */
	assert_memory_equal(contents, want, sizeof(want));
	g_free(contents);
	g_unlink(path);
	g_free(path);
}

static void
test_sink_open_file_unwritable_path_fails(void **state)
{
	GError *error = NULL;

	(void)state;
	assert_null(
	    exp_sink_open_file("/nonexistent-minflow-dir/x.ipfix", &error));
	assert_non_null(error);
	assert_true(g_error_matches(error, MF_ERROR, MF_ERROR_IO));
	assert_non_null(strstr(error->message, "/nonexistent-minflow-dir"));
	g_error_free(error);
	exp_sink_free(NULL);
}

static void
test_sink_send_udp_delivers_exact_bytes(void **state)
{
	uint16_t port = 0;
	int rx = bind_loopback(SOCK_DGRAM, 0, &port);
	struct exp_sink *s = open_net(EXP_SINK_UDP, port);
	const struct exp_sink_stats *st;
	uint8_t buf[256];
	char *name;
	ssize_t n;

	(void)state;
	name = g_strdup_printf("udp 127.0.0.1:%u", (unsigned)port);
	assert_string_equal(exp_sink_name(s), name);
	g_free(name);
	assert_int_equal(exp_sink_generation(s), 1);
	assert_true(exp_sink_ready(s, T0));

	assert_int_equal(exp_sink_send(s, msg_a, sizeof(msg_a), T0), 0);
	assert_int_equal(exp_sink_send(s, msg_b, sizeof(msg_b), T0), 0);
	assert_true(readable(rx, 2000));
	n = recv(rx, buf, sizeof(buf), 0);
	assert_int_equal(n, sizeof(msg_a));
	assert_memory_equal(buf, msg_a, sizeof(msg_a));
	assert_true(readable(rx, 2000));
	n = recv(rx, buf, sizeof(buf), 0);
	assert_int_equal(n, sizeof(msg_b));
	assert_memory_equal(buf, msg_b, sizeof(msg_b));

	st = exp_sink_get_stats(s);
	assert_int_equal(st->messages, 2);
	assert_int_equal(st->octets, sizeof(msg_a) + sizeof(msg_b));
	assert_int_equal(st->send_errors, 0);
	assert_int_equal(st->connects, 0);
	exp_sink_free(s);
	close(rx);
}

static void
test_sink_send_udp_closed_port_counts_refused(void **state)
{
	uint16_t port = 0;
	int gone = bind_loopback(SOCK_DGRAM, 0, &port);
	struct exp_sink *s;
	const struct exp_sink_stats *st;
	unsigned i, ok = 0;
	int r = 0;

	(void)state;
	close(gone); /* nobody listens there now */
	s = open_net(EXP_SINK_UDP, port);
	/* The first send may go out; the ICMP error shows on a later one. */
	for (i = 0; i < WAIT_TRIES; i++) {
		r = exp_sink_send(s, msg_a, sizeof(msg_a), T0 + i);
		if (r != 0)
			break;
		ok++;
		g_usleep(WAIT_STEP_US);
	}
	assert_int_equal(r, -ECONNREFUSED);
	st = exp_sink_get_stats(s);
	assert_int_equal(st->send_errors, 1);
	assert_int_equal(st->messages, ok);
	assert_int_equal(st->octets, ok * sizeof(msg_a));
	/* Still usable: UDP sinks never give up. */
	assert_true(exp_sink_ready(s, T0 + i + 1));
	exp_sink_free(s);
}

static void
test_sink_ready_tcp_connects_and_reconnects(void **state)
{
	uint16_t port = 0, port2 = 0;
	int lfd = bind_loopback(SOCK_STREAM, 0, &port), peer;
	struct exp_sink *s = open_net(EXP_SINK_TCP, port);
	const struct exp_sink_stats *st = exp_sink_get_stats(s);
	uint8_t buf[sizeof(msg_a) + sizeof(msg_b)];
	uint64_t now = T0, fail_at;
	unsigned i, sent_ok = 0;
	char *name;
	int r = 0;

	(void)state;
	name = g_strdup_printf("tcp 127.0.0.1:%u", (unsigned)port);
	assert_string_equal(exp_sink_name(s), name);
	g_free(name);
	/* Not connected until asked. */
	assert_int_equal(exp_sink_generation(s), 0);
	assert_int_equal(st->connects, 0);
	assert_true(exp_sink_ready(s, now));
	assert_int_equal(exp_sink_generation(s), 1);
	assert_int_equal(st->connects, 1);
	assert_true(readable(lfd, 2000));
	peer = accept(lfd, NULL, NULL);
	assert_true(peer >= 0);

	assert_int_equal(exp_sink_send(s, msg_a, sizeof(msg_a), now), 0);
	assert_int_equal(exp_sink_send(s, msg_b, sizeof(msg_b), now), 0);
	read_exact(peer, buf, sizeof(buf));
	assert_memory_equal(buf, msg_a, sizeof(msg_a));
	assert_memory_equal(buf + sizeof(msg_a), msg_b, sizeof(msg_b));
	assert_int_equal(st->messages, 2);
	assert_int_equal(st->octets, sizeof(msg_a) + sizeof(msg_b));

	/*
	 * The collector goes away: the sink sees the closed connection before
	 * it sends, so nothing is written into it unseen (counted instead).
	 */
	close(peer);
	close(lfd);
	for (i = 0; i < WAIT_TRIES; i++) {
		r = exp_sink_send(s, msg_c, sizeof(msg_c), now);
		if (r != 0)
			break;
		sent_ok++;
		g_usleep(WAIT_STEP_US);
	}
	if (r != -ENOTCONN)
		fail_msg("send after peer close: %d (%s)", r, g_strerror(-r));
	assert_int_equal(sent_ok, 0);
	assert_int_equal(st->send_errors, 1);
	assert_int_equal(st->messages, 2);

	/* Nobody listens: the next attempt fails and backs off 1 s. */
	fail_at = now;
	assert_false(exp_sink_ready(s, fail_at));
	assert_int_equal(exp_sink_send(s, msg_c, sizeof(msg_c), fail_at + 1),
	    -ENOTCONN);
	assert_int_equal(st->send_errors, 2);
	assert_int_equal(exp_sink_generation(s), 1);

	/* The collector is back on the same port. */
	lfd = bind_loopback(SOCK_STREAM, port, &port2);
	assert_int_equal(port2, port);
	assert_false(exp_sink_ready(s, fail_at + 999)); /* still backing off */
	assert_false(readable(lfd, 50));                /* did not try */
	assert_int_equal(exp_sink_generation(s), 1);
	assert_true(exp_sink_ready(s, fail_at + 1000));
	assert_int_equal(exp_sink_generation(s), 2);
	assert_int_equal(st->connects, 2);
	assert_true(readable(lfd, 2000));
	peer = accept(lfd, NULL, NULL);
	assert_true(peer >= 0);
	assert_int_equal(exp_sink_send(s, msg_a, sizeof(msg_a), fail_at + 1000),
	    0);
	read_exact(peer, buf, sizeof(msg_a));
	assert_memory_equal(buf, msg_a, sizeof(msg_a));
	assert_int_equal(st->messages, 3 + sent_ok);
	assert_int_equal(st->send_errors, 2);

	exp_sink_free(s);
	close(peer);
	close(lfd);
}

static void
test_sink_ready_tcp_backoff_doubles_to_cap(void **state)
{
	/* Attempt times after failures at 0: +1, +2, +4, +8, +16, +30 s. */
	static const uint64_t attempts[] = { 0, 1000, 3000, 7000, 15000, 31000,
		61000 };
	uint16_t port = 0, port2 = 0;
	int lfd = bind_loopback(SOCK_STREAM, 0, &port);
	struct exp_sink *s;
	size_t i, last = G_N_ELEMENTS(attempts) - 1;

	(void)state;
	close(lfd); /* nobody listens */
	s = open_net(EXP_SINK_TCP, port);
	for (i = 0; i < last; i++) {
		if (i > 0) /* just before the retry time: no attempt */
			assert_false(exp_sink_ready(s, T0 + attempts[i] - 1));
		assert_false(exp_sink_ready(s, T0 + attempts[i]));
	}
	assert_int_equal(exp_sink_get_stats(s)->connects, 0);

	lfd = bind_loopback(SOCK_STREAM, port, &port2);
	assert_false(exp_sink_ready(s, T0 + attempts[last] - 1));
	assert_false(readable(lfd, 50));
	assert_true(exp_sink_ready(s, T0 + attempts[last]));
	assert_int_equal(exp_sink_generation(s), 1);
	assert_int_equal(exp_sink_get_stats(s)->connects, 1);
	exp_sink_free(s);
	close(lfd);
}

static void
test_sink_send_tcp_down_is_enotconn(void **state)
{
	uint16_t port = 0;
	int lfd = bind_loopback(SOCK_STREAM, 0, &port);
	struct exp_sink *s;
	const struct exp_sink_stats *st;

	(void)state;
	close(lfd);
	s = open_net(EXP_SINK_TCP, port); /* not up yet: not an error */
	st = exp_sink_get_stats(s);
	assert_int_equal(exp_sink_send(s, msg_a, sizeof(msg_a), T0), -ENOTCONN);
	assert_int_equal(exp_sink_send(s, msg_a, sizeof(msg_a), T0 + 1),
	    -ENOTCONN);
	assert_int_equal(st->send_errors, 2);
	assert_int_equal(st->messages, 0);
	assert_int_equal(st->octets, 0);
	assert_int_equal(exp_sink_generation(s), 0);
	exp_sink_free(s);
}

static void
test_sink_open_net_unresolvable_host_fails(void **state)
{
	GError *error = NULL;

	(void)state;
	assert_null(exp_sink_open_net(EXP_SINK_UDP, "no-such-host.invalid",
	    4739, &error));
	assert_non_null(error);
	assert_true(g_error_matches(error, MF_ERROR, MF_ERROR_IO));
	assert_non_null(strstr(error->message, "no-such-host.invalid"));
	g_clear_error(&error);
	assert_null(exp_sink_open_net(EXP_SINK_TCP, "no-such-host.invalid",
	    4739, &error));
	assert_true(g_error_matches(error, MF_ERROR, MF_ERROR_IO));
	g_clear_error(&error);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sink_send_file_concatenates),
		cmocka_unit_test(test_sink_open_file_unwritable_path_fails),
		cmocka_unit_test(test_sink_send_udp_delivers_exact_bytes),
		cmocka_unit_test(test_sink_send_udp_closed_port_counts_refused),
		cmocka_unit_test(test_sink_ready_tcp_connects_and_reconnects),
		cmocka_unit_test(test_sink_ready_tcp_backoff_doubles_to_cap),
		cmocka_unit_test(test_sink_send_tcp_down_is_enotconn),
		cmocka_unit_test(test_sink_open_net_unresolvable_host_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
