#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The archive after a crash (minflow-archive(5)): 40 records at a home rate
# (10 a second, one per IPFIX message, far from filling a 64 kB message)
# to a live collector with [archive] on; 1.5 s after the last one (a
# record waits at most 1 s in memory) the collector is killed with
# SIGKILL.  Then:
#  (a) the .part file it left holds all 40 records (ipfixDump counts them);
#  (b) a new collector recovers it at start-up and logs "recovered 40
#      records from FILE, 0 lost in a cut message"; the file renamed into
#      place holds the 40 records, and the sums of their bytes are the
#      sender's (40 * 100 + 0 + .. + 39).
. "$MF_SRCDIR/tests/integ/lib.sh"
need ipfixDump python3
need_collector
mk_tmp

A=$MF_TMP/archive
N=40
PORT=$(free_udp_port)
udp_collector_conf "$MF_TMP/c.conf" "$PORT" "$MF_TMP/reports"
printf '[archive]\ndir = %s\n' "$A" >>"$MF_TMP/c.conf"
start_collector "$MF_TMP/c.conf" "$MF_TMP/c1.log" "$PORT"
udp_listening "$PORT" || { fail "collector start"; cat "$MF_TMP/c1.log" >&2; finish; }
PYTHONPATH=$MF_SRCDIR/tests/integ with_timeout 30 python3 \
    "$MF_SRCDIR/tests/integ/ipfix_trickle.py" "$PORT" "$N" 10 ||
    fail "sender"
sleep 1.5
untrack_pid "$MF_COLLECTOR_PID"
kill -KILL "$MF_COLLECTOR_PID"
wait "$MF_COLLECTOR_PID" 2>/dev/null

count() { # FILE: flow records ipfixDump finds in it
    ipfixDump --in "$1" 2>/dev/null | grep -c 'packetDeltaCount :'
}
octets() { # FILE: the sum of octetDeltaCount
    ipfixDump --in "$1" 2>/dev/null |
        sed -n 's/.*octetDeltaCount : \([0-9]*\)$/\1/p' |
        awk '{ s += $1 } END { print s + 0 }'
}
part=$(find "$A" -name '.minflow-*.ipfix.part')
[ -n "$part" ] || { fail "a .part file left by the crash"; finish; }
assert_eq "(a) records in the .part file after SIGKILL" "$N" "$(count "$part")"

start_collector "$MF_TMP/c.conf" "$MF_TMP/c2.log" "$PORT"
udp_listening "$PORT" || fail "collector restart"
stop_pid "$MF_COLLECTOR_PID" 10 || fail "collector stopped on SIGTERM"
assert_eq "(b) recovery's log" \
    "recovered $N records, 0 lost in a cut message" \
    "$(sed -n 's/.*archive: \(recovered [0-9]* records\) from [^,]*, \([0-9]* lost in a cut message\).*/\1, \2/p' "$MF_TMP/c2.log")"
assert_eq "(b) no .part file left" "" "$(find "$A" -name '*.part')"
set -- "$A"/*/minflow-*.ipfix
assert_eq "(b) archive files after recovery" 1 "$#"
assert_eq "(b) records in the recovered file" "$N" "$(count "$1")"
assert_eq "(b) bytes in the recovered file" "$((N * 100 + N * (N - 1) / 2))" \
    "$(octets "$1")"
finish
