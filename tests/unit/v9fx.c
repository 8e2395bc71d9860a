/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "tests/unit/flowbuild.h"
#include "tests/unit/v9fx.h"

void
v9fx_flow(struct mf_flow_rec *r, uint16_t sport)
{
	static const uint8_t smac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

	fb_flow_rec(r, TRUE);
	/* sysUpTime-relative times: 0.123 s and 4.567 s after boot */
	r->start_ms = V9FX_BOOT_MS + 123;
	r->end_ms = V9FX_BOOT_MS + 4567;
	r->sport = sport;
	r->icmp6 = 0x0104; /* type 1 code 4: what v9 sends as ICMP_TYPE */
	memcpy(r->src_mac, smac, sizeof(smac));
}

void
v9fx_stats(struct mf_stats_rec *s)
{
	fb_stats_rec(s, V9FX_SOURCE_ID);
	s->init_ms = V9FX_BOOT_MS;
	s->octets_exported = UINT64_C(0xfedcba9876543210); /* all 64 bits */
}
