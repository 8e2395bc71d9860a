#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# IP inside LLC/SNAP (RFC 1042 and 802.1H) and behind Cisco VN-Tags is
# decoded: the exporter's flows equal tshark's 5-tuples, packets and bytes
# on a capture made here (encap_pcap.py).  CDP in SNAP counts as not-ip and
# Cisco FabricPath as unsupported-link, each exactly as many times as the
# capture holds them.
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3 tshark ipfixDump
need_exporter
mk_tmp

python3 "$MF_SRCDIR/tests/integ/encap_pcap.py" "$MF_TMP/encap.pcap" ||
    fail "encap_pcap.py"
"$MF_EXPORTER" -r "$MF_TMP/encap.pcap" -w "$MF_TMP/encap.ipfix" --stats \
    2>"$MF_TMP/stats"
assert_eq "exit status" 0 $?
stat() { awk -v k="$1" '$1 == k { print $2 }' "$MF_TMP/stats"; }
assert_eq "packets" 21 "$(stat packets)"
assert_eq "decode-ok" 10 "$(stat decode-ok)"
assert_eq "decode-not-ip (CDP)" 5 "$(stat decode-not-ip)"
assert_eq "decode-unsupported-link (FabricPath)" 6 \
    "$(stat decode-unsupported-link)"
# tshark sees IP in the same 10 frames (it does not open FabricPath here)
assert_eq "totals equal tshark's" "$(truth totals "$MF_TMP/encap.pcap")" \
    "$(python3 "$MF_SRCDIR/tests/integ/ipfix_records.py" totals "$MF_TMP/encap.ipfix")"
assert_eq "flows equal tshark's" "$(truth flows "$MF_TMP/encap.pcap")" \
    "$(python3 "$MF_SRCDIR/tests/integ/ipfix_records.py" flows "$MF_TMP/encap.ipfix")"
finish
