#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Drive minflow's web page in headless Chromium (Debian chromium,
chromium-driver, python3-selenium) with no network but 127.0.0.1, and check
what it shows against the API, and the API against the report files.

usage: web_page.py BASE_URL REPORT_DIR SHOT_DIR [HOSTILE_NAMES.json]

Checks: every view loads without an error; the totals of the latest report
on the page equal /api/v1/latest's, which equals REPORT_DIR/latest.json;
the devices and names tables equal /api/v1/devices and /api/v1/names (row
by row, name and bytes), whose bytes equal the sums over the report files
of the range the API answered; a device's "talks to" equals
/api/v1/devices/ID, and every device's talks_to (bytes per remote name)
and /api/v1/dns (names and failures) equal the sums over the report files
of the range each answered, computed here.  With HOSTILE_NAMES: each name is shown as text (the
text the page shows equals the name as the reports hold it), no dialog
opens, no element was injected, and the browser logged no Content Security
Policy violation.  Screenshots of every view go to SHOT_DIR.  Prints one
line per check; exits 1 on the first failure."""

import calendar
import glob
import ipaddress
import json
import os
import subprocess
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import web_fixture  # the report files' devices and names, as history sums

# The stream last: a test may send flows to the live collector then.
VIEWS = ["now", "devices", "names", "anomalies", "dns", "history",
         "exporters", "stream"]
CLASSES = ["in", "out", "inweb", "outweb", "internal", "external"]
BIDI = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A)) | \
    {0x200E, 0x200F, 0x061C}
RAW_ID = "02:00:00:00:00:99"  # web_fixture.py's device with raw text
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def ok(msg):
    print("ok: " + msg)


def api(base, path):
    with NO_PROXY.open(base + "/api/v1/" + path, timeout=30) as r:
        body = json.load(r)
    if body.get("api") != 1 or "data" not in body:
        fail("%s: not an API answer: %r" % (path, body))
    return body["data"]


def items(data, key):
    if isinstance(data, list):
        return data
    return data.get(key, []) if isinstance(data, dict) else []


def shown(s):
    """The text the page's netText() shows for a network string."""
    if s is None or s == "":
        return "\u2014"
    out, bidi = "", False
    for ch in s:
        c = ord(ch)
        if c in BIDI:
            bidi = True
        elif c < 0x20 or 0x7f <= c <= 0x9f:
            out += "\\x%02x" % c
        else:
            out += ch
    return out + ("\u21c4" if bidi else "")


def number(text):
    return int(text.replace(",", ""))


def browser(shots):
    opts = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
              "--disable-dev-shm-usage", "--window-size=1280,900",
              "--proxy-server=127.0.0.1:1", "--proxy-bypass-list=127.0.0.1",
              "--no-first-run", "--disable-background-networking",
              "--disable-component-update", "--disable-sync",
              "--user-data-dir=" + os.path.join(shots, "chromium-profile")):
        opts.add_argument(a)
    opts.binary_location = "/usr/bin/chromium"
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"),
                            options=opts)


def open_view(drv, base, view, shots):
    """Show a view and wait (bounded) until it has loaded once more."""
    sec = drv.find_element(By.ID, "view-" + view)
    before = sec.get_attribute("data-loaded")
    drv.get(base + "/#" + view)
    for _ in range(100):
        if view == "stream" or \
                sec.get_attribute("data-loaded") not in (None, before):
            break
        time.sleep(0.1)
        sec = drv.find_element(By.ID, "view-" + view)
    else:
        fail("view %s did not load" % view)
    time.sleep(0.5 if view != "stream" else 2)
    status = drv.find_element(By.ID, "status").text
    if status:
        fail("view %s shows an error: %s" % (view, status))
    drv.save_screenshot(os.path.join(shots, view + ".png"))
    ok("view %s loads (screenshot %s.png)" % (view, view))


