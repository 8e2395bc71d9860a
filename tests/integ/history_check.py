#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The two sides of tests/integ/history.sh, in one text format.

  history_check.py reports DIR [KEEP]  - what the report files under DIR
                                         add up to, as history keeps it
  history_check.py db FILE             - what the history database holds
  history_check.py old DIR MINUTES     - reports older than MINUTES behind
                                         the newest (a second -r refuses)
  history_check.py api SERIES DEVICES DNS - the answers of the web API's
                                         queries (tests/tools/history_query
                                         over all time), as minute, device
                                         and dns lines

KEEP is keep-minutes, keep-hours, keep-days and keep-months of
minflow.conf(5) (default 1440 840 400 120): like the collector, the
report side keeps each level's rows from its horizon behind the newest
interval on, so the comparison shows retention at work too.

Both print sorted lines:
  minute START CLASS FLOWS PACKETS BYTES   per interval (every report)
  day DAY CLASS FLOWS PACKETS BYTES        per UTC day
  month MONTH CLASS FLOWS PACKETS BYTES    per UTC month
  device ID BYTES_OUT BYTES_IN PACKETS_OUT PACKETS_IN FLOWS  (the hours)
  dns NAME ANSWERS                         dns.most_resolved (the hours)
  dnsfail NAME RCODE COUNT                 dns.failures (the hours)
  anomaly TYPE ADDRESS FIRST               one per type, address and start
