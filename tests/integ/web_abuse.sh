#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The web server under abuse does not slow or bloat the collector.  The
# same capture (nmap SYN scan, 2002 records) is sent twice to a fresh live
# collector: once with nobody at the web server, once while 5 stream
# clients stall (never read), 1,000 connections are opened and held idle,
# and malformed queries and non-GET methods arrive.  Checks:
#  - the abused collector takes exactly as many records as the quiet one;
#  - its peak resident memory (VmHWM) stays within 64 MiB of the quiet
#    one's (each stream queue is 1024 events of about 350 bytes, each
#    connection a thread with a 256 KiB stack, at most max-clients 64);
#  - /metrics counts the refused connections, open ones never above
#    max-clients, and the 5 stalled clients' drops;
#  - once the idle connections are gone the API answers again;
#  - path traversal attempts (.., its percent-encoded and double-encoded
#    forms, encoded slashes and backslashes, absolute paths) each get 404
#    or 400 and never a file off the fixed list (a secret beside the
#    page's files and one outside their directory are never served).
# A third collector with rate = 5 (requests a second per address, bursts
# of 10) gets a burst of 100 requests: every answer is 200 or 429, some
# are 429 with Retry-After, and /metrics counts exactly as many refused.
# The stalled clients stall for less than the server's 30 s connection
# timeout (the idle connections are held 10 s; they read again once the
# records are in), which would close them, and then read until they have
# accounted for every record: the server's stream threads run at a lower
# priority and on a loaded machine send the last events seconds late.
# The time each run took to take the records is logged (not asserted:
# bench/web.sh measures rates).
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3
need_shared
need_exporter
need_collector
mk_tmp
# shellcheck disable=SC3045 # bash and dash both have it
ulimit -n 4096 2>/dev/null || true

PY="$MF_SRCDIR/tests/integ/web_api.py"
py() { with_timeout 200 python3 "$PY" "$@"; }
CAP=$MF_SHARED_DIR/pcaps/nmap-syn-scan-1000-ports.pcapng

