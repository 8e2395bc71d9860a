#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Driver of collector_garbage.sh: send, count what the collector must
# count, signal, read the log and /proc, check the report.
import collections
import json
import os
import random
import re
import signal
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.environ["MF_SRCDIR"], "tests", "integ"))
import ipfix_craft as c  # noqa: E402

LO = "127.0.0.1"
IPFIX, V9, V5 = "ipfix", "netflow-v9", "netflow-v5"
CHECKS = []          # (name, expected, actual)


def check(name, expected, actual):
    CHECKS.append((name, str(expected), str(actual)))


def todo(name, expected, actual):
    """a requirement the collector does not meet yet (see the header)"""
    CHECKS.append(("TODO " + name, str(expected), str(actual)))


class World:
    """what was sent, and what the collector must have counted"""

    def __init__(self, ports, pid, log):
        self.dst = {"udp": (LO, ports[0]), "tcp": (LO, ports[1]),
                    "v9": (LO, ports[2]), "v5": (LO, ports[3])}
        self.pid, self.log = pid, log
        self.used = set(ports)
        self.hold = []            # sockets kept open: ports stay taken
        self.exp = {}             # (protocol, port, domain) -> counters
        self.col = dict(undecodable=0, datagrams=0, tcp_accepted=0,
                        tcp_malformed=0, refused=0, records=0, replaced=0)
        self.since_drain = 0
        self.flood_kept = {}      # port -> templates kept in the flood
        self.table = None         # the flood: exporter keys, LRU first

    # --- sockets with ports never used before in this run ---------------
    def _fresh(self, kind):
        while True:
            s = socket.socket(socket.AF_INET, kind)
            s.bind((LO, 0))
            port = s.getsockname()[1]
            self.hold.append(s)
            if port not in self.used:     # UDP and TCP: one key space
                self.used.add(port)
                return s, port

    def udp(self):
        return self._fresh(socket.SOCK_DGRAM)

    def exporter(self, proto, port, domain):
        return self.exp.setdefault((proto, port, domain),
                                   dict(records=0, lost=0, undecodable=0))

    def add(self, proto, port, domain, records=0, lost=0, undecodable=0):
        e = self.exporter(proto, port, domain)
        e["records"] += records
        e["lost"] += lost
        e["undecodable"] += undecodable
        self.col["records"] += records

    def send(self, sock, where, data):
        sock.sendto(data, self.dst[where])
        self.col["datagrams"] += 1
        self.since_drain += 1
        if self.since_drain >= 64:
            self.drain()

    # --- synchronisation with the collector ------------------------------
    def udp_queues(self):
        """{port: (rx_queue, drops)} of the collector's UDP sockets"""
        want = {"0100007F:%04X" % self.dst[k][1]: self.dst[k][1]
                for k in ("udp", "v9", "v5")}
        out = {}
        with open("/proc/net/udp") as f:
            for line in f.readlines()[1:]:
                col = line.split()
                if col[1] in want:
                    out[want[col[1]]] = (int(col[4].split(":")[1], 16),
                                         int(col[-1]))
        return out

    def drain(self, limit=10.0):
        self.since_drain = 0
        end = time.monotonic() + limit
        empty = 0
        while time.monotonic() < end:
            if all(q == 0 for q, _ in self.udp_queues().values()):
                empty += 1
                if empty >= 2:
                    return
            else:
                empty = 0
            time.sleep(0.005)
        raise SystemExit("collector socket queues not drained in %s s: %s"
                         % (limit, self.udp_queues()))

    def settle(self):
        """every datagram sent so far read and handled"""
        self.drain()
        time.sleep(0.3)   # the last batch handled before the next poll()
        self.drain()
        # A thread reads the sockets into a queue that the collector
        # decodes from: an empty socket is not yet a handled datagram.
        end = time.monotonic() + 60
        while self.usr1_waiting() != 0:
            if time.monotonic() > end:
                raise SystemExit("collector receive queue not empty in 60 s")
            time.sleep(0.1)

    def usr1_waiting(self):
        """SIGUSR1, then the datagrams it logs as waiting in the queue"""
        def lines():
            with open(self.log, errors="replace") as f:
                return [l for l in f if "udp receive queue: " in l]
        before = len(lines())
        os.kill(self.pid, signal.SIGUSR1)
        end = time.monotonic() + 5
        while len(lines()) == before and time.monotonic() < end:
            time.sleep(0.05)
        got = lines()
        if len(got) == before:
            return -1
        return int(re.search(r"queue: (\d+) datagrams", got[-1]).group(1))

    def alive(self):
        try:
            with open("/proc/%d/status" % self.pid) as f:
                return "zombie" not in f.read()
        except OSError:
            return False

    def status_kb(self, key):
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        return -1

    def usr1(self):
        """SIGUSR1, then the three counter lines it logs"""
        def lines():
            with open(self.log, errors="replace") as f:
                return [l for l in f if " info: datagrams " in l]
        before = len(lines())
        os.kill(self.pid, signal.SIGUSR1)
        end = time.monotonic() + 5
        while len(lines()) == before and time.monotonic() < end:
            time.sleep(0.05)
        with open(self.log, errors="replace") as f:
            text = f.read()
        return counters(text)


