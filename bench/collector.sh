#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Measure minflow-collector: records per second reading a large IPFIX file
# (-r), and the highest rate it receives over UDP on 127.0.0.1 without
# loss, compared with nfdump's nfcapd receiving the same stream; peak RSS
# and instructions per record.  See bench/README.md.
#
# usage: bench/collector.sh [REPS]         (default 3; the median is kept)
#
# environment:
#   MF_BUILDDIR       configured build tree (default: build/ at the top)
#   MF_SHARED_DIR     shared/ directory with pcaps/ (default: ../shared)
#   BENCH_OUT         where everything is written (default: bench/out)
#   BENCH_PCAP        the capture (default: $BENCH_OUT/big.pcap, made by
#                     bench/make_big_pcap.py when missing)
#   BENCH_COPIES      copies of the capture's IPFIX file in the offline
#                     input (default 5: 2.7 million records)
#   BENCH_UDP_SECS    seconds of sending per UDP run (default 5)
#   BENCH_UDP_REPS    runs per rate and receiver (default: REPS)
#   BENCH_UDP_RATES   flow records per second to try, in increasing order
#                     (default "50000 100000 200000 300000 400000 500000
#                     600000 800000 1000000"); a receiver stops at the first
#                     rate at which every run lost records.  The sender
#                     keeps up to about 1,000,000 here.
#   BENCH_UDP_KINDS   receivers to run over UDP (default "minflow nfcapd")
#   BENCH_UDP_WARM    records sent at 100,000/s to each receiver before
#                     the measured run (default 0: measure from a cold
#                     start); they come from another source port (another
#                     exporter to the receiver) and are subtracted from
#                     what it received; its CPU seconds include them
#   BENCH_NO_OFFLINE  set to skip the offline (-r) runs
#   BENCH_NO_BUILD    set to skip make
#   BENCH_NO_INSNS    set to skip the instruction counts (callgrind)
#
# Writes $BENCH_OUT/collector-results.md and the logs of every run under
# $BENCH_OUT/logs/collector.  Only talks to 127.0.0.1; only signals the
# receivers it started, by PID; every run is bounded by timeout(1).
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
udp_secs=${BENCH_UDP_SECS:-5}
udp_reps=${BENCH_UDP_REPS:-$reps}
rates=${BENCH_UDP_RATES:-50000 100000 200000 300000 400000 500000 600000 800000 1000000}
kinds=${BENCH_UDP_KINDS:-minflow nfcapd}
logs=$out/logs/collector
res=$out/collector-results.md
work=$out/collector
RUN_LIMIT=600 # seconds, per run
mkdir -p "$out" "$logs" "$work" || exit 1

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# --- what we need --------------------------------------------------------

# shellcheck source=scripts/deps.sh
. "$top/scripts/deps.sh"
mf_install time python3 pkg-config libpcap-dev nfdump ||
    die "cannot install what the benchmark needs"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is missing"
command -v nfcapd >/dev/null || die "nfcapd is missing"

if [ -z "${BENCH_NO_BUILD:-}" ]; then
	[ -f "$build/Makefile" ] ||
	    die "$build is not a configured build tree (set MF_BUILDDIR)"
	make -s -C "$build" minflow-collector minflow-exporter \
	    >"$logs/make.log" 2>&1 ||
	    die "make failed, see $logs/make.log"
fi
collector=$build/minflow-collector
exporter=$build/minflow-exporter
{ [ -x "$collector" ] && [ -x "$exporter" ]; } || die "minflow binaries not found in $build"
commit=$(git -C "$top" describe --always --dirty 2>/dev/null)
replay=$out/udp_replay
cc -O2 -Wall -o "$replay" "$top/bench/udp_replay.c" || die "cannot build bench/udp_replay.c"

if [ ! -s "$pcap" ]; then
	log "making $pcap"
	timeout "$RUN_LIMIT" python3 "$top/bench/make_big_pcap.py" "$pcap" \
	    "$MF_SHARED_DIR/pcaps" >&2 || die "make_big_pcap.py failed"
fi

# --- the input files --------------------------------------------------------
# big.ipfix: the capture as minflow-exporter writes it (540,075 flow records
# over 6.1 hours of flow time: one report per 1,500 records).
# offline.ipfix: COPIES copies, each moved in time after the one before.
# dense.ipfix: the same copies, each squeezed into one minute of flow time
# (one report per 540,075 records), as a live collector sees it at high
# rates.  slice-*.ipfix: their first 6,000 messages, for callgrind.
log "making the IPFIX files"
one=$out/big.ipfix
timeout "$RUN_LIMIT" "$exporter" -r "$pcap" -w "$one" --stats 2>"$logs/exporter.stats" ||
    die "minflow-exporter -w failed"
