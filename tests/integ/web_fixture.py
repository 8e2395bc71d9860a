#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A stand-in for minflow-collector's [web] server, for testing the page's
rendering on its own: serves the page's files (the fixed list) and answers
/api/v1 in the shapes of tests' contract (the {"api": 1, "data": ...}
envelope) from a directory of real report files.  It does no more than the
page needs; the real server is tested by tests/integ/web_page.sh.

usage: web_fixture.py FILES_DIR REPORT_DIR PORT_FILE [raw]
With "raw", one more device carries raw hostile text (markup, U+202E,
controls, U+FFFD) in its name and vendor, as a DHCP name could arrive.
Listens on 127.0.0.1 on a port the kernel picks, writes it to PORT_FILE,
and serves until killed (or for at most 600 s)."""

import calendar
import glob
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript"),
    "/app.css": ("app.css", "text/css"),
    "/uplot.min.js": ("uplot.min.js", "text/javascript"),
    "/uplot.min.css": ("uplot.min.css", "text/css"),
    "/favicon.svg": ("favicon.svg", "image/svg+xml"),
}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; "
       "img-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
       "base-uri 'none'; form-action 'none'")
RAW_DEVICE = {
    "id": "02:00:00:00:00:99", "mac": "02:00:00:00:00:99",
    "name": "<img src=x onerror=alert(3)>\u202eevil\u0007\ufffd\u2066x",
    "name_source": "dhcp",
    "vendor": "<script>alert(4)</script>\u009b\u200f",
    "random_mac": True, "addresses": ["192.168.1.99"],
    "bytes_out": 1, "bytes_in": 0, "packets_out": 1, "packets_in": 0,
    "flows": 1, "anomalies": []}
CLASSES = ["in", "out", "inweb", "outweb", "internal", "external"]
# minflow-exporter --processes: every other flow event (the first, third,
# ...) carries this program, raw markup and U+202E included, unless its
# stream has a process of its own; web_page.py checks the "program" column.
FIXTURE_PROCESS = "py<b>srv</b>\u202e"


def reports(rdir):
    out = []
    for p in sorted(glob.glob(os.path.join(rdir, "2*", "*.json"))):
        with open(p, encoding="utf-8") as f:
            out.append(json.load(f))
    return out


def span(reps):
    if not reps:
        return {"from": None, "to": None}
    return {"from": reps[0]["interval"]["start"],
            "to": reps[-1]["interval"]["end"]}


def devices_of(rep):
    """The report's devices, or (without a devices section) its internal
    talkers as devices of their own, by MAC or else address (as
    collector/output/history_facts.c takes them)."""
    if "devices" in rep:
        return rep["devices"]
    addrs = {a["id"]: a for a in rep.get("addresses", [])}
    out = []
    for t in rep.get("top", {}).get("talkers", []):
        a = addrs.get(t["address"], {})
        if not a.get("internal"):
            continue
        out.append({"id": a.get("mac") or a["ip"], "mac": a.get("mac"),
                    "name": None,
                    "vendor": None, "addresses": [a["ip"]],
                    "bytes_out": t["bytes"], "bytes_in": 0,
                    "flows": t["flows"], "names": []})
    return out


def merge_devices(reps):
    """Devices over reports, largest first (as col_history_devices)."""
    devs = {}
    for rep in reps:
        for d in devices_of(rep):
            m = devs.setdefault(d["id"], dict(d, bytes_out=0, bytes_in=0,
                                              flows=0, names={}))
            for k in ("bytes_out", "bytes_in", "flows"):
                m[k] += d.get(k, 0)
            for n in d.get("names", []):
                m["names"][n["name"]] = m["names"].get(n["name"], 0) + \
                    n["bytes"]
    out = []
    for d in devs.values():
        d["bytes"] = d["bytes_out"] + d["bytes_in"]
        d["names"] = [{"name": k, "bytes": v} for k, v in
                      sorted(d["names"].items(), key=lambda x: (-x[1], x[0]))]
        out.append(d)
    if Handler.raw:
        out.append(dict(RAW_DEVICE, names=[], bytes=1))
    out.sort(key=lambda d: (-d["bytes"], d["id"]))
    return out


def names(reps):
    """Remote names by bytes, with the number of devices that used each:
    from the reports' devices sections only (as col_history_names)."""
    tot, users = {}, {}
    for rep in reps:
        for d in rep.get("devices", []):
            for n in d.get("names", []):
                tot[n["name"]] = tot.get(n["name"], 0) + n["bytes"]
                users.setdefault(n["name"], set()).add(d["id"])
    return [{"name": k, "bytes": v, "devices": len(users[k])}
            for k, v in sorted(tot.items(), key=lambda x: (-x[1], x[0]))]


def dns(reps):
    most, fails = {}, {}
    for rep in reps:
        for n in rep.get("dns", {}).get("most_resolved", []):
            most[n["name"]] = most.get(n["name"], 0) + n["count"]
        for n in rep.get("dns", {}).get("failures", []):
            k = (n["name"], n["rcode"])
            fails[k] = fails.get(k, 0) + n["count"]
    return {"names": [{"name": k, "count": v} for k, v in
                      sorted(most.items(), key=lambda x: (-x[1], x[0]))],
            "failures": [{"name": k[0], "rcode": k[1], "count": v} for k, v
                         in sorted(fails.items(),
                                   key=lambda x: (-x[1], x[0]))]}


