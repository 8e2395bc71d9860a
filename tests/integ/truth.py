#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Independent ground truth for minflow's integration tests.

Computes, with tshark only (no minflow code), what a flow exporter that
counts IP-layer bytes must report for a capture.

  truth.py totals FILE        -> "PACKETS BYTES"
  truth.py flows FILE         -> "SRC DST PROTO SPORT DPORT PACKETS BYTES"
                                 one line per unidirectional 5-tuple, sorted
  truth.py stacks FILE        -> "COUNT STACK": frames per link-layer
                                 encapsulation in front of the outer IP
                                 header ("-" = frames without IP); a
                                 diagnostic for explaining differences

Rules (the exporter's must match them):
- A packet counts if tshark finds an IPv4 or IPv6 header in it. Only the
  OUTER (first) IP header counts: IP inside ICMP errors, tunnels (6in4,
  Teredo, GRE...) is ignored. Link layers: whatever tshark decodes
  (Ethernet, 802.1Q, MPLS, Linux SLL/SLL2, ...).
- Bytes: IPv4 total length (ip.len), IPv6 payload length + 40
  (ipv6.plen + 40; a jumbogram/TSO plen of 0 counts as 40). Link-layer
  headers, Ethernet padding and FCS are not counted; for snaplen-cut
  packets the header's length counts, not the captured bytes.
- PROTO: IPv4 protocol field; IPv6: the next header after the hop-by-hop,
  routing, fragment and destination-options extension headers (AH and ESP
  are treated as upper-layer protocols, 50/51, ports 0).
- Ports: TCP, UDP, SCTP ports of the outer packet (first fragment or
  unfragmented). ICMP and ICMPv6: SPORT 0, DPORT type*256+code. Any other
  protocol, or a header tshark could not decode (truncated): 0 0.
  Non-first fragments take the ports of an earlier first fragment with the
  same (src, dst, proto, IPv4 id / IPv6 fragment identification); if none
  was seen, 0 0.
- Addresses as tshark prints them (IPv4 dotted quad, IPv6 RFC 5952
  compressed form).

A capture that tshark cannot read to the end (truncated or corrupt file)
still gives the numbers for the packets read so far, with a warning on
stderr and exit status 0; if tshark read no packet at all and failed, the
exit status is 1.
"""

import os
import subprocess
import sys
from collections import Counter

FIELDS = [
    "frame.protocols",   # 0
    "ip.src",            # 1
    "ip.dst",            # 2
    "ip.proto",          # 3
    "ip.len",            # 4
    "ip.id",             # 5
    "ip.flags.mf",       # 6
    "ip.frag_offset",    # 7
    "ipv6.src",          # 8
    "ipv6.dst",          # 9
    "ipv6.plen",         # 10
    "ipv6.nxt",          # 11
    "ipv6.hopopts.nxt",  # 12
    "ipv6.routing.nxt",  # 13
    "ipv6.fraghdr.nxt",  # 14
    "ipv6.dstopts.nxt",  # 15
    "ipv6.fraghdr.offset",  # 16
    "ipv6.fraghdr.more",    # 17
    "ipv6.fraghdr.ident",   # 18
    "tcp.srcport",       # 19
    "tcp.dstport",       # 20
    "udp.srcport",       # 21
    "udp.dstport",       # 22
    "sctp.srcport",      # 23
    "sctp.dstport",      # 24
    "icmp.type",         # 25
    "icmp.code",         # 26
    "icmpv6.type",       # 27
    "icmpv6.code",       # 28
    "frame.time_epoch",  # 29
    "tcp.flags",         # 30
]

# Preferences: no reassembly of any kind (it moves upper-layer fields to the
# last fragment/segment and hides the first fragment's ports), TSO
# heuristics left at tshark's defaults, no name resolution.
PREFS = [
    "ip.defragment:FALSE",
    "ipv6.defragment:FALSE",
    "tcp.desegment_tcp_streams:FALSE",
    "tcp.analyze_sequence_numbers:FALSE",
    "tcp.calculate_timestamps:FALSE",
    "udp.calculate_timestamps:FALSE",
    "sctp.reassembly:FALSE",
    "sctp.tsn_analysis:FALSE",
    "ip.try_heuristic_first:FALSE",
    "ipv6.try_heuristic_first:FALSE",
    "tcp.try_heuristic_first:FALSE",
    "udp.try_heuristic_first:FALSE",
]

# IPv6 extension headers we skip to find the upper-layer protocol:
# next-header value -> index of that header's own "next header" field.
IPV6_EXT = {0: 12, 43: 13, 44: 14, 60: 15}

TSHARK = os.environ.get("TSHARK", "tshark")


def die(msg, code=2):
    sys.stderr.write("truth.py: %s\n" % msg)
    sys.exit(code)


def run_tshark(path):
    """yield one list of per-field occurrence lists per frame."""
    if not os.path.isfile(path):
        die("%s: no such file" % path)
    cmd = [TSHARK, "-r", path, "-n", "-T", "fields",
           "-E", "header=n", "-E", "separator=/t", "-E", "occurrence=a",
           "-E", "aggregator=,", "-E", "quote=n"]
    for p in PREFS:
        cmd += ["-o", p]
    for f in FIELDS:
        cmd += ["-e", f]
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE,
                                env=dict(os.environ, LC_ALL="C"))
    except OSError as e:
        die("cannot run %s: %s" % (TSHARK, e))
    frames = 0
    for raw in proc.stdout:
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        cols = line.split("\t")
        if len(cols) < len(FIELDS):
            cols += [""] * (len(FIELDS) - len(cols))
        frames += 1
        yield [c.split(",") if c else [] for c in cols]
    err = proc.stderr.read().decode("utf-8", "replace")
    rc = proc.wait()
    # tshark's "Running as user root" banner is not an error
    err = "\n".join(l for l in err.splitlines()
                    if l.strip() and "Running as user" not in l)
    if rc != 0:
        if frames == 0:
            die("tshark failed (status %d) on %s: %s" % (rc, path, err), 1)
        sys.stderr.write("truth.py: warning: tshark stopped with status %d "
                         "after %d frames of %s; using the frames read: %s\n"
                         % (rc, frames, path, err))
    elif err:
        sys.stderr.write("truth.py: tshark said: %s\n" % err)


def first(occ):
    return occ[0] if occ else ""


def num(s, default=0):
    if not s:
        return default
    if s[:2] in ("0x", "0X"):
        return int(s, 16)
    return int(s, 10)


def epoch_ms(s):
    """frame.time_epoch ("SECONDS.FRACTION") in whole milliseconds, as
    the exporter takes it: seconds * 1000 + microseconds / 1000."""
    sec, _, frac = s.partition(".")
    return int(sec or "0") * 1000 + int((frac + "000")[:3])


def outer_ip(stack):
    """index of the outer IP layer in frame.protocols, and its kind."""
    layers = stack.split(":")
    for i, name in enumerate(layers):
        if name in ("ip", "ipv6"):
            return i, name
    return -1, None


class Packet:
    __slots__ = ("src", "dst", "proto", "nbytes", "frag", "fragkey",
                 "sport", "dport", "link", "ms", "tcp_flags")


def decode(cols):
    """Packet for a frame's fields, or None if it has no IP header."""
    stack = first(cols[0])
    idx, kind = outer_ip(stack)
    if kind is None:
        return None
    p = Packet()
    p.link = ":".join(stack.split(":")[:idx]) or "-"
    if kind == "ip":
        if not cols[1] or not cols[4]:
            return None  # tshark gave up on the header
        p.src, p.dst = cols[1][0], cols[2][0]
        p.proto = num(first(cols[3]))
        p.nbytes = num(cols[4][0])
        off = num(first(cols[7]))
        mf = first(cols[6]) in ("1", "True")
        # frag: None = not a fragment, "first", "later"
        p.frag = "later" if off > 0 else ("first" if mf else None)
        p.fragkey = (p.src, p.dst, p.proto, first(cols[5]))
    else:
        if not cols[8] or not cols[10]:
            return None
        p.src, p.dst = cols[8][0], cols[9][0]
        p.nbytes = num(cols[10][0]) + 40
        nh = num(first(cols[11]))
        used = {k: 0 for k in IPV6_EXT}
        p.frag = None
        p.fragkey = None
        fragnxt = None
        while nh in IPV6_EXT:
            occ = cols[IPV6_EXT[nh]]
            if used[nh] >= len(occ):
                break  # truncated extension header: stop at it
            this = nh
            nh = num(occ[used[nh]])
            k = used[this]
            used[this] += 1
            if this == 44:
                off = num(cols[16][k]) if k < len(cols[16]) else 0
                more = cols[17][k] in ("1", "True") if k < len(cols[17]) \
                    else False
                ident = cols[18][k] if k < len(cols[18]) else ""
                fragnxt = nh
                if off > 0:
                    p.frag = "later"
                    break  # nothing after the fragment header to parse
                p.frag = "first" if more else None
                p.fragkey = (p.src, p.dst, nh, ident)
        p.proto = nh
        if p.frag == "later":
            p.fragkey = (p.src, p.dst, fragnxt, ident)
    p.ms = epoch_ms(first(cols[29]))
    p.tcp_flags = num(first(cols[30])) if p.proto == 6 else 0
    p.sport = p.dport = 0
    if p.frag != "later":
        if p.proto == 6:
            p.sport, p.dport = num(first(cols[19])), num(first(cols[20]))
        elif p.proto == 17:
            p.sport, p.dport = num(first(cols[21])), num(first(cols[22]))
        elif p.proto == 132:
            p.sport, p.dport = num(first(cols[23])), num(first(cols[24]))
        elif p.proto == 1 and cols[25]:
            p.dport = num(cols[25][0]) * 256 + num(first(cols[26]))
        elif p.proto == 58 and cols[27]:
            p.dport = num(cols[27][0]) * 256 + num(first(cols[28]))
    return p


def packets(path):
    firstfrag = {}
    for cols in run_tshark(path):
        p = decode(cols)
        if p is None:
            continue
        if p.frag == "first":
            firstfrag[p.fragkey] = (p.proto, p.sport, p.dport)
        elif p.frag == "later":
            got = firstfrag.get(p.fragkey)
            if got is not None:
                p.proto, p.sport, p.dport = got
        yield p


def cmd_totals(path):
    n = b = 0
    for p in packets(path):
        n += 1
        b += p.nbytes
    print("%d %d" % (n, b))


def cmd_flows(path):
    agg = {}
    for p in packets(path):
        k = (p.src, p.dst, p.proto, p.sport, p.dport)
        v = agg.get(k)
        if v is None:
            agg[k] = [1, p.nbytes]
        else:
            v[0] += 1
            v[1] += p.nbytes
    lines = ["%s %s %d %d %d %d %d" % (k + tuple(v)) for k, v in agg.items()]
    lines.sort()
    sys.stdout.write("".join(l + "\n" for l in lines))


def cmd_stacks(path):
    c = Counter()
    for cols in run_tshark(path):
        stack = first(cols[0])
        idx, kind = outer_ip(stack)
        c[":".join(stack.split(":")[:idx]) + ":" + kind if kind else "-"] += 1
    for k, v in sorted(c.items(), key=lambda x: (-x[1], x[0])):
        print("%d %s" % (v, k))


def main(argv):
    if len(argv) != 3 or argv[1] not in ("totals", "flows", "stacks"):
        sys.stderr.write("usage: truth.py totals|flows|stacks FILE\n")
        return 2
    {"totals": cmd_totals, "flows": cmd_flows,
     "stacks": cmd_stacks}[argv[1]](argv[2])
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except BrokenPipeError:
        sys.exit(1)
