#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# udp_listening.py PORT: exit 0 if some socket is bound to 127.0.0.1:PORT
# (UDP), 1 if the port is free.  lib.sh udp_listening.
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)      # in use: someone listens
sys.exit(1)
