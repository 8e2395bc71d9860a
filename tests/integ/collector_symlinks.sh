#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Symlinks and modes (issue 11 item 7), as root with umask 000:
#  (a) a live collector with reports, archive, templates file and pid file
#      creates every file 0640; the archive's day directory of today
#      planted as a symlink is refused (logged) and nothing is written
#      where it points;
#  (b) a pid file planted as a symlink: both programs replace the link,
#      the file it points to keeps its content;
#  (c) an offline run whose report day directory is a planted symlink
#      writes no report there and says so; the other days are written;
#  (d) a reports or archive directory writable by others is refused at
#      start (exit status 1, the message says why); one writable by its
#      group starts with a warning;
#  (e) the alert state file, the alerts JSON-lines file and the history
#      database are made 0640; each planted as a symlink: the state file's
#      link is replaced, the alerts file is not written through (logged),
#      the history database is refused at start (exit status 1, the
#      message says why); the exporter's -w file planted as a symlink is
#      refused (exit status 1); the files the links point to untouched.
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3 stat
need_exporter
need_collector
mk_tmp
[ "$(id -u)" = 0 ] || skip "needs root (files owned by others)"
umask 000

mode() { stat -c %a "$1"; }
T=$MF_TMP
mkdir -m 755 "$T/elsewhere" "$T/a"
echo keep >"$T/target"
ln -s "$T/target" "$T/c.pid"
ln -s "$T/target" "$T/e.pid"
ln -s "$T/elsewhere" "$T/a/$(date -u +%Y%m%d)"

# --- (a), (b): live ---------------------------------------------------------
PORT=$(free_udp_port)
udp_collector_conf "$T/c.conf" "$PORT" "$T/reports"
sed -i "s|^templates-file =\$|templates-file = $T/state/templates|" "$T/c.conf"
printf '[archive]\ndir = %s\n' "$T/a" >>"$T/c.conf"
# live LOG OPTIONS...: the collector with c.conf, 3 records sent to it
live() {
	_log=$1
	shift
	start_collector "$T/c.conf" "$_log" "$PORT" "$@"
	PYTHONPATH=$MF_SRCDIR/tests/integ with_timeout 30 python3 \
	    "$MF_SRCDIR/tests/integ/ipfix_trickle.py" "$PORT" 3 50 ||
	    fail "sender"
	udp_wait_drained "$PORT" 10 || fail "collector drained its socket"
	sleep 1
}
live "$T/c.log" -p "$T/c.pid"
assert_eq "(b) collector pid file: the link replaced by a 0640 file" \
    "regular file 640" "$(stat -c '%F %a' "$T/c.pid")"
stop_pid "$MF_COLLECTOR_PID" 10 || fail "collector stopped on SIGTERM"
"$MF_EXPORTER" -r "$MF_SRCDIR/tests/data/sample.pcap" -w "$T/x.ipfix" \
    -p "$T/e.pid" 2>"$T/e.log" || fail "exporter"
assert_eq "(b) exporter pid file: the link replaced by a 0640 file" \
    "regular file 640" "$(stat -c '%F %a' "$T/e.pid")"
assert_eq "(b) the file the links pointed to is untouched" keep \
    "$(cat "$T/target")"
assert_eq "(a) nothing written through the planted day directory" "" \
    "$(ls -A "$T/elsewhere")"
grep -q "archive: $T/a/[0-9]* is a symlink: not written to" "$T/c.log" ||
    fail "(a) the planted archive day directory is logged"
