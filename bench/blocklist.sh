#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Measure the blocklists: memory and lookup cost with N IP entries and N
# domains (default 1,000,000 each), and minflow-collector's records per
# second reading an IPFIX file with blocklists and alerts on and off.
# See bench/README.md.
#
# usage: bench/blocklist.sh [REPS]         (default 3; the median is kept)
#
# environment:
#   MF_BUILDDIR     configured build tree (default: build/ at the top)
#   MF_SHARED_DIR   shared/ directory with pcaps/ (default: ../shared)
#   BENCH_OUT       where everything is written (default: bench/out)
#   BENCH_ENTRIES   entries of each list (default 1000000)
#   BENCH_LOOKUPS   lookups of each kind (default 2000000)
#   BENCH_PCAP      the capture (default: $BENCH_OUT/big.pcap, made by
#                   bench/make_big_pcap.py when missing)
#   BENCH_COPIES    copies of its IPFIX file read by the collector
#                   (default 3)
#   BENCH_NO_BUILD  set to skip make
#
# Writes $BENCH_OUT/blocklist-results.md.  Starts no server; every run is
# bounded by timeout(1).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
reps=${1:-3}
case $reps in '' | *[!0-9]*) echo "usage: $0 [REPS]" >&2; exit 2 ;; esac
out=${BENCH_OUT:-$top/bench/out}
build=${MF_BUILDDIR:-$top/build}
shared=${MF_SHARED_DIR:-$top/../shared}
entries=${BENCH_ENTRIES:-1000000}
lookups=${BENCH_LOOKUPS:-2000000}
copies=${BENCH_COPIES:-3}
work=$out/blocklist
res=$out/blocklist-results.md
mkdir -p "$work" || exit 1

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

if [ -z "${BENCH_NO_BUILD:-}" ]; then
	make -C "$build" minflow-exporter minflow-collector bench_blocklist \
	    >"$work/make.log" 2>&1 || die "make failed (see $work/make.log)"
fi
[ -s "$work/ip.txt" ] && [ "$(wc -l <"$work/ip.txt")" -eq "$((entries + 1))" ] ||
	python3 "$top/bench/make_blocklists.py" "$work" "$entries" ||
	die "make_blocklists.py failed"

# --- 1. the lists alone ------------------------------------------------------
for i in $(seq "$reps"); do
	timeout 600 "$build/bench_blocklist" "$work/ip.txt" "$work/domains.txt" \
	    "$lookups" >"$work/lookup.$i" || die "bench_blocklist failed"
done
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" "$work"/lookup.* | median; }

# --- 2. the collector with and without -------------------------------------
# The input: bench/make_big_pcap.py's capture (as bench/collector.sh makes
# it) through minflow-exporter -w, read COPIES times.
pcap=${BENCH_PCAP:-$out/big.pcap}
[ -s "$pcap" ] || timeout 600 python3 "$top/bench/make_big_pcap.py" "$pcap" \
    "$shared/pcaps" >&2 || die "make_big_pcap.py failed"
[ -s "$work/big.ipfix" ] ||
	"$build/minflow-exporter" -r "$pcap" -w "$work/big.ipfix" 2>/dev/null ||
	die "exporter -w failed"
"$build/minflow-exporter" -r "$shared/pcaps/ipv6-http.pcap" \
    -w "$work/small.ipfix" 2>/dev/null || die "exporter -w failed"
files=()
for i in $(seq "$copies"); do files+=(-r "$work/big.ipfix"); done
cat >"$work/off.conf" <<CONF
[alerts]
state-file =
CONF
cat >"$work/on.conf" <<CONF
[blocklists]
ip = $work/ip.txt
domain = $work/domains.txt
[alerts]
state-file =
file = $work/alerts.jsonl
CONF
# One run: "records start end" on the standard output.
run() {
	local conf=$1 t0 t1 n
	shift
	rm -rf "$work/out"
	t0=$(date +%s.%N)
	timeout 600 "$build/minflow-collector" -C "$conf" -o "$work/out" "$@" \
	    >"$work/col.log" 2>&1 || die "collector failed"
	t1=$(date +%s.%N)
	n=$(sed -n 's/.*records \([0-9]*\), late.*/\1/p' "$work/col.log")
	echo "$n $t0 $t1"
}
for i in $(seq "$reps"); do run "$work/off.conf" "${files[@]}"; done >"$work/off.runs"
for i in $(seq "$reps"); do run "$work/on.conf" "${files[@]}"; done >"$work/on.runs"
# The fixed cost with the lists: loading and freeing them, on a tiny input.
for i in $(seq "$reps"); do run "$work/on.conf" -r "$work/small.ipfix"; done >"$work/fixed.runs"
recs=$(awk 'NR == 1 { print $1 }' "$work/off.runs")
off=$(awk '{ printf "%.0f\n", $1 / ($3 - $2) }' "$work/off.runs" | median)
on=$(awk '{ printf "%.0f\n", $1 / ($3 - $2) }' "$work/on.runs" | median)
fixed=$(awk '{ printf "%.2f\n", $3 - $2 }' "$work/fixed.runs" | median)
on_net=$(awk -v f="$fixed" '{ printf "%.0f\n", $1 / ($3 - $2 - f) }' \
    "$work/on.runs" | median)
load=$(field load_s)

{
	echo "# Blocklists: memory and lookup cost"
	echo
	echo "Machine: $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)."
	echo "Median of $reps runs; $entries IP entries and $entries domains"
	echo "(bench/make_blocklists.py), $lookups lookups of each kind."
	echo
	echo "| measure | value |"
	echo "| --- | --- |"
	echo "| IP entries loaded | $(field ip) |"
	echo "| domains loaded | $(field domains) |"
	echo "| bytes held by the set (its own count) | $(field bytes) |"
	echo "| resident memory added (KiB) | $(field rss_added_kib) |"
	echo "| load time, both lists (s) | $load |"
	echo "| ns per IPv4 address lookup | $(field ns_per_addr) |"
	echo "| ns per name lookup (half listed) | $(field ns_per_name) |"
	echo
	echo "# Collector records/s, blocklists and alerts off vs on"
	echo
	echo "minflow-collector -r on $copies copies of the IPFIX file of"
	echo "bench/make_big_pcap.py's capture ($recs records a run)."
	echo
	echo "| run | records/s |"
	echo "| --- | --- |"
	echo "| off | $off |"
	echo "| on (lists of $entries + $entries, file sink) | $on |"
	echo "| on, less the fixed cost of the lists (${fixed} s: load, free) | $on_net |"
} >"$res"
cat "$res"