# A table's rows in one step of the page's own thread (a view that
# refreshes cannot change them halfway): each row's cells' text, its
# data-* attributes and its classes; "nothing yet" rows left out.
SNAPSHOT = """
return [...document.querySelectorAll(arguments[0] + ' tbody tr')]
    .filter((r) => !r.classList.contains('empty'))
    .map((r) => ({ cells: [...r.cells].map((c) => c.textContent),
        data: { ...r.dataset }, cls: r.className }));
"""


def rows(drv, table):
    return drv.execute_script(SNAPSHOT, table)


def cell_text(tr, i):
    return tr["cells"][i]


def check_totals(drv, base, rdir):
    latest = api(base, "latest")
    with open(os.path.join(rdir, "latest.json"), encoding="utf-8") as f:
        if json.load(f) != latest:
            fail("/api/v1/latest differs from latest.json")
    ok("/api/v1/latest equals latest.json")
    for tr in rows(drv, "#totals"):
        c = tr["data"]["class"]
        want = latest["summary"][c]
        got = [number(cell_text(tr, i)) for i in (1, 2, 3)]
        if got != [want["flows"], want["packets"], want["bytes"]]:
            fail("totals %s: page %r, API %r" % (c, got, want))
    ok("totals of %s equal the API's" % ", ".join(CLASSES))


def in_range(rdir, data):
    out = []
    for p in sorted(glob.glob(os.path.join(rdir, "2*", "*.json"))):
        with open(p, encoding="utf-8") as f:
            rep = json.load(f)
        iv = rep["interval"]
        if data.get("from") <= iv["start"] and iv["end"] <= data.get("to"):
            out.append(rep)
    return out


def check_devices(drv, base, rdir):
    data = api(base, "devices")
    devs = items(data, "devices")
    page = rows(drv, "#devices-table")
    if len(page) != len(devs) or not devs:
        fail("devices: page has %d rows, API %d" % (len(page), len(devs)))
    for tr, d in zip(page, devs):
        got = (cell_text(tr, 0), cell_text(tr, 1), cell_text(tr, 2),
               cell_text(tr, 3), number(cell_text(tr, 5)))
        want = (shown(d["id"]), shown(d.get("name")), shown(d.get("mac")),
                shown(d.get("vendor")), d["bytes_out"] + d["bytes_in"])
        if got != want:
            fail("device row %r, API %r" % (got, want))
    ok("%d device rows equal the API's (id, name, MAC, vendor, bytes)" %
       len(devs))
    reps = in_range(rdir, data)
    truth = {d["id"]: d for d in web_fixture.merge_devices(reps)}
    for d in devs:
        if d["id"] == RAW_ID:
            continue
        t = truth.get(d["id"], {"bytes_out": -1, "bytes_in": -1})
        if (d["bytes_out"], d["bytes_in"]) != (t["bytes_out"],
                                               t["bytes_in"]):
            fail("device %s: API %d/%d bytes out/in, reports %d/%d" %
                 (d["id"], d["bytes_out"], d["bytes_in"], t["bytes_out"],
                  t["bytes_in"]))
    ok("device bytes out/in equal the sums over the %d reports of %s..%s"
       % (len(reps), data["from"], data["to"]))
    top = devs[0]
    drv.find_element(By.CSS_SELECTOR, "#devices-table tbody tr").click()
    one = api(base, "devices/" + urllib.request.quote(top["id"], safe=""))
    names = items(one.get("talks_to", {}), "names")
    for _ in range(50):
        talks = rows(drv, "#talks-table")
        if not drv.find_element(By.ID, "talks").get_attribute("hidden") \
                and len(talks) == len(names):
            break
        time.sleep(0.1)
    got = [(cell_text(t, 0), number(cell_text(t, 1))) for t in talks]
    want = [(shown(n["name"]), n["bytes"]) for n in names]
    if got != want:
        fail("talks to of %s: page %r, API %r" % (top["id"], got, want))
    ok("%s talks to %d names, as the API says" % (top["id"], len(want)))
    check_talks_to(base, rdir, devs)


