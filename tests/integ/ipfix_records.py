#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Read an IPFIX file through `ipfixDump -y` (libfixbuf's own decoder, not
minflow's code) and print what the integration tests compare:

  ipfix_records.py totals FILE      "packets bytes" over flow records
  ipfix_records.py flows FILE       "src dst proto sport dport packets bytes"
                                    per 5-tuple, sorted (truth.py's format)
  ipfix_records.py count FILE FIELD VALUE
                                    flow records whose FIELD equals VALUE
  ipfix_records.py stats FILE FIELD the last statistics record's FIELD
  ipfix_records.py records FILE     flow records as tab-separated name=value

Biflow records count both directions (the reverse one from the reverse
counters) so totals compare with uniflow runs.
"""
import re
import socket
import subprocess
import sys

FIELD = re.compile(r"^\s*\((\d+(?:/\d+)?)\)\s+(\S+)\s*:\s?(.*)$")


def records(path):
    out = subprocess.run(["ipfixDump", "-y", "--in", path],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit("ipfixDump failed: " + out.stderr.strip())
    recs, cur, in_data = [], None, False
    for line in out.stdout.splitlines():
        if line.startswith("--- data record"):
            cur, in_data = {}, True
            recs.append(cur)
            continue
        if line.startswith("---") or line.startswith("***"):
            in_data = False
            continue
        m = FIELD.match(line)
        if in_data and m:
            cur[m.group(2)] = m.group(3).strip()
    return recs


def is_flow(r):
    return "packetDeltaCount" in r


def canon(addr):
    """An address as inet_ntop writes it (tshark and nfdump do the same)."""
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    return socket.inet_ntop(fam, socket.inet_pton(fam, addr))


def key(r, rev=False):
    src = r.get("sourceIPv4Address") or r.get("sourceIPv6Address")
    dst = r.get("destinationIPv4Address") or r.get("destinationIPv6Address")
    sp = int(r.get("sourceTransportPort", 0))
    dp = int(r.get("destinationTransportPort", 0))
    src, dst = canon(src), canon(dst)
    if rev:
        src, dst, sp, dp = dst, src, dp, sp
    return (src, dst, int(r["protocolIdentifier"]), sp, dp)


def directions(r):
    """(key, packets, bytes) for each direction a record carries."""
    yield key(r), int(r["packetDeltaCount"]), int(r["octetDeltaCount"])
    rp = int(r.get("reversePacketDeltaCount", 0))
    if rp:
        yield key(r, True), rp, int(r["reverseOctetDeltaCount"])


def main(argv):
    mode, path = argv[1], argv[2]
    recs = records(path)
    flows = [r for r in recs if is_flow(r)]
    if mode == "totals":
        p = b = 0
        for r in flows:
            for _, dp, db in directions(r):
                p += dp
                b += db
        print(p, b)
    elif mode == "flows":
        agg = {}
        for r in flows:
            for k, dp, db in directions(r):
                a = agg.setdefault(k, [0, 0])
                a[0] += dp
                a[1] += db
        for k in sorted(agg, key=lambda k: tuple(str(x) for x in k)):
            print(*k, *agg[k])
    elif mode == "count":
        field, value = argv[3], argv[4]
        print(sum(1 for r in flows if r.get(field) == value))
    elif mode == "stats":
        stats = [r for r in recs if "packetTotalCount" in r]
        print(stats[-1][argv[3]] if stats else "none")
    elif mode == "records":
        for r in flows:
            print("\t".join(f"{k}={v}" for k, v in r.items()))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