def counters(text):
    """the last counters logged (log_counters in collector/main.c)"""
    out = {}
    for m in re.finditer(r"info: records (\d+), late", text):
        out["records"] = int(m.group(1))
    for m in re.finditer(r"undecodable datagrams (\d+), denied (\d+), "
                         r"exporters refused (\d+), replaced (\d+)", text):
        out.update(undecodable=int(m.group(1)), denied=int(m.group(2)),
                   refused=int(m.group(3)), replaced=int(m.group(4)))
    for m in re.finditer(r"info: datagrams (\d+), tcp connections (\d+) "
                         r"\((\d+) refused, (\d+) malformed\)", text):
        out.update(datagrams=int(m.group(1)), tcp_accepted=int(m.group(2)),
                   tcp_refused=int(m.group(3)),
                   tcp_malformed=int(m.group(4)))
    return out


def check_counters(w, tag, got):
    for k in ("undecodable", "refused", "datagrams", "tcp_accepted",
              "tcp_malformed", "records"):
        check("%s: collector %s" % (tag, k), w.col[k], got.get(k))
    check("%s: denied, replaced, tcp refused" % tag,
          "0 %d 0" % w.col["replaced"], "%s %s %s" % (
              got.get("denied"), got.get("replaced"), got.get("tcp_refused")))


# --- the scenarios ---------------------------------------------------------

GOOD = c.msg([c.tset(c.tmpl(256, c.FLOW4)), c.dset(256, c.flow4())])


def good(w):
    """one valid exporter per listener, so that a report is written"""
    s, p = w.udp()
    w.send(s, "udp", c.msg([c.tset(c.tmpl(256, c.FLOW4)),
                            c.dset(256, c.flow4(), c.flow4(sport=40010))]))
    w.add(IPFIX, p, 0, records=2)
    s, p = w.udp()
    w.send(s, "v9", c.v9msg([c.v9tset(c.v9tmpl(256, c.V9FLOW4)),
                             c.v9dset(256, c.v9flow4())]))
    w.add(V9, p, 0, records=1)
    s, p = w.udp()
    w.send(s, "v5", c.v5msg([c.v5rec(), c.v5rec(sport=40011)]))
    w.add(V5, p, 0, records=2)


