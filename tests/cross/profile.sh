#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The "router profile" of the armhf exporter built by tests/cross/run.sh:
#
#   tests/cross/profile.sh NATIVE_BUILDDIR SHARED_DIR
#
# prints the stripped size of minflow-exporter and of each shared library
# it needs (as Debian's armhf packages ship them, already stripped), and the
# peak resident size with router-sized tables (--max-flows 8192, 1024 DNS
# names, queries and server names) on two shared captures: the 37k-flow SYN
# flood (fills the flow cache) and the DNS-heavy one (fills the DNS
# tables).  Under qemu-user the peak RSS is the emulator's, so the peak of
# "minflow-exporter -V" (qemu, loader and libraries, no tables) is printed
# too, and the difference; the native x86-64 figure is given beside it.
set -u
native=$(cd "${1:?native build dir}" && pwd)
shared=$(cd "${2:?shared dir}" && pwd)
d="$native/cross/armhf"
t=arm-linux-gnueabihf
[ -x "$d/build/minflow-exporter" ] || {
	echo "no $d/build/minflow-exporter: run tests/cross/run.sh first" >&2
	exit 1
}
"$t-strip" -o "$d/minflow-exporter.stripped" "$d/build/minflow-exporter"
printf '%-28s %9s\n' file bytes
printf '%-28s %9s\n' minflow-exporter \
    "$(stat -c %s "$d/minflow-exporter.stripped")"
total=$(stat -c %s "$d/minflow-exporter.stripped")
for lib in $("$t-readelf" -d "$d/build/minflow-exporter" |
    sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
	f=$(find "$d/sysroot/lib" "$d/sysroot/usr/lib" -name "$lib" | head -n 1)
	s=$(stat -L -c %s "$f")
	total=$((total + s))
	printf '%-28s %9s\n' "$lib" "$s"
done
printf '%-28s %9s\n' total "$total"

ROUTER="--max-flows 8192 --max-dns-names 1024 --max-dns-queries 1024
--max-server-names 1024"
# peak CMD...: the peak resident size of CMD, in KiB (GNU time; forked
# from a small process, so little is counted before CMD's exec)
peak() {
	/usr/bin/time -f %M -o "$d/peak.txt" "$@" >/dev/null 2>&1
	cat "$d/peak.txt"
}
base=$(peak "$d/qemu" "$d/build/minflow-exporter" -V)
printf '\npeak RSS, KiB (armhf under qemu-arm; x86-64 native)\n'
printf '%-40s %8s %8s %8s\n' run qemu minus-V x86-64
printf '%-40s %8s %8s %8s\n' "minflow-exporter -V" "$base" 0 \
    "$(peak "$native/minflow-exporter" -V)"
for cap in tcp-syn-flood-spoofed.pcap dns-bad-traffic.pcap; do
	# shellcheck disable=SC2086 # ROUTER is a list of options
	q=$(peak "$d/qemu" "$d/build/minflow-exporter" $ROUTER \
	    -r "$shared/pcaps/$cap" -w /dev/null)
	# shellcheck disable=SC2086
	n=$(peak "$native/minflow-exporter" $ROUTER -r "$shared/pcaps/$cap" \
	    -w /dev/null)
	printf '%-40s %8s %8s %8s\n' "$cap" "$q" $((q - base)) "$n"
done
