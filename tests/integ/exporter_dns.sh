#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# DNS labels, DNS records, TLS server names and HTTP Host headers
# (man/minflow-exporter.8 "DNS labels", "DNS records") on every shared
# capture that holds DNS answers, against tshark (tests/integ/dns_truth.py)
# and read back through libfixbuf's ipfixDump (tests/integ/ipfix_records.py):
#
# a. The exported answers (dnsQueryResponse 1) are exactly tshark's
#    unfragmented DNS responses from port 53, record for record (time,
#    server, client, ports, dnsID, query name).  tshark 4.0's
#    `!ip.flags.mf` matches nothing, so fragments are excluded by value,
#    and DNS quoted inside ICMP errors is left out (nobody received it as
#    an answer; minflow reads ICMP errors as ICMP).  Whatever tshark shows
#    that our parser rejects must be counted in dns-malformed: on these
#    captures that is none (even dns-bad-traffic's odd answers parse).
#    dns-fragmented counts the first fragments of answers from port 53
#    (minflow reassembles nothing): tshark's reassembled responses plus
#    the fragmented answers whose other fragments the capture lacks
#    (dns-amplification-rrsig-fragmented: 338 + 145), the same number as
#    tshark's first fragments of DNS responses read with reassembly off.
# b. Labels (biflow runs, one record per flow): a flow whose remote side
#    was named by an A/AAAA answer to the same client carries the query
#    name of the latest such answer seen before the flow started (if its
#    clamped TTL had not run out), or of one seen after it started: the
#    exporter labels at export, and the export time is not in the record,
#    so any answer up to the end of the capture is allowed there.  Checked
#    once with --dns-ttl-min=--dns-ttl-max=604800 (TTLs out of the way)
#    and once with the default clamp (60 s .. 1 day: the TTL rule, e.g.
#    13 of 21 mixed-home-iot flows lose their label).  No flow gets a DNS
#    label (sources 1, 2) for addresses no answer named.  Uniflow records
#    carry the same labels as biflow ones.  Names with bytes minflow
#    escapes as \DDD are rebuilt from tshark's wire bytes and counted.
# c. tls-sni / http-host labels equal the server name / Host tshark shows
#    in the same TCP conversation while the record's flow was open; run
#    again with `-f 'not port 53'` (no answers seen) every such flow must
#    carry it, except requests split over TCP segments (not joined,
#    counted as *-partial): 2 flows of mobile-apps-http-timestamp-jumps.
# d. tshark decodes the IPFIX files without a malformed packet and
#    ipfixDump -y names every DNS element.
# e. The statistics record holds the same DNS and label counters as
#    --stats.
# f. --no-dns: no DNS templates, labelSource 0 everywhere, same totals.
# g. A name cache of 16 entries (evictions) still exits and still labels
#    only with names some answer gave.
. "$MF_SRCDIR/tests/integ/lib.sh"
need tshark ipfixDump python3
need_shared
need_exporter
mk_tmp

P=$MF_SHARED_DIR/pcaps
REC=$MF_SRCDIR/tests/integ/ipfix_records.py
TRUTH=$MF_SRCDIR/tests/integ/dns_truth.py
LONG="--dns-ttl-min=604800 --dns-ttl-max=604800"
T=$MF_TMP

rec() { with_timeout 300 python3 "$REC" "$@"; }
dtruth() { with_timeout 600 python3 "$TRUTH" "$@"; }
export_to() { # OUT STATS OPTIONS... (exit status checked)
	_o=$1 _s=$2
	shift 2
	with_timeout 300 "$MF_EXPORTER" -w "$_o" --stats "$@" 2>"$_s" ||
	    fail "exporter $*" "status $?"
}
# stat_of FILE NAME: the value of "NAME VALUE" lines (--stats, dns_truth.py)
stat_of() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

# --- which captures hold DNS answers ---------------------------------------
found=""
for f in "$P"/*.pcap "$P"/*.pcapng; do
	n=$(tshark -n -r "$f" -Y 'dns.flags.response == 1 &&
	    (udp.srcport == 53 || tcp.srcport == 53)' 2>/dev/null | wc -l)
	[ "$n" -gt 0 ] && found="$found ${f##*/}"
done
for want in linux-sll2-dns.pcap vlan-dns.pcap http-espn-browsing.pcapng \
    mixed-windows-browsing-http-https.pcap dns-tunnel-iodine.pcap \
    dns-bad-traffic.pcap dns-amplification-rrsig-fragmented.pcap \
    mobile-apps-http-timestamp-jumps.pcap; do
	case " $found " in
	*" $want "*) ;;
	*) fail "$want holds DNS answers" ;;
	esac
done
# ipv4-ipv6-dual-stack-http has none (tshark finds no DNS in it).
printf '# captures with DNS answers:%s\n' "$found"

