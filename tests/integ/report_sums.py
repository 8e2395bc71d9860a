#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Sums over collector reports (their "summary" section), for the helpers
of collector_live.sh and collector_offline.sh, which each find their
report documents their own way and pass them in."""

CLASSES = ["in", "out", "inweb", "outweb", "internal", "external"]


def print_totals(docs):
    """packets and bytes of every class of every document: "N B" """
    n = b = 0
    for r in docs:
        for k in CLASSES:
            n += r["summary"][k]["packets"]
            b += r["summary"][k]["bytes"]
    print(n, b)


def print_classes(docs):
    """per class, "CLASS PACKETS BYTES" summed over the documents"""
    c = {k: [0, 0] for k in CLASSES}
    for r in docs:
        for k in CLASSES:
            c[k][0] += r["summary"][k]["packets"]
            c[k][1] += r["summary"][k]["bytes"]
    for k in CLASSES:
        print(k, c[k][0], c[k][1])
