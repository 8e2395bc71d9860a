#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""udp_flood.py PORT STATE PHASE [COUNT [RATE]]: send IPFIX over UDP to
127.0.0.1:PORT from one socket, for collector_udp_loss.sh.

Every data message holds RECORDS (20) flow records of one template, and
its sequence number counts the records sent before it (RFC 7011), so that
the collector can tell the records lost on the way.  STATE is a JSON file
that keeps the source port, the next sequence number and the totals sent
between phases (one exporter for the collector across them):
  template          the template message (no data records)
  data COUNT [RATE] COUNT data messages, RATE messages a second (0 or
                    none: as fast as the socket takes them)
Prints the totals sent so far: "datagrams N records N".
"""
import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ipfix_craft as ic  # noqa: E402

RECORDS = 20
TID = 300


def main():
    port, path, phase = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    st = {"sport": 0, "seq": 0, "datagrams": 0, "records": 0}
    if os.path.exists(path):
        with open(path) as f:
            st = json.load(f)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", st["sport"]))
    st["sport"] = s.getsockname()[1]
    dst = ("127.0.0.1", port)
    if phase == "template":
        s.sendto(ic.msg([ic.tset(ic.tmpl(TID, ic.FLOW4))], seq=st["seq"]),
                 dst)
        st["datagrams"] += 1
    else:
        count = int(sys.argv[4])
        rate = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
        t0 = time.monotonic()
        for i in range(count):
            recs = [ic.flow4(sport=40000 + (st["records"] + k) % 20000)
                    for k in range(RECORDS)]
            s.sendto(ic.msg([ic.dset(TID, *recs)], seq=st["seq"]), dst)
            st["seq"] = (st["seq"] + RECORDS) % (1 << 32)
            st["datagrams"] += 1
            st["records"] += RECORDS
            if rate > 0:
                delay = t0 + (i + 1) / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
    s.close()
    with open(path, "w") as f:
        json.dump(st, f)
    print("datagrams %d records %d" % (st["datagrams"], st["records"]))


main()
