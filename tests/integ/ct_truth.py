#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The kernel's own figures for tests/integ/conntrack_netns.sh, printed in
ipfix_records.py's "flows" format (src dst proto sport dport packets bytes,
one line per direction, sorted):

  ct_truth.py conntrack FILE   from `conntrack -L -o extended` output: the
                               original direction as is, the reply one as
                               the original tuple reversed (the LAN side
                               view minflow exports); ICMP as port 0 and
                               type << 8 | code of each direction's own
                               tuple (echo reply: 0), as pcap mode
  ct_truth.py nft FILE         from `nft list chain` output: per counter
                               rule, its comment and "packets bytes"
  ct_truth.py sum FLOWS SRC PROTO [SPORT|-] [DPORT|-]
                               "packets bytes" over the FLOWS lines that
                               match (a flows file as above)
"""
import re
import sys

KV = re.compile(r"(\w+)=(\S+)")


def conntrack(path):
    out = []
    for line in open(path):
        f = line.split()
        if len(f) < 6 or f[0] not in ("ipv4", "ipv6"):
            continue
        proto = int(f[3])
        kv = KV.findall(line)
        orig, reply = {}, {}
        for k, v in kv:
            (reply if k in orig else orig)[k] = v
        if "packets" not in orig:
            continue
        sp, dp = int(orig.get("sport", 0)), int(orig.get("dport", 0))
        rsp, rdp = dp, sp
        if proto in (1, 58):
            sp, dp = 0, int(orig["type"]) << 8 | int(orig["code"])
            rsp, rdp = 0, int(reply["type"]) << 8 | int(reply["code"])
        src, dst = orig["src"], orig["dst"]
        if int(orig["packets"]):
            out.append((src, dst, proto, sp, dp, orig["packets"],
                        orig["bytes"]))
        if int(reply["packets"]):
            out.append((dst, src, proto, rsp, rdp, reply["packets"],
                        reply["bytes"]))
    for k in sorted(out, key=lambda k: tuple(str(x) for x in k[:5])):
        print(*k)


def nft(path):
    for line in open(path):
        m = re.search(r'counter packets (\d+) bytes (\d+) comment "([^"]+)"',
                      line)
        if m:
            print(m.group(3), m.group(1), m.group(2))


def total(path, src, proto, sport, dport):
    p = b = 0
    for line in open(path):
        f = line.split()
        if len(f) != 7 or f[0] != src or f[2] != proto:
            continue
        if sport != "-" and f[3] != sport:
            continue
        if dport != "-" and f[4] != dport:
            continue
        p += int(f[5])
        b += int(f[6])
    print(p, b)


def main(argv):
    if len(argv) >= 3 and argv[1] == "conntrack":
        conntrack(argv[2])
    elif len(argv) >= 3 and argv[1] == "nft":
        nft(argv[2])
    elif len(argv) == 7 and argv[1] == "sum":
        total(*argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
