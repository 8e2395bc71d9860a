#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# collector_flowstats.sh: expected "flows" numbers from a capture, and
# the same numbers read from the collector's one report.
import glob
import ipaddress
import json
import os
import sys

sys.path.insert(0, os.path.join(os.environ["MF_SRCDIR"], "tests", "integ"))
import truth  # noqa: E402  (tshark only, no minflow code)

DUR_BOUNDS = [0, 1, 10, 100, 1000, 10000, 60000, 300000, 1800000, 3600000,
              86400000]
BYTE_BOUNDS = [64 << i for i in range(25)]
SYN, RST, ACK, FIN = 0x02, 0x04, 0x10, 0x01


def bucket_mid(v):
    """the histogram bucket's midpoint (rounded down), as flowstats.h"""
    if v < 128:
        return v
    shift = v.bit_length() - 1 - 6
    low = (v >> shift) << shift
    return low + ((1 << shift) - 1) // 2


def dist(samples, bounds):
    s = sorted(samples)
    n = len(s)
    out = {"count": n}
    for p in (50, 90, 99):
        rank = max(1, -(-p * n // 100))
        out["p%d" % p] = bucket_mid(s[rank - 1]) if n else None
    out["cdf"] = [[b, sum(1 for x in s if x <= b)] for b in bounds]
    return out


def conversations(cap, biflow):
    """key -> {first and last ms, bytes, senders, TCP flags of all
    packets, ...}, and the number of SYNs that opened a closed
    connection again (port reuse)"""
    convs = {}
    reuse = 0
    for p in truth.packets(cap):
        a, b = (p.src, p.sport), (p.dst, p.dport)
        key = (p.proto,) + (tuple(sorted([a, b])) if biflow else (a, b))
        c = convs.get(key)
        if c is None:
            c = convs[key] = {"first": p.ms, "last": p.ms, "bytes": 0,
                              "senders": set(), "flags": 0, "fins": set(),
                              "closed": False}
        elif (p.proto == 6 and c["closed"] and
              p.tcp_flags & (SYN | ACK) == SYN):
            reuse += 1
        c["first"] = min(c["first"], p.ms)
        c["last"] = max(c["last"], p.ms)
        c["bytes"] += p.nbytes
        c["senders"].add(a)
        c["flags"] |= p.tcp_flags
        if p.tcp_flags & FIN:
            c["fins"].add(a)
        if p.tcp_flags & RST or len(c["fins"]) == 2:
            c["closed"] = True
    return convs, reuse


def view(convs, half, keep):
    """the "flows" members over the conversations whose key keep()s"""
    cs = [c for k, c in convs.items() if keep(k)]
    return {
        "finished": len(cs),
        "ongoing": 0,
        "half_open": sum(1 for k in half if keep(k)),
        "end_unknown": 0,
        "bad_times": 0,
        "duration_ms": dist([c["last"] - c["first"] for c in cs],
                            DUR_BOUNDS),
        "bytes": dist([c["bytes"] for c in cs], BYTE_BOUNDS),
    }


def cmd_expect(cap, focus, mode):
    net = ipaddress.ip_network(focus, strict=False)
    convs, reuse = conversations(cap, mode == "biflow")
    # Half-open is about conversations, whatever the record kind.
    both, _ = conversations(cap, True)
    half = [k for k, c in both.items()
            if k[0] == 6 and c["flags"] & SYN and not c["flags"] & ACK and
            len(c["senders"]) == 1]

    def inside(k):
        return any(ipaddress.ip_address(e[0]) in net for e in k[1:])

    out = view(convs, half, lambda k: True)
    out["focus"] = view(convs, half, inside)
    out["focus"]["target"] = str(net)
    tcp_udp = sum(1 for k in both if k[0] in (6, 17))
    print(json.dumps({"reuse": reuse, "tcp_udp": tcp_udp, "flows": out},
                     sort_keys=True))


def cmd_got(rdir):
    files = sorted(glob.glob(os.path.join(rdir, "2*", "*.json")))
    with open(files[-1]) as fh:
        flows = json.load(fh)["flows"]

    def norm(v):
        for d in ("duration_ms", "bytes"):
            v[d]["cdf"] = [[e["le"], e["count"]] for e in v[d]["cdf"]]
        return v
    norm(flows)
    norm(flows["focus"])
    print(json.dumps({"reports": len(files), "flows": flows},
                     sort_keys=True))


def cmd_field(path, *keys):
    with open(path) as fh:
        v = json.load(fh)
    for k in keys:
        v = v[k]
    print(json.dumps(v, sort_keys=True, indent=1))


if __name__ == "__main__":
    {"expect": cmd_expect, "got": cmd_got,
     "field": cmd_field}[sys.argv[1]](*sys.argv[2:])
