#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Helpers of tests/integ/alerts.sh.

serve DIR: a webhook (HTTP on 127.0.0.1, a free port written to DIR/port)
  that answers the first POST 503 (the collector retries it) and appends
  every later POST body as one line to DIR/webhook.jsonl, and a
  syslog datagram socket DIR/syslog.sock whose messages go, one a line,
  to DIR/syslog.txt.  Runs until killed (bounded by a 600 s limit).

truth PCAP NET: what the blocklists of the test must hit, from the capture
  alone (tshark): the bytes of every packet to or from NET, and the query
  names of DNS responses under bing.com.

check REPORTS FILE SINKS...: the alerts every sink got against the
  reports: in FILE one alert per distinct (device, match) of the blocklist
  hits (a hit's address that a device of the report holds is that device),
  one per device of the devices sections and one per anomaly whose state
  is "new" and one per device of the devices sections, each alert once; every
  other sink the same alert ids, each once.

hits REPORTS VIA WHAT: of the blocklist hits of the reports (VIA one way
  they came, or "any"), the bytes summed ("bytes") or the distinct values
  of member WHAT ("entries" for "entry"), sorted, one line.

bad-lines REPORT: the report's blocklist "bad_lines".

report-hits REPORTS N: the sorted "match"es of the flow hits of the Nth
  report (from 1, in time order), one line; "no report N" if it is not
  there.

alerted ALERTS: the remote addresses of the blocklist alerts of the
  JSON-lines file ALERTS, in the order written, one line.

geo REPORTS ALERTS NET: the bytes of "DE" in the reports' top countries,
  the (country, asn, as_org) of the reports' addresses in NET, and the
  (country, text names country and AS) of the alerts whose remote is in
  NET.

ntfy-serve DIR: an HTTP server on 127.0.0.1 (port written to DIR/port)
  that writes each POST to DIR/ntfy.N (N from 1): its Content-Type,
  Title, Priority and Tags headers one a line, then a blank line and the
  body.  Runs until killed (bounded by a 600 s limit)."""
import glob
import http.server
import ipaddress
import json
import os
import socket
import subprocess
import sys
import threading
import time


def serve(d):
    failed = []

    class H(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n).decode()
            if not failed:  # the first POST fails: the sink must retry
                failed.append(body)
                self.send_response(503)
                self.end_headers()
                return
            with open(os.path.join(d, "webhook.jsonl"), "a") as f:
                f.write(body.replace("\n", " ") + "\n")
            self.send_response(204)
            self.end_headers()

        def log_message(self, *a):
            pass

    srv = http.server.HTTPServer(("127.0.0.1", 0), H)
    path = os.path.join(d, "syslog.sock")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)

    def syslog():
        while True:
            msg = s.recv(65536).decode()
            with open(os.path.join(d, "syslog.txt"), "a") as f:
                f.write(msg.replace("\n", " ") + "\n")

    threading.Thread(target=syslog, daemon=True).start()
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    with open(os.path.join(d, "port.tmp"), "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(os.path.join(d, "port.tmp"), os.path.join(d, "port"))
    time.sleep(600)


def truth(pcap, net):
    net = ipaddress.ip_network(net)
    out = subprocess.run(
        ["tshark", "-r", pcap, "-T", "fields", "-e", "ip.src", "-e",
         "ip.dst", "-e", "ip.len", "-e", "dns.flags.response", "-e",
         "dns.qry.name"], capture_output=True, text=True, check=True).stdout
    nbytes, names, remotes = 0, set(), set()
    for line in out.splitlines():
        src, dst, ln, resp, qname = (line.split("\t") + [""] * 5)[:5]
        if not src:
            continue
        for a in (src, dst):
            if ipaddress.ip_address(a) in net:
                nbytes += int(ln)
                remotes.add(a)
                break
        if resp == "1" and (qname == "bing.com" or
                            qname.endswith(".bing.com")):
            names.add(qname)
    print(nbytes, " ".join(sorted(remotes)), " ".join(sorted(names)))


def reports(d):
    out = []
    for p in sorted(glob.glob(os.path.join(d, "2*", "*.json"))):
        with open(p) as f:
            out.append(json.load(f))
    return out


def sink_alerts(path):
    """The alerts of a sink, as the collector's alert objects (IDEA
    messages give their ID only)."""
    out = []
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            line = line.strip()
            if path.endswith("syslog.txt"):
                assert line.startswith("<28>1 "), line
                line = line.split(" ALERT - ", 1)[1]
            o = json.loads(line)
            if o.get("Format") == "IDEA0":
                o = {"id": o["ID"], "idea": True}
            out.append(o)
    return out


def key(a, want=()):
    dev = (a.get("device") or {}).get("id")
    if a["type"] == "blocklist":
        # The match is one half of the remote: the one wanted.
        rem = a.get("remote") or {}
        k = ("blocklist", dev, rem.get("address"))
        if k in want or rem.get("name") is None:
            return k
        return ("blocklist", dev, rem.get("name"))
    if a["type"] == "new_device":
        return ("new_device", dev, "")
    if a["type"] == "anomaly" and dev is None:
        dev = (a.get("remote") or {}).get("address")
    return (a["type"], dev, a.get("what"))


def check(rdir, *sinks):
    """Print nothing if every sink got each expected alert exactly once."""
    want = set()
    for r in reports(rdir):
        # An address of a device in the same report is that device.
        owner = {a if isinstance(a, str) else a["address"]: v["id"]
                 for v in r.get("devices", []) for a in v["addresses"]}
        for h in r.get("blocklist", {}).get("hits", []):
            dev = owner.get(h["device"], h["device"])
            want.add(("blocklist", dev, h["match"]))
        for v in r.get("devices", []):
            want.add(("new_device", v["id"], ""))
        for a in r.get("anomalies", []):
            if a.get("state") == "new":
                want.add(("anomaly", owner.get(a["ip"], a["ip"]), a["type"]))
    first = sink_alerts(sinks[0])
    got = [key(a, want) for a in first
           if a["type"] in ("blocklist", "new_device", "anomaly")]
    if sorted(got) != sorted(want):
        print("file sink: got", sorted(got), "want", sorted(want))
    ids = sorted(a["id"] for a in first)
    if len(set(ids)) != len(ids):
        print("file sink: an alert id twice")
    for s in sinks[1:]:
        other = sorted(a["id"] for a in sink_alerts(s))
        if other != ids:
            print(os.path.basename(s), "has", len(other), "alerts, the file",
                  len(ids), "(or other ids)")


def all_hits(d):
    return [h for r in reports(d) for h in r.get("blocklist", {}).get("hits", [])]


def hits(d, via, what):
    sel = [h for h in all_hits(d) if via in ("any", h["via"])]
    if what == "bytes":
        print(sum(h["bytes"] for h in sel))
        return
    what = "entry" if what == "entries" else what
    print(" ".join(sorted({h[what] for h in sel})))


def report_hits(d, n):
    rs = reports(d)
    if int(n) > len(rs):
        print("no report", n)
        return
    hits = rs[int(n) - 1].get("blocklist", {}).get("hits", [])
    print(" ".join(sorted(h["match"] for h in hits if h["via"] == "flow")))


def alerted(path):
    out = []
    for a in sink_alerts(path):
        if a["type"] == "blocklist":
            out.append((a.get("remote") or {}).get("address") or "-")
    print(" ".join(out))


def bad_lines(path):
    with open(path) as f:
        print(json.load(f)["blocklist"]["bad_lines"])


def geo(d, alerts, net):
    net = ipaddress.ip_network(net)
    de, listed = 0, set()
    for r in reports(d):
        de += sum(c["bytes"] for c in r["top"].get("countries", [])
                  if c["country"] == "DE")
        for a in r["addresses"]:
            if ipaddress.ip_address(a["ip"]) in net:
                listed.add((a["country"], a["asn"], a["as_org"]))
    rem = set()
    with open(alerts) as f:
        for line in f:
            a = json.loads(line)
            r = a.get("remote") or {}
            if r.get("address") and ipaddress.ip_address(r["address"]) in net:
                rem.add((r["country"],
                         "(DE, AS24940 Hetzner Online GmbH)" in a["text"]))
    print(de, sorted(listed), sorted(rem))


def ntfy_serve(d):
    n = []

    class H(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            size = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(size).decode()
            n.append(body)
            heads = "".join("%s: %s\n" % (h, self.headers.get(h))
                            for h in ("Content-Type", "Title", "Priority",
                                      "Tags"))
            tmp = os.path.join(d, ".ntfy.tmp")
            with open(tmp, "w") as f:
                f.write(heads + "\n" + body)
            os.rename(tmp, os.path.join(d, "ntfy.%d" % len(n)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *a):
            pass

    srv = http.server.HTTPServer(("127.0.0.1", 0), H)
    srv.timeout = 1
    with open(os.path.join(d, "port.tmp"), "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(os.path.join(d, "port.tmp"), os.path.join(d, "port"))
    end = time.monotonic() + 600
    while time.monotonic() < end:
        srv.handle_request()


if __name__ == "__main__":
    {"serve": serve, "truth": truth, "check": check, "hits": hits,
     "bad-lines": bad_lines, "report-hits": report_hits,
     "alerted": alerted, "geo": geo,
     "ntfy-serve": ntfy_serve}[sys.argv[1]](*sys.argv[2:])
