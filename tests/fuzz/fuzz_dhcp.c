/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-dhcp"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "exporter/dhcp.h"
#include "exporter/leases.h"

/*
 * libFuzzer harness for the device parsers: exp_dhcp4_parse(),
 * exp_dhcp6_parse() and exp_mdns_parse() on the input (an exactly sized
 * heap copy, so any read past it is caught), and exp_leases_parse_line()
 * on it as text.  Besides the sanitizers it checks the promises of
 * dhcp.h and leases.h and aborts when one is broken: a known result; a
 * name NUL-terminated, at most MF_DEVICE_NAME_MAX bytes of 0x21..0x7e;
 * addresses of a known family or none; at most EXP_MDNS_MAX hosts.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_name(const char *s)
{
	size_t i, n = strnlen(s, MF_DEVICE_NAME_MAX + 1);

	if (n > MF_DEVICE_NAME_MAX)
		abort();
	for (i = 0; i < n; i++)
		if ((uint8_t)s[i] < 0x21 || (uint8_t)s[i] > 0x7e)
			abort();
}

static void
check_addr(const struct mf_addr *a, gboolean may_be_none)
{
	if (a->family == MF_AF_INET || a->family == MF_AF_INET6)
		return;
	if (!may_be_none || a->family != 0)
		abort();
}

static void
check_info(enum exp_dhcp_result r, const struct exp_dhcp_info *in)
{
	if ((unsigned)r >= EXP_DHCP_N_RESULTS)
		abort();
	check_name(in->name);
	check_addr(&in->addr, TRUE);
	check_addr(&in->wanted, TRUE);
	if (r == EXP_DHCP_BAD_NAME && in->name[0] != '\0' && in->op != 0)
		abort(); /* DHCPv4: a kept name is no bad name */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exp_mdns_host h[EXP_MDNS_MAX];
	struct exp_dhcp_info in;
	struct exp_lease l;
	uint8_t *copy = malloc(size > 0 ? size : 1);
	char *text = malloc(size + 1);
	enum exp_lease_result lr;
	unsigned i, n;

	if (copy == NULL || text == NULL)
		abort();
	memcpy(copy, data, size);
	check_info(exp_dhcp4_parse(copy, size, &in), &in);
	check_info(exp_dhcp6_parse(copy, size, &in), &in);
	(void)exp_mdns_parse(copy, size, h, &n);
	if (n > EXP_MDNS_MAX)
		abort();
	for (i = 0; i < n; i++) {
		check_name(h[i].name);
		check_addr(&h[i].addr, FALSE);
	}
	memcpy(text, data, size);
	text[size] = '\0';
	lr = exp_leases_parse_line(text, &l);
	if (lr > EXP_LEASE_BAD)
		abort();
	if (lr == EXP_LEASE_OK) {
		check_name(l.name);
		check_addr(&l.addr, FALSE);
	}
	free(copy);
	free(text);
	return 0;
}
