#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write a capture of IP packets inside less common Ethernet
encapsulations, for exporter_encap.sh:

  encap_pcap.py FILE

Frames (Ethernet, classic pcap, microsecond times), in this order:
  3 IPv4/TCP in 802.3 + LLC/SNAP, OUI 00-00-00 (RFC 1042)
  2 IPv6/UDP in 802.3 + LLC/SNAP, OUI 00-00-f8 (802.1H), VLAN 7 outside
  4 IPv4/UDP behind a Cisco VN-Tag
  1 IPv4/UDP behind a VN-Tag and a VLAN tag
  5 Cisco CDP in LLC/SNAP (OUI 00-00-0c): not IP
  6 Cisco FabricPath frames (ethertype 0x8903): not opened
Only the standard library; no randomness: two runs give the same bytes.
"""
import struct
import sys

MAC = bytes([0, 0, 0x5e, 0, 0x53, 1]) + bytes([0, 0, 0x5e, 0, 0x53, 2])


def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ipv4(proto, payload, src=(192, 0, 2, 1), dst=(198, 51, 100, 7)):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64,
                    proto, 0, bytes(src), bytes(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def ipv6(nxt, payload):
    src = bytes.fromhex("20010db8000000000000000000000001")
    dst = bytes.fromhex("20010db800000000000000000000beef")
    return struct.pack("!IHBB", 6 << 28, len(payload), nxt, 64) + src + \
        dst + payload


def tcp(sport, dport):
    return struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, 0x02,
                       1024, 0, 0)


def udp(sport, dport, data=b"abcd"):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def snap(oui, ethertype, payload):
    llc = struct.pack("!BBB", 0xaa, 0xaa, 0x03) + oui.to_bytes(3, "big") + \
        struct.pack("!H", ethertype)
    return struct.pack("!H", len(llc) + len(payload)) + llc + payload


def main(path):
    frames = []
    for i in range(3):
        frames.append(MAC + snap(0, 0x0800, ipv4(6, tcp(40000 + i, 80))))
    for i in range(2):
        frames.append(MAC + struct.pack("!HH", 0x8100, 7) +
                      snap(0xf8, 0x86dd, ipv6(17, udp(5353, 53))))
    vntag = struct.pack("!HI", 0x8926, 0x80010002)
    for i in range(4):
        frames.append(MAC + vntag + struct.pack("!H", 0x0800) +
                      ipv4(17, udp(1234, 53, b"x" * (4 + i))))
    frames.append(MAC + vntag + struct.pack("!HHH", 0x8100, 0x123, 0x0800) +
                  ipv4(17, udp(1234, 53)))
    for i in range(5):
        frames.append(MAC + snap(0x00000c, 0x2000, bytes(40)))
    for i in range(6):
        frames.append(MAC + struct.pack("!H", 0x8903) + bytes(16) +
                      ipv4(17, udp(9, 9)))
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, b in enumerate(frames):
            b = b + bytes(max(0, 60 - len(b)))
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(b), len(b)))
            f.write(b)


if __name__ == "__main__":
    main(sys.argv[1])
