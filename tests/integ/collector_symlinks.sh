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
#      group starts with a warning.
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
finish
