#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# nfdump 1.7.1's nfreplay -> minflow-collector, NetFlow v5 and v9, on
# 127.0.0.1.  nfreplay sends the records of an nfcapd file; the file is
# made here from a capture, by a flow exporter sending to a real nfcapd:
# minflow-exporter (IPFIX, DNS records included) for the bundled sample
# (IPv4 and IPv6, 802.1Q), softflowd 1.1.0 (NetFlow v9) for the home/IoT
# capture.  For each file and version:
#  (a) the packets and bytes summed over every report the collector wrote
#      equal those of the file itself, read with `nfdump -r FILE` (for v5
#      with the filter `ipv4`: v5 has no IPv6 records, and nfreplay -v 5
#      leaves the IPv6 ones out);
#  (b) the collector lists one exporter of that protocol, with as many
#      records as nfdump counts in the file (same filter), none lost, none
#      undecodable, and its log has no warning;
#  (c) a second nfcapd sent the same nfreplay stream stores the same totals
#      and records, so the collector reads nfreplay's datagrams as nfdump
#      does;
#  (d) for the file minflow-exporter made, the file holds what tshark
#      counts in the capture (tests/integ/truth.py), in total and, for v5,
#      over the IPv4 packets alone: the expectation is independent of both
#      nfdump and minflow.
#
# Allowance, on times only (never on totals): minflow-exporter's DNS
# records (templates 261/262) have a start and no end time, and nfcapd
# 1.7.1 stores them as flows of 0 packets, 0 bytes, ending at 0 (1970).
# nfreplay -v 5 takes a datagram's header time (unix_secs and the uptime
# the record times are relative to) from its first record's end, so when
# that record is such a DNS record the whole datagram of up to 30 records
# carries times near 1970.  The collector counts them as absurd (its log's
# "absurd times N") and accounts them in full to the interval that is open,
# here one dated 1970-01-01 since no sane time was seen before; the totals
# still match.  NetFlow v9 carries the times through unharmed.
. "$MF_SRCDIR/tests/integ/lib.sh"
need tshark nfcapd nfdump nfreplay softflowd python3
need_shared
need_exporter
need_collector
mk_tmp

INTEROP="$MF_SRCDIR/tests/interop/interop.py"
interop() { with_timeout 120 python3 "$INTEROP" "$@"; }

# make_file NAME CAPTURE MAKER: the capture through MAKER (mfx or sf9) into
# a real nfcapd; sets FILE to the one nfcapd file written
make_file() {
	m_name=$1
	m_dir=$MF_TMP/$1-src
	port=$(free_udp_port)
	start_nfcapd "$m_dir" "$port" || { fail "$1: nfcapd for the file"; return 1; }
	case $3 in
	mfx) with_timeout 120 "$MF_EXPORTER" -r "$2" -c "127.0.0.1:$port" \
	    -P ipfix 2>"$m_dir.exporter" ;;
	sf9) with_timeout 120 softflowd -r "$2" -n "127.0.0.1:$port" -v 9 \
	    -c none -d >"$m_dir.exporter" 2>&1 ;;
	esac
	assert_eq "$1: $3 status" 0 $?
	stop_nfcapd || fail "$1: nfcapd for the file: stop"
	nfcapd_dir_ok "$m_dir" || fail "$1: nfcapd for the file: files"
	# one file, unless the run crossed nfcapd's hourly rotation: then
	# nfcat would be needed; say so rather than replay half of it
	set -- "$m_dir"/nfcapd.2*
	[ "$#" -eq 1 ] || { fail "$m_name: one nfcapd file" "$# written"; return 1; }
	FILE=$1
}

# collector_conf FILE KIND PORT: listen for NetFlow KIND (v5 or v9) only
collector_conf() {
	c_v5='' c_v9=''
	if [ "$2" = v5 ]; then c_v5=127.0.0.1:$3; else c_v9=127.0.0.1:$3; fi
	cat >"$1" <<-CONF
	[listen]
	ipfix-udp =
	ipfix-tcp =
	netflow-v9 = $c_v9
	netflow-v5 = $c_v5
	[reports]
	dir = ${1%.conf}-reports
	retention-days = 0
	CONF
}

