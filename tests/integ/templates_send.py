#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# templates_send.py PORT SRC WITH_TEMPLATE SEQ: send one IPFIX message from
# 127.0.0.1:SRC to 127.0.0.1:PORT, observation domain 3, sequence SEQ: a
# flow4 data set of template 300, after its template set if WITH_TEMPLATE
# is 1 (ipfix_craft.py).
import socket, sys
import ipfix_craft as c
port, src, with_t, seq = (int(x) for x in sys.argv[1:])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", src))
sets = ([c.tset(c.tmpl(300, c.FLOW4))] if with_t else []) + \
    [c.dset(300, c.flow4())]
s.sendto(c.msg(sets, seq=seq, domain=3), ("127.0.0.1", port))
