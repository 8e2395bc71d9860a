/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef TEST_FIXMSG_H
#define TEST_FIXMSG_H

/*
 * fixmsg: options records (DNS, devices) as minflow-exporter writes them,
 * read back by the collector's IPFIX session, for the reader tests
 * (test_fixdns, test_fixdev).  Every function fails the running cmocka
 * test on any error, so call them from a test only.
 */
#include <stddef.h>
#include <stdint.h>

#include "collector/ingest/fixread.h"
#include "common/addr.h"
#include "common/msgenc.h"

/* Export time of the messages (ms since the epoch), their boot 1 s before. */
#define FIXMSG_NOW_MS UINT64_C(1700000001000)

/*
 * One IPFIX message of observation domain domain in buf (size bytes, 1400
 * hold any of these records): template t, then record rec laid out as t
 * says, encoded by common/msgenc.c; col_fixread_message() reads it into fix
 * with flow_fn (which should take no flow) and ctx, and must return 0.
 */
void fixmsg_send(struct col_fixread *fix, uint8_t *buf, size_t size,
    uint32_t domain, const struct mf_template *t, const void *rec,
    col_flow_fn flow_fn, void *ctx);

/* a, formatted, is want. */
void fixmsg_assert_addr(const struct mf_addr *a, const char *want);

#endif
