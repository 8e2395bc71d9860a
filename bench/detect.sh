#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Issue 16's measurement of the anomaly detectors: records per second with
# all eleven detectors on, with the first round's eight (r1), and with none,
# and peak RSS at 10k and 1M distinct sources (flat: the state is fixed at
# start-up).  The runs are bench/collector_anomaly.sh's; this sets the
# inputs issue 16 asks for and leaves out callgrind (BENCH_NO_INSNS) unless
# it is set to "".  See bench/README.md.
#
# usage: bench/detect.sh [REPS]   (default 3)
top=$(cd "$(dirname "$0")/.." && pwd)
export BENCH_SOURCES="${BENCH_SOURCES:-10000 1000000}"
export BENCH_NO_INSNS="${BENCH_NO_INSNS-1}"
exec bash "$top/bench/collector_anomaly.sh" "$@"
