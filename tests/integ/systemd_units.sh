#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The systemd units that "make install" installs (etc/systemd/*.service.in):
#  1. make install into a temporary prefix puts both units into
#     PREFIX/lib/systemd/system, with that prefix's program and config paths.
#  2. systemd-analyze verify finds nothing to say about either unit (it
#     checks every directive, that the programs exist and that the man
#     pages named in Documentation= open).
#  3. systemd-analyze security --offline: the exposure scores are the ones
#     recorded in README.md (exporter 1.9, collector 1.1, both "OK"), and
#     the only capabilities held are CAP_NET_RAW and CAP_NET_ADMIN, by the
#     exporter; the collector holds none.
#  4. The collector's ExecStartPre (--check-config) passes on the installed
#     sample configuration.
# systemd-analyze works on unit files without systemd running as init.
. "$MF_SRCDIR/tests/integ/lib.sh"
need systemd-analyze man make
need_exporter
need_collector
mk_tmp

P="$MF_TMP/prefix"
UNITS="$P/lib/systemd/system"
with_timeout 300 make -s -C "$MF_BUILDDIR" install prefix="$P" \
    >"$MF_TMP/install.log" 2>&1 || fail "make install" "$(tail -n 5 "$MF_TMP/install.log")"
assert_eq "units installed" "minflow-collector.service
minflow-exporter.service" "$(ls "$UNITS")"
assert_eq "exporter unit runs the installed program" \
    "ExecStart=$P/sbin/minflow-exporter \$MINFLOW_EXPORTER_OPTS" \
    "$(grep '^ExecStart=' "$UNITS/minflow-exporter.service")"

# What an administrator writes before starting the services.
printf 'MINFLOW_EXPORTER_OPTS=-i lo -c 127.0.0.1\n' \
    >"$P/etc/minflow/minflow-exporter.env"
cp "$P/etc/minflow/minflow.conf.sample" "$P/etc/minflow/minflow.conf"

for u in minflow-exporter minflow-collector; do
	out=$(MANPATH="$P/share/man" with_timeout 60 systemd-analyze verify \
	    "$UNITS/$u.service" 2>&1)
	assert_eq "verify $u" "0 " "$? $out"
done

# score UNIT: "N.N LEVEL", from the last line of the security report
score() {
	with_timeout 60 systemd-analyze security --offline=yes \
	    "$UNITS/$1.service" >"$MF_TMP/$1.sec" 2>&1
	sed -n 's/^.*Overall exposure level for [^:]*: \([0-9.]*\) \([A-Z]*\).*$/\1 \2/p' \
	    "$MF_TMP/$1.sec"
}
assert_eq "exporter exposure" "1.9 OK" "$(score minflow-exporter)"
assert_eq "collector exposure" "1.1 OK" "$(score minflow-collector)"
caps() {
	grep '✗ CapabilityBoundingSet=\|✗ AmbientCapabilities=' "$MF_TMP/$1.sec" |
	    awk '{ print $2 }'
}
assert_eq "exporter capabilities" "AmbientCapabilities=
CapabilityBoundingSet=~CAP_NET_ADMIN
CapabilityBoundingSet=~CAP_NET_(BIND_SERVICE|BROADCAST|RAW)" \
    "$(caps minflow-exporter)"
assert_eq "collector capabilities" "" "$(caps minflow-collector)"
assert_eq "exporter bounding set" \
    "CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN" \
    "$(grep '^CapabilityBoundingSet=' "$UNITS/minflow-exporter.service")"

"$P/sbin/minflow-collector" --check-config -C "$P/etc/minflow/minflow.conf" \
    >"$MF_TMP/check.out" 2>&1
assert_eq "collector ExecStartPre passes" "0" "$?"
finish
