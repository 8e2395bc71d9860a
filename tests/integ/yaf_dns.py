#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write an IPFIX file as YAF 2.16 with its DNS DPI (dpacketplugin) would
send it: YAF's own template layouts (src/yafcore.c yaf_flow_full_spec for
an IPv4 biflow, src/applabel/hooks/dpacketplugin.h yaf_dns_spec,
yaf_dnsQR_spec, yaf_dnsA_spec, yaf_dnsAAAA_spec, yaf_dnsCNAME_spec,
yaf_dnsMX_spec, yaf_dnsNS_spec, with YAF's template ids), the DNS data in
an RFC 6313 subTemplateMultiList at the end of each flow record, and the
records in the order ypDnsParser() writes them: a query's question
(section 0), then the response's entries (section 0 only when the response
code is not 0; answers 1, authority 2, additional 3).

  yaf_dns.py file OUT          the scenario below
  yaf_dns.py expect            what the collector's report must say of it
  yaf_dns.py hostile OUT       one flow with 300 answers and a container of
                               DNP3's shape (both bounded / skipped)

The expectations are the scenario's DNS messages counted by hand (the
table SCENARIO says which answers each flow holds), not by minflow's rules.
"""
import struct
import sys
import os

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ipfix_craft as ic  # noqa: E402

CERT = 6871
REV = 29305
T0 = 1796119200000  # 2026-12-01 10:00:00 UTC, ms

# yaf_flow_full_spec, IPv4 biflow, total counters, applabel on
FLOW_TID = 0xB00E
FLOW = [(152, 8), (153, 8), (85, 8), (85, 8, REV), (86, 8), (86, 8, REV),
        (8, 4), (12, 4), (7, 2), (11, 2), (40, 2, CERT), (40 | 0x4000, 2, CERT),
        (4, 1),
        (136, 1), (33, 2, CERT), (21, 4, CERT), (58, 2), (58, 2, REV),
        (5, 1), (5, 1, REV), (293, 65535)]
DNS_TID, QR_TID = 0xCE00, 0xCF00
A_TID, AAAA_TID, CN_TID, MX_TID, NS_TID = 0xCE01, 0xCE02, 0xCE03, 0xCE04, \
    0xCE05
DNP_TID, DNPREC_TID = 0xC202, 0xC203
TEMPLATES = [
    (DNS_TID, [(292, 65535)]),
    # subTemplateList, dnsQName, dnsTTL, dnsQRType, dnsQueryResponse,
    # dnsAuthoritative, dnsNXDomain, dnsRRSection, dnsID, paddingOctets(4)
    (QR_TID, [(292, 65535), (179, 65535, CERT), (199, 4, CERT),
              (175, 2, CERT), (174, 1, CERT), (176, 1, CERT),
              (177, 1, CERT), (178, 1, CERT), (226, 2, CERT), (210, 4)]),
    (A_TID, [(8, 4)]),
    (AAAA_TID, [(27, 16)]),
    (CN_TID, [(180, 65535, CERT)]),
    (MX_TID, [(182, 65535, CERT), (181, 2, CERT), (210, 6)]),
    (NS_TID, [(183, 65535, CERT)]),
    (DNP_TID, [(292, 65535)]),  # yaf_dnp_spec: one list, as yaf_dns
    (DNPREC_TID, [(281, 2, CERT), (282, 2, CERT), (283, 1, CERT), (210, 3),
                  (284, 65535, CERT)]),
]


def varlen(b):
    if len(b) < 255:
        return bytes([len(b)]) + b
    return b"\xff" + struct.pack("!H", len(b)) + b


def stl(tid, records, semantic=3):
    return varlen(struct.pack("!BH", semantic, tid) + b"".join(records))


def stml(entries, semantic=3):
    body = b"".join(struct.pack("!HH", tid, 4 + len(recs)) + recs
                    for tid, recs in entries)
    return varlen(bytes([semantic]) + body)


def name(s):
    """as YAF's ypDnsGetName() writes names: with a final dot"""
    return varlen((s + ".").encode())


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def qr(qname, rtype, qresp, rcode, section, dns_id, ttl=0, rdata=None):
    """rdata: (tid, [record bytes]) or None (an empty A list, as YAF)"""
    tid, recs = rdata if rdata else (A_TID, [])
    return stl(tid, recs) + name(qname) + struct.pack(
        "!IHBBBBH4x", ttl, rtype, qresp, 0, rcode, section, dns_id)


def a(addr, qname, ttl, dns_id, section=1):
    return qr(qname, 1, 1, 0, section, dns_id, ttl, (A_TID, [ip4(addr)]))


def aaaa(addr16, qname, ttl, dns_id):
    return qr(qname, 28, 1, 0, 1, dns_id, ttl, (AAAA_TID, [addr16]))


def cname(qname, target, ttl, dns_id):
    return qr(qname, 5, 1, 0, 1, dns_id, ttl, (CN_TID, [name(target)]))


def query(qname, rtype, dns_id):
    return qr(qname, rtype, 0, 0, 0, dns_id)


