#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A slow UDP receiver, as a collector that reads its socket in turns:

    slow_udp_sink.py PORTFILE OUTFILE RCVBUF DELAY_MS SECONDS

binds 127.0.0.1 on a free port (written to PORTFILE), with a receive
buffer of RCVBUF bytes, reads a datagram, appends it to OUTFILE, sleeps
DELAY_MS, and so on, for SECONDS at most or until SIGTERM.  OUTFILE is
then an IPFIX file when the datagrams are IPFIX messages.
"""
import signal
import socket
import sys
import time


def main():
    portfile, outfile = sys.argv[1], sys.argv[2]
    rcvbuf, delay, seconds = int(sys.argv[3]), float(sys.argv[4]) / 1000, \
        float(sys.argv[5])
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind(("127.0.0.1", 0))
    s.settimeout(0.2)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    import os
    os.rename(portfile + ".tmp", portfile)
    end = time.monotonic() + seconds
    with open(outfile, "wb") as out:
        while not stop and time.monotonic() < end:
            try:
                d = s.recv(65535)
            except socket.timeout:
                continue
            out.write(d)
            out.flush()
            time.sleep(delay)


if __name__ == "__main__":
    main()
