#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The collector's IPFIX archive, live over UDP on 127.0.0.1: minflow-exporter
# replays a capture with IPv4 and IPv6 twice, uniflow and --biflow, to a
# minflow-collector with [archive] on, stopped with SIGTERM.  Then:
#  (a) `ipfixDump -y --rfc5610` on the archive names every element that
#      minflow-archive(5) documents, in the templates of the four flow
#      templates, and the first records of each kind carry the values the
#      exporter wrote for the same flow (its own -w file, also read with
#      ipfixDump); no record has zero packets;
#  (b) tshark cannot read IPFIX files (only captures of IPFIX packets), so
#      it has no part here;
#  (c) minflow-collector -r on the archive files gives the same reports as
#      the live run: summary totals per class, and the top talkers,
#      conversations and applications summed over the reports (top = 1000
#      so that every list is complete; the intervals differ, since live
#      ones also close by the wall clock);
#  (d) the records in the archive are the records the collector counted,
#      and what its archive counters say; no .part file is left.
. "$MF_SRCDIR/tests/integ/lib.sh"
need ipfixDump python3
need_shared
need_exporter
MF_COLLECTOR="$MF_BUILDDIR/minflow-collector"
[ -x "$MF_COLLECTOR" ] || skip "no $MF_COLLECTOR (build it first)"
mk_tmp

CAP=$MF_SHARED_DIR/pcaps/mixed-home-iot-telnet-hscan.pcap
NETS="192.168.2.0/24;fe80::/10"
MAN=$MF_SRCDIR/man/minflow-archive.5
PY=$MF_TMP/check.py
A=$MF_TMP/archive

cat >"$PY" <<'EOF'
import glob, json, os, re, sys

def dump_records(text):
    """ipfixDump data records: list of (tid, {name: value})"""
    recs, cur = [], None
    for line in text.splitlines():
        m = re.match(r"\s*count:\s*\d+\s+tid:\s*(\d+)", line)
        if m:
            cur = (int(m.group(1)), {})
            recs.append(cur)
            continue
        m = re.match(r"\s*\(([\d/]+)\)\s*(?:\(S\))?\s*(\w+) : ?(.*)$", line)
        if m and cur is not None:
            cur[1][m.group(2)] = m.group(3).strip()
    return recs

def template_names(text):
    """tid -> element names of its template records"""
    out, tid = {}, None
    for line in text.splitlines():
        m = re.match(r"\s*tid:\s*(\d+)", line)
        if m:
            tid = int(m.group(1))
            out.setdefault(tid, set())
            continue
        m = re.match(r"\s*ent:\s*\d+\s+id:\s*\d+\s+type:.*len:\s*\d+\s+(\w+)",
                     line)
        if m and tid is not None:
            out[tid].add(m.group(1))
    return out

def cmd_names(dump, man):
    """
    Every element minflow-archive(5) lists for templates 270-273 (".It Sy
    a , b Pq n" lines under ".Ss Template N"; 272 and 273 add to 270 and
    271, "Template 27x followed by") is in ipfixDump's template N.
    """
    names = template_names(open(dump).read())
    want, tid = {}, None
    for line in open(man):
        m = re.match(r"\.Ss Template (\d+)", line)
        if m:
            tid = int(m.group(1))
            want[tid] = []
        m = re.match(r"Template (\d+) followed by", line)
        if m and tid is not None:
            want[tid] += want.get(int(m.group(1)), [])
        m = re.match(r"\.It Sy (.*)$", line)
        if m and tid is not None:
            items = re.sub(r" Pq .*$", "", m.group(1)).split(",")
            want[tid] += [i.strip() for i in items if i.strip()]
    bad = []
    for t in (270, 271, 272, 273):
        if len(want.get(t, [])) < 20:
            bad.append("man page: template %d lists %d elements"
                       % (t, len(want.get(t, []))))
        for n in want.get(t, []):
            if n not in names.get(t, set()):
                bad.append("%d: %s" % (t, n))
    print(" ".join(bad) or "all named")

KEY = ("sourceIPv4Address", "sourceIPv6Address", "destinationIPv4Address",
       "destinationIPv6Address", "sourceTransportPort",
       "destinationTransportPort", "protocolIdentifier",
       "flowStartMilliseconds")
