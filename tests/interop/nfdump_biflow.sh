#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# minflow-exporter --biflow (RFC 5103, IPFIX) -> a real nfcapd (Debian's
# nfdump 1.7.1) on 127.0.0.1 -> nfdump: what nfdump makes of our biflow
# records, as README.md ("Using minflow with nfdump") says.  The uniflow
# default, IPv4 and IPv6, IPFIX and NetFlow v9, is checked by
# tests/integ/exporter_nfcapd.sh; --biflow is IPFIX only.  For IPv4, IPv6
# and dual-stack captures:
#  (a) nfcapd stores one record per exported biflow record (the exporter's
#      records-exported count), never splitting or dropping one; and one
#      per DNS record (dns-records-exported, templates 261/262), with no
#      packet, no byte and an end time of 0 (1970), since a DNS record has
#      a start time only: nfdump shows them as flows, `nfdump 'packets > 0'`
#      leaves them out;
#  (b) it keeps both directions: the forward counters as in_packets /
#      in_bytes, the reverse ones (reversePacketDeltaCount and
#      reverseOctetDeltaCount, 29305/2 and 29305/1) as out_packets /
#      out_bytes; both directions together hold exactly what tshark counts
#      in the capture (tests/integ/truth.py), in total and per one-way
#      5-tuple once each record is split into its two directions;
#  (c) nfdump's own sums count both directions: nfcapd's log line
#      ("Packets: N, Bytes: N") and the Summary line of `nfdump -s`;
#  (d) a record's "Packets" and "Bytes" columns (%pkt, %byt: -o line,
#      long, extended) are the forward direction only, the reverse one
#      is %opkt and %obyt (-o biline, bilong): per record, %pkt + %opkt
#      and %byt + %obyt add up to tshark's totals.
# nfdump does not read the reverse TCP flags (6871/16398, 6871/16399) or
# the reverse start offset (6871/21): they are skipped, and the forward
# fields stay right (b).
. "$MF_SRCDIR/tests/integ/lib.sh"
need tshark nfcapd nfdump python3
need_shared
need_exporter
mk_tmp

P=$MF_SHARED_DIR/pcaps
INTEROP="$MF_SRCDIR/tests/interop/interop.py"
interop() { with_timeout 120 python3 "$INTEROP" "$@"; }

# sum_fmt DIR: "PACKETS BYTES" of %pkt + %opkt and %byt + %obyt per record
sum_fmt() {
	nfdump -R "$1" -q -N -o 'fmt:%pkt %opkt %byt %obyt' 2>/dev/null |
	    awk 'NF == 4 { p += $1 + $2; b += $3 + $4 } END { print p + 0, b + 0 }'
}

# summary_line DIR: nfdump's "total bytes: B, total packets: P" of -s
summary_line() {
	nfdump -R "$1" -N -s proto/bytes 2>/dev/null |
	    sed -n 's/^Summary: total flows: [0-9]*, \(total bytes: [0-9]*, total packets: [0-9]*\),.*/\1/p'
}

stat_of() { awk -v k="$1" '$1 == k { print $2 }' "$MF_TMP/stats$n"; }

n=0
for f in "$P/ipv6-http.pcap" "$P/mixed-home-iot-telnet-hscan.pcap" \
    "$P/ipv4-ipv6-dual-stack-http.pcapng" "$MF_SAMPLE"; do
	name=$(basename "$f")
	# shellcheck disable=SC2046 # two numbers
	set -- $(truth totals "$f" 2>/dev/null)
	tp=$1 tb=$2
	n=$((n + 1))
	dir=$MF_TMP/nf$n
	port=$(free_udp_port)
	start_nfcapd "$dir" "$port" || { fail "$name: nfcapd"; continue; }
	with_timeout 120 "$MF_EXPORTER" -r "$f" -c "127.0.0.1:$port" \
	    -P ipfix --biflow --stats 2>"$MF_TMP/stats$n"
	assert_eq "$name: exporter status" 0 $?
	stop_nfcapd || fail "$name: nfcapd stop"
	nfcapd_dir_ok "$dir" || fail "$name: nfcapd files"
	nfdump -R "$dir" -o json >"$dir.json" 2>/dev/null
	# (a)
	# shellcheck disable=SC2046 # three numbers
	set -- $(interop bi-records "$dir.json")
	mf_log "$name: nfdump records $1, with reverse packets $2, no packets $3"
	assert_eq "$name: (a) one record per exported record" \
	    "$(stat_of records-exported) $(stat_of dns-records-exported)" \
	    "$(($1 - $3)) $3"
	[ "$2" -gt 0 ] || fail "$name: (a) no record with reverse packets"
	# (b)
	assert_eq "$name: (b) both directions = tshark's totals" "$tp $tb" \
	    "$(interop bi-totals "$dir.json")"
	assert_eq "$name: (b) per one-way 5-tuple = tshark's" \
	    "$(truth flows "$f" 2>/dev/null)" "$(interop bi-flows "$dir.json")"
	# (c)
	assert_eq "$name: (c) nfcapd's log counts both directions" \
	    "Packets: $tp, Bytes: $tb" \
	    "$(sed -n 's/^Ident: .*, \(Packets: [0-9]*, Bytes: [0-9]*\),.*/\1/p' "$dir.log")"
	assert_eq "$name: (c) nfdump -s counts both directions" \
	    "total bytes: $tb, total packets: $tp" "$(summary_line "$dir")"
	# (d)
	assert_eq "$name: (d) %pkt + %opkt, %byt + %obyt = tshark's totals" \
	    "$tp $tb" "$(sum_fmt "$dir")"
done
finish
