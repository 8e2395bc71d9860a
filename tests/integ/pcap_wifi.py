#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# pcap_wifi.py FILE: a classic pcap of link type IEEE802_11 (105) holding
# one 4-byte frame, for a link type the exporter does not decode.
import struct, sys
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 105))
    f.write(struct.pack("<IIII", 1, 0, 4, 4) + b"\0\0\0\0")
