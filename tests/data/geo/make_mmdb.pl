#!/usr/bin/perl
# SPDX-License-Identifier: BSD-2-Clause
# make_mmdb.pl OUT [CIDR=CC ...]: a small MaxMind DB for the tests (Debian's
# libmaxmind-db-writer-perl), in the layout of GeoLite2 Country and ASN
# merged: country/iso_code, registered_country/iso_code,
# autonomous_system_number, autonomous_system_organization.  The networks
# are documentation ranges and one real range of a capture in shared/
# (mixed-windows-browsing-http-https.pcap's 138.201.208.0/24).
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my $out = shift or die "usage: $0 OUT [CIDR=CC ...]\n";
my %types = (
	country                        => 'map',
	registered_country             => 'map',
	iso_code                       => 'utf8_string',
	autonomous_system_number       => 'uint32',
	autonomous_system_organization => 'utf8_string',
);
my $tree = MaxMind::DB::Writer::Tree->new(
	ip_version            => 6,
	record_size           => 24,
	database_type         => 'minflow-test',
	languages             => ['en'],
	description           => { en => 'minflow test database' },
	alias_ipv6_to_ipv4    => 1,
	# The documentation ranges are reserved: keep them.
	remove_reserved_networks => 0,
	map_key_type_callback => sub { $types{ $_[0] } },
);
# More networks from the command line: CIDR=CC (a country only),
# first: the networks below, inserted after, win inside them.
for my $arg (@ARGV) {
	my ($net, $cc) = split /=/, $arg, 2;
	die "bad network '$arg' (CIDR=CC)\n" unless defined $cc && $cc =~ /^[A-Z]{2}$/;
	$tree->insert_network($net, { country => { iso_code => $cc } });
}
$tree->insert_network('138.201.208.0/24', {
	country => { iso_code => 'DE' },
	autonomous_system_number => 24940,
	autonomous_system_organization => 'Hetzner Online GmbH',
});
$tree->insert_network('198.51.100.0/24', {
	country => { iso_code => 'NL' },
	autonomous_system_number => 64500,
	autonomous_system_organization => 'Example Transit',
});
$tree->insert_network('2001:db8::/32', {
	country => { iso_code => 'SE' },
	autonomous_system_number => 64501,
	autonomous_system_organization => 'Example Six',
});
# Only a registered country, as for anycast ranges.
$tree->insert_network('203.0.113.0/24', {
	registered_country => { iso_code => 'JP' },
});
open(my $fh, '>:raw', $out) or die "$out: $!\n";
$tree->write_tree($fh);
close($fh) or die "$out: $!\n";
