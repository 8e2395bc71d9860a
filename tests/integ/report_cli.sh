#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# minflow-report, the program: the text of a whole report
# (tests/data/report/full.json, every section) byte for byte; a
# directory shows its latest.json; --json prints the file as stored;
# names from the network are escaped, never sent raw to the terminal;
# damaged reports give exit 1, a message naming the key, and nothing on
# stdout; on the shared captures with DNS labels, each top talker is
# named by its own address's label (issue 18, report_talkers.py reads
# both sides); the program reads JSON only (no libfixbuf, nothing
# included from collector/).
. "$MF_SRCDIR/tests/integ/lib.sh"
REPORT=$MF_BUILDDIR/minflow-report
[ -x "$REPORT" ] || skip "no $REPORT (build it first)"
DATA=$MF_SRCDIR/tests/data/report
mk_tmp

# --- a whole report --------------------------------------------------------
"$REPORT" "$DATA/full.json" >"$MF_TMP/full.txt" 2>"$MF_TMP/err"
assert_eq "full report: exit status" 0 "$?"
assert_files_eq "full report: text" "$DATA/full.txt" "$MF_TMP/full.txt"
assert_eq "full report: nothing on stderr" "" "$(cat "$MF_TMP/err")"

mkdir -p "$MF_TMP/dir"
cp "$DATA/full.json" "$MF_TMP/dir/latest.json"
"$REPORT" "$MF_TMP/dir" >"$MF_TMP/dir.txt"
assert_files_eq "a directory shows its latest.json" "$DATA/full.txt" \
    "$MF_TMP/dir.txt"
"$REPORT" --json "$DATA/full.json" >"$MF_TMP/stored.json"
assert_files_eq "--json prints the report as stored" "$DATA/full.json" \
    "$MF_TMP/stored.json"

# Records ahead of the clock (issue 11) by exporter, where late ones are:
# the first exporter's 3; the second's report has none ("-", a report
# from before they were counted).
assert_eq "ahead_records by exporter" "late ahead: 1 3, 0 -" \
    "late ahead: $("$REPORT" "$DATA/full.json" | awk '$2 ~ /^(4739|2055)$/ {
        printf "%s%s %s", n++ ? ", " : "", $7, $8 }')"

# A report from before anomalies had a state shows "-" in its column.
sed 's/, "state": "new"//' "$DATA/full.json" >"$MF_TMP/nostate.json"
assert_eq "an anomaly without state" \
    "  port_scan_vertical   198.51.100.9                            -                 external source -         80     1000       1  2026-01-15T10:00:59Z" \
    "$("$REPORT" "$MF_TMP/nostate.json" | grep '^  port_scan_vertical')"

# --- hostile names ---------------------------------------------------------
# An address label that would clear the screen and reverse the line, and
# an anomaly type with a bell: shown escaped, with no control byte but the
# newlines.
sed -e 's/"addresses": \[\]/"addresses": [{"id": 1, "ip": "192.0.2.7", "mac": null, "label": "\\u001b[2J\\u202eevil", "internal": false}]/' \
    -e 's/"talkers": \[\]/"talkers": [{"address": 1, "bytes": 9, "packets": 1, "flows": 1}]/' \
    -e 's/"port_scan_vertical"/"scan\\u0007"/' \
    "$DATA/full.json" >"$MF_TMP/hostile.json"
"$REPORT" "$MF_TMP/hostile.json" >"$MF_TMP/hostile.txt"
assert_eq "hostile names: exit status" 0 "$?"
assert_eq "hostile names: no control byte on stdout" 0 \
    "$(tr -d '\n' <"$MF_TMP/hostile.txt" | tr -d '\040-\176\200-\377' |
        wc -c | tr -d ' ')"
assert_eq "hostile names: the label escaped" 1 \
    "$(grep -cF '9          1        1  \x1b[2J\u{202e}evil' \
        "$MF_TMP/hostile.txt")"
