#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# What --processes costs: two minflow-exporters capture the same interface
# of a host namespace at once, one with --processes and one without, while
# the host makes traffic to a server namespace:
#   conns  short TCP connections (connect, a request of 100 bytes, the
#          server answers 2 ms later and closes) for SECS seconds from 4
#          clients: every flow is a lookup, at a busy host's rate
#   burst  the same without the 2 ms: connections that end in well under
#          a millisecond, faster than the exporter reads them (most close
#          before their first packet is looked at: no-socket/unowned)
#   bulk   one iperf3 TCP stream for SECS seconds: few flows, many packets
# Reported per load: each exporter's CPU time (user + system from
# /proc/PID/stat), the packets it saw and its CPU microseconds per packet
# and per flow, and what --processes added; its lookup counters.
#
# usage: bench/processes.sh [SECS]        (default 5; root)
#
# environment:
#   MF_BUILDDIR  configured build tree holding minflow-exporter
#                (default: build/ at the top of the tree)
#   BENCH_OUT    where the results go (default: bench/out)
#
# Writes $BENCH_OUT/processes-results.md.  Every process is stopped by PID
# and the namespaces are deleted on exit.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${MF_BUILDDIR:-$top/build}
out=${BENCH_OUT:-$top/bench/out}
secs=${1:-5}
exporter=$build/minflow-exporter
[ -x "$exporter" ] || { echo "no $exporter: build it first" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
command -v iperf3 >/dev/null || { echo "needs iperf3" >&2; exit 1; }
mkdir -p "$out"
tmp=$(mktemp -d)
rand=$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')
hostns=mfb-$rand-host srvns=mfb-$rand-srv
pids=""

cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	ip netns del "$hostns" 2>/dev/null || true
	ip netns del "$srvns" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

ip netns add "$hostns"
ip netns add "$srvns"
ip link add vethH netns "$hostns" type veth peer name vethS netns "$srvns"
ip -n "$hostns" addr add 10.207.0.1/24 dev vethH
ip -n "$srvns" addr add 10.207.0.2/24 dev vethS
ip -n "$hostns" link set vethH up
ip -n "$srvns" link set vethS up
ip -n "$hostns" link set lo up
ip -n "$srvns" link set lo up

# cpu_ticks PID: user + system clock ticks so far
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# A server that reads a request, answers 100 bytes and closes.
cat >"$tmp/srv.py" <<'EOF'
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(512)
while True:
    c, _ = s.accept()
    c.recv(200)
    time.sleep(float(sys.argv[3]))
    c.sendall(b"x" * 100)
    c.close()
EOF
cat >"$tmp/cli.py" <<'EOF'
import socket, sys, time
end = time.monotonic() + float(sys.argv[3])
n = 0
while time.monotonic() < end:
    c = socket.create_connection((sys.argv[1], int(sys.argv[2])))
    c.sendall(b"y" * 100)
    while c.recv(200):
        pass
    c.close()
    n += 1
print(n)
EOF
ip netns exec "$srvns" python3 "$tmp/srv.py" 10.207.0.2 9000 0.002 &
pids="$pids $!"
ip netns exec "$srvns" python3 "$tmp/srv.py" 10.207.0.2 9001 0 &
pids="$pids $!"
ip netns exec "$srvns" iperf3 -s -B 10.207.0.2 -p 5201 >/dev/null 2>&1 &
pids="$pids $!"
sleep 1

{
	echo "# --processes: exporter CPU per packet and per flow"
	echo
	echo "$(date -u +%Y-%m-%d), $(nproc) CPUs, $secs s per load," \
	    "two exporters on the same interface at once"
	echo
	echo "| load | exporter | packets | flows | CPU ms | µs/packet | µs/flow |"
	echo "|---|---|---:|---:|---:|---:|---:|"
} >"$out/processes-results.md"

hz=$(getconf CLK_TCK)
for load in conns burst bulk; do
	ip netns exec "$hostns" "$exporter" -i vethH -w "$tmp/p.ipfix" \
	    --processes --stats 2>"$tmp/p.log" &
	pp=$!
	ip netns exec "$hostns" "$exporter" -i vethH -w "$tmp/n.ipfix" \
	    --stats 2>"$tmp/n.log" &
	pn=$!
	pids="$pids $pp $pn"
	sleep 1
	p0=$(cpu_ticks "$pp") n0=$(cpu_ticks "$pn")
	if [ "$load" != bulk ]; then
		port=9000
		[ "$load" = burst ] && port=9001
		clients=""
		for i in 1 2 3 4; do
			ip netns exec "$hostns" python3 "$tmp/cli.py" 10.207.0.2 \
			    "$port" "$secs" >"$tmp/cli.$i" &
			clients="$clients $!"
		done
		for c in $clients; do wait "$c" || true; done
	else
		ip netns exec "$hostns" iperf3 -c 10.207.0.2 -p 5201 -t "$secs" \
		    >/dev/null
	fi
	sleep 1
	p1=$(cpu_ticks "$pp") n1=$(cpu_ticks "$pn")
	kill "$pp" "$pn"
	wait "$pp" "$pn" || true
	for which in n p; do
		log=$tmp/$which.log
		pk=$(sed -n 's/^packets *//p' "$log")
		fl=$(sed -n 's/^flows-created *//p' "$log")
		if [ "$which" = p ]; then
			ticks=$((p1 - p0)) name="--processes"
		else
			ticks=$((n1 - n0)) name="default"
		fi
		awk -v l="$load" -v n="$name" -v pk="$pk" -v fl="$fl" \
		    -v t="$ticks" -v hz="$hz" 'BEGIN {
			ms = t * 1000 / hz
			printf "| %s | %s | %d | %d | %d | %.2f | %.1f |\n", l, n,
			    pk, fl, ms, pk ? ms * 1000 / pk : 0,
			    fl ? ms * 1000 / fl : 0 }' >>"$out/processes-results.md"
	done
	{
		echo
		echo "$load, --processes counters:" \
		    "$(grep -E '^(process-|flows-process)' "$tmp/p.log" |
		        awk '{ printf "%s %s, ", $1, $2 }' | sed 's/, $//')"
		echo
	} >>"$out/processes-results.md.notes"
done
cat "$out/processes-results.md.notes" >>"$out/processes-results.md"
rm -f "$out/processes-results.md.notes"
cat "$out/processes-results.md"
