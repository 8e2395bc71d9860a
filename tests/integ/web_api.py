#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Helpers of web_api.sh and web_abuse.sh: an HTTP client that sends paths
exactly as given (http.client, no normalisation), a server-sent events
reader, and comparisons of the API with the report files."""
import json
import os
import socket
import sys
import time
import http.client

import report_sums
from report_sums import CLASSES

HEADERS = {
    "content-security-policy":
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def request(port, path, method="GET", body=None):
    """(status, headers as a lower-case dict, body bytes)"""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request(method, path, body=body)
    r = c.getresponse()
    data = r.read()
    h = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return r.status, h, data


def missing_headers(h):
    """the security headers absent or different, and Cache-Control"""
    bad = [k for k, v in HEADERS.items() if h.get(k) != v]
    if "cache-control" not in h:
        bad.append("cache-control")
    return bad


def reports(d):
    out = []
    for day in sorted(os.listdir(d)):
        if len(day) == 8 and day.isdigit():
            for f in sorted(os.listdir(os.path.join(d, day))):
                with open(os.path.join(d, day, f)) as fp:
                    out.append(json.load(fp))
    return out


def api(port, path):
    st, h, body = request(port, path)
    if st != 200:
        sys.exit("%s: HTTP %d %r" % (path, st, body[:200]))
    return json.loads(body)["data"]


def cmd_wait_records(port, rdir, limit):
    """
    Wait until the collector's record count (/api/v1/exporters) is the
    same for 3 s and latest.json's exporter lines say as many; print it.
    """
    end = time.monotonic() + limit
    last, since = -1, time.monotonic()
    while time.monotonic() < end:
        n = api(port, "/api/v1/exporters")["records"]
        if n != last:
            last, since = n, time.monotonic()
        try:
            with open(os.path.join(rdir, "latest.json")) as fp:
                rep = sum(e["records"] for e in json.load(fp)["exporters"])
        except (OSError, ValueError):
            rep = -1
        if n > 0 and rep == n and time.monotonic() - since >= 3:
            print(n)
            return
        time.sleep(0.5)
    sys.exit("records did not settle: api %d, latest.json %d" % (last, rep))


def cmd_latest_same(port, rdir):
    """"same" if /api/v1/latest holds latest.json byte for byte"""
    st, h, body = request(port, "/api/v1/latest")
    with open(os.path.join(rdir, "latest.json"), "rb") as fp:
        want = fp.read()
    pre, post = b'{"api": 1, "data": ', b"}\n"
    ok = (st == 200 and body.startswith(pre) and body.endswith(post) and
          body[len(pre):-len(post)] + b"\n" == want and
          h.get("content-type") == "application/json")
    print("same" if ok else "differs: HTTP %d, %d bytes vs %d" %
          (st, len(body), len(want)))


def stream_parse(buf):
    """The events in a stream's raw bytes (headers, chunks) as totals."""
    res = {"flows": 0, "dropped": 0, "packets": 0, "bytes": 0, "bad": 0,
           "countries": {}}
    parts = buf.split(b"\r\n\r\n", 1)
    if len(parts) < 2:
        return res
    # Chunked transfer: the events are cut anywhere; join the chunks.
    text, rest = b"", parts[1]
    while rest:
        size, sep, rest = rest.partition(b"\r\n")
        try:
            n = int(size.split(b";")[0], 16)
        except ValueError:
            break
        if n == 0 or not sep:
            break
        text, rest = text + rest[:n], rest[n + 2:]
    for ev in text.split(b"\n\n"):
        lines = ev.split(b"\n")
        if len(lines) < 2:
            continue
        if lines[0] == b"event: flow" and lines[1].startswith(b"data: "):
            try:
                e = json.loads(lines[1][6:])
            except ValueError:
                res["bad"] += 1
                continue
            res["flows"] += 1
            res["packets"] += e["packets"]
            res["bytes"] += e["bytes"]
            cc = e.get("country") or "-"
            res["countries"][cc] = res["countries"].get(cc, 0) + e["bytes"]
        elif lines[0] == b"event: drops" and lines[1].startswith(b"data: "):
            res["dropped"] += json.loads(lines[1][6:])["dropped"]
    return res


def stop_wanted(stop_file):
    """None until stop_file exists; then the records it names (0: none)."""
    try:
        with open(stop_file) as fp:
            text = fp.read().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else 0