From the reports the devices are their "devices" sections.  The report
side is computed here from the JSON files alone; the database side reads
the tables with Python's sqlite3, read-only.
"""
import datetime
import glob
import json
import os
import sqlite3
import sys

CLASSES = ("in", "out", "inweb", "outweb", "internal", "external")


def unix(iso):
    return int(datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ")
               .replace(tzinfo=datetime.timezone.utc).timestamp())


def day(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc) \
        .strftime("%Y-%m-%d")


def month(t):
    return day(t)[:7]


def add(table, key, values):
    old = table.get(key, (0,) * len(values))
    table[key] = tuple(a + b for a, b in zip(old, values))


def report_devices(doc, devices):
    for d in doc.get("devices", []):
        add(devices, d["id"], (d.get("bytes_out", 0), d.get("bytes_in", 0),
                               d.get("packets_out", 0), d.get("packets_in", 0),
                               d.get("flows", 0)))


def load(top):
    docs = []
    for path in sorted(glob.glob(os.path.join(top, "*", "*.json"))):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        docs.append((unix(doc["interval"]["start"]), doc))
    return docs


def horizons(newest, keep):
    """Each level's first time kept, as collector/output/history.c."""
    m, h, d, mo = keep
    first = datetime.datetime.fromtimestamp(newest, datetime.timezone.utc) \
        .replace(day=1, hour=0, minute=0, second=0)
    months = first.year * 12 + first.month - 1 - mo
    start = first.replace(year=months // 12, month=months % 12 + 1)
    return (newest - m * 60, newest - newest % 3600 - h * 3600,
            newest - newest % 86400 - d * 86400, int(start.timestamp()))


def reports(top, keep):
    minute, days, months, devices = {}, {}, {}, {}
    dns, fails, anomalies = {}, {}, set()
    docs = load(top)
    hz = horizons(max(t for t, _ in docs), keep) if docs else (0, 0, 0, 0)
    for start, doc in docs:
        for c in CLASSES:
            s = doc["summary"][c]
            v = (s["flows"], s["packets"], s["bytes"])
            if start >= hz[0]:
                add(minute, (start, c), v)
            if start - start % 86400 >= hz[2]:
                add(days, (day(start), c), v)
            if start >= hz[3]:
                add(months, (month(start), c), v)
        for a in doc.get("anomalies", []):
            if unix(a["last"]) >= hz[2]:
                anomalies.add((a["type"], a.get("ip") or a["address"],
                               unix(a["first"])))
        if start - start % 3600 < hz[1]:
            continue
        report_devices(doc, devices)
        for n in doc.get("dns", {}).get("most_resolved", []):
            add(dns, n["name"], (n["count"],))
        for n in doc.get("dns", {}).get("failures", []):
            add(fails, (n["name"], str(n["rcode"])), (n["count"],))
    return minute, days, months, devices, dns, fails, anomalies


def database(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    minute, days, months, devices = {}, {}, {}, {}
    dns, fails = {}, {}
    q = "SELECT level, t, k1, v0, v1, v2 FROM agg WHERE kind = 0"
    for level, t, c, f, p, b in db.execute(q):
        if level == 0:
            add(minute, (t, c), (f, p, b))
        elif level == 2:
            add(days, (day(t), c), (f, p, b))
        elif level == 3:
            add(months, (month(t), c), (f, p, b))
    q = "SELECT k1, v0, v1, v2, v3, v4 FROM agg WHERE kind = 1 AND level = 1"
    for k, *v in db.execute(q):
        add(devices, k, tuple(v))
    for k, v in db.execute("SELECT k1, v0 FROM agg WHERE kind = 3 AND level = 1"):
        add(dns, k, (v,))
    q = "SELECT k1, k2, v0 FROM agg WHERE kind = 4 AND level = 1"
    for k1, k2, v in db.execute(q):
        add(fails, (k1, k2), (v,))
    anomalies = set(db.execute("SELECT type, address, first FROM anomaly"))
    return minute, days, months, devices, dns, fails, anomalies


def show(parts):
    minute, days, months, devices, dns, fails, anomalies = parts
    out = []
    # A device or name whose rows add up to nothing is not there.
    for (t, c), v in minute.items():
        out.append("minute %d %s %d %d %d" % ((t, c) + v))
    for (d, c), v in days.items():
        out.append("day %s %s %d %d %d" % ((d, c) + v))
    for (m, c), v in months.items():
        out.append("month %s %s %d %d %d" % ((m, c) + v))
    for k, v in devices.items():
        if any(v):
            out.append("device %s %d %d %d %d %d" % ((k,) + v))
    for k, v in dns.items():
        if any(v):
            out.append("dns %s %d" % (k, v[0]))
    for (n, r), v in fails.items():
        if any(v):
            out.append("dnsfail %s %s %d" % (n, r, v[0]))
    for a in anomalies:
        out.append("anomaly %s %s %d" % a)
    print("\n".join(sorted(out)))


def api(series_file, devices_file, dns_file):
    out = []
    with open(series_file, encoding="utf-8") as f:
        s = json.load(f)
    if s["level"] != "minute":
        sys.exit("series: level %s, not minute" % s["level"])
    for i, t in enumerate(s["t"]):
        for c in s["classes"]:
            v = (s["flows"][c][i], s["packets"][c][i], s["bytes"][c][i])
            out.append("minute %d %s %d %d %d" % ((t, c) + v))
    with open(devices_file, encoding="utf-8") as f:
        for d in json.load(f)["devices"]:
            out.append("device %s %d %d %d %d %d" % (
                d["id"], d["bytes_out"], d["bytes_in"], d["packets_out"],
                d["packets_in"], d["flows"]))
    with open(dns_file, encoding="utf-8") as f:
        for n in json.load(f)["names"]:
            out.append("dns %s %d" % (n["name"], n["count"]))
    print("\n".join(sorted(out)))


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "db":
        show(database(args[1]))
    elif len(args) in (2, 6) and args[0] == "reports":
        keep = tuple(int(x) for x in args[2:]) or (1440, 840, 400, 120)
        show(reports(args[1], keep))
    elif len(args) == 4 and args[0] == "api":
        api(*args[1:])
    elif len(args) == 3 and args[0] == "old":
        starts = [t for t, _ in load(args[1])]
        print(sum(1 for t in starts if t < max(starts) - int(args[2]) * 60))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
