#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# minflow-exporter --conntrack on a router made of network namespaces this
# test creates: LAN (mf-R-lan, 192.168.77.2) -- router (mf-R-rtr,
# 192.168.77.1 / 198.51.100.1, forwarding, nftables masquerade towards
# WAN, conntrack accounting and timestamps on: those sysctls are per
# network namespace) -- WAN (mf-R-wan, 198.51.100.2: HTTP servers,
# iperf3, dnsmasq).  Real traffic from LAN: dig, curl downloads of known
# sizes, iperf3 TCP and UDP, ping.
#
# Part 1 (exact counters): the exporter runs in the router with -i (DNS
# only) and -u nobody, next to a pcap-mode exporter on the same LAN
# interface.  A rate-limited download starts before the exporter (it must
# still be exported, whole) and lasts several --active-timeouts (slices).
#   - every direction of every connection: the exported packets and bytes
#     (sums over slices) equal conntrack's own (conntrack -L, read just
#     before the exporter stops; one connection deleted with conntrack -D
#     first, so its record comes from the DESTROY event);
#   - per test flow, the same sums equal the router's nftables counter
#     rule for it (one rule per direction in the forward chain);
#   - records carry the translated address and port (postNAT*) and the
#     MACs of the router's neighbours (LAN client, WAN server);
#   - the long download left in >= 2 active-timeout slices;
#   - the DNS labels (distinct 5-tuple/label pairs) equal pcap mode's;
#   - the process runs as nobody with CapEff CAP_NET_ADMIN|CAP_NET_RAW
#     (-i keeps NET_RAW to reopen the capture).
# Part 2 (lost events): a 16 KiB event buffer and 3000 short UDP
# connections (UDP timeout 1 s) while a rate-limited download runs: the
# overruns are counted and followed by resync dumps, the exporter exits
# cleanly, the download's totals are still exact (nftables) and the lost
# connections counted in --stats equal the statistics record's.  Without
# -i the process still keeps CAP_NET_ADMIN and CAP_NET_RAW (CapEff 0x3000,
# exporter/privs.c: every live mode).
# Flow offloading: this kernel has no flowtables; the test says so.
. "$MF_SRCDIR/tests/integ/lib.sh"
need ip ss nft conntrack curl dig dnsmasq iperf3 ping python3 timeout ipfixDump
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
need_exporter
mk_tmp

T=$MF_TMP
RAND=$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')
LAN=mf-$RAND-lan
RTR=mf-$RAND-rtr
WAN=mf-$RAND-wan
CL=192.168.77.2
RL=192.168.77.1
RW=198.51.100.1
SV=198.51.100.2
REC() { python3 "$MF_SRCDIR/tests/integ/ipfix_records.py" "$@"; }
CT() { python3 "$MF_SRCDIR/tests/integ/ct_truth.py" "$@"; }
inL() { ip netns exec "$LAN" "$@"; }
inR() { ip netns exec "$RTR" "$@"; }
inW() { ip netns exec "$WAN" "$@"; }

for n in "$LAN" "$RTR" "$WAN"; do
	netns_add "$n" 2>"$T/netns.err" ||
	    skip "cannot create a network namespace: $(cat "$T/netns.err")"
done
if ! { ip link add lan0 netns "$LAN" type veth peer name rl netns "$RTR" &&
    ip link add rw netns "$RTR" type veth peer name wan0 netns "$WAN" &&
    ip -n "$LAN" addr add "$CL/24" dev lan0 &&
    ip -n "$RTR" addr add "$RL/24" dev rl &&
    ip -n "$RTR" addr add "$RW/24" dev rw &&
    ip -n "$WAN" addr add "$SV/24" dev wan0 &&
    ip -n "$LAN" link set lan0 up && ip -n "$RTR" link set rl up &&
    ip -n "$RTR" link set rw up && ip -n "$WAN" link set wan0 up &&
    ip -n "$LAN" route add default via "$RL"; }; then
	skip "cannot create the veth pairs"
fi
inR sysctl -qw net.ipv4.ip_forward=1 >/dev/null

