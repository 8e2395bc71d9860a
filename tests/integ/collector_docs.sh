#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The collector's documentation against the programs:
#  1. minflow-collector.8, minflow.conf.5 and minflow-report.1 are clean
#     under mandoc -Tlint -Wwarning;
#  2. every key of `minflow-collector --dump-config` is documented in
#     minflow.conf.5 under its section, with its exact default, and the
#     page documents no other key;
#  3. etc/minflow.conf passes --check-config and sets exactly the keys and
#     values of the dump;
#  4. every long option of --help of minflow-collector and minflow-report
#     has an entry in the options list of its man page;
#  5. every key of a real report is described in minflow-report.1.
. "$MF_SRCDIR/tests/integ/lib.sh"
[ -n "${MANDOC:-}" ] || MANDOC=$(command -v mandoc)
[ -n "$MANDOC" ] || skip "mandoc not found"
need col
COLLECTOR=$MF_BUILDDIR/minflow-collector
REPORT=$MF_BUILDDIR/minflow-report
[ -x "$COLLECTOR" ] || skip "no $COLLECTOR (build it first)"
[ -x "$REPORT" ] || skip "no $REPORT (build it first)"
mk_tmp

MAN=$MF_SRCDIR/man
CONF5=$MAN/minflow.conf.5
SAMPLE=$MF_SRCDIR/etc/minflow.conf

# --- 1. lint ---------------------------------------------------------------
for page in minflow-collector.8 minflow.conf.5 minflow-report.1; do
	out=$("$MANDOC" -Tlint -Wwarning "$MAN/$page" 2>&1)
	assert_eq "mandoc -Tlint $page" "" "$out"
done

# Print "section<TAB>key<TAB>value" for each key a configuration text on
# the standard input sets, read as minflow.conf(5) says: comment lines
# start with '#' or ';', a '#' after a blank ends the line, blanks around
# keys and values are ignored.
conf_keys() {
	awk '
	function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
	/^[ \t]*[#;]/ { next }
	{ sub(/[ \t]#.*/, "") }
	/^[ \t]*\[/ { sec = trim($0); sub(/^\[/, "", sec); sub(/\]$/, "", sec); next }
	/=/ {
		i = index($0, "=")
		printf "%s\t%s\t%s\n", sec, trim(substr($0, 1, i - 1)),
		    trim(substr($0, i + 1))
	}'
}

"$COLLECTOR" --dump-config >"$MF_TMP/dump" ||
    fail "minflow-collector --dump-config"
conf_keys <"$MF_TMP/dump" | LC_ALL=C sort >"$MF_TMP/dump.keys"
[ -s "$MF_TMP/dump.keys" ] || fail "--dump-config printed keys"

# --- 2. every key in minflow.conf.5, with its default ----------------------
# A key's entry is ".It Cm KEY ..." inside ".Ss [SECTION]", up to the next
# .It, .El, .Ss or .Sh; it must hold a line ".Ql DEFAULT" (possibly with
# trailing punctuation), or say "default is empty" for an empty default.
missing=""
tab=$(printf '\t')
while IFS="$tab" read -r sec key val; do
	awk -v sec="[$sec]" -v key="$key" -v val="$val" '
	    /^\.S[hs] / { insec = $1 == ".Ss" && $2 == sec; inkey = 0; next }
	    insec && /^\.It / { inkey = $2 == "Cm" && $3 == key; next }
	    /^\.El/ { inkey = 0 }
	    inkey && val == "" && /default is empty/ { found = 1 }
	    inkey && val != "" && ($0 == ".Ql " val ||
	        index($0, ".Ql " val " ") == 1) { found = 1 }
	    END { exit !found }' "$CONF5" ||
	    missing="$missing [$sec] $key = $val;"
done <"$MF_TMP/dump.keys"
assert_eq "minflow.conf.5 documents every key with its default" "" "$missing"

# ... and no key the collector does not have.
awk '
    /^\.S[hs] / { sec = ($1 == ".Ss" && $2 ~ /^\[.*\]$/) ? $2 : ""; next }
    sec != "" && /^\.It Cm / { s = sec; gsub(/[][]/, "", s); print s "\t" $3 }
    ' "$CONF5" | LC_ALL=C sort >"$MF_TMP/page.keys"
cut -f1,2 "$MF_TMP/dump.keys" >"$MF_TMP/dump.names"
assert_eq "minflow.conf.5 documents only the collector's keys" \
    "$(cat "$MF_TMP/dump.names")" "$(cat "$MF_TMP/page.keys")"

# --- 3. the sample configuration -------------------------------------------
out=$("$COLLECTOR" --check-config -C "$SAMPLE" 2>&1) ||
    fail "etc/minflow.conf passes --check-config" "$out"
conf_keys <"$SAMPLE" | LC_ALL=C sort >"$MF_TMP/sample.keys"
assert_eq "etc/minflow.conf sets every key to its default" \
    "$(cat "$MF_TMP/dump.keys")" "$(cat "$MF_TMP/sample.keys")"

# --- 4. every long option in the man pages ---------------------------------
check_options() { # PROGRAM PAGE
	"$1" --help >"$MF_TMP/help" 2>&1 || fail "$(basename "$1") --help"
	"$MANDOC" -Tascii "$2" | col -b >"$MF_TMP/page.txt"
	n=0
	missing=""
	for opt in $(sed -n 's/^ *\(-., \)\{0,1\}--\([a-z-]*\).*/\2/p' \
	    "$MF_TMP/help"); do
		n=$((n + 1))
		# as an entry of the options list: "-C file, --config=file"
		grep -Eq -- "^ +(-[A-Za-z]( [a-z]+)?, )?--$opt([=, ]|\$)" \
		    "$MF_TMP/page.txt" ||
		    missing="$missing --$opt"
	done
	[ "$n" -gt 0 ] || fail "$(basename "$1") --help lists options"
	assert_eq "$(basename "$2") documents every option of --help" "" \
	    "$missing"
}
check_options "$COLLECTOR" "$MAN/minflow-collector.8"
check_options "$REPORT" "$MAN/minflow-report.1"

# --- 5. every key of a real report in minflow-report.1 ---------------------
EXPORTER=$MF_BUILDDIR/minflow-exporter
if [ -x "$EXPORTER" ] && command -v python3 >/dev/null 2>&1; then
	"$EXPORTER" -r "$MF_SAMPLE" -w "$MF_TMP/sample.ipfix" ||
	    fail "minflow-exporter -w"
	"$COLLECTOR" -r "$MF_TMP/sample.ipfix" -o "$MF_TMP/reports" \
	    2>"$MF_TMP/collector.log" || fail "minflow-collector -r"
	python3 "$MF_SRCDIR/tests/integ/json_keys.py" \
	    "$MF_TMP/reports/latest.json" >"$MF_TMP/report.keys" ||
	    fail "report keys"
	missing=""
	while read -r k; do
		grep -Eq "Dq $k( |\$)" "$MAN/minflow-report.1" ||
		    missing="$missing $k"
	done <"$MF_TMP/report.keys"
	[ -s "$MF_TMP/report.keys" ] || fail "report has keys"
	assert_eq "minflow-report.1 describes every report key" "" "$missing"
else
	printf 'ok - report keys # SKIP no minflow-exporter or python3\n'
fi
finish
