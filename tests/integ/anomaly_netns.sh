#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The anomaly detectors at their DEFAULT thresholds on traffic this test
# makes itself with real tools, inside two network namespaces it creates
# (mf-<random>-atk, the attacker or client, and mf-<random>-vic, the
# victim or server) joined by one veth pair: vethA 10.204.1.1 in atk,
# vethV 10.204.1.2 in vic.  atk also routes 198.51.100.0/24 through vic,
# which does not own those addresses and does not forward: a SYN to them
# crosses the veth and is silently dropped, as a firewall that drops would
# do (Linux sends no ICMP error for a packet it may not forward).  vic has
# no default route, so it cannot answer sources outside 10.204.1.0/24
# (the spoofed sources of the flood).  IPv6 is off in both, and tcpdump
# keeps only "ip", so no background traffic enters a capture.
#
# Each scenario has its own tcpdump capture on vethV, then
#   minflow-exporter -r CAP -w F.ipfix; minflow-collector -r F.ipfix
# with internal = the namespaces' networks, and the set of (type, ip)
# over all its reports' "anomalies" must equal the expected set exactly;
# why each expectation holds is said at each scenario.  The benign one
# also checks that dns.most_resolved equals tshark's count of NOERROR
# responses from port 53 by name in the same capture.
#
# Needs root and nmap, hping3, sshd (openssh-server), ssh, dnsmasq
# (dnsmasq-base), dig (bind9-dnsutils), curl, tcpdump, tshark: anything
# missing skips (a failure under CI; scripts/deps.sh installs them).
# Namespaces, and with them the veths, are removed on exit; every process
# is started through bgA/bgV and stopped by its PID; every wait is bounded.
. "$MF_SRCDIR/tests/integ/lib.sh"
need ip ss tcpdump tshark nmap hping3 dnsmasq ssh ssh-keygen dig curl \
    python3 timeout
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, raw sockets)"
SSHD=$(command -v sshd) || skip "required command 'sshd' not found"
need_exporter
need_collector
mk_tmp

T=$MF_TMP
RAND=$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')
NSA=mf-$RAND-atk
NSV=mf-$RAND-vic
ATK=10.204.1.1
VIC=10.204.1.2
FILTERED=198.51.100.7

netns_pair "$NSA" vethA "$ATK" "$NSV" vethV "$VIC"
ip -n "$NSA" route add 198.51.100.0/24 via "$VIC" ||
    skip "cannot add the route through vic"

inA() { ip netns exec "$NSA" "$@"; }
bgA() { netns_bg "$NSA" "$@"; }
bgV() { netns_bg "$NSV" "$@"; }
CAP_NS=$NSV
CAP_IF=vethV
. "$MF_SRCDIR/tests/integ/netns_scenario.sh"

printf '[networks]\ninternal = 10.204.1.0/24; 198.51.100.0/24\n' \
    >"$T/minflow.conf"
printf '[reports]\nretention-days = 0\n' >>"$T/minflow.conf"

# resolved NAME: tshark's "name count" of NOERROR DNS responses from port
# 53 (mDNS and LLMNR use other ports) in $T/NAME.pcap
resolved() {
	tshark -r "$T/$1.pcap" -T fields -e dns.qry.name -Y 'udp.srcport == 53 &&
	    dns.flags.response == 1 && dns.flags.rcode == 0' 2>/dev/null |
	    LC_ALL=C sort | uniq -c | awk '{ print $2, $1 }'
}

# http_start PORT: python3 -m http.server on $VIC:PORT in vic, serving
# $T/www; HTTPD is its PID
http_start() {
	mkdir -p "$T/www" && echo hello >"$T/www/index.html"
	bgV python3 -m http.server --bind "$VIC" --directory "$T/www" "$1" \
	    >"$T/http$1.log" 2>&1
	HTTPD=$BG
	wait_listen "$NSV" tcp "$1" "$HTTPD" ||
	    fail "http.server listens on $1" "$(cat "$T/http$1.log")"
}