def random_datagrams(w, rng, n=50):
    """random bytes whose header cannot be read: main.c counts each one
    in the collector's undecodable datagrams, naming no exporter (a random
    header that would parse is drawn again).  Lengths 0 (an empty
    datagram) and the header-length boundaries are always among them."""
    def header_ok(kind, b):
        if kind == "udp":
            return len(b) >= 16 and b[0] == 0 and b[1] == 10
        if kind == "v9":
            return len(b) >= 20 and b[0] == 0 and b[1] == 9
        if len(b) < 24 or b[:2] != b"\x00\x05":
            return False
        cnt = b[2] << 8 | b[3]
        return 1 <= cnt <= 30 and len(b) == 24 + 48 * cnt

    for kind in ("udp", "v9", "v5"):
        s, _ = w.udp()
        lens = [0, 1, 3, 4, 15, 16, 19, 20, 23, 24, 25, 72, 1500]
        lens += [rng.randrange(0, 1473) for _ in range(n - len(lens))]
        for ln in lens:
            b = bytes(rng.getrandbits(8) for _ in range(ln))
            while header_ok(kind, b):
                b = bytes(rng.getrandbits(8) for _ in range(ln))
            w.send(s, kind, b)
            w.col["undecodable"] += 1


def truncated(w):
    """valid messages cut short"""
    # IPFIX: under 16 bytes the header cannot be read (collector); from
    # 16 on, the header names the exporter and its length disagrees with
    # the datagram: one malformed message of the exporter (filter_message).
    good7 = c.msg([c.tset(c.tmpl(256, c.FLOW4)), c.dset(256, c.flow4())],
                  domain=7)
    s, p = w.udp()
    for ln in (0, 1, 2, 4, 8, 15, 16, 17, 20, 36, 60, 100, len(good7) - 1):
        w.send(s, "udp", good7[:ln])
        if ln < 16:
            w.col["undecodable"] += 1
        else:
            w.add(IPFIX, p, 7, undecodable=1)
    # NetFlow v9, cut at every length: under 20 bytes, the collector's;
    # from 20 on, one malformed FlowSet of the exporter (v9read.c) unless
    # the cut falls exactly after a whole FlowSet: a cut FlowSet, or 1..3
    # bytes after the last whole one, count once.  The template FlowSet
    # (bytes 20-63) is whole from 64 on and accepted.
    v9 = c.v9msg([c.v9tset(c.v9tmpl(256, c.V9FLOW4)),
                  c.v9dset(256, c.v9flow4())], source_id=9)
    bounds = [20, 64, len(v9)]
    s, p = w.udp()
    for ln in range(len(v9)):
        w.send(s, "v9", v9[:ln])
        if ln < 20:
            w.col["undecodable"] += 1
            continue
        last = max(b for b in bounds if b <= ln)
        w.add(V9, p, 9, undecodable=1 if ln != last else 0)
    # NetFlow v5, cut at every length, and headers whose count disagrees
    # with the records that follow, or is 0 or over 30: the header reader
    # (v5.c) rejects them all, so all are the collector's, although from
    # 24 bytes on the header names the exporter (engine type and id).
    v5 = c.v5msg([c.v5rec(), c.v5rec()], engine=(3, 4))
    s, _ = w.udp()
    bad = [v5[:ln] for ln in range(len(v5))]
    bad += [c.v5msg([c.v5rec()] * 3, count=2, engine=(3, 4)),
            c.v5msg([c.v5rec()], count=2, engine=(3, 4)),
            c.v5msg([], count=0, engine=(3, 4)),
            c.v5msg([c.v5rec()] * 31, engine=(3, 4)),
            c.v5msg([c.v5rec()], engine=(3, 4)) + b"\0"]
    for b in bad:
        w.send(s, "v5", b)
        w.col["undecodable"] += 1


def header_length(w):
    """IPFIX headers whose length field disagrees with the datagram: one
    malformed message each (filter_message: mlen != len)"""
    s, p = w.udp()
    body = [c.tset(c.tmpl(256, c.FLOW4)), c.dset(256, c.flow4())]
    real = len(c.msg(body))
    for ln in (real - 1, real + 1, 0, 15, 16, 65535):
        w.send(s, "udp", c.msg(body, domain=11, length=ln))
        w.add(IPFIX, p, 11, undecodable=1)


