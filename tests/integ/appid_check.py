#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Check the application rule of minflow-exporter(8) on every flow record
of IPFIX files (read through ipfix_records.py, that is ipfixDump):

  appid_check.py FILE...

silkAppLabel must be a port of the record between 1 and 1023 when it has
one (TCP, UDP, SCTP, DCCP), else 0; applicationId must carry the same port
after classification engine 3, or all zero for none (ipfixDump prints the 3-octet array as the
integer its bytes make read little-endian).  Prints one line per file,
"FILE RECORDS BAD", then the first bad records; exit status 1 if any.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PORT_PROTOS = {6, 17, 132, 136}


def records(path):
    out = subprocess.run([sys.executable, os.path.join(HERE,
                                                       "ipfix_records.py"),
                          "records", path], check=True,
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        yield dict(kv.split("=", 1) for kv in line.split("\t") if "=" in kv)


def expected(r):
    if int(r.get("protocolIdentifier", 0)) not in PORT_PROTOS:
        return {0}
    ports = {int(r.get(k, 0)) for k in ("sourceTransportPort",
                                        "destinationTransportPort")}
    low = {p for p in ports if 1 <= p <= 1023}
    return low or {0}


def main(paths):
    bad_any = False
    for path in paths:
        n = 0
        bad = []
        for r in records(path):
            n += 1
            app = int(r.get("silkAppLabel", -1))
            want = expected(r)
            aid = int(r.get("applicationId", -1))
            aid_want = 3 | (app >> 8) << 8 | (app & 0xff) << 16 if app \
                else 0
            if app not in want or aid != aid_want:
                bad.append(r)
        print("%s %d %d" % (os.path.basename(path), n, len(bad)))
        for r in bad[:3]:
            print("  bad:", r.get("protocolIdentifier"),
                  r.get("sourceTransportPort"),
                  r.get("destinationTransportPort"),
                  r.get("silkAppLabel"), r.get("applicationId"))
        bad_any = bad_any or bool(bad)
    return 1 if bad_any else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
