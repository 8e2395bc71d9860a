# SPDX-License-Identifier: BSD-2-Clause
# Helpers for minflow's integration tests (POSIX sh; bash or dash). Source
# it from a test script in tests/integ/:
#
#   . "${MF_SRCDIR:-$(dirname "$0")/../..}/tests/integ/lib.sh"
#   need tshark nfcapd nfdump python3   # missing: exit 77 (skip), CI: fail
#   need_exporter                       # sets MF_EXPORTER
#   mk_tmp                              # MF_TMP, removed on exit
#   port=$(free_udp_port)
#   start_nfcapd "$MF_TMP/flows" "$port" || { fail "nfcapd start"; finish; }
#   with_timeout 120 "$MF_EXPORTER" ... -> 127.0.0.1:$port ...
#   stop_nfcapd || fail "nfcapd stop"   # drain, TERM: file is written
#   nfcapd_dir_ok "$MF_TMP/flows" || fail "nfcapd files"
#   assert_eq "sample totals" "$(truth totals "$MF_SAMPLE")" \
#       "$(nfdump_flows totals "$MF_TMP/flows")"
#   finish                              # exit 0, or 1 if any check failed
#
# Root only: netns_add NAME creates a network namespace that cleanup
# deletes, netns_pair joins two new ones by a veth pair, netns_bg NS CMD...
# starts CMD in one, tracked (BG = its PID), wait_listen NS ... waits for
# a server in one.
#
# assert_eq/assert_files_eq/fail record the failure and go on (they also
# return 1, so do not run the test under `set -e` unless you want it to
# stop at the first failed check). Output is TAP-like "ok - NAME" /
# "not ok - NAME" lines with the difference, for the automake .log file.
#
# Environment (set by automake's SH_LOG_COMPILER, defaults for running a
# test by hand from the source tree):
#   MF_SRCDIR    source tree (default: two levels above this file)
#   MF_BUILDDIR  build tree holding minflow-exporter (default: MF_SRCDIR)
#   MF_SHARED_DIR  the shared/ dir with pcaps/ (real captures, refer to them
#                as "$MF_SHARED_DIR/pcaps/NAME", never copy them); tests
#                that need it call need_shared first
#   CI           when non-empty, a missing tool or input is a failure
#                (exit 1), not a skip (exit 77)
#   MF_KEEP_TMP  when non-empty, the temp dir is kept for debugging
#   MF_TSHARK_CACHE  when set, a directory where tshark's answers are kept
#                (see tests/integ/shim/tshark)
#
# Everything a test starts must be started through these helpers (or
# registered with track_pid) so the EXIT trap can stop it. Only processes
# whose PID we recorded are ever signalled. Every wait is bounded.
#
# nfcapd output files: nfcapd 1.7.1 writes to DIR/nfcapd.current.PID and
# renames it at every rotation to DIR/nfcapd.YYYYMMDDhhmm, named after the
# start of the interval (local time). Rotation happens when the wall clock
# crosses a multiple of -t (default 300 s; start_nfcapd uses -t 3600, so a
# test run may still cross a full hour). On SIGTERM/SIGINT it writes and
# renames the current file the same way (checked), so after stop_nfcapd the
# directory holds one or more complete files. Read them ALL back with
# `nfdump -R DIR -o json` (every file in DIR, in name order; that is what
# nfdump_flows.py does when given the directory), never a single
# `nfdump -r FILE`, because a run that crosses a rotation leaves two files.
# A nfcapd.current.* file left behind means nfcapd was KILLed (incomplete;
# nfcapd_dir_ok reports it). nfcapd's own counts are in DIR.log after it
# stops: "Ident: 'none' Flows: N, Packets: N, Bytes: N, Sequence Errors: N".

# shellcheck shell=sh

MF_SKIP=77
MF_FAILED=0
MF_PIDS=""
MF_TMP=""
MF_NETNS=""