def by_count(tot, limit=1000):
    """[(key..., n)] of {key: n}, largest first, ties by key (as the
    history's ORDER BY sum DESC, key)"""
    keys = sorted(tot, key=lambda k: (-tot[k], k))[:limit]
    return [(k if isinstance(k, tuple) else (k,)) + (tot[k],) for k in keys]


def check_talks_to(base, rdir, devs):
    """Each device's talks_to = the "names" of its entries in the
    "devices" sections of the reports of talks_to's range, summed."""
    n = total = 0
    for d in devs:
        if d["id"] == RAW_ID:
            continue
        one = api(base, "devices/" + urllib.request.quote(d["id"], safe=""))
        talks = one.get("talks_to", {})
        tot = {}
        for rep in in_range(rdir, talks):
            for e in rep.get("devices", []):
                if e["id"] != d["id"]:
                    continue
                for x in e.get("names", []):
                    tot[x["name"]] = tot.get(x["name"], 0) + x["bytes"]
        got = [(x["name"], x["bytes"]) for x in items(talks, "names")]
        if got != by_count(tot):
            fail("talks_to of %s: API %r, reports %r" %
                 (d["id"], got[:5], by_count(tot)[:5]))
        n += len(got)
        total += sum(tot.values())
    ok("talks_to of %d devices (%d names, %d bytes in all) equal the "
       "reports' sums" % (len(devs), n, total))


def check_names(drv, base, rdir, hostile):
    data = api(base, "names")
    names = items(data, "names")
    got = [(cell_text(t, 0), number(cell_text(t, 1)))
           for t in rows(drv, "#names-table")]
    want = [(shown(n["name"]), n["bytes"]) for n in names]
    if got != want:
        fail("names: page %r, API %r" % (got[:5], want[:5]))
    ok("%d names equal the API's (name, bytes)" % len(want))
    reps = in_range(rdir, data)
    truth = [(n["name"], n["bytes"]) for n in web_fixture.names(reps)]
    if [(n["name"], n["bytes"]) for n in names] != truth:
        fail("names: API %r, reports %r" % (names[:5], truth[:5]))
    ok("names and bytes equal the sums over the %d reports (%d names)" %
       (len(reps), len(truth)))
    if hostile and not truth:
        ok("no names to show: the reports' devices name no remote side")
        return
    hostile_shown("names", [g[0] for g in got], hostile)


def check_countries(drv, base):
    """With [geo] (MF_WEB_GEO), the names view lists the latest report's
    countries, (country, bytes) in its order, and there are some."""
    latest = api(base, "latest")
    want = [(c["country"], c["bytes"])
            for c in (latest.get("top") or {}).get("countries", [])]
    if not want:
        fail("countries: the latest report lists none with [geo]")
        return
    got = [(cell_text(t, 0), number(cell_text(t, 1)))
           for t in rows(drv, "#countries-table")]
    if got != want:
        fail("countries: page %r, latest report %r" % (got, want))
    ok("%d countries equal the latest report's (country, bytes)" %
       len(want))


def device_names(base, data, latest):
    """The page's rule, computed here on its own: the name of
    /api/v1/devices over the answer's range, else of the latest report's
    devices, else of the latest report's first device with that address."""
    names = {}
    q = "devices"
    if data.get("from") and data.get("to"):
        q += "?from=%s&to=%s" % (data["from"], data["to"])
    for d in items(api(base, q), "devices"):
        names[d["id"]] = d.get("name")
    for d in latest.get("devices", []):
        names.setdefault(d["id"], d.get("name"))
    for d in latest.get("devices", []):
        for a in d.get("addresses", []):
            names.setdefault(a, d.get("name"))
    return names