# --- a, d, e, f: one capture ------------------------------------------------
check_records() { # NAME FILE
	name=$1 f=$2
	export_to "$T/u.ipfix" "$T/u.stats" -r "$f"
	dtruth counts "$f" >"$T/counts"
	dtruth answers "$f" >"$T/answers.tshark"
	rec dns "$T/u.ipfix" >"$T/dns"
	awk -F'\t' '$8 == 1 { print $1, $2, $3, $4, $5, $7, $12 }' "$T/dns" |
	    sort -u >"$T/answers.minflow"
	assert_files_eq "$name: answers = tshark's responses" \
	    "$T/answers.tshark" "$T/answers.minflow"
	resp=$(stat_of "$T/counts" responses)
	got=$(wc -l <"$T/answers.minflow" | tr -d ' ')
	assert_eq "$name: responses not exported = dns-malformed" \
	    "$(stat_of "$T/u.stats" dns-malformed)" "$((resp - got))"
	assert_eq "$name: dns-answers" "$resp" "$(stat_of "$T/u.stats" dns-answers)"
	assert_eq "$name: dns-fragmented = tshark's first fragments" \
	    "$(stat_of "$T/counts" first-fragments)" \
	    "$(stat_of "$T/u.stats" dns-fragmented)"
	assert_eq "$name: first fragments = reassembled + incomplete" \
	    "$(stat_of "$T/counts" first-fragments)" \
	    "$(($(stat_of "$T/counts" reassembled) + $(stat_of "$T/counts" incomplete)))"
	assert_eq "$name: DNS records = dns-records-exported" \
	    "$(stat_of "$T/u.stats" dns-records-exported)" \
	    "$(wc -l <"$T/dns" | tr -d ' ')"
	assert_eq "$name: unanswered records = dns-unanswered" \
	    "$(stat_of "$T/u.stats" dns-unanswered)" \
	    "$(awk -F'\t' '$8 == 0' "$T/dns" | wc -l | tr -d ' ')"
	printf '# %s: %s responses (%s names with \\DDD), %s reassembled, %s incomplete\n' \
	    "$name" "$resp" "$(grep -c '\\' "$T/answers.minflow")" \
	    "$(stat_of "$T/counts" reassembled)" "$(stat_of "$T/counts" incomplete)"
	bad=$(tshark -r "$T/u.ipfix" -Y '_ws.malformed || _ws.expert.severity >= error' \
	    2>/dev/null | wc -l)
	assert_eq "$name: tshark finds no malformed message" 0 "$bad"
	check_stats_record "$name" "$T/u.ipfix" "$T/u.stats"
	check_no_dns "$name" "$f"
}

check_stats_record() { # NAME IPFIX STATS
	for pair in dnsAnswersParsed=dns-answers \
	    dnsAnswersMalformed=dns-malformed \
	    dnsAnswersFragmented=dns-fragmented \
	    dnsQueriesUnanswered=dns-unanswered \
	    dnsNamesCached=dns-names-cached dnsNamesEvicted=dns-names-evicted \
	    flowsUnlabelled=flows-label-none flowsLabelledDns=flows-label-dns \
	    flowsLabelledDnsOtherClient=flows-label-dns-other-client \
	    flowsLabelledTlsSni=flows-label-tls-sni \
	    flowsLabelledHttpHost=flows-label-http-host; do
		assert_eq "$1: statistics record ${pair%%=*}" \
		    "$(stat_of "$3" "${pair#*=}")" \
		    "$(rec stats "$2" "${pair%%=*}")"
	done
}

check_no_dns() { # NAME FILE
	export_to "$T/n.ipfix" "$T/n.stats" -r "$2" --no-dns
	assert_eq "$1 --no-dns: no DNS templates" 0 \
	    "$(ipfixDump -y -t --in "$T/n.ipfix" 2>/dev/null |
	        grep -c 'tid:   26[12] ')"
	assert_eq "$1 --no-dns: labelSource 0 everywhere" 0 \
	    "$(rec labels "$T/n.ipfix" | cut -f9 | sort -u)"
	assert_eq "$1 --no-dns: same totals" "$(rec totals "$T/u.ipfix")" \
	    "$(rec totals "$T/n.ipfix")"
	assert_eq "$1 --no-dns: same flows" "$(rec flows "$T/u.ipfix")" \
	    "$(rec flows "$T/n.ipfix")"
}

# --- b: labels -----------------------------------------------------------
check_labels() { # NAME FILE
	name=$1 f=$2
	export_to "$T/b.ipfix" "$T/b.stats" -r "$f" --biflow $LONG
	dtruth labels "$f" "$T/b.ipfix" 604800 604800 >"$T/l.out"
	assert_eq "$name: DNS labels as tshark's answers say" "bad 0" \
	    "$(grep '^bad ' "$T/l.out")"
	grep '^BAD' "$T/l.out" | head -n 20 | sed 's/^/#   /'
	printf '# %s: %s\n' "$name" "$(grep -v BAD "$T/l.out" | tr '\n' ' ')"
	export_to "$T/u2.ipfix" "$T/u2.stats" -r "$f" $LONG
	assert_eq "$name: uniflow labels = biflow labels" \
	    "$(label_set "$T/b.ipfix")" "$(label_set "$T/u2.ipfix")"
	export_to "$T/t.ipfix" "$T/t.stats" -r "$f" --biflow
	dtruth labels "$f" "$T/t.ipfix" 60 86400 >"$T/l.out"
	assert_eq "$name: DNS labels with the default TTL clamp" "bad 0" \
	    "$(grep '^bad ' "$T/l.out")"
	grep '^BAD' "$T/l.out" | head -n 20 | sed 's/^/#   /'
}

