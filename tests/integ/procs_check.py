#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The processes the collector's reports give the streams of a run:

    procs_check.py REPORT_DIR

prints one line per stream that carries a process, sorted:
"PROTO SERVER_PORT PROCESS PID", summed over every report of the
directory (the day directories; latest.json is a copy of the last one).
Streams without a process print "PROTO SERVER_PORT - 0".
"""
import glob
import json
import os
import sys


def main():
    lines = set()
    for path in glob.glob(os.path.join(sys.argv[1], "*", "*.json")):
        with open(path, encoding="utf-8") as f:
            rep = json.load(f)
        for s in rep.get("streams", []):
            if s["proto"] not in (6, 17):
                continue
            lines.add("%d %d %s %d" % (s["proto"], s["right_port"],
                                        s.get("process", "-"),
                                        s.get("pid", 0)))
    for line in sorted(lines):
        print(line)


if __name__ == "__main__":
    main()