def bad_sets(w):
    """malformed sets and templates (fixread.c filter_message and
    scan_template_set): one malformed each; a set that cannot be framed
    ends the message"""
    s, p = w.udp()

    def m(*sets):
        w.send(s, "udp", c.msg(list(sets), domain=12))

    # a set length past the message: the template before it is kept
    m(c.tset(c.tmpl(256, c.FLOW4)), c.rawset(2, bytes(8), length=5000))
    w.add(IPFIX, p, 12, undecodable=1)
    # set lengths 0 and 3: the data set before is decoded, none after
    m(c.dset(256, c.flow4()), c.rawset(300, b"", length=0),
      c.dset(256, c.flow4()))
    w.add(IPFIX, p, 12, undecodable=1, records=1)
    m(c.rawset(256, b"", length=3))
    w.add(IPFIX, p, 12, undecodable=1)
    # a field count running past its set: the set is malformed, and the
    # data set of that template then comes before its template; the sets
    # after are still read (the set itself was framed)
    m(c.tset(c.tmpl(257, c.FLOW4[:2], count=50)), c.dset(257, bytes(8)),
      c.dset(256, c.flow4()))
    w.add(IPFIX, p, 12, undecodable=2, records=1)
    # template id under 256
    m(c.tset(c.tmpl(5, c.FLOW4)))
    w.add(IPFIX, p, 12, undecodable=1)
    # options templates: scope 0, scope over the field count
    m(c.oset(c.otmpl(258, 0, [(149, 4), (42, 8)])))
    m(c.oset(c.otmpl(259, 3, [(149, 4), (42, 8)])))
    w.add(IPFIX, p, 12, undecodable=2)
    # reserved set ids 1, 4, 255: one malformed set each, in one message
    m(c.rawset(1, bytes(8)), c.rawset(4, bytes(8)), c.rawset(255, bytes(8)))
    w.add(IPFIX, p, 12, undecodable=3)
    # 65 templates in one set: over the 64 a set may hold, the set counts
    # as ONE malformed set, not 65 refused templates
    m(c.tset(*[c.tmpl(600 + i, [(8, 4)]) for i in range(65)]))
    w.add(IPFIX, p, 12, undecodable=1)


def before_template(w):
    """data sets whose template was never announced: one each
    (before_template counts SETS, not records).  IPFIX sequence numbers
    count the records the exporter sent, those of the dropped sets too,
    which cannot be counted without a template: so a message that lost a
    data set makes the next message resynchronise (no gap counted there),
    and later gaps count again."""
    s, p = w.udp()
    w.send(s, "udp", c.msg([c.dset(300, c.flow4())] * 3, seq=0, domain=13))
    w.add(IPFIX, p, 13, undecodable=3)
    w.send(s, "udp", c.msg([c.dset(301, c.flow4())] * 2, seq=3, domain=13))
    w.add(IPFIX, p, 13, undecodable=2)
    w.send(s, "udp", c.msg([c.tset(c.tmpl(300, c.FLOW4)),
                            c.dset(300, c.flow4())], seq=5, domain=13))
    w.add(IPFIX, p, 13, records=1)
    w.send(s, "udp", c.msg([c.dset(300, c.flow4())], seq=9, domain=13))
    w.add(IPFIX, p, 13, records=1, lost=9 - 6)
    # NetFlow v9: the same, FlowSets of an unknown template; v9 sequence
    # numbers count packets, so no double count there
    s, p = w.udp()
    w.send(s, "v9", c.v9msg([c.v9dset(300, c.v9flow4())] * 2, seq=0,
                            source_id=13))
    w.add(V9, p, 13, undecodable=2)
    w.send(s, "v9", c.v9msg([c.v9tset(c.v9tmpl(300, c.V9FLOW4)),
                             c.v9dset(300, c.v9flow4())], seq=5,
                            source_id=13))
    w.add(V9, p, 13, records=1, lost=4)