def cmd_stream(port, out, stall_file, stop_file, rcvbuf):
    """
    Read /api/v1/stream; with stall_file, stop reading after the first
    comment until that file exists.  After stop_file exists, read until 2 s
    pass without data and, when stop_file holds a number, until events +
    drops reach it: the server's stream thread runs at a lower priority
    and on a loaded machine may send the last events seconds late (at most
    60 s more).  Write {"flows", "dropped", "packets", "bytes", "bad"} to
    out.
    """
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect(("127.0.0.1", port))
    s.sendall(b"GET /api/v1/stream HTTP/1.1\r\nHost: x\r\n\r\n")
    buf = b""
    while b": minflow stream\n\n" not in buf:
        d = s.recv(4096)
        if not d:
            sys.exit("stream closed before its first comment")
        buf += d
    with open(out + ".ready", "w"):
        pass
    end = time.monotonic() + 180
    while stall_file and not os.path.exists(stall_file):
        if time.monotonic() > end:
            sys.exit("stall never ended")
        time.sleep(0.2)
    s.settimeout(2)
    stop_end = None
    while time.monotonic() < end:
        try:
            d = s.recv(65536)
        except socket.timeout:
            want = stop_wanted(stop_file)
            if want is None:
                continue
            if stop_end is None:
                stop_end = time.monotonic() + 60
            r = stream_parse(buf)
            if r["flows"] + r["dropped"] >= want or \
                    time.monotonic() > stop_end:
                break
            continue
        if not d:
            break
        buf += d
    s.close()
    with open(out, "w") as fp:
        json.dump(stream_parse(buf), fp)


def cmd_get(path, key):
    with open(path) as fp:
        print(json.load(fp)[key])


def cmd_stream_totals(path):
    with open(path) as fp:
        r = json.load(fp)
    print(r["packets"], r["bytes"])


def cmd_report_totals(rdir):
    report_sums.print_totals(reports(rdir))


def cmd_series_classes(port):
    """per class packets and bytes summed over the live series (step 1)"""
    d = api(port, "/api/v1/series?step=1")
    for k in CLASSES:
        print(k, sum(d["packets"][k]), sum(d["bytes"][k]))


def cmd_report_classes(rdir):
    report_sums.print_classes(reports(rdir))


def metrics(port):
    st, h, body = request(port, "/metrics")
    m = {}
    for line in body.decode().splitlines():
        if line and not line.startswith("#"):
            k, v = line.rsplit(" ", 1)
            m[k] = int(v)
    return m


def cmd_metric(port, name):
    print(metrics(port).get(name, "absent"))


def cmd_metrics_vs_report(port, rdir):
    """"NAME METRIC REPORT" for the numbers both have"""
    m = metrics(port)
    with open(os.path.join(rdir, "latest.json")) as fp:
        rep = json.load(fp)
    for e in rep["exporters"]:
        lab = '{address="%s",port="%d",domain="%d",protocol="%s"}' % (
            e["address"], e["port"], e["observation_domain"], e["protocol"])
        for mk, rk in (("records_total", "records"), ("lost_total", "lost"),
                       ("late_records_total", "late_records"),
                       ("undecodable_total", "undecodable")):
            print("exporter_" + mk, m.get("minflow_exporter_" + mk + lab),
                  e[rk])
    for t, v in rep["tables"].items():
        for k in ("used", "capacity", "evicted"):
            print("table_%s_%s" % (k, t),
                  m.get('minflow_table_%s{table="%s"}' % (k, t)), v[k])
    print("records_total", m.get("minflow_records_total"),
          sum(e["records"] for e in rep["exporters"]))
    print("reports_total", m.get("minflow_reports_total"),
          len(reports(rdir)))


def cmd_methods(port):
    """"METHOD STATUS ALLOW MISSING-HEADERS" for methods other than GET"""
    for meth in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"):
        for path in ("/api/v1/latest", "/"):
            st, h, _ = request(port, path, meth, b"x=1")
            print(meth, path, st, h.get("allow"),
                  ",".join(missing_headers(h)) or "-")


TRAVERSAL = [
    "/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E/secret.txt",
    "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "//etc/passwd",
    "/etc/passwd", "/secret.txt", "/./app.js", "/index.html",
    "/app.js/../secret.txt", "/app.js%00", "/app.js%2f..%2fsecret.txt",
    "/api/v1/../../secret.txt", "/api/v1/%2e%2e/secret.txt",
    "/uplot.min.js/..", "/app.js%2500", "/%00/../secret.txt",
    "/../../../../../../../../etc/passwd", "/.%2e/secret.txt",
    "/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/..%2F..%2Foutside.txt",
    "/%2E%2e%2F%2E%2e%2Foutside.txt", "/%252e%252e/secret.txt",
    "/%252e%252e%252fsecret.txt", "/..%5csecret.txt", "/%5c..%5csecret.txt",
    "/..\\secret.txt", "/%2fetc%2fpasswd", "/%2Fetc/passwd",
    "/etc%2fpasswd", "/app.js%2F..%2F..%2Foutside.txt", "/..;/secret.txt",
    "/%c0%ae%c0%ae/secret.txt", "/api/v1/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/file:///etc/passwd", "/%2F%2Fetc%2Fpasswd",
]


