#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# What the anomaly detectors cost minflow-collector: records per second
# and instructions per record reading the same large IPFIX files (-r) with
# every detector on (the defaults), with the three of issue 16 off
# (udp_reflection, dns_tunnel, beacon: "r1", the first round's eight) and
# with every one off ([anomaly.NAME] enabled = false), and peak RSS fed
# 10k, 100k and 1M distinct sources.  Goal: under 25% slower with the detectors on, and
# memory that stays flat as sources grow.  See bench/README.md.
#
# usage: bench/collector_anomaly.sh [REPS]   (default 3; medians are kept)
#
# environment:
#   MF_BUILDDIR     configured build tree (default: build/ at the top)
#   MF_SHARED_DIR   shared/ directory with pcaps/ (default: ../shared)
#   BENCH_OUT       where everything is written (default: bench/out)
#   BENCH_PCAP      the capture (default: $BENCH_OUT/big.pcap, made by
#                   bench/make_big_pcap.py when missing)
#   BENCH_COPIES    copies of the capture's IPFIX file (default 5)
#   BENCH_SOURCES   distinct sources of the memory runs (default
#                   "10000 100000 1000000")
#   BENCH_NO_BUILD  set to skip make
#   BENCH_NO_INSNS  set to skip the instruction counts (callgrind)
#
# Writes $BENCH_OUT/anomaly-results.md and the logs of every run under
# $BENCH_OUT/logs/anomaly.  Opens no socket (the collector runs with no
# listener); every run is bounded by timeout(1).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
reps=${1:-3}
case $reps in '' | *[!0-9]*) echo "usage: $0 [REPS]" >&2; exit 2 ;; esac
[ "$reps" -ge 1 ] || { echo "REPS must be >= 1" >&2; exit 2; }
out=${BENCH_OUT:-$top/bench/out}
pcap=${BENCH_PCAP:-$out/big.pcap}
build=${MF_BUILDDIR:-$top/build}
export MF_SHARED_DIR=${MF_SHARED_DIR:-$top/../shared}
copies=${BENCH_COPIES:-5}
sources=${BENCH_SOURCES:-10000 100000 1000000}
logs=$out/logs/anomaly
res=$out/anomaly-results.md
work=$out/anomaly
RUN_LIMIT=600 # seconds, per run
ROUND2="udp_reflection dns_tunnel beacon"
DETECTORS="fan_out port_scan_vertical port_scan_horizontal syn_scan
half_open brute_force dns_amplification ddos_target $ROUND2"
mkdir -p "$out" "$logs" "$work" || exit 1

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# --- what we need --------------------------------------------------------
# shellcheck source=scripts/deps.sh
. "$top/scripts/deps.sh"
need="time python3"
[ -z "${BENCH_NO_INSNS:-}" ] && need="$need valgrind"
# shellcheck disable=SC2086 # a word list
mf_install $need || die "cannot install what the benchmark needs"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is missing"
if [ -z "${BENCH_NO_BUILD:-}" ]; then
	[ -f "$build/Makefile" ] ||
	    die "$build is not a configured build tree (set MF_BUILDDIR)"
	make -s -C "$build" minflow-collector minflow-exporter \
	    >"$logs/make.log" 2>&1 || die "make failed, see $logs/make.log"
fi
collector=$build/minflow-collector
exporter=$build/minflow-exporter
{ [ -x "$collector" ] && [ -x "$exporter" ]; } ||
    die "minflow binaries not found in $build"
commit=$(git -C "$top" describe --always --dirty 2>/dev/null)
replay=$out/udp_replay
cc -O2 -Wall -o "$replay" "$top/bench/udp_replay.c" ||
    die "cannot build bench/udp_replay.c"

# --- the inputs -----------------------------------------------------------
# big.ipfix: minflow-exporter -r big.pcap -w, made when missing (delete it
# to make it again with another exporter).
# dense.ipfix and offline.ipfix as bench/collector.sh makes them (COPIES
# copies of the capture's records, squeezed into one minute each, or
# moved in time one after the other); sources-N.ipfix from
# bench/make_sources_ipfix.py; slice-*.ipfix, the first 6,000 messages,
# for callgrind.
if [ ! -s "$pcap" ]; then
	log "making $pcap"
	timeout "$RUN_LIMIT" python3 "$top/bench/make_big_pcap.py" "$pcap" \
	    "$MF_SHARED_DIR/pcaps" >&2 || die "make_big_pcap.py failed"
