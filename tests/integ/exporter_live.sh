#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# minflow-exporter on live interfaces (-i), in network namespaces of its own.
#
# Two namespaces, mf-<random>-a (where the exporter captures) and
# mf-<random>-b (where the traffic comes from), joined by veth pairs with
# private test addresses (10.203.1.0/24, 10.203.2.0/24) that exist only
# inside them. IPv6 is disabled in both, and the exporter and tcpdump only
# look at "ip", so no router solicitation or other background traffic can
# change a number. All traffic stays inside these namespaces (the TCP
# collector listens on the loopback of namespace a). Everything is removed
# on exit. Every wait is a bounded poll.
#
#  1. Live capture, SIGTERM flush: 5 ICMP echoes and 4 UDP datagrams, each
#     answered. Exit status 0 after TERM, totals and per-5-tuple equal what
#     tcpdump captured on the same interface (truth.py), every record's
#     ingressInterface is vethA's index in namespace a.
#  2. Two interfaces, one cache: -i vethA -i vethC, traffic on both; each
#     record carries the index of the interface it came through.
#  3. Interface down/up and deleted/recreated: capture survives a 6 s down
#     without reopening; a deleted and recreated interface is reopened
#     (capture-reopens) and its traffic exported with the new index; the
#     same when the interface is set down before it is deleted.
#  4. TCP transport with reconnection: collector (ipfix_listen.py) up,
#     stopped, restarted on the same port; the second connection starts with
#     the templates, records produced while it was down are counted as not
#     sent, every record counted as exported was received.
#  5. -u nobody: runs as nobody with CAP_NET_RAW and CAP_NET_ADMIN alone
#     and the seccomp filter on (exporter/privs.c), still captures, and
#     still reopens an interface that was recreated.
#
# Needs root (CI is root): creating a namespace is the first thing tried,
# and a failure skips (a failure under CI, like any skip).
. "$MF_SRCDIR/tests/integ/lib.sh"
need ip tcpdump tshark ipfixDump python3 ps timeout
need_exporter
mk_tmp

RECORDS="$MF_SRCDIR/tests/integ/ipfix_records.py"
LISTEN="$MF_SRCDIR/tests/integ/ipfix_listen.py"
T=$MF_TMP
RAND=$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')
NSA=mf-$RAND-a
NSB=mf-$RAND-b
MF_NETNS=""

# Stop our processes (lib.sh's cleanup) first: they run inside the
# namespaces. Then delete the namespaces, which deletes their veths.
live_cleanup() {
	cleanup
	for _n in $MF_NETNS; do
		ip netns del "$_n" 2>/dev/null
	done
}
trap live_cleanup EXIT

ip netns add "$NSA" 2>"$T/netns.err" || skip "cannot create a network namespace: $(cat "$T/netns.err")"
MF_NETNS="$NSA"
ip netns add "$NSB" || skip "cannot create a second network namespace"
MF_NETNS="$NSA $NSB"
for n in $NSA $NSB; do
	ip -n "$n" link set lo up || skip "cannot configure namespace $n"
	# New interfaces get no IPv6 (no link-local address, no RS, no MLD).
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	    net.ipv6.conf.default.disable_ipv6=1 2>/dev/null || true
done

inA() { ip netns exec "$NSA" "$@"; }
inB() { ip netns exec "$NSB" "$@"; }
# bgA CMD...: CMD in namespace a, in the background; BG is its PID (ip netns
# exec execs CMD, so signals reach CMD itself; never background a shell
# function instead: $! would be a subshell's PID)
bgA() {
	ip netns exec "$NSA" "$@" &
	BG=$!
	track_pid $BG
}

# veth NAME_IN_A NAME_IN_B SUBNET: a veth pair, SUBNET.1 in a, SUBNET.2 in b
veth() {
	ip link add "$1" netns "$NSA" type veth peer name "$2" netns "$NSB" &&
	    ip -n "$NSA" addr add "$3.1/24" dev "$1" &&
	    ip -n "$NSB" addr add "$3.2/24" dev "$2" &&
	    ip -n "$NSA" link set "$1" up &&
	    ip -n "$NSB" link set "$2" up
}
ifindex() { inA cat "/sys/class/net/$1/ifindex"; }

