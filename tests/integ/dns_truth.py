#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""What tshark says about the DNS answers, TLS server names and HTTP Host
headers of a capture, and checks of minflow-exporter's IPFIX output
against it (read through ipfix_records.py, i.e. libfixbuf's ipfixDump).

  dns_truth.py counts CAPTURE
      "responses N": unfragmented DNS responses from port 53 (the filter
      RESPONSES below); "reassembled N": responses tshark put together
      from IP fragments; "first-fragments N": first fragments of DNS
      responses from UDP port 53, read with reassembly off; "incomplete
      N": fragmented datagrams from port 53 whose first fragment is there
      but not all the others (tshark cannot reassemble them).
  dns_truth.py answers CAPTURE
      one line per unfragmented response: "time_ms server client sport
      dport dnsID qname", sorted.
  dns_truth.py labels CAPTURE IPFIX TTL_MIN TTL_MAX
      checks every flow record's DNS label (see check_labels); prints
      summary lines "NAME N" and one "BAD ..." line per wrong label.
  dns_truth.py l7 CAPTURE IPFIX
      checks every tls-sni / http-host label against the server name or
      Host tshark shows in that TCP conversation; "NAME N" and "BAD ...".

DNS names.  minflow writes label bytes outside 0x21..0x7e, and '.' or '\\'
inside a label, as \\DDD (as dig does); tshark prints such bytes as UTF-8
or U+FFFD, so its text cannot be compared.  The question name is
therefore rebuilt from its wire bytes (tshark -x gives them) with the same
presentation rule, and counted as "escaped-names".  Answer owner names
(used only to follow the CNAME chain) are compared as tshark prints them,
case-insensitively.
"""
import bisect
import json
import os
import subprocess
import sys
from collections import defaultdict

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ipfix_records  # noqa: E402  (the same directory)

# tshark 4.0: `!ip.flags.mf` matches nothing (the field is always there),
# so fragments are excluded by value.  DNS quoted inside ICMP errors is
# not an answer anyone received (and minflow reads ICMP errors as ICMP).
RESPONSES = ("dns.flags.response == 1 && (udp.srcport == 53 || "
             "tcp.srcport == 53) && ((ip && ip.flags.mf == 0 && "
             "ip.frag_offset == 0) || (ipv6 && !ipv6.fraghdr)) && "
             "!icmp && !icmpv6")
REASSEMBLED = ("dns.flags.response == 1 && udp.srcport == 53 && "
               "((ip && (ip.flags.mf == 1 || ip.frag_offset > 0)) || "
               "ipv6.fraghdr) && !icmp && !icmpv6")
FIRST_FRAGS = ("dns.flags.response == 1 && udp.srcport == 53 && "
               "((ip.flags.mf == 1 && ip.frag_offset == 0) || "
               "(ipv6.fraghdr.more == 1 && ipv6.fraghdr.offset == 0)) && "
               "!icmp && !icmpv6")
MAX_CHAIN = 8       # CNAMEs followed from the question (common/dns.h)
MAX_ADDRS = 16      # answered addresses kept per message (common/dns.h)
LABEL_MAX = 255     # label bytes in a flow record (common/model.h)
# tshark finds TLS and HTTP by port (these captures also use 8080 for TLS
# and 9100 for HTTP), and does not dissect a segment it takes for a
# retransmission (a Prometheus scrape in dns-amplification-rrsig-fragmented
# whose sequence number went back): minflow reads every segment.
L7_OPTS = ["-d", "tcp.port==8080,tls", "-d", "tcp.port==9100,http",
           "-o", "tcp.analyze_sequence_numbers:FALSE"]


def tshark(args, capture):
    out = subprocess.run(["tshark", "-n", "-r", capture] + args,
                         capture_output=True, check=False)
    return out.stdout.decode("utf-8", "replace")


def count(capture, flt, extra=()):
    return len(tshark(list(extra) + ["-Y", flt], capture).splitlines())


# --- tshark's JSON, duplicate keys kept ------------------------------------

def pairs(v):
    return v if isinstance(v, list) and all(
        isinstance(x, tuple) for x in v) else []


def get(obj, name, default=None):
    for k, v in pairs(obj):
        if k == name:
            return v
    return default


def get_all(obj, name):
    return [v for k, v in pairs(obj) if k == name]


def flat(obj, name):
    """The first value of field name anywhere below obj."""
    for k, v in pairs(obj):
        if k == name:
            return v
        r = flat(v, name)
        if r is not None:
            return r
    return None


def wire_name(hexstr):
    """Presentation form of an uncompressed wire-format name."""
    b, out, i = bytes.fromhex(hexstr), [], 0
    while i < len(b) and b[i] != 0 and b[i] < 64:
        lab = b[i + 1:i + 1 + b[i]]
        out.append("".join(chr(c) if 0x21 <= c <= 0x7e and c not in b".\\"
                           else "\\%03d" % c for c in lab))
        i += 1 + b[i]
    return ".".join(out) if out else "."


def qname(dns):
    q = get(dns, "Queries")
    for _, rec in pairs(q):
        text = get(rec, "dns.qry.name")
        raw = get(rec, "dns.qry.name_raw")
        if raw:
            name = wire_name(raw[0])
            return name, name != text
        return text, False
    return None, False


def answers(dns):
    """[(type, owner, ttl, value)] of the answer section, in order."""
    out = []
    for _, rec in pairs(get(dns, "Answers")):
        cls = int(get(rec, "dns.resp.class", "0"), 16) & 0x7fff
        out.append((int(get(rec, "dns.resp.type", "0")),
                    (get(rec, "dns.resp.name") or "").lower(),
                    int(get(rec, "dns.resp.ttl", "0")), cls,
                    get(rec, "dns.a") or get(rec, "dns.aaaa") or
                    (get(rec, "dns.cname") or "").lower()))
    return out


def chain_addrs(qn, ans):
    """Addresses answered for qn or its CNAME chain: [(addr, ttl)]."""
    names, n = {qn.lower()}, 0
    grew = True
    while grew and n < MAX_CHAIN:
        grew = False
        for t, owner, _, cls, val in ans:
            if t == 5 and cls == 1 and owner in names and val not in names:
                names.add(val)
                n += 1
                grew = True
                break
    return [(ipfix_records.canon(val), ttl) for t, owner, ttl, cls, val
            in ans if t in (1, 28) and cls == 1 and owner in names]


def epoch_ms(text):
    """tshark's frame.time_epoch "S.FFFFFFFFF" in whole milliseconds."""
    sec, _, frac = text.partition(".")
    return int(sec) * 1000 + int((frac + "000")[:3])


def responses(capture):
    """Every unfragmented response from port 53, as a dict."""
    text = tshark(["-Y", RESPONSES, "-T", "json", "-x", "-J",
                   "frame ip ipv6 udp tcp dns"], capture)
    out = []
    for pkt in json.loads(text or "[]", object_pairs_hook=list):
        layers = get(get(pkt, "_source"), "layers")
        frame, ip = get(layers, "frame"), get(layers, "ip") or \
            get(layers, "ipv6")
        l4 = get(layers, "udp") or get(layers, "tcp")
        t_ms = epoch_ms(get(frame, "frame.time_epoch"))
        src = flat(ip, "ip.src") or flat(ip, "ipv6.src")
        dst = flat(ip, "ip.dst") or flat(ip, "ipv6.dst")
        sport = flat(l4, "udp.srcport") or flat(l4, "tcp.srcport")
        dport = flat(l4, "udp.dstport") or flat(l4, "tcp.dstport")
        for dns in get_all(layers, "dns"):
            qn, escaped = qname(dns)
            out.append({
                "t": t_ms, "server": ipfix_records.canon(src),
                "client": ipfix_records.canon(dst), "sport": sport,
                "dport": dport, "id": int(get(dns, "dns.id"), 16),
                "rcode": int(flat(dns, "dns.flags.rcode") or 0),
                "qname": qn, "escaped": escaped,
                "addrs": chain_addrs(qn, answers(dns)) if qn else []})
    return out


# --- counts and answers ----------------------------------------------------

def fragment_sets(capture):
    """Fragmented datagrams from port 53: (with first fragment, complete)."""
    rows = tshark(["-o", "ip.defragment:FALSE", "-Y",
                   "ip.flags.mf == 1 || ip.frag_offset > 0", "-T", "fields",
                   "-e", "ip.src", "-e", "ip.dst", "-e", "ip.id", "-e",
                   "ip.frag_offset", "-e", "ip.flags.mf", "-e", "ip.len",
                   "-e", "ip.hdr_len", "-e", "udp.srcport", "-e",
                   "dns.flags.response", "-e", "icmp.type"], capture)
    dgrams = defaultdict(lambda: {"first": False, "bytes": 0, "total": None})
    for line in rows.splitlines():
        f = line.split("\t")
        if len(f) < 10 or f[9]:
            continue
        d = dgrams[(f[0], f[1], f[2])]
        off, data = int(f[3]) * 8, int(f[5]) - int(f[6])
        d["bytes"] += data
        if off == 0 and f[7] == "53" and f[8] == "1":
            d["first"] = True
        if f[4] == "0":
            d["total"] = off + data
    first = [d for d in dgrams.values() if d["first"]]
    incomplete = [d for d in first if d["total"] != d["bytes"]]
    return len(first), len(incomplete)


def print_counts(capture):
    _, incomplete = fragment_sets(capture)
    print("responses", count(capture, RESPONSES))
    print("reassembled", count(capture, REASSEMBLED))
    print("first-fragments",
          count(capture, FIRST_FRAGS, ["-o", "ip.defragment:FALSE",
                                       "-o", "ipv6.defragment:FALSE"]))
    print("incomplete", incomplete)


def print_answers(capture):
    lines = ["%d %s %s %s %s %d %s" % (r["t"], r["server"], r["client"],
                                       r["sport"], r["dport"], r["id"],
                                       r["qname"])
             for r in responses(capture)]
    for line in sorted(lines):
        print(line)


# --- labels ----------------------------------------------------------------

class Answers:
    """The answers of a capture as the name cache would learn them."""

    def __init__(self, capture, ttl_min, ttl_max):
        self.by_pair = defaultdict(list)  # (client, addr) -> [(t, exp, n)]
        self.by_addr = defaultdict(set)   # addr -> every name, any client
        self.named = set()                # every address any answer named
        self.escaped = set()
        self.end = 0
        for r in responses(capture):
            self.end = max(self.end, r["t"])
            for addr, _ in r["addrs"]:
                self.named.add(addr)
            if r["rcode"] != 0 or r["qname"] is None or \
                    len(r["qname"]) > LABEL_MAX:
                continue  # not cached (dnscache.h: names over 255 bytes)
            if r["escaped"]:
                self.escaped.add(r["qname"])
            for addr, ttl in r["addrs"][:MAX_ADDRS]:
                exp = r["t"] + min(max(ttl, ttl_min), ttl_max) * 1000
                self.by_pair[(r["client"], addr)].append(
                    (r["t"], exp, r["qname"]))
                self.by_addr[addr].add(r["qname"])
        for hist in self.by_pair.values():
            hist.sort(key=lambda x: x[0])  # stable: packet order on ties

    def allowed(self, client, addr, start):
        """(names the label may be, whether one of them must be used)."""
        hist = self.by_pair.get((client, addr), [])
        i = bisect.bisect_right([h[0] for h in hist], start)
        names = {h[2] for h in hist[i:]}  # seen while the flow was open
        certain = i > 0 and hist[i - 1][1] >= start
        if certain:
            names.add(hist[i - 1][2])
        return names, certain


def expect_dns(ans, rec):
    """(allowed names for source 1, certain) for a biflow record."""
    start, src, dst = rec[0], rec[3], rec[4]
    names, certain = set(), False
    for client, remote in ((src, dst), (dst, src)):
        n, c = ans.allowed(client, remote, start)
        names |= n
        if c:
            return names, True
    return names, certain


def check_one(ans, rec, stats):
    """None if rec's label is right, else why not."""
    source, elem, label = rec[8], rec[9], rec[10]
    names, certain = expect_dns(ans, rec)
    want_elem = {"0": "-", "1": "dnsQName", "2": "dnsQName",
                 "3": "sslServerName", "4": "httpHost"}.get(source)
    if elem != want_elem:
        return "label in %s for source %s" % (elem, source)
    if names & ans.escaped:
        stats["escaped-names"] += 1
    if certain and source != "1":
        return "source %s, want 1 (%s)" % (source, "|".join(sorted(names)))
    if source == "1":
        stats["dns"] += 1
        if label not in names:
            return "dns label %r not in %s" % (label, sorted(names))
    elif source == "2":
        stats["dns-other-client"] += 1
        other = ans.by_addr.get(rec[4], set()) | ans.by_addr.get(rec[3],
                                                                 set())
        if label not in other:
            return "dns-other-client label %r: no answer named it" % label
    elif names:
        stats["uncertain-unlabelled"] += 1
    if source in ("1", "2") and rec[3] not in ans.named and \
            rec[4] not in ans.named:
        return "DNS label for addresses no answer named"
    return None


def check_labels(capture, ipfix, ttl_min, ttl_max):
    ans = Answers(capture, ttl_min, ttl_max)
    stats = defaultdict(int)
    bad = []
    for rec in ipfix_records.label_records(ipfix):
        stats["flows"] += 1
        if rec[3] in ans.named or rec[4] in ans.named:
            stats["flows-to-named-addresses"] += 1
        why = check_one(ans, rec, stats)
        if why:
            bad.append("BAD %s %s %s %s %s %s: %s" % (rec[0], rec[3], rec[4],
                                                      rec[5], rec[6], rec[7],
                                                      why))
    for k in ("flows", "flows-to-named-addresses", "dns", "dns-other-client",
              "uncertain-unlabelled", "escaped-names"):
        print(k, stats[k])
    print("bad", len(bad))
    for line in bad:
        print(line)


# --- TLS server names and HTTP Host headers --------------------------------

def l7_names(capture):
    """(src, sport, dst, dport) -> [(time_ms, source, name)] from tshark."""
    rows = tshark(["-Y", "tls.handshake.extensions_server_name || "
                   "http.host", "-T", "fields", "-E", "occurrence=f",
                   "-e", "frame.time_epoch",
                   "-e", "ip.src", "-e", "ipv6.src", "-e", "tcp.srcport",
                   "-e", "ip.dst", "-e", "ipv6.dst", "-e", "tcp.dstport",
                   "-e", "tls.handshake.extensions_server_name",
                   "-e", "http.host"] + L7_OPTS, capture)
    names = defaultdict(list)
    for line in rows.splitlines():
        f = line.split("\t")
        if len(f) < 9 or not f[3]:
            continue
        k = (ipfix_records.canon(f[1] or f[2]), f[3],
             ipfix_records.canon(f[4] or f[5]), f[6])
        t = epoch_ms(f[0])
        if f[7]:
            names[k].append((t, "3", f[7]))
        if f[8]:
            names[k].append((t, "4", f[8]))
    return names


def check_l7(capture, ipfix):
    names = l7_names(capture)
    stats = defaultdict(int)
    bad = []
    for rec in ipfix_records.label_records(ipfix):
        if rec[5] != 6:
            continue
        k = (rec[3], str(rec[6]), rec[4], str(rec[7]))
        # Names the initiator sent while this record's flow was open (a
        # 4-tuple may be reused after a RST or FIN: another record).
        shown = {(s, n) for t, s, n in names.get(k, [])
                 if rec[0] <= t <= rec[1]}
        if shown:
            stats["tshark-named-flows"] += 1
        if rec[8] not in ("3", "4"):
            if shown and rec[8] == "0":
                stats["named-but-unlabelled"] += 1
            continue
        stats["tls-sni" if rec[8] == "3" else "http-host"] += 1
        if (rec[8], rec[10]) not in shown:
            bad.append("BAD %s %s %s %s %s: %s %r, tshark %s" % (
                rec[0], rec[3], rec[6], rec[4], rec[7], rec[8], rec[10],
                sorted(shown)))
    for k in ("tshark-named-flows", "tls-sni", "http-host",
              "named-but-unlabelled"):
        print(k, stats[k])
    print("bad", len(bad))
    for line in bad:
        print(line)


def main(argv):
    if len(argv) == 3 and argv[1] == "counts":
        print_counts(argv[2])
    elif len(argv) == 3 and argv[1] == "answers":
        print_answers(argv[2])
    elif len(argv) == 6 and argv[1] == "labels":
        check_labels(argv[2], argv[3], int(argv[4]), int(argv[5]))
    elif len(argv) == 4 and argv[1] == "l7":
        check_l7(argv[2], argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