big=$out/offline.ipfix
dense=$out/dense.ipfix
"$replay" -w "$big" -l "$copies" "$one" >"$logs/offline.ipfix.txt" || die "udp_replay -w failed"
"$replay" -w "$dense" -l "$copies" -d 60 "$one" >"$logs/dense.ipfix.txt" || die "udp_replay -w -d failed"
slice() { # FILE MESSAGES OUT
	python3 - "$@" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
off = n = 0
while n < int(sys.argv[2]) and off < len(d):
    off += struct.unpack(">H", d[off + 2:off + 4])[0]
    n += 1
open(sys.argv[3], "wb").write(d[:off])
EOF
}
{ slice "$big" 6000 "$out/slice-offline.ipfix" && slice "$dense" 6000 "$out/slice-dense.ipfix"; } ||
    die "cannot slice the files"
for f in "$one" "$big" "$dense"; do cat "$f" >/dev/null; done # warm

offconf=$work/offline.conf
cat >"$offconf" <<'EOF'
# written by bench/collector.sh: no listeners, keep every report
[listen]
ipfix-udp =
ipfix-tcp =
netflow-v9 =
netflow-v5 =
[reports]
retention-days = 0
EOF

# --- offline: minflow-collector -r ------------------------------------------
q() { printf '%q' "$1"; }
shm=""
[ -d /dev/shm ] && [ -w /dev/shm ] && shm=$(mktemp -d /dev/shm/minflow-bench.XXXXXX)
cleanup_shm() { [ -n "$shm" ] && rm -rf "$shm"; }
offline=$(
	echo "harness|true|"
	echo "offline|$(q "$collector") -C $(q "$offconf") -r $(q "$big") -o $(q "$work/reports")|$work/reports"
	[ -n "$shm" ] && echo "offline-tmpfs|$(q "$collector") -C $(q "$offconf") -r $(q "$big") -o $(q "$shm/reports")|$shm/reports"
	echo "dense|$(q "$collector") -C $(q "$offconf") -r $(q "$dense") -o $(q "$work/reports")|$work/reports"
)
rm -f "$work"/*.runs "$out/collector-failed"
# run_once LABEL REP COMMAND DIR: append "wall_s maxrss_kib cpu_s records
# reports" to LABEL.runs
run_once() {
	local label=$1 rep=$2 cmd=$3 dir=$4 t0 t1 rc tf e
	tf=$logs/$label.$rep.time
	e=$logs/$label.$rep.err
	[ -n "$dir" ] && rm -rf "$dir"
	sync
	t0=$(date +%s%N)
	timeout "$RUN_LIMIT" /usr/bin/time -o "$tf" -f '%M %U %S' \
	    sh -c "exec $cmd" </dev/null >"$logs/$label.$rep.out" 2>"$e"
	rc=$?
	t1=$(date +%s%N)
	if [ "$rc" -ne 0 ]; then
		log "$label run $rep failed (exit $rc), see $e"
		echo "$label FAILED" >>"$out/collector-failed"
		return 1
	fi
	tail -n 1 "$tf" | awk -v a="$t0" -v b="$t1" \
	    -v r="$(sed -n 's/.*info: records \([0-9]*\),.*/\1/p' "$e")" \
	    -v n="$(sed -n 's/.*, reports \([0-9]*\) .*/\1/p' "$e")" \
	    '{ printf "%.4f %d %.2f %d %d\n", (b - a) / 1e9, $1, $2 + $3, r, n }' \
	    >>"$work/$label.runs"
}
start=$(date +%s)
for rep in $(seq "$reps"); do
	[ -n "${BENCH_NO_OFFLINE:-}" ] && break
	log "offline, repetition $rep of $reps"
	while IFS='|' read -r label cmd dir; do
		run_once "$label" "$rep" "$cmd" "$dir"
	done <<<"$offline"
done
rm -rf "$work/reports"
cleanup_shm
log "offline runs took $(($(date +%s) - start)) s"

# --- UDP: minflow-collector and nfcapd, live --------------------------------
rpid="" # the receiver running now (its PID), and the time(1) above it
tpid=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null
	wait 2>/dev/null
	cleanup_shm
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
# udp_field PORT COLUMN: a column of PORT's line in /proc/net/udp
# (5: tx_queue:rx_queue in hex, 13: drops)
udp_field() {
	awk -v p="0100007F:$(printf '%04X' "$1")" -v c="$2" '$2 == p { print $c; exit }' /proc/net/udp
}