veth vethA vethB 10.203.1 || skip "cannot create a veth pair"
IDX_A=$(ifindex vethA)

# --- traffic, all from namespace b to namespace a ---------------------------
TRAFFIC=$MF_SRCDIR/tests/integ/exporter_live_traffic.py

# icmp DST COUNT: COUNT echo requests (84 IP bytes each) and their replies
icmp() {
	inB timeout 20 python3 "$TRAFFIC" icmp "$1" "$2" ||
	    fail "icmp to $1" "no answer"
}

# udp DST DPORT SPORT SIZE...: UDP payloads of SIZE bytes (28 + SIZE IP
# bytes), each echoed back by a server in namespace a
udp() {
	_dst=$1 _dport=$2 _sport=$3
	shift 3
	rm -f "$T/echo.ready"
	bgA timeout 20 python3 "$TRAFFIC" echo "$_dport" $# "$T/echo.ready"
	_srv=$BG
	_i=0
	while [ ! -e "$T/echo.ready" ] && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	inB timeout 20 python3 "$TRAFFIC" udp "$_dst" "$_dport" "$_sport" "$@" ||
	    fail "udp $_dst:$_dport from $_sport" "no answer"
	untrack_pid $_srv
	wait $_srv
}

# --- processes ----------------------------------------------------------
# wait_capture PID IFINDEX...: until PID has a running packet socket bound to
# each IFINDEX (it then captures: what arrives is in its ring), 10 s at most
wait_capture() {
	_pid=$1
	shift
	_i=0
	while [ $_i -lt 100 ]; do
		# shellcheck disable=SC2012 # only socket:[N] links are read
		_inodes=$(ls -l "/proc/$_pid/fd" 2>/dev/null |
		    sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p' | tr '\n' ' ')
		_bound=$(awk -v l="$_inodes" 'BEGIN { n = split(l, a); for (i = 1; i <= n; i++) w[a[i]] = 1 }
		    NR > 1 && ($9 in w) && $6 == 1 { print " " $5 " " }' \
		    "/proc/$_pid/net/packet" 2>/dev/null | tr -d '\n')
		_all=1
		for _x in "$@"; do
			case "$_bound" in *" $_x "*) ;; *) _all=0 ;; esac
		done
		[ $_all = 1 ] && return 0
		kill -0 "$_pid" 2>/dev/null || return 1
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# start_exporter NAME OPTION...: minflow-exporter in namespace a, stderr in
# $T/NAME.err; sets EXP; waits until it captures on every -i interface
start_exporter() {
	_name=$1
	shift
	bgA "$MF_EXPORTER" "$@" 2>"$T/$_name.err"
	EXP=$BG
	_idx=""
	_prev=""
	for _o in "$@"; do
		[ "$_prev" = "-i" ] && _idx="$_idx $(ifindex "$_o")"
		_prev=$_o
	done
	# shellcheck disable=SC2086 # one argument per interface index
	if ! wait_capture $EXP $_idx; then
		fail "$_name: exporter captures" "not capturing after 10 s"
		cat "$T/$_name.err" >&2
		return 1
	fi
}

# live_counter NAME COUNTER: COUNTER from the exporter's last SIGUSR1 log
live_counter() {
	sed -n "s/^.*: info: $2 \([0-9]*\)\$/\1/p" "$T/$1.err" | tail -n 1
}

# wait_counter NAME COUNTER VALUE: SIGUSR1 every 0.2 s until the logged
# COUNTER equals VALUE (packets still in the kernel ring are only counted
# once read, hence the repetition), 10 s at most
wait_counter() {
	_i=0
	while [ $_i -lt 50 ]; do
		kill -USR1 $EXP 2>/dev/null
		sleep 0.2
		[ "$(live_counter "$1" "$2")" = "$3" ] && return 0
		_i=$((_i + 1))
	done
	fail "$1: $2 reaches $3" "still $(live_counter "$1" "$2") after 10 s"
	return 1
}

# stop_exporter NAME: SIGTERM, wait (10 s at most); EXIT_RC = exit status
stop_exporter() {
	untrack_pid $EXP
	kill -TERM $EXP 2>/dev/null
	_i=0
	while kill -0 $EXP 2>/dev/null && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	if kill -0 $EXP 2>/dev/null; then
		kill -KILL $EXP 2>/dev/null
		fail "$1: exits after SIGTERM" "killed after 10 s"
	fi
	wait $EXP
	EXIT_RC=$?
	assert_eq "$1: exit status after SIGTERM" 0 "$EXIT_RC"
}

# final_counter NAME COUNTER: COUNTER as printed by --stats at exit
final_counter() {
	sed -n "s/^$2  *\([0-9]*\)\$/\1/p" "$T/$1.err" | tail -n 1
}

# wait_log NAME TEXT COUNT SECONDS: until TEXT is in NAME.err COUNT times
wait_log() {
	_i=0
	while [ "$(grep -c "$2" "$T/$1.err")" -lt "$3" ]; do
		[ $_i -ge $(($4 * 10)) ] && return 1
		sleep 0.1
		_i=$((_i + 1))
	done
}

# flows_if FILE: "src dst proto sport dport packets bytes ingressInterface"
# per flow record, sorted
flows_if() {
	python3 "$RECORDS" records "$1" | awk -F '\t' '{
		delete v
		for (i = 1; i <= NF; i++) {
			j = index($i, "=")
			v[substr($i, 1, j - 1)] = substr($i, j + 1)
		}
		print v["sourceIPv4Address"], v["destinationIPv4Address"],
		    v["protocolIdentifier"], v["sourceTransportPort"],
		    v["destinationTransportPort"], v["packetDeltaCount"],
		    v["octetDeltaCount"], v["ingressInterface"]
	}' | LC_ALL=C sort
}
nrecords() {
	if [ -s "$1" ]; then
		python3 "$RECORDS" records "$1" | wc -l | tr -d ' '
	else
		echo 0
	fi
}

