#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A collector that comes up after the exporter (minflow-exporter(8),
# Transport): minflow-exporter sends a capture (9516 flow records in 604
# messages, paced at 100 messages a second) over UDP to 127.0.0.1, where
# nothing listens for the first 2 seconds; then minflow-collector starts on
# that port.  The exporter resends its templates after each failed send
# (ECONNREFUSED: the ICMP port unreachable of the message before), so:
#  - every record the exporter counts as exported reaches the collector
#    (records the collector counted = records-exported: none lost after it
#    came up, where before the fix every record until the next template
#    refresh, 100 messages later, was lost and counted as exported);
#  - exported + not sent + refused = every record of the capture (the
#    exporter's own -w run), and records were refused or not sent (the
#    collector was down) but far fewer than half of them.
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3
need_shared
need_exporter
need_collector
mk_tmp

CAP=$MF_SHARED_DIR/pcaps/nmap-tcp-connect-scan.pcap
counter() { # NAME FILE: the exporter's --stats counter
    sed -n "s/^$1  *\([0-9]*\)\$/\1/p" "$2"
}
"$MF_EXPORTER" -r "$CAP" -w "$MF_TMP/all.ipfix" --stats 2>"$MF_TMP/all.log" ||
    fail "exporter -w"
total=$(counter records-exported "$MF_TMP/all.log")

PORT=$(free_udp_port)
udp_collector_conf "$MF_TMP/c.conf" "$PORT" "$MF_TMP/reports"
with_timeout 60 "$MF_EXPORTER" -r "$CAP" -c "127.0.0.1:$PORT" --pace 100 \
    --stats 2>"$MF_TMP/exp.log" &
EXP_PID=$!
track_pid "$EXP_PID"
sleep 2
start_collector "$MF_TMP/c.conf" "$MF_TMP/c.log" "$PORT"
wait "$EXP_PID"
assert_eq "exporter exit status" 0 "$?"
untrack_pid "$EXP_PID"
udp_wait_drained "$PORT" 20 || fail "collector drained its socket"
stop_pid "$MF_COLLECTOR_PID" 10 || fail "collector stopped on SIGTERM"

exported=$(counter records-exported "$MF_TMP/exp.log")
not_sent=$(counter records-not-sent "$MF_TMP/exp.log")
refused=$(counter records-refused "$MF_TMP/exp.log")
got=$(sed -n 's/.*info: records \([0-9]*\),.*/\1/p' "$MF_TMP/c.log")
mf_log "capture $total records: exported $exported, not sent $not_sent," \
    "refused $refused; the collector counted $got"
assert_eq "records the collector counted = records-exported" "$exported" "$got"
assert_eq "exported + not sent + refused = the capture's records" "$total" \
    "$((exported + not_sent + refused))"
[ "$((not_sent + refused))" -gt 0 ] ||
    fail "records sent while the collector was down are counted"
[ "$((2 * (not_sent + refused)))" -lt "$total" ] ||
    fail "fewer than half the records lost" "$((not_sent + refused))"
finish
