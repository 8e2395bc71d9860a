#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Records late for their interval, and the report saying why (issue 18:
# an exporter whose idle timeout exceeds the collector's grace, YAF's
# 300 s, had 258 records late on a 5-minute capture and nothing said
# why).  minflow-exporter exports the 10-minute home capture as YAF
# would (--idle-timeout 300 --active-timeout 1800) and as it does by
# default; minflow-collector -r reads each:
#  - YAF-like, grace 65 (the default): records are late, and the
#    exporter's line of the last report gives export_delay_ms, longer
#    than the grace, with the late records; the log says why, naming the
#    exporter and what to change;
#  - the same with grace 600: nothing late (the remedy the log names);
#  - default timeouts: nothing late, no export_delay_ms, no warning.
. "$MF_SRCDIR/tests/integ/lib.sh"
need python3
need_shared
need_exporter
need_collector
mk_tmp
T=$MF_TMP
CAP=$MF_SHARED_DIR/pcaps/mixed-home-iot-telnet-hscan.pcap

"$MF_EXPORTER" -r "$CAP" -w "$T/yaf.ipfix" --idle-timeout 300 \
    --active-timeout 1800 2>"$T/exp.log" || fail "exporter (YAF-like)"
"$MF_EXPORTER" -r "$CAP" -w "$T/def.ipfix" 2>>"$T/exp.log" ||
    fail "exporter (defaults)"

# run NAME FILE GRACE: collector -r; prints "late delay_ms" from the last
# report's exporter line (delay "-" when absent) and the log's late count
run() {
	printf '[reports]\ngrace = %s\nretention-days = 0\n' "$3" >"$T/$1.conf"
	"$MF_COLLECTOR" -C "$T/$1.conf" -r "$2" -o "$T/$1" 2>"$T/$1.log" ||
	    fail "$1: collector -r" "$(cat "$T/$1.log")"
	python3 - "$T/$1/latest.json" "$T/$1.log" <<'PYEOF'
import json, re, sys
e = json.load(open(sys.argv[1]))["exporters"][0]
late = re.findall(r"info: records \d+, late (\d+),", open(sys.argv[2]).read())
print(e["late_records"], e.get("export_delay_ms", "-"), late[-1] if late else "?")
PYEOF
}

# shellcheck disable=SC2046 # three numbers
set -- $(run yaf "$T/yaf.ipfix" 65)
mf_log "YAF-like, grace 65: late $1, export delay $2 ms, log late $3"
[ "${1:-0}" -gt 0 ] || fail "YAF-like, grace 65: records are late" "$*"
assert_eq "the report's late records = the collector's count" "$1" "$3"
[ "$2" != - ] && [ "$2" -gt 65000 ] && [ "$2" -le 1800000 ] ||
    fail "export_delay_ms says longer than the grace" "$2"
grep -q "records late, for intervals already reported: its records arrive up to [0-9]* s after their flows end, longer than the collector waits (\[reports\] grace); raise grace" "$T/yaf.log" ||
    fail "the log says why, and what to change" "$(cat "$T/yaf.log")"
[ "$(grep -c 'records late, for intervals' "$T/yaf.log")" -le 2 ] ||
    fail "the warning is rate-limited"
assert_eq "YAF-like, grace 600: nothing late" "0 - 0" \
    "$(run long "$T/yaf.ipfix" 600)"
assert_eq "default timeouts: nothing late, no delay" "0 - 0" \
    "$(run def "$T/def.ipfix" 65)"
assert_eq "default timeouts: no warning" 0 \
    "$(grep -c 'records late' "$T/def.log")"
finish
