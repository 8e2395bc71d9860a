#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# udp_first.py PORT READY: bind 127.0.0.1:PORT (UDP), create the file
# READY, wait at most 10 s for one datagram and print its first 16 bits
# (the NetFlow/IPFIX version).
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
open(sys.argv[2], "w").close()  # bound: the exporter may send
s.settimeout(10)
data, _ = s.recvfrom(65535)
print(int.from_bytes(data[:2], "big"))