# start_receiver KIND PORT DIR PREFIX [WRAPPER...]: sets rpid and tpid
start_receiver() {
	local kind=$1 port=$2 dir=$3 pre=$4
	shift 4
	rm -rf "$dir" "$pre.pid"
	mkdir -p "$dir"
	if [ "$kind" = minflow ]; then
		cat >"$pre.conf" <<EOF
# written by bench/collector.sh
[listen]
ipfix-udp = 127.0.0.1:$port
ipfix-tcp =
netflow-v9 =
netflow-v5 =
[reports]
retention-days = 0
EOF
		timeout "$RUN_LIMIT" /usr/bin/time -o "$pre.time" -f '%M %U %S' "$@" \
		    "$collector" -C "$pre.conf" -o "$dir" -p "$pre.pid" \
		    </dev/null >"$pre.out" 2>"$pre.err" &
	else
		timeout "$RUN_LIMIT" /usr/bin/time -o "$pre.time" -f '%M %U %S' "$@" \
		    nfcapd -w "$dir" -b 127.0.0.1 -p "$port" -B 4194304 -t 60 \
		    -P "$pre.pid" </dev/null >"$pre.out" 2>"$pre.err" &
	fi
	tpid=$!
	rpid=""
	for _ in $(seq 300); do
		if [ -s "$pre.pid" ] && [ -n "$(udp_field "$port" 2)" ]; then
			rpid=$(cat "$pre.pid")
			return 0
		fi
		kill -0 "$tpid" 2>/dev/null || break
		sleep 0.1
	done
	log "$kind did not start, see $pre.err"
	return 1
}
# stop_receiver PORT: wait until its queue is empty (at most 10 s), set
# drops to the kernel's drop count for the socket, SIGTERM it and wait
drops=0
# wait_queue PORT: until the socket's receive queue is empty (at most 10 s)
wait_queue() {
	local qd
	for _ in $(seq 100); do
		qd=$(udp_field "$1" 5)
		[ "${qd#*:}" = 00000000 ] && break
		sleep 0.1
	done
}
stop_receiver() {
	local port=$1
	wait_queue "$port"
	sleep 0.2
	drops=$(udp_field "$port" 13)
	kill -TERM "$rpid" 2>/dev/null
	wait "$tpid"
	rpid=""
}
# received KIND DIR PREFIX: "records lost" as the receiver counted them
received() {
	if [ "$1" = minflow ]; then
		python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(sum(e["records"] for e in d["exporters"]), sum(e["lost"] for e in d["exporters"]))' \
		    "$2/latest.json" 2>/dev/null || echo "0 -"
	else
		nfdump -R "$2" -I 2>/dev/null | awk '/^Flows:/ { f = $2 }
			/^Sequence failures:/ { s = $3 } END { print f + 0, s + 0 }'
	fi
}

# udp_run KIND RATE REP: one run; appends to $work/udp.runs
# "kind rate rep sent received lost_counted kernel_drops achieved rss_kib cpu_s"
udp_run() {
	local kind=$1 rate=$2 rep=$3 pre port dir sent got ach cpu rss u s warm
	pre=$logs/udp-$kind-$rate.$rep
	dir=$work/udp-$kind
	port=$(free_port)
	start_receiver "$kind" "$port" "$dir" "$pre" || return 1
	warm=0
	if [ "${BENCH_UDP_WARM:-0}" -gt 0 ]; then
		timeout "$RUN_LIMIT" "$replay" -R 100000 -n "$BENCH_UDP_WARM" \
		    "$one" 127.0.0.1 "$port" >"$pre.warm" 2>&1
		warm=$(sed -n 's/^flow_records=//p' "$pre.warm")
		wait_queue "$port"
	fi
	timeout "$RUN_LIMIT" "$replay" -R "$rate" -n $((rate * udp_secs)) "$one" \
	    127.0.0.1 "$port" >"$pre.send" 2>&1
	stop_receiver "$port"
	sent=$(sed -n 's/^flow_records=//p' "$pre.send")
	ach=$(sed -n 's/^rate=//p' "$pre.send")
	got=$(received "$kind" "$dir" "$pre" | awk -v w="${warm:-0}" '{ $1 -= w; print }')
	read -r rss u s <<<"$(tail -n 1 "$pre.time")"
	cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
	echo "$kind $rate $rep ${sent:-0} $got ${drops:-0} ${ach:-0} ${rss:-0} $cpu" | tee -a "$work/udp.runs" >&2
	rm -rf "$dir"
}

