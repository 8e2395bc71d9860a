#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The label each TCP connection of a capture should carry, computed with
tshark alone (no minflow code), by minflow-exporter(8)'s rule: of the DNS
answers the client received naming the server's address, the latest one
seen by the connection's first SYN wins; one seen after it counts only
when there was none before (then the earliest).

  label_order.py CAPTURE     "CLIENT SPORT SERVER DPORT NAME" per TCP
                             connection (first SYN), sorted by SYN time
"""
import subprocess
import sys


def rows(cap):
    out = subprocess.run(
        ["tshark", "-n", "-r", cap, "-Y",
         "(dns.flags.response == 1 && dns.a) || "
         "(tcp.flags.syn == 1 && tcp.flags.ack == 0)",
         "-T", "fields", "-E", "separator=\t", "-e", "frame.time_epoch",
         "-e", "ip.src", "-e", "ip.dst", "-e", "tcp.srcport",
         "-e", "tcp.dstport", "-e", "dns.qry.name", "-e", "dns.a"],
        check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        yield line.split("\t")


def main(cap):
    answers = []  # (time, client, name, addresses)
    conns = []    # (time, client, sport, server, dport)
    seen = set()
    for t, src, dst, sport, dport, qname, addrs in rows(cap):
        t = float(t)
        if qname:
            answers.append((t, dst, qname, set(addrs.split(","))))
        elif (src, sport, dst, dport) not in seen:
            seen.add((src, sport, dst, dport))
            conns.append((t, src, sport, dst, dport))
    for t, cl, sport, srv, dport in sorted(conns):
        mine = [a for a in answers if a[1] == cl and srv in a[3]]
        before = [a for a in mine if a[0] <= t]
        after = [a for a in mine if a[0] > t]
        if before:
            name = max(before, key=lambda a: a[0])[2]
        elif after:
            name = min(after, key=lambda a: a[0])[2]
        else:
            name = "-"
        print(cl, sport, srv, dport, name)


if __name__ == "__main__":
    main(sys.argv[1])
