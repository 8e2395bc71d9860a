#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# minflow-exporter -> a real nfcapd (Debian's nfdump 1.7.1) on 127.0.0.1
# over UDP, IPFIX and NetFlow v9 -> nfdump: the stored flows must carry
# exactly the IP-layer packets and bytes tshark counts in the capture, in
# total and per 5-tuple (tests/integ/truth.py computes both from tshark;
# tests/integ/nfdump_flows.py reads nfdump's JSON).  The captures cover
# IPv4 and IPv6, VLAN and MPLS, Linux cooked v1/v2, IPv6 and IPv4
# fragments, ICMP errors, a SYN flood (37k flows) and time jumps.
. "$MF_SRCDIR/tests/integ/lib.sh"
need tshark nfcapd nfdump python3
need_shared
need_exporter
mk_tmp

P=$MF_SHARED_DIR/pcaps
captures="$MF_SAMPLE $P/http-espn-browsing.pcapng $P/ipv6-http.pcap
$P/ipv4-ipv6-dual-stack-http.pcapng $P/vlan-mpls-mixed.pcap
$P/linux-sll-kakaotalk.pcap $P/linux-sll2-dns.pcap $P/ipv6-fragments.pcapng
$P/dns-amplification-rrsig-fragmented.pcap $P/nmap-udp-scan.pcap
$P/mixed-home-iot-telnet-hscan.pcap $P/tcp-syn-flood-spoofed.pcap
$P/mobile-apps-http-timestamp-jumps.pcap"

stat_of() { awk -v k="$1" '$1 == k { print $2 }' "$MF_TMP/stats"; }

n=0
for f in $captures; do
	name=$(basename "$f")
	truth totals "$f" >"$MF_TMP/truth.totals" 2>/dev/null
	truth flows "$f" >"$MF_TMP/truth.flows" 2>/dev/null
	for proto in ipfix v9; do
		n=$((n + 1))
		dir=$MF_TMP/nf$n
		port=$(free_udp_port)
		start_nfcapd "$dir" "$port" || { fail "$name $proto: nfcapd"; continue; }
		"$MF_EXPORTER" -r "$f" -c "127.0.0.1:$port" -P "$proto" \
		    --stats 2>"$MF_TMP/stats"
		assert_eq "$name $proto: exporter status" 0 $?
		udp_wait_drained "$port" 10 || mf_log "$name: queue not drained"
		stop_nfcapd
		# DNS records (IPFIX only) are options records, which nfcapd
		# leaves alone (as data records it stored them as flows of 0
		# packets): every record it stores is a flow record.  Every
		# flow record the exporter says it sent reached nfcapd, and
		# nothing else: no zero-packet flow.
		nfdump_check "$name $proto" "$dir" "$(stat_of records-exported)"
	done
done
finish
