#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The hostile LAN (issue 11): while minflow-exporter sends the bundled
# sample capture to a live collector (--replay-speed 10: about 15 s, as if
# it happened now), a second sender on 127.0.0.1 runs every attack of
# collector_hostile.sh over and over: DNS records with short list
# elements, records 20 hours ahead, templates of 1,024 unknown elements, an
# exporter whose template holds an unknown element, 64 header-only
# datagrams of new observation domains each second, and 100 idle TCP
# connections each second.  Its flow records carry 0 packets and 0 bytes.
# Then, as in a run without the attacker:
#  - the reports hold exactly the capture's IP packets and bytes (tshark),
#    and no record is late;
#  - the real exporter (the one that sent its statistics) lost nothing and
#    was counted exactly as it says it exported (its last statistics
#    record), with nothing late, ahead or undecodable;
#  - every report was written within the grace (10 s) + 2 s of its end,
#    and none is of an interval after the run (a record 20 hours ahead
#    moves no flow time).
# The grace is 10 s: the exporter's records come about 2 s after their
# flows end (idle timeout at --replay-speed 10), more on a loaded machine
# under the sanitizers (5 s was too short there once).
# About 45 s.
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3 tshark
need_exporter
need_collector
mk_tmp
HOSTILE=$MF_SRCDIR/tests/integ/collector_hostile.py

# run NAME ATTACK: collector, exporter (and attacker if ATTACK is 1)
run() {
	_d=$MF_TMP/$1
	mkdir -p "$_d"
	_port=$(free_udp_port)
	_tport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	cat >"$_d/minflow.conf" <<-CONF
	[listen]
	ipfix-udp = 127.0.0.1:$_port
	ipfix-tcp = 127.0.0.1:$_tport
	netflow-v9 =
	netflow-v5 =
	[reports]
	dir = $_d/reports
	retention-days = 0
	interval = 10
	grace = 10
	CONF
	start_collector "$_d/minflow.conf" "$_d/collector.log" "$_port"
	_att=
	if [ "$2" = 1 ]; then
		with_timeout 60 python3 "$HOSTILE" attack "$_port" "$_tport" 16 \
		    >"$_d/attacker.ports" 2>"$_d/attacker.err" &
		_att=$!
		track_pid "$_att"
	fi
	with_timeout 120 "$MF_EXPORTER" -r "$MF_SAMPLE" -c "127.0.0.1:$_port" \
	    --replay-speed 10 2>"$_d/exporter.log"
	assert_eq "$1: exporter exit status" 0 $?
	if [ -n "$_att" ]; then
		wait "$_att"
		assert_eq "$1: attacker exit status" 0 $?
		untrack_pid "$_att"
	fi
	udp_wait_drained "$_port" 20 || fail "$1: datagrams not drained"
	_stop=$(date +%s)
	stop_pid "$MF_COLLECTOR_PID" 20 || fail "$1: collector stops on TERM"
	with_timeout 60 python3 "$HOSTILE" lan "$_d/reports" 10 "$1" "$_stop" \
	    >"$_d/checks" || fail "$1: collector_hostile.py lan"
	while IFS='	' read -r _n _w _g; do
		assert_eq "$_n" "$_w" "$_g"
	done <"$_d/checks"
}

want=$(truth totals "$MF_SAMPLE")
for r in quiet hostile; do
	att=0
	[ "$r" = hostile ] && att=1
	run "$r" "$att"
	assert_eq "$r: packets, bytes and no late record" "$want 0" \
	    "$(python3 "$MF_SRCDIR/tests/integ/report_totals.py" \
	        "$MF_TMP/$r/reports")"
done
grep -q 'ahead of our clock' "$MF_TMP/hostile/collector.log" ||
    fail "hostile: the future-dated records named in the log"
grep -q 'refused\|replaced' "$MF_TMP/hostile/collector.log" ||
    fail "hostile: the table's defence logged"
finish
