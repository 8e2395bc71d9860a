#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# YAF's DNS records (issue 18): YAF's DPI sends DNS as lists inside its
# flow records (collector/ingest/fixyaf.h).  tests/integ/yaf_dns.py writes
# a file with YAF 2.16's exact templates holding known DNS messages; the
# report's DNS section must say exactly what the scenario holds (counted
# by hand in yaf_dns.py: names, failures, clients, the last answers).
# Before the collector read YAF's lists, "source" was "none".  A second
# file is hostile: 300 answers in one flow (bounded: one record of 16
# addresses) and a container of DNP3's shape holding DNP3 records (skipped:
# no record); the collector must read it, exit 0 and count the flows.
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3
need_collector
mk_tmp
GEN=$MF_SRCDIR/tests/integ/yaf_dns.py

python3 "$GEN" file "$MF_TMP/yaf.ipfix" || fail "yaf_dns.py file"
with_timeout 60 "$MF_COLLECTOR" -r "$MF_TMP/yaf.ipfix" -o "$MF_TMP/out" \
    2>"$MF_TMP/col.log" || fail "collector" "$(cat "$MF_TMP/col.log")"

# dns_view REPORT: the DNS section and the flow count, as yaf_dns.py
# expect writes them
dns_view() {
	python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
d = r["dns"]
print(json.dumps({
    "records": d["records"], "answers": d["answers"],
    "unanswered": d["unanswered"],
    "most_resolved": [[x["name"], x["count"]] for x in d["most_resolved"]],
    "failures": sorted([[x["name"], x["rcode"], x["count"]]
                        for x in d["failures"]], key=str),
    "clients": [[x["address"], x["queries"]] for x in d["clients"]],
    "last_resolved": [[x["name"], x["address"], x["client"]]
                      for x in d["last_resolved"]],
    "flows": r["exporters"][0]["records"],
}, sort_keys=True))
print(d["source"])
PY
}
expect=$(python3 "$GEN" expect | python3 -c '
import json, sys
e = json.load(sys.stdin)
e["failures"] = sorted(e["failures"], key=str)
print(json.dumps(e, sort_keys=True))')
got=$(dns_view "$MF_TMP/out/latest.json")
assert_eq "DNS section" "$expect
records" "$got"

python3 "$GEN" hostile "$MF_TMP/hostile.ipfix" || fail "yaf_dns.py hostile"
with_timeout 60 "$MF_COLLECTOR" -r "$MF_TMP/hostile.ipfix" \
    -o "$MF_TMP/hout" 2>"$MF_TMP/hcol.log" ||
    fail "collector (hostile)" "$(cat "$MF_TMP/hcol.log")"
got=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
d = r["dns"]
print(r["exporters"][0]["records"], r["exporters"][0]["undecodable"],
      d["records"], d["answers"], d["unanswered"],
      [[x["name"], x["count"]] for x in d["most_resolved"]],
      [x["address"] for x in d["last_resolved"]])' "$MF_TMP/hout/latest.json")
# 2 flows, nothing undecodable, one record: the first of 300 addresses
assert_eq "hostile" "2 0 1 1 0 [['many.example.com', 1]] ['10.9.0.0']" "$got"
finish
