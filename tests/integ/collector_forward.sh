#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# [forward]: minflow-collector in front of a real nfcapd (nfdump 1.7.1),
# everything on 127.0.0.1 (part c inside a network namespace it creates).
#  (a) minflow-exporter -> collector ([forward] to = nfcapd) -> nfcapd
#      stores exactly what the same exporter run sent straight to another
#      nfcapd stores, and what tshark counts in the capture (totals and per
#      5-tuple): IPFIX over UDP, NetFlow v9, and IPFIX over TCP (forwarded
#      as UDP datagrams).  The collector's exit log counts every datagram
#      forwarded, none dropped.
#  (b) two minflow-exporters at once, both observation domain 0, both from
#      127.0.0.1 (two source ports), different captures:
#      domains = per-exporter: nfcapd lists two exporters, with the domains
#      the collector logged, each holding exactly one capture's totals;
#      domains = keep: nfcapd 1.7.1 (which tells exporters apart by
#      address, version and domain, not port) lists ONE exporter, domain 0,
#      holding the sum of both (their templates are the same, so every
#      record still decodes).
#  (d) records = normalised: the collector sends the records it decoded
#      (from IPFIX and from NetFlow v9 input) as its own IPFIX; nfcapd
#      stores exactly tshark's totals and 5-tuples, and one record per
#      record the exporter sent.
#  (c) source = original: nfcapd sees the exporter's address, not the
#      collector's.  Needs root and `ip netns` (raw sockets; a second
#      address on lo): the test re-runs itself inside a namespace it
#      creates and deletes; otherwise that part is skipped with the reason.
. "$MF_SRCDIR/tests/integ/lib.sh"
need tshark nfcapd nfdump python3
need_shared
need_exporter
need_collector
mk_tmp

P=$MF_SHARED_DIR/pcaps
CAP_A=$P/mixed-home-iot-telnet-hscan.pcap
CAP_B=$P/ipv6-http.pcap
ORIG_ADDR=192.0.2.2 # TEST-NET-1, on lo inside the namespace of (c)

# collector_conf FILE PORT FORWARD-TO SOURCE DOMAINS [RECORDS]: IPFIX
# over UDP (on LISTEN_ADDR, default 127.0.0.1) and TCP on PORT, NetFlow v9
# on V9PORT; reports beside FILE
collector_conf() {
	cat >"$1" <<-CONF
	[listen]
	ipfix-udp = ${LISTEN_ADDR:-127.0.0.1}:$2
	ipfix-tcp = 127.0.0.1:$2
	netflow-v9 = 127.0.0.1:$V9PORT
	netflow-v5 =
	[reports]
	dir = ${1%.conf}-reports
	retention-days = 0
	[forward]
	to = $3
	source = $4
	domains = $5
	records = ${6:-raw}
	CONF
}

# exporter_to CAPTURE HOST:PORT PROTO TRANSPORT STATSFILE
exporter_to() {
	with_timeout 120 "$MF_EXPORTER" -r "$1" -c "$2" -P "$3" -t "$4" \
	    --stats 2>"$5"
}

stat_of() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }

# flows DIR: DIR.json, the flows nfcapd stored with packets (the exporter's
# DNS records are options records, which nfcapd does not store as flows)
flows() { nfdump -R "$1" -o json 'packets > 0' >"$1.json" 2>/dev/null; }

# forwarded LOG DEST: "datagrams N dropped N errors N" of the exit log
forwarded() {
	sed -n "s/.*forward to $2: datagrams \([0-9]*\), bytes [0-9]*, dropped (buffer full) \([0-9]*\), errors \([0-9]*\).*/datagrams \1 dropped \2 errors \3/p" "$1" | tail -n 1
}