# One counter rule per test flow and direction, named by its comment.
cat >"$T/rules.nft" <<EOF
table ip mfct {
	chain filt {
		type filter hook forward priority 0; policy accept;
		ip saddr $CL tcp dport 8001 counter comment "o8001"
		ip daddr $CL tcp sport 8001 counter comment "r8001"
		ip saddr $CL tcp dport 8002 counter comment "o8002"
		ip daddr $CL tcp sport 8002 counter comment "r8002"
		ip saddr $CL tcp dport 8003 counter comment "o8003"
		ip daddr $CL tcp sport 8003 counter comment "r8003"
		ip saddr $CL tcp dport 5201 counter comment "o5201"
		ip daddr $CL tcp sport 5201 counter comment "r5201"
		ip saddr $CL udp dport 5202 counter comment "o5202"
		ip daddr $CL udp sport 5202 counter comment "r5202"
		ip saddr $CL udp dport 53 counter comment "o53"
		ip daddr $CL udp sport 53 counter comment "r53"
		ip saddr $CL icmp type echo-request counter comment "oicmp"
		ip daddr $CL icmp type echo-reply counter comment "ricmp"
		ip saddr $CL tcp dport 8004 counter comment "o8004"
		ip daddr $CL tcp sport 8004 counter comment "r8004"
	}
	chain masq {
		type nat hook postrouting priority 100; policy accept;
		oif "rw" masquerade
	}
}
EOF
inR nft -f "$T/rules.nft" 2>"$T/nft.err" ||
    skip "nftables NAT unavailable: $(cat "$T/nft.err")"
# Accounting off: a clear error and exit 1, unless --conntrack-acct.
inR sysctl -qw net.netfilter.nf_conntrack_acct=0 >/dev/null ||
    skip "no conntrack sysctls in the router namespace"
inR timeout 10 "$MF_EXPORTER" --conntrack -w "$T/none.ipfix" 2>"$T/acct.err"
assert_eq "accounting off: exit 1" 1 $?
assert_eq "accounting off: says which sysctl" 1 \
    "$(grep -c 'nf_conntrack_acct=1' "$T/acct.err")"
netns_bg "$RTR" "$MF_EXPORTER" --conntrack --conntrack-acct -w "$T/none.ipfix"
i=0
while [ $i -lt 50 ] && [ "$(inR sysctl -n net.netfilter.nf_conntrack_acct)" != 1 ]; do
	sleep 0.1
	i=$((i + 1))
done
stop_pid $BG || fail "--conntrack-acct exporter stopped by TERM"
assert_eq "--conntrack-acct switched accounting on" 1 \
    "$(inR sysctl -n net.netfilter.nf_conntrack_acct)"
inR sysctl -qw net.netfilter.nf_conntrack_timestamp=1 >/dev/null ||
    fail "timestamps on"

# Flow offloading: software flowtables keep conntrack's counters only
# with a counter; this machine's kernel has none (man page: FLOW OFFLOAD).
if inR nft add flowtable ip mfct ft '{ hook ingress priority 0; devices = { rl, rw }; }' \
    >/dev/null 2>&1; then
	inR nft delete flowtable ip mfct ft >/dev/null 2>&1
	echo "# flowtables exist here: offloaded flows are not covered by this test"
else
	echo "# this kernel has no flowtables (nf_flow_table): flow offload not tested"
fi

# WAN: HTTP servers (one per test flow), iperf3, dnsmasq.
mkdir -p "$T/www"
head -c 100000 /dev/urandom >"$T/www/f100k"
head -c 1000000 /dev/urandom >"$T/www/f1m"
for p in 8002 8003 8009; do
	netns_bg "$WAN" python3 -m http.server "$p" --bind "$SV" \
	    --directory "$T/www" >/dev/null 2>&1
done
# 8001 and 8004: 600000 bytes paced over 4.5 s (a rate-limited client
# would not do: the whole file fits in its socket buffer at once).
cat >"$T/slow.py" <<'EOF'
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(4)
while True:
    c, _ = s.accept()
    c.recv(4096)
    c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 600000\r\n\r\n")
    for i in range(15):
        c.sendall(b"x" * 40000)
        time.sleep(0.3)
    c.close()
EOF
for p in 8001 8004; do
	netns_bg "$WAN" python3 "$T/slow.py" "$SV" "$p"
done
netns_bg "$WAN" iperf3 -s -p 5201 >/dev/null 2>&1
netns_bg "$WAN" iperf3 -s -p 5202 >/dev/null 2>&1
netns_bg "$WAN" dnsmasq -k -C /dev/null --port=53 --listen-address="$SV" \
    --bind-interfaces --no-resolv --no-hosts --pid-file="$T/dnsmasq.pid" \
    --address=/files.example.test/"$SV" --log-facility=- >"$T/dnsmasq.log" 2>&1
i=0
while [ $i -lt 100 ] && [ "$(inW ss -Hltn | grep -cE ':(800[1-49]|520[12]) ')" != 7 ]; do
	sleep 0.1
	i=$((i + 1))
done
inL curl -s -o /dev/null "http://$SV:8009/f100k" || fail "warm-up download"
sleep 0.5
# Fresh counters (the table reloaded) and an empty connection table.
reset_truth() {
	inR nft delete table ip mfct && inR nft -f "$T/rules.nft" &&
	    inR conntrack -F >/dev/null 2>&1
}
reset_truth || fail "reset counters"

