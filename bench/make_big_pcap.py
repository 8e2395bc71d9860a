#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Build the benchmark capture: a classic pcap (Ethernet, microseconds) of
at least 1,000,000 packets, made deterministically from the real captures
in shared/pcaps.

Usage: python3 bench/make_big_pcap.py [OUTPUT [PCAP_DIR]]
  OUTPUT    default bench/out/big.pcap (next to this script)
  PCAP_DIR  default $MF_SHARED_DIR/pcaps, else ../shared/pcaps from the
            top of the tree

How it is made (python3 standard library only, no clock, no random):

* A "round" is the time-merge of every Ethernet classic-pcap capture
  listed in ROUND_FILES, each rebased to the start of the round (gaps
  inside a file longer than MAX_GAP_US are shortened to MAX_GAP_US, which
  only matters for the two files whose clock jumps by years).  Every
  FLOOD_EVERY-th round (starting at FLOOD_FIRST) also contains
  tcp-syn-flood-spoofed.pcap: 37.8k spoofed one-packet flows in 24 s, the
  flow-cache pressure case.
* Round r starts where round r-1 ended plus one second, so time only
  increases, and the last byte of every unicast IPv4/IPv6 address is
  XORed with (r mod 256).  Round 0 is the unchanged captures.  The IPv4
  header checksum is recomputed and the TCP/UDP/ICMPv6 checksum is
  adjusted for the changed pseudo-header (RFC 1624), so no checksum is
  made wrong (a bad one in a source capture stays bad).  Multicast,
  broadcast and non-IP frames are copied unchanged.
* Rounds are added until the file holds at least MIN_PACKETS packets.

