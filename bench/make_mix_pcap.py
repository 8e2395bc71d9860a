#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Build the "ordinary mix" capture: a classic pcap (Ethernet,
microseconds) of at least 1,000,000 packets of home-network traffic with
ordinary packets per flow, the second input of issue 17's exporter goals
(bench/README.md, "Issue 17: the exporter, session 5").

Usage: python3 bench/make_mix_pcap.py [OUTPUT]
  OUTPUT  default bench/out/mix.pcap (next to this script)

bench/make_big_pcap.py merges real captures, which are heavy in scans,
floods and DNS (2.8 packets a flow, 5% DNS).  This one is made, not
captured (python3 standard library only, no clock, no random: a fixed
linear congruential generator, so the same bytes every time):

* 64 LAN clients (10.0.0.10-73) and a resolver (10.0.0.1) behind one
  router MAC; 2,000 servers (198.18.0.0/15, the benchmarking range of
  RFC 2544), server i named www.siteI.example.
* A session is a TCP connection from a client to a server on port 443
  or 80: handshake, a request, a response of N full-size segments with an
  acknowledgement every second segment, and a FIN exchange.  N is drawn
  from 2-8 (70% of TCP sessions), 10-40 (25%) and 80-300 (5%).  One
  session in ten is a QUIC-like UDP exchange of 20-200 datagrams instead.
* Every other session starts with the client's DNS query for the
  server's name (A record, one answer; one in four through a CNAME) sent
  to the resolver, so the flows the exporter labels are real lookups.
* Sessions start every 5 ms on average over the capture and their
  packets are 1-5 ms apart, so many overlap; the file is the time-merge.
* TCP and UDP checksums are left 0 (UDP: "no checksum"); the IPv4 header
  checksum is right.  No flow exporter compared here checks them.

It prints the packet count, the number of flows (bidirectional 5-tuples),
packets per flow, the DNS share of the packets and the file size.
"""

import heapq
import os
import struct
import sys

MIN_PACKETS = 1000000
CLIENTS = 64
SERVERS = 2000
ROUTER_MAC = bytes.fromhex("020000000001")
MSS = 1448
SPACING = 5000  # microseconds between session starts, on average


class Lcg:
    """Numerical Recipes' 32-bit LCG: deterministic, no module state."""

    def __init__(self, seed):
        self.x = seed & 0xFFFFFFFF

    def next(self):
        self.x = (1664525 * self.x + 1013904223) & 0xFFFFFFFF
        return self.x >> 8

    def range(self, lo, hi):
        return lo + self.next() % (hi - lo + 1)


def ip4(a, b, c, d):
    return bytes((a, b, c, d))


def client_addr(i):
    return ip4(10, 0, 0, 10 + i)


def client_mac(i):
    return bytes((0x02, 0x00, 0x00, 0x00, 0x10, i))


def server_addr(i):
    return ip4(198, 18 + (i >> 16), (i >> 8) & 0xFF, i & 0xFF)


RESOLVER = ip4(10, 0, 0, 1)


def csum(data):
    s = 0
    for i in range(0, len(data), 2):
        s += (data[i] << 8) | data[i + 1]
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv4(src, dst, proto, payload, ident):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident & 0xFFFF,
                      0x4000, 64, proto, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def frame(smac, dmac, ip):
    return dmac + smac + b"\x08\x00" + ip


def tcp(sport, dport, seq, ack, flags, plen):
    return struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF,
                       ack & 0xFFFFFFFF, 5 << 4, flags, 65535, 0, 0) + bytes(plen)


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def qname(name):
    out = b""
    for label in name.split("."):
        out += bytes((len(label),)) + label.encode()
    return out + b"\x00"


def dns_query(qid, name):
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + qname(name) + \
        struct.pack("!HH", 1, 1)


def dns_answer(qid, name, addr, cname):
    q = qname(name) + struct.pack("!HH", 1, 1)
    if cname:
        target = "edge." + name.split(".", 1)[1]
        rdata = qname(target)
        ans = b"\xc0\x0c" + struct.pack("!HHIH", 5, 1, 300, len(rdata)) + rdata
        ans += b"\xc0" + bytes((12 + len(q),)) + \
            struct.pack("!HHIH", 1, 1, 60, 4) + addr
        n = 2
    else:
        ans = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4) + addr
        n = 1
    return struct.pack("!HHHHHH", qid, 0x8180, 1, n, 0, 0) + q + ans