# replay FILE VERSION PORT LOG: nfreplay to 127.0.0.1:PORT
replay() {
	with_timeout 120 nfreplay -r "$1" -H 127.0.0.1 -p "$3" -v "$2" \
	    >"$4" 2>&1
}

# check NAME FILE VERSION: (a), (b) and (c) for one NetFlow version
check() {
	k_d=$MF_TMP/$1-v$3
	mkdir -p "$k_d"
	k_filter=any
	[ "$3" = 5 ] && k_filter=ipv4
	nfdump -r "$2" -o json "$k_filter" >"$k_d/file.json" 2>"$k_d/file.err" ||
	    fail "$1 v$3: nfdump -r the file"
	k_want=$(nfdump_flows totals "$k_d/file.json")
	k_recs=$(nfdump_flows records "$k_d/file.json")
	mf_log "$1 v$3: the file holds $k_recs records, $k_want"

	cport=$(free_udp_port)
	collector_conf "$k_d/c.conf" "v$3" "$cport"
	start_collector "$k_d/c.conf" "$k_d/c.log" "$cport"
	replay "$2" "$3" "$cport" "$k_d/replay-c.log"
	assert_eq "$1 v$3: nfreplay status (to the collector)" 0 $?
	udp_wait_drained "$cport" 10 || fail "$1 v$3: collector queue"
	sleep 0.3
	stop_pid "$MF_COLLECTOR_PID" || fail "$1 v$3: collector stop"
	k_sum=$(interop reports "$k_d/c-reports")
	mf_log "$1 v$3: collector: $(echo "$k_sum" | tr '\n' ';')" \
	    "$(grep -o 'absurd times [0-9]*' "$k_d/c.log")"
	assert_eq "$1 v$3: collector totals = the file's" "$k_want" \
	    "$(echo "$k_sum" | sed -n 1p)"
	assert_eq "$1 v$3: collector exporters" \
	    "1 netflow-v$3 records $k_recs lost 0 undecodable 0" \
	    "$(echo "$k_sum" | sed -n 2p)"
	assert_eq "$1 v$3: collector log without warnings" "" \
	    "$(grep -v ': info: ' "$k_d/c.log")"

	port=$(free_udp_port)
	start_nfcapd "$k_d/nf" "$port" || { fail "$1 v$3: nfcapd"; return; }
	replay "$2" "$3" "$port" "$k_d/replay-nf.log"
	assert_eq "$1 v$3: nfreplay status (to nfcapd)" 0 $?
	stop_nfcapd || fail "$1 v$3: nfcapd stop"
	nfcapd_dir_ok "$k_d/nf" || fail "$1 v$3: nfcapd files"
	assert_eq "$1 v$3: nfcapd totals = the file's" "$k_want" \
	    "$(nfdump_flows totals "$k_d/nf")"
	assert_eq "$1 v$3: nfcapd records = the file's" "$k_recs" \
	    "$(nfdump_flows records "$k_d/nf")"
}

# IPv4 packets and bytes of truth.py's per-flow lines (no ':' in the source)
ipv4_totals() {
	awk 'index($1, ":") == 0 { p += $6; b += $7 } END { print p + 0, b + 0 }'
}

# (d), then both versions, for the file minflow-exporter makes
if make_file sample "$MF_SAMPLE" mfx; then
	assert_eq "sample: the file's totals = tshark's" \
	    "$(truth totals "$MF_SAMPLE" 2>/dev/null)" \
	    "$(nfdump_flows totals "$FILE")"
	nfdump -r "$FILE" -o json ipv4 >"$MF_TMP/sample4.json" 2>/dev/null
	assert_eq "sample: the file's IPv4 totals = tshark's" \
	    "$(truth flows "$MF_SAMPLE" 2>/dev/null | ipv4_totals)" \
	    "$(nfdump_flows totals "$MF_TMP/sample4.json")"
	check sample "$FILE" 9
	check sample "$FILE" 5
fi
if make_file home-iot "$MF_SHARED_DIR/pcaps/mixed-home-iot-telnet-hscan.pcap" sf9; then
	check home-iot "$FILE" 9
	check home-iot "$FILE" 5
fi
finish