assert_eq "(a) exporter -w file 0640" 640 "$(mode "$T/x.ipfix")"
assert_eq "(a) templates file 0640" 640 "$(mode "$T/state/templates")"
set -- "$T"/reports/*/*.json
[ -e "$1" ] || fail "(a) reports written"
assert_eq "(a) reports 0640" "640" \
    "$(for f in "$@" "$T/reports/latest.json"; do mode "$f"; done | sort -u)"
# The archive with a real day directory: its files 0640.
rm "$T/a/$(date -u +%Y%m%d)"
live "$T/c2.log"
set -- "$T"/a/*/.minflow-*.part
assert_eq "(a) archive .part file 0640" 640 "$(mode "$1")"
stop_pid "$MF_COLLECTOR_PID" 10 || fail "collector stopped on SIGTERM"
set -- "$T"/a/*/minflow-*.ipfix
assert_eq "(a) archive file 0640" 640 "$(mode "$1")"

# --- (c): offline, a planted report day directory ----------------------------
printf '[reports]\nretention-days = 0\n' >"$T/off.conf"
"$MF_COLLECTOR" -C "$T/off.conf" -o "$T/off1" -r "$T/x.ipfix" 2>"$T/off1.log" ||
    fail "offline run"
days=$(cd "$T/off1" && ls -d 2* | tr '\n' ' ')
day=${days%% *}
[ -n "$day" ] || fail "(c) offline reports written"
mkdir -m 755 "$T/off2"
ln -s "$T/elsewhere" "$T/off2/$day"
"$MF_COLLECTOR" -C "$T/off.conf" -o "$T/off2" -r "$T/x.ipfix" 2>"$T/off2.log"
assert_eq "(c) nothing written through the planted day directory" "" \
    "$(ls -A "$T/elsewhere")"
grep -q "$T/off2/$day is a symlink: not written to" "$T/off2.log" ||
    fail "(c) the planted report day directory is logged"

# --- (d): directories writable by others --------------------------------------
for what in reports archive; do
	mkdir -m 777 "$T/open-$what"
	udp_collector_conf "$T/d.conf" "$PORT" "$T/reports"
	if [ "$what" = reports ]; then
		sed -i "s|^dir = .*|dir = $T/open-$what|" "$T/d.conf"
	else
		printf '[archive]\ndir = %s\n' "$T/open-$what" >>"$T/d.conf"
	fi
	with_timeout 10 "$MF_COLLECTOR" -C "$T/d.conf" >"$T/d.log" 2>&1
	assert_eq "(d) $what directory mode 777: exit status" 1 "$?"
	grep -q "$what directory $T/open-$what is writable by others" \
	    "$T/d.log" || fail "(d) $what directory 777: the message says why"
done
chmod 775 "$T/open-reports"
udp_collector_conf "$T/g.conf" "$PORT" "$T/open-reports"
start_collector "$T/g.conf" "$T/g.log" "$PORT"
udp_listening "$PORT" || fail "(d) reports directory 775: starts"
stop_pid "$MF_COLLECTOR_PID" 10 || fail "collector stopped on SIGTERM"
grep -q "reports directory $T/open-reports is writable by its group" \
    "$T/g.log" || fail "(d) reports directory 775: a warning"

# --- (e): alert state, alerts file, history database, exporter -w ----------
# Every address is listed: each device of the capture alerts.
printf '0.0.0.0/1 ; all\n128.0.0.0/1 ; all\n::/1 ; all\n8000::/1 ; all\n' \
    >"$T/drop.txt"
# offline DIR: a collector -r run writing its alert state, alerts file and
# history database into DIR; its exit status
offline() {
	cat >"$1.conf" <<-CONF
	[reports]
	retention-days = 0
	[blocklists]
	ip = $T/drop.txt
	[alerts]
	state-file = $1/alerts.state
	file = $1/alerts.jsonl
	[history]
	db = $1/history.db
	CONF
	with_timeout 120 "$MF_COLLECTOR" -C "$1.conf" -r "$T/x.ipfix" \
	    -o "$1/out" >"$1.log" 2>&1
}
mkdir -m 755 "$T/e1" "$T/e2" "$T/e3"
offline "$T/e1" || fail "(e) offline run" "$(tail -3 "$T/e1.log")"
[ -s "$T/e1/alerts.jsonl" ] || fail "(e) alerts written"
assert_eq "(e) alert state, alerts file, history database 0640" \
    "640 640 640" "$(for f in alerts.state alerts.jsonl history.db; do
	mode "$T/e1/$f"; done | tr '\n' ' ' | sed 's/ $//')"
for f in alerts.state alerts.jsonl; do
	echo keep >"$T/e2-$f"
	ln -s "$T/e2-$f" "$T/e2/$f"
done
offline "$T/e2" || fail "(e) offline run, planted links" "$(tail -3 "$T/e2.log")"
assert_eq "(e) the files the links pointed to are untouched" "keep keep" \
    "$(cat "$T/e2-alerts.state" "$T/e2-alerts.jsonl" | tr '\n' ' ' |
	sed 's/ $//')"
assert_eq "(e) the state file's link replaced by a 0640 file" \
    "regular file 640" "$(stat -c '%F %a' "$T/e2/alerts.state")"
assert_eq "(e) the alerts file's link left as it is" "symbolic link" \
    "$(stat -c '%F' "$T/e2/alerts.jsonl")"
grep -q "alerts: $T/e2/alerts.jsonl: is a symlink: not written to" \
    "$T/e2.log" || fail "(e) the planted alerts file is logged"
# Empty: SQLite would make its database in it.
: >"$T/e3-db"
ln -s "$T/e3-db" "$T/e3/history.db"
offline "$T/e3"
assert_eq "(e) history database planted as a symlink: exit status" 1 "$?"
grep -q "history database $T/e3/history.db is a symlink: refused" \
    "$T/e3.log" || fail "(e) the planted history database: the message"
assert_eq "(e) the database the link pointed to is untouched" 0 \
    "$(stat -c %s "$T/e3-db")"
echo keep >"$T/w-target"
ln -s "$T/w-target" "$T/w.ipfix"
"$MF_EXPORTER" -r "$MF_SRCDIR/tests/data/sample.pcap" -w "$T/w.ipfix" \
    2>"$T/w.log"
assert_eq "(e) exporter -w planted as a symlink: exit status" 1 "$?"
grep -q "$T/w.ipfix: is a symlink: not written to" "$T/w.log" ||
	fail "(e) exporter -w planted as a symlink: the message"
assert_eq "(e) the file the -w link pointed to is untouched" keep \
    "$(cat "$T/w-target")"
finish
