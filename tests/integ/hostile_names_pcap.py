#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write a capture whose DNS answers carry hostile names: markup, a bidi
override (U+202E), invalid UTF-8 and control characters.  A client
(192.168.1.50) asks 192.168.1.1 for each name, gets an A record
203.0.113.N, then sends UDP to it on port 443, so the name reaches the
reports both as a DNS name and as the label of a flow.

usage: hostile_names_pcap.py OUT.pcap NAMES.json
NAMES.json gets the names as the exporter writes them (presentation form:
a byte outside 0x21..0x7e, a dot or a backslash inside a label as \\DDD),
which is what the reports and the page must show."""

import json
import struct
import sys

LABELS = [
    [b"<script>alert(1)</script>", b"example"],
    [b'"><img src=x onerror=alert(1)>', b"example"],
    [b'"><img/src=x/onerror=alert(1)>', b"example"],
    [b"evil\xe2\x80\xaegnp", b"example"],
    [b"bad\xff\xfeutf8", b"example"],
    [b"ctl\x07\x1b[31mred", b"example"],
]
CLIENT, SERVER = bytes([192, 168, 1, 50]), bytes([192, 168, 1, 1])
CMAC, SMAC = bytes.fromhex("020000000032"), bytes.fromhex("020000000001")
T0 = 1768471200  # 2026-01-15T10:00:00Z


def presentation(labels):
    out = []
    for lab in labels:
        s = ""
        for c in lab:
            if c < 0x21 or c > 0x7e or c in (0x2e, 0x5c):
                s += "\\%03d" % c
            else:
                s += chr(c)
        out.append(s)
    return ".".join(out)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def udp_frame(src, dst, sport, dport, payload, ident, to_server):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), ident,
                     0x4000, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    macs = SMAC + CMAC if to_server else CMAC + SMAC
    return macs + b"\x08\x00" + ip + udp


def qname(labels):
    return b"".join(bytes([len(x)]) + x for x in labels) + b"\0"


def dns(ident, labels, answer=None):
    flags = 0x8180 if answer else 0x0100
    msg = struct.pack("!HHHHHH", ident, flags, 1, 1 if answer else 0, 0, 0)
    msg += qname(labels) + struct.pack("!HH", 1, 1)
    if answer:
        msg += b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4) + answer
    return msg


def main():
    out, names_out = sys.argv[1], sys.argv[2]
    frames = []
    t = T0 * 1000000 + 500000
    for i, labels in enumerate(LABELS):
        ident, cport = 0x1000 + i, 40000 + i
        remote = bytes([203, 0, 113, 10 + i])
        frames.append((t, udp_frame(CLIENT, SERVER, cport, 53,
                                    dns(ident, labels), 2 * i, True)))
        frames.append((t + 5000, udp_frame(SERVER, CLIENT, 53, cport,
                                           dns(ident, labels, remote),
                                           2 * i + 1, False)))
        for k in range(3):
            frames.append((t + 20000 + k * 1000,
                           udp_frame(CLIENT, remote, 50000 + i, 443,
                                     bytes(100 + k), 100 + 3 * i + k,
                                     True)))
        t += 1000000
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for ts, fr in frames:
            f.write(struct.pack("<IIII", ts // 1000000, ts % 1000000,
                                len(fr), len(fr)) + fr)
    with open(names_out, "w", encoding="utf-8") as f:
        json.dump([presentation(x) for x in LABELS], f)


if __name__ == "__main__":
    main()