# flood NAME: hping3, 3000 SYNs to $VIC:80 from random (spoofed) sources,
# 500 a second (6 s): a small flood, but one that would fill a home
# server's backlog.  hping3 exits 1 when nothing answers it.
flood() {
	capture_start "$1" &&
	    { inA timeout 30 hping3 -q -S -p 80 -c 3000 -i u2000 \
	    --rand-source "$VIC" >"$T/$1.log" 2>&1 || true; }
	capture_stop "$1"
	assert_eq "$1: 3000 SYNs to $VIC:80" 3000 \
	    "$(npackets "$1" "tcp.flags == 0x002 && ip.dst == $VIC")"
}

START=$(date +%s)
phase() { mf_log "$(($(date +%s) - START)) s: $*"; }

# === a1. nmap SYN scan of closed ports ==================================
# nmap -sS of ports 1-200 of vic, where nothing listens: each SYN is
# answered by a reset (400 packets in well under a second).  One source
# probes 200 ports of one target: port_scan_vertical (threshold 25).  The
# probes were refused, not left unanswered, so this is no syn_scan, and no
# port has more than one SYN, far from half_open's 100.
phase "a1. nmap -sS of 200 closed ports"
capture_start nmap-closed &&
    { inA timeout 30 nmap -n -sS -Pn -p 1-200 --max-rate 500 \
    --max-retries 1 "$VIC" >"$T/nmap-closed.log" 2>&1 ||
    fail "a1: nmap" "$(cat "$T/nmap-closed.log")"; }
capture_stop nmap-closed
assert_eq "a1: 200 ports probed, each answered by a reset" "200 200" \
    "$(nvalues nmap-closed tcp.dstport "tcp.flags == 0x002") $(nvalues nmap-closed tcp.srcport "tcp.flags.reset == 1 && ip.src == $VIC")"
check nmap-closed "port_scan_vertical $ATK"

# === a2. nmap SYN scan of a filtered host ===============================
# The same scan of 198.51.100.7, which drops everything (see the top):
# nmap sends each of the 200 SYNs once or twice and nothing comes back;
# --min-rate keeps it from slowing down for lack of answers (4 s).  One
# source probes 200 ports of one target (port_scan_vertical) with SYNs
# that nobody answers (syn_scan, threshold 50 (target, port) pairs); at
# most two SYNs a port stay below half_open's 100.
phase "a2. nmap -sS of 200 filtered ports"
capture_start nmap-filtered &&
    { inA timeout 30 nmap -n -sS -Pn -p 1-200 --min-rate 200 --max-rate 500 \
    --max-retries 1 --max-rtt-timeout 200ms "$FILTERED" \
    >"$T/nmap-filtered.log" 2>&1 ||
    fail "a2: nmap" "$(cat "$T/nmap-filtered.log")"; }
capture_stop nmap-filtered
assert_eq "a2: 200 ports probed, nothing answered" "200 0" \
    "$(nvalues nmap-filtered tcp.dstport "ip.dst == $FILTERED") $(npackets nmap-filtered "ip.src == $FILTERED")"
check nmap-filtered "port_scan_vertical $ATK" "syn_scan $ATK"

# === b1. hping3 spoofed SYN flood, unanswered ============================
# vic has no route back to the random sources, so it answers none of the
# 3000 SYNs.  Its port 80 gets 3000 unanswered SYNs in 6 s (half_open,
# threshold 100 a minute) from about 3000 distinct sources (ddos_target,
# threshold 1000; the report's estimate, from a sketch, was 2900 to 3700
# in our runs).  Each
# source sends one SYN, far below every per-source threshold, so no
# source is reported.
phase "b1. hping3 SYN flood, unanswered"
flood flood
assert_eq "b1: nothing answered" 0 "$(npackets flood "ip.src == $VIC")"
check flood "ddos_target $VIC" "half_open $VIC"

