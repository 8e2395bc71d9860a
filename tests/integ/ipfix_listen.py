#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A minimal IPFIX collector for the integration tests: it stores what it
receives as an IPFIX file (RFC 5655: the messages, concatenated), which
ipfix_records.py (ipfixDump) then reads.

  ipfix_listen.py listen udp|tcp HOST PORT FILE [READY]
        Receive until SIGTERM/SIGINT (exit 0) or --max-time. UDP: each
        datagram is one message. TCP: connections are accepted one after
        the other and each stream is cut into messages by the length field
        of the IPFIX message header (RFC 7011 3.1); a connection that ends
        inside a message leaves that partial message out (and says so on
        stderr). Every complete message is appended to FILE and flushed at
        once, so FILE can be read while the listener runs. READY, if given,
        is created once the socket listens. stderr gets one line per
        connection ("connection N from ADDR" / "connection N closed:
        M messages").
  ipfix_listen.py first-set FILE
        The set id of the first set of the first message (2: template
        set, 3: options template set, >= 256: data set), or "none".
  ipfix_listen.py messages FILE
        The number of messages in FILE.

Only the standard library is used. The process never runs longer than
--max-time seconds (default 300), so a test that forgets it cannot hang.
"""
import os
import selectors
import signal
import socket
import struct
import sys
import time

HDR = struct.Struct("!HHIII")  # version, length, export time, seq, domain


STOP = []


def on_signal(signum, frame):
    STOP.append(signum)  # looked at between two selects (0.2 s at most)


def split_messages(buf):
    """(complete messages, rest) of a byte stream of IPFIX messages."""
    out = []
    while len(buf) >= HDR.size:
        version, length = struct.unpack_from("!HH", buf)
        if version != 10 or length < HDR.size:
            raise ValueError("not an IPFIX message header (version %d, "
                             "length %d)" % (version, length))
        if len(buf) < length:
            break
        out.append(bytes(buf[:length]))
        del buf[:length]
    return out


def listen(proto, host, port, path, ready, max_time):
    deadline = time.monotonic() + max_time
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    kind = socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM
    ls = socket.socket(fam, kind)
    # The same port is listened on again right after a previous listener:
    # its closed connections may still be in TIME_WAIT.
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if proto == "udp":
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    ls.bind((host, port))
    if proto == "tcp":
        ls.listen(4)
    out = open(path, "ab")
    if ready:
        with open(ready, "w") as f:
            f.write("%d\n" % os.getpid())
    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ)
    conns = {}  # socket -> [number, bytearray, messages]
    nconn = 0

    def close(c, why):
        n, buf, msgs = conns.pop(c)
        sel.unregister(c)
        c.close()
        extra = " (%d bytes of a partial message dropped)" % len(buf) \
            if buf else ""
        sys.stderr.write("connection %d closed: %d messages%s%s\n"
                         % (n, msgs, extra, why))

    while not STOP:
        if time.monotonic() >= deadline:
            sys.stderr.write("ipfix_listen: --max-time reached\n")
            break
        for key, _ in sel.select(timeout=0.2):
            s = key.fileobj
            if s is ls and proto == "udp":
                data = ls.recv(65535)
                out.write(data)
                out.flush()
            elif s is ls:
                c, addr = ls.accept()
                nconn += 1
                conns[c] = [nconn, bytearray(), 0]
                sel.register(c, selectors.EVENT_READ)
                sys.stderr.write("connection %d from %s\n"
                                 % (nconn, addr[0]))
            else:
                try:
                    data = s.recv(65536)
                except ConnectionError as e:
                    close(s, ": " + str(e))
                    continue
                if not data:
                    close(s, "")
                    continue
                st = conns[s]
                st[1] += data
                try:
                    msgs = split_messages(st[1])
                except ValueError as e:
                    close(s, ": " + str(e))
                    continue
                for m in msgs:
                    out.write(m)
                out.flush()
                st[2] += len(msgs)
    # Whatever has arrived and sits in the socket buffers is still taken:
    # the test stops the listener only after the sender is done.
    for c in list(conns):
        try:
            c.setblocking(False)
            while True:
                data = c.recv(65536)
                if not data:
                    break
                conns[c][1] += data
        except (BlockingIOError, ConnectionError):
            pass
        try:
            for m in split_messages(conns[c][1]):
                out.write(m)
                conns[c][2] += 1
        except ValueError:
            pass
        close(c, "")
    out.close()
    ls.close()


def messages(path):
    try:
        with open(path, "rb") as f:
            buf = bytearray(f.read())
    except FileNotFoundError:
        return []
    msgs = split_messages(buf)
    if buf:
        sys.exit("%s: %d trailing bytes" % (path, len(buf)))
    return msgs


def main(argv):
    max_time = 300.0
    if "--max-time" in argv:
        i = argv.index("--max-time")
        max_time = float(argv[i + 1])
        del argv[i:i + 2]
    if len(argv) >= 6 and argv[1] == "listen" and argv[2] in ("udp", "tcp"):
        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        listen(argv[2], argv[3], int(argv[4]), argv[5],
               argv[6] if len(argv) > 6 else None, max_time)
    elif len(argv) == 3 and argv[1] == "first-set":
        msgs = messages(argv[2])
        if not msgs or len(msgs[0]) < HDR.size + 4:
            print("none")
        else:
            print(struct.unpack_from("!H", msgs[0], HDR.size)[0])
    elif len(argv) == 3 and argv[1] == "messages":
        print(len(messages(argv[2])))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
