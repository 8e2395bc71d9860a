#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The collector's history (minflow-history(5)) against its own reports:
#  1. offline: minflow-exporter -w on three shared captures (one of them
#     with reports six years apart), then
#     minflow-collector -r with [history] db; what the database holds per
#     interval, day and month and class, per device, per DNS name and
#     failure, and its anomalies, equals what the report files add up to
#     (tests/integ/history_check.py computes both sides, the reports from
#     the JSON files alone);
#     the report side keeps what the retention keeps (the captures with
#     reports years apart lose their old minutes, hours and days);
#  2. the same file read again into the same database and report
#     directory: every interval is written a second time (or refused, one
#     warning each, when older than keep-minutes behind the newest), and
#     the database says exactly what it said before (nothing added twice);
#  3. live, with a restart: the collector on 127.0.0.1 fed by the exporter
#     replaying a capture re-timed to the present, stopped (SIGTERM writes
#     the open report), started again on the same database and report
#     directory and fed again: the database equals the sum of all report
#     files of both runs (a report of the same interval written by the
#     second run replaces the first's, in the directory and the history),
#     and what the first run wrote is still there;
#  4. the web API's queries (tests/tools/history_query calls them) over
#     all time give the same numbers per interval, device and DNS name.
. "${MF_SRCDIR:-$(dirname "$0")/../..}/tests/integ/lib.sh"
need python3
need_shared
need_exporter
need_collector
mk_tmp

CHECK="$MF_SRCDIR/tests/integ/history_check.py"
QUERY="$MF_BUILDDIR/history_query"
[ -x "$QUERY" ] || skip "no $QUERY (make check builds it)"
P=$MF_SHARED_DIR/pcaps
check() { with_timeout 120 python3 "$CHECK" "$@"; }
# counters LOG: the first five counters of the history's exit line
counters() {
	sed -n 's/.*history: \(intervals [0-9]*, rewritten [0-9]*, refused as too old [0-9]*, bad reports [0-9]*, failed [0-9]*\),.*/\1/p' "$1"
}

# conf FILE DB REPORTDIR [LISTEN INTERVAL]: a configuration with the
# history on
conf() {
	cat >"$1" <<-CONF
	[listen]
	ipfix-udp = ${4:-}
	ipfix-tcp =
	netflow-v9 =
	netflow-v5 =
	[networks]
	internal = 192.168.0.0/16;10.0.0.0/8;172.16.0.0/12;fd00::/8
	[reports]
	dir = $3
	interval = ${5:-60}
	retention-days = 0
	[history]
	db = $2
	CONF
}

# --- 1 and 2: offline ----------------------------------------------------
for cap in mixed-home-iot-telnet-hscan.pcap \
    mixed-windows-browsing-http-https.pcap \
    mobile-apps-http-timestamp-jumps.pcap; do
	d=$MF_TMP/${cap%%.*}
	mkdir -p "$d"
	conf "$d/c.conf" "$d/h.sqlite" "$d/rep"
	with_timeout 120 "$MF_EXPORTER" -r "$P/$cap" -w "$d/f.ipfix" \
	    2>"$d/exp.err" || fail "$cap: export"
	with_timeout 120 "$MF_COLLECTOR" -C "$d/c.conf" -r "$d/f.ipfix" \
	    2>"$d/col.err" || fail "$cap: collector -r"
	n=$(find "$d/rep" -name '[0-9]*.json' | wc -l)
	[ "$n" -ge 3 ] || fail "$cap: reports written ($n)"
	check reports "$d/rep" >"$d/want" || fail "$cap: reports summed"
	check db "$d/h.sqlite" >"$d/got" || fail "$cap: database read"
	assert_files_eq "$cap: history = sum of the reports" "$d/want" \
	    "$d/got"
	# The web API's queries over all time (the short captures: the
	# series at minutes, devices and DNS from one hour or day).
	if [ "$cap" != mobile-apps-http-timestamp-jumps.pcap ]; then
		for q in series devices dns; do
			"$QUERY" "$d/h.sqlite" "$q" 0 253402300799000 >"$d/$q.json" ||
			    fail "$cap: history_query $q"
		done
		# The series has a point (zeros) for an interval without
		# a report too: zero lines are left out on both sides.
		check api "$d/series.json" "$d/devices.json" "$d/dns.json" |
		    grep -v '^minute .* 0 0 0$' >"$d/api"
		grep -E '^(minute|device|dns) ' "$d/want" |
		    grep -v '^minute .* 0 0 0$' >"$d/want.api"
		assert_files_eq "$cap: API series, devices, dns = the reports" \
		    "$d/want.api" "$d/api"
	fi
	grep -q '^day ' "$d/got" || fail "$cap: day totals present"
	grep -q '^device ' "$d/got" || fail "$cap: devices present"
	sqlite3_dump() {
		python3 -c 'import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
for r in db.execute("SELECT * FROM agg ORDER BY 1, 2, 3, 4, 5"):
    print(r)' "$1"
	}
	sqlite3_dump "$d/h.sqlite" >"$d/dump1"
	with_timeout 120 "$MF_COLLECTOR" -C "$d/c.conf" -r "$d/f.ipfix" \
	    2>"$d/col2.err" || fail "$cap: collector -r again"
	sqlite3_dump "$d/h.sqlite" >"$d/dump2"
	assert_files_eq "$cap: second -r adds nothing" "$d/dump1" "$d/dump2"
	check db "$d/h.sqlite" >"$d/got2"
	assert_files_eq "$cap: history = reports after a second -r" \
	    "$d/want" "$d/got2"
	# The collector's own counters (its exit line) say the same: every
	# report written once, then again or refused as too old (older than
	# keep-minutes behind the newest), nothing else said about it.
	old=$(check old "$d/rep" 1440)
	assert_eq "$cap: first -r: the history's counters" \
	    "intervals $n, rewritten 0, refused as too old 0, bad reports 0, failed 0" \
	    "$(counters "$d/col.err")"
	assert_eq "$cap: second -r: the history's counters" \
	    "intervals $((n - old)), rewritten $((n - old)), refused as too old $old, bad reports 0, failed 0" \
	    "$(counters "$d/col2.err")"
	assert_eq "$cap: second -r: one warning per interval refused" "$old" \
	    "$(grep -c 'older than keep-minutes' "$d/col2.err")"
	assert_eq "$cap: no other history message" "" \
	    "$(grep -h -i history "$d/col.err" "$d/col2.err" |
	        grep -v 'older than keep-minutes' | grep -v 'history: intervals')"
