#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Compare minflow-exporter with the flow exporters packaged in Debian
# (softflowd, pmacct's pmacctd, nfdump's nfpcapd, argus and YAF when they
# are installed) and with a bare libpcap read loop, the floor, on one
# capture file of at least a million packets.  See bench/README.md.
#
# usage: bench/exporter.sh [REPS]          (default 5; the median is kept)
#
# environment:
#   MF_BUILDDIR     configured build tree holding minflow-exporter
#                   (default: build/ at the top of the tree)
#   MF_SHARED_DIR   shared/ directory with pcaps/ (default: ../shared)
#   BENCH_OUT       where everything is written (default: bench/out)
#   BENCH_PCAP      the capture (default: $BENCH_OUT/big.pcap, made by
#                   bench/make_big_pcap.py when missing)
#   BENCH_NO_BUILD  set to skip `make minflow-exporter`
#   BENCH_NO_INSNS  set to skip the instruction counts (callgrind is slow)
#
# Writes $BENCH_OUT/results.md (the table and the machine facts) and the
# logs of every run under $BENCH_OUT/logs.  Only talks to 127.0.0.1; only
# signals processes it started, by PID; every run is bounded by timeout(1).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
reps=${1:-5}
case $reps in '' | *[!0-9]*) echo "usage: $0 [REPS]" >&2; exit 2 ;; esac
[ "$reps" -ge 1 ] || { echo "REPS must be >= 1" >&2; exit 2; }
out=${BENCH_OUT:-$top/bench/out}
pcap=${BENCH_PCAP:-$out/big.pcap}
build=${MF_BUILDDIR:-$top/build}
export MF_SHARED_DIR=${MF_SHARED_DIR:-$top/../shared}
logs=$out/logs
res=$out/results.md
RUN_LIMIT=600 # seconds, per run
mkdir -p "$out" "$logs" || exit 1

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# --- what we need --------------------------------------------------------

# shellcheck source=scripts/deps.sh
. "$top/scripts/deps.sh"
# time(1) for peak RSS, and the peers that are Debian test dependencies
# anyway.  argus-server and yaf are used when installed, never installed
# here: argus-server's package starts a capture daemon.
mf_install time python3 pkg-config libpcap-dev softflowd pmacct nfdump ||
    die "cannot install what the benchmark needs"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is missing"

if [ -z "${BENCH_NO_BUILD:-}" ]; then
	[ -f "$build/Makefile" ] ||
	    die "$build is not a configured build tree (set MF_BUILDDIR)"
	make -s -C "$build" minflow-exporter >"$logs/make.log" 2>&1 ||
	    die "make minflow-exporter failed, see $logs/make.log"
fi
minflow=$build/minflow-exporter
[ -x "$minflow" ] || die "$minflow not found"

bare=$out/bare_loop
# shellcheck disable=SC2046
cc -O2 -o "$bare" "$top/bench/bare_loop.c" $(pkg-config --cflags --libs libpcap) ||
    die "cannot build bench/bare_loop.c"

if [ ! -s "$pcap" ]; then
	log "making $pcap"
	timeout "$RUN_LIMIT" python3 "$top/bench/make_big_pcap.py" "$pcap" \
	    "$MF_SHARED_DIR/pcaps" | tee "$logs/make_big_pcap.log" >&2 ||
	    die "make_big_pcap.py failed"
fi
cat "$pcap" >/dev/null # into the page cache: every tool reads it warm
npkts=$("$bare" "$pcap" | awk '{ print $2 }')
[ "${npkts:-0}" -ge 1000000 ] || die "$pcap has ${npkts:-0} packets, want >= 1000000"