def v9_bad_flowsets(w):
    """v9read.c: a FlowSet that cannot be read or translated is one
    malformed FlowSet and ends the datagram"""
    s, p = w.udp()
    for fs in (c.rawset(5, bytes(8)),                   # reserved id
               c.rawset(300, b"", length=2),            # length < 4
               c.rawset(300, bytes(8), length=400),     # past the datagram
               c.v9tset(c.v9tmpl(256, c.V9FLOW4[:2], count=9)),
               c.v9tset(c.v9tmpl(7, c.V9FLOW4)),         # template id < 256
               c.rawset(1, struct.pack("!HHH", 400, 3, 4) + bytes(8))):
        w.send(s, "v9", c.v9msg([fs], source_id=21))
        w.add(V9, p, 21, undecodable=1)


def losses(w):
    """sequence gaps: IPFIX in records, v9 in packets, v5 in records; a
    number that goes backwards is not counted"""
    s, p = w.udp()
    t = c.tset(c.tmpl(256, c.FLOW4))
    for seq, n in ((0, 2), (5, 1), (2, 1), (3, 1)):
        w.send(s, "udp", c.msg([t, c.dset(256, *[c.flow4()] * n)], seq=seq,
                               domain=14))
    w.add(IPFIX, p, 14, records=5, lost=3)
    s, p = w.udp()
    for seq in (0, 1, 5, 2):
        w.send(s, "v9", c.v9msg([c.v9tset(c.v9tmpl(256, c.V9FLOW4)),
                                 c.v9dset(256, c.v9flow4())], seq=seq,
                                source_id=14))
    w.add(V9, p, 14, records=4, lost=3)
    s, p = w.udp()
    for seq, n in ((0, 2), (10, 1), (5, 1)):
        w.send(s, "v5", c.v5msg([c.v5rec()] * n, seq=seq, engine=(1, 1)))
    w.add(V5, p, 1 << 8 | 1, records=4, lost=8)


def template_cap(w):
    """[exporters] max-templates = 8: a template set that would take the
    exporter over the cap is refused whole, every template in it counted"""
    # 100 distinct templates, one per set: 8 kept, 92 refused; a known
    # one sent again is kept (not fresh); data of a refused one is then
    # data before template; data of a kept one is decoded
    s, p = w.udp()
    for i in range(100):
        w.send(s, "udp", c.msg([c.tset(c.tmpl(256 + i, c.FLOW4))],
                               domain=15))
    w.send(s, "udp", c.msg([c.tset(c.tmpl(256, c.FLOW4))], domain=15))
    w.send(s, "udp", c.msg([c.dset(300, c.flow4()),
                            c.dset(256, c.flow4())], domain=15))
    w.add(IPFIX, p, 15, undecodable=92 + 1, records=1)
    # the whole-set rule: 7 kept, a set of 2 fresh refused (2), 1 more
    # kept (8th), a set of [known, fresh] refused (2: the known one too)
    s, p = w.udp()
    for i in range(7):
        w.send(s, "udp", c.msg([c.tset(c.tmpl(256 + i, c.FLOW4))],
                               domain=16))
    w.send(s, "udp", c.msg([c.tset(c.tmpl(400, c.FLOW4),
                                   c.tmpl(401, c.FLOW4))], domain=16))
    w.send(s, "udp", c.msg([c.tset(c.tmpl(402, c.FLOW4))], domain=16))
    w.send(s, "udp", c.msg([c.tset(c.tmpl(256, c.FLOW4),
                                   c.tmpl(403, c.FLOW4))], domain=16))
    w.add(IPFIX, p, 16, undecodable=4)
    # a withdrawal (field count 0) in a refused set is refused with it:
    # template 257 stays, as in libfixbuf, which never saw the set, so its
    # data is decoded; the cap is still full, so template 406 is refused
    w.send(s, "udp", c.msg([c.tset(c.tmpl(257, []), c.tmpl(404, c.FLOW4),
                                   c.tmpl(405, c.FLOW4))], domain=16))
    w.send(s, "udp", c.msg([c.dset(257, c.flow4())], domain=16))
    w.send(s, "udp", c.msg([c.tset(c.tmpl(406, c.FLOW4))], domain=16))
    w.add(IPFIX, p, 16, records=1, undecodable=3 + 1)
    # NetFlow v9: 20 templates, one per FlowSet: 12 refused
    s, p = w.udp()
    for i in range(20):
        w.send(s, "v9", c.v9msg([c.v9tset(c.v9tmpl(256 + i, c.V9FLOW4))],
                                seq=i, source_id=15))
    w.add(V9, p, 15, undecodable=12)