START=$(date +%s)
phase() { mf_log "$(($(date +%s) - START)) s: $*"; }

# === 1. live capture, SIGTERM flush, against tcpdump ====================
phase "1. live capture and SIGTERM flush"
bgA tcpdump -Z root -U -n -i vethA -w "$T/s1.pcap" ip 2>"$T/tcpdump.err"
TCPDUMP=$BG
wait_capture $TCPDUMP "$IDX_A" || fail "tcpdump captures" "$(cat "$T/tcpdump.err")"
start_exporter s1 -i vethA -f ip -w "$T/s1.ipfix" --stats
icmp 10.203.1.1 5                          # 10 packets, 840 bytes
udp 10.203.1.1 5001 6001 10 100 500 1000   # 8 packets, 2 * 1722 bytes
wait_counter s1 packets 18
_i=0
while [ "$(tcpdump -r "$T/s1.pcap" 2>/dev/null | wc -l)" -lt 18 ] && [ $_i -lt 100 ]; do
	sleep 0.1
	_i=$((_i + 1))
done
stop_pid $TCPDUMP 10 || fail "tcpdump stops on TERM"
stop_exporter s1
assert_eq "1: tcpdump saw exactly the traffic sent" "18 4284" \
    "$(truth totals "$T/s1.pcap" 2>/dev/null)"
assert_eq "1: totals equal tcpdump's" "$(truth totals "$T/s1.pcap" 2>/dev/null)" \
    "$(python3 "$RECORDS" totals "$T/s1.ipfix")"
assert_eq "1: per 5-tuple equal tcpdump's" "$(truth flows "$T/s1.pcap" 2>/dev/null)" \
    "$(python3 "$RECORDS" flows "$T/s1.ipfix")"
assert_eq "1: 4 records (ICMP request, reply, UDP both ways)" 4 "$(nrecords "$T/s1.ipfix")"
assert_eq "1: every record's ingressInterface is vethA ($IDX_A)" 4 \
    "$(python3 "$RECORDS" count "$T/s1.ipfix" ingressInterface "$IDX_A")"
