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

python3 - "$MF_TMP/bad.pcap" <<'PY'
import struct, sys

def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

ETH = bytes(6) + bytes([2, 0, 0, 0, 0, 1])

def eth(ethertype, payload, tags=0):
    vlan = b"".join(struct.pack("!HH", 0x8100, 10 + i) for i in range(tags))
    return ETH + vlan + struct.pack("!H", ethertype) + payload

def ipv4(proto, payload, ver=4, ihl=5, total=None):
    total = 20 + len(payload) if total is None else total
    h = struct.pack("!BBHHHBBH4s4s", ver << 4 | ihl, 0, total, 1, 0, 64,
                    proto, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload

def ipv6(nxt, payload, plen=None):
    plen = len(payload) if plen is None else plen
    return (struct.pack("!IHBB", 6 << 28, plen, nxt, 64) + bytes(15) +
            b"\x01" + bytes(15) + b"\x02" + payload)

tcp = struct.pack("!HHIIBBHHH", 1234, 80, 0, 0, 5 << 4, 0x02, 1024, 0, 0)
udp = struct.pack("!HHHH", 5000, 53, 12, 0) + b"abcd"
frames = []                      # (captured bytes, wire length)
def add(n, frame, wire=None):
    for _ in range(n):
        frames.append((frame, wire or len(frame)))

add(1, ETH[:10])                                   # truncated-link
add(2, eth(0x0806, bytes(28)))                     # not-ip (ARP)
add(3, eth(0x0800, ipv4(6, tcp)[:12]), 60)         # truncated-ip
add(4, eth(0x0800, ipv4(6, tcp, ver=5)))           # bad-ip-version
add(5, eth(0x0800, ipv4(6, tcp, ihl=4)))           # bad-ip-header
# bad-ipv6-ext: a hop-by-hop header claiming 64 bytes in a 16-byte payload
add(6, eth(0x86dd, ipv6(0, bytes([6, 7]) + bytes(14))))
add(7, eth(0x0800, ipv4(17, udp), tags=9))         # too-many-layers
add(8, eth(0x0800, ipv4(17, udp)))                 # ok
# ok but the TCP header cut off by the snaplen: accounted, ports 0
add(9, eth(0x0800, ipv4(6, tcp))[:14 + 20 + 6], 14 + 40)

with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i, (b, wire) in enumerate(frames):
        f.write(struct.pack("<IIII", 1700000000 + i, 0, len(b), wire) + b)
PY

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