def aliens(w):
    """unknown elements (enterprise 99999): at most 1024 in the templates
    one exporter holds (COL_FIXREAD_MAX_ALIENS); a set that would go over
    is refused whole; a template sent again replaces its own count.  The
    budget is the exporter's own: another exporter's template with one
    unknown element is kept (its known elements decode)."""
    s, p = w.udp()
    base = 1000
    for i, n in enumerate((300, 300, 300, 300, 124, 1)):
        f = [(base + 400 * i + j, 4, 99999) for j in range(n)]
        w.send(s, "udp", c.msg([c.tset(c.tmpl(300 + i, f))], domain=17))
    # 300 + 300 + 300 = 900 kept; +300 refused; +124 = 1024 kept; +1
    # refused; the first template again: 300 for its own 300, kept
    f = [(base + j, 4, 99999) for j in range(300)]
    w.send(s, "udp", c.msg([c.tset(c.tmpl(300, f))], domain=17))
    w.add(IPFIX, p, 17, undecodable=2)
    s, p = w.udp()
    w.send(s, "udp", c.msg([c.tset(c.tmpl(256, c.FLOW4 + [(1, 4, 88888)]))],
                           domain=18))
    w.send(s, "udp", c.msg([c.tset(c.tmpl(257, c.FLOW4))], domain=18))
    w.add(IPFIX, p, 18)


def absurd_lengths(w):
    """elements of absurd length are refused by the pre-scan (fixread.c
    length_ok: a known element's length must be 1..its natural size, or
    variable length only for variable-length types): the template set is
    malformed, and the data sets for it are data before template.
    40000 bytes for an IPv4 address, sent 20 times: 20 malformed sets and
    the one data set.  Length 0 for a known element: malformed, and its
    data set is before template; a template of only length-0 fields the
    same.  libfixbuf never sees them, so it logs nothing."""
    s, p = w.udp()
    for _ in range(20):
        w.send(s, "udp", c.msg([c.tset(c.tmpl(256, [(8, 4), (12, 40000)]))],
                               domain=19))
    w.send(s, "udp", c.msg([c.dset(256, bytes(100))], domain=19))
    w.add(IPFIX, p, 19, undecodable=21)
    s, p = w.udp()
    w.send(s, "udp", c.msg([c.tset(c.tmpl(256, [(8, 4), (12, 0)])),
                            c.dset(256, bytes(100))], domain=20))
    w.add(IPFIX, p, 20, undecodable=2)
    # every field of length 0: records of no bytes would never end the
    # data set, so the template set is malformed, and its data set is
    # data before template
    w.send(s, "udp", c.msg([c.tset(c.tmpl(257, [(8, 0), (12, 0)])),
                            c.dset(257, bytes(100))], domain=20))
    w.add(IPFIX, p, 20, undecodable=2)
    return 20


