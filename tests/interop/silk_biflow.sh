#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Opt-in (SiLK is not in Debian): SiLK's rwipfix2silk reads minflow's
# biflow records as two one-way SiLK records each, from the exporter's
# --biflow file and from the collector's archive of it, and those are the
# exporter's uniflow records of the same capture (count, packets, bytes,
# per one-way 5-tuple).  Before the archive carried
# reverseFlowDeltaMilliseconds, SiLK made no reverse record of it (issue
# 18: forward 47,826, reverse 0).  Also the TCP flags: SiLK's initial and
# session flags from initialTCPFlags and unionTCPFlags.
#
# Run: MF_SILK_BIN=/path/to/silk/bin make check TESTS=tests/interop/silk_biflow.sh
# (tests/interop/README.md says how SiLK was built).
. "$MF_SRCDIR/tests/integ/lib.sh"
[ -n "${MF_SILK_BIN:-}" ] || skip "MF_SILK_BIN is not set (opt-in test)"
RW2=$MF_SILK_BIN/rwipfix2silk
RWCUT=$MF_SILK_BIN/rwcut
[ -x "$RW2" ] && [ -x "$RWCUT" ] || skip "no rwipfix2silk/rwcut in $MF_SILK_BIN"
need_shared
need_exporter
need_collector
mk_tmp
T=$MF_TMP

# silk_view NAME FILE...: rwcut's one-way view of the files, sorted:
# sip dip sport dport proto packets bytes flags initialFlags sessionFlags
silk_view() {
	_n=$1
	shift
	"$RW2" --silk-output="$T/$_n.rw" "$@" 2>"$T/$_n.log" ||
	    fail "rwipfix2silk $*" "$(cat "$T/$_n.log")"
	"$RWCUT" --no-titles --delimited=' ' --ipv6-policy=mix \
	    --fields=sip,dip,sport,dport,protocol,packets,bytes,flags,initialFlags,sessionFlags \
	    "$T/$_n.rw" | sort >"$T/$_n.txt"
}

for cap in mixed-home-iot-telnet-hscan.pcap ipv4-ipv6-dual-stack-http.pcapng \
    mixed-windows-browsing-http-https.pcap; do
	P=$MF_SHARED_DIR/pcaps/$cap
	"$MF_EXPORTER" -r "$P" -w "$T/uni.ipfix" 2>"$T/exp.log" ||
	    fail "exporter uniflow"
	"$MF_EXPORTER" -r "$P" -w "$T/bi.ipfix" --biflow 2>>"$T/exp.log" ||
	    fail "exporter --biflow"
	# The archive is written by a live collector: the exporter sends it
	# the capture's biflow records over UDP.
	rm -rf "$T/archive" "$T"/*.rw
	PORT=$(free_udp_port)
	loopback_conf "$T/c.conf" "$T/rep" "$PORT"
	printf '[archive]\ndir = %s\n' "$T/archive" >>"$T/c.conf"
	start_collector "$T/c.conf" "$T/col.log" "$PORT"
	udp_listening "$PORT" || fail "collector starts" "$(cat "$T/col.log")"
	"$MF_EXPORTER" -r "$P" -c "127.0.0.1:$PORT" --biflow 2>>"$T/exp.log" ||
	    fail "exporter -c --biflow"
	udp_wait_drained "$PORT" 10 || fail "collector drained its socket"
	sleep 0.3
	stop_pid "$MF_COLLECTOR_PID" 10 || fail "collector stops on SIGTERM"
	silk_view uni "$T/uni.ipfix"
	silk_view bi "$T/bi.ipfix"
	silk_view arch "$T"/archive/*/minflow-*.ipfix
	n=$(wc -l <"$T/uni.txt")
	[ "$n" -gt 2 ] || fail "$cap: uniflow records read by SiLK" "$n"
	assert_files_eq "$cap: SiLK's records of the biflow file = of the uniflow file ($n)" \
	    "$T/uni.txt" "$T/bi.txt"
	assert_files_eq "$cap: SiLK's records of the archive = of the uniflow file" \
	    "$T/uni.txt" "$T/arch.txt"
done
finish
