#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# ipfix_trickle.py PORT N RATE [SRC]: send N IPFIX flow records to
# 127.0.0.1:PORT (from address SRC, default any), one per message at RATE
# messages a second (a home router's pace), the template in the first
# message; each record has its own source port (40000 + i) and 1 packet of
# 100 + i bytes (ipfix_craft.py).
import socket, sys, time
import ipfix_craft as c
port, n, rate = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if len(sys.argv) > 4:
    s.bind((sys.argv[4], 0))
for i in range(n):
    sets = ([c.tset(c.tmpl(300, c.FLOW4))] if i == 0 else []) + \
        [c.dset(300, c.flow4(sport=40000 + i, octets=100 + i))]
    s.sendto(c.msg(sets, seq=i, domain=7), ("127.0.0.1", port))
    time.sleep(1.0 / rate)