def session(k):
    """The packets of session k: a list of (time_us, frame)."""
    r = Lcg(k * 2654435761 + 7)
    c = k * 7 % CLIENTS
    # Popular servers more often: the square of a uniform draw.
    u = r.next() % 4096
    s = (u * u * SERVERS) >> 24
    caddr, cmac, saddr = client_addr(c), client_mac(c), server_addr(s)
    t = 10_000_000 + k * SPACING + r.range(0, SPACING - 1)
    pkts = []
    ident = r.next()

    def out(payload_ip, up):
        nonlocal ident
        ident += 1
        pkts.append((t, frame(cmac if up else ROUTER_MAC,
                              ROUTER_MAC if up else cmac, payload_ip)))

    if k % 2 == 0:
        name = "www.site%d.example" % s
        qid, sport = r.next() & 0xFFFF, 1024 + r.next() % 60000
        out(ipv4(caddr, RESOLVER, 17,
                 udp(sport, 53, dns_query(qid, name)), ident), True)
        t += r.range(1000, 20000)
        out(ipv4(RESOLVER, caddr, 17,
                 udp(53, sport, dns_answer(qid, name, saddr, k % 8 == 0)),
                 ident), False)
        t += r.range(200, 2000)
    sport = 32768 + r.next() % 28000
    if k % 10 == 5:  # QUIC-like
        n = r.range(20, 200)
        for i in range(n):
            up = i % 3 == 0
            size = 1200 if not up else r.range(40, 200)
            if up:
                out(ipv4(caddr, saddr, 17, udp(sport, 443, bytes(size)), ident), True)
            else:
                out(ipv4(saddr, caddr, 17, udp(443, sport, bytes(size)), ident), False)
            t += r.range(500, 5000)
        return pkts
    dport = 443 if r.next() % 4 else 80
    d = r.next() % 20
    n = r.range(2, 8) if d < 14 else (r.range(10, 40) if d < 19 else r.range(80, 300))
    cs, ss = r.next(), r.next()
    up = lambda fl, ln: out(ipv4(caddr, saddr, 6, tcp(sport, dport, cs, ss, fl, ln), ident), True)
    dn = lambda fl, ln: out(ipv4(saddr, caddr, 6, tcp(dport, sport, ss, cs, fl, ln), ident), False)
    up(0x02, 0)
    cs += 1
    t += r.range(5000, 40000)
    dn(0x12, 0)
    ss += 1
    t += r.range(100, 500)
    up(0x10, 0)
    req = r.range(200, 700)
    up(0x18, req)
    cs += req
    t += r.range(5000, 40000)
    for i in range(n):
        ln = MSS if i < n - 1 else r.range(100, MSS)
        dn(0x10 if i < n - 1 else 0x18, ln)
        ss += ln
        t += r.range(100, 2000)
        if i % 2 == 1 or i == n - 1:
            up(0x10, 0)
    t += r.range(1000, 50000)
    up(0x11, 0)
    cs += 1
    t += r.range(5000, 40000)
    dn(0x11, 0)
    ss += 1
    t += r.range(100, 500)
    up(0x10, 0)
    return pkts


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "out", "mix.pcap")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    heap, k, npk, ndns, nflows = [], 0, 0, 0, 0
    with open(out + ".tmp", "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        nbytes = 24
        # Sessions are made in start order; a packet is written once no
        # session still to be made can start before it.
        while npk < MIN_PACKETS or heap:
            if npk + len(heap) < MIN_PACKETS:
                for i, (ts, fr) in enumerate(session(k)):
                    heapq.heappush(heap, (ts, k, i, fr))
                nflows += 2 if k % 2 == 0 else 1
                ndns += 2 if k % 2 == 0 else 0
                k += 1
                horizon = 10_000_000 + k * SPACING
            else:
                horizon = None
            while heap and (horizon is None or heap[0][0] < horizon):
                ts, _, _, fr = heapq.heappop(heap)
                f.write(struct.pack("<IIII", ts // 1_000_000, ts % 1_000_000,
                                    len(fr), len(fr)))
                f.write(fr)
                nbytes += 16 + len(fr)
                npk += 1
    os.replace(out + ".tmp", out)
    print("%s: %d packets, %d flows (%.1f packets a flow), DNS %.1f%% of "
          "packets, %d bytes" % (out, npk, nflows, npk / nflows,
                                 100.0 * ndns / npk, nbytes))


if __name__ == "__main__":
    main()
