#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Build a DNS-heavy benchmark capture: a classic pcap (Ethernet,
microseconds) of synthetic LAN traffic in which about 40% of the packets
are DNS, for measuring what DNS labelling costs minflow-exporter.

Usage: python3 bench/make_dns_pcap.py [OUTPUT [VISITS]]
  OUTPUT  default bench/out/dns.pcap (next to this script)
  VISITS  default 60000 (about 10 packets each)

Deterministic (a fixed linear congruential generator, no clock): two runs
give the same bytes.  What a "visit" is:

* One of CLIENTS clients (10.1.x.y) looks a name up at the resolver
  10.0.0.53: an A query and an AAAA query (UDP, EDNS OPT), and their
  answers.  The names are h<N>.site<M>.example (NAMES of them, drawn with
  a skew towards the first ones, as popular sites are); a third of them
  answer through a CNAME to a CDN name; the A answer holds 1 to 4
  addresses (TTL 30 to 600 s), the AAAA answer 0 to 2; one name in 16 is
  NXDOMAIN and has no visit after it.
* Half the visits look up a second name (A and AAAA) that no connection
  follows (a blocked tracker, say).
* Then a TCP connection to one of the A addresses, port 443: SYN,
  SYN-ACK, ACK, a TLS ClientHello with the name in its SNI, 1 or 2 data
  segments answered by an ACK, FIN, FIN, ACK.

So the name cache (default 4096 entries, keyed by client and address)
keeps evicting, the query table fills and empties, and every flow is
labelled by DNS at export.  Checksums: IPv4 header checksums are right,
TCP and UDP checksums are 0 (minflow does not check them).
"""

import heapq
import os
import struct
import sys

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_big_pcap import csum16  # noqa: E402  (the same directory)

CLIENTS = 512
NAMES = 20000
RESOLVER = bytes([10, 0, 0, 53])
VISITS_PER_S = 100
MAC_C = bytes.fromhex("020000000001")
MAC_R = bytes.fromhex("020000000002")


class Lcg:
    """Numerical Recipes' 32-bit LCG: deterministic everywhere."""

    def __init__(self, seed):
        self.x = seed

    def next(self, n):
        self.x = (self.x * 1664525 + 1013904223) & 0xffffffff
        return (self.x >> 8) % n


def ipv4(src, dst, proto, payload, ident):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0,
                    64, proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", csum16(h)) + h[12:]
    return h + payload


def udp(sport, dport, data):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def tcp(sport, dport, seq, ack, flags, data=b""):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                       65535, 0, 0) + data


def name_wire(name):
    out = b""
    for label in name.split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def dns_query(qid, name, qtype):
    opt = b"\0" + struct.pack("!HHIH", 41, 1232, 0, 0)
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 1) + \
        name_wire(name) + struct.pack("!HH", qtype, 1) + opt


def dns_answer(qid, name, qtype, cname, addrs, ttl, rcode):
    """The answer: question, CNAME (pointer to the question), records."""
    recs, n = b"", 0
    owner = struct.pack("!H", 0xc00c)
    if cname and rcode == 0:
        target = name_wire(cname)
        recs += owner + struct.pack("!HHIH", 5, 1, ttl, len(target)) + target
        owner, n = struct.pack("!H", 0xc000 | (12 + len(name_wire(name)) +
                                               4 + 12)), 1
    for a in addrs:
        recs += owner + struct.pack("!HHIH", qtype, 1, ttl, len(a)) + a
        n += 1
    opt = b"\0" + struct.pack("!HHIH", 41, 1232, 0, 0)
    return struct.pack("!HHHHHH", qid, 0x8180 | rcode, 1, n, 0, 1) + \
        name_wire(name) + struct.pack("!HH", qtype, 1) + recs + opt


def client_hello(sni):
    """A TLS 1.2 ClientHello record with one server_name extension."""
    host = sni.encode()
    sn = struct.pack("!HBH", len(host) + 3, 0, len(host)) + host
    ext = struct.pack("!HH", 0, len(sn)) + sn
    body = b"\x03\x03" + bytes(32) + b"\0" + struct.pack("!H", 2) + \
        b"\x13\x01" + b"\x01\0" + struct.pack("!H", len(ext)) + ext
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs


class Writer:
    """Frames are queued and written in time order (visits overlap)."""

    def __init__(self, f):
        self.f = f
        self.packets = 0
        self.dns = 0
        self.ident = 0
        self.queue = []
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))

    def frame(self, t_us, src_mac, dst_mac, ethertype, payload):
        b = dst_mac + src_mac + struct.pack("!H", ethertype) + payload
        heapq.heappush(self.queue, (t_us, self.packets, b))
        self.packets += 1

    def flush(self, before_us):
        while self.queue and self.queue[0][0] < before_us:
            t_us, _, b = heapq.heappop(self.queue)
            self.f.write(struct.pack("<IIII", t_us // 1000000,
                                     t_us % 1000000, len(b), len(b)))
            self.f.write(b)

    def ip4(self, t_us, src, dst, proto, payload, to_client):
        self.ident = (self.ident + 1) & 0xffff
        macs = (MAC_R, MAC_C) if to_client else (MAC_C, MAC_R)
        self.frame(t_us, macs[0], macs[1], 0x0800,
                   ipv4(src, dst, proto, payload, self.ident))


