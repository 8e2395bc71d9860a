#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""What minflow-exporter --processes sends, made from a capture file's
export: --processes needs live sockets, so the tests that check how other
collectors read its elements build the same IPFIX from a -w file.

  procs_ipfix.py rewrite IN OUT
        Copy the IPFIX file IN to OUT with every flow record moved from
        its template (flow4/flow6/biflow4/biflow6, 256..259) to the
        matching process template (proc4/proc6/biproc4/biproc6, 265..268,
        minflow-exporter(8)): the same fields followed by processName
        (32473/15, variable length) and processId (32473/16, 4 bytes).
        The records take in turn the programs of PROGRAMS below (one of
        them "" and 0: a flow with no local socket).  Every other set is
        copied as it is.  Prints the number of flow records moved.
  procs_ipfix.py send FILE PORT
        Send FILE's messages, one a datagram, to 127.0.0.1:PORT, 1000 a
        second (nfcapd's socket buffer never overflows).

Standard library only.
"""
import socket
import struct
import sys
import time

PEN = 32473
PROCESS_NAME, PROCESS_ID = 15, 16
MOVED = {256: 265, 257: 266, 258: 267, 259: 268}
PROGRAMS = [(b"curl", 4242), (b"", 0), (b"python3", 77),
            (b"firefox-esr", 2211)]


def messages(data):
    """The messages of an IPFIX file, in order."""
    off = 0
    while off + 16 <= len(data):
        ver, length = struct.unpack_from("!HH", data, off)
        if ver != 10 or length < 16 or off + length > len(data):
            raise ValueError("not an IPFIX file at offset %d" % off)
        yield data[off:off + length]
        off += length
    if off != len(data):
        raise ValueError("%d bytes left after the last message" %
                         (len(data) - off))


def sets(msg):
    off = 16
    while off + 4 <= len(msg):
        sid, length = struct.unpack_from("!HH", msg, off)
        if length < 4 or off + length > len(msg):
            raise ValueError("bad set length")
        yield sid, msg[off + 4:off + length]
        off += length


def set_bytes(sid, body):
    return struct.pack("!HH", sid, 4 + len(body)) + body


def rewrite_templates(body, layouts):
    """A template set: the moved templates gain the two fields."""
    out, off = b"", 0
    while off + 4 <= len(body):
        tid, count = struct.unpack_from("!HH", body, off)
        start = off
        off += 4
        lens = []
        for _ in range(count):
            ie, flen = struct.unpack_from("!HH", body, off)
            off += 8 if ie & 0x8000 else 4
            lens.append(flen)
        rec = body[start:off]
        if tid in MOVED:
            layouts[tid] = lens
            rec = struct.pack("!HH", MOVED[tid], count + 2) + \
                rec[4:] + struct.pack("!HHIHHI", 0x8000 | PROCESS_NAME,
                                      0xFFFF, PEN, 0x8000 | PROCESS_ID, 4,
                                      PEN)
        out += rec
    return out


def record_length(body, off, lens):
    """The length of the record at off, or None if none fits."""
    start = off
    for flen in lens:
        if flen == 0xFFFF:
            if off >= len(body):
                return None
            n = body[off]
            off += 1
            if n == 255:
                if off + 2 > len(body):
                    return None
                n = struct.unpack_from("!H", body, off)[0]
                off += 2
            off += n
        else:
            off += flen
        if off > len(body):
            return None
    return off - start


def rewrite_data(body, lens, counter):
    out, off = b"", 0
    while True:
        n = record_length(body, off, lens)
        if n is None or n == 0:
            break  # the rest is padding
        name, pid = PROGRAMS[counter[0] % len(PROGRAMS)]
        counter[0] += 1
        out += body[off:off + n] + bytes([len(name)]) + name + \
            struct.pack("!I", pid)
        off += n
    return out


def rewrite(src, dst):
    with open(src, "rb") as f:
        data = f.read()
    layouts, counter, out = {}, [0], b""
    for msg in messages(data):
        body = b""
        for sid, sbody in sets(msg):
            if sid == 2:
                body += set_bytes(2, rewrite_templates(sbody, layouts))
            elif sid in layouts:
                body += set_bytes(MOVED[sid],
                                  rewrite_data(sbody, layouts[sid], counter))
            else:
                body += set_bytes(sid, sbody)
        out += struct.pack("!HH", 10, 16 + len(body)) + msg[4:16] + body
    with open(dst, "wb") as f:
        f.write(out)
    print(counter[0])


def send(path, port):
    with open(path, "rb") as f:
        data = f.read()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for msg in messages(data):
        s.sendto(msg, ("127.0.0.1", port))
        time.sleep(0.001)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "rewrite":
        rewrite(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "send":
        send(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)
