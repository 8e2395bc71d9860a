#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# minflow-collector live, over UDP on 127.0.0.1, fed by four exporters that
# replay the same captures: minflow-exporter (IPFIX and NetFlow v9),
# softflowd 1.1.0 (-v 10, -v 9 and -v 5) and pmacct 1.7.7's pmacctd (nfprobe
# plugin, IPFIX).  For every peer and capture:
#  (a) the packets and bytes summed over every class of every report the
#      collector wrote (one collector per run, stopped with SIGTERM, which
#      writes the open report) equal the expectation computed from the
#      capture with tshark alone, by the peer's own counting rule (below);
#  (b) a real nfcapd (nfdump 1.7.1) sent the same peer's stream stores
#      exactly the same totals, so the collector decodes that peer as
#      nfdump does, and the collector accounted as many flow records as
#      nfcapd stored;
#  (c) the collector's exporter lines show one exporter of the expected
#      protocol, nothing undecodable and nothing lost, and its log has no
#      warning;
#  (d) for minflow-exporter, the live reports give the same totals and
#      per-class sums as the offline mode (-r) on the IPFIX file the
#      exporter writes from the same capture (collector_offline.sh checks
#      that offline equals tshark, class by class).
#
# The peers' counting rules, each derived from the peer's source and
# checked here against tshark on the captures used:
#  - minflow-exporter: the IP layer, as tests/integ/truth.py computes it
#    (IPv4 total length, IPv6 40 + payload length).
#  - softflowd counts, per packet, the wire length of the frame (the pcap
#    record's len, not caplen) minus the link header it skipped: 14 bytes
#    of Ethernet, plus 4 when the Ethernet type is 802.1Q (one tag only).
#    So it counts Ethernet padding (frames under 60 bytes are padded: a
#    40-byte TCP SYN counts 46) and a trailer or FCS if the capture holds
#    one.  Its packets are the frames whose Ethernet type (after that one
#    tag) is IPv4 or IPv6; with -v 5 it does not track IPv6 at all (no -6),
#    so the IPv6 frames are absent from the expectation.  Computed here from
#    tshark's frame.len, eth.type and vlan.etype.  On sample.pcap this is
#    84 bytes more than the IP layer (padding of small frames), on the home
#    capture 1260 more (6 frames padded by 6 bytes, 136 by 9).
#  - pmacctd's nfprobe counts the IP layer like truth.py (IPv4 total
#    length, IPv6 40 + payload length): on these two captures its totals
#    equal truth.py's exactly.  (Not on every capture: on
#    dns-amplification-rrsig-fragmented.pcap it drops 46 IP fragments, so
#    that capture is not used for it.)
#
# Live mode closes intervals by the wall clock: records replayed from an
# old capture land in the interval of their flow time until the collector's
# first tick, then count as late in the current wall-clock interval.  Only
# the sums over all reports are compared, and retention-days = 0 keeps the
# old-dated reports from being pruned before they are summed.
#
# What the collector counts as lost must be what RFC 7011's sequence rule
# gives on the peer's own messages: each peer also runs into
# ipfix_listen.py, and the rule is applied to the stored messages here.
# minflow-exporter and pmacctd follow the RFC (0 lost).  softflowd 1.1.0
# does not: its header carries the number of flow records sent up to AND
# INCLUDING this message (options records left out), not the data records
# sent before it, so the first message says 17 instead of 0 and the next
# ones are off by the difference in record counts of consecutive messages.
# That is a peer quirk, not a loss, but a collector must count it as one
# (nfcapd too reports "Sequence Errors" for it): 4 records on sample.pcap,
# 11 on the home capture, from its message sizes.
. "$MF_SRCDIR/tests/integ/lib.sh"
need tshark nfcapd nfdump softflowd pmacctd python3
need_shared
need_exporter
MF_COLLECTOR="$MF_BUILDDIR/minflow-collector"
[ -x "$MF_COLLECTOR" ] || skip "no $MF_COLLECTOR (build it first)"
mk_tmp

P=$MF_SHARED_DIR/pcaps
PY=$MF_TMP/live.py
LISTEN="$MF_SRCDIR/tests/integ/ipfix_listen.py"