def check_anomalies(drv, base, rdir):
    """The rows are the API's (state, type, device name), and the API's are
    the anomalies of the reports in its range that history can key (those
    with a "first"); each device's name is the devices table's."""
    data = api(base, "anomalies")
    latest = api(base, "latest")
    an = items(data, "anomalies")
    names = device_names(base, data, latest)
    got = [(cell_text(t, 0), cell_text(t, 1), cell_text(t, 2)) for t in
           rows(drv, "#anomalies-table")]
    want = [(a["state"] if a.get("state") in ("new", "active", "over")
             else "unknown", shown(a["type"]),
             shown(names.get(a.get("device")))) for a in an]
    if got != want:
        fail("anomalies: page %r, API %r" % (got, want))
    ok("%d anomalies equal the API's (state, type, device name)" %
       len(want))
    # the report's own device_name agrees with the devices table's
    for r in in_range(rdir, data):
        for a in r.get("anomalies", []):
            if a.get("device") in names and \
                    a.get("device_name") != names[a["device"]]:
                fail("anomaly %r: device_name %r, devices table %r" %
                     (a["type"], a.get("device_name"), names[a["device"]]))
    named = sorted({w[2] for w in want if w[2] != "\u2014"})
    ok("anomalies name their devices as the devices table: %r" % named)
    keys = {(a["type"], a.get("ip") or a.get("address"))
            for r in in_range(rdir, data) for a in r.get("anomalies", [])
            if "first" in a}
    if {(a["type"], a["address"]) for a in an} != keys:
        fail("anomalies: API %r, reports %r" % (an, keys))
    ok("the API's anomalies are the reports' (%d)" % len(keys))
    check_blocklist(drv, base, data, latest, names)


def is_address(text):
    """whether a hit's match is an address (else a name)"""
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


def check_blocklist(drv, base, data, latest, names):
    """The "Blocklist hits" table equals the latest report's hits, cell by
    cell, each with its device's name; MF_WEB_BL_MATCHES (if set) is the
    set of addresses the hits must name, at least one, and the names they
    match are MF_WEB_BL_NAMES (default 0) in number, each under
    MF_WEB_BL_NAMES_UNDER."""
    bl = latest.get("blocklist")
    hidden = drv.find_element(By.ID, "blocklist").get_attribute("hidden")
    if bl is None:
        if not hidden:
            fail("blocklist: shown with no blocklist in the report")
        ok("no blocklist in the latest report, none shown")
        return
    if hidden:
        fail("blocklist: the report has one, the page hides it")
    want = []
    for h in bl["hits"]:
        want.append([shown(names.get(h.get("device"))),
                     shown(h.get("device")), shown(h["list"]),
                     "{:,}".format(h["line"]), shown(h["entry"]),
                     shown(h["kind"]), shown(h["match"]), shown(h["via"]),
                     "{:,}".format(h["flows"]), "{:,}".format(h["bytes"]),
                     shown(h["first"]), shown(h["last"])])
    got = [t["cells"] for t in rows(drv, "#blocklist-table")]
    if got != want:
        fail("blocklist: page %r, latest report %r" % (got, want))
    dropped = drv.find_element(By.ID, "blocklist-dropped").text
    if number(dropped) != bl["dropped_hits"]:
        fail("blocklist dropped: page %s, report %d" %
             (dropped, bl["dropped_hits"]))
    exp = os.environ.get("MF_WEB_BL_MATCHES")
    if exp is not None:
        matches = {h["match"] for h in bl["hits"]}
        addrs = {m for m in matches if is_address(m)}
        named = matches - addrs
        under = os.environ.get("MF_WEB_BL_NAMES_UNDER", "")
        want_named = int(os.environ.get("MF_WEB_BL_NAMES", "0"))
        if not addrs or addrs != set(exp.split()):
            fail("blocklist matches %r, want %r" % (addrs, exp.split()))
        if len(named) != want_named or \
                any(not n.endswith("." + under) for n in named):
            fail("blocklist name matches %r, want %d under %r" %
                 (sorted(named), want_named, under))
    ok("blocklist: %d hits equal the latest report's, with device names "
       "%r" % (len(want), sorted({w[0] for w in want})))


