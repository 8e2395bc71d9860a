#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Helpers of collector_offline.sh: truth from a capture, sums from reports.
import ipaddress
import json
import os
import sys

sys.path.insert(0, os.path.join(os.environ["MF_SRCDIR"], "tests", "integ"))
import truth  # noqa: E402  (tshark only, no minflow code)
import report_sums  # noqa: E402
from report_sums import CLASSES  # noqa: E402


def ip(s):
    return str(ipaddress.ip_address(s))


def cmd_truth(cap, nets, web):
    """totals, per-class sums and per-address sums of a capture, as JSON"""
    nets = [ipaddress.ip_network(n) for n in nets.split(";") if n]
    web = {int(p) for p in web.split(";") if p}

    def internal(a):
        a = ipaddress.ip_address(a)
        return any(a.version == n.version and a in n for n in nets)

    cls = {k: [0, 0] for k in CLASSES}
    talk = {}
    tot = [0, 0]
    for p in truth.packets(cap):
        si, di = internal(p.src), internal(p.dst)
        webp = p.proto == 6 and (p.sport in web or p.dport in web)
        if si and di:
            k = "internal"
        elif not si and not di:
            k = "external"
        elif si:
            k = "outweb" if webp else "out"
        else:
            k = "inweb" if webp else "in"
        for acc in (cls[k], tot):
            acc[0] += 1
            acc[1] += p.nbytes
        for a in (ip(p.src), ip(p.dst)):
            t = talk.setdefault(a, [0, 0])
            t[0] += p.nbytes
            t[1] += 1
    json.dump({"totals": tot, "classes": cls, "talkers": talk}, sys.stdout)


def reports(d):
    """(relative path, document) of every report under d, oldest first"""
    out = []
    for day in sorted(os.listdir(d)):
        if day == "latest.json" or day.startswith("."):
            continue
        for f in sorted(os.listdir(os.path.join(d, day))):
            if f.endswith(".json"):
                with open(os.path.join(d, day, f)) as fp:
                    out.append((day + "/" + f, json.load(fp)))
    return out


def cmd_classes_truth(tf):
    c = json.load(open(tf))["classes"]
    for k in CLASSES:
        print(k, c[k][0], c[k][1])


def cmd_classes_reports(d):
    report_sums.print_classes(r for _, r in reports(d))


def cmd_totals_reports(d):
    report_sums.print_totals(r for _, r in reports(d))


def cmd_class_totals(d, persec):
    """per report and class: flows packets bytes (or the per_second sums)"""
    for name, r in reports(d):
        for k in CLASSES:
            s = r["summary"][k]
            if persec:
                v = [sum(x[f] for x in s["per_second"])
                     for f in ("flows", "packets", "bytes")]
            else:
                v = [s["flows"], s["packets"], s["bytes"]]
            print(name, k, *v)


def cmd_files(d, interval):
    """problems with the report files, one a line (nothing: all good)"""
    import datetime
    rs = reports(d)
    if not rs:
        print("no report written")
        return
    for name, r in rs:
        if r.get("format") != 1:
            print(name, "format", r.get("format"))
        iv = r.get("interval", {})
        t0 = datetime.datetime.strptime(iv.get("start", ""),
                                        "%Y-%m-%dT%H:%M:%SZ")
        t1 = datetime.datetime.strptime(iv.get("end", ""),
                                        "%Y-%m-%dT%H:%M:%SZ")
        if t0.strftime("%Y%m%d/%H%M%S.json") != name:
            print(name, "starts", iv.get("start"))
        if (t1 - t0).total_seconds() != interval:
            print(name, "lasts", (t1 - t0).total_seconds())
        if t0.timestamp() % interval != 0:
            print(name, "not aligned")
    with open(os.path.join(d, "latest.json"), "rb") as fp:
        latest = fp.read()
    with open(os.path.join(d, rs[-1][0]), "rb") as fp:
        if fp.read() != latest:
            print("latest.json is not", rs[-1][0])
    json.loads(latest)


def cmd_talkers(tf, n, d, side):
    """
    The top n talkers as "bytes packets ip", from the truth (expected) or
    from the single report (actual).  Addresses tied on (bytes, packets)
    with the n-th row where the tie goes past row n may be either; both
    sides print them as "(tie)" when the truth agrees with the row.
    """
    talk = json.load(open(tf))["talkers"]
    exp = sorted(talk.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    cut = tuple(exp[n - 1][1]) if len(exp) > n else None
    cut_open = cut is not None and tuple(exp[n][1]) == cut
    if side == "expected":
        rows = [(v[0], v[1], a) for a, v in exp[:n]]
    else:
        rs = reports(d)
        if len(rs) != 1:
            print("%d reports, not 1" % len(rs))
            return
        r = rs[0][1]
        ids = {x["id"]: ip(x["ip"]) for x in r["addresses"]}
        rows = [(t["bytes"], t["packets"], ids.get(t["address"], "?"))
                for t in r["top"]["talkers"]]
    out = []
    for b, p, a in rows:
        if cut_open and (b, p) == cut and talk.get(a) == [b, p]:
            a = "(tie)"
        out.append((b, p, a))
    for b, p, a in sorted(out, key=lambda x: (-x[0], -x[1], x[2])):
        print(b, p, a)


m = sys.argv[1]
if m == "truth":
    cmd_truth(sys.argv[2], sys.argv[3], sys.argv[4])
elif m == "classes-truth":
    cmd_classes_truth(sys.argv[2])
elif m == "classes-reports":
    cmd_classes_reports(sys.argv[2])
elif m == "totals-reports":
    cmd_totals_reports(sys.argv[2])
elif m in ("class-totals", "persec-totals"):
    cmd_class_totals(sys.argv[2], m == "persec-totals")
elif m == "files":
    cmd_files(sys.argv[2], int(sys.argv[3]))
elif m == "talkers":
    cmd_talkers(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
else:
    sys.exit("collector_offline.py: bad mode " + m)
