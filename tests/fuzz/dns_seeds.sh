#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# dns_seeds.sh PCAP_DIR OUT_DIR [INDEX]: write the UDP payload of every
# DNS response found in the captures of PCAP_DIR (*.pcap, *.pcapng) into
# OUT_DIR, one binary file per message, named CAPTURE-FRAME.dns.  These are
# the real answers of the parser's unit test (MF_DNS_SEEDS) and the seed
# corpus of fuzz_dns; they are made at run time, never committed.  With
# INDEX, also write there one line per file: its name in OUT_DIR, a tab and
# the query name as tshark shows it (dns.qry.name), for MF_DNS_SEEDS_INDEX.
#
# Taken: DNS responses from UDP port 53 in unfragmented IPv4 or IPv6
# packets, not quoted inside ICMP errors, and not cut by a snaplen (the
# payload must be whole).  Prints the number of .dns files in OUT_DIR.
set -u
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "usage: $0 PCAP_DIR OUT_DIR [INDEX]" >&2
	exit 2
fi
pcaps=$1
out=$2
index=${3:-/dev/null}
command -v tshark >/dev/null 2>&1 || {
	echo "$0: tshark not found" >&2
	exit 1
}
mkdir -p "$out" || exit 1
: >"$index" || exit 1

# ip.flags.mf is a field that is present (as 0 or 1) in every IPv4
# packet, so it is compared, not just named.
v4='ip && ip.flags.mf == 0 && ip.frag_offset == 0'
v6='ipv6 && !ip && !ipv6.fraghdr'
filter="dns.flags.response == 1 && udp.srcport == 53 && !icmp && !icmpv6"
filter="$filter && frame.cap_len == frame.len && (($v4) || ($v6))"

n=0
for pcap in "$pcaps"/*.pcap "$pcaps"/*.pcapng; do
	[ -f "$pcap" ] || continue
	base=$(basename "$pcap")
	base=${base%.*}
	# One "FRAME HEX NAME" line per response; perl-base is always there.
	tshark -n -r "$pcap" -Y "$filter" -T fields -e frame.number \
	    -e udp.payload -e dns.qry.name 2>/dev/null |
	    OUT="$out" BASE="$base" perl -ne '
		chomp;
		my ($frame, $hex, $name) = split /\t/;
		next unless defined $hex && $hex =~ /^([0-9a-f]{2})+$/;
		my $f = "$ENV{BASE}-$frame.dns";
		open(my $fh, ">:raw", "$ENV{OUT}/$f") or die "$f: $!\n";
		print $fh pack("H*", $hex);
		close($fh) or die "$f: $!\n";
		print "$f\t", $name // "", "\n";
	' >>"$index" || exit 1
done
n=$(find "$out" -name '*.dns' -type f | wc -l)
echo "$n"