def cmd_traversal(port, files):
    """"PATH STATUS" for each attempt, and "leak PATH" if a body holds the
    secret or any file that is not on the list"""
    secret = open(os.path.join(files, "secret.txt"), "rb").read()
    outside = open(os.path.join(files, "..", "outside.txt"), "rb").read()
    absf = os.path.abspath(files)
    for p in TRAVERSAL + [os.path.join(files, "secret.txt"),
                          "/" + absf + "/app.js", absf + "/../outside.txt",
                          "/" + absf + "/../outside.txt",
                          absf.replace("/", "%2f") + "%2fsecret.txt"]:
        st, h, body = request(port, p)
        print(p, st)
        if secret in body or outside in body or b"root:" in body:
            print("leak", p)


def cmd_headers(port):
    """paths whose answer lacks a security header ("-" if none)"""
    bad = []
    for p in ("/", "/app.js", "/metrics", "/api/v1/latest",
              "/api/v1/exporters", "/api/v1/series", "/api/v1/nothing",
              "/nothing", "/api/v1/series?step=7", "/api/v1/devices"):
        st, h, _ = request(port, p)
        if missing_headers(h):
            bad.append("%s:%s" % (p, ",".join(missing_headers(h))))
    print(" ".join(bad) or "-")


BAD_QUERIES = [
    "/api/v1/series?step=2", "/api/v1/series?step=", "/api/v1/series?step",
    "/api/v1/series?from=2026-13-01T00:00:00Z",
    "/api/v1/series?from=yesterday", "/api/v1/series?to=1768471200",
    "/api/v1/series?from=2026-01-15T10:00:00Z&to=2026-01-15T09:00:00Z",
    "/api/v1/series?from=2026-01-15T10:00:00Z&from=2026-01-15T10:00:00Z",
    "/api/v1/latest?x=1", "/api/v1/reports?from=%00",
    "/api/v1/reports?from=2026-01-15T10%3A00%3A00%2B25%3A00",
    "/api/v1/reports?" + "&".join("a%d=1" % i for i in range(20)),
    "/api/v1/exporters?from=2026-01-15T10:00:00Z",
    "/api/v1/series?from=" + "9" * 5000,
]


def cmd_bad_queries(port):
    """"STATUS ERROR-OR-NOT" per malformed query"""
    for p in BAD_QUERIES:
        st, h, body = request(port, p)
        try:
            d = json.loads(body)
            kind = "error" if d.get("api") == 1 and "error" in d else "?"
        except ValueError:
            kind = "not-json"
        print(st, kind)


def cmd_rate(port, n):
    """n requests at once: "COUNT-429 RETRY-AFTER-ON-ALL-429 COUNT-200" """
    c429, c200, retry = 0, 0, True
    for _ in range(n):
        st, h, _ = request(port, "/api/v1/exporters")
        if st == 429:
            c429 += 1
            retry = retry and h.get("retry-after") == "1"
        elif st == 200:
            c200 += 1
    print(c429, "retry-after" if retry else "no-retry-after", c200)


def cmd_idle(port, n, hold, out):
    """n idle connections held for hold seconds; how many were open"""
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", port))
            socks.append(s)
        except OSError:
            s.close()
    with open(out, "w") as fp:
        fp.write("%d\n" % len(socks))
    time.sleep(hold)
    for s in socks:
        s.close()


m = sys.argv[1]
a = sys.argv[2:]
if m == "wait-records":
    cmd_wait_records(int(a[0]), a[1], float(a[2]))
elif m == "latest-same":
    cmd_latest_same(int(a[0]), a[1])
elif m == "stream":
    cmd_stream(int(a[0]), a[1], a[2] if a[2] != "-" else "", a[3],
               int(a[4]))
elif m == "get":
    cmd_get(a[0], a[1])
elif m == "stream-totals":
    cmd_stream_totals(a[0])
elif m == "report-totals":
    cmd_report_totals(a[0])
elif m == "report-classes":
    cmd_report_classes(a[0])
elif m == "series-classes":
    cmd_series_classes(int(a[0]))
elif m == "metric":
    cmd_metric(int(a[0]), a[1])
elif m == "metrics-vs-report":
    cmd_metrics_vs_report(int(a[0]), a[1])
elif m == "methods":
    cmd_methods(int(a[0]))
elif m == "traversal":
    cmd_traversal(int(a[0]), a[1])
elif m == "headers":
    cmd_headers(int(a[0]))
elif m == "bad-queries":
    cmd_bad_queries(int(a[0]))
elif m == "rate":
    cmd_rate(int(a[0]), int(a[1]))
elif m == "idle":
    cmd_idle(int(a[0]), int(a[1]), float(a[2]), a[3])
else:
    sys.exit("unknown command " + m)
