#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# report_sets.py DIR anomalies|dns|source: over all reports of the
# collector's report directory DIR, the "type ip" pairs of their anomalies,
# the "name count" of their DNS most_resolved lists summed over the
# intervals, or their distinct dns.source values (sorted).
import collections, glob, json, sys
out = collections.Counter()
for path in glob.glob(sys.argv[1] + "/[0-9]*/*.json"):
    with open(path) as f:
        r = json.load(f)
    if sys.argv[2] == "anomalies":
        out.update(a["type"] + " " + a["ip"] for a in r["anomalies"])
    elif sys.argv[2] == "source":
        out[r["dns"]["source"]] += 1
    else:
        for e in r["dns"]["most_resolved"]:
            out[e["name"]] += e["count"]
for k in sorted(out):
    print("%s %d" % (k, out[k]) if sys.argv[2] == "dns" else k)
