#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Driver of collector_hostile.sh and hostile_lan.sh: what a hostile host
on the LAN sends a collector (issue 11, items 1-5), each attack a few
datagrams or connections to 127.0.0.1, bounded in count and time.

  collector_hostile.py run COLLECTOR TMPDIR
      start live collectors (one per item, each its own configuration),
      attack, and print one check a line: NAME<TAB>EXPECTED<TAB>GOT
  collector_hostile.py attack UDP_PORT TCP_PORT SECONDS
      run every attack against a running collector (the one of
      hostile_lan.sh) over and over for SECONDS; prints the source ports
      it used, one a line.  Every flow record it sends carries 0 packets
      and 0 bytes, so the report totals stay those of the real exporter.
  collector_hostile.py lan REPORT_DIR GRACE NAME T_STOP
      checks of a hostile_lan.sh run stopped at T_STOP (epoch seconds):
      the real exporter (the one that sent its statistics) lost nothing
      and was counted exactly as it says it exported; no report is of an
      interval after the run (interval 10 s); every report of an interval
      that ended before T_STOP written within GRACE + 2 s of its end.
  collector_hostile.py seeds DIR
      write the attacks as seeds for tests/fuzz/fuzz_collector (its input
      format: a mode byte, then datagrams each after a 2-byte length).
"""
import glob
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.environ["MF_SRCDIR"], "tests", "integ"))
import ipfix_craft as c  # noqa: E402

LO = "127.0.0.1"
CHECKS = []
CERT = 6871
ALIEN_PEN = 99999
DAY_MS = 86400 * 1000


def check(name, expected, actual):
    CHECKS.append((name, str(expected), str(actual)))


def free_port(kind):
    s = socket.socket(socket.AF_INET, kind)
    s.bind((LO, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((LO, 0))
    return s, s.getsockname()[1]


def flow(end=None, octets=100, packets=1, sport=40000):
    return c.flow4(src=(192, 168, 1, 20), dst=(198, 51, 100, 7),
                   sport=sport, dport=443, proto=6, octets=octets,
                   packets=packets, end=end)


def good(domain=0, **kw):
    """a template and one flow record: the message of an honest exporter"""
    return c.msg([c.tset(c.tmpl(256, c.FLOW4)), c.dset(256, flow(**kw))],
                 domain=domain)


# --- the attacks (issue 11) --------------------------------------------------

def dns_short_list():
    """1: a DNS record whose basicList holds sixteen 1-byte IPv6 addresses
    (sourceIPv6Address, 27): 180 bytes that made the reader copy 16 bytes
    per element past libfixbuf's buffer"""
    fields = [(179, 65535, CERT), (174, 1, CERT), (291, 65535),
              (152, 8)]
    qname = b"hostile.example"
    blist = struct.pack("!BHH", 3, 27, 1) + bytes(range(16))
    rec = (bytes([len(qname)]) + qname + b"\x01" + bytes([len(blist)]) +
           blist + struct.pack("!Q", c.now_ms()))
    return c.msg([c.tset(c.tmpl(300, fields)), c.dset(300, rec)])


def future(hours=20, **kw):
    """2: a flow record that ends hours ahead of every clock"""
    end = c.now_ms() + hours * 3600 * 1000
    return c.msg([c.tset(c.tmpl(256, c.FLOW4)),
                  c.dset(256, flow(end=end, **kw))])


def alien_template(n=1024):
    """3: one 8 kB template of n unknown enterprise elements"""
    f = [(i + 1, 1, ALIEN_PEN) for i in range(n)]
    return c.msg([c.tset(c.tmpl(400, f))])


VENDOR = c.FLOW4 + [(7000, 2, 9)]   # Cisco's element 7000: unknown


def vendor(template=True, **kw):
    """an honest exporter whose template holds one unknown element"""
    rec = flow(**kw) + b"\xbe\xef"
    sets = [c.tset(c.tmpl(257, VENDOR))] if template else []
    return c.msg(sets + [c.dset(257, rec)])


def header_only(domain):
    """4: an IPFIX header and nothing else, for one observation domain"""
    return c.msg([], domain=domain)


def idle_tcp(n, port):
    """5: n TCP connections that never send a byte"""
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect((LO, port))
        except OSError:
            s.close()
            continue
        socks.append(s)
    return socks


# --- a live collector ----------------------------------------------------------