cat >"$PY" <<'EOF'
# Helpers of collector_live.sh: sums from reports, softflowd's expectation.
import json
import os
import subprocess
import sys

CLASSES = ["in", "out", "inweb", "outweb", "internal", "external"]


def reports(d):
    out = []
    for day in sorted(os.listdir(d)):
        if day == "latest.json" or day.startswith("."):
            continue
        for f in sorted(os.listdir(os.path.join(d, day))):
            if f.endswith(".json"):
                with open(os.path.join(d, day, f)) as fp:
                    out.append(json.load(fp))
    return out


def cmd_totals(d):
    n = b = 0
    for r in reports(d):
        for k in CLASSES:
            n += r["summary"][k]["packets"]
            b += r["summary"][k]["bytes"]
    print(n, b)


def cmd_classes(d):
    c = {k: [0, 0] for k in CLASSES}
    for r in reports(d):
        for k in CLASSES:
            c[k][0] += r["summary"][k]["packets"]
            c[k][1] += r["summary"][k]["bytes"]
    for k in CLASSES:
        print(k, c[k][0], c[k][1])


def cmd_exporters(d):
    """
    "N PROTOCOLS records R lost L undecodable U" over the exporters the
    reports list.  The counters are totals since the collector started, so
    each exporter's largest value over all reports is its final one.
    """
    ex = {}
    for r in reports(d):
        for e in r["exporters"]:
            k = (e["address"], e["port"], e["observation_domain"],
                 e["protocol"])
            v = ex.setdefault(k, [0, 0, 0])
            v[0] = max(v[0], e["records"])
            v[1] = max(v[1], e["lost"])
            v[2] = max(v[2], e["undecodable"])
    protos = ",".join(sorted({k[3] for k in ex})) or "-"
    print(len(ex), protos, "records", sum(v[0] for v in ex.values()),
          "lost", sum(v[1] for v in ex.values()),
          "undecodable", sum(v[2] for v in ex.values()))


def cmd_softflowd(cap, which):
    """
    softflowd's packets and bytes: per frame of Ethernet type IPv4 (or, with
    which == "all", also IPv6) after at most one 802.1Q tag, the wire length
    minus 14, minus 4 more for the tag.
    """
    cmd = ["tshark", "-r", cap, "-n", "-T", "fields", "-E", "occurrence=f",
           "-e", "frame.len", "-e", "eth.type", "-e", "vlan.etype"]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         check=True, env=dict(os.environ, LC_ALL="C")).stdout
    want = {0x0800} if which == "v4" else {0x0800, 0x86DD}
    n = b = 0
    for line in out.decode().splitlines():
        col = (line.split("\t") + ["", "", ""])[:3]
        if not col[1]:
            sys.exit("softflowd: not an Ethernet frame: %r" % line)
        et = int(col[1], 16)
        skip = 14
        if et == 0x8100:
            et = int(col[2], 16)
            skip += 4
        if et in want:
            n += 1
            b += int(col[0]) - skip
    print(n, b)