# === b2. hping3 spoofed SYN flood, answered ==============================
# The same flood of a port where a server listens, vic now with a default
# route (atk, which drops what it may not forward): vic answers every SYN
# with a SYN-ACK, using SYN cookies once its backlog is full, except those
# from sources the kernel drops as martians (multicast 224.0.0.0/4,
# loopback 127.0.0.0/8: 1/14 of hping3's random addresses).  So the target
# still gets about 3000 distinct sources (ddos_target) and some 200 to 250
# SYNs that are never answered (half_open, threshold 100): a realistic
# flood with random sources holds both, as the spoofed capture in
# collector_anomaly.sh does.  The SYN-ACKs do not open conversations and
# are no probes: vic is no scanner.
phase "b2. hping3 SYN flood of a listening port, answered"
http_start 80
ip -n "$NSV" route add default via "$ATK" || fail "b2: default route"
flood flood-answered
ip -n "$NSV" route del default
stop_pid "$HTTPD" 10 || fail "b2: http.server stops on TERM"
# No SYN from a source the kernel accepts (first octet not 127 nor 224
# to 239; 0.0.0.0/8 is unicast since Linux 5.3) is left unanswered.
assert_eq "b2: only SYNs from martian sources are unanswered" 0 \
    "$(tshark -r "$T/flood-answered.pcap" -T fields -e ip.src -e ip.dst \
    -e tcp.flags 2>/dev/null | awk '
	$3 == "0x0002" { syn[$1] = 1 }
	$3 == "0x0012" { ack[$2] = 1 }
	END {
		for (s in syn) {
			split(s, o, ".")
			if (!(s in ack) && o[1] != 127 &&
			    (o[1] < 224 || o[1] > 239))
				bad++
		}
		print bad + 0
	}')"
