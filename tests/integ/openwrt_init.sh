#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The OpenWrt package's procd init script (openwrt/minflow-exporter/files)
# turns /etc/config/minflow-exporter into exactly the expected command
# lines.  The OpenWrt shell functions it calls (config_load, config_get,
# config_get_bool, config_list_foreach, config_foreach, procd_*) are
# stubbed here: a small UCI reader and a procd that prints each instance's
# argv, one argument a line.  Checked:
#  1. shellcheck finds nothing in the init script.
#  2. The shipped UCI config gives the documented default command line.
#  3. A config with every option set, two interfaces, flipped booleans, a
#     disabled section and an anonymous section gives exactly the two
#     enabled instances (the stub names the anonymous one cfg3).
#  4. Every flag the script can emit is one the exporter's --help lists.
. "$MF_SRCDIR/tests/integ/lib.sh"
need shellcheck awk
need_exporter
mk_tmp

PKG="$MF_SRCDIR/openwrt/minflow-exporter"
INIT="$PKG/files/minflow-exporter.init"

if shellcheck "$INIT" >"$MF_TMP/sc.out" 2>&1; then
	assert_eq "shellcheck init script" "" ""
else
	fail "shellcheck init script" "$(head -n 20 "$MF_TMP/sc.out")"
fi

# --- stubs of OpenWrt's /lib/functions.sh and procd.sh ------------------
# config_load NAME: read $UCI_CONFIG_DIR/NAME into U_<section>_<option>
# (lists: newline-separated), U_TYPE_<section>, and U_SECTIONS in order.
config_load() {
	U_SECTIONS=""
	eval "$(awk -v q="'" '
	function val(s) { sub(/^[ \t]*[^ \t]+[ \t]+[^ \t]+[ \t]+/, "", s)
		gsub(/^'"'"'|'"'"'$/, "", s); return s }
	/^[ \t]*#/ || NF == 0 { next }
	$1 == "config" { n++; sec = (NF >= 3) ? $3 : "cfg" n
		gsub(q, "", sec)
		print "U_TYPE_" sec "=" $2
		print "U_SECTIONS=\"$U_SECTIONS " sec "\""; next }
	$1 == "option" { print "U_" sec "_" $2 "=" q val($0) q; next }
	$1 == "list" { print "U_" sec "_" $2 "=\"${U_" sec "_" $2 ":+$U_" \
	    sec "_" $2 "\n}\"" q val($0) q; next }
	' "$UCI_CONFIG_DIR/$1")"
}
config_get() {
	eval "$1=\${U_$2_$3:-\${4:-}}"
}
config_get_bool() {
	config_get _v "$2" "$3" "${4:-0}"
	case "$_v" in
	1 | on | true | yes | enabled) eval "$1=1" ;;
	*) eval "$1=0" ;;
	esac
}
config_list_foreach() {
	_old=$IFS
	eval "_items=\${U_$1_$2:-}"
	IFS='
'
	for _i in $_items; do
		IFS=$_old
		"$3" "$_i"
	done
	IFS=$_old
}
config_foreach() {
	for _s in $U_SECTIONS; do
		eval "_t=\$U_TYPE_$_s"
		[ "$_t" = "$2" ] && "$1" "$_s"
	done
}
procd_open_instance() { P_OUT="instance $1"; }
procd_set_param() {
	_k=$1
	shift
	case "$_k" in
	command) P_OUT="$P_OUT
$*" ;;
	*) P_OUT="$P_OUT
param $_k $*" ;;
	esac
}
procd_append_param() {
	shift
	for _a in "$@"; do
		P_OUT="$P_OUT
$_a"
	done
}
procd_close_instance() { printf '%s\n' "$P_OUT"; }

# run_init CONFIG_FILE: what start_service starts for that config
run_init() {
	mkdir -p "$MF_TMP/uci" && cp "$1" "$MF_TMP/uci/minflow-exporter" &&
	    (UCI_CONFIG_DIR="$MF_TMP/uci" && . "$INIT" && start_service)
}

