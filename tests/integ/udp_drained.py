#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# udp_drained.py PORT SECONDS: wait (at most SECONDS) until the receive
# queue of the UDP socket bound to 127.0.0.1:PORT is empty in two reads
# 50 ms apart (Linux /proc/net/udp rx_queue); exit 1 on timeout.
# lib.sh udp_wait_drained.
import sys, time
port, limit = int(sys.argv[1]), float(sys.argv[2])
want = "0100007F:%04X" % port

def rxq():
    try:
        with open("/proc/net/udp") as f:
            for line in f.readlines()[1:]:
                col = line.split()
                if col[1] == want:
                    return int(col[4].split(":")[1], 16)
    except OSError:
        pass
    return None          # no /proc or no such socket: nothing to wait for

end = time.monotonic() + limit
empty = 0
while time.monotonic() < end:
    q = rxq()
    if not q:
        empty += 1
        if empty >= 2 or q is None:
            sys.exit(0)
    else:
        empty = 0
    time.sleep(0.05)
sys.stderr.write("udp port %d: receive queue still %s bytes after %s s\n"
                 % (port, rxq(), limit))
sys.exit(1)
