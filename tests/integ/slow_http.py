#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""An HTTP server that answers every GET after DELAY seconds:

    slow_http.py ADDRESS PORT DELAY

The connection then lives long enough for a capture to see it while its
client's socket is still open, whatever the machine's load.
"""
import http.server
import sys
import time


class Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the library's name)
        time.sleep(DELAY)
        body = b"hello\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass


if __name__ == "__main__":
    DELAY = float(sys.argv[3])
    http.server.HTTPServer((sys.argv[1], int(sys.argv[2])), Slow).serve_forever()
