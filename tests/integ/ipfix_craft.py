#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Build IPFIX (RFC 7011), NetFlow v9 (RFC 3954) and NetFlow v5 datagrams
byte by byte, well-formed or deliberately broken, for the collector tests.
Standard library only; nothing here checks what it builds, on purpose.

IPFIX:
  msg(sets, seq=0, domain=0, export=None, length=None)  header + sets;
      length overrides the header's length field (default: the real one)
  tset(*records) / oset(*records)      template / options template set
  tmpl(tid, fields)                    a template record; fields are
      (id, length) or (id, length, pen) tuples, pen sets the enterprise bit
  otmpl(tid, scope, fields)            an options template record
  dset(tid, *records)                  a data set of raw record bytes
  rawset(sid, body, length=None)       any set, any length field
  FLOW4, flow4(...)                    a plain IPv4 flow template and record
v9:
  v9msg(flowsets, seq=0, source_id=0, uptime_ms=..., secs=None, count=None)
  v9tset(*records), v9tmpl(tid, fields), v9dset(tid, *records),
  v9flow4(...)                         template (V9FLOW4) and record
v5:
  v5msg(records, seq=0, engine=(0, 0), count=None), v5rec(...)
"""
import struct
import time

IPFIX_VERSION = 10

# sourceIPv4Address, destinationIPv4Address, sourceTransportPort,
# destinationTransportPort, protocolIdentifier, octetDeltaCount,
# packetDeltaCount, flowStartMilliseconds, flowEndMilliseconds
FLOW4 = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (1, 8), (2, 8),
         (152, 8), (153, 8)]


def now_ms():
    return int(time.time() * 1000)


def msg(sets, seq=0, domain=0, export=None, length=None):
    body = b"".join(sets)
    real = 16 + len(body)
    export = int(time.time()) if export is None else export
    return struct.pack("!HHIII", IPFIX_VERSION,
                       real if length is None else length,
                       export, seq, domain) + body


def rawset(sid, body, length=None):
    return struct.pack("!HH", sid, 4 + len(body) if length is None
                       else length) + body


def _field(f):
    fid, flen = f[0], f[1]
    if len(f) > 2:
        return struct.pack("!HHI", fid | 0x8000, flen, f[2])
    return struct.pack("!HH", fid, flen)


def tmpl(tid, fields, count=None):
    """count overrides the field count (to run past the set)"""
    return struct.pack("!HH", tid, len(fields) if count is None else count) \
        + b"".join(_field(f) for f in fields)


def otmpl(tid, scope, fields, count=None):
    return struct.pack("!HHH", tid, len(fields) if count is None else count,
                       scope) + b"".join(_field(f) for f in fields)


def tset(*records):
    return rawset(2, b"".join(records))


def oset(*records):
    return rawset(3, b"".join(records))


def dset(tid, *records):
    return rawset(tid, b"".join(records))


def flow4(src=(10, 0, 0, 1), dst=(192, 0, 2, 1), sport=40000, dport=53,
          proto=17, octets=100, packets=1, start=None, end=None):
    end = now_ms() if end is None else end
    start = end - 1000 if start is None else start
    return struct.pack("!4B4BHHBQQQQ", *src, *dst, sport, dport, proto,
                       octets, packets, start, end)


# --- NetFlow v9 -------------------------------------------------------------

# IPV4_SRC_ADDR, IPV4_DST_ADDR, L4_SRC_PORT, L4_DST_PORT, PROTOCOL,
# IN_BYTES (4), IN_PKTS (4), FIRST_SWITCHED, LAST_SWITCHED (sysUpTime ms)
V9FLOW4 = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (1, 4), (2, 4),
           (22, 4), (21, 4)]
V9_UPTIME_MS = 3600 * 1000


def v9msg(flowsets, seq=0, source_id=0, uptime_ms=V9_UPTIME_MS, secs=None,
          count=None):
    secs = int(time.time()) if secs is None else secs
    return struct.pack("!HHIIII", 9, len(flowsets) if count is None
                       else count, uptime_ms, secs, seq, source_id) + \
        b"".join(flowsets)


def v9tmpl(tid, fields, count=None):
    return struct.pack("!HH", tid, len(fields) if count is None else count) \
        + b"".join(struct.pack("!HH", t, n) for t, n in fields)


def v9tset(*records):
    return rawset(0, b"".join(records))


def v9dset(tid, *records):
    return rawset(tid, b"".join(records))


def v9flow4(src=(10, 0, 0, 2), dst=(192, 0, 2, 2), sport=40001, dport=53,
            proto=17, octets=100, packets=1, first=None, last=None):
    """first/last in sysUpTime ms; default: the last second before the
    header's uptime (V9_UPTIME_MS)"""
    last = V9_UPTIME_MS - 10 if last is None else last
    first = last - 1000 if first is None else first
    return struct.pack("!4B4BHHBIIII", *src, *dst, sport, dport, proto,
                       octets, packets, first, last)


# --- NetFlow v5 -------------------------------------------------------------

V5_UPTIME_MS = 3600 * 1000


def v5rec(src=(10, 0, 0, 3), dst=(192, 0, 2, 3), sport=40002, dport=53,
          proto=17, octets=100, packets=1, first=None, last=None):
    last = V5_UPTIME_MS - 10 if last is None else last
    first = last - 1000 if first is None else first
    return struct.pack("!4B4B4sHHIIIIHHBBBBHHBBH", *src, *dst, bytes(4),
                       1, 2, packets, octets, first, last, sport, dport,
                       0, 0x10 if proto == 6 else 0, proto, 0, 0, 0, 24,
                       24, 0)


def v5msg(records, seq=0, engine=(0, 0), count=None, uptime_ms=V5_UPTIME_MS,
          secs=None):
    secs = int(time.time()) if secs is None else secs
    return struct.pack("!HHIIIIBBH", 5, len(records) if count is None
                       else count, uptime_ms, secs, 0, seq, engine[0],
                       engine[1], 0) + b"".join(records)


assert len(v5rec()) == 48
assert len(v5msg([])) == 24
assert len(v9msg([])) == 20
assert len(msg([])) == 16
