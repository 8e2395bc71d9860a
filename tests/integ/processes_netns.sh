#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# minflow-exporter --processes on an end host: every flow of the host
# carries the name and PID of the local program that owns its socket.  In
# two network namespaces made here, the "host" runs the exporter on its
# interface, a python HTTP server (port 8001) and, one after the other,
# three curl fetches from a slow HTTP server (port 8000), an ssh client to
# an sshd (2222; the login is refused, the connection is made) and a DNS
# query (python) to dnsmasq (53) on the "server".  The server side fetches the
# host's page with curl.  Every client ends before the exporter exports
# its flows (at SIGTERM): the names were learned at flow start.  The truth
# is the PID of each program, known here when it is started (ip netns exec
# execs it); the collector's reports must give exactly those, per stream.
. "$MF_SRCDIR/tests/integ/lib.sh"
need ip ss dnsmasq curl ssh ssh-keygen python3 timeout
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
SSHD=$(command -v sshd) || skip "required command 'sshd' not found"
need_exporter
need_collector
mk_tmp

T=$MF_TMP
RAND=$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')
NSH=mf-$RAND-host
NSS=mf-$RAND-srv
HOST=10.206.1.1
SRV=10.206.1.2
netns_pair "$NSH" vethH "$HOST" "$NSS" vethS "$SRV"

# run NS CMD...: CMD in NS in the foreground of a background job; sets
# PID to CMD's PID and waits for it (its exit status in RC)
run() {
	_ns=$1
	shift
	ip netns exec "$_ns" "$@" &
	PID=$!
	wait "$PID"
	RC=$?
}

# --- the servers ---------------------------------------------------------
netns_bg "$NSS" python3 "$MF_SRCDIR/tests/integ/slow_http.py" "$SRV" 8000 \
    0.3 2>"$T/slow.log"
SLOW=$BG
wait_listen "$NSS" tcp 8000 "$SLOW" || fail "slow server listens" \
    "$(cat "$T/slow.log")"
netns_bg "$NSS" dnsmasq -d -C /dev/null --no-resolv --no-hosts -p 53 \
    --address=/proc.example/"$SRV" --listen-address="$SRV" \
    --bind-interfaces --pid-file="$T/dnsmasq.pid" 2>"$T/dnsmasq.log"
DNSMASQ=$BG
wait_listen "$NSS" udp 53 "$DNSMASQ" || fail "dnsmasq listens" \
    "$(cat "$T/dnsmasq.log")"
ssh-keygen -q -t ed25519 -N '' -f "$T/ssh_host_key" || fail "ssh-keygen"
cat >"$T/sshd_config" <<CONF
ListenAddress $SRV:2222
HostKey $T/ssh_host_key
PidFile none
UsePAM no
AuthorizedKeysFile none
KbdInteractiveAuthentication no
CONF
# sshd wants /run/sshd: a tmpfs over /run in ip netns exec's private mount
# namespace.  sh execs sshd.
# shellcheck disable=SC2016 # expanded by the inner shell
netns_bg "$NSS" sh -c 'mount -t tmpfs -o mode=0755 mf-run /run &&
    mkdir /run/sshd && exec "$0" -D -e -f "$1"' "$SSHD" "$T/sshd_config" \
    2>"$T/sshd.log"
SSHD_PID=$BG
wait_listen "$NSS" tcp 2222 "$SSHD_PID" || fail "sshd listens" \
    "$(cat "$T/sshd.log")"
mkdir -p "$T/www" && echo hello >"$T/www/index.html"
netns_bg "$NSH" python3 -m http.server --bind "$HOST" --directory "$T/www" \
    8001 >"$T/http.log" 2>&1
HTTPD=$BG
wait_listen "$NSH" tcp 8001 "$HTTPD" || fail "http.server listens" \
    "$(cat "$T/http.log")"

# --- the exporter on the host --------------------------------------------
netns_bg "$NSH" "$MF_EXPORTER" -i vethH -w "$T/h.ipfix" --processes --stats \
    2>"$T/exp.log"
EXP=$BG
sleep 1
kill -0 "$EXP" 2>/dev/null || fail "exporter runs" "$(cat "$T/exp.log")"

: >"$T/want"
for i in 1 2 3; do
	run "$NSH" curl -sS -o /dev/null "http://$SRV:8000/$i"
	assert_eq "curl $i" 0 "$RC"
	echo "6 8000 curl $PID" >>"$T/want"
done
run "$NSH" ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null -o PubkeyAuthentication=no \
    -o GSSAPIAuthentication=no -o ConnectTimeout=5 -o LogLevel=ERROR \
    -p 2222 invalid@"$SRV" true 2>"$T/ssh.log"
grep -q 'Permission denied' "$T/ssh.log" || fail "ssh login refused" \
    "$(cat "$T/ssh.log")"
echo "6 2222 ssh $PID" >>"$T/want"
# dig closes its socket as soon as the answer comes, which a loaded exporter
# may read later: a client that stays half a second, as resolvers do.
run "$NSH" python3 "$MF_SRCDIR/tests/integ/dns_query.py" "$SRV" \
    www.proc.example 0.5 >"$T/dns.out"
assert_eq "DNS query answered" "0 $SRV" "$RC $(cat "$T/dns.out")"
echo "17 53 python3 $PID" >>"$T/want"
# The server side's client is not on the host: the host's server names it.
run "$NSS" curl -sS -o /dev/null "http://$HOST:8001/"
assert_eq "curl from the server side" 0 "$RC"
echo "6 8001 python3 $HTTPD" >>"$T/want"

sleep 1
stop_pid "$EXP" 10 || fail "exporter stops on TERM"
stop_pid "$HTTPD" 10
stop_pid "$SSHD_PID" 10
stop_pid "$DNSMASQ" 10
stop_pid "$SLOW" 10

printf '[reports]\ntop = 1000\nretention-days = 0\n' >"$T/minflow.conf"
"$MF_COLLECTOR" -C "$T/minflow.conf" -r "$T/h.ipfix" -o "$T/rep" \
    2>"$T/col.log" || fail "collector -r" "$(cat "$T/col.log")"
python3 "$MF_SRCDIR/tests/integ/procs_check.py" "$T/rep" >"$T/got" ||
    fail "procs_check.py"
# The host's own flows only (the servers' ports); neighbour discovery and
# the like carry none.
sort "$T/want" >"$T/want.sorted"
grep -E '^(6 (8000|8001|2222)|17 53) ' "$T/got" >"$T/got.flows"
assert_files_eq "every flow names its program and PID" "$T/want.sorted" \
    "$T/got.flows"
# The exporter's counters say the same: six connections named, at least.
named=$(sed -n 's/^flows-process-named *//p' "$T/exp.log")
[ "${named:-0}" -ge 6 ] || fail "flows-process-named >= 6" "$(cat "$T/exp.log")"
assert_eq "no netlink errors" 0 \
    "$(sed -n 's/^process-diag-errors *//p' "$T/exp.log")"
finish
