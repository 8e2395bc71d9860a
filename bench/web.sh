#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Measure what the web's live stream costs the collector's ingest: the
# rate at which a live minflow-collector takes the records of a large
# IPFIX file sent over TCP on 127.0.0.1 (TCP: nothing is lost, so the
# sender waits for the collector), with no web client and with 5 stream
# clients reading /api/v1/stream as fast as they can.  See bench/README.md.
#
# usage: bench/web.sh [REPS]               (default 3; the median is kept)
#
# environment:
#   MF_BUILDDIR    configured build tree (default: build/ at the top)
#   MF_SHARED_DIR  shared/ directory with pcaps/ (default: ../shared)
#   BENCH_OUT      where everything is written (default: bench/out)
#   BENCH_PCAP     the capture (default: $BENCH_OUT/big.pcap, made by
#                  bench/make_big_pcap.py when missing)
#   BENCH_COPIES   times the IPFIX file is sent in one connection
#                  (default 2)
#   BENCH_NO_BUILD set to skip make
#
# Writes $BENCH_OUT/web-results.md and the logs under $BENCH_OUT/logs/web.
# Only talks to 127.0.0.1; only signals the processes it started, by PID;
# every run is bounded by timeout(1).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
reps=${1:-3}
case $reps in '' | *[!0-9]*) echo "usage: $0 [REPS]" >&2; exit 2 ;; esac
out=${BENCH_OUT:-$top/bench/out}
pcap=${BENCH_PCAP:-$out/big.pcap}
build=${MF_BUILDDIR:-$top/build}
export MF_SHARED_DIR=${MF_SHARED_DIR:-$top/../shared}
copies=${BENCH_COPIES:-2}
logs=$out/logs/web
work=$out/web
res=$out/web-results.md
mkdir -p "$out" "$logs" "$work" || exit 1
PIDS=""
# shellcheck disable=SC2154 # p is the trap's own loop variable
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done' EXIT

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# shellcheck source=scripts/deps.sh
. "$top/scripts/deps.sh"
mf_install python3 curl || die "cannot install the tools"
[ -n "${BENCH_NO_BUILD:-}" ] ||
    make -C "$build" minflow-exporter minflow-collector >&2 ||
    die "make failed"
if [ ! -s "$pcap" ]; then
	log "making $pcap"
	timeout 600 python3 "$top/bench/make_big_pcap.py" "$pcap" \
	    "$MF_SHARED_DIR/pcaps" >&2 || die "make_big_pcap.py failed"
fi
ipfix=$work/big.ipfix
if [ ! -s "$ipfix" ]; then
	timeout 600 "$build/minflow-exporter" -r "$pcap" -w "$ipfix" \
	    2>"$logs/exporter.log" || die "exporter failed"
fi
records=$(timeout 600 "$build/minflow-collector" -r "$ipfix" \
    -o "$work/offline" 2>&1 | sed -n 's/.*info: records \([0-9]*\),.*/\1/p')
[ -n "$records" ] || die "offline collector failed"
records=$((records * copies))
log "$records records: $copies copies of $ipfix"

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
metric() {
	curl -s "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1 == m { print $2 }'
}

# one CLIENTS REP: prints "SECONDS CPU-SECONDS"
one() {
	d=$work/run-$1-$2
	rm -rf "$d"
	mkdir -p "$d"
	tcp=$(free_port)
	web=$(free_port)
	cat >"$d/minflow.conf" <<-CONF
	[listen]
	ipfix-udp =
	ipfix-tcp = 127.0.0.1:$tcp
	netflow-v9 =
	netflow-v5 =
	[reports]
	dir = $d/reports
	[history]
	db =
	[web]
	listen = 127.0.0.1:$web
	rate = 0
	CONF
	# Not under timeout(1): its PID is the collector's, for /proc.
	"$build/minflow-collector" -C "$d/minflow.conf" \
	    2>"$logs/collector-$1-$2.log" &
	col=$!
	PIDS="$PIDS $col"
	for _ in $(seq 50); do
		curl -s -o /dev/null "http://127.0.0.1:$web/metrics" && break
		sleep 0.1
	done
	for _ in $(seq "$1"); do
		timeout 900 curl -sN "http://127.0.0.1:$web/api/v1/stream" \
		    >/dev/null &
		PIDS="$PIDS $!"
	done
	for _ in $(seq 100); do
		[ "$(metric "$web" minflow_web_stream_clients)" = "$1" ] && break
		sleep 0.1
	done
	cpu0=$(awk '{ print $14 + $15 }' "/proc/$col/stat")
	t0=$(date +%s.%N)
	timeout 600 python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
with open(sys.argv[2], "rb") as f:
    data = f.read()
for _ in range(int(sys.argv[3])):
    s.sendall(data)
s.close()' "$tcp" "$ipfix" "$copies" || die "sending failed"
	# The counters are published 4 times a second; poll faster.
	for _ in $(seq 12000); do
		[ "$(metric "$web" minflow_records_total)" = "$records" ] && break
		sleep 0.05
	done
	t1=$(date +%s.%N)
	cpu1=$(awk '{ print $14 + $15 }' "/proc/$col/stat")
	drops=$(metric "$web" minflow_web_stream_dropped_total)
	kill "$col"
	wait "$col" 2>/dev/null
	awk -v a="$t0" -v b="$t1" -v c="$cpu0" -v e="$cpu1" -v d="$drops" \
	    -v hz="$(getconf CLK_TCK)" \
	    'BEGIN { printf "%.3f %.2f %s\n", b - a, (e - c) / hz, d }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for mode in 0 5; do
	: >"$work/times-$mode"
	for r in $(seq "$reps"); do
		line=$(one "$mode" "$r")
		log "clients $mode run $r: $line (seconds, collector CPU s, drops)"
		echo "$line" >>"$work/times-$mode"
	done
done
t0=$(cut -d' ' -f1 <"$work/times-0" | median)
t5=$(cut -d' ' -f1 <"$work/times-5" | median)
c0=$(cut -d' ' -f2 <"$work/times-0" | median)
c5=$(cut -d' ' -f2 <"$work/times-5" | median)
d5=$(cut -d' ' -f3 <"$work/times-5" | median)
{
	echo "# minflow-collector ingest with and without stream clients"
	echo
	echo "$records records over TCP, median of $reps runs, $(nproc) CPUs:"
	echo
	echo "| stream clients | seconds | records/s | collector CPU s | drops |"
	echo "|---|---|---|---|---|"
	awk -v t="$t0" -v n="$records" -v c="$c0" \
	    'BEGIN { printf "| 0 | %.2f | %.0f | %.2f | 0 |\n", t, n / t, c }'
	awk -v t="$t5" -v n="$records" -v c="$c5" -v d="$d5" \
	    'BEGIN { printf "| 5 | %.2f | %.0f | %.2f | %s |\n", t, n / t, c, d }'
	awk -v a="$t0" -v b="$t5" \
	    'BEGIN { printf "\nWith 5 clients the ingest takes %.1f%% longer.\n", (b / a - 1) * 100 }'
} >"$res"
cat "$res"