# How many of those martian SYNs there are depends on how many packets
# hping3 got out (fewer on a loaded machine, under the sanitizers): count
# them in the capture, independently of minflow, and expect half_open
# exactly when they reach its threshold (100 a window).
b2_half=$(tshark -r "$T/flood-answered.pcap" -T fields -e ip.src -e ip.dst \
    -e tcp.flags 2>/dev/null | awk '
	$3 == "0x0002" { syn[NR] = $1 }
	$3 == "0x0012" { ack[$2] = 1 }
	END {
		for (i in syn)
			if (!(syn[i] in ack))
				n++
		print n + 0
	}')
mf_log "b2: $b2_half SYNs never answered"
if [ "$b2_half" -ge 100 ]; then
	check flood-answered "ddos_target $VIC" "half_open $VIC"
else
	check flood-answered "ddos_target $VIC"
fi

# === c. ssh brute force ==================================================
# sshd on vic:22 with a throwaway host key, and 60 logins as a user that
# does not exist, four at a time as hydra -t 4 would: each connection
# completes the handshake, exchanges versions, keys and the "none"
# authentication request (13 or 14 packets and 3.6 to 3.7 kB from the
# client), and is refused.  60 short connections of nearly equal size
# (coefficient of variation under 1 %) from one source to one
# authentication port in 10 to 15 s: brute_force
# (threshold 20 a minute).  Each is answered, so nothing else is reported.
phase "c. ssh logins"
ssh-keygen -q -t ed25519 -N '' -f "$T/ssh_host_key" || fail "c: ssh-keygen"
cat >"$T/sshd_config" <<CONF
ListenAddress $VIC:22
HostKey $T/ssh_host_key
PidFile none
UsePAM no
PermitRootLogin no
AuthorizedKeysFile none
KbdInteractiveAuthentication no
MaxStartups 100
CONF
# sshd wants its privilege separation directory /run/sshd: a tmpfs over
# /run in the private mount namespace of ip netns exec gives it one
# without touching the host's /run.  sh execs sshd: BG is sshd's PID.
# shellcheck disable=SC2016 # expanded by the inner shell
bgV sh -c 'mount -t tmpfs -o mode=0755 mf-run /run && mkdir /run/sshd &&
    exec "$0" -D -e -f "$1"' "$SSHD" "$T/sshd_config" 2>"$T/sshd.log"
SSHD_PID=$BG
wait_listen "$NSV" tcp 22 "$SSHD_PID" || fail "c: sshd listens" "$(cat "$T/sshd.log")"
capture_start ssh
i=0
while [ $i -lt 15 ]; do
	pids=""
	for j in 1 2 3 4; do
		bgA timeout 10 ssh -F /dev/null -o BatchMode=yes \
		    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		    -o PubkeyAuthentication=no -o GSSAPIAuthentication=no \
		    -o ConnectTimeout=5 -o LogLevel=ERROR invalid@"$VIC" true \
		    2>"$T/ssh.$i.$j.log"
		pids="$pids $BG"
	done
	# shellcheck disable=SC2086 # a list of PIDs
	wait_pids $pids
	i=$((i + 1))
done
capture_stop ssh
stop_pid "$SSHD_PID" 10 || fail "c: sshd stops on TERM"
assert_eq "c: 60 logins refused" 60 \
    "$(cat "$T"/ssh.*.log | grep -c 'Permission denied')"
assert_eq "c: 60 connections to port 22" 60 \
    "$(npackets ssh "tcp.flags == 0x002 && tcp.dstport == 22")"
check ssh "brute_force $ATK"

# === d. benign: DNS and HTTP =============================================
# dnsmasq on vic answers every name under example.test with 192.0.2.80;
# atk asks 50 times (dig, one query each, four names), then fetches a
# page five times with curl from python3 -m http.server.  One client, one
# server, two services, every request answered, five TCP connections to a
# web port: no threshold is approached, nothing is reported.  The DNS
# answers come to the collector as the exporter's DNS records, and
# dns.most_resolved counts NOERROR answers by name: exactly what tshark
# counts (responses from port 53 with rcode 0 by query name).
phase "d. dig against dnsmasq, curl against http.server"
bgV dnsmasq -d -C /dev/null --no-resolv --no-hosts -p 53 \
    --address=/example.test/192.0.2.80 --listen-address="$VIC" \
    --bind-interfaces --pid-file="$T/dnsmasq.pid" 2>"$T/dnsmasq.log"
DNSMASQ=$BG
wait_listen "$NSV" udp 53 "$DNSMASQ" ||
    fail "d: dnsmasq listens" "$(cat "$T/dnsmasq.log")"
http_start 8000
capture_start benign
# interleaved: www 20, mail 15, nas 10, printer 5
i=0
while [ $i -lt 20 ]; do
	for nc in www:20 mail:15 nas:10 printer:5; do
		[ $i -lt "${nc#*:}" ] || continue
		inA timeout 10 dig +short +tries=1 +time=3 @"$VIC" \
		    "${nc%:*}.example.test" A >>"$T/dig.log" 2>&1
	done
	i=$((i + 1))
done
i=0
while [ $i -lt 5 ]; do
	inA timeout 10 curl -sS -o /dev/null "http://$VIC:8000/" \
	    2>>"$T/curl.log" || fail "d: curl $i" "$(cat "$T/curl.log")"
	i=$((i + 1))
done
capture_stop benign
stop_pid "$DNSMASQ" 10 || fail "d: dnsmasq stops on TERM"
stop_pid "$HTTPD" 10 || fail "d: http.server stops on TERM"
assert_eq "d: 50 answers 192.0.2.80" 50 \
    "$(grep -c '^192\.0\.2\.80$' "$T/dig.log")"
assert_eq "d: tshark's NOERROR responses by name" "mail.example.test 15
nas.example.test 10
printer.example.test 5
www.example.test 20" "$(resolved benign)"
check benign
# An interval holding only flows without any DNS (the capture crossed an
# interval's end after its last query) says "none": not a source.
assert_eq "d: DNS statistics come from DNS records" records \
    "$(from_reports benign source | grep -v '^none$')"
assert_eq "d: dns.most_resolved equals tshark's count" \
    "$(resolved benign)" "$(from_reports benign dns | LC_ALL=C sort)"
phase "done"
finish