# shellcheck disable=SC3028 # BASH_SOURCE under bash, $0 (the test) otherwise
_lib_dir=$(cd "$(dirname -- "${BASH_SOURCE:-$0}")" 2>/dev/null && pwd)
: "${MF_SRCDIR:=$(cd "$_lib_dir/../.." 2>/dev/null && pwd)}"
: "${MF_BUILDDIR:=$MF_SRCDIR}"
: "${MF_SHARED_DIR:=}"
MF_TRUTH="$MF_SRCDIR/tests/integ/truth.py"
MF_NFDUMP_FLOWS="$MF_SRCDIR/tests/integ/nfdump_flows.py"
# shellcheck disable=SC2034 # used by the tests
MF_SAMPLE="$MF_SRCDIR/tests/data/sample.pcap"
# MF_TSHARK_CACHE (a directory): tshark's answers on the same bytes are
# remembered across tests and builds (tests/integ/shim/tshark says how);
# scripts/test sets it so the sanitizer run does not repeat the gcc run's.
if [ -n "${MF_TSHARK_CACHE:-}" ] && mkdir -p "$MF_TSHARK_CACHE" 2>/dev/null; then
    PATH="$MF_SRCDIR/tests/integ/shim:$PATH"
    export PATH
fi

mf_log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }

# skip (exit 77), or fail under CI, with a reason
skip() {
    if [ -n "${CI:-}" ]; then
        mf_log "FAIL (CI): would skip: $*"
        exit 1
    fi
    mf_log "SKIP: $*"
    exit "$MF_SKIP"
}

# need CMD...: every CMD must be on PATH
need() {
    for _c in "$@"; do
        command -v "$_c" >/dev/null 2>&1 || skip "required command '$_c' not found"
    done
}

# need_shared: the real captures must be there
need_shared() {
    if [ -z "$MF_SHARED_DIR" ] || [ ! -d "$MF_SHARED_DIR/pcaps" ]; then
        skip "MF_SHARED_DIR (${MF_SHARED_DIR:-unset}) has no pcaps/"
    fi
}

# need_exporter: the built binary must be there
need_exporter() {
    MF_EXPORTER="$MF_BUILDDIR/minflow-exporter"
    [ -x "$MF_EXPORTER" ] || skip "no $MF_EXPORTER (build it first)"
}

# need_collector: the built collector must be there; sets MF_COLLECTOR
need_collector() {
    MF_COLLECTOR="$MF_BUILDDIR/minflow-collector"
    [ -x "$MF_COLLECTOR" ] || skip "no $MF_COLLECTOR (build it first)"
}