# run DIR ABUSE [RATE]: one collector, the capture sent once; sets REC, HWM
# (kB), SECS, WEB and, abused, PEAK_OPEN; the collector is left running.
run() {
	d=$1
	mkdir -p "$d/files"
	echo page >"$d/files/index.html"
	echo "SECRET-IN-FILES-DIR" >"$d/files/secret.txt"
	echo "SECRET-OUTSIDE" >"$d/outside.txt"
	udp=$(free_udp_port)
	web=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	cat >"$d/minflow.conf" <<-CONF
	[listen]
	ipfix-udp = 127.0.0.1:$udp
	ipfix-tcp =
	netflow-v9 =
	netflow-v5 =
	[reports]
	dir = $d/reports
	interval = 10
	grace = 0
	[history]
	db =
	[web]
	listen = 127.0.0.1:$web
	files = $d/files
	rate = ${3:-0}
	CONF
	start_collector "$d/minflow.conf" "$d/collector.log" "$udp"
	pid=$MF_COLLECTOR_PID
	WEB=$web
	if [ "$2" = abuse ]; then
		for i in 1 2 3 4 5; do
			with_timeout 200 python3 "$PY" stream "$web" \
			    "$d/s$i.json" "$d/resume" "$d/stop" 4096 &
			track_pid $!
			STREAMS="$STREAMS $!"
		done
		_i=0
		while [ "$(ls "$d"/s*.json.ready 2>/dev/null | wc -l)" -lt 5 ] &&
		    [ "$_i" -lt 100 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
		py bad-queries "$web" >"$d/bad" || fail "malformed queries"
		py methods "$web" >"$d/methods" || fail "methods"
		py traversal "$web" "$d/files" >"$d/traversal" ||
		    fail "traversal"
		py idle "$web" 1000 10 "$d/idle" &
		IDLE=$!
		track_pid $IDLE
		_i=0
		while [ ! -s "$d/idle" ] && [ "$_i" -lt 300 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
	fi
	t0=$(date +%s.%N)
	with_timeout 120 "$MF_EXPORTER" -r "$CAP" -c "127.0.0.1:$udp" \
	    2>"$d/exporter.log" || fail "$2: exporter"
	udp_wait_drained "$udp" 10 || fail "$2: socket drained"
	t1=$(date +%s.%N)
	if [ "$2" = abuse ]; then
		wait "$IDLE"
		untrack_pid "$IDLE"
		# The stalled clients read again now, not after the polling
		# below, which under load could pass the 30 s timeout.
		touch "$d/resume"
		sleep 1
		PEAK_OPEN=$(py metric "$web" minflow_web_connections)
	fi
	REC=$(py wait-records "$web" "$d/reports" 60)
	HWM=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
	SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
}

STREAMS=""
run "$MF_TMP/quiet" quiet
q_rec=$REC q_hwm=$HWM
mf_log "quiet: $REC records, VmHWM $HWM kB, $SECS s"
stop_pid "$MF_COLLECTOR_PID" 10 || fail "quiet collector stop"

run "$MF_TMP/abuse" abuse
mf_log "abused: $REC records, VmHWM $HWM kB, $SECS s"
set -- "$REC"
D=$MF_TMP/abuse
assert_eq "abused collector takes every record" "$q_rec" "$REC"
[ "$HWM" -le $((q_hwm + 65536)) ] ||
    fail "VmHWM bounded" "$HWM kB against $q_hwm kB quiet"
mf_log "idle connections opened: $(cat "$D/idle")"
refused=$(py metric "$WEB" minflow_web_connections_refused_total)
[ "$refused" -gt 0 ] || fail "refused connections counted" "$refused"
[ "$PEAK_OPEN" -le 64 ] || fail "open connections within max-clients" \
    "$PEAK_OPEN"
assert_eq "malformed queries: 400" "" "$(grep -v '^400 error$' "$D/bad")"
assert_eq "non-GET: 405" "" "$(awk '$3 != 405' "$D/methods")"
mf_log "traversal attempts: $(grep -cv '^leak' "$D/traversal")"
assert_eq "traversal: every attempt 404 or 400" "" \
    "$(grep -v '^leak' "$D/traversal" | awk '$NF != 404 && $NF != 400')"
assert_eq "traversal: nothing leaked" "" "$(grep '^leak' "$D/traversal")"
echo "$1" >"$D/stop" # the clients read until they have them all
for p in $STREAMS; do
	wait "$p"
	untrack_pid "$p"
done
drops=0
for i in 1 2 3 4 5; do
	f=$(py get "$D/s$i.json" flows)
	x=$(py get "$D/s$i.json" dropped)
	assert_eq "stalled client $i: events + drops = records" "$1" \
	    "$((f + x))"
	drops=$((drops + x))
done
assert_eq "/metrics drops = the clients'" "$drops" \
    "$(py metric "$WEB" minflow_web_stream_dropped_total)"
assert_eq "the API answers after the abuse" "$1" \
    "$(py metric "$WEB" minflow_records_total)"
stop_pid "$MF_COLLECTOR_PID" 10 || fail "abused collector stop"

run "$MF_TMP/rate" rate 5
assert_eq "rate-limited collector takes every record" "$q_rec" "$REC"
sleep 1 # the bucket refills after the polling
# shellcheck disable=SC2046 # three words: 429s, Retry-After, 200s
set -- $(py rate "$WEB" 100)
mf_log "burst of 100 at rate 5: $1 refused (429), $3 answered (200)"
[ "$1" -gt 0 ] || fail "rate: the excess gets 429" "$1"
assert_eq "rate: every answer 200 or 429" 100 "$(($1 + $3))"
assert_eq "rate: Retry-After on every 429" retry-after "$2"
sleep 1
assert_eq "/metrics rate-limited = the 429s" "$1" \
    "$(py metric "$WEB" minflow_web_rate_limited_total)"
stop_pid "$MF_COLLECTOR_PID" 10 || fail "rate collector stop"
finish
