#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# malformed_pcap.py FILE: the crafted capture of exporter_malformed.sh,
# N frames of the Nth drop reason of the decoder (truncated link, not IP,
# truncated IP, bad version, bad header, bad IPv6 extension header, too
# many layers), 8 good ones and 9 with the TCP header cut by the snaplen.
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