assert_eq "hostile names: the type escaped" 1 \
    "$(grep -c '^  scan\\x07 ' "$MF_TMP/hostile.txt")"

# --- process names (minflow-exporter --processes) ---------------------------
# A stream with "process" and "pid" shows them after its label (or "-"),
# in brackets; one without shows the label alone; a process name from the
# network is escaped like any name (toptext.c render_conv).  The expected lines are built with
# printf from the column widths (4, 47, 3, 47, 6, 14, 10), the table
# indented by two spaces, two spaces before the second and the last
# column and one elsewhere.
sed -e 's/"addresses": \[\]/"addresses": [{"id": 1, "ip": "192.168.1.20", "mac": null, "label": "", "internal": true}, {"id": 2, "ip": "93.184.216.34", "mac": null, "label": "", "internal": false}, {"id": 3, "ip": "2001:db8::5", "mac": null, "label": "", "internal": true}]/' \
    -e 's/"streams": \[\]/"streams": [{"id": 7, "proto": 6, "left": 1, "left_port": 40000, "right": 2, "right_port": 443, "label": "www.example.org", "process": "curl", "pid": 4242, "flags": 0, "packets": 12, "bytes": 5000}, {"id": 8, "proto": 6, "left": 3, "left_port": 8000, "right": 1, "right_port": 51000, "label": "", "process": "python3", "pid": 77, "flags": 0, "packets": 6, "bytes": 900}, {"id": 9, "proto": 17, "left": 1, "left_port": 5353, "right": 2, "right_port": 53, "label": "dns.example", "flags": 0, "packets": 2, "bytes": 150}, {"id": 10, "proto": 6, "left": 1, "left_port": 22, "right": 2, "right_port": 60000, "label": "", "process": "\\u001b[2Jsshd", "pid": 1, "flags": 0, "packets": 1, "bytes": 60}]/' \
    -e 's/"conversations": \[\]/"conversations": [{"stream": 7, "bytes": 5000, "packets": 12}, {"stream": 8, "bytes": 900, "packets": 6}, {"stream": 9, "bytes": 150, "packets": 2}, {"stream": 10, "bytes": 60, "packets": 1}]/' \
    "$DATA/full.json" >"$MF_TMP/procs.json"
"$REPORT" "$MF_TMP/procs.json" >"$MF_TMP/procs.txt" 2>"$MF_TMP/procs.err"
assert_eq "processes: exit status" 0 "$?"
conv() {
	printf '  %4s  %-47s %-3s %-47s %-6s %14s %10s  %s\n' "$@"
}
expected="$(conv 1 192.168.1.20:40000 '<->' 93.184.216.34:443 tcp 5000 12 \
    'www.example.org  [curl 4242]'
conv 2 '[2001:db8::5]:8000' '<->' 192.168.1.20:51000 tcp 900 6 \
    '-  [python3 77]'
conv 3 192.168.1.20:5353 '<->' 93.184.216.34:53 udp 150 2 dns.example
conv 4 192.168.1.20:22 '<->' 93.184.216.34:60000 tcp 60 1 \
    '-  [\x1b[2Jsshd 1]')"
assert_eq "processes: the conversations' lines" "$expected" \
    "$(sed -n '/^Conversations$/,/^$/p' "$MF_TMP/procs.txt" | sed '1,2d;$d')"
assert_eq "processes: nothing on stderr" "" "$(cat "$MF_TMP/procs.err")"

# --- damaged reports -------------------------------------------------------
# refused NAME FILE MESSAGE: exit 1, MESSAGE on stderr, nothing on stdout
refused() {
	"$REPORT" "$2" >"$MF_TMP/out" 2>"$MF_TMP/err"
	assert_eq "$1: exit status" 1 "$?"
	assert_eq "$1: message" "minflow-report: $3" "$(cat "$MF_TMP/err")"
	assert_eq "$1: nothing on stdout" 0 "$(wc -c <"$MF_TMP/out")"
}
refused "missing file" "$MF_TMP/none.json" \
    "$MF_TMP/none.json: No such file or directory"
