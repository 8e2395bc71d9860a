#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Operator errors in minflow.conf (issue 11 item 9), each found by
# --check-config with exit status 1 and the file and line in the message:
# a section twice, a key twice, a host name in [listen] (the listener
# binds numeric addresses only, so it used to pass the check and fail at
# start), an empty [reports] dir (it used to write into the working
# directory, / when detached).  Then a running collector whose [listen]
# port changes on SIGHUP logs a warning that the change waits for a
# restart, and still receives on the old port.
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3
need_collector
mk_tmp

# check NAME TEXT WANT: --check-config on TEXT fails with "FILE:WANT"
check() {
	printf '%s\n' "$2" >"$MF_TMP/$1.conf"
	"$MF_COLLECTOR" --check-config -C "$MF_TMP/$1.conf" \
	    >"$MF_TMP/$1.out" 2>&1
	assert_eq "$1: exit status" 1 "$?"
	assert_eq "$1: message" "minflow-collector: $MF_TMP/$1.conf:$3" \
	    "$(cat "$MF_TMP/$1.out")"
}
check section "[reports]
top = 5
[networks]
internal = 10.0.0.0/8
[reports]
interval = 60" "5: section [reports] again (first at line 1)"
check key "[reports]
top = 5
# top = 6
top = 7" "4: [reports] top set again (first at line 2)"
check hostname "[listen]
ipfix-udp = localhost:4739" \
    "2: [listen] ipfix-udp: 'localhost' is not a numeric address (host names are not accepted)"
check emptydir "[reports]
top = 5
dir =" "3: [reports] dir: empty (reports need a directory)"

PORT=$(free_udp_port)
PORT2=$(free_udp_port)
udp_collector_conf "$MF_TMP/c.conf" "$PORT" "$MF_TMP/reports"
start_collector "$MF_TMP/c.conf" "$MF_TMP/c.log" "$PORT"
udp_listening "$PORT" || fail "collector start"
sed -i "s|^ipfix-udp = .*|ipfix-udp = 127.0.0.1:$PORT2|" "$MF_TMP/c.conf"
kill -HUP "$MF_COLLECTOR_PID"
_i=0
while ! grep -q 'reload: configuration read again' "$MF_TMP/c.log" &&
    [ "$_i" -lt 50 ]; do
	sleep 0.1
	_i=$((_i + 1))
done
assert_eq "SIGHUP: the changed listener is logged as a warning" 1 \
    "$(grep -c 'warning: reload: \[listen\] changed: the listeners stay as they are until a restart' "$MF_TMP/c.log")"
udp_listening "$PORT" || fail "SIGHUP: the old port still listens"
stop_pid "$MF_COLLECTOR_PID" 10 || fail "collector stopped on SIGTERM"
finish
