#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# What DNS labelling costs minflow-exporter: the same DNS-heavy capture
# (bench/make_dns_pcap.py) read with the defaults and with --no-dns.
# Reports instructions per packet (callgrind, user space, repeatable), the
# median wall time of REPS runs and the peak RSS.  See bench/README.md.
#
# usage: bench/dns.sh [REPS]              (default 5)
#
# environment:
#   MF_BUILDDIR     configured build tree holding minflow-exporter
#                   (default: build/ at the top of the tree)
#   BENCH_OUT       where everything is written (default: bench/out)
#   BENCH_DNS_PCAP  the capture (default: $BENCH_OUT/dns.pcap, made by
#                   bench/make_dns_pcap.py when missing)
#   BENCH_NO_INSNS  set to skip callgrind
#
# Writes $BENCH_OUT/dns-results.md.  Reads a file and writes /dev/null:
# no network, no signals; every run is bounded by timeout(1).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${MF_BUILDDIR:-$top/build}
out=${BENCH_OUT:-$top/bench/out}
pcap=${BENCH_DNS_PCAP:-$out/dns.pcap}
reps=${1:-5}
exporter=$build/minflow-exporter
limit=600

[ -x "$exporter" ] || { echo "no $exporter: build it first" >&2; exit 1; }
mkdir -p "$out"
[ -f "$pcap" ] || python3 "$top/bench/make_dns_pcap.py" "$pcap"
packets=$(capinfos -M -c "$pcap" | awk '/Number of packets/ { print $NF }')

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# measure LABEL OPTIONS...: "label wall_s maxrss_kib insns_per_packet"
measure() {
	local label=$1 i insns=- n
	shift
	: >"$out/dns-$label.runs"
	for ((i = 0; i < reps; i++)); do
		/usr/bin/time -f '%e %M' -o "$out/dns-$label.time" \
		    timeout "$limit" "$exporter" -r "$pcap" -w /dev/null "$@"
		cat "$out/dns-$label.time" >>"$out/dns-$label.runs"
	done
	if [ -z "${BENCH_NO_INSNS:-}" ]; then
		timeout "$limit" valgrind --tool=callgrind \
		    --callgrind-out-file="$out/callgrind.dns-$label" \
		    "$exporter" -r "$pcap" -w /dev/null "$@" \
		    2>"$out/dns-$label.callgrind.err"
		n=$(sed -n 's/.*Collected : *//p' "$out/dns-$label.callgrind.err")
		insns=$(awk -v n="$n" -v p="$packets" 'BEGIN { printf "%.0f", n / p }')
		# valgrind cannot load a --with-seccomp=yes build's filter: the
		# run stops at once, and its count is not the exporter's.
		if grep -q 'system call filter' "$out/dns-$label.callgrind.err"
		then
			echo "dns.sh: no instruction count: configure" \
			    "--with-seccomp=no for callgrind" >&2
			insns="-"
		fi
	fi
	echo "$label $(awk '{ print $1 }' "$out/dns-$label.runs" | median)" \
	    "$(awk '{ print $2 }' "$out/dns-$label.runs" | median) $insns"
}

{
	echo "# DNS labelling cost: $packets packets, $reps runs each"
	echo
	echo "| run | median wall s | packets/s | peak RSS KiB | instructions/packet |"
	echo "| --- | ---: | ---: | ---: | ---: |"
	for run in "dns" "no-dns --no-dns"; do
		# shellcheck disable=SC2086 # the options are words
		set -- $run
		label=$1
		shift
		read -r l wall rss insns < <(measure "$label" "$@")
		rate=$(awk -v p="$packets" -v w="$wall" 'BEGIN { printf "%.0f", p / w }')
		echo "| $l | $wall | $rate | $rss | $insns |"
	done
} | tee "$out/dns-results.md"
