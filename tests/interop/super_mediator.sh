#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Opt-in (super_mediator is not in Debian): super_mediator 1.8 reads
# minflow-exporter's IPFIX made with --compat super_mediator, from a file
# (-w, uniflow and --biflow) and from a TCP stream (-c -t tcp), and prints
# (TEXT mode) one line per flow record: as many as the exporter says it
# exported (records-exported) and as minflow-collector reads from the same
# file, the collector's archive written with [archive] compat =
# super_mediator and its normalised forwarding with [forward] compat =
# super_mediator.  Without --compat it stops at the first options record (issue 18:
# "Unknown Options message with TID 0x105") and prints no flow: checked
# too, so that the test fails where the compatibility does not hold.
#
# Run: MF_SUPER_MEDIATOR_BIN=/path/to/super_mediator \
#   make check TESTS=tests/interop/super_mediator.sh
# (tests/interop/README.md says how super_mediator was built).
. "$MF_SRCDIR/tests/integ/lib.sh"
. "$MF_SRCDIR/tests/interop/sm_archive.sh"
SM=${MF_SUPER_MEDIATOR_BIN:-}
[ -n "$SM" ] || skip "MF_SUPER_MEDIATOR_BIN is not set (opt-in test)"
[ -x "$SM" ] || skip "$SM is not executable"
need python3 ipfixDump
need_shared
need_exporter
need_collector
mk_tmp
T=$MF_TMP
P=$MF_SHARED_DIR/pcaps

# sm_flows FILE: super_mediator's flow lines of the file (TEXT mode)
sm_flows() {
	rm -f "$T/sm.txt"
	with_timeout 120 "$SM" -i "$1" -o "$T/sm.txt" -m TEXT \
	    -l "$T/sm.log" 2>/dev/null
	[ -f "$T/sm.txt" ] || { echo 0; return; }
	grep -vc '^stats|' "$T/sm.txt"
}

# collector_records FILE
collector_records() {
	rm -rf "$T/out"
	with_timeout 120 "$MF_COLLECTOR" -r "$1" -o "$T/out" 2>/dev/null ||
	    { echo "collector failed"; return; }
	python3 -c '
import json, sys
print(sum(x["records"] for x in json.load(open(sys.argv[1]))["exporters"]))' \
	    "$T/out/latest.json"
}

for cap in vlan-dns.pcap ipv4-ipv6-dual-stack-http.pcapng \
    mixed-windows-browsing-http-https.pcap; do
	for how in "" --biflow; do
		t="$cap${how:+ $how}"
		# shellcheck disable=SC2086 # no option, or one
		with_timeout 120 "$MF_EXPORTER" -r "$P/$cap" $how --stats \
		    --compat super_mediator -w "$T/f.ipfix" 2>"$T/exp.log" ||
		    fail "$t: exporter"
		n=$(awk '$1 == "records-exported" { print $2 }' "$T/exp.log")
		assert_eq "$t: super_mediator's flows (file)" "$n" \
		    "$(sm_flows "$T/f.ipfix")"
		assert_eq "$t: minflow-collector's records" "$n" \
		    "$(collector_records "$T/f.ipfix")"
		# one line per statistics record in the file (ipfixDump)
		assert_eq "$t: super_mediator's statistics lines" \
		    "$(ipfixDump -i "$T/f.ipfix" 2>/dev/null |
		        grep -c 'count: .*tid: 53251 ')" \
		    "$(grep -c '^stats|' "$T/sm.txt")"
	done
done

# sm_tcp NAME: super_mediator listening on TCP at 127.0.0.1:$port (a free
# port), TEXT into $T/NAME.txt; sets port and SMPID; waits (10 s at most)
# until it listens.
sm_tcp() {
	port=$(free_tcp_port)
	"$SM" --ipfix-input=TCP -i 127.0.0.1 -p "$port" -o "$T/$1.txt" \
	    -m TEXT -l "$T/sm$1.log" &
	SMPID=$!
	track_pid "$SMPID"
	i=0
	while [ "$i" -lt 100 ] && ! grep -q ":$(printf '%04X' "$port") " \
	    /proc/net/tcp 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
}

# A stream: super_mediator listening on TCP, the exporter sending to it.
cap=$P/mixed-windows-browsing-http-https.pcap
sm_tcp tcp
with_timeout 120 "$MF_EXPORTER" -r "$cap" --stats --compat super_mediator \
    -c "127.0.0.1:$port" -t tcp 2>"$T/exp.log" || fail "stream: exporter"
n=$(awk '$1 == "records-exported" { print $2 }' "$T/exp.log")
sleep 1
stop_pid "$SMPID" || fail "stream: super_mediator stop"
assert_eq "stream: super_mediator's flows" "$n" \
    "$(grep -vc '^stats|' "$T/tcp.txt" 2>/dev/null || echo 0)"

# The collector's archive with [archive] compat = super_mediator, and its
# normalised forwarding with [forward] compat = super_mediator over TCP to
# a listening super_mediator: every flow record the exporter sent
# (uniflow, then --biflow; with DNS records) is a line of each.
d=$T/live
sm_tcp fwd
SM_FORWARD_TO=tcp://127.0.0.1:$port sm_archive_run "$d" "$P/vlan-dns.pcap"
sent=$SM_SENT
lines=0
for a in $(find "$d/archive" -name 'minflow-*.ipfix' | sort); do
	lines=$((lines + $(sm_flows "$a")))
done
assert_eq "archive (compat): super_mediator's flows" "$sent" "$lines"
sleep 1
stop_pid "$SMPID" || fail "forward: super_mediator stop"
assert_eq "forward (compat): super_mediator's flows" "$sent" \
    "$(grep -vc '^stats|' "$T/fwd.txt" 2>/dev/null || echo 0)"

# Without --compat: no flow at all (what issue 18 found).
with_timeout 120 "$MF_EXPORTER" -r "$cap" -w "$T/plain.ipfix" 2>/dev/null ||
    fail "exporter (plain)"
assert_eq "without --compat: super_mediator's flows" 0 \
    "$(sm_flows "$T/plain.ipfix")"
finish
