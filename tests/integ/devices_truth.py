#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""What a capture says about its devices, from tshark, for
devices_mdns.sh.  For every MAC that a DHCPv4 ACK gave an address
(chaddr), one line:

  MAC name=NAME vendor=VENDOR addrs=A,B,...

NAME is the host name (option 12) the client last sent before the ACK;
VENDOR the organisation oui.txt gives the MAC's first three bytes (read
here from the file, not by minflow), None if none; addrs (sorted) the
union of: the ACK's yiaddr; every internal unicast address sent from or
to that MAC in an IP packet (source with eth.src, destination with
eth.dst; internal = the collector's default [networks] internal); and,
with --mdns, every A/AAAA answer for NAME.local in an mDNS response sent
from that MAC.
Usage: devices_truth.py [--mdns] CAPTURE OUI_TXT
"""
import ipaddress
import subprocess
import sys

INTERNAL = [ipaddress.ip_network(n) for n in
            ("192.168.0.0/16", "10.0.0.0/8", "172.16.0.0/12", "fd00::/8")]


def tshark(cap, flt, fields):
    cmd = ["tshark", "-r", cap, "-Y", flt, "-T", "fields",
           "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=|"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return [line.split("\t") for line in out.stdout.splitlines()]


def internal(a):
    try:
        ip = ipaddress.ip_address(a)
    except ValueError:
        return False
    if ip.is_multicast or ip.is_unspecified:
        return False
    return any(ip in n for n in INTERNAL)


def vendor(oui, mac):
    key = mac.replace(":", "")[:6].upper()
    if int(key[:2], 16) & 2:
        return None
    with open(oui, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.startswith(key) and "(base 16)" in line:
                return line.split("(base 16)", 1)[1].strip()
    return None


def main():
    args = sys.argv[1:]
    mdns = args[:1] == ["--mdns"]
    if mdns:
        args = args[1:]
    cap, oui = args
    names, dev = {}, {}
    for src, typ, chaddr, host, yi in tshark(
            cap, "dhcp", ["eth.src", "dhcp.option.dhcp", "dhcp.hw.mac_addr",
                          "dhcp.option.hostname", "dhcp.ip.your"]):
        chaddr = chaddr.split("|")[0]
        if host and src == chaddr:
            names[chaddr] = host
        if typ == "5" and yi != "0.0.0.0":
            dev.setdefault(chaddr, {"addrs": set()})["addrs"].add(yi)
            dev[chaddr]["name"] = names.get(chaddr)
    for es, ed, s4, d4, s6, d6 in tshark(
            cap, "ip or ipv6", ["eth.src", "eth.dst", "ip.src", "ip.dst",
                                "ipv6.src", "ipv6.dst"]):
        for mac, a in ((es, s4 or s6), (ed, d4 or d6)):
            a = a.split("|")[0]
            if mac in dev and internal(a):
                dev[mac]["addrs"].add(a)
    if mdns:
        for es, names_, a4, a6 in tshark(
                cap, "udp.srcport == 5353 && dns.flags.response == 1",
                ["eth.src", "dns.resp.name", "dns.a", "dns.aaaa"]):
            if es in dev and any(n.endswith(".local")
                                 for n in names_.split("|")):
                for a in (a4.split("|") if a4 else []) + \
                        (a6.split("|") if a6 else []):
                    dev[es]["addrs"].add(a)
    for mac in sorted(dev):
        print(mac, "name=%s vendor=%s addrs=%s" % (
            dev[mac]["name"], vendor(oui, mac),
            ",".join(sorted(dev[mac]["addrs"]))))


if __name__ == "__main__":
    main()
