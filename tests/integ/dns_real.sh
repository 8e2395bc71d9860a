#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The DNS parser on the real answers of the shared captures:
# tests/fuzz/dns_seeds.sh takes every unfragmented DNS response from UDP
# port 53 out of them (the same files seed fuzz_dns), then test_dns_real
# checks that each parses, that each prefix of each fails or agrees with
# the whole, and that the query names read as tshark shows them.
. "$MF_SRCDIR/tests/integ/lib.sh"
need tshark perl
need_shared
prog="$MF_BUILDDIR/test_dns_real"
[ -x "$prog" ] || skip "no $prog (make check builds it)"
mk_tmp

n=$(with_timeout 300 sh "$MF_SRCDIR/tests/fuzz/dns_seeds.sh" \
    "$MF_SHARED_DIR/pcaps" "$MF_TMP/seeds" "$MF_TMP/index") ||
    fail "dns_seeds.sh"
[ "${n:-0}" -gt 0 ] || fail "real answers found" "none"
assert_eq "index lines" "$n" "$(wc -l <"$MF_TMP/index" | tr -d ' ')"

if MF_DNS_SEEDS="$MF_TMP/seeds" MF_DNS_SEEDS_INDEX="$MF_TMP/index" \
    with_timeout 600 "$prog" >"$MF_TMP/out" 2>&1; then
	printf 'ok - test_dns_real\n'
else
	fail "test_dns_real"
fi
sed 's/^/#   /' "$MF_TMP/out"
assert_eq "answers checked" "$n real answers, every prefix checked" \
    "$(grep 'real answers' "$MF_TMP/out")"
finish
