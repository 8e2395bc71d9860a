#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The devices of every report under DIR (minflow-collector's YYYYmmdd/
HHMMSS.json files, latest.json left out), one line per device id, sorted:

  ID name=NAME source=SOURCE vendor=VENDOR random=0|1 bytes=N packets=N
     flows=N addrs=A,B,...

bytes, packets and flows are summed over the reports (out + in), addrs is
the union of every report's addresses (sorted), name and source the last
report's.  With --top, the sum of top.devices bytes per id instead.
With --anomalies, two lists of "REPORT ID TYPES" lines (TYPES sorted,
comma-separated): "device" ones from each device's "anomalies", "entry"
ones from the report's "anomalies" entries of internal side, named by
their MAC (else their ip); the two agree when every device lists the
anomalies naming it.  And "named" ones: the same entries by the device
each names ("device"): equal to the "entry" ones when each names its own.
And "dname" ones, "REPORT ID NAMES": the entries' "device_name"s per
device they name, and "tname" ones: that device's name in the report's
"devices" (None when it is not there); equal when each entry names its
device as the device table does.
With --short, only "ID name=NAME vendor=VENDOR addrs=..." (the shape of
devices_truth.py).
Usage: devices_report.py [--top|--anomalies|--short] DIR
"""
import glob
import json
import os
import sys


def reports(d):
    for f in sorted(glob.glob(os.path.join(d, "[0-9]*", "*.json"))):
        with open(f, encoding="utf-8") as fh:
            yield json.load(fh)


def anomalies(d):
    for n, r in enumerate(reports(d)):
        for x in r["devices"]:
            if x["anomalies"]:
                print("device", n, x["id"], ",".join(sorted(x["anomalies"])))
        ent, named = {}, {}
        for a in r["anomalies"]:
            if a["side"] == "internal":
                ent.setdefault(a["mac"] or a["ip"], set()).add(a["type"])
                named.setdefault(str(a.get("device")), set()).add(a["type"])
        for k in sorted(ent):
            print("entry", n, k, ",".join(sorted(ent[k])))
        for k in sorted(named):
            print("named", n, k, ",".join(sorted(named[k])))
        # each entry's device_name, and the device table's name of the
        # device it names ("None" when the report has no such device)
        table = {x["id"]: x["name"] for x in r["devices"]}
        given, held = {}, {}
        for a in r["anomalies"]:
            if a.get("device") is None:
                continue
            k = str(a["device"])
            given.setdefault(k, set()).add(str(a.get("device_name")))
            held.setdefault(k, set()).add(str(table.get(a["device"])))
        for k in sorted(given):
            print("dname", n, k, ",".join(sorted(given[k])))
            print("tname", n, k, ",".join(sorted(held[k])))


def main():
    args = sys.argv[1:]
    if args[:1] == ["--anomalies"]:
        anomalies(args[1])
        return
    top = args[:1] == ["--top"]
    short = args[:1] == ["--short"]
    if top or short:
        args = args[1:]
    dev = {}
    for r in reports(args[0]):
        if top:
            for t in r["top"]["devices"]:
                dev[t["device"]] = dev.get(t["device"], 0) + t["bytes"]
            continue
        for x in r["devices"]:
            e = dev.setdefault(x["id"], {"bytes": 0, "packets": 0,
                                         "flows": 0, "addrs": set()})
            e["bytes"] += x["bytes_out"] + x["bytes_in"]
            e["packets"] += x["packets_out"] + x["packets_in"]
            e["flows"] += x["flows"]
            e["addrs"].update(x["addresses"])
            e["name"] = x["name"]
            e["source"] = x["name_source"]
            e["vendor"] = x["vendor"]
            e["random"] = int(x["random_mac"])
    for k in sorted(dev):
        e = dev[k]
        if top:
            print(k, "bytes=%d" % e)
            continue
        if short:
            print(k, "name=%s vendor=%s addrs=%s" % (
                e["name"], e["vendor"], ",".join(sorted(e["addrs"]))))
            continue
        print(k, "name=%s source=%s vendor=%s random=%d bytes=%d "
              "packets=%d flows=%d addrs=%s" % (
                  e["name"], e["source"], e["vendor"], e["random"],
                  e["bytes"], e["packets"], e["flows"],
                  ",".join(sorted(e["addrs"]))))


if __name__ == "__main__":
    main()
