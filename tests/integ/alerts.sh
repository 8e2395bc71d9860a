#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Blocklists and alerts end to end: minflow-exporter -w turns a real
# capture into IPFIX, minflow-collector -r reads it with an IP list
# (Spamhaus DROP form) and a domain list (hosts and adblock lines), and
# every alert sink on at once: a JSON-lines file, an IDEA file, syslog to
# a unix socket and a webhook (both served by alerts_sinks.py) and a
# command.  Checks:
#  (a) the hits are exactly the listed ones, from the capture alone
#      (tshark): the flow hits' bytes summed over the reports are the IP
#      bytes of every packet to or from the listed /24, their matches the
#      addresses of that /24 in the capture; the DNS query hits are the
#      names under bing.com of the capture's DNS responses; nothing of
#      the lists that is not in the capture hits; the bad line is counted;
#  (b) each sink got each alert exactly once: one per distinct (device,
#      match) of the hits and one per device, the same ids everywhere (the
#      webhook refuses the first POST: it arrives by the retry);
#  (c) a second run on the same state file (a restart) announces nothing;
#  (d) without the state file the same alerts come again (the check can
#      fail);
#  (f) live: the same capture sent by minflow-exporter -c to a live
#      collector, stopped with SIGTERM (it writes the open report and
#      its sinks deliver before it exits): each sink of its own servers
#      gets each alert once; a restarted collector, sent the capture
#      again, announces nothing;
#  (g) on a capture of an nmap SYN scan, one alert per anomaly whose
#      state is "new" (the scanner's), at least one;
#  (h) the webhook in ntfy form: a crafted flow to a listed address
#      (alerts_flows.py) gives one POST whose plain-text body and Title,
#      Priority, Tags and Content-Type headers are exactly as written
#      here;
#  (e) geography from a test database (tests/data/geo/make_mmdb.pl) that
#      places the listed /24 in DE, AS24940: "top" "countries" gives DE
#      the same bytes as (a) over the reports, an address of the /24 in
#      "addresses" has country DE and asn 24940, and its alert names the
#      country in "remote" and in its text.
. "$MF_SRCDIR/tests/integ/lib.sh"
need tshark python3 perl
perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null ||
	skip "perl MaxMind::DB::Writer (libmaxmind-db-writer-perl) missing"
need_shared
need_exporter
need_collector
mk_tmp

CAP=$MF_SHARED_DIR/pcaps/mixed-windows-browsing-http-https.pcap
PY=$MF_SRCDIR/tests/integ/alerts_sinks.py
T=$MF_TMP
NET=138.201.208.0/24

perl "$MF_SRCDIR/tests/data/geo/make_mmdb.pl" "$T/geo.mmdb" ||
	fail "make_mmdb.pl"
"$MF_EXPORTER" -r "$CAP" -w "$T/flows.ipfix" 2>"$T/exp.log" ||
	fail "exporter -w" "$(cat "$T/exp.log")"

# serve DIR [MODE]: the webhook and syslog servers writing into DIR (MODE
# ntfy-serve: the ntfy webhook server alone); sets PORT
serve() {
	python3 "$PY" "${2:-serve}" "$1" &
	track_pid $!
	i=0
	while [ ! -s "$1/port" ] && [ "$i" -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -s "$1/port" ] || { fail "alerts_sinks.py serve"; finish; }
	PORT=$(cat "$1/port")
}
serve "$T"

cat >"$T/drop.txt" <<LIST
; Spamhaus DROP List (test)
$NET ; SBL1
198.51.100.0/24 ; SBL2
2001:db8::/32
not-an-address
LIST
cat >"$T/hosts" <<LIST
# hosts file
0.0.0.0 bing.com
0.0.0.0 never-seen.example
||doubleclick.invalid^
LIST
# sinks_conf DIR [LINE]: the [alerts] sinks writing into DIR (PORT set),
# and LINE in [alerts]
sinks_conf() {
	cat >"$1/cmd.sh" <<-CMD
	#!/bin/sh
	printf '%s\\n' "\$MINFLOW_ALERT" >>"$1/command.jsonl"
	CMD
	chmod +x "$1/cmd.sh"
	cat <<-CONF
	[blocklists]
	ip = $T/drop.txt
	domain = $T/hosts
	[alerts]
	file = $1/alerts.jsonl
	idea-file = $1/idea.jsonl
	syslog = unix:$1/syslog.sock
	webhook = http://127.0.0.1:$PORT/hook
	command = $1/cmd.sh
	${2:-}
	[geo]
	database = $T/geo.mmdb
	CONF
}
sinks_conf "$T" >"$T/c.conf"

run() {
	with_timeout 120 "$MF_COLLECTOR" -C "$T/c.conf" -r "$T/flows.ipfix" \
	    -o "$T/out" >"$T/col.log" 2>&1 || fail "collector -r" "$(tail -3 "$T/col.log")"
}
run

# --- (a) the hits -----------------------------------------------------------
set -- $(python3 "$PY" truth "$CAP" "$NET")
want_bytes=$1 want_remote=$2
shift 2
want_names="$*"
hits() { python3 "$PY" hits "$T/out" "$1" "$2"; }
assert_eq "flow hits: bytes to and from $NET" "$want_bytes" "$(hits flow bytes)"
assert_eq "flow hits: the remote addresses" "$want_remote" "$(hits flow match)"
assert_eq "DNS query hits: names under bing.com" "$want_names" \
	"$(hits dns_query match)"
assert_eq "only listed entries hit" "$NET bing.com" "$(hits any entries)"
assert_eq "lists that hit" "drop.txt hosts" "$(hits any list)"
bad=$(python3 "$PY" bad-lines "$T/out/latest.json")
assert_eq "bad lines counted" "1" "$bad"
grep -q "drop.txt:5: not a blocklist entry" "$T/col.log" ||
	fail "the bad line named as FILE:LINE in the log"

