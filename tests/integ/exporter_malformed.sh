#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Bad input: a capture made here with a known number of broken frames per
# drop reason (the counts differ per reason so a swapped counter shows),
# and the deliberately damaged shared captures.  Every counter must equal
# what was put in, the good packets must still be exported, and the run
# must end normally.
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3 ipfixDump
need_shared
need_exporter
mk_tmp

python3 "$MF_SRCDIR/tests/integ/malformed_pcap.py" "$MF_TMP/bad.pcap"

"$MF_EXPORTER" -r "$MF_TMP/bad.pcap" -w "$MF_TMP/bad.ipfix" --stats \
    2>"$MF_TMP/stats"
assert_eq "crafted capture: exit status" 0 $?
stat() { awk -v k="$1" '$1 == k { print $2 }' "$MF_TMP/stats"; }
assert_eq "packets" 45 "$(stat packets)"
assert_eq "decode-truncated-link" 1 "$(stat decode-truncated-link)"
assert_eq "decode-not-ip" 2 "$(stat decode-not-ip)"
assert_eq "decode-truncated-ip" 3 "$(stat decode-truncated-ip)"
assert_eq "decode-bad-ip-version" 4 "$(stat decode-bad-ip-version)"
assert_eq "decode-bad-ip-header" 5 "$(stat decode-bad-ip-header)"
assert_eq "decode-bad-ipv6-ext" 6 "$(stat decode-bad-ipv6-ext)"
assert_eq "decode-too-many-layers" 7 "$(stat decode-too-many-layers)"
assert_eq "decode-ok" 17 "$(stat decode-ok)"
assert_eq "decode-l4-truncated" 9 "$(stat decode-l4-truncated)"
# 8 UDP packets of 32 bytes, 9 TCP packets of 40 (header length, not caplen)
assert_eq "exported totals" "17 616" \
    "$(python3 "$MF_SRCDIR/tests/integ/ipfix_records.py" totals "$MF_TMP/bad.ipfix")"
assert_eq "ignoredPacketTotalCount" 28 \
    "$(python3 "$MF_SRCDIR/tests/integ/ipfix_records.py" stats "$MF_TMP/bad.ipfix" ignoredPacketTotalCount)"

# Damaged files: libpcap stops at the damage; what came before is kept.
for case in "corrupt-record-header.pcap 18" "truncated-file-mid-packet.pcap 2696"; do
	set -- $case
	"$MF_EXPORTER" -r "$MF_SHARED_DIR/pcaps/$1" -w "$MF_TMP/d.ipfix" \
	    --stats 2>"$MF_TMP/stats"
	assert_eq "$1: exit status 2" 2 $?
	assert_eq "$1: packets read" "$2" "$(stat packets)"
	grep -q "the packets before it were exported" "$MF_TMP/stats" ||
	    fail "$1: no message about the damage"
	assert_eq "$1: all of them exported" "$2" \
	    "$(python3 "$MF_SRCDIR/tests/integ/ipfix_records.py" totals "$MF_TMP/d.ipfix" | cut -d' ' -f1)"
done

# Not a capture at all, and a missing file: a clear error, status 1.
printf 'not a pcap file at all' >"$MF_TMP/junk.pcap"
"$MF_EXPORTER" -r "$MF_TMP/junk.pcap" -w "$MF_TMP/j.ipfix" 2>"$MF_TMP/err"
assert_eq "junk file: status 1" 1 $?
grep -q "junk.pcap" "$MF_TMP/err" || fail "junk file: error names the file"
"$MF_EXPORTER" -r "$MF_TMP/missing.pcap" -w "$MF_TMP/j.ipfix" 2>"$MF_TMP/err"
assert_eq "missing file: status 1" 1 $?
finish