def cmd_ipfix_lost(path):
    """
    Records lost by RFC 7011's rule over the IPFIX messages in path (one
    exporter, one observation domain): a message's sequence number should
    be the previous one's plus the data records (options records included)
    in the previous message; a forward gap counts, a step back does not.
    """
    import struct
    with open(path, "rb") as f:
        buf = f.read()
    tmpl = {}     # template id -> list of field lengths
    prev = None   # (sequence number, data records) of the previous message
    lost = 0
    off = 0
    while off < len(buf):
        ver, mlen, _, seq, _ = struct.unpack_from("!HHIII", buf, off)
        if ver != 10 or mlen < 16:
            sys.exit("ipfix-lost: bad message at %d" % off)
        msg = buf[off:off + mlen]
        off += mlen
        n = 0
        p = 16
        while p + 4 <= len(msg):
            sid, slen = struct.unpack_from("!HH", msg, p)
            body = msg[p + 4:p + slen]
            p += slen
            if sid in (2, 3):
                q = 0
                while q + 4 <= len(body):
                    tid, fc = struct.unpack_from("!HH", body, q)
                    q += 4
                    if fc == 0:
                        tmpl.pop(tid, None)
                        continue
                    if sid == 3:
                        q += 2
                    fl = []
                    for _ in range(fc):
                        ie, ln = struct.unpack_from("!HH", body, q)
                        q += 8 if ie & 0x8000 else 4
                        fl.append(ln)
                    tmpl[tid] = fl
            elif sid >= 256:
                fl = tmpl.get(sid)
                if fl is None:
                    sys.exit("ipfix-lost: data set %d before its template"
                             % sid)
                q = 0
                while q < len(body):
                    r = q
                    for ln in fl:
                        if ln == 65535 and r < len(body):
                            ln = body[r]
                            r += 1
                            if ln == 255 and r + 2 <= len(body):
                                ln = struct.unpack_from("!H", body, r)[0]
                                r += 2
                        r += ln
                    if r > len(body):
                        break       # set padding
                    n += 1
                    q = r
        if prev is not None:
            gap = (seq - prev[0] - prev[1]) & 0xFFFFFFFF
            if gap < 0x80000000:
                lost += gap
        prev = (seq, n)
    print(lost)


m = sys.argv[1]
if m == "ipfix-lost":
    cmd_ipfix_lost(sys.argv[2])
elif m == "totals":
    cmd_totals(sys.argv[2])
elif m == "classes":
    cmd_classes(sys.argv[2])
elif m == "exporters":
    cmd_exporters(sys.argv[2])
elif m == "softflowd":
    cmd_softflowd(sys.argv[2], sys.argv[3])
else:
    sys.exit("live.py: bad mode " + m)
EOF

py() { with_timeout 120 python3 "$PY" "$@"; }

# --- the peers: PEER CAPTURE HOST:PORT LOGFILE --------------------------
# Each replays CAPTURE as fast as it reads it and exits when done.

peer_mfx_ipfix() {
	with_timeout 60 "$MF_EXPORTER" -r "$1" -c "$2" -P ipfix --stats >"$3" 2>&1
}
peer_mfx_v9() {
	with_timeout 60 "$MF_EXPORTER" -r "$1" -c "$2" -P v9 --stats >"$3" 2>&1
}
# softflowd -r: reads the whole file, then expires every flow (exports it)
# and exits.  -c none: no control socket; -A milli: IPFIX times as
# flowStart/EndMilliseconds (v9 and v5 use sysUpTime, whatever -A says).
peer_sf() {
	with_timeout 60 softflowd -r "$2" -n "$3" -v "$1" -A milli -c none -d \
	    >"$4" 2>&1
}
peer_sf10() { peer_sf 10 "$@"; }
peer_sf9() { peer_sf 9 "$@"; }
peer_sf5() { peer_sf 5 "$@"; }
# pmacctd reading a savefile exits at its end (pcap_savefile_wait is false
# by default); the nfprobe plugin expires and exports all its flows when the
# core tells it to stop.  It sleeps 2 s before reading a savefile.
peer_pm10() {
	cat >"$3.conf" <<-CONF
	daemonize: false
	pcap_savefile: $1
	plugins: nfprobe
	nfprobe_receiver: $2
	nfprobe_version: 10
	CONF
	with_timeout 60 pmacctd -f "$3.conf" >"$3" 2>&1
}

# --- the collector ------------------------------------------------------

# start_collector DIR NETS: minflow-collector live on three free 127.0.0.1
# UDP ports (COL_IPFIX, COL_V9, COL_V5), no TCP listener; waits (at most
# 10 s) until all three are bound.  Sets COL_PID.
start_collector() {
	_d=$1
	mkdir -p "$_d"
	COL_IPFIX=$(free_udp_port)
	COL_V9=$(free_udp_port)
	COL_V5=$(free_udp_port)
	cat >"$_d/minflow.conf" <<-CONF
	[listen]
	ipfix-udp = 127.0.0.1:$COL_IPFIX
	ipfix-tcp =
	netflow-v9 = 127.0.0.1:$COL_V9
	netflow-v5 = 127.0.0.1:$COL_V5
	[networks]
	internal = $2
	[reports]
	dir = $_d/reports
	retention-days = 0
	CONF
	"$MF_COLLECTOR" -C "$_d/minflow.conf" 2>"$_d/collector.log" &
	COL_PID=$!
	track_pid "$COL_PID"
	_i=0
	for _p in $COL_IPFIX $COL_V9 $COL_V5; do
		while ! udp_listening "$_p"; do
			if ! kill -0 "$COL_PID" 2>/dev/null; then
				mf_log "collector exited at start-up:"
				cat "$_d/collector.log" >&2
				untrack_pid "$COL_PID"
				return 1
			fi
			_i=$((_i + 1))
			[ "$_i" -ge 100 ] && { mf_log "collector does not listen"; return 1; }
			sleep 0.1
		done
	done
	return 0
}

