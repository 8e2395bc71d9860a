#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# json_keys.py FILE: every object key of the JSON document FILE, at any
# depth, sorted, one a line.
import json, sys

def walk(v, keys):
    if isinstance(v, dict):
        for k, x in v.items():
            keys.add(k)
            walk(x, keys)
    elif isinstance(v, list):
        for x in v:
            walk(x, keys)

keys = set()
with open(sys.argv[1]) as f:
    walk(json.load(f), keys)
print("\n".join(sorted(keys)))