# A run lost records: minflow counted some lost (sequence gaps) or the
# kernel dropped datagrams; nfcapd received fewer flows than were sent.
# (minflow's "records" leaves out the DNS records the stream also holds.)
lossy_run='{ exit !(($1 == "minflow" ? $6 != "0" : $4 > $5) || $7 > 0) }'
rm -f "$work/udp.runs"
start=$(date +%s)
for kind in $kinds; do
	for rate in $rates; do
		lossy=0
		for rep in $(seq "$udp_reps"); do
			udp_run "$kind" "$rate" "$rep" || continue
			tail -n 1 "$work/udp.runs" | awk "$lossy_run" && lossy=$((lossy + 1))
		done
		[ "$lossy" -eq "$udp_reps" ] && break
	done
done
log "UDP runs took $(($(date +%s) - start)) s"

# --- instruction counts (user space; repeatable) ----------------------------
insns=$work/instructions.txt
: >"$insns"
if [ -z "${BENCH_NO_INSNS:-}" ] && command -v valgrind >/dev/null; then
	log "counting instructions"
	for s in offline dense; do
		rm -rf "$work/reports"
		cg=$work/callgrind.$s
		timeout "$RUN_LIMIT" valgrind --tool=callgrind --callgrind-out-file="$cg" \
		    "$collector" -C "$offconf" -r "$out/slice-$s.ipfix" -o "$work/reports" \
		    </dev/null >/dev/null 2>"$logs/callgrind.$s.err"
		n=$(sed -n 's/.*Collected : *//p' "$logs/callgrind.$s.err")
		r=$(sed -n 's/.*info: records \([0-9]*\),.*/\1/p' "$logs/callgrind.$s.err")
		k=$(sed -n 's/.*, reports \([0-9]*\) .*/\1/p' "$logs/callgrind.$s.err")
		echo "minflow-r-slice-$s ${n:-0} ${r:-0} reports=${k:-0}" >>"$insns"
		callgrind_annotate "$cg" 2>/dev/null | grep -E '^ *[0-9,]+ \(' |
		    head -n 25 >"$work/callgrind.$s.self.txt"
		callgrind_annotate --inclusive=yes "$cg" 2>/dev/null |
		    grep -E '^ *[0-9,]+ \(' | head -n 40 >"$work/callgrind.$s.inclusive.txt"
	done
	rm -rf "$work/reports"
	# Live, both receivers under callgrind, fed 100,000 records at 10,000
	# a second (slow enough for valgrind).  Includes start-up and idle
	# polling, as a receiver does.
	for kind in minflow nfcapd; do
		pre=$logs/udp-$kind-callgrind
		port=$(free_port)
		start_receiver "$kind" "$port" "$work/udp-$kind" "$pre" valgrind --tool=callgrind \
		    --callgrind-out-file="$work/callgrind.udp-$kind" || continue
		"$replay" -R 10000 -n 100000 "$one" 127.0.0.1 "$port" >"$pre.send" 2>&1
		stop_receiver "$port"
		got=$(received "$kind" "$work/udp-$kind" "$pre")
		n=$(sed -n 's/.*Collected : *//p' "$pre.err")
		echo "$kind-udp ${n:-0} ${got%% *} drops=${drops:-0}" >>"$insns"
		[ "$kind" = minflow ] &&
		    callgrind_annotate --inclusive=yes "$work/callgrind.udp-$kind" 2>/dev/null |
		    grep -E '^ *[0-9,]+ \(' | head -n 40 >"$work/callgrind.udp-$kind.inclusive.txt"
		callgrind_annotate "$work/callgrind.udp-$kind" 2>/dev/null |
		    grep -E '^ *[0-9,]+ \(' | head -n 25 >"$work/callgrind.udp-$kind.self.txt"
		rm -rf "$work/udp-$kind"
	done
fi

