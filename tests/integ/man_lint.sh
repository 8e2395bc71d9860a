#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Man pages: clean under mandoc -Tlint -Wwarning, and every option of
# --help, with its default, documented in minflow-exporter(8).
. "$MF_SRCDIR/tests/integ/lib.sh"
need_exporter
[ -n "${MANDOC:-}" ] || MANDOC=$(command -v mandoc)
[ -n "$MANDOC" ] || skip "mandoc not found"
mk_tmp

for page in "$MF_SRCDIR"/man/*.[0-9]; do
	out=$("$MANDOC" -Tlint -Wwarning "$page" 2>&1)
	assert_eq "mandoc -Tlint $(basename "$page")" "" "$out"
done

page=$MF_SRCDIR/man/minflow-exporter.8
"$MANDOC" -Tascii "$page" | col -b >"$MF_TMP/man.txt"
"$MF_EXPORTER" --help >"$MF_TMP/help"
for opt in $(sed -n 's/^ *\(-., \)\{0,1\}--\([a-z-]*\).*/\2/p' "$MF_TMP/help"); do
	[ "$opt" = help ] && continue
	grep -q -- "--$opt" "$MF_TMP/man.txt" ||
	    fail "man page documents --$opt"
done
# Each numeric option's default (from the program) appears in its entry.
sed -n 's/^ *\(-., \)\{0,1\}--\([a-z-]*\)=.*(default \([0-9]*\),.*/\2 \3/p' \
    "$MF_TMP/help" | while read -r opt def; do
	awk -v o="--$opt" -v d="$def" '
	    index($0, o) { on = 1; n = 0 }
	    on && n++ < 12 && index($0, d) { found = 1 }
	    END { exit !found }' "$MF_TMP/man.txt" ||
	    echo "$opt $def" >>"$MF_TMP/missing"
done
assert_eq "man page gives every default" "" "$(cat "$MF_TMP/missing" 2>/dev/null)"
finish