# The long download: opened before the exporter starts.
inL curl -s -o "$T/long.out" "http://$SV:8001/" &
LONG=$!
sleep 1

netns_bg "$RTR" "$MF_EXPORTER" --conntrack -i rl -u nobody \
    --active-timeout 2 -w "$T/ct.ipfix" --stats 2>"$T/ct.err"
CTX=$BG
netns_bg "$RTR" "$MF_EXPORTER" -i rl --active-timeout 2 -w "$T/pcap.ipfix"
PCX=$BG
sleep 1
kill -0 $CTX 2>/dev/null || { cat "$T/ct.err"; fail "exporter started"; finish; }
assert_eq "runs as nobody" "$(id -u nobody)" \
    "$(awk '/^Uid:/ { print $2 }' /proc/$CTX/status)"
assert_eq "keeps CAP_NET_ADMIN and CAP_NET_RAW only (-i)" \
    "0000000000003000" "$(awk '/^CapEff:/ { print $2 }' /proc/$CTX/status)"

inL dig +short +tries=1 +time=2 @"$SV" files.example.test >"$T/dig.out"
assert_eq "dig answer" "$SV" "$(cat "$T/dig.out")"
sleep 0.3
inL curl -s -o "$T/a.out" "http://$SV:8002/f100k"
inL curl -s -o "$T/b.out" "http://$SV:8003/f1m"
assert_eq "downloads of known sizes" "100000 1000000" \
    "$(stat -c %s "$T/a.out") $(stat -c %s "$T/b.out")"
inL ping -c 4 -i 0.2 -q "$SV" >/dev/null || fail "ping"
inL timeout 20 iperf3 -c "$SV" -p 5201 -t 1 -b 200M >/dev/null ||
    fail "iperf3 TCP"
inL timeout 20 iperf3 -c "$SV" -p 5202 -u -t 1 -b 20M >/dev/null ||
    fail "iperf3 UDP"
wait $LONG || fail "long download"
assert_eq "long download size" 600000 "$(stat -c %s "$T/long.out")"
sleep 1

# The kernel's figures, then one connection ended through conntrack -D
# (a DESTROY event with the same counters: the connection is idle).
inR conntrack -L -o extended >"$T/ct.list" 2>/dev/null
inR nft list table ip mfct >"$T/nft.list"
inR conntrack -D -p tcp --dport 8002 >/dev/null 2>&1 ||
    fail "conntrack -D"
sleep 0.5
stop_pid $CTX || fail "conntrack exporter stopped by TERM"
grep -q '^conntrack-lost' "$T/ct.err" || fail "conntrack exporter ended normally"
stop_pid $PCX || fail "pcap exporter stopped by TERM"

REC flows "$T/ct.ipfix" >"$T/ct.flows"
CT conntrack "$T/ct.list" >"$T/truth.flows"
assert_eq "every connection: exported packets and bytes = conntrack's" \
    "$(cat "$T/truth.flows")" "$(cat "$T/ct.flows")"
CT nft "$T/nft.list" >"$T/nft.counters"
check_rule() { # NAME SRC PROTO SPORT DPORT
	assert_eq "nft counter $1 = exported" \
	    "$(awk -v n="$1" '$1 == n { print $2, $3 }' "$T/nft.counters")" \
	    "$(CT sum "$T/ct.flows" "$2" "$3" "$4" "$5")"
}
for p in 8001 8002 8003 5201; do
	check_rule o$p "$CL" 6 - $p
	check_rule r$p "$SV" 6 $p -
done
check_rule o5202 "$CL" 17 - 5202
check_rule r5202 "$SV" 17 5202 -
check_rule o53 "$CL" 17 - 53
check_rule r53 "$SV" 17 53 -
check_rule oicmp "$CL" 1 0 2048
check_rule ricmp "$SV" 1 0 0
assert_eq "the open-before-start download is exported whole" 1 \
    "$(awk '$1 == "r8001" { print ($3 > 600000) }' "$T/nft.counters")"
REC records "$T/ct.ipfix" >"$T/ct.records"
slices=$(grep -c 'destinationTransportPort=8001.*flowEndReason=2' \
    "$T/ct.records")
[ "$slices" -ge 2 ] && echo "ok - long download in $slices slices" ||
    fail "long download sliced" "$slices active-timeout slices"
assert_eq "postNAT source = the router's WAN address" 1 \
    "$(grep 'destinationTransportPort=8003' "$T/ct.records" |
        grep -c -m1 "postNATSourceIPv4Address=$RW")"
