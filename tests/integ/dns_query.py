#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Ask SERVER for NAME's A record over UDP, print the answer's addresses,
then keep the socket open LINGER seconds before exiting:

    dns_query.py SERVER NAME LINGER

A client that stays a moment after its answer (as a browser's resolver
does) lets a loaded exporter find its socket; dig closes at once.
"""
import random
import socket
import struct
import sys
import time


def main():
    server, name, linger = sys.argv[1], sys.argv[2], float(sys.argv[3])
    qid = random.randrange(65536)
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode("ascii")
    q += b"\0" + struct.pack("!HH", 1, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    s.sendto(q, (server, 53))
    a = s.recv(512)
    if len(a) < 12 or struct.unpack("!H", a[:2])[0] != qid:
        sys.exit("dns_query.py: no answer")
    # the addresses: the last 4 bytes of each A answer (no compression
    # surprises from dnsmasq: name pointer, type, class, ttl, length)
    n = struct.unpack("!H", a[6:8])[0]
    off = len(q)
    for _ in range(n):
        off += 2 + 10
        print(socket.inet_ntoa(a[off:off + 4]))
        off += 4
    time.sleep(linger)


if __name__ == "__main__":
    main()
