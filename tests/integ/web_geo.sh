#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The live stream names the remote side's country ([geo], issue 13): a
# live collector with [web] and a test MaxMind database
# (tests/data/geo/make_mmdb.pl: 138.201.208.0/24 in DE) is sent a
# browsing capture by minflow-exporter; a stream client that keeps up
# gets one event per record, and the bytes of the events it was told are
# in DE equal tshark's IP-layer bytes to and from that /24
# (alerts_sinks.py truth).  Without [geo] no event carries a country.
. "$MF_SRCDIR/tests/integ/lib.sh"
need tshark python3 perl
perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null ||
	skip "perl MaxMind::DB::Writer (libmaxmind-db-writer-perl) missing"
need_shared
need_exporter
need_collector
mk_tmp
T=$MF_TMP
CAP=$MF_SHARED_DIR/pcaps/mixed-windows-browsing-http-https.pcap
NET=138.201.208.0/24
PY=$MF_SRCDIR/tests/integ/web_api.py
perl "$MF_SRCDIR/tests/data/geo/make_mmdb.pl" "$T/geo.mmdb" ||
	fail "make_mmdb.pl"
want=$(python3 "$MF_SRCDIR/tests/integ/alerts_sinks.py" truth "$CAP" "$NET" |
    cut -d' ' -f1)

# run NAME GEO-LINES: a live collector, one stream client, the capture;
# prints the client's {"countries": ...} and its event count
run() {
	D=$T/$1
	mkdir -p "$D"
	UDP=$(free_udp_port)
	WEB=$(free_tcp_port)
	cat >"$D/minflow.conf" <<-CONF
	[listen]
	ipfix-udp = 127.0.0.1:$UDP
	ipfix-tcp =
	netflow-v9 =
	netflow-v5 =
	[reports]
	dir = $D/reports
	retention-days = 0
	[history]
	db =
	[web]
	listen = 127.0.0.1:$WEB
	stream-queue = 65536
	$2
	CONF
	start_collector "$D/minflow.conf" "$D/collector.log" "$UDP"
	udp_listening "$UDP" || fail "$1: collector starts" "$(cat "$D/collector.log")"
	with_timeout 120 python3 "$PY" stream "$WEB" "$D/s.json" - "$D/stop" 0 &
	S=$!
	track_pid $S
	i=0
	while [ ! -e "$D/s.json.ready" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	with_timeout 120 "$MF_EXPORTER" -r "$CAP" -c "127.0.0.1:$UDP" \
	    2>"$D/exporter.log" || fail "$1: exporter"
	udp_wait_drained "$UDP" 10 || fail "$1: collector drained its socket"
	touch "$D/stop"
	wait "$S"
	untrack_pid "$S"
	stop_pid "$MF_COLLECTOR_PID" 10 || fail "$1: collector stops"
	python3 - "$D/s.json" "$D/collector.log" <<'PYEOF'
import json, re, sys
r = json.load(open(sys.argv[1]))
recs = re.findall(r"info: records (\d+),", open(sys.argv[2]).read())
print(r["countries"].get("DE", 0), ",".join(sorted(r["countries"])),
      r["flows"] == int(recs[-1]) if recs else False)
PYEOF
}

# shellcheck disable=SC2046 # three words
set -- $(run geo "[geo]
	database = $T/geo.mmdb")
assert_eq "with [geo]: DE bytes in the stream = tshark's for $NET" "$want" "$1"
[ "$want" -gt 0 ] || fail "the capture has traffic with $NET" "$want"
assert_eq "with [geo]: one event per record" True "$3"
# shellcheck disable=SC2046
set -- $(run nogeo "")
assert_eq "without [geo]: no country" "0 - True" "$*"
finish