# Both directions' endpoints (sorted), protocol, label source and label.
label_set() {
	rec labels "$1" | awk -F'\t' '{
	    a = $4 " " $7; b = $5 " " $8
	    if (a > b) { t = a; a = b; b = t }
	    print a, b, $6, $9, $11 }' | sort -u
}

# --- c: TLS server names and HTTP Host headers ------------------------------
check_l7() { # NAME FILE MISSING
	name=$1 f=$2
	dtruth l7 "$f" "$T/b.ipfix" >"$T/7.out"
	assert_eq "$name: SNI/Host labels as tshark shows them" "bad 0" \
	    "$(grep '^bad ' "$T/7.out")"
	grep '^BAD' "$T/7.out" | head -n 20 | sed 's/^/#   /'
	export_to "$T/s.ipfix" "$T/s.stats" -r "$f" --biflow -f 'not port 53'
	dtruth l7 "$f" "$T/s.ipfix" >"$T/7.out"
	printf '# %s without DNS: %s\n' "$name" "$(tr '\n' ' ' <"$T/7.out")"
	assert_eq "$name without DNS: SNI/Host labels as tshark shows them" \
	    "bad 0" "$(grep '^bad ' "$T/7.out")"
	assert_eq "$name without DNS: every flow tshark names is labelled" \
	    "$(stat_of "$T/7.out" tshark-named-flows)" \
	    "$(($(stat_of "$T/7.out" tls-sni) + $(stat_of "$T/7.out" http-host) + $3))"
	assert_eq "$name without DNS: unlabelled ones" "$3" \
	    "$(stat_of "$T/7.out" named-but-unlabelled)"
}

for n in $found; do
	check_records "$n" "$P/$n"
	check_labels "$n" "$P/$n"
done
# Captures with TLS or HTTP; the number of flows whose request was split
# over TCP segments (tshark joins them, minflow does not).
for nm in http-espn-browsing.pcapng:0 mixed-windows-browsing-http-https.pcap:0 \
    mobile-apps-http-timestamp-jumps.pcap:2 \
    dns-amplification-rrsig-fragmented.pcap:0 ipv6-http.pcap:0 \
    ipv4-ipv6-dual-stack-http.pcapng:0 linux-sll-kakaotalk.pcap:0 \
    vlan-mpls-mixed.pcap:0; do
	n=${nm%:*}
	export_to "$T/b.ipfix" "$T/b.stats" -r "$P/$n" --biflow
	check_l7 "$n" "$P/$n" "${nm#*:}"
done

# --- d: ipfixDump names the DNS elements ------------------------------------
export_to "$T/e.ipfix" "$T/e.stats" -r "$P/http-espn-browsing.pcapng"
ipfixDump -y --in "$T/e.ipfix" >"$T/dump" 2>/dev/null
for ie in dnsQName dnsCName dnsQRType dnsNXDomain dnsTTL dnsID \
    dnsQueryResponse basicList; do
	assert_eq "ipfixDump -y names $ie in template 261" 1 \
	    "$(sed -n '/tid:   261 /,/^---/p' "$T/dump" | grep -c " $ie\$")"
done
assert_eq "ipfixDump -y: a basicList of sourceIPv4Address per answer" 14 \
    "$(grep -c 'ie: (8) sourceIPv4Address' "$T/dump")"

# --- g: a full name cache -------------------------------------------------
for n in mixed-windows-browsing-http-https.pcap \
    dns-amplification-rrsig-fragmented.pcap; do
	export_to "$T/g.ipfix" "$T/g.stats" -r "$P/$n" --biflow \
	    --max-dns-names=16 $LONG
	ev=$(stat_of "$T/g.stats" dns-names-evicted)
	[ "${ev:-0}" -gt 0 ] || fail "$n --max-dns-names=16: evictions" "$ev"
	assert_eq "$n --max-dns-names=16: evictions in the record" "$ev" \
	    "$(rec stats "$T/g.ipfix" dnsNamesEvicted)"
	dtruth labels "$P/$n" "$T/g.ipfix" 604800 604800 >"$T/l.out"
	# Evicted answers cannot label: only wrong names are errors here.
	assert_eq "$n --max-dns-names=16: no wrong DNS label" "" \
	    "$(grep '^BAD' "$T/l.out" | grep -v 'want 1')"
done
finish