def tcp(w, rng):
    """IPFIX over TCP (listen.c frame_tcp): a stream is cut at each
    message header's length; a header with version != 10 or length < 16
    breaks the framing: the stream is closed and counted (tcp_malformed),
    whatever it carried before was used.  Every connection is accepted and
    counted."""
    def conn(chunks, pause=0.0):
        s, port = w._fresh(socket.SOCK_STREAM)
        s.connect(w.dst["tcp"])
        w.col["tcp_accepted"] += 1
        for ch in chunks:
            s.sendall(ch)
            if pause:
                time.sleep(pause)
        # wait until the collector has read it all and closed its side:
        # after the whole stream, or at the broken framing
        try:
            s.shutdown(socket.SHUT_WR)
            s.settimeout(10)
            while s.recv(65536):
                pass
        except OSError:       # reset: closed with our bytes unread
            pass
        return port

    # a good stream, the message written a byte at a time
    p = conn([GOOD[i:i + 1] for i in range(len(GOOD))], pause=0.0005)
    w.add(IPFIX, p, 0, records=1)
    # a good message, then a NetFlow v9 header: the first is used
    p = conn([GOOD + c.v9msg([c.v9dset(256, bytes(16))])])
    w.add(IPFIX, p, 0, records=1)
    w.col["tcp_malformed"] += 1
    # a header length of 5
    conn([c.msg([c.tset(c.tmpl(256, c.FLOW4))], length=5)])
    w.col["tcp_malformed"] += 1
    # framed, but a set of length 0 inside: the exporter's malformed set
    p = conn([c.msg([c.rawset(256, bytes(8), length=0)], domain=5)])
    w.add(IPFIX, p, 5, undecodable=1)
    # a header saying 1000 bytes, and the stream ends after 109: the
    # partial message is counted as a broken stream at the close
    conn([c.msg([c.tset(c.tmpl(256, c.FLOW4)), c.dset(256, c.flow4())],
                length=1000)])
    w.col["tcp_malformed"] += 1
    # random bytes (no IPFIX version in the first two bytes), 5 streams
    for _ in range(5):
        b = bytes(rng.getrandbits(8) for _ in range(rng.randrange(4, 3000)))
        while b[0] == 0 and b[1] == 10:
            b = bytes(rng.getrandbits(8) for _ in range(len(b)))
        conn([b])
        w.col["tcp_malformed"] += 1


def flood(w, socks, rounds, first_round):
    """distinct templates from many ports: a datagram of a new exporter
    when the table is full (64) takes the place of the least recently seen
    exporter that never sent a valid record (exporters.c find_room; all
    from 127.0.0.1, whose share is 64 too): first those of the exact
    scenarios without records (all seen before any flood datagram), then
    the flood's own.  Nothing is refused: the exporters with records stay.
    An exporter keeps its first 8 templates and refuses the rest; one that
    comes back after its place was taken starts afresh.  One round is one
    datagram from every port, in order."""
    if w.table is None:
        w.table = collections.OrderedDict((k, None) for k in w.exp)
    for r in range(first_round, first_round + rounds):
        for s, p in socks:
            w.send(s, "udp", c.msg([c.tset(c.tmpl(256 + r, c.FLOW4))]))
            key = (IPFIX, p, 0)
            if key not in w.table and len(w.table) >= 64:
                victim = next(k for k in w.table
                              if w.exp[k]["records"] == 0)
                del w.table[victim]
                del w.exp[victim]
                w.flood_kept.pop(victim[1], None)
                w.col["replaced"] += 1
            w.table[key] = None
            w.table.move_to_end(key)
            kept = w.flood_kept.get(p, 0)
            if kept < 8:
                w.exporter(IPFIX, p, 0)
                w.flood_kept[p] = kept + 1
            else:
                w.add(IPFIX, p, 0, undecodable=1)


def run(argv):
    ports = [int(x) for x in argv[1:5]]
    pid, log, state, hwm_max, growth_max = (int(argv[5]), argv[6], argv[7],
                                            int(argv[8]), int(argv[9]))
    w = World(ports, pid, log)
    rng = random.Random(20261123)
    t0 = time.monotonic()

    good(w)
    random_datagrams(w, rng)
    truncated(w)
    header_length(w)
    bad_sets(w)
    before_template(w)
    v9_bad_flowsets(w)
    losses(w)
    template_cap(w)
    aliens(w)
    n_absurd = absurd_lengths(w)
    tcp(w, rng)
    w.settle()
    check("alive after the exact scenarios", True, w.alive())
    check_counters(w, "exact", w.usr1())
    n_proven = sum(1 for v in w.exp.values() if v["records"] > 0)

    socks = [w.udp() for _ in range(200)]
    flood(w, socks, 25, 0)
    w.settle()
    rss1 = w.status_kb("VmRSS")
    flood(w, socks, 25, 25)
    w.settle()
    rss2 = w.status_kb("VmRSS")
    hwm = w.status_kb("VmHWM")
    check("alive after the flood", True, w.alive())
    check_counters(w, "flood", w.usr1())
    check("flood: exporters in the table", 64 - n_proven,
          sum(1 for _, p in socks if (IPFIX, p, 0) in w.exp))
    check("VmHWM after the flood < %d kB (was %d)" % (hwm_max, hwm), True,
          0 < hwm < hwm_max)
    check("VmRSS growth over the 2nd half of the flood < %d kB (%d -> %d)"
          % (growth_max, rss1, rss2), True, rss2 - rss1 < growth_max)
    drops = {p: d for p, (_, d) in w.udp_queues().items()}
    check("no datagram dropped by the kernel (else counts are not exact)",
          {p: 0 for p in drops}, drops)
    with open(state, "w") as f:
        json.dump(dict(exp=[[k, v] for k, v in w.exp.items()], col=w.col,
                       elapsed=time.monotonic() - t0, n_absurd=n_absurd,
                       n_tcp_malformed=w.col["tcp_malformed"]), f)


