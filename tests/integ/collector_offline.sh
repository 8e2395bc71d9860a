#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# minflow-collector -r on IPFIX files that minflow-exporter -w made from
# real captures: the reports must account for exactly the IP-layer packets
# and bytes that tshark finds in each capture.  Every expected number is
# computed from the capture with tshark alone (through truth.py's packet
# rules: outer IP header, ipv4 total length, ipv6 40 + payload length,
# non-first fragments take the ports of their first fragment), never from
# the exporter's output.  Checks per capture:
#  (a) the sum over all reports of every class's packets and bytes equals
#      `truth.py totals`: the exporter counts every IP packet once (the
#      exporter_totals test), the collector puts each record in exactly one
#      class (or, for a biflow record, each direction in one), and no
#      record is lost between intervals or in the pending queue;
#  (b) the per-class split: each packet classified here from its own
#      addresses, protocol and ports (DESIGN.md's twoway rule: internal
#      source and/or destination by the [networks] prefixes, TCP with a
#      web port on either side turns in/out into inweb/outweb).  A flow
#      record is one 5-tuple, so classifying its packets one by one gives
#      the record's class, and the sums over all reports must be equal;
#  (c) in every report, the per_second entries of a class add up to the
#      class total (flows, packets and bytes: largest-remainder spreading);
#  (d) where the capture fits in one report, the top talkers (address ip
#      from the addresses table, bytes, packets) are the addresses with
#      the most IP-layer bytes, each packet counted for its source and its
#      destination (a talker's bytes are sent + received);
#  (e) every report is valid JSON with "format": 1, named after its
#      interval's start, an interval long; latest.json is the newest one.
. "$MF_SRCDIR/tests/integ/lib.sh"
need tshark python3
need_shared
need_exporter
MF_COLLECTOR="$MF_BUILDDIR/minflow-collector"
[ -x "$MF_COLLECTOR" ] || skip "no $MF_COLLECTOR (build it first)"
mk_tmp

P=$MF_SHARED_DIR/pcaps
CHECK=$MF_SRCDIR/tests/integ/collector_offline.py
WEB="80;443;8080"

chk() { with_timeout 300 python3 "$CHECK" "$@"; }

# check_capture NAME CAPTURE PREFIXES TOP [EXPORTER-OPTION]
# TOP: "many" (reports), or N: the capture fits in one report; check its
# top N talkers.
check_capture() {
	name=$1
	cap=$2
	nets=$3
	top=$4
	opt=${5:-}
	topconf=$top
	[ "$top" = many ] && topconf=10
	d=$MF_TMP/$name
	mkdir -p "$d"
	# shellcheck disable=SC2086 # opt is one word or none
	"$MF_EXPORTER" -r "$cap" -w "$d/flows.ipfix" $opt 2>"$d/exporter.err"
	assert_eq "$name: exporter exit status" 0 "$?"
	# retention-days = 0: pruning is by flow time and must not remove a
	# report before it is summed.
	cat >"$d/minflow.conf" <<-CONF
	[reports]
	interval = 60
	top = $topconf
	retention-days = 0
	[networks]
	internal = $nets
	web-ports = $WEB
	CONF
	"$MF_COLLECTOR" -C "$d/minflow.conf" -r "$d/flows.ipfix" \
	    -o "$d/reports" 2>"$d/collector.err"
	assert_eq "$name: collector exit status" 0 "$?"
	chk truth "$cap" "$nets" "$WEB" >"$d/truth.json" 2>"$d/truth.err" ||
	    fail "$name: truth" "$(cat "$d/truth.err")"
	# (a)
	assert_eq "$name: packets and bytes over all reports" \
	    "$(truth totals "$cap" 2>/dev/null)" \
	    "$(chk totals-reports "$d/reports")"
	# (b)
	assert_eq "$name: per-class packets and bytes" \
	    "$(chk classes-truth "$d/truth.json")" \
	    "$(chk classes-reports "$d/reports")"
	# (c)
	assert_eq "$name: per_second sums equal the class totals" \
	    "$(chk class-totals "$d/reports")" \
	    "$(chk persec-totals "$d/reports")"
	# (e)
	assert_eq "$name: report files" "" "$(chk files "$d/reports" 60)"
	# (d)
	if [ "$top" != many ]; then
		assert_eq "$name: top $top talkers" \
		    "$(chk talkers "$d/truth.json" "$top" "$d/reports" expected)" \
		    "$(chk talkers "$d/truth.json" "$top" "$d/reports" actual)"
	fi
}

# Home/IoT LAN 192.168.2.0/24 (CTU/Stratosphere malware capture, 2018,
# 642 s: about 11 reports): DHCP, DNS to 8.8.8.8, mDNS, NTP, IPv6 ND and an
# infected 192.168.2.16 scanning 23/8080/2323/9527 on 55 addresses (8080
# is a web port: scan SYNs land in outweb).  Internal: the LAN and IPv6
# link-local fe80::/10 (the same hosts' on-link addresses).  Broadcast,
# multicast and 0.0.0.0 (DHCP) are not internal: in/out/external.
check_capture home-iot "$P/mixed-home-iot-telnet-hscan.pcap" \
    "192.168.2.0/24;fe80::/10" many
# The same as RFC 5103 biflow records: reverse directions count in the
# reverse class, and the sums must not change.
check_capture home-iot-biflow "$P/mixed-home-iot-telnet-hscan.pcap" \
    "192.168.2.0/24;fe80::/10" many --biflow
# Browser at 172.16.0.122 loading espn.com (2010): DNS to 4.2.2.1 and ~14
# HTTP connections, all within 2.05 s of 17:29:xx, so one 60 s report
# (checked by the talkers check, which requires exactly one).  Internal:
# the client's RFC 1918 network.
check_capture espn "$P/http-espn-browsing.pcapng" "172.16.0.0/12" 10
# HTTP and DNS over native IPv6 (2015, 23 s) from the client
# 2a00:d40:1:3:7aac:c0ff:fea7:d4c: its /64 (a SLAAC EUI-64 address) is the
# LAN; the servers are global addresses outside it.  Whether the 23 s
# cross a minute decides between one report and two; only the sums are
# checked.
check_capture ipv6-http "$P/ipv6-http.pcap" "2a00:d40:1:3::/64" many
# DNS amplification at the victim 10.10.10.10 (RRSIG answers from many
# reflectors, 1209 IP fragments whose later pieces have no ports) plus
# background TCP/TLS/SSH, 30 s.  Internal: 10.0.0.0/8, the victim's
# RFC 1918 network; answers are "in", fragments classify by their first
# fragment's ports (truth.py's rule, as the exporter's flows).  The 30 s
# fit in one minute: one report.  Its 8th to 10th talkers are three
# reflectors tied at 59850 bytes / 45 packets: top = 9 cuts that tie, so
# the collector may list any two of them.
check_capture dns-amp "$P/dns-amplification-rrsig-fragmented.pcap" \
    "10.0.0.0/8" 9
# The bundled synthetic home network (tests/data/README.md): LAN
# 192.168.1.0/24 and fd00:1::/64, the camera on guest VLAN 192.168.10.0/24;
# outside addresses are documentation ranges.  149 s: 3 or 4 reports.
check_capture sample "$MF_SAMPLE" \
    "192.168.1.0/24;192.168.10.0/24;fd00:1::/64" many
finish