done

# --- 3: live, with a restart ---------------------------------------------
d=$MF_TMP/live
mkdir -p "$d"
port=$(free_udp_port)
conf "$d/c.conf" "$d/h.sqlite" "$d/rep" "127.0.0.1:$port" 10

# run N: collector up (10 s intervals), the 10 minutes of the capture
# replayed in 10 s, the socket drained, the collector stopped (it writes
# its open report).
run() {
	start_collector "$d/c.conf" "$d/col$1.log" "$port"
	udp_listening "$port" || { fail "live run $1: collector start"; return; }
	with_timeout 60 "$MF_EXPORTER" -r "$P/mixed-home-iot-telnet-hscan.pcap" \
	    -c "127.0.0.1:$port" --replay-speed 60 2>"$d/exp$1.err" ||
	    fail "live run $1: exporter"
	udp_wait_drained "$port" 10 || fail "live run $1: drained"
	sleep 0.3
	stop_pid "$MF_COLLECTOR_PID" 10 || fail "live run $1: collector stop"
	if grep -i 'warn\|crit' "$d/col$1.log"; then
		fail "live run $1: the collector's log is clean"
	fi
	sed -n 's/.*history: \(intervals [0-9]*, rewritten [0-9]*, refused as too old 0, bad reports 0, failed 0\),.*/\1/p' \
	    "$d/col$1.log" | grep -q . || fail "live run $1: history counters"
}

run 1
check db "$d/h.sqlite" >"$d/got1"
check reports "$d/rep" >"$d/want1"
assert_files_eq "live run 1: history = reports" "$d/want1" "$d/got1"
run 2
check reports "$d/rep" >"$d/want2"
check db "$d/h.sqlite" >"$d/got2"
# Anomalies are events: one the first run reported stays, even when the
# second run's report of the same interval replaced the first's.
grep -v '^anomaly ' "$d/want2" >"$d/want2.t"
grep -v '^anomaly ' "$d/got2" >"$d/got2.t"
assert_files_eq "live after a restart: history = reports of both runs" \
    "$d/want2.t" "$d/got2.t"
missing=$(grep '^anomaly ' "$d/want1" "$d/want2" -h | sort -u |
    grep -v -x -F -f "$d/got2")
assert_eq "live: every anomaly reported by either run is kept" "" "$missing"
# Nothing of the first run was lost: its intervals other than the one the
# second run may have written again are still there, line for line.
last1=$(sed -n 's/^minute \([0-9]*\) .*/\1/p' "$d/got1" | sort -n | tail -1)
grep "^minute " "$d/got1" | awk -v l="$last1" '$2 != l' >"$d/kept1"
lost=$(grep -v -x -F -f "$d/got2" "$d/kept1" | head -3)
assert_eq "live: the first run's intervals are kept" "" "$lost"
b1=$(awk '$1 == "minute" { s += $6 } END { print s + 0 }' "$d/got1")
b2=$(awk '$1 == "minute" { s += $6 } END { print s + 0 }' "$d/got2")
[ "$b2" -gt "$b1" ] || fail "live: the second run added bytes ($b1 -> $b2)"
mf_log "live: bytes $b1 after run 1, $b2 after run 2"

finish
