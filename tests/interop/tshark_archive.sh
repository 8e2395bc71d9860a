#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# tshark (Wireshark 4.0, which reads IPFIX files as well as captures)
# decodes the collector's IPFIX archive (minflow-archive(5)): a live
# minflow-collector with [archive] on, on 127.0.0.1, is sent a capture by
# minflow-exporter twice, uniflow and then --biflow, so the archive holds
# all four flow templates (270-273) and the DNS records (261/262).  For
# every archive file:
#  (a) tshark finds no malformed packet and no error (expert severity);
#  (b) the packetDeltaCount and octetDeltaCount values tshark decodes
#      (cflow.packets, cflow.octets: the forward counters and, in the
#      biflow records, the reverse ones too) add up, over all files, to
#      twice what tshark counts in the capture itself (tests/integ/
#      truth.py): once for the uniflow run, once for both directions of
#      the biflow run.
# The exporter's own IPFIX (-w files, uniflow and --biflow) gets the same
# malformed check in tests/integ/exporter_totals.sh; ipfixDump's reading
# of the archive (every element by name) is in collector_archive.sh.
. "$MF_SRCDIR/tests/integ/lib.sh"
need tshark python3
need_shared
need_exporter
need_collector
mk_tmp

# counters FILE...: "PACKETS BYTES", the sums of every cflow.packets and
# cflow.octets tshark decodes in the files
counters() {
	for _f in "$@"; do
		tshark -r "$_f" -n -T fields -E occurrence=a -E aggregator=' ' \
		    -e cflow.packets -e cflow.octets 2>/dev/null
	done | python3 -c '
import sys
p = b = 0
for line in sys.stdin:
    col = (line.rstrip("\n").split("\t") + ["", ""])[:2]
    p += sum(int(x) for x in col[0].split())
    b += sum(int(x) for x in col[1].split())
print(p, b)'
}

for f in "$MF_SAMPLE" "$MF_SHARED_DIR/pcaps/mixed-home-iot-telnet-hscan.pcap"; do
	name=$(basename "$f")
	d=$MF_TMP/$name
	mkdir -p "$d"
	cport=$(free_udp_port)
	cat >"$d/c.conf" <<-CONF
	[listen]
	ipfix-udp = 127.0.0.1:$cport
	ipfix-tcp =
	netflow-v9 =
	netflow-v5 =
	[reports]
	dir = $d/reports
	retention-days = 0
	[archive]
	dir = $d/archive
	CONF
	start_collector "$d/c.conf" "$d/c.log" "$cport"
	for how in "" --biflow; do
		# shellcheck disable=SC2086 # no option, or one
		with_timeout 120 "$MF_EXPORTER" -r "$f" -c "127.0.0.1:$cport" \
		    $how 2>"$d/exporter.err"
		assert_eq "$name${how:+ $how}: exporter status" 0 $?
	done
	udp_wait_drained "$cport" 10 || fail "$name: collector queue"
	sleep 0.3
	stop_pid "$MF_COLLECTOR_PID" || fail "$name: collector stop"
	# shellcheck disable=SC2046 # file names without blanks (ours)
	set -- $(find "$d/archive" -name 'minflow-*.ipfix' | sort)
	[ "$#" -gt 0 ] || { fail "$name: no archive file"; continue; }
	for a in "$@"; do
		assert_eq "$name: (a) tshark: no malformed packet in ${a##*/}" 0 \
		    "$(tshark -r "$a" -n -Y '_ws.malformed || _ws.expert.severity >= error' 2>/dev/null | wc -l)"
	done
	# shellcheck disable=SC2046 # two numbers
	set -- $(truth totals "$f" 2>/dev/null) "$@"
	want="$(($1 * 2)) $(($2 * 2))"
	shift 2
	assert_eq "$name: (b) tshark's counters = twice the capture's" \
	    "$want" "$(counters "$@")"
done
finish
