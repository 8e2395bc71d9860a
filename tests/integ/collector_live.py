#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Helpers of collector_live.sh: sums from reports, softflowd's expectation.
import json
import os
import subprocess
import sys

import report_sums
from report_sums import CLASSES


def reports(d):
    out = []
    for day in sorted(os.listdir(d)):
        # day directories (YYYYmmdd) only: not latest.json, not the
        # collector's templates file
        if not (len(day) == 8 and day.isdigit()):
            continue
        for f in sorted(os.listdir(os.path.join(d, day))):
            if f.endswith(".json"):
                with open(os.path.join(d, day, f)) as fp:
                    out.append(json.load(fp))
    return out


def cmd_totals(d):
    report_sums.print_totals(reports(d))


def cmd_classes(d):
    report_sums.print_classes(reports(d))


def cmd_exporters(d):
    """
    "N PROTOCOLS records R lost L undecodable U" over the exporters the
    reports list.  The counters are totals since the collector started, so
    each exporter's largest value over all reports is its final one.
    """
    ex = {}
    for r in reports(d):
        for e in r["exporters"]:
            k = (e["address"], e["port"], e["observation_domain"],
                 e["protocol"])
            v = ex.setdefault(k, [0, 0, 0])
            v[0] = max(v[0], e["records"])
            v[1] = max(v[1], e["lost"])
            v[2] = max(v[2], e["undecodable"])
    protos = ",".join(sorted({k[3] for k in ex})) or "-"
    print(len(ex), protos, "records", sum(v[0] for v in ex.values()),
          "lost", sum(v[1] for v in ex.values()),
          "undecodable", sum(v[2] for v in ex.values()))


def cmd_softflowd(cap, which):
    """
    softflowd's packets and bytes: per frame of Ethernet type IPv4 (or, with
    which == "all", also IPv6) after at most one 802.1Q tag, the wire length
    minus 14, minus 4 more for the tag.
    """
    cmd = ["tshark", "-r", cap, "-n", "-T", "fields", "-E", "occurrence=f",
           "-e", "frame.len", "-e", "eth.type", "-e", "vlan.etype"]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         check=True, env=dict(os.environ, LC_ALL="C")).stdout
    want = {0x0800} if which == "v4" else {0x0800, 0x86DD}
    n = b = 0
    for line in out.decode().splitlines():
        col = (line.split("\t") + ["", "", ""])[:3]
        if not col[1]:
            sys.exit("softflowd: not an Ethernet frame: %r" % line)
        et = int(col[1], 16)
        skip = 14
        if et == 0x8100:
            et = int(col[2], 16)
            skip += 4
        if et in want:
            n += 1
            b += int(col[0]) - skip
    print(n, b)


def cmd_ipfix_lost(path):
    """
    Records lost by RFC 7011's rule over the IPFIX messages in path (one
    exporter, one observation domain): a message's sequence number should
    be the previous one's plus the data records (options records included)
    in the previous message; a forward gap counts, a step back does not.
    """
    import struct
    with open(path, "rb") as f:
        buf = f.read()
    tmpl = {}     # template id -> list of field lengths
    prev = None   # (sequence number, data records) of the previous message
    lost = 0
    off = 0
    while off < len(buf):
        ver, mlen, _, seq, _ = struct.unpack_from("!HHIII", buf, off)
        if ver != 10 or mlen < 16:
            sys.exit("ipfix-lost: bad message at %d" % off)
        msg = buf[off:off + mlen]
        off += mlen
        n = 0
        p = 16
        while p + 4 <= len(msg):
            sid, slen = struct.unpack_from("!HH", msg, p)
            body = msg[p + 4:p + slen]
            p += slen
            if sid in (2, 3):
                q = 0
                while q + 4 <= len(body):
                    tid, fc = struct.unpack_from("!HH", body, q)
                    q += 4
                    if fc == 0:
                        tmpl.pop(tid, None)
                        continue
                    if sid == 3:
                        q += 2
                    fl = []
                    for _ in range(fc):
                        ie, ln = struct.unpack_from("!HH", body, q)
                        q += 8 if ie & 0x8000 else 4
                        fl.append(ln)
                    tmpl[tid] = fl
            elif sid >= 256:
                fl = tmpl.get(sid)
                if fl is None:
                    sys.exit("ipfix-lost: data set %d before its template"
                             % sid)
                q = 0
                while q < len(body):
                    r = q
                    for ln in fl:
                        if ln == 65535 and r < len(body):
                            ln = body[r]
                            r += 1
                            if ln == 255 and r + 2 <= len(body):
                                ln = struct.unpack_from("!H", body, r)[0]
                                r += 2
                        r += ln
                    if r > len(body):
                        break       # set padding
                    n += 1
                    q = r
        if prev is not None:
            gap = (seq - prev[0] - prev[1]) & 0xFFFFFFFF
            if gap < 0x80000000:
                lost += gap
        prev = (seq, n)
    print(lost)


def cmd_ports(n):
    """n UDP ports on 127.0.0.1 that were free a moment ago, all different"""
    import socket
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    print(" ".join(str(s.getsockname()[1]) for s in socks))


def cmd_wait_bound(pid, limit, ports):
    """
    Wait (at most limit seconds) until every UDP port in ports is bound on
    127.0.0.1; status 1 if pid exits first or on timeout.
    """
    import socket
    import time
    end = time.monotonic() + limit
    todo = list(ports)
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except OSError:
            sys.exit("pid %d exited" % pid)
        left = []
        for p in todo:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                s.bind(("127.0.0.1", p))
                left.append(p)       # still free: not listening yet
            except OSError:
                pass
            finally:
                s.close()
        todo = left
        if not todo:
            return
        time.sleep(0.05)
    sys.exit("ports %s not bound after %s s" % (todo, limit))


m = sys.argv[1]
if m == "ports":
    cmd_ports(int(sys.argv[2]))
elif m == "wait-bound":
    cmd_wait_bound(int(sys.argv[2]), float(sys.argv[3]),
                   [int(x) for x in sys.argv[4:]])
elif m == "summary":
    cmd_totals(sys.argv[2])
    cmd_exporters(sys.argv[2])
elif m == "ipfix-lost":
    cmd_ipfix_lost(sys.argv[2])
elif m == "totals":
    cmd_totals(sys.argv[2])
elif m == "classes":
    cmd_classes(sys.argv[2])
elif m == "exporters":
    cmd_exporters(sys.argv[2])
elif m == "softflowd":
    cmd_softflowd(sys.argv[2], sys.argv[3])
else:
    sys.exit("collector_live.py: bad mode " + m)
