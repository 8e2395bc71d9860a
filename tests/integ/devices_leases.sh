#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Devices from a lease file: minflow-exporter -r CAPTURE --leases FILE
# -w F.ipfix, minflow-collector -r F.ipfix.  The capture is the shared
# mixed-windows-browsing-http-https (one Windows host, 192.168.100.206,
# MAC 12:a9:86:6c:77:de).  The lease file (dnsmasq format) names it,
# gives a DHCPv6 lease of a host the capture never shows (MAC from its
# DUID-LLT), one of a DUID-EN (no MAC: no device) and a line of neither
# format.  Checked exactly:
# - the host's device carries the lease's name (source "lease"), its one
#   address, and bytes (out + in, summed over the reports) equal to the
#   IP lengths tshark sums over every frame to or from 192.168.100.206;
#   top.devices gives it the same bytes;
# - the DHCPv6 lease is a device of its own with its name and address
#   (52:54:00 is a locally administered MAC: random_mac true);
# - the exporter's counters: 4 lease lines + duid line, 1 bad, 1 without
#   a MAC, 2 device records.
# A live collector with an archive writes the two device records into
# it, and the archive read back gives the same devices.  NetFlow v9 carries no
# device records: the same run with -P v9 counts both as not sent.
# Then the devices' anomalies, on the shared nmap-syn-scan-1000-ports
# capture (the scanner 172.16.0.8 is internal): in every report each
# device lists exactly the types of the report's anomalies of internal
# side that name its MAC, and the scanner's lists port_scan_vertical and
# syn_scan.  A lease names the scanner: each anomaly entry's device_name
# is the name its device has in the report's devices (scanner-pc).
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3 tshark
need_shared
need_exporter
need_collector
mk_tmp

CAP=$MF_SHARED_DIR/pcaps/mixed-windows-browsing-http-https.pcap
DEV=$MF_SRCDIR/tests/integ/devices_report.py
cat >"$MF_TMP/leases" <<'END'
0 12:a9:86:6c:77:de 192.168.100.206 win-laptop 01:12:a9:86:6c:77:de
duid 00:01:00:01:2a:2b:2c:2d:02:00:00:00:00:01
1700003600 1 2001:db8::1c4f host1 00:01:00:01:2a:2b:2c:2d:52:54:00:12:34:56
1700003600 2 2001:db8::2 other 00:02:00:00:ab:11:aa:bb
not a lease line
END
printf '[reports]\nretention-days = 0\n' >"$MF_TMP/minflow.conf"

with_timeout 120 "$MF_EXPORTER" -r "$CAP" --leases "$MF_TMP/leases" \
    -w "$MF_TMP/f.ipfix" --stats 2>"$MF_TMP/stats" ||
    fail "exporter run"
counter() { awk -v k="$1" '$1 == k { print $2 }' "$MF_TMP/stats"; }
assert_eq "lease lines" 5 "$(counter lease-lines)"
assert_eq "lease bad lines" 1 "$(counter lease-bad-lines)"
assert_eq "lease without MAC" 1 "$(counter lease-no-mac)"
assert_eq "device records" 2 "$(counter device-records-exported)"

with_timeout 120 "$MF_COLLECTOR" -C "$MF_TMP/minflow.conf" \
    -r "$MF_TMP/f.ipfix" -o "$MF_TMP/r" 2>"$MF_TMP/col.log" ||
    fail "collector run"
got=$(python3 "$DEV" "$MF_TMP/r")
bytes=$(tshark -r "$CAP" -Y 'ip.addr == 192.168.100.206' -T fields \
    -e ip.len 2>/dev/null | awk '{ s += $1 } END { print s }')
[ "${bytes:-0}" -gt 0 ] || fail "tshark sum"
line=$(printf '%s\n' "$got" | grep '^12:a9:86:6c:77:de ')
assert_eq "named by the lease" "win-laptop lease 192.168.100.206 1" \
    "$(printf '%s\n' "$line" | sed -n 's/.* name=\([^ ]*\) source=\([^ ]*\) vendor=[^ ]* random=\([01]\) .* addrs=\(.*\)/\1 \2 \4 \3/p')"
assert_eq "device bytes = tshark" "bytes=$bytes" \
    "$(printf '%s\n' "$line" | grep -o 'bytes=[0-9]*')"
assert_eq "top.devices bytes = tshark" "12:a9:86:6c:77:de bytes=$bytes" \
    "$(python3 "$DEV" --top "$MF_TMP/r" | grep '^12:a9:86:6c:77:de ')"