# exporters DIR: "IP version ID PACKETS BYTES" per exporter nfcapd stored
# (nfdump -E for the exporters, -o json for each one's records), sorted
exporters() {
	for _f in "$1"/nfcapd.2*; do nfdump -E "$_f"; done >"$1.exp"
	nfdump -R "$1" -o json >"$1.json" 2>/dev/null
	python3 "$MF_SRCDIR/tests/integ/nfdump_exporters.py" "$1.exp" "$1.json"
}

# --- (a) forwarded = direct = truth --------------------------------------
part_a() {
	a_truth=$(truth totals "$CAP_A")
	a_flows=$(truth flows "$CAP_A")
	for a_case in "ipfix udp" "v9 udp" "ipfix tcp"; do
		# shellcheck disable=SC2086 # two words
		set -- $a_case
		a_n="$1-$2"
		a_d=$MF_TMP/a-$a_n
		mkdir -p "$a_d"
		# straight to nfcapd
		port=$(free_udp_port)
		start_nfcapd "$a_d/direct" "$port" || { fail "$a_n: nfcapd"; continue; }
		exporter_to "$CAP_A" "127.0.0.1:$port" "$1" udp "$a_d/direct.stats"
		assert_eq "(a) $a_n: direct exporter status" 0 $?
		stop_nfcapd || fail "(a) $a_n: direct nfcapd stop"
		# through the collector
		port=$(free_udp_port)
		start_nfcapd "$a_d/fwd" "$port" || { fail "$a_n: nfcapd"; continue; }
		cport=$(free_udp_port)
		V9PORT=$(free_udp_port)
		collector_conf "$a_d/c.conf" "$cport" "127.0.0.1:$port" \
		    collector keep
		start_collector "$a_d/c.conf" "$a_d/c.log" "$cport"
		[ "$1" = v9 ] && cport=$V9PORT
		exporter_to "$CAP_A" "127.0.0.1:$cport" "$1" "$2" "$a_d/fwd.stats"
		assert_eq "(a) $a_n: exporter status" 0 $?
		if [ "$2" = udp ]; then
			udp_wait_drained "$cport" 10
			sleep 0.3
		else
			sleep 1 # the collector reads the stream to its end
		fi
		stop_pid "$MF_COLLECTOR_PID" || fail "(a) $a_n: collector stop"
		stop_nfcapd || fail "(a) $a_n: nfcapd stop"
		nfcapd_dir_ok "$a_d/fwd" || fail "(a) $a_n: nfcapd files"
		flows "$a_d/fwd"
		direct=$(nfdump_flows totals "$a_d/direct")
		assert_eq "(a) $a_n: direct = truth" "$a_truth" "$direct"
		assert_eq "(a) $a_n: forwarded = direct" "$direct" \
		    "$(nfdump_flows totals "$a_d/fwd")"
		assert_eq "(a) $a_n: forwarded per 5-tuple = truth" "$a_flows" \
		    "$(nfdump_flows flows "$a_d/fwd.json")"
		# nfcapd's own counts, its sequence errors included
		assert_eq "(a) $a_n: nfcapd's summary, forwarded = direct" \
		    "$(grep '^Ident:' "$a_d/direct.log")" \
		    "$(grep '^Ident:' "$a_d/fwd.log")"
		assert_eq "(a) $a_n: forwarded records" \
		    "$(stat_of records-exported "$a_d/fwd.stats")" \
		    "$(nfdump_flows records "$a_d/fwd.json")"
		assert_eq "(a) $a_n: collector counts" \
		    "datagrams $(stat_of messages "$a_d/fwd.stats") dropped 0 errors 0" \
		    "$(forwarded "$a_d/c.log" "127.0.0.1:$port")"
	done
}

