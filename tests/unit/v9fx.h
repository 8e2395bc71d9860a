/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef TESTS_V9FX_H
#define TESTS_V9FX_H

/*
 * v9fx: the records the NetFlow v9 encoder tests send (test_v9.c,
 * test_v9_tshark.c), every field set, times relative to an exporter that
 * booted at V9FX_BOOT_MS and writes at V9FX_NOW_MS.
 */
#include <stdint.h>

#include "common/model.h"

#define V9FX_BOOT_MS UINT64_C(1700000000000)
#define V9FX_NOW_MS (V9FX_BOOT_MS + 90061001) /* 1 d 1 h 1 min 1.001 s */
#define V9FX_SOURCE_ID UINT32_C(0x01020304)

/* fb_flow_rec() of a flow from 0.123 s to 4.567 s after boot. */
void v9fx_flow(struct mf_flow_rec *r, uint16_t sport);

/* fb_stats_rec() of an exporter that booted at V9FX_BOOT_MS. */
void v9fx_stats(struct mf_stats_rec *s);

#endif
