#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# [exporters] templates-file: a live collector keeps its exporters'
# templates across a restart.  An exporter (a fixed source port) sends its
# template and a record, the collector stops (SIGTERM writes the file),
# starts again, and the same exporter sends a record without template:
# with the file it is decoded (1 record, no warning), without it the data
# set is data before template (0 records, and a warning naming the
# exporter).  The second run is judged from its own exit log: with no
# record decoded it writes no report.
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3
COLLECTOR=$MF_BUILDDIR/minflow-collector
[ -x "$COLLECTOR" ] || skip "no $COLLECTOR"
mk_tmp
export PYTHONPATH="$MF_SRCDIR/tests/integ${PYTHONPATH:+:$PYTHONPATH}"

start() { # TEMPLATES-FILE RUN
	cat >"$MF_TMP/c.conf" <<CONF
[listen]
ipfix-udp = 127.0.0.1:$PORT
ipfix-tcp =
netflow-v9 =
netflow-v5 =
[reports]
dir = $MF_TMP/rep
retention-days = 0
[exporters]
templates-file = $1
CONF
	start_collector "$MF_TMP/c.conf" "$MF_TMP/log.$2" "$PORT"
}

send() { # WITH-TEMPLATE SEQ
	python3 "$MF_SRCDIR/tests/integ/templates_send.py" "$PORT" "$SRC" "$1" "$2"
}

# "records N warned|quiet" from the second run's exit log
second_run() {
	r=$(sed -n 's/.*info: records \([0-9]*\), late.*/\1/p' "$MF_TMP/log.2")
	if grep -q "port $SRC: undecodable" "$MF_TMP/log.2"; then
		echo "$r warned"
	else
		echo "$r quiet"
	fi
}

for case in "templates.state 1 quiet" "'' 0 warned"; do
	eval "set -- $case"
	PORT=$(free_udp_port)
	SRC=$(free_udp_port)
	rm -rf "$MF_TMP/rep"
	start "$1" 1
	send 1 0
	udp_wait_drained "$PORT" 5
	stop_pid $MF_COLLECTOR_PID
	start "$1" 2
	send 0 1
	udp_wait_drained "$PORT" 5
	stop_pid $MF_COLLECTOR_PID
	assert_eq "templates-file '$1': after a restart" "$2 $3" "$(second_run)"
	[ -z "$1" ] || grep -q "templates of 1 exporters restored" \
	    "$MF_TMP/log.2" || fail "the restore is logged"
done
[ -e "$MF_TMP/rep/templates.state" ] &&
    fail "templates-file '': no file is written"
finish
