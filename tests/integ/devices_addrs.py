#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Read `ip -j addr show` (or `ip -j link show`) from stdin:
  count  the number of addresses
  list   the addresses, one a line
  mac    the link's MAC (first interface)
Usage: devices_addrs.py count|list|mac
"""
import json
import sys


def main():
    data = json.load(sys.stdin)
    what = sys.argv[1]
    if what == "mac":
        print(data[0]["address"])
        return
    addrs = [a["local"] for i in data for a in i.get("addr_info", [])
             if "local" in a]
    if what == "count":
        print(len(addrs))
    else:
        for a in addrs:
            print(a)


if __name__ == "__main__":
    main()
