#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The web page's rendering on its own: tests/integ/web_page.sh with the
# reports served by tests/integ/web_fixture.py (the API's shapes, and one
# device whose name and vendor hold raw markup, U+202E, controls, U+FFFD)
# instead of minflow-collector.  Screenshots: tests/integ/out/web_render/.
MF_WEB_FIXTURE=1 exec "${SHELL:-/bin/sh}" \
    "${MF_SRCDIR:-$(dirname "$0")/../..}/tests/integ/web_page.sh"
