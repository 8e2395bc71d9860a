#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# --max-flows is a cap, not an allocation (minflow-exporter(8), Memory):
# the same small capture read with --max-flows 65536 and 1000000 gives the
# same file, and the peak resident size differs by less than 16 MB (the
# 1000000 flows' hash buckets take 8 MB; before the cache was taken as
# used, 168 MB more of flows were resident at start).
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3
need_exporter
mk_tmp

# rss N: peak resident kB of the exporter with --max-flows N
rss() {
	python3 -c 'import resource, subprocess, sys
r = subprocess.run(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if r.returncode == 0 else -1)' \
	    "$MF_EXPORTER" -r "$MF_SRCDIR/tests/data/sample.pcap" \
	    -w "$MF_TMP/$1.ipfix" --max-flows "$1"
}
small=$(rss 65536)
big=$(rss 1000000)
mf_log "peak RSS: $small kB with 65536 flows, $big kB with 1000000"
[ "$small" -gt 0 ] && [ "$big" -gt 0 ] || fail "exporter runs"
assert_files_eq "the same output" "$MF_TMP/65536.ipfix" "$MF_TMP/1000000.ipfix"
[ $((big - small)) -lt 16384 ] ||
    fail "1000000 flows cost less than 16 MB more at start" "$((big - small)) kB"
finish