assert_eq "1: every record ends by SIGTERM (flowEndReason 4)" 4 \
    "$(python3 "$RECORDS" count "$T/s1.ipfix" flowEndReason 4)"
assert_eq "1: --stats packets" 18 "$(final_counter s1 packets)"
assert_eq "1: statistics record packetTotalCount" 18 \
    "$(python3 "$RECORDS" stats "$T/s1.ipfix" packetTotalCount)"

# === 2. two interfaces, one cache ======================================
phase "2. two interfaces"
veth vethC vethD 10.203.2 || fail "2: second veth pair"
IDX_C=$(ifindex vethC)
[ "$IDX_A" != "$IDX_C" ] || fail "2: two different interface indexes"
start_exporter s2 -i vethA -i vethC -f ip -w "$T/s2.ipfix" --stats
icmp 10.203.1.1 3
udp 10.203.1.1 5002 6002 64
icmp 10.203.2.1 2
udp 10.203.2.1 5002 6002 200 300   # same ports, other interface: other flow
wait_counter s2 packets 16
stop_exporter s2
assert_eq "2: records per interface" "10.203.1.1 10.203.1.2 1 0 0 3 252 $IDX_A
10.203.1.1 10.203.1.2 17 5002 6002 1 92 $IDX_A
10.203.1.2 10.203.1.1 1 0 2048 3 252 $IDX_A
10.203.1.2 10.203.1.1 17 6002 5002 1 92 $IDX_A
10.203.2.1 10.203.2.2 1 0 0 2 168 $IDX_C
10.203.2.1 10.203.2.2 17 5002 6002 2 556 $IDX_C
10.203.2.2 10.203.2.1 1 0 2048 2 168 $IDX_C
10.203.2.2 10.203.2.1 17 6002 5002 2 556 $IDX_C" "$(flows_if "$T/s2.ipfix")"
assert_eq "2: totals" "16 2136" "$(python3 "$RECORDS" totals "$T/s2.ipfix")"
ip -n "$NSA" link del vethC

# === 3. interface down and up, deleted and recreated ===================
phase "3. interface down/up, deleted/recreated"
start_exporter s3 -i vethA -f ip -w "$T/s3.ipfix" --stats
udp 10.203.1.1 5003 6031 111
wait_counter s3 packets 2
# 3a. Down for 6 s (longer than the 5 s retry), then up. libpcap 1.10 does
# not report a downed interface as an error (it notes ENETDOWN, and the
# kernel re-attaches the packet socket when the interface comes back up),
# so the same capture handle must simply see the traffic after the up, and
# nothing is reopened.
ip -n "$NSA" link set vethA down
sleep 6
ip -n "$NSA" link set vethA up
udp 10.203.1.1 5003 6032 222
wait_counter s3 packets 4
assert_eq "3a: nothing reopened after down/up" 0 "$(live_counter s3 capture-reopens)"
# 3b. Deleted and recreated under the same name, as a PPP, VPN or bridge
# interface is: the packet socket is bound to the old index, libpcap
# reports "The interface disappeared", and only a reopen (every 5 s)
# captures the new interface, under its new index.
ip -n "$NSA" link del vethA
wait_log s3 "capture failed" 1 5 || fail "3b: deletion noticed" "no 'capture failed' after 5 s"
veth vethA vethB 10.203.1 || fail "3b: veth recreated"
IDX_A2=$(ifindex vethA)
wait_log s3 "capture reopened" 1 12 || fail "3b: capture reopened" "not after 12 s"
udp 10.203.1.1 5003 6033 333
wait_counter s3 packets 6
# 3c. The same, but set down before it is deleted (the usual order of
# ifdown scripts): the down is noticed first, so the deletion itself raises
# no new socket error; the exporter has to keep asking libpcap
# (pcap_get_required_select_timeout) to learn that the interface is gone.
ip -n "$NSA" link set vethA down
sleep 0.5
ip -n "$NSA" link del vethA
veth vethA vethB 10.203.1 || fail "3c: veth recreated"
IDX_A3=$(ifindex vethA)
wait_log s3 "capture reopened" 2 12 ||
    fail "3c: capture reopened after down + delete" "not after 12 s"
