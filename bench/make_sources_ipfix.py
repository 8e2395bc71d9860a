#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""make_sources_ipfix.py N OUT [MINUTES]: an IPFIX file (RFC 5655: messages
one after the other, as `minflow-exporter -w` writes) of N flow records
from N distinct IPv4 sources, for bench/collector_anomaly.sh.

Source i is 11.0.0.0 + i (external; N up to 2^24).  Every record is a
TCP SYN (tcpControlBits 0x02, 1 packet, 60 bytes) from port 40000 + i %
20000 to 192.168.1.10:80, the worst case for bounded detector state:
each source is new to the address table and to every per-source detector
table (fan_out, the scans, syn_scan, brute_force), each SYN waits for the
reply check (half_open, syn_scan), and one target collects all of them
(half_open, ddos_target).  The records are spread evenly over MINUTES
minutes of flow time (default 5: five reports at the default interval),
in time order, 1,000 records a message.  Deterministic: the same
arguments give the same bytes.  Python 3 standard library only.
"""
import struct
import sys

START_MS = 1_700_000_000_000  # 2023-11-14, any fixed time will do
PER_MSG = 1000
TID = 256
# sourceIPv4Address, destinationIPv4Address, sourceTransportPort,
# destinationTransportPort, protocolIdentifier, tcpControlBits,
# octetDeltaCount, packetDeltaCount, flowStartMilliseconds,
# flowEndMilliseconds
FIELDS = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (6, 1), (1, 8), (2, 8),
          (152, 8), (153, 8)]
REC = struct.Struct("!IIHHBBQQQQ")
TARGET = (192 << 24) | (168 << 16) | (1 << 8) | 10


def message(sets, seq, export_s):
    body = b"".join(sets)
    return struct.pack("!HHIII", 10, 16 + len(body), export_s, seq, 0) + body


def template_set():
    rec = struct.pack("!HH", TID, len(FIELDS))
    rec += b"".join(struct.pack("!HH", i, n) for i, n in FIELDS)
    return struct.pack("!HH", 2, 4 + len(rec)) + rec


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    n = int(sys.argv[1])
    minutes = int(sys.argv[3]) if len(sys.argv) == 4 else 5
    if not 1 <= n <= 1 << 24 or minutes < 1:
        sys.exit("N must be 1 .. 2^24, MINUTES >= 1")
    span_ms = minutes * 60_000
    seq = 0
    with open(sys.argv[2], "wb") as out:
        out.write(message([template_set()], 0, START_MS // 1000))
        for first in range(0, n, PER_MSG):
            recs = []
            for i in range(first, min(n, first + PER_MSG)):
                end = START_MS + i * span_ms // n
                recs.append(REC.pack(0x0B000000 + i, TARGET,
                                     40000 + i % 20000, 80, 6, 0x02, 60, 1,
                                     end, end))
            body = b"".join(recs)
            dset = struct.pack("!HH", TID, 4 + len(body)) + body
            out.write(message([dset], seq, (end + 999) // 1000))
            seq += len(recs)


if __name__ == "__main__":
    main()
