#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The exporter-only build a router needs (openwrt/: the OpenWrt SDK has
# none of the collector's libraries): configure --disable-collector with a
# pkg-config search path holding only the exporter's libraries (glib2,
# libpcap, libmnl, libcap-ng, libseccomp and what their .pc files
# require), build, install, and check that minflow-exporter is the one
# program installed and runs.  Then the same configure without the flag
# must fail, naming a collector library: the search path does hide them.
# npm (the web page's uPlot) is not needed either.
#
# usage: tests/exporter_only.sh [SRCDIR]    (configure must exist there)
set -eu
src=$(cd "${1:-.}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/pc" "$tmp/build"
for p in glib-2.0 libpcre2-8 libpcap dbus-1 libmnl libcap-ng libseccomp; do
	d=$(pkg-config --variable pcfiledir "$p") || {
		echo "exporter_only: no pkg-config file for $p"
		exit 1
	}
	ln -s "$d/$p.pc" "$tmp/pc/$p.pc"
done
cd "$tmp/build"
if ! PKG_CONFIG_LIBDIR="$tmp/pc" "$src/configure" --disable-collector \
    --enable-werror --with-libcap-ng=yes --with-seccomp=yes \
    >configure.log 2>&1; then
	tail -n 30 configure.log
	exit 1
fi
# NPM empty: the web page's uPlot (npm) is the collector's, never needed.
make -j"$(nproc 2>/dev/null || echo 2)" NPM= >make.log 2>&1 || {
	tail -n 30 make.log
	exit 1
}
make install DESTDIR="$tmp/inst" NPM= >install.log 2>&1 || {
	tail -n 30 install.log
	exit 1
}
progs=$(find "$tmp/inst" -path '*bin/*' -type f | sed 's|.*/||' | sort |
    tr '\n' ' ')
if [ "$progs" != "minflow-exporter " ]; then
	echo "exporter_only: installed programs: $progs"
	exit 1
fi
"$tmp"/inst/usr/local/sbin/minflow-exporter --version
if PKG_CONFIG_LIBDIR="$tmp/pc" "$src/configure" >full.log 2>&1; then
	echo "exporter_only: the full configure passed without the collector's libraries"
	exit 1
fi
grep 'not found: install the Debian package' full.log
echo "exporter_only: ok"
