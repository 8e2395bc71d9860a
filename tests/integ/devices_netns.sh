#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Devices as a home router sees them, in network namespaces made here: a
# router (a bridge, dnsmasq serving DHCPv4, DHCPv6 and router
# advertisements for SLAAC) and two clients on it.  Client A asks
# DHCPv4 with host name kids-tablet (and FQDN kids-tablet.home) and
# DHCPv6 with FQDN kids-tablet.home; client B asks DHCPv4 without a name
# and DHCPv6 with FQDN tv.home.  Both keep SLAAC and temporary (privacy, use_tempaddr=2)
# addresses.  Each client then pings the router once from every global
# address it has.  minflow-exporter --devices captures on the router's
# bridge (-w F.ipfix); minflow-collector -r F.ipfix.  Checked exactly:
# - client A's device (its MAC, read with ip -j link) is named
#   kids-tablet by DHCP (DHCPv4 beats DHCPv6), client B's tv by DHCPv6
#   (dnsmasq answers with the host part of the FQDN), each as dnsmasq's
#   lease file names the address;
# - each device's addresses are exactly the global addresses the client
#   has (ip -j addr in its namespace: IPv4, the DHCPv6 address, the SLAAC
#   and the temporary ones);
# - the exporter sent device records for the DHCPv4 ACKs and DHCPv6
#   REPLYs (two each at least) and parsed every DHCP message it saw.
. "$MF_SRCDIR/tests/integ/lib.sh"
need ip dnsmasq dhclient python3 timeout
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
need_exporter
need_collector
mk_tmp

T=$MF_TMP
RAND=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
NSR=mfdevices-$RAND-r
NSA=mfdevices-$RAND-a
NSB=mfdevices-$RAND-b
DEV=$MF_SRCDIR/tests/integ/devices_report.py
ADDRS=$MF_SRCDIR/tests/integ/devices_addrs.py

for ns in "$NSR" "$NSA" "$NSB"; do
	netns_add "$ns" 2>"$T/netns.err" ||
	    skip "cannot create a network namespace: $(cat "$T/netns.err")"
	# netns_add turns IPv6 off: this test is about IPv6 too.
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
	    net.ipv6.conf.default.disable_ipv6=0 \
	    net.ipv6.conf.default.use_tempaddr=2 >/dev/null
done
if ! { ip -n "$NSR" link add br0 type bridge &&
    ip -n "$NSR" link set br0 type bridge stp_state 0 forward_delay 0 &&
    ip -n "$NSR" addr add 192.168.77.1/24 dev br0 &&
    ip -n "$NSR" addr add fd77::1/64 dev br0 nodad &&
    ip -n "$NSR" link set br0 up; }; then
	skip "cannot create the bridge"
fi
for c in a b; do
	ns=$NSR
	[ $c = a ] && ns=$NSA
	[ $c = b ] && ns=$NSB
	ip link add "eth0" netns "$ns" type veth peer name "v$c" \
	    netns "$NSR" &&
	    ip -n "$NSR" link set "v$c" master br0 &&
	    ip -n "$NSR" link set "v$c" up &&
	    ip netns exec "$ns" sysctl -qw net.ipv6.conf.eth0.use_tempaddr=2 \
	        >/dev/null &&
	    ip -n "$ns" link set eth0 up || skip "cannot create veth $c"
done

# The exporter first: it must see every DHCP message.
netns_bg "$NSR" "$MF_EXPORTER" -i br0 --devices -w "$T/f.ipfix" --stats \
    2>"$T/exporter.log"
EXPORTER=$BG
sleep 1

cat >"$T/dnsmasq.conf" <<END
interface=br0
bind-interfaces
port=0
dhcp-authoritative
dhcp-range=192.168.77.100,192.168.77.199,255.255.255.0,1h
dhcp-range=fd77::100,fd77::1ff,slaac,64,1h
enable-ra
ra-param=br0,4,600
dhcp-leasefile=$T/dnsmasq.leases
pid-file=$T/dnsmasq.pid
log-dhcp
END
netns_bg "$NSR" dnsmasq -d -C "$T/dnsmasq.conf" --user=root --group=root \
    2>"$T/dnsmasq.log"
DNSMASQ=$BG

# dhclient's script: addresses in the namespace, a mark when bound; it
# writes nothing outside (no resolv.conf).
cat >"$T/script" <<END
#!/bin/sh
case "\$reason" in
PREINIT|PREINIT6) ip link set "\$interface" up ;;
BOUND|RENEW|REBIND|REBOOT)
	ip addr replace "\$new_ip_address/\$new_subnet_mask" dev "\$interface"
	touch "$T/bound4-\$(ip netns identify)" ;;
BOUND6|RENEW6|REBIND6)
	ip -6 addr replace "\$new_ip6_address/\$new_ip6_prefixlen" \\
	    dev "\$interface" nodad
	touch "$T/bound6-\$(ip netns identify)" ;;
esac
exit 0
END
chmod +x "$T/script"
printf 'send host-name "kids-tablet";\nsend fqdn.fqdn "kids-tablet.home.";\n' \
    >"$T/a.conf"
