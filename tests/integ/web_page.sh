#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# minflow's web page in headless Chromium, served by the real collector.
#
# Two rounds, each: minflow-exporter -r CAPTURE -w F.ipfix, then
# minflow-collector -r F.ipfix (reports and history), then a live
# minflow-collector with [web] on a free 127.0.0.1 port over the same report
# directory and history, and tests/integ/web_page.py drives Chromium (no
# network but 127.0.0.1) through every view:
#  1. a shared capture (PROVENANCE.md: a home network with IoT devices,
#     a telnet scanner and a horizontal scan, DNS): the totals, devices,
#     "talks to", names, anomalies and history the page shows equal the
#     API's, and the API's equal the report files;
#     with the exporter's devices (named by the capture's DHCP) and
#     [blocklists] listing two addresses the device scans in the last
#     interval: the anomalies view names each anomaly's device as the
#     devices table does, and its "Blocklist hits" table equals the latest
#     report's hits, each with its device's name;
#  2. tests/integ/hostile_names_pcap.py's capture (DNS answers named
#     <script>, "><img onerror>, U+202E, invalid UTF-8, controls): each
#     name is shown as the text the reports hold, no dialog opens, nothing
#     is injected, no Content Security Policy violation is logged; the
#     client's name (a lease) and the blocklist's file name are markup,
#     shown as text in the blocklist hits.
# Screenshots of every view stay in the build dir, tests/integ/out/web_page/
# (the README's is out/web_page/shared/devices.png).
#
# MF_WEB_FIXTURE=1 (tests/integ/web_render.sh) serves the same reports with
# tests/integ/web_fixture.py instead of the collector: the page's rendering
# on its own, plus a device with raw hostile text in its name and vendor.
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3
need_shared
need_exporter
need_collector
for _f in /usr/bin/chromium /usr/bin/chromedriver; do
	[ -x "$_f" ] || skip "no $_f (Debian chromium, chromium-driver)"
done
# Debian's python3-selenium is for Debian's python3
PY=/usr/bin/python3
$PY -c 'import selenium' 2>/dev/null || skip "no python3-selenium"
[ -f "$MF_BUILDDIR/web/uplot.min.js" ] || skip "no web/uplot.min.js (make)"
mk_tmp

mode=collector
[ -n "${MF_WEB_FIXTURE:-}" ] && mode=fixture
OUT=$MF_BUILDDIR/tests/integ/out/web_page
[ "$mode" = fixture ] && OUT=$MF_BUILDDIR/tests/integ/out/web_render
rm -rf "$OUT"
mkdir -p "$OUT"

# Countries ([geo]): a test database giving every IPv4 address a country
# (two halves, AA and ZZ), so that the names view lists them.
if perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null &&
    perl "$MF_SRCDIR/tests/data/geo/make_mmdb.pl" "$MF_TMP/geo.mmdb" \
    0.0.0.0/1=AA 128.0.0.0/1=ZZ; then
	MF_WEB_GEO=1
	export MF_WEB_GEO
fi

# The page's files as `make install` lays them out in $(pkgdatadir)/web.
FILES=$MF_TMP/files
mkdir -p "$FILES"
for _f in index.html app.js app.css favicon.svg; do
	cp "$MF_SRCDIR/web/$_f" "$FILES/" || fail "copy web/$_f"
done
cp "$MF_BUILDDIR/web/uplot.min.js" "$MF_BUILDDIR/web/uplot.min.css" \
    "$FILES/" || fail "copy uPlot"

# conf NAME: a configuration for round NAME (listeners on free loopback
# ports only, so that nothing else on the machine is disturbed)
conf() {
	_d=$MF_TMP/$1
	_udp=$(free_udp_port)
	loopback_conf "$_d/minflow.conf" "$_d/reports" "$_udp"
	printf '[exporters]\ntemplates-file =\n' >>"$_d/minflow.conf"
	[ -n "${MF_WEB_GEO:-}" ] &&
	    printf '[geo]\ndatabase = %s\n' "$MF_TMP/geo.mmdb" >>"$_d/minflow.conf"
	printf '[blocklists]\nip = %s\ndomain = %s\n' "$BL_IP" "$BL_DOMAIN" \
	    >>"$_d/minflow.conf"
	if [ "$mode" = collector ]; then
		cat >>"$_d/minflow.conf" <<EOF
[history]
db = $_d/history.sqlite
[web]
listen = 127.0.0.1:$2
files = $FILES
EOF
	fi
}

