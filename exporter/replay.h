/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef EXP_REPLAY_H
#define EXP_REPLAY_H

/*
 * replay: --replay-speed, a capture file sent to a live collector as if it
 * were happening now.  The first packet is placed at the moment it is
 * read; every later one keeps its distance to the first, divided by the
 * speed, both in when it is processed (the exporter waits for it) and in
 * its timestamp.  A collector then sees records of the present, in
 * real time, instead of records hours old that all count as late.
 * Pure arithmetic on the caller's clocks: the exporter's loop does the
 * waiting, so signals still stop it at once.
 */
#include <stdint.h>

struct exp_replay {
	uint64_t speed;         /* 1 .. 1000; gaps are divided by it */
	uint64_t first_ts_ms;   /* the first packet's own time */
	uint64_t start_ms;      /* wall clock when it was read */
	uint64_t start_mono_us; /* monotonic clock then */
	int started;
};

/* Begin a replay at the given speed (>= 1); nothing is read yet. */
void exp_replay_init(struct exp_replay *r, uint64_t speed);

/*
 * A packet with time ts_ms is read at wall time now_ms and monotonic time
 * mono_us: returns its new time, and in *wait_us how long to wait before
 * processing it (0 if it is due).  The first call fixes the origin.  A
 * packet older than the first (files are not always in order) is due at
 * once and keeps the first one's new time.
 */
uint64_t exp_replay_time(struct exp_replay *r, uint64_t ts_ms, uint64_t now_ms,
    uint64_t mono_us, uint64_t *wait_us);

/*
 * The replay's clock at monotonic time mono_us (after the first packet):
 * the time a packet read now would carry.  The exporter's timers run on
 * it while waiting, so records leave on time through long gaps.
 */
uint64_t exp_replay_now(const struct exp_replay *r, uint64_t mono_us);

#endif
