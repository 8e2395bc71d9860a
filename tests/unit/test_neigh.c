/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include <cmocka.h>
#include <glib.h>
#include <libmnl/libmnl.h>

#include "common/model.h"
#include "exporter/neigh.h"

/* An RTM_NEWNEIGH message as the kernel dumps it. */
static size_t
neigh_msg(uint8_t *buf, const char *addr, const uint8_t *mac, size_t maclen,
    uint16_t state)
{
	struct nlmsghdr *nlh;
	struct ndmsg *nd;
	uint8_t a[16];
	int v6 = strchr(addr, ':') != NULL;

	memset(buf, 0, 256);
	assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, addr, a), 1);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWNEIGH;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
	nd->ndm_family = v6 ? AF_INET6 : AF_INET;
	nd->ndm_state = state;
	mnl_attr_put(nlh, NDA_DST, v6 ? 16 : 4, a);
	if (mac != NULL)
		mnl_attr_put(nlh, NDA_LLADDR, maclen, mac);
	return nlh->nlmsg_len;
}

static void
test_neigh_learn_and_find(void **state)
{
	static const uint8_t mac1[6] = { 2, 0, 0, 0, 0, 1 };
	static const uint8_t mac2[6] = { 2, 0, 0, 0, 0, 2 };
	struct exp_neigh *n = exp_neigh_new(16, NULL);
	uint8_t buf[256], a[16], got[6];
	size_t len;

	(void)state;
	assert_non_null(n);
	len = neigh_msg(buf, "192.168.1.10", mac1, 6, NUD_REACHABLE);
	assert_true(exp_neigh_learn(n, buf, len));
	len = neigh_msg(buf, "fe80::1", mac2, 6, NUD_STALE);
	assert_true(exp_neigh_learn(n, buf, len));
	inet_pton(AF_INET, "192.168.1.10", a);
	assert_true(exp_neigh_find(n, MF_AF_INET, a, got));
	assert_memory_equal(got, mac1, 6);
	inet_pton(AF_INET6, "fe80::1", a);
	assert_true(exp_neigh_find(n, MF_AF_INET6, a, got));
	assert_memory_equal(got, mac2, 6);
	inet_pton(AF_INET, "192.168.1.11", a);
	assert_false(exp_neigh_find(n, MF_AF_INET, a, got));
	assert_int_equal(exp_neigh_get_stats(n)->found, 2);
	assert_int_equal(exp_neigh_get_stats(n)->missing, 1);
	exp_neigh_free(n);
}

static void
test_neigh_ignores_bad_and_incomplete(void **state)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	struct exp_neigh *n = exp_neigh_new(16, NULL);
	uint8_t buf[256];
	size_t len, i;

	(void)state;
	len = neigh_msg(buf, "192.168.1.10", mac, 6, NUD_INCOMPLETE);
	assert_false(exp_neigh_learn(n, buf, len));
	len = neigh_msg(buf, "192.168.1.10", NULL, 0, NUD_REACHABLE);
	assert_false(exp_neigh_learn(n, buf, len));
	len = neigh_msg(buf, "192.168.1.10", mac, 4, NUD_REACHABLE);
	assert_false(exp_neigh_learn(n, buf, len));
	len = neigh_msg(buf, "192.168.1.10", mac, 6, NUD_REACHABLE);
	for (i = 0; i < len; i++)
		assert_false(exp_neigh_learn(n, buf, i));
	((struct nlmsghdr *)buf)->nlmsg_type = RTM_DELNEIGH;
	assert_false(exp_neigh_learn(n, buf, len));
	assert_int_equal(exp_neigh_get_stats(n)->entries, 0);
	exp_neigh_free(n);
}

static void
test_neigh_bounded(void **state)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	struct exp_neigh *n = exp_neigh_new(16, NULL);
	uint8_t buf[256];
	char addr[32];
	int i;

	(void)state;
	for (i = 0; i < 20; i++) {
		g_snprintf(addr, sizeof(addr), "10.0.0.%d", i + 1);
		(void)exp_neigh_learn(n, buf,
		    neigh_msg(buf, addr, mac, 6, NUD_REACHABLE));
	}
	assert_int_equal(exp_neigh_get_stats(n)->entries, 16);
	assert_int_equal(exp_neigh_get_stats(n)->over_limit, 4);
	exp_neigh_free(n);
}

/* The real table of this namespace: a dump that ends (no entries needed). */
static void
test_neigh_refresh_dumps(void **state)
{
	struct exp_neigh *n = exp_neigh_new(16, NULL);

	(void)state;
	assert_true(exp_neigh_refresh(n, 1000, NULL));
	assert_int_equal(exp_neigh_get_stats(n)->dumps, 1);
	assert_true(exp_neigh_refresh(n, 2000, NULL)); /* not due */
	assert_int_equal(exp_neigh_get_stats(n)->dumps, 1);
	assert_true(exp_neigh_refresh(n, 1000 + EXP_NEIGH_REFRESH_MS, NULL));
	assert_int_equal(exp_neigh_get_stats(n)->dumps, 2);
	exp_neigh_free(n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_neigh_learn_and_find),
		cmocka_unit_test(test_neigh_ignores_bad_and_incomplete),
		cmocka_unit_test(test_neigh_bounded),
		cmocka_unit_test(test_neigh_refresh_dumps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