# stop_collector PORT: wait until the collector has read everything queued
# on PORT, let it account the last datagrams, then SIGTERM (writes the open
# report); fails if it had to be KILLed.
stop_collector() {
	_rc=0
	udp_wait_drained "$1" 10 || _rc=1
	sleep 0.3
	stop_pid "$COL_PID" 10 || _rc=1
	return $_rc
}

# --- one case -----------------------------------------------------------

# check NAME PEER CAPTURE NETS KIND EXPECTED-TOTALS EXPECTED-PROTOCOL
# KIND: ipfix, v9 or v5, the collector listener the peer is pointed at.
# The peer runs three times (its output is the same every time: it reads a
# file): to the collector, to nfcapd and, for IPFIX, to ipfix_listen.py,
# which stores the messages for working out the expected "lost" count.
check() {
	c_name=$1 c_peer=$2 c_cap=$3 c_nets=$4 c_kind=$5 c_want=$6 c_proto=$7
	c_d=$MF_TMP/$c_name
	mkdir -p "$c_d"
	if ! start_collector "$c_d/col" "$c_nets"; then
		fail "$c_name: collector start"
		return
	fi
	case $c_kind in
	ipfix) c_port=$COL_IPFIX ;;
	v9) c_port=$COL_V9 ;;
	v5) c_port=$COL_V5 ;;
	esac
	"peer_$c_peer" "$c_cap" "127.0.0.1:$c_port" "$c_d/peer-col.log"
	assert_eq "$c_name: peer exit status (to the collector)" 0 "$?" ||
	    tail -n 20 "$c_d/peer-col.log" | sed 's/^/#   /'
	stop_collector "$c_port" || fail "$c_name: collector stop"
	c_tot=$(py totals "$c_d/col/reports")
	assert_eq "$c_name: collector totals = expected" "$c_want" "$c_tot"
	c_exp=$(py exporters "$c_d/col/reports")
	c_recs=$(echo "$c_exp" | awk '{ print $4 }')
	c_lost=0
	if [ "$c_kind" = ipfix ]; then
		c_lost=$(record_lost "$c_peer" "$c_cap" "$c_d")
	fi
	assert_eq "$c_name: collector exporters" \
	    "1 $c_proto records $c_recs lost $c_lost undecodable 0" "$c_exp"
	assert_eq "$c_name: collector log without warnings" "" \
	    "$(grep -v ': info: ' "$c_d/col/collector.log")"

	c_nport=$(free_udp_port)
	if ! start_nfcapd "$c_d/nfcapd" "$c_nport"; then
		fail "$c_name: nfcapd start"
		return
	fi
	"peer_$c_peer" "$c_cap" "127.0.0.1:$c_nport" "$c_d/peer-nf.log"
	assert_eq "$c_name: peer exit status (to nfcapd)" 0 "$?"
	stop_nfcapd || fail "$c_name: nfcapd stop"
	nfcapd_dir_ok "$c_d/nfcapd" || fail "$c_name: nfcapd files"
	assert_eq "$c_name: nfcapd totals = collector totals" "$c_tot" \
	    "$(nfdump_flows totals "$c_d/nfcapd")"
	assert_eq "$c_name: nfcapd records = collector records" \
	    "$(nfdump_flows records "$c_d/nfcapd")" "$c_recs"
}

