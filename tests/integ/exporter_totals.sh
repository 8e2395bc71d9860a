#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# minflow-exporter -w on every shared capture (and the bundled sample):
# the IPFIX file, read back by libfixbuf's ipfixDump, must carry exactly the
# IP-layer packets and bytes that tshark counts in the capture (outer IP
# header: ipv4 total length, ipv6 40 + payload length), in total and per
# 5-tuple (tests/integ/truth.py computes both from tshark alone).  Broken
# captures keep the packets before the damage and exit with status 2.
# tshark must decode every message without a malformed packet, and the
# same capture must give byte-identical output twice.
. "$MF_SRCDIR/tests/integ/lib.sh"
need tshark ipfixDump python3
need_shared
need_exporter
mk_tmp

# Captures libpcap cannot read to the end: status 2 (packets kept).
broken="corrupt-record-header.pcap truncated-file-mid-packet.pcap"

check_capture() { # FILE NAME [EXTRA-OPTION]
	f=$1
	name=$2
	out=$MF_TMP/$name.ipfix
	"$MF_EXPORTER" -r "$f" -w "$out" $3 2>"$MF_TMP/err"
	rc=$?
	want=0
	case " $broken " in *" $name "*) want=2 ;; esac
	assert_eq "$name$3: exit status" "$want" "$rc"
	assert_eq "$name$3: totals" "$(truth totals "$f" 2>/dev/null)" \
	    "$(python3 "$MF_SRCDIR/tests/integ/ipfix_records.py" totals "$out")"
	assert_eq "$name$3: per 5-tuple" "$(truth flows "$f" 2>/dev/null)" \
	    "$(python3 "$MF_SRCDIR/tests/integ/ipfix_records.py" flows "$out")"
	bad=$(tshark -r "$out" -Y '_ws.malformed || _ws.expert.severity >= error' \
	    2>/dev/null | wc -l)
	assert_eq "$name$3: tshark finds no malformed message" 0 "$bad"
}

for f in "$MF_SHARED_DIR"/pcaps/*.pcap "$MF_SHARED_DIR"/pcaps/*.pcapng \
    "$MF_SAMPLE"; do
	check_capture "$f" "$(basename "$f")"
done
# Biflow: the reverse counters must add up the same way.
for n in mixed-home-iot-telnet-hscan.pcap ipv6-http.pcap \
    dns-amplification-rrsig-fragmented.pcap; do
	check_capture "$MF_SHARED_DIR/pcaps/$n" "$n" --biflow
done

# Reproducible: same capture, same bytes.
for f in "$MF_SAMPLE" "$MF_SHARED_DIR/pcaps/mixed-windows-browsing-http-https.pcap"; do
	"$MF_EXPORTER" -r "$f" -w "$MF_TMP/a.ipfix"
	"$MF_EXPORTER" -r "$f" -w "$MF_TMP/b.ipfix"
	assert_files_eq "$(basename "$f"): byte-identical output" \
	    "$MF_TMP/a.ipfix" "$MF_TMP/b.ipfix"
done

# -w - writes to standard output, the same bytes as a file.
"$MF_EXPORTER" -r "$MF_SAMPLE" -w - >"$MF_TMP/stdout.ipfix"
"$MF_EXPORTER" -r "$MF_SAMPLE" -w "$MF_TMP/file.ipfix"
assert_files_eq "-w - equals -w FILE" "$MF_TMP/file.ipfix" "$MF_TMP/stdout.ipfix"
# -r - reads standard input.
"$MF_EXPORTER" -r - -w "$MF_TMP/stdin.ipfix" <"$MF_SAMPLE"
assert_files_eq "-r - equals -r FILE" "$MF_TMP/file.ipfix" "$MF_TMP/stdin.ipfix"
finish