def check_history(drv, base):
    """The last hour before the latest report's end: the device table is
    /api/v1/devices of that range; the top device's names are its
    talks_to; the chart is drawn."""
    end = api(base, "latest")["interval"]["end"]
    t = calendar.timegm(time.strptime(end, "%Y-%m-%dT%H:%M:%SZ"))
    q = "from=%s&to=%s" % (time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                         time.gmtime(t - 3600)), end)
    devs = items(api(base, "devices?" + q), "devices")
    got = [(cell_text(r, 0), number(cell_text(r, 2)),
            number(cell_text(r, 3)), number(cell_text(r, 4)))
           for r in rows(drv, "#history-table")]
    want = [(shown(d["id"]), d["bytes_out"], d["bytes_in"], d["flows"])
            for d in devs]
    if got != want or not want:
        fail("history devices: page %r, API %r" % (got, want))
    if not drv.find_elements(By.CSS_SELECTOR, "#history-chart canvas"):
        fail("history: no chart")
    ok("history: chart drawn, %d devices equal the API's for %s" %
       (len(want), q))
    top = devs[0]["id"]
    Select(drv.find_element(By.ID, "history-device")).select_by_value(top)
    one = api(base, "devices/%s?%s" % (urllib.request.quote(top, safe=""),
                                       q))
    names = [(shown(n["name"]), n["bytes"])
             for n in items(one.get("talks_to", {}), "names")]
    for _ in range(50):
        table = drv.find_element(By.ID, "history-names")
        got = [(cell_text(r, 0), number(cell_text(r, 1)))
               for r in rows(drv, "#history-names")]
        if not table.get_attribute("hidden") and got == names:
            break
        time.sleep(0.1)
    if got != names or len(rows(drv, "#history-table")) != 1:
        fail("history of %s: page %r, API %r" % (top, got, names))
    ok("history of device %s: its row and %d names, as the API says" %
       (top, len(names)))


def hostile_shown(where, texts, hostile):
    """Each hostile name is one of texts, as the page's text shows it."""
    for h in hostile:
        if shown(h) not in texts:
            fail("hostile name %r not shown as text in %s: %r" %
                 (h, where, texts))
    if hostile:
        ok("the %d hostile names are shown as text in %s" %
           (len(hostile), where))


def check_dns_api(base, rdir):
    """/api/v1/dns = the "dns" sections of the reports of its range:
    most_resolved counts per name, failures' counts per name and rcode
    (history keeps the rcode as text)."""
    data = api(base, "dns")
    most, fails = {}, {}
    reps = in_range(rdir, data)
    for rep in reps:
        for x in rep.get("dns", {}).get("most_resolved", []):
            most[x["name"]] = most.get(x["name"], 0) + x["count"]
        for x in rep.get("dns", {}).get("failures", []):
            k = (x["name"], str(x["rcode"]))
            fails[k] = fails.get(k, 0) + x["count"]
    got_most = [(x["name"], x["count"]) for x in items(data, "names")]
    got_fails = [(x["name"], str(x["rcode"]), x["count"])
                 for x in items(data, "failures")]
    if got_most != by_count(most):
        fail("/api/v1/dns names: API %r, reports %r" %
             (got_most[:5], by_count(most)[:5]))
    if got_fails != by_count(fails):
        fail("/api/v1/dns failures: API %r, reports %r" %
             (got_fails[:5], by_count(fails)[:5]))
    ok("/api/v1/dns: %d names (%d answers) and %d failures (%d) equal the "
       "sums over the %d reports of %s..%s" %
       (len(got_most), sum(most.values()), len(got_fails),
        sum(fails.values()), len(reps), data["from"], data["to"]))