# free_udp_port: print a UDP port on 127.0.0.1 that was free a moment ago
free_udp_port() {
    python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# free_tcp_port: print a TCP port on 127.0.0.1 that was free a moment ago
free_tcp_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# loopback_conf FILE REPORT_DIR PORT [TCP]: a collector configuration that
# takes IPFIX over UDP on 127.0.0.1:PORT (and over TCP on the address TCP
# if given; no other listener) and keeps every report in REPORT_DIR; append
# sections to FILE as needed
loopback_conf() {
    printf '[listen]\nipfix-udp = 127.0.0.1:%s\nipfix-tcp = %s\nnetflow-v9 =\nnetflow-v5 =\n[reports]\ndir = %s\nretention-days = 0\n' \
        "$3" "${4-}" "$2" >"$1"
}

# wait_nonempty FILE: until FILE exists and is not empty (at most 10 s)
wait_nonempty() {
    _w=0
    while [ ! -s "$1" ] && [ "$_w" -lt 100 ]; do
        sleep 0.1
        _w=$((_w + 1))
    done
    [ -s "$1" ]
}

# udp_listening PORT: is some socket bound to 127.0.0.1:PORT (UDP)?
udp_listening() {
    python3 "$MF_SRCDIR/tests/integ/udp_listening.py" "$1"
}

# track_pid PID: stop PID in cleanup
track_pid() { MF_PIDS="$MF_PIDS $1"; }

untrack_pid() {
    _new=""
    for _u in $MF_PIDS; do [ "$_u" = "$1" ] || _new="$_new $_u"; done
    MF_PIDS=$_new
}

# stop_pid PID [SECONDS]: TERM, wait up to SECONDS (default 10), then KILL.
# Returns 0 if it exited after TERM, 1 if it had to be KILLed.
stop_pid() {
    _pid=$1
    _limit=$(( ${2:-10} * 10 ))
    untrack_pid "$_pid"
    kill -0 "$_pid" 2>/dev/null || { wait "$_pid" 2>/dev/null; return 0; }
    kill -TERM "$_pid" 2>/dev/null
    _i=0
    while kill -0 "$_pid" 2>/dev/null; do
        if [ "$_i" -ge "$_limit" ]; then
            mf_log "PID $_pid ignored TERM for ${2:-10} s, sending KILL"
            kill -KILL "$_pid" 2>/dev/null
            wait "$_pid" 2>/dev/null
            return 1
        fi
        sleep 0.1
        _i=$((_i + 1))
    done
    wait "$_pid" 2>/dev/null
    return 0
}

# mk_tmp: create the test's temp dir (removed by cleanup); sets MF_TMP
mk_tmp() {
    [ -n "$MF_TMP" ] && return 0
    MF_TMP=$(mktemp -d "${TMPDIR:-/tmp}/minflow-test.XXXXXX") ||
        { mf_log "mktemp failed"; exit 99; }
}

# cleanup: stop everything we started, remove the temp dir. Set
# MF_KEEP_TMP=1 to keep the temp dir for debugging.
cleanup() {
    for _c in $MF_PIDS; do
        stop_pid "$_c" 5 || true
    done
    MF_PIDS=""
    # after the processes, which may run inside them
    for _n in $MF_NETNS; do
        ip netns del "$_n" 2>/dev/null
    done
    MF_NETNS=""
    if [ -n "$MF_TMP" ] && [ -d "$MF_TMP" ]; then
        if [ -n "${MF_KEEP_TMP:-}" ]; then
            mf_log "keeping $MF_TMP"
        else
            rm -rf "$MF_TMP"
        fi
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# netns_add NAME: create the network namespace NAME (give it a random
# part: tests run in parallel), deleted by cleanup after the tracked
# processes are stopped, with lo up, no IPv6 (no RS, no MLD), no IPv4
# forwarding and no reverse-path filter whatever the host has (a new
# namespace inherits its IPv4 settings).  Needs root; returns 1 with the
# reason on stderr.
netns_add() {
    ip netns add "$1" || return 1
    MF_NETNS="$MF_NETNS $1"
    ip -n "$1" link set lo up &&
        ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1 net.ipv4.ip_forward=0 \
        net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
        >/dev/null
}

# netns_bg NS CMD...: CMD in namespace NS in the background, tracked; sets
# BG to its PID (ip netns exec execs CMD, so $! is CMD itself; never
# background a shell function instead: $! would be a subshell's PID)
netns_bg() {
    _ns=$1
    shift
    ip netns exec "$_ns" "$@" &
    BG=$!
    track_pid $BG
}

# netns_pair NS_A IF_A ADDR_A NS_B IF_B ADDR_B: two namespaces made by
# netns_add, joined by a veth pair: IF_A in NS_A holds ADDR_A/24, IF_B in
# NS_B holds ADDR_B/24, both up.  Call after mk_tmp; skips the test (with
# the reason) where namespaces or the pair cannot be made.
netns_pair() {
    netns_add "$1" 2>"$MF_TMP/netns.err" ||
        skip "cannot create a network namespace: $(cat "$MF_TMP/netns.err")"
    netns_add "$4" 2>"$MF_TMP/netns.err" ||
        skip "cannot create a second network namespace: $(cat "$MF_TMP/netns.err")"
    if ! { ip link add "$2" netns "$1" type veth peer name "$5" netns "$4" &&
        ip -n "$1" addr add "$3/24" dev "$2" &&
        ip -n "$4" addr add "$6/24" dev "$5" &&
        ip -n "$1" link set "$2" up &&
        ip -n "$4" link set "$5" up; }; then
        skip "cannot create the veth pair"
    fi
}

# wait_listen NS PROTO PORT PID: until something in namespace NS listens
# on PROTO (tcp/udp) PORT, 10 s at most, while PID lives; 1 if not
wait_listen() {
    _i=0
    while [ -z "$(ip netns exec "$1" ss -Hln --"$2" "sport = :$3" \
        2>/dev/null)" ]; do
        kill -0 "$4" 2>/dev/null || return 1
        [ "$_i" -ge 100 ] && return 1
        sleep 0.1
        _i=$((_i + 1))
    done
}

# start_nfcapd DIR PORT: start nfcapd 1.7.1 in the foreground (as our
# child, so $! is its PID) bound to 127.0.0.1:PORT writing into DIR; wait
# (at most 10 s) until it listens. Sets MF_NFCAPD_PID and MF_NFCAPD_PORT;
# its log goes to DIR.log (the "Ident: ... Flows: N, Packets: ...,
# Sequence Errors: N" line is written there when it stops).
# The socket buffer is raised with -B 8 MiB (the kernel caps it at
# net.core.rmem_max): with the default 208 KiB, a burst of 100 datagrams of
# 1.4 kB sent at once already loses some (kernel drops, no error anywhere
# except nfcapd's "Sequence Errors" count, and only for gaps, not tail
# loss). Extra nfcapd options: MF_NFCAPD_OPTS.
start_nfcapd() {
    _dir=$1
    _port=$2
    mkdir -p "$_dir" || return 1
    # -C none: do not read /etc/nfdump/*.conf; -4 -b: IPv4 loopback only;
    # -t 3600: rotate rarely (files are still cut at the hour boundary).
    # shellcheck disable=SC2086 # MF_NFCAPD_OPTS is a word list
    nfcapd -C none -4 -b 127.0.0.1 -p "$_port" -w "$_dir" -t 3600 -B 8388608 ${MF_NFCAPD_OPTS:-} \
        >"$_dir.log" 2>&1 &
    MF_NFCAPD_PID=$!
    MF_NFCAPD_PORT=$_port
    track_pid "$MF_NFCAPD_PID"
    _i=0
    while ! udp_listening "$_port"; do
        if ! kill -0 "$MF_NFCAPD_PID" 2>/dev/null; then
            mf_log "nfcapd exited at startup:"; cat "$_dir.log" >&2
            untrack_pid "$MF_NFCAPD_PID"
            return 1
        fi
        _i=$((_i + 1))
        if [ "$_i" -ge 100 ]; then
            mf_log "nfcapd does not listen on 127.0.0.1:$_port after 10 s"
            cat "$_dir.log" >&2
            return 1
        fi
        sleep 0.1
    done
    return 0
}

# udp_wait_drained PORT [SECONDS]: wait (default at most 10 s) until the
# receive queue of the UDP socket bound to 127.0.0.1:PORT is empty in two
# reads 50 ms apart (Linux /proc/net/udp rx_queue). Returns 1 on timeout.
udp_wait_drained() {
    python3 "$MF_SRCDIR/tests/integ/udp_drained.py" "$1" "${2:-10}"
}

# stop_nfcapd: stop the nfcapd started by start_nfcapd, without losing data.
# nfcapd 1.7.1 on SIGTERM/SIGINT stops reading, writes and renames its file
# (flush: yes), but datagrams still queued in its socket at that moment are
# LOST (measured: 3000 datagrams sent, TERM right after, 12k-56k of 90k
# flows stored). So first wait until its socket's receive queue is empty,
# then MF_NFCAPD_SETTLE seconds (default 0.3) for the last datagrams read
# to be processed, then TERM and wait (at most 10 s) for it to exit. Call
# it only after the sender has exited. Fails if nfcapd had to be KILLed.
stop_nfcapd() {
    _rc=0
    if kill -0 "$MF_NFCAPD_PID" 2>/dev/null; then
        udp_wait_drained "$MF_NFCAPD_PORT" 10 || _rc=1
        sleep "${MF_NFCAPD_SETTLE:-0.3}"
    fi
    stop_pid "$MF_NFCAPD_PID" 10 || _rc=1
    return $_rc
}

# nfcapd_dir_ok DIR: after stop_nfcapd, DIR holds >= 1 complete file and no
# nfcapd.current.* leftovers
nfcapd_dir_ok() {
    set -- "$1"/nfcapd.current.*
    [ -e "$1" ] && { mf_log "leftover $1"; return 1; }
    set -- "${1%/*}"/nfcapd.2*
    [ -e "$1" ] || { mf_log "no nfcapd.YYYYMMDDhhmm file written"; return 1; }
    return 0
}

# start_collector CONF LOG PORT [OPTION...]: minflow-collector -C CONF
# [OPTION...] in the background, its output in LOG, tracked for cleanup;
# waits (at most 10 s) until something listens on 127.0.0.1:PORT (UDP).
# Sets MF_COLLECTOR_PID.
start_collector() {
    _conf=$1 _log=$2 _port=$3
    shift 3
    "$MF_BUILDDIR/minflow-collector" -C "$_conf" "$@" >"$_log" 2>&1 &
    MF_COLLECTOR_PID=$!
    track_pid "$MF_COLLECTOR_PID"
    _i=0
    while ! udp_listening "$_port" && [ "$_i" -lt 100 ]; do
        sleep 0.1
        _i=$((_i + 1))
    done
}

# udp_collector_conf FILE PORT REPORTS: a collector configuration in FILE
# listening for IPFIX on 127.0.0.1:PORT (UDP) only, reports in REPORTS (kept),
# no templates file; a test appends its own sections.
udp_collector_conf() {
    loopback_conf "$1" "$3" "$2"
    printf '[exporters]\ntemplates-file =\n' >>"$1"
}

# with_timeout SECONDS CMD...: run CMD with a time limit (exit 124 on expiry)
with_timeout() {
    _t=$1; shift
    timeout -k 5 "$_t" "$@"
}

# truth MODE FILE / nfdump_flows MODE DIR: the two sides of a comparison
truth() { with_timeout 300 python3 "$MF_TRUTH" "$@"; }
nfdump_flows() { with_timeout 300 python3 "$MF_NFDUMP_FLOWS" "$@"; }

# nfdump_check NAME DIR RECORDS: after stop_nfcapd, the flows nfcapd stored
# in DIR carry exactly the packets and bytes of $MF_TMP/truth.totals and
# $MF_TMP/truth.flows (truth totals / flows of the capture), in total and
# per 5-tuple; they are RECORDS records, none of zero packets.
nfdump_check() {
    nfcapd_dir_ok "$2" || fail "$1: nfcapd files"
    nfdump -R "$2" -o json >"$2.json" 2>/dev/null
    assert_eq "$1: totals" "$(cat "$MF_TMP/truth.totals")" \
        "$(nfdump_flows totals "$2.json")"
    assert_eq "$1: per 5-tuple" "$(cat "$MF_TMP/truth.flows")" \
        "$(nfdump_flows flows "$2.json")"
    assert_eq "$1: records" "$3" "$(nfdump_flows records "$2")"
    nfdump -R "$2" -o json 'packets = 0' >"$2.zero.json" 2>/dev/null
    assert_eq "$1: no zero-packet flow" 0 \
        "$(nfdump_flows records "$2.zero.json")"
}

# assert_eq NAME EXPECTED ACTUAL: record a failure (and show both) if they
# differ; multi-line values are shown as a unified diff.
assert_eq() {
    if [ "$2" = "$3" ]; then
        printf 'ok - %s\n' "$1"
        return 0
    fi
    MF_FAILED=$((MF_FAILED + 1))
    printf 'not ok - %s\n' "$1"
    case "$2$3" in
    *"
"*)
        mk_tmp
        printf '%s\n' "$2" >"$MF_TMP/.expected"
        printf '%s\n' "$3" >"$MF_TMP/.actual"
        diff -u "$MF_TMP/.expected" "$MF_TMP/.actual" | head -n 60 |
            sed 's/^/#   /'
        ;;
    *)
        printf '#   expected: %s\n#   actual:   %s\n' "$2" "$3"
        ;;
    esac
    return 1
}

# assert_files_eq NAME EXPECTED_FILE ACTUAL_FILE
assert_files_eq() {
    if cmp -s "$2" "$3"; then
        printf 'ok - %s\n' "$1"
        return 0
    fi
    MF_FAILED=$((MF_FAILED + 1))
    printf 'not ok - %s\n' "$1"
    diff -u "$2" "$3" | head -n 60 | sed 's/^/#   /'
    return 1
}

# fail NAME [WHY]: record a failure
fail() {
    MF_FAILED=$((MF_FAILED + 1))
    printf 'not ok - %s%s\n' "$1" "${2:+ ($2)}"
}

# finish: exit 0 if no assertion failed, else 1
finish() {
    if [ "$MF_FAILED" -eq 0 ]; then
        exit 0
    fi
    mf_log "$MF_FAILED check(s) failed"
    exit 1
}
