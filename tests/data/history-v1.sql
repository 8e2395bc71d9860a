-- SPDX-License-Identifier: BSD-2-Clause
-- A history database of schema version 1 (minflow-history(5)): the
-- tables as the first collector with a history made them (no state per
-- anomaly) and a few rows, for tests/unit/test_history.c, which opens it
-- with the writer and checks the upgrade to the current version.
PRAGMA auto_vacuum = INCREMENTAL;
CREATE TABLE agg(kind INTEGER NOT NULL, level INTEGER NOT NULL,
 t INTEGER NOT NULL, k1 TEXT NOT NULL, k2 TEXT NOT NULL DEFAULT '',
 v0 INTEGER NOT NULL DEFAULT 0, v1 INTEGER NOT NULL DEFAULT 0,
 v2 INTEGER NOT NULL DEFAULT 0, v3 INTEGER NOT NULL DEFAULT 0,
 v4 INTEGER NOT NULL DEFAULT 0,
 PRIMARY KEY(kind, level, t, k1, k2)) WITHOUT ROWID;
CREATE TABLE device(id TEXT PRIMARY KEY, mac TEXT, name TEXT,
 name_source TEXT, vendor TEXT, random_mac INTEGER,
 addresses TEXT NOT NULL DEFAULT '[]', first_seen INTEGER NOT NULL,
 last_seen INTEGER NOT NULL);
CREATE TABLE anomaly(type TEXT NOT NULL, address TEXT NOT NULL,
 first INTEGER NOT NULL, last INTEGER NOT NULL, device TEXT,
 score INTEGER NOT NULL DEFAULT 0, detections INTEGER NOT NULL DEFAULT 0,
 flows INTEGER NOT NULL DEFAULT 0, target_count INTEGER NOT NULL DEFAULT 0,
 reported INTEGER NOT NULL, PRIMARY KEY(type, address, first));
CREATE INDEX anomaly_last ON anomaly(last);
CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
-- 2023-11-14 22:13:00 UTC: one interval of 60 s.
INSERT INTO agg VALUES(0, 0, 1699999980, 'out', '', 3, 30, 3000, 0, 0);
INSERT INTO agg VALUES(0, 1, 1699999200, 'out', '', 3, 30, 3000, 0, 0);
INSERT INTO agg VALUES(0, 2, 1699920000, 'out', '', 3, 30, 3000, 0, 0);
INSERT INTO agg VALUES(0, 3, 1698796800, 'out', '', 3, 30, 3000, 0, 0);
INSERT INTO anomaly VALUES('port_scan_vertical', '192.168.1.20',
 1699999990, 1700000030, '192.168.1.20', 40, 1, 200, 200, 1699999980);
INSERT INTO meta VALUES('newest', 1699999980), ('first', 1699999980),
 ('interval', 60);
PRAGMA user_version = 1;