# record_lost PEER CAPTURE DIR: run PEER into ipfix_listen.py and print the
# records lost by RFC 7011's sequence rule over the stored messages.
record_lost() {
	r_port=$(free_udp_port)
	rm -f "$3/rec.ready"
	python3 "$LISTEN" listen udp 127.0.0.1 "$r_port" "$3/rec.ipfix" \
	    "$3/rec.ready" --max-time 120 2>"$3/rec.log" &
	r_pid=$!
	track_pid "$r_pid"
	r_i=0
	while [ ! -e "$3/rec.ready" ] && [ "$r_i" -lt 100 ]; do
		sleep 0.1
		r_i=$((r_i + 1))
	done
	"peer_$1" "$2" "127.0.0.1:$r_port" "$3/peer-rec.log" ||
	    mf_log "$3: peer to ipfix_listen.py failed"
	udp_wait_drained "$r_port" 10 || mf_log "$3: recorder not drained"
	sleep 0.2
	stop_pid "$r_pid" 10
	py ipfix-lost "$3/rec.ipfix"
}

# check_offline NAME CAPTURE NETS: minflow-exporter -w, minflow-collector
# -r; totals and per-class sums must equal the live runs' (NAME-mfx-*).
check_offline() {
	o_name=$1 o_cap=$2 o_nets=$3
	o_d=$MF_TMP/$o_name-offline
	mkdir -p "$o_d"
	with_timeout 60 "$MF_EXPORTER" -r "$o_cap" -w "$o_d/flows.ipfix" \
	    2>"$o_d/exporter.err"
	assert_eq "$o_name: offline exporter status" 0 "$?"
	printf '[networks]\ninternal = %s\n[reports]\nretention-days = 0\n' \
	    "$o_nets" >"$o_d/minflow.conf"
	with_timeout 60 "$MF_COLLECTOR" -C "$o_d/minflow.conf" \
	    -r "$o_d/flows.ipfix" -o "$o_d/reports" 2>"$o_d/collector.err"
	assert_eq "$o_name: offline collector status" 0 "$?"
	o_cls=$(py classes "$o_d/reports")
	for o_p in ipfix v9; do
		assert_eq "$o_name: live $o_p per-class sums = offline" \
		    "$o_cls" "$(py classes "$MF_TMP/$o_name-mfx-$o_p/col/reports")"
	done
}

# check_capture NAME CAPTURE NETS
check_capture() {
	k_name=$1 k_cap=$2 k_nets=$3
	k_ip=$(truth totals "$k_cap" 2>/dev/null)
	k_sf=$(py softflowd "$k_cap" all)
	k_sf4=$(py softflowd "$k_cap" v4)
	mf_log "$k_name: truth $k_ip, softflowd $k_sf, softflowd IPv4 $k_sf4"
	check "$k_name-mfx-ipfix" mfx_ipfix "$k_cap" "$k_nets" ipfix "$k_ip" ipfix
	check "$k_name-mfx-v9" mfx_v9 "$k_cap" "$k_nets" v9 "$k_ip" netflow-v9
	check_offline "$k_name" "$k_cap" "$k_nets"
	check "$k_name-softflowd-v10" sf10 "$k_cap" "$k_nets" ipfix "$k_sf" ipfix
	check "$k_name-softflowd-v9" sf9 "$k_cap" "$k_nets" v9 "$k_sf" netflow-v9
	check "$k_name-softflowd-v5" sf5 "$k_cap" "$k_nets" v5 "$k_sf4" netflow-v5
	check "$k_name-pmacctd-ipfix" pm10 "$k_cap" "$k_nets" ipfix "$k_ip" ipfix
}

# The bundled synthetic home network (tests/data/README.md): IPv4 and
# IPv6, an 802.1Q-tagged camera, small frames padded to 60 bytes.
check_capture sample "$MF_SAMPLE" "192.168.1.0/24;192.168.10.0/24;fd00:1::/64"
# Home/IoT LAN (2018, 642 s, 2000 frames): DHCP, DNS, mDNS, NTP, IPv6 ND,
# a horizontal telnet scan; 142 padded frames.
check_capture home-iot "$P/mixed-home-iot-telnet-hscan.pcap" \
    "192.168.2.0/24;fe80::/10"
finish