class Collector:
    def __init__(self, binary, d, extra=""):
        self.binary, self.d = binary, d
        os.makedirs(d, exist_ok=True)
        self.udp, self.tcp = free_port(socket.SOCK_DGRAM), \
            free_port(socket.SOCK_STREAM)
        self.conf = os.path.join(d, "minflow.conf")
        self.log = os.path.join(d, "collector.log")
        with open(self.conf, "w") as f:
            f.write("[listen]\nipfix-udp = %s:%d\nipfix-tcp = %s:%d\n"
                    "netflow-v9 =\nnetflow-v5 =\n%s\n"
                    "[reports]\ndir = %s/reports\nretention-days = 0\n"
                    "interval = 10\ngrace = 2\n"
                    % (LO, self.udp, LO, self.tcp, extra, d))
        self.proc = None

    def start(self):
        self.logf = open(self.log, "a")
        self.proc = subprocess.Popen([self.binary, "-C", self.conf],
                                     stdout=self.logf, stderr=self.logf)
        end = time.monotonic() + 10
        port = "%04X" % self.udp
        while time.monotonic() < end:
            with open("/proc/net/udp") as f:
                if any(":" + port + " " in line for line in f):
                    return
            time.sleep(0.05)
        raise SystemExit("collector did not start: " + self.text())

    def send(self, sock, data):
        sock.sendto(data, (LO, self.udp))

    def settle(self):
        """every datagram sent read and handled (queue empty, one poll)"""
        port = "0100007F:%04X" % self.udp
        end = time.monotonic() + 10
        while time.monotonic() < end:
            with open("/proc/net/udp") as f:
                q = [int(line.split()[4].split(":")[1], 16)
                     for line in f if line.split()[1] == port]
            if q == [0]:
                break
            time.sleep(0.01)
        time.sleep(0.6)

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.logf.close()
        return rc

    def text(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def latest(self):
        """the last report; none (nothing was accounted): no exporters"""
        try:
            with open(os.path.join(self.d, "reports", "latest.json")) as f:
                return json.load(f)
        except FileNotFoundError:
            return {"exporters": []}

    def reports(self):
        return sorted(glob.glob(os.path.join(self.d, "reports", "[0-9]*",
                                             "*.json")))


def exporter_line(rep, port):
    for e in rep["exporters"]:
        if e["port"] == port:
            return e
    return None


def field(rep, port, key):
    e = exporter_line(rep, port)
    return None if e is None else e.get(key)


# --- one scenario per item -----------------------------------------------------

def item1(binary, tmp):
    col = Collector(binary, os.path.join(tmp, "dns"))
    col.start()
    s, p = udp()
    col.send(s, dns_short_list())
    col.send(s, good())
    col.settle()
    check("1: collector alive after the short list", True, col.alive())
    check("1: exit status", 0, col.stop())
    rep = col.latest()
    check("1: the list counted undecodable", 1, field(rep, p, "undecodable"))
    check("1: the flow still counted", 1, field(rep, p, "records"))


def device(hours=1):
    """2: a device record (options template 275) learned hours ahead"""
    pen = 32473
    fields = [(56, 6), (8, 4), (152, 8), (19, 4, pen), (18, 1, pen),
              (17, 65535, pen)]
    name = b"hostile"
    rec = (bytes([2, 0, 0, 0, 0, 1]) + bytes([192, 168, 1, 66]) +
           struct.pack("!QIB", c.now_ms() + hours * 3600 * 1000, 0, 1) +
           bytes([len(name)]) + name)
    return c.msg([c.oset(c.otmpl(275, 1, fields)), c.dset(275, rec)])


# Item 2's scenarios: what the offender sends first, how far ahead (the
# log names it "a record ends N s ahead", N matched by the pattern), and
# whether the time is absurd (more than a day ahead: counted in the
# reports' absurd_records like a clockless router's, never named, since
# replayed v5/v9 streams give such times now and then; what matters is
# that it does not open the first interval 48 h ahead).
AHEAD = (("2", lambda: future(20), r"7\d{4}", False),
         ("2 (first record 48 h ahead)", lambda: future(48), r"172\d{3}",
          True),
         ("2 (a device record 1 h ahead)", lambda: device(1), r"3\d{3}",
          False))


def item2(binary, tmp):
    """each scenario its own collector, all at once: the offender's
    datagram first, then an honest exporter's record every second"""
    runs = []
    for i, (tag, first, _, _) in enumerate(AHEAD):
        col = Collector(binary, os.path.join(tmp, "future%d" % i))
        col.start()
        s, pa = udp()
        b, pb = udp()
        col.send(s, first())
        col.send(b, good())
        runs.append([col, pa, b, pb, None])
    t0 = time.time()
    # interval 10 s, grace 2 s: the report of t0's interval is due by
    # t0 + 12.5 s (the clock ticks every 0.5 s); wait 10 s more (a loaded
    # machine), sending the honest record each second
    while time.time() < t0 + 22 and any(r[4] is None for r in runs):
        time.sleep(1)
        for r in runs:
            r[0].send(r[2], c.msg([c.dset(256, flow())]))
            if r[4] is None and r[0].reports():
                r[4] = time.time()
    for (tag, _, secs, absurd), (col, pa, _, pb, first) in zip(AHEAD, runs):
        check("%s: a report within interval + grace (+10 s) of the honest "
              "record" % tag, True, first is not None)
        col.settle()
        check("%s: exit status" % tag, 0, col.stop())
        rep = col.latest()
        n_absurd = 0
        for path in col.reports():
            with open(path) as f:
                n_absurd += json.load(f)["collector"]["absurd_records"]
        check("%s: absurd records in the reports" % tag,
              1 if absurd else 0, n_absurd)
        check("%s: the future record counted ahead" % tag,
              0 if absurd else 1, field(rep, pa, "ahead_records") or 0)
        check("%s: the honest records not late" % tag, 0,
              field(rep, pb, "late_records"))
        check("%s: the honest records not ahead" % tag, 0,
              field(rep, pb, "ahead_records"))
        named = re.search(r"exporter 127\.0\.0\.1 port %d: a record ends "
                          r"%s s ahead of our clock" % (pa, secs),
                          col.text())
        check("%s: the offender named in the log" % tag, not absurd,
              named is not None)


def session(col, sends):
    """start col, send each (socket, datagram), stop it: its last report"""
    col.start()
    for sock, data in sends:
        col.send(sock, data)
    col.settle()
    col.stop()
    return col.latest()


def item3(binary, tmp):
    d = os.path.join(tmp, "aliens")
    col = Collector(binary, d)
    h, _ = udp()
    v, pv = udp()
    rep = session(col, [(h, alien_template()), (v, vendor())])
    check("3: the vendor template taken, its record decoded", 1,
          field(rep, pv, "records"))
    check("3: the vendor exporter: nothing undecodable", 0,
          field(rep, pv, "undecodable"))
    with open(os.path.join(d, "reports", "templates.state"), "rb") as f:
        state = f.read()
    check("3: the templates file keeps no unknown element", False,
          struct.pack("!I", ALIEN_PEN) in state)
    # the restart reads the file: the vendor's data alone decodes, and a
    # new exporter with an unknown element is served as well
    w, pw = udp()
    x, px = udp()
    varlen = c.FLOW4 + [(7001, 65535, 9), (7002, 3, 9)]
    recs = (flow() + b"\x03abc" + b"xyz",
            flow() + b"\xff\x00\x05hello" + b"xyz")
    rep = session(col, [(v, vendor(template=False)), (w, vendor()),
                        (x, c.msg([c.tset(c.tmpl(260, varlen)),
                                   c.dset(260, *recs)]))])
    check("3: after a restart: the vendor's data decoded", 1,
          field(rep, pv, "records"))
    check("3: after a restart: a new vendor exporter decoded", 1,
          field(rep, pw, "records"))
    check("3: unknown elements of variable length skipped too", 2,
          field(rep, px, "records"))


def item4(binary, tmp):
    col = Collector(binary, os.path.join(tmp, "table"),
                    "[exporters]\nmax = 4\n")
    col.start()
    r1, p1 = udp()
    col.send(r1, good())
    col.settle()
    a, _ = udp()
    for dom in range(64):
        col.send(a, header_only(dom))
    col.settle()
    routers = []
    for _ in range(3):
        s, p = udp()
        col.send(s, good())
        routers.append(p)
    col.settle()
    s5, p5 = udp()
    for _ in range(3):
        col.send(s5, good())
    col.settle()
    col.stop()
    rep = col.latest()
    check("4: the first router kept", 1, field(rep, p1, "records"))
    check("4: routers after the flood served",
          [1, 1, 1], [field(rep, p, "records") for p in routers])
    check("4: the fifth router refused (table of 4 routers)", None,
          exporter_line(rep, p5))
    text = col.text()
    check("4: the refusal logged, once (rate-limited), naming it", 1,
          len(re.findall(r"exporter 127\.0\.0\.1 port %d domain 0 refused"
                         % p5, text)))
    m = re.findall(r"exporters refused (\d+), replaced (\d+)", text)
    # 61 flood entries gave way to the flood, 3 to the routers
    check("4: refused and replaced counted", "3 64",
          " ".join(m[-1]) if m else None)


def item5(binary, tmp):
    col = Collector(binary, os.path.join(tmp, "tcp"),
                    "tcp-idle = 3\n")
    col.start()
    idle = idle_tcp(100, col.tcp)
    t = socket.create_connection((LO, col.tcp), timeout=5)
    t.sendall(good())
    pt = t.getsockname()[1]
    col.settle()
    time.sleep(4.5)      # tcp-idle 3 s: every connection closed by now
    closed = 0
    for s in idle + [t]:
        try:
            s.settimeout(0.5)
            if s.recv(1) == b"":
                closed += 1
        except OSError:
            closed += 1      # reset or refused: closed too
        s.close()
    text = col.text()
    col.stop()
    rep = col.latest()
    check("5: the TCP exporter served after 100 idle connections", 1,
          field(rep, pt, "records"))
    check("5: every connection closed (refused, replaced or idle)", 101,
          closed)
    m = re.findall(r"tcp connections (\d+) \((\d+) refused, \d+ malformed\), "
                   r"(\d+) closed idle, (\d+) replaced", col.text())
    check("5: accepted, refused, closed idle, replaced",
          "101 0 4 97", " ".join((m[-1][0], m[-1][1], m[-1][2], m[-1][3]))
          if m else None)
    check("5: idle closes logged", True,
          "idle too long (tcp-idle): closed" in text)
    check("5: replaced connections logged", True,
          "closed for a new connection: it sent no message" in text)


def run(argv):
    binary, tmp = argv[1], argv[2]
    for item in (item1, item2, item3, item4, item5):
        item(binary, tmp)


# --- the attacker of hostile_lan.sh ------------------------------------------

def attack(argv):
    uport, tport, seconds = int(argv[1]), int(argv[2]), float(argv[3])
    dst = (LO, uport)
    zero = dict(octets=0, packets=0)
    ports = set()
    end = time.monotonic() + seconds
    rnd = 0
    while time.monotonic() < end:
        rnd += 1
        socks = [udp() for _ in range(5)]
        for s, p in socks:
            ports.add(p)
        socks[0][0].sendto(dns_short_list(), dst)
        socks[1][0].sendto(future(20, **zero), dst)
        socks[1][0].sendto(future(48, **zero), dst)
        socks[1][0].sendto(device(1), dst)
        socks[2][0].sendto(alien_template(), dst)
        socks[3][0].sendto(vendor(**zero), dst)
        for dom in range(64):
            socks[4][0].sendto(header_only(dom + 64 * rnd), dst)
        idle = idle_tcp(100, tport)
        for s in idle:
            ports.add(s.getsockname()[1])
        time.sleep(1)
        for s in idle:
            s.close()
        for s, _ in socks:
            s.close()
    for p in sorted(ports):
        print(p)


def seeds(argv):
    d = argv[1]
    os.makedirs(d, exist_ok=True)
    v9 = c.v9msg([c.v9tset(c.v9tmpl(256, c.V9FLOW4)),
                  c.v9dset(256, c.v9flow4())])
    for name, mode, msgs in (
            ("good", 0, [good()]),
            ("dns_short_list", 0, [dns_short_list(), good()]),
            ("future", 0, [future()]),
            ("vendor", 0, [vendor(), vendor(template=False)]),
            ("aliens", 0, [alien_template(40), vendor()]),
            ("v9", 1, [v9])):
        with open(os.path.join(d, name), "wb") as f:
            f.write(bytes([mode]) + b"".join(
                struct.pack("!H", len(m)) + m for m in msgs))


def iso_s(t):
    return time.mktime(time.strptime(t, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone


def lan(argv):
    rdir, grace, name, t_stop = argv[1], float(argv[2]), argv[3], \
        float(argv[4])
    paths = sorted(glob.glob(os.path.join(rdir, "[0-9]*", "*.json")))
    check("%s: reports written (at least 2)" % name, True, len(paths) >= 2)
    late, ahead = [], []
    for path in paths:
        with open(path) as f:
            end = iso_s(json.load(f)["interval"]["end"])
        # the open interval is written at SIGTERM, before its end
        if end > t_stop + 10:
            ahead.append(os.path.basename(path))
        elif end <= t_stop and os.stat(path).st_mtime > end + grace + 2:
            late.append(os.path.basename(path))
    check("%s: no report of an interval after the run" % name, [], ahead)
    check("%s: every report within grace + 2 s of its end" % name, [], late)
    with open(os.path.join(rdir, "latest.json")) as f:
        rep = json.load(f)
    real = [e for e in rep["exporters"] if e.get("health")]
    check("%s: one exporter sent its statistics" % name, 1, len(real))
    if real:
        e = real[0]
        check("%s: real exporter: records as it exported them" % name,
              e["health"]["records_exported"], e["records"])
        check("%s: real exporter: lost late ahead undecodable" % name,
              "0 0 0 0", " ".join(str(e.get(k)) for k in (
                  "lost", "late_records", "ahead_records", "undecodable")))


if __name__ == "__main__":
    try:
        {"run": run, "attack": attack, "lan": lan,
         "seeds": seeds}[sys.argv[1]](sys.argv[1:])
    finally:
        for name, want, got in CHECKS:
            print("%s\t%s\t%s" % (name, want, got))
