#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A hostile host on the LAN must not blind the collector (issue 11, items
# 1-5).  Each item has a live collector of its own on 127.0.0.1, sent what
# the issue describes, a few datagrams or connections each
# (collector_hostile.py says what and why):
#  1. a DNS record whose address list holds sixteen 1-byte IPv6 elements:
#     the collector lives, the record counts as undecodable, the
#     exporter's flow still counts;
#  2. a record 20 hours ahead: the next report still comes within the
#     interval plus the grace, honest records are not late, the record is
#     counted in ahead_records of its exporter, and the log names it;
#     the same for a device record 1 h ahead (it opened the first
#     interval at its own time); a very first record 48 h ahead (more
#     than a day: it opened the first interval 48 h ahead) gives reports
#     on time too, and is counted absurd, not ahead (never named, like a
#     clockless router's);
#  3. a template of 1,024 unknown elements: another exporter whose
#     template holds one unknown element is decoded, before and after a
#     restart (the templates file keeps no unknown element);
#  4. 64 header-only datagrams (one port, 64 domains) into a table of 4:
#     routers that come after are served, the one refused when 4 routers
#     fill the table is logged, refusals and replacements counted;
#  5. 100 idle TCP connections: a TCP exporter is still served, idle
#     connections are closed after [listen] tcp-idle (3 s here), and the
#     counters and the log say so.
# About 40 s.
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3
need_collector
mk_tmp

with_timeout 180 python3 "$MF_SRCDIR/tests/integ/collector_hostile.py" run \
    "$MF_BUILDDIR/minflow-collector" "$MF_TMP" >"$MF_TMP/checks" ||
    fail "collector_hostile.py run" "exit $?"
while IFS='	' read -r name want got; do
	assert_eq "$name" "$want" "$got"
done <"$MF_TMP/checks"
finish
