# SPDX-License-Identifier: BSD-2-Clause
# Sourced by tests/interop/sm_compat.sh and super_mediator.sh (after
# tests/integ/lib.sh): sm_archive_run DIR CAPTURE starts a collector on
# 127.0.0.1 with [archive] dir = DIR/archive and compat = super_mediator,
# sends it CAPTURE with minflow-exporter uniflow and then --biflow, stops
# it, and sets SM_SENT to the flow records the exporter sent.  With
# SM_FORWARD_TO=tcp://HOST:PORT the collector also forwards what it reads
# there, normalised, with [forward] compat = super_mediator.
sm_archive_run() {
	_d=$1
	mkdir -p "$_d"
	_port=$(free_udp_port)
	loopback_conf "$_d/c.conf" "$_d/reports" "$_port"
	printf '[archive]\ndir = %s\ncompat = super_mediator\n' \
	    "$_d/archive" >>"$_d/c.conf"
	[ -z "${SM_FORWARD_TO:-}" ] ||
	    printf '[forward]\nto = %s\nrecords = normalised\ncompat = %s\n' \
	    "$SM_FORWARD_TO" super_mediator >>"$_d/c.conf"
	start_collector "$_d/c.conf" "$_d/c.log" "$_port"
	SM_SENT=0
	for _how in "" --biflow; do
		# shellcheck disable=SC2086 # no option, or one
		with_timeout 120 "$MF_EXPORTER" -r "$2" $_how --stats \
		    -c "127.0.0.1:$_port" 2>"$_d/exp.log" ||
		    fail "archive: exporter"
		SM_SENT=$((SM_SENT + $(awk '$1 == "records-exported" {
		    print $2 }' "$_d/exp.log")))
	done
	udp_wait_drained "$_port" 10 || fail "archive: collector queue"
	sleep 0.3
	stop_pid "$MF_COLLECTOR_PID" || fail "archive: collector stop"
}