fi
log "making the IPFIX files"
one=$work/big.ipfix
if [ ! -s "$one" ]; then
	timeout "$RUN_LIMIT" "$exporter" -r "$pcap" -w "$one.tmp" &&
	    mv "$one.tmp" "$one" || die "minflow-exporter -w failed"
fi
"$replay" -w "$work/dense.ipfix" -l "$copies" -d 60 "$one" >/dev/null &&
    "$replay" -w "$work/offline.ipfix" -l "$copies" "$one" >/dev/null ||
    die "udp_replay -w failed"
for n in $sources; do
	timeout "$RUN_LIMIT" python3 "$top/bench/make_sources_ipfix.py" "$n" \
	    "$work/sources-$n.ipfix" || die "make_sources_ipfix.py failed"
done
python3 - "$work" <<'EOF' || die "cannot slice the files"
import struct, sys
for name in ("dense", "offline"):
    d = open("%s/%s.ipfix" % (sys.argv[1], name), "rb").read()
    off = n = 0
    while n < 6000 and off < len(d):
        off += struct.unpack(">H", d[off + 2:off + 4])[0]
        n += 1
    open("%s/slice-%s.ipfix" % (sys.argv[1], name), "wb").write(d[:off])
EOF

# on.conf: no listeners, every report kept, the detectors at their
# defaults; off.conf: the same with every detector disabled; r1.conf:
# with those of issue 16 disabled.
printf '[listen]\nipfix-udp =\nipfix-tcp =\nnetflow-v9 =\nnetflow-v5 =\n[reports]\nretention-days = 0\n' \
    >"$work/on.conf"
cp "$work/on.conf" "$work/off.conf"
cp "$work/on.conf" "$work/r1.conf"
for d in $DETECTORS; do
	printf '[anomaly.%s]\nenabled = false\n' "$d" >>"$work/off.conf"
done
for d in $ROUND2; do
	printf '[anomaly.%s]\nenabled = false\n' "$d" >>"$work/r1.conf"
done

# Reports go to tmpfs when there is one: each is fsynced twice, which on
# disk costs more than the detectors (bench/README.md).
rdir=$work/reports
[ -d /dev/shm ] && [ -w /dev/shm ] &&
    rdir=$(mktemp -d /dev/shm/minflow-bench.XXXXXX)/reports
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() { case $rdir in /dev/shm/*) rm -rf "${rdir%/reports}" ;; esac; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# run LABEL MODE INPUT REP: one timed run; appends "wall_s cpu_s rss_kib
# records reports" to $work/LABEL-MODE.runs
run() {
	local tag=$1-$2.$4 t0 t1
	rm -rf "$rdir"
	t0=$(date +%s%N)
	timeout "$RUN_LIMIT" /usr/bin/time -o "$logs/$tag.time" -f '%U %S %M' \
	    "$collector" -C "$work/$2.conf" -r "$work/$3.ipfix" -o "$rdir" \
	    </dev/null >/dev/null 2>"$logs/$tag.err" ||
	    { log "$tag failed, see $logs/$tag.err"; return 1; }
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" \
	    -v r="$(sed -n 's/.*info: records \([0-9]*\),.*/\1/p' "$logs/$tag.err")" \
	    -v n="$(sed -n 's/.*, reports \([0-9]*\) .*/\1/p' "$logs/$tag.err")" \
	    '{ printf "%.4f %.2f %d %d %d\n", (b - a) / 1e9, $1 + $2, $3, r, n }' \
	    "$logs/$tag.time" >>"$work/$1-$2.runs"
	# the detectors' state as the last report saw it
	python3 -c 'import json, sys
print(json.dumps(json.load(open(sys.argv[1])).get("anomaly_state")))' \
	    "$rdir/latest.json" >"$work/$1-$2.state" 2>/dev/null
}

