#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Generate tests/data/sample.pcap: a small, synthetic but realistic
home-network capture used by the minflow demo and integration tests.

Deterministic: no clock, no random module, no dict-order surprises; every
"random" value comes from SHA-256 of a fixed label. Running it twice gives
byte-identical output.

Usage: python3 tests/data/gen_sample.py [OUTPUT]   (default: sample.pcap
next to this script)

Classic libpcap format, little-endian, microsecond timestamps, LINKTYPE
ETHERNET (1), snaplen 65535. Frames shorter than 60 bytes are zero-padded
to 60 (as a switch mirror port delivers them), so frame length != IP length
for small packets. See README.md for the contents.
"""

import calendar
import hashlib
import os
import struct
import sys
import zlib

# 2026-01-15 10:00:00 UTC
T0_SEC = calendar.timegm((2026, 1, 15, 10, 0, 0, 0, 0, 0))
US = 1000000  # microseconds per second


def sec(s):
    """seconds (int or decimal string) -> integer microseconds, no floats."""
    if isinstance(s, int):
        return s * US
    whole, _, frac = s.partition(".")
    return int(whole) * US + int((frac + "000000")[:6])


# ---------------------------------------------------------------------------
# deterministic pseudo-random bytes


def prb(label, n):
    """n pseudo-random bytes derived from label (SHA-256 in counter mode)."""
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(("%s/%d" % (label, i)).encode()).digest()
        i += 1
    return out[:n]


def pri(label, lo, hi):
    """pseudo-random int in [lo, hi] derived from label."""
    v = int.from_bytes(prb(label, 8), "big")
    return lo + v % (hi - lo + 1)


# ---------------------------------------------------------------------------
# addresses


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def ip6(s):
    # minimal inet_pton for the "::" forms used here
    if "::" in s:
        head, tail = s.split("::")
        h = [x for x in head.split(":") if x]
        t = [x for x in tail.split(":") if x]
        groups = h + ["0"] * (8 - len(h) - len(t)) + t
    else:
        groups = s.split(":")
    assert len(groups) == 8, s
    return b"".join(struct.pack("!H", int(g, 16)) for g in groups)


BCAST = mac("ff:ff:ff:ff:ff:ff")
# RFC 7042 documentation MAC range 00-00-5E-00-53-xx
MAC_ROUTER = mac("00:00:5e:00:53:01")
MAC_NAS = mac("00:00:5e:00:53:05")
MAC_LAPTOP = mac("00:00:5e:00:53:10")
MAC_PHONE = mac("00:00:5e:00:53:17")
MAC_PLUG = mac("00:00:5e:00:53:1e")
MAC_IOT = mac("00:00:5e:00:53:32")
MAC_CAM = mac("00:00:5e:00:53:a0")

ROUTER = "192.168.1.1"
NAS = "192.168.1.5"
LAPTOP = "192.168.1.10"
PHONE = "192.168.1.23"
PLUG = "192.168.1.30"
IOT = "192.168.1.50"
CAM = "192.168.10.20"  # guest/IoT VLAN 10, 192.168.10.0/24
ROUTER6 = "fd00:1::1"
LAPTOP6 = "fd00:1::10"

MACS = {
    ROUTER: MAC_ROUTER, NAS: MAC_NAS, LAPTOP: MAC_LAPTOP, PHONE: MAC_PHONE,
    PLUG: MAC_PLUG, IOT: MAC_IOT, CAM: MAC_CAM, ROUTER6: MAC_ROUTER,
    LAPTOP6: MAC_LAPTOP,
}


def mac_of(addr):
    """MAC used on the LAN for addr; off-link addresses go via the router."""
    return MACS.get(addr, MAC_ROUTER)


# ---------------------------------------------------------------------------
# checksums and headers


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def is6(addr):
    return ":" in addr


def pseudo(src, dst, proto, length):
    if is6(src):
        return ip6(src) + ip6(dst) + struct.pack("!IxxxB", length, proto)
    return ip4(src) + ip4(dst) + struct.pack("!xBH", proto, length)


def l4_with_csum(src, dst, proto, seg, off):
    """insert the pseudo-header checksum at byte offset off of seg."""
    c = csum(pseudo(src, dst, proto, len(seg)) + seg)
    if proto == 17 and c == 0:
        c = 0xFFFF
    return seg[:off] + struct.pack("!H", c) + seg[off + 2:]


IP_IDS = {}


def next_ipid(src):
    if src not in IP_IDS:
        IP_IDS[src] = pri("ipid/" + src, 0, 0xFFFF)
    IP_IDS[src] = (IP_IDS[src] + 1) & 0xFFFF
    return IP_IDS[src]


def ipv4_hdr(src, dst, proto, paylen, ident, ttl=64, df=True, mf=False,
             frag_off=0, tos=0):
    flags = (0x4000 if df else 0) | (0x2000 if mf else 0) | (frag_off // 8)
    h = struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + paylen, ident, flags,
                    ttl, proto, 0, ip4(src), ip4(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:]


def ip_packet(src, dst, proto, seg, ttl=64, df=True, tos=0):
    if is6(src):
        return struct.pack("!IHBB16s16s", 0x60000000 | (tos << 20),
                           len(seg), proto, ttl, ip6(src), ip6(dst)) + seg
    return ipv4_hdr(src, dst, proto, len(seg), next_ipid(src), ttl, df,
                    tos=tos) + seg


def ether(dst, src, ethertype, payload, vlan=None):
    if vlan is not None:
        f = dst + src + struct.pack("!HHH", 0x8100, vlan, ethertype) + payload
    else:
        f = dst + src + struct.pack("!H", ethertype) + payload
    if len(f) < 60:
        f += b"\0" * (60 - len(f))
    return f


# ---------------------------------------------------------------------------
# capture buffer

FRAMES = []  # (time_us, seq, frame)


def emit(t_us, frame):
    FRAMES.append((t_us, len(FRAMES), frame))


def send_ip(t_us, src, dst, proto, seg, ttl=64, df=True, vlan=None, tos=0):
    pkt = ip_packet(src, dst, proto, seg, ttl, df, tos)
    emit(t_us, ether(mac_of(dst), mac_of(src),
                     0x86DD if is6(src) else 0x0800, pkt, vlan))


def udp(t_us, src, dst, sport, dport, payload, ttl=64, vlan=None, df=True):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    seg = l4_with_csum(src, dst, 17, seg, 6)
    send_ip(t_us, src, dst, 17, seg, ttl, df, vlan)


# ---------------------------------------------------------------------------
# TCP


class Tcp:
    """One TCP connection with consistent seq/ack, timestamps and windows."""

    def __init__(self, name, cli, cport, srv, sport, rtt_us, srv_ttl=56):
        self.name = name
        self.cli, self.cport, self.srv, self.sport = cli, cport, srv, sport
        self.rtt = rtt_us
        self.seq = {0: pri(name + "/isn0", 0, 2**32 - 1),
                    1: pri(name + "/isn1", 0, 2**32 - 1)}
        self.tsbase = {0: pri(name + "/ts0", 10**6, 2**31),
                       1: pri(name + "/ts1", 10**6, 2**31)}
        self.lastts = {0: 0, 1: 0}
        self.ttl = {0: 64, 1: srv_ttl}
        self.mss = 1220 if is6(cli) else 1448  # payload per segment (w/ TS)

    def _seg(self, t, d, flags, payload=b"", syn_opts=False):
        """d = 0: client -> server, d = 1: server -> client."""
        src, dst = (self.cli, self.srv) if d == 0 else (self.srv, self.cli)
        sp, dp = (self.cport, self.sport) if d == 0 else (self.sport, self.cport)
        tsval = (self.tsbase[d] + t // 1000) & 0xFFFFFFFF
        if syn_opts:
            mss = 1440 if is6(src) else 1460
            opts = struct.pack("!BBH", 2, 4, mss) + b"\x04\x02"
            opts += struct.pack("!BBII", 8, 10, tsval, self.lastts[1 - d])
            opts += b"\x01\x03\x03\x07"
            win = 64240 if d == 0 else 65160
        else:
            opts = b"\x01\x01" + struct.pack("!BBII", 8, 10, tsval,
                                             self.lastts[1 - d])
            win = 502 if d == 0 else 509
        self.lastts[d] = tsval
        ack = self.seq[1 - d] if flags & 0x10 else 0
        hl = (20 + len(opts)) // 4
        seg = struct.pack("!HHIIBBHHH", sp, dp, self.seq[d], ack, hl << 4,
                          flags, win, 0, 0) + opts + payload
        seg = l4_with_csum(src, dst, 6, seg, 16)
        send_ip(t, src, dst, 6, seg, ttl=self.ttl[d])
        self.seq[d] = (self.seq[d] + len(payload) +
                       (1 if flags & 0x03 else 0)) & 0xFFFFFFFF

    def handshake(self, t):
        self._seg(t, 0, 0x02, syn_opts=True)
        self._seg(t + self.rtt // 2, 1, 0x12, syn_opts=True)
        self._seg(t + self.rtt, 0, 0x10)
        return t + self.rtt

    def data(self, t, d, payload, gap_us=120):
        """send payload from side d in MSS-sized PSH/ACK segments; the
        receiver ACKs every second segment and the last one. Returns the
        time the last ACK is sent."""
        chunks = [payload[i:i + self.mss]
                  for i in range(0, len(payload), self.mss)]
        for i, c in enumerate(chunks):
            last = i == len(chunks) - 1
            self._seg(t, d, 0x18 if last else 0x10, c)
            if i % 2 == 1 or last:
                self._seg(t + self.rtt // 2 + 40, 1 - d, 0x10)
            t += gap_us
        return t + self.rtt // 2 + 40

    def data_noack(self, t, d, payload):
        self._seg(t, d, 0x18, payload)

    def ack(self, t, d):
        self._seg(t, d, 0x10)

    def close(self, t, d=0):
        """d sends FIN, peer answers FIN/ACK, d ACKs."""
        self._seg(t, d, 0x11)
        self._seg(t + self.rtt // 2, 1 - d, 0x11)
        self._seg(t + self.rtt, d, 0x10)
        return t + self.rtt


# ---------------------------------------------------------------------------
# DNS


class DnsMsg:
    def __init__(self, ident, flags):
        self.ident, self.flags = ident, flags
        self.body = b""
        self.comp = {}
        self.counts = [0, 0, 0, 0]

    def name(self, n):
        off = 12 + len(self.body)
        labels = n.rstrip(".").split(".") if n not in ("", ".") else []
        out = b""
        for i in range(len(labels)):
            suffix = ".".join(labels[i:]).lower()
            if suffix in self.comp:
                return out + struct.pack("!H", 0xC000 | self.comp[suffix])
            if off + len(out) < 0x3FFF:
                self.comp[suffix] = off + len(out)
            out += bytes([len(labels[i])]) + labels[i].encode()
        return out + b"\0"

    def question(self, qname, qtype):
        self.body += self.name(qname)
        self.body += struct.pack("!HH", qtype, 1)
        self.counts[0] += 1

    def rr(self, section, rname, rtype, ttl, rdata_fn):
        self.body += self.name(rname)
        self.body += struct.pack("!HHI", rtype, 1, ttl)
        lenpos = len(self.body)
        self.body += b"\0\0"
        rdata = rdata_fn()
        self.body = (self.body[:lenpos] + struct.pack("!H", len(rdata)) +
                     self.body[lenpos + 2:] + rdata)
        self.counts[section] += 1

    def a(self, rname, ttl, addr):
        self.rr(1, rname, 1, ttl, lambda: ip4(addr))

    def aaaa(self, rname, ttl, addr):
        self.rr(1, rname, 28, ttl, lambda: ip6(addr))

    def cname(self, rname, ttl, target):
        self.rr(1, rname, 5, ttl, lambda: self.name(target))

    def txt(self, rname, ttl, strings):
        self.rr(1, rname, 16, ttl, lambda: b"".join(
            bytes([len(s)]) + s for s in strings))

    def soa(self, rname, ttl, mname, rname2, serial):
        def rd():
            r = self.name(mname)
            r += self.name(rname2)
            return r + struct.pack("!IIIII", serial, 7200, 3600, 1209600, 3600)
        self.rr(2, rname, 6, ttl, rd)

    def opt(self, udpsize=1232):
        self.body += b"\0" + struct.pack("!HHIH", 41, udpsize, 0, 0)
        self.counts[3] += 1

    def bytes(self):
        return struct.pack("!HHHHHH", self.ident, self.flags,
                           *self.counts) + self.body


def dns_query(ident, qname, qtype, edns=True):
    m = DnsMsg(ident, 0x0100)  # RD
    m.question(qname, qtype)
    if edns:
        m.opt(1232)
    return m


def dns_response(ident, qname, qtype, rcode=0):
    m = DnsMsg(ident, 0x8180 | rcode)  # QR RD RA
    m.question(qname, qtype)
    return m


def dns_exchange(t, cli, cport, srv, qname, qtype, fill, delay_us=9000,
                 vlan=None):
    ident = pri("dnsid/%s/%s/%d" % (qname, cli, qtype), 0, 0xFFFF)
    q = dns_query(ident, qname, qtype)
    udp(t, cli, srv, cport, 53, q.bytes(), vlan=vlan)
    r = dns_response(ident, qname, qtype)
    rc = fill(r)
    if rc:
        r.flags |= rc
    r.opt(1232)
    udp(t + delay_us, srv, cli, 53, cport, r.bytes(), vlan=vlan)


def eport(label):
    """ephemeral port (Linux range)."""
    return pri("port/" + label, 32768, 60999)


# ---------------------------------------------------------------------------
# traffic pieces


def arp_request(t, smac, sip, tip):
    p = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, smac, ip4(sip),
                    b"\0" * 6, ip4(tip))
    emit(t, ether(BCAST, smac, 0x0806, p))


def http_body(label, n):
    words = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do "
             "eiusmod tempor incididunt ut labore et dolore magna aliqua").split()
    out = []
    i = 0
    size = 0
    while size < n:
        w = words[pri("%s/%d" % (label, i), 0, len(words) - 1)]
        out.append(w)
        size += len(w) + 1
        i += 1
    return (" ".join(out)).encode()[:n]


def http_get(c, t, host, path, ua, body, ctype, keep_alive=True):
    req = ("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\n"
           "Accept: */*\r\nAccept-Encoding: identity\r\n"
           "Connection: %s\r\n\r\n" %
           (path, host, ua, "keep-alive" if keep_alive else "close")).encode()
    t = c.data(t, 0, req)
    hdr = ("HTTP/1.1 200 OK\r\nDate: Thu, 15 Jan 2026 10:00:%02d GMT\r\n"
           "Server: nginx\r\nContent-Type: %s\r\nContent-Length: %d\r\n"
           "Cache-Control: max-age=3600\r\n\r\n" %
           ((t // US) % 60, ctype, len(body))).encode()
    return c.data(t + 2500, 1, hdr + body)


def html_page(title, n):
    head = ("<!doctype html>\n<html><head><title>%s</title>"
            "<link rel=\"stylesheet\" href=\"/style.css\"></head><body><p>" %
            title).encode()
    tail = b"</p></body></html>\n"
    return head + http_body("html/" + title, n - len(head) - len(tail)) + tail


def tls_client_hello(sni, label):
    def ext(typ, data):
        return struct.pack("!HH", typ, len(data)) + data

    host = sni.encode()
    sni_list = struct.pack("!BH", 0, len(host)) + host
    exts = ext(0, struct.pack("!H", len(sni_list)) + sni_list)
    exts += ext(23, b"")                                   # extended_master_secret
    exts += ext(0xFF01, b"\0")                             # renegotiation_info
    groups = struct.pack("!HHHH", 0x001D, 0x0017, 0x0018, 0x0019)
    exts += ext(10, struct.pack("!H", len(groups)) + groups)  # supported_groups
    exts += ext(11, b"\x01\x00")                           # ec_point_formats
    alpn = b"\x02h2\x08http/1.1"
    exts += ext(16, struct.pack("!H", len(alpn)) + alpn)   # ALPN
    sigs = struct.pack("!8H", 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501,
                       0x0806, 0x0601)
    exts += ext(13, struct.pack("!H", len(sigs)) + sigs)   # signature_algorithms
    ks = struct.pack("!HH", 0x001D, 32) + prb(label + "/x25519", 32)
    exts += ext(51, struct.pack("!H", len(ks)) + ks)       # key_share
    exts += ext(45, b"\x01\x01")                           # psk_key_exchange_modes
    exts += ext(43, b"\x04\x03\x04\x03\x03")               # supported_versions
    suites = struct.pack("!9H", 0x1301, 0x1303, 0x1302, 0xC02B, 0xC02F,
                         0xCCA9, 0xCCA8, 0xC02C, 0xC030)
    body = struct.pack("!H", 0x0303) + prb(label + "/random", 32)
    body += b"\x20" + prb(label + "/sid", 32)
    body += struct.pack("!H", len(suites)) + suites + b"\x01\x00"
    body += struct.pack("!H", len(exts)) + exts
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    return struct.pack("!BHH", 22, 0x0301, len(hs)) + hs


def tls_server_hello(label, client_label):
    exts = struct.pack("!HHH", 43, 2, 0x0304)
    ks = struct.pack("!HH", 0x001D, 32) + prb(label + "/x25519", 32)
    exts += struct.pack("!HH", 51, len(ks)) + ks
    body = struct.pack("!H", 0x0303) + prb(label + "/random", 32)
    body += b"\x20" + prb(client_label + "/sid", 32)
    body += struct.pack("!HB", 0x1301, 0)
    body += struct.pack("!H", len(exts)) + exts
    hs = b"\x02" + struct.pack("!I", len(body))[1:] + body
    return struct.pack("!BHH", 22, 0x0303, len(hs)) + hs


def tls_ccs():
    return b"\x14\x03\x03\x00\x01\x01"


def tls_appdata(label, n):
    return struct.pack("!BHH", 23, 0x0303, n) + prb(label, n)


def ssh_packet(payload, label, block=8):
    padlen = block - ((5 + len(payload)) % block)
    if padlen < 4:
        padlen += block
    return struct.pack("!IB", 1 + len(payload) + padlen, padlen) + payload + \
        prb(label + "/pad", padlen)


def ssh_string(b):
    return struct.pack("!I", len(b)) + b


def ssh_kexinit(label, server):
    kex = (b"curve25519-sha256,curve25519-sha256@libssh.org,"
           b"ecdh-sha2-nistp256,diffie-hellman-group14-sha256")
    if not server:
        kex += b",ext-info-c,kex-strict-c-v00@openssh.com"
    else:
        kex += b",kex-strict-s-v00@openssh.com"
    hostkey = b"ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256"
    enc = b"chacha20-poly1305@openssh.com,aes128-ctr,aes256-gcm@openssh.com"
    macs = b"umac-64-etm@openssh.com,hmac-sha2-256-etm@openssh.com"
    comp = b"none,zlib@openssh.com"
    p = b"\x14" + prb(label + "/cookie", 16)
    for nl in (kex, hostkey, enc, enc, macs, macs, comp, comp, b"", b""):
        p += ssh_string(nl)
    p += b"\x00" + b"\0\0\0\0"
    return ssh_packet(p, label)


def png_image(label, n):
    """syntactically valid PNG (IHDR, tEXt, IDAT, IEND; CRCs correct) of
    about n bytes; the IDAT content is filler, not a real deflate stream."""
    def chunk(typ, data):
        return struct.pack("!I", len(data)) + typ + data + \
            struct.pack("!I", zlib.crc32(typ + data) & 0xFFFFFFFF)
    out = b"\x89PNG\r\n\x1a\n"
    out += chunk(b"IHDR", struct.pack("!IIBBBBB", 180, 60, 8, 6, 0, 0, 0))
    out += chunk(b"tEXt", b"Software\0minflow sample")
    out += chunk(b"IDAT", prb(label, n - len(out) - 12 - 12))
    return out + chunk(b"IEND", b"")


def ntp_ts(t_us):
    secs = T0_SEC + t_us // US + 2208988800
    frac = ((t_us % US) << 32) // US
    return struct.pack("!II", secs, frac)


# ---------------------------------------------------------------------------
# the scenario


def build():
    UA = "Mozilla/5.0 (X11; Linux x86_64; rv:134.0) Gecko/20100101 Firefox/134.0"
    UA_PHONE = ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 "
                "(KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36")

    # 0.2 s: the phone ARPs for its gateway (the only non-IP frame)
    arp_request(sec("0.2"), MAC_PHONE, PHONE, ROUTER)

    # 0.5 s: smart plug resolves its MQTT broker and keeps a connection open
    # until the end of the capture, publishing every 5 s (long-lived flow,
    # > 70 s, never closed: exercises the 60 s active timeout).
    t = sec("0.5")
    pport = eport("plug-dns")
    dns_exchange(t, PLUG, pport, ROUTER, "mqtt.example.net", 1,
                 lambda r: r.a("mqtt.example.net", 300, "198.51.100.30"))
    mq = Tcp("mqtt", PLUG, eport("mqtt"), "198.51.100.30", 1883, 24000)
    t = mq.handshake(sec("0.52"))
    cid = b"plug-livingroom"
    vh = ssh_string(b"MQTT")[2:] + b"\x04\x02\x00\x3c"  # level 4, clean, ka 60
    payload = struct.pack("!H", len(cid)) + cid
    connect = b"\x10" + bytes([len(vh) + len(payload)]) + vh + payload
    mq.data_noack(t + 200, 0, connect)
    mq.data_noack(t + 200 + 24000, 1, b"\x20\x02\x00\x00")  # CONNACK
    mq.ack(t + 200 + 24000 + 300, 0)
    for i in range(28):  # 28 publishes, 5 s apart: 2 s .. 137 s
        tp = sec(2) + i * sec(5) + pri("mqjit/%d" % i, 0, 40000)
        topic = b"home/livingroom/plug/power"
        msg = ('{"w":%d.%d,"on":true}' %
               (pri("w/%d" % i, 20, 95), pri("wd/%d" % i, 0, 9))).encode()
        body = struct.pack("!H", len(topic)) + topic + msg
        mq.data_noack(tp, 0, b"\x30" + bytes([len(body)]) + body)
        mq.ack(tp + 24000, 1)

    # 2.0 s: laptop resolves www.example.com (A and AAAA) and fetches the
    # page over IPv6 (happy eyeballs prefers v6).
    t = sec("2.0")
    lport = eport("laptop-dns-www")
    dns_exchange(t, LAPTOP, lport, ROUTER, "www.example.com", 1,
                 lambda r: r.a("www.example.com", 3600, "198.51.100.10"))
    dns_exchange(t + 150, LAPTOP, eport("laptop-dns-www6"), ROUTER,
                 "www.example.com", 28,
                 lambda r: r.aaaa("www.example.com", 3600, "2001:db8::10"),
                 delay_us=9800)
    c = Tcp("http6", LAPTOP6, eport("http6"), "2001:db8::10", 80, 31000)
    t = c.handshake(sec("2.012"))
    t = http_get(c, t + 300, "www.example.com", "/", UA,
                 html_page("Example Domain", 5200), "text/html")
    t = http_get(c, t + sec("0.02"), "www.example.com", "/favicon.ico", UA,
                 prb("favicon", 1150), "image/x-icon")
    c.close(t + sec(2), 0)

    # 5.0 s: static.example.org -> CNAME chain -> 203.0.113.45, HTTP/IPv4
    t = sec("5.0")

    def chain(r):
        r.cname("static.example.org", 300, "cdn.example.net")
        r.cname("cdn.example.net", 60, "edge7.cdn.example.net")
        r.a("edge7.cdn.example.net", 60, "203.0.113.45")
    dns_exchange(t, LAPTOP, eport("laptop-dns-static"), ROUTER,
                 "static.example.org", 1, chain, delay_us=21000)
    c = Tcp("http-cdn", LAPTOP, eport("http-cdn"), "203.0.113.45", 80, 18000)
    t = c.handshake(sec("5.025"))
    t = http_get(c, t + 250, "static.example.org", "/img/logo.png", UA,
                 png_image("logo", 14000), "image/png")
    t = http_get(c, t + sec("0.01"), "static.example.org", "/css/site.css",
                 UA, http_body("css", 2300), "text/css")
    c.close(t + sec("4.5"), 1)  # server closes the idle keep-alive

    # 8.0 s: NXDOMAIN
    def nx(r):
        r.soa("example.com", 3600, "ns.icann.org", "noc.dns.icann.org",
              2026011501)
        return 3
    dns_exchange(sec("8.0"), LAPTOP, eport("laptop-dns-nx"), ROUTER,
                 "nonexistent.example.com", 1, nx, delay_us=33000)

    # 10.0 s: HTTPS (TLS 1.3 ClientHello with SNI api.example.com)
    t = sec("10.0")
    dns_exchange(t, LAPTOP, eport("laptop-dns-api"), ROUTER,
                 "api.example.com", 1,
                 lambda r: r.a("api.example.com", 300, "198.51.100.20"))
    c = Tcp("https", LAPTOP, eport("https"), "198.51.100.20", 443, 27000)
    t = c.handshake(sec("10.011"))
    c.data_noack(t + 150, 0, tls_client_hello("api.example.com", "ch1"))
    t = c.data(t + 150 + 27000, 1,
               tls_server_hello("sh1", "ch1") + tls_ccs() +
               tls_appdata("ee", 2890) + tls_appdata("fin-s", 53))
    t = c.data(t + 400, 0, tls_ccs() + tls_appdata("fin-c", 53) +
               tls_appdata("req1", 412))
    t = c.data(t + 27000 + 3000, 1, tls_appdata("resp1", 1830))
    t = c.data(t + sec("1.2"), 0, tls_appdata("req2", 380))
    t = c.data(t + 27000 + 2000, 1, tls_appdata("resp2", 6100))
    t = c.data(t + sec(3), 0, tls_appdata("close-notify", 19))
    c.close(t + 200, 0)

    # 15.0 s: ping 198.51.100.10, 4 echoes one second apart
    ident = 0x1F3A
    for i in range(4):
        t = sec(15) + i * sec(1)
        data = ntp_ts(t)[:8] + bytes(range(0x10, 0x38))
        for typ, src, dst, dt, ttl in ((8, LAPTOP, "198.51.100.10", 0, 64),
                                       (0, "198.51.100.10", LAPTOP, 30500,
                                        54)):
            m = struct.pack("!BBHHH", typ, 0, 0, ident, i + 1) + data
            m = m[:2] + struct.pack("!H", csum(m)) + m[4:]
            send_ip(t + dt, src, dst, 1, m, ttl=ttl)

    # 20.0 s: ping6 fd00:1::1, 3 echoes
    for i in range(3):
        t = sec(20) + i * sec(1)
        data = prb("ping6/%d" % i, 56)
        for typ, src, dst, dt in ((128, LAPTOP6, ROUTER6, 0),
                                  (129, ROUTER6, LAPTOP6, 410)):
            m = struct.pack("!BBHHH", typ, 0, 0, 0x2B01, i + 1) + data
            m = l4_with_csum(src, dst, 58, m, 2)
            send_ip(t + dt, src, dst, 58, m)

    # 25.0 s: NTP (chrony: client and server both on port 123)
    t = sec(25)
    dns_exchange(t, LAPTOP, eport("laptop-dns-ntp"), ROUTER,
                 "time.example.net", 1,
                 lambda r: r.a("time.example.net", 600, "203.0.113.123"))
    t = sec("25.02")
    req = struct.pack("!BBbb", 0x23, 0, 6, -20) + b"\0" * 8 + b"\0" * 4 + \
        b"\0" * 24 + ntp_ts(t)
    udp(t, LAPTOP, "203.0.113.123", 123, 123, req)
    t2 = t + 28000
    resp = struct.pack("!BBbb", 0x24, 2, 6, -24) + \
        struct.pack("!II", 0x00000120, 0x00000340) + ip4("203.0.113.1") + \
        ntp_ts(t2 - sec(40)) + ntp_ts(t) + ntp_ts(t + 14000) + \
        ntp_ts(t + 14050)
    udp(t2, "203.0.113.123", LAPTOP, 123, 123, resp, ttl=52)

    # 30.0 s: SSH from the laptop to the NAS (interactive session, ~25 s)
    c = Tcp("ssh", LAPTOP, eport("ssh"), NAS, 22, 600, srv_ttl=64)
    t = c.handshake(sec(30))
    t = c.data(t + 3000, 1, b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")
    t = c.data(t + 200, 0, b"SSH-2.0-OpenSSH_9.6\r\n")
    t = c.data(t + 200, 0, ssh_kexinit("kexc", False))
    t = c.data(t + 300, 1, ssh_kexinit("kexs", True))
    t = c.data(t + 500, 0, ssh_packet(b"\x1e" + ssh_string(prb("qc", 32)),
                                      "ecdhinit"))
    # Wireshark 4.0 warns "Decoded 19 bytes, but packet legnth is 83 bytes"
    # here: its SSH dissector decodes only ssh-rsa/ssh-dss host signatures
    # and flags every other type (a warning, not an error).
    hostkey = ssh_string(b"ssh-ed25519") + ssh_string(prb("hostkey", 32))
    sig = ssh_string(b"ssh-ed25519") + ssh_string(prb("sig", 64))
    reply = ssh_packet(b"\x1f" + ssh_string(hostkey) +
                       ssh_string(prb("qs", 32)) + ssh_string(sig), "ecdhrep")
    t = c.data(t + 2500, 1, reply + ssh_packet(b"\x15", "newkeys-s"))
    t = c.data(t + 300, 0, ssh_packet(b"\x15", "newkeys-c"))
    # encrypted from here on: chacha20-poly1305 (4-byte encrypted length +
    # payload + 16-byte tag), looks like random bytes
    t = c.data(t + 300, 0, prb("enc/svcreq", 44))
    t = c.data(t + 500, 1, prb("enc/ext", 44) + prb("enc/svcacc", 44))
    t = c.data(t + 300, 0, prb("enc/userauth", 92))
    t = c.data(t + 4000, 1, prb("enc/authok", 36))
    t = c.data(t + 300, 0, prb("enc/chan", 108))
    t = c.data(t + 9000, 1, prb("enc/motd", 1390))
    t += sec(2)
    for i in range(40):  # keystrokes with echo, ~0.3 s apart
        t += pri("keydelay/%d" % i, 120000, 480000)
        c.data_noack(t, 0, prb("enc/key/%d" % i, 36))
        c.data_noack(t + 1100, 1, prb("enc/echo/%d" % i, 36))
        c.ack(t + 1100 + 40000, 0)
    t = c.data(t + sec(1), 1, prb("enc/output", 2900))
    t = c.data(t + sec(3), 0, prb("enc/exit", 36))
    t = c.data(t + 2000, 1, prb("enc/eof", 124))
    c.close(t + 800, 0)

    # 40.0 s: the phone (IPv4 only) fetches www.example.com
    t = sec(40)
    dns_exchange(t, PHONE, eport("phone-dns"), ROUTER, "www.example.com", 1,
                 lambda r: r.a("www.example.com", 3552, "198.51.100.10"),
                 delay_us=1800)
    c = Tcp("http-phone", PHONE, eport("http-phone"), "198.51.100.10", 80,
            45000)
    t = c.handshake(sec("40.003"))
    t = http_get(c, t + 200, "www.example.com", "/", UA_PHONE,
                 html_page("Example Domain", 5200), "text/html")
    t = http_get(c, t + sec("0.05"), "www.example.com", "/style.css",
                 UA_PHONE, http_body("style", 1900), "text/css")
    c.close(t + sec(5), 0)

    # 50.0 s: camera on guest VLAN 10 sends 6 telemetry datagrams (10 s
    # apart) to its cloud; this is the only 802.1Q-tagged flow.
    for i in range(6):
        t = sec(50) + i * sec(10) + pri("camjit/%d" % i, 0, 9000)
        payload = b"CAMHB1" + struct.pack("!IH", 0x00C0FFEE, i) + \
            prb("cam/%d" % i, 52)
        udp(t, CAM, "198.51.100.77", 40123, 10001, payload, vlan=10)

    # 60.0 s: EDNS TXT query whose 3000-byte answer is split into three
    # IPv4 fragments by the router (the first fragment carries the ports).
    t = sec(60)
    qport = eport("laptop-dns-txt")
    ident = pri("dnsid/txt", 0, 0xFFFF)
    q = dns_query(ident, "example.com", 16, edns=False)
    q.opt(4096)
    udp(t, LAPTOP, ROUTER, qport, 53, q.bytes())
    r = dns_response(ident, "example.com", 16)
    for i in range(12):
        r.txt("example.com", 300, [("v=note%02d " % i).encode() +
                                   http_body("txt/%d" % i, 230)])
    r.opt(4096)
    msg = r.bytes()
    seg = struct.pack("!HHHH", 53, qport, 8 + len(msg), 0) + msg
    seg = l4_with_csum(ROUTER, LAPTOP, 17, seg, 6)
    assert 2960 < len(seg) <= 4440, len(seg)
    fid = next_ipid(ROUTER)
    for off in (0, 1480, 2960):
        part = seg[off:off + 1480]
        hdr = ipv4_hdr(ROUTER, LAPTOP, 17, len(part), fid, df=False,
                       mf=off < 2960, frag_off=off)
        emit(t + 1200 + off // 10,
             ether(MAC_LAPTOP, MAC_ROUTER, 0x0800, hdr + part))

    # 70.0 s: infected IoT box probes telnet on 12 outside addresses
    # (tiny horizontal scan); two of them answer with RST/ACK.
    targets = ["198.51.100.%d" % x for x in (3, 17, 44, 91, 130, 201)] + \
        ["203.0.113.%d" % x for x in (8, 29, 63, 77, 150, 240)]
    sport = eport("scan")
    for i, dst in enumerate(targets):
        t = sec(70) + i * 310000 + pri("scanjit/%d" % i, 0, 20000)
        isn = pri("scanisn/%d" % i, 0, 2**32 - 1)
        seg = struct.pack("!HHIIBBHHH", sport, 23, isn, 0, 0x50, 0x02, 14600,
                          0, 0)
        send_ip(t, IOT, dst, 6, l4_with_csum(IOT, dst, 6, seg, 16), ttl=64,
                df=False)
        if dst in ("198.51.100.44", "203.0.113.77"):
            rst = struct.pack("!HHIIBBHHH", 23, sport, 0, (isn + 1) & 0xFFFFFFFF,
                              0x50, 0x14, 0, 0, 0)
            send_ip(t + 41000, dst, IOT, 6,
                    l4_with_csum(dst, IOT, 6, rst, 16), ttl=49)

    # 120.0 s: the phone looks up cdn.example.net AAAA (no connection follows)
    dns_exchange(sec(120), PHONE, eport("phone-dns-aaaa"), ROUTER,
                 "cdn.example.net", 28,
                 lambda r: (r.cname("cdn.example.net", 60,
                                    "edge7.cdn.example.net"),
                            r.aaaa("edge7.cdn.example.net", 60,
                                   "2001:db8::45"))[-1],
                 delay_us=14000)

    # 149.5 s: one last DNS query over IPv6 to the router
    dns_exchange(sec("149.5"), LAPTOP6, eport("laptop-dns6"), ROUTER6,
                 "www.example.com", 28,
                 lambda r: r.aaaa("www.example.com", 3454, "2001:db8::10"),
                 delay_us=700)


def write(path):
    FRAMES.sort(key=lambda x: (x[0], x[1]))
    out = bytearray()
    out += struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    for t_us, _, f in FRAMES:
        out += struct.pack("<IIII", T0_SEC + t_us // US, t_us % US, len(f),
                           len(f))
        out += f
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(out)
    os.replace(tmp, path)
    return len(FRAMES), len(out)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "sample.pcap")
    build()
    n, size = write(out)
    print("%s: %d packets, %d bytes" % (out, n, size))


if __name__ == "__main__":
    main()