# --- 2. the shipped config ---------------------------------------------
expected="instance main
/usr/sbin/minflow-exporter
--interface
br-lan
--collector
192.168.1.10:4739
--filter
not udp port 4739
--transport
udp
--protocol
ipfix
--max-flows
8192
--idle-timeout
15
--active-timeout
60
--max-dns-names
1024
--max-dns-queries
1024
--max-server-names
1024
--user
nobody
param respawn 3600 5 5
param stderr 1"
assert_eq "shipped config" "$expected" \
    "$(run_init "$PKG/files/minflow-exporter.config")"

# --- 3. every option, two sections and an anonymous one -----------------
cat >"$MF_TMP/full.uci" <<'UCI'
config exporter 'wan'
	option enabled '1'
	list interface 'br-lan'
	list interface 'eth0.2'
	option collector '[2001:db8::10]:2055'
	option filter 'ip and not port 22'
	option transport 'tcp'
	option protocol 'v9'
	option snaplen '1500'
	option buffer_size '512'
	option max_flows '4096'
	option max_frags '64'
	option idle_timeout '30'
	option active_timeout '120'
	option observation_domain '7'
	option template_refresh '30'
	option template_messages '20'
	option mtu '1200'
	option stats_interval '300'
	option max_dns_names '256'
	option dns_ttl_min '10'
	option dns_ttl_max '3600'
	option max_dns_queries '128'
	option dns_timeout '3'
	option max_server_names '512'
	option max_devices '64'
	option leases '/tmp/dhcp.leases'
	option user 'network'
	option biflow '1'
	option dns '1'
	option mdns 'yes'
	option devices 'on'
	option server_names 'off'
	option conntrack '1'
	option conntrack_acct 'yes'
	option conntrack_reliable '1'
	option conntrack_buffer '8192'
	option pace '500'
	option compat 'super_mediator'
	option verbose 'true'

# disabled: no instance
config exporter 'spare'
	option enabled '0'
	list interface 'eth1'
	option collector '192.0.2.1'

config exporter
	list interface 'wlan0'
	option collector '192.0.2.2'
	option dns '0'
	option conntrack 'off'
	option conntrack_acct '0'
UCI
expected="instance wan
/usr/sbin/minflow-exporter
--interface
br-lan
--interface
eth0.2
--collector
[2001:db8::10]:2055
--filter
ip and not port 22
--transport
tcp
--protocol
v9
--snaplen
1500
--buffer-size
512
--max-flows
4096
--max-frags
64
--idle-timeout
30
--active-timeout
120
--observation-domain
7
--template-refresh
30
--template-messages
20
--mtu
1200
--stats-interval
300
--max-dns-names
256
--dns-ttl-min
10
--dns-ttl-max
3600
--max-dns-queries
128
--dns-timeout
3
--max-server-names
512
--max-devices
64
--leases
/tmp/dhcp.leases
--user
network
--conntrack-buffer
8192
--pace
500
--compat
super_mediator
--biflow
--mdns
--devices
--no-server-names
--conntrack
--conntrack-acct
--conntrack-reliable
--verbose
param respawn 3600 5 5
param stderr 1
instance cfg3
/usr/sbin/minflow-exporter
--interface
wlan0
--collector
192.0.2.2
--no-dns
param respawn 3600 5 5
param stderr 1"
run_init "$MF_TMP/full.uci" >"$MF_TMP/full.out"
assert_eq "every option, disabled and anonymous sections" "$expected" \
    "$(cat "$MF_TMP/full.out")"

# --- 4. the exporter knows every flag the script emits ------------------
"$MF_EXPORTER" --help >"$MF_TMP/help" 2>&1
missing=""
for f in $(grep -- '^--' "$MF_TMP/full.out" | sort -u); do
	grep -q -- "$f[=, ]" "$MF_TMP/help" ||
	    grep -q -- "$f\$" "$MF_TMP/help" || missing="$missing $f"
done
assert_eq "flags known to minflow-exporter --help" "" "$missing"
finish
