#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""What nfcapd stored, in truth.py's format, for diffing against truth.py.

  nfdump_flows.py flows  SOURCE  -> "SRC DST PROTO SPORT DPORT PACKETS BYTES"
                                    one line per 5-tuple (records of the same
                                    5-tuple summed), sorted like truth.py
  nfdump_flows.py totals SOURCE  -> "PACKETS BYTES"
  nfdump_flows.py records SOURCE -> number of flow records (not aggregated)

SOURCE is one of
  DIR         a directory written by nfcapd: runs `nfdump -R DIR -o json`
              (every nfcapd.* file in it; nfcapd rotates, so there may be
              several)
  FILE        one nfcapd file: runs `nfdump -r FILE -o json`
  FILE.json   saved `nfdump -o json` output (without -q)
  -           `nfdump -o json` output on standard input

Why JSON: nfdump 1.7.1's `-o json` prints the protocol as a number, IPv6
addresses in full (inet_ntop, which formats exactly like tshark), and ICMP
type/code as separate keys. `-o csv` prints protocol NAMES (ambiguous: 35
and 38 are both "IDPR"; -N does not change that) and `-o fmt:%sa` shortens
long IPv6 addresses ("2001:db..34:5678"). Note `-q -o json` in 1.7.1 is not
valid JSON (objects without the enclosing [ ]), so -q is not used; and
with no flow at all it prints "[", "No matching flows", "]" (handled).

Mapping to truth.py's conventions:
- ICMP/ICMPv6 (proto 1/58): nfdump prints "icmp_type"/"icmp_code" (decoded
  from the record's destination port, or from icmpTypeCodeIPv4/IPv6 when the
  template has it) and no ports: SPORT 0, DPORT type*256+code.
- Other protocols: src_port/dst_port as printed (0 if absent).
- Addresses: src4_addr/dst4_addr or src6_addr/dst6_addr, as printed.
- PACKETS/BYTES: in_packets/in_bytes. Records with out_packets/out_bytes
  (bidirectional, RFC 5103) are refused: minflow exports one direction per
  record, so a reverse counter means something is wrong.
"""

import json
import os
import subprocess
import sys

NFDUMP = os.environ.get("NFDUMP", "nfdump")


def die(msg, code=1):
    sys.stderr.write("nfdump_flows.py: %s\n" % msg)
    sys.exit(code)


def load(source):
    if source == "-":
        text = sys.stdin.read()
    elif source.endswith(".json") and os.path.isfile(source):
        with open(source, encoding="utf-8", errors="replace") as f:
            text = f.read()
    else:
        if os.path.isdir(source):
            cmd = [NFDUMP, "-R", source, "-o", "json"]
        elif os.path.isfile(source):
            cmd = [NFDUMP, "-r", source, "-o", "json"]
        else:
            die("%s: no such file or directory" % source, 2)
        try:
            proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as e:
            die("cannot run %s: %s" % (" ".join(cmd), e))
        if proc.returncode != 0:
            die("%s failed (status %d): %s" %
                (" ".join(cmd), proc.returncode,
                 proc.stderr.decode("utf-8", "replace").strip()))
        text = proc.stdout.decode("utf-8", "replace")
    # nfdump 1.7.1 prints "[\nNo matching flows\n]" when there is no record
    text = "\n".join(l for l in text.splitlines()
                     if l.strip() != "No matching flows").strip()
    if not text:
        return []
    try:
        data = json.loads(text)
    except ValueError as e:
        die("not nfdump JSON output (%s); use -o json without -q" % e)
    if isinstance(data, dict):
        data = [data]
    return [r for r in data
            if isinstance(r, dict) and r.get("type", "FLOW") == "FLOW"]


def key(r):
    src = r.get("src4_addr", r.get("src6_addr"))
    dst = r.get("dst4_addr", r.get("dst6_addr"))
    if src is None or dst is None:
        die("flow record without addresses: %s" % json.dumps(r))
    proto = int(r.get("proto", 0))
    if proto in (1, 58) and "icmp_type" in r:
        sport = 0
        dport = int(r["icmp_type"]) * 256 + int(r.get("icmp_code", 0))
    else:
        sport = int(r.get("src_port", 0))
        dport = int(r.get("dst_port", 0))
    return (src, dst, proto, sport, dport)


def counts(r):
    if int(r.get("out_packets", 0) or 0) or int(r.get("out_bytes", 0) or 0):
        die("bidirectional record (out_packets/out_bytes set): %s" %
            json.dumps(r))
    return int(r.get("in_packets", 0)), int(r.get("in_bytes", 0))


def main(argv):
    if len(argv) != 3 or argv[1] not in ("flows", "totals", "records"):
        sys.stderr.write("usage: nfdump_flows.py flows|totals|records "
                         "DIR|FILE|FILE.json|-\n")
        return 2
    recs = load(argv[2])
    if argv[1] == "records":
        print(len(recs))
    elif argv[1] == "totals":
        n = b = 0
        for r in recs:
            p, o = counts(r)
            n += p
            b += o
        print("%d %d" % (n, b))
    else:
        agg = {}
        for r in recs:
            k = key(r)
            p, o = counts(r)
            v = agg.setdefault(k, [0, 0])
            v[0] += p
            v[1] += o
        lines = sorted("%s %s %d %d %d %d %d" % (k + tuple(v))
                       for k, v in agg.items())
        sys.stdout.write("".join(l + "\n" for l in lines))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except BrokenPipeError:
        sys.exit(1)
