#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Cross-build the exporter and its unit tests for a big-endian (s390x) and
# a small little-endian (armhf) target with Debian's cross compilers, run
# them under qemu-user, and prove the cross exporter's -w output
# byte-identical to the native one on every shared capture.
#
#   tests/cross/run.sh NATIVE_BUILDDIR SHARED_DIR [ARCH...]
#
# NATIVE_BUILDDIR holds a finished native build (its minflow-exporter and
# minflow-collector are the reference).  ARCH is s390x and/or armhf (both by
# default).  The target libraries come from Debian's archive for that
# architecture, fetched with a private apt state (apt-get -o Dir::...) and
# unpacked into a sysroot: nothing is installed on the machine for the
# target, so its own packages never need the same versions.  Work goes to
# NATIVE_BUILDDIR/cross/ARCH (kept: a second run reuses sysroot and build).
#
# Per architecture, each a "ok -"/"not ok -" line:
#  1. the exporter and every unit test that links only exporter and common
#     code (no json-glib) build, but the two listed below UNITS;
#  2. each unit test passes under qemu;
#  3. on every capture in SHARED_DIR/pcaps, the cross exporter's -w output
#     (and with --biflow, --max-flows=64, --no-dns and as NetFlow v9 on
#     three captures; with --devices --mdns and as v9 on the two with
#     DHCP and mDNS) is byte-identical to the native exporter's, with the
#     same exit status;
#  4. on every capture, the native collector's reports of the cross output
#     equal its reports of the native output (diff -r).
# Ends with "N passed, N failed"; exit status 0 only if nothing failed.
# The system call filter is left out of these builds: qemu-user refuses
# seccomp filters (they would apply to the emulator itself).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
native=$(cd "${1:?native build dir}" && pwd)
shared=$(cd "${2:?shared dir}" && pwd)
shift 2
arches=${*:-s390x armhf}
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok - $*"; }
notok() { failed=$((failed + 1)); echo "not ok - $*"; }

# Target libraries: the run-time closure of what the exporter and the unit
# tests link (libpcap pulls in dbus and systemd), and the -dev packages.
PKGS="libc6 libglib2.0-0 libglib2.0-dev libpcre2-8-0 libpcap0.8
libpcap0.8-dev libdbus-1-3 libsystemd0 libcap2 libgcrypt20 liblzma5 libzstd1
liblz4-1 libgpg-error0 libfixbuf9 libfixbuf-dev libcmocka0 libcmocka-dev
libcap-ng0 libcap-ng-dev libgcc-s1 libmnl0 libmnl-dev"
# Unit tests of the exporter and the common code (no json-glib).
UNITS="test_addr test_rbuf test_hash test_model test_v9 test_decode
test_decode_ip test_frag test_cache test_ipfix test_ipfix_read test_options
test_sink test_dnscache test_dnsquery test_privs test_dns test_dns_real
test_l7name test_conf test_export test_dnslabel test_ctflow test_dhcp
test_leases test_exp_devices test_replay test_table test_fsafe test_flowenc
test_pcapfile"
# Left out, as qemu-user (Debian 12's 7.2) cannot run them: test_procs
# (socket(AF_NETLINK, ..., NETLINK_SOCK_DIAG) fails with EPROTONOSUPPORT:
# qemu has no translation for that netlink family) and test_neigh (the
# case that dumps the real neighbour table over rtnetlink fails under
# qemu; its three other cases pass).  Both run natively in make check.

triple() {
	case $1 in
	s390x) echo s390x-linux-gnu ;;
	armhf) echo arm-linux-gnueabihf ;;
	*) return 1 ;;
	esac
}
qemu_of() {
	case $1 in
	s390x) echo qemu-s390x-static ;;
	armhf) echo qemu-arm-static ;;
	esac
}