# --- (b) two exporters, both domain 0 -------------------------------------
# run_two NAME DOMAINS: both exporters at once through one collector
run_two() {
	b_d=$MF_TMP/b-$1
	mkdir -p "$b_d"
	port=$(free_udp_port)
	start_nfcapd "$b_d/nf" "$port" || { fail "(b) $1: nfcapd"; return 1; }
	cport=$(free_udp_port)
	V9PORT=$(free_udp_port)
	collector_conf "$b_d/c.conf" "$cport" "127.0.0.1:$port" collector "$2"
	start_collector "$b_d/c.conf" "$b_d/c.log" "$cport"
	exporter_to "$CAP_A" "127.0.0.1:$cport" ipfix udp "$b_d/a.stats" &
	b_pid=$!
	track_pid "$b_pid"
	exporter_to "$CAP_B" "127.0.0.1:$cport" ipfix udp "$b_d/b.stats"
	assert_eq "(b) $1: exporter B status" 0 $?
	wait "$b_pid"
	assert_eq "(b) $1: exporter A status" 0 $?
	untrack_pid "$b_pid"
	udp_wait_drained "$cport" 10
	sleep 0.3
	stop_pid "$MF_COLLECTOR_PID" || fail "(b) $1: collector stop"
	stop_nfcapd || fail "(b) $1: nfcapd stop"
	nfcapd_dir_ok "$b_d/nf" || fail "(b) $1: nfcapd files"
}

part_b() {
	# shellcheck disable=SC2046 # four numbers
	set -- $(truth totals "$CAP_A") $(truth totals "$CAP_B")
	b_ta="$1 $2"
	b_tb="$3 $4"
	b_sum="$(($1 + $3)) $(($2 + $4))"

	run_two per-exporter per-exporter
	# the domains the collector gave, as it logged them
	b_ids=$(sed -n 's/.*forward: exporter 127\.0\.0\.1 port [0-9]* IPFIX domain 0 is domain \([0-9]*\) downstream/\1/p' \
	    "$b_d/c.log" | sort)
	assert_eq "(b) per-exporter: two mappings logged" 2 \
	    "$(echo "$b_ids" | grep -c .)"
	b_got=$(exporters "$b_d/nf")
	mf_log "(b) per-exporter: nfcapd stored: $(echo "$b_got" | tr '\n' ';')"
	assert_eq "(b) per-exporter: nfcapd's exporters and domains" \
	    "$(echo "$b_ids" | sed 's/^/127.0.0.1 10 /')" \
	    "$(echo "$b_got" | cut -d' ' -f1-3 | sort)"
	assert_eq "(b) per-exporter: each exporter's totals" \
	    "$(printf '%s\n%s\n' "$b_ta" "$b_tb" | sort)" \
	    "$(echo "$b_got" | cut -d' ' -f4-5 | sort)"

	run_two keep keep
	b_got=$(exporters "$b_d/nf")
	mf_log "(b) keep: nfcapd stored: $(echo "$b_got" | tr '\n' ';')"
	assert_eq "(b) keep: one exporter, domain 0, both captures" \
	    "127.0.0.1 10 0 $b_sum" "$b_got"
	assert_eq "(b) keep: no mapping" "" "$(grep 'is domain' "$b_d/c.log")"
}

# --- (c) source = original, inside a network namespace --------------------
# Run inside the namespace (by part_c): lo up with a second address, an
# exporter sending from it, nfcapd told the source address.
part_c_inside() {
	if ! ip link set lo up || ! ip addr add "$ORIG_ADDR/32" dev lo; then
		fail "(c) namespace addresses"
		return
	fi
	LISTEN_ADDR=0.0.0.0
	for c_src in original collector; do
		c_d=$MF_TMP/c-$c_src
		mkdir -p "$c_d"
		port=$(free_udp_port)
		start_nfcapd "$c_d/nf" "$port" || { fail "(c) nfcapd"; continue; }
		cport=$(free_udp_port)
		V9PORT=$(free_udp_port)
		collector_conf "$c_d/c.conf" "$cport" "127.0.0.1:$port" \
		    "$c_src" keep
		start_collector "$c_d/c.conf" "$c_d/c.log" "$cport"
		exporter_to "$CAP_B" "$ORIG_ADDR:$cport" ipfix udp "$c_d/x.stats"
		assert_eq "(c) $c_src: exporter status" 0 $?
		udp_wait_drained "$cport" 10
		sleep 0.3
		stop_pid "$MF_COLLECTOR_PID" || fail "(c) $c_src: collector stop"
		stop_nfcapd || fail "(c) $c_src: nfcapd stop"
		want=127.0.0.1
		[ "$c_src" = original ] && want=$ORIG_ADDR
		assert_eq "(c) source = $c_src: nfcapd's exporter address" \
		    "$want 10 0 $(truth totals "$CAP_B")" "$(exporters "$c_d/nf")"
		assert_eq "(c) source = $c_src: collector counts" \
		    "datagrams $(stat_of messages "$c_d/x.stats") dropped 0 errors 0" \
		    "$(forwarded "$c_d/c.log" "127.0.0.1:$port")"
	done
}

