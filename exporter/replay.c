/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "exp-replay"

#include <glib.h>

#include "exporter/replay.h"

void
exp_replay_init(struct exp_replay *r, uint64_t speed)
{
	g_assert(speed >= 1);
	r->speed = speed;
	r->first_ts_ms = r->start_ms = r->start_mono_us = 0;
	r->started = 0;
}

uint64_t
exp_replay_time(struct exp_replay *r, uint64_t ts_ms, uint64_t now_ms,
    uint64_t mono_us, uint64_t *wait_us)
{
	uint64_t gap_ms, due_us;

	if (!r->started) {
		r->started = 1;
		r->first_ts_ms = ts_ms;
		r->start_ms = now_ms;
		r->start_mono_us = mono_us;
	}
	gap_ms = ts_ms > r->first_ts_ms ? ts_ms - r->first_ts_ms : 0;
	/* a file's span fits easily: 2^64 us is 584,000 years */
	due_us = r->start_mono_us + gap_ms * 1000 / r->speed;
	*wait_us = due_us > mono_us ? due_us - mono_us : 0;
	return r->start_ms + gap_ms / r->speed;
}

uint64_t
exp_replay_now(const struct exp_replay *r, uint64_t mono_us)
{
	uint64_t us =
	    mono_us > r->start_mono_us ? mono_us - r->start_mono_us : 0;

	return r->start_ms + us * r->speed / 1000;
}