udp 10.203.1.1 5003 6034 444
wait_counter s3 packets 8
stop_exporter s3
assert_eq "3: records before, after down/up, after each recreation" \
    "10.203.1.1 10.203.1.2 17 5003 6031 1 139 $IDX_A
10.203.1.1 10.203.1.2 17 5003 6032 1 250 $IDX_A
10.203.1.1 10.203.1.2 17 5003 6033 1 361 $IDX_A2
10.203.1.1 10.203.1.2 17 5003 6034 1 472 $IDX_A3
10.203.1.2 10.203.1.1 17 6031 5003 1 139 $IDX_A
10.203.1.2 10.203.1.1 17 6032 5003 1 250 $IDX_A
10.203.1.2 10.203.1.1 17 6033 5003 1 361 $IDX_A2
10.203.1.2 10.203.1.1 17 6034 5003 1 472 $IDX_A3" "$(flows_if "$T/s3.ipfix")"
assert_eq "3: --stats capture-reopens" 2 "$(final_counter s3 capture-reopens)"
assert_eq "3: --stats packets" 8 "$(final_counter s3 packets)"
IDX_A=$IDX_A3

# === 4. TCP transport, collector stopped and restarted =================
phase "4. TCP collector restart"
PORT=4739   # the loopback of namespace a is ours alone
# start_collector NAME: ipfix_listen.py on 127.0.0.1:PORT in namespace a
start_collector() {
	rm -f "$T/$1.ready"
	bgA python3 "$LISTEN" --max-time 120 listen tcp 127.0.0.1 $PORT \
	    "$T/$1.ipfix" "$T/$1.ready" 2>"$T/$1.err"
	COLL=$BG
	_i=0
	while [ ! -e "$T/$1.ready" ]; do
		[ $_i -ge 100 ] && { fail "$1: collector listens"; return 1; }
		sleep 0.1
		_i=$((_i + 1))
	done
}
# wait_records FILE N: until FILE holds N flow records, 15 s at most
wait_records() {
	_i=0
	while [ "$(nrecords "$1")" -lt "$2" ]; do
		[ $_i -ge 75 ] && { fail "$(basename "$1"): $2 records arrive" "$(nrecords "$1") after 15 s"; return 1; }
		sleep 0.2
		_i=$((_i + 1))
	done
}
start_collector c1
# Idle timeout 1 s: each phase's flows are exported during that phase.
start_exporter s4 -i vethA -f ip -c 127.0.0.1:$PORT -t tcp --idle-timeout=1 --stats
udp 10.203.1.1 5004 6041 41 42                     # phase 1: collector up
wait_records "$T/c1.ipfix" 2
stop_pid $COLL 10 || fail "4: collector 1 stops on TERM"
udp 10.203.1.1 5004 6042 43                        # phase 2: collector down
# Both phase 2 records have been produced (sent or not) once
# records-exported + records-not-sent reaches 4.
_i=0
while :; do
	kill -USR1 $EXP
	sleep 0.2
	_e=$(live_counter s4 records-exported)
	_n=$(live_counter s4 records-not-sent)
	[ $((${_e:-0} + ${_n:-0})) -ge 4 ] && break
	[ $_i -ge 50 ] && { fail "4: phase 2 records produced" "not after 10 s"; break; }
	_i=$((_i + 1))
done
start_collector c2
udp 10.203.1.1 5004 6043 44 45 46                  # phase 3: collector back
wait_records "$T/c2.ipfix" 2
stop_exporter s4
stop_pid $COLL 10 || fail "4: collector 2 stops on TERM"
assert_eq "4: first connection starts with a template set" 2 \
    "$(python3 "$LISTEN" first-set "$T/c1.ipfix")"
assert_eq "4: second connection starts with a template set" 2 \
    "$(python3 "$LISTEN" first-set "$T/c2.ipfix")"
