# SPDX-License-Identifier: BSD-2-Clause
# Sourced by the tests that make traffic in network namespaces and check
# what the anomaly detectors report (anomaly_netns.sh, detect_netns.sh),
# after lib.sh.  The test sets:
#   T       its temp dir; $T/minflow.conf is the collector's configuration
#   CAP_NS  the namespace of the capture, CAP_IF its interface
# Captures are $T/NAME.pcap, reports $T/NAME.out.

# capture_start NAME: tcpdump on CAP_IF into $T/NAME.pcap; returns once it
# says it is listening (the packet socket is bound and filtered), 10 s at
# most.  -Z root: it writes into our private temp dir.  Only "ip".
capture_start() {
	netns_bg "$CAP_NS" tcpdump -Z root -U -n -i "$CAP_IF" \
	    -w "$T/$1.pcap" ip 2>"$T/$1.tcpdump"
	TCPDUMP=$BG
	_i=0
	while ! grep -q '^tcpdump: listening on' "$T/$1.tcpdump"; do
		if [ $_i -ge 100 ] || ! kill -0 "$TCPDUMP" 2>/dev/null; then
			fail "$1: tcpdump listens" "$(cat "$T/$1.tcpdump")"
			return 1
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
}

# capture_stop NAME: give the last packets 1 s to be written, stop tcpdump
capture_stop() {
	sleep 1
	stop_pid "$TCPDUMP" 10 || fail "$1: tcpdump stops on TERM"
}

# wait_pids PID...: wait for each (started by netns_bg) to exit
wait_pids() {
	for _p in "$@"; do
		untrack_pid "$_p"
		wait "$_p"
	done
}

# report NAME: exporter and collector over $T/NAME.pcap, reports in
# $T/NAME.out
report() {
	rm -rf "$T/$1.out"
	"$MF_EXPORTER" -r "$T/$1.pcap" -w "$T/$1.ipfix" 2>"$T/$1.exp.log" ||
	    { fail "$1: exporter" "$(cat "$T/$1.exp.log")"; return 1; }
	"$MF_COLLECTOR" -C "$T/minflow.conf" -r "$T/$1.ipfix" \
	    -o "$T/$1.out" 2>"$T/$1.col.log" ||
	    { fail "$1: collector" "$(cat "$T/$1.col.log")"; return 1; }
}

# from_reports NAME anomalies|dns|source: over all reports of NAME, the
# "type ip" pairs of their anomalies, the "name count" of their DNS
# most_resolved lists summed over the intervals, or their distinct
# dns.source values (sorted)
from_reports() {
	python3 "$MF_SRCDIR/tests/integ/report_sets.py" "$T/$1.out" "$2"
}

# check NAME EXPECTED...: the capture NAME reports exactly the EXPECTED
# "type ip" pairs
check() {
	_name=$1
	shift
	report "$_name" || return 1
	assert_eq "$_name: anomalies" \
	    "$(for w in "$@"; do echo "$w"; done | LC_ALL=C sort)" \
	    "$(from_reports "$_name" anomalies | LC_ALL=C sort)"
}

# npackets NAME FILTER: packets of $T/NAME.pcap matching the display FILTER
npackets() {
	tshark -r "$T/$1.pcap" -Y "$2" 2>/dev/null | wc -l | tr -d ' '
}

# nvalues NAME FIELD FILTER: distinct values of FIELD in the packets of
# $T/NAME.pcap matching the display FILTER
nvalues() {
	tshark -r "$T/$1.pcap" -T fields -e "$2" -Y "$3" 2>/dev/null |
	    sort -u | wc -l | tr -d ' '
}
