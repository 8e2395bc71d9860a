#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# --replay-speed: a capture sent to a live collector as if it happened now.
# The bundled sample (149.3 s) replayed at 25 times its speed reaches a
# live collector in about 6 s; every record is on time (late_records 0 in
# every report), and the reports hold exactly the capture's IP packets and
# bytes (tshark).  The same file sent without it is hours old: the
# collector counts its records as late, which is why the option exists.
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3 tshark
need_exporter
need_collector
mk_tmp

# run NAME EXPORTER-OPTIONS...: a live collector on a free port, the sample
# sent to it, the collector stopped (it writes the open report)
run() {
	_n=$1
	shift
	_d=$MF_TMP/$_n
	mkdir -p "$_d"
	_port=$(free_udp_port)
	cat >"$_d/minflow.conf" <<-CONF
	[listen]
	ipfix-udp = 127.0.0.1:$_port
	ipfix-tcp =
	netflow-v9 =
	netflow-v5 =
	[reports]
	dir = $_d/reports
	retention-days = 0
	CONF
	start_collector "$_d/minflow.conf" "$_d/collector.log" "$_port"
	with_timeout 120 "$MF_EXPORTER" -r "$MF_SAMPLE" \
	    -c "127.0.0.1:$_port" "$@" 2>"$_d/exporter.log"
	assert_eq "$_n: exporter exit status" 0 $?
	udp_wait_drained "$_port" 20 || fail "$_n: datagrams not drained"
	stop_pid "$MF_COLLECTOR_PID" 20 || fail "$_n: collector stops on TERM"
}

# sums NAME: "packets bytes late" over every report of a run
sums() { python3 "$MF_SRCDIR/tests/integ/report_totals.py" "$MF_TMP/$1/reports"; }

want=$(truth totals "$MF_SAMPLE")
t0=$(date +%s)
run replay --replay-speed 25
t1=$(date +%s)
assert_eq "replayed: packets, bytes and no late record" "$want 0" \
    "$(sums replay)"
# 149.3 s / 25 = 6 s: the replay took its time (not read at full speed)
[ $((t1 - t0)) -ge 5 ] || fail "replayed in real time" "$((t1 - t0)) s"
# Paced to 2 messages a second so that the collector's clock ticks (every
# 0.5 s) between messages: the first message opens January's interval, the
# clock closes it at once, and the records of every later message are late.
# (Sent in one burst, all could arrive before the first tick.)
run plain --replay-speed 0 --pace 2
set -- $(sums plain)
assert_eq "not replayed: packets and bytes" "$want" "$1 $2"
[ "$3" -gt 0 ] || fail "not replayed: hours-old records count as late" "$3"
"$MF_EXPORTER" -r "$MF_SAMPLE" -w "$MF_TMP/x.ipfix" --replay-speed 2 \
    2>"$MF_TMP/err"
assert_eq "--replay-speed with -w: usage error" 1 $?
grep -q 'applies to -r FILE sent with -c' "$MF_TMP/err" ||
    fail "--replay-speed with -w: message" "$(cat "$MF_TMP/err")"
finish