def check_dns(drv, base, hostile):
    """Most resolved and failures are the latest report's."""
    dns = api(base, "latest")["dns"]
    most = [(cell_text(t, 0), number(cell_text(t, 1)))
            for t in rows(drv, "#dns-most")]
    fails = [(cell_text(t, 0), number(cell_text(t, 1)),
              number(cell_text(t, 2))) for t in rows(drv, "#dns-failures")]
    if most != [(shown(n["name"]), n["count"])
                for n in dns["most_resolved"]] or \
            fails != [(shown(n["name"]), n["rcode"], n["count"])
                      for n in dns["failures"]]:
        fail("DNS: page %r %r, latest %r" % (most, fails, dns))
    ok("DNS: %d most resolved and %d failures, as the latest report" %
       (len(most), len(fails)))
    hostile_shown("DNS", [m[0] for m in most], hostile)


def check_exporters(drv, base, least=0):
    ex = items(api(base, "exporters"), "exporters")
    if len(ex) < least:
        fail("exporters: %d, want at least %d" % (len(ex), least))
    got = [(cell_text(t, 0), number(cell_text(t, 3)),
            number(cell_text(t, 4))) for t in rows(drv, "#exporters-table")]
    want = [("%s:%d" % (x["address"], x["port"]) if x.get("port")
             else x["address"], x["records"], x["lost"]) for x in ex]
    if got != want:
        fail("exporters: page %r, API %r" % (got, want))
    ok("%d exporters equal the API's (exporter, records, lost)" % len(got))


def check_stream(drv, hostile):
    """MF_WEB_SEND_CMD: a command that sends flows to the server now;
    MF_WEB_STREAM_ROWS: the flow events the page must then show, exactly
    (unset: any number up to the page's 300)."""
    cmd = os.environ.get("MF_WEB_SEND_CMD") or None
    if cmd:
        subprocess.run(cmd, shell=True, check=True, timeout=120,
                       stdout=subprocess.DEVNULL)
    want = os.environ.get("MF_WEB_STREAM_ROWS") or None
    for _ in range(100):
        n = len(rows(drv, "#stream-table"))
        if want is not None and n >= int(want):
            break
        time.sleep(0.1)
    time.sleep(0.5)
    n = len(rows(drv, "#stream-table"))
    if (want is not None and n != int(want)) or n > 300:
        fail("stream: %d rows, want %s" % (n, want or "at most 300"))
    kinds = [r["cls"] for r in rows(drv, "#stream-table")]
    if any(not k.startswith("kind-") for k in kinds):
        fail("stream rows without a kind colour: %r" % kinds)
    ok("stream shows %d flow events, each coloured by kind" % n)
    hostile_shown("the stream",
                  [cell_text(t, 4) for t in rows(drv, "#stream-table")],
                  hostile)
    if os.environ.get("MF_WEB_FIXTURE"):
        check_stream_programs(drv)
    if cmd:
        stream_controls(drv, cmd)
    drv.save_screenshot(os.path.join(os.environ.get("MF_WEB_SHOTS", "."),
                                     "stream.png"))


