#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The two sides of tests/integ/collector_dns.sh, as comparable text.

  dns_stats_truth.py tshark CAPTURE FILTER   what tshark counts (no minflow code)
  dns_stats_truth.py reports DIR TOP         what minflow-collector's reports
                                       under DIR/YYYYmmdd/*.json say, summed

Both print the same sorted lines:

  resolved NAME COUNT          NOERROR answers per query name
  failure NAME RCODE COUNT     answers with a non-zero response code, and
                               queries never answered (RCODE "timeout")
  client ADDRESS COUNT         answers plus unanswered queries per client
  escaped N                    answers and unanswered queries whose name
                               holds an escaped byte (\\DDD)

FILTER is the tshark display filter written in the test: it must keep
every DNS message that counts, queries and responses (it is ANDed here
with nothing).  From the frames it keeps:

- a response (dns.flags.response 1) from port 53 is one answer, for the
  client it is addressed to.  Its response code is the header's 4 bits,
  with the EDNS OPT record's upper 8 bits above them when there is one
  (RFC 6891), as the exporter reads it;
- a query (response 0) to port 53 from another port waits, under (client
  address and port, server address and port, DNS id), for a response
  from the server with the same key.  A second query with the same key
  replaces the first (a retransmission, or the id reused).  The queries
  still waiting at the end of the capture were never answered.

Names: minflow writes a label byte outside '!'..'~', and a '.' or '\\'
inside a label, as \\DDD (three decimal digits, as dig does); tshark 4.0
shows bytes that are not UTF-8 as U+FFFD, which loses them.  So the name
is read here from the UDP payload (the question starts at byte 12) and
escaped that way; it must equal tshark's dns.qry.name whenever it needs no
escape.  tshark shows the root name as "<Root>", minflow as ".".
"""

import glob
import json
import subprocess
import sys
from collections import Counter

FIELDS = [
    "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
    "udp.srcport", "udp.dstport", "tcp.srcport", "tcp.dstport",
    "dns.id", "dns.flags.response", "dns.flags.rcode",
    "dns.resp.ext_rcode", "dns.qry.name", "udp.payload",
]


def escaped_name(payload):
    """The question name of a DNS message as minflow writes it (see the
    module doc), read from the message bytes; None if it does not parse
    simply (compressed, cut short): then tshark's text is used."""
    labels, off = [], 12
    while off < len(payload) and len(labels) < 128:
        n = payload[off]
        if n == 0:
            return ".".join(labels) if labels else "."
        if n > 63 or off + 1 + n > len(payload):
            return None
        labels.append("".join(
            chr(b) if 0x21 <= b <= 0x7e and b not in (0x2e, 0x5c)
            else "\\%03d" % b for b in payload[off + 1:off + 1 + n]))
        off += 1 + n
    return None


def odd(name):
    """Whether name holds an escaped byte."""
    return "\\" in name


def fields(capture, display_filter):
    cmd = ["tshark", "-n", "-r", capture, "-Y", display_filter, "-T",
           "fields", "-E", "separator=\t", "-E", "occurrence=f"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL).stdout
    for line in out.decode("utf-8", "surrogateescape").splitlines():
        v = line.split("\t")
        if len(v) == len(FIELDS):
            yield dict(zip(FIELDS, v))


def message(f):
    """(src, sport, dst, dport, id, response, rcode, name) of one frame."""
    src = f["ip.src"] or f["ipv6.src"]
    dst = f["ip.dst"] or f["ipv6.dst"]
    sport = int(f["udp.srcport"] or f["tcp.srcport"] or 0)
    dport = int(f["udp.dstport"] or f["tcp.dstport"] or 0)
    rcode = int(f["dns.flags.rcode"] or 0)
    rcode |= int(f["dns.resp.ext_rcode"] or "0", 0) << 4
    name = f["dns.qry.name"]
    if name == "<Root>":
        name = "."
    raw = escaped_name(bytes.fromhex(f["udp.payload"].replace(":", "")))
    if raw is not None and (raw == name or odd(raw)):
        name = raw
    elif raw is not None:
        sys.exit("question name %r read as %r" % (name, raw))
    return (src, sport, dst, dport, int(f["dns.id"], 0),
            f["dns.flags.response"] in ("1", "True"), rcode, name)


def tshark(capture, display_filter):
    resolved, failures, clients = Counter(), Counter(), Counter()
    waiting = {}
    escaped = 0

    def count(client, name, rcode):
        nonlocal escaped
        clients[client] += 1
        escaped += 1 if odd(name) else 0
        if rcode == 0:
            resolved[name] += 1
        else:
            failures[(name, rcode)] += 1

    for f in fields(capture, display_filter):
        src, sport, dst, dport, dns_id, resp, rcode, name = message(f)
        if resp and sport == 53:
            waiting.pop((dst, dport, src, sport, dns_id), None)
            count(dst, name, rcode)
        elif not resp and dport == 53 and sport != 53:
            waiting[(src, sport, dst, dport, dns_id)] = name
    for key, name in waiting.items():
        count(key[0], name, "timeout")
    return resolved, failures, clients, escaped


def reports(top_dir, top):
    resolved, failures, clients = Counter(), Counter(), Counter()
    escaped = 0
    for path in sorted(glob.glob(top_dir + "/[0-9]*/*.json")):
        with open(path) as fh:
            dns = json.load(fh)["dns"]
        for key in ("most_resolved", "failures", "clients"):
            if len(dns[key]) >= top:
                sys.exit("%s: %s holds %d entries: raise top" %
                         (path, key, len(dns[key])))
        if dns.get("names_dropped", 0) or dns.get("clients_dropped", 0):
            sys.exit("%s: names or clients dropped" % path)
        for e in dns["most_resolved"]:
            escaped += e["count"] if odd(e["name"]) else 0
            resolved[e["name"]] += e["count"]
        for e in dns["failures"]:
            escaped += e["count"] if odd(e["name"]) else 0
            failures[(e["name"], e["rcode"])] += e["count"]
        for e in dns["clients"]:
            clients[e["address"]] += e["queries"]
    return resolved, failures, clients, escaped


def show(resolved, failures, clients, escaped):
    lines = ["resolved %s %d" % (n, c) for n, c in resolved.items()]
    lines += ["failure %s %s %d" % (n, r, c)
              for (n, r), c in failures.items()]
    lines += ["client %s %d" % (a, c) for a, c in clients.items()]
    lines.sort()
    lines.append("escaped %d" % escaped)
    print("\n".join(lines))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "tshark":
        show(*tshark(sys.argv[2], sys.argv[3]))
    elif len(sys.argv) == 4 and sys.argv[1] == "reports":
        show(*reports(sys.argv[2], int(sys.argv[3])))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
