#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Golden outputs: the exporter's -w files (IPFIX, NetFlow v9, biflow) and
# the collector's report JSON (from the uniflow and the biflow files) on
# every shared capture must be byte-identical to those recorded in
# tests/data/golden/SHA256SUMS.  A refactoring that changes no behaviour
# keeps them; a change that means to alter the output records them again
# in the same commit, and says why (recipe: tests/data/README.md):
#
#   tests/integ/golden.sh --record BUILDDIR SHARED >tests/data/golden/SHA256SUMS
#
# The sums are of files our own programs wrote from the shared captures,
# never of the captures themselves.  Both programs are deterministic on a
# file: export times are packet times (-r) and the collector's hash key is
# fixed when it reads a file.
. "${MF_SRCDIR:-$(dirname "$0")/../..}/tests/integ/lib.sh"

record=""
if [ "${1:-}" = --record ]; then
	record=1
	MF_BUILDDIR=$(cd "$2" && pwd)
	MF_SHARED_DIR=$(cd "$3" && pwd)
fi
need python3 sha256sum
need_shared
need_exporter
MF_COLLECTOR="$MF_BUILDDIR/minflow-collector"
[ -x "$MF_COLLECTOR" ] || skip "no $MF_COLLECTOR (build it first)"
mk_tmp

SUMS=$MF_SRCDIR/tests/data/golden/SHA256SUMS
out=$MF_TMP/out
mkdir -p "$out"
# The sample configuration's internal networks and the defaults otherwise;
# retention-days = 0 so no report is pruned before it is summed.
cat >"$MF_TMP/minflow.conf" <<'CONF'
[reports]
interval = 60
top = 20
retention-days = 0
[networks]
internal = 192.168.0.0/16;10.0.0.0/8;172.16.0.0/12;fd00::/8
CONF

# export NAME CAPTURE VARIANT OPTIONS...: NAME.VARIANT.ipfix and its exit
# status (damaged captures end with 2, and that must not change either)
export_one() {
	_n=$1 _c=$2 _v=$3
	shift 3
	"$MF_EXPORTER" -r "$_c" -w "$out/$_n.$_v.ipfix" "$@" \
	    2>"$MF_TMP/$_n.$_v.err"
	echo "$?" >"$out/$_n.$_v.status"
}

# collect NAME VARIANT: the reports of NAME.VARIANT.ipfix under
# NAME.VARIANT.reports/, and the collector's exit status.  The file is
# named relative to $out: a report names a file's exporter by its path.
collect_one() {
	(cd "$out" && "$MF_COLLECTOR" -C "$MF_TMP/minflow.conf" \
	    -r "$1.$2.ipfix" -o "$1.$2.reports" 2>"$MF_TMP/$1.$2.col.err")
	echo "$?" >"$out/$1.$2.col.status"
}

# send_v9 NAME CAPTURE: NetFlow v9 (which -w does not write) sent over UDP
# to ipfix_listen.py on 127.0.0.1, its datagrams stored in arrival order
# as NAME.v9.dgrams; with -r the export times are packet times, so the
# bytes repeat.  Paced (the default --pace) into a 4 MiB receive buffer,
# and the listener stops only once the socket's queue is empty.
send_v9() {
	_port=$(free_udp_port)
	python3 "$MF_SRCDIR/tests/integ/ipfix_listen.py" listen udp 127.0.0.1 \
	    "$_port" "$out/$1.v9.dgrams" "$MF_TMP/ready" --max-time 120 \
	    2>"$MF_TMP/$1.v9.listen.err" &
	_lpid=$!
	track_pid "$_lpid"
	_i=0
	while [ ! -f "$MF_TMP/ready" ] && [ "$_i" -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	"$MF_EXPORTER" -r "$2" -c "127.0.0.1:$_port" -P v9 \
	    2>"$MF_TMP/$1.v9.err"
	echo "$?" >"$out/$1.v9.status"
	udp_wait_drained "$_port" 20 || fail "$1: v9 datagrams not drained"
	stop_pid "$_lpid"
	rm -f "$MF_TMP/ready"
}

for cap in "$MF_SHARED_DIR"/pcaps/*.pcap "$MF_SHARED_DIR"/pcaps/*.pcapng; do
	[ -f "$cap" ] || continue
	n=$(basename "$cap")
	export_one "$n" "$cap" ipfix
	export_one "$n" "$cap" nodns --no-dns
	send_v9 "$n" "$cap"
	export_one "$n" "$cap" biflow --biflow
	collect_one "$n" ipfix
	collect_one "$n" biflow
done

(cd "$out" && find . -type f | sed 's|^\./||' | LC_ALL=C sort |
    xargs sha256sum) >"$MF_TMP/sums"

if [ -n "$record" ]; then
	cat "$MF_TMP/sums"
	exit 0
fi
[ -s "$SUMS" ] || fail "no recorded sums in $SUMS"
# Every recorded file must exist with the same bytes, and no new file may
# appear: compare the two lists whole, then name the files that differ.
if ! cmp -s "$SUMS" "$MF_TMP/sums"; then
	fail "outputs differ from tests/data/golden/SHA256SUMS" \
	    "$(diff "$SUMS" "$MF_TMP/sums" | head -n 40)"
else
	echo "ok - $(wc -l <"$SUMS") files byte-identical to the recorded ones"
fi
finish