lanmac=$(ip -n "$LAN" -br link show lan0 | awk '{ print $3 }')
wanmac=$(ip -n "$WAN" -br link show wan0 | awk '{ print $3 }')
assert_eq "MACs from the router's neighbour table" 1 \
    "$(grep 'destinationTransportPort=8003' "$T/ct.records" |
        grep "sourceMacAddress=$lanmac" |
        grep -c -m1 "destinationMacAddress=$wanmac")"
destroyed=$(awk '$1 == "conntrack-destroy" { print $2 }' "$T/ct.err")
[ "${destroyed:-0}" -ge 1 ] && echo "ok - conntrack -D read as DESTROY" ||
    fail "conntrack -D read as DESTROY" "${destroyed:-none}"

# DNS labels: the same (5-tuple, label) pairs as pcap mode.
labels() {
	REC labels "$1" | awk -F '\t' '$9 != "0" && $9 != "none" {
	    print $4, $5, $6, $7, $8, $11 }' | sort -u
}
labels "$T/ct.ipfix" >"$T/ct.labels"
labels "$T/pcap.ipfix" >"$T/pcap.labels"
assert_eq "some flows labelled files.example.test" 1 \
    "$([ "$(grep -c files.example.test "$T/ct.labels")" -ge 4 ] && echo 1)"
assert_eq "DNS labels equal pcap mode's" "$(cat "$T/pcap.labels")" \
    "$(cat "$T/ct.labels")"

# Part 2: lost events.
inR sysctl -qw net.netfilter.nf_conntrack_udp_timeout=1 \
    net.netfilter.nf_conntrack_udp_timeout_stream=1 >/dev/null
reset_truth || fail "reset counters (part 2)"
netns_bg "$RTR" "$MF_EXPORTER" --conntrack --conntrack-buffer 16 -u nobody \
    --active-timeout 2 -w "$T/lost.ipfix" --stats 2>"$T/lost.err"
LX=$BG
sleep 1
assert_eq "keeps CAP_NET_ADMIN and CAP_NET_RAW only (no -i)" \
    "0000000000003000" \
    "$(awk '/^CapEff:/ { print $2 }' /proc/$LX/status)"
inL curl -s -o "$T/long2.out" "http://$SV:8004/" &
LONG=$!
inL python3 - "$SV" <<'EOF'
import socket, sys, time
for i in range(3000):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"x" * 32, (sys.argv[1], 9))
    s.close()
    if i % 500 == 499:
        time.sleep(0.5)
EOF
wait $LONG || fail "long download (part 2)"
sleep 3 # the short ones time out (1 s) and are destroyed
inR nft list table ip mfct >"$T/nft2.list"
stop_pid $LX || fail "exporter stopped by TERM after overruns"
grep -q '^conntrack-overruns' "$T/lost.err" ||
    fail "exporter ended normally after overruns"
ctstat() { awk -v n="$1" '$1 == n { print $2 }' "$T/lost.err"; }
over=$(ctstat conntrack-overruns)
resync=$(ctstat conntrack-resyncs)
lost=$(ctstat conntrack-lost)
[ "${over:-0}" -gt 0 ] && [ "${resync:-0}" -gt 0 ] &&
    echo "ok - overruns $over, resync dumps $resync, lost connections $lost" ||
    fail "ENOBUFS provoked" "overruns ${over:-?} resyncs ${resync:-?}"
assert_eq "lost connections in the statistics record" "$lost" \
    "$(REC stats "$T/lost.ipfix" conntrackLostConnections)"
assert_eq "overruns in the statistics record" "$over" \
    "$(REC stats "$T/lost.ipfix" conntrackEventOverruns)"
REC flows "$T/lost.ipfix" >"$T/lost.flows"
CT nft "$T/nft2.list" >"$T/nft2.counters"
T2=$T/lost.flows
assert_eq "long download exact despite overruns (out)" \
    "$(awk '$1 == "o8004" { print $2, $3 }' "$T/nft2.counters")" \
    "$(CT sum "$T2" "$CL" 6 - 8004)"
assert_eq "long download exact despite overruns (in)" \
    "$(awk '$1 == "r8004" { print $2, $3 }' "$T/nft2.counters")" \
    "$(CT sum "$T2" "$SV" 6 8004 -)"
short=$(awk -v c="$CL" '$1 == c && $3 == 17 && $5 == 9' "$T2" | wc -l)
# A lost connection is one known (from an event or a dump) whose DESTROY
# never came: its packets after its last slice are unknown.  Those that
# began and ended inside a gap are not seen at all.
echo "# short UDP connections exported: $short of 3000, lost counted: $lost"
[ "$short" -gt 0 ] && [ "$short" -le 3000 ] && [ "${lost:-0}" -gt 0 ] ||
    fail "short connections" "$short exported, $lost lost"
finish
