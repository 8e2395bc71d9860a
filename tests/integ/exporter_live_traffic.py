#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# exporter_live_traffic.py MODE ...: the traffic of exporter_live.sh, sent
# inside its network namespaces (modes at the top of the code).
import os, socket, struct, sys, time
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff
mode = sys.argv[1]
if mode == "echo":    # echo PORT COUNT READY: answer COUNT UDP datagrams
    port, count, ready = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    s.settimeout(15)
    open(ready, "w").close()
    for _ in range(count):
        d, a = s.recvfrom(65535)
        s.sendto(d, a)
elif mode == "udp":   # udp DST DPORT SPORT SIZE...: one at a time, answered
    dst, dport, sport = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", sport))
    s.settimeout(5)
    for n in map(int, sys.argv[5:]):
        s.sendto(b"u" * n, (dst, dport))
        if len(s.recv(65535)) != n:
            sys.exit("udp: wrong answer")
elif mode == "icmp":  # icmp DST COUNT: echo requests 0.2 s apart, answered
    dst, count = sys.argv[2], int(sys.argv[3])
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.settimeout(5)
    ident = os.getpid() & 0xffff
    for seq in range(1, count + 1):
        if seq > 1:
            time.sleep(0.2)
        m = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + b"p" * 56
        s.sendto(m[:2] + struct.pack("!H", csum(m)) + m[4:], (dst, 0))
        while True:   # until our echo reply (raw sockets see all ICMP)
            d = s.recv(2048)
            h = (d[0] & 15) * 4
            if d[h] == 0 and struct.unpack_from("!HH", d, h + 4) == (ident, seq):
                break
