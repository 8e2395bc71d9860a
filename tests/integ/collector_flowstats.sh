#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The report's "flows" object against the capture itself: minflow-exporter
# -r CAPTURE -w FILE, minflow-collector -r FILE, then the finished-flow
# count, the half-open count and the duration and size quantiles and CDFs
# must equal what tshark's per-packet fields give (through truth.py's
# packet rules: outer IP header, IP-layer bytes, first-fragment ports),
# computed here with no minflow code.
#
# The correspondence, and why it is exact:
#  - The exporter runs with idle and active timeouts of a day, longer than
#    each capture, so no flow is cut by a timeout: every flow leaves the
#    cache at the end of the capture (forced end) or after FIN both ways or
#    RST (end of flow), both "finished".  So with --biflow one record is one
#    conversation: the packets of one protocol between one unordered pair
#    of (address, port) endpoints (ICMP: port 0 and type * 256 + code, as
#    truth.py gives them), as `tshark -z conv` counts them (the script
#    checks that its TCP and UDP conversations are as many as `tshark -q
#    -z conv,tcp -z conv,udp` lists); without --biflow one record is one
#    direction of a conversation (truth.py flows).  The exporter starts a
#    new flow when a SYN opens a closed connection again (port reuse); the
#    check "no port reuse" below makes sure the captures have none, else
#    the rule would not hold.
#  - Duration = last packet - first packet, each time in whole
#    milliseconds (seconds * 1000 + microseconds / 1000, what the exporter
#    puts in flowStart/EndMilliseconds); size = IP-layer bytes of both
#    directions (biflow) or of the one direction (uniflow).
#  - Quantiles are nearest-rank (the ceil(p * n / 100)-th smallest),
#    reported as the midpoint of their histogram bucket (flowstats.h):
#    the script maps the exact quantile to its bucket the same way, so
#    the comparison is exact, not within a tolerance.  CDF counts are the
#    samples <= each bound, exact.
#  - Half-open: conversations of TCP packets with SYN in some packet, ACK
#    in none, all sent one way.  With uniflow records the collector's
#    stream table joins the two directions, so the count is the same in
#    both modes.
#  - The collector writes one report per capture: [reports] interval is
#    3600 s and every capture's flows end inside one aligned hour (the
#    script checks that a single report was written).
#  - [focus] target: the same numbers over the conversations with an
#    endpoint inside the prefix.
#
# Captures: mixed-home-iot-telnet-hscan (IPv4 home LAN, 642 s; the
# infected 192.168.2.16 SYN-scans 55 addresses, so most of its telnet
# probes are half-open; focus on that host) and ipv6-http (native IPv6
# TCP and DNS of one client, 23 s; focus on Google's 2a00:1450::/32, the
# far end of half of its conversations).
. "$MF_SRCDIR/tests/integ/lib.sh"
need tshark python3
need_shared
need_exporter
MF_COLLECTOR="$MF_BUILDDIR/minflow-collector"
MF_REPORT="$MF_BUILDDIR/minflow-report"
[ -x "$MF_COLLECTOR" ] || skip "no $MF_COLLECTOR (build it first)"
mk_tmp

P=$MF_SHARED_DIR/pcaps
CHECK=$MF_SRCDIR/tests/integ/collector_flowstats.py

py() { with_timeout 300 python3 "$CHECK" "$@"; }

# run NAME CAPTURE FOCUS MODE: export, collect, compare.
run() {
	name=$1 cap=$P/$2 focus=$3 mode=$4
	d=$MF_TMP/$name-$mode
	mkdir -p "$d"
	printf '[reports]\ninterval = 3600\n[focus]\ntarget = %s\n' \
	    "$focus" >"$d/c.conf"
	flag=""
	[ "$mode" = biflow ] && flag=--biflow
	# shellcheck disable=SC2086 # $flag is empty or one word
	with_timeout 120 "$MF_EXPORTER" -r "$cap" $flag \
	    --idle-timeout 86400 --active-timeout 86400 -w "$d/flows.ipfix" \
	    2>"$d/exporter.log" || { fail "$name $mode: exporter"; return; }
	with_timeout 120 "$MF_COLLECTOR" -C "$d/c.conf" -r "$d/flows.ipfix" \
	    -o "$d/reports" 2>"$d/collector.log" ||
	    { fail "$name $mode: collector"; return; }
	py expect "$cap" "$focus" "$mode" >"$d/expect" ||
	    { fail "$name $mode: truth"; return; }
	py got "$d/reports" >"$d/got" || { fail "$name $mode: report"; return; }
	assert_eq "$name: no port reuse (one flow per conversation)" 0 \
	    "$(py field "$d/expect" reuse)"
	# The grouping above agrees with tshark's own conversation tables.
	assert_eq "$name: TCP and UDP conversations as tshark -z conv" \
	    "$(tshark -r "$cap" -n -q -z conv,tcp -z conv,udp 2>/dev/null |
	        grep -c '<->')" "$(py field "$d/expect" tcp_udp)"
	assert_eq "$name $mode: one report" 1 "$(py field "$d/got" reports)"
	assert_eq "$name $mode: flows (counts, quantiles, CDF, focus)" \
	    "$(py field "$d/expect" flows)" "$(py field "$d/got" flows)"
	LAST=$d
}

run hscan mixed-home-iot-telnet-hscan.pcap 192.168.2.16 biflow
run hscan mixed-home-iot-telnet-hscan.pcap 192.168.2.16 uniflow
run ipv6 ipv6-http.pcap 2a00:1450:4001:803::1017/32 biflow
run ipv6 ipv6-http.pcap 2a00:1450:4001:803::1017/32 uniflow

# minflow-report shows the section with the report's own numbers.
if [ -n "${LAST:-}" ] && [ -x "$MF_REPORT" ]; then
	fin=$(py field "$LAST/got" flows finished)
	half=$(py field "$LAST/got" flows half_open)
	out=$("$MF_REPORT" "$LAST/reports")
	assert_eq "minflow-report: Flows line" \
	    "  finished $fin (end reason unknown 0, end before start 0), ongoing 0, half-open $half" \
	    "$(printf '%s\n' "$out" | sed -n '/^Flows$/{n;p;}')"
	assert_eq "minflow-report: focus section" \
	    "Flows of 2a00:1450::/32" \
	    "$(printf '%s\n' "$out" | grep '^Flows of')"
fi

# A bad [focus] target is an error naming the file and line.
printf '[reports]\ninterval = 60\n\n[focus]\ntarget = 192.0.2.300/24\n' \
    >"$MF_TMP/bad.conf"
if out=$("$MF_COLLECTOR" --check-config -C "$MF_TMP/bad.conf" 2>&1); then
	fail "bad [focus] target is refused"
else
	assert_eq "bad [focus] target: file and line" \
	    "minflow-collector: $MF_TMP/bad.conf:5: [focus] target: bad value '192.0.2.300/24' (an address or ADDRESS/LENGTH)" \
	    "$out"
fi
finish
