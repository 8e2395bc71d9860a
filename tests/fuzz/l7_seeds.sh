#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# l7_seeds.sh DIR PCAPDIR: write a seed corpus for fuzz_l7name into DIR,
# made at run time from the captures in PCAPDIR (never committed): the TCP
# payload of every frame tshark shows as a TLS ClientHello or an HTTP
# request, one file each, prefixed by the harness's output-size byte (255:
# the full 256 bytes).  Needs tshark and xxd; without them, or without
# captures, it writes nothing and exits 0 (the fuzzer then starts empty).
set -u
dir=${1:?usage: l7_seeds.sh DIR PCAPDIR}
pcaps=${2:?usage: l7_seeds.sh DIR PCAPDIR}
max=400 # seeds at most: enough shapes, a short start-up
command -v tshark >/dev/null 2>&1 || exit 0
command -v xxd >/dev/null 2>&1 || exit 0
mkdir -p "$dir" || exit 1
n=0
for f in "$pcaps"/*.pcap "$pcaps"/*.pcapng; do
	[ -f "$f" ] || continue
	tshark -r "$f" -Y 'tls.handshake.type == 1 || http.request' \
	    -T fields -e tcp.payload 2>/dev/null |
	    tr -d ':' | sort -u
done | while read -r hex && [ "$n" -lt "$max" ]; do
	[ -n "$hex" ] || continue
	n=$((n + 1))
	printf 'ff%s' "$hex" | xxd -r -p >"$dir/seed-$n"
done
exit 0