printf 'send fqdn.fqdn "tv.home.";\n' >"$T/b6.conf"
: >"$T/b4.conf"
cp "$T/a.conf" "$T/a4.conf"
cp "$T/a.conf" "$T/a6.conf"

# wait_file FILE: until it exists, 30 s at most
wait_file() {
	_i=0
	while [ ! -e "$1" ] && [ $_i -lt 300 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -e "$1" ]
}

# The link-local address must be usable before DHCPv6 can start.
for ns in "$NSA" "$NSB"; do
	i=0
	while [ -n "$(ip -n "$ns" -6 addr show dev eth0 tentative)" ] &&
	    [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
done
for c in a b; do
	ns=$NSA
	[ $c = b ] && ns=$NSB
	netns_bg "$ns" dhclient -4 -d -cf "$T/${c}4.conf" -lf "$T/$c.lease4" \
	    -pf "$T/$c.pid4" -sf "$T/script" eth0 2>"$T/$c.dhclient4.log"
	netns_bg "$ns" dhclient -6 -d -cf "$T/${c}6.conf" -lf "$T/$c.lease6" \
	    -pf "$T/$c.pid6" -sf "$T/script" eth0 2>"$T/$c.dhclient6.log"
done
for ns in "$NSA" "$NSB"; do
	wait_file "$T/bound4-$ns" || fail "DHCPv4 lease in $ns" \
	    "$(cat "$T/dnsmasq.log")"
	wait_file "$T/bound6-$ns" || fail "DHCPv6 lease in $ns" \
	    "$(cat "$T/dnsmasq.log")"
done

# SLAAC and temporary addresses from the router advertisements: wait
# until each client has 4 global addresses (v4, DHCPv6, SLAAC, temporary)
# and none is tentative.
for ns in "$NSA" "$NSB"; do
	i=0
	while [ $i -lt 300 ]; do
		n=$(ip -n "$ns" -j addr show dev eth0 scope global |
		    python3 "$ADDRS" count)
		[ "$n" -ge 4 ] &&
		    [ -z "$(ip -n "$ns" addr show dev eth0 tentative)" ] && break
		sleep 0.1
		i=$((i + 1))
	done
	[ "$n" -ge 4 ] || fail "4 global addresses in $ns" "$n"
done

# Every global address talks to the router once.
for ns in "$NSA" "$NSB"; do
	for a in $(ip -n "$ns" -j addr show dev eth0 scope global |
	    python3 "$ADDRS" list); do
		case $a in
		*:*) dst=fd77::1 ;;
		*) dst=192.168.77.1 ;;
		esac
		ip netns exec "$ns" timeout 5 ping -q -c 1 -W 2 -I "$a" "$dst" \
		    >/dev/null 2>&1 || fail "ping from $a"
	done
done
sleep 1
stop_pid "$EXPORTER" 10 || fail "exporter stops on TERM"
for ns in "$NSA" "$NSB"; do
	ip -n "$ns" -j addr show dev eth0 scope global |
	    python3 "$ADDRS" list | sort >"$T/want-$ns"
	ip -n "$ns" -j link show dev eth0 |
	    python3 "$ADDRS" mac >"$T/mac-$ns"
done

printf '[reports]\nretention-days = 0\n' >"$T/minflow.conf"
with_timeout 120 "$MF_COLLECTOR" -C "$T/minflow.conf" -r "$T/f.ipfix" \
    -o "$T/r" 2>"$T/col.log" || fail "collector run" "$(cat "$T/col.log")"
python3 "$DEV" "$T/r" >"$T/devices"

# device NS: the collector's line for the client's MAC
device() { grep "^$(cat "$T/mac-$1") " "$T/devices"; }
field() { device "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# lease_name NS: the host name dnsmasq's lease file gives the client's
# DHCPv4 (A) or DHCPv6 (B) address: the name the server answered with.
lease_name() {
	for _a in $(cat "$T/want-$1"); do
		awk -v a="$_a" '$3 == a && $4 != "*" { print $4 }' \
		    "$T/dnsmasq.leases"
	done
}
assert_eq "client A named by DHCPv4" "kids-tablet kids-tablet dhcp" \
    "$(lease_name "$NSA" | head -n 1) $(field "$NSA" name) $(field "$NSA" source)"
assert_eq "client B named by DHCPv6" "tv tv dhcpv6" \
    "$(lease_name "$NSB") $(field "$NSB" name) $(field "$NSB" source)"
# veth MACs are random: locally administered, no vendor.
assert_eq "random MACs" "1 None 1 None" \
    "$(field "$NSA" random) $(field "$NSA" vendor) $(field "$NSB" random) $(field "$NSB" vendor)"
for ns in "$NSA" "$NSB"; do
	assert_eq "addresses of $ns" "$(tr '\n' ',' <"$T/want-$ns")" \
	    "$(field "$ns" addrs | tr ',' '\n' | sort | tr '\n' ',')"
done
counter() { awk -v k="$1" '$1 == k { print $2 }' "$T/exporter.log"; }
[ "$(counter device-records-exported)" -ge 4 ] ||
    fail "device records" "$(counter device-records-exported)"
assert_eq "DHCP messages all parsed" \
    "$(($(counter dhcp4-messages) + $(counter dhcp6-messages)))" \
    "$(counter dhcp-ok)"
finish