def site(i):
    return "h%d.site%d.example" % (i, i % 997)


def addrs_of(i, n, v6):
    if v6:
        return [bytes.fromhex("20010db8%08x" % i) + bytes(7) +
                bytes([k + 1]) for k in range(n)]
    return [bytes([100 + (i >> 16) % 100, (i >> 8) & 255, i & 255, k + 1])
            for k in range(n)]


def lookup(w, rng, t, client, i, qid):
    """A and AAAA query and answer; returns the A addresses."""
    name, nx = site(i), i % 16 == 15
    cname = "e%d.cdn%d.example.net" % (i, i % 31) if i % 3 == 0 else None
    ttl = 30 + rng.next(571)
    sport = 1024 + rng.next(60000)
    res = []
    for qtype, v6 in ((1, False), (28, True)):
        n = 0 if nx else (1 + i % 4 if not v6 else i % 3)
        addrs = addrs_of(i, n, v6)
        q = dns_query(qid, name, qtype)
        a = dns_answer(qid, name, qtype, cname, addrs, ttl, 3 if nx else 0)
        w.ip4(t, client, RESOLVER, 17, udp(sport, 53, q), False)
        w.ip4(t + 900 + rng.next(9000), RESOLVER, client, 17,
              udp(53, sport, a), True)
        w.dns += 2
        t += 10000
        sport += 1
        if not v6:
            res = addrs
    return res, t


def connect(w, rng, t, client, server, name):
    cp, seq, sseq = 1024 + rng.next(60000), rng.next(1 << 30), 7
    rtt = 2000 + rng.next(30000)
    w.ip4(t, client, server, 6, tcp(cp, 443, seq, 0, 0x02), False)
    w.ip4(t + rtt, server, client, 6, tcp(443, cp, sseq, seq + 1, 0x12),
          True)
    t += rtt + 100
    w.ip4(t, client, server, 6, tcp(cp, 443, seq + 1, sseq + 1, 0x10), False)
    hello = client_hello(name)
    w.ip4(t + 50, client, server, 6,
          tcp(cp, 443, seq + 1, sseq + 1, 0x18, hello), False)
    seq += 1 + len(hello)
    sseq += 1
    for _ in range(1 + rng.next(2)):
        t += rtt
        data = bytes(200 + rng.next(1200))
        w.ip4(t, server, client, 6, tcp(443, cp, sseq, seq, 0x18, data),
              True)
        sseq += len(data)
        w.ip4(t + 100, client, server, 6, tcp(cp, 443, seq, sseq, 0x10),
              False)
    t += rtt
    w.ip4(t, client, server, 6, tcp(cp, 443, seq, sseq, 0x11), False)
    w.ip4(t + rtt, server, client, 6, tcp(443, cp, sseq, seq + 1, 0x11),
          True)
    w.ip4(t + rtt + 50, client, server, 6,
          tcp(cp, 443, seq + 1, sseq + 1, 0x10), False)


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    out = argv[1] if len(argv) > 1 else os.path.join(here, "out", "dns.pcap")
    visits = int(argv[2]) if len(argv) > 2 else 60000
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    rng = Lcg(6)
    with open(out, "wb") as f:
        w = Writer(f)
        for v in range(visits):
            t = 1700000000 * 1000000 + v * (1000000 // VISITS_PER_S)
            w.flush(t)  # later visits start later: these are final
            c = rng.next(CLIENTS)
            client = bytes([10, 1, c >> 8, c & 255])
            # Skewed popularity: the minimum of two draws.
            i = min(rng.next(NAMES), rng.next(NAMES))
            addrs, t = lookup(w, rng, t, client, i, v & 0xffff)
            if rng.next(2):
                # A name the page refers to, not fetched (blocked, cached).
                _, t = lookup(w, rng, t, client, rng.next(NAMES),
                              (v + 1) & 0xffff)
            if addrs:
                connect(w, rng, t, client, addrs[rng.next(len(addrs))],
                        site(i))
        w.flush(1 << 62)
    print("%d packets, %d DNS (%.0f%%), %d bytes" % (
        w.packets, w.dns, 100.0 * w.dns / max(w.packets, 1),
        os.path.getsize(out)))


if __name__ == "__main__":
    main(sys.argv)