VALS = ("flowEndMilliseconds", "packetDeltaCount", "octetDeltaCount",
        "tcpControlBits", "vlanId", "sourceMacAddress",
        "destinationMacAddress", "flowEndReason", "silkAppLabel",
        "reversePacketDeltaCount", "reverseOctetDeltaCount")

def cmd_values(archive_dump, exporter_dump, tids, n):
    tids = [int(t) for t in tids.split(",")]
    exp = {}
    for tid, r in dump_records(open(exporter_dump).read()):
        exp.setdefault(tuple(r.get(k) for k in KEY), r)
    arc = [r for tid, r in dump_records(open(archive_dump).read())
           if tid in tids]
    bad, done = [], 0
    for r in arc[:int(n)]:
        e = exp.get(tuple(r.get(k) for k in KEY))
        if e is None:
            bad.append("no exporter record for %s" % (r,))
            continue
        for v in VALS:
            if v in e and e[v] != r.get(v):
                bad.append("%s: %s != %s" % (v, r.get(v), e[v]))
        done += 1
    print(" ".join(bad) or "%d records match" % done)

def cmd_counts(archive_dump):
    recs = dump_records(open(archive_dump).read())
    flows = [r for t, r in recs if 270 <= t <= 273]
    zero = sum(1 for r in flows if int(r["packetDeltaCount"]) == 0)
    print(len(flows), "zero", zero)

def reports(d):
    for p in sorted(glob.glob(os.path.join(d, "*", "*.json"))):
        with open(p) as f:
            yield json.load(f)

def cmd_aggregate(d):
    """summary per class and top lists summed over all reports, by value"""
    summ, talk, conv, apps = {}, {}, {}, {}
    for r in reports(d):
        ips = {a["id"]: a["ip"] for a in r["addresses"]}
        st = {s["id"]: s for s in r["streams"]}
        for k, v in r["summary"].items():
            s = summ.setdefault(k, [0, 0, 0])
            s[0] += v["flows"]; s[1] += v["packets"]; s[2] += v["bytes"]
        for t in r["top"]["talkers"]:
            s = talk.setdefault(ips[t["address"]], [0, 0, 0])
            s[0] += t["bytes"]; s[1] += t["packets"]; s[2] += t["flows"]
        for c in r["top"]["conversations"]:
            x = st[c["stream"]]
            k = (x["proto"], ips[x["left"]], x["left_port"],
                 ips[x["right"]], x["right_port"], x.get("label"))
            s = conv.setdefault(k, [0, 0])
            s[0] += c["bytes"]; s[1] += c["packets"]
        for a in r["top"]["applications"]:
            s = apps.setdefault((a["proto"], a["port"]), [0, 0, 0])
            s[0] += a["bytes"]; s[1] += a["packets"]; s[2] += a["flows"]
    for name, t in (("summary", summ), ("talker", talk),
                    ("conversation", conv), ("application", apps)):
        for k in sorted(t, key=str):
            print(name, k, t[k])

m = sys.argv[1]
if m == "names":
    cmd_names(sys.argv[2], sys.argv[3])
elif m == "values":
    cmd_values(*sys.argv[2:6])
elif m == "counts":
    cmd_counts(sys.argv[2])
elif m == "aggregate":
    cmd_aggregate(sys.argv[2])
else:
    sys.exit("check.py: bad mode " + m)
EOF

py() { with_timeout 120 python3 "$PY" "$@"; }

# --- the live run --------------------------------------------------------
PORT=$(free_udp_port)
cat >"$MF_TMP/live.conf" <<CONF
[listen]
ipfix-udp = 127.0.0.1:$PORT
ipfix-tcp =
netflow-v9 =
netflow-v5 =
[networks]
internal = $NETS
[reports]
dir = $MF_TMP/live
top = 1000
retention-days = 0
[archive]
dir = $A
CONF
start_collector "$MF_TMP/live.conf" "$MF_TMP/live.log" "$PORT"
udp_listening "$PORT" || { fail "collector start"; cat "$MF_TMP/live.log" >&2; finish; }
for mode in uni bi; do
	opt=""
	[ "$mode" = bi ] && opt=--biflow
	# shellcheck disable=SC2086 # opt is empty or one word
	with_timeout 60 "$MF_EXPORTER" -r "$CAP" -c "127.0.0.1:$PORT" $opt \
	    2>"$MF_TMP/exp-$mode.log" || fail "exporter $mode"
	# shellcheck disable=SC2086
	with_timeout 60 "$MF_EXPORTER" -r "$CAP" -w "$MF_TMP/exp-$mode.ipfix" \
	    $opt 2>>"$MF_TMP/exp-$mode.log" || fail "exporter -w $mode"
