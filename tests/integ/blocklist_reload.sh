#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Blocklist reload on a live minflow-collector, as minflow-collector(8)
# promises it: the lists are read again on SIGHUP, and when a file
# changes, looked at when an interval closes.  Flow records from
# 192.168.1.5 to four remotes A B C D (198.51.100.1 to .4) are sent to
# 127.0.0.1 (alerts_flows.py), all of one send in one 10 s interval:
#  1. list A B: the report's flow hits are A B;
#  2. list B C (the file replaced) and SIGHUP: hits B C, A no more;
#  3. list C D, no signal; a record to an unlisted address closes an
#     interval (no hits), and its close reads the changed file;
#  4. hits C D, B no more;
# and the alert file has one blocklist alert per address as it first
# hit, A B C D in that order (each once: the window is a day).
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3
need_collector
mk_tmp

T=$MF_TMP
PY=$MF_SRCDIR/tests/integ/alerts_sinks.py
FLOWS=$MF_SRCDIR/tests/integ/alerts_flows.py
PORT=$(free_udp_port)
A=198.51.100.1 B=198.51.100.2 C=198.51.100.3 D=198.51.100.4

# list ADDR...: the IP list replaced whole (a new file renamed over it)
list() {
	printf '# test list\n' >"$T/drop.new"
	printf '%s\n' "$@" >>"$T/drop.new"
	mv "$T/drop.new" "$T/drop.txt"
}
list $A $B
cat >"$T/c.conf" <<CONF
[listen]
ipfix-udp = 127.0.0.1:$PORT
ipfix-tcp =
netflow-v9 =
netflow-v5 =
[reports]
dir = $T/out
retention-days = 0
interval = 10
grace = 0
[exporters]
templates-file =
[blocklists]
ip = $T/drop.txt
[alerts]
file = $T/alerts.jsonl
new-devices = false
silent-intervals = 0
CONF

SEQ=0
# send ADDR...: one record from 192.168.1.5 to each, in one message
send() {
	python3 "$FLOWS" send "$PORT" "$SEQ" 192.168.1.5 "$@" ||
		fail "alerts_flows.py send"
	SEQ=$((SEQ + $#))
}
# reports_wait N: until N reports are written (at most 30 s: an interval
# is 10 s and closes by the clock)
reports_wait() {
	_i=0
	while [ "$(ls "$T"/out/2*/*.json 2>/dev/null | wc -l)" -lt "$1" ] &&
	    [ "$_i" -lt 300 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}
# log_wait COUNT TEXT: until the collector's log has COUNT lines with TEXT
# (at most 10 s)
log_wait() {
	_i=0
	while [ "$(grep -c "$2" "$T/col.log")" -lt "$1" ] && [ "$_i" -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}
# phase N ADDR...: send to ADDR..., wait for report N; prints its flow hits
phase() {
	_n=$1
	shift
	send "$@"
	reports_wait "$_n"
	python3 "$PY" report-hits "$T/out" "$_n"
}

start_collector "$T/c.conf" "$T/col.log" "$PORT"
# start_collector waits 10 s; a sanitizer build under load may take longer
i=0
while ! udp_listening "$PORT" && [ "$i" -lt 200 ]; do
	sleep 0.1
	i=$((i + 1))
done
udp_listening "$PORT" ||
	{ fail "collector not listening" "$(tail -3 "$T/col.log")"; finish; }

assert_eq "1. list A B: hits A B" "$A $B" "$(phase 1 $A $B $C $D)"

list $B $C
kill -HUP "$MF_COLLECTOR_PID"
log_wait 1 "reload: configuration read again"
assert_eq "2. SIGHUP read the lists again" "2" \
	"$(grep -c 'blocklists: 2 IP entries' "$T/col.log")"
assert_eq "2. list B C after SIGHUP: hits B C" "$B $C" "$(phase 2 $A $B $C $D)"

list $C $D
assert_eq "3. an interval of no hits" "" "$(phase 3 203.0.113.1)"
log_wait 3 "blocklists: 2 IP entries"
assert_eq "3. its close read the changed file" "3" \
	"$(grep -c 'blocklists: 2 IP entries' "$T/col.log")"
assert_eq "4. list C D, no signal: hits C D" "$C $D" "$(phase 4 $A $B $C $D)"

stop_pid "$MF_COLLECTOR_PID" 30 || fail "collector stops on TERM"
assert_eq "one alert per address as it first hit" "$A $B $C $D" \
	"$(python3 "$PY" alerted "$T/alerts.jsonl")"
finish
