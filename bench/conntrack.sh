#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# What minflow-exporter costs on a router in --conntrack mode against
# capture mode, on the same kind of traffic: network namespaces LAN --
# router (NAT, conntrack accounting on) -- WAN made here, the exporter in
# the router, and two loads from LAN:
#   bulk   iperf3 TCP for SECS seconds (Gbit/s from iperf3's JSON)
#   conns  short TCP connections (connect, 100 bytes, the server closes)
#          for SECS
#          seconds from 4 parallel clients (connections/s counted)
# Each load runs once per mode, one mode at a time.  Reported: the
# exporter's CPU time (user + system, /proc/PID/stat) over the run, that
# per Gbit/s of iperf3 and per 1,000 new connections/s, and its peak RSS
# (VmHWM).  See bench/README.md.
#
# usage: bench/conntrack.sh [SECS]        (default 5; root)
#
# environment:
#   MF_BUILDDIR  configured build tree holding minflow-exporter
#                (default: build/ at the top of the tree)
#   BENCH_OUT    where the results go (default: bench/out)
#   BENCH_LOADS  the loads to run (default: "bulk conns")
#
# Writes $BENCH_OUT/conntrack-results.md.  Every process is stopped by
# PID and the namespaces are deleted on exit.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${MF_BUILDDIR:-$top/build}
out=${BENCH_OUT:-$top/bench/out}
secs=${1:-5}
exporter=$build/minflow-exporter
[ -x "$exporter" ] || { echo "no $exporter: build it first" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
mkdir -p "$out"
tmp=$(mktemp -d)
rand=$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')
lan=mfb-$rand-lan rtr=mfb-$rand-rtr wan=mfb-$rand-wan
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	for n in $lan $rtr $wan; do ip netns del "$n" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
inL() { ip netns exec "$lan" "$@"; }
inR() { ip netns exec "$rtr" "$@"; }

for n in $lan $rtr $wan; do
	ip netns add "$n"
	ip -n "$n" link set lo up
done
ip link add lan0 netns "$lan" type veth peer name rl netns "$rtr"
ip link add rw netns "$rtr" type veth peer name wan0 netns "$wan"
ip -n "$lan" addr add 192.168.77.2/24 dev lan0
ip -n "$rtr" addr add 192.168.77.1/24 dev rl
ip -n "$rtr" addr add 198.51.100.1/24 dev rw
ip -n "$wan" addr add 198.51.100.2/24 dev wan0
for l in "$lan lan0" "$rtr rl" "$rtr rw" "$wan wan0"; do
	set -- $l
	ip -n "$1" link set "$2" up
done
ip -n "$lan" route add default via 192.168.77.1
ip netns exec "$lan" sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
inR sysctl -qw net.ipv4.ip_forward=1 net.netfilter.nf_conntrack_acct=1 \
    net.netfilter.nf_conntrack_timestamp=1
inR nft add table ip nat
inR nft add chain ip nat post '{ type nat hook postrouting priority 100; }'
inR nft add rule ip nat post oif rw masquerade

ip netns exec "$wan" iperf3 -s -p 5201 >/dev/null 2>&1 &
pids="$pids $!"
cat >"$tmp/sink.py" <<'EOF'
import socket, threading
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.51.100.2", 9000))
s.listen(4096)
def serve(c):
    c.recv(4096)
    c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF
cat >"$tmp/conns.py" <<'EOF'
import socket, sys, time
end = time.time() + float(sys.argv[1])
n = 0
while time.time() < end:
    c = socket.create_connection(("198.51.100.2", 9000))
    c.sendall(b"x" * 100)
    c.recv(1)  # the server closes first: TIME_WAIT stays on its side
    c.close()
    n += 1
print(n)
EOF
ip netns exec "$wan" python3 "$tmp/sink.py" &
pids="$pids $!"
sleep 1

# cpu_ticks PID: user + system clock ticks so far
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

# run MODE LOAD: one exporter, one load; prints "cpu_s rate rss_kib"
run() {
	local mode=$1 load=$2 opts pid t0 t1 rss rate
	if [ "$mode" = conntrack ]; then
		opts="--conntrack -i rl"
	else
		opts="-i rl"
	fi
	inR conntrack -F >/dev/null 2>&1 || true
	# shellcheck disable=SC2086 # options are words
	ip netns exec "$rtr" "$exporter" $opts -w /dev/null &
	pid=$!
	sleep 1
	t0=$(cpu_ticks $pid)
	if [ "$load" = bulk ]; then
		rate=$(inL iperf3 -c 198.51.100.2 -p 5201 -t "$secs" -J |
		    python3 -c 'import json, sys
print("%.3f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e9))')
	else
		for i in 1 2 3 4; do
			inL python3 "$tmp/conns.py" "$secs" >"$tmp/n$i" &
		done
		wait $(jobs -p | tail -n 4)
		rate=$(cat "$tmp"/n[1-4] | awk -v s="$secs" '{ n += $1 } END { printf "%.0f", n / s }')
	fi
	sleep 1
	t1=$(cpu_ticks $pid)
	rss=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
	kill -TERM $pid
	wait $pid || true
	echo "$(awk -v a="$t0" -v b="$t1" -v h="$hz" 'BEGIN { printf "%.2f", (b - a) / h }') $rate $rss"
}

res=$out/conntrack-results.md
{
	echo "| load | mode | exporter CPU s | rate | CPU s per rate unit | peak RSS KiB |"
	echo "| --- | --- | ---: | ---: | ---: | ---: |"
	for load in ${BENCH_LOADS:-bulk conns}; do
		for mode in pcap conntrack; do
			read -r cpu rate rss < <(run $mode $load)
			if [ $load = bulk ]; then
				unit="Gbit/s"
				per=$(awk -v c="$cpu" -v r="$rate" -v s="$secs" 'BEGIN { printf "%.3f", c / s / r }')
			else
				unit="conn/s"
				per=$(awk -v c="$cpu" -v r="$rate" -v s="$secs" 'BEGIN { printf "%.4f", c / s / (r / 1000) }')
			fi
			echo "| $load | $mode | $cpu | $rate $unit | $per | $rss |"
		done
	done
	echo
	echo "CPU s per rate unit: exporter CPU seconds per second of load, divided"
	echo "by Gbit/s (bulk) or by thousands of new connections/s (conns);"
	echo "SECS=$secs, $(nproc) CPUs, kernel $(uname -r)."
} | tee "$res"