done
udp_wait_drained "$PORT" 10 || fail "collector drained its socket"
sleep 0.3
stop_pid "$MF_COLLECTOR_PID" 10 || fail "collector stopped on SIGTERM"

# --- (d) and the files ---------------------------------------------------
set -- "$A"/*/minflow-*.ipfix
[ -e "$1" ] || { fail "archive files written"; cat "$MF_TMP/live.log" >&2; finish; }
assert_eq "no .part file left" "" "$(find "$A" -name '*.part')"
: >"$MF_TMP/archive.dump"
for f in "$@"; do
	ipfixDump -y --rfc5610 --in "$f" >>"$MF_TMP/archive.dump" 2>&1 ||
	    fail "ipfixDump $f"
done
got=$(py counts "$MF_TMP/archive.dump")
counted=$(sed -n 's/.*info: records \([0-9]*\),.*/\1/p' "$MF_TMP/live.log")
written=$(sed -n 's/.*archive: files [0-9]*, records \([0-9]*\),.*/\1/p' \
    "$MF_TMP/live.log")
mf_log "archive: $got; collector counted $counted, archive says $written"
assert_eq "(d) archive records = collector records, none zero-packet" \
    "$counted zero 0" "$got"
assert_eq "(d) archive counter = collector records" "$counted" "$written"
assert_eq "(d) collector log without warnings" "" \
    "$(grep -v ': info: ' "$MF_TMP/live.log")"

# --- (a) ipfixDump names and values -------------------------------------
assert_eq "(a) every documented element named by ipfixDump -y" \
    "all named" "$(py names "$MF_TMP/archive.dump" "$MAN")"
for mode in uni bi; do
	ipfixDump -y --in "$MF_TMP/exp-$mode.ipfix" >"$MF_TMP/exp-$mode.dump" \
	    2>&1 || fail "ipfixDump exporter $mode"
done
assert_eq "(a) uniflow records = the exporter's" "5 records match" \
    "$(py values "$MF_TMP/archive.dump" "$MF_TMP/exp-uni.dump" 270,271 5)"
assert_eq "(a) IPv6 records = the exporter's" "3 records match" \
    "$(py values "$MF_TMP/archive.dump" "$MF_TMP/exp-uni.dump" 271 3)"
assert_eq "(a) biflow records = the exporter's" "5 records match" \
    "$(py values "$MF_TMP/archive.dump" "$MF_TMP/exp-bi.dump" 272,273 5)"

# --- (c) the archive read back -------------------------------------------
printf '[networks]\ninternal = %s\n[reports]\ntop = 1000\nretention-days = 0\n' \
    "$NETS" >"$MF_TMP/offline.conf"
with_timeout 60 "$MF_COLLECTOR" -C "$MF_TMP/offline.conf" -o "$MF_TMP/offline" \
    -r "$@" 2>"$MF_TMP/offline.log"
assert_eq "(c) offline collector status" 0 "$?"
assert_eq "(c) offline records = live records" "$counted" \
    "$(sed -n 's/.*info: records \([0-9]*\),.*/\1/p' "$MF_TMP/offline.log")"
py aggregate "$MF_TMP/live" >"$MF_TMP/live.agg" || fail "aggregate live"
py aggregate "$MF_TMP/offline" >"$MF_TMP/offline.agg" || fail "aggregate offline"
[ -s "$MF_TMP/live.agg" ] || fail "live reports written"
assert_files_eq "(c) summary and top lists: archive = live" \
    "$MF_TMP/live.agg" "$MF_TMP/offline.agg"
finish
