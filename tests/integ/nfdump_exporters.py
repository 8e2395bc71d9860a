#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# nfdump_exporters.py EXPORTERS JSON: "IP version ID PACKETS BYTES" per
# exporter nfcapd stored, sorted; EXPORTERS is `nfdump -E` output, JSON
# `nfdump -R DIR -o json` of the same files (each record's export_sysid
# names its exporter).
import json, re, sys
ids = {}
for line in open(sys.argv[1]):
    m = re.match(r"SysID: (\d+), IP: +(\S+), version: (\d+), ID: +(\d+)",
                 line)
    if m:
        ids[int(m.group(1))] = m.group(2, 3, 4)
text = "\n".join(l for l in open(sys.argv[2]).read().splitlines()
                 if l.strip() != "No matching flows").strip()
tot = {k: [0, 0] for k in ids}
for r in (json.loads(text) if text else []):
    t = tot.setdefault(r["export_sysid"], [0, 0])
    t[0] += r["in_packets"]
    t[1] += r["in_bytes"]
out = sorted("%s %s %s %d %d" % (ids.get(k, ("?", "?", "?")) + tuple(v))
             for k, v in tot.items())
print("\n".join(out))
