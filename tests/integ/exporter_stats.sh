#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The statistics record sent at exit counts what the file holds: on every
# shared capture, its exportedFlowRecordTotalCount equals the flow records
# in the -w file, and its exportedMessageTotalCount the messages before the
# one that carries it (man page: the carrying message is not counted).
# Records are counted with ipfixDump, messages by their IPFIX headers.
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3 ipfixDump
need_shared
need_exporter
mk_tmp

R="$MF_SRCDIR/tests/integ/ipfix_records.py"
L="$MF_SRCDIR/tests/integ/ipfix_listen.py"
for cap in "$MF_SHARED_DIR"/pcaps/*.pcap "$MF_SHARED_DIR"/pcaps/*.pcapng; do
	[ -f "$cap" ] || continue
	n=$(basename "$cap")
	f=$MF_TMP/$n.ipfix
	"$MF_EXPORTER" -r "$cap" -w "$f" 2>/dev/null
	assert_eq "$n: flow records counted" \
	    "$(python3 "$R" records "$f" | wc -l)" \
	    "$(python3 "$R" stats "$f" exportedFlowRecordTotalCount)"
	assert_eq "$n: messages before the last one counted" \
	    "$(($(python3 "$L" messages "$f") - 1))" \
	    "$(python3 "$R" stats "$f" exportedMessageTotalCount)"
done
finish
