#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Helpers of collector_archive.sh (its modes at the end).
import glob, json, os, re, sys

def dump_records(text):
    """ipfixDump data records: list of (tid, {name: value})"""
    recs, cur = [], None
    for line in text.splitlines():
        m = re.match(r"\s*count:\s*\d+\s+tid:\s*(\d+)", line)
        if m:
            cur = (int(m.group(1)), {})
            recs.append(cur)
            continue
        m = re.match(r"\s*\(([\d/]+)\)\s*(?:\(S\))?\s*(\w+) : ?(.*)$", line)
        if m and cur is not None:
            cur[1][m.group(2)] = m.group(3).strip()
    return recs

def template_names(text):
    """tid -> element names of its template records"""
    out, tid = {}, None
    for line in text.splitlines():
        m = re.match(r"\s*tid:\s*(\d+)", line)
        if m:
            tid = int(m.group(1))
            out.setdefault(tid, set())
            continue
        m = re.match(r"\s*ent:\s*\d+\s+id:\s*\d+\s+type:.*len:\s*\d+\s+(\w+)",
                     line)
        if m and tid is not None:
            out[tid].add(m.group(1))
    return out

def cmd_names(dump, man):
    """
    Every element minflow-archive(5) lists for templates 270-273 (".It Sy
    a , b Pq n" lines under ".Ss Template N"; 272 and 273 add to 270 and
    271, "Template 27x followed by") is in ipfixDump's template N.
    """
    names = template_names(open(dump).read())
    want, tid = {}, None
    for line in open(man):
        m = re.match(r"\.Ss Template (\d+)", line)
        if m:
            tid = int(m.group(1))
            want[tid] = []
        m = re.match(r"Template (\d+) followed by", line)
        if m and tid is not None:
            want[tid] += want.get(int(m.group(1)), [])
        m = re.match(r"\.It Sy (.*)$", line)
        if m and tid is not None:
            items = re.sub(r" Pq .*$", "", m.group(1)).split(",")
            want[tid] += [i.strip() for i in items if i.strip()]
    bad = []
    for t in (270, 271, 272, 273):
        if len(want.get(t, [])) < 20:
            bad.append("man page: template %d lists %d elements"
                       % (t, len(want.get(t, []))))
        for n in want.get(t, []):
            if n not in names.get(t, set()):
                bad.append("%d: %s" % (t, n))
    print(" ".join(bad) or "all named")

KEY = ("sourceIPv4Address", "sourceIPv6Address", "destinationIPv4Address",
       "destinationIPv6Address", "sourceTransportPort",
       "destinationTransportPort", "protocolIdentifier",
       "flowStartMilliseconds")
VALS = ("flowEndMilliseconds", "packetDeltaCount", "octetDeltaCount",
        "tcpControlBits", "vlanId", "sourceMacAddress",
        "destinationMacAddress", "flowEndReason", "silkAppLabel",
        "reversePacketDeltaCount", "reverseOctetDeltaCount",
        "initialTCPFlags", "unionTCPFlags", "reverseInitialTCPFlags",
        "reverseUnionTCPFlags", "reverseFlowDeltaMilliseconds")

def cmd_values(archive_dump, exporter_dump, tids, n):
    tids = [int(t) for t in tids.split(",")]
    exp = {}
    for tid, r in dump_records(open(exporter_dump).read()):
        exp.setdefault(tuple(r.get(k) for k in KEY), r)
    arc = [r for tid, r in dump_records(open(archive_dump).read())
           if tid in tids]
    bad, done = [], 0
    for r in arc[:int(n)]:
        e = exp.get(tuple(r.get(k) for k in KEY))
        if e is None:
            bad.append("no exporter record for %s" % (r,))
            continue
        for v in VALS:
            if v in e and e[v] != r.get(v):
                bad.append("%s: %s != %s" % (v, r.get(v), e[v]))
        done += 1
    print(" ".join(bad) or "%d records match" % done)

def cmd_counts(archive_dump):
    recs = dump_records(open(archive_dump).read())
    flows = [r for t, r in recs if 270 <= t <= 273]
    zero = sum(1 for r in flows if int(r["packetDeltaCount"]) == 0)
    print(len(flows), "zero", zero)

def cmd_ntids(archive_dump, tids):
    tids = [int(t) for t in tids.split(",")]
    print(sum(1 for t, r in dump_records(open(archive_dump).read())
              if t in tids))

def reports(d):
    for p in sorted(glob.glob(os.path.join(d, "*", "*.json"))):
        with open(p) as f:
            yield json.load(f)

def cmd_aggregate(d):
    """summary per class and top lists summed over all reports, by value"""
    summ, talk, conv, apps = {}, {}, {}, {}
    for r in reports(d):
        ips = {a["id"]: a["ip"] for a in r["addresses"]}
        st = {s["id"]: s for s in r["streams"]}
        for k, v in r["summary"].items():
            s = summ.setdefault(k, [0, 0, 0])
            s[0] += v["flows"]; s[1] += v["packets"]; s[2] += v["bytes"]
        for t in r["top"]["talkers"]:
            s = talk.setdefault(ips[t["address"]], [0, 0, 0])
            s[0] += t["bytes"]; s[1] += t["packets"]; s[2] += t["flows"]
        for c in r["top"]["conversations"]:
            x = st[c["stream"]]
            k = (x["proto"], ips[x["left"]], x["left_port"],
                 ips[x["right"]], x["right_port"], x.get("label"))
            s = conv.setdefault(k, [0, 0])
            s[0] += c["bytes"]; s[1] += c["packets"]
        for a in r["top"]["applications"]:
            s = apps.setdefault((a["proto"], a["port"]), [0, 0, 0])
            s[0] += a["bytes"]; s[1] += a["packets"]; s[2] += a["flows"]
    for name, t in (("summary", summ), ("talker", talk),
                    ("conversation", conv), ("application", apps)):
        for k in sorted(t, key=str):
            print(name, k, t[k])

m = sys.argv[1]
if m == "names":
    cmd_names(sys.argv[2], sys.argv[3])
elif m == "values":
    cmd_values(*sys.argv[2:6])
elif m == "ntids":
    cmd_ntids(sys.argv[2], sys.argv[3])
elif m == "counts":
    cmd_counts(sys.argv[2])
elif m == "aggregate":
    cmd_aggregate(sys.argv[2])
else:
    sys.exit("collector_archive.py: bad mode " + m)
