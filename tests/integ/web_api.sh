#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# minflow-collector's web server and API (minflow-web(7)), live on
# 127.0.0.1, fed by minflow-exporter replaying shared captures:
#  1. home/IoT capture, two stream clients that keep up, a queue of 65536:
#     each client gets exactly as many flow events as the collector took
#     records, no drops, and their packets and bytes (both directions of
#     each record) equal tshark's totals of the capture (truth.py) and the
#     reports'; /api/v1/latest holds latest.json byte for byte; the live
#     series per class add up to the reports' classes; /metrics equals the
#     report's exporter lines and tables; POST, PUT, DELETE, PATCH,
#     OPTIONS and TRACE get 405 with Allow; path traversal attempts get
#     404 and never a file off the list; malformed queries get 400 with a
#     JSON error; every answer has the security headers.
#  2. nmap SYN scan (2002 records), a queue of 16 and a client that stalls
#     (does not read) while the records arrive: its flow events plus the
#     drops it is told of equal the collector's records, drops > 0, and
#     /metrics counts the same drops; a burst of 40 requests at rate 5
#     gets 429s with Retry-After, counted in /metrics.
#  3. --check-config refuses an address off loopback without password
#     file, certificate and key; with them (on 127.0.0.1: a self-signed
#     certificate by certtool, a SHA-crypt hash by openssl passwd) the
#     page is HTTPS only, 401 without or with wrong credentials (counted),
#     200 with the right ones.
. "$MF_SRCDIR/tests/integ/lib.sh"
need tshark python3 curl certtool openssl
need_shared
need_exporter
need_collector
mk_tmp

PY="$MF_SRCDIR/tests/integ/web_api.py"
py() { with_timeout 200 python3 "$PY" "$@"; }
tcp_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# web_collector DIR QUEUE RATE: a live collector with its web server on
# a free port, the page's files in DIR/files; sets UDP, WEB, COL_PID.
web_collector() {
	mkdir -p "$1/files"
	for f in index.html app.js app.css uplot.min.js uplot.min.css \
	    favicon.svg; do
		echo "page file $f" >"$1/files/$f"
	done
	echo "SECRET-IN-FILES-DIR" >"$1/files/secret.txt"
	echo "SECRET-OUTSIDE" >"$1/outside.txt"
	UDP=$(free_udp_port)
	WEB=$(tcp_port)
	cat >"$1/minflow.conf" <<-CONF
	[listen]
	ipfix-udp = 127.0.0.1:$UDP
	ipfix-tcp =
	netflow-v9 =
	netflow-v5 =
	[networks]
	internal = 192.168.2.0/24;fe80::/10;192.168.1.0/24
	[reports]
	dir = $1/reports
	interval = 10
	grace = 0
	retention-days = 0
	[history]
	db =
	[web]
	listen = 127.0.0.1:$WEB
	files = $1/files
	stream-queue = $2
	rate = $3
	CONF
	start_collector "$1/minflow.conf" "$1/collector.log" "$UDP"
	COL_PID=$MF_COLLECTOR_PID
}

# stream_client DIR NAME STALL-FILE RCVBUF: in the background; waits
# until it is in (its first comment read).  Sets BG.
stream_client() {
	with_timeout 200 python3 "$PY" stream "$WEB" "$1/$2.json" "$3" \
	    "$1/stop" "$4" &
	BG=$!
	track_pid $BG
	_i=0
	while [ ! -e "$1/$2.json.ready" ] && [ "$_i" -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -e "$1/$2.json.ready" ] || fail "$2: stream client in"
}

# --- 1 -------------------------------------------------------------------
D=$MF_TMP/one
CAP=$MF_SHARED_DIR/pcaps/mixed-home-iot-telnet-hscan.pcap
web_collector "$D" 65536 0
stream_client "$D" a - 0
A=$BG
stream_client "$D" b - 0
B=$BG
with_timeout 120 "$MF_EXPORTER" -r "$CAP" -c "127.0.0.1:$UDP" \
    2>"$D/exporter.log"
assert_eq "exporter status" 0 "$?"
records=$(py wait-records "$WEB" "$D/reports" 60)
mf_log "collector records: $records"
echo "$records" >"$D/stop" # the clients read until they have them all
wait "$A"; untrack_pid "$A"
wait "$B"; untrack_pid "$B"
truth=$(truth totals "$CAP")
for c in a b; do
	assert_eq "stream $c: one event per record" "$records" \
	    "$(py get "$D/$c.json" flows)"
	assert_eq "stream $c: no drops" 0 "$(py get "$D/$c.json" dropped)"
	assert_eq "stream $c: every event JSON" 0 "$(py get "$D/$c.json" bad)"
	assert_eq "stream $c: packets and bytes = tshark" "$truth" \
	    "$(py stream-totals "$D/$c.json")"
done
assert_eq "reports' totals = tshark" "$truth" "$(py report-totals "$D/reports")"
assert_eq "/api/v1/latest = latest.json" same \
    "$(py latest-same "$WEB" "$D/reports")"
assert_eq "live series per class = reports" \
    "$(py report-classes "$D/reports")" "$(py series-classes "$WEB")"
py metrics-vs-report "$WEB" "$D/reports" >"$D/metrics.cmp"
assert_eq "/metrics = report" "" "$(awk '$2 != $3' "$D/metrics.cmp")"
assert_eq "/metrics stream drops" 0 \
    "$(py metric "$WEB" minflow_web_stream_dropped_total)"