# --- (e) geography ------------------------------------------------------------
geo() { python3 "$PY" geo "$T/out" "$T/alerts.jsonl" "$NET"; }
assert_eq "geography: DE bytes, the /24's addresses, its alerts" \
	"$want_bytes [('DE', 24940, 'Hetzner Online GmbH')] [('DE', True)]" "$(geo)"

# --- (b) every sink, each alert once ------------------------------------------
# The sinks deliver from their threads before the collector exits; the
# servers write what they received at once.
SINKS="$T/alerts.jsonl $T/idea.jsonl $T/syslog.txt $T/webhook.jsonl $T/command.jsonl"
n=$(wc -l <"$T/alerts.jsonl")
[ "$n" -ge 3 ] || fail "alerts in the file" "$n"
assert_eq "each sink got each alert once" "" \
	"$(python3 "$PY" check "$T/out" $SINKS 2>&1)"

# --- (c) a restart announces nothing again --------------------------------------
before=$(cat $SINKS | wc -l)
run
assert_eq "no alert after a restart" "$before" "$(cat $SINKS | wc -l)"

# --- (d) without the state, the same alerts again ---------------------------------
rm -f "$T/out/alerts.state"
run
assert_eq "alerts again without the state" "$((n * 2))" \
	"$(wc -l <"$T/alerts.jsonl")"

# --- (g) anomalies: one alert per anomaly starting --------------------------------
G=$T/scan
mkdir -p "$G"
"$MF_EXPORTER" -r "$MF_SHARED_DIR/pcaps/nmap-syn-scan-1000-ports.pcapng" \
    -w "$G/f.ipfix" 2>/dev/null || fail "exporter -w (scan)"
printf '[alerts]\nfile = %s\n' "$G/alerts.jsonl" >"$G/c.conf"
with_timeout 120 "$MF_COLLECTOR" -C "$G/c.conf" -r "$G/f.ipfix" -o "$G/out" \
    >"$G/col.log" 2>&1 || fail "collector -r (scan)"
assert_eq "scan: an alert per anomaly start and device" "" \
	"$(python3 "$PY" check "$G/out" "$G/alerts.jsonl" 2>&1)"
# Not vacuous: the scanner was found (how many detectors fire is the
# detectors' business, tested in collector_anomaly.sh).
[ "$(grep -c '"type":"anomaly"' "$G/alerts.jsonl")" -ge 1 ] ||
	fail "scan: no anomaly alert"

# --- (f) live ------------------------------------------------------------------
L=$T/live
mkdir -p "$L"
serve "$L"
LPORT=$(free_udp_port)
{
	# A restart restores the first run's exporter from its templates:
	# it stays silent (the unit tests count silence).
	sinks_conf "$L" "silent-intervals = 0"
	cat <<-CONF
	[listen]
	ipfix-udp = 127.0.0.1:$LPORT
	ipfix-tcp =
	netflow-v9 =
	netflow-v5 =
	[reports]
	dir = $L/out
	retention-days = 0
	CONF
} >"$L/c.conf"
live() {
	start_collector "$L/c.conf" "$L/col.log" "$LPORT"
	with_timeout 120 "$MF_EXPORTER" -r "$CAP" -c "127.0.0.1:$LPORT" \
	    2>"$L/exp.log" || fail "live: exporter -c"
	udp_wait_drained "$LPORT" 20 || fail "live: datagrams not drained"
	stop_pid "$MF_COLLECTOR_PID" 30 || fail "live: collector stops on TERM"
}
live
LSINKS="$L/alerts.jsonl $L/idea.jsonl $L/syslog.txt $L/webhook.jsonl $L/command.jsonl"
assert_eq "live: the listed address hit" "$want_remote" \
	"$(python3 "$PY" hits "$L/out" flow match)"
assert_eq "live: each sink got each alert once" "" \
	"$(python3 "$PY" check "$L/out" $LSINKS 2>&1)"
before=$(cat $LSINKS | wc -l)
[ "$before" -ge 15 ] || fail "live: alerts in the five sinks" "$before"
live
assert_eq "live: no alert after a restart" "$before" "$(cat $LSINKS | wc -l)"

# --- (h) ntfy --------------------------------------------------------------------
N=$T/ntfy
mkdir -p "$N"
serve "$N" ntfy-serve
printf '# test list\n198.51.100.0/24\n' >"$N/drop.txt"
python3 "$MF_SRCDIR/tests/integ/alerts_flows.py" write "$N/f.ipfix" \
    1768471260000 192.168.1.5 198.51.100.7 203.0.113.1 ||
	fail "alerts_flows.py write"
cat >"$N/c.conf" <<CONF
[blocklists]
ip = $N/drop.txt
[alerts]
webhook = http://127.0.0.1:$PORT/minflow
webhook-format = ntfy
new-devices = false
silent-intervals = 0
CONF
with_timeout 120 "$MF_COLLECTOR" -C "$N/c.conf" -r "$N/f.ipfix" -o "$N/out" \
    >"$N/col.log" 2>&1 || fail "collector -r (ntfy)" "$(tail -3 "$N/col.log")"
assert_eq "ntfy: one POST, its headers and text" "Content-Type: text/plain; charset=utf-8
Title: minflow: blocklist drop.txt
Priority: high
Tags: warning,blocklist

device 192.168.1.5 talked to 198.51.100.7, listed in drop.txt line 2 \
(198.51.100.0/24): 1 flows, 100 bytes" "$(cat "$N/ntfy.1" 2>&1)"
assert_eq "ntfy: no second POST" "" "$(ls "$N" | grep '^ntfy\.[2-9]')"
finish
