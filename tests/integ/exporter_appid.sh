#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# applicationId and silkAppLabel follow minflow-exporter(8) on every
# record of every shared capture: a port of the record from 1 to 1023 if
# it has one, else 0 (never an ephemeral port, which would flood SiLK's
# application field), and applicationId holds the same port after
# classification engine 3.  Records read back with ipfixDump.
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3 ipfixDump
need_shared
need_exporter
mk_tmp

files=""
for cap in "$MF_SHARED_DIR"/pcaps/*.pcap "$MF_SHARED_DIR"/pcaps/*.pcapng; do
	[ -f "$cap" ] || continue
	n=$(basename "$cap")
	"$MF_EXPORTER" -r "$cap" -w "$MF_TMP/$n.ipfix" 2>/dev/null
	files="$files $MF_TMP/$n.ipfix"
done
# shellcheck disable=SC2086 # one word per file, no spaces in the names
python3 "$MF_SRCDIR/tests/integ/appid_check.py" $files >"$MF_TMP/out"
st=$?
cat "$MF_TMP/out"
assert_eq "records breaking the application rule" 0 "$st" ||
    fail "appid_check.py" "$(grep bad: "$MF_TMP/out" | head -n 20)"
finish
