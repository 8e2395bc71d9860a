#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The command line: help, version, refusals with a clear message and
# status 1, an unsupported link type named at start; the libraries the
# program links.
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3 objdump
need_exporter
mk_tmp

# The exporter encodes IPFIX itself (common/msgenc.c): libfixbuf is the
# collector's alone.  The dynamic section names what the loader maps.
objdump -p "$MF_EXPORTER" | awk '$1 == "NEEDED" { print $2 }' \
    >"$MF_TMP/needed"
assert_eq "the exporter links libpcap" 1 \
    "$(grep -c '^libpcap\.so' "$MF_TMP/needed")"
assert_eq "the exporter does not link libfixbuf" 0 \
    "$(grep -c 'fixbuf' "$MF_TMP/needed")"

"$MF_EXPORTER" --help >"$MF_TMP/help" 2>&1
assert_eq "--help exits 0" 0 $?
for opt in interface read filter collector transport write protocol biflow \
    user daemon pidfile stats verbose version snaplen buffer-size max-flows \
    max-frags idle-timeout active-timeout observation-domain \
    template-refresh template-messages mtu stats-interval; do
	grep -q -- "--$opt" "$MF_TMP/help" || fail "--help lists --$opt"
done
"$MF_EXPORTER" -V >"$MF_TMP/v" 2>&1
assert_eq "-V" "minflow-exporter $(sed -n 's/^AC_INIT(\[minflow\], \[\([^]]*\)\].*/\1/p' "$MF_SRCDIR/configure.ac")" "$(cat "$MF_TMP/v")"

# refuse ARGS... EXPECTED-TEXT: status 1 and the text on stderr.
refuse() {
	_want=$1
	shift
	"$MF_EXPORTER" "$@" >/dev/null 2>"$MF_TMP/err"
	_rc=$?
	if [ "$_rc" -ne 1 ] || ! grep -q -- "$_want" "$MF_TMP/err"; then
		fail "refuses '$*'" "status $_rc: $(cat "$MF_TMP/err")"
	else
		printf 'ok - refuses %s\n' "$*"
	fi
}
s=$MF_SAMPLE
o=$MF_TMP/o.ipfix
refuse "either -i IFACE" -w "$o"
refuse "either -i IFACE" -i lo -r "$s" -w "$o"
refuse "either -c" -r "$s"
refuse "either -c" -r "$s" -w "$o" -c 127.0.0.1
refuse "needs IPFIX" -r "$s" -c 127.0.0.1 -P v9 --biflow
refuse "applies to -c only" -r "$s" -w "$o" -P v9
refuse "applies to -c" -r "$s" -w "$o" -t tcp
refuse "neither udp nor tcp" -r "$s" -c 127.0.0.1 -t sctp
refuse "neither ipfix nor v9" -r "$s" -c 127.0.0.1 -P v5
refuse "max-flows: bad value '15'" -r "$s" -w "$o" --max-flows 15
refuse "max-flows: bad value '16777217'" -r "$s" -w "$o" --max-flows 16777217
refuse "idle-timeout: bad value 'x'" -r "$s" -w "$o" --idle-timeout x
refuse "mtu: bad value '100'" -r "$s" -w "$o" --mtu 100
refuse "bad port" -r "$s" -c 127.0.0.1:0
refuse "bad port" -r "$s" -c "[::1]:99999"
refuse "unexpected argument" -r "$s" -w "$o" extra
refuse "Unknown option" -r "$s" -w "$o" --no-such-option
refuse "filter 'not a filter((('" -r "$s" -w "$o" -f "not a filter((("
refuse "no-such-host.invalid" -r "$s" -c no-such-host.invalid
refuse "no-such-user-here" -r "$s" -w "$o" -u no-such-user-here

# -D detaches: the pidfile (relative, made absolute before the chdir)
# names the detached process, and its output equals a foreground run's.
(cd "$MF_TMP" && "$MF_EXPORTER" -r "$MF_SAMPLE" -w "$MF_TMP/bg.ipfix" -D \
    -p bg.pid)
assert_eq "-D: the foreground part exits 0" 0 $?
i=0
while [ ! -s "$MF_TMP/bg.pid" ] && [ "$i" -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
bgpid=$(cat "$MF_TMP/bg.pid" 2>/dev/null)
i=0
while [ -n "$bgpid" ] && kill -0 "$bgpid" 2>/dev/null && [ "$i" -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
"$MF_EXPORTER" -r "$MF_SAMPLE" -w "$MF_TMP/fg.ipfix"
assert_files_eq "-D: same output as in the foreground" "$MF_TMP/fg.ipfix" \
    "$MF_TMP/bg.ipfix"

# A link type the decoder does not handle is refused at start, by name.
python3 "$MF_SRCDIR/tests/integ/pcap_wifi.py" "$MF_TMP/wifi.pcap"
refuse "link type IEEE802_11 (105) is not supported" -r "$MF_TMP/wifi.pcap" -w "$o"

# The default collector ports: 4739 for IPFIX, 2055 for v9, seen by a
# socket on that port receiving the first message (its version tells
# which protocol came).
for case in "ipfix 4739" "v9 2055"; do
	set -- $case
	rm -f "$MF_TMP/ready"
	python3 "$MF_SRCDIR/tests/integ/udp_first.py" "$2" "$MF_TMP/ready" >"$MF_TMP/got" 2>&1 &
	pid=$!
	track_pid $pid
	# Send only once the listener says it is bound (at most 10 s).
	i=0
	while [ ! -e "$MF_TMP/ready" ] && [ "$i" -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	"$MF_EXPORTER" -r "$s" -c 127.0.0.1 -P "$1"
	wait $pid
	untrack_pid $pid
	assert_eq "-P $1 sends to port $2 by default" \
	    "$([ "$1" = v9 ] && echo 9 || echo 10)" "$(cat "$MF_TMP/got")"
done
finish
