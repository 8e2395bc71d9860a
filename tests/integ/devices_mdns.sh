#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Devices from a real home capture: the shared mixed-home-iot-telnet-hscan
# holds a Raspberry Pi (b8:27:eb:c7:e9:c9) that takes a DHCPv4 lease as
# black-pearl and announces black-pearl.local over mDNS (A and AAAA).
# minflow-exporter -r CAPTURE --devices --mdns -w F.ipfix,
# minflow-collector -r F.ipfix; tests/integ/devices_truth.py computes from
# tshark's view of the capture (and oui.txt read on its own) what each
# device that got a DHCP ACK must show.  Checked exactly:
# - each such device's name, vendor and addresses (every internal address
#   sent from or to its MAC, the ACK's address and its mDNS answers);
# - the Pi's name comes from DHCP (it beats mDNS);
# - the exporter parsed every DHCP message and every mDNS response tshark
#   sees (none malformed);
# - with DHCP filtered out of the capture (-f), the Pi is named by mDNS.
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3 tshark
need_shared
need_exporter
need_collector
mk_tmp

CAP=$MF_SHARED_DIR/pcaps/mixed-home-iot-telnet-hscan.pcap
OUI=/usr/share/ieee-data/oui.txt
[ -r "$OUI" ] || skip "no $OUI (Debian package ieee-data)"
DEV=$MF_SRCDIR/tests/integ/devices_report.py
TRUTH=$MF_SRCDIR/tests/integ/devices_truth.py
PI=b8:27:eb:c7:e9:c9
printf '[reports]\nretention-days = 0\n[devices]\noui = %s\n' "$OUI" \
    >"$MF_TMP/minflow.conf"

# run NAME [EXPORTER OPTIONS]: the exporter and the collector on CAP
run() {
	_n=$1
	shift
	with_timeout 120 "$MF_EXPORTER" -r "$CAP" --devices --mdns "$@" \
	    -w "$MF_TMP/$_n.ipfix" --stats 2>"$MF_TMP/$_n.stats" ||
	    fail "exporter run $_n"
	with_timeout 120 "$MF_COLLECTOR" -C "$MF_TMP/minflow.conf" \
	    -r "$MF_TMP/$_n.ipfix" -o "$MF_TMP/$_n" 2>"$MF_TMP/$_n.log" ||
	    fail "collector run $_n"
}
counter() { awk -v k="$2" '$1 == k { print $2 }' "$MF_TMP/$1.stats"; }
count() { tshark -r "$CAP" -Y "$1" 2>/dev/null | wc -l | tr -d ' '; }

run all
with_timeout 300 python3 "$TRUTH" --mdns "$CAP" "$OUI" >"$MF_TMP/truth" ||
    fail "truth"
[ -s "$MF_TMP/truth" ] || fail "truth names no device"
python3 "$DEV" --short "$MF_TMP/all" >"$MF_TMP/got"
while read -r mac rest; do
	assert_eq "device $mac" "$mac $rest" "$(grep "^$mac " "$MF_TMP/got")"
done <"$MF_TMP/truth"
assert_eq "the Pi by DHCP" "name=black-pearl source=dhcp" \
    "$(python3 "$DEV" "$MF_TMP/all" | grep "^$PI " |
        sed 's/.* \(name=[^ ]*\) \(source=[^ ]*\) .*/\1 \2/')"
assert_eq "DHCP messages parsed" "$(count dhcp) $(count dhcp)" \
    "$(counter all dhcp4-messages) $(counter all dhcp-ok)"
assert_eq "mDNS responses parsed" \
    "$(count 'udp.srcport == 5353 && dns.flags.response == 1') 0" \
    "$(counter all mdns-responses) $(counter all mdns-malformed)"

run nodhcp -f 'not (udp port 67 or udp port 68)'
assert_eq "no DHCP seen" 0 "$(counter nodhcp dhcp4-messages)"
assert_eq "the Pi by mDNS" "name=black-pearl source=mdns" \
    "$(python3 "$DEV" "$MF_TMP/nodhcp" | grep "^$PI " |
        sed 's/.* \(name=[^ ]*\) \(source=[^ ]*\) .*/\1 \2/')"
finish
