#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The report's DNS statistics against tshark, on every shared capture
# (PROVENANCE.md in the shared pcaps/) that holds DNS on port 53:
# minflow-exporter -r CAPTURE -w F.ipfix, minflow-collector -r F.ipfix,
# then most_resolved (name -> count), failures (name, rcode -> count) and
# clients (address -> queries), summed over every report written, must
# equal exactly what tests/integ/dns_stats_truth.py counts from tshark's view of
# the capture with the filter below.  dns_stats_truth.py says how it pairs
# queries with responses; collector/analytics/dnsstats.h gives the counting rules.
#
# The filter keeps the DNS messages the exporter reads:
# - UDP or TCP with port 53 on one side.  mDNS (UDP 5353) and LLMNR (UDP
#   5355) are not on port 53, so they are out without naming them, as the
#   exporter (without --mdns) never reads them either.  Three captures
#   hold some: mixed-home-iot-telnet-hscan (87 mDNS packets),
#   mobile-apps-http-timestamp-jumps (91 LLMNR, 1 mDNS) and
#   mixed-windows-browsing-http-https (2 LLMNR).
# - unfragmented IPv4 or IPv6: the exporter does not reassemble (a first
#   fragment is counted as "fragmented", its answer is lost).  In tshark
#   4.0 ip.flags.mf is present in every IPv4 packet, so it is compared
#   with 0 (!ip.flags.mf would match nothing).
# - not quoted inside an ICMP error (tshark dissects the quoted datagram,
#   the exporter reads the ICMP header only).
# - opcode 0 (QUERY) and exactly one question: the exporter ignores the
#   other opcodes and a message without exactly one question.
# Every comparison is exact, with no allowance.  Names with bytes outside
# '!'..'~' (or a '.' or '\' inside a label) are written \DDD by minflow
# (common/dns.h) and lossily by tshark 4.0 (U+FFFD for bytes that are not
# UTF-8, a bare '.'), so dns_stats_truth.py reads every question name from the
# UDP payload and escapes it as minflow documents; such names are compared
# exactly too, and counted ("escaped=N" below).
# Unanswered queries are those whose (client, client port, server, id)
# got no response until the end of the capture.  The exporter's
# --dns-timeout (5 s by default) would also count a response that came
# later than that as a timeout; no capture here has one.
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3 tshark
need_shared
need_exporter
need_collector
mk_tmp

P=$MF_SHARED_DIR/pcaps
TRUTH=$MF_SRCDIR/tests/integ/dns_stats_truth.py
TOP=1000
# One report per hour of flow time (the longest interval): every capture
# but the timestamp-jump one fits in one or two reports.  top at its
# maximum: dns_stats_truth.py fails if a list was cut by it.
printf '[reports]\nretention-days = 0\ninterval = 3600\ntop = %s\n' "$TOP" \
    >"$MF_TMP/minflow.conf"

V4='ip && ip.flags.mf == 0 && ip.frag_offset == 0'
V6='ipv6 && !ip && !ipv6.fraghdr'
FILTER="dns && (udp.port == 53 || tcp.port == 53) && !icmp && !icmpv6"
FILTER="$FILTER && dns.flags.opcode == 0 && dns.count.queries == 1"
FILTER="$FILTER && (($V4) || ($V6))"

# minflow CAPTURE: the reports' side, or a line saying what failed
minflow() {
	_out=$MF_TMP/run
	rm -rf "$_out" "$_out.ipfix"
	with_timeout 120 "$MF_EXPORTER" -r "$1" -w "$_out.ipfix" \
	    2>"$_out.exp.log" || { echo "exporter failed"; return; }
	with_timeout 120 "$MF_COLLECTOR" -C "$MF_TMP/minflow.conf" \
	    -r "$_out.ipfix" -o "$_out" 2>"$_out.col.log" ||
	    { echo "collector failed"; return; }
	with_timeout 60 python3 "$TRUTH" reports "$_out" "$TOP" 2>&1
}

# summary: tshark's side in brief, so that the expectations below say
# what each capture holds: NOERROR answers, other answers, unanswered
# queries, names with escaped bytes (among all of these), clients
summary() {
	awk '$1 == "resolved" { ok += $NF }
	    $1 == "failure" && $(NF - 1) == "timeout" { to += $NF }
	    $1 == "failure" && $(NF - 1) != "timeout" { bad += $NF }
	    $1 == "client" { cl++ }
	    $1 == "escaped" { esc = $2 }
	    END { printf "noerror=%d failed=%d timeout=%d escaped=%d clients=%d\n",
	        ok, bad, to, esc, cl }'
}

# check CAPTURE SUMMARY: the two sides agree, and tshark's side is the
# one described (not trivially empty)
check() {
	_want=$(with_timeout 300 python3 "$TRUTH" tshark "$P/$1" "$FILTER" \
	    2>&1)
	assert_eq "$1: dns statistics" "$_want" "$(minflow "$P/$1")"
	assert_eq "$1: what tshark counts" "$2" \
	    "$(printf '%s\n' "$_want" | summary)"
}

# One query, answered NXDOMAIN (Linux cooked capture v2), for a name of
# one label of two bytes, ",.": minflow writes ",\046", tshark ",.".
check linux-sll2-dns.pcap \
    "noerror=0 failed=1 timeout=0 escaped=1 clients=1"
# 41 queries inside 802.1Q, all answered: google.com and a PTR lookup.
check vlan-dns.pcap "noerror=41 failed=0 timeout=0 escaped=0 clients=1"
# Browsing: A lookups, all answered.
check http-espn-browsing.pcapng \
    "noerror=14 failed=0 timeout=0 escaped=0 clients=1"
check mixed-windows-browsing-http-https.pcap \
    "noerror=37 failed=0 timeout=0 escaped=0 clients=1"
check linux-sll-kakaotalk.pcap \
    "noerror=1 failed=0 timeout=0 escaped=0 clients=1"
# Apps: each query leaves twice with the same id and port, to two
# resolvers (8.8.8.8 and 168.95.1.1; tshark calls the second a "DNS query
# retransmission"), so each waits once per server; all 6 answers come
# back; LLMNR is left out.
check mobile-apps-http-timestamp-jumps.pcap \
    "noerror=6 failed=0 timeout=0 escaped=0 clients=2"
# An infected IoT host: 4 NXDOMAIN (a PTR and "local"), 3 NTP pool
# lookups never answered; its mDNS is left out.
check mixed-home-iot-telnet-hscan.pcap \
    "noerror=26 failed=4 timeout=3 escaped=0 clients=1"
# iodine: 222 queries of long random names; 41 of the answers and
# unanswered queries carry raw bytes (iodine's base128 labels), which
# minflow writes as \DDD: the names must still equal, byte for byte,
# the question read from the payload.  Names of up to 1003 characters.
check dns-tunnel-iodine.pcap \
    "noerror=212 failed=0 timeout=10 escaped=41 clients=1"
# nDPI's odd DNS: 3 SERVFAIL and 58 queries never answered.
check dns-bad-traffic.pcap \
    "noerror=159 failed=3 timeout=58 escaped=0 clients=1"
# Reflection: RRSIG answers to a victim that sent no query (so no
# timeouts); most are IP fragments, out as for the exporter; the
# unfragmented ones are 24 NOERROR and 40 SERVFAIL.
check dns-amplification-rrsig-fragmented.pcap \
    "noerror=24 failed=40 timeout=0 escaped=0 clients=2"
finish
