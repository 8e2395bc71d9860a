#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The anomaly detectors at their DEFAULT thresholds on real captures from
# the shared pcaps/ (PROVENANCE.md there): minflow-exporter -w makes an
# IPFIX file (uniflow, and biflow with --biflow), minflow-collector -r
# reads it, and the set of (type, ip) over all its reports' "anomalies"
# must equal exactly the set expected for the capture: the attacker or
# the victim with the right type, nothing else; benign captures report
# nothing.  Uniflow and biflow records must give the same set.
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3
need_shared
need_exporter
MF_COLLECTOR="$MF_BUILDDIR/minflow-collector"
[ -x "$MF_COLLECTOR" ] || skip "no $MF_COLLECTOR (build it first)"
mk_tmp

P=$MF_SHARED_DIR/pcaps
printf '[reports]\nretention-days = 0\n' >"$MF_TMP/minflow.conf"

# found CAPTURE [--biflow]: "type ip" lines, sorted, over all reports
found() {
	_cap=$1
	shift
	_out=$MF_TMP/run
	rm -rf "$_out" "$_out.ipfix"
	"$MF_EXPORTER" "$@" -r "$_cap" -w "$_out.ipfix" 2>"$_out.exp.log" ||
	    { echo "exporter failed"; return; }
	"$MF_COLLECTOR" -C "$MF_TMP/minflow.conf" -r "$_out.ipfix" \
	    -o "$_out" 2>"$_out.col.log" || { echo "collector failed"; return; }
	python3 "$MF_SRCDIR/tests/integ/report_sets.py" "$_out" anomalies
}

# check CAPTURE EXPECTED...: each EXPECTED is "type ip"
check() {
	_name=$1
	shift
	_want=$(for w in "$@"; do echo "$w"; done | LC_ALL=C sort)
	assert_eq "$_name: anomalies (uniflow)" "$_want" \
	    "$(found "$P/$_name" | LC_ALL=C sort)"
	assert_eq "$_name: anomalies (biflow)" "$_want" \
	    "$(found "$P/$_name" --biflow | LC_ALL=C sort)"
}

# nmap -sS of 1000 ports of scanme.nmap.org, which answers almost
# nothing: the scanner probes 1000 ports of one host (vertical) with SYNs
# that nobody answers (syn_scan).  Each port gets one or two SYNs, so no
# target port reaches half_open's 100.
check nmap-syn-scan-1000-ports.pcapng \
    "port_scan_vertical 172.16.0.8" "syn_scan 172.16.0.8"

# masscan SYN scan of ports 0-1000 of one host that never answers: as
# above (the VLAN tags change nothing).
check masscan-tcp-ports-0-1000.pcap \
    "port_scan_vertical 172.31.15.102" "syn_scan 172.31.15.102"

# nmap -sT: the target answers every SYN (resets from closed ports), so
# the scanner is a vertical scan and not a syn_scan; the target's resets
# and SYN-ACKs carry ACK and are no probes.
check nmap-tcp-connect-scan.pcap "port_scan_vertical 192.168.1.10"

# nmap -sU: 1000 UDP ports of one host, answered by ICMP port
# unreachable (another stream), so the requests count as unanswered
# probes; the ICMP errors are no echo requests.
check nmap-udp-scan.pcap "port_scan_vertical 192.168.1.10"

# ICMP echo sweep of 192.168.1.0/24: 18 hosts pinged within 2 s
# (threshold 16), answered or not.
check icmp-ping-sweep.pcap "port_scan_horizontal 192.168.1.109"

# An infected IoT host trying telnet (23, 2323) and 8080 on 55 addresses
# over ten minutes, 20 to 35 per minute on one port, mostly unanswered:
# a horizontal scan.  With it, UDP from its port 11694 to many addresses and
# ports: tshark counts 120 distinct unicast destinations of conversations
# it opened in the minute 20:58 and 114 in 20:59, so fan_out (100 a
# minute) is reported too.  (Before issue 18 the exporter sent the lower
# port of two unprivileged ones as the application, which made the
# collector take this host for the server of every conversation where its
# port was the lower one, and hid them.)  No target port reaches syn_scan's
# 50.
check mixed-home-iot-telnet-hscan.pcap "fan_out 192.168.2.16" \
    "port_scan_horizontal 192.168.2.16"

# 67 SSH connections in 13 s to port 902 (not an authentication port by
# default): 47 of them exchanged a login (10 to 14 packets, 2.2 to 2.5 kB,
# coefficient of variation 3 %), over other-connections (40).
check ssh-bruteforce.pcap "brute_force 147.32.80.40"

# Spoofed SYN flood of 10.10.10.10:25565, 37.6k sources in 24 s: the
# target has 37.6k half-open connections on one port (half_open) from
# far more than 1000 sources (ddos_target); each source sends one or two
# SYNs, far below every per-source threshold.
check tcp-syn-flood-spoofed.pcap \
    "ddos_target 10.10.10.10" "half_open 10.10.10.10"

# RRSIG answers from about 55 reflectors to 10.10.10.10, 1.35 MB, with no query
# from it: dns_amplification of the victim.  The background traffic
# (one SSH client connecting every second without any data exchanged,
# 4 packets each) is no brute force: a login needs more packets.
check dns-amplification-rrsig-fragmented.pcap \
    "dns_amplification 10.10.10.10"

# dnscat2 among odd DNS: 192.168.43.91 sends 220 queries under
# skullseclabs.org in 110 s (the dnscat2 author's domain; hex labels,
# "636f6e736f6c65" is "console").  tshark and a Shannon entropy over the
# labels below the registered domain count 175 of them, all distinct, at
# least 24 characters long with at least 3.2 bits a character: over
# dns_tunnel's 50 queries and 25 names in 300 s.  Nothing else in the
# capture comes near a threshold.
check dns-bad-traffic.pcap "dns_tunnel 192.168.43.91"

# Benign captures: browsing (at most 33 servers a minute), apps, DNS
# (odd queries: small volumes), IPv6, VLAN/MPLS, Linux cooked captures.
# Nothing is reported.  dns-tunnel-iodine.pcap IS a tunnel (222 queries
# under pirate.sea with NULL answers in 24 s), but minflow-exporter sends
# no DNS record for it (its report's dns.records is 0: names with bytes
# outside the host name alphabet and NULL answers), so dns_tunnel, which
# reads the records, cannot see it; its flows to one server are no scan.
for cap in mixed-windows-browsing-http-https.pcap http-espn-browsing.pcapng \
    mobile-apps-http-timestamp-jumps.pcap linux-sll-kakaotalk.pcap \
    dns-tunnel-iodine.pcap vlan-dns.pcap \
    ipv6-http.pcap ipv4-ipv6-dual-stack-http.pcapng ipv6-fragments.pcapng \
    vlan-mpls-mixed.pcap linux-sll2-dns.pcap \
    nanosecond-sll-tcp-handshake.pcap; do
	check "$cap"
done
finish
