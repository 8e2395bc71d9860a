/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef TESTS_FLOWBUILD_H
#define TESTS_FLOWBUILD_H

/*
 * flowbuild: the flow records of the unit tests, built in one place.
 *   fb_flow()      a collector record (struct col_flow) with the fields
 *                  most tests are about; every other field 0, so a test
 *                  sets only what it checks beyond those.
 *   fb_flow_rec()  an exporter record (struct mf_flow_rec) with every
 *                  field set to a value of its full width, for encoders
 *                  and decoders that must carry each field unchanged;
 *   fb_stats_rec() the same for the exporter's statistics record.
 * Addresses are text (IPv4 or IPv6); a bad one fails the test.
 */
#include <stdint.h>

#include <glib.h>

#include "collector/model/flow.h"
#include "common/addr.h"
#include "common/model.h"

/* src:sport -> dst:dport over proto, packets and octets in start..end. */
struct col_flow fb_flow(const char *src, uint16_t sport, const char *dst,
    uint16_t dport, uint8_t proto, uint64_t packets, uint64_t octets,
    uint64_t start_ms, uint64_t end_ms);

/* The same with addresses already parsed. */
struct col_flow fb_flow_addr(const struct mf_addr *src, uint16_t sport,
    const struct mf_addr *dst, uint16_t dport, uint8_t proto, uint64_t packets,
    uint64_t octets, uint64_t start_ms, uint64_t end_ms);

/* a from text; fails the test if it is not an address. */
void fb_addr(struct mf_addr *a, const char *text);

/*
 * Every field of r set (TCP 192.0.2.1:50000 -> 198.51.100.2:443 and its
 * IPv6 twin, counters above 2^32, a 61.333 s flow); v6 changes sport to
 * 40000 and the end reason, to tell two records apart.  No label.
 */
void fb_flow_rec(struct mf_flow_rec *r, gboolean v6);

/* Every field of s set (1, 2, 3, ... some above 2^32), for domain. */
void fb_stats_rec(struct mf_stats_rec *s, uint32_t domain);

#endif
