#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The top talkers of a report, from its JSON, as minflow-report should
name them: one line "rank ip name" per talker, the name being the label
of the talker's own address ("-" when it has none).

usage: report_talkers.py json REPORT.json     (from the JSON)
       report_talkers.py text REPORT.txt      (from minflow-report's text)
"""
import json
import sys


def from_json(path):
    with open(path) as f:
        r = json.load(f)
    addrs = {a["id"]: a for a in r["addresses"]}
    for rank, t in enumerate(r["top"]["talkers"], 1):
        a = addrs.get(t["address"])
        ip = a["ip"] if a else "#%d" % t["address"]
        name = (a or {}).get("label") or "-"
        print(rank, ip, name)


def from_text(path):
    with open(path) as f:
        lines = f.read().split("\n")
    i = lines.index("Top talkers") + 2  # after the heading
    while i < len(lines) and lines[i] and lines[i] != "  (none)":
        fields = lines[i].split()
        print(fields[0], fields[1], fields[-1])
        i += 1


if __name__ == "__main__":
    {"json": from_json, "text": from_text}[sys.argv[1]](sys.argv[2])
