# SPDX-License-Identifier: BSD-2-Clause
# Sourced by scripts/test and scripts/demo: installs the Debian packages
# minflow needs to build and test, only those that are missing.

MF_BUILD_PKGS="build-essential autoconf automake pkg-config libpcap-dev
libfixbuf-dev libglib2.0-dev libcmocka-dev libjson-glib-dev libmnl-dev
libpsl-dev publicsuffix libcurl4-openssl-dev libmaxminddb-dev
libsqlite3-dev"
# the exporter's confinement (exporter/privs.c): optional, always in CI
MF_BUILD_PKGS="$MF_BUILD_PKGS libcap-ng-dev libseccomp-dev"
# the web page's chart library (uPlot, pinned in web/package-lock.json):
# Debian's npm, unless npm is there already (Node.js packages other than
# Debian's ship their own npm, and Debian's npm conflicts with them)
command -v npm >/dev/null 2>&1 || MF_BUILD_PKGS="$MF_BUILD_PKGS npm"
# the collector's web server (libmicrohttpd with GnuTLS) and crypt(3)
MF_BUILD_PKGS="$MF_BUILD_PKGS libmicrohttpd-dev libcrypt-dev"
MF_TEST_PKGS="clang clang-format mandoc tshark tcpdump nfdump softflowd
pmacct libfixbuf-tools python3 iproute2 procps binutils"
# tests/integ/anomaly_netns.sh: attack and benign traffic made with real tools
MF_TEST_PKGS="$MF_TEST_PKGS nmap hping3 dnsmasq-base openssh-server
openssh-client bind9-dnsutils curl"
# test geography databases (tests/data/geo/make_mmdb.pl)
MF_TEST_PKGS="$MF_TEST_PKGS libmaxmind-db-writer-perl"
# tests/integ/conntrack_netns.sh and bench/conntrack.sh: a NAT router
MF_TEST_PKGS="$MF_TEST_PKGS nftables conntrack iperf3 iputils-ping"
# tests/integ/systemd_units.sh (systemd-analyze, man), openwrt_init.sh
MF_TEST_PKGS="$MF_TEST_PKGS systemd man-db shellcheck"
# tests/integ/web_page.sh: the page in headless Chromium
MF_TEST_PKGS="$MF_TEST_PKGS chromium chromium-driver python3-selenium"
# tests/integ/web_api.sh: a certificate and a password hash for HTTPS
MF_TEST_PKGS="$MF_TEST_PKGS gnutls-bin openssl"
# tests/cross/run.sh: cross compilers and qemu-user (the target libraries
# are unpacked into a sysroot there, not installed)
# tests/integ/devices_netns.sh: DHCPv4/DHCPv6 clients; the collector's
# vendors (OUI registry, [devices] oui)
MF_TEST_PKGS="$MF_TEST_PKGS isc-dhcp-client ieee-data"
MF_TEST_PKGS="$MF_TEST_PKGS gcc-s390x-linux-gnu libc6-dev-s390x-cross
gcc-arm-linux-gnueabihf libc6-dev-armhf-cross qemu-user-static file time"

mf_install() {
	local missing="" p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q "install ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	local sudo=""
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null 2>&1 || {
			echo "need root or sudo to install:$missing" >&2
			return 1
		}
		sudo="sudo"
	fi
	echo "installing:$missing"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
	    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $missing >/dev/null
}