def flow(n, client, sport, entries, server="192.168.1.1", dport=53,
         answered=True, dpi_tid=DNS_TID, inner=QR_TID):
    start = T0 + n * 1000
    end = start + (20 if answered else 0)
    rec = struct.pack("!QQQQQQ", start, end, 70, 150 if answered else 0,
                      1, 1 if answered else 0)
    rec += ip4(client) + ip4(server) + struct.pack(
        "!HHHHBBHIHHBB", sport, dport, 0, 0, 17, 1, 53, 20, 0, 0, 0, 0)
    lists = [(dpi_tid, stl(inner, entries))] if entries else []
    return rec + stml(lists)


V6 = bytes.fromhex("20010db8000000000000000000000001")

# flow, client, client port, its DNS entries (what YAF's list holds)
SCENARIO = [
    # 1: A www.example.com -> CNAME web.example.net -> 2 addresses; an
    #    NS authority record and an additional A (not answers)
    (1, "192.168.1.10", 40001, [
        query("www.example.com", 1, 0x1111),
        cname("www.example.com", "web.example.net", 300, 0x1111),
        a("93.184.216.34", "web.example.net", 60, 0x1111),
        a("93.184.216.35", "web.example.net", 60, 0x1111),
        qr("example.net", 2, 1, 0, 2, 0x1111, 900,
           (NS_TID, [name("ns1.example.net")])),
        a("192.0.2.53", "ns1.example.net", 900, 0x1111, section=3)]),
    # 2: AAAA v6.example.org
    (2, "192.168.1.10", 40002, [
        query("v6.example.org", 28, 0x2222),
        aaaa(V6, "v6.example.org", 120, 0x2222)]),
    # 3: NXDOMAIN: the question again, response code 3, an SOA (skipped)
    (3, "192.168.1.10", 40003, [
        query("nx.example.com", 1, 0x3333),
        qr("nx.example.com", 1, 1, 3, 0, 0x3333)]),
    # 4: never answered
    (4, "192.168.1.11", 40004, [query("lost.example.com", 1, 0x4444)]),
    # 5: another client, www.example.com again; MX answer too (skipped)
    (5, "192.168.1.20", 40005, [
        query("www.example.com", 1, 0x5555),
        a("93.184.216.34", "www.example.com", 60, 0x5555),
        qr("www.example.com", 15, 1, 0, 1, 0x5555, 60,
           (MX_TID, [name("mx.example.com") + struct.pack("!H6x", 10)]))]),
    # 6: SERVFAIL for a second name, from the same client as 4
    (6, "192.168.1.11", 40006, [
        query("fail.example.com", 1, 0x6666),
        qr("fail.example.com", 1, 1, 2, 0, 0x6666)]),
    # 7: a flow without DPI
    (7, "192.168.1.10", 40007, []),
    # 8: NOERROR without answers (an AAAA-less name): YAF lists only the
    #    authority section (its SOA; an empty list here), without the
    #    question: no record, and the query was answered (not
    #    "unanswered")
    (8, "192.168.1.10", 40008, [
        query("nodata.example.com", 28, 0x8888),
        qr("example.com", 6, 1, 0, 2, 0x8888, 300, (NS_TID, []))]),
]

UNANSWERED = {4}  # flows with no reverse packets

# By hand from SCENARIO: DNS messages, answered or not, per name
EXPECT = {
    "records": 6, "answers": 5, "unanswered": 1,
    "most_resolved": [["www.example.com", 2], ["v6.example.org", 1]],
    "failures": [["fail.example.com", 2, 1], ["lost.example.com",
                                              "timeout", 1],
                 ["nx.example.com", 3, 1]],
    "clients": [["192.168.1.10", 3], ["192.168.1.11", 2],
                ["192.168.1.20", 1]],
    # newest first: flows 5, 2, 1 (first address)
    "last_resolved": [["www.example.com", "93.184.216.34", "192.168.1.20"],
                      ["v6.example.org", "2001:db8::1", "192.168.1.10"],
                      ["www.example.com", "93.184.216.34", "192.168.1.10"]],
    "flows": 8,
}


def templates_msg(seq):
    sets = [ic.tset(ic.tmpl(FLOW_TID, FLOW))]
    sets.append(ic.tset(*[ic.tmpl(t, f) for t, f in TEMPLATES]))
    return ic.msg(sets, seq=seq, export=T0 // 1000)


def write(path, flows):
    out = [templates_msg(0)]
    seq = 0
    for rec in flows:
        out.append(ic.msg([ic.dset(FLOW_TID, rec)], seq=seq,
                          export=T0 // 1000 + 10))
        seq += 1
    with open(path, "wb") as f:
        f.write(b"".join(out))


def hostile():
    many = [query("many.example.com", 1, 0x7777)]
    many += [a("10.9.%d.%d" % (i // 256, i % 256), "many.example.com", 5,
               0x7777) for i in range(300)]
    dnp = struct.pack("!HHB3x", 1, 2, 129) + varlen(b"\x01\x02")
    return [flow(1, "192.168.1.30", 40100, many),
            flow(2, "192.168.1.31", 40101, [dnp], dpi_tid=DNP_TID,
                 inner=DNPREC_TID)]


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "file":
        write(sys.argv[2], [flow(n, c, p, e, answered=n not in UNANSWERED)
                            for n, c, p, e in SCENARIO])
    elif len(sys.argv) == 3 and sys.argv[1] == "hostile":
        write(sys.argv[2], hostile())
    elif len(sys.argv) == 2 and sys.argv[1] == "expect":
        import json
        print(json.dumps(EXPECT, sort_keys=True))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
