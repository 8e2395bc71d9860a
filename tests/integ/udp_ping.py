#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# udp_ping.py serve ADDR PORT: answer every datagram to ADDR:PORT with 48
#   bytes (an NTP-sized answer) until killed.
# udp_ping.py send ADDR PORT COUNT PERIOD: COUNT datagrams of 48 bytes, one
#   every PERIOD seconds, each from the same socket, waiting at most 1 s for
#   an answer; prints the number of answers.
import socket
import sys
import time


def serve(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    print("listening", flush=True)
    while True:
        _, peer = s.recvfrom(2048)
        s.sendto(b"\x24" + b"\0" * 47, peer)


def send(addr, port, count, period):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1.0)
    answers = 0
    for i in range(count):
        if i:
            time.sleep(period)
        s.sendto(b"\x23" + b"\0" * 47, (addr, port))
        try:
            s.recvfrom(2048)
            answers += 1
        except socket.timeout:
            pass
    print(answers)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 6 and sys.argv[1] == "send":
        send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
             float(sys.argv[5]))
    else:
        sys.exit(__doc__ or "usage: see the head of udp_ping.py")


if __name__ == "__main__":
    main()