# --- a UDP sink on 127.0.0.1 that never reads --------------------------
# The kernel drops what does not fit its receive buffer; senders see no
# error and no ICMP.  It exits by itself after an hour at the latest.
sink_pid=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	[ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null
	wait 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
time.sleep(3600)
' >"$out/sink.port" &
sink_pid=$!
for _ in $(seq 50); do
	[ -s "$out/sink.port" ] && break
	sleep 0.1
done
port=$(cat "$out/sink.port")
[ -n "$port" ] || die "the UDP sink did not start"

# --- the tools -------------------------------------------------------------
# One line each: label|repetitions|command.  Commands are run with
# `sh -c "exec ..."`, so time(1) measures the tool itself.
q() { printf '%q' "$1"; }
P=$(q "$pcap")
pace=""
"$minflow" --help 2>&1 | grep -q -- '--pace' && pace=" --pace 0"
pmconf=$out/pmacctd.conf
cat >"$pmconf" <<EOF
! written by bench/exporter.sh
daemonize: false
pcap_savefile: $pcap
plugins: nfprobe
nfprobe_receiver: 127.0.0.1:$port
nfprobe_version: 10
nfprobe_maxflows: 65536
aggregate: src_host, dst_host, src_port, dst_port, proto, tos
! with the default pipe and buffer sizes pmacctd busy-waits: about 45 s
plugin_pipe_size: 20971520
plugin_buffer_size: 204800
EOF
nfdir=$out/nfpcapd
tools=$(
	echo "harness|$reps|true"
	echo "bare|$reps|$(q "$bare") $P"
	echo "minflow|$reps|$(q "$minflow") -r $P -w /dev/null"
	echo "minflow-udp|$reps|$(q "$minflow") -r $P -c 127.0.0.1:$port$pace"
	echo "minflow-v9|$reps|$(q "$minflow") -r $P -P v9 -c 127.0.0.1:$port$pace"
	echo "minflow-1M|$reps|$(q "$minflow") -r $P -w /dev/null --max-flows 1048576"
	echo "softflowd|$reps|softflowd -r $P -n 127.0.0.1:$port -v 10 -A milli -c none"
	echo "softflowd-64k|$reps|softflowd -r $P -n 127.0.0.1:$port -v 10 -A milli -c none -m 65536"
	echo "softflowd-v9|$reps|softflowd -r $P -n 127.0.0.1:$port -v 9 -A milli -c none"
	echo "pmacctd|$((reps < 3 ? reps : 3))|pmacctd -f $(q "$pmconf")"
	echo "nfpcapd|$reps|nfpcapd -r $P -w $(q "$nfdir")"
	command -v argus >/dev/null && echo "argus|$reps|argus -X -r $P -w /dev/null"
	command -v yaf >/dev/null && echo "yaf|$reps|yaf --in $P --out /dev/null"
)

# run_once LABEL REP COMMAND: append "wall_s maxrss_kib cpu_s" to LABEL.runs
run_once() {
	local label=$1 rep=$2 cmd=$3 t0 t1 rc tf
	tf=$logs/$label.$rep.time
	rm -rf "$nfdir" && mkdir -p "$nfdir"
	t0=$(date +%s%N)
	timeout "$RUN_LIMIT" /usr/bin/time -o "$tf" -f '%M %U %S' \
	    sh -c "exec $cmd" </dev/null >"$logs/$label.$rep.out" 2>"$logs/$label.$rep.err"
	rc=$?
	t1=$(date +%s%N)
	if [ "$rc" -ne 0 ]; then
		log "$label run $rep failed (exit $rc), see $logs/$label.$rep.err"
		echo "$label FAILED" >>"$out/failed"
		return 1
	fi
	# the last line of the time file (earlier lines are exit notes)
	tail -n 1 "$tf" | awk -v a="$t0" -v b="$t1" \
	    '{ printf "%.4f %d %.2f\n", (b - a) / 1e9, $1, $2 + $3 }' >>"$out/$label.runs"
}

rm -f "$out"/*.runs "$out/failed"
start=$(date +%s)
for rep in $(seq "$reps"); do
	log "repetition $rep of $reps"
	while IFS='|' read -r label n cmd; do
		[ "$rep" -le "$n" ] || continue
		run_once "$label" "$rep" "$cmd"
	done <<<"$tools"
done
log "timed runs took $(($(date +%s) - start)) s"

# --- instruction counts (user space; repeatable) ----------------------------
insns=$out/instructions.txt
: >"$insns"
count_insns() { # LABEL COMMAND
	local label=$1 cmd=$2 n
	if perf stat -x, -e instructions:u true 2>&1 | grep -q 'not supported'; then
		command -v valgrind >/dev/null || return 0
		eval "timeout $RUN_LIMIT valgrind --tool=callgrind \
		    --callgrind-out-file=$(q "$out/callgrind.$label") $cmd" \
		    </dev/null >/dev/null 2>"$logs/$label.callgrind.err" || return 0
		# valgrind cannot load the exporter's seccomp filter: the run
		# stops at once and its count would look real (3.5 M).
		if grep -q 'system call filter' "$logs/$label.callgrind.err"; then
			log "$label: no instruction count: valgrind cannot run a" \
			    "--with-seccomp=yes build (configure --with-seccomp=no)"
			return 0
		fi
		n=$(sed -n 's/.*Collected : *//p' "$logs/$label.callgrind.err")
		echo "$label callgrind $n" >>"$insns"
	else
		n=$(eval "timeout $RUN_LIMIT perf stat -x, -e instructions:u $cmd" \
		    </dev/null 2>&1 >/dev/null | awk -F, '/instructions/ { print $1 }')
		echo "$label perf $n" >>"$insns"
	fi
}
if [ -z "${BENCH_NO_INSNS:-}" ]; then
	log "counting instructions"
	while IFS='|' read -r label n cmd; do
		case $label in bare | minflow | softflowd) count_insns "$label" "$cmd" ;; esac
	done <<<"$tools"
	if [ -f "$out/callgrind.minflow" ] && command -v callgrind_annotate >/dev/null; then
		callgrind_annotate "$out/callgrind.minflow" 2>/dev/null |
		    grep -E '^ *[0-9,]+ \(' | head -n 16 >"$out/minflow.self.txt"
		callgrind_annotate --inclusive=yes "$out/callgrind.minflow" 2>/dev/null |
		    grep -E '^ *[0-9,]+ \(' | head -n 30 >"$out/minflow.inclusive.txt"
	fi
