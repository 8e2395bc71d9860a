#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A cache far too small for the traffic (--max-flows 64 against a SYN
# flood of 37,623 one-packet flows from spoofed sources, and 16 against a
# browsing capture): the cache never holds more than its size (the
# statistics record's flowTablePeakCount), every eviction is counted
# (flowTableFlushEventCount) and exported early with flowEndReason 5 (lack
# of resources), and nothing is lost: totals and per-5-tuple sums still
# equal tshark's.  Biflow runs give one record per flow, so the count of
# reason-5 records equals the eviction counter exactly.
. "$MF_SRCDIR/tests/integ/lib.sh"
need tshark ipfixDump python3
need_shared
need_exporter
mk_tmp
rec() { python3 "$MF_SRCDIR/tests/integ/ipfix_records.py" "$@"; }

for case in "tcp-syn-flood-spoofed.pcap 64" \
    "mixed-windows-browsing-http-https.pcap 16"; do
	set -- $case
	f=$MF_SHARED_DIR/pcaps/$1
	max=$2
	truth totals "$f" >"$MF_TMP/t.totals" 2>/dev/null
	truth flows "$f" >"$MF_TMP/t.flows" 2>/dev/null
	for mode in --biflow ""; do
		out=$MF_TMP/out.ipfix
		"$MF_EXPORTER" -r "$f" -w "$out" --max-flows "$max" $mode \
		    --stats 2>"$MF_TMP/stats"
		name="$1 --max-flows $max${mode:+ $mode}"
		peak=$(rec stats "$out" flowTablePeakCount)
		evicted=$(rec stats "$out" flowTableFlushEventCount)
		[ "$peak" -le "$max" ] 2>/dev/null ||
		    fail "$name: peak $peak above $max"
		[ "$peak" -eq "$max" ] 2>/dev/null ||
		    fail "$name: the cache never filled (peak $peak)"
		[ "$evicted" -gt 0 ] 2>/dev/null ||
		    fail "$name: no eviction counted ($evicted)"
		assert_eq "$name: --stats agrees with the record" "$evicted" \
		    "$(awk '$1 == "flows-evicted-full" { print $2 }' "$MF_TMP/stats")"
		if [ -n "$mode" ]; then
			assert_eq "$name: reason-5 records = evictions" \
			    "$evicted" "$(rec count "$out" flowEndReason 5)"
		fi
		assert_eq "$name: totals" "$(cat "$MF_TMP/t.totals")" \
		    "$(rec totals "$out")"
		assert_eq "$name: per 5-tuple" "$(cat "$MF_TMP/t.flows")" \
		    "$(rec flows "$out")"
	done
done
finish
