#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The web page's weight: every static file minflow-collector serves (the
# fixed list of web/), as `make install` puts them in $(pkgdatadir)/web,
# raw and gzip -9 (what a browser fetches on a first visit without and
# with compression).  Goal: under 200 KB in all, raw.
#   bench/page_weight.sh [BUILD_DIR]   (default: build/, after make)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${MF_BUILDDIR:-$top/build}}
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
make -C "$build" install-dist_webDATA install-nodist_webDATA DESTDIR="$dest" \
    >/dev/null
dir=$(find "$dest" -type d -path '*/minflow/web' | head -n 1)
printf '| file | bytes | gzip -9 |\n| --- | ---: | ---: |\n'
total=0
gz_total=0
for f in index.html app.js app.css favicon.svg uplot.min.js uplot.min.css; do
	n=$(wc -c <"$dir/$f")
	g=$(gzip -9 -c "$dir/$f" | wc -c)
	total=$((total + n))
	gz_total=$((gz_total + g))
	printf '| %s | %d | %d |\n' "$f" "$n" "$g"
done
printf '| **all** | **%d** | **%d** |\n' "$total" "$gz_total"
[ "$total" -lt 204800 ] || { echo "over the 200 KB goal" >&2; exit 1; }