assert_eq "DHCPv6 lease device" \
    "52:54:00:12:34:56 name=host1 source=lease vendor=None random=1 bytes=0 packets=0 flows=0 addrs=2001:db8::1c4f" \
    "$(printf '%s\n' "$got" | grep '^52:54:00:12:34:56 ')"
assert_eq "no device for the DUID-EN lease" "" \
    "$(printf '%s\n' "$got" | grep 'addrs=2001:db8::2$')"

# The archive keeps the device records (minflow-archive(5)): a live
# collector with [archive] takes the same run over UDP and writes both
# into it, and its archive read back gives the same devices, names,
# addresses and bytes as the run above.
port=$(free_udp_port)
udp_collector_conf "$MF_TMP/live.conf" "$port" "$MF_TMP/live"
printf '[archive]\ndir = %s\n' "$MF_TMP/archive" >>"$MF_TMP/live.conf"
start_collector "$MF_TMP/live.conf" "$MF_TMP/live.log" "$port"
udp_listening "$port" || fail "live collector starts" "$(cat "$MF_TMP/live.log")"
with_timeout 120 "$MF_EXPORTER" -r "$CAP" --leases "$MF_TMP/leases" \
    -c "127.0.0.1:$port" 2>"$MF_TMP/live-exp.log" || fail "exporter live run"
udp_wait_drained "$port" 10 || fail "live collector drained its socket"
sleep 0.3
stop_pid "$MF_COLLECTOR_PID" 10 || fail "live collector stops on SIGTERM"
assert_eq "archive: device records written" 2 \
    "$(sed -n 's/.*archive: files.*, device records \([0-9]*\),.*/\1/p' \
        "$MF_TMP/live.log")"
with_timeout 120 "$MF_COLLECTOR" -C "$MF_TMP/minflow.conf" \
    -r "$MF_TMP"/archive/*/*.ipfix -o "$MF_TMP/rb" 2>"$MF_TMP/back.log" ||
    fail "collector run on the archive" "$(cat "$MF_TMP/back.log")"
assert_eq "archive read back: the same devices" "$got" \
    "$(python3 "$DEV" "$MF_TMP/rb")"

# v9 (to a free port: nothing needs to listen) sends no device records.
port=$(free_udp_port)
with_timeout 120 "$MF_EXPORTER" -r "$CAP" --leases "$MF_TMP/leases" -P v9 \
    -c "127.0.0.1:$port" --stats 2>"$MF_TMP/stats" || fail "exporter v9 run"
assert_eq "v9: device records not sent" "0 2" \
    "$(counter device-records-exported) $(counter device-records-not-sent)"

SCAN=$MF_SHARED_DIR/pcaps/nmap-syn-scan-1000-ports.pcapng
printf '0 00:25:b3:bf:91:ee 172.16.0.8 scanner-pc *\n' >"$MF_TMP/s.leases"
with_timeout 120 "$MF_EXPORTER" -r "$SCAN" --leases "$MF_TMP/s.leases" \
    -w "$MF_TMP/s.ipfix" ||
    fail "exporter run (scan)"
with_timeout 120 "$MF_COLLECTOR" -C "$MF_TMP/minflow.conf" \
    -r "$MF_TMP/s.ipfix" -o "$MF_TMP/rs" 2>>"$MF_TMP/col.log" ||
    fail "collector run (scan)"
python3 "$DEV" --anomalies "$MF_TMP/rs" >"$MF_TMP/anom"
assert_eq "each device lists the anomalies naming it" \
    "$(sed -n 's/^entry //p' "$MF_TMP/anom")" \
    "$(sed -n 's/^device //p' "$MF_TMP/anom")"
assert_eq "each anomaly entry names its device" \
    "$(sed -n 's/^entry //p' "$MF_TMP/anom")" \
    "$(sed -n 's/^named //p' "$MF_TMP/anom")"
assert_eq "the scanner's anomalies" \
    "00:25:b3:bf:91:ee port_scan_vertical,syn_scan" \
    "$(sed -n 's/^device [0-9]* //p' "$MF_TMP/anom" | sort -u)"
assert_eq "each anomaly entry's device_name is its device's name" \
    "$(sed -n 's/^tname //p' "$MF_TMP/anom")" \
    "$(sed -n 's/^dname //p' "$MF_TMP/anom")"
assert_eq "the scanner's anomalies name it by its lease" \
    "00:25:b3:bf:91:ee scanner-pc" \
    "$(sed -n 's/^dname [0-9]* //p' "$MF_TMP/anom" | sort -u)"
finish