part_c() {
	if [ "$(id -u)" != 0 ]; then
		printf 'ok - (c) source = original # SKIP not root (needs CAP_NET_RAW and ip netns)\n'
		return
	fi
	if ! command -v ip >/dev/null 2>&1; then
		printf 'ok - (c) source = original # SKIP no ip(8)\n'
		return
	fi
	NS=minflow-fwd-$$
	if ! ip netns add "$NS" 2>"$MF_TMP/netns.err"; then
		printf 'ok - (c) source = original # SKIP ip netns add: %s\n' \
		    "$(head -n 1 "$MF_TMP/netns.err")"
		return
	fi
	trap 'cleanup; ip netns del "$NS" 2>/dev/null' EXIT
	MF_FWD_PART=c ip netns exec "$NS" sh "$0"
	rc=$?
	ip netns del "$NS" || fail "(c) ip netns del $NS"
	trap cleanup EXIT
	[ "$rc" -eq 0 ] || fail "(c) inside the namespace" "status $rc"
}

if [ "${MF_FWD_PART:-}" = c ]; then
	part_c_inside
	finish
fi
# --- (d) normalised records ------------------------------------------------
part_d() {
	d_truth=$(truth totals "$CAP_A")
	d_flows=$(truth flows "$CAP_A")
	for d_proto in ipfix v9; do
		d_d=$MF_TMP/d-$d_proto
		mkdir -p "$d_d"
		port=$(free_udp_port)
		start_nfcapd "$d_d/fwd" "$port" || { fail "(d) nfcapd"; continue; }
		cport=$(free_udp_port)
		V9PORT=$(free_udp_port)
		collector_conf "$d_d/c.conf" "$cport" "127.0.0.1:$port" \
		    collector keep normalised
		start_collector "$d_d/c.conf" "$d_d/c.log" "$cport"
		[ "$d_proto" = v9 ] && cport=$V9PORT
		exporter_to "$CAP_A" "127.0.0.1:$cport" "$d_proto" udp \
		    "$d_d/fwd.stats"
		assert_eq "(d) $d_proto: exporter status" 0 $?
		udp_wait_drained "$cport" 10
		sleep 0.3
		# SIGTERM: the collector sends what it holds, then exits
		stop_pid "$MF_COLLECTOR_PID" || fail "(d) $d_proto: collector stop"
		stop_nfcapd || fail "(d) $d_proto: nfcapd stop"
		flows "$d_d/fwd"
		assert_eq "(d) $d_proto: normalised = truth" "$d_truth" \
		    "$(nfdump_flows totals "$d_d/fwd")"
		assert_eq "(d) $d_proto: normalised per 5-tuple = truth" \
		    "$d_flows" "$(nfdump_flows flows "$d_d/fwd.json")"
		assert_eq "(d) $d_proto: one record per record" \
		    "$(stat_of records-exported "$d_d/fwd.stats")" \
		    "$(nfdump_flows records "$d_d/fwd.json")"
	done
}

part_a
part_b
part_d
part_c
finish