# wait_http PORT: until something answers on 127.0.0.1:PORT (at most 10 s)
wait_http() {
	_i=0
	while [ "$_i" -lt 100 ]; do
		python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' \
		    "$1" 2>/dev/null && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# round NAME CAPTURE [HOSTILE_NAMES [stream]]: the exporter with --devices
# if $DEVICES is set, the lease file $LEASES if set; the collector with the
# lists $BL_IP and $BL_DOMAIN
round() {
	_d=$MF_TMP/$1
	mkdir -p "$_d"
	_port=$(free_tcp_port)
	conf "$1" "$_port"
	with_timeout 120 "$MF_EXPORTER" -r "$2" ${DEVICES:+--devices} \
	    ${LEASES:+--leases "$LEASES"} \
	    -w "$_d/f.ipfix" --stats >"$_d/exporter.log" 2>&1 ||
	    { fail "$1: exporter"; return 1; }
	with_timeout 120 "$MF_COLLECTOR" -C "$_d/minflow.conf" \
	    -r "$_d/f.ipfix" >"$_d/offline.log" 2>&1 ||
	    { fail "$1: collector -r"; cat "$_d/offline.log"; return 1; }
	if [ "$mode" = collector ]; then
		"$MF_COLLECTOR" -C "$_d/minflow.conf" >"$_d/live.log" 2>&1 &
	else
		_port=""
		python3 "$MF_SRCDIR/tests/integ/web_fixture.py" "$FILES" \
		    "$_d/reports" "$_d/port" raw >"$_d/live.log" 2>&1 &
	fi
	_pid=$!
	track_pid "$_pid"
	if [ -z "$_port" ]; then
		wait_nonempty "$_d/port"
		_port=$(cat "$_d/port" 2>/dev/null)
	fi
	wait_http "$_port" || { fail "$1: server on :$_port"; cat "$_d/live.log"; return 1; }
	# The stream, checked last: the collector gets the capture's flows
	# live and shows every record the exporter says it exported; the
	# fixture sends one event per stream of the latest report.
	MF_WEB_SEND_CMD=""
	MF_WEB_STREAM_ROWS=""
	if [ "${4:-}" = stream ] && [ "$mode" = collector ]; then
		# a command line for web_page.py's shell, quotes and all
		# shellcheck disable=SC2089,SC2090
		MF_WEB_SEND_CMD="'$MF_EXPORTER' -r '$2' -c 127.0.0.1:$_udp"
		MF_WEB_STREAM_ROWS=$(awk '$1 == "records-exported" { print $2 }' \
		    "$_d/exporter.log")
	elif [ "${4:-}" = stream ]; then
		MF_WEB_STREAM_ROWS=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["streams"]))' \
		    "$_d/reports/latest.json")
	fi
	# shellcheck disable=SC2090
	export MF_WEB_SEND_CMD MF_WEB_STREAM_ROWS
	if with_timeout 300 $PY "$MF_SRCDIR/tests/integ/web_page.py" \
	    "http://127.0.0.1:$_port" "$_d/reports" "$OUT/$1" ${3:+"$3"} \
	    >"$_d/page.log" 2>&1; then
		sed 's/^/# /' "$_d/page.log"
		printf 'ok - %s: the page (%s)\n' "$1" "$mode"
	else
		sed 's/^/# /' "$_d/page.log"
		fail "$1: the page ($mode)"
	fi
	stop_pid "$_pid" || fail "$1: server stop"
	rm -rf "$OUT/$1/chromium-profile"
}

# The shared capture's one device (a Raspberry Pi, 192.168.2.16) scans
# port 8080 of random addresses until its end: two of those it probes in
# the last interval are listed; its name comes from the capture's DHCP.
# MF_WEB_BL_MATCHES: the addresses the hits must name (web_page.py).
DEVICES=1
BL_IP=$MF_TMP/drop.txt
cat >"$BL_IP" <<'END'
; test DROP list
205.209.219.0/24 ; SBL1
198.51.100.0/24 ; SBL2
57.22.10.228
END
MF_WEB_BL_MATCHES="205.209.219.100 57.22.10.228"
BL_DOMAIN=$MF_TMP/plain.txt
printf '# never in the capture\nnever-seen.example\n' >"$BL_DOMAIN"
export MF_WEB_BL_MATCHES
round shared "$MF_SHARED_DIR/pcaps/mixed-home-iot-telnet-hscan.pcap"
# The hostile capture's client gets a name with markup from a lease, and
# its answers' and flows' addresses are listed in a list whose file name
# is markup; the domain list names "example", so the capture's 6 hostile
# names under it are hits too, shown as text.
DEVICES=""
LEASES=$MF_TMP/hostile.leases
printf '0 02:00:00:00:00:32 192.168.1.50 <b>kid"s-tab</b> *\n' >"$LEASES"
BL_IP="$MF_TMP/<img src=x onerror=alert(5)>.txt"
printf '203.0.113.0/24\n' >"$BL_IP"
MF_WEB_BL_MATCHES="203.0.113.10 203.0.113.11 203.0.113.12 203.0.113.13 \
203.0.113.14 203.0.113.15"
BL_DOMAIN="$MF_TMP/<b>names.hosts"
printf '0.0.0.0 example\n' >"$BL_DOMAIN"
MF_WEB_BL_NAMES=6 MF_WEB_BL_NAMES_UNDER=example
export MF_WEB_BL_NAMES MF_WEB_BL_NAMES_UNDER
python3 "$MF_SRCDIR/tests/integ/hostile_names_pcap.py" "$MF_TMP/hostile.pcap" \
    "$MF_TMP/hostile.json" || fail "hostile capture"
round hostile "$MF_TMP/hostile.pcap" "$MF_TMP/hostile.json" stream
finish