assert_eq "4: collector 1 got phase 1" "10.203.1.1 10.203.1.2 17 5004 6041 2 139
10.203.1.2 10.203.1.1 17 6041 5004 2 139" "$(python3 "$RECORDS" flows "$T/c1.ipfix")"
assert_eq "4: collector 2 got phase 3" "10.203.1.1 10.203.1.2 17 5004 6043 3 219
10.203.1.2 10.203.1.1 17 6043 5004 3 219" "$(python3 "$RECORDS" flows "$T/c2.ipfix")"
# export.c counts each flow record once: in records-exported when the
# message holding it was sent, in records-not-sent when it could not be.
# Phases 1 and 3 give 2 records each (sent), phase 2 gives 2 (collector
# down): exported 4, not sent 2, and every record counted as exported
# must have reached a collector.
got=$(($(nrecords "$T/c1.ipfix") + $(nrecords "$T/c2.ipfix")))
assert_eq "4: records-exported" 4 "$(final_counter s4 records-exported)"
assert_eq "4: records-not-sent (produced while the collector was down)" 2 \
    "$(final_counter s4 records-not-sent)"
assert_eq "4: records received == records-exported" \
    "$(final_counter s4 records-exported)" "$got"
assert_eq "4: statistics record notSentFlowTotalCount" 2 \
    "$(python3 "$RECORDS" stats "$T/c2.ipfix" notSentFlowTotalCount)"
assert_eq "4: collector connections" "1 1" \
    "$(grep -c '^connection 1 from' "$T/c1.err") $(grep -c '^connection 1 from' "$T/c2.err")"

# === 5. -u nobody ======================================================
phase "5. -u nobody"
start_exporter s5 -u nobody -i vethA -f ip -w "$T/s5.ipfix" --stats
_i=0
while [ "$(ps -o user= -p $EXP | tr -d ' ')" != nobody ] && [ $_i -lt 50 ]; do
	sleep 0.1
	_i=$((_i + 1))
done
assert_eq "5: runs as nobody" nobody "$(ps -o user= -p $EXP | tr -d ' ')"
# exporter/privs.c: CAP_NET_ADMIN and CAP_NET_RAW (bits 12 and 13) alone
# are left, in the bounding set too with libcap-ng; the seccomp filter
# (mode 2) is on with libseccomp, except in a sanitizer build.
_bnd=$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)
_sec=0
if grep -q '^#define HAVE_LIBCAP_NG 1' "$MF_BUILDDIR/config.h"; then
	_bnd=0000000000003000
fi
if grep -q '^#define HAVE_SECCOMP 1' "$MF_BUILDDIR/config.h" &&
    ! grep -q '^#define MF_SANITIZERS 1' "$MF_BUILDDIR/config.h"; then
	_sec=2
fi
assert_eq "5: capabilities and system call filter" \
    "0000000000003000 $_bnd $_sec" \
    "$(awk '$1 == "CapEff:" { e = $2 } $1 == "CapBnd:" { b = $2 }
    $1 == "Seccomp:" { s = $2 } END { print e, b, s }' "/proc/$EXP/status")"
udp 10.203.1.1 5005 6051 51 52
wait_counter s5 packets 4
# The man page: reopening works after -u too (CAP_NET_RAW is kept).
ip -n "$NSA" link del vethA
veth vethA vethB 10.203.1 || fail "5: veth recreated"
IDX_A5=$(ifindex vethA)
wait_log s5 "capture reopened" 1 12 || fail "5: capture reopened as nobody" "not after 12 s"
udp 10.203.1.1 5005 6052 53
wait_counter s5 packets 6
stop_exporter s5
assert_eq "5: records as nobody, before and after a reopen" \
    "10.203.1.1 10.203.1.2 17 5005 6051 2 159 $IDX_A
10.203.1.1 10.203.1.2 17 5005 6052 1 81 $IDX_A5
10.203.1.2 10.203.1.1 17 6051 5005 2 159 $IDX_A
10.203.1.2 10.203.1.1 17 6052 5005 1 81 $IDX_A5" "$(flows_if "$T/s5.ipfix")"
assert_eq "5: --stats capture-reopens" 1 "$(final_counter s5 capture-reopens)"
phase "done"
finish
