#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# layering: the include rules of the tree (STYLE.md 1, issue 10).
#   - The collector is a chain of stages: collector/ingest -> model ->
#     analytics -> output -> collector/ (main.c and its wiring).  A file
#     includes only from its own stage or an earlier one.
#   - common/ includes nothing from a program (exporter/, collector/,
#     report/); report/ includes nothing from collector/ or exporter/;
#     the exporter and the collector include nothing of each other.
#   - The exporter and collector programs share no source file outside
#     common/ (their sources and libraries as Makefile.am lists them).
# Then it plants one violation of each kind in a copy of the tree and
# checks that every one is found, so that the check can be seen to fail.
#
# Usage: tests/layering.sh [TREE]   (default: the source tree)
# Exit: 0 clean, 1 a violation (each printed), 99 the check is broken.

set -u
tree=${1:-${MF_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}}

# The record types that travel the chain (struct col_flow, struct
# col_dns_rec) are the model's, and every stage may include them:
# the decoders make them.
# Includes the chain allows, one "FILE INCLUDED-PREFIX" a line: none
# (the engine hands records to consumers, collector/model/consumer.h).
EXCEPTIONS=''

# Every "FILE INCLUDED" pair of the tree ("dir/x.h" includes only).
include_pairs()
{
	find common exporter collector report -name '*.[ch]' 2>/dev/null |
	    sort | xargs grep -H '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[a-z]*/' |
	    sed 's/^\([^:]*\):[^"]*"\([^"]*\)".*/\1 \2/'
}

# The include rules, on the pairs.
judge_includes()
{
	awk -v exceptions="$EXCEPTIONS" -v FLOW=collector/model/flow.h '
	function rank(p) {
		if (p ~ /^collector\/ingest\//) return 1
		if (p ~ /^collector\/model\//) return 2
		if (p ~ /^collector\/analytics\//) return 3
		if (p ~ /^collector\/output\//) return 4
		return 5
	}
	function excepted(f, inc,   i) {
		for (i = 1; i <= nx; i++)
			if (xf[i] == f && index(inc, xp[i]) == 1)
				return 1
		return 0
	}
	BEGIN {
		n = split(exceptions, lines, "\n")
		for (i = 1; i <= n; i++)
			if (split(lines[i], w, " ") == 2) {
				nx++
				xf[nx] = w[1]
				xp[nx] = w[2]
			}
	}
	{
		f = $1; inc = $2
		split(f, fp, "/"); split(inc, ip, "/")
		if (fp[1] == "common" && ip[1] ~ /^(exporter|collector|report)$/)
			print f " includes " inc ": common/ includes no program'"'"'s header"
		else if (fp[1] == "report" && ip[1] ~ /^(exporter|collector)$/)
			print f " includes " inc ": minflow-report reads JSON, not the daemons'"'"' headers"
		else if ((fp[1] == "exporter" && ip[1] ~ /^(collector|report)$/) ||
		    (fp[1] == "collector" && ip[1] ~ /^(exporter|report)$/))
			print f " includes " inc ": one program'"'"'s header in another"
		else if (fp[1] == "collector" && ip[1] == "collector" &&
		    inc != FLOW && rank(inc) > rank(f) && !excepted(f, inc))
			print f " includes " inc ": a later stage (ingest -> model -> analytics -> output -> main.c)"
	}'
}

# The .c files program P (Makefile.am name, e.g. minflow_collector) is
# built from: its _SOURCES and the _SOURCES of every lib*.a it links.
program_sources()
{
	awk -v prog="$1" '
	function expand(s,   m, name) {
		while (match(s, /\$\([A-Za-z0-9_]+\)/)) {
			name = substr(s, RSTART + 2, RLENGTH - 3)
			s = substr(s, 1, RSTART - 1) v[name] \
			    substr(s, RSTART + RLENGTH)
		}
		return s
	}
	{
		line = $0
		while (line ~ /\\$/ && (getline nxt) > 0)
			line = substr(line, 1, length(line) - 1) " " nxt
		if (match(line, /^[A-Za-z0-9_]+[ \t]*\+?=/)) {
			name = line
			sub(/[ \t]*\+?=.*/, "", name)
			val = line
			sub(/^[^=]*=/, "", val)
			if (line ~ /^[A-Za-z0-9_]+[ \t]*\+=/)
				v[name] = v[name] " " val
			else
				v[name] = val
		}
	}
	END {
		out = expand(v[prog "_SOURCES"])
		n = split(expand(v[prog "_LDADD"]), libs, /[ \t]+/)
		for (i = 1; i <= n; i++)
			if (libs[i] ~ /^lib.*\.a$/) {
				lib = libs[i]
				gsub(/[.]/, "_", lib)
				out = out " " expand(v[lib "_SOURCES"])
			}
		n = split(out, f, /[ \t]+/)
		for (i = 1; i <= n; i++)
			if (f[i] ~ /\.c$/)
				print f[i]
	}' Makefile.am | sort -u
}

# Print every violation in the tree in the current directory.
check_tree()
{
	include_pairs | judge_includes
	exp=$(program_sources minflow_exporter)
	col=$(program_sources minflow_collector)
	[ -n "$exp" ] && [ -n "$col" ] ||
		echo "Makefile.am: no sources found for the programs"
	printf '%s\n' "$exp" | grep -v '^common/' | while read -r f; do
		printf '%s\n' "$col" | grep -qx "$f" &&
			echo "$f: in both minflow-exporter and minflow-collector"
	done
}

cd "$tree" || exit 99
found=$(check_tree)
if [ -n "$found" ]; then
	printf 'layering: %s\n' "$found" >&2
	exit 1
fi
echo "layering: $(find common exporter collector report -name '*.[ch]' \
    2>/dev/null | wc -l) files keep the rules"

# --- the check can fail: one planted violation of each kind ------------
[ "${MF_LAYERING_SELFTEST:-1}" = 1 ] || exit 0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/minflow-layering.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
plant()
{
	# plant WHAT FILE LINE: copy the tree, add LINE to FILE, expect WHAT
	rm -rf "$tmp/t" && mkdir "$tmp/t" || exit 99
	cp -R Makefile.am common exporter collector "$tmp/t/" || exit 99
	[ -d report ] && cp -R report "$tmp/t/"
	mkdir -p "$(dirname "$tmp/t/$2")"
	printf '%s\n' "$3" >>"$tmp/t/$2"
	got=$(cd "$tmp/t" && check_tree)
	case $got in
	*"$1"*) echo "layering: planted in $2 and found: $1" ;;
	*) echo "layering: planted $3 in $2, not found" >&2; exit 99 ;;
	esac
}
plant "a later stage" collector/ingest/v5.c \
    '#include "collector/output/report.h"'
plant "a later stage" collector/model/tables.h \
    '#include "collector/analytics/hll.h"'
plant "a later stage" collector/output/archive.c \
    '#include "collector/settings.h"'
plant "common/ includes" common/addr.c '#include "exporter/cache.h"'
plant "minflow-report reads JSON" report/planted.c \
    '#include "collector/model/flow.h"'
plant "one program's header" exporter/cache.c \
    '#include "collector/model/flow.h"'
plant "in both minflow-exporter and minflow-collector" Makefile.am \
    'minflow_exporter_SOURCES += collector/ingest/v5.c'
exit 0