# --- the tables ----------------------------------------------------------------
median() { sort -n | awk '{ v[NR] = $1 } END {
	if (NR == 0) exit
	if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { [ -s "$work/$1.runs" ] && awk -v c="$2" '{ print $c }' "$work/$1.runs" | median; }
harness=$(col harness 1)
{
	echo "# minflow-collector benchmark, $(date -u +%Y-%m-%d)"
	echo
	echo "Capture: \`${pcap#"$top/"}\`, $(stat -c %s "$pcap") bytes; as IPFIX" \
	    "\`${one#"$top/"}\`: $(sed -n 's/^records-exported *//p' "$logs/exporter.stats") flow records," \
	    "$(sed -n 's/^messages *//p' "$logs/exporter.stats") messages."
	echo "Offline input: $copies copies, $(sed -n 's/^flow_records=//p' "$logs/offline.ipfix.txt") flow records," \
	    "$(sed -n 's/^messages=//p' "$logs/offline.ipfix.txt") messages, $(stat -c %s "$big") bytes."
	echo
	echo "## Offline (-r), $reps runs each"
	echo
	echo "Seconds are medians of wall time less ${harness:-0} s (\`true\` run the same way)."
	echo
	echo "| input | command | records | reports | median s | records/s | records/s by CPU | CPU s | peak RSS MiB |"
	echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	while IFS='|' read -r label cmd dir; do
		[ "$label" = harness ] && continue
		[ -n "${BENCH_NO_OFFLINE:-}" ] && { echo "| $label | \`$cmd\` | not run | | | | | | |"; continue; }
		[ -s "$work/$label.runs" ] || { echo "| $label | \`$cmd\` | failed | | | | | | |"; continue; }
		awk -v l="$label" -v c="$cmd" -v h="${harness:-0}" -v top="$top/" \
		    -v t="$(col "$label" 1)" -v m="$(awk '{ print $2 }' "$work/$label.runs" | sort -n | tail -n 1)" \
		    -v u="$(col "$label" 3)" -v r="$(col "$label" 4)" -v k="$(col "$label" 5)" 'BEGIN {
			gsub(top, "", c); t -= h
			printf "| %s | `%s` | %d | %d | %.3f | %.0f | %.0f | %.2f | %.1f |\n",
			    l, c, r, k, t, r / t, r / u, u, m / 1024
		}'
	done <<<"$offline"
	echo
	echo "## UDP on 127.0.0.1, $udp_secs s a run, $udp_reps runs a rate"
	echo
	echo "sent: flow records sent; received: minflow's \"records\" over all exporters in"
	echo "the last report, or nfdump's \"Flows\"; counted lost: minflow's \"lost\" (records"
	echo "missing from the sequence numbers, options records included), or nfcapd's"
	echo "\"Sequence failures\" (events, not records: it also counts every message that"
	echo "follows one with an options record, so it is never 0 here); kernel drops:"
	echo "datagrams, from /proc/net/udp."
	echo
	echo "| receiver | rate asked | run | sent | received | counted lost | kernel drops | rate achieved | peak RSS MiB | CPU s | CPU µs/record |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	awk '{ printf "| %s | %d | %d | %d | %d | %s | %d | %d | %.1f | %.2f | %.2f |\n",
		$1, $2, $3, $4, $5, $6, $7, $8, $9 / 1024, $10, ($5 > 0) ? $10 * 1e6 / $5 : 0 }' "$work/udp.runs"
	echo
	for kind in minflow nfcapd; do
		awk -v k="$kind" -v rates="$rates" '$1 == k { n[$2]++; if (($1 == "minflow" ? $6 != "0" : $4 > $5) || $7 > 0) bad[$2]++ }
		END {
			split(rates, r, " "); best = 0
			for (i = 1; i in r; i++) {
				if (!(r[i] in n)) break
				if (bad[r[i]] > 0) break
				best = r[i]
			}
			printf "* %s: highest rate with no loss in any run, and none below: %d records/s\n", k, best
		}' "$work/udp.runs"
	done
	echo
	if [ -s "$insns" ]; then
		echo "## Instructions (callgrind, user space)"
		echo
		awk '{ printf "    %-24s %14s instructions, %7s records, %-10s %6.0f per record\n",
			$1, $2, $3, $4, ($3 > 0) ? $2 / $3 : 0 }' "$insns"
		echo
		echo "Top functions (self), offline slice: \`${work#"$top/"}/callgrind.offline.self.txt\`"
		echo
	fi
	echo "Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
	    "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)," \
	    "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
	echo "net.core.rmem_max: $(cat /proc/sys/net/core/rmem_max)"
	echo "minflow: $("$collector" -V 2>&1 | head -n 1), built from commit $commit"
	echo
	dpkg-query -W nfdump libfixbuf9 libjson-glib-1.0-0 libglib2.0-0 valgrind 2>/dev/null | sed 's/^/    /'
} >"$res"
cat "$res"
[ -f "$out/collector-failed" ] && { log "some runs failed: $(sort -u "$out/collector-failed" | tr '\n' ' ')"; exit 1; }
exit 0
