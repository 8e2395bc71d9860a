#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# [forward] to a receiver slower than a burst (issue 18: rwflowpack with
# the kernel's default buffer lost 10-37% of the relayed records, and the
# collector counted none), and to an IPFIX-over-TCP receiver.  On
# 127.0.0.1:
#  (a) unpaced, records = normalised, to a UDP receiver with a 32 KB buffer
#      that reads a datagram every 2 ms: the 2002 records of a capture sent
#      at once arrive in a burst and some are lost (the case the pacing is
#      for; logged, and asserted: more than none lost);
#  (b) the same with rate = 200: every record arrives;
#  (c) to tcp://: a second minflow-collector with an IPFIX TCP listener,
#      started after the first (which tries again until it connects),
#      takes every record the first one decoded.
# The records a receiver got are counted by minflow-collector -r on what
# it received (the datagrams, concatenated, are an IPFIX file).
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3
need_shared
need_exporter
need_collector
mk_tmp
T=$MF_TMP
CAP=$MF_SHARED_DIR/pcaps/nmap-syn-scan-1000-ports.pcapng
WANT=2002 # records the exporter sends for it (exporter_totals.sh)

records_in_log() { sed -n 's/.*info: records \([0-9]*\),.*/\1/p' "$1" | tail -n 1; }

# count_file FILE: records minflow-collector -r reads from FILE
count_file() {
	if [ ! -s "$1" ]; then
		echo 0
		return
	fi
	"$MF_COLLECTOR" -r "$1" -o "$T/count.$$" 2>"$T/count.log" || true
	records_in_log "$T/count.log"
	rm -rf "$T/count.$$"
}

# relay NAME RATE: collector -> slow UDP sink; prints "sent got"
relay() {
	rm -f "$T/sink.port"
	python3 "$MF_SRCDIR/tests/integ/slow_udp_sink.py" "$T/sink.port" \
	    "$T/$1.ipfix" 32768 2 60 &
	SINK=$!
	track_pid "$SINK"
	wait_nonempty "$T/sink.port" || fail "$1: sink starts"
	PORT=$(free_udp_port)
	loopback_conf "$T/$1.conf" "$T/$1.rep" "$PORT"
	cat >>"$T/$1.conf" <<CONF
[forward]
to = 127.0.0.1:$(cat "$T/sink.port")
records = normalised
rate = $2
CONF
	start_collector "$T/$1.conf" "$T/$1.log" "$PORT"
	udp_listening "$PORT" || fail "$1: collector starts" "$(cat "$T/$1.log")"
	with_timeout 60 "$MF_EXPORTER" -r "$CAP" -c "127.0.0.1:$PORT" \
	    --pace 0 2>"$T/$1.exp.log" || fail "$1: exporter"
	udp_wait_drained "$PORT" 10 || fail "$1: collector drained its socket"
	sleep 2 # paced: 2002 records are ~120 messages, 0.6 s at 200/s
	stop_pid "$MF_COLLECTOR_PID" 10 || fail "$1: collector stops"
	sleep 1 # the sink reads what is still in its buffer
	stop_pid "$SINK" 10
	echo "$(records_in_log "$T/$1.log") $(count_file "$T/$1.ipfix")"
}

# shellcheck disable=SC2046 # two numbers
set -- $(relay unpaced 0)
mf_log "unpaced: collector records $1, the slow receiver got $2"
assert_eq "(a) the collector took every record" "$WANT" "$1"
[ "${2:-0}" -lt "$WANT" ] ||
    fail "(a) an unpaced burst overflows the slow receiver" "got $2 of $WANT"
# shellcheck disable=SC2046
set -- $(relay paced 200)
mf_log "paced: collector records $1, the slow receiver got $2"
assert_eq "(b) paced at 200/s: the slow receiver got every record" \
    "$WANT $WANT" "$1 $2"
assert_eq "(b) nothing dropped from the queue" 0 \
    "$(sed -n 's/.*dropped from the queue \([0-9]*\),.*/\1/p' "$T/paced.log")"

# --- (c) TCP ---------------------------------------------------------------
TPORT=$(free_tcp_port)
PORT=$(free_udp_port)
loopback_conf "$T/a.conf" "$T/a.rep" "$PORT"
cat >>"$T/a.conf" <<CONF
[forward]
to = tcp://127.0.0.1:$TPORT
records = normalised
CONF
start_collector "$T/a.conf" "$T/a.log" "$PORT"
A=$MF_COLLECTOR_PID
udp_listening "$PORT" || fail "(c) forwarding collector starts" "$(cat "$T/a.log")"
sleep 1.5 # at least one refused connection
BPORT=$(free_udp_port)
loopback_conf "$T/b.conf" "$T/b.rep" "$BPORT" "127.0.0.1:$TPORT"
start_collector "$T/b.conf" "$T/b.log" "$BPORT"
B=$MF_COLLECTOR_PID
i=0
while ! grep -q "forward: connected to tcp://127.0.0.1:$TPORT" "$T/a.log" &&
    [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
grep -q "forward: connected to" "$T/a.log" ||
    fail "(c) the forwarder connects once the receiver is up" "$(cat "$T/a.log")"
with_timeout 60 "$MF_EXPORTER" -r "$CAP" -c "127.0.0.1:$PORT" --pace 0 \
    2>"$T/c.exp.log" || fail "(c) exporter"
udp_wait_drained "$PORT" 10 || fail "(c) collector drained its socket"
sleep 1.5 # the last message leaves after a second
stop_pid "$A" 10 || fail "(c) forwarder stops"
sleep 0.5
stop_pid "$B" 10 || fail "(c) receiver stops"
assert_eq "(c) the TCP receiver took every record the forwarder took" \
    "$WANT $WANT" "$(records_in_log "$T/a.log") $(records_in_log "$T/b.log")"
assert_eq "(c) one connection, nothing dropped" "1 0 0" \
    "$(sed -n 's/.*dropped from the queue \([0-9]*\), dropped unconnected \([0-9]*\), connects \([0-9]*\),.*/\3 \1 \2/p' "$T/a.log")"
finish
