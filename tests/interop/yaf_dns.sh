#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Opt-in (YAF is not in Debian): real YAF 2.16 with its DNS DPI reads
# shared captures into IPFIX files; minflow-collector reads YAF's DNS
# lists inside the flow records (collector/ingest/fixyaf.h) and its
# report's DNS section must match tshark's view of the capture:
#   answers        responses with a non-zero response code, or with at
#                  least one answer (a NOERROR response without answers
#                  has no name in YAF's list: fixyaf.h)
#   most_resolved  NOERROR responses with answers, by question name
#   failures       responses with a non-zero code, by (name, code)
#   unanswered     queries no response matched (client, client port,
#                  server, id)
# YAF's DPI parses the first DNS message of each direction of a flow
# only (ypDnsParser: one message from the start of the payload), so the
# captures are those whose DNS flows hold one query and one response:
# on mixed-home-iot-telnet-hscan.pcap, where a client retries on the same
# port, tshark counts 21 answers and YAF's lists hold 16.
# The YAF-made file itself is built in the test, from the capture: no
# YAF output is committed.  tests/integ/collector_yaf_dns.sh checks the
# same code in every make check on a file with YAF's exact templates.
#
# Run: MF_YAF_BIN=/path/to/yaf make check TESTS=tests/interop/yaf_dns.sh
# (tests/interop/README.md says how YAF was built; its plugins and rule
# files are looked up under the binary's ../lib/yaf and ../etc).
. "$MF_SRCDIR/tests/integ/lib.sh"
YAF=${MF_YAF_BIN:-}
[ -n "$YAF" ] || skip "MF_YAF_BIN is not set (opt-in test)"
[ -x "$YAF" ] || skip "$YAF is not executable"
PREFIX=$(cd "$(dirname "$YAF")/.." && pwd)
[ -f "$PREFIX/lib/yaf/dpacketplugin.so" ] ||
    skip "no $PREFIX/lib/yaf/dpacketplugin.so (YAF without DPI)"
need tshark python3
need_shared
need_collector
mk_tmp
T=$MF_TMP

# view: "answers N", "unanswered N", "resolved NAME N", "failure NAME
# RCODE N", sorted; from the report files (REPORT_DIR) or from tshark
# (a capture)
view_reports() {
	python3 - "$1" <<'PY'
import collections, json, os, sys
out = collections.Counter(answers=0, unanswered=0)
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        if f.endswith(".json") and f != "latest.json":
            d = json.load(open(os.path.join(root, f)))["dns"]
            if d["source"] == "none":
                continue
            out["answers"] += d["answers"]
            out["unanswered"] += d["unanswered"]
            for x in d["most_resolved"]:
                out["resolved %s" % x["name"]] += x["count"]
            for x in d["failures"]:
                if x["rcode"] != "timeout":
                    out["failure %s %s" % (x["name"], x["rcode"])] += \
                        x["count"]
print("\n".join(sorted("%s %d" % kv for kv in out.items())))
PY
}

view_tshark() {
	tshark -r "$1" -n -Y 'dns && (udp.port == 53 || tcp.port == 53)' \
	    -T fields -E separator='|' -e ip.src -e ipv6.src -e ip.dst \
	    -e ipv6.dst -e udp.srcport -e udp.dstport -e tcp.srcport \
	    -e tcp.dstport -e dns.id -e dns.flags.response \
	    -e dns.flags.rcode -e dns.count.answers -e dns.qry.name \
	    2>/dev/null | python3 -c '
import collections, sys
resolved, failed = collections.Counter(), collections.Counter()
queries, answered = set(), set()
answers = 0
for line in sys.stdin:
    f = line.rstrip("\n").split("|")
    src, dst = f[0] or f[1], f[2] or f[3]
    sport, dport = f[4] or f[6], f[5] or f[7]
    qid, resp, rcode, nans, name = f[8], f[9], f[10], f[11], f[12]
    if resp == "0":
        queries.add((src, sport, dst, qid))
        continue
    answered.add((dst, dport, src, qid))
    if rcode != "0":
        failed[(name, rcode)] += 1
        answers += 1
    elif int(nans or 0) > 0:
        resolved[name] += 1
        answers += 1
lines = ["resolved %s %d" % (n, c) for n, c in resolved.items()]
lines += ["failure %s %s %d" % (n, r, c) for (n, r), c in failed.items()]
lines += ["answers %d" % answers,
          "unanswered %d" % len(queries - answered)]
print("\n".join(sorted(lines)))'
}

# top at its maximum: no list cut
printf '[reports]\nretention-days = 0\ninterval = 3600\ntop = 1000\n' \
    >"$T/c.conf"
for cap in vlan-dns.pcap mixed-windows-browsing-http-https.pcap; do
	P=$MF_SHARED_DIR/pcaps/$cap
	rm -rf "$T/out" "$T/yaf.ipfix"
	LD_LIBRARY_PATH=$PREFIX/lib with_timeout 120 "$YAF" --in "$P" \
	    --out "$T/yaf.ipfix" --applabel --max-payload=4096 \
	    --applabel-rules="$PREFIX/etc/yafApplabelRules.conf" \
	    --plugin-name="$PREFIX/lib/yaf/dpacketplugin.so" \
	    --plugin-conf="$PREFIX/etc/yafDPIRules.conf" 2>"$T/yaf.log" ||
	    { fail "$cap: yaf" "$(tail -3 "$T/yaf.log")"; continue; }
	with_timeout 120 "$MF_COLLECTOR" -C "$T/c.conf" -r "$T/yaf.ipfix" \
	    -o "$T/out" \
	    2>"$T/col.log" || fail "$cap: collector"
	assert_eq "$cap: DNS from YAF = tshark" "$(view_tshark "$P")" \
	    "$(view_reports "$T/out")"
done
finish