rm -f "$work"/*.runs "$work"/*.state "$work"/*.insns
start=$(date +%s)
for rep in $(seq "$reps"); do
	log "repetition $rep of $reps"
	# on and off alternate, so that a change in the machine's load
	# falls on both
	for input in dense offline; do
		run "$input" on "$input" "$rep"
		run "$input" r1 "$input" "$rep"
		run "$input" off "$input" "$rep"
	done
	for n in $sources; do
		run "sources-$n" on "sources-$n" "$rep"
		run "sources-$n" r1 "sources-$n" "$rep"
		run "sources-$n" off "sources-$n" "$rep"
	done
done
log "timed runs took $(($(date +%s) - start)) s"

# --- instructions ------------------------------------------------------------
if [ -z "${BENCH_NO_INSNS:-}" ]; then
	for input in dense offline; do
		for mode in on off; do
			rm -rf "$rdir"
			log "callgrind: slice-$input, detectors $mode"
			timeout "$RUN_LIMIT" valgrind --tool=callgrind \
			    --callgrind-out-file="$logs/callgrind.$input-$mode" \
			    "$collector" -C "$work/$mode.conf" \
			    -r "$work/slice-$input.ipfix" -o "$rdir" \
			    </dev/null >/dev/null 2>"$logs/callgrind.$input-$mode.err" ||
			    { log "callgrind failed"; continue; }
			printf '%s %s\n' \
			    "$(sed -n 's/^summary: //p' "$logs/callgrind.$input-$mode")" \
			    "$(sed -n 's/.*info: records \([0-9]*\),.*/\1/p' \
			        "$logs/callgrind.$input-$mode.err")" \
			    >"$work/$input-$mode.insns"
		done
	done
fi

# --- the results ---------------------------------------------------------------
python3 - "$work" "$commit" "$reps" "$sources" >"$res" <<'EOF' ||
import os, statistics, sys

work, commit, reps, sources = sys.argv[1:5]


def runs(name):
    path = "%s/%s.runs" % (work, name)
    if not os.path.exists(path):
        return None
    rows = [list(map(float, l.split())) for l in open(path) if l.strip()]
    return [statistics.median(c) for c in zip(*rows)]


def read(name, ext):
    path = "%s/%s.%s" % (work, name, ext)
    return open(path).read().strip() if os.path.exists(path) else ""


print("# minflow-collector: anomaly detectors on vs off\n")
print("on: all eleven; r1: without udp_reflection, dns_tunnel and beacon; "
      "off: none.\n")
print("Commit %s, medians of %s runs.  Offline (`-r`), reports on tmpfs.\n"
      % (commit, reps))
print("| input | records | reports | detectors | wall s | records/s "
      "| CPU s | records/s by CPU | peak RSS MiB | slower (wall) "
      "| slower (CPU) |")
print("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: "
      "| ---: |")
inputs = ["dense", "offline"] + ["sources-" + n for n in sources.split()]
for i in inputs:
    off = runs(i + "-off")
    for mode in ("on", "r1", "off"):
        r = runs(i + "-" + mode)
        if r is None:
            continue
        wall, cpu, rss, rec, rep = r
        slow = ["", ""]
        if mode != "off" and off is not None:
            slow = ["%+.1f%%" % (100 * (wall / off[0] - 1)),
                    "%+.1f%%" % (100 * (cpu / off[1] - 1))]
        print("| %s | %d | %d | %s | %.2f | %.0f | %.2f | %.0f | %.1f | %s "
              "| %s |" % (i, rec, rep, mode, wall, rec / wall, cpu,
                          rec / max(cpu, 0.01), rss / 1024, slow[0],
                          slow[1]))
print("\nDetector state at the last report (`anomaly_state`), detectors on:\n")
for i in inputs:
    print("- %s: %s" % (i, read(i + "-on", "state") or "-"))
print("\nInstructions (callgrind, first 6,000 messages):\n")
print("| slice | detectors | instructions | records | per record | slower |")
print("| --- | --- | ---: | ---: | ---: | ---: |")
for i in ("dense", "offline"):
    per = {}
    for mode in ("off", "on"):
        v = read(i + "-" + mode, "insns").split()
        if len(v) == 2 and int(v[1]) > 0:
            per[mode] = (int(v[0]), int(v[1]))
    for mode in ("on", "off"):
        if mode in per:
            ins, rec = per[mode]
            slow = ""
            if mode == "on" and "off" in per:
                slow = "%+.1f%%" % (100 * (ins / per["off"][0] - 1))
            print("| %s | %s | %d | %d | %.0f | %s |"
                  % (i, mode, ins, rec, ins / rec, slow))
EOF
    die "cannot write $res"
log "wrote $res"
cat "$res"