fi

# --- the table ---------------------------------------------------------------
median() { sort -n | awk '{ v[NR] = $1 } END {
	if (NR == 0) exit
	if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# seconds a tool spends on the file: the median wall time less that of
# `true` run the same way (timeout, time, sh: a few ms), and for pmacctd
# less the fixed 2 s its core sleeps before reading a savefile ("PCAP
# capture file, sleeping for 2 seconds")
raw() { [ -s "$out/$1.runs" ] && awk '{ print $1 }' "$out/$1.runs" | median; }
harness=$(raw harness)
secs() {
	local t
	t=$(raw "$1") || return 1
	awk -v t="$t" -v h="${harness:-0}" -v p="$([ "$1" = pmacctd ] && echo 2 || echo 0)" \
	    'BEGIN { printf "%.4f\n", t - h - p }'
}
cpu() { [ -s "$out/$1.runs" ] && awk '{ print $3 }' "$out/$1.runs" | median; }
rss() { [ -s "$out/$1.runs" ] && awk '{ print $2 }' "$out/$1.runs" | sort -n | tail -n 1; }

tbare=$(secs bare)
tsoft=$(secs softflowd)
{
	echo "# minflow-exporter benchmark, $(date -u +%Y-%m-%d)"
	echo
	echo "Capture: \`${pcap#"$top/"}\`, $npkts packets, $(stat -c %s "$pcap") bytes."
	[ -f "$logs/make_big_pcap.log" ] && sed 's/^/    /' "$logs/make_big_pcap.log"
	echo
	echo "Seconds are medians of wall time less ${harness:-0} s, the median for \`true\` run the same way."
	echo
	echo "| tool | command | runs | median s | packets/s | ns/packet | ns/packet above bare loop | rate vs softflowd | CPU s | peak RSS MiB |"
	echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	while IFS='|' read -r label n cmd; do
		[ "$label" = harness ] && continue
		t=$(secs "$label") || { echo "| $label | \`$cmd\` | failed | | | | | | | |"; continue; }
		runs=$(wc -l <"$out/$label.runs")
		awk -v l="$label" -v c="$cmd" -v r="$runs" -v t="$t" -v n="$npkts" \
		    -v b="$tbare" -v s="$tsoft" -v m="$(rss "$label")" -v u="$(cpu "$label")" \
		    -v top="$top/" 'BEGIN {
			gsub(top, "", c); gsub("\\|", "\\|", c)
			ratio = (s > 0) ? sprintf("%.2fx", s / t) : "-"
			printf "| %s | `%s` | %d | %.3f | %.0f | %.0f | %.0f | %s | %.2f | %.1f |\n",
			    l, c, r, t, n / t, t * 1e9 / n, (t - b) * 1e9 / n, ratio, u, m / 1024
		}'
	done <<<"$tools"
	echo
	if [ -s "$insns" ]; then
		echo "Instructions (user space, one run each):"
		echo
		awk -v n="$npkts" '{ printf "    %-10s %s %15s  %6.0f per packet\n", $1, $2, $3, $3 / n }' "$insns"
		echo
	fi
	tm=$(secs minflow)
	rm_=$(rss minflow)
	awk -v t="$tm" -v b="$tbare" -v s="$tsoft" -v m="$rm_" -v ct="$(cpu minflow)" \
	    -v cb="$(cpu bare)" -v cs="$(cpu softflowd)" 'BEGIN {
		printf "Goals (minflow-exporter -w /dev/null, --max-flows 65536):\n\n"
		printf "* >= 3x softflowd packet rate: %.2fx (CPU time: %.2fx), %s\n", s / t,
		    (ct > 0) ? cs / ct : 0, (s / t >= 3) ? "met" : "NOT met"
		printf "* <= 2x bare loop time: %.2fx (CPU time: %.2fx), %s\n", t / b,
		    (cb > 0) ? ct / cb : 0, (t / b <= 2) ? "met" : "NOT met"
		printf "* peak RSS < 16 MiB: %.1f MiB, %s\n", m / 1024, (m < 16384) ? "met" : "NOT met"
	}'
	echo
	echo "Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
	    "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)"
	echo "minflow: $("$minflow" -V 2>&1 | head -n 1), commit $(git -C "$top" describe --always --dirty 2>/dev/null)"
	echo
	dpkg-query -W softflowd pmacct nfdump argus-server yaf libpcap0.8 libfixbuf9 \
	    valgrind 2>/dev/null | sed 's/^/    /'
	echo
	echo "minflow-exporter --stats on this capture:"
	echo
	"$minflow" -r "$pcap" -w /dev/null --stats 2>&1 >/dev/null |
	    grep -E '^(packets|flows-created|flows-peak|flows-evicted-full|records-exported|messages) ' |
	    sed 's/^/    /'
} >"$res"
cat "$res"
[ -f "$out/failed" ] && { log "some runs failed: $(sort -u "$out/failed" | tr '\n' ' ')"; exit 1; }
exit 0