def series(reps, step):
    if step <= 1:
        reps = []
    t, buckets = [], {}
    for rep in reps:
        start = calendar.timegm(time.strptime(rep["interval"]["start"],
                                              "%Y-%m-%dT%H:%M:%SZ"))
        b = start - start % step
        if b not in buckets:
            buckets[b] = {c: [0, 0, 0] for c in CLASSES}
            t.append(b)
        for c in CLASSES:
            v = rep["summary"].get(c, {})
            for i, k in enumerate(("flows", "packets", "bytes")):
                buckets[b][c][i] += v.get(k, 0)
    out = dict(span(reps), step=step, classes=CLASSES, t=t)
    for i, k in enumerate(("flows", "packets", "bytes")):
        out[k] = {c: [buckets[b][c][i] for b in t] for c in CLASSES}
    return out


def flow_events(rep):
    addrs = {a["id"]: a for a in rep.get("addresses", [])}
    for i, s in enumerate(rep.get("streams", [])):
        left, right = addrs.get(s["left"], {}), addrs.get(s["right"], {})
        yield {"t": rep["interval"]["end"], "device": left.get("mac"),
               "device_name": None, "src": left.get("ip"),
               "dst": right.get("ip"), "sport": s["left_port"],
               "dport": s["right_port"], "proto": s["proto"],
               "name": s.get("label") or None, "bytes": s["bytes"],
               "packets": s["packets"], "class": "out",
               "kind": "dns" if s["right_port"] == 53 else "web",
               "process": s.get("process") or
               (FIXTURE_PROCESS if i % 2 == 0 else None)}


class Handler(BaseHTTPRequestHandler):
    files = ""
    rdir = ""
    raw = False

    def log_message(self, fmt, *args):
        pass

    def send(self, code, body, ctype):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def answer(self, data, code=200):
        key = "data" if code == 200 else "error"
        body = json.dumps({"api": 1, key: data}).encode()
        self.send(code, body, "application/json")

    def do_GET(self):
        u = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(u.query).items()}
        if u.path in STATIC:
            name, ctype = STATIC[u.path]
            with open(os.path.join(self.files, name), "rb") as f:
                self.send(200, f.read(), ctype)
            return
        if u.path == "/api/v1/stream":
            self.stream()
            return
        reps = reports(self.rdir)
        p = u.path
        if p == "/api/v1/latest":
            with open(os.path.join(self.rdir, "latest.json"),
                      encoding="utf-8") as f:
                self.answer(json.load(f))
        elif p == "/api/v1/series":
            self.answer(series(reps, int(q.get("step", "60"))))
        elif p == "/api/v1/devices":
            self.answer(dict(span(reps), devices=merge_devices(reps)))
        elif p.startswith("/api/v1/devices/"):
            want = unquote(p[len("/api/v1/devices/"):])
            for d in merge_devices(reps):
                if d["id"] == want:
                    talks = dict(span(reps), level="day", names=d["names"])
                    d = {k: v for k, v in d.items() if k != "names"}
                    self.answer(dict(span(reps), known=True, talks_to=talks,
                                     **d))
                    return
            self.answer("no such device", 404)
        elif p == "/api/v1/names":
            self.answer(dict(span(reps), names=names(reps)))
        elif p == "/api/v1/dns":
            self.answer(dict(span(reps), **dns(reps)))
        elif p == "/api/v1/anomalies":
            an = [dict(a, state=a.get("state", "active"), address=a["ip"],
                       device=a.get("mac") or a["ip"])
                  for r in reps for a in r.get("anomalies", [])
                  if "first" in a]
            self.answer(dict(span(reps), anomalies=an))
        elif p == "/api/v1/exporters":
            ex = [dict(e, last_seen=reps[-1]["interval"]["end"])
                  for e in reps[-1].get("exporters", [])] if reps else []
            self.answer({"exporters": ex})
        else:
            self.answer("not found", 404)

    def stream(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        with open(os.path.join(self.rdir, "latest.json"),
                  encoding="utf-8") as f:
            rep = json.load(f)
        try:
            self.wfile.write(b"retry: 600000\n\n")
            for ev in flow_events(rep):
                self.wfile.write(b"event: flow\ndata: " +
                                 json.dumps(ev).encode() + b"\n\n")
            self.wfile.write(b'event: drops\ndata: {"dropped": 0}\n\n')
            self.wfile.flush()
            for _ in range(60):
                time.sleep(1)
                self.wfile.write(b": idle\n\n")
                self.wfile.flush()
        except OSError:
            pass


def main():
    Handler.files, Handler.rdir, port_file = sys.argv[1:4]
    Handler.raw = sys.argv[4:5] == ["raw"]
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    with open(port_file + ".tmp", "w", encoding="ascii") as f:
        f.write(str(srv.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    threading.Timer(600, srv.shutdown).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
