#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# bench/flood.sh: minflow-collector's memory under a flood of distinct
# sources.  For each N of BENCH_SOURCES (default 10000 100000 1000000),
# bench/make_sources_ipfix.py makes N one-packet TCP SYNs from N distinct
# external sources to one internal server (every source new to the
# address table and to every per-source detector table), and
# `minflow-collector -r` reads it with every detector on and the default
# table sizes, reports on /dev/shm when there is one.  It prints, per N,
# peak RSS (VmHWM, GNU time's %M), CPU seconds, and from the last report
# the tables' used/capacity/evicted and the detectors' slots, used,
# evicted and unchecked probes.
#
# The check: every table stays within its capacity, and peak RSS at the
# largest N is at most BENCH_FLAT_MIB (default 16) above the second
# largest: what a flood can add is bounded by the configured sizes, not
# by the number of sources.  Exits 1 when that fails.
#
# usage: bench/flood.sh    (MF_BUILDDIR: a built tree, default build/;
# BENCH_OUT: where files go, default bench/out)
# Opens no socket; every run is bounded by timeout(1).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
out=${BENCH_OUT:-$top/bench/out}
build=${MF_BUILDDIR:-$top/build}
sources=${BENCH_SOURCES:-10000 100000 1000000}
flat=${BENCH_FLAT_MIB:-16}
work=$out/flood
res=$out/flood-results.md
RUN_LIMIT=600 # seconds, per run
mkdir -p "$work" || exit 1

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# shellcheck source=scripts/deps.sh
. "$top/scripts/deps.sh"
mf_install time python3 || die "cannot install what the benchmark needs"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is missing"
collector=$build/minflow-collector
[ -x "$collector" ] || die "no $collector (set MF_BUILDDIR)"

printf '[listen]\nipfix-udp =\nipfix-tcp =\nnetflow-v9 =\nnetflow-v5 =\n[reports]\nretention-days = 0\n' \
    >"$work/flood.conf"
rbase=$work
[ -d /dev/shm ] && [ -w /dev/shm ] && rbase=$(mktemp -d /dev/shm/minflow-flood.XXXXXX)

{
	echo "| sources | peak RSS MiB | CPU s | addresses used/cap (evicted) | streams used/cap (evicted) | detector slots used/slots (evicted, unchecked) |"
	echo "| ---: | ---: | ---: | --- | --- | --- |"
} >"$res"
status=0
prev="" last=""
for n in $sources; do
	f=$work/sources-$n.ipfix
	if [ ! -s "$f" ]; then
		log "making $f"
		timeout "$RUN_LIMIT" python3 "$top/bench/make_sources_ipfix.py" \
		    "$n" "$f" || die "make_sources_ipfix.py failed"
	fi
	rdir=$rbase/reports-$n
	{ rm -rf "$rdir" && mkdir -p "$rdir"; } || die "cannot make $rdir"
	log "$n sources"
	timeout "$RUN_LIMIT" /usr/bin/time -f '%M %U %S' -o "$work/time-$n" \
	    "$collector" -C "$work/flood.conf" -r "$f" -o "$rdir" \
	    2>"$work/collector-$n.log" || die "collector failed on $n sources"
	row=$(python3 - "$rdir/latest.json" "$work/time-$n" "$n" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
kb, user, sys_s = open(sys.argv[2]).read().split()[-3:]
t, a = d["tables"], d["anomaly_state"]
bad = [k for k, v in t.items() if v["used"] > v["capacity"]]
bad += ["anomaly"] if a["used"] > a["slots"] else []
cell = lambda v: "%d/%d (%d)" % (v["used"], v["capacity"], v["evicted"])
print("%d %s| %s | %.1f | %.2f | %s | %s | %d/%d (%d, %d) |" % (
    int(kb), ",".join(bad) or "-", "{:,}".format(int(sys.argv[3])),
    int(kb) / 1024, float(user) + float(sys_s), cell(t["addresses"]),
    cell(t["streams"]), a["used"], a["slots"], a["evicted"],
    a["unchecked"]))
PY
	) || die "cannot read the report of $n sources"
	kb=${row%% *} row=${row#* }
	bad=${row%%|*} row=${row#*|}
	[ "$bad" = "-" ] || { log "over capacity at $n: $bad"; status=1; }
	echo "|$row" >>"$res"
	prev=$last last=$kb
	rm -rf "$rdir"
done
[ "$rbase" != "$work" ] && rmdir "$rbase" 2>/dev/null
if [ -n "$prev" ] && [ $((last - prev)) -gt $((flat * 1024)) ]; then
	log "peak RSS grew by $(((last - prev) / 1024)) MiB between the last two floods (more than $flat)"
	status=1
fi
cat "$res"
exit $status
