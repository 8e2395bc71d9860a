/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-fuzz"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "collector/analytics/anomaly.h"
#include "collector/analytics/anomaly_detect.h"
#include "collector/model/flow.h"
#include "collector/settings.h"
#include "common/hash.h"

/*
 * libFuzzer harness for what the anomaly detectors take from the DNS
 * records of the network (collector/analytics/anomaly_dns.c): the input
 * is a list of records, each one byte of client, one of answer count and
 * a NUL-terminated query name (the last one may end with the input).  Each
 * name is measured (registered domain by the public suffix list, length,
 * entropy) and fed as a record with its answers, then the interval
 * closes.  Besides the sanitizers it checks the promises and aborts when
 * one is broken: the measured length is at most the name's, the entropy
 * lies within 0..8 bits, the registered domain ends the name, and the
 * listed entries are at most [anomaly] active, their names terminated.
 * The detectors are made once, with low dns_tunnel thresholds so that
 * findings happen.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct col_anomaly *
detectors(void)
{
	static struct col_anomaly *a;
	struct col_config conf;
	struct mf_hash_key k;
	GError *err = NULL;

	if (a != NULL)
		return a;
	if (!col_config_load(NULL, &conf, &err))
		abort();
	conf.anomaly.hosts = 64;
	conf.anomaly.active = 16;
	conf.anomaly.tunnel.queries = 2;
	conf.anomaly.tunnel.names = 2;
	conf.anomaly.tunnel.min_length = 4;
	conf.anomaly.tunnel.min_entropy = 10;
	mf_hash_key_fixed(&k);
	a = col_anomaly_new(&conf.anomaly, &k, &err);
	col_config_clear(&conf);
	if (a == NULL)
		abort();
	return a;
}

/* Measured twice: the second answer (from the memo) is the first. */
static void
check_measure(struct col_anomaly *a, const char *name)
{
	char reg[COL_ANOMALY_NAME_MAX], reg2[COL_ANOMALY_NAME_MAX];
	size_t len, len2, n = strlen(name);
	double ent, ent2;
	gboolean ok = anom_dns_measure(a, name, reg, sizeof(reg), &len, &ent);

	if (anom_dns_measure(a, name, reg2, sizeof(reg2), &len2, &ent2) != ok)
		abort();
	if (!ok)
		return;
	if (len > n || ent < 0.0 || ent > 8.0 || strlen(reg) > n)
		abort();
	if (strcmp(reg, reg2) != 0 || len != len2 || ent != ent2)
		abort();
}

static void
check_list(const struct col_anomaly *a)
{
	const struct col_anomaly_entry *e;
	size_t n, i;

	e = col_anomaly_list(a, &n);
	if (n > 16)
		abort();
	for (i = 0; i < n; i++)
		if (memchr(e[i].name, '\0', sizeof(e[i].name)) == NULL ||
		    e[i].state == COL_ANOMALY_HELD)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct col_dns_rec d;
	struct col_anomaly *a = detectors();
	static uint64_t t = UINT64_C(1700000000000);
	size_t i = 0, n;
	const uint8_t *end;
	uint8_t v4[4] = { 10, 0, 0, 0 }, internal;

	while (i + 2 <= size) {
		memset(&d, 0, sizeof(d));
		internal = data[i] & 1;
		v4[3] = data[i];
		mf_addr_set4(&d.client, v4);
		d.n_addrs = data[i + 1] % (COL_DNS_MAX_ADDRS + 1);
		for (n = 0; n < d.n_addrs; n++) {
			v4[3] = (uint8_t)(data[i] + n);
			mf_addr_set4(&d.addrs[n], v4);
		}
		d.server = d.client;
		d.answered = 1;
		i += 2;
		end = memchr(data + i, '\0', size - i);
		n = end != NULL ? (size_t)(end - (data + i)) : size - i;
		n = MIN(n, COL_DNS_NAME_MAX);
		memcpy(d.qname, data + i, n);
		d.qname[n] = '\0';
		i += n + 1;
		d.time_ms = t++;
		check_measure(a, d.qname);
		col_anomaly_add_dns(a, &d, internal);
	}
	t += 60000;
	col_anomaly_close(a, NULL, t);
	check_list(a);
	return 0;
}