printf '{"format": 2}\n' >"$MF_TMP/f2.json"
refused "format 2" "$MF_TMP/f2.json" \
    "$MF_TMP/f2.json: not a minflow report of format 1"
python3 -c 'print("{\"format\": 1, \"x\": " + "[" * 64 + "]" * 64 + "}")' \
    >"$MF_TMP/deep.json" || fail "python3"
refused "nested 65 deep" "$MF_TMP/deep.json" \
    "$MF_TMP/deep.json: malformed JSON: nested deeper than 64"
sed 's/"in": {"flows": 1,/"in": {"flows": "1",/' "$DATA/full.json" \
    >"$MF_TMP/type.json"
refused "a count as a string" "$MF_TMP/type.json" \
    "$MF_TMP/type.json: malformed report: \"flows\" is missing or not a count"
sed 's/"ahead_records": 3/"ahead_records": -3/' "$DATA/full.json" \
    >"$MF_TMP/ahead.json"
refused "ahead_records negative" "$MF_TMP/ahead.json" \
    "$MF_TMP/ahead.json: malformed report: \"ahead_records\" is missing or not a count"
sed 's/"health": null/"health": 7/' "$DATA/full.json" >"$MF_TMP/health.json"
refused "health not an object" "$MF_TMP/health.json" \
    "$MF_TMP/health.json: malformed report: \"health\" is missing or not an object"

# --- names on real captures ------------------------------------------------
# Every talker's name is its own address's label in the JSON (issue 18),
# on captures whose DNS answers label remote servers.
COLLECTOR=$MF_BUILDDIR/minflow-collector
EXPORTER=$MF_BUILDDIR/minflow-exporter
PCAPS=${MF_SHARED_DIR:-}/pcaps
if [ -d "$PCAPS" ] && [ -x "$COLLECTOR" ] && [ -x "$EXPORTER" ]; then
	printf '[networks]\ninternal = 10.0.0.0/8;172.16.0.0/12;192.168.0.0/16\n' \
	    >"$MF_TMP/c.conf"
	labelled=0
	for cap in vlan-dns.pcap linux-sll2-dns.pcap; do
		d=$MF_TMP/${cap%.pcap}
		"$EXPORTER" -r "$PCAPS/$cap" -w "$d.ipfix" 2>/dev/null ||
		    fail "$cap: minflow-exporter"
		"$COLLECTOR" -C "$MF_TMP/c.conf" -r "$d.ipfix" -o "$d" \
		    2>/dev/null || fail "$cap: minflow-collector"
		for j in "$d"/*/*.json; do
			"$REPORT" "$j" >"$j.txt" || fail "$j: minflow-report"
			want=$(python3 "$MF_SRCDIR/tests/integ/report_talkers.py" \
			    json "$j")
			assert_eq "$cap $(basename "$j"): talker names by id" \
			    "$want" "$(python3 \
			        "$MF_SRCDIR/tests/integ/report_talkers.py" \
			        text "$j.txt")"
			labelled=$((labelled + $(printf '%s\n' "$want" |
			    awk '$3 != "-"' | wc -l)))
		done
	done
	# the check means something only if some talkers have names
	[ "$labelled" -gt 0 ] || fail "some talkers have a name"
else
	printf 'ok - talker names on real captures # SKIP no shared captures\n'
fi

# --- JSON only ---------------------------------------------------------------
assert_eq "report/ includes nothing from collector/" "" \
    "$(grep -l '#include "collector/' "$MF_SRCDIR"/report/*.[ch])"
if command -v ldd >/dev/null 2>&1; then
	assert_eq "minflow-report does not link libfixbuf or libpcap" 0 \
	    "$(ldd "$REPORT" | grep -c 'fixbuf\|pcap')"
fi
finish