# sysroot ARCH DIR: unpack the target packages into DIR/sysroot
sysroot() {
	local arch=$1 d=$2 a o deb l
	[ -f "$d/sysroot/.done" ] && return 0
	a="$d/apt"
	rm -rf "$a" "$d/sysroot"
	mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$a/debs" \
	    "$d/sysroot" || return 1
	: >"$a/status"
	o="-o APT::Architecture=$arch -o APT::Architectures::=$arch
	    -o Dir::State::Lists=$a/lists -o Dir::Cache=$a/cache
	    -o Dir::State::Status=$a/status -o Debug::NoLocking=1
	    -o APT::Sandbox::User=root"
	# shellcheck disable=SC2086 # o and PKGS are lists of words
	apt-get $o -qq update &&
	    (cd "$a/debs" && apt-get $o -qq download $PKGS) || return 1
	for deb in "$a/debs"/*.deb; do
		dpkg-deb -x "$deb" "$d/sysroot" || return 1
	done
	# -dev symlinks point to /lib/...: make them point into the sysroot.
	find "$d/sysroot" -type l -lname '/*' | while read -r l; do
		ln -sf "$d/sysroot$(readlink "$l")" "$l"
	done
	touch "$d/sysroot/.done"
}

# configure_cross ARCH DIR: configure DIR/build for the target (the
# pkg-config checks are given their results: no cross pkg-config needed)
configure_cross() {
	local t s l i
	t=$(triple "$1")
	s="$2/sysroot"
	l="$s/usr/lib/$t"
	i="-isystem $s/usr/include"
	[ -f "$2/build/config.status" ] && return 0
	mkdir -p "$2/build" && cd "$2/build" &&
	    "$top/configure" --host="$t" CC="$t-gcc" --enable-werror \
		--with-shared-dir="$shared" --without-seccomp \
		--with-libcap-ng=yes \
		GLIB_CFLAGS="-isystem $s/usr/include/glib-2.0 -isystem $l/glib-2.0/include" \
		GLIB_LIBS=-lglib-2.0 PCAP_CFLAGS="$i" PCAP_LIBS=-lpcap \
		FIXBUF_CFLAGS="$i" FIXBUF_LIBS=-lfixbuf CMOCKA_CFLAGS="$i" \
		CMOCKA_LIBS=-lcmocka JSON_CFLAGS="$i" JSON_LIBS=-ljson-glib-1.0 \
		CAPNG_CFLAGS="$i" CAPNG_LIBS=-lcap-ng PSL_CFLAGS="$i" PSL_LIBS=-lpsl \
		LDFLAGS="-L$l -L$s/lib/$t -Wl,-rpath-link=$l:$s/lib/$t" \
		>"$2/configure.log" 2>&1
}

# same_output NAME ARCHDIR CAPTURE [OPTIONS]: cross and native -w outputs
# (OPTIONS: one or more words, e.g. "--devices --mdns")
same_output() {
	local name=$1 d=$2 cap=$3 opt=${4:-} o e1 e2
	o="$d/out/$(basename "$cap")$(echo "$opt" | tr -d ' -' | sed 's/^./.&/')"
	# shellcheck disable=SC2086 # opt is a list of words or none
	"$d/qemu" "$d/build/minflow-exporter" -r "$cap" -w "$o.cross" $opt \
	    2>/dev/null
	e1=$?
	# shellcheck disable=SC2086
	"$native/minflow-exporter" -r "$cap" -w "$o.native" $opt 2>/dev/null
	e2=$?
	if [ "$e1" = "$e2" ] && cmp -s "$o.cross" "$o.native"; then
		ok "$name: $(basename "$cap") ${opt:-ipfix} identical" \
		    "($(stat -c %s "$o.native") bytes, exit $e1)"
	else
		notok "$name: $(basename "$cap") ${opt:-ipfix} differs" \
		    "(exit $e1 vs $e2)"
	fi
}

# send_v9 OUT CAPTURE PROGRAM...: NetFlow v9 (which -w does not write) sent
# by PROGRAM over UDP to ipfix_listen.py on 127.0.0.1, its datagrams
# stored in arrival order in OUT (with -r the export times are packet
# times, so the bytes repeat); prints the exporter's exit status.  Paced
# by the default --pace; the listener stops once its socket queue is empty.
send_v9() {
	local out=$1 cap=$2 port lpid i e
	shift 2
	rm -f "$out" "$out.ready"
	port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	python3 "$top/tests/integ/ipfix_listen.py" listen udp 127.0.0.1 \
	    "$port" "$out" "$out.ready" --max-time 300 2>/dev/null &
	lpid=$!
	i=0
	while [ ! -f "$out.ready" ] && [ "$i" -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	"$@" -r "$cap" -c "127.0.0.1:$port" -P v9 2>/dev/null
	e=$?
	python3 "$top/tests/integ/udp_drained.py" "$port" 20
	kill "$lpid" 2>/dev/null
	wait "$lpid" 2>/dev/null
	rm -f "$out.ready"
	echo "$e"
}

# same_v9 NAME ARCHDIR CAPTURE: cross and native NetFlow v9 datagrams
same_v9() {
	local name=$1 d=$2 cap=$3 o e1 e2
	o="$d/out/$(basename "$cap").v9"
	e1=$(send_v9 "$o.cross" "$cap" "$d/qemu" "$d/build/minflow-exporter")
	e2=$(send_v9 "$o.native" "$cap" "$native/minflow-exporter")
	if [ "$e1" = "$e2" ] && [ -s "$o.native" ] &&
	    cmp -s "$o.cross" "$o.native"; then
		ok "$name: $(basename "$cap") v9 identical" \
		    "($(stat -c %s "$o.native") bytes, exit $e1)"
	else
		notok "$name: $(basename "$cap") v9 differs (exit $e1 vs $e2)"
	fi
}

# same_reports NAME ARCHDIR CAPTURE: the collector's reports of both files
same_reports() {
	local d=$2 o
	o="$d/out/$(basename "$3")"
	printf '[reports]\nretention-days = 0\n' >"$d/out/minflow.conf"
	rm -rf "$o.rep.cross" "$o.rep.native"
	# Read under one name: an offline report names its file (cut to the
	# exporter address's length), so two names could differ there.
	cp "$o.cross" "$d/out/in.ipfix" &&
	    "$native/minflow-collector" -C "$d/out/minflow.conf" \
		-r "$d/out/in.ipfix" -o "$o.rep.cross" 2>/dev/null &&
	    cp "$o.native" "$d/out/in.ipfix" &&
	    "$native/minflow-collector" -C "$d/out/minflow.conf" \
		-r "$d/out/in.ipfix" -o "$o.rep.native" 2>/dev/null &&
	    [ -n "$(ls "$o.rep.native")" ] &&
	    diff -r "$o.rep.cross" "$o.rep.native" >/dev/null
}

run_arch() {
	local arch=$1 d t q u cap n
	d="$native/cross/$arch"
	t=$(triple "$arch") || { notok "$arch: unknown architecture"; return; }
	q=$(command -v "$(qemu_of "$arch")") ||
	    { notok "$arch: $(qemu_of "$arch") missing"; return; }
	command -v "$t-gcc" >/dev/null ||
	    { notok "$arch: $t-gcc missing"; return; }
	mkdir -p "$d/out"
	if ! sysroot "$arch" "$d" >"$d/sysroot.log" 2>&1; then
		notok "$arch: sysroot ($(tail -n 3 "$d/sysroot.log"))"
		return
	fi
	# qemu finds the target's dynamic loader and libraries in the sysroot
	printf '#!/bin/sh\nQEMU_LD_PREFIX=%s exec %s "$@"\n' "$d/sysroot" \
	    "$q" >"$d/qemu"
	chmod +x "$d/qemu"
	# shellcheck disable=SC2086 # UNITS is a list
	if ! (configure_cross "$arch" "$d" &&
	    make -C "$d/build" -j"$(nproc)" minflow-exporter $UNITS) \
	    >"$d/build.log" 2>&1; then
		notok "$arch: build ($(grep -m 3 -E 'error|Error' "$d/build.log"))"
		return
	fi
	ok "$arch: exporter and $(echo "$UNITS" | wc -w) unit tests built" \
	    "($(file -b "$d/build/minflow-exporter" | cut -d, -f1-2))"
	for u in $UNITS; do
		if (cd "$d/build" && MF_SHARED_DIR="$shared" \
		    "$d/qemu" "./$u") >"$d/$u.log" 2>&1; then
			ok "$arch: $u"
		else
			notok "$arch: $u ($(grep -m 2 -E 'FAILED|Error' "$d/$u.log"))"
		fi
	done
	n=0
	for cap in "$shared"/pcaps/*.pcap "$shared"/pcaps/*.pcapng; do
		[ -f "$cap" ] || continue
		same_output "$arch" "$d" "$cap"
		if same_reports "$arch" "$d" "$cap"; then
			ok "$arch: $(basename "$cap") collector reports identical"
		else
			notok "$arch: $(basename "$cap") collector reports differ"
		fi
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || notok "$arch: no capture in $shared/pcaps"
	for cap in vlan-dns.pcap ipv6-fragments.pcapng \
	    mixed-windows-browsing-http-https.pcap; do
		same_output "$arch" "$d" "$shared/pcaps/$cap" --biflow
		same_output "$arch" "$d" "$shared/pcaps/$cap" --max-flows=64
		same_output "$arch" "$d" "$shared/pcaps/$cap" --no-dns
		same_v9 "$arch" "$d" "$shared/pcaps/$cap"
	done
	# DHCP, DHCPv6 and mDNS: device records
	for cap in mixed-home-iot-telnet-hscan.pcap \
	    mobile-apps-http-timestamp-jumps.pcap; do
		same_output "$arch" "$d" "$shared/pcaps/$cap" "--devices --mdns"
		same_v9 "$arch" "$d" "$shared/pcaps/$cap"
	done
}

for a in $arches; do
	run_arch "$a"
done
echo "cross: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
