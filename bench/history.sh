#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Measure the collector's history (minflow-history(5)): the database size
# per day for home-like traffic, the writer's transaction per interval,
# and the latency of the web API's queries on 30 days of 60 s reports
# with 1,000 devices.  See bench/README.md.
#
# usage: bench/history.sh
#
# environment:
#   MF_BUILDDIR     configured build tree (default: build/ at the top)
#   MF_SHARED_DIR   shared/ directory with pcaps/ (default: ../shared)
#   BENCH_OUT       where everything is written (default: bench/out)
#   BENCH_DAYS      days of the big history (default 30)
#   BENCH_ACTIVE    devices of the 1,000 in each report (default 40)
#   BENCH_REPS      runs of each query (default 50)
#   BENCH_NO_BUILD  set to skip make
#
# Writes $BENCH_OUT/history-results.md; the databases are removed at the
# end.  Starts no server and touches no network.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
build=${MF_BUILDDIR:-$top/build}
shared=${MF_SHARED_DIR:-$top/../shared}
out=${BENCH_OUT:-$top/bench/out}
days=${BENCH_DAYS:-30}
active=${BENCH_ACTIVE:-40}
reps=${BENCH_REPS:-50}
mkdir -p "$out/history"
w=$out/history
res=$out/history-results.md
die() { echo "history.sh: $*" >&2; exit 1; }

if [ -z "${BENCH_NO_BUILD:-}" ]; then
	make -C "$build" -j2 minflow-exporter minflow-collector history_bench \
	    >"$w/make.log" 2>&1 || die "make failed (see $w/make.log)"
fi
hb=$build/history_bench
[ -x "$hb" ] || die "no $hb"

{
	echo "# History (bench/history.sh)"
	echo
	echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs," \
	    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
	    "SQLite $(pkg-config --modversion sqlite3)"
	echo
} >"$res"

# 1. A capture of a home network (the lab's IoT capture, 10 minutes):
# reports and history offline, the rows an interval writes.
cap=$shared/pcaps/mixed-home-iot-telnet-hscan.pcap
rm -rf "$w/lab" && mkdir -p "$w/lab"
printf '[reports]\ndir = %s\nretention-days = 0\n[history]\ndb = %s\n' \
    "$w/lab/rep" "$w/lab/h.sqlite" >"$w/lab/c.conf"
timeout 300 "$build/minflow-exporter" -r "$cap" -w "$w/lab/f.ipfix" \
    2>/dev/null || die "export failed"
timeout 300 "$build/minflow-collector" -C "$w/lab/c.conf" \
    -r "$w/lab/f.ipfix" 2>/dev/null || die "collector failed"
n=$(find "$w/lab/rep" -name '[0-9]*.json' | wc -l)
rows=$(python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT count(*) FROM agg WHERE level = 0").fetchone()[0])' \
    "$w/lab/h.sqlite")
{
	echo "## Database size"
	echo
	echo "Lab capture ($(basename "$cap")): $n reports, $rows rows of" \
	    "their own (level 0), $((rows / n)) an interval; the home-like" \
	    "model below writes 105 an interval (12 devices with 6 names," \
	    "6 classes, 15 DNS names), so its sizes bound the lab's traffic" \
	    "from above."
	echo
} >>"$res"

# 2. Home-like, generated: 20 devices, 12 in each minute with 6 remote
# names each, 15 DNS names; a week with the default retention.
rm -f "$w/home.sqlite"*
"$hb" write "$w/home.sqlite" 7 20 12 6 15 >"$w/home.txt" ||
    die "home write failed"
{
	echo "Home-like (20 devices, 12 active a minute, 6 names each," \
	    "15 DNS names), size at the end of each day (default retention:" \
	    "the minute rows stop growing after the first day):"
	echo
	echo '| day | bytes |'
	echo '|---|---|'
	sed -n 's/^day \([0-9]*\) size \([0-9]*\)/| \1 | \2 |/p' "$w/home.txt"
	echo
	echo "Writer, one transaction per interval: $(grep write_us "$w/home.txt")"
	echo
} >>"$res"

# 3. 30 days of 60 s reports, 1,000 devices: writer and queries.
rm -f "$w/big.sqlite"*
"$hb" write "$w/big.sqlite" "$days" 1000 "$active" 3 20 >"$w/big.txt" ||
    die "big write failed"
newest=$((1767225600 + days * 86400 - 60))
"$hb" query "$w/big.sqlite" "$reps" "$newest" >"$w/query.txt" ||
    die "queries failed"
{
	echo "## $days days of 60 s reports, 1,000 devices"
	echo
	echo "$active devices of 1,000 in each report, 3 remote names each," \
	    "20 DNS names; size at the end: $(tail -2 "$w/big.txt" | head -1 |
	    sed 's/.*size //') bytes."
	echo "Writer: $(grep write_us "$w/big.txt")."
	echo
	echo "Queries (one read-only connection, $reps runs each, range ending" \
	    "at the newest interval):"
	echo
	echo '| query | range | p50 | p99 |'
	echo '|---|---|---|---|'
	awk '{ printf "| %s | %s | %s ms | %s ms |\n", $1, $2, $4, $7 }' \
	    "$w/query.txt"
} >>"$res"
rm -f "$w/home.sqlite"* "$w/big.sqlite"* "$w/lab/h.sqlite"*
cat "$res"
