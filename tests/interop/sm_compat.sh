#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# minflow-exporter --compat super_mediator (issue 18): super_mediator 1.8
# stops at the first options record whose template id is not YAF's
# (statistics 0xD000/0xD003, tombstones 0xD001/0xD004) unless it is an
# RFC 5610 type or template-name record; minflow's statistics (260), DNS
# (261/262) and device (275/276) records all stopped it.  With --compat
# super_mediator the exporter's IPFIX must hold, as ipfixDump and tshark
# read it:
#  (a) templates: the flow templates (256/257, or 258/259 with --biflow)
#      and one options template, 0xD003, with the statistics' 26
#      elements; no other options template (no DNS records, even where
#      the capture has DNS answers);
#  (b) tshark: no malformed packet; its flow records (sourceIPv4Address
#      or sourceIPv6Address decoded) = the exporter's records-exported;
#  (c) minflow-collector reads the same records and the statistics
#      record (its exporter health) under 0xD003.
# And the collector's archive with [archive] compat = super_mediator
# (minflow-archive(5)): no DNS template, every flow record.
# The run of super_mediator itself is opt-in: super_mediator.sh.
. "$MF_SRCDIR/tests/integ/lib.sh"
. "$MF_SRCDIR/tests/interop/sm_archive.sh"
need tshark ipfixDump python3
need_shared
need_exporter
need_collector
mk_tmp
P=$MF_SHARED_DIR/pcaps

# templates FILE: "TID SCOPE FIELDS" of every template, sorted, unique
templates() {
	ipfixDump -i "$1" 2>/dev/null | awk '/field count:/ {
	    printf "%s %s %s\n", $2, $NF, $(NF - 2) }' | sort -u
}

for cap in vlan-dns.pcap ipv4-ipv6-dual-stack-http.pcapng \
    mixed-windows-browsing-http-https.pcap; do
	for how in "" --biflow; do
		t="$cap${how:+ $how}"
		f=$MF_TMP/sm.ipfix
		# shellcheck disable=SC2086 # no option, or one
		with_timeout 120 "$MF_EXPORTER" -r "$P/$cap" $how \
		    --compat super_mediator --stats -w "$f" \
		    2>"$MF_TMP/exp.log" || fail "$t: exporter"
		n=$(awk '$1 == "records-exported" { print $2 }' \
		    "$MF_TMP/exp.log")
		if [ -n "$how" ]; then
			want="258 0 31
259 0 31"
		else
			want="256 0 26
257 0 26"
		fi
		assert_eq "$t: (a) flow templates" "$want" \
		    "$(templates "$f" | grep '^25[6-9] ')"
		assert_eq "$t: (a) options templates" "53251 1 26" \
		    "$(templates "$f" | grep -v '^25[6-9] ')"
		assert_eq "$t: (b) tshark: no malformed packet" 0 \
		    "$(tshark -r "$f" -n -Y '_ws.malformed || _ws.expert.severity >= error' 2>/dev/null | wc -l)"
		assert_eq "$t: (b) tshark's flow records" "$n" \
		    "$(tshark -r "$f" -n -T fields -E occurrence=a \
		        -E aggregator=' ' -e cflow.srcaddr -e cflow.srcaddrv6 \
		        2>/dev/null | wc -w)"
		rm -rf "$MF_TMP/out"
		with_timeout 120 "$MF_COLLECTOR" -r "$f" -o "$MF_TMP/out" \
		    2>"$MF_TMP/col.log" || fail "$t: collector"
		assert_eq "$t: (c) collector: records, statistics seen" \
		    "$n True" "$(python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))["exporters"]
print(sum(x["records"] for x in e), all(x["health"] for x in e))' \
		    "$MF_TMP/out/latest.json")"
	done
done
# The collector's archive with [archive] compat = super_mediator: the
# flow templates (270-273) and the RFC 5610 type records (274, which
# super_mediator skips) only, no DNS template, and every flow record the
# exporter sent (uniflow, then --biflow).
d=$MF_TMP/live
sm_archive_run "$d" "$P/vlan-dns.pcap"
sent=$SM_SENT
# shellcheck disable=SC2046 # file names without blanks (ours)
set -- $(find "$d/archive" -name 'minflow-*.ipfix' | sort)
[ "$#" -gt 0 ] || fail "archive: no file"
got=$(for a in "$@"; do templates "$a"; done | cut -d' ' -f1,2 | sort -u |
    tr '\n' ' ')
assert_eq "archive compat: templates" "270 0 271 0 272 0 273 0 274 2 " "$got"
assert_eq "archive compat: flow records (tshark)" "$sent" \
    "$(for a in "$@"; do tshark -r "$a" -n -T fields -E occurrence=a \
        -E aggregator=' ' -e cflow.srcaddr -e cflow.srcaddrv6 \
        2>/dev/null; done | wc -w)"
# Without --compat the DNS capture does carry DNS records (261/262): the
# check (a) above is not vacuous.
with_timeout 120 "$MF_EXPORTER" -r "$P/vlan-dns.pcap" -w "$MF_TMP/plain.ipfix" \
    2>/dev/null || fail "exporter (plain)"
assert_eq "without --compat: DNS templates" "261 1 14
262 1 14" "$(templates "$MF_TMP/plain.ipfix" | grep -e '^261 ' -e '^262 ')"
finish