assert_eq "non-GET methods: 405 with Allow and the headers" "" \
    "$(py methods "$WEB" | awk '$3 != 405 || $4 != "GET," || $5 != "HEAD" || $6 != "-"')"
py traversal "$WEB" "$D/files" >"$D/traversal"
assert_eq "traversal: every attempt 404" "" \
    "$(grep -v '^leak' "$D/traversal" | awk '$NF != 404')"
assert_eq "traversal: nothing leaked" "" "$(grep '^leak' "$D/traversal")"
assert_eq "security headers on every answer" - "$(py headers "$WEB")"
assert_eq "malformed queries: 400 with a JSON error" "" \
    "$(py bad-queries "$WEB" | grep -v '^400 error$')"
stop_pid "$COL_PID" 10 || fail "collector stop"
assert_eq "collector log without warnings" "" \
    "$(grep -v ': info: ' "$D/collector.log")"

# --- 2 -------------------------------------------------------------------
D=$MF_TMP/two
CAP=$MF_SHARED_DIR/pcaps/nmap-syn-scan-1000-ports.pcapng
web_collector "$D" 16 5
stream_client "$D" stalled "$D/resume" 4096
S=$BG
with_timeout 120 "$MF_EXPORTER" -r "$CAP" -c "127.0.0.1:$UDP" \
    2>"$D/exporter.log"
assert_eq "exporter status" 0 "$?"
# The client resumes once the burst is over, not after the reports: a
# stream that cannot be written to for 30 s is closed (minflow-web(7)),
# and under load the polling below takes that long.
sleep 1 # the rate bucket refills before the polling below
touch "$D/resume"
records=$(py wait-records "$WEB" "$D/reports" 60)
mf_log "collector records: $records"
echo "$records" >"$D/stop" # the clients read until they have them all
wait "$S"; untrack_pid "$S"
flows=$(py get "$D/stalled.json" flows)
dropped=$(py get "$D/stalled.json" dropped)
mf_log "stalled client: $flows events, $dropped dropped"
assert_eq "stalled: events + drops = records" "$records" \
    "$((flows + dropped))"
[ "$dropped" -gt 0 ] || fail "stalled: drops counted" "$dropped"
assert_eq "/metrics stream drops = the client's" "$dropped" \
    "$(py metric "$WEB" minflow_web_stream_dropped_total)"
sleep 1
# shellcheck disable=SC2046 # two words: count and Retry-After
set -- $(py rate "$WEB" 40)
[ "$1" -gt 0 ] || fail "rate: some 429" "$1"
assert_eq "rate: Retry-After on 429" retry-after "$2"
sleep 1
assert_eq "/metrics rate-limited = 429s seen" "$1" \
    "$(py metric "$WEB" minflow_web_rate_limited_total)"
stop_pid "$COL_PID" 10 || fail "collector stop"

# --- 3 -------------------------------------------------------------------
D=$MF_TMP/three
mkdir -p "$D"
printf '[web]\nlisten = 0.0.0.0:8080\n' >"$D/open.conf"
"$MF_COLLECTOR" --check-config -C "$D/open.conf" >"$D/check.out" 2>&1 &&
    fail "--check-config refuses 0.0.0.0 without credentials"
grep -q 'needs password-file, certificate and key' "$D/check.out" ||
    fail "--check-config says why" "$(cat "$D/check.out")"
printf 'cn = 127.0.0.1\nip_address = 127.0.0.1\nexpiration_days = 2\ntls_www_server\n' \
    >"$D/cert.tmpl"
certtool --generate-privkey --outfile "$D/key.pem" >/dev/null 2>&1 &&
    certtool --generate-self-signed --load-privkey "$D/key.pem" \
    --template "$D/cert.tmpl" --outfile "$D/cert.pem" >/dev/null 2>&1 ||
    fail "certtool"
printf '# test\nadmin:%s\n' "$(openssl passwd -6 -salt s4lts4lt 'pass word')" \
    >"$D/passwd"
UDP=$(free_udp_port)
WEB=$(tcp_port)
cat >"$D/minflow.conf" <<-CONF
[listen]
ipfix-udp = 127.0.0.1:$UDP
ipfix-tcp =
netflow-v9 =
netflow-v5 =
[reports]
dir = $D/reports
[history]
db =
[web]
listen = 127.0.0.1:$WEB
password-file = $D/passwd
certificate = $D/cert.pem
key = $D/key.pem
CONF
start_collector "$D/minflow.conf" "$D/collector.log" "$UDP"
code() {
	curl -s -o /dev/null -w '%{http_code}' --cacert "$D/cert.pem" "$@"
}
U=https://127.0.0.1:$WEB/api/v1/exporters
assert_eq "TLS: no credentials: 401" 401 "$(code "$U")"
assert_eq "TLS: wrong password: 401" 401 "$(code -u 'admin:pass' "$U")"
assert_eq "TLS: good credentials: 200" 200 "$(code -u 'admin:pass word' "$U")"
assert_eq "TLS: no plain HTTP" 000 \
    "$(curl -s -o /dev/null -w '%{http_code}' -m 5 "http://127.0.0.1:$WEB/")"
assert_eq "TLS: 401s counted" 2 "$(curl -s --cacert "$D/cert.pem" \
    -u 'admin:pass word' "https://127.0.0.1:$WEB/metrics" |
    awk '$1 == "minflow_web_auth_failures_total" { print $2 }')"
stop_pid "$MF_COLLECTOR_PID" 10 || fail "TLS collector stop"
finish
