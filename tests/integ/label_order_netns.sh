#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A flow is named by the DNS answer that came before it, even when another
# name for the same address is resolved while the flow is still open: a
# page on www.news.example whose images come from img.news.example, one
# address for both (a CDN).  In two network namespaces made here, a client
# asks dnsmasq for www.news.example, fetches a page with curl, asks for
# img.news.example a second later (the first connection is still in the
# exporter's cache, which holds a closed flow 2 s), fetches again, and the
# same once more with the names the other way round.  The exporter reads
# the tcpdump capture; each connection's label must be the one tshark's
# view of the capture gives by the rule (label_order.py), and the first
# connection's must be www.news.example.
. "$MF_SRCDIR/tests/integ/lib.sh"
need ip ss tcpdump tshark dnsmasq dig curl python3 ipfixDump timeout
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
need_exporter
mk_tmp

T=$MF_TMP
RAND=$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')
NSC=mf-$RAND-cli
NSS=mf-$RAND-srv
CLI=10.205.1.1
SRV=10.205.1.2
netns_pair "$NSC" vethC "$CLI" "$NSS" vethS "$SRV"
inC() { ip netns exec "$NSC" "$@"; }

netns_bg "$NSS" dnsmasq -d -C /dev/null --no-resolv --no-hosts -p 53 \
    --address=/news.example/"$SRV" --listen-address="$SRV" \
    --bind-interfaces --pid-file="$T/dnsmasq.pid" 2>"$T/dnsmasq.log"
DNSMASQ=$BG
wait_listen "$NSS" udp 53 "$DNSMASQ" || fail "dnsmasq listens" "$(cat "$T/dnsmasq.log")"
mkdir -p "$T/www" && echo hello >"$T/www/index.html"
netns_bg "$NSS" python3 -m http.server --bind "$SRV" --directory "$T/www" \
    8000 >"$T/http.log" 2>&1
HTTPD=$BG
wait_listen "$NSS" tcp 8000 "$HTTPD" || fail "http.server listens" "$(cat "$T/http.log")"
netns_bg "$NSC" tcpdump -Z root -U -n -i vethC -w "$T/c.pcap" ip \
    2>"$T/tcpdump.log"
TCPDUMP=$BG
i=0
while ! grep -q '^tcpdump: listening on' "$T/tcpdump.log" && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done

# resolve NAME, then fetch the page from the address it gave
fetch() {
	_a=$(inC timeout 10 dig +short +tries=1 +time=3 @"$SRV" "$1" A)
	[ "$_a" = "$SRV" ] || fail "dig $1" "$_a"
	inC timeout 10 curl -sS -o /dev/null "http://$_a:8000/" \
	    2>>"$T/curl.log" || fail "curl after $1" "$(cat "$T/curl.log")"
}
fetch www.news.example
sleep 1
fetch img.news.example
sleep 4 # both flows leave the cache before the next pair
fetch img.news.example
sleep 1
fetch www.news.example
sleep 1
stop_pid "$TCPDUMP" 10 || fail "tcpdump stops"
stop_pid "$HTTPD" 10 || fail "http.server stops"
stop_pid "$DNSMASQ" 10 || fail "dnsmasq stops"

"$MF_EXPORTER" -r "$T/c.pcap" -w "$T/c.ipfix" 2>"$T/exp.log"
assert_eq "exporter exit status" 0 $?
python3 "$MF_SRCDIR/tests/integ/label_order.py" "$T/c.pcap" >"$T/want" ||
    fail "label_order.py"
# the client's side of each connection: start, sport, label
python3 "$MF_SRCDIR/tests/integ/ipfix_records.py" labels "$T/c.ipfix" |
    awk -F '\t' -v c="$CLI" -v s="$SRV" '$4 == c && $5 == s && $6 == 6 &&
	$8 == 8000 { print $1 "\t" $4 " " $7 " " $5 " " $8 " " $11 }' |
    sort -n | cut -f2 >"$T/got"
assert_eq "four connections, in order" 4 "$(wc -l <"$T/want")"
assert_eq "labels by the rule (tshark)" "$(cat "$T/want")" "$(cat "$T/got")"
assert_eq "the first page is labelled www.news.example" www.news.example \
    "$(head -n 1 "$T/got" | cut -d' ' -f5)"
assert_eq "names in order" "www.news.example img.news.example img.news.example www.news.example" \
    "$(cut -d' ' -f5 "$T/got" | tr '\n' ' ' | sed 's/ $//')"
finish