It prints the packet count, the number of distinct bidirectional
5-tuples (protocol, address pair, port pair) and the file size.
"""

import calendar
import heapq
import os
import struct
import sys

MIN_PACKETS = 1000000
MAX_GAP_US = 30 * 1000000
FLOOD_FILE = "tcp-syn-flood-spoofed.pcap"
FLOOD_FIRST = 8
FLOOD_EVERY = 16
ROUND_FILES = (
    "mixed-windows-browsing-http-https.pcap",
    "mixed-home-iot-telnet-hscan.pcap",
    "mobile-apps-http-timestamp-jumps.pcap",
    "dns-amplification-rrsig-fragmented.pcap",
    "nmap-tcp-connect-scan.pcap",
    "nmap-udp-scan.pcap",
    "masscan-tcp-ports-0-1000.pcap",
    "ssh-bruteforce.pcap",
    "dns-bad-traffic.pcap",
    "dns-tunnel-iodine.pcap",
    "icmp-ping-sweep.pcap",
    "ipv6-http.pcap",
    "vlan-dns.pcap",
)
# 2026-01-15 00:00:00 UTC
T0_US = calendar.timegm((2026, 1, 15, 0, 0, 0, 0, 0, 0)) * 1000000
OUT_SNAPLEN = 262144
LINKTYPE_ETHERNET = 1


class Pkt:
    """One source packet and what a round needs to rewrite it."""

    __slots__ = ("rel", "data", "wire", "ver", "ipoff", "ckoff", "key")

    def __init__(self, rel, data, wire):
        self.rel = rel      # microseconds since the start of the round
        self.data = data    # captured bytes
        self.wire = wire    # original length
        self.ver = 0        # 4 or 6 when the addresses are rewritten
        self.ipoff = 0      # offset of the IP header
        self.ckoff = -1     # offset of a pseudo-header checksum, or -1
        self.key = None     # bidirectional 5-tuple, or None


def read_pcap(path):
    """Yield (ts_us, captured bytes, wire length) of a classic pcap."""
    with open(path, "rb") as f:
        hdr = f.read(24)
        if len(hdr) < 24:
            raise ValueError("%s: short file" % path)
        magic = hdr[:4]
        table = {
            b"\xd4\xc3\xb2\xa1": ("<", 1), b"\xa1\xb2\xc3\xd4": (">", 1),
            b"\x4d\x3c\xb2\xa1": ("<", 1000), b"\xa1\xb2\x3c\x4d": (">", 1000),
        }
        if magic not in table:
            raise ValueError("%s: not a classic pcap file" % path)
        endian, div = table[magic]
        linktype = struct.unpack(endian + "I", hdr[20:24])[0] & 0x0FFFFFFF
        if linktype != LINKTYPE_ETHERNET:
            raise ValueError("%s: link type %d, not Ethernet" % (path, linktype))
        rec = struct.Struct(endian + "IIII")
        while True:
            h = f.read(16)
            if len(h) < 16:
                return
            sec, frac, caplen, wire = rec.unpack(h)
            data = f.read(caplen)
            if len(data) < caplen:
                return
            yield sec * 1000000 + frac // div, data, wire


def find_ip(d):
    """Offset of the IP header in an Ethernet frame (VLAN, QinQ, MPLS,
    PPPoE followed), or -1."""
    off, et = 14, -1
    if len(d) >= 14:
        et = (d[12] << 8) | d[13]
    for _ in range(8):
        if et in (0x8100, 0x88A8, 0x9100) and len(d) >= off + 4:
            et = (d[off + 2] << 8) | d[off + 3]
            off += 4
        elif et in (0x8847, 0x8848):
            while len(d) >= off + 4:
                bos = d[off + 2] & 1
                off += 4
                if bos:
                    break
            if len(d) <= off:
                return -1
            v = d[off] >> 4
            return off if v in (4, 6) else -1
        elif et == 0x8864 and len(d) >= off + 8:
            ppp = (d[off + 6] << 8) | d[off + 7]
            off += 8
            et = {0x0021: 0x0800, 0x0057: 0x86DD}.get(ppp, -1)
        else:
            break
    if et in (0x0800, 0x86DD) and len(d) > off:
        return off
    return -1


def unicast4(a):
    return a[0] < 224 and a[3] != 255


def unicast6(a):
    return a[0] != 0xFF


def classify(p):
    """Fill p.ver/ipoff/ckoff/key."""
    d = p.data
    off = find_ip(d)
    if off < 0:
        return
    v = d[off] >> 4
    if v == 4 and len(d) >= off + 20:
        ihl = (d[off] & 15) * 4
        if ihl < 20 or len(d) < off + ihl:
            return
        proto = d[off + 9]
        frag = ((d[off + 6] << 8) | d[off + 7]) & 0x1FFF
        src, dst = bytes(d[off + 12:off + 16]), bytes(d[off + 16:off + 20])
        l4 = off + ihl
        p.ver, p.ipoff = 4, off
        ckpos = {6: 16, 17: 6}.get(proto)
        if proto in (33, 136):  # DCCP, UDP-Lite: leave them alone
            p.ver = 0
        elif ckpos is not None and frag == 0 and len(d) >= l4 + ckpos + 2:
            p.ckoff = l4 + ckpos
    elif v == 6 and len(d) >= off + 40:
        proto = d[off + 6]
        src, dst = bytes(d[off + 8:off + 24]), bytes(d[off + 24:off + 40])
        l4 = off + 40
        frag = 0
        ckpos = {6: 16, 17: 6, 58: 2}.get(proto)
        if ckpos is None:  # extension headers: copy unchanged
            return
        p.ver, p.ipoff = 6, off
        if len(d) >= l4 + ckpos + 2:
            p.ckoff = l4 + ckpos
    else:
        return
    sport = dport = 0
    if frag == 0 and proto in (6, 17, 132) and len(d) >= l4 + 4:
        sport = (d[l4] << 8) | d[l4 + 1]
        dport = (d[l4 + 2] << 8) | d[l4 + 3]
    a, b = (src, sport), (dst, dport)
    p.key = (proto,) + ((a, b) if a <= b else (b, a))


def csum16(b):
    s = 0
    for i in range(0, len(b) - 1, 2):
        s += (b[i] << 8) | b[i + 1]
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ones_add(a, b):
    s = a + b
    return (s & 0xFFFF) + (s >> 16)


def rewrite(p, x):
    """Captured bytes of p for round xor value x (1..255)."""
    d = bytearray(p.data)
    o = p.ipoff
    if p.ver == 4:
        pos = (o + 15, o + 19)
        uni = (unicast4(d[o + 12:o + 16]), unicast4(d[o + 16:o + 20]))
    else:
        pos = (o + 23, o + 39)
        uni = (unicast6(d[o + 8:o + 24]), unicast6(d[o + 24:o + 40]))
    hc = None
    if p.ckoff >= 0:
        hc = (d[p.ckoff] << 8) | d[p.ckoff + 1]
        if hc == 0 and p.ver == 4 and d[o + 9] == 17:
            hc = None  # UDP over IPv4 without a checksum
    acc = 0 if hc is None else (~hc) & 0xFFFF
    for i, u in zip(pos, uni):
        if not u:
            continue
        old = d[i]
        d[i] = old ^ x
        if hc is not None:  # RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m')
            word_old = (d[i - 1] << 8) | old
            word_new = (d[i - 1] << 8) | d[i]
            acc = ones_add(acc, (~word_old) & 0xFFFF)
            acc = ones_add(acc, word_new)
    if hc is not None:
        nc = (~acc) & 0xFFFF
        if nc == 0 and d[o + 9 if p.ver == 4 else o + 6] == 17:
            nc = 0xFFFF
        d[p.ckoff], d[p.ckoff + 1] = nc >> 8, nc & 0xFF
    if p.ver == 4:
        ihl = (d[o] & 15) * 4
        d[o + 10] = d[o + 11] = 0
        c = csum16(d[o:o + ihl])
        d[o + 10], d[o + 11] = c >> 8, c & 0xFF
    return bytes(d)


def xor_key(key, x):
    """The 5-tuple key of round xor value x."""
    proto, (a, pa), (b, pb) = key

    def f(addr):
        if (len(addr) == 4 and unicast4(addr)) or (
                len(addr) == 16 and unicast6(addr)):
            return addr[:-1] + bytes((addr[-1] ^ x,))
        return addr
    a2, b2 = (f(a), pa), (f(b), pb)
    return (proto,) + ((a2, b2) if a2 <= b2 else (b2, a2))


def load(path):
    """Packets of one capture, times relative to its first packet."""
    pkts, first, prev, rel = [], None, None, 0
    for ts, data, wire in read_pcap(path):
        if first is None:
            first = prev = ts
        gap = ts - prev
        rel += min(max(gap, 0), MAX_GAP_US)
        prev = ts
        p = Pkt(rel, data, wire)
        classify(p)
        pkts.append(p)
    return pkts


def merge(files):
    """One round: the packets of every file merged by time (stable)."""
    streams = [[(p.rel, n, i, p) for i, p in enumerate(pk)]
               for n, pk in enumerate(files)]
    return [t[3] for t in heapq.merge(*streams)]


def default_pcap_dir(here):
    env = os.environ.get("MF_SHARED_DIR")
    if env:
        return os.path.join(env, "pcaps")
    return os.path.normpath(os.path.join(here, "..", "..", "shared", "pcaps"))


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    out = argv[1] if len(argv) > 1 else os.path.join(here, "out", "big.pcap")
    pdir = argv[2] if len(argv) > 2 else default_pcap_dir(here)
    base = [load(os.path.join(pdir, f)) for f in ROUND_FILES]
    flood = load(os.path.join(pdir, FLOOD_FILE))
    plain_round = merge(base)
    flood_round = merge(base + [flood])
    keys_plain = {p.key for p in plain_round if p.key is not None}
    keys_flood = {p.key for p in flood_round if p.key is not None}

    os.makedirs(os.path.dirname(os.path.abspath(out)) or ".", exist_ok=True)
    tmp = out + ".tmp"
    rec = struct.Struct("<IIII")
    npkts, r, start, tuples = 0, 0, T0_US, set()
    with open(tmp, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0,
                            OUT_SNAPLEN, LINKTYPE_ETHERNET))
        while npkts < MIN_PACKETS:
            if r >= 10000:
                raise RuntimeError("too many rounds")
            is_flood = r % FLOOD_EVERY == FLOOD_FIRST
            rnd = flood_round if is_flood else plain_round
            x = r % 256
            buf = []
            for p in rnd:
                ts = start + p.rel
                data = rewrite(p, x) if (x and p.ver) else p.data
                buf.append(rec.pack(ts // 1000000, ts % 1000000, len(data),
                                    p.wire))
                buf.append(data)
            f.write(b"".join(buf))
            npkts += len(rnd)
            for k in (keys_flood if is_flood else keys_plain):
                tuples.add(xor_key(k, x) if x else k)
            start += rnd[-1].rel + 1000000
            r += 1
    os.replace(tmp, out)
    size = os.path.getsize(out)
    print("%s: %d packets in %d rounds (%d with the SYN flood), "
          "%d distinct bidirectional 5-tuples, %d bytes, %.1f s of traffic"
          % (out, npkts, r, sum(1 for i in range(r)
                                if i % FLOOD_EVERY == FLOOD_FIRST),
             len(tuples), size, (start - T0_US) / 1e6))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