def check_stream_programs(drv):
    """web_fixture.py gives every other flow event FIXTURE_PROCESS: the
    "program" column shows it as text there and the dash elsewhere."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from web_fixture import FIXTURE_PROCESS
    got = [cell_text(t, 10) for t in rows(drv, "#stream-table")]
    # The page keeps the newest 300 events, newest first: whatever their
    # count, the rows alternate between the program and the dash.
    named, none = shown(FIXTURE_PROCESS), shown(None)
    if len(got) < 2 or set(got) - {named, none} or \
            any(a == b for a, b in zip(got, got[1:])):
        fail("stream programs: page %r, want %r and %r alternating" %
             (got, named, none))
    ok("stream: %d of %d flow events name their program %r, as text" %
       (got.count(shown(FIXTURE_PROCESS)), len(got), shown(FIXTURE_PROCESS)))


def stream_rows_after(drv, cmd, want):
    """Send the flows again; the stream's rows once want are there (or 3 s
    after the sender ends, when fewer should come)."""
    subprocess.run(cmd, shell=True, check=True, timeout=120,
                   stdout=subprocess.DEVNULL)
    for _ in range(30):
        if len(rows(drv, "#stream-table")) >= want:
            break
        time.sleep(0.1)
    time.sleep(1)
    return rows(drv, "#stream-table")


def stream_controls(drv, cmd):
    """The device filter keeps exactly the device's rows of a second
    sending, as many as the unfiltered table showed for it; while paused
    nothing is added."""
    first = rows(drv, "#stream-table")
    devs = [t["data"]["device"] for t in first]
    dev = max(set(devs), key=lambda d: (devs.count(d), d))
    Select(drv.find_element(By.ID, "stream-device")).select_by_value(dev)
    if rows(drv, "#stream-table"):
        fail("stream: choosing a device did not clear the table")
    again = stream_rows_after(drv, cmd, devs.count(dev))
    got = [t["data"]["device"] for t in again]
    if got != [dev] * devs.count(dev):
        fail("stream filtered by %s: %r, want %d rows of it" %
             (dev, got, devs.count(dev)))
    ok("stream filtered by device %s shows its %d flows only" %
       (dev, len(got)))
    drv.find_element(By.ID, "stream-pause").click()
    shown_before = drv.find_element(By.ID, "stream-count").text
    paused = stream_rows_after(drv, cmd, len(got) + 1)
    if len(paused) != len(got) or \
            drv.find_element(By.ID, "stream-count").text != shown_before:
        fail("stream paused: %d rows, want %d" % (len(paused), len(got)))
    ok("stream paused: nothing added while flows arrive")
    drv.find_element(By.ID, "stream-pause").click()


def check_clean(drv):
    try:
        a = drv.switch_to.alert
        fail("a dialog opened: %r" % a.text)
    except NoAlertPresentException:
        pass
    n = drv.execute_script(
        "return [document.querySelectorAll('img[onerror]').length,"
        " document.scripts.length, document.images.length,"
        " document.querySelectorAll('[onerror],[onload],iframe,object,"
        "embed').length]")
    if n != [0, 2, 1, 0]:
        fail("injected elements: [img[onerror], scripts, images, "
             "handlers] = %r, want [0, 2, 1, 0]" % n)
    ok("no dialog, no injected element (scripts 2, images 1)")
    bad = [e for e in drv.get_log("browser")
           if "Content Security Policy" in e.get("message", "")
           or "Refused to" in e.get("message", "")]
    if bad:
        fail("CSP violations logged: %r" % bad)
    ok("no Content Security Policy violation logged")


def main():
    base, rdir, shots = sys.argv[1:4]
    hostile = []
    if len(sys.argv) > 4:
        with open(sys.argv[4], encoding="utf-8") as f:
            hostile = json.load(f)
    os.makedirs(shots, exist_ok=True)
    os.environ["MF_WEB_SHOTS"] = shots
    drv = browser(shots)
    try:
        drv.set_page_load_timeout(30)
        drv.get(base + "/#now")
        for v in VIEWS:
            open_view(drv, base, v, shots)
            if v == "now":
                check_totals(drv, base, rdir)
            elif v == "devices":
                check_devices(drv, base, rdir)
                drv.save_screenshot(os.path.join(shots, "devices.png"))
            elif v == "names":
                check_names(drv, base, rdir, hostile)
                if os.environ.get("MF_WEB_GEO"):
                    check_countries(drv, base)
            elif v == "dns":
                check_dns(drv, base, hostile)
                check_dns_api(base, rdir)
            elif v == "exporters":
                check_exporters(drv, base)
            elif v == "anomalies":
                check_anomalies(drv, base, rdir)
            elif v == "history":
                check_history(drv, base)
            elif v == "stream":
                check_stream(drv, hostile)
        if os.environ.get("MF_WEB_SEND_CMD"):
            # the exporter that sent the stream's flows is one now
            open_view(drv, base, "exporters", shots)
            check_exporters(drv, base, 1)
        check_clean(drv)
    finally:
        drv.quit()


if __name__ == "__main__":
    main()
