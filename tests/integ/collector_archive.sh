#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The collector's IPFIX archive, live over UDP on 127.0.0.1: minflow-exporter
# replays a capture with IPv4 and IPv6 twice, uniflow and --biflow, to a
# minflow-collector with [archive] on, stopped with SIGTERM.  Then:
#  (a) `ipfixDump -y --rfc5610` on the archive names every element that
#      minflow-archive(5) documents, in the templates of the four flow
#      templates, and the first records of each kind carry the values the
#      exporter wrote for the same flow (its own -w file, also read with
#      ipfixDump); no record has zero packets;
#  (b) tshark cannot read IPFIX files (only captures of IPFIX packets), so
#      it has no part here;
#  (c) minflow-collector -r on the archive files gives the same reports as
#      the live run: summary totals per class, and the top talkers,
#      conversations and applications summed over the reports (top = 1000
#      so that every list is complete; the intervals differ, since live
#      ones also close by the wall clock);
#  (d) the records in the archive are the records the collector counted,
#      and what its archive counters say; no .part file is left.
. "$MF_SRCDIR/tests/integ/lib.sh"
need ipfixDump python3
need_shared
need_exporter
MF_COLLECTOR="$MF_BUILDDIR/minflow-collector"
[ -x "$MF_COLLECTOR" ] || skip "no $MF_COLLECTOR (build it first)"
mk_tmp

CAP=$MF_SHARED_DIR/pcaps/mixed-home-iot-telnet-hscan.pcap
NETS="192.168.2.0/24;fe80::/10"
MAN=$MF_SRCDIR/man/minflow-archive.5
PY=$MF_SRCDIR/tests/integ/collector_archive.py
A=$MF_TMP/archive

py() { with_timeout 120 python3 "$PY" "$@"; }

# --- the live run --------------------------------------------------------
PORT=$(free_udp_port)
cat >"$MF_TMP/live.conf" <<CONF
[listen]
ipfix-udp = 127.0.0.1:$PORT
ipfix-tcp =
netflow-v9 =
netflow-v5 =
[networks]
internal = $NETS
[reports]
dir = $MF_TMP/live
top = 1000
retention-days = 0
[archive]
dir = $A
CONF
start_collector "$MF_TMP/live.conf" "$MF_TMP/live.log" "$PORT"
udp_listening "$PORT" || { fail "collector start"; cat "$MF_TMP/live.log" >&2; finish; }
for mode in uni bi; do
	opt=""
	[ "$mode" = bi ] && opt=--biflow
	# shellcheck disable=SC2086 # opt is empty or one word
	with_timeout 60 "$MF_EXPORTER" -r "$CAP" -c "127.0.0.1:$PORT" $opt \
	    2>"$MF_TMP/exp-$mode.log" || fail "exporter $mode"
	# shellcheck disable=SC2086
	with_timeout 60 "$MF_EXPORTER" -r "$CAP" -w "$MF_TMP/exp-$mode.ipfix" \
	    $opt 2>>"$MF_TMP/exp-$mode.log" || fail "exporter -w $mode"
done
udp_wait_drained "$PORT" 10 || fail "collector drained its socket"
sleep 0.3
stop_pid "$MF_COLLECTOR_PID" 10 || fail "collector stopped on SIGTERM"

# --- (d) and the files ---------------------------------------------------
set -- "$A"/*/minflow-*.ipfix
[ -e "$1" ] || { fail "archive files written"; cat "$MF_TMP/live.log" >&2; finish; }
assert_eq "no .part file left" "" "$(find "$A" -name '*.part')"
: >"$MF_TMP/archive.dump"
for f in "$@"; do
	ipfixDump -y --rfc5610 --in "$f" >>"$MF_TMP/archive.dump" 2>&1 ||
	    fail "ipfixDump $f"
done
got=$(py counts "$MF_TMP/archive.dump")
counted=$(sed -n 's/.*info: records \([0-9]*\),.*/\1/p' "$MF_TMP/live.log")
written=$(sed -n 's/.*archive: files [0-9]*, records \([0-9]*\),.*/\1/p' \
    "$MF_TMP/live.log")
mf_log "archive: $got; collector counted $counted, archive says $written"
assert_eq "(d) archive records = collector records, none zero-packet" \
    "$counted zero 0" "$got"
assert_eq "(d) archive counter = collector records" "$counted" "$written"
assert_eq "(d) collector log without warnings" "" \
    "$(grep -v ': info: ' "$MF_TMP/live.log")"

# --- (a) ipfixDump names and values -------------------------------------
assert_eq "(a) every documented element named by ipfixDump -y" \
    "all named" "$(py names "$MF_TMP/archive.dump" "$MAN")"
for mode in uni bi; do
	ipfixDump -y --in "$MF_TMP/exp-$mode.ipfix" >"$MF_TMP/exp-$mode.dump" \
	    2>&1 || fail "ipfixDump exporter $mode"
done
assert_eq "(a) uniflow records = the exporter's" "5 records match" \
    "$(py values "$MF_TMP/archive.dump" "$MF_TMP/exp-uni.dump" 270,271 5)"
assert_eq "(a) IPv6 records = the exporter's" "3 records match" \
    "$(py values "$MF_TMP/archive.dump" "$MF_TMP/exp-uni.dump" 271 3)"
assert_eq "(a) biflow records = the exporter's" "5 records match" \
    "$(py values "$MF_TMP/archive.dump" "$MF_TMP/exp-bi.dump" 272,273 5)"
# Every record, with its TCP flags and reverse start (issue 18: SiLK makes
# no reverse record without reverseFlowDeltaMilliseconds).
nbi=$(py ntids "$MF_TMP/archive.dump" 272,273)
assert_eq "(a) all $nbi biflow records = the exporter's, flags and delta" \
    "$nbi records match" \
    "$(py values "$MF_TMP/archive.dump" "$MF_TMP/exp-bi.dump" 272,273 1000000)"
nuni=$(py ntids "$MF_TMP/archive.dump" 270,271)
assert_eq "(a) all $nuni uniflow records = the exporter's, flags" \
    "$nuni records match" \
    "$(py values "$MF_TMP/archive.dump" "$MF_TMP/exp-uni.dump" 270,271 1000000)"

# --- (c) the archive read back -------------------------------------------
printf '[networks]\ninternal = %s\n[reports]\ntop = 1000\nretention-days = 0\n' \
    "$NETS" >"$MF_TMP/offline.conf"
with_timeout 60 "$MF_COLLECTOR" -C "$MF_TMP/offline.conf" -o "$MF_TMP/offline" \
    -r "$@" 2>"$MF_TMP/offline.log"
assert_eq "(c) offline collector status" 0 "$?"
assert_eq "(c) offline records = live records" "$counted" \
    "$(sed -n 's/.*info: records \([0-9]*\),.*/\1/p' "$MF_TMP/offline.log")"
py aggregate "$MF_TMP/live" >"$MF_TMP/live.agg" || fail "aggregate live"
py aggregate "$MF_TMP/offline" >"$MF_TMP/offline.agg" || fail "aggregate offline"
[ -s "$MF_TMP/live.agg" ] || fail "live reports written"
assert_files_eq "(c) summary and top lists: archive = live" \
    "$MF_TMP/live.agg" "$MF_TMP/offline.agg"
finish
