#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Read an IPFIX file through `ipfixDump -y` (libfixbuf's own decoder, not
minflow's code) and print what the integration tests compare:

  ipfix_records.py totals FILE      "packets bytes" over flow records
  ipfix_records.py flows FILE       "src dst proto sport dport packets bytes"
                                    per 5-tuple, sorted (truth.py's format)
  ipfix_records.py count FILE FIELD VALUE
                                    flow records whose FIELD equals VALUE
  ipfix_records.py stats FILE FIELD the last statistics record's FIELD
                                    (minflow's own counters by name too)
  ipfix_records.py records FILE     flow records as tab-separated name=value
  ipfix_records.py labels FILE      one line per flow record, tab-separated:
                                    start_ms end_ms reason src dst proto
                                    sport dport labelSource element label
                                    (element: the one that holds the
                                    label, "-" if none, "+" if several)
  ipfix_records.py dns FILE         one line per DNS record, tab-separated:
                                    time_ms server client sport dport
                                    proto dnsID dnsQueryResponse dnsQRType
                                    dnsNXDomain dnsTTL qname cname
                                    addresses (comma-separated, "-": none)

Biflow records count both directions (the reverse one from the reverse
counters) so totals compare with uniflow runs.

ipfixDump prints a string as "(len: N) text": the value is the N bytes of
text (kept as they are, spaces too).  A basicList is printed over several
lines; the value is the list of its items, the element they are in
"NAME.ie".  minflow's own elements (enterprise 32473) are unknown to
ipfixDump: it prints "_alienInformationElement" for each, and an 8-byte
octet array as the integer its bytes make in host (little-endian) order,
so they are renamed after the man page and read back in network order.
Times are printed in UTC, as milliseconds since the epoch here.
"""
import calendar
import re
import socket
import subprocess
import sys
import time

FIELD = re.compile(r"^\s*\((\d+(?:/\d+)?)\)\s+(?:\(S\)\s+)?(\S+)\s*:\s?(.*)$")
VARLEN = re.compile(r"^\(len: (\d+)\) ?(.*)$", re.S)
LIST_HEAD = re.compile(r"^\s*count: (\d+)\s+semantic: \S+\s+ie: \(\d+\) (\S+)")
LIST_ITEM = re.compile(r"^\s*\d+\s+: (.*)$")

# minflow's elements (man/minflow-exporter.8), by number in enterprise 32473
OWN = {
    1: "labelSource", 2: "dnsAnswersParsed", 3: "dnsAnswersMalformed",
    4: "dnsAnswersFragmented", 5: "dnsQueriesUnanswered",
    6: "dnsNamesCached", 7: "dnsNamesEvicted", 8: "flowsLabelledDns",
    9: "flowsLabelledDnsOtherClient", 10: "flowsLabelledTlsSni",
    11: "flowsLabelledHttpHost", 12: "flowsUnlabelled",
    13: "conntrackLostConnections", 14: "conntrackEventOverruns",
}
LABEL_ELEMENTS = ("dnsQName", "sslServerName", "httpHost")


def own_value(num, value):
    """A 32473 element's value: counters are 8 bytes in network order."""
    if num == 1:
        return value
    return str(int.from_bytes(int(value).to_bytes(8, "little"), "big"))


def field(m):
    """(name, value) of one printed field."""
    num, name, value = m.group(1), m.group(2), m.group(3)
    if num.startswith("32473/"):
        n = int(num.split("/")[1])
        return OWN.get(n, "own" + str(n)), own_value(n, value.strip())
    v = VARLEN.match(value)
    if v:
        return name, v.group(2)[:int(v.group(1))]
    return name, value.strip()


def records(path):
    out = subprocess.run(["ipfixDump", "-y", "--in", path],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit("ipfixDump failed: " + out.stderr.strip())
    recs, cur, in_data, blist = [], None, False, None
    for line in out.stdout.splitlines():
        if line.startswith("--- data record"):
            cur, in_data, blist = {}, True, None
            recs.append(cur)
            continue
        if line.startswith("---") or line.startswith("***"):
            in_data = False
            continue
        if not in_data:
            continue
        m = FIELD.match(line)
        if m:
            name, value = field(m)
            blist = None
            if name == "basicList":
                blist = cur[name] = []
            else:
                cur[name] = value
            continue
        if blist is None:
            continue
        h = LIST_HEAD.match(line)
        if h:
            cur["basicList.ie"] = h.group(2)
            continue
        i = LIST_ITEM.match(line)
        if i:
            blist.append(i.group(1).strip())
    return recs


def is_flow(r):
    return "packetDeltaCount" in r


def is_dns(r):
    return "dnsQueryResponse" in r


def epoch_ms(text):
    """ipfixDump's "YYYY-MM-DD hh:mm:ss.mmm" (UTC) in ms since the epoch."""
    day, _, ms = text.partition(".")
    sec = calendar.timegm(time.strptime(day, "%Y-%m-%d %H:%M:%S"))
    return sec * 1000 + int(ms or 0)


def label_line(r):
    src, dst, proto, sp, dp = key(r)
    held = [e for e in LABEL_ELEMENTS if r.get(e)]
    elem = held[0] if len(held) == 1 else ("-" if not held else "+")
    text = r[held[0]] if held else ""
    return [epoch_ms(r["flowStartMilliseconds"]),
            epoch_ms(r["flowEndMilliseconds"]), r.get("flowEndReason", ""),
            src, dst, proto, sp, dp, r.get("labelSource", "-"), elem, text]


def label_records(path):
    """label_line() of every flow record of an IPFIX file."""
    return [label_line(r) for r in records(path) if is_flow(r)]


def dns_line(r):
    src = r.get("sourceIPv4Address") or r.get("sourceIPv6Address")
    dst = r.get("destinationIPv4Address") or r.get("destinationIPv6Address")
    addrs = [canon(a) for a in r.get("basicList", [])]
    return [epoch_ms(r["flowStartMilliseconds"]), canon(src), canon(dst),
            r["sourceTransportPort"], r["destinationTransportPort"],
            r["protocolIdentifier"], r["dnsID"], r["dnsQueryResponse"],
            r["dnsQRType"], r["dnsNXDomain"], r["dnsTTL"], r["dnsQName"],
            r["dnsCName"], ",".join(addrs) or "-"]


def canon(addr):
    """An address as inet_ntop writes it (tshark and nfdump do the same)."""
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    return socket.inet_ntop(fam, socket.inet_pton(fam, addr))


def key(r, rev=False):
    src = r.get("sourceIPv4Address") or r.get("sourceIPv6Address")
    dst = r.get("destinationIPv4Address") or r.get("destinationIPv6Address")
    sp = int(r.get("sourceTransportPort", 0))
    dp = int(r.get("destinationTransportPort", 0))
    src, dst = canon(src), canon(dst)
    if rev:
        src, dst, sp, dp = dst, src, dp, sp
    return (src, dst, int(r["protocolIdentifier"]), sp, dp)


def directions(r):
    """(key, packets, bytes) for each direction a record carries."""
    yield key(r), int(r["packetDeltaCount"]), int(r["octetDeltaCount"])
    rp = int(r.get("reversePacketDeltaCount", 0))
    if rp:
        yield key(r, True), rp, int(r["reverseOctetDeltaCount"])


def main(argv):
    mode, path = argv[1], argv[2]
    recs = records(path)
    flows = [r for r in recs if is_flow(r)]
    if mode == "totals":
        p = b = 0
        for r in flows:
            for _, dp, db in directions(r):
                p += dp
                b += db
        print(p, b)
    elif mode == "flows":
        agg = {}
        for r in flows:
            for k, dp, db in directions(r):
                a = agg.setdefault(k, [0, 0])
                a[0] += dp
                a[1] += db
        for k in sorted(agg, key=lambda k: tuple(str(x) for x in k)):
            print(*k, *agg[k])
    elif mode == "count":
        field, value = argv[3], argv[4]
        print(sum(1 for r in flows if r.get(field) == value))
    elif mode == "stats":
        stats = [r for r in recs if "packetTotalCount" in r]
        print(stats[-1][argv[3]] if stats else "none")
    elif mode == "records":
        for r in flows:
            print("\t".join(f"{k}={v}" for k, v in r.items()))
    elif mode == "labels":
        for r in flows:
            print("\t".join(str(x) for x in label_line(r)))
    elif mode == "dns":
        for r in recs:
            if is_dns(r):
                print("\t".join(str(x) for x in dns_line(r)))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
