#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# nfdump reads minflow-exporter --processes IPFIX safely: the process
# elements (processName 32473/15, processId 32473/16, templates 265-268)
# are skipped and nothing is lost.  --processes needs live sockets, so the
# IPFIX is made from a capture's -w file by tests/integ/procs_ipfix.py
# (every flow record moved to proc4/proc6 with a program appended); the
# native collector must read the programs back from it (the crafted file
# is what the exporter sends), and nfcapd (Debian's nfdump 1.7.1) on
# 127.0.0.1 must store flows whose packets and bytes equal tshark's count
# of the capture, in total and per 5-tuple (tests/integ/truth.py), as
# many records as were moved and no zero-packet flow.
. "$MF_SRCDIR/tests/integ/lib.sh"
need tshark nfcapd nfdump python3
need_shared
need_exporter
need_collector
mk_tmp

P=$MF_SHARED_DIR/pcaps
PROCS="$MF_SRCDIR/tests/integ/procs_ipfix.py"
printf '[reports]\nretention-days = 0\n' >"$MF_TMP/minflow.conf"

n=0
for f in $P/ipv4-ipv6-dual-stack-http.pcapng $P/ipv6-http.pcap \
    $P/vlan-dns.pcap $P/mixed-windows-browsing-http-https.pcap; do
	name=$(basename "$f")
	n=$((n + 1))
	dir=$MF_TMP/nf$n
	"$MF_EXPORTER" -r "$f" -w "$MF_TMP/$n.ipfix" --stats 2>"$MF_TMP/stats"
	assert_eq "$name: exporter status" 0 $?
	records=$(awk '$1 == "records-exported" { print $2 }' "$MF_TMP/stats")
	assert_eq "$name: every flow record moved to proc4/proc6" "$records" \
	    "$(python3 "$PROCS" rewrite "$MF_TMP/$n.ipfix" "$MF_TMP/$n.proc")"
	# The collector reads the programs back: curl, firefox-esr and
	# python3 are the names procs_ipfix.py gives (one of four has none).
	(cd "$MF_TMP" && "$MF_COLLECTOR" -C minflow.conf -r "$n.proc" \
	    -o "rep$n" 2>/dev/null)
	assert_eq "$name: collector status" 0 $?
	# (a stream keeps its first record's program, so not every name need
	# be there; no other may be)
	got=$(cat "$MF_TMP/rep$n"/*/*.json | grep -o '"process" *: *"[^"]*"' |
	    tr -d ' ' | sort -u | tr '\n' ' ')
	case "$got" in
	*'"process":"curl"'*)
		assert_eq "$name: no other program read back" "" \
		    "$(echo "$got" | tr ' ' '\n' | grep -v -x -e '' \
		        -e '"process":"curl"' -e '"process":"firefox-esr"' \
		        -e '"process":"python3"')"
		;;
	*) fail "$name: programs read back" "$got" ;;
	esac
	truth totals "$f" >"$MF_TMP/truth.totals" 2>/dev/null
	truth flows "$f" >"$MF_TMP/truth.flows" 2>/dev/null
	port=$(free_udp_port)
	start_nfcapd "$dir" "$port" || { fail "$name: nfcapd"; continue; }
	python3 "$PROCS" send "$MF_TMP/$n.proc" "$port"
	udp_wait_drained "$port" 10 || mf_log "$name: queue not drained"
	stop_nfcapd
	nfdump_check "$name: nfdump" "$dir" "$records"
done
finish
