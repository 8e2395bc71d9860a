#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""IPFIX flow records for the alert and blocklist tests (ipfix_craft.py).

write FILE END_MS SRC DST...: an IPFIX file (one message, its template
  first) with one IPv4 UDP flow record from SRC to each DST, 100 bytes in
  1 packet, ending at END_MS (ms since the epoch), starting 1 s before.

send PORT SEQ SRC DST...: the same message, ending now, sent to
  127.0.0.1:PORT over UDP with sequence number SEQ (the records sent
  before it: the caller counts them).  All records of one call end at the
  same instant, so they fall into the same report interval."""
import socket
import sys

import ipfix_craft as c


def ip4(s):
    return tuple(int(x) for x in s.split("."))


def message(end, src, dsts, seq):
    recs = [c.flow4(src=ip4(src), dst=ip4(d), sport=40000 + i, dport=443,
                    octets=100, packets=1, end=end)
            for i, d in enumerate(dsts)]
    return c.msg([c.tset(c.tmpl(300, c.FLOW4)), c.dset(300, *recs)],
                 seq=seq, domain=5, export=end // 1000)


def write(path, end, src, *dsts):
    with open(path, "wb") as f:
        f.write(message(int(end), src, dsts, 0))


def send(port, seq, src, *dsts):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(message(c.now_ms(), src, dsts, int(seq)),
             ("127.0.0.1", int(port)))


if __name__ == "__main__":
    {"write": write, "send": send}[sys.argv[1]](*sys.argv[2:])
