#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Helpers of the interoperability tests in tests/interop/.

  interop.py reports DIR       what minflow-collector's reports in DIR add up
                               to, in two lines:
                                 "PACKETS BYTES" over every class of every
                                 report (every day directory, 19700101 too:
                                 records with absurd times land there when
                                 no sane time was seen yet)
                                 "N PROTOCOLS records R lost L undecodable U"
                                 over the exporters the reports list (the
                                 counters run since the collector started,
                                 so each exporter's largest value is its
                                 final one)
  interop.py bi-totals SOURCE  nfdump's biflow records (RFC 5103, in_* and
                               out_* counters): "PACKETS BYTES" of both
                               directions together
  interop.py bi-flows SOURCE   the same records split into their two
                               directions, in truth.py's "SRC DST PROTO
                               SPORT DPORT PACKETS BYTES" format (records of
                               one 5-tuple summed, sorted): the reverse
                               direction swaps addresses and ports; for
                               ICMP it keeps the type and code
  interop.py bi-records SOURCE "RECORDS WITH-REVERSE NO-PACKETS": nfdump's
                               records, how many of them have reverse
                               packets, how many have no packet at all

SOURCE is what tests/integ/nfdump_flows.py takes (an nfcapd directory or
file, or saved `nfdump -o json` output).
"""

import json
import os
import sys
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "integ"))
import nfdump_flows  # noqa: E402  (tests/integ, after the path is set)

CLASSES = ("in", "out", "inweb", "outweb", "internal", "external")


def report_files(d):
    for day in sorted(os.listdir(d)):
        sub = os.path.join(d, day)
        if len(day) != 8 or not day.isdigit() or not os.path.isdir(sub):
            continue
        for name in sorted(os.listdir(sub)):
            if name.endswith(".json"):
                yield os.path.join(sub, name)


def cmd_reports(d):
    packets = octets = 0
    final = {}
    for path in report_files(d):
        with open(path, encoding="utf-8") as f:
            rep = json.load(f)
        for c in CLASSES:
            packets += rep["summary"][c]["packets"]
            octets += rep["summary"][c]["bytes"]
        for e in rep["exporters"]:
            who = (e["address"], e["port"], e["observation_domain"],
                   e["protocol"])
            last = final.setdefault(who, [0, 0, 0])
            for i, k in enumerate(("records", "lost", "undecodable")):
                last[i] = max(last[i], e[k])
    print(packets, octets)
    protocols = ",".join(sorted({w[3] for w in final})) or "-"
    sums = [sum(v[i] for v in final.values()) for i in range(3)]
    print(len(final), protocols, "records", sums[0], "lost", sums[1],
          "undecodable", sums[2])


def both(r):
    """(forward packets, forward bytes, reverse packets, reverse bytes)"""
    return (int(r.get("in_packets", 0) or 0), int(r.get("in_bytes", 0) or 0),
            int(r.get("out_packets", 0) or 0),
            int(r.get("out_bytes", 0) or 0))


def cmd_bi_flows(recs):
    pkts, octs = Counter(), Counter()
    for r in recs:
        src, dst, proto, sport, dport = nfdump_flows.key(r)
        fp, fb, rp, rb = both(r)
        if proto in (1, 58):
            back = (dst, src, proto, sport, dport)
        else:
            back = (dst, src, proto, dport, sport)
        for k, p, b in (((src, dst, proto, sport, dport), fp, fb),
                        (back, rp, rb)):
            if p or b:
                pkts[k] += p
                octs[k] += b
    out = sorted("%s %s %d %d %d" % k + " %d %d" % (pkts[k], octs[k])
                 for k in pkts)
    sys.stdout.write("".join(line + "\n" for line in out))


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: interop.py reports DIR | "
                 "bi-totals|bi-flows|bi-records SOURCE")
    mode, arg = argv[1], argv[2]
    if mode == "reports":
        cmd_reports(arg)
        return 0
    recs = nfdump_flows.load(arg)
    if mode == "bi-totals":
        c = [both(r) for r in recs]
        print(sum(x[0] + x[2] for x in c), sum(x[1] + x[3] for x in c))
    elif mode == "bi-flows":
        cmd_bi_flows(recs)
    elif mode == "bi-records":
        c = [both(r) for r in recs]
        print(len(c), sum(1 for x in c if x[2] > 0),
              sum(1 for x in c if x[0] == 0 and x[2] == 0))
    else:
        sys.exit("interop.py: bad mode " + mode)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
