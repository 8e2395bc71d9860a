#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# minflow-collector over UDP on 127.0.0.1 (issue 17): every datagram sent
# is either received or counted as lost, exactly, and a modest rate is
# taken without loss.  tests/integ/udp_flood.py sends IPFIX messages of 20
# flow records each, sequence numbers as RFC 7011 says.
#  (a) 1,000 messages (20,000 records) at 500 messages a second: every
#      record received, nothing lost by sequence number, no datagram
#      dropped by the kernel or the receive queue (the report's
#      "listeners").
#  (b) A collector with the smallest receive buffer and queue
#      ([listen] udp-rcvbuf 65536, udp-queue 131072) is stopped (SIGSTOP)
#      while 3,000 messages are sent as fast as the socket takes them,
#      then resumed (SIGCONT) while 2,000 more go as fast, then, a second
#      later, 20 at 50 a second so that the last gap is seen.  Far more is sent than a
#      stopped receiver can hold, so the kernel drops datagrams.  Then:
#      datagrams read + kernel drops = datagrams sent; records received +
#      20 x (kernel drops + queue drops) = records sent; the records lost
#      by sequence number are those same 20 x drops; /metrics shows the
#      report's counters.
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3
need_collector
mk_tmp

FLOOD=$MF_SRCDIR/tests/integ/udp_flood.py
flood() { with_timeout 120 python3 "$FLOOD" "$@"; }

# field FILE KEY: from latest.json, the sum over exporters ("records",
# "lost") or the listener's counter ("datagrams", "kernel_drops", ...)
field() {
	python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
k = sys.argv[2]
if k in ("records", "lost"):
    print(sum(e[k] for e in d["exporters"]))
else:
    print(sum(u[k] for u in d.get("listeners", [])))
PY
}

# metric PORT NAME: the value of NAME in /metrics on 127.0.0.1:PORT
metric() {
	with_timeout 20 python3 - "$1" "$2" <<'PY'
import sys, urllib.request
body = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1],
                              timeout=10).read().decode()
print(sum(int(l.split()[-1]) for l in body.splitlines()
          if l.startswith(sys.argv[2] + "{")))
PY
}

# run NAME LISTEN_KEYS: a collector on a free port, more keys of [listen]
# given; sets PORT, WEB, DIR, LOG
run() {
	PORT=$(free_udp_port)
	WEB=$(free_tcp_port)
	DIR=$MF_TMP/$1
	LOG=$MF_TMP/$1.log
	mkdir -p "$DIR"
	printf '[listen]\nipfix-udp = 127.0.0.1:%s\nipfix-tcp =\nnetflow-v9 =\nnetflow-v5 =\n%s\n[reports]\ndir = %s\nretention-days = 0\n[exporters]\ntemplates-file =\n[web]\nlisten = 127.0.0.1:%s\n' \
	    "$PORT" "$2" "$DIR" "$WEB" >"$MF_TMP/$1.conf"
	start_collector "$MF_TMP/$1.conf" "$LOG" "$PORT"
}

# --- (a) a modest rate: no loss --------------------------------------------
run modest ""
S=$MF_TMP/modest.state
flood "$PORT" "$S" template >/dev/null
sleep 0.3
sent=$(flood "$PORT" "$S" data 1000 500)
udp_wait_drained "$PORT" 10 || fail "modest: socket drained"
sleep 0.5
stop_pid "$MF_COLLECTOR_PID" 20 || fail "modest: collector stopped on TERM"
assert_eq "modest: sent" "datagrams 1001 records 20000" "$sent"
R=$DIR/latest.json
assert_eq "modest: records received" 20000 "$(field "$R" records)"
assert_eq "modest: lost by sequence number" 0 "$(field "$R" lost)"
assert_eq "modest: datagrams read" 1001 "$(field "$R" datagrams)"
assert_eq "modest: kernel drops" 0 "$(field "$R" kernel_drops)"
assert_eq "modest: queue drops" 0 "$(field "$R" queue_drops)"

# --- (b) overload: every loss counted ---------------------------------------
run flood "udp-rcvbuf = 65536
udp-queue = 131072"
S=$MF_TMP/flood.state
flood "$PORT" "$S" template >/dev/null
sleep 0.3
kill -STOP "$MF_COLLECTOR_PID"
flood "$PORT" "$S" data 3000 >/dev/null
kill -CONT "$MF_COLLECTOR_PID"
flood "$PORT" "$S" data 2000 >/dev/null
sleep 1 # the queue emptied: the last messages are not dropped
sent=$(flood "$PORT" "$S" data 20 50)
udp_wait_drained "$PORT" 10 || fail "flood: socket drained"
sleep 1
m_kernel=$(metric "$WEB" minflow_udp_kernel_drops_total)
m_queue=$(metric "$WEB" minflow_udp_queue_drops_total)
m_datagrams=$(metric "$WEB" minflow_udp_datagrams_total)
stop_pid "$MF_COLLECTOR_PID" 20 || fail "flood: collector stopped on TERM"
assert_eq "flood: sent" "datagrams 5021 records 100400" "$sent"
R=$DIR/latest.json
got=$(field "$R" records)
lost=$(field "$R" lost)
dg=$(field "$R" datagrams)
kd=$(field "$R" kernel_drops)
qd=$(field "$R" queue_drops)
printf '# received %s records, %s datagrams read, %s dropped by the kernel, %s by the queue\n' \
    "$got" "$dg" "$kd" "$qd"
[ "$kd" -gt 0 ] || fail "flood: the kernel dropped datagrams" "$kd"
assert_eq "flood: datagrams read + kernel drops = sent" 5021 $((dg + kd))
assert_eq "flood: records received + counted drops = sent" 100400 \
    $((got + 20 * (kd + qd)))
assert_eq "flood: lost by sequence number = counted drops" \
    $((20 * (kd + qd))) "$lost"
assert_eq "flood: /metrics kernel drops" "$kd" "$m_kernel"
assert_eq "flood: /metrics queue drops" "$qd" "$m_queue"
assert_eq "flood: /metrics datagrams" "$dg" "$m_datagrams"
grep -q "receive buffer" "$LOG" || fail "flood: the receive buffer is logged"
finish
