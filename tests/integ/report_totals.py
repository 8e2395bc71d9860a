#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Totals over every report a collector wrote into DIR (YYYYmmdd/*.json):

  report_totals.py DIR      "PACKETS BYTES LATE": packets and bytes of all
                            classes, and late_records of all exporters
"""
import glob
import json
import sys


def main(d):
    p = b = late = 0
    for path in glob.glob(d + "/[0-9]*/*.json"):
        with open(path) as f:
            r = json.load(f)
        for c in r["summary"].values():
            p += c["packets"]
            b += c["bytes"]
        late += sum(e.get("late_records", 0) for e in r["exporters"])
    print(p, b, late)


if __name__ == "__main__":
    main(sys.argv[1])
