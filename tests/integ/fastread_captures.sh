#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The collector's compiled reader against libfixbuf on real exporter
# output (issue 17): minflow-exporter's -w files of every shared capture
# (IPFIX with DNS labels, without, and biflow) go through test_fastread,
# which feeds each message to a session with the compiled reader and to
# one reading with libfixbuf only and compares every record and counter.
# Then minflow-collector's reports of one capture with the compiled reader
# and with MINFLOW_COMPILED_READER=0 must be byte-identical.
. "${MF_SRCDIR:-$(dirname "$0")/../..}/tests/integ/lib.sh"

need_shared
need_exporter
MF_COLLECTOR="$MF_BUILDDIR/minflow-collector"
[ -x "$MF_COLLECTOR" ] || skip "no $MF_COLLECTOR (build it first)"
[ -x "$MF_BUILDDIR/test_fastread" ] || skip "no test_fastread (build it)"
mk_tmp

files=""
for cap in "$MF_SHARED_DIR"/pcaps/*.pcap "$MF_SHARED_DIR"/pcaps/*.pcapng; do
	[ -f "$cap" ] || continue
	n=$(basename "$cap")
	for v in ipfix nodns biflow; do
		case $v in
		ipfix) opt="" ;;
		nodns) opt=--no-dns ;;
		biflow) opt=--biflow ;;
		esac
		# Damaged captures end with status 2: their output still counts.
		# shellcheck disable=SC2086 # no option: no argument
		with_timeout 300 "$MF_EXPORTER" -r "$cap" \
		    -w "$MF_TMP/$n.$v.ipfix" $opt 2>/dev/null
		[ -s "$MF_TMP/$n.$v.ipfix" ] &&
		    files="$files $MF_TMP/$n.$v.ipfix"
	done
done
[ -n "$files" ] || skip "no exporter output"

if MF_FASTDIFF_FILES="$files" with_timeout 600 \
    "$MF_BUILDDIR/test_fastread" >"$MF_TMP/diff.out" 2>"$MF_TMP/diff.err"; then
	printf 'ok - both readers agree on %s files\n' "$(echo "$files" | wc -w)"
else
	fail "readers differ" "$(grep -E 'ERROR|differ|message' \
	    "$MF_TMP/diff.err" "$MF_TMP/diff.out" | head -n 5)"
fi
# The compiled reader did read (most of) the records.
compiled=$(awk '/^# .* compiled$/ { c += $(NF - 1) } END { print c + 0 }' \
    "$MF_TMP/diff.out")
records=$(awk '/^# .* compiled$/ { r += $(NF - 3) } END { print r + 0 }' \
    "$MF_TMP/diff.out")
printf '# %s records, %s by the compiled reader\n' "$records" "$compiled"
if [ "$records" -eq 0 ] || [ "$compiled" -le $((records / 2)) ]; then
	fail "compiled reader barely used" "$compiled of $records"
fi

# Reports with and without the compiled reader.
cat >"$MF_TMP/minflow.conf" <<'CONF'
[reports]
interval = 60
retention-days = 0
[networks]
internal = 192.168.0.0/16;10.0.0.0/8;172.16.0.0/12;fd00::/8
CONF
src=$MF_TMP/mixed-windows-browsing-http-https.pcap.ipfix.ipfix
[ -s "$src" ] || src=$(echo "$files" | cut -d' ' -f1)
cp "$src" "$MF_TMP/in.ipfix"
for mode in 1 0; do
	(cd "$MF_TMP" && MINFLOW_COMPILED_READER=$mode with_timeout 300 \
	    "$MF_COLLECTOR" -C minflow.conf -r in.ipfix -o "rep$mode" \
	    2>"col$mode.err") || fail "collector (reader $mode) failed"
done
a=$(cd "$MF_TMP/rep1" && find . -type f | LC_ALL=C sort | xargs sha256sum)
b=$(cd "$MF_TMP/rep0" && find . -type f | LC_ALL=C sort | xargs sha256sum)
[ -n "$a" ] || fail "no reports"
assert_eq "reports identical with MINFLOW_COMPILED_READER=0" "$b" "$a"
finish
