#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# [networks] allow-exporters: datagrams from anyone else are dropped and
# counted exactly (the "denied" counter in the exit log), and produce no
# exporter and no report; from an allowed address they are used.  A
# refused peer is logged once and listed in every report that another
# exporter's records cause ("refused_exporters", minflow-report(1)), with
# the number of messages refused.
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3
need_exporter
COLLECTOR=$MF_BUILDDIR/minflow-collector
[ -x "$COLLECTOR" ] || skip "no $COLLECTOR"
mk_tmp

run() { # ALLOW [TRICKLE-SRC] -> sets LOG and DIR
	port=$(free_udp_port)
	DIR=$MF_TMP/rep-$port
	LOG=$MF_TMP/log-$port
	cat >"$MF_TMP/c.conf" <<CONF
[listen]
ipfix-udp = 127.0.0.1:$port
ipfix-tcp =
netflow-v9 =
netflow-v5 =
[networks]
allow-exporters = $1
[reports]
dir = $DIR
retention-days = 0
CONF
	start_collector "$MF_TMP/c.conf" "$LOG" "$port"
	# The sample gives 7 messages (the exporter's --stats says so).
	"$MF_EXPORTER" -r "$MF_SAMPLE" -c "127.0.0.1:$port" --stats \
	    2>"$MF_TMP/stats"
	# 3 records from another address
	[ -z "$2" ] || PYTHONPATH=$MF_SRCDIR/tests/integ with_timeout 30 \
	    python3 "$MF_SRCDIR/tests/integ/ipfix_trickle.py" "$port" 3 50 "$2"
	udp_wait_drained "$port" 10
	stop_pid $MF_COLLECTOR_PID
	SENT=$(awk '$1 == "messages" { print $2 }' "$MF_TMP/stats")
}

run "192.0.2.0/24;2001:db8::/32"
assert_eq "denied: every datagram counted" "denied $SENT" \
    "$(sed -n 's/.*\(denied [0-9]*\).*/\1/p' "$LOG")"
assert_eq "denied: no exporter" "" "$(grep 'new exporter' "$LOG")"
assert_eq "denied: no report" "0" \
    "$(find "$DIR" -name '*.json' 2>/dev/null | wc -l | tr -d ' ')"

run "127.0.0.0/8"
assert_eq "allowed: nothing denied" "denied 0" \
    "$(sed -n 's/.*\(denied [0-9]*\).*/\1/p' "$LOG")"
assert_eq "allowed: the records arrived" "records 55" \
    "$(sed -n 's/.*\(records [0-9]*\), late.*/\1/p' "$LOG")"

run "127.0.0.2/32" 127.0.0.2
assert_eq "refused peer: logged once" 1 \
    "$(grep -c 'exporter 127.0.0.1 refused: not in \[networks\] allow-exporters' "$LOG")"
assert_eq "refused peer: in the report, every message counted" \
    "127.0.0.1 not allowed $SENT evicted 0" \
    "$(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["refused_exporters"]
print(" ".join("%s %s %d" % (p["address"], p["reason"], p["messages"])
               for p in r["peers"]), "evicted", r["evicted"])' "$DIR/latest.json")"
assert_eq "refused peer: the allowed one's records arrived" "records 3" \
    "$(sed -n 's/.*\(records [0-9]*\), late.*/\1/p' "$LOG")"
finish