def report(argv):
    """after SIGTERM: the report's exporters, the final counters, the log"""
    state, rdir, log, t_start, t_end = argv[1:6]
    with open(state) as f:
        st = json.load(f)
    exp = {tuple(k): v for k, v in st["exp"]}
    with open(os.path.join(rdir, "latest.json")) as f:
        rep = json.load(f)
    got, twice = {}, []
    for e in rep["exporters"]:
        key = (e["protocol"], e["port"], e["observation_domain"])
        if key in got:
            twice.append(key)
        got[key] = dict(records=e["records"], lost=e["lost"],
                        undecodable=e["undecodable"])
    check("report: no exporter listed twice", [], twice)
    for key in sorted(set(exp) | set(got)):
        check("report: exporter %s %d domain %d: records lost undecodable"
              % key, exp.get(key), got.get(key))
    check("report: exporters (the table's cap, 64)", len(exp),
          len(rep["exporters"]))

    with open(log, errors="replace") as f:
        text = f.read()
    fin = counters(text)      # logged again at exit
    for k in ("undecodable", "refused", "datagrams", "tcp_malformed",
              "records"):
        check("exit: collector %s" % k, st["col"][k], fin.get(k))
    # one "malformed ... datagram" warning per 10 s period at most
    elapsed = float(t_end) - float(t_start)
    periods = int(elapsed // 10) + 1
    n = len(re.findall(r"warning: \S+: malformed .* datagram", text))
    check("log: malformed datagram warnings (%d) <= %d periods of 10 s"
          % (n, periods), True, 1 <= n <= periods)
    # Broken TCP streams are logged with their peer, rate-limited across
    # connections (a flood of bad connections must not flood the log).
    n = len(re.findall(r"warning: tcp exporter \S+ port \d+: malformed "
                       r"IPFIX stream", text))
    check("log: broken TCP streams logged (%d), at most one per 10 s"
          % n, True, 1 <= n <= periods)
    n = text.count("Template warning:")
    check("log: libfixbuf template warnings of one exporter (%d sent) "
         "rate-limited to <= %d" % (st["n_absurd"], periods), True,
         n <= periods)
    # Every exporter that sent something undecodable is named in a warning
    # (main.c warn_exporter, rate-limited per exporter).
    bad_ports = sorted({str(k[1]) for k, v in exp.items()
                        if v["undecodable"] > 0})
    named = set(re.findall(r"exporter \S+ port (\d+): (?:undecodable|"
                           r"malformed)", text))
    check("log: every exporter with undecodable input named in a warning",
          [], [p for p in bad_ports if p not in named])
    check("log: no critical or error message, no sanitizer report", [],
          re.findall(r".*(?:: error: |AddressSanitizer|LeakSanitizer|"
                     r"runtime error:).*", text))


if __name__ == "__main__":
    cmd = sys.argv[1]
    try:
        {"run": run, "report": report}[cmd](sys.argv[1:])
    finally:
        for name, want, got in CHECKS:
            print("%s\t%s\t%s" % (name, want, got))
